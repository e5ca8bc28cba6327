#!/bin/sh
# make bench: boot lane 1 (SVM under QEMU, as tests/check.sh boots it) with
# thinvm_mode=bench, where /init runs the bench program once and writes its
# table to the results port, then print that table.
# Usage: run.sh [--icount] [--iters N] [--runs R]
# --icount: QEMU -icount shift=0, so the guest's nanoseconds count executed
# instructions (deterministic); without it, wall-clock.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
icount= iters=2000 runs=5
while [ $# -gt 0 ]; do
	case $1 in
	--icount) icount=0; shift ;;
	--iters) iters=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
out=$root/build/bench/${icount:+icount}${icount:-wallclock}
rm -rf "$out"
mkdir -p "$out"

kdir=$(scripts/kernel.sh)
tests/vm/mkinitramfs.sh "$kdir" kmod/thinvm.ko build/vmprogs build/vmctl "$out/initramfs.cpio"
echo "== make bench: lane 1 (SVM under QEMU), ${icount:+-icount shift=0, ns = instructions}${icount:-wall-clock}, $runs runs of $iters iterations"
tests/vm/qemu/boot.sh --kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio" \
	--cpu max,+svm,+npt ${icount:+--icount "$icount"} \
	--cmdline "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 thinvm_lane=svm thinvm_mode=bench thinvm_bench_iters=$iters thinvm_bench_runs=$runs" \
	--out "$out" --timeout 1800 || {
	echo "make bench: the emulator timed out (console: $out/console.log)" >&2
	exit 1
}
tr -d '\r' <"$out/result.txt" >"$out/table.txt"
if ! grep -qx 'BENCH-END 0' "$out/table.txt"; then
	cat "$out/table.txt"
	echo "make bench: the bench program failed (console: $out/console.log)" >&2
	exit 1
fi
sed -n '/^BENCH-BEGIN$/,/^BENCH-END/p' "$out/table.txt" | sed '1d;$d'
