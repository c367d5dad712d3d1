#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# zisofs (RRIP ZF, version 1): files compressed by xorriso's --zisofs
# filter at block sizes 32, 64 and 128 KiB. The listing must give the
# uncompressed sizes, cat/get the uncompressed bytes; files xorriso leaves
# uncompressed (incompressible or tiny) read as usual.
#
# xorriso native mode (-map) records directory link counts as 1, so dnlink
# is not compared here; hard links are recorded with -hardlinks on.

# shellcheck disable=SC2016 # jq programs in single quotes
load helpers

# mkzsrc DIR: files whose compressed form crosses every block boundary case.
mkzsrc() {
	local d=$1
	mkdir -p "$d/sub"
	python3 - "$d" <<'EOF'
import os, random, sys
d = sys.argv[1]
r = random.Random(99)
def text(n, seed):
    line = b"".join(b"line %d of seed %d: the quick brown fox\n" % (i, seed)
                    for i in range(4000))
    return (line * (n // len(line) + 1))[:n]
files = {
    "text-100k": text(100000, 1),
    "exact-32768": text(32768, 2),
    "exact-32769": text(32769, 3),
    "exact-65536": text(65536, 4),
    "exact-131072": text(131072, 5),
    "text-131077": text(131077, 6),
    "zeros-1m": bytes(1 << 20),
    "mixed": text(32768, 7) + r.randbytes(32768) + text(32769, 8)
             + bytes(70000) + text(1000, 9),
    "random-200k": r.randbytes(200000),
    "hello": b"hello\n",
    "empty": b"",
    "sub/deep-text": text(250000, 10),
}
for name, data in files.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
# data, hole, data: compresses to almost nothing
with open(os.path.join(d, "holey"), "wb") as f:
    f.write(text(5000, 11))
    f.truncate(3 * 1024 * 1024)
    f.seek(3 * 1024 * 1024)
    f.write(text(5000, 12))
EOF
	ln "$d/text-100k" "$d/sub/link-to-text"
	find "$d" -mindepth 1 -exec touch -h -d @1589718896 {} +
	chmod 0640 "$d/mixed"
}

# mkzisofs OUT SRC BLOCKSIZE
mkzisofs() {
	if ! xorriso -outdev "$1" -hardlinks on -zisofs "block_size=$3" \
		-map "$2" / -set_filter_r --zisofs / -- -commit >"$1.log" 2>&1; then
		cat "$1.log" >&2
		return 1
	fi
}

setup_file() {
	export ZSRC=$BATS_FILE_TMPDIR/src
	mkzsrc "$ZSRC"
	local bs
	for bs in 32k 64k 128k; do
		mkzisofs "$BATS_FILE_TMPDIR/z$bs.iso" "$ZSRC" "$bs"
	done
}

FIELDS_Z=type,size,perm,uid,gid,mtime,nlink,links

@test "zisofs 32k: sizes are the uncompressed sizes" {
	ls_json "$BATS_FILE_TMPDIR/z32k.iso" z.json
	json_sanity z.json
	compare_json_tree z.json "$ZSRC" "$FIELDS_Z"
}

@test "zisofs 32k: compressed files are marked and occupy fewer blocks" {
	ls_json "$BATS_FILE_TMPDIR/z32k.iso" z.json
	local f
	for f in text-100k exact-32769 zeros-1m holey sub/deep-text; do
		run -0 jq -c --arg p "/$f" '.[] | select(.path == $p)
			| {c: (.attrs | index("compressed") != null),
			   small: (.blocks * 512 < .size)}' z.json
		equals "$output" '{"c":true,"small":true}' "/$f"
	done
	# incompressible or tiny files are stored plainly
	for f in random-200k hello empty; do
		run -0 jq -c --arg p "/$f" '.[] | select(.path == $p)
			| (.attrs | index("compressed") != null)' z.json
		equals "$output" false "/$f compressed"
	done
	# the image really is smaller than the data it holds
	((($(stat -c %s "$BATS_FILE_TMPDIR/z32k.iso")) < 3 * 1024 * 1024))
}

@test "zisofs 32k/64k/128k: cat gives the uncompressed bytes" {
	local bs f
	for bs in 32k 64k 128k; do
		for f in text-100k exact-32768 exact-32769 exact-65536 exact-131072 \
			text-131077 zeros-1m mixed random-200k hello holey \
			sub/deep-text sub/link-to-text; do
			fsimg cat "$BATS_FILE_TMPDIR/z$bs.iso" "/$f" >got
			cmp got "$ZSRC/$f" || {
				echo "block size $bs: /$f differs" >&2
				false
			}
		done
		run -0 fsimg cat "$BATS_FILE_TMPDIR/z$bs.iso" /empty
		equals "$output" "" "/empty ($bs)"
	done
}

@test "zisofs 64k/128k: listing and extraction match the source" {
	local bs
	for bs in 64k 128k; do
		ls_json "$BATS_FILE_TMPDIR/z$bs.iso" "z$bs.json"
		compare_json_tree "z$bs.json" "$ZSRC" "$FIELDS_Z"
		get_tree "$BATS_FILE_TMPDIR/z$bs.iso" "out$bs"
		compare_trees "$ZSRC" "out$bs" "$(get_fields "$FIELDS_Z")" "$(get_flags)"
	done
}

@test "zisofs 32k: get writes the uncompressed tree, sparse where zero" {
	get_tree "$BATS_FILE_TMPDIR/z32k.iso" out
	compare_trees "$ZSRC" out "$(get_fields "$FIELDS_Z")" "$(get_flags)"
	is_sparse out/holey
	is_sparse out/zeros-1m
	equals "$(stat -c %i out/sub/link-to-text)" "$(stat -c %i out/text-100k)" "hard link"
}
