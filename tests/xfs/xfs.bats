#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# XFS: superblock, info and hostile superblocks. The tree (get against a
# kernel mount) comes with the inode and directory code.

load ../bats/helpers

setup_file() {
	export XIMG=$BATS_FILE_TMPDIR/x.img
	truncate -s 300M "$XIMG"
	mkfs.xfs -q -L xfslabel "$XIMG"
}

@test "xfs: info names the type, version, label, uuid and size" {
	run "$FSIMG" info --json "$XIMG"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.filesystems[0].type' <<<"$output")" = xfs ]
	[ "$(jq -r '.filesystems[0].version' <<<"$output")" = V5 ]
	[ "$(jq -r '.filesystems[0].label' <<<"$output")" = xfslabel ]
	[ "$(jq -r '.filesystems[0].uuid' <<<"$output")" = \
		"$(blkid -o value -s UUID "$XIMG")" ]
	[ "$(jq -r '.filesystems[0].block_size' <<<"$output")" = 4096 ]
	[ "$(jq -r '.filesystems[0].details.agcount' <<<"$output")" = 4 ]
}

@test "xfs: a zero agcount or a bad CRC is refused without a crash" {
	cp "$XIMG" bad.img
	printf '\0\0\0\0' | dd of=bad.img bs=1 seek=88 conv=notrunc status=none
	run "$FSIMG" info -t xfs bad.img
	[ "$status" -ne 0 ]
	[ "$status" -lt 128 ]
	cp "$XIMG" crc.img
	printf 'Z' | dd of=crc.img bs=1 seek=108 conv=notrunc status=none
	run "$FSIMG" info -t xfs crc.img
	[ "$status" -ne 0 ]
	[ "$status" -lt 128 ]
}
