#!/bin/sh
# make bench-profile: where the instructions of one round trip of a make
# bench row go on thinvm. Boots lane 1 (SVM under QEMU, one CPU, no KASLR)
# with QEMU's gdb stub; /init prints the kernel's text symbols and spins the
# row's loop on /dev/thinvm; gdb then single-steps whole round trips (from
# the instruction after VMRUN back to it: the guest, the exit handling, the
# next entry) and profile.py names the function of every instruction.
# Usage: profile.sh [ROW] [TRIPS]   (ROW: hc pio map cpuid mmio; default hc, 3 trips)
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
row=${1:-hc} trips=${2:-3}
case $row in hc | pio | map | cpuid | mmio) ;; *) echo "profile.sh: no row $row" >&2; exit 2 ;; esac
out=$root/build/bench/profile-$row
rm -rf "$out"
mkdir -p "$out"
port=$((20000 + $$ % 10000))

kdir=$(scripts/kernel.sh)
tests/vm/mkinitramfs.sh "$kdir" kmod/thinvm.ko build/vmprogs build/vmctl "$out/initramfs.cpio"
echo "== make bench-profile: row $row, $trips round trips single-stepped on thinvm (SVM under QEMU, 1 CPU)"
tests/vm/qemu/boot.sh --kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio" \
	--cpu max,+svm,+npt --smp 1 --gdb "$port" \
	--cmdline "console=ttyS0 quiet nokaslr panic=-1 oops=panic panic_on_warn=1 thinvm_lane=svm thinvm_mode=profile thinvm_profile_row=$row" \
	--out "$out" --timeout 1200 >"$out/boot.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true; pkill -f "tcp:127.0.0.1:$port" 2>/dev/null || true' EXIT

until grep -aq '^PROFILE-\(SPINNING\|FAILED\)' "$out/result.txt" 2>/dev/null; do
	kill -0 $qemu 2>/dev/null || { echo "make bench-profile: the emulator ended (console: $out/console.log)" >&2; exit 1; }
	sleep 1
done
if ! grep -aq '^PROFILE-SPINNING' "$out/result.txt"; then
	echo "make bench-profile: the row did not start (console: $out/console.log)" >&2
	exit 1
fi
tr -d '\r' <"$out/result.txt" | sed -n '/^PROFILE-SYMBOLS$/,/^PROFILE-SYMBOLS-END$/p' |
	sed '1d;$d' >"$out/kallsyms"
# The breakpoint: the instruction after VMRUN in thinvm_svm_vmrun (kmod/svm/vmenter.S).
bp=$(python3 tests/bench/profile.py --breakpoint kmod/thinvm.ko "$out/kallsyms")
PROFILE_PORT=$port PROFILE_BP=$bp PROFILE_TRIPS=$trips PROFILE_OUT=$out/trace \
	timeout 900 gdb -q -batch -nx -x tests/bench/profile_gdb.py >"$out/gdb.log" 2>&1 || {
	echo "make bench-profile: gdb failed (see $out/gdb.log)" >&2
	tail -n 5 "$out/gdb.log" >&2
	exit 1
}
python3 tests/bench/profile.py --report "$out/kallsyms" "$out/trace" "$row"
