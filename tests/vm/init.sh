#!/bin/sh
# /init of the lane-1 (SVM, QEMU) and lane-2 (VMX, Bochs) initramfs: load the
# module, run every test, report on the second serial port (see README.md),
# then power off with a VM still open so the reboot path runs too.
export PATH=/bin:/sbin

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
for m in $stock; do
	insmod "/lib/stock/$m.ko" 2>&1 || echo "note: stock module $m did not load"
done

echo "+ insmod thinvm.ko"
if insmod /lib/thinvm/thinvm.ko; then
	report PASS module-load
else
	report FAIL module-load "$(dmesg | grep thinvm | tail -n1)"
fi

run-tests.sh "$lane" /tests || failed=$((failed + 1))

echo "+ rmmod thinvm; insmod thinvm.ko"
if rmmod thinvm && [ ! -e /dev/thinvm ] && [ ! -e /sys/kernel/thinvm ] &&
	insmod /lib/thinvm/thinvm.ko && [ -c /dev/thinvm ]; then
	report PASS module-reload
else
	report FAIL module-reload "unload or reload failed"
fi

bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|RIP:' | head -n1)
if [ -z "$bad" ]; then
	report PASS kernel-log-clean
else
	report FAIL kernel-log-clean "$bad"
fi

echo "END $lane" >&3
[ "$failed" -eq 0 ] && echo "OK $lane" >&3
sync

# Power off with a VM open: the reboot notifier must turn virtualization off
# (the host checks the console for its line). Raise the console log level
# so that the line is shown despite "quiet".
hold_vm
echo 7 >/proc/sys/kernel/printk
poweroff -f
