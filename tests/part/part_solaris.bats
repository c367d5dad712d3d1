#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Solaris UFS where Solaris puts it: x86 (little-endian) in a VTOC slice of
# an MBR 0xBF partition, SPARC (big-endian) in a slice of a Sun-labelled
# disk. Each reads back exactly through -p SPEC, checked field by field
# against the generator's description (tests/ufs/mksolufs.py).

load ../bats/helpers

MKVTOC=$FSIMG_SRCDIR/tests/part/mkvtoc.py
MKSOLUFS=$FSIMG_SRCDIR/tests/ufs/mksolufs.py

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/src/etc" "$T/src/boot" "$T/src/d/sub"
	echo hello >"$T/src/etc/motd"
	echo kernel >"$T/src/boot/vmlinuz"
	head -c 70000 /dev/urandom >"$T/src/d/sub/blob"
	ln -s ../etc/motd "$T/src/d/motd"
	ln "$T/src/etc/motd" "$T/src/d/hard"
	python3 "$MKSOLUFS" --endian little --tree "$T/src" \
		--desc "$T/x86.json" "$T/x86.img"
	python3 "$MKSOLUFS" --endian big --tree "$T/src" \
		--desc "$T/sparc.json" "$T/sparc.img"
}

# check IMAGE SPEC DESC: ls -R --json and get of the slice match DESC
check() {
	fsimg -p "$2" ls -R --json "$1" / >"$T/ls.json"
	rm -rf "$T/out"
	fsimg -p "$2" get "$1" / "$T/out"
	python3 "$MKSOLUFS" check "$3" "$T/ls.json" "$T/out"
}

@test "Solaris x86 UFS in VTOC slice 0 of an MBR 0xBF partition" {
	python3 "$MKVTOC" "$T/vtoc.img" --root "$T/x86.img" >/dev/null
	run -0 fsimg info --json "$T/vtoc.img"
	jq -e '.partitions[] | select(.spec == "1s0") | .parttype == "root" and .fstype == "ufs"' <<<"$output"
	jq -e '.filesystems[] | select(.partition == "1s0") | .fsver | test("Solaris"; "i")' <<<"$output" ||
		jq -e '.filesystems[] | select(.partition == "1s0") | .details | tostring | test("Solaris")' <<<"$output"
	check "$T/vtoc.img" 1s0 "$T/x86.json"
	check "$T/vtoc.img" s0 "$T/x86.json"
	run -0 fsimg cat "$T/vtoc.img" /etc/motd # auto: the root slice
	[ "$output" = hello ]
}

@test "Solaris SPARC UFS in a slice of a Sun-labelled disk" {
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
	jq -e '.pttype == "sun"' <<<"$output"
	start=$(jq -r '.partitions[] | select(.spec == "2") | .start' <<<"$output")
	dd if="$T/sparc.img" of="$T/sun.img" bs=512 seek=$((start / 512)) \
		conv=notrunc status=none
	run -0 fsimg info "$T/sun.img"
	[[ $output == *"big-endian"* ]]
	check "$T/sun.img" 2 "$T/sparc.json"
	check "$T/sun.img" s1 "$T/sparc.json"
}
