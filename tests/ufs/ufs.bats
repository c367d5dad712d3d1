#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# UFS round trip: a tree holding every kind of object (tests/lib/mktree.sh,
# plus a file that needs double indirect blocks and one with a hole) is
# written by NetBSD makefs -t ffs in all four variants (UFS1/UFS2, little/
# big-endian), listed (ls -R --json) and extracted (get) by fsimg, and
# compared with the source field by field.

load ../bats/helpers
load ufs_helpers

setup_file() {
	command -v makefs >/dev/null || return 0
	export SRC=$BATS_FILE_TMPDIR/src SRC1=$BATS_FILE_TMPDIR/src1
	ufs_tree "$SRC"
	ufs1_tree "$SRC" "$SRC1"
	local v b
	for v in 1 2; do
		for b in le be; do
			if [[ $v == 1 ]]; then s=$SRC1; else s=$SRC; fi
			ufs_makefs $v $b "$s" "$BATS_FILE_TMPDIR/u$v$b.img" \
				,bsize=4096,fsize=512
		done
	done
	ufs_makefs 2 le "$SRC" "$BATS_FILE_TMPDIR/big.img" \
		,bsize=32768,fsize=4096
}

setup() {
	common_setup
	need_cmd makefs jq
}

# roundtrip IMG SRC: ls -R --json and get, both compared with SRC
roundtrip() {
	local img=$1 src=$2
	fsimg ls -R --json "$img" / >ls.json
	compare_json_tree ls.json "$src" "$FIELDS_UFS"
	fsimg get "$img" / out
	compare_trees "$src" out "$(get_fields)" "$(get_flags)"
}

@test "ufs: UFS1 little-endian reads back exactly" {
	roundtrip "$BATS_FILE_TMPDIR/u1le.img" "$SRC1"
}

@test "ufs: UFS1 big-endian reads back exactly" {
	roundtrip "$BATS_FILE_TMPDIR/u1be.img" "$SRC1"
}

@test "ufs: UFS2 little-endian reads back exactly" {
	roundtrip "$BATS_FILE_TMPDIR/u2le.img" "$SRC"
}

@test "ufs: UFS2 big-endian reads back exactly" {
	roundtrip "$BATS_FILE_TMPDIR/u2be.img" "$SRC"
}

@test "ufs: UFS2 with 32 KiB blocks and 4 KiB fragments reads back exactly" {
	roundtrip "$BATS_FILE_TMPDIR/big.img" "$SRC"
}

@test "ufs: info names the version, flavour and byte order" {
	local v b order
	for v in 1 2; do
		for b in le be; do
			[[ $b == le ]] && order=little-endian || order=big-endian
			run -0 fsimg info "$BATS_FILE_TMPDIR/u$v$b.img"
			[[ $output == *"type: ufs"* ]]
			[[ $output == *"version: UFS$v (BSD, $order)"* ]]
			[[ $output == *"byte_order: $order"* ]]
			[[ $output == *"flavour: BSD"* ]]
			# NetBSD makefs puts the UFS2 superblock at 8 KiB too
			[[ $output == *"superblock: 8192"* ]]
			[[ $output == *"fragment_size: 512"* ]]
			[[ $output == *"clean: clean"* ]]
		done
	done
}

@test "ufs: hard links share the inode number and link count" {
	fsimg ls -R --json "$BATS_FILE_TMPDIR/u2be.img" / >ls.json
	run -0 jq -r '[.[] | select(.type == "file" and .nlink == 3)]
		| (map(.ino) | unique | length), length' ls.json
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 3 ]
}

@test "ufs: UFS2 birth time and nanoseconds are reported" {
	run -0 fsimg ls --json "$BATS_FILE_TMPDIR/u2le.img" /holey
	jq -e '.[0] | has("btime") and has("mtime_ns")' <<<"$output"
	run -0 fsimg ls --json "$BATS_FILE_TMPDIR/u1le.img" /holey
	jq -e '.[0] | has("btime") | not' <<<"$output"
}

@test "ufs: a zeroed block pointer is a hole that reads as zeroes" {
	local v b ino
	for v in 1 2; do
		for b in le be; do
			cp "$BATS_FILE_TMPDIR/u$v$b.img" h.img
			ino=$(fsimg ls --json h.img /holey | jq '.[0].ino')
			"$UFSEDIT" h.img inode "$ino" db1 0
			fsimg cat h.img /holey | cmp - "$SRC/holey"
		done
	done
}

# Blocks that follow each other on disk are read together: cat of the
# 5.6 MiB file of 4 KiB blocks took one read per block (1,440) before.
@test "ufs: a file's contiguous blocks are read in runs, not one by one" {
	need_cmd strace
	local img=$BATS_FILE_TMPDIR/u2le.img n
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -qq -f -o trace -e trace=pread64,preadv,preadv2,read \
		"$FSIMG" cat "$img" /double-indirect >out
	cmp out "$SRC/double-indirect"
	n=$(grep -c -E '^[0-9]+ +(read|pread64|preadv|preadv2)\(' trace)
	echo "$n reads"
	[ "$n" -lt 100 ]
}

@test "ufs: fast and slow symlinks" {
	local img=$BATS_FILE_TMPDIR/u1be.img l t
	fsimg ls -R --json "$img" / >ls.json
	# every target, inline (< 60 bytes on UFS1) or in blocks, is exact
	while IFS= read -r -d '' l; do
		t=$(readlink "$SRC1/$l")
		run -0 jq -r --arg p "/$l" '.[] | select(.path == $p) | .target' ls.json
		[ "$output" = "$t" ]
	done < <(cd "$SRC1" && find . -type l -printf '%P\0')
}
