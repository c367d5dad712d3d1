#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupt ext images: one node, one answer. Whatever call asks about an
# inode (readdir's stat, getattr, lookup, open), type and size agree, and
# an inode that cannot be read is reported, never listed with a made-up
# type.
#
# bad_csum: a metadata_csum image whose inodes for f0, f2..f9 and sub fail
# their checksum, as in the two fuzz findings (tests/fuzz/findings/ext/).
# libext2fs 1.47 leaves the bytes of an inode that failed its checksum in
# the inode cache slot of an earlier, good inode; before the fix, /dir/f1
# had size 0 for getattr and 700 for open, and a directory's entry was
# listed as a directory and then failed as "Not a directory".

load ext_helpers

FINDINGS=$FSIMG_SRCDIR/tests/fuzz/findings/ext

# bad_csum OUT: the image described above
bad_csum() {
	local out=$1 t=$BATS_TEST_TMPDIR i ino blk off pos byte
	mkdir -p "$t/src/dir/sub"
	for i in $(seq 0 11); do
		head -c $((i * 700)) /dev/zero | tr '\0' x >"$t/src/dir/f$i"
	done
	echo hi >"$t/src/dir/sub/inner"
	mke2fs -q -F -t ext4 -b 1024 -N 64 -O metadata_csum,^has_journal \
		-E root_owner=0:0 -d "$t/src" "$out" 1024
	for f in f0 f2 f3 f4 f5 f6 f7 f8 f9 sub; do
		# "located at block B, offset 0xO": invert a byte of i_mtime
		# (writing a constant left it unchanged, and the checksum good,
		# whenever the files' mtime happened to end in that byte)
		read -r blk off < <(debugfs -R "imap /dir/$f" "$out" 2>/dev/null |
			sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
		[ -n "$blk" ]
		pos=$((blk * 1024 + off + 16))
		byte=$(od -An -tu1 -j "$pos" -N1 "$out" | tr -d ' ')
		printf "\\x$(printf %02x $((byte ^ 0xff)))" |
			dd of="$out" bs=1 seek="$pos" conv=notrunc status=none
	done
}

# sizes_agree IMG: every regular file that `ls -R --json` lists has the
# size that `cat` reads, and nothing is listed and then "Not a directory".
sizes_agree() {
	local img=$1 t=$BATS_TEST_TMPDIR p size got rc=0
	timeout 60 "$FSIMG" ls -R --json "$img" / >"$t/ls.json" 2>"$t/ls.err" || rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 4 ] || {
		echo "ls status $rc" >&2
		return 1
	}
	if grep -q "Not a directory" "$t/ls.err"; then
		cat "$t/ls.err" >&2
		return 1
	fi
	while read -r p size; do
		got=$(timeout 60 "$FSIMG" cat "$img" "$p" 2>/dev/null | wc -c)
		if [ "$got" != "$size" ]; then
			echo "$p: listed with $size bytes, cat reads $got" >&2
			return 1
		fi
	done < <(jq -r '.[] | select(.type == "file") | "\(.path) \(.size)"' "$t/ls.json")
}

@test "ext: inodes failing their checksum are reported, not listed" {
	local img=$BATS_TEST_TMPDIR/bad.img
	bad_csum "$img"
	run -4 "$FSIMG" ls -l "$img" /dir
	echo "$output"
	[[ $output == *" 700 "*"/dir/f1"* ]] || [[ $output == *" 700 "*"f1"* ]]
	[[ $output == *" 7000 "*"f10"* ]]
	[[ $output == *" 7700 "*"f11"* ]]
	# the bad ones: an error naming each, and no line of their own
	[[ $output == *"/dir/f0:"*"checksum"* ]]
	[[ $output == *"/dir/sub:"*"checksum"* ]]
	! grep -qE '^[-d?l].* (f0|f2|sub)$' <<<"$output"
}

@test "ext: getattr, readdir and open agree on a corrupt image" {
	local img=$BATS_TEST_TMPDIR/bad.img
	bad_csum "$img"
	# the fuzz harness's walk checks every call against every other
	"$FSIMG_BUILDDIR/tests/fuzz/fuzz_ext_replay" "$img"
	sizes_agree "$img"
	run "$FSIMG" ls -l "$img" /dir/f1
	[[ $output == *" 700 "* ]]
	run -4 "$FSIMG" ls -lR "$img" /
	[[ $output != *"Not a directory"* ]]
	# an unreadable directory fails as such, not as something else
	run "$FSIMG" ls "$img" /dir/sub
	[ "$status" -ne 0 ]
	[[ $output == *"checksum"* ]]
}

@test "ext: the fuzz findings list and read consistently" {
	local f n=0
	for f in "$FINDINGS"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		sizes_agree "$f"
	done
	[ "$n" -ge 2 ]
}
