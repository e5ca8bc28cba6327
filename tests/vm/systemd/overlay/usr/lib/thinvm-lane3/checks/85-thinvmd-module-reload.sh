#!/bin/sh
# rmmod and modprobe thinvm while thinvmd runs: it sees the module go and
# come back (nlctrl), and its policy is in the new module within a second.
. /usr/lib/thinvm-lane3/thinvmd.sh
rmmod thinvm || fail "rmmod thinvm failed"
wait_for 2 sh -c '[ "$(busctl get-property org.thinvm.Manager1 /org/thinvm/Manager1 org.thinvm.Manager1 ModuleState)" = "s \"not-loaded\"" ]' ||
	fail "ModuleState did not become not-loaded"
t0=$(date +%s%N)
modprobe thinvm || fail "modprobe thinvm failed"
wait_for 1 hotplug_is reject-while-running ||
	fail "the policy was not back within 1 s: hotplug_mode $(cat /sys/kernel/thinvm/hotplug_mode)"
t1=$(date +%s%N)
echo "policy in the new module $(( (t1 - t0) / 1000000 )) ms after modprobe started"
wait_for 2 sh -c '[ "$(busctl get-property org.thinvm.Manager1 /org/thinvm/Manager1 org.thinvm.Manager1 ModuleState)" = "s \"loaded\"" ]' ||
	fail "ModuleState did not become loaded"
journalctl -u thinvmd -o cat --no-pager | grep -E "module gone|connected" | tail -n 2
echo "module reloaded; policy in it $(( (t1 - t0) / 1000000 )) ms after modprobe started"
