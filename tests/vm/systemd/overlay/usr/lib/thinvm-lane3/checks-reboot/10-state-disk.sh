#!/bin/sh
# Reboot phase: the state disk is mounted on /var/lib/thinvm again, the
# marker the first boot wrote there (checks/15-state-disk.sh) is still there
# and names that boot, not this one, and the kernel mounted the disk without
# journal recovery or any other complaint (the first boot's power-off
# unmounted it cleanly).
fail() { echo "$*"; exit 1; }
d=/var/lib/thinvm
echo "+ findmnt --mountpoint $d"
got=$(findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint "$d") ||
	fail "$d is not a mountpoint"
echo "$got"
set -- $got
[ "$1" = /dev/vda ] || fail "$d is mounted from $1, want /dev/vda"
[ "$2" = ext4 ] || fail "$d is $2, want ext4"
case ,$3, in *,rw,*) ;; *) fail "$d is mounted $3, want rw" ;; esac
echo "+ ls -la $d"
ls -la "$d"
now=$(cat /proc/sys/kernel/random/boot_id)
echo "+ cat $d/lane3-marker (this boot: $now)"
[ -f "$d/lane3-marker" ] || fail "$d/lane3-marker is missing: the first boot's state is gone"
then=$(cat "$d/lane3-marker")
echo "$then"
echo "$then" | grep -qxE '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}' ||
	fail "$d/lane3-marker holds '$then', not a boot id"
[ "$then" != "$now" ] || fail "$d/lane3-marker holds this boot's id: not written by an earlier boot"
echo "+ dmesg | grep 'EXT4-fs (vda)'"
log=$(dmesg | grep 'EXT4-fs (vda)')
echo "$log"
echo "$log" | grep -q 'mounted filesystem' || fail "no 'EXT4-fs (vda): mounted filesystem' in dmesg"
bad=$(echo "$log" | grep -v 'mounted filesystem' || true)
[ -z "$bad" ] || fail "ext4 on vda: $(echo "$bad" | head -n 1)"
echo "$d kept the marker of boot $then; vda mounted clean"
