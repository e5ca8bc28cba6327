#!/bin/sh
# Turn one lane's output folder into its verdict: the PASS/FAIL/SKIP lines the
# emulated host wrote, plus a FAIL for anything that shows the run cannot be
# trusted (no OK line, a crash on the console, a timeout, a boot script that
# failed before the emulator ran). It never prints nothing: a lane that
# produced no result at all is a FAIL too.
# Usage: collect.sh LANE OUT_DIR BOOT_EXIT_CODE   (prints the verdict lines)
set -eu

lane=$1 out=$2 boot_rc=$3
mkdir -p "$out"
result="$out/result.txt"
console="$out/console.log"
touch "$result" "$console"
# The emulated host's tty turns \n into \r\n.
tr -d '\r' <"$result" >"$result.clean"
result="$result.clean"

grep -E "^(PASS|FAIL|SKIP) $lane/" "$result" || true

case $boot_rc in
0) ;;
124) echo "FAIL $lane/boot: timed out (see $console)" ;;
*) echo "FAIL $lane/boot: the boot script failed with exit $boot_rc before or while the emulator ran" ;;
esac
# Kernel messages only ("[  1.23] WARNING: CPU: ..."), not a transcript that
# prints these words as a grep pattern.
crash=$(grep -m1 -E '\] (Kernel panic - not syncing|BUG: |WARNING: CPU: |Oops: |general protection fault|Call Trace:)' "$console" || true)
if [ -n "$crash" ]; then
	echo "FAIL $lane/console-clean: $crash"
fi
if ! grep -qx "OK $lane" "$result"; then
	if ! grep -qx "END $lane" "$result"; then
		echo "FAIL $lane/complete: the emulated host never finished its tests (see $console)"
	elif ! grep -q "^FAIL $lane/" "$result"; then
		echo "FAIL $lane/complete: END without OK, yet no test says FAIL (see $console)"
	fi
fi
