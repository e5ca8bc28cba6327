#!/bin/sh
# Lane 3: boot the stock Debian kernel under QEMU/TCG (SVM) with a systemd
# root as the initramfs, thinvm installed from a DESTDIR, a state disk on
# /var/lib/thinvm, and the checks of overlay/usr/lib/thinvm-lane3/checks/
# (or checks-PHASE/) run by thinvm-lane3-check.service.
#
# Usage: tests/vm/systemd/boot.sh (--destdir DIR | --reuse-image FILE) --out DIR
#            [--state-disk FILE] [--phase NAME] [--kernel-dir DIR]
#            [--timeout SECONDS] [--append ARGS] [--verbose]
#   --destdir DIR        output of `make install DESTDIR=DIR PREFIX=/usr`
#   --reuse-image FILE   boot FILE, the root.cpio.zst of an earlier run, as is
#                        (no unpacking, overlay or packing; no --destdir)
#   --out DIR            gets console.log (ttyS0), result.txt (ttyS1) and,
#                        unless --reuse-image, the image root.cpio.zst
#   --state-disk FILE    raw ext4 image, the guest's /dev/vda, mounted on
#                        /var/lib/thinvm; made (16 MiB) if FILE does not exist.
#                        Default: OUT/state.img, made anew for each boot
#   --phase NAME         run the checks of checks-NAME/ as lane systemd-NAME
#                        (kernel argument thinvm_lane3_phase=NAME), e.g. reboot
#   --kernel-dir DIR     default: the output of scripts/kernel.sh
#   --timeout S          default 300; the boot is killed after S seconds
#   --append ARGS        extra kernel command line
#   --verbose            drop `quiet`: the whole kernel log on the console
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
reuse= disk= phase=

usage() { sed -n '7,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-dir) kdir=$2; shift 2 ;;
	--destdir) destdir=$2; shift 2 ;;
	--reuse-image) reuse=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--state-disk) disk=$2; shift 2 ;;
	--phase) phase=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--verbose) quiet=; shift ;;
	*) usage ;;
	esac
done
[ -n "$out" ] || usage
# Exactly one of --destdir and --reuse-image.
case ${destdir:+d}${reuse:+r} in d | r) ;; *) usage ;; esac
case $phase in
*[!a-z0-9_-]*) echo "boot: --phase: letters, digits, - and _ only" >&2; exit 2 ;;
esac
[ -n "$kdir" ] || kdir=$("$top/scripts/kernel.sh")
kver=$("$top/scripts/kver.sh")
[ "$(id -u)" = 0 ] || { echo "boot: needs root (device nodes, file owners, chroot)" >&2; exit 1; }
[ -f "$kdir/vmlinuz" ] || { echo "boot: no vmlinuz in $kdir" >&2; exit 1; }
if [ -n "$reuse" ]; then
	[ -f "$reuse" ] || { echo "boot: --reuse-image: no file $reuse" >&2; exit 1; }
	reuse=$(cd "$(dirname "$reuse")" && pwd)/$(basename "$reuse")
else
	[ -d "$destdir/lib/modules/$kver" ] || [ -d "$destdir/usr/lib/modules/$kver" ] ||
		{ echo "boot: no lib/modules/$kver in $destdir" >&2; exit 1; }
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/console.log" "$out/result.txt"

# The state disk: /dev/vda in the guest, mounted on /var/lib/thinvm by
# overlay/etc/systemd/system/var-lib-thinvm.mount. Made here when missing; the
# default one lives only for this boot.
if [ -z "$disk" ]; then
	disk="$out/state.img"
	rm -f "$disk"
fi
if [ ! -e "$disk" ]; then
	mkdir -p "$(dirname "$disk")"
	truncate -s 16M "$disk"
	mkfs.ext4 -q -F -L thinvm-state "$disk"
	echo "boot: state disk $disk made (16 MiB ext4)" >&2
else
	echo "boot: state disk $disk reused" >&2
fi

# The image: the root, the DESTDIR, the overlay, the modules, the units, packed.
build_image() {
	tarball=$("$here/mkroot.sh")
	destdir=$(cd "$destdir" && pwd)
	root="$out/root"
	image="$out/root.cpio.zst"
	rm -rf "$root" "$image"
	mkdir -p "$root"

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
	echo "boot: image $image ($(du -h "$image" | cut -f1)) in $(($(date +%s) - t0))s" >&2
}

t0=$(date +%s)
if [ -n "$reuse" ]; then
	image=$reuse
	echo "boot: image $image reused" >&2
else
	build_image
fi
t1=$(date +%s)

# Boot. ttyS0 is the console, ttyS1 the result port; no network (and so no
# iPXE option ROM to wait for); the state disk as the only virtio device.
lane=systemd
if [ -n "$phase" ]; then
	lane=systemd-$phase
	append="thinvm_lane3_phase=$phase $append"
fi
cmdline="console=ttyS0 $quiet panic=-1 oops=panic panic_on_warn=1 rdinit=/sbin/init $append"
echo "boot: qemu, timeout ${tmo}s, append: $cmdline" >&2
set +e
timeout "$tmo" qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max,+svm,+npt -smp 2 -m 1024 \
	-nographic -no-reboot -monitor none -nic none \
	-drive "file=$(echo "$disk" | sed 's/,/,,/g'),format=raw,if=virtio" \
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
grep -qx "OK $lane" "$out/result.txt" 2>/dev/null && ok=present
echo "boot: qemu $how after $((t2 - t1))s; $pass passed, $fail failed, $skip skipped, OK $ok" >&2
exit $rc
