#!/bin/sh
# Run by /init inside the emulated host for `make demo`: show thinvm being
# loaded, a VM turning virtualization on and closing it turning it off. The
# console shows the transcript; port 2 gets what the host summarises.
exec 3>/dev/ttyS1
say() { echo; echo "### $*"; }
run() { echo "\$ $*"; "$@"; }

echo 7 >/proc/sys/kernel/printk
echo "=== demo start"
say "Load the module: it picks SVM or VMX from the CPU and checks every CPU"
run insmod /lib/thinvm/thinvm.ko && echo "DEMO loaded $(cat /sys/kernel/thinvm/vendor)" >&3
run ls -l /dev/thinvm
run vmctl status

say "Create a VM (KVM_CREATE_VM on /dev/thinvm): virtualization goes on in every CPU"
run hold_vm /tmp/vm.pid
run vmctl status
echo "DEMO on $(cat /sys/kernel/thinvm/enabled_cpus) hw $(cat /sys/kernel/debug/thinvm/hw_enabled_cpus)" >&3

say "Close the VM's last fd: virtualization goes off everywhere"
run kill "$(cat /tmp/vm.pid)"
# The fd is released when the holder exits; wait for that, not a fixed time.
while [ "$(cat /sys/kernel/thinvm/vms)" != 0 ]; do :; done
run vmctl --json status
echo "DEMO off [$(cat /sys/kernel/thinvm/enabled_cpus)] hw [$(cat /sys/kernel/debug/thinvm/hw_enabled_cpus)]" >&3

say "The policy channel: the generic-netlink family thinvm (the daemon's, later)"
run thinvm_nl caps
run thinvm_nl policy
run thinvm_nl set-policy hotplug=reject
run thinvm_nl listen --count 3 --timeout 20 --ready-file /tmp/listening >/tmp/events &
while [ ! -e /tmp/listening ]; do :; done

say "CPU hotplug admission: CPU1 made incompatible (test-only knob), then onlined"
run sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online'
run sh -c 'echo 1 > /sys/kernel/debug/thinvm/fault_incompatible_cpus'
run sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online' && echo "(unexpected: it came online)"
run cat /sys/kernel/thinvm/cpus/cpu1/reason
run sh -c 'echo > /sys/kernel/debug/thinvm/fault_incompatible_cpus'
run sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online'
run thinvm_nl cpus
wait
echo "events seen by a listener:"
cat /tmp/events
grep -q 'event=cpu-refused cpu=1' /tmp/events && echo "DEMO refused cpu1" >&3
echo "=== demo end"
echo "END demo" >&3
