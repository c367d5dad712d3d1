#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# UDF round trip: a tree holding every kind of object UDF records is
# written by tests/udf/mkudf.py (our generator, checked by udftools'
# udfinfo) in each revision, block size and entry layout, with type 1,
# metadata and virtual (VAT) partitions, and by
# genisoimage -udf (UDF 1.02 bridge discs); fsimg extracts it and the
# result is compared with the source field by field. mkudffs's images (it
# writes empty filesystems) open in every revision and media type. Hostile
# images fail with a message naming the structure, in bounded time.

load ../bats/helpers
load udf_helpers

setup_file() {
	export USRC=$BATS_FILE_TMPDIR/src
	udf_tree "$USRC"
}

# round_trip IMAGE [FIELDS]: fsimg get of IMAGE equals the source
round_trip() {
	local img=$1 fields=${2:-$(get_fields)}
	rm -rf out
	get_tree "$img" out
	compare_trees "$USRC" out "$fields"
	ls_json "$img" l.json
	json_sanity l.json
}

@test "mkudf.py images, UDF 1.02 to 2.60: read back field by field" {
	local args n=0
	while read -r args; do
		# shellcheck disable=SC2086 # one case a line, words as options
		"$MKUDF" $args "$USRC" u.img
		if command -v udfinfo >/dev/null; then
			udfinfo u.img >udfinfo.out 2>&1 || {
				echo "udfinfo rejects the image of: $args" >&2
				cat udfinfo.out >&2
				false
			}
		fi
		run -0 fsimg info u.img
		contains "$output" "type: udf" "info ($args)"
		local rev=${args#--revision }
		contains "$output" "version: UDF ${rev%% *}" "version ($args)"
		round_trip u.img || {
			echo "case: $args" >&2
			false
		}
		n=$((n + 1))
	done <<'CASES'
--revision 1.02
--revision 1.50
--revision 2.01
--revision 2.50
--revision 2.60
--revision 1.50 --ad long
--revision 2.01 --fe
--revision 2.01 --inline
--revision 2.01 --fe --inline --ad long
--revision 2.50 --ad long --inline
--revision 2.50 --no-metadata
--revision 2.60 --block-size 4096
--revision 2.01 --block-size 512
--revision 2.60 --block-size 512 --inline
--revision 2.60 --block-size 1024 --max-extent 4096
--revision 1.50 --vat
--revision 2.01 --vat
--revision 2.60 --vat --inline
CASES
	((n == 18))
}

@test "mkudf.py images as 7-Zip reads them: the same files as fsimg gets" {
	need_cmd 7zz
	# 7-Zip reads regular files and directories only (symlinks, devices
	# and FIFOs are an "unsupported feature" to it), and no VAT
	local src=$BATS_TEST_TMPDIR/plain args
	mkdir -p "$src/d/sub" "$src/with space"
	echo a >"$src/a"
	cp "$USRC/dir/big" "$src/d/big"
	echo x >"$src/with space/é ü"
	echo y >"$src/d/日本語"
	while read -r args; do
		# shellcheck disable=SC2086
		"$MKUDF" $args "$src" p.img
		rm -rf z f
		7zz x -tudf -oz p.img >7z.out 2>&1 || {
			echo "7-Zip cannot read the image of: $args" >&2
			cat 7z.out >&2
			false
		}
		get_tree p.img f
		diff -r z f
		diff -r "$src" f
	done <<'CASES'
--revision 1.02
--revision 1.50 --ad long
--revision 2.01
--revision 2.01 --inline
--revision 2.50
--revision 2.60 --block-size 512
CASES
}

@test "a sparable partition: the relocated packet is read where the sparing table says" {
	# mkudf.py moves the partition's first packet (the file set and the
	# root) past the partition and leaves zeroes behind: nothing reads
	# unless the sparing table is followed (udfinfo cannot check this one)
	"$MKUDF" --revision 2.01 --sparable "$USRC" sp.img
	run -0 fsimg info sp.img
	contains "$output" "partition_map_0: sparable" info
	round_trip sp.img
}

@test "named streams of extended file entries: the xattrs user.NAME" {
	"$MKUDF" --revision 2.60 "$USRC" s.img
	run -0 fsimg ls --json s.img /hello.txt
	equals "$(jq -c '.[0].xattrs' <<<"$output")" '{"user.comment":"a stream"}' "streams"
	# file entries (UDF 1.50) have no stream directory
	"$MKUDF" --revision 1.50 "$USRC" f.img
	run -0 fsimg ls --json f.img /hello.txt
	equals "$(jq -c '.[0].xattrs' <<<"$output")" null "no streams"
}

@test "UDF 2.50 metadata partition: read through its mirror when the metadata file is damaged" {
	"$MKUDF" --revision 2.50 "$USRC" m.img
	# the metadata file's entry is partition block 0 (block 272 of the
	# image, mkudf.py's layout): break its CRC
	python3 - m.img <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(272 * 2048 + 100)
    b = f.read(1)
    f.seek(272 * 2048 + 100)
    f.write(bytes([b[0] ^ 0xFF]))
PY
	rm -rf out
	run --separate-stderr fsimg get m.img / out
	expect_status 0
	contains "$stderr" "using its mirror" stderr
	compare_trees "$USRC" out "$(get_fields)"
}

@test "genisoimage -udf bridge discs: the UDF tree by default, ISO 9660 with -t" {
	need_cmd genisoimage
	# genisoimage writes no symlinks, devices or FIFOs into UDF, and
	# every file 0444: compare names, types, sizes and contents
	local src=$BATS_TEST_TMPDIR/gsrc
	cp -a "$USRC" "$src"
	find "$src" \( -type l -o -type p -o -type c \) -delete
	genisoimage -quiet -udf -R -J -V BRIDGE -o g.iso "$src" 2>/dev/null
	run -0 fsimg info g.iso
	contains "$output" "type: udf" info
	contains "$output" "version: UDF 1.02" info
	# info shows both trees, UDF first, with their volume identifiers
	run -0 fsimg info --json g.iso
	equals "$(jq -c '[.filesystems[] | [.fstype, .label]]' <<<"$output")" \
		'[["udf","BRIDGE"],["iso9660","BRIDGE"]]' "filesystems"
	rm -rf out
	get_tree g.iso out
	compare_trees "$src" out type,size
	rm -rf iso
	get_tree g.iso iso -t iso9660
	compare_trees "$src" iso type,size
	# a damaged UDF side: the disc is still read, through its ISO tree
	python3 - g.iso <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    d = bytearray(f.read())
    for off in range(0, len(d), 2048):  # the file set descriptor
        if struct.unpack_from("<H", d, off)[0] == 256:
            d[off + 8] ^= 0xFF
            break
    f.seek(0)
    f.write(d)
PY
	rm -rf fb
	run --separate-stderr fsimg get g.iso / fb
	expect_status 0
	contains "$stderr" "the UDF filesystem cannot be read: reading the ISO 9660 one beside it instead" stderr
	compare_trees "$src" fb type,size
	# a Windows-like medium: ISO 9660 holds a README only, UDF the rest
	mkdir -p win/sources win/efi/boot
	echo bootmgr >win/bootmgr
	echo efi >win/efi/boot/bootx64.efi
	head -c 10000 /dev/urandom >win/sources/boot.wim
	genisoimage -quiet -udf -J -o w.iso win 2>/dev/null
	run -0 fsimg boot w.iso
	contains "$output" "Windows installer (BIOS)" boot
	contains "$output" "initrd  /sources/boot.wim" boot
	run -0 fsimg cat w.iso /sources/boot.wim
}

@test "mkudffs images: every revision and media type opens, the root lists" {
	need_cmd mkudffs
	local args
	while read -r args; do
		rm -f m.img
		# shellcheck disable=SC2086
		mkudffs $args m.img 3000 >/dev/null 2>&1 || {
			echo "mkudffs $args failed" >&2
			false
		}
		run --separate-stderr fsimg ls -la m.img /
		expect_status 0
		equals "$stderr" "" "messages for mkudffs $args"
		run -0 fsimg info m.img
		contains "$output" "type: udf" "info of mkudffs $args"
	done <<'CASES'
-m hd -b 512 --udfrev=1.02
-m hd -b 512 --udfrev=1.50
-m hd -b 512 --udfrev=2.01
-m hd -b 2048 --udfrev=2.01
-m hd -b 4096 --udfrev=2.01
-m hd -b 512 --noefe
-m hd -b 512 --ad=long
-m hd -b 512 --ad=inicb
-m hd -b 512 --strategy=4096
-m cdrw -b 2048 --udfrev=1.50
-m cdrw -b 2048 --udfrev=2.01
-m dvdrw -b 2048 --udfrev=2.01
-m cdr -b 2048 --udfrev=1.50
-m dvdr -b 2048 --udfrev=2.01
-m bdr -b 2048 --udfrev=2.50
-m bdr -b 2048 --udfrev=2.60
CASES
}

@test "hostile images: a clear error naming the structure, in bounded time" {
	local kind want rev status_ok
	while read -r kind rev want; do
		"$MKUDF" --revision "$rev" --hostile "$kind" "$USRC" h.img
		rm -rf out
		mkdir out
		run --separate-stderr timeout -k 5 20 "$FSIMG" get h.img / out
		no_crash
		((status == 2 || status == 4)) || {
			echo "$kind: exit $status" >&2
			false
		}
		# the walk's own loop check reports the last one
		[[ $kind == dir-loop ]] || contains "$stderr" "UDF: " "$kind"
		contains "$stderr" "$want" "$kind"
	done <<'CASES'
vdp-loop 2.01 volume descriptor pointers (a loop?)
bad-crc 2.01 bad descriptor CRC
bad-crc 2.50 bad descriptor CRC
huge-length 2.01 an information length of 9223372036854775813 bytes
huge-ad 2.01 do not fit a 2048-byte block
icb-loop 2.01 indirect entries (a loop?)
aed-loop 2.01 allocation extents (a loop?)
meta-beyond 2.50 neither the metadata file
dir-loop 2.01 directory already listed elsewhere in the image (a loop?)
CASES
}
