// `zxcv push` of a profile file with customizations against the running stack: created, changed, read back through
// the REST API as the same lines, and a bad key refused with its line before anything is sent.
// Run: npm test -- cli-customizations (it starts the stack and sets BASE_URL and DATABASE_URL).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { getDb } from "@/lib/db";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl, runCli } from "@/test/support/cli";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const HASH = "$6$abcdefgh$oGoxMtczJ0/xYkNKQnGuC3pOdNoGsZRZNs7n5JzX8KfMJWEmD2Bx4wBt/tMCPvjE87aPyrlQPEKxEcxV6d4J6.";
const PROFILE = [
  "channel = mini",
  "bootloader = grub",
  "compression = gzip",
  "kernel = generic",
  "network = dhcp",
  "shell = busybox",
  "ssh = dropbear",
  "hostname = lab-01",
  "kernel-arg = mitigations=off",
  "user = alice groups=admin",
  `ssh-key = alice ${KEY}`,
  `password = alice ${HASH}`,
  "file = /etc/motd mode=0644",
  "  | Welcome to lab-01",
  "first-boot =",
  "  | echo hello from first boot",
  "",
].join("\n");

let baseUrl: string;
let home: string;
let person: TestPerson;

before(async () => {
  baseUrl = requireBaseUrl();
  home = await mkdtemp(path.join(tmpdir(), "zxcv-cli-custom-"));
  person = await makePerson("alice");
});

after(async () => {
  await deletePeople([person]);
  await getDb().$disconnect();
  if (home) await rm(home, { recursive: true, force: true });
});

test("zxcv push: a customized profile is created, changed by one line, and reads back as the same text", async () => {
  assert.equal((await runCli(["login", "--url", baseUrl, "--token", person.token], { home })).code, 0);
  const file = path.join(home, "lab.zxcv");
  await writeFile(file, PROFILE);
  const push = await runCli(["push", file, "--machine", "lab"], { home });
  assert.equal(push.code, 0, push.stderr);
  const profileId = /created profile (\S+) /.exec(push.stdout)?.[1];
  assert.ok(profileId, push.stdout);

  await writeFile(file, PROFILE.replace("hostname = lab-01", "hostname = lab-02"));
  const changed = await runCli(["push", file, "--machine", "lab"], { home });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /saved profile .*revision 2/);

  const headers = { authorization: `Bearer ${person.token}` };
  const detail = (await (await fetch(`${baseUrl}/api/v1/profiles/${profileId}`, { headers })).json()) as {
    latest: { selection: { customizations?: { hostname?: string; users: { name: string; passwordHash?: string }[] } } };
  };
  assert.equal(detail.latest.selection.customizations?.hostname, "lab-02");
  assert.equal(detail.latest.selection.customizations?.users[0]?.passwordHash, HASH);
  const text = await (await fetch(`${baseUrl}/api/v1/profiles/${profileId}/text`, { headers })).text();
  assert.equal(text.replace(/^#.*\n/, ""), PROFILE.replace("hostname = lab-01", "hostname = lab-02"), "the exported text is the pushed file");

  const bad = path.join(home, "bad.zxcv");
  await writeFile(bad, PROFILE.replace(`ssh-key = alice ${KEY}`, "ssh-key = alice -----BEGIN OPENSSH PRIVATE KEY-----"));
  const refused = await runCli(["push", bad, "--machine", "lab", "--profile", "lab"], { home });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /line 11: users\[alice\]\.keys\[1\] is a private key: never paste that/);
});
