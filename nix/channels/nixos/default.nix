# The fixed expression of the `nixos` channel: the selection (JSON, read with builtins.fromJSON) mapped onto NixOS
# options over a pinned nixpkgs, building config.system.build.isoImage with the build host's own substituters.
#   nix-build nix/channels/nixos/default.nix --argstr selectionFile /abs/selection.json
{ selectionFile, system ? "x86_64-linux" }:
let
  # nixos-24.05, pinned.
  nixpkgs = builtins.fetchTarball {
    url = "https://github.com/NixOS/nixpkgs/archive/b134951a4c9f3c995fd7be05f3243f8ecd65d798.tar.gz";
    sha256 = "0zydsqiaz8qi4zd63zsb2gij2p614cgkcaisnk11wjy3nmiq0x1s";
  };
  catalog = builtins.fromJSON (builtins.readFile ./catalog.json);
  plan = import ./mapping.nix { inherit catalog; } (builtins.fromJSON (builtins.readFile selectionFile));
  selectionModule = { lib, pkgs, ... }:
    let
      resolve = v:
        if builtins.isList v then map resolve v
        else if builtins.isAttrs v && v ? pkg then lib.getAttrFromPath (lib.splitString "." v.pkg) pkgs
        else v;
    in
    lib.foldl' lib.recursiveUpdate { } (lib.mapAttrsToList (path: v: lib.setAttrByPath (lib.splitString "." path) (resolve v)) plan);
  nixos = import "${nixpkgs}/nixos/lib/eval-config.nix" {
    inherit system;
    modules = [
      "${nixpkgs}/nixos/modules/installer/cd-dvd/iso-image.nix"
      "${nixpkgs}/nixos/modules/profiles/minimal.nix"
      selectionModule
      {
        isoImage.isoName = "zxcv-nixos.iso";
        isoImage.volumeID = "ZXCV_NIXOS";
        boot.kernelParams = [ "console=ttyS0,115200" ];
        system.stateVersion = "24.05";
      }
    ];
  };
in
nixos.config.system.build.isoImage
