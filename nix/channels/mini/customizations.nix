# A selection's customizations (contracts/customizations.ts) as one small layer of the root file system. Every value
# is data: checked here against the same grammar the TypeScript side enforced, handed to the builder as derivation
# attributes (passAsFile), and written by busybox into /etc/zxcv/custom; init.sh applies it at boot (hostname, users,
# groups, /etc/shadow, authorized_keys, files with their modes, the first-boot script). The timezone's zone file is
# copied from the pinned tzdata to /etc/localtime here, at build time. Nothing a person typed is
# ever part of Nix or shell source. Changing a customization rebuilds this layer, the initramfs and the ISO only.
{ run, zoneinfo, keymaps, keymapPath }:
customizations:
let
  inherit (builtins) concatStringsSep filter genList length elemAt listToAttrs map match sort throw;
  c = if customizations == null then { } else customizations;
  check = what: re: s: if builtins.isString s && match re s != null then s else throw "zxcv: invalid customization: ${what}";
  name = check "user or group name" "[a-z_][a-z0-9_-]{0,31}";
  hostname = check "hostname" "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  zone = check "timezone" "[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*";
  keymapName = check "keymap" "[A-Za-z0-9_+-][A-Za-z0-9_.+-]*";
  key = check "SSH key" "[a-z0-9@.-]+ [A-Za-z0-9+/]+={0,2}( [^[:cntrl:]]*)?";
  hash = check "password hash" "[$]6[$][^:[:space:][:cntrl:]]+";
  mode = check "file mode" "0[0-7]{3}";
  path = check "file path" "(/[A-Za-z0-9_+@,:=-][A-Za-z0-9._+@,:=-]*)+";
  base64 = check "file content" "[A-Za-z0-9+/]*={0,2}";
  kernelArg = check "kernel argument" "[A-Za-z0-9_][A-Za-z0-9_.-]*(=[A-Za-z0-9_.,:/+@%=-]*)?";
  lines = list: concatStringsSep "" (map (l: "${l}\n") list);
  indexed = list: genList (i: { n = i + 1; v = elemAt list i; }) (length list);

  users = indexed (c.users or [ ]);
  uid = u: toString (999 + u.n);
  groupNames = sort builtins.lessThan (builtins.attrNames (listToAttrs (map (g: { name = name g; value = true; }) (builtins.concatMap (u: u.v.groups or [ ]) users))));
  members = g: concatStringsSep "," (map (u: u.v.name) (filter (u: builtins.elem g (u.v.groups or [ ])) users));
  root = c.root or { };
  files = indexed (c.files or [ ]);
  firstBoot = c.firstBoot or "";

  isEmpty = !(c ? hostname) && !(c ? timezone) && !(c ? keymap) && users == [ ] && root == { } && (c.kernelArgs or [ ]) == [ ] && files == [ ] && firstBoot == "";

  layer = run "rootfs-customizations" ({
    hostname = if c ? hostname then hostname c.hostname else "";
    timezone = if c ? timezone then zone c.timezone else "";
    # Only a profile with a timezone depends on tzdata.
    zoneinfo = if c ? timezone then zoneinfo else "";
    # The keymap is compiled here (loadkeys -b, from the pinned kbd) and loaded at boot by busybox loadkmap.
    keymap = if c ? keymap then keymapName c.keymap else "";
    keymaps = if c ? keymap then keymaps else "";
  } // (if c ? keymap then { PATH = keymapPath; } else { }) // {
    # name uid (passwd lines are written at boot: the login shell is the selection's)
    users = lines (map (u: "${name u.v.name} ${uid u}") users);
    group = lines (map (u: "${u.v.name}:x:${uid u}:") users ++ genList (i: "${elemAt groupNames i}:x:${toString (2000 + i)}:${members (elemAt groupNames i)}") (length groupNames));
    shadow = lines ([ "root:${if root ? passwordHash then hash root.passwordHash else "*"}:::::::" ]
      ++ map (u: "${u.v.name}:${if u.v ? passwordHash then hash u.v.passwordHash else "*"}:::::::") users);
    keys = lines (map (k: "root ${key k}") (root.keys or [ ]) ++ builtins.concatMap (u: map (k: "${u.v.name} ${key k}") (u.v.keys or [ ])) users);
    fileList = lines (map (f: "${toString f.n} ${mode f.v.mode} ${path f.v.path}") files);
    fileContents = lines (map (f: base64 f.v.content) files);
    inherit firstBoot;
    passAsFile = [ "hostname" "users" "group" "shadow" "keys" "fileList" "fileContents" "firstBoot" ];
  }) ''
    d=$out/etc/zxcv/custom
    mkdir -p $d/files
    [ -s "$hostnamePath" ] && cp "$hostnamePath" $d/hostname
    cp "$usersPath" $d/users
    cp "$groupPath" $d/group
    cp "$shadowPath" $d/shadow
    cp "$keysPath" $d/keys
    cp "$fileListPath" $d/files.list
    n=0
    while read -r content; do
      n=$((n + 1))
      printf '%s' "$content" | base64 -d > $d/files/$n
    done < "$fileContentsPath"
    [ -s "$firstBootPath" ] && cp "$firstBootPath" $d/first-boot
    if [ -n "$timezone" ]; then
      [ -f "$zoneinfo/$timezone" ] || { echo "zxcv: the pinned tzdata has no zone $timezone"; exit 1; }
      cp -L "$zoneinfo/$timezone" $out/etc/localtime
      echo "$timezone" > $out/etc/timezone
    fi
    if [ -n "$keymap" ]; then
      # loadkeys would gunzip through popen, and the sandbox has no /bin/sh: unpack the keymaps (and their includes) first.
      cp -r "$keymaps" keymaps
      chmod -R u+w keymaps
      find keymaps -name "*.gz" -exec gzip -d {} +
      src=$(find keymaps -name "$keymap.kmap" ! -path "*/include/*" | head -1)
      [ -n "$src" ] || { echo "zxcv: the pinned console-data has no keymap $keymap"; exit 1; }
      loadkeys -b "$src" > $d/keymap.bmap
      echo "$keymap" > $d/keymap
    fi
    true
  '';
in
{
  # The layer the initramfs adds (none without customizations: such an image is built exactly as before).
  fragments = if isEmpty then [ ] else [ layer ];
  # Appended to every kernel command line of the boot menu (see appendKernelArgs).
  kernelArgs = concatStringsSep " " (map kernelArg (c.kernelArgs or [ ]));
  # Shell run by the ISO's builder on its copy of the boot menus: $kernelArgs (a derivation attribute) goes at the end
  # of each kernel line of GRUB's grub.cfg and ISOLINUX's isolinux.cfg.
  appendKernelArgs = ''
    for cfg in tree/boot/grub/grub.cfg tree/isolinux/isolinux.cfg; do
      [ -f "$cfg" ] && [ -n "$kernelArgs" ] || continue
      while IFS= read -r l; do
        case "$l" in
          *"linux /boot/vmlinuz "*|*"APPEND initrd="*) printf '%s %s\n' "$l" "$kernelArgs" ;;
          *) printf '%s\n' "$l" ;;
        esac
      done < "$cfg" > cfg.new
      mv cfg.new "$cfg"
    done
  '';
}
