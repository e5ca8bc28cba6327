#!/bin/sh
# make demo, inside lane 3 (tests/demo.sh boots it with --phase demo):
# thinvmd as a systemd service, vmctl status, the hypercall example guest
# under the default policy, a policy change that keeps its hypercall in the
# kernel, the guest again, a refused CPU hotplug, and the feature policy seen
# through the host profile. The console carries
# the transcript between "=== demo start" and "=== demo end"; the check
# fails if anything did not happen as the transcript says.
guest=/usr/share/thinvm/guests/hypercall.elf
problems=0
say() { echo; echo "### $*"; }
run() { echo "\$ $*"; "$@"; }
wrong() { echo "(demo: $*)"; problems=$((problems + 1)); }

echo "=== demo start"
say "thinvmd, the policy daemon, runs as a hardened systemd service"
run systemctl --no-pager --lines=0 status thinvmd | sed -n '1,/CGroup/p' | grep -v CGroup
run vmctl status

vmctl events >/run/demo-events 2>/dev/null &
events=$!

say "The hypercall guest under the default policy (KVM's behaviour): its map_gpa_range hypercall exits to the VMM, which answers it"
run vmctl run --name demo "$guest" >/run/demo-run1 2>&1
rc=$?
cat /run/demo-run1
echo "(vmctl run exited $rc)"
[ "$rc" -eq 0 ] || wrong "the first run exited $rc"
grep -q 'answered 0' /run/demo-run1 || wrong "the hypercall did not exit to the VMM"

say "Keep that hypercall in the kernel for new VMs: the host's default exit mask becomes empty"
run vmctl policy set hypercall-default=none || wrong "policy set failed"
run vmctl policy

say "The same guest again: the hypercall no longer reaches the VMM; the guest gets -KVM_ENOSYS"
run vmctl run --name demo "$guest" >/run/demo-run2 2>&1
rc=$?
cat /run/demo-run2
echo "(vmctl run exited $rc)"
[ "$rc" -eq 0 ] || wrong "the second run exited $rc"
grep -q 'answered 0' /run/demo-run2 && wrong "the hypercall still exited to the VMM"
grep -q -- '-1000' /run/demo-run2 || wrong "the guest did not see -1000 (KVM_ENOSYS)"
run vmctl policy reset hypercall-default

say "CPU hotplug admission: CPU 1 goes offline, is marked incompatible (a test-only knob), and is brought online again"
run sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online'
run sh -c 'echo 1 > /sys/kernel/debug/thinvm/fault_incompatible_cpus'
if run sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online'; then
	wrong "CPU 1 came online"
fi
run vmctl cpus
vmctl --json cpus | jq -e '.[1].state == "refused"' >/dev/null || wrong "vmctl cpus does not show CPU 1 refused"
run vmctl status | grep -E 'Incompatible|Hotplug mode'
echo 'echo > /sys/kernel/debug/thinvm/fault_incompatible_cpus' | sh
echo 1 >/sys/devices/system/cpu/cpu1/online 2>/dev/null

say "Feature policy: this host's capability profile, one SVM feature hidden from new VMs, and a baseline with a host that lacks it"
run vmctl profile
vmctl --json profile >/run/demo-here.json
jq '.features -= ["vgif"]' /run/demo-here.json >/run/demo-other.json
run vmctl policy set hidden-features=npt || wrong "hiding npt failed"
run vmctl profile | grep -E 'Features|Hidden'
vmctl --json profile | jq -e '(.features | index("npt")) == null' >/dev/null ||
	wrong "the profile still offers npt"
run vmctl policy reset hidden-features
run vmctl profile baseline /run/demo-here.json /run/demo-other.json ||
	wrong "vmctl profile baseline failed"

say "What vmctl events saw meanwhile"
sleep 0.5
kill -INT $events
wait $events
cat /run/demo-events
grep -q 'CPURefused' /run/demo-events || wrong "no CPURefused event"
echo "=== demo end"
[ "$problems" -eq 0 ] || { echo "$problems things did not happen as they should"; exit 1; }
echo "the demo ran as its transcript says"
