#!/bin/bash
# Lane 2 (vmx): boot the stock Debian kernel under Bochs with a VMX CPU.
#
# Usage: boot.sh --kernel-dir DIR --initrd FILE --cmdline 'STRING' --out DIR
#                --timeout SECONDS [--cpus N]
#
# DIR (scripts/kernel.sh) holds vmlinux, the uncompressed ELF kernel. Bochs has
# no -kernel, so this builds an isolinux ISO whose isolinux.cfg runs
#   mboot.c32 shim.elf --- vmlinux CMDLINE --- initrd
# where shim.elf (shim/, built here and cached) is a multiboot kernel that
# loads vmlinux's segments and enters it through its PVH entry point (see
# README.md). Writes into OUT: thinvm.iso, bochsrc, dbg.rc, console.log (COM1),
# result.txt (COM2), bochs.log (Bochs's own log and messages).
#
# Appends clearcpuid=304 to the command line (see below) unless it has a
# clearcpuid= already. Environment: THINVM_CACHE (default ~/.cache/thinvm)
# holds the built shim and the packed vmlinux; THINVM_BOCHS_MEGS (default
# 512) sets the guest RAM; THINVM_BOCHS_NOPACK=1 loads vmlinux unpacked.
#
# Exit status: 0 when Bochs ended by itself (a guest "poweroff -f" ends it with
# rc=1 and "ACPI control: soft power off" in bochs.log: a normal end), 124 on
# timeout, 2 on bad usage or a failed build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prog=bochs/boot.sh

usage() {
	sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$prog: $*" >&2
	exit 2
}

kdir='' initrd='' cmdline='' out='' tmo='' cpus=1
cmdline_set=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-dir) kdir=${2-}; shift 2 ;;
	--initrd) initrd=${2-}; shift 2 ;;
	--cmdline) cmdline=${2-}; cmdline_set=1; shift 2 ;;
	--out) out=${2-}; shift 2 ;;
	--timeout) tmo=${2-}; shift 2 ;;
	--cpus) cpus=${2-}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "$prog: unknown argument: $1" >&2; usage ;;
	esac
done
if [ -z "$kdir" ] || [ -z "$initrd" ] || [ -z "$out" ] || [ -z "$tmo" ] ||
	[ "$cmdline_set" != 1 ]; then
	usage
fi
case $tmo in ''|*[!0-9]*) die "--timeout wants whole seconds, got '$tmo'" ;; esac
case $cpus in [1-8]) ;; *) die "--cpus wants 1 to 8, got '$cpus'" ;; esac
vmlinux=$kdir/vmlinux
[ -f "$vmlinux" ] || die "no vmlinux in $kdir (run scripts/kernel.sh)"
[ -f "$initrd" ] || die "no initrd: $initrd"
case $cmdline in *$'\n'*) die "the command line must be one line" ;; esac
[ ${#cmdline} -lt 2000 ] || die "command line too long (${#cmdline} bytes)"
for t in bochs-bin genisoimage gcc ld timeout; do
	command -v "$t" >/dev/null || die "missing tool: $t"
done
isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
c32dir=/usr/lib/syslinux/modules/bios
for f in "$isolinux_bin" "$c32dir/ldlinux.c32" "$c32dir/mboot.c32" \
	"$c32dir/libcom32.c32"; do
	[ -f "$f" ] || die "missing $f (packages isolinux, syslinux-common)"
done
bios=/usr/share/bochs/BIOS-bochs-latest
vgabios=/usr/share/bochs/VGABIOS-lgpl-latest
if [ ! -f "$bios" ] || [ ! -f "$vgabios" ]; then
	die "missing Bochs BIOS images (bochsbios, vgabios)"
fi

# Bochs 2.7's corei7_skylake_x reports XSAVE sizes for AVX-512 that disagree
# with the layout (the kernel WARNs "XSAVE consistency problem: size 2432 !=
# kernel_size 2688", a panic under panic_on_warn=1). Hiding AVX-512F (feature
# bit 9*32+16, by number) keeps XSAVE/AVX/AVX2 and the boot clean.
case " $cmdline " in
*" clearcpuid="*) ;;
*) cmdline="${cmdline:+$cmdline }clearcpuid=304" ;;
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)
initrd=$(cd "$(dirname "$initrd")" && pwd)/$(basename "$initrd")
vmlinux=$(cd "$(dirname "$vmlinux")" && pwd)/vmlinux

# ---- the shim and the vmlinux packer, each cached by a hash of its sources ----
cache_root=${THINVM_CACHE:-$HOME/.cache/thinvm}
cflags="-m32 -march=i686 -ffreestanding -nostdlib -fno-pic -fno-pie
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse -mno-mmx
	-mno-80387 -O2 -std=gnu11 -Wall -Wextra -Werror"
ldflags="-m elf_i386 -nostdlib -z max-page-size=0x1000 --build-id=none"
hostcflags="-O2 -Wall -Wextra -Werror"
src=$here/shim
gccv=$(gcc --version | head -n1)
hash16() { sha256sum | cut -c1-16; }

key=$( (cat "$src/head.S" "$src/shim.c" "$src/shim.ld"; echo "$cflags $ldflags $gccv") | hash16)
shim=$cache_root/bochs-shim/$key/shim.elf
if [ ! -f "$shim" ]; then
	mkdir -p "${shim%/*}"
	tmp=$(mktemp -d "${shim%/*}/build.XXXXXX")
	# shellcheck disable=SC2086
	if ! { gcc $cflags -c "$src/head.S" -o "$tmp/head.o" &&
		gcc $cflags -c "$src/shim.c" -o "$tmp/shim.o" &&
		ld $ldflags -T "$src/shim.ld" "$tmp/head.o" "$tmp/shim.o" \
			-o "$tmp/shim.elf"; }
	then
		rm -rf "$tmp"
		die "building the shim failed"
	fi
	# No section headers: mboot.c32 would load them at the spot the
	# shim's marker segment keeps for vmlinux (see shim/shim.ld).
	# e_shoff (4 bytes at 0x20), e_shentsize/e_shnum/e_shstrndx (0x2e-0x33).
	printf '\0\0\0\0' | dd of="$tmp/shim.elf" bs=1 seek=32 conv=notrunc status=none
	printf '\0\0\0\0\0\0' | dd of="$tmp/shim.elf" bs=1 seek=46 conv=notrunc status=none
	mv "$tmp/shim.elf" "$shim"
	rm -rf "$tmp"
fi

pkey=$( (cat "$here/pack-vmlinux.c"; echo "$hostcflags $gccv") | hash16)
pack=$cache_root/bochs-shim/pack-$pkey
if [ ! -x "$pack" ]; then
	mkdir -p "${pack%/*}"
	# shellcheck disable=SC2086
	gcc $hostcflags "$here/pack-vmlinux.c" -o "$pack.tmp.$$" ||
		{ rm -f "$pack.tmp.$$"; die "building pack-vmlinux failed"; }
	mv "$pack.tmp.$$" "$pack"
fi

# ---- vmlinux packed (load segments only, trailing zeros cut), cached ----
# THINVM_BOCHS_NOPACK=1 hands the shim the file as it is (slower; for
# debugging the shim's own ELF checks).
if [ "${THINVM_BOCHS_NOPACK:-0}" = 1 ]; then
	packed=$vmlinux
else
	vkey=$( (echo "$pkey"; stat -L -c '%n %s %Y %i' "$vmlinux") | hash16)
	packed=$cache_root/bochs-vmlinux/$vkey/vmlinux
	if [ ! -f "$packed" ]; then
		mkdir -p "${packed%/*}"
		if ! "$pack" "$vmlinux" "$packed.tmp.$$" 2>"$out/pack.log"; then
			cat "$out/pack.log" >&2
			rm -f "$packed.tmp.$$"
			die "cannot pack $vmlinux (not a vmlinux ELF?)"
		fi
		mv "$packed.tmp.$$" "$packed"
	fi
fi

# ---- the ISO: isolinux + mboot.c32, the shim, vmlinux, the initrd ----
# isolinux.bin is copied (genisoimage -boot-info-table patches it in place);
# everything else is grafted in from where it lies, without copying.
stage=$out/iso-stage
rm -rf "$stage"
mkdir -p "$stage/isolinux"
cp "$isolinux_bin" "$stage/isolinux/isolinux.bin"
cat >"$stage/isolinux/isolinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT thinvm
PROMPT 0
TIMEOUT 0
NOESCAPE 1
LABEL thinvm
  COM32 mboot.c32
  APPEND /shim.elf --- /vmlinux $cmdline --- /initrd
EOF
iso=$out/thinvm.iso
rm -f "$iso"
if ! genisoimage -quiet -o "$iso" -R -l -graft-points \
	-b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table \
	"isolinux/=$stage/isolinux" \
	"isolinux/ldlinux.c32=$c32dir/ldlinux.c32" \
	"isolinux/mboot.c32=$c32dir/mboot.c32" \
	"isolinux/libcom32.c32=$c32dir/libcom32.c32" \
	"shim.elf=$shim" "vmlinux=$packed" "initrd=$initrd" \
	2>"$out/genisoimage.log"; then
	cat "$out/genisoimage.log" >&2
	die "genisoimage failed"
fi

# ---- Bochs ----
# 512 MiB (THINVM_BOCHS_MEGS overrides): the kernel image spans 16-74 MiB, the
# shim moves the initrd above it, and the kernel and the tests want room of
# their own. The default ips (4 M) is kept: with "clock: sync=none" it sets
# how many instructions a guest second is; higher values were not faster, and
# make every busy-wait (the serial console's, per character) cost more.
# count: Bochs runs the CPUs in turn in one host thread, so 2 CPUs take about
# twice as long to boot; they let the tests take a CPU offline and online.
# reset_on_triple_fault=0: a triple fault ends Bochs instead of rebooting.
# A guest reboot (panic=-1, reboot -f) ends it too: on the reset, the Bochs
# BIOS writes the IA32_FEATURE_CONTROL MSR, still locked from the first boot,
# and triple-faults ("exception(): 3rd (13) exception with no resolution").
rm -f "$out/console.log" "$out/result.txt" "$out/bochs.log"
cat >"$out/bochsrc" <<EOF
megs: ${THINVM_BOCHS_MEGS:-512}
romimage: file=$bios, options=fastboot
vgaromimage: file=$vgabios
cpu: model=corei7_skylake_x, count=$cpus, reset_on_triple_fault=0
pci: enabled=1, chipset=i440fx
clock: sync=none, time0=local
display_library: rfb, options="timeout=0"
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
floppy_bootsig_check: disabled=1
mouse: enabled=0
com1: enabled=1, mode=file, dev="$out/console.log"
com2: enabled=1, mode=file, dev="$out/result.txt"
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
printf 'c\nquit\n' >"$out/dbg.rc"

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Timestamps of milestones in console.log, for the summary line.
marks=$out/.marks
: >"$marks"
watch_console() {
	local t0=$1 seen_shim=0 seen_jump=0 seen_init=0 now
	while sleep 0.2; do
		[ -f "$out/console.log" ] || continue
		now=$(date +%s.%N)
		if [ $seen_shim = 0 ] && grep -q 'thinvm-shim: multiboot' "$out/console.log"; then
			seen_shim=1; echo "shim $(elapsed "$t0" "$now")" >>"$marks"
		fi
		if [ $seen_jump = 0 ] && grep -q 'thinvm-shim: jumping' "$out/console.log"; then
			seen_jump=1; echo "kernel $(elapsed "$t0" "$now")" >>"$marks"
		fi
		if [ $seen_init = 0 ] && [ -s "$out/result.txt" ]; then
			seen_init=1; echo "first-result $(elapsed "$t0" "$now")" >>"$marks"
		fi
	done
}

t0=$(date +%s.%N)
watch_console "$t0" &
watcher=$!
rc=0
(cd "$out" && timeout -k 10 "$tmo" bochs-bin -q -f bochsrc -rc dbg.rc \
	</dev/null >"$out/bochs.log" 2>&1) || rc=$?
t1=$(date +%s.%N)
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true

mark() { awk -v k="$1" '$1 == k { printf "%.1f", $2; exit }' "$marks"; }
detail=""
for k in shim kernel first-result; do
	v=$(mark $k)
	[ -n "$v" ] && detail="$detail, $k at ${v}s"
done
rm -f "$marks"
total=$(elapsed "$t0" "$t1")

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	printf 'bochs: TIMEOUT after %.1fs (limit %ss%s)\n' "$total" "$tmo" "$detail"
	exit 124
fi
if grep -q 'ACPI control: soft power off' "$out/bochs.log"; then
	why="guest powered off"
else
	why=$(grep -A1 'Bochs is exiting with the following message' "$out/bochs.log" |
		tail -n1 | sed 's/^ *//')
	why="bochs rc=$rc: ${why:-no exit message, see bochs.log}"
fi
if fatal=$(grep -m1 -a 'thinvm-shim: FATAL' "$out/console.log" 2>/dev/null); then
	why="${fatal#thinvm-shim: }; $why"
elif grep -q -a 'reboot: Restarting system' "$out/console.log" 2>/dev/null; then
	why="guest rebooted; $why"
fi
printf 'bochs: boot took %.1fs (%s%s)\n' "$total" "$why" "$detail"
exit 0
