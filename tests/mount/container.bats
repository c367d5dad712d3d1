#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest disk stored as qcow2: an ordinary user mounts its root partition
# through FUSE; root gets FUSE too (a loop device would show the
# container, not the disk) and -v says why; a backing chain is mounted
# with backing=yes through the daemon's broker.

load helpers

setup() {
	common_setup
	command -v qemu-img >/dev/null || skip "needs qemu-img"
	make_tree "$T/src"
	mke2fs -q -t ext4 -d "$T/src" "$T/root.img" 32M
	debugfs -w -R "rmdir lost+found" "$T/root.img" >/dev/null 2>&1
	truncate -s 48M "$T/disk.raw"
	printf 'label: gpt\nstart=2048, size=8192, name=esp\nstart=12288, size=65536, name=root\n' |
		sfdisk -q "$T/disk.raw"
	dd if="$T/root.img" of="$T/disk.raw" bs=512 seek=12288 \
		conv=notrunc status=none
	qemu-img convert -c -f raw -O qcow2 "$T/disk.raw" "$T/disk.qcow2"
	chmod 644 "$T/disk.qcow2"
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

@test "user: the root partition of a compressed qcow2 mounts and reads back exactly" {
	run as_user "$FSIMG" mount -o partition=2 "$T/disk.qcow2" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "root: a disk inside a container is served by FUSE, and -v says why" {
	run "$FSIMG" mount -v -o partition=2 "$T/disk.qcow2" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend fuse"*"inside a qcow2 image"* ]]
	findmnt -rn -o FSTYPE --mountpoint "$T/mnt" | grep -qx fuse.fsimg
	same_tree "$T/src" "$T/mnt"
	mkdir "$T/mnt2"
	run "$FSIMG" mount -o partition=2,backend=kernel "$T/disk.qcow2" \
		"$T/mnt2"
	[ "$status" -ne 0 ]
	[[ "$output" == *"backend=kernel cannot be used"*"qcow2"* ]]
}

@test "backing=yes: a qcow2 over the raw disk mounts through the daemon's broker" {
	qemu-img create -q -f qcow2 -F raw -b disk.raw "$T/top.qcow2"
	chmod 644 "$T/top.qcow2" "$T/disk.raw"
	run as_user "$FSIMG" mount -o partition=2 "$T/top.qcow2" "$T/mnt"
	[ "$status" -ne 0 ]
	[[ "$output" == *"backing=yes"* ]]
	run as_user "$FSIMG" mount -o partition=2,backing=yes "$T/top.qcow2" \
		"$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	# the broker is gone once the daemon opened the disk
	sleep 1
	# the daemon and its watcher: the broker has gone
	[ "$(pgrep -u $USER_ID -c -f "top.qcow2")" -eq 2 ]
}
