#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A listing asks the kernel ahead for the data of the subdirectories it
# shows (fsimg_dir_hint, lib/internal.h): a walk reads them next, and a
# cold walk then finds them in the page cache instead of waiting for one
# random read per directory. Seen from outside: `fsimg ls` of a directory
# makes, for each subdirectory, a POSIX_FADV_WILLNEED call (traced with
# strace) whose range of the image holds that subdirectory's entries,
# under the sandbox and successfully. The two calls every open makes (the
# image's first 128 KiB and last 64 KiB) are not counted.

load helpers

setup_file() {
	export TREE=$BATS_FILE_TMPDIR/tree
	local n f
	for n in 1 2 3; do
		mkdir -p "$TREE/sub$n"
		# 8.3 upper-case names: FAT keeps them as they are, no long name
		for f in A B C; do
			echo "$n$f" >"$TREE/sub$n/S${n}MARK$f.TXT"
		done
	done
	echo top >"$TREE/TOP.TXT"
}

setup() {
	common_setup
	need_cmd strace python3
}

# hinted IMG MARKER_FORMAT: fsimg ls of IMG's root under strace; every
# subdirectory N must have a successful WILLNEED whose range of IMG holds
# the bytes MARKER_FORMAT % N (one of the subdirectory's entries).
hinted() {
	local img=$1 fmt=$2
	# LeakSanitizer cannot work under ptrace (sanitizer builds)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -qq -f -o trace -e trace=fadvise64 \
		"$FSIMG" ls "$img" / >ls.out
	grep -qx sub1 ls.out
	python3 - "$img" "$fmt" trace <<'PY'
import os, re, sys
img, fmt, trace = sys.argv[1], sys.argv[2], sys.argv[3]
size = os.path.getsize(img)
at_open = {(0, 128 << 10), (max(size - (64 << 10), 0), 64 << 10)}
hints = []
for line in open(trace):
    m = re.search(r"fadvise64\(\d+, (\d+), (\d+), POSIX_FADV_WILLNEED\) += (-?\d+)", line)
    if not m:
        continue
    off, n, rc = int(m[1]), int(m[2]), int(m[3])
    if (off, n) in at_open:
        continue
    assert rc == 0, "hint failed: " + line.strip()
    hints.append((off, n))
with open(img, "rb") as f:
    data = [(o, n, os.pread(f.fileno(), n, o)) for o, n in hints]
for sub in (1, 2, 3):
    mark = (fmt % sub).encode()
    found = [(o, n) for o, n, b in data if mark in b]
    assert found, "sub%d: no hint holds %r (hints: %r)" % (sub, mark, hints)
print("%d hints" % len(hints))
PY
}

@test "dir hint: ext4, directories in extents" {
	need_cmd mke2fs
	mke2fs -q -F -t ext4 -d "$TREE" img 16M
	hinted img "S%dMARKA.TXT"
}

@test "dir hint: ext4, the inodes of a subdirectory's files" {
	need_cmd mke2fs debugfs
	mke2fs -q -F -t ext4 -d "$TREE" img 16M
	hinted img "S%dMARKA.TXT"
	local n blk off bs
	bs=$(debugfs -R stats img 2>/dev/null | awk '/^Block size:/ {print $3}')
	for n in 1 2 3; do
		# "located at block B, offset 0xO"
		read -r blk off < <(debugfs -R "imap /sub$n/S${n}MARKB.TXT" img \
			2>/dev/null | sed -n 's/.*block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
		python3 - trace $((blk * bs + off)) <<'PY'
import re, sys
at = int(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.search(r"fadvise64\(\d+, (\d+), (\d+), POSIX_FADV_WILLNEED\) += 0", line)
    if m and int(m[1]) <= at < int(m[1]) + int(m[2]) and int(m[1]) > 0:
        sys.exit(0)
sys.exit("no hint holds the inode at %d" % at)
PY
	done
}

@test "dir hint: ext2, directories in block maps, 1 KiB blocks" {
	need_cmd mke2fs
	mke2fs -q -F -t ext2 -b 1024 -d "$TREE" img 16M
	hinted img "S%dMARKA.TXT"
}

@test "dir hint: UFS2" {
	need_cmd makefs
	makefs -t ffs -o version=2 -s 16m img "$TREE" >/dev/null
	hinted img "S%dMARKA.TXT"
}

@test "dir hint: UFS1, big-endian" {
	need_cmd makefs
	makefs -t ffs -B be -o version=1 -s 16m img "$TREE" >/dev/null
	hinted img "S%dMARKA.TXT"
}

@test "dir hint: FAT32" {
	need_cmd mkfs.fat mcopy
	mkfs.fat -F 32 -C img $((40 * 1024)) >/dev/null
	(cd "$TREE" && mcopy -s -Q -i "$BATS_TEST_TMPDIR/img" ./* ::/)
	# 8.3 entries: name and extension padded with spaces
	hinted img "S%dMARKA TXT"
}

@test "dir hint: a listing without subdirectories hints nothing" {
	need_cmd mkfs.fat mcopy
	mkfs.fat -F 32 -C img $((40 * 1024)) >/dev/null
	mcopy -Q -i img "$TREE"/sub1/* ::/
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -qq -f -o trace -e trace=fadvise64 "$FSIMG" ls img /
	# the two calls of the open, nothing else
	run grep -c WILLNEED trace
	[ "$output" = 2 ]
}
