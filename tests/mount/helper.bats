#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mount.fsimg through the real mount(8): "mount -t fsimg" as root, and an
# fstab entry with user,noauto used by an ordinary user.

load helpers

setup() {
	common_setup
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt" "$T/umnt"
	chown $USER_ID:$USER_ID "$T/umnt"
}

teardown() {
	common_teardown
}

@test "mount -t fsimg IMAGE DIR as root; umount IMAGE" {
	run mount -t fsimg "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt"
	[ "$(findmnt -rn -o SOURCE,FSTYPE --mountpoint "$T/mnt")" = "$T/img.iso fuse.fsimg" ]
	run umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "mount -t fsimg -v says which backend" {
	run mount -v -t fsimg "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend fuse"* ]]
	umount "$T/mnt"
}

@test "mount(8) passes its options through: -o allow_other,uid=" {
	mount -t fsimg -o allow_other,uid=4242 "$T/img.iso" "$T/mnt"
	[ "$(stat -c %u "$T/mnt/hello.txt")" = 4242 ]
	[ "$(as_user cat "$T/mnt/hello.txt")" = hello ]
	umount "$T/mnt"
}

@test "the helper exits only when the mount is live" {
	# no wait of any kind between the two commands
	mount -t fsimg "$T/img.iso" "$T/mnt" && cat "$T/mnt/dir/sub/deeper/file"
}

@test "mount(8) reports the helper's failure and exit code" {
	run mount -t fsimg -o norock,frobnicate "$T/img.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *frobnicate* ]]
	! is_mounted "$T/mnt"
	run mount -t fsimg -o offset=4096 "$T/img.iso" "$T/mnt"
	[ "$status" -ne 0 ]
	! is_mounted "$T/mnt"
}

@test "mount -f (fake) checks everything and mounts nothing" {
	run mount -f -t fsimg "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "fstab user,noauto: the user mounts DIR and umounts DIR" {
	echo "$T/img.iso $T/umnt fsimg user,noauto 0 0" >>/etc/fstab
	run as_user mount "$T/umnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/umnt" as_user
	run findmnt -rn -o SOURCE,OPTIONS --mountpoint "$T/umnt"
	[[ "$output" == "$T/img.iso "*nosuid*nodev* ]]
	run as_user umount "$T/umnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/umnt"
}

@test "fstab user,noauto: the user umounts by IMAGE, and by fsimg umount" {
	echo "$T/img.iso $T/umnt fsimg user,noauto,norock 0 0" >>/etc/fstab
	as_user mount "$T/umnt"
	run as_user umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/umnt"
	as_user mount "$T/umnt"
	run as_user "$FSIMG" umount "$T/umnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/umnt"
}

@test "fstab with systemd's options: accepted and left to systemd" {
	# what a systemd user writes (see SYSTEMD in mount.fsimg(8)); mount(8)
	# and the helper must mount the entry, not refuse these options
	echo "$T/img.iso $T/mnt fsimg ro,nofail,_netdev,x-systemd.requires-mounts-for=$T,x-systemd.device-timeout=5s,x-systemd.automount,x-systemd.idle-timeout=60,partition=auto 0 0" >>/etc/fstab
	run mount "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt"
	run findmnt -rn -o FSTYPE --mountpoint "$T/mnt"
	[ "$output" = fuse.fsimg ]
	umount "$T/mnt"
	# the same options on the command line, as a .mount unit's Options= gives them
	run mount -t fsimg -o nofail,x-systemd.automount,x-systemd.requires-mounts-for=$T "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	umount "$T/mnt"
}

@test "fstab user entry, unreadable image: refused, nothing mounted" {
	chmod 600 "$T/img.iso"
	echo "$T/img.iso $T/umnt fsimg user,noauto 0 0" >>/etc/fstab
	run as_user mount "$T/umnt"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	! is_mounted "$T/umnt"
}

@test "without fstab, mount(8) runs the helper as the plain user (util-linux drops setuid)" {
	run as_user mount -t fsimg "$T/img.iso" "$T/umnt"
	[ "$status" -eq 0 ]
	run findmnt -rn -o OPTIONS --mountpoint "$T/umnt"
	[[ "$output" == *nosuid*nodev*user_id=$USER_ID* ]]
	as_user umount "$T/umnt"
	# and nothing more: the kernel backend stays out of reach
	run as_user mount -t fsimg -o backend=kernel "$T/img.iso" "$T/umnt"
	[ "$status" -ne 0 ]
	! is_mounted "$T/umnt"
}
