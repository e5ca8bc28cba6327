#!/bin/sh
# make check: the unit tests, then every emulated-host lane. Prints one line
# per test and ends with "N passed, N failed, N skipped"; exits non-zero if
# anything failed. Output of each tier is kept under build/check/.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/build/check
rm -rf "$out"
mkdir -p "$out"
results=$out/results.txt
: >"$results"

# THINVM_LANES picks lanes for a quicker run while developing, e.g.
# THINVM_LANES=svm make check; the default is all of them.
lanes=${THINVM_LANES:-svm svm4 vmx systemd}

# Lanes 1 and 2 boot with this; panic on any oops or WARN, no reboot.
CMDLINE_BASE="console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1"
# THINVM_VMX_VCPUS=1: lane 2 loads thinvm.ko with the experimental VMX vCPUs.
if [ "${THINVM_VMX_VCPUS:-0}" = 1 ]; then
	CMDLINE_BASE="$CMDLINE_BASE thinvm.vmx_vcpus=1"
fi
# THINVM_TESTS="mmio hello" runs only those emulated-host tests (developing).
if [ -n "${THINVM_TESTS:-}" ]; then
	CMDLINE_BASE="$CMDLINE_BASE thinvm_tests=$(echo $THINVM_TESTS | tr ' ' ,)"
fi

add() { echo "$*" >>"$results"; }

collect() { # LANE DIR BOOT_RC
	tests/vm/collect.sh "$@" >>"$results" ||
		add "FAIL $1/collect: could not read the lane's results in $2"
}
tier() { echo "== $*"; }

run_unit() {
	tier "unit tests (Criterion)"
	if ! build/unit-tests --tap="$out/unit.tap" >"$out/unit.log" 2>&1; then
		grep -q '^not ok' "$out/unit.tap" 2>/dev/null ||
			add "FAIL unit/run: build/unit-tests failed (see $out/unit.log)"
	fi
	# Criterion TAP: "ok - suite::test (t)", "not ok - ...", "... # SKIP why"
	awk '
		/^ok - .*# SKIP/ { sub(/^ok - /, ""); n = $1; sub(/^[^#]*# SKIP */, "");
				   print "SKIP unit/" n ": " $0; next }
		/^ok - / { print "PASS unit/" $3; next }
		/^not ok - / { print "FAIL unit/" $4 ": see build/check/unit.tap" }
	' "$out/unit.tap" >>"$results" 2>/dev/null
	# Every test the TAP plan announces must have reported.
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/unit.tap" 2>/dev/null | head -n1)
	seen=$(grep -c '^\(not \)\{0,1\}ok ' "$out/unit.tap" 2>/dev/null || true)
	if [ -z "$plan" ] || [ "$plan" -eq 0 ] || [ "$seen" -ne "$plan" ]; then
		add "FAIL unit/plan: ${seen:-0} results for a plan of ${plan:-nothing}"
	fi
}

# Tier 2: thinvmd on a private D-Bus, no module (tests/bus/).
run_bus() {
	tier "thinvmd on a private bus"
	tests/bus/run.sh build/thinvmd build/tests/bus/test_thinvmd_bus build/vmctl "$out/bus" \
		>"$out/bus.txt" 2>"$out/bus.log"
	rc=$?
	cat "$out/bus.txt" >>"$results"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out/bus.txt"; then
		add "FAIL bus/run: tests/bus/run.sh exited $rc without a FAIL line (see $out/bus.log)"
	fi
}

# Man pages and vmctl's bash completion (tests/docs/), no module.
run_docs() {
	tier "man pages and bash completion"
	for t in run completion selftest; do
		tests/docs/$t.sh >"$out/docs-$t.txt" 2>"$out/docs-$t.log"
		rc=$?
		cat "$out/docs-$t.txt" >>"$results"
		if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out/docs-$t.txt"; then
			add "FAIL docs/$t: tests/docs/$t.sh exited $rc without a FAIL line (see $out/docs-$t.log)"
		fi
	done
}

# After a lane that completed, the console must show the reboot notifier
# turning virtualization off on every CPU (init powers off with a VM open,
# so there is something to turn off).
check_reboot_line() { # LANE DIR CPUS
	grep -qx "END $1" "$2/result.txt.clean" 2>/dev/null || return 0
	if tr -d '\r' <"$2/console.log" |
		grep -q "thinvm: reboot: virtualization turned off on $3 CPUs\$"; then
		add "PASS $1/reboot-turns-virt-off"
	else
		add "FAIL $1/reboot-turns-virt-off: no line from thinvm saying it turned virtualization off on $3 CPUs at power-off"
	fi
}

# Boot a QEMU lane: "$@" is the boot command, $1 of this function the lane.
# QEMU's TCG has been seen to stop making progress, rarely, with no kernel
# error on the console (tests/vm/README.md): then, and only then, the lane
# boots once more, and the results say so in a RETRY line (not counted) with
# the first console kept beside the second. A timeout with a kernel error,
# or a second timeout, is a FAIL as always.
boot_qemu_lane() { # LANE OUT_DIR BOOT_COMMAND...
	qlane=$1 qdir=$2
	shift 2
	rc=0
	"$@" || rc=$?
	if [ "$rc" -eq 124 ] && ! grep -qE '\] (Kernel panic|BUG: |WARNING: CPU: |Oops: |general protection fault|Call Trace:)' "$qdir/console.log"; then
		mv "$qdir/console.log" "$qdir/console-wedged.log"
		add "RETRY $qlane/boot: the emulator timed out with no kernel error; booted again (first console: $qdir/console-wedged.log)"
		echo "== $qlane: timed out with no kernel error; booting once more"
		rc=0
		"$@" || rc=$?
	fi
}

# Lane 1 (SVM under QEMU), with the emulated host's paging depth as given:
# nested page tables follow the host's, and -cpu max has 5 levels (LA57).
run_qemu_svm_lane() { # LANE CPU TITLE
	tier "$3"
	boot_qemu_lane "$1" "$out/$1" \
		tests/vm/qemu/boot.sh --kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio" \
		--cpu "$2" --cmdline "$CMDLINE_BASE thinvm_lane=$1" --out "$out/$1" \
		--timeout 300
	collect "$1" "$out/$1" "$rc"
	check_reboot_line "$1" "$out/$1" 2
}

run_lane_svm() {
	run_qemu_svm_lane svm max,+svm,+npt "lane 1: SVM under QEMU, 5-level paging"
}

run_lane_svm4() {
	run_qemu_svm_lane svm4 max,+svm,+npt,-la57 "lane 1b: SVM under QEMU, 4-level paging"
}

run_lane_vmx() {
	tier "lane 2: VMX under Bochs"
	rc=0
	tests/vm/bochs/boot.sh --kernel-dir "$kdir" --initrd "$out/initramfs.cpio" \
		--cmdline "$CMDLINE_BASE cryptomgr.notests rodata=off mitigations=off thinvm_lane=vmx" \
		--out "$out/vmx" --cpus 2 --timeout 600 || rc=$?
	collect vmx "$out/vmx" "$rc"
	check_reboot_line vmx "$out/vmx" 2
}

# Lane 3 boots twice on one state disk (/var/lib/thinvm in the guest): the
# checks of checks/ as lane systemd, then, on the same image, those of
# checks-reboot/ as lane systemd-reboot (tests/vm/systemd/README.md).
run_lane_systemd() {
	tier "lane 3: systemd root under QEMU"
	rm -rf "$out/destdir"
	if ! make -s install install-tests DESTDIR="$out/destdir" PREFIX=/usr >"$out/install.log" 2>&1; then
		add "FAIL systemd/install: make install DESTDIR failed (see $out/install.log)"
		return
	fi
	disk=$out/systemd/state.img
	mkdir -p "$out/systemd" "$out/systemd-reboot"
	boot_qemu_lane systemd "$out/systemd" \
		tests/vm/systemd/boot.sh --kernel-dir "$kdir" --destdir "$out/destdir" \
		--state-disk "$disk" --out "$out/systemd" --timeout 600
	collect systemd "$out/systemd" "$rc"

	# The first boot's power-off must have unmounted the state disk cleanly:
	# no journal left to replay (e2fsck -n alone would skip that and pass),
	# state clean, and e2fsck -fn finds nothing to fix.
	if grep -qx "END systemd" "$out/systemd/result.txt.clean" 2>/dev/null; then
		log=$out/systemd/state-fsck.log
		why=
		if ! dumpe2fs -h "$disk" >"$log" 2>&1; then
			why="dumpe2fs -h cannot read it"
		elif grep -q '^Filesystem features:.*needs_recovery' "$log"; then
			why="its journal needs recovery: the power-off did not unmount it"
		elif ! grep -q '^Filesystem state: *clean$' "$log"; then
			why="$(grep '^Filesystem state:' "$log")"
		elif ! e2fsck -fn "$disk" >>"$log" 2>&1; then
			why="e2fsck -fn found errors"
		fi
		if [ -z "$why" ]; then
			add "PASS systemd/state-disk-clean"
		else
			add "FAIL systemd/state-disk-clean: the state disk after the power-off: $why (see $log)"
		fi
	fi

	tier "lane 3: the same root rebooted on the same state disk"
	if [ ! -f "$out/systemd/root.cpio.zst" ] || [ ! -f "$disk" ]; then
		add "FAIL systemd-reboot/boot: the first boot left no image or state disk"
		return
	fi
	# A retried boot starts again from the disk as the first boot left it.
	cp --sparse=always "$disk" "$out/systemd-reboot/state-after-first-boot.img"
	boot_qemu_lane systemd-reboot "$out/systemd-reboot" \
		lane3_reboot "$out/systemd-reboot/state-after-first-boot.img" \
		tests/vm/systemd/boot.sh --kernel-dir "$kdir" \
		--reuse-image "$out/systemd/root.cpio.zst" --state-disk "$disk" \
		--phase reboot --out "$out/systemd-reboot" --timeout 600
	collect systemd-reboot "$out/systemd-reboot" "$rc"
}
lane3_reboot() { # SAVED_DISK BOOT_COMMAND...   (its --state-disk is $disk)
	cp --sparse=always "$1" "$disk" || return 1
	shift
	"$@"
}

start=$(date +%s)
run_unit
run_bus
run_docs
if kdir=$(scripts/kernel.sh) &&
	tests/vm/mkinitramfs.sh "$kdir" kmod/thinvm.ko build/vmprogs build/vmctl \
		"$out/initramfs.cpio"; then
	for lane in $lanes; do
		case $lane in
		svm | svm4 | vmx | systemd) "run_lane_$lane" ;;
		*) add "FAIL setup: no lane called \"$lane\" (THINVM_LANES)" ;;
		esac
	done
else
	add "FAIL setup: could not fetch the kernel or build the initramfs"
fi

echo "== results (logs in build/check/)"
cat "$results"
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
echo "make check took $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
