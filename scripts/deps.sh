#!/bin/sh
# Install the Debian packages thinvm needs to build and test, only those missing.
#
# Idempotent and quick when everything is present (one dpkg-query). Runs
# non-interactively; apt-get update only happens when something must be
# installed. Usage: scripts/deps.sh
set -eu

# One list for build, unit tests and the three emulated-host lanes.
# linux-headers-amd64 is the meta package: it pulls the headers of the current
# Debian kernel, whose version scripts/kver.sh then reads from it.
PACKAGES="
	build-essential pkg-config kmod
	linux-headers-amd64
	libcriterion-dev libnl-3-dev libnl-genl-3-dev libsystemd-dev libcap-dev
	libinih-dev libjson-c-dev
	qemu-system-x86 busybox-static cpio zstd xz-utils mmdebstrap e2fsprogs
	bochs bochsbios vgabios bochs-term isolinux syslinux-common genisoimage
	dbus jq man-db mandoc bash-completion
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing </dev/null
