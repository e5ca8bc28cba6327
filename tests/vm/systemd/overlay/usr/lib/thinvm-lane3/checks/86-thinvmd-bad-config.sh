#!/bin/sh
# A bad thinvm.conf: a reload keeps the policy in force and says why; a
# start fails with the file and line in the journal; fixed, it starts.
. /usr/lib/thinvm-lane3/thinvmd.sh
conf=/etc/thinvm/thinvm.conf
cp "$conf" /tmp/thinvm.conf.good
printf '[policy]\n# line 2\nhotplug-mode = sideways\n' >"$conf"
# ExecReload= calls Reload() and waits: it fails, and thinvmd goes on.
if systemctl reload thinvmd; then
	fail "systemctl reload of a bad file succeeded"
fi
active || fail "thinvmd stopped after a bad reload"
hotplug_is reject-while-running || fail "a bad reload changed the policy"
journalctl -u thinvmd -o cat --no-pager | grep "reload refused" | tail -n 1
journalctl -u thinvmd -o cat --no-pager | grep -q "thinvm.conf:3: hotplug-mode" ||
	fail "the journal does not name thinvm.conf:3 after the reload"
if systemctl restart thinvmd; then
	fail "thinvmd restarted with a bad file"
fi
journalctl -u thinvmd -o cat --no-pager -n 30 | grep "thinvm.conf:3" | tail -n 1
systemctl status thinvmd --no-pager -n 0 | head -n 3
# 78 (EX_CONFIG) from thinvmd itself: RestartPreventExitStatus, no restart loop.
[ "$(systemctl show -p Result --value thinvmd)" = exit-code ] ||
	fail "the unit's result is $(systemctl show -p Result --value thinvmd), not exit-code"
cp /tmp/thinvm.conf.good "$conf"
systemctl reset-failed thinvmd
systemctl start thinvmd || fail "thinvmd did not start with the good file back"
hotplug_is reject-while-running || fail "the saved policy is not in force after the start"
echo "bad file: reload refused, start failed naming line 3; fixed: running"
