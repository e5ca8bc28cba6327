#!/bin/sh
# After a reboot of the emulated host, the policy set over D-Bus in the first
# boot (hotplug mode reject-while-running, saved on the state disk) is what
# thinvmd pushed into the freshly loaded module.
. /usr/lib/thinvm-lane3/thinvmd.sh
wait_for 20 active || fail "thinvmd is $(systemctl is-active thinvmd)"
cat /var/lib/thinvm/policy.conf || fail "no saved policy after the reboot"
wait_for 5 hotplug_is reject-while-running ||
	fail "the module's hotplug mode is $(cat /sys/kernel/thinvm/hotplug_mode)"
[ "$(prop HotplugMode)" = reject-while-running ] || fail "HotplugMode is $(prop HotplugMode)"
$B get-property $M OverriddenFields
echo "the policy of the first boot is in force after the reboot"
