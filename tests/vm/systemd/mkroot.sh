#!/bin/sh
# Build (or reuse) the Debian root of lane 3: mmdebstrap --variant=minbase with
# the packages listed in ./packages, as a zstd tarball in the cache.
#
# The tarball is keyed by a hash of this script, ./packages and
# $THINVM_ROOT_PACKAGES (extra packages, space or comma separated), so a
# second run with the same inputs only prints the path.
#
# Usage: tests/vm/systemd/mkroot.sh
#   stdout: the tarball's path; stderr: "root: built|reused ... in Ns"
# Environment: THINVM_CACHE (default ~/.cache/thinvm), THINVM_MIRROR
#   (default http://deb.debian.org/debian), THINVM_SUITE (default bookworm).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${THINVM_CACHE:-$HOME/.cache/thinvm}
suite=${THINVM_SUITE:-bookworm}
mirror=${THINVM_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)

pkgs=$( (sed 's/#.*//' "$here/packages"; echo "${THINVM_ROOT_PACKAGES:-}" | tr ', ' '\n\n') |
	awk 'NF { print $1 }' | sort -u | paste -sd, -)
key=$( (cat "$0" "$here/packages"; echo "$pkgs $suite $mirror") | sha256sum | cut -c1-16)
tarball="$cache/lane3-root-$suite-$key.tar.zst"

if [ -f "$tarball" ]; then
	echo "root: reused $tarball ($(du -h "$tarball" | cut -f1)) in $(($(date +%s) - start))s" >&2
	echo "$tarball"
	exit 0
fi

mkdir -p "$cache"
# mmdebstrap picks the format (tar + zstd) from the name's ending.
tmp="$cache/.lane3-root.$$.tar.zst"
trap 'rm -f "$tmp"' EXIT
echo "root: building $tarball with $pkgs" >&2

# The customize hooks make the root boot as a plain system from an initramfs:
# - multi-user.target as the default (no graphical.target job left pending);
# - no /etc/initrd-release (systemd would run the initrd transaction), and an
#   empty /etc/machine-id, filled with a transient id at each boot;
# - root without password, so a debugging login on the console works;
# - /init -> systemd, for a boot without rdinit=.
# The merged-usr hook makes /usr merged with symlinks and installs
# usr-is-merged; without it the usrmerge package pulls in ~50 MB of perl.
# Documentation and locales are left out: they only slow packing and booting.
mmdebstrap --variant=minbase --include="$pkgs" \
	--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--customize-hook='chroot "$1" systemctl set-default multi-user.target' \
	--customize-hook='rm -f "$1/etc/initrd-release"; : > "$1/etc/machine-id"' \
	--customize-hook='echo thinvm-lane3 > "$1/etc/hostname"' \
	--customize-hook='chroot "$1" passwd -d root' \
	--customize-hook='ln -sf /lib/systemd/systemd "$1/init"' \
	"$suite" "$tmp" "$mirror" </dev/null >&2
mv "$tmp" "$tarball"
trap - EXIT
echo "root: built $tarball ($(du -h "$tarball" | cut -f1)) in $(($(date +%s) - start))s" >&2
echo "$tarball"
