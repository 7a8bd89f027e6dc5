import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProfileText, parseProfileText, PROFILE_TEXT_MAX_BYTES } from "./profile-text";
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
  assert.ok(!huge.ok && /larger than 64 KB/.test(huge.errors[0]!.message));
});
