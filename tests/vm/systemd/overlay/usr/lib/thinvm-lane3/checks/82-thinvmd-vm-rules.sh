#!/bin/sh
# A [vm NAME] rule of thinvm.conf applies to a VM of that name once it is
# named (VM_RENAMED event), not to others; Reload() picks the file up.
. /usr/lib/thinvm-lane3/thinvmd.sh
mkdir -p /etc/thinvm
cat >/etc/thinvm/thinvm.conf <<'CONF'
# lane 3
[vm probe-denied]
hypercall-exit = none
CONF
call Reload || fail "Reload failed"
# The rule is applied when thinvmd sees the name: give it a moment.
r=$(probe --name probe-denied --wait-ms 500) || fail "hc_probe: $r"
[ "$r" = refused ] || fail "VM probe-denied: the hypercall $r, its rule should refuse it"
r=$(probe --name probe-allowed --wait-ms 500) || fail "hc_probe: $r"
[ "$r" = exits ] || fail "VM probe-allowed: the hypercall $r, it has no rule"
journalctl -u thinvmd -o cat --no-pager | grep "rule applied" | tail -n 1
echo "the rule of VM probe-denied applied to it alone"
