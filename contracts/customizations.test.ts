import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogSchema } from "./catalog";
import { customizationsFields, textToBase64, validateCustomizations, type Customizations } from "./customizations";
import { selectionHash, validateSelection } from "./selection";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const HASH = "$6$abcdefgh$oGoxMtczJ0/xYkNKQnGuC3pOdNoGsZRZNs7n5JzX8KfMJWEmD2Bx4wBt/tMCPvjE87aPyrlQPEKxEcxV6d4J6.";
const catalog = catalogSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../nix/channels/mini/catalog.json"), "utf8")));
const roles = { bootloader: "grub", shell: "busybox", kernel: "generic", compression: "gzip", network: "dhcp", ssh: "dropbear" };

const custom = (c: Partial<Customizations>): Customizations => customizationsFields.parse(c);
/** The one message for these customizations, which must name `field`. */
function refused(c: Partial<Customizations>, field: string, pattern: RegExp): void {
  const issues = validateCustomizations(custom(c));
  assert.ok(issues.length > 0, `refused: ${JSON.stringify(c).slice(0, 80)}`);
  assert.ok(
    issues.some((i) => i.field.startsWith(field) && i.message.startsWith(field) && pattern.test(i.message)),
    `${issues.map((i) => i.message).join(" | ")} names ${field} and matches ${pattern}`,
  );
}

test("a complete set of customizations is valid", () => {
  const c = custom({
    hostname: "lab-01",
    timezone: "Europe/Berlin",
    keymap: "de",
    users: [{ name: "alice", groups: ["admin"], keys: [KEY], passwordHash: HASH }],
    root: { keys: [KEY] },
    kernelArgs: ["mitigations=off", "nomodeset"],
    files: [{ path: "/etc/motd", mode: "0644", content: textToBase64("hello\n") }],
    firstBoot: "echo hi\n",
  });
  assert.deepEqual(validateCustomizations(c), []);
});

test("hostnames: a dot, an underscore, 64 characters, empty", () => {
  refused({ hostname: "lab.example" }, "hostname", /has a dot/);
  refused({ hostname: "lab_01" }, "hostname", /underscore/);
  refused({ hostname: "a".repeat(64) }, "hostname", /64 characters: a hostname is at most 63/);
  refused({ hostname: "" }, "hostname", /is empty/);
  refused({ hostname: "-lab" }, "hostname", /hyphen/);
});

test("timezones come from the pinned tzdata", () => {
  assert.deepEqual(validateCustomizations(custom({ timezone: "UTC" })), []);
  refused({ timezone: "Europe/Berlinn" }, "timezone", /not a zone of the pinned tzdata/);
  refused({ timezone: "europe/berlin" }, "timezone", /did you mean Europe\/Berlin/);
  refused({ files: [{ path: "/etc/localtime", mode: "0644", content: "" }] }, "files[/etc/localtime].path", /timezone customization/);
});

test("keymaps come from the pinned console-data", () => {
  refused({ keymap: "klingon" }, "keymap", /not a console keymap of the pinned console-data/);
});

test("users: two of one name, system account names, bad names, groups", () => {
  refused(
    {
      users: [
        { name: "alice", groups: [], keys: [] },
        { name: "alice", groups: [], keys: [] },
      ],
    },
    "users[alice].name",
    /given twice/,
  );
  for (const name of ["root", "daemon", "sshd", "nobody", "admin"])
    refused({ users: [{ name, groups: [], keys: [] }] }, `users[${name}].name`, /system account/);
  refused({ users: [{ name: "Alice", groups: [], keys: [] }] }, "users[Alice].name", /not a user name/);
  refused({ users: [{ name: "bob", groups: ["root"], keys: [] }] }, "users[bob].groups", /system account/);
});

test("SSH keys: wrong type, bad base64, a private key pasted, a garbled blob", () => {
  const user = (key: string) => ({ users: [{ name: "alice", groups: [], keys: [key] }] });
  refused(user("ssh-dss AAAAB3NzaC1kc3M= x"), "users[alice].keys[1]", /has the type "ssh-dss"/);
  refused(user("ssh-ed25519 not*base64 x"), "users[alice].keys[1]", /not valid base64/);
  refused(user("-----BEGIN OPENSSH PRIVATE KEY-----"), "users[alice].keys[1]", /is a private key: never paste that/);
  refused(user("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP"), "users[alice].keys[1]", /the key data says "ssh-ed25519"/);
  refused(user("ssh-ed25519"), "users[alice].keys[1]", /not an SSH public key/);
  refused({ root: { keys: ["ssh-ed25519 AAAA\u0000"] } }, "root.keys[1]", /NUL/);
});

test("kernel arguments: a quote, a space, a newline, the system's own", () => {
  refused({ kernelArgs: ['foo="bar"'] }, "kernelArgs[1]", /has a quote/);
  refused({ kernelArgs: ["a b"] }, "kernelArgs[1]", /has a space/);
  refused({ kernelArgs: ["a\nb"] }, "kernelArgs[1]", /line break/);
  for (const arg of ["console=ttyS1", "init=/bin/sh", "rdinit=/x", "root=/dev/sda", "panic=0", "zxcv.marker=1"])
    refused({ kernelArgs: [arg] }, "kernelArgs[1]", /the system relies on|system's own/);
  refused({ kernelArgs: ["a;reboot"] }, "kernelArgs[1]", /may have letters/);
});

test("files: .., /proc, a path twice, 65 KB, 1 MB in all, a file under another", () => {
  const file = (path: string, bytes = 4) => ({ path, mode: "0644", content: Buffer.alloc(bytes, "a").toString("base64") });
  refused({ files: [file("../etc/x")] }, "files[../etc/x].path", /not absolute/);
  refused({ files: [file("/etc/../x")] }, "files[/etc/../x].path", /has \.\./);
  for (const tree of ["/proc", "/sys", "/dev", "/nix"]) refused({ files: [file(`${tree}/x`)] }, `files[${tree}/x].path`, new RegExp(`under ${tree}`));
  refused({ files: [file("/etc/motd"), file("/etc/motd")] }, "files[/etc/motd].path", /given twice/);
  refused({ files: [file("/etc/big", 65 * 1024)] }, "files[/etc/big].content", /65 KB: a file is at most 64 KB/);
  refused({ files: Array.from({ length: 17 }, (_, i) => file(`/srv/f${i}`, 64 * 1024)) }, "files", /at most 1 MB in all/);
  refused({ files: [file("/etc/passwd")] }, "files[/etc/passwd].path", /users customization/);
  refused({ files: [file("/opt/a"), file("/opt/a/b")] }, "files[/opt/a].path", /needs it to be a folder/);
  refused({ files: [file("/etc/my file")] }, "files[/etc/my file].path", /may have letters/);
});

test("NUL and control characters in the first-boot script", () => {
  refused({ firstBoot: "echo \u0000\n" }, "firstBoot", /NUL/);
  refused({ firstBoot: "echo \u001b[2J\n" }, "firstBoot", /control character U\+001B/);
});

test("a selection's customizations go into its hash, and none hash as before", () => {
  const plain = { channel: "mini", roles, packages: [] };
  assert.equal(selectionHash({ ...plain, customizations: custom({}) }), selectionHash(plain));
  assert.notEqual(selectionHash({ ...plain, customizations: custom({ hostname: "lab-01" }) }), selectionHash(plain));
  assert.equal(
    selectionHash({
      ...plain,
      customizations: custom({
        users: [
          { name: "b", groups: [], keys: [] },
          { name: "a", groups: ["y", "x"], keys: [] },
        ],
      }),
    }),
    selectionHash({
      ...plain,
      customizations: custom({
        users: [
          { name: "a", groups: ["x", "y"], keys: [] },
          { name: "b", groups: [], keys: [] },
        ],
      }),
    }),
  );
});

test("the selection check refuses bad customizations as structural, and customizations without an SSH server", () => {
  const bad = validateSelection(catalog, { channel: "mini", roles, packages: [], customizations: custom({ hostname: "a.b" }) });
  assert.deepEqual(
    bad.map((p) => [p.code, p.subject]),
    [["invalid-customization", { customization: "hostname" }]],
  );
  const noSsh = validateSelection(catalog, { channel: "mini", roles: { ...roles, ssh: "none" }, packages: [], customizations: custom({ hostname: "lab" }) });
  assert.equal(noSsh[0]?.code, "customization-needs-ssh");
  assert.match(noSsh[0]!.message, /choose an SSH server/);
  assert.equal(noSsh[0]!.fixes[0]?.kind, "set-role");
});
