#!/bin/sh
# udhcpc's event script (the `dhcp` network role): configures the lease on the interface, the default route and
# /etc/resolv.conf, and reports each lease on the console (one ZXCV-NET line, which the boot test reads).
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up ;;
  bound|renew)
    prefix=$(ipcalc -p "$ip" "${subnet:-255.255.255.0}" | cut -d= -f2)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/$prefix" dev "$interface"
    if [ -n "$router" ]; then
      while ip route del default dev "$interface" 2>/dev/null; do :; done
      for r in $router; do ip route add default via "$r" dev "$interface" && break; done
    fi
    : > /etc/resolv.conf.new
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf.new
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf.new; done
    mv /etc/resolv.conf.new /etc/resolv.conf
    echo "ZXCV-NET $1 interface=$interface address=$ip/$prefix router=$(ip route show default dev "$interface" | cut -d' ' -f3 | head -1) dns=$(grep ^nameserver /etc/resolv.conf | cut -d' ' -f2 | tr '\n' ',' | sed 's/,$//')" > /dev/console ;;
esac
exit 0
