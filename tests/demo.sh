#!/bin/sh
# make demo: boot the lane-3 host (QEMU, software CPU with SVM, a Debian root
# with systemd), where thinvmd runs as a service, and show vmctl status, the
# hypercall example guest under the default policy, a policy change, the
# guest again, a refused CPU hotplug, and the host profile under feature
# policy with a baseline of two profiles. Prints the transcript from inside
# the host and what it shows. The demo itself is
# tests/vm/systemd/overlay/usr/lib/thinvm-lane3/checks-demo/10-demo.sh.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/build/demo
rm -rf "$out"
mkdir -p "$out"

echo "Installing thinvm into a staging root ($out/destdir)..."
make -s install install-tests DESTDIR="$out/destdir" PREFIX=/usr >"$out/install.log" 2>&1 || {
	echo "make install failed (see $out/install.log)"
	exit 1
}
echo "Booting an emulated AMD host (QEMU, software CPU with SVM, 2 CPUs, systemd, kernel $(scripts/kver.sh))..."
echo "(the first run builds its Debian root with mmdebstrap, a few minutes; later runs reuse it)"
rc=0
tests/vm/systemd/boot.sh --kernel-dir "$(scripts/kernel.sh)" --destdir "$out/destdir" \
	--out "$out" --phase demo --timeout 600 >"$out/boot.log" 2>&1 || rc=$?

echo
echo "----- inside the emulated host -----"
# The runner prefixes each line: "[  37.5] run-checks[171]: lane3: demo: ".
tr -d '\r' <"$out/console.log" 2>/dev/null | sed -n 's/^.*lane3: demo: \{0,1\}//p' |
	sed -n '/^=== demo start/,/^=== demo end/p' | grep -v '^=== demo' || true
echo "------------------------------------"
echo

res=$(tr -d '\r' <"$out/result.txt" 2>/dev/null || true)
if [ "$rc" -ne 0 ] || ! echo "$res" | grep -qx 'PASS systemd-demo/demo'; then
	echo "The demo did not run as it should:"
	echo "$res" | grep -v '^PASS' | sed 's/^/  /'
	echo "(boot: exit $rc; see $out/console.log and $out/boot.log)"
	exit 1
fi
cat <<'TEXT'
What happened:
  - systemd started thinvmd, which pushed its policy into thinvm.ko over
    generic netlink; vmctl status read it back over D-Bus.
  - The hypercall guest ran under vmctl run: its map_gpa_range hypercall
    exited to the VMM (vmctl), which answered it, as KVM would.
  - vmctl policy set hypercall-default=none: thinvmd checked the change, saved
    it and pushed it; the same guest then got -KVM_ENOSYS from the kernel and
    the VMM never saw the hypercall.
  - CPU 1, marked incompatible, was refused when brought online: vmctl cpus
    shows it refused, and vmctl events saw the CPURefused signal.
  - vmctl profile showed what a VM created on this host would be offered;
    hiding npt took it out of the profile (and of KVM_GET_SUPPORTED_CPUID),
    and vmctl profile baseline computed what this host and one without vgif
    both offer, with the policy command that makes each offer just that.
TEXT
echo "Full console log: $out/console.log"
