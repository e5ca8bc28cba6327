#!/bin/sh
# thinvmd runs as the unit says: Type=notify and active, its own user with
# CAP_NET_ADMIN alone, the module connected, logs in the journal with
# priorities. Prints status, introspection and the security score.
. /usr/lib/thinvm-lane3/thinvmd.sh
wait_for 20 active || fail "thinvmd is $(systemctl is-active thinvmd), not active"
systemctl status thinvmd --no-pager -n 5 | cat
[ "$(systemctl show -p Type --value thinvmd)" = notify ] || fail "Type is not notify"
pid=$(systemctl show -p MainPID --value thinvmd)
grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$pid/status"
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$pid/status")
[ "$uid" = "$(id -u thinvm)" ] || fail "thinvmd runs as uid $uid, not thinvm's"
grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$pid/status" ||
	fail "effective capabilities are not CAP_NET_ADMIN alone"
grep -q '^CapPrm:[[:space:]]*0000000000001000$' "/proc/$pid/status" ||
	fail "permitted capabilities are not CAP_NET_ADMIN alone"
echo "+ busctl introspect"
$B introspect org.thinvm.Manager1 /org/thinvm/Manager1
[ "$(prop ModuleState)" = loaded ] || fail "ModuleState is $(prop ModuleState)"
[ "$(prop PolicyGeneration)" -ge 1 ] || fail "no policy generation pushed"
echo "+ systemd-analyze security thinvmd"
systemd-analyze security thinvmd --no-pager | tail -n 1
echo "+ journal, priority info only"
journalctl -u thinvmd -p info..info -o cat --no-pager | tail -n 3
journalctl -u thinvmd -p info..info -o cat --no-pager | grep -q "policy pushed" ||
	fail "no 'policy pushed' line at priority info in the journal"
echo "thinvmd active, uid thinvm, CAP_NET_ADMIN only, module connected"
