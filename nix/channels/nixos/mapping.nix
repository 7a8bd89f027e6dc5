# The selection mapped onto NixOS options, as plain data: package references are attribute names of nixpkgs
# (`{ pkg = "linuxPackages_latest"; }`), so this runs and is tested without nixpkgs (nix-instantiate --eval).
# default.nix turns the plan into a NixOS module. Every name is checked against catalog.json first.
{ catalog }:
selection:
let
  checked = import ../mini/check.nix { inherit catalog; } selection;
  roles = checked.roles;
  pkg = name: { pkg = name; };
  packageAttrs = builtins.listToAttrs (map (p: { name = p.id; value = p.nixpkgsAttr or p.id; }) (builtins.fromJSON (builtins.readFile ./packages.json)));
  byRole = {
    boot = {
      hybrid = { "isoImage.makeEfiBootable" = true; "isoImage.makeUsbBootable" = true; };
      bios = { "isoImage.makeEfiBootable" = false; "isoImage.makeUsbBootable" = false; };
    };
    shell = {
      bash = { "users.defaultUserShell" = pkg "bashInteractive"; };
      zsh = { "users.defaultUserShell" = pkg "zsh"; "programs.zsh.enable" = true; };
      fish = { "users.defaultUserShell" = pkg "fish"; "programs.fish.enable" = true; };
    };
    kernel = {
      lts = { "boot.kernelPackages" = pkg "linuxPackages"; };
      latest = { "boot.kernelPackages" = pkg "linuxPackages_latest"; };
      hardened = { "boot.kernelPackages" = pkg "linuxPackages_hardened"; };
    };
    audio = {
      none = { "services.pipewire.enable" = false; "hardware.pulseaudio.enable" = false; };
      pipewire = { "services.pipewire.enable" = true; "services.pipewire.alsa.enable" = true; "services.pipewire.pulse.enable" = true; "hardware.pulseaudio.enable" = false; };
      pulseaudio = { "hardware.pulseaudio.enable" = true; "services.pipewire.enable" = false; };
    };
    desktop = {
      none = { };
      xfce = { "services.xserver.enable" = true; "services.xserver.desktopManager.xfce.enable" = true; "services.xserver.displayManager.lightdm.enable" = true; };
      gnome = { "services.xserver.enable" = true; "services.xserver.desktopManager.gnome.enable" = true; "services.xserver.displayManager.gdm.enable" = true; };
      plasma = { "services.xserver.enable" = true; "services.desktopManager.plasma6.enable" = true; "services.displayManager.sddm.enable" = true; };
    };
    compression = {
      zstd = { "isoImage.squashfsCompression" = "zstd -Xcompression-level 19"; };
      xz = { "isoImage.squashfsCompression" = "xz -Xdict-size 100%"; };
      gzip = { "isoImage.squashfsCompression" = "gzip -Xcompression-level 1"; };
    };
  };
  roleOptions = builtins.foldl' (acc: role: acc // byRole.${role}.${roles.${role}}) { } (builtins.attrNames roles);
in
roleOptions // {
  "environment.systemPackages" = map (id: pkg packageAttrs.${id}) checked.packages;
}
