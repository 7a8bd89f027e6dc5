#!/bin/sh
# The runtime check of one chosen package (run by init for the self-test marker): every ELF file it ships finds its
# shared libraries (the pinned ld.so's --list), and its main command runs. One line on the console names what failed.
id=$1
elf=0
missing=""
if [ -f "/etc/zxcv/elf.d/$id" ]; then
  while read -r f; do
    elf=$((elf + 1))
    out=$(/lib64/ld-linux-x86-64.so.2 --list "$f" 2>&1)
    case "$out" in
      *"not found"*) missing="$missing,$f:$(echo "$out" | awk '/not found/ { printf "%s+", $1 }')" ;;
    esac
  done < "/etc/zxcv/elf.d/$id"
fi
read -r kind probe < "/etc/zxcv/probe.d/$id"
command=none
case "$kind" in
  # A curated probe must succeed.
  exact) if sh -c "$probe" < /dev/null > /dev/null 2>&1; then command=ok; else command=failed; fi ;;
  # Any exit below 126 means the command started and answered (126/127: not executable or not found; above: a signal).
  runs)
    timeout 10 "$probe" --version < /dev/null > /dev/null 2>&1
    rc=$?
    if [ "$rc" -lt 126 ]; then command=ok; else command="failed-$rc"; fi ;;
esac
missing=${missing#,}
echo "ZXCV-RUNTIME $id elf=$elf missing=${missing:-none} command=$command" > /dev/console
[ -z "$missing" ] && [ "${command%%-*}" != failed ]
