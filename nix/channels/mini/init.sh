#!/bin/busybox sh
# PID 1 of a ZXCV mini system, until it hands over to busybox init: mounts, loads the modules the machine's devices
# ask for (mdev hotplug + one coldplug pass over every modalias), starts the network and SSH roles, then busybox init
# keeps a root shell on tty1 (screen) and ttyS0 (serial), respawned when it exits (/etc/inittab).
# With zxcv.marker=1 on the kernel command line it also prints one ZXCV-MARKER line proving what was built (kernel,
# shell, bootloader, compression, each package, network, SSH server, modules loaded) before the consoles start.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
# The hostname: the profile's (customizations.nix writes it into /etc/zxcv/custom), zxcv otherwise.
custom=/etc/zxcv/custom
name=zxcv
[ -s $custom/hostname ] && name=$(cat $custom/hostname)
hostname "$name"
# A known console font on the screen (VGA text or the EFI framebuffer): the boot test reads the screen with it.
loadfont < /etc/zxcv/console-font.psf 2>/dev/null
# The profile's console keymap, compiled at build time (customizations.nix).
[ -s $custom/keymap.bmap ] && loadkmap < $custom/keymap.bmap
echo "$name" > /etc/hostname
echo "127.0.0.1 localhost $name" > /etc/hosts
. /etc/zxcv/components
cmdline=" $(cat /proc/cmdline) "
param() { for w in $cmdline; do case "$w" in "$1="*) echo "${w#*=}" ;; esac; done; }

# Hardware: mdev follows uevents (a USB keyboard enumerated after its controller's module loads, a stick plugged
# later) and loads the module for each device's alias; the coldplug pass covers devices that were there at boot.
mdev -d
mdev -s
coldplug() {
  last=""
  for pass in 1 2 3; do
    aliases=$(cat /sys/bus/*/devices/*/modalias 2>/dev/null | sort -u)
    [ "$aliases" = "$last" ] && break
    last=$aliases
    for a in $aliases; do modprobe -q -b "$a" 2>/dev/null; done
  done
}
coldplug
modprobe -q qemu_fw_cfg 2>/dev/null

# Keys for SSH: the profile's, and a test's throw-away ones handed in through QEMU's firmware config (-fw_cfg
# name=opt/zxcv/authorized_keys,... for root; opt/zxcv/user_keys, "user key" lines, one key per user); the ISO
# itself holds none of the test's.
mkdir -p /root/.ssh
chmod 700 /root /root/.ssh
fwcfg=/sys/firmware/qemu_fw_cfg/by_name/opt/zxcv
[ -r $fwcfg/authorized_keys/raw ] && cat $fwcfg/authorized_keys/raw >> /root/.ssh/authorized_keys

# Customizations: users (login shell: the selection's), groups, /etc/shadow, each user's authorized_keys (with a
# test's fw_cfg key for that user), root's; members of the admin group may log in as root with their own keys. Then
# files, put in place with their modes (the Nix store keeps none).
if [ -d $custom ]; then
  cat $custom/group >> /etc/group
  cp $custom/shadow /etc/shadow
  chmod 600 /etc/shadow
  while read -r user uid; do
    echo "$user:x:$uid:$uid::/home/$user:$ZXCV_SHELL" >> /etc/passwd
    mkdir -p /home/$user/.ssh
  done < $custom/users
  cat $custom/keys $fwcfg/user_keys/raw 2>/dev/null | while read -r user key; do
    if [ "$user" = root ]; then dir=/root; else dir=/home/$user; fi
    [ -d $dir/.ssh ] && printf '%s\n' "$key" >> $dir/.ssh/authorized_keys
  done
  admins=$(sed -n 's/^admin:[^:]*:[^:]*://p' $custom/group | tr , ' ')
  for user in $admins; do
    [ -f /home/$user/.ssh/authorized_keys ] && cat /home/$user/.ssh/authorized_keys >> /root/.ssh/authorized_keys
  done
  while read -r user uid; do
    chown -R "$uid:$uid" /home/$user
    chmod 700 /home/$user /home/$user/.ssh
    [ -f /home/$user/.ssh/authorized_keys ] && chmod 600 /home/$user/.ssh/authorized_keys
  done < $custom/users
  while read -r n mode path; do
    dir=${path%/*}
    [ -n "$dir" ] && mkdir -p "$dir"
    rm -f "$path"
    cp $custom/files/$n "$path"
    chmod "$mode" "$path"
  done < $custom/files.list
fi
[ -f /root/.ssh/authorized_keys ] && chmod 600 /root/.ssh/authorized_keys

# Network: DHCP on every wired interface, each with its own udhcpc that keeps retrying (a cable plugged in late)
# and renews; interfaces that appear later (a module loaded by hotplug) get one too.
if [ "$ZXCV_NETWORK" = dhcp ]; then
  ip link set lo up
  (
    while true; do
      for dev in /sys/class/net/*; do
        i=${dev##*/}
        [ "$i" = lo ] || [ -e "$dev/wireless" ] || [ -e "/run/udhcpc.$i.pid" ] && continue
        ip link set "$i" up
        udhcpc -b -S -A 5 -t 3 -i "$i" -p "/run/udhcpc.$i.pid" -s /etc/zxcv/udhcpc.sh >/dev/null 2>&1
      done
      sleep 3
    done
  ) &
fi

# SSH: host keys are made here, at boot, so two machines booting one ISO never share them; logins by key only.
case "$ZXCV_SSH" in
  dropbear)
    mkdir -p /etc/dropbear
    dropbearkey -t ed25519 -f /etc/dropbear/dropbear_ed25519_host_key >/dev/null 2>&1
    dropbear -r /etc/dropbear/dropbear_ed25519_host_key -s -g -p 22 ;;
  openssh)
    mkdir -p /run/sshd /etc/ssh
    chmod 755 /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
    /usr/sbin/sshd ;;
esac

if [ "$(param zxcv.marker)" = 1 ]; then
  if "$ZXCV_SHELL" -c 'exit 0' >/dev/null 2>&1; then shell="$ZXCV_SHELL_ID"; else shell="$ZXCV_SHELL_ID-BROKEN"; fi
  packages=""
  while read -r id version probe; do
    [ -n "$id" ] || continue
    if sh -c "$probe" >/dev/null 2>&1; then packages="$packages,$id-$version"; else packages="$packages,$id-BROKEN"; fi
  done < /etc/zxcv/packages
  ssh="$ZXCV_SSH_ID"
  [ "$ZXCV_SSH" = none ] || sh -c "$ZXCV_SSH_PROBE" >/dev/null 2>&1 || ssh="$ZXCV_SSH_ID-BROKEN"
  echo "ZXCV-MARKER kernel=$(uname -r) shell=$shell bootloader=$(param zxcv.bootloader) compression=$ZXCV_COMPRESSION packages=${packages#,} network=$ZXCV_NETWORK ssh=$ssh modules=$(wc -l < /proc/modules)"
fi

# The profile's first-boot script, once per boot of the live system (nothing persists), as root, at the end of boot:
# its output on the console and in /var/log/first-boot.log, between two lines the boot test counts.
if [ -s $custom/first-boot ]; then
  (
    echo "ZXCV-FIRST-BOOT start"
    cd / && sh $custom/first-boot 2>&1
    echo "ZXCV-FIRST-BOOT exit=$?"
  ) < /dev/null 2>&1 | tee -a /var/log/first-boot.log > /dev/console &
fi

exec /bin/busybox init
