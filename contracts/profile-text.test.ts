import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProfileText, parseProfileText, PROFILE_TEXT_MAX_BYTES } from "./profile-text";
import { base64ToText } from "./customizations";
import { selectionHash } from "./selection";

const selection = { channel: "mini", roles: { bootloader: "grub", shell: "bash", kernel: "generic", compression: "zstd" }, packages: ["nano", "htop"] };

test("format then parse gives back the same selection (same hash)", () => {
  const text = formatProfileText(selection, { machine: "laptop", profile: "desktop", revision: 3 });
  assert.equal(
    text,
    "# ZXCV profile: laptop / desktop (revision 3)\nchannel = mini\nbootloader = grub\ncompression = zstd\nkernel = generic\nshell = bash\npackage = htop\npackage = nano\n",
  );
  const parsed = parseProfileText(text);
  assert.ok(parsed.ok);
  assert.equal(selectionHash(parsed.selection), selectionHash(selection));
});

test("the roles' order in the text does not depend on the order they were chosen in", () => {
  const reordered = { ...selection, roles: Object.fromEntries(Object.entries(selection.roles).reverse()) };
  assert.equal(formatProfileText(reordered, { machine: "a", profile: "b" }), formatProfileText(selection, { machine: "a", profile: "b" }));
});

test("a name with a line break cannot add a line to the file", () => {
  const text = formatProfileText(selection, { machine: "lap\ntop", profile: "x\r\nshell = zsh" });
  assert.equal(text.split("\n")[0], "# ZXCV profile: lap top / x shell = zsh");
  const parsed = parseProfileText(text);
  assert.ok(parsed.ok);
  assert.equal(parsed.selection.roles.shell, "bash");
});

test("swapping an alternative is changing one line", () => {
  const text = formatProfileText(selection);
  const swapped = formatProfileText({ ...selection, roles: { ...selection.roles, shell: "zsh" } });
  const changed = text.split("\n").filter((line, i) => line !== swapped.split("\n")[i]);
  assert.deepEqual(changed, ["shell = bash"]);
});

test("comments, blank lines and spacing are allowed; lineOf points at a role's and a package's line", () => {
  const parsed = parseProfileText("# mine\n\nchannel=mini\n  shell   =   bash   # the shell\npackage = htop\n");
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.selection, { channel: "mini", roles: { shell: "bash" }, packages: ["htop"] });
  assert.equal(parsed.lineOf({ role: "shell" }), 4);
  assert.equal(parsed.lineOf({ package: "htop" }), 5);
});

test("errors name their line: a role given twice, a duplicate package, a malformed line", () => {
  const parsed = parseProfileText("channel = mini\nshell = bash\nshell = zsh\npackage = htop\npackage = htop\nthis is not a line\n");
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  assert.deepEqual(
    parsed.errors.map((e) => e.line),
    [3, 5, 6],
  );
  assert.match(parsed.errors[0]!.message, /shell is set twice \(first on line 2\)/);
});

test("Nix syntax, paths and HTML never pass as names", () => {
  for (const value of ["${builtins.exec}", "''", "/nix/store/x", "../x", "<script>", "a b"]) {
    const parsed = parseProfileText(`channel = mini\nshell = ${value}\n`);
    assert.equal(parsed.ok, false, value);
    if (!parsed.ok) assert.equal(parsed.errors[0]!.line, 2);
  }
});

test("a missing channel line and an oversized file are refused with what to do", () => {
  const noChannel = parseProfileText("shell = bash\n");
  assert.ok(!noChannel.ok && /channel = mini/.test(noChannel.errors[0]!.message));
  const huge = parseProfileText("#".repeat(PROFILE_TEXT_MAX_BYTES + 1));
  assert.ok(!huge.ok && /larger than 2048 KB/.test(huge.errors[0]!.message));
});

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";
const HASH = "$6$abcdefgh$oGoxMtczJ0/xYkNKQnGuC3pOdNoGsZRZNs7n5JzX8KfMJWEmD2Bx4wBt/tMCPvjE87aPyrlQPEKxEcxV6d4J6.";
const customized = [
  "channel = mini",
  "ssh = dropbear",
  "hostname = lab-01",
  "timezone = Europe/Berlin",
  "keymap = de",
  "kernel-arg = mitigations=off",
  "user = alice groups=admin,wheel",
  `ssh-key = alice ${KEY}`,
  `password = alice ${HASH}`,
  `ssh-key = root ${KEY}`,
  "file = /etc/motd mode=0644",
  "  | Welcome to lab-01",
  "  |",
  "  |   indented # not a comment",
  "file = /usr/local/bin/tool mode=0755 base64:AAEC/w==",
  "first-boot =",
  "  | echo hello from first boot",
  "",
].join("\n");

test("customizations: the issue's lines parse, content lines are taken as written, and the text round-trips to the same hash", () => {
  const parsed = parseProfileText(customized);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  const c = parsed.selection.customizations!;
  assert.equal(c.hostname, "lab-01");
  assert.deepEqual(c.users, [{ name: "alice", groups: ["admin", "wheel"], keys: [KEY], passwordHash: HASH }]);
  assert.deepEqual(c.root, { keys: [KEY] });
  assert.equal(base64ToText(c.files[0]!.content), "Welcome to lab-01\n\n  indented # not a comment\n");
  assert.deepEqual(c.files[1], { path: "/usr/local/bin/tool", mode: "0755", content: "AAEC/w==" });
  assert.equal(c.firstBoot, "echo hello from first boot\n");
  const again = parseProfileText(formatProfileText(parsed.selection));
  assert.ok(again.ok);
  assert.equal(selectionHash(again.selection), selectionHash(parsed.selection));
  assert.equal(formatProfileText(again.selection), formatProfileText(parsed.selection));
  assert.equal(c.timezone, "Europe/Berlin");
  assert.equal(c.keymap, "de");
  assert.equal(parsed.lineOf({ customization: "users[alice].keys[1]" }), 8);
  assert.equal(parsed.lineOf({ customization: "users[alice].groups" }), 7);
  assert.equal(parsed.lineOf({ customization: "files[/usr/local/bin/tool].content" }), 15);
});

test("changing one customization changes one line", () => {
  const parsed = parseProfileText(customized);
  assert.ok(parsed.ok);
  const before = formatProfileText(parsed.selection).split("\n");
  const after = formatProfileText({ ...parsed.selection, customizations: { ...parsed.selection.customizations!, hostname: "lab-02" } }).split("\n");
  assert.deepEqual(
    before.filter((l, i) => l !== after[i]),
    ["hostname = lab-01"],
  );
});

test("a shared profile never shows a password hash, and its hidden line asks for a new password on import", () => {
  const parsed = parseProfileText(customized);
  assert.ok(parsed.ok);
  const shared = formatProfileText(parsed.selection, undefined, { hidePasswords: true });
  assert.ok(!shared.includes(HASH));
  assert.match(shared, /^password = alice \(set\)$/m);
  const imported = parseProfileText(shared);
  assert.ok(!imported.ok && /password of alice was hidden when the profile was shared: give a new one/.test(imported.errors[0]!.message));
});

test("customization lines in the wrong shape name their line", () => {
  const cases: [string, RegExp][] = [
    ["ssh-key = bob " + KEY, /no "user = bob" line above/],
    ["  | stray", /must follow a "file = \.\.\." or "first-boot ="/],
    ["file = /etc/x mode=0644\n  | bad \u0007 bell", /control character U\+0007: give binary content as "base64:/],
    ["hostname = a\nhostname = b", /hostname is given twice/],
    ["keymap = de\nkeymap = fr", /keymap is given twice/],
    ["user = alice color=red", /a user line takes only groups=/],
  ];
  for (const [lines, pattern] of cases) {
    const parsed = parseProfileText(`channel = mini\n${lines}\n`);
    assert.ok(!parsed.ok, lines);
    assert.match(parsed.errors[0]!.message, pattern, lines);
    assert.ok(parsed.errors[0]!.line >= 2);
  }
});

test("a 10,000-line file is refused with a clear message", () => {
  const parsed = parseProfileText("channel = mini\n" + "# x\n".repeat(10_000));
  assert.ok(!parsed.ok);
  assert.match(parsed.errors[0]!.message, /the profile has 10002 lines; a profile is at most 5000/);
});
