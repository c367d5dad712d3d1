#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Images made by mke2fs -d with feature variations, read by fsimg and
# compared field by field with a kernel loop mount of the same image (the
# ground truth: mke2fs 1.47.0 does not store every source file exactly).

load ext_helpers

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	export SRC=$BATS_FILE_TMPDIR/src
	ext_src "$SRC"
}

# check TYPE [mke2fs options]: ls -R --json and get against the kernel.
check() {
	skip_unless_root
	local t=$BATS_TEST_TMPDIR
	ext_image "$SRC" "$t/img" "$@"
	kernel_dump "$t/img" "$t/kernel"
	"$FSIMG" ls -R --json "$t/img" >"$t/ls.json"
	python3 "$EXT_TREE" json "$t/ls.json" >"$t/fsimg.meta"
	diff -u "$t/kernel.meta" "$t/fsimg.meta"
	# contents and symlink targets through fsimg get
	"$FSIMG" get -q "$t/img" / "$t/out"
	python3 "$EXT_TREE" fs "$t/out" --content --no-xattrs \
		--fields $DATA_FIELDS >"$t/get.data"
	diff -u "$t/kernel.data" "$t/get.data"
	# type and info
	run "$FSIMG" info "$t/img"
	[ "$status" -eq 0 ]
	[[ "$output" == *"type: $1"* ]]
	[[ "$output" == *"label: fsimg-$1"* ]]
	[[ "$output" == *"needs_recovery: no"* ]]
}

@test "ext2, 1 KiB blocks" {
	check ext2 -b 1024
}

@test "ext2, 4 KiB blocks" {
	check ext2 -b 4096
}

@test "ext3" {
	check ext3
}

@test "ext4, defaults" {
	check ext4
}

@test "ext4, inline_data, 4 KiB blocks" {
	check ext4 -O inline_data -b 4096
}

@test "ext4, inline_data, 1 KiB blocks" {
	check ext4 -O inline_data -b 1024
}

@test "ext4, no extents (indirect blocks), 1 KiB blocks" {
	check ext4 -O ^extent,^64bit,^flex_bg -b 1024
}

@test "ext4, 64bit and metadata_csum, 4 KiB blocks" {
	check ext4 -O 64bit,metadata_csum -b 4096
}

@test "ext4, ^metadata_csum ^64bit, 128-byte inodes" {
	check ext4 -O ^metadata_csum,^64bit -I 128
}
