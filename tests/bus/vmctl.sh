#!/bin/sh
# Tier 2, vmctl's half: every verb that needs only thinvmd, against a
# thinvmd of its own on the private bus of run.sh (no module): output,
# --json through jq, exit codes, and what a refused change leaves behind.
# Prints "PASS bus/vmctl-NAME" or "FAIL bus/vmctl-NAME: why".
#
# Usage: vmctl.sh VMCTL THINVMD WORK_DIR   (DBUS_SYSTEM_BUS_ADDRESS set)
set -u

vmctl=$1 thinvmd=$2 work=$3
conf=$work/thinvm.conf state=$work/state log=$work/thinvmd.log
out=$work/out err=$work/err
failed=0 daemon=

mkdir -p "$state"
printf '[policy]\nhypercall-ceiling = map_gpa_range\nhotplug-mode = reject\n' >"$conf"

pass() { echo "PASS bus/vmctl-$1"; }
fail() { echo "FAIL bus/vmctl-$1: $2"; failed=1; }

owned() {
	busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus NameHasOwner s org.thinvm.Manager1 2>/dev/null |
		grep -q 'b true'
}
start_daemon() {
	"$thinvmd" --config "$conf" --state-dir "$state" --user "" --verbose >>"$log" 2>&1 &
	daemon=$!
	for _ in $(seq 100); do owned && return 0; sleep 0.05; done
	return 1
}
stop_daemon() {
	[ -n "$daemon" ] || return 0
	kill "$daemon"; wait "$daemon" 2>/dev/null; daemon=
	for _ in $(seq 100); do owned || return 0; sleep 0.05; done
}
trap 'stop_daemon' EXIT

# run NAME WANT_RC ARGS...: vmctl ARGS, stdout in $out, stderr in $err;
# false (after a FAIL line) unless it exits WANT_RC.
run() {
	name=$1 want=$2
	shift 2
	"$vmctl" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" -eq "$want" ] && return 0
	fail "$name" "vmctl $* exited $rc, want $want: $(head -c 300 "$err")"
	return 1
}
# has NAME FILE TEXT: false (after a FAIL line) unless FILE holds TEXT.
has() {
	grep -qF -- "$3" "$2" && return 0
	fail "$1" "no \"$3\" in: $(head -c 400 "$2")"
	return 1
}
# json NAME FILTER: $out must be JSON and FILTER true of it.
json() {
	jq -e "$2" "$out" >/dev/null 2>"$work/jq.err" && return 0
	fail "$1" "jq '$2' is not true of: $(head -c 400 "$out") $(head -c 200 "$work/jq.err")"
	return 1
}

if ! start_daemon; then
	echo "FAIL bus/vmctl-start: thinvmd did not take the name (see $log)"
	exit 1
fi

t=status-without-module
run $t 3 status && has $t "$out" "Module: not loaded (load it with: modprobe thinvm)" &&
	has $t "$out" "Daemon: thinvmd running" &&
	has $t "$out" "Hypercall ceiling: map_gpa_range" &&
	has $t "$out" "Hotplug mode: reject" && pass $t

t=status-json
run $t 3 --json status &&
	json $t '.daemon.running == true and .module.state == "not-loaded" and
		 .policy["hypercall-ceiling"].names == ["map_gpa_range"] and .["vm-count"] == 0' &&
	pass $t

t=policy-show
if run $t 0 policy show && has $t "$out" "KEY"; then
	if ! grep -q '^hotplug-mode  *reject  *thinvm.conf or default$' "$out"; then
		fail $t "no aligned hotplug-mode row in: $(cat "$out")"
	elif run $t 0 --no-legend policy && grep -q '^KEY' "$out"; then
		fail $t "--no-legend printed the header"
	else
		pass $t
	fi
fi

t=policy-set
run $t 0 policy set hotplug-mode=reject-while-running hypercall-default=none &&
	run $t 0 --json policy show &&
	json $t '.["hotplug-mode"] == "reject-while-running" and .["hypercall-default"] == 0 and
		 (.["set-over-dbus"] | sort) == ["hotplug-mode", "hypercall-default"]' &&
	has $t "$state/policy.conf" "hotplug-mode = reject-while-running" && pass $t

t=policy-set-vm-max-vcpus
run $t 0 policy set vm-max-vcpus=8 && run $t 0 --json policy show &&
	json $t '.["vm-max-vcpus"] == 8 and (.["set-over-dbus"] | index("vm-max-vcpus")) != null' &&
	has $t "$state/policy.conf" "vm-max-vcpus = 8" &&
	run $t 0 policy reset vm-max-vcpus && run $t 0 policy show &&
	has $t "$out" "the module's maximum" && run $t 2 policy set vm-max-vcpus=many && pass $t

t=policy-set-refused-changes-nothing
run $t 7 policy set hotplug-mode=reject hypercall-default=0x20 &&
	has $t "$err" "hypercall-ceiling" && run $t 0 --json policy show &&
	json $t '.["hotplug-mode"] == "reject-while-running" and .["hypercall-default"] == 0' &&
	pass $t

t=policy-usage-errors
run $t 2 policy set colour=blue && has $t "$err" '"colour=blue" is not KEY=VALUE' &&
	run $t 2 policy set hotplug-mode && run $t 2 policy set &&
	run $t 2 policy set hypercall-default=warp && has $t "$err" "not a hypercall mask" &&
	run $t 2 policy set hidden-features=pml,warp-drive && has $t "$err" '"warp-drive"' &&
	run $t 2 policy set hotplug-mode=reject hotplug-mode=reject && has $t "$err" "twice" &&
	run $t 2 policy reset colour && run $t 2 frobnicate && run $t 2 --frobnicate &&
	run $t 2 vm show && run $t 0 --json policy show &&
	json $t '.["hotplug-mode"] == "reject-while-running"' && pass $t

t=policy-reset
run $t 0 policy reset hypercall-default && run $t 0 --json policy show &&
	json $t '.["hypercall-default"] == 4096 and .["set-over-dbus"] == ["hotplug-mode"]' &&
	run $t 0 policy reset && run $t 0 --json policy show &&
	json $t '.["hotplug-mode"] == "reject" and .["set-over-dbus"] == []' && pass $t

t=vms-without-module
run $t 3 vms && has $t "$err" "not loaded" && run $t 3 cpus && run $t 3 vm show 1 &&
	run $t 2 vm policy 1 colour=1 && pass $t

t=events
"$vmctl" --json events >"$work/events.out" 2>"$work/events.err" &
ev=$!
for _ in $(seq 100); do grep -q '^Following' "$work/events.err" && break; sleep 0.05; done
stop_daemon
start_daemon
sleep 0.3
kill -INT "$ev"
wait "$ev"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail $t "vmctl events exited $rc after SIGINT: $(cat "$work/events.err")"
elif ! jq -e -s 'map(.event) == ["DaemonStopped", "DaemonStarted"] and all(.[]; .time | length > 0)' \
	"$work/events.out" >/dev/null 2>&1; then
	fail $t "want DaemonStopped, DaemonStarted as JSON lines, got: $(head -c 400 "$work/events.out")"
else
	pass $t
fi

t=profile-without-module
run $t 3 profile && has $t "$err" "load it with: modprobe thinvm" &&
	run $t 3 --json profile && pass $t

# Two saved profiles of SVM hosts that differ (tests/bus/profiles/).
t=profile-baseline
profiles=$(cd "$(dirname "$0")" && pwd)/profiles
run $t 0 --json profile baseline "$profiles/host-a.json" "$profiles/host-b.json" &&
	json $t '.baseline.features == ["npt", "nrip-save"] and .baseline."hidden-features" == ["lbrv"] and
		.baseline."max-vcpus" == 32 and .baseline."hyperv-vcpu-limit" == 16 and
		(.baseline.cpuid | map(select(.function == "0x8000000a"))[0].edx) == "0x00000009" and
		(.baseline.cpuid | map(select(.function == "0x80000008"))[0].eax) == "0x0000302b" and
		.hosts[0].command == "vmctl policy set hidden-features=vmcb-clean,vgif" and
		.hosts[1]."hidden-features" == ["lbrv"] and
		."differences-dropped" == ["CPUID 0x1.0 EAX"]' &&
	run $t 0 profile baseline "$profiles/host-a.json" - <"$profiles/host-b.json" &&
	has $t "$out" "-: vmctl policy set hidden-features=lbrv" &&
	has $t "$out" "Features offered: npt,nrip-save" && pass $t

t=profile-baseline-refusals
sed 's/"svm"/"vmx"/' "$profiles/host-b.json" >"$work/vmx.json"
echo '{ "version": 1, "vendor": "svm"' >"$work/cut.json"
run $t 2 profile baseline "$profiles/host-a.json" "$work/vmx.json" &&
	has $t "$err" "$work/vmx.json is the profile of a vmx host" &&
	run $t 2 profile baseline "$profiles/host-a.json" "$work/cut.json" &&
	has $t "$err" "$work/cut.json: not a JSON document" &&
	run $t 2 profile baseline "$work/nothing.json" &&
	has $t "$err" "$work/nothing.json" &&
	run $t 2 profile baseline && run $t 2 profile warp && pass $t

t=non-root
chmod 0755 "$work"
if setpriv --reuid=nobody --regid=nogroup --clear-groups "$vmctl" status >"$out" 2>"$err"; rc=$?; [ "$rc" -ne 3 ]; then
	fail $t "status as nobody exited $rc, want 3 (module not loaded): $(cat "$err")"
elif setpriv --reuid=nobody --regid=nogroup --clear-groups "$vmctl" policy set hotplug-mode=reject-while-running >"$out" 2>"$err"; rc=$?; [ "$rc" -ne 5 ]; then
	fail $t "policy set as nobody exited $rc, want 5: $(cat "$err")"
elif ! grep -q "run vmctl as root, or have polkit grant org.thinvm.manage" "$err"; then
	fail $t "the refusal does not say what is needed: $(cat "$err")"
elif setpriv --reuid=nobody --regid=nogroup --clear-groups "$vmctl" vms >"$out" 2>"$err"; rc=$?; [ "$rc" -ne 5 ]; then
	fail $t "vms as nobody exited $rc, want 5: $(cat "$err")"
else
	pass $t
fi

t=no-daemon
stop_daemon
run $t 4 status && has $t "$err" "start it with: systemctl start thinvmd" &&
	has $t "$out" "Daemon: not running" && run $t 4 --json status &&
	json $t '.daemon.running == false' && run $t 4 policy show &&
	run $t 4 policy set hotplug-mode=reject && run $t 4 vms && run $t 4 events && pass $t

exit $failed
