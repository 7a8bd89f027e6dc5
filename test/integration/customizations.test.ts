// Customizations against the real database: every bad input of the list is refused with a message naming
// the field (and its line, for a file), and nothing is saved; a shared profile never carries a password hash.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { customizationsFields } from "@/contracts/customizations";
import { defaultSelection, type Selection } from "@/contracts/selection";
import type { Actor } from "@/lib/auth/actor";
import { getChannelOrThrow } from "@/lib/catalog";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { createMachine } from "@/lib/machines";
import { createProfile, getProfileOrThrow, listProfiles } from "@/lib/profiles";
import { importProfile } from "@/lib/profiles/import";
import { listRevisions, saveRevision } from "@/lib/profiles/revisions";
import { getSharedProfile, importSharedProfile, shareProfile } from "@/lib/sharing";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const HASH = "$6$abcdefgh$oGoxMtczJ0/xYkNKQnGuC3pOdNoGsZRZNs7n5JzX8KfMJWEmD2Bx4wBt/tMCPvjE87aPyrlQPEKxEcxV6d4J6.";
const HEAD = "channel = mini\nbootloader = grub\nshell = busybox\nkernel = generic\ncompression = gzip\nnetwork = dhcp\nssh = dropbear\n";
const madeUsers: string[] = [];

async function makeUser(label: string): Promise<Actor> {
  const email = `${label}-${randomUUID()}@example.test`;
  const user = await getDb().user.create({ data: { email, name: label, passwordHash: "x" } });
  madeUsers.push(user.id);
  return { id: user.id, role: "MEMBER", email, name: label };
}

after(async () => {
  await getDb().user.deleteMany({ where: { id: { in: madeUsers } } });
  await getDb().$disconnect();
});

const file = (text: string) => ({ size: new TextEncoder().encode(text).length, text: async () => text });
const big = "  | " + "x".repeat(1023) + "\n";

// The list, as profile files: each must be refused naming its line and what is wrong.
const badFiles: [string, string, RegExp][] = [
  ["a hostname with a dot", "hostname = lab.example\n", /line 8: hostname "lab\.example" has a dot/],
  ["a hostname with an underscore", "hostname = lab_01\n", /line 8: hostname "lab_01" has an underscore/],
  ["a hostname of 64 characters", `hostname = ${"a".repeat(64)}\n`, /line 8: hostname "a+…?" is 64 characters/],
  ["two users of one name", "user = alice\nuser = alice\n", /line 8: users\[alice\]\.name "alice" is given twice/],
  ["a user named like a system account", "user = sshd\n", /line 8: users\[sshd\]\.name "sshd" is a system account's name/],
  ["a key of the wrong type", "user = alice\nssh-key = alice ssh-dss AAAAB3NzaC1kc3M= x\n", /line 9: users\[alice\]\.keys\[1\] has the type "ssh-dss"/],
  ["a key with bad base64", "user = alice\nssh-key = alice ssh-ed25519 AAAA*AAA x\n", /line 9: .*not valid base64/],
  ["a private key pasted by mistake", "user = alice\nssh-key = alice -----BEGIN OPENSSH PRIVATE KEY-----\n", /line 9: .*is a private key: never paste that/],
  ["file = ../etc/x", "file = ../etc/x mode=0644\n", /line 8: files\[\.\.\/etc\/x\]\.path "\.\.\/etc\/x" is not absolute/],
  ["file = /proc/x", "file = /proc/x mode=0644\n", /line 8: .*is under \/proc, which the system owns/],
  ["/etc/motd twice", "file = /etc/motd mode=0644\nfile = /etc/motd mode=0644\n", /line 9: files\[\/etc\/motd\]\.path "\/etc\/motd" is given twice/],
  ["65 KB of content", `file = /etc/big mode=0644\n${big.repeat(65)}`, /line 8: files\[\/etc\/big\]\.content is 65 KB: a file is at most 64 KB/],
  ["a kernel argument with a quote", 'kernel-arg = foo="bar"\n', /line 8: kernelArgs\[1\] .*has a quote/],
  ["a kernel argument with a space", "kernel-arg = a b\n", /line 8: kernelArgs\[1\] "a b" has a space/],
  ["a kernel argument the system relies on", "kernel-arg = console=ttyS1\n", /line 8: .*sets console, which the system relies on/],
  ["a NUL character", "hostname = lab\u000001\n", /line 8: this line contains a NUL character/],
  ["a control character in content", "first-boot =\n  | echo \u001b[2J\n", /line 9: this content line contains the control character U\+001B/],
  ["a 10,000-line profile file", "# x\n".repeat(10_000), /the profile has 10008 lines; a profile is at most 5000/],
];

test("every bad customization in a profile file is refused naming its line, and no profile is made", async () => {
  const actor = await makeUser("alice");
  const machine = await createMachine({ actor, input: { name: "lab", arch: "x86_64", notes: "" } });
  for (const [what, lines, pattern] of badFiles) {
    await assert.rejects(
      importProfile({ actor, machineId: machine.id, name: what, file: file(HEAD + lines) }),
      (error: unknown) => isAppError(error) && error.code === "BAD_REQUEST" && pattern.test(error.message),
      what,
    );
  }
  assert.deepEqual(await listProfiles({ actor, machineId: machine.id }), [], "nothing was saved");
});

test("a bad customization in a saved selection (JSON, as the configurator and the API send it) saves no revision", async () => {
  const actor = await makeUser("bob");
  const machine = await createMachine({ actor, input: { name: "lab", arch: "x86_64", notes: "" } });
  const { catalog } = await getChannelOrThrow("mini");
  const base = { ...defaultSelection(catalog), roles: { ...defaultSelection(catalog).roles, ssh: "dropbear" } };
  const profile = await createProfile({ actor, machineId: machine.id, name: "p", channel: "mini", selection: base });
  const bad: [Partial<Selection["customizations"]>, RegExp][] = [
    [{ kernelArgs: ["a\nb"] }, /kernelArgs\[1\] .*has a line break/],
    [{ firstBoot: "echo \u0000\n" }, /firstBoot contains a NUL character/],
    [{ users: [{ name: "alice", groups: [], keys: [], passwordHash: "secret" }] }, /not a sha512-crypt hash/],
  ];
  for (const [customizations, pattern] of bad) {
    await assert.rejects(
      saveRevision({ actor, profileId: profile.id, baseNumber: 1, selection: { ...base, customizations: customizations as Selection["customizations"] } }),
      (error: unknown) => isAppError(error) && error.code === "BAD_REQUEST" && pattern.test(`${error.message} ${JSON.stringify(error.details)}`),
      JSON.stringify(customizations),
    );
  }
  assert.equal((await listRevisions({ actor, profileId: profile.id })).length, 1, "still only the first revision");
});

test("a shared profile says a password is set but never shows its hash; an import of it carries none", async () => {
  const actor = await makeUser("carol");
  const machine = await createMachine({ actor, input: { name: "lab", arch: "x86_64", notes: "" } });
  const { catalog } = await getChannelOrThrow("mini");
  const customizations = customizationsFields.parse({ hostname: "lab-01", users: [{ name: "alice", groups: ["admin"], keys: [KEY], passwordHash: HASH }] });
  const selection = { ...defaultSelection(catalog), roles: { ...defaultSelection(catalog).roles, ssh: "dropbear" }, customizations };
  const profile = await createProfile({ actor, machineId: machine.id, name: "shared", channel: "mini", selection });
  const { token } = await shareProfile({ actor, profileId: profile.id });
  const shared = await getSharedProfile({ token });
  assert.ok(!JSON.stringify(shared).includes(HASH), "no hash anywhere in what the share page gets");
  assert.match(shared.profileText, /^password = alice \(set\)$/m);
  const other = await makeUser("dave");
  const otherMachine = await createMachine({ actor: other, input: { name: "mine", arch: "x86_64", notes: "" } });
  const created = await importSharedProfile({ actor: other, token, machineId: otherMachine.id, name: "copy" });
  const copy = await getProfileOrThrow({ actor: other, profileId: created.id });
  assert.equal(copy.latest.selection.customizations?.users[0]?.passwordHash, undefined);
  assert.equal(copy.latest.selection.customizations?.hostname, "lab-01");
  assert.match(copy.latest.message, /passwords are not shared: set new ones under System/);
});
