#!/bin/sh
# make demo: boot an emulated AMD host (QEMU, SVM), load thinvm, create a VM
# and close it, and say in plain words what happened.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/build/demo
rm -rf "$out"
mkdir -p "$out"

kdir=$(scripts/kernel.sh)
tests/vm/mkinitramfs.sh "$kdir" kmod/thinvm.ko build/vmprogs build/vmctl "$out/initramfs.cpio"
echo "Booting an emulated AMD host (QEMU, software CPU with SVM, 2 CPUs, kernel $(scripts/kver.sh))..."
rc=0
tests/vm/qemu/boot.sh --kernel "$kdir/vmlinuz" --initrd "$out/initramfs.cpio" \
	--cmdline "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 thinvm_lane=demo thinvm_mode=demo" \
	--out "$out" --timeout 300 || rc=$?

echo
echo "----- inside the emulated host -----"
tr -d '\r' <"$out/console.log" | sed -n '/=== demo start/,/=== demo end/p' |
	grep -v '^=== demo'
echo "------------------------------------"
echo

res=$(tr -d '\r' <"$out/result.txt" 2>/dev/null || true)
loaded=$(echo "$res" | sed -n 's/^DEMO loaded //p')
on=$(echo "$res" | sed -n 's/^DEMO on //p')
off=$(echo "$res" | sed -n 's/^DEMO off //p')
if [ "$rc" -ne 0 ] || ! echo "$res" | grep -qx 'END demo' || [ -z "$loaded" ]; then
	echo "The demo did not complete (see $out/console.log)."
	exit 1
fi
set -- $on
echo "What happened:"
echo "  - thinvm.ko loaded on the emulated host and chose the $loaded backend."
echo "  - Creating one VM turned virtualization on in CPUs $1 (the hardware agrees: $3)."
if [ "$off" = "[] hw []" ]; then
	echo "  - Closing it turned it off again: no CPU has it on, by thinvm's count or by the hardware."
else
	echo "  - Closing it should have turned it off everywhere, but: thinvm and hardware say $off."
	exit 1
fi
if echo "$res" | grep -qx 'DEMO refused cpu1'; then
	echo "  - With CPU1 marked incompatible, bringing it online was refused, and a netlink listener saw it."
else
	echo "  - CPU1, marked incompatible, should have been refused with an event; it was not."
	exit 1
fi
echo "Full console log: $out/console.log"
