#!/bin/sh
# Boot a kernel and initramfs under QEMU/TCG with an SVM-capable CPU.
# The first serial port is the console (OUT/console.log), the second carries
# results (OUT/result.txt); see ../README.md.
# Usage: boot.sh --kernel FILE --initrd FILE --cmdline STR --out DIR
#                --timeout SECONDS [--cpu MODEL] [--smp N] [--mem MB]
#                [--icount SHIFT] [--gdb PORT]
# --icount makes guest time count executed instructions (make bench);
# --gdb opens QEMU's gdb stub on 127.0.0.1:PORT (make bench-profile).
# Exits 0 when QEMU ended by itself, 124 on timeout.
set -eu

cpu=max,+svm,+npt smp=2 mem=512 icount= gdb=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--cmdline) cmdline=$2 ;;
	--out) out=$2 ;;
	--timeout) limit=$2 ;;
	--cpu) cpu=$2 ;;
	--smp) smp=$2 ;;
	--mem) mem=$2 ;;
	--icount) icount=$2 ;;
	--gdb) gdb=$2 ;;
	*) echo "boot.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done

mkdir -p "$out"
rm -f "$out/console.log" "$out/result.txt"
start=$(date +%s)
rc=0
# -accel tcg always: this machine's /dev/kvm boots no ordinary guest.
timeout "$limit" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$cpu" \
	-smp "$smp" -m "$mem" ${icount:+-icount "shift=$icount"} ${gdb:+-gdb "tcp:127.0.0.1:$gdb"} -display none -monitor none -no-reboot \
	-serial "file:$out/console.log" -serial "file:$out/result.txt" \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null >"$out/qemu.log" 2>&1 || rc=$?
echo "qemu: $(basename "$out"): ended after $(( $(date +%s) - start )) s (exit $rc)"
[ "$rc" -eq 124 ] && exit 124
exit 0
