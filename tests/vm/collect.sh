#!/bin/sh
# Turn one lane's output folder into its verdict: the PASS/FAIL/SKIP lines the
# emulated host wrote, plus a FAIL for anything that shows the run cannot be
# trusted (no OK line, a crash on the console, a timeout).
# Usage: collect.sh LANE OUT_DIR BOOT_EXIT_CODE   (prints the verdict lines)
set -eu

lane=$1 out=$2 boot_rc=$3
result="$out/result.txt"
console="$out/console.log"
touch "$result" "$console"
# The emulated host's tty turns \n into \r\n.
tr -d '\r' <"$result" >"$result.clean"
result="$result.clean"

grep -E '^(PASS|FAIL|SKIP) ' "$result" || true

if [ "$boot_rc" -eq 124 ]; then
	echo "FAIL $lane/boot: timed out (see $console)"
fi
# Kernel messages only ("[  1.23] WARNING: CPU: ..."), not a transcript that
# prints these words as a grep pattern.
crash=$(grep -m1 -E '\] (Kernel panic - not syncing|BUG: |WARNING: CPU: |Oops: |general protection fault|Call Trace:)' "$console" || true)
if [ -n "$crash" ]; then
	echo "FAIL $lane/console-clean: $crash"
fi
if ! grep -qx "OK $lane" "$result"; then
	if grep -qx "END $lane" "$result"; then
		: # the FAIL lines above say what failed
	else
		echo "FAIL $lane/complete: the emulated host never finished its tests (see $console)"
	fi
fi
