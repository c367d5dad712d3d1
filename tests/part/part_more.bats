#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# More partition tables: a BSD disklabel made by fdisk's `b` inside an MBR
# FreeBSD slice, a GPT on a 4096-byte-sector disk, EBR chains that loop,
# partitions past the end of the image and overlapping ones.

bats_require_minimum_version 1.5.0
load ../bats/helpers

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/fat" "$T/fat2"
	echo fat-file >"$T/fat/README.TXT"
	head -c 5000 /dev/urandom >"$T/fat/DATA.BIN"
	echo other >"$T/fat2/OTHER.TXT"
	mkfs.fat -C -n FATVOL "$T/fat.img" 4096 >/dev/null
	mcopy -i "$T/fat.img" "$T/fat/README.TXT" "$T/fat/DATA.BIN" ::
	mkfs.fat -C -n FATTWO "$T/fat2.img" 2048 >/dev/null
	mcopy -i "$T/fat2.img" "$T/fat2/OTHER.TXT" ::
}

# put_at IMAGE FS SECTOR: a filesystem at a 512-byte sector
put_at() {
	dd if="$2" of="$1" bs=512 seek="$3" conv=notrunc status=none
}

# mbr IMAGE SECTOR:SLOT:TYPE:START:SIZE...: writes entry SLOT (1-4) of the
# table at SECTOR (0: the MBR, else an EBR) and its 0x55aa mark; what
# sfdisk refuses to write (loops, overlaps, entries past the end)
mbr() {
	python3 - "$@" <<-'EOF2'
		import struct, sys
		with open(sys.argv[1], 'r+b') as f:
		    for e in sys.argv[2:]:
		        sec, slot, typ, start, size = (int(x, 0) for x in e.split(':'))
		        f.seek(sec * 512 + 446 + (slot - 1) * 16)
		        f.write(struct.pack('<B3sB3sII', 0, b'\xfe\xff\xff', typ,
		                            b'\xfe\xff\xff', start, size))
		        f.seek(sec * 512 + 510)
		        f.write(b'\x55\xaa')
	EOF2
}

# get_same IMAGE SPEC SRCDIR: every file of SRCDIR reads back exactly
get_same() {
	local f
	for f in "$3"/*; do
		rm -f "$T/got"
		fsimg get -p "$2" "$1" "/${f##*/}" "$T/got"
		cmp "$f" "$T/got"
	done
}

@test "BSD disklabel (fdisk b) in an MBR a5 slice: 1a listed, FAT reads back" {
	truncate -s 40M "$T/bsd.img"
	# slice 1 at 2048 (30 MiB), type a5; label letter a at sector 4096,
	# 8 MiB, fstype 8 (MS-DOS: libblkid skips "unused" letters)
	fdisk "$T/bsd.img" >/dev/null 2>&1 <<-EOF2 || true
		o
		n
		p
		1
		2048
		+30M
		t
		a5
		b
		y
		n
		a
		4096
		+8M
		t
		a
		08
		w
		r
		w
	EOF2
	put_at "$T/bsd.img" "$T/fat.img" 4096
	run -0 fsimg info --json "$T/bsd.img"
	jq -e '.pttype == "dos"' <<<"$output"
	jq -e '[.partitions[] | select(.spec == "1a")] | length == 1' \
		<<<"$output" || skip "fdisk wrote no BSD disklabel"
	# fdisk's "+8M" makes 16385 sectors (the last one inclusive)
	jq -e '.partitions[] | select(.spec == "1a") |
		.start == 4096 * 512 and .size == 16385 * 512 and
		.fstype == "vfat" and .label == "FATVOL"' <<<"$output"
	jq -e '[.partitions[] | select(.spec == "1")][0] |
		.start == 2048 * 512 and .size == 61440 * 512 and .parttype == "0xa5"' \
		<<<"$output"
	run -0 fsimg info "$T/bsd.img"
	[[ $output == *"1a "*"start 2097152 size 8389120"*"vfat 'FATVOL'"* ]]
	get_same "$T/bsd.img" 1a "$T/fat"
	get_same "$T/bsd.img" label=FATVOL "$T/fat"
	# auto: the only filesystem
	run -0 fsimg cat "$T/bsd.img" /README.TXT
	[ "$output" = fat-file ]
}

@test "GPT on a 4096-byte-sector disk (loop device): found, FAT in 1 reads back" {
	[ "$(id -u)" = 0 ] || skip "needs root: a loop device with 4096-byte sectors"
	command -v sgdisk >/dev/null || skip "sgdisk (gdisk) not installed"
	truncate -s 64M "$T/g4k.img"
	dev=$(losetup --sector-size 4096 -f --show "$T/g4k.img" 2>/dev/null) ||
		skip "losetup --sector-size 4096 failed (no loop devices here?)"
	ss=$(blockdev --getss "$dev")
	sgdisk -o -n 1:256:+8M -t 1:0700 -c 1:data "$dev" >/dev/null 2>&1
	rc=$?
	losetup -d "$dev"
	[ "$rc" -eq 0 ]
	[ "$ss" -eq 4096 ]
	# sector 256 of 4096 bytes: byte 1 MiB
	put_at "$T/g4k.img" "$T/fat.img" 2048
	# the GPT header is in LBA 1 = byte 4096, not 512
	[ "$(dd if="$T/g4k.img" bs=4096 skip=1 count=1 status=none | head -c 8)" = "EFI PART" ]
	run -0 fsimg info --json "$T/g4k.img"
	jq -e '.pttype == "gpt" and ([.partitions[] | [.spec, .start, .size, .partlabel]] ==
		[["1", 1048576, 8388608, "data"]])' <<<"$output"
	jq -e '.partitions[0].fstype == "vfat"' <<<"$output"
	get_same "$T/g4k.img" 1 "$T/fat"
	get_same "$T/g4k.img" name=data "$T/fat"
}

@test "EBR chain whose next-link points to itself: no hang, one logical" {
	truncate -s 40M "$T/loop1.img"
	# extended 2 at 20480; its EBR: logical at +2048, next -> itself (0)
	mbr "$T/loop1.img" 0:1:0x0c:2048:8192 0:2:0x05:20480:40960 \
		20480:1:0x0c:2048:8192 20480:2:0x05:0:8192
	put_at "$T/loop1.img" "$T/fat.img" 2048
	put_at "$T/loop1.img" "$T/fat2.img" $((20480 + 2048))
	run -0 timeout 10 "$FSIMG" info --json "$T/loop1.img"
	jq -e '[.partitions[] | [.spec, .start / 512, .size / 512]] ==
		[["1", 2048, 8192], ["2", 20480, 40960], ["5", 22528, 8192]]' \
		<<<"$output"
	run -0 timeout 10 "$FSIMG" -p 5 ls "$T/loop1.img" /
	[ "$output" = OTHER.TXT ]
	get_same "$T/loop1.img" 5 "$T/fat2"
	run -2 timeout 10 "$FSIMG" -p 6 ls "$T/loop1.img" /
	[[ $output == *"no partition matches"* ]]
}

@test "EBR chain looping back to an earlier EBR: no hang, two logicals" {
	truncate -s 40M "$T/loop2.img"
	# EBR at 20480 -> EBR at 32768 -> back to the first (relative 0)
	mbr "$T/loop2.img" 0:1:0x0c:2048:8192 0:2:0x05:20480:40960 \
		20480:1:0x0c:2048:4096 20480:2:0x05:12288:20000 \
		32768:1:0x0c:2048:4096 32768:2:0x05:0:8192
	put_at "$T/loop2.img" "$T/fat2.img" $((20480 + 2048))
	put_at "$T/loop2.img" "$T/fat2.img" $((32768 + 2048))
	run -0 timeout 10 "$FSIMG" info --json "$T/loop2.img"
	jq -e '[.partitions[] | select(.partn >= 5) | [.spec, .start / 512]] ==
		[["5", 22528], ["6", 34816]]' <<<"$output"
	run -0 timeout 10 "$FSIMG" info "$T/loop2.img"
	run -0 timeout 10 "$FSIMG" -p 5 ls "$T/loop2.img" /
	[ "$output" = OTHER.TXT ]
	run -0 timeout 10 "$FSIMG" -p 6 ls "$T/loop2.img" /
	[ "$output" = OTHER.TXT ]
	run -2 timeout 10 "$FSIMG" -p 7 ls "$T/loop2.img" /
	[[ $output == *"no partition matches"* ]]
}

@test "partitions past the end of the image: warned by name; outside one refused" {
	truncate -s 20M "$T/past.img"
	# 1: fine; 2: starts inside, ends past the end (FAT at its start);
	# 3: starts past the end
	mbr "$T/past.img" 0:1:0x0c:2048:8192 0:2:0x0c:12288:65536 \
		0:3:0x83:90000:1000
	put_at "$T/past.img" "$T/fat.img" 2048
	put_at "$T/past.img" "$T/fat2.img" 12288
	run -0 --separate-stderr fsimg info --json "$T/past.img"
	[[ $stderr == *"partition 2 ends past the end"* ]]
	[[ $stderr == *"partition 3 starts past the end"* ]]
	[[ $stderr != *"partition 1 "* ]]
	jq -e '[.partitions[] | [.spec, .problems]] ==
		[["1", []], ["2", ["past-end"]], ["3", ["outside"]]]' <<<"$output" ||
		{ echo "$output"; return 1; }
	run -0 --separate-stderr fsimg info "$T/past.img"
	[[ $stderr == *"partition 2"* ]]
	# 3 is refused, with the offset it names
	run -2 fsimg -p 3 ls "$T/past.img" /
	[[ $output == *"partition 3 starts past the end of the image (byte 46080000 of 20971520)"* ]]
	# 2 is clamped with a warning, read at its own start, never elsewhere
	run -0 --separate-stderr fsimg -p 2 ls "$T/past.img" /
	[ "$output" = OTHER.TXT ]
	[[ $stderr == *"partition 2 ends past the end of the image; reading its first 14680064 of 33554432 bytes"* ]]
	get_same "$T/past.img" 1 "$T/fat"
}

@test "overlapping partitions: warned by name, each read at its own start" {
	truncate -s 20M "$T/ovl.img"
	# 1: 2048+16384 (FAT in its first 8192); 2: 14336+4096, inside 1
	mbr "$T/ovl.img" 0:1:0x0c:2048:16384 0:2:0x0c:14336:4096
	put_at "$T/ovl.img" "$T/fat.img" 2048
	put_at "$T/ovl.img" "$T/fat2.img" 14336
	run -0 --separate-stderr fsimg info --json "$T/ovl.img"
	[[ $stderr == *"partitions 1 and 2 overlap"* ]]
	jq -e '[.partitions[] | [.spec, .problems]] ==
		[["1", ["overlap"]], ["2", ["overlap"]]]' <<<"$output"
	run -0 --separate-stderr fsimg -p 2 ls "$T/ovl.img" /
	[ "$output" = OTHER.TXT ]
	[[ $stderr == *"partition 2 overlaps"* ]]
	run -0 --separate-stderr fsimg -p 1 ls "$T/ovl.img" /
	[[ $stderr == *"partition 1 overlaps"* ]]
	get_same "$T/ovl.img" 1 "$T/fat"
	get_same "$T/ovl.img" 2 "$T/fat2"
}

@test "corpus: DFTT 1-extend-part, six FAT16 partitions, one behind a third EBR entry" {
	local zip=${FSIMG_CORPUS:-$FSIMG_SRCDIR/../shared/corpus}/dftt/1-extend-part.zip
	local html=${zip%.zip}.index.html
	[ -f "$zip" ] || skip "corpus not present"
	unzip -q -o "$zip" -d "$BATS_TEST_TMPDIR/dftt"
	local img=$BATS_TEST_TMPDIR/dftt/1-extend-part/ext-part-test-2.dd
	run -0 fsimg info --json "$img"
	# ground truth: "NN START END LENGTH DOS FAT16" rows, in table order
	sed 's/<[^>]*>/ /g' "$html" |
		awk '$5 == "DOS" && $6 == "FAT16" { print $2 + 0, $4 + 0 }' >"$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -eq 6 ]
	jq -r '.partitions[] | select(.fstype == "vfat") | "\(.start / 512) \(.size / 512)"' \
		<<<"$output" >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# each partition holds one empty file named after it
	local p want
	for p in 1:primary-1.txt 2:primary-2.txt 3:primary-3.txt \
		5:second-1.txt 6:second-2.txt 7:second-3.txt; do
		run -0 fsimg -p "${p%%:*}" ls --json "$img" /
		want=${p#*:}
		[ "$(jq -r '[.[].name] | join(",")' <<<"$output")" = "$want" ]
		[ "$(jq -r '.[0].size' <<<"$output")" = 0 ]
	done
}

@test "corpus: util-linux fdisk BSD disklabels, both byte orders and label positions" {
	local d=${FSIMG_CORPUS:-$FSIMG_SRCDIR/../shared/corpus}/util-linux/fdisk-bsd
	[ -d "$d" ] || skip "corpus not present"
	local f n=0
	for f in "$d"/bsd_*.img.xz; do
		xz -dc "$f" >"$BATS_TEST_TMPDIR/b.img"
		run -0 fsimg info --json "$BATS_TEST_TMPDIR/b.img"
		# the expected layout: slice 2 (a5) at sector 4096, 'a' 4096..6144
		jq -e '.partitions[] | select(.spec == "2") | .start == 4096 * 512 and .parttype == "0xa5"' <<<"$output" ||
			{ echo "$f: slice 2"; return 1; }
		jq -e '.partitions[] | select(.spec == "2a") | .start == 4096 * 512 and .size == 2049 * 512' <<<"$output" ||
			{ echo "$f: 2a"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 5 ]
}

@test "hybrid ISO with an Apple partition map: the map is listed, auto reads the ISO" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo hybrid >"$BATS_TEST_TMPDIR/src/a"
	xorriso -as mkisofs -quiet -R -hfsplus -apm-block-size 2048 \
		-o "$BATS_TEST_TMPDIR/apm.iso" "$BATS_TEST_TMPDIR/src" 2>/dev/null
	run -0 fsimg info --json "$BATS_TEST_TMPDIR/apm.iso"
	jq -e '.pttype == "mac"' <<<"$output"
	jq -e '[.partitions[].parttype] | index("Apple_HFS") != null' <<<"$output"
	jq -e '.filesystems[0].fstype == "iso9660" and .filesystems[0].partition == null and .filesystems[0].selected' <<<"$output"
	run -0 fsimg cat "$BATS_TEST_TMPDIR/apm.iso" /a
	[ "$output" = hybrid ]
}
