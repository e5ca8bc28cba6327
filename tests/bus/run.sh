#!/bin/sh
# Tier 2: thinvmd's D-Bus API on a private bus, without the module. Starts a
# dbus-daemon of its own (bus.conf), runs test_thinvmd_bus, which starts and
# stops thinvmd, then vmctl.sh (vmctl against a thinvmd of its own), and
# stops the bus. Prints their result lines.
#
# Usage: tests/bus/run.sh THINVMD TEST_PROGRAM VMCTL WORK_DIR
set -u

thinvmd=$1 prog=$2 vmctl=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
# The non-root test connects as nobody: the socket's folder must let it.
chmod 0755 "$work"
sock="$work/bus"
if ! dbus-daemon --config-file="$here/bus.conf" --address="unix:path=$sock" \
	--fork --print-pid=3 3>"$work/bus.pid" >/dev/null 2>"$work/bus.log"; then
	echo "FAIL bus/dbus-daemon: could not start a private bus (see $work/bus.log)"
	exit 1
fi
trap 'kill "$(cat "$work/bus.pid")" 2>/dev/null' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$sock" ] && break
	sleep 0.1
done
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$sock" timeout 120 "$prog" "$thinvmd" "unix:path=$sock" "$work"
rc=$?
[ "$rc" -eq 124 ] && echo "FAIL bus/timeout: test_thinvmd_bus ran over 120 s"
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$sock" timeout 120 "$here/vmctl.sh" "$vmctl" "$thinvmd" "$work/vmctl"
vrc=$?
[ "$vrc" -eq 124 ] && echo "FAIL bus/vmctl-timeout: vmctl.sh ran over 120 s"
[ "$rc" -ne 0 ] && exit "$rc"
exit "$vrc"
