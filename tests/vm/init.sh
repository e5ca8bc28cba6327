#!/bin/sh
# /init of the lane-1 (SVM, QEMU) and lane-2 (VMX, Bochs) initramfs: load the
# module, run every test, report on the second serial port (see README.md),
# then power off with a VM still open so the reboot path runs too.
export PATH=/bin:/sbin:/tests

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

lane=$(sed -n 's/.*thinvm_lane=\([a-z0-9-]*\).*/\1/p' /proc/cmdline)
lane=${lane:-unknown}
exec 3>/dev/ttyS1
failed=0

report() { # STATUS NAME [REASON]
	line="$1 $lane/$2${3:+: $3}"
	echo "$line" >&3
	echo "[result] $line"
	[ "$1" = FAIL ] && failed=$((failed + 1))
}

echo "=== thinvm lane $lane: $(uname -r), $(nproc) CPUs"

if grep -q 'thinvm_mode=demo' /proc/cmdline; then
	/demo.sh
	poweroff -f
fi

# The stock modules a lane needs: msr.ko for reading EFER from userspace,
# the KVM stack as the other hypervisor of the EBUSY test.
case "$lane" in
svm*) stock="msr irqbypass kvm ccp kvm-amd" ;;
vmx*) stock="msr irqbypass kvm kvm-intel" ;;
esac
# Each lane ships these; one that does not load is a broken lane, not a
# reason for the tests that need it to skip quietly.
for m in $stock; do
	insmod "/lib/stock/$m.ko" || report FAIL stock-modules "$m.ko did not load"
done

echo "+ insmod thinvm.ko"
if insmod /lib/thinvm/thinvm.ko; then
	dmesg | grep 'thinvm: ' | grep -v taint
	report PASS module-load
else
	report FAIL module-load "$(dmesg | grep thinvm | tail -n1)"
fi

# make bench (tests/bench/run.sh): the table on the results port, nothing else.
if grep -q 'thinvm_mode=bench' /proc/cmdline; then
	iters=$(sed -n 's/.*thinvm_bench_iters=\([0-9]*\).*/\1/p' /proc/cmdline)
	runs=$(sed -n 's/.*thinvm_bench_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
	insmod /lib/thinvm/thinvm_floor.ko
	bench --iters "${iters:-2000}" --runs "${runs:-5}" >/tmp/bench.out 2>&1
	rc=$?
	cat /tmp/bench.out
	echo BENCH-BEGIN >&3
	cat /tmp/bench.out >&3
	echo "BENCH-END $rc" >&3
	sync
	poweroff -f
fi

# make bench-profile (tests/bench/profile.sh): the kernel's text symbols on
# the results port, then one row's loop for ever, stepped through from
# QEMU's gdb stub until the host ends the emulator.
if grep -q 'thinvm_mode=profile' /proc/cmdline; then
	row=$(sed -n 's/.*thinvm_profile_row=\([a-z]*\).*/\1/p' /proc/cmdline)
	echo PROFILE-SYMBOLS >&3
	grep -i ' t ' /proc/kallsyms >&3
	echo PROFILE-SYMBOLS-END >&3
	bench --spin "$row" >/tmp/spin.out 2>&1 &
	spin=$!
	while kill -0 $spin 2>/dev/null && ! grep -q spinning /tmp/spin.out; do sleep 0.1; done
	cat /tmp/spin.out
	if kill -0 $spin 2>/dev/null; then
		echo "PROFILE-SPINNING $row" >&3
		wait
	fi
	echo PROFILE-FAILED >&3
	poweroff -f
fi

# Every lane compares with KVM, once per boot (tests/vm/README.md).
run-tests.sh "$lane" /tests || failed=$((failed + 1))

echo "+ rmmod thinvm; insmod thinvm.ko"
if rmmod thinvm && [ ! -e /dev/thinvm ] && [ ! -e /sys/kernel/thinvm ] &&
	insmod /lib/thinvm/thinvm.ko && [ -c /dev/thinvm ]; then
	report PASS module-reload
else
	report FAIL module-reload "unload or reload failed"
fi

# Load-time admission: a CPU unlike the others (made so by the test-only
# parameter) keeps the module from loading, and the log names CPU and field.
last=$(($(nproc) - 1))
echo "+ insmod thinvm.ko fault_incompatible_cpus=$last"
rmmod thinvm
if insmod /lib/thinvm/thinvm.ko fault_incompatible_cpus=$last 2>/dev/null; then
	report FAIL load-refuses-incompatible-cpu "loaded with CPU$last incompatible"
	rmmod thinvm
elif ! dmesg | grep -q "thinvm: CPU$last: .* is .* here, .* on CPU0 (fault injected).*not loading"; then
	report FAIL load-refuses-incompatible-cpu "no log line naming CPU$last and the field"
else
	dmesg | grep "thinvm: CPU$last: " | tail -n1
	report PASS load-refuses-incompatible-cpu
fi
insmod /lib/thinvm/thinvm.ko || report FAIL module-reload "could not load again"

bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|RIP:' | head -n1)
if [ -z "$bad" ]; then
	report PASS kernel-log-clean
else
	report FAIL kernel-log-clean "$bad"
fi

# Power off with a VM open: the reboot notifier must turn virtualization off
# (the host checks the console for its line).
if hold_vm; then
	report PASS hold-vm-for-poweroff
else
	report FAIL hold-vm-for-poweroff "could not create the VM to power off with"
fi

echo "END $lane" >&3
[ "$failed" -eq 0 ] && echo "OK $lane" >&3
sync
# Show the notifier's line on the console despite "quiet".
echo 7 >/proc/sys/kernel/printk
poweroff -f
