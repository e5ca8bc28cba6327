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
# Under -icount, this kernel hangs bringing up its second CPU (in all 3
# boots tried, 2026-12-04, QEMU 7.2, sleep=on and off): icount runs get one CPU. The 2- and 4-vCPU
# exit rates then share it, which the table's header says.
smp=2
[ -z "$icount" ] || smp=1
if [ -n "$icount" ]; then out=$root/build/bench/icount; else out=$root/build/bench/wallclock; fi
rm -rf "$out"
mkdir -p "$out"

kdir=$(scripts/kernel.sh)
tests/vm/mkinitramfs.sh "$kdir" kmod/thinvm.ko build/vmprogs build/vmctl "$out/initramfs.cpio"
clock=wall-clock
[ -z "$icount" ] || clock="-icount shift=0, ns = instructions"
echo "== make bench: lane 1 (SVM under QEMU, $smp CPUs), $clock, $runs runs of $iters iterations"
tests/vm/qemu/boot.sh --kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio" \
	--cpu max,+svm,+npt --smp "$smp" ${icount:+--icount "$icount"} \
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
