#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ISO9660 interchange levels and directory depth:
#  - level 1 (8.3 names, no extensions) read as Linux maps plain names,
#    compared with libarchive's reading of the same image;
#  - level 3 with a file over 4 GiB, stored as several extents
#    (multi-extent), when the disk has room for a 4 GiB image;
#  - directories deeper than 8 levels relocated by xorriso (RRIP CL/PL/RE):
#    the Rock Ridge view shows them at their place and hides rr_moved;
#  - a multi-session image grown by xorriso on a regular file (emulated
#    TOC): the last session by default, older ones with session=/sbsector=.

load helpers

setup_file() {
	export SRC=$BATS_FILE_TMPDIR/src L1=$BATS_FILE_TMPDIR/level1.iso
	export ORACLE_L1=$BATS_FILE_TMPDIR/oracle-l1
	"$MKTREE" "$SRC"
	mkiso "$L1" -iso-level 1 --norock -V FSIMG_L1 "$SRC"
	mkdir "$ORACLE_L1"
	bsdtar -xf "$L1" -C "$ORACLE_L1"
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

@test "level 1: plain 8.3 names are read lower-case, without ;1 or a trailing dot" {
	ls_json "$L1" l1.json
	json_sanity l1.json
	compare_json_tree l1.json "$ORACLE_L1" type,size,mtime lower
	run -0 jq -r '.[] | .name
		| select(test("^[a-z0-9_]{1,8}(\\.[a-z0-9_]{1,3})?$") | not)' l1.json
	equals "$output" "" "names that are not lower-case 8.3"
	# no Rock Ridge: every entry is a file or a directory
	equals "$(jq '[.[] | select(.type != "file" and .type != "dir")] | length' l1.json)" 0 \
		"other types"
}

@test "level 1: get extracts every file with its content" {
	get_tree "$L1" out
	compare_trees "$ORACLE_L1" out type,size,mtime lower
	cmp out/files/random_3 "$SRC/files/random-3m"
}

@test "level 1: the 12-deep tree is walked to the bottom" {
	run -0 fsimg cat "$L1" /deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/level_12.txt
	equals "$output" "level 12"
	run -0 fsimg info --json "$L1"
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" FSIMG_L1 label
}

@test "deep directories relocated to rr_moved: Rock Ridge shows the original tree" {
	mkdir src
	cp -a "$SRC/deep" src/
	mkiso reloc.iso -R -rr_reloc_dir rr_moved src
	ls_json reloc.iso reloc.json
	compare_json_tree reloc.json src "$FIELDS_RR"
	# the relocation directory is an artefact: hidden from the RR view
	run -0 fsimg ls reloc.iso /
	equals "$output" "deep" "ls /"
	run -3 fsimg ls reloc.iso /rr_moved
	get_tree reloc.iso out
	compare_trees src out "$(get_fields)" "$(get_flags)"
}

@test "deep directories relocated to .rr_moved (-hide-rr-moved) are hidden too" {
	mkdir src
	cp -a "$SRC/deep" src/
	mkiso reloc.iso -R -hide-rr-moved src
	ls_json reloc.iso reloc.json
	compare_json_tree reloc.json src "$FIELDS_RR"
	equals "$(jq '[.[] | select(.path | contains("rr_moved"))] | length' reloc.json)" 0 \
		"rr_moved entries"
}

@test "deep directories relocated: without Rock Ridge the relocation is visible" {
	mkdir src
	cp -a "$SRC/deep" src/
	mkiso reloc.iso -R -rr_reloc_dir rr_moved src
	run -0 fsimg ls -o norock reloc.iso /
	contains "$output" "rr_moved" "plain root"
	# and the relocated directory is really there in the plain tree
	run -0 fsimg ls -R -o norock reloc.iso /rr_moved
	contains "$output" "level_12.txt" "plain rr_moved"
}

@test "multi-session image grown by xorriso: last session by default" {
	mkdir s1 s2
	printf 'a1\n' >s1/a
	printf 'b1\n' >s1/b
	printf 'b2\n' >s2/b
	printf 'c2\n' >s2/c
	xorriso -dev ms.iso -volid SESSION_ONE -map s1 / -commit >ms.log 2>&1
	xorriso -dev ms.iso -volid SESSION_TWO -rm /a -- -map s2/b /b \
		-map s2/c /c -commit >>ms.log 2>&1
	# where xorriso put the sessions
	local starts
	starts=$(xorriso -indev ms.iso -toc 2>/dev/null |
		awk -F' *, *' '/^ISO session/ {print $2}' | tr '\n' ' ')
	equals "$starts" "32 64 " "session starts (xorriso -toc)"
	run -0 fsimg ls ms.iso /
	equals "$output" "$(printf 'b\nc')" "ls / (last session)"
	run -0 fsimg cat ms.iso /b
	equals "$output" b2 "/b in the last session"
	run -0 fsimg info --json ms.iso
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" SESSION_TWO label
	run -0 fsimg ls -o session=0 ms.iso /
	equals "$output" "$(printf 'a\nb')" "ls / (session=0)"
	run -0 fsimg cat -o session=0 ms.iso /b
	equals "$output" b1 "/b in session 0"
	run -0 fsimg cat -o sbsector=32 ms.iso /a
	equals "$output" a1 "/a at sbsector=32"
	run -0 fsimg info --json -o sbsector=64 ms.iso
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" SESSION_TWO "label at sbsector=64"
	run -3 fsimg cat ms.iso /a
}

@test "level 3: a file over 4 GiB stored as several extents reads back exactly" {
	local avail
	avail=$(df --output=avail -B1 "$BATS_TEST_TMPDIR" | tail -n1)
	((avail > 10 * 1024 * 1024 * 1024)) || skip "needs 10 GiB free in $BATS_TEST_TMPDIR"
	mkdir src
	# 4 GiB + 1 MiB + 123 bytes, mostly holes; data at the start, across
	# the 4 GiB boundary (where the first extent ends) and at the end.
	python3 - src/big4g <<'EOF'
import random, sys
r = random.Random(4)
size = 4 * 1024**3 + 1024 * 1024 + 123
with open(sys.argv[1], "wb") as f:
    f.truncate(size)
    for off, n in ((0, 1 << 20), (4 * 1024**3 - (1 << 19), 1 << 20),
                   (size - 65536, 65536)):
        f.seek(off)
        f.write(r.randbytes(n))
EOF
	printf 'after the big one\n' >src/zz-after
	touch -d @1589718896 src/big4g src/zz-after
	mkiso big.iso -iso-level 3 -R src
	ls_json big.iso big.json
	compare_json_tree big.json src type,size,perm,mtime,nlink
	equals "$(jq '.[] | select(.name == "big4g") | .size' big.json)" 4296015995 size
	# cat: the start through a pipe that closes early
	fsimg cat big.iso /big4g | head -c 8388608 | cmp - <(head -c 8388608 src/big4g)
	run -0 fsimg cat big.iso /zz-after
	equals "$output" "after the big one"
	# get: same bytes, written sparse; the regions around the 4 GiB
	# boundary first (a clearer failure), then the whole file (both sparse)
	mkdir out
	run -0 fsimg get big.iso /big4g out
	equals "$(stat -c %s out/big4g)" 4296015995 "extracted size"
	is_sparse out/big4g
	cmp <(dd if=out/big4g bs=1M skip=4095 count=2 status=none) \
		<(dd if=src/big4g bs=1M skip=4095 count=2 status=none)
	cmp <(tail -c 1048576 out/big4g) <(tail -c 1048576 src/big4g)
	cmp out/big4g src/big4g
	rm -f big.iso out/big4g
}
