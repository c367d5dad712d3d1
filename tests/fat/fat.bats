#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# FAT12/16/32 images made by mkfs.fat and filled by mcopy -s -m, read back
# through fsimg ls --json and fsimg get, compared with the source field by
# field: names (long, Unicode, NT lower-case flags), types, sizes, mtimes
# (2-second resolution: the tree's mtimes are even) and contents.

load ../bats/helpers

MKFAT=$FSIMG_SRCDIR/tests/fat/mkfat.sh
FIELDS_FAT=type,size,mtime

setup_file() {
	command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null ||
		skip "needs mkfs.fat and mcopy (dosfstools, mtools)"
	export FT=$BATS_FILE_TMPDIR
	"$MKFAT" tree "$FT/small" small
	FAT_THOUSANDS=600 "$MKFAT" tree "$FT/full"
}

# check NAME SRC SIZE_KIB MKFS_ARGS...: make, fragment, compare
check() {
	local name=$1 src=$2 kib=$3
	shift 3
	local img=$BATS_TEST_TMPDIR/$name.img s=$BATS_TEST_TMPDIR/src
	cp -a "$src" "$s"
	"$MKFAT" image "$s" "$img" "$kib" "$@"
	"$MKFAT" fragment "$img" "$s"
	run fsimg info "$img"
	[ "$status" -eq 0 ]
	[[ $output == *"type: vfat"* ]]
	fsimg ls -R --json "$img" >"$BATS_TEST_TMPDIR/ls.json"
	compare_json_tree "$BATS_TEST_TMPDIR/ls.json" "$s" "$FIELDS_FAT"
	fsimg get -q "$img" / "$BATS_TEST_TMPDIR/out"
	compare_trees "$s" "$BATS_TEST_TMPDIR/out" "$FIELDS_FAT"
}

@test "FAT12, 512-byte clusters" {
	check f12a "$FT/small" 1440 -F 12 -s 1 -n F12A
	fsimg info "$BATS_TEST_TMPDIR/f12a.img" | grep -q 'version: FAT12'
}

@test "FAT12, 2 KiB clusters" {
	check f12b "$FT/small" 4000 -F 12 -s 4
	fsimg info "$BATS_TEST_TMPDIR/f12b.img" | grep -q 'version: FAT12'
}

@test "FAT16, 2 KiB clusters, with a 20 MiB file and a big directory" {
	check f16a "$FT/full" 65536 -F 16 -s 4 -n F16A
	fsimg info "$BATS_TEST_TMPDIR/f16a.img" | grep -q 'version: FAT16'
}

@test "FAT16, 16 KiB clusters" {
	check f16b "$FT/full" 200000 -F 16 -s 32
}

@test "FAT32, 512-byte clusters" {
	check f32a "$FT/full" 307200 -F 32 -s 1 -n F32A
	fsimg info "$BATS_TEST_TMPDIR/f32a.img" | grep -q 'version: FAT32'
}

@test "FAT32, 4 KiB clusters, 4 KiB sectors" {
	check f32b "$FT/full" 600000 -F 32 -S 4096 -s 1
}

@test "label, uuid and the boot-sector label" {
	local img=$BATS_TEST_TMPDIR/l.img
	mkfs.fat -C -n 'MY LABEL' -i 0xdeadbeef "$img" 1440 >/dev/null
	run fsimg info --json "$img"
	[ "$status" -eq 0 ]
	[ "$(jq -r .filesystems[0].label <<<"$output")" = "MY LABEL" ]
	[ "$(jq -r .filesystems[0].uuid <<<"$output")" = "DEAD-BEEF" ]
	[ "$(jq -r .filesystems[0].fsver <<<"$output")" = "FAT12" ]
}

@test "attributes in ls --json and the user.fat.attrs xattr" {
	local img=$BATS_TEST_TMPDIR/a.img
	mkfs.fat -C "$img" 1440 >/dev/null
	echo x >"$BATS_TEST_TMPDIR/ro.txt"
	mcopy -i "$img" "$BATS_TEST_TMPDIR/ro.txt" ::/
	mattrib -i "$img" +r +h +s -a ::/ro.txt
	run fsimg ls --json "$img" /
	[ "$status" -eq 0 ]
	[ "$(jq -c '.[0].attrs | sort' <<<"$output")" = '["hidden","readonly","system"]' ]
	[ "$(jq -r '.[0].perm' <<<"$output")" = 0444 ]
	[ "$(jq -r '.[0].xattrs["user.fat.attrs"]' <<<"$output")" = 0x07 ]
}

@test "options: codepage=, tz=, time_offset=, masks; bad values are refused" {
	local img=$BATS_TEST_TMPDIR/o.img m0 m1
	mkfs.fat -C "$img" 1440 >/dev/null
	echo x >"$BATS_TEST_TMPDIR/f"
	touch -d @1600000000 "$BATS_TEST_TMPDIR/f"
	mcopy -m -i "$img" "$BATS_TEST_TMPDIR/f" ::/
	m0=$(fsimg ls --json "$img" / | jq '.[0].mtime')
	[ "$m0" = 1600000000 ]
	m1=$(fsimg ls --json -o tz=+02:00 "$img" / | jq '.[0].mtime')
	[ "$m1" = $((1600000000 - 7200)) ]
	m1=$(fsimg ls --json -o time_offset=-90 "$img" / | jq '.[0].mtime')
	[ "$m1" = $((1600000000 + 5400)) ]
	run fsimg ls -o codepage=850 "$img" /
	[ "$status" -eq 0 ]
	run fsimg ls -o codepage=1234 "$img" /
	[ "$status" -ne 0 ]
	[[ $output == *"unknown code page"* ]]
	run fsimg ls -o tz=Mars/Base "$img" /
	[ "$status" -ne 0 ]
	[[ $output == *"tz="* ]]
	run fsimg ls --json -o fmask=077,uid=123 "$img" /
	[ "$(jq -r '.[0].perm' <<<"$output")" = 0600 ]
	[ "$(jq -r '.[0].uid' <<<"$output")" = 123 ]
}

@test "lookup is case-insensitive and finds short names" {
	local img=$BATS_TEST_TMPDIR/c.img
	mkfs.fat -C "$img" 1440 >/dev/null
	echo hi >"$BATS_TEST_TMPDIR/Hello World.txt"
	mcopy -i "$img" "$BATS_TEST_TMPDIR/Hello World.txt" ::/
	[ "$(fsimg cat "$img" "/Hello World.txt")" = hi ]
	[ "$(fsimg cat "$img" "/HELLO world.TXT")" = hi ]
	[ "$(fsimg cat "$img" /HELLOW~1.TXT)" = hi ]
}
