#!/bin/sh
# busctl monitor sees thinvmd's signals: the module's events (a VM made and
# closed) and PropertiesChanged for a policy change.
. /usr/lib/thinvm-lane3/thinvmd.sh
mon=$(mktemp)
timeout 10 busctl --no-pager monitor org.thinvm.Manager1 >"$mon" 2>&1 &
sleep 1.5
probe >/dev/null || fail "hc_probe failed"
call SetHyperVVCPULimit u 64 || fail "SetHyperVVCPULimit failed"
sleep 1.5
kill %1 2>/dev/null
wait
grep -E 'Member=(VMCreated|VMDestroyed|PropertiesChanged|InterfacesAdded)' "$mon" | sort | uniq -c
for m in VMCreated VMDestroyed PropertiesChanged; do
	grep -q "Member=$m" "$mon" || fail "busctl monitor saw no $m"
done
rm -f "$mon"
echo "VMCreated, VMDestroyed and PropertiesChanged seen by busctl monitor"
