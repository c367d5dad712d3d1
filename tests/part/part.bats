#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Partition tables: every filesystem put into a partition reads back exactly
# through `fsimg get -p SPEC`, `fsimg info` lists what the table says, and
# damaged tables give a warning or an error, never a wrong offset.

load ../bats/helpers

MKVTOC=$FSIMG_SRCDIR/tests/part/mkvtoc.py
MiB=1048576

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/src/boot" "$T/src/etc/deep/er" "$T/fat"
	echo hello >"$T/src/etc/motd"
	head -c 70000 /dev/urandom >"$T/src/etc/deep/er/blob"
	echo kernel >"$T/src/boot/vmlinuz-6.1"
	echo fat-file >"$T/fat/README.TXT"
	head -c 5000 /dev/urandom >"$T/fat/DATA.BIN"

	makefs -t ffs -s 4m -o version=1 "$T/ufs.img" "$T/src" >/dev/null
	mkfs.fat -C -n FATVOL "$T/fat.img" 4096 >/dev/null
	mcopy -i "$T/fat.img" "$T/fat/README.TXT" "$T/fat/DATA.BIN" ::
	mke2fs -q -t ext4 -L EXTVOL -d "$T/src" "$T/ext.img" 8M
}

# put IMAGE FS START_MIB: writes a filesystem into a partition
put() {
	dd if="$2" of="$1" bs=$MiB seek="$3" conv=notrunc status=none
}

# put_at IMAGE FS BYTE
put_at() {
	dd if="$2" of="$1" bs=512 seek=$(($3 / 512)) conv=notrunc status=none
}

# same_tree IMAGE SPEC SRC: extracts everything and compares with SRC
same_tree() {
	rm -rf "$T/out"
	fsimg get -p "$2" "$1" / "$T/out"
	rm -rf "$T/out/lost+found" # mke2fs makes it
	compare_trees "$3" "$T/out" "$FIELDS_NAMES"
}

@test "VTOC in MBR 0xBF: slices listed as the label says" {
	python3 "$MKVTOC" "$T/vtoc.img" --root "$T/ufs.img" \
		--home "$T/fat.img" >"$T/vtoc.txt"
	run -0 fsimg info --json "$T/vtoc.img"
	while read -r s start size; do
		jq -e --arg s "1$s" --argjson a "$start" --argjson z "$size" \
			'.partitions[] | select(.spec == $s and .start == $a
				and .size == $z and .pttype == "vtoc")' \
			<<<"$output" >/dev/null || {
			echo "slice $s $start $size missing"
			return 1
		}
	done <"$T/vtoc.txt"
	jq -e '.pttype == "dos"' <<<"$output"
	jq -e '[.partitions[] | select(.spec == "1s0")][0].parttype == "root"' \
		<<<"$output"
	jq -e '[.filesystems[].partition] == ["1s0", "1s7"]' <<<"$output"
}

@test "VTOC slices read back: 1s0 (UFS), s0, 1s7 (FAT)" {
	same_tree "$T/vtoc.img" 1s0 "$T/src"
	same_tree "$T/vtoc.img" s0 "$T/src"
	same_tree "$T/vtoc.img" 1s7 "$T/fat"
	same_tree "$T/vtoc.img" label=FATVOL "$T/fat"
	same_tree "$T/vtoc.img" type=root "$T/src"
}

@test "VTOC: auto picks the root slice" {
	run -0 fsimg cat "$T/vtoc.img" /etc/motd
	[ "$output" = hello ]
}

@test "VTOC in primary 3 after an extended partition: slices found" {
	# libblkid lists logical partitions after the primaries: a logical
	# entry follows partition 3 in the list, and must not hide its VTOC
	local size
	size=$(sfdisk -d "$T/vtoc.img" | sed -n 's/.*img1 :.*size= *\([0-9]*\).*/\1/p')
	[ -n "$size" ]
	truncate -s $(((10240 + size + 2048) * 512)) "$T/ext3p.img"
	sfdisk -q "$T/ext3p.img" <<-EOF
		label: dos
		ext3p.img1 : start=2048, size=2048, type=83
		ext3p.img2 : start=4096, size=6144, type=5
		ext3p.img3 : start=10240, size=$size, type=bf
		ext3p.img5 : start=6144, size=2048, type=83
	EOF
	dd if="$T/vtoc.img" of="$T/ext3p.img" bs=512 skip=2048 seek=10240 \
		count="$size" conv=notrunc status=none
	run -0 fsimg info --json "$T/ext3p.img"
	jq -e '[.partitions[].spec] == ["1", "2", "3", "3s0", "3s1", "3s2",
		"3s7", "3s8", "5"]' <<<"$output"
	same_tree "$T/ext3p.img" 3s0 "$T/src"
	same_tree "$T/ext3p.img" s0 "$T/src"
}

@test "VTOC in MBR 0x82 is read; plain 0x82 swap is not a VTOC" {
	python3 "$MKVTOC" "$T/v82.img" --type 0x82 --root "$T/ufs.img" >/dev/null
	same_tree "$T/v82.img" 1s0 "$T/src"
	truncate -s 8M "$T/swap.img"
	echo 'start=2048, type=82' | sfdisk -q "$T/swap.img"
	run -0 fsimg info --json "$T/swap.img"
	jq -e '[.partitions[].spec] == ["1"]' <<<"$output"
}

@test "VTOC with a bad checksum: an error, no slices" {
	python3 "$MKVTOC" "$T/bad.img" --bad-cksum --root "$T/ufs.img" >/dev/null
	run -2 fsimg cat -p 1s0 "$T/bad.img" /etc/motd
	[[ $output == *checksum* ]]
	run --separate-stderr fsimg info --json "$T/bad.img"
	jq -e '[.partitions[].spec] == ["1"] and
		(.partitions[0].problems | index("damaged") != null)' <<<"$output"
}

@test "VTOC slice past its partition: clamped with a warning" {
	python3 "$MKVTOC" "$T/past.img" --slice-past-end --root "$T/ufs.img" >/dev/null
	run -0 --separate-stderr fsimg cat -p 1s0 "$T/past.img" /etc/motd
	[ "$output" = hello ]
	[[ $stderr == *"past the end"* ]]
}

@test "MBR with logical partitions (sfdisk): 1 FAT, 5 ext4" {
	truncate -s 40M "$T/mbr.img"
	sfdisk -q "$T/mbr.img" <<-EOF2
		label: dos
		start=1MiB, size=8MiB, type=c
		start=10MiB, size=28MiB, type=5
		start=11MiB, size=9MiB, type=83
		start=21MiB, size=9MiB, type=83
	EOF2
	put "$T/mbr.img" "$T/fat.img" 1
	put "$T/mbr.img" "$T/ext.img" 11
	run -0 fsimg info --json "$T/mbr.img"
	jq -e '[.partitions[] | [.spec, .start, .size, .parttype]] ==
		[["1", 1048576, 8388608, "0xc"], ["2", 10485760, 29360128, "0x5"],
		 ["5", 11534336, 9437184, "0x83"], ["6", 22020096, 9437184, "0x83"]]' \
		<<<"$output"
	same_tree "$T/mbr.img" 1 "$T/fat"
	same_tree "$T/mbr.img" 5 "$T/src"
	same_tree "$T/mbr.img" label=EXTVOL "$T/src"
	run -2 fsimg ls -p type=83 "$T/mbr.img" /
	[[ $output == *"several partitions match"* ]]
	same_tree "$T/mbr.img" type=0xc "$T/fat"
	# auto: two filesystems, the one with /boot/vmlinuz* wins
	run -0 fsimg cat "$T/mbr.img" /etc/motd
	[ "$output" = hello ]
	run -2 fsimg ls -p 2 "$T/mbr.img" /
	[[ $output == *extended* ]]
	run -2 fsimg ls -p 9 "$T/mbr.img" /
	[[ $output == *"5 (0x83"*ext4*EXTVOL* ]]
	run -2 fsimg ls -p 1q9 "$T/mbr.img" /
	[[ $output == *"not understood"* ]]
}

@test "auto with two filesystems and no boot files lists the choices" {
	truncate -s 20M "$T/two.img"
	printf 'start=1MiB,size=8MiB,type=c\nstart=10MiB,size=8MiB,type=c\n' |
		sfdisk -q "$T/two.img"
	put "$T/two.img" "$T/fat.img" 1
	put "$T/two.img" "$T/fat.img" 10
	run -2 fsimg ls "$T/two.img" /
	[[ $output == *"choose one"*"1 (0xc, 8 MiB, vfat 'FATVOL')"* ]]
}

@test "GPT (sgdisk): name=, uuid=, type=; ext4 with the primary header destroyed" {
	command -v sgdisk >/dev/null || skip "sgdisk (gdisk) not installed"
	truncate -s 40M "$T/gpt.img"
	sgdisk -o -n 1:2048:+8M -t 1:ef00 -c 1:EFI -n 2:20480:+9M -t 2:8300 \
		-c 2:rootfs -u 2:3d1c9c8e-6f52-4b53-9c5e-3f0a1c2b4d5e "$T/gpt.img" >/dev/null
	put "$T/gpt.img" "$T/fat.img" 1
	put "$T/gpt.img" "$T/ext.img" 10
	run -0 fsimg info --json "$T/gpt.img"
	jq -e '.pttype == "gpt" and ([.partitions[] | [.spec, .start, .size, .partlabel]] ==
		[["1", 1048576, 8388608, "EFI"], ["2", 10485760, 9437184, "rootfs"]])' \
		<<<"$output"
	same_tree "$T/gpt.img" 2 "$T/src"
	same_tree "$T/gpt.img" name=rootfs "$T/src"
	same_tree "$T/gpt.img" uuid=3D1C9C8E-6F52-4B53-9C5E-3F0A1C2B4D5E "$T/src"
	same_tree "$T/gpt.img" type=linux "$T/src"
	same_tree "$T/gpt.img" type=esp "$T/fat"
	# primary header (LBA 1) zeroed: libblkid uses the backup at the end
	dd if=/dev/zero of="$T/gpt.img" bs=512 seek=1 count=1 conv=notrunc status=none
	run -0 fsimg info --json "$T/gpt.img"
	jq -e '.pttype == "gpt" and (.partitions | length) == 2' <<<"$output"
	same_tree "$T/gpt.img" 2 "$T/src"
	same_tree "$T/gpt.img" name=rootfs "$T/src"
}

@test "Sun label (fdisk s): slices by number and by sK" {
	truncate -s 40M "$T/sun.img"
	fdisk "$T/sun.img" >/dev/null 2>&1 <<-EOF2 || true
		s
		n
		1

		+10M
		n
		2

		+10M
		w
	EOF2
	run -0 fsimg info --json "$T/sun.img"
	jq -e '.pttype == "sun"' <<<"$output" || skip "fdisk wrote no Sun label"
	start=$(jq -r '.partitions[] | select(.spec == "2") | .start' <<<"$output")
	put_at "$T/sun.img" "$T/ext.img" "$start"
	same_tree "$T/sun.img" 2 "$T/src"
	same_tree "$T/sun.img" s1 "$T/src"
}

@test "corpus: util-linux partition images match lowprobe ground truth" {
	local d=$CORPUS/util-linux/blkid/images-pt n=0
	[ -d "$d" ] || skip "corpus not present"
	for img in dos+bsd sun gpt bsd; do
		xz -dc "$d/$img.img.xz" >"$T/c.img"
		fsimg info --json "$T/c.img" >"$T/c.json" || true
		# "#N:  start  size  0xTYPE ..." in 512-byte sectors
		while read -r num start size type rest; do
			num=${num#\#}
			num=${num%:}
			jq -e --argjson n "$num" --argjson a $((start * 512)) \
				--argjson z $((size * 512)) \
				'.partitions[] | select(.partn == $n and .start == $a and .size == $z)' \
				"$T/c.json" >/dev/null || {
				echo "$img: #$num $start $size $type not listed"
				cat "$T/c.json"
				return 1
			}
			n=$((n + 1))
		done < <(grep '^#' "$d/lowprobe-pt-$img.expected")
	done
	(( n >= 10 ))
}

@test "corpus: dfvfs mbr.raw matches mmls" {
	local f=$CORPUS/dfvfs/mbr.raw.gz
	[ -f "$f" ] || skip "corpus not present"
	gzip -dc "$f" >"$T/dfvfs.img"
	run -0 fsimg info --json "$T/dfvfs.img"
	jq -e '[.partitions[] | [.spec, .start / 512, .size / 512, .parttype]] ==
		[["1", 1, 129, "0x83"], ["2", 130, 8062, "0x5"], ["5", 131, 129, "0x83"]]' \
		<<<"$output"
}

@test "corpus: jhermsmeier tables running past the end: listed, marked, no hang" {
	local d=$CORPUS/jhermsmeier
	[ -d "$d" ] || skip "corpus not present"
	for f in "$d"/apm-*.bin "$d"/mbr-rpi*.bin "$d"/mbr-rufus.bin \
		"$d"/mbr-syslinux.bin "$d"/gpt-raspberry.bin; do
		# the blobs are table sectors only; libblkid wants at least 1 KiB
		cp "$f" "$T/j.img"
		chmod u+w "$T/j.img"
		truncate -s 1M "$T/j.img"
		run --separate-stderr fsimg info --json "$T/j.img"
		[ "$status" -le 2 ]
		jq -e '(.partitions | length) > 0 and .pttype != "gpt" and
			any(.partitions[]; .problems | any(test("past-end|outside")))' \
			<<<"$output" >/dev/null || { echo "$f"; echo "$output"; return 1; }
	done
	run -2 fsimg ls -p 2 "$T/j.img" /
	[[ $output == *"past the end"* ]]
}
