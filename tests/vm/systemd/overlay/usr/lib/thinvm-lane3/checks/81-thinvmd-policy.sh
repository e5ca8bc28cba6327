#!/bin/sh
# busctl calls change the module's policy, seen through netlink, sysfs and a
# guest's hypercall: exits by default; refused (-KVM_ENOSYS) once the default
# mask is empty; KVM_ENABLE_CAP refused (EPERM) once the ceiling is empty.
. /usr/lib/thinvm-lane3/thinvmd.sh
# The tests before may have pushed policy of their own: thinvmd's again.
systemctl reload thinvmd || fail "systemctl reload failed"
r=$(probe) || fail "hc_probe: $r"
[ "$r" = exits ] || fail "with the default policy the hypercall $r, it should exit"
call SetHypercallDefault t 0 || fail "SetHypercallDefault failed"
$T/thinvm_nl policy
$T/thinvm_nl policy | grep -q 'default=0x0 ' || fail "the module's default is not empty"
r=$(probe) || fail "hc_probe: $r"
[ "$r" = refused ] || fail "with an empty default the hypercall $r, it should be refused"
call SetHypercallCeiling t 0 || fail "SetHypercallCeiling failed"
r=$(probe) || fail "hc_probe: $r"
[ "$r" = enable-cap-eperm ] || fail "with an empty ceiling: $r, KVM_ENABLE_CAP should be EPERM"
call ResetPolicy as 2 hypercall-ceiling hypercall-default || fail "ResetPolicy failed"
r=$(probe) || fail "hc_probe: $r"
[ "$r" = exits ] || fail "after ResetPolicy the hypercall $r, it should exit"
call SetHotplugMode s reject-while-running || fail "SetHotplugMode failed"
hotplug_is reject-while-running || fail "sysfs hotplug_mode is $(cat /sys/kernel/thinvm/hotplug_mode)"
cat /var/lib/thinvm/policy.conf
grep -qx 'hotplug-mode = reject-while-running' /var/lib/thinvm/policy.conf ||
	fail "the setting is not saved in /var/lib/thinvm/policy.conf"
echo "hypercall exits, refusals and EPERM follow busctl; hotplug mode saved"
