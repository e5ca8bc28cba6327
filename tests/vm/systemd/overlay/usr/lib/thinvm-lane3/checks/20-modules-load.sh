#!/bin/sh
# thinvm was loaded at boot by systemd-modules-load.service from modules-load.d.
fail() { echo "$*"; exit 1; }
unit=systemd-modules-load.service
echo "+ grep -l thinvm modules-load.d"
conf=$(ls /etc/modules-load.d/*.conf /run/modules-load.d/*.conf \
	/usr/lib/modules-load.d/*.conf 2>/dev/null || true)
[ -n "$conf" ] && grep -lx thinvm $conf || fail "no modules-load.d file names thinvm"
echo "+ systemctl show $unit"
state="$(systemctl show -p ActiveState --value "$unit") $(systemctl show -p Result --value "$unit")"
echo "$state"
[ "$state" = "active success" ] || fail "$unit is '$state', want 'active success'"
# The service is gone before journald looks up its cgroup, so its messages
# carry no _SYSTEMD_UNIT: match them by syslog identifier instead.
echo "+ journalctl -t systemd-modules-load"
log=$(journalctl -b -o cat --no-pager -t systemd-modules-load)
echo "$log"
echo "$log" | grep -q "^Inserted module 'thinvm'$" ||
	fail "$unit did not insert thinvm"
echo "+ grep thinvm /proc/modules"
grep '^thinvm ' /proc/modules || fail "thinvm is not in /proc/modules"
echo "thinvm loaded by $unit"
