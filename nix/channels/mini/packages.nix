# The `mini` package set: pinned Debian .debs as fixed-output derivations, unpacked and assembled by a static busybox
# (the only bootstrap tool). Debian's dynamic tools run through the pinned glibc's ld.so. One derivation per component,
# so swapping one alternative rebuilds only what depends on it.
{ lock, components, archive, system }:
let
  inherit (builtins) attrNames concatStringsSep concatMap filter head listToAttrs map substring stringLength toFile;
  unique = list: builtins.foldl' (acc: x: if builtins.elem x acc then acc else acc ++ [ x ]) [ ] list;

  pins = listToAttrs (map (d: { name = d.name; value = d; }) lock.debs);
  pin = name: pins.${name} or (throw "zxcv mini: ${name} is not pinned in debs.lock.json: run npm run pin:mini");

  # Seeded into the store by the engine before evaluation (worker/engine/seed.ts); Nix never downloads them.
  deb = name: let d = pin name; in derivation {
    name = d.storeName;
    inherit system;
    builder = "builtin:fetchurl";
    url = "file:///zxcv-not-seeded/${d.storeName}";
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = d.sha256;
  };

  bootstrap = derivation {
    name = lock.bootstrap.name;
    inherit system;
    builder = "builtin:fetchurl";
    url = "file:///zxcv-not-seeded/${lock.bootstrap.name}";
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = lock.bootstrap.narHash;
  };
  busybox = "${bootstrap}/bin/busybox";

  # Every build step: a busybox shell script with only busybox applets on PATH. This busybox prefers its own
  # applets over PATH, so Debian tools that share an applet's name (xz, zstd) are called by full path.
  applets = derivation {
    name = "busybox-applets";
    inherit system;
    builder = busybox;
    args = [ "sh" "-ec" ''
      ${busybox} mkdir -p $out/bin
      for a in $(${busybox} --list); do
        [ "$a" = busybox ] || ${busybox} ln -s ${busybox} $out/bin/$a
      done
    '' ];
  };
  run = name: env: script: derivation ({
    inherit name system;
    builder = busybox;
    args = [ "sh" "-ec" script ];
    PATH = "${applets}/bin";
    SOURCE_DATE_EPOCH = "1";
  } // env);

  stripEpoch = v: let parts = builtins.split ":" v; in if builtins.length parts > 1 then builtins.elemAt parts 2 else v;
  version = name: stripEpoch (pin name).version;

  # `ar p DEB MEMBER | tar -x`, for a member of either compression Debian uses.
  untar = member: ''
    m=$(ar t $src | grep '^${member}')
    case "$m" in
      *.xz) ar p $src $m | tar -xJ -o -f - ;;
      *.gz) ar p $src $m | tar -xz -o -f - ;;
      *) echo "unsupported $m"; exit 1 ;;
    esac
  '';
  unpack = name: run "unpacked-${(pin name).storeName}" { src = deb name; } ''
    mkdir -p $out
    cd $out
    ${untar "data.tar"}
  '';

  # A package of the generated catalog (archive.json): its .deb is fetched by the engine only when a selection needs it.
  archiveEntry = id: archive.${id} or (throw "zxcv mini: ${id} is not in archive.json: run npm run pin:mini");
  archiveStoreName = id: let a = archiveEntry id; arch = head (builtins.match ".*_([a-z0-9]+)[.]deb" a.path); in
    builtins.replaceStrings [ "~" ":" ] [ "_" "_" ] "${id}_${a.version}_${arch}.deb";
  archiveDeb = id: derivation {
    name = archiveStoreName id;
    inherit system;
    builder = "builtin:fetchurl";
    url = "file:///zxcv-not-seeded/${archiveStoreName id}";
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = (archiveEntry id).sha256;
  };
  # Every package the chosen ones pull in (dependencies were resolved at pin time; cycles are fine).
  closure = ids: map (x: x.key) (builtins.genericClosure {
    startSet = map (id: { key = id; }) ids;
    operator = x: map (id: { key = id; }) (archiveEntry x.key).depends;
  });

  glibc = unpack components.glibc;
  ldso = "${glibc}/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
  libPath = debNames: concatStringsSep ":" (concatMap (n: let u = unpack n; in [ "${u}/lib/x86_64-linux-gnu" "${u}/usr/lib/x86_64-linux-gnu" ]) (unique ([ components.glibc ] ++ debNames)));

  # A Debian tool made runnable in the sandbox: a wrapper that starts it through the pinned ld.so.
  tool = toolName: let t = components.tools.${toolName}; main = unpack (head t.debs); in
    run "tool-${toolName}" { } ''
      mkdir -p $out/bin
      ${concatStringsSep "\n" (map (bin: let base = baseNameOf bin; in ''
        cat > $out/bin/${base} <<EOF
      #!${busybox} sh
      export GCONV_PATH=${glibc}/usr/lib/x86_64-linux-gnu/gconv MTOOLS_SKIP_CHECK=1
      exec ${ldso} --library-path ${libPath t.debs} --argv0 ${base} ${main}/${bin} "\$@"
      EOF
        chmod +x $out/bin/${base}
      '') t.bins)}
    '';

  # A piece of the root file system: the files of some debs, without docs, manuals and translations.
  fragment = name: debNames: run "rootfs-${name}" { } ''
    mkdir -p $out
    for d in ${concatStringsSep " " (map unpack debNames)}; do
      cp -af $d/. $out/
      chmod -R u+w $out
    done
    rm -rf $out/usr/share/doc $out/usr/share/man $out/usr/share/info $out/usr/share/locale $out/usr/share/lintian $out/usr/share/bug
  '';

  consoleFont = unpack components.consoleFont.deb;

  # The live system every image shares: busybox init with a root shell on tty1 and ttyS0 (respawned), mdev loading
  # modules by device, the DHCP client script. Roles only add files (and init reads /etc/zxcv/components).
  baseFragment = run "rootfs-base" { } ''
    mkdir -p $out/bin $out/etc/zxcv $out/proc $out/sys $out/dev $out/tmp $out/root $out/run $out/var/log $out/var/run
    cp ${busybox} $out/bin/busybox
    cp ${./init.sh} $out/init
    cp ${./udhcpc.sh} $out/etc/zxcv/udhcpc.sh
    chmod 755 $out/init $out/etc/zxcv/udhcpc.sh
    echo 'root:x:0:' > $out/etc/group
    echo 'nogroup:x:65534:' >> $out/etc/group
    cat > $out/etc/profile <<'EOF'
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
    PS1='zxcv# '
    EOF
    mkdir -p $out/etc/zsh
    echo "emulate sh -c '. /etc/profile'" > $out/etc/zsh/zprofile
    cat > $out/etc/inittab <<'EOF'
    tty1::respawn:/bin/getty -n -l /etc/zxcv/autologin 0 tty1 linux
    ttyS0::respawn:/bin/getty -n -l /etc/zxcv/autologin -L 115200 ttyS0 vt100
    ::ctrlaltdel:/bin/reboot
    ::shutdown:/bin/umount -a -r
    EOF
    printf '#!/bin/sh\nexec /bin/login -f root\n' > $out/etc/zxcv/autologin
    chmod 755 $out/etc/zxcv/autologin
    echo '$MODALIAS=.* 0:0 660 @/bin/modprobe -q -b "$MODALIAS"' > $out/etc/mdev.conf
    gzip -dc ${consoleFont}/${components.consoleFont.file} > $out/etc/zxcv/console-font.psf
    cat > $out/etc/motd <<'EOF'

    ZXCV Linux live system: root on the local consoles (no password); SSH, when chosen, takes keys only.

    EOF
  '';

  kernel = variant: let d = pin (head components.roles.kernel.${variant}.debs);
    release = substring 12 (stringLength d.package - 12) d.package; in
    run "kernel-${variant}-${release}" { src = deb d.name; } ''
      mkdir -p $out
      ar p $src data.tar.xz | tar -xJ -o -f - ./boot/vmlinuz-${release}
      mv boot/vmlinuz-${release} $out/vmlinuz
      echo ${release} > $out/release
    '';

  # The kernel's modules that common machines need (components.json `modules`) with every dependency modinfo names,
  # and modules.dep/modules.alias made by depmod over that subset, so modprobe loads them by device alias at boot.
  modules = variant: let d = pin (head components.roles.kernel.${variant}.debs);
    release = substring 12 (stringLength d.package - 12) d.package; in
    run "kernel-modules-${variant}-${release}" { src = deb d.name; } ''
      ar p $src data.tar.xz | tar -xJ -o -f - ./lib/modules/${release}
      tree=lib/modules/${release}
      # depmod over the whole tree once: modules.dep lists each module's full dependency chain.
      depmod -b . ${release}
      : > files
      : > missing
      for m in ${concatStringsSep " " components.modules}; do
        pattern="/\($m\|$(echo $m | tr - _)\|$(echo $m | tr _ -)\)\.ko:"
        line=$(grep "$pattern" $tree/modules.dep | head -1)
        if [ -z "$line" ]; then
          grep -q "/\($m\|$(echo $m | tr - _)\|$(echo $m | tr _ -)\)\.ko$" $tree/modules.builtin || echo $m >> missing
          continue
        fi
        echo $line | tr -d : | tr ' ' '\n' >> files
      done
      mkdir -p $out/lib/modules/${release}
      for f in $(sort -u files); do
        mkdir -p $out/$tree/''${f%/*}
        cp $tree/$f $out/$tree/$f
      done
      cp $tree/modules.builtin $tree/modules.order $out/$tree/
      depmod -b $out ${release}
      sort -u files | sed 's,.*/,,; s,\.ko$,,' > $out/modules.list
      sort missing > $out/modules.missing
      cd $out && tar -cf - lib | gzip -9 -n | wc -c > $out/gzip-bytes
    '';

  cmdline = loader: "console=tty0 console=ttyS0,115200 panic=-1 quiet zxcv.bootloader=${loader}";

  # Boot files and the xorriso arguments that make them bootable; they never depend on the kernel or initramfs.
  bootloaders = {
    grub = let pc = unpack "grub-pc-bin"; efi = unpack "grub-efi-amd64-bin"; in
      run "bootloader-grub" { PATH = "${tool "grub"}/bin:${tool "mtools"}/bin:${applets}/bin"; } ''
        mkdir -p $out/tree/boot/grub stage/EFI/BOOT
        cat > early.cfg <<'EOF'
        search --no-floppy --file --set=root /boot/zxcv.id
        set prefix=($root)/boot/grub
        configfile ($root)/boot/grub/grub.cfg
        EOF
        cat > $out/tree/boot/grub/grub.cfg <<'EOF'
        serial --unit=0 --speed=115200
        terminal_input serial console
        terminal_output serial console
        set timeout=3
        set default=0
        menuentry "ZXCV Linux" {
          linux /boot/vmlinuz ${cmdline "grub"}
          initrd /boot/initrd.img
        }
        menuentry "ZXCV Linux self-test (press t)" --hotkey=t {
          linux /boot/vmlinuz ${cmdline "grub"} zxcv.marker=1
          initrd /boot/initrd.img
        }
        EOF
        mods="iso9660 search search_fs_file configfile normal linux echo test serial terminal sleep part_msdos part_gpt"
        grub-mkimage -O i386-pc-eltorito -d ${pc}/usr/lib/grub/i386-pc -c early.cfg -p /boot/grub \
          -o $out/tree/boot/grub/bios.img biosdisk $mods
        grub-mkimage -O x86_64-efi -d ${efi}/usr/lib/grub/x86_64-efi -c early.cfg -p /boot/grub \
          -o stage/EFI/BOOT/BOOTX64.EFI fat efi_gop $mods
        find stage -exec touch -h -d @1 {} +
        dd if=/dev/zero of=$out/tree/boot/grub/efi.img bs=1024 count=4096 2>/dev/null
        mformat -i $out/tree/boot/grub/efi.img -N 0 -t 128 -h 2 -s 32 ::
        mcopy -s -m -i $out/tree/boot/grub/efi.img stage/EFI ::/
        cp ${pc}/usr/lib/grub/i386-pc/boot_hybrid.img $out/mbr.img
        echo "-b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info --grub2-mbr $out/mbr.img -eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot -append_partition 2 0xef $out/tree/boot/grub/efi.img" > $out/xorriso-args
      '';
    isolinux = let iso = unpack "isolinux"; common = unpack "syslinux-common"; in
      run "bootloader-isolinux" { } ''
        mkdir -p $out/tree/isolinux
        cp ${iso}/usr/lib/ISOLINUX/isolinux.bin ${common}/usr/lib/syslinux/modules/bios/ldlinux.c32 $out/tree/isolinux/
        cp ${iso}/usr/lib/ISOLINUX/isohdpfx.bin $out/mbr.img
        cat > $out/tree/isolinux/isolinux.cfg <<'EOF'
        SERIAL 0 115200
        PROMPT 1
        TIMEOUT 30
        DEFAULT zxcv
        SAY ZXCV Linux: type selftest at the boot: prompt for the self-test
        LABEL zxcv
          KERNEL /boot/vmlinuz
          APPEND initrd=/boot/initrd.img ${cmdline "isolinux"}
        LABEL selftest
          KERNEL /boot/vmlinuz
          APPEND initrd=/boot/initrd.img ${cmdline "isolinux"} zxcv.marker=1
        EOF
        echo "-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table -isohybrid-mbr $out/mbr.img" > $out/xorriso-args
      '';
  };

  compressors = {
    gzip = { path = "${applets}/bin"; cmd = "gzip -9 -n"; };
    xz = { path = "${tool "xz"}/bin"; cmd = "${tool "xz"}/bin/xz --check=crc32 -6 -T1"; };
    zstd = { path = "${tool "zstd"}/bin"; cmd = "${tool "zstd"}/bin/zstd -19 -T1 -q"; };
  };

  shellOf = id: components.roles.shell.${id};
  shellFragments = id: let s = shellOf id; in if s.debs == [ ] then [ ] else [ (fragment "shell-${id}" s.debs) ];
  sshOf = id: components.roles.ssh.${id};
  sshConfig = {
    none = "";
    dropbear = "";
    openssh = toFile "sshd_config" ''
      HostKey /etc/ssh/ssh_host_ed25519_key
      PermitRootLogin prohibit-password
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      UsePAM no
      AuthorizedKeysFile .ssh/authorized_keys
      PrintMotd no
      Subsystem sftp internal-sftp
    '';
  };
  sshFragments = id: let s = sshOf id; in if s.debs == [ ] then [ ] else [ (run "rootfs-ssh-${id}" { } ''
    mkdir -p $out
    cp -a ${fragment "ssh-${id}-debs" s.debs}/. $out/
    chmod -R u+w $out
    rm -rf $out/etc/ssh/* $out/etc/dropbear $out/etc/init.d $out/etc/default $out/lib/systemd $out/usr/lib/systemd $out/etc/ufw $out/etc/pam.d
    ${if id == "openssh" then "mkdir -p $out/etc/ssh && cp ${sshConfig.openssh} $out/etc/ssh/sshd_config" else ""}
  '') ];
  # One package's files, without docs, plus what the channel does in place of its maintainer scripts: the
  # `update-alternatives --install` links its postinst names (applied by priority in the initramfs), and the list of
  # its ELF files the runtime check gives to ld.so at boot.
  packageFragment = id: run "package-${archiveStoreName id}" { src = archiveDeb id; } ''
    mkdir -p $out $out/etc/zxcv/alternatives.d $out/etc/zxcv/elf.d control
    cd $out
    ${untar "data.tar"}
    rm -rf usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/bug
    find . -type f | sed 's,^[.],,' | while read -r f; do
      [ "$(hexdump -n 4 -e '4/1 "%02x"' ".$f" 2>/dev/null)" = 7f454c46 ] && echo "$f"
    done | grep -v '[.]ko$' | sort > etc/zxcv/elf.d/${id} || true
    cd $NIX_BUILD_TOP/control
    ${untar "control.tar"}
    set -f
    [ -f postinst ] && sed -e ':a' -e '/\$/N; s/\
//; ta' postinst | grep -- '--install' | grep 'update-alternatives' | while read -r line; do
      set -- $(echo "$line" | sed 's/.*--install//; s/[;&|].*//')
      [ $# -ge 4 ] || continue
      case "$1$3$4" in *[!A-Za-z0-9/._+-]*) continue ;; esac
      prio=$4; echo "$prio $1 $3"; shift 4
      while [ $# -ge 4 ] && [ "$1" = --slave ]; do
        case "$2$4" in *[!A-Za-z0-9/._+-]*) ;; *) echo "$prio $2 $4" ;; esac
        shift 4
      done
    done > $out/etc/zxcv/alternatives.d/${id} || true
    set +f
  '';
  # How the runtime check proves a chosen package runs: a curated probe (exit 0), else its main command with --version.
  probeOf = id: if components.archive.probes ? ${id} then "exact ${components.archive.probes.${id}}"
    else if (archiveEntry id) ? command then "runs ${(archiveEntry id).command}" else "none";
  customizations = selection: import ./customizations.nix {
    inherit run;
    zoneinfo = "${unpack components.timezones.deb}/${components.timezones.dir}";
    keymaps = "${unpack components.keymaps.deb}/${components.keymaps.dir}";
    keymapPath = "${tool "loadkeys"}/bin:${applets}/bin";
  } (selection.customizations or null);

  # What the booted system reports in its marker line: names and pinned versions; init checks each one runs.
  manifest = selection: let s = shellOf selection.roles.shell; in toFile "zxcv-components" ''
    ZXCV_SHELL=${s.path}
    ZXCV_SHELL_ID=${selection.roles.shell}-${version s.versionOf}
    ZXCV_COMPRESSION=${selection.roles.compression}
    ZXCV_KERNEL=${selection.roles.kernel}
    ZXCV_NETWORK=${selection.roles.network}
    ZXCV_SSH=${selection.roles.ssh}
    ZXCV_SSH_ID=${let s = sshOf selection.roles.ssh; in if s ? versionOf then "${selection.roles.ssh}-${version s.versionOf}" else "none"}
    ZXCV_SSH_PROBE='${(sshOf selection.roles.ssh).probe or "true"}'
  '';
  packageList = selection: toFile "zxcv-packages" (concatStringsSep "" (map (id:
    "${id} ${stripEpoch (archiveEntry id).version} /etc/zxcv/runtime-check ${id}\n") selection.packages));
  probeFiles = selection: run "zxcv-probes" { } ''
    mkdir -p $out/etc/zxcv/probe.d
    ${concatStringsSep "\n" (map (id: "cat > $out/etc/zxcv/probe.d/${id} <<'EOF'\n${probeOf id}\nEOF") selection.packages)}
  '';
  ldconfig = "${unpack components.ldconfig.deb}/${components.ldconfig.file}";

  initramfs = selection: let c = compressors.${selection.roles.compression};
    shellPath = (shellOf selection.roles.shell).path;
    fragments = [ (fragment "glibc" components.base) baseFragment (modules selection.roles.kernel) ] ++ shellFragments selection.roles.shell
      ++ sshFragments selection.roles.ssh ++ map packageFragment (closure selection.packages)
      ++ (if selection.packages == [ ] then [ ] else [ (probeFiles selection) ]) ++ (customizations selection).fragments; in
    run "initramfs-${selection.roles.compression}" { PATH = "${c.path}:${applets}/bin"; } ''
      mkdir root
      for f in ${concatStringsSep " " fragments}; do
        cp -af $f/. root/
        chmod -R u+w root
      done
      for a in $(root/bin/busybox --list); do
        [ "$a" = busybox ] || [ -e root/bin/$a ] || [ -L root/bin/$a ] || ln -s busybox root/bin/$a
      done
      echo 'root:x:0:0:root:/root:${shellPath}' > root/etc/passwd
      echo 'sshd:x:100:65534::/run/sshd:/bin/false' >> root/etc/passwd
      printf '/bin/sh\n${shellPath}\n' | sort -u > root/etc/shells
      rm -f root/modules.list root/modules.missing root/gzip-bytes
      ${if selection.packages == [ ] then "" else ''
        # In place of maintainer scripts: alternatives links by priority (the highest wins), then the loader's cache.
        cat root/etc/zxcv/alternatives.d/* 2>/dev/null | sort -k1,1nr -s | while read -r prio link target; do
          [ -e "root$link" ] || [ -L "root$link" ] || { mkdir -p "root''${link%/*}"; ln -s "$target" "root$link"; }
        done
        cp ${./runtime-check.sh} root/etc/zxcv/runtime-check
        chmod 755 root/etc/zxcv/runtime-check
        echo 'include /etc/ld.so.conf.d/*.conf' > root/etc/ld.so.conf
        ${ldconfig} -r root
      ''}
      cp ${manifest selection} root/etc/zxcv/components
      cp ${packageList selection} root/etc/zxcv/packages
      find root -exec touch -h -d @1 {} +
      cd root
      find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null > ../initrd.cpio
      cd ..
      mkdir $out
      ${c.cmd} < initrd.cpio > $out/initrd.img
    '';

  iso = selection: let
    loader = bootloaders.${selection.roles.bootloader};
    k = kernel selection.roles.kernel;
    initrd = initramfs selection; in
    run "zxcv-mini-iso" { PATH = "${tool "xorriso"}/bin:${applets}/bin"; inherit (customizations selection) kernelArgs; } ''
      mkdir -p tree/boot $out
      cp -a ${loader}/tree/. tree/
      chmod -R u+w tree
      ${(customizations selection).appendKernelArgs}
      cp ${k}/vmlinuz tree/boot/vmlinuz
      cp ${initrd}/initrd.img tree/boot/initrd.img
      echo zxcv > tree/boot/zxcv.id
      find tree -exec touch -h -d @1 {} +
      xorriso -as mkisofs -quiet -R -V ZXCV_MINI -o $out/zxcv-mini.iso $(cat ${loader}/xorriso-args) tree
      cp ${k}/release $out/kernel-release
      cp ${modules selection.roles.kernel}/modules.list $out/modules.list
      cp ${baseFragment}/etc/zxcv/console-font.psf $out/console-font.psf
    '';
in
{
  inherit iso initramfs kernel modules bootloaders tool unpack deb bootstrap;
}
