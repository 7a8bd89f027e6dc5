import assert from "node:assert/strict";
import { test } from "node:test";
import { parseProfileText } from "../../contracts/profile-text";
import { assertBuildableSelection } from "./build-iso";
import { EngineError } from "./errors";

const base = {
  channel: "mini",
  roles: { bootloader: "grub", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" },
  packages: [] as string[],
};

function refused(input: unknown, culprit: string): void {
  assert.throws(
    () => assertBuildableSelection(input),
    (err: unknown) => {
      assert.ok(err instanceof EngineError, String(err));
      assert.equal(err.code, "invalid-selection");
      assert.ok(err.message.includes(culprit), `"${err.message}" does not name ${culprit}`);
      return true;
    },
  );
}

test("a valid selection passes", () => {
  assert.deepEqual(assertBuildableSelection({ ...base, packages: ["nano"] }).packages, ["nano"]);
});

test("an unknown package, role or alternative is refused by name", () => {
  refused({ ...base, packages: ["no-such-package"] }, "no-such-package");
  // In the index but left out by the generator (left-out.txt says why).
  refused({ ...base, packages: ["systemd"] }, "systemd");
  refused({ ...base, roles: { ...base.roles, shell: "fish" } }, "fish");
  refused({ ...base, roles: { ...base.roles, desktop: "gnome" } }, "desktop");
});

test("names carrying Nix syntax or paths are refused before evaluation, naming the culprit", () => {
  for (const bad of ["${builtins.currentTime}", "''", "a''b", "/nix/store/x", "../x", "x y", "Nano"]) {
    refused({ ...base, packages: [bad] }, bad);
    refused({ ...base, roles: { ...base.roles, shell: bad } }, bad);
  }
});

test("requirements and conflicts from the catalog are refused with both names", () => {
  refused({ ...base, packages: ["bash-completion"] }, "bash-completion");
  refused({ ...base, roles: { ...base.roles, bootloader: "isolinux" }, packages: ["efibootmgr"] }, "ISOLINUX");
  refused({ ...base, roles: { ...base.roles, ssh: "dropbear" } }, "DHCP");
});

test("a profile that gives a role twice is refused at its line", () => {
  const parsed = parseProfileText("channel = mini\nshell = bash\nshell = zsh\n");
  assert.equal(parsed.ok, false);
  if (!parsed.ok) {
    assert.equal(parsed.errors[0]!.line, 3);
    assert.match(parsed.errors[0]!.message, /shell is set twice/);
  }
});

test("the nixos channel is refused for local builds with a reason", () => {
  assert.throws(() => assertBuildableSelection({ channel: "nixos", roles: {}, packages: [] }), /nixpkgs/);
});
