#!/bin/sh
# The state disk (boot.sh --state-disk, the guest's /dev/vda) is mounted on
# /var/lib/thinvm, ext4, read-write, by var-lib-thinvm.mount as part of
# local-fs.target. Leaves this boot's id in /var/lib/thinvm/lane3-marker for
# the reboot phase (checks-reboot/10-state-disk.sh) to find.
fail() { echo "$*"; exit 1; }
d=/var/lib/thinvm
unit=var-lib-thinvm.mount
echo "+ systemctl show $unit"
systemctl show -p ActiveState -p Result -p WantedBy -p Before "$unit"
[ "$(systemctl is-active "$unit")" = active ] || fail "$unit is not active"
systemctl show -p WantedBy --value "$unit" | grep -qw local-fs.target ||
	fail "$unit is not wanted by local-fs.target"
systemctl show -p Before --value "$unit" | grep -qw local-fs.target ||
	fail "$unit is not ordered before local-fs.target"
echo "+ grep -E '^(virtio_blk|virtio_pci|ext4) ' /proc/modules"
grep -E '^(virtio_blk|virtio_pci|ext4) ' /proc/modules
echo "+ findmnt --mountpoint $d"
got=$(findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint "$d") ||
	fail "$d is not a mountpoint"
echo "$got"
set -- $got
[ "$1" = /dev/vda ] || fail "$d is mounted from $1, want /dev/vda"
[ "$2" = ext4 ] || fail "$d is $2, want ext4"
case ,$3, in *,rw,*) ;; *) fail "$d is mounted $3, want rw" ;; esac
boot=$(cat /proc/sys/kernel/random/boot_id)
echo "+ echo $boot >$d/lane3-marker; sync"
printf '%s\n' "$boot" >"$d/lane3-marker.new" &&
	mv "$d/lane3-marker.new" "$d/lane3-marker" && sync ||
	fail "cannot write $d/lane3-marker"
[ "$(cat "$d/lane3-marker")" = "$boot" ] || fail "$d/lane3-marker does not read back"
echo "/dev/vda (ext4) on $d, marker of boot $boot written"
