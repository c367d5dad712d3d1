#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel backend: root, an ext4 partition of a disk image, a loop
# device attached and freed automatically. No losetup anywhere.

load helpers

setup() {
	common_setup
	grep -qw ext4 /proc/filesystems || skip "the kernel has no ext4"
	[ -w /dev/loop-control ] || skip "no loop devices"
	command -v mke2fs >/dev/null || skip "needs mke2fs"
	command -v sfdisk >/dev/null || skip "needs sfdisk"
	mkdir -p "$T/src/boot"
	echo kernel >"$T/src/boot/vmlinuz"
	head -c 3000000 /dev/urandom >"$T/src/data.bin"
	mke2fs -q -t ext4 -d "$T/src" "$T/part.img" 8M
	truncate -s 12M "$T/disk.img"
	printf 'label: dos\nstart=2048, size=16384, type=83\n' | sfdisk -q "$T/disk.img"
	dd if="$T/part.img" of="$T/disk.img" bs=512 seek=2048 conv=notrunc status=none
	mkdir "$T/mnt"
}

teardown() {
	common_teardown
}

loops_of() { # FILE: loop devices backed by it
	losetup --raw -n -O NAME,BACK-FILE | awk -v f="$1" '$2 == f { print $1 }'
}

@test "mount -t fsimg disk.img DIR -o partition=1: kernel ext4, read-only, on an autoclear loop" {
	run mount -t fsimg "$T/disk.img" "$T/mnt" -o partition=1
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/mnt")" = ext4 ]
	findmnt -rn -o OPTIONS --mountpoint "$T/mnt" | grep -q '^ro\b'
	cmp "$T/src/data.bin" "$T/mnt/data.bin"
	dev=$(loops_of "$T/disk.img")
	[ -n "$dev" ]
	[ "$(findmnt -rn -o SOURCE --mountpoint "$T/mnt")" = "$dev" ]
	losetup --raw -n -O OFFSET,SIZELIMIT,AUTOCLEAR,RO "$dev" |
		grep -Eq '^1048576 8388608 +1 +1$'
}

@test "umount IMAGE leaves no loop device" {
	mount -t fsimg "$T/disk.img" "$T/mnt" -o partition=1
	run umount "$T/disk.img"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "fsimg mount / fsimg umount IMAGE: kernel backend, -v says why" {
	run "$FSIMG" mount -v -o partition=1 "$T/disk.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend kernel"*ext4* ]]
	cmp "$T/src/data.bin" "$T/mnt/data.bin"
	run "$FSIMG" umount "$T/disk.img"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "umount DIR frees the loop device too" {
	"$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt"
	umount "$T/mnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "a whole-image ext4 filesystem: no offset, still a loop device" {
	run "$FSIMG" mount -v "$T/part.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/mnt")" = ext4 ]
	umount "$T/part.img"
	[ -z "$(loops_of "$T/part.img")" ]
}

@test "rw is honoured by the kernel backend only when asked for" {
	"$FSIMG" mount -o partition=1,rw "$T/disk.img" "$T/mnt"
	findmnt -rn -o OPTIONS --mountpoint "$T/mnt" | grep -q '^rw\b'
	echo new >"$T/mnt/new"
	umount "$T/mnt"
	# mount(8) always passes rw: from it, only with backend=kernel
	mount -t fsimg -o partition=1 "$T/disk.img" "$T/mnt"
	findmnt -rn -o OPTIONS --mountpoint "$T/mnt" | grep -q '^ro\b'
	[ "$(cat "$T/mnt/new")" = new ]
	umount "$T/mnt"
	mount -t fsimg -o partition=1,backend=kernel,rw "$T/disk.img" "$T/mnt"
	findmnt -rn -o OPTIONS --mountpoint "$T/mnt" | grep -q '^rw\b'
	umount "$T/disk.img"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "an ordinary user gets FUSE for ext4, and backend=kernel fails clearly" {
	chmod 644 "$T/disk.img"
	mkdir "$T/umnt"
	chown $USER_ID "$T/umnt"
	run as_user "$FSIMG" mount -v -o partition=1,backend=kernel "$T/disk.img" "$T/umnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"backend=kernel cannot be used"* ]]
	! is_mounted "$T/umnt"
}

@test "a process with only CAP_SYS_ADMIN cannot reach loop devices: backend=kernel fails" {
	chmod 644 "$T/disk.img"
	mkdir "$T/umnt"
	chown $USER_ID "$T/umnt"
	run as_capsys "$FSIMG" mount -o partition=1,backend=kernel "$T/disk.img" "$T/umnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"loop-control"* ]]
	! is_mounted "$T/umnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "two kernel mounts of the same partition, then both unmounted: no loop left" {
	mkdir "$T/mnt2"
	"$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt"
	"$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt2"
	cmp "$T/mnt/data.bin" "$T/mnt2/data.bin"
	umount "$T/mnt2"
	umount "$T/mnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "the same image again on the same directory: refused as mount(8) does, exit 32" {
	"$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt"
	run "$FSIMG" mount -o partition=1 "$T/disk.img" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"$T/disk.img already mounted on $T/mnt"* ]]
	run mount -t fsimg -o partition=1 "$T/disk.img" "$T/mnt"
	[ "$status" -eq 32 ]
	[ "$(findmnt -rn --mountpoint "$T/mnt" | wc -l)" -eq 1 ]
	umount "$T/mnt"
	[ -z "$(loops_of "$T/disk.img")" ]
}

@test "a dirty XFS log: the kernel backend mounts it read-only without replaying it, as fsimg reads it" {
	grep -qw xfs /proc/filesystems || skip "the kernel has no xfs"
	command -v mkfs.xfs >/dev/null || skip "needs mkfs.xfs"
	truncate -s 300M "$T/x.img"
	mkfs.xfs -q "$T/x.img"
	mkdir "$T/k"
	mount -o loop "$T/x.img" "$T/k"
	echo data >"$T/k/newfile"
	sync
	xfs_io -x -c "shutdown -f" "$T/k"
	umount "$T/k"
	sum=$(sha256sum <"$T/x.img")
	[[ "$("$FSIMG" info "$T/x.img")" == *"log: dirty"* ]]
	run "$FSIMG" mount -v "$T/x.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel xfs"* ]]
	[[ "$(findmnt -rn -o OPTIONS --mountpoint "$T/mnt")" == ro,*norecovery* ]]
	diff <(ls -A "$T/mnt") <("$FSIMG" ls "$T/x.img")
	umount "$T/mnt"
	# nothing was written to the image
	[ "$(sha256sum <"$T/x.img")" = "$sum" ]
}
