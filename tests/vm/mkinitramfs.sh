#!/bin/sh
# Build the initramfs of lanes 1 and 2: busybox, thinvm.ko, the stock modules
# the tests load, the test programs (with their shared libraries) and init.sh.
# Usage: mkinitramfs.sh KERNEL_DIR THINVM_KO PROGS_DIR VMCTL OUTPUT [GUESTS_DIR]
# GUESTS_DIR (default: guests/ beside PROGS_DIR, where make builds them) holds
# vmctl run's example guests; they go where make install puts them.
set -eu

kdir=$1 ko=$2 progs=$3 vmctl=$4 out=$5
guests=${6:-$(dirname "$progs")/guests}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/bin" "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/tmp" "$stage/lib/thinvm" "$stage/lib/stock" "$stage/tests"
cp /bin/busybox "$stage/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
cp "$here/init.sh" "$stage/init"
cp "$here/demo-guest.sh" "$stage/demo.sh"
cp "$here/run-tests.sh" "$stage/bin/run-tests.sh"
cp "$vmctl" "$stage/bin/vmctl"
cp "$ko" "$stage/lib/thinvm/thinvm.ko"
# make bench's floor (test-only), when make has built it.
floor=$here/../bench/floor/thinvm_floor.ko
[ ! -f "$floor" ] || cp "$floor" "$stage/lib/thinvm/thinvm_floor.ko"
mkdir -p "$stage/usr/share/thinvm/guests"
cp "$guests"/*.elf "$guests"/*.bin "$stage/usr/share/thinvm/guests/"

for m in msr irqbypass kvm ccp kvm-amd kvm-intel; do
	f=$(find "$kdir/modules/kernel" -name "$m.ko*" | head -n1)
	[ -n "$f" ] || { echo "mkinitramfs: stock module $m not found" >&2; exit 1; }
	cp "$f" "$stage/lib/stock/"
done

# Tests and their helper programs in one folder, which init puts in PATH.
cp "$progs"/* "$stage/tests/"
# The shared libraries the programs link against, at the same paths.
for lib in $(ldd "$progs"/* "$vmctl" 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done
# The 64-bit loader is looked up through /lib64 on Debian.
if [ -d "$stage/lib/x86_64-linux-gnu" ] && [ ! -e "$stage/lib64" ]; then
	mkdir -p "$stage/lib64"
	ln -sf ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$stage/lib64/ld-linux-x86-64.so.2"
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
