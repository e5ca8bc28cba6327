#!/bin/sh
# Lane 3: boot the stock Debian kernel under QEMU/TCG (SVM) with a systemd
# root as the initramfs, thinvm installed from a DESTDIR, and the checks of
# overlay/usr/lib/thinvm-lane3/checks/ run by thinvm-lane3-check.service.
#
# Usage: tests/vm/systemd/boot.sh --destdir DIR --out DIR
#            [--kernel-dir DIR] [--timeout SECONDS] [--append ARGS] [--verbose]
#   --destdir DIR     output of `make install DESTDIR=DIR PREFIX=/usr`
#   --out DIR         gets root.cpio.zst, console.log (ttyS0), result.txt (ttyS1)
#   --kernel-dir DIR  default: the output of scripts/kernel.sh
#   --timeout S       default 300; the boot is killed after S seconds
#   --append ARGS     extra kernel command line
#   --verbose         drop `quiet`: the whole kernel log on the console
# Exit: 0 if QEMU ended by itself (the verdict is in result.txt), 124 on
# timeout, anything else if the image could not be built or QEMU failed.
#
# The root: the cached mmdebstrap tarball (mkroot.sh), then the DESTDIR, then
# overlay/ of this folder; the stock modules listed in ./modules and those the
# DESTDIR's modules depend on; depmod; the units of ./units enabled or masked.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kdir= destdir= out= tmo=300 append= quiet=quiet

usage() { sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-dir) kdir=$2; shift 2 ;;
	--destdir) destdir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--verbose) quiet=; shift ;;
	*) usage ;;
	esac
done
[ -n "$destdir" ] && [ -n "$out" ] || usage
[ -n "$kdir" ] || kdir=$("$top/scripts/kernel.sh")
kver=$("$top/scripts/kver.sh")
[ "$(id -u)" = 0 ] || { echo "boot: needs root (device nodes, file owners, chroot)" >&2; exit 1; }
[ -f "$kdir/vmlinuz" ] || { echo "boot: no vmlinuz in $kdir" >&2; exit 1; }
[ -d "$destdir/lib/modules/$kver" ] || [ -d "$destdir/usr/lib/modules/$kver" ] ||
	{ echo "boot: no lib/modules/$kver in $destdir" >&2; exit 1; }

tarball=$("$here/mkroot.sh")
mkdir -p "$out"
out=$(cd "$out" && pwd)
destdir=$(cd "$destdir" && pwd)
root="$out/root"
image="$out/root.cpio.zst"
rm -rf "$root" "$image" "$out/console.log" "$out/result.txt"
mkdir -p "$root"
t0=$(date +%s)

# Unpack the root, then lay a folder over it: owned by root, existing folders
# (and /lib -> usr/lib of the merged-/usr root) kept as they are.
tar -C "$root" --zstd --numeric-owner -xpf "$tarball"
overlay() {
	tar -C "$1" --owner=0 --group=0 --numeric-owner -cf - . |
		tar -C "$root" --keep-directory-symlink --no-overwrite-dir -xpf -
}
overlay "$destdir"
overlay "$here/overlay"

# Modules: depmod needs modules.order/builtin/builtin.modinfo of the stock
# tree; the stock modules themselves only as far as needed (./modules, and
# what the DESTDIR's modules depend on, recursively).
mods="$root/lib/modules/$kver"
stock="$kdir/modules"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$stock/$f" "$mods/"
done
want=$(sed 's/#.*//' "$here/modules" | awk 'NF { print $1 }')
for ko in $(find "$mods" -name '*.ko*'); do
	want="$want $(modinfo -F depends "$ko" | tr , ' ')"
done
seen=" "
while [ -n "$(echo $want)" ]; do
	set -- $want
	m=$1; shift; want="$*"
	m=$(echo "$m" | tr - _)
	case $seen in *" $m "*) continue ;; esac
	seen="$seen$m "
	ko=$(find "$stock/kernel" -name '*.ko*' | awk -v m="$m" '{
		n = $0; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/-/, "_", n)
		if (n == m) { print; exit } }')
	if [ -z "$ko" ]; then
		# Built in or already in the DESTDIR: nothing to copy.
		if grep -q "/$m.ko\$" "$stock/modules.builtin" ||
			find "$mods" -name "$m.ko*" | grep -q .; then
			continue
		fi
		echo "boot: stock module $m not found in $stock" >&2
		exit 1
	fi
	rel=${ko#"$stock/"}
	mkdir -p "$mods/$(dirname "$rel")"
	cp "$ko" "$mods/$rel"
	echo "boot: stock module $rel" >&2
	want="$want $(modinfo -F depends "$ko" | tr , ' ')"
done
depmod -b "$root" "$kver"

# Units (./units: "enable UNIT" or "mask UNIT").
sed 's/#.*//' "$here/units" | awk 'NF' | while read -r verb u; do
	case $verb in
	enable | mask) ;;
	*) echo "boot: units: bad line '$verb $u'" >&2; exit 1 ;;
	esac
	chroot "$root" systemctl -q "$verb" "$u" || exit 1
	echo "boot: $verb $u" >&2
done
if [ -e "$root/etc/initrd-release" ]; then
	echo "boot: the root has /etc/initrd-release; systemd would run as an initrd" >&2
	exit 1
fi

# Pack.
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) |
	zstd -q -T0 -3 >"$image"
rm -rf "$root"
t1=$(date +%s)
echo "boot: image $image ($(du -h "$image" | cut -f1)) in $((t1 - t0))s" >&2

# Boot. ttyS0 is the console, ttyS1 the result port; no network (and so no
# iPXE option ROM to wait for).
cmdline="console=ttyS0 $quiet panic=-1 oops=panic panic_on_warn=1 rdinit=/sbin/init $append"
echo "boot: qemu, timeout ${tmo}s, append: $cmdline" >&2
set +e
timeout "$tmo" qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max,+svm,+npt -smp 2 -m 1024 \
	-nographic -no-reboot -monitor none -nic none \
	-kernel "$kdir/vmlinuz" -initrd "$image" -append "$cmdline" \
	-serial "file:$out/console.log" -serial "file:$out/result.txt" \
	</dev/null
rc=$?
set -e
t2=$(date +%s)
case $rc in
0) how="ended by itself" ;;
124) how="timed out" ;;
*) how="failed (exit $rc)" ;;
esac
pass=$(grep -c '^PASS ' "$out/result.txt" 2>/dev/null || true)
fail=$(grep -c '^FAIL ' "$out/result.txt" 2>/dev/null || true)
skip=$(grep -c '^SKIP ' "$out/result.txt" 2>/dev/null || true)
ok=missing
grep -qx 'OK systemd' "$out/result.txt" 2>/dev/null && ok=present
echo "boot: qemu $how after $((t2 - t1))s; $pass passed, $fail failed, $skip skipped, OK $ok" >&2
exit $rc
