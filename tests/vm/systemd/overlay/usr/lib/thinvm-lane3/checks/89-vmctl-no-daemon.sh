#!/bin/sh
# vmctl without thinvmd: D-Bus activation cannot start it (masked), so
# vmctl says so, how to start it, and exits 4; status still shows the
# module from sysfs. Then thinvmd is back.
. /usr/lib/thinvm-lane3/thinvmd.sh
systemctl stop thinvmd
systemctl mask --runtime thinvmd
vmctl status >/run/nd.out 2>/run/nd.err
rc=$?
cat /run/nd.out /run/nd.err
systemctl unmask --runtime thinvmd
[ "$rc" -eq 4 ] || { systemctl start thinvmd; fail "status without thinvmd exited $rc, want 4"; }
grep -q 'systemctl start thinvmd' /run/nd.err || { systemctl start thinvmd; fail "no hint"; }
grep -q 'Module: loaded, AMD SVM' /run/nd.out || { systemctl start thinvmd; fail "no module from sysfs"; }
# Stopped but not masked: the first call starts it (D-Bus activation).
vmctl policy show >/dev/null || fail "vmctl did not start thinvmd by activation: exit $?"
active || fail "thinvmd is not active after activation"
echo "without thinvmd: exit 4 and how to start it; with it stopped, activation starts it"
