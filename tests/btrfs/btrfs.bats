#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# btrfs: images made by mkfs.btrfs --rootdir and written through a kernel
# mount (compress-force with zstd, lzo and zlib; subvolumes, snapshots, a
# default subvolume), read by fsimg and compared field by field with the
# kernel's loop mount; subvol= and subvolid=; the superblock mirrors;
# hostile images; several devices refused.

load ../bats/helpers
# shellcheck source=../lib/kernel_view.bash
source "$FSIMG_SRCDIR/tests/lib/kernel_view.bash"

need_kernel_btrfs() { need_kernel btrfs; }

# mkbtrfs IMG SIZE [mkfs.btrfs options]
mkbtrfs() {
	local img=$1 size=$2
	shift 2
	rm -f "$img"
	truncate -s "$size" "$img"
	mkfs.btrfs -q -f "$@" "$img" >/dev/null 2>&1
	blkid -p -o value -s TYPE "$img" | grep -qx btrfs
}

setup_file() {
	export SRC=$BATS_FILE_TMPDIR/src
	bash "$MKTREE" "$SRC" >/dev/null
	export RIMG=$BATS_FILE_TMPDIR/rootdir.img
	mkbtrfs "$RIMG" 300M -L btrfslabel --rootdir "$SRC"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	kernel_teardown
}

@test "btrfs: info names the type, label, uuid, size, checksum and features" {
	run fsimg info --json "$RIMG"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.filesystems[0].fstype' <<<"$output")" = btrfs ]
	[ "$(jq -r '.filesystems[0].label' <<<"$output")" = btrfslabel ]
	[ "$(jq -r '.filesystems[0].uuid' <<<"$output")" = \
		"$(blkid -p -o value -s UUID "$RIMG")" ]
	[ "$(jq -r '.filesystems[0].details.checksum' <<<"$output")" = crc32c ]
	[ "$(jq -r '.filesystems[0].details.subvolume' <<<"$output")" = 5 ]
	[[ "$(jq -r '.filesystems[0].details.features' <<<"$output")" == *no_holes* ]]
	python3 "$FSIMG_SRCDIR/tests/lib/validate_json.py" \
		"$FSIMG_SRCDIR/man/fsimg-info.schema.json" <<<"$output"
}

@test "btrfs: mkfs.btrfs --rootdir of the test tree reads as the kernel shows it" {
	need_kernel_btrfs
	same_as_kernel "$RIMG"
	[ "$(fsimg ls "$RIMG" /big | wc -l)" -eq 5000 ]
}

@test "btrfs: compress-force zstd, lzo and zlib, inline and regular extents, read as the kernel shows them" {
	need_kernel_btrfs
	local mnt
	mkbtrfs c.img 400M
	mnt=$(kmnt)
	for alg in zstd lzo zlib; do
		mount -o "loop,compress-force=$alg" c.img "$mnt"
		mkdir "$mnt/$alg"
		head -c 3000000 /dev/urandom | base64 >"$mnt/$alg/text"
		cp "$FSIMG" "$mnt/$alg/binary"
		echo small >"$mnt/$alg/inline"
		python3 -c 'print("abc" * 1000)' >"$mnt/$alg/inline-compressed"
		head -c 500000 /dev/zero >"$mnt/$alg/zeros"
		# a compressed extent read from its middle: an overwrite splits it
		head -c 300000 /dev/urandom | base64 >"$mnt/$alg/split"
		sync
		printf 'XXXX' | dd of="$mnt/$alg/split" bs=1 seek=100000 \
			conv=notrunc status=none
		umount "$mnt"
	done
	mount -o loop c.img "$mnt"
	fallocate -l 1M "$mnt/prealloc"
	mknod "$mnt/cdev" c 4 5
	mknod "$mnt/bdev" b 8 1
	mkfifo "$mnt/fifo"
	setfattr -n user.a -v 1 "$mnt/zstd/text"
	setfattr -n trusted.t -v 2 "$mnt/zstd/text"
	umount "$mnt"
	rmdir "$mnt"
	# the extents are compressed, as the filesystem's tools see them
	btrfs inspect-internal dump-tree -t 5 c.img |
		grep -c 'compression 1 (zlib)' | grep -qv '^0$'
	btrfs inspect-internal dump-tree -t 5 c.img |
		grep -c 'compression 2 (lzo)' | grep -qv '^0$'
	btrfs inspect-internal dump-tree -t 5 c.img |
		grep -c 'compression 3 (zstd)' | grep -qv '^0$'
	same_as_kernel c.img
}

# subvols IMG: subvolumes, a nested one, a snapshot of the first
subvols() {
	local mnt
	mkbtrfs "$1" 300M
	mnt=$(kmnt)
	mount -o loop "$1" "$mnt"
	echo top >"$mnt/top"
	btrfs -q subvolume create "$mnt/sub"
	echo insub >"$mnt/sub/file"
	ln "$mnt/sub/file" "$mnt/sub/hard"
	mkdir "$mnt/sub/dir"
	btrfs -q subvolume create "$mnt/sub/nested"
	echo nested >"$mnt/sub/nested/f"
	btrfs -q subvolume snapshot "$mnt/sub" "$mnt/snap"
	echo changed >"$mnt/sub/file"
	umount "$mnt"
	rmdir "$mnt"
}

@test "btrfs: subvolumes and snapshots read as the kernel shows them; subvol= and subvolid=" {
	need_kernel_btrfs
	subvols s.img
	# inode numbers repeat in each subvolume, which the kernel tells
	# apart by device: fsimg gives those of other subvolumes distinct
	# numbers. A snapshot shows a subvolume it did not take as an empty
	# directory, whose times the kernel makes up at each lookup.
	META_FILTER='/^"(sub|snap)[/"]/s/ ino=[0-9]+//; /^"snap\/nested"/s/ [acm]time="[^"]*"//g' \
		same_as_kernel s.img
	# the snapshot holds the file as it was
	[ "$(fsimg cat s.img /snap/file)" = insub ]
	[ "$(fsimg cat s.img /sub/file)" = changed ]
	[ "$(fsimg ls s.img /snap/nested | wc -l)" -eq 0 ]
	# hard links within a subvolume share a number, not across
	[ "$(fsimg ls --json s.img /sub/file | jq '.[0].ino')" = \
		"$(fsimg ls --json s.img /sub/hard | jq '.[0].ino')" ]
	[ "$(fsimg ls --json s.img /sub/file | jq '.[0].ino')" != \
		"$(fsimg ls --json s.img /snap/file | jq '.[0].ino')" ]
	# a subvolume by path and by id, as the kernel mounts them
	[ "$(fsimg cat -o subvol=/sub s.img /file)" = changed ]
	[ "$(fsimg cat -o subvol=sub/nested s.img /f)" = nested ]
	id=$(btrfs inspect-internal dump-tree -t 1 s.img |
		sed -nE 's/.*key \(([0-9]+) ROOT_REF [0-9]+\).*/\1/p' | head -1)
	KERNEL_MOUNT_OPTS=subvol=/snap MIN_ENTRIES=4 \
		META_FILTER='/^"nested"/s/ [acm]time="[^"]*"//g' \
		same_as_kernel s.img -o subvol=/snap
	run fsimg ls -o subvol=/top s.img
	[ "$status" -eq 2 ]
	[[ "$output" == *"subvol=/top: not a subvolume"* ]]
	run fsimg ls -o subvolid=4242 s.img
	[ "$status" -eq 2 ]
	[[ "$output" == *"no subvolume 4242"* ]]
	[ -n "$id" ]
}

@test "btrfs: the default subvolume (set-default) is read unless subvolid=5 is given" {
	need_kernel_btrfs
	local mnt id
	subvols d.img
	mnt=$(kmnt)
	mount -o loop d.img "$mnt"
	id=$(btrfs subvolume list "$mnt" | awk '$NF == "sub" {print $2}')
	btrfs subvolume set-default "$id" "$mnt"
	umount "$mnt"
	rmdir "$mnt"
	[ "$(fsimg cat d.img /file)" = changed ]
	run fsimg info --json d.img
	[ "$(jq -r '.filesystems[0].details.subvolume' <<<"$output")" = "$id" ]
	[ "$(fsimg cat -o subvolid=5 d.img /top)" = top ]
	MIN_ENTRIES=5 META_FILTER='s/ ino=[0-9]+//' same_as_kernel d.img
}

@test "btrfs: 64 KiB nodes and single-profile metadata" {
	need_kernel_btrfs
	mkbtrfs n.img 300M -n 65536 -m single --rootdir "$SRC"
	same_as_kernel n.img
}

@test "btrfs: a damaged first superblock: the copy at 64 MiB is read, and said" {
	cp "$RIMG" m.img
	printf 'XXXX' | dd of=m.img bs=1 seek=$((65536 + 200)) conv=notrunc status=none
	run fsimg ls m.img /
	[ "$status" -eq 0 ]
	[[ "$output" == *"superblock copy 1 at byte 67108864 read instead"* ]]
	[ "$(fsimg info --json m.img 2>/dev/null |
		jq -r '.filesystems[0].details.superblock_copy')" = 1 ]
	# with every copy damaged, the first one's error
	printf 'XXXX' | dd of=m.img bs=1 seek=$((67108864 + 200)) conv=notrunc status=none
	run fsimg ls m.img /
	[ "$status" -eq 2 ]
	[[ "$output" == *"btrfs: superblock at byte 65536: checksum"* ]]
}

@test "btrfs: a damaged tree node: its DUP copy is read, and said; both damaged, its byte is named" {
	local logical p1 p2
	cp "$RIMG" h.img
	# the fs tree's root node and its two copies, as the tools find them
	logical=$(btrfs inspect-internal dump-tree -t 5 h.img |
		sed -nE 's/^(node|leaf) ([0-9]+) .*/\2/p' | head -1)
	p1=$(btrfs-map-logical -l "$logical" h.img | sed -nE 's/^mirror 1 .* physical ([0-9]+) .*/\1/p')
	p2=$(btrfs-map-logical -l "$logical" h.img | sed -nE 's/^mirror 2 .* physical ([0-9]+) .*/\1/p')
	[ -n "$p1" ] && [ -n "$p2" ]
	printf 'XXXX' | dd of=h.img bs=1 seek=$((p1 + 500)) conv=notrunc status=none
	run fsimg ls h.img /
	[ "$status" -eq 0 ]
	[[ "$output" == *"btrfs: tree node at byte $p1: checksum "*"; its copy at byte $p2 read instead"* ]]
	[ "$(grep -c 'read instead' <<<"$output")" -eq 1 ]
	printf 'XXXX' | dd of=h.img bs=1 seek=$((p2 + 500)) conv=notrunc status=none
	run fsimg ls h.img /
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"btrfs: tree node at byte $p1: checksum"* ]]
}

@test "btrfs: a filesystem on two devices is refused, saying so" {
	truncate -s 300M two1.img two2.img
	mkfs.btrfs -q -f -d raid0 -m raid1 two1.img two2.img >/dev/null 2>&1
	run fsimg ls two1.img
	[ "$status" -eq 2 ]
	[[ "$output" == *"spans 2 devices; only one is read"* ]]
}
