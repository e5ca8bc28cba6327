#!/bin/sh
# kill -9: systemd restarts thinvmd, which pushes the saved policy again,
# even over a change made behind its back while it was down.
. /usr/lib/thinvm-lane3/thinvmd.sh
pid=$(systemctl show -p MainPID --value thinvmd)
n0=$(systemctl show -p NRestarts --value thinvmd)
kill -9 "$pid"
# While it is down (RestartSec=1s), another program changes the module.
$T/thinvm_nl set-policy hotplug=reject >/dev/null || fail "thinvm_nl set-policy failed"
hotplug_is reject || fail "the change behind thinvmd's back did not happen"
wait_for 20 sh -c "[ \"\$(systemctl show -p MainPID --value thinvmd)\" != $pid ] &&
	[ \"\$(systemctl is-active thinvmd)\" = active ]" || fail "thinvmd did not come back"
n1=$(systemctl show -p NRestarts --value thinvmd)
echo "NRestarts $n0 -> $n1, MainPID $pid -> $(systemctl show -p MainPID --value thinvmd)"
[ "$n1" -gt "$n0" ] || fail "systemd did not count a restart"
wait_for 2 hotplug_is reject-while-running || fail "the saved hotplug mode is not back in the module"
[ "$(prop HotplugMode)" = reject-while-running ] || fail "HotplugMode is $(prop HotplugMode)"
echo "restarted by systemd, saved policy pushed again"
