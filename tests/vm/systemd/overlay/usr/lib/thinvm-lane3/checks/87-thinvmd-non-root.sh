#!/bin/sh
# A caller that is not root may read the policy but not change it, nor see
# VMs (no polkit here to delegate to).
. /usr/lib/thinvm-lane3/thinvmd.sh
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
# dbus-send, not busctl: busctl shows every AccessDenied as "Access denied",
# whatever its message; the message is what says who refused and why.
out=$(as_nobody dbus-send --system --print-reply --dest=org.thinvm.Manager1 \
	/org/thinvm/Manager1 org.thinvm.Manager1.SetHotplugMode string:reject 2>&1) &&
	fail "nobody changed the hotplug mode"
echo "nobody: $out"
echo "$out" | grep -q "AccessDenied: only root may do this (polkit is not running" ||
	fail "the refusal is not thinvmd's, or does not say why: $out"
out=$(as_nobody busctl --no-pager call $M Describe 2>&1) && fail "nobody read Describe()"
echo "nobody, Describe: $out"
as_nobody busctl --no-pager get-property $M HotplugMode || fail "nobody cannot read HotplugMode"
hotplug_is reject-while-running || fail "the policy changed"
echo "non-root: refused with a reason, reads allowed"
