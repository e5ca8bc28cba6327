#!/bin/sh
# Run every test program (test_*) in DIR inside an emulated host, printing a
# transcript on stdout and one result line per test on fd 3 (the results
# port; see README.md). Exits 1 if any test failed.
#
# Two phases (tests/vm/lib/vmtest.h says why): every test on thinvm, each
# saving what it saw; then, when /dev/kvm exists and with one idle KVM VM
# held open so that KVM never toggles SVM, the tests that compare with KVM
# again, as <test>@kvm.
# --no-kvm-phase leaves the second phase out: each KVM round risks wedging
# QEMU, so make check runs it in one lane only.
# Usage: run-tests.sh LANE DIR [--no-kvm-phase] 3>RESULTS
lane=$1 dir=$2 kvm_phase=yes
[ "${3:-}" = --no-kvm-phase ] && kvm_phase=no
failed=0 npass=0 nfail=0 nskip=0
log=$(mktemp)
export VT_OUTCOME_DIR
VT_OUTCOME_DIR=$(mktemp -d)

# thinvm_tests=a,b on the kernel command line (THINVM_TESTS of make check)
# runs only those tests.
only=$(sed -n 's/.*thinvm_tests=\([a-z0-9_,]*\).*/\1/p' /proc/cmdline)

run_one() { # TEST NAME
	case ,$only, in ,,|*,"${2%@kvm}",*) ;; *) return ;; esac
	echo "+ $2"
	timeout 120 "$1" >"$log" 2>&1
	rc=$?
	cat "$log"
	why=$(tail -n1 "$log")
	case $rc in
	0) line="PASS $lane/$2" ;;
	4) line="SKIP $lane/$2: $why" ;;
	5) [ "$VT_PHASE" = kvm ] && return ;;	# compares with nothing
	124 | 143) line="FAIL $lane/$2: timed out after 120 s" ;;
	*) line="FAIL $lane/$2: exit $rc: $why" ;;
	esac
	[ -n "${line:-}" ] || line="FAIL $lane/$2: exit $rc: $why"
	echo "$line" >&3
	echo "[result] $line"
	case $line in
	PASS*) npass=$((npass + 1)) ;;
	SKIP*) nskip=$((nskip + 1)) ;;
	FAIL*) nfail=$((nfail + 1)); failed=1 ;;
	esac
	line=
}

VT_PHASE=thinvm
export VT_PHASE
for t in "$dir"/test_*; do
	run_one "$t" "${t##*/test_}"
done

if [ "$kvm_phase" = no ]; then
	echo "+ no KVM phase in this lane: the comparisons with KVM run in lane svm"
elif [ -c /dev/kvm ]; then
	echo "+ KVM phase: holding one KVM VM open"
	# hold_vm is not a test: it must not see VT_PHASE=kvm.
	if "$dir/hold_vm" --device /dev/kvm "$VT_OUTCOME_DIR/anchor.pid"; then
		VT_PHASE=kvm
		for t in "$dir"/test_*; do
			run_one "$t" "${t##*/test_}@kvm"
		done
		anchor=$(cat "$VT_OUTCOME_DIR/anchor.pid")
		kill "$anchor"
		# Go on only once KVM's VM is gone (the holder exited; a zombie
		# has closed its files), so thinvm can own the hardware again.
		while [ -e "/proc/$anchor" ] &&
			! grep -q '^State:.*Z' "/proc/$anchor/status" 2>/dev/null; do
			:
		done
	else
		echo "FAIL $lane/kvm-phase: could not hold a KVM VM open" >&3
		nfail=$((nfail + 1))
		failed=1
	fi
fi
rm -rf "$log" "$VT_OUTCOME_DIR"
echo "run-tests: $npass passed, $nfail failed, $nskip skipped"
exit $failed
