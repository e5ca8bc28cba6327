#!/bin/sh
# Every vmctl verb that talks to thinvmd, on the real module: text and
# --json (through jq), a named VM found by name and id, a VM's policy
# changed, a host policy change seen by a guest, refusals with their exit
# codes, and the events of a VM's life.
. /usr/lib/thinvm-lane3/thinvmd.sh
out=/run/vmctl.out err=/run/vmctl.err

# v WANT_RC ARGS...: vmctl ARGS must exit WANT_RC; output kept in $out, $err.
v() {
	want=$1
	shift
	echo "+ vmctl $*"
	vmctl "$@" >$out 2>$err
	rc=$?
	cat $out $err
	[ "$rc" -eq "$want" ] || fail "vmctl $* exited $rc, want $want"
}
# j FILTER: jq FILTER must be true of $out.
j() { jq -e "$1" $out >/dev/null || fail "jq '$1' is not true of $(head -c 300 $out)"; }

v 0 status
grep -q 'Module: loaded, AMD SVM' $out || fail "status does not say the module is loaded"
grep -q 'Daemon: thinvmd running' $out || fail "status does not say thinvmd runs"
v 0 --json status
j '.module.state == "loaded" and .module.vendor == "svm" and .daemon.running and
   (.module["hotplug-modes"] | index("reject")) != null and .module["max-vcpus"] > 0'
v 0 cpus
grep -q '^CPU  *ONLINE  *STATE' $out || fail "cpus has no header"
v 0 --json cpus
j 'length == 2 and all(.[]; .online) and (map(.id) == [0, 1])'

$T/hold_vm --name web /run/hold-web.pid || fail "hold_vm failed"
v 0 vms
grep -q ' web ' $out || fail "vms does not list the VM named web"
v 0 --json vms
j 'map(select(.name == "web")) | length == 1'
id=$(jq '.[] | select(.name == "web") | .id' $out)
v 0 vm show web
grep -q "VM: $id\$" $out || fail "vm show web is not VM $id"
v 0 --json vm show "$id"
j '.name == "web" and .vcpus == 0'
v 0 vm policy web hypercall-exit=none
v 0 --json vm show web
j '.["hypercall-exit"].mask == 0'
v 0 vm policy "$id" hypercall-exit=all
v 0 --json vm show web
j '.["hypercall-exit"].names == ["map_gpa_range"]'
v 6 vm show no-such-vm
grep -q 'no VM has the id or name "no-such-vm"' $err || fail "vm show of no VM: no plain sentence"
v 6 vm policy 4000000 hypercall-exit=none
v 2 vm policy web colour=blue
kill "$(cat /run/hold-web.pid)"

# Default and ceiling emptied in one call (the default within the new ceiling).
v 0 policy set hypercall-ceiling=none hypercall-default=none
r=$(probe) || fail "hc_probe: $r"
[ "$r" = enable-cap-eperm ] || fail "with an empty ceiling: $r, KVM_ENABLE_CAP should be EPERM"
v 7 policy set hypercall-default=map_gpa_range
grep -q 'hypercall-ceiling' $err || fail "the refusal does not name the ceiling"
v 0 policy reset hypercall-ceiling hypercall-default
r=$(probe) || fail "hc_probe: $r"
[ "$r" = exits ] || fail "after policy reset the hypercall $r, it should exit"
v 0 --json policy show
j '.["hypercall-ceiling"] == 4096 and .["hypercall-default"] == 4096'

# As another user: the policy is readable, changing it or listing VMs is not.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups vmctl "$@"; }
as_nobody status >/dev/null || fail "status as nobody exited $?"
as_nobody policy set hypercall-default=none 2>$err
rc=$?
cat $err
[ "$rc" -eq 5 ] || fail "policy set as nobody exited $rc, want 5"
as_nobody vms 2>/dev/null
[ $? -eq 5 ] || fail "vms as nobody: want exit 5"

# Events: a VM's life and a policy change, one JSON object per line.
vmctl --json events >/run/events.json 2>/run/events.err &
ev=$!
wait_for 5 grep -q '^Following' /run/events.err || fail "vmctl events did not start: $(cat /run/events.err)"
$T/hold_vm --name evt /run/hold-evt.pid || fail "hold_vm failed"
vmctl policy set hypercall-default=none || fail "policy set failed"
kill "$(cat /run/hold-evt.pid)"
vmctl policy reset hypercall-default || fail "policy reset failed"
wait_for 5 grep -q VMDestroyed /run/events.json
kill -INT $ev
wait $ev || fail "vmctl events exited $? after SIGINT"
cat /run/events.json
jq -e -s 'map(.event) | index("VMCreated") != null and index("VMRenamed") != null and
	  index("PolicyApplied") != null and index("VMDestroyed") != null' /run/events.json \
	>/dev/null || fail "events did not show VMCreated, VMRenamed, PolicyApplied, VMDestroyed"
# The host profile, and a baseline of it with one that offers less.
v 0 profile
grep -q 'Vendor: svm' $out && grep -q 'Features offered: .*npt' $out ||
	fail "profile does not show the SVM features"
v 0 profile --cpuid
grep -q '^0x8000000a' $out || fail "profile --cpuid has no leaf 0x8000000A"
v 0 --json profile
j '.version == 1 and .vendor == "svm" and (.features | index("npt")) != null and
   (.cpuid | length) > 5'
cp $out /run/here.json
jq '.features -= ["npt"] | ."max-vcpus" = 8' /run/here.json >/run/other.json
v 0 --json profile baseline /run/here.json /run/other.json
j '(.baseline.features | index("npt")) == null and .baseline."max-vcpus" == 8 and
   .hosts[0].command == "vmctl policy set hidden-features=npt" and .hosts[1].command == "vmctl policy set hidden-features=none"'
v 0 profile baseline /run/here.json /run/other.json
grep -q '/run/here.json: vmctl policy set hidden-features=npt' $out ||
	fail "baseline does not say what this host must hide"
echo "every thinvmd verb of vmctl answered, in text and JSON, with its exit codes"
