#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An ordinary user (no capabilities) mounts through fusermount3.

load helpers

setup() {
	common_setup
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

@test "user: one command mounts, every file reads back exactly, even 0600/0000 ones" {
	run as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	[ "$(as_user cat "$T/mnt/secret")" = secret ]
	[ "$(as_user cat "$T/mnt/dir/locked")" = locked ]
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "user mounts are nosuid,nodev, owned by the user, SOURCE is the image" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	run findmnt -rn -o SOURCE,FSTYPE,OPTIONS --mountpoint "$T/mnt"
	[[ "$output" == "$T/img.iso fuse.fsimg ro,"* ]]
	[[ "$output" == *nosuid* && "$output" == *nodev* ]]
	[[ "$output" == *user_id=$USER_ID* ]]
}

@test "user: umount DIR and umount IMAGE through umount(8)" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "user: fsimg umount IMAGE" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user "$FSIMG" umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "a user cannot mount an image they cannot read" {
	chmod 600 "$T/img.iso"
	run as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
	! is_mounted "$T/mnt"
}

@test "a user cannot mount on a directory they cannot write (fusermount3's rule)" {
	mkdir "$T/rootdir"
	run as_user "$FSIMG" mount "$T/img.iso" "$T/rootdir"
	[ "$status" -eq 32 ]
	[[ "$output" == *"write access"* ]]
	! is_mounted "$T/rootdir"
}

@test "a user cannot unmount another user's mount" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -ne 0 ]
	is_mounted "$T/mnt"
}

@test "user: backend=kernel cannot be honoured and says why" {
	run as_user "$FSIMG" mount -o backend=kernel "$T/img.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"backend=kernel"*"CAP_SYS_ADMIN"* ]]
	! is_mounted "$T/mnt"
}

@test "user: -v says FUSE and why" {
	run as_user "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend fuse"*"fusermount3"*"not root"* ]]
}

@test "user: a partition of a disk image, one command" {
	command -v sfdisk >/dev/null || skip "needs sfdisk"
	local sectors=$(( ($(stat -c %s "$T/img.iso") + 511) / 512 ))
	truncate -s $(( (4096 + sectors) * 512 )) "$T/disk.img"
	printf 'label: gpt\nstart=2048, size=%d\n' "$sectors" | sfdisk -q "$T/disk.img"
	dd if="$T/img.iso" of="$T/disk.img" bs=512 seek=2048 conv=notrunc status=none
	chmod 644 "$T/disk.img"
	run as_user "$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	[ "$(findmnt -rn -o SOURCE --mountpoint "$T/mnt")" = "$T/disk.img" ]
	as_user umount "$T/disk.img"
	! is_mounted "$T/mnt"
}

@test "user: a UDF bridge disc (genisoimage -udf) mounts, its UDF tree reads back" {
	command -v genisoimage >/dev/null || skip "needs genisoimage"
	# genisoimage's UDF tree keeps no symlinks: compare a tree without one
	cp -a "$T/src" "$T/usrc"
	rm "$T/usrc/link"
	genisoimage -quiet -udf -R -J -o "$T/udf.iso" "$T/usrc"
	chmod 644 "$T/udf.iso"
	run as_user "$FSIMG" mount "$T/udf.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	run "$FSIMG" info "$T/udf.iso"
	[[ "$output" == *"type: udf"* ]]
	same_tree "$T/usrc" "$T/mnt" as_user
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "user: an XFS image (mkfs.xfs, written through the kernel) mounts, its tree reads back" {
	command -v mkfs.xfs >/dev/null || skip "needs mkfs.xfs"
	grep -qw xfs /proc/filesystems || modprobe xfs 2>/dev/null ||
		skip "the kernel has no xfs to write the image with"
	truncate -s 300M "$T/x.img"
	mkfs.xfs -q "$T/x.img"
	mkdir "$T/k"
	mount -o loop "$T/x.img" "$T/k"
	cp -a "$T/src/." "$T/k/"
	umount "$T/k"
	chmod 644 "$T/x.img"
	run as_user "$FSIMG" mount "$T/x.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/mnt")" = fuse.fsimg ]
	same_tree "$T/src" "$T/mnt" as_user
	[ "$(as_user stat -c %s "$T/mnt/dir/sub/big.bin")" = $((6 * 1024 * 1024 + 17)) ]
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "user: a btrfs image (mkfs.btrfs --rootdir) mounts, its tree reads back; subvol= too" {
	command -v mkfs.btrfs >/dev/null || skip "needs mkfs.btrfs"
	truncate -s 300M "$T/b.img"
	mkfs.btrfs -q -f --rootdir "$T/src" "$T/b.img" >/dev/null
	chmod 644 "$T/b.img"
	run as_user "$FSIMG" mount "$T/b.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/mnt")" = fuse.fsimg ]
	same_tree "$T/src" "$T/mnt" as_user
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
	run as_user "$FSIMG" mount -o subvolid=4242 "$T/b.img" "$T/mnt"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no subvolume 4242"* ]]
	! is_mounted "$T/mnt"
}
