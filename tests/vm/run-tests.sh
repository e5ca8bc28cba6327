#!/bin/sh
# Run every test program (test_*) in DIR inside an emulated host, printing a
# transcript on stdout and one result line per test on fd 3 (the results
# port; see README.md). Exits 1 if any test failed.
# Usage: run-tests.sh LANE DIR 3>RESULTS
lane=$1 dir=$2
failed=0 npass=0 nfail=0 nskip=0
log=$(mktemp)

for t in "$dir"/test_*; do
	name=${t##*/test_}
	echo "+ $name"
	timeout 120 "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	why=$(tail -n1 "$log")
	case $rc in
	0) line="PASS $lane/$name" ;;
	4) line="SKIP $lane/$name: $why" ;;
	124 | 143) line="FAIL $lane/$name: timed out after 120 s" ;;
	*) line="FAIL $lane/$name: exit $rc: $why" ;;
	esac
	echo "$line" >&3
	echo "[result] $line"
	case $line in
	PASS*) npass=$((npass + 1)) ;;
	SKIP*) nskip=$((nskip + 1)) ;;
	FAIL*) nfail=$((nfail + 1)); failed=1 ;;
	esac
done
rm -f "$log"
echo "run-tests: $npass passed, $nfail failed, $nskip skipped"
exit $failed
