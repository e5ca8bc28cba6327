#!/bin/sh
# Feature policy through the service: SetHiddenFeatures reaches the module
# (GetProfile() no longer offers the feature, nor KVM_GET_SUPPORTED_CPUID's
# leaf 0x8000000A), a feature of the other vendor is refused with the
# module's reason and changes nothing, the Hyper-V limit and the VMs' most
# vCPUs follow their setters, and ResetPolicy brings everything back.
. /usr/lib/thinvm-lane3/thinvmd.sh
systemctl reload thinvmd || fail "systemctl reload failed"

# The profile, as JSON, straight from GetProfile().
profile() { $B --json=short call $M GetProfile | jq -r '.data[0]'; }

p=$(profile) || fail "GetProfile failed"
echo "$p" | jq -c '{version, vendor, features, "hidden-features", "max-vcpus", "hyperv-vcpu-limit"}'
echo "$p" | jq -e '.version == 1 and .vendor == "svm" and (.features | index("npt")) and
	(."hidden-features" == [])' >/dev/null || fail "the profile before: $p"

call SetHiddenFeatures as 1 npt || fail "SetHiddenFeatures npt failed"
p=$(profile) || fail "GetProfile failed"
echo "$p" | jq -e '(.features | index("npt") | not) and ."hidden-features" == ["npt"]' \
	>/dev/null || fail "npt hidden, the profile says: $(echo "$p" | jq -c '{features, "hidden-features"}')"
$T/thinvm_nl policy
grep -qx 'hidden-features = npt' /var/lib/thinvm/policy.conf ||
	fail "hidden-features is not saved in /var/lib/thinvm/policy.conf"

# A VMX control on this SVM host: the module refuses, nothing changes.
gen=$(echo "$p" | jq '."policy-generation"')
if out=$(call SetHiddenFeatures as 1 tsc-scaling 2>&1); then
	fail "hiding tsc-scaling on SVM was accepted: $out"
fi
echo "refused as it should: $out"
echo "$out" | grep -Eq 'VMX|tsc-scaling' || fail "the refusal does not say why: $out"
p=$(profile) || fail "GetProfile failed"
echo "$p" | jq -e --argjson g "$gen" '."policy-generation" == $g and ."hidden-features" == ["npt"]' \
	>/dev/null || fail "a refused setter changed the module's policy"
[ "$(prop HiddenFeatures)" = "1 \"npt\"" ] || fail "HiddenFeatures is now $(prop HiddenFeatures)"

call SetHyperVVCPULimit u 8 || fail "SetHyperVVCPULimit failed"
call SetVMMaxVCPUs u 16 || fail "SetVMMaxVCPUs failed"
p=$(profile) || fail "GetProfile failed"
echo "$p" | jq -e '."hyperv-vcpu-limit" == 8 and ."max-vcpus" == 16' >/dev/null ||
	fail "limits in the profile: $(echo "$p" | jq -c '{"hyperv-vcpu-limit", "max-vcpus"}')"

call ResetPolicy as 3 hidden-features hyperv-vcpu-limit vm-max-vcpus || fail "ResetPolicy failed"
p=$(profile) || fail "GetProfile failed"
echo "$p" | jq -e '(.features | index("npt")) and ."hidden-features" == [] and
	."hyperv-vcpu-limit" == 4096 and ."max-vcpus" == 64' >/dev/null ||
	fail "after ResetPolicy: $(echo "$p" | jq -c '{features, "hidden-features", "hyperv-vcpu-limit", "max-vcpus"}')"
echo "hidden features, the Hyper-V limit and the VMs' most vCPUs follow busctl into the module"
