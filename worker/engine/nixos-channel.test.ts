import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSelection, validateSelection } from "../../contracts/selection";
import { loadCatalog } from "./channels";
import { evalNixosPlan, parseNixosExpressions } from "./nixos-channel";

test("the nixos channel's expressions parse", () => {
  parseNixosExpressions();
});

test("the default selection maps to a console ISO with the LTS kernel and zstd squashfs", () => {
  const catalog = loadCatalog("nixos");
  const selection = defaultSelection(catalog);
  assert.deepEqual(validateSelection(catalog, selection), []);
  const plan = evalNixosPlan(selection);
  assert.deepEqual(plan["boot.kernelPackages"], { pkg: "linuxPackages" });
  assert.equal(plan["isoImage.makeEfiBootable"], true);
  assert.equal(plan["services.pipewire.enable"], false);
  assert.equal(plan["services.xserver.enable"], undefined);
  assert.match(String(plan["isoImage.squashfsCompression"]), /^zstd/);
  assert.deepEqual(plan["environment.systemPackages"], []);
});

test("alternatives and packages map onto their NixOS options", () => {
  const plan = evalNixosPlan({
    channel: "nixos",
    roles: { boot: "bios", shell: "zsh", kernel: "latest", audio: "pulseaudio", desktop: "xfce", compression: "xz" },
    packages: ["firefox", "zsh-autosuggestions"],
  });
  assert.equal(plan["isoImage.makeEfiBootable"], false);
  assert.deepEqual(plan["users.defaultUserShell"], { pkg: "zsh" });
  assert.equal(plan["programs.zsh.enable"], true);
  assert.deepEqual(plan["boot.kernelPackages"], { pkg: "linuxPackages_latest" });
  assert.equal(plan["hardware.pulseaudio.enable"], true);
  assert.equal(plan["services.pipewire.enable"], false);
  assert.equal(plan["services.xserver.desktopManager.xfce.enable"], true);
  assert.deepEqual(plan["environment.systemPackages"], [{ pkg: "firefox" }, { pkg: "zsh-autosuggestions" }]);
  const pipewire = evalNixosPlan({
    channel: "nixos",
    roles: { boot: "hybrid", shell: "bash", kernel: "lts", audio: "pipewire", desktop: "gnome", compression: "zstd" },
    packages: [],
  });
  assert.equal(pipewire["services.pipewire.pulse.enable"], true);
  assert.equal(pipewire["hardware.pulseaudio.enable"], false);
  assert.equal(pipewire["services.xserver.displayManager.gdm.enable"], true);
});

test("the expression itself refuses a name outside the catalog, naming it", () => {
  assert.throws(
    () =>
      evalNixosPlan({
        channel: "nixos",
        roles: { boot: "hybrid", shell: "bash", kernel: "lts", audio: "none", desktop: "none", compression: "zstd" },
        packages: ["emacs"],
      }),
    /unknown package \\"emacs\\"|unknown package "emacs"/,
  );
});
