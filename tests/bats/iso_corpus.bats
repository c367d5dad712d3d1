#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The ISO images of the public corpus against their upstream ground truth
# (../shared/corpus/README.md; the small ones are also copied into
# tests/data/corpus, see tests/data/corpus-notes.md):
#  - libarchive *.entries.tsv: paths, types, sizes, link targets, hard
#    links, first bytes of data, and for Rock Ridge perm/uid/gid/nlink/times
#    (tests/lib/corpus_check.py); damaged images fail clearly in time;
#  - libcdio *.right listings and the SHA-256 of extracted files;
#  - util-linux blkid images: labels, UUIDs, each session of a multi-session
#    image; the other formats are not taken for ISO9660;
#  - DFTT 14 (both directory hierarchies), Sleuth Kit image.iso;
#  - every corpus ISO: ls -R, get and info either work or fail with a
#    message naming the image, never crash, never hang (timeout 20 s).
# shellcheck disable=SC2030,SC2031,SC2154 # $img: set by la/cdio; bats sets $stderr

load helpers

CHECK=$FSIMG_SRCDIR/tests/lib/corpus_check.py

# la NAME [fsimg options]: libarchive image NAME against its entries.tsv.
la() {
	local rel=libarchive/$1.iso.gz tsv
	need_corpus_file "$rel" "libarchive/$1.iso.entries.tsv"
	tsv=$(corpus_src "libarchive/$1.iso.entries.tsv")
	img=$(corpus_file "$rel")
	shift
	FSIMG_TIMEOUT=20 python3 "$CHECK" libarchive "$tsv" "$img" "$@"
}

# cdio IMAGE RIGHT [fsimg options]: libcdio image against its .right listing.
cdio() {
	local rel=libcdio/$1.gz right
	need_corpus_file "$rel" "libcdio/$2"
	right=$(corpus_src "libcdio/$2")
	img=$(corpus_file "$rel")
	shift 2
	FSIMG_TIMEOUT=20 python3 "$CHECK" libcdio "$right" "$img" "$@"
}

# damaged IMAGE: every command fails (2 or 4) with a message naming the
# image, within 20 s, without a crash; nothing is left half-listed silently.
damaged() {
	local img=$1 cmd
	for cmd in ls ls-json get cat; do
		case $cmd in
		ls) run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R "$img" / ;;
		ls-json) run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R --json "$img" / ;;
		get) mkdir -p out && run --separate-stderr timeout -k 5 20 "$FSIMG" get "$img" / out ;;
		cat) run --separate-stderr timeout -k 5 20 "$FSIMG" cat "$img" /nonexistent-and-damaged ;;
		esac
		no_crash
		if [[ $cmd == cat ]]; then
			((status == 2 || status == 3 || status == 4))
		else
			((status == 2 || status == 4)) || {
				echo "fsimg $cmd $img: exit $status (want 2 or 4)" >&2
				printf '%s\n' "$stderr" >&2
				false
			}
		fi
		contains "$stderr" "fsimg: $img: " "stderr of fsimg $cmd"
	done
}

# blkid_label REL: the label blkid expects (ID_FS_LABEL_ENC decoded).
blkid_value() {
	local key=$2
	python3 -c '
import re, sys
for l in open(sys.argv[1], encoding="utf-8"):
    k, _, v = l.rstrip("\n").partition("=")
    if k == sys.argv[2]:
        b = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), v)
        print(b)
' "$(corpus_src "$1")" "$key"
}

# --- libarchive ------------------------------------------------------------

@test "libarchive test_read_format_iso (empty plain image)" {
	la test_read_format_iso
}

@test "libarchive test_read_format_iso_2 (plain, invalid root date)" {
	la test_read_format_iso_2
}

@test "libarchive test_read_format_iso_3 (68-byte root record in the PVD)" {
	la test_read_format_iso_3
}

@test "libarchive test_read_format_iso_joliet (norock: Joliet names)" {
	la test_read_format_iso_joliet
}

@test "libarchive test_read_format_iso_joliet_long (103-character Joliet names)" {
	la test_read_format_iso_joliet_long
}

@test "libarchive test_read_format_iso_joliet_by_nero (;1 on Joliet names)" {
	la test_read_format_iso_joliet_by_nero
}

@test "libarchive test_read_format_iso_joliet_rockridge (RR wins over Joliet)" {
	la test_read_format_iso_joliet_rockridge
}

@test "libarchive test_read_format_iso_rockridge (old mkisofs SL records)" {
	la test_read_format_iso_rockridge
}

@test "libarchive test_read_format_iso_rockridge_new" {
	la test_read_format_iso_rockridge_new
}

@test "libarchive test_read_format_iso_rockridge_ce (NM/SL in CE areas)" {
	la test_read_format_iso_rockridge_ce
}

@test "libarchive test_read_format_iso_rockridge_rr_moved (relocation hidden)" {
	la test_read_format_iso_rockridge_rr_moved
}

@test "libarchive test_read_format_iso_zisofs (mkzftree ZF)" {
	la test_read_format_iso_zisofs
	# the whole uncompressed file: "hello\n" and 12345678 zero bytes
	fsimg cat "$img" /file | cmp - <(printf 'hello\n'; head -c 12345678 /dev/zero)
}

@test "libarchive test_read_format_iso_multi_extent (one file, several extents)" {
	la test_read_format_iso_multi_extent
}

@test "libarchive test_read_format_iso_xorriso (empty files at extent 0)" {
	la test_read_format_iso_xorriso
}

@test "libarchive test_fuzz_1 (200-deep A/A/A... tree, RR+Joliet)" {
	la test_fuzz_1
}

@test "libarchive rockridge_ce_loop (self-referencing CE): fails in time" {
	need_corpus_file libarchive/test_read_format_iso_rockridge_ce_loop.iso.gz
	damaged "$(corpus_file libarchive/test_read_format_iso_rockridge_ce_loop.iso.gz)"
}

@test "libarchive rockridge_zf_overflow (short ZF at the end): no crash" {
	need_corpus_file libarchive/test_read_format_iso_rockridge_zf_overflow.iso.gz
	img=$(corpus_file libarchive/test_read_format_iso_rockridge_zf_overflow.iso.gz)
	local cmd
	for cmd in ls get; do
		mkdir -p out
		if [[ $cmd == get ]]; then
			run --separate-stderr timeout -k 5 20 "$FSIMG" get "$img" / out
		else
			run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R --json "$img" /
		fi
		no_crash
		# EOF or FATAL upstream: success, or a failure that says so
		if ((status != 0)); then
			((status == 2 || status == 4))
			contains "$stderr" "fsimg: $img: " stderr
		fi
	done
}

@test "libarchive zisofs_overflow (bad ZF ignored): sizes stay the raw ones" {
	need_corpus_file libarchive/test_read_format_iso_zisofs_overflow.iso.gz
	img=$(corpus_file libarchive/test_read_format_iso_zisofs_overflow.iso.gz)
	run -0 --separate-stderr timeout -k 5 20 "$FSIMG" ls -R --json "$img" /
	local j=$output
	((($(jq '[.[] | select(.type == "file")] | length' <<<"$j")) >= 1))
	equals "$(jq '[.[] | select(.type == "file" and .size >= 1048576)] | length' <<<"$j")" 0 \
		"files of 1 MiB or more"
	local p
	for p in $(jq -r '.[] | select(.type == "file") | .path' <<<"$j"); do
		run timeout -k 5 20 "$FSIMG" cat "$img" "$p"
		no_crash
	done
}

@test "libarchive joliet_utf16be_overflow (1024-byte UTF-16 path): no overflow" {
	need_corpus_file libarchive/test_read_format_iso_joliet_utf16be_overflow.iso.gz
	img=$(corpus_file libarchive/test_read_format_iso_joliet_utf16be_overflow.iso.gz)
	# libarchive stops at its 1024-byte path buffer; a reader without such
	# a buffer may list the tree. Either way: in time, no crash, and a
	# failure is explained.
	run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R --json "$img" /
	no_crash
	if ((status == 0)); then
		json_sanity <(printf '%s' "$output")
	else
		((status == 2 || status == 4))
		contains "$stderr" "fsimg: $img: " stderr
	fi
	mkdir out
	run --separate-stderr timeout -k 5 20 "$FSIMG" get "$img" / out
	no_crash
}

# --- libcdio -----------------------------------------------------------------

@test "libcdio copying.iso (plain): listing and SHA-256" {
	cdio copying.iso copying.right
	equals "$(fsimg cat "$img" /copying | sha256sum | cut -d' ' -f1)" \
		231f7edcc7352d7734a96eef0b8030f77982678c516876fcb81e25b32d68564c sha256
}

@test "libcdio copying-rr.iso (Rock Ridge, devices, symlinks): listing and SHA-256" {
	cdio copying-rr.iso copying-rr.right
	equals "$(fsimg cat "$img" /COPYING | sha256sum | cut -d' ' -f1)" \
		32b1062f7da84967e7019d01ab805935caa7ab7321a7ced0e30ebe75e5df1670 sha256
	run -0 fsimg info --json "$img"
	contains "$(jq -r '.filesystems[0].fsver // ""' <<<"$output")" "Rock Ridge" version
}

@test "libcdio joliet.iso: Joliet tree by default, 8.3 names with nojoliet" {
	cdio joliet.iso joliet.right
	cdio joliet.iso joliet-nojoliet.right -o nojoliet
}

@test "libcdio deep-directory.iso (14 levels, relocated): listing and contents" {
	cdio deep-directory.iso deep_directory.right
	run -0 fsimg cat "$img" /1/2/3/4/5/6/7/8/8.txt
	equals "$output" "level 8"
	run -0 fsimg cat "$img" /1/2/3/4/5/6/7/8/9/10/11/12/13/14/14.txt
	equals "$output" "level 14"
}

@test "libcdio multi_extent_8k*.iso (7 extents): listing and SHA-256" {
	local pair
	for pair in multi_extent_8k.iso:multiextent.right \
		multi_extent_8k_emul_toc_padded.iso:multiextent_emultocpad.right \
		multi_extent_8k_joliet.iso:multiextent_joliet.right; do
		cdio "${pair%%:*}" "${pair#*:}"
		equals "$(fsimg cat "$img" /multi_extent_file | sha256sum | cut -d' ' -f1)" \
			be83f453d83f5bf1318c7c22854c95fc8e34c221440d4ab1642c6528781a9eda \
			"sha256 in ${pair%%:*}"
		mkdir -p "out-${pair%%:*}"
		run -0 fsimg get "$img" /multi_extent_file "out-${pair%%:*}"
		equals "$(sha256sum <"out-${pair%%:*}/multi_extent_file" | cut -d' ' -f1)" \
			be83f453d83f5bf1318c7c22854c95fc8e34c221440d4ab1642c6528781a9eda \
			"sha256 of the extracted file"
	done
}

@test "libcdio malformed.iso: fails clearly" {
	need_corpus_file libcdio/malformed.iso.gz
	damaged "$(corpus_file libcdio/malformed.iso.gz)"
}

@test "libcdio malformed2.iso: fails clearly" {
	need_corpus_file libcdio/malformed2.iso.gz
	damaged "$(corpus_file libcdio/malformed2.iso.gz)"
}

@test "libcdio bad-dir.iso: the directory tree cannot be read" {
	need_corpus_file libcdio/bad-dir.iso.gz
	img=$(corpus_file libcdio/bad-dir.iso.gz)
	run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R "$img" /
	no_crash
	((status == 2 || status == 4))
	contains "$stderr" "fsimg: $img: " stderr
}

@test "libcdio test-udf1.iso (UDF bridge): the ISO9660 side matches bsdtar" {
	need_corpus_file libcdio/test-udf1.iso.gz
	img=$(corpus_file libcdio/test-udf1.iso.gz)
	mkdir ref
	bsdtar -xf "$img" -C ref
	# a bridge disc reads as UDF by default: ask for the ISO 9660 tree
	ls_json "$img" l.json -t iso9660
	compare_json_tree l.json ref type,size
	get_tree "$img" out -t iso9660
	compare_trees ref out type,size
}

@test "libcdio udf102.iso (UDF only): no ISO9660 filesystem, exit 2" {
	need_corpus_file libcdio/udf102.iso.gz
	img=$(corpus_file libcdio/udf102.iso.gz)
	run -2 --separate-stderr fsimg ls -t iso9660 "$img" /
	contains "$stderr" "fsimg: $img: " stderr
}

# --- util-linux ----------------------------------------------------------------

@test "util-linux blkid ISO images: labels" {
	local name img want got
	for name in iso iso-joliet iso-rr-joliet iso-different-iso-joliet-label \
		iso-unicode-long-label; do
		need_corpus_file "util-linux/blkid/images-fs/$name.img.xz"
		img=$(corpus_file "util-linux/blkid/images-fs/$name.img.xz")
		want=$(blkid_value "util-linux/blkid/images-fs/low-probe-$name.expected" ID_FS_LABEL_ENC)
		run -0 fsimg info --json "$img"
		got=$(jq -r '.filesystems[0].label // ""' <<<"$output")
		equals "$got" "$want" "label of $name"
		equals "$(jq -r '.filesystems[0].fstype' <<<"$output")" iso9660 "type of $name"
		equals "$(jq -r '.filesystems[0].block_size' <<<"$output")" 2048 "block size of $name"
	done
}

@test "util-linux blkid ISO images: sizes and UUIDs as blkid gives them" {
	local name img want
	for name in iso iso-joliet iso-rr-joliet iso-different-iso-joliet-label \
		iso-unicode-long-label; do
		need_corpus_file "util-linux/blkid/images-fs/$name.img.xz"
		img=$(corpus_file "util-linux/blkid/images-fs/$name.img.xz")
		run -0 fsimg info --json "$img"
		equals "$(jq -r '.filesystems[0].size' <<<"$output")" \
			"$(blkid_value "util-linux/blkid/images-fs/low-probe-$name.expected" ID_FS_FSSIZE)" \
			"size of $name"
		want=$(blkid_value "util-linux/blkid/images-fs/low-probe-$name.expected" ID_FS_UUID)
		[[ -z $want ]] || equals "$(jq -r '.filesystems[0].uuid // ""' <<<"$output")" "$want" "uuid of $name"
	done
}

@test "util-linux multi-session image: last session by default, each by session=/sbsector=" {
	local rel=util-linux/blkid/images-fs/iso-multi-0-174-348-genisoimage.img.xz img sess s want
	need_corpus_file "$rel"
	img=$(corpus_file "$rel")
	run -0 fsimg info --json "$img"
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" \
		"$(blkid_value util-linux/blkid/images-fs/low-probe-iso-multi-genisoimage-348.expected ID_FS_LABEL_ENC)" \
		"default session label"
	sess=0
	for s in 0 174 348; do
		want=$(blkid_value "util-linux/blkid/images-fs/low-probe-iso-multi-genisoimage-$s.expected" ID_FS_LABEL_ENC)
		[[ -n $want ]]
		run -0 fsimg info --json -o "session=$sess" "$img"
		equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" "$want" "label of session=$sess"
		run -0 fsimg info --json -o "sbsector=$s" "$img"
		equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" "$want" "label of sbsector=$s"
		want=$(blkid_value "util-linux/blkid/images-fs/low-probe-iso-multi-genisoimage-$s.expected" ID_FS_UUID)
		equals "$(jq -r '.filesystems[0].uuid // ""' <<<"$output")" "$want" "uuid of sbsector=$s"
		run -0 fsimg ls -o "session=$sess" "$img" /
		sess=$((sess + 1))
	done
	run -2 --separate-stderr fsimg info -o session=3 "$img"
	contains "$stderr" "session" stderr
}

@test "util-linux isosize sample.iso (truncated after the descriptors)" {
	need_corpus_file util-linux/isosize/sample.iso.gz
	img=$(corpus_file util-linux/isosize/sample.iso.gz)
	run --separate-stderr timeout -k 5 20 "$FSIMG" info --json "$img"
	no_crash
	if ((status == 0)); then
		# isosize: 251904 sectors of 2048 bytes
		equals "$(jq -r '.filesystems[0].size' <<<"$output")" 515899392 size
	else
		contains "$stderr" "fsimg: $img: " stderr
	fi
	run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R "$img" /
	no_crash
	((status == 2 || status == 4))
	contains "$stderr" "fsimg: $img: " stderr
}

@test "util-linux blkid images of other formats are not taken for ISO9660" {
	need_corpus
	local n=0 f format img
	while IFS=$'\t' read -r f format; do
		img=$(corpus_file "$f")
		run --separate-stderr timeout -k 5 20 "$FSIMG" ls -t iso9660 "$img" /
		no_crash
		if ((status != 2)); then
			echo "$f ($format): fsimg ls -t iso9660 exited $status, want 2" >&2
			printf '%s\n' "$output" "$stderr" >&2
			false
		fi
		contains "$stderr" "fsimg: $img: " "stderr for $f"
		rm -f "$img"
		n=$((n + 1))
	done < <(awk -F'\t' 'NR > 1 && $1 ~ /^util-linux\/blkid\/images-fs\// &&
		$5 !~ /iso9660|udf/ {print $1 "\t" $5}' "$CORPUS/MANIFEST.tsv")
	((n > 50))
}

# --- DFTT, Sleuth Kit ---------------------------------------------------------

@test "DFTT 14 iso-dirtree1: File1.txt (primary, RR) and File2.txt (Joliet) both found" {
	need_corpus_file dftt/14-iso9660-1.zip
	unzip -q "$(corpus_src dftt/14-iso9660-1.zip)"
	local img=14-iso9660-1/iso-dirtree1.iso
	run -0 fsimg ls "$img" /
	equals "$output" File1.txt "default tree"
	run -0 fsimg cat "$img" /File1.txt
	equals "$output" "Hello. I am file #1." File1.txt
	run -0 fsimg ls -o norock "$img" /
	equals "$output" File2.txt "Joliet tree"
	run -0 fsimg cat -o norock "$img" /File2.txt
	equals "$output" "Goodbye. I am file #2. " File2.txt
	run -0 fsimg ls --json -o norock "$img" /
	equals "$(jq -c '[.[] | [.name, .size]]' <<<"$output")" '[["File2.txt",24]]' "Joliet entry"
	run -0 fsimg ls -o norock,nojoliet "$img" /
	equals "$output" file1.txt "plain tree"
}

@test "DFTT 14 iso-dirtree2 and iso-endian: read without failure" {
	need_corpus_file dftt/14-iso9660-1.zip
	unzip -q "$(corpus_src dftt/14-iso9660-1.zip)"
	run -0 fsimg cat 14-iso9660-1/iso-dirtree2.iso /File1.txt
	equals "$output" "Hello. I am file #1." "dirtree2 File1.txt"
	run -0 fsimg ls -o norock 14-iso9660-1/iso-dirtree2.iso /
	no_crash
	# the file's start block differs between the two byte orders: the
	# content is one of the two texts, nothing else
	run -0 fsimg cat 14-iso9660-1/iso-endian.iso /File1.txt
	[[ $output == "This tool shows little endian." ||
		$output == "This tool shows big endian." ]] || {
		echo "unexpected content: $output" >&2
		false
	}
}

@test "Sleuth Kit image.iso: names and sizes of the dump" {
	need_corpus_file sleuthkit/image.iso.gz sleuthkit/image.iso.tsk-dump.json
	img=$(corpus_file sleuthkit/image.iso.gz)
	FSIMG_TIMEOUT=20 python3 "$CHECK" tsk \
		"$(corpus_src sleuthkit/image.iso.tsk-dump.json)" "$img"
}

# --- everything ----------------------------------------------------------------

@test "every corpus ISO: ls, get and info work or fail clearly, in time" {
	need_corpus
	local f format kind img cmd n=0
	while IFS=$'\t' read -r f format kind; do
		img=$(corpus_file "$f")
		for cmd in ls get info; do
			rm -rf out && mkdir out
			case $cmd in
			ls) run --separate-stderr timeout -k 5 20 "$FSIMG" ls -R --json "$img" / ;;
			get) run --separate-stderr timeout -k 5 20 "$FSIMG" get "$img" / out ;;
			info) run --separate-stderr timeout -k 5 20 "$FSIMG" info --json "$img" ;;
			esac
			if ((status >= 124)); then
				echo "$f: fsimg $cmd crashed or hung (exit $status)" >&2
				printf '%s\n' "$stderr" >&2
				false
			fi
			if ((status != 0)); then
				# a failure names the image and says something
				[[ $stderr == *"fsimg: $img: "?* ]] || {
					echo "$f: fsimg $cmd exited $status without a message naming the image:" >&2
					printf '%s\n' "$stderr" >&2
					false
				}
			fi
			if [[ $kind == valid && $format == iso9660* && $cmd != info ]]; then
				# devices cannot be made without root: get may then report 4
				((status == 0)) || { ! is_root && [[ $cmd == get ]] && ((status == 4)); } || {
					echo "$f ($format, valid): fsimg $cmd exited $status" >&2
					printf '%s\n' "$stderr" >&2
					false
				}
			fi
		done
		n=$((n + 1))
	done < <(awk -F'\t' 'NR > 1 && $5 ~ /iso9660|udf/ && $1 !~ /\.zip$/ {
		print $1 "\t" $5 "\t" $6}' "$CORPUS/MANIFEST.tsv")
	((n >= 30))
}
