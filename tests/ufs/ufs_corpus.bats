#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The UFS images of the shared corpus against their recorded facts:
# dissect.ffs (EXPECTED.txt and The Sleuth Kit listings) and util-linux
# blkid (ufs.img.xz, low-probe-ufs.expected); and no other blkid image
# may probe as UFS.

load ../bats/helpers

setup() {
	common_setup
	need_corpus
	need_cmd jq
	FFS=$CORPUS/dissect.ffs
	BLKID=$CORPUS/util-linux/blkid/images-fs
}

# tsk_check IMG BODY: every TSK body line (path, inode, mode string, uid,
# gid, size, atime, mtime, ctime) matches fsimg's listing
tsk_check() {
	local img=$1 body=$2
	fsimg ls -R --json "$img" / | jq -r '.[] | [.path, .ino, .uid, .gid,
		.size, .atime, .mtime, .ctime] | map(tostring) | join("|")' |
		sort >got
	grep -v '^#' "$body" | grep -v 'OrphanFiles' |
		awk -F'|' '{ p = $2; sub(/ -> .*/, "", p);
			print p "|" $3 "|" $5 "|" $6 "|" $7 "|" $8 "|" $9 "|" $10 }' |
		sort >want
	diff -u want got
}

@test "ufs corpus: dissect ffs.bin (UFS2) facts" {
	gzip -dc "$FFS/ffs.bin.gz" >ffs.img
	run -0 fsimg info ffs.img
	[[ $output == *"version: UFS2 (BSD, little-endian)"* ]]
	[[ $output == *"superblock: 65536"* ]]
	[[ $output == *"block_size: 32768"* ]]
	run -0 fsimg ls --json ffs.img /
	jq -e 'map(.name) | sort == [".snap", "test_dir", "test_file"]' <<<"$output"
	jq -e '.[] | select(.name != ".snap") | .blocks == 8' <<<"$output"
	run -0 fsimg ls -d --json ffs.img /
	jq -e '.[0].type == "dir" and .[0].atime == 1650636914' <<<"$output"
	[ "$(fsimg cat ffs.img /test_file)" = "test contents" ]
	[ "$(fsimg cat ffs.img /test_file | wc -c)" = 14 ]
	tsk_check ffs.img "$FFS/ffs.bin.tsk-body.observed.txt"
}

@test "ufs corpus: dissect symlink chains (UFS1) resolve" {
	local n
	for n in 1 2 3; do
		gzip -dc "$FFS/ffs_symlink_test$n.bin.gz" >s.img
		run -0 fsimg info s.img
		[[ $output == *"version: UFS1 (BSD, little-endian)"* ]]
		run -0 fsimg ls --json s.img /path/to/dir/with/file.ext
		jq -e '.[0].type == "symlink" and .[0].blocks == 0' <<<"$output"
		run -0 fsimg cat s.img /path/to/dir/with/file.ext
		[ "$output" = "resolved!" ]
		tsk_check s.img "$FFS/ffs_symlink_test$n.bin.tsk-body.observed.txt"
	done
}

@test "ufs corpus: blkid ufs.img matches blkid's facts" {
	xz -dc "$BLKID/ufs.img.xz" >u.img
	run -0 fsimg info u.img
	[[ $output == *"type: ufs"* ]]
	[[ $output == *"version: UFS2 (BSD, little-endian)"* ]]
	[[ $output == *"uuid: 4b0e640aec56ac70"* ]]
	[[ $output == *"fragment_size: 2048"* ]]
	grep -qx ID_FS_UUID=4b0e640aec56ac70 "$BLKID/low-probe-ufs.expected"
}

@test "ufs corpus: no other blkid image probes as UFS" {
	local f bad=
	for f in "$BLKID"/*.img.xz; do
		[[ $f == */ufs.img.xz ]] && continue
		xz -dc "$f" >x.img
		if fsimg info x.img 2>/dev/null | grep -q 'type: ufs'; then
			bad+=" ${f##*/}"
		fi
	done
	[ -z "$bad" ] || {
		echo "probed as ufs:$bad" >&2
		return 1
	}
}
