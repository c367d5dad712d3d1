# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2154 # bats sets output and stderr
# Shared by the container tests (vmdk.bats, vpc.bats, vhdx.bats):
# `load helpers`. Images are made with qemu-img from raw disks built here
# and compared, byte for byte, with what qemu-img converts them back to.

load ../bats/helpers

DISKDUMP=$FSIMG_BUILDDIR/tests/container/diskdump

setup() {
	common_setup
	[[ -x $DISKDUMP ]] || skip "diskdump was not built"
	need_cmd qemu-img python3
}

# diskdump ARGS...: the test tool, never allowed to hang.
diskdump() {
	timeout -k 5 "${FSIMG_TIMEOUT:-120}" "$DISKDUMP" "$@"
}

# mkraw OUT: 9 MiB and a bit of seeded random data with holes: 3 MiB of
# data, 5 MiB of zeroes, 1 MiB of data, an odd-sized hole, 777 bytes.
mkraw() {
	python3 - "$1" <<-'PY'
		import random, sys
		r = random.Random(20261204)
		with open(sys.argv[1], "wb") as f:
		    f.write(r.randbytes(3 << 20))
		    f.write(bytes(5 << 20))
		    f.write(r.randbytes(1 << 20))
		    f.write(bytes(12345))
		    f.write(r.randbytes(777))
	PY
}

# mkext4 OUT: a 16 MiB ext4 filesystem (the whole disk) of a small tree.
mkext4() {
	need_cmd mkfs.ext4
	mkdir -p tree/dir/sub
	echo hello >tree/a.txt
	head -c 300000 /dev/urandom >tree/dir/b.bin
	echo deep >tree/dir/sub/c
	rm -f "$1"
	truncate -s 16M "$1"
	mkfs.ext4 -q -d tree "$1"
}

# same_disk IMG FMT [DISKDUMP OPTIONS]: the disk diskdump reads from IMG,
# plainly and through fsimg_image_plain(), is what qemu-img reads.
same_disk() {
	local img=$1 fmt=$2
	shift 2
	qemu-img convert -f "$fmt" -O raw "$img" "$img.qemu.raw"
	diskdump "$@" "$img" >"$img.dump"
	cmp "$img.dump" "$img.qemu.raw"
	diskdump "$@" --plain "$img" >"$img.plain"
	cmp "$img.plain" "$img.qemu.raw"
	run diskdump "$@" --info "$img"
	expect_status 0
	contains "$output" "format=$fmt"
	contains "$output" "size=$(stat -c %s "$img.qemu.raw")"
}

# same_listing IMG RAW [fsimg options]: fsimg ls -R of the filesystem in
# IMG is that of RAW, and not empty.
same_listing() {
	local img=$1 raw=$2
	shift 2
	fsimg ls -R "$@" "$img" / >"$img.ls"
	fsimg ls -R "$raw" / >"$raw.ls"
	grep -qx /dir/sub/c "$img.ls"
	diff -u "$raw.ls" "$img.ls"
}

# refused IMG TEXT [diskdump options]: diskdump fails on IMG within 10
# seconds, without crashing, with a message containing TEXT.
refused() {
	local img=$1 text=$2
	shift 2
	run --separate-stderr timeout -k 2 10 "$DISKDUMP" "$@" "$img"
	no_crash
	expect_status 1
	contains "$stderr" "$text" "the messages"
}

# patch FILE OFFSET HEX [OFFSET HEX...]: writes the bytes HEX at OFFSET of
# FILE, for each pair.
patch() {
	python3 - "$@" <<-'PY'
		import sys
		with open(sys.argv[1], "r+b") as f:
		    for i in range(2, len(sys.argv), 2):
		        f.seek(int(sys.argv[i], 0))
		        f.write(bytes.fromhex(sys.argv[i + 1]))
	PY
}
