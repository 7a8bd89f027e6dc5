#!/bin/busybox sh
# PID 1 of a ZXCV mini system. With zxcv.marker=1 on the kernel command line it proves what was built
# (one ZXCV-MARKER line: kernel, shell, bootloader, compression, each package that runs) and powers off;
# otherwise it gives a shell on the serial console.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=vt100
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
/bin/busybox hostname zxcv
. /etc/zxcv/components
cmdline=" $(cat /proc/cmdline) "
param() { for w in $cmdline; do case "$w" in "$1="*) echo "${w#*=}" ;; esac; done; }

if [ "$(param zxcv.marker)" = 1 ]; then
  if "$ZXCV_SHELL" -c 'exit 0' >/dev/null 2>&1; then shell="$ZXCV_SHELL_ID"; else shell="$ZXCV_SHELL_ID-BROKEN"; fi
  packages=""
  while read -r id version probe; do
    [ -n "$id" ] || continue
    if sh -c "$probe" >/dev/null 2>&1; then packages="$packages,$id-$version"; else packages="$packages,$id-BROKEN"; fi
  done < /etc/zxcv/packages
  echo "ZXCV-MARKER kernel=$(uname -r) shell=$shell bootloader=$(param zxcv.bootloader) compression=$ZXCV_COMPRESSION packages=${packages#,}"
  sync
  poweroff -f
fi

echo "ZXCV Linux on $(uname -r): $ZXCV_SHELL on the serial console"
while true; do
  setsid cttyhack "$ZXCV_SHELL" -l
  sleep 1
done
