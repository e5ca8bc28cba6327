#!/bin/sh
# The boot ended and reached multi-user.target (failed units are the business
# of no-failed-units; "degraded" still counts as booted here).
echo "+ systemctl is-system-running --wait"
state=$(systemctl is-system-running --wait)
echo "$state"
echo "+ systemctl is-active multi-user.target"
target=$(systemctl is-active multi-user.target)
echo "$target"
systemd-analyze time 2>/dev/null | head -n 2
case $state in
running | degraded) ;;
*)
	systemctl list-jobs --no-pager
	echo "system state is '$state', want running"
	exit 1
	;;
esac
if [ "$target" != active ]; then
	echo "multi-user.target is '$target'"
	exit 1
fi
echo "multi-user.target reached, system $state"
