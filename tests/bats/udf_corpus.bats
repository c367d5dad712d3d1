#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# UDF images of the public corpus with upstream ground truth: util-linux's
# blkid test images (mkudffs 1.0 to 2.2, udfclient, Nero, macOS, Windows
# 7, genisoimage; 512-, 2048- and 4096-byte blocks; UDF 1.02 to 2.60)
# against what blkid reports for them, and libcdio's UDF images.

load helpers

BLKID=util-linux/blkid/images-fs

# blkid_value REL KEY: KEY's value in a blkid --output udev file, \x
# escapes decoded.
blkid_value() {
	python3 -c '
import re, sys
for l in open(sys.argv[1], encoding="utf-8"):
    k, _, v = l.rstrip("\n").partition("=")
    if k == sys.argv[2]:
        print(re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), v))
' "$(corpus_src "$1")" "$2"
}

# The single-session images: each has its blkid expectation.
udf_images() {
	local f
	for f in "$TESTDATA/corpus/$BLKID"/udf*.img.xz; do
		f=${f##*/}
		[[ $f == udf-multi-* ]] || echo "${f%.img.xz}"
	done
}

@test "blkid's UDF images: type, version, label and UUID as blkid reports them" {
	local name img n=0 json
	for name in $(udf_images); do
		need_corpus_file "$BLKID/$name.img.xz" "$BLKID/low-probe-$name.expected"
		img=$BATS_TEST_TMPDIR/$name.img
		xz -dc "$(corpus_src "$BLKID/$name.img.xz")" >"$img"
		run -0 --separate-stderr fsimg info --json "$img"
		json=$output
		equals "$(jq -r '.filesystems[0].fstype' <<<"$json")" udf "type of $name"
		equals "$(jq -r '.filesystems[0].label // ""' <<<"$json")" \
			"$(blkid_value "$BLKID/low-probe-$name.expected" ID_FS_LABEL_ENC)" "label of $name"
		equals "$(jq -r '.filesystems[0].uuid // ""' <<<"$json")" \
			"$(blkid_value "$BLKID/low-probe-$name.expected" ID_FS_UUID_ENC)" "UUID of $name"
		equals "$(jq -r '.filesystems[0].fsver // ""' <<<"$json")" \
			"UDF $(blkid_value "$BLKID/low-probe-$name.expected" ID_FS_VERSION)" "version of $name"
		# and the tree can be walked, without a message
		run -0 --separate-stderr fsimg ls -lR "$img" /
		equals "$stderr" "" "messages reading $name"
		n=$((n + 1))
	done
	((n == 19)) || {
		echo "expected 19 images, read $n" >&2
		false
	}
}

@test "blkid's UDF images: the files Nero wrote read back" {
	local name img
	for name in udf-cd-nero-6 udf-bdr-2.60-nero; do
		need_corpus_file "$BLKID/$name.img.xz"
		img=$BATS_TEST_TMPDIR/$name.img
		xz -dc "$(corpus_src "$BLKID/$name.img.xz")" >"$img"
		run -0 fsimg ls "$img" /
		equals "$output" test.txt "root of $name"
	done
	# a type 1 partition; the Blu-ray one is a virtual partition (VAT)
	run -0 fsimg cat "$BATS_TEST_TMPDIR/udf-cd-nero-6.img" /test.txt
	equals "$output" test "test.txt of udf-cd-nero-6"
	run -0 fsimg info "$BATS_TEST_TMPDIR/udf-bdr-2.60-nero.img"
	contains "$output" "virtual, partition 0" "the VAT map"
}

@test "libcdio test-udf1.iso (bridge): the UDF tree by default, the ISO 9660 one with -t" {
	need_corpus_file libcdio/test-udf1.iso.gz
	img=$BATS_TEST_TMPDIR/test-udf1.iso
	gzip -dc "$(corpus_src libcdio/test-udf1.iso.gz)" >"$img"
	run -0 fsimg info "$img"
	contains "$output" "type: udf" info
	mkdir ref
	bsdtar -xf "$img" -C ref
	# both trees hold the same files
	get_tree "$img" udf
	get_tree "$img" iso -t iso9660
	compare_trees ref udf type,size
	compare_trees ref iso type,size
	diff -r udf iso
}

@test "libcdio udf102.iso (UDF only): its names in UTF-8" {
	need_corpus_file libcdio/udf102.iso.gz
	img=$BATS_TEST_TMPDIR/udf102.iso
	gzip -dc "$(corpus_src libcdio/udf102.iso.gz)" >"$img"
	run -0 fsimg ls "$img" /
	contains "$output" "FéжΘvrier" "a name beyond Latin-1"
	run -2 --separate-stderr fsimg ls -t iso9660 "$img" /
}
