#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mount.fsimg installed as mount.iso9660 and mount.udf (the mount_aliases
# build option):
# "mount -t iso9660 file.iso DIR" works where the kernel has no iso9660,
# and a device is mounted exactly as plain mount(8) would mount it.

load helpers

setup() {
	common_setup
	grep -qw iso9660 /proc/filesystems &&
		skip "this kernel has iso9660: mount(8) needs no help"
	[ -w /dev/loop-control ] || skip "no loop devices"
	# The alias, in front of the helper directory run.sh set up.
	mkdir "$T/sbin"
	ln -s "$MOUNT_FSIMG" "$T/sbin/mount.iso9660"
	ln -s "$MOUNT_FSIMG" "$T/sbin/mount.udf"
	sbin=$(readlink -f /sbin)
	mount -t overlay fsimg-alias -o "lowerdir=$T/sbin:$sbin" "$sbin"
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt" "$T/umnt"
	chown $USER_ID:$USER_ID "$T/umnt"
}

teardown() {
	umount "$(readlink -f /sbin)" 2>/dev/null || true
	common_teardown
}

loops_of() { # FILE: loop devices backed by it
	losetup --raw -n -O NAME,BACK-FILE | awk -v f="$1" '$2 == f { print $1 }'
}

@test "root: mount -t iso9660 file.iso DIR works, no loop device stays" {
	run mount -t iso9660 "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o SOURCE,FSTYPE --mountpoint "$T/mnt")" = "$T/img.iso fuse.fsimg" ]
	same_tree "$T/src" "$T/mnt"
	[ -z "$(loops_of "$T/img.iso")" ]
	umount "$T/img.iso"
	! is_mounted "$T/mnt"
}

@test "root: mount -t udf file.iso DIR reads the UDF tree of a bridge disc" {
	grep -qw udf /proc/filesystems && skip "this kernel has udf: mount(8) needs no help"
	command -v genisoimage >/dev/null || skip "needs genisoimage"
	genisoimage -quiet -udf -R -J -o "$T/udf.iso" "$T/src"
	run mount -t udf "$T/udf.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o SOURCE,FSTYPE --mountpoint "$T/mnt")" = "$T/udf.iso fuse.fsimg" ]
	# the UDF tree, not the ISO 9660 one: the info of the mount says so
	run "$FSIMG" info "$T/udf.iso"
	[[ "$output" == *"type: udf"* ]]
	cmp "$T/src/hello.txt" "$T/mnt/hello.txt"
	umount "$T/mnt"
	! is_mounted "$T/mnt"
}

@test "a device is left to the kernel, exactly as plain mount(8) (-i: no helper)" {
	dev=$(losetup --find --show --read-only "$T/img.iso")
	run mount -i -t iso9660 "$dev" "$T/mnt"
	plain_status=$status
	run mount -t iso9660 "$dev" "$T/mnt"
	losetup -d "$dev"
	[ "$status" -eq "$plain_status" ]
	! is_mounted "$T/mnt"
}

@test "fstab user entry of type iso9660: the user mounts and unmounts" {
	echo "$T/img.iso $T/umnt iso9660 user,noauto 0 0" >>/etc/fstab
	run as_user mount "$T/umnt"
	echo "$output"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/umnt" as_user
	run as_user umount "$T/umnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/umnt"
	[ -z "$(loops_of "$T/img.iso")" ]
}
