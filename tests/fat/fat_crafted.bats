#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Crafted FAT images (tests/fat/mkcrafted.py), one per failure: each must
# end, under timeout, with a message naming what is wrong. And the long-name
# cases crafted byte by byte (surrogate pairs, broken checksums).

load ../bats/helpers

setup_file() {
	export CR=$BATS_FILE_TMPDIR/crafted
	python3 "$FSIMG_SRCDIR/tests/fat/mkcrafted.py" "$CR"
}

bats_require_minimum_version 1.5.0

@test "a cluster chain that loops" {
	run fsimg cat "$CR/loop.img" /LOOP.TXT
	[ "$status" -ne 0 ]
	[[ $output == *"FAT: cluster chain"*"loops"* ]]
	run fsimg get -q "$CR/loop.img" / "$BATS_TEST_TMPDIR/o"
	[ "$status" -ne 0 ]
}

@test "a cluster chain past the last cluster" {
	run fsimg cat "$CR/pastend.img" /PASTEND.TXT
	[ "$status" -ne 0 ]
	[[ $output == *"points past the last cluster"* ]]
}

@test "a cluster chain shorter than the file" {
	run fsimg cat "$CR/short.img" /SHORT.TXT
	[ "$status" -ne 0 ]
	[[ $output == *"ends after 1024 of its 2560 bytes"* ]]
}

@test "a bad BPB is not FAT; forced, it says why" {
	run fsimg info "$CR/badbpb.img"
	[[ $output != *"type: vfat"* ]]
	run fsimg ls -t vfat "$CR/badbpb.img" /
	[ "$status" -ne 0 ]
	[[ $output == *"no "*"filesystem"* ]]
	run env FSIMG_DEBUG=fat "$FSIMG" ls -t vfat "$CR/badbpb.img" /
	[[ $output == *"BPB_BytsPerSec"* ]]
}

@test "a directory that contains itself" {
	run fsimg ls -R "$CR/selfdir.img" /
	[ "$status" -ne 0 ]
	[[ $output == *"the directory graph loops"* ]]
	run fsimg ls "$CR/selfdir.img" /D/E
	[ "$status" -ne 0 ]
	[[ $output == *"loops"* ]]
}

@test "long names: surrogate pair, bad checksum, NT lower case, 0x05, label" {
	run fsimg ls --json "$CR/lfn.img" /
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[].name' <<<"$output" | sort | tr '\n' '|')" = \
		"BROKEN~1.TXT|a😀 smile.txt|lower.txt|σÇX.TXT|" ]
	[ "$(fsimg cat "$CR/lfn.img" "/a😀 smile.txt")" = smile ]
	[ "$(fsimg ls --json "$CR/lfn.img" / | jq -r '.[] | select(.name == "lower.txt") | .mtime')" = \
		"$(date -u -d '2021-03-04 05:06:08' +%s)" ]
	run fsimg info "$CR/lfn.img"
	[[ $output == *"label: VOLNAME"* ]]
	run fsimg ls -o codepage=850 "$CR/lfn.img" /
	[[ $output == *"ÕÇX.TXT"* ]]
}

@test "the committed long-name image (tests/data/fat) reads as crafted" {
	gzip -dc "$FSIMG_SRCDIR/tests/data/fat/lfn.img.gz" >"$BATS_TEST_TMPDIR/l.img"
	cmp "$BATS_TEST_TMPDIR/l.img" "$CR/lfn.img"
	[ "$(fsimg cat "$BATS_TEST_TMPDIR/l.img" "/a😀 smile.txt")" = smile ]
}

@test "short names that read as . or .. are skipped; a NUL ends a name (fuzz_fat)" {
	run --separate-stderr fsimg ls --json "$CR/dotname.img" /
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[].name' <<<"$output" | tr '\n' '|')" = "CUT~1|OK.TXT|" ]
	[[ $stderr == *"byte 9728 has a name no path can hold: skipped"* ]]
	[[ $stderr == *"byte 9760 has a name no path can hold: skipped"* ]]
	run -0 --separate-stderr fsimg cat "$CR/dotname.img" /CUT~1
	[ "$output" = ok ]
}

@test "a short name with a '/' is skipped with a message (fuzz_fat)" {
	run --separate-stderr fsimg ls --json "$CR/slashname.img" /
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[].name' <<<"$output" | tr '\n' '|')" = "OK.TXT|" ]
	[[ $stderr == *"byte 9728 has a name no path can hold: skipped"* ]]
	run fsimg get "$CR/slashname.img" / "$BATS_TEST_TMPDIR/o"
	[ "$status" -eq 0 ]
	[ "$(ls "$BATS_TEST_TMPDIR/o")" = OK.TXT ]
}

@test "a message names the byte of the image, whatever partition the FAT is in" {
	need_cmd sfdisk
	local d=$BATS_TEST_TMPDIR/disk.img start=1048576 at
	truncate -s 4M "$d"
	echo 'start=2048, type=c' | sfdisk -q "$d"
	dd if="$CR/slashname.img" of="$d" bs=512 seek=2048 conv=notrunc \
		status=none
	at=$((start + 9728))
	run --separate-stderr fsimg ls -p 1 "$d" /
	[ "$status" -eq 0 ]
	[[ $stderr == *"FAT: directory entry at byte $at has a name no path can hold: skipped"* ]]
	# dd skip= on the disk finds the entry the message names
	[ "$(dd if="$d" bs=1 skip="$at" count=11 status=none | od -An -c)" = \
		"$(dd if="$CR/slashname.img" bs=1 skip=9728 count=11 status=none | od -An -c)" ]
}
