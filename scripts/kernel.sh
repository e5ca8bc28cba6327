#!/bin/sh
# Fetch the stock Debian kernel image matching the headers, without installing
# it, into the cache, and print the folder that holds it.
#
# The folder (cached, keyed by version) contains:
#   vmlinuz          the bzImage (QEMU boots it with -kernel)
#   vmlinux          the uncompressed ELF kernel (the Bochs PVH shim loads it)
#   modules/         lib/modules/$KVER of the stock package (kvm.ko, msr.ko, ...)
#   config           the kernel's .config
# Usage: scripts/kernel.sh   (prints the folder on stdout, progress on stderr)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kver=$("$here/kver.sh")
cache=${THINVM_CACHE:-$HOME/.cache/thinvm}
dir="$cache/kernel-$kver"

if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

echo "kernel: fetching linux-image-$kver into $dir" >&2
rm -rf "$dir"
mkdir -p "$dir/deb"
# apt-get download writes into the current folder; _apt cannot write in root's
# home, hence the chmod and the warning filter.
chmod 0777 "$dir/deb"
(cd "$dir/deb" && apt-get download -q "linux-image-$kver" 2>&1 |
	grep -v 'unsandboxed as root' >&2) || true
deb=$(ls "$dir"/deb/linux-image-"$kver"_*.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
	echo "kernel: could not download linux-image-$kver" >&2
	exit 1
fi
mkdir -p "$dir/root"
dpkg-deb -x "$deb" "$dir/root"
mv "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinuz"
mv "$dir/root/boot/config-$kver" "$dir/config"
mv "$dir/root/lib/modules/$kver" "$dir/modules"
rm -rf "$dir/root" "$dir/deb"

"$here/extract-vmlinux.sh" "$dir/vmlinuz" >"$dir/vmlinux.tmp"
mv "$dir/vmlinux.tmp" "$dir/vmlinux"
touch "$dir/.complete"
echo "$dir"
