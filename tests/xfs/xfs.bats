#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# XFS: images made by mkfs.xfs and written through a kernel mount, read
# by fsimg and compared field by field with the kernel's loop mount; V4
# images (which this kernel cannot mount) made from a tree with a
# prototype file and compared with that tree; lookups by name hash, case-
# insensitive names, 8-byte inode numbers, the log state, hostile images.

load ../bats/helpers
load xfs_helpers
# gpt_disk
load ../xen/guests

setup_file() {
	export XIMG=$BATS_FILE_TMPDIR/x.img
	truncate -s 300M "$XIMG"
	mkfs.xfs -q -L xfslabel "$XIMG"
	# the full tree: 100,000 entries in one directory
	if is_root && grep -qw xfs /proc/filesystems; then
		export FULL=$BATS_FILE_TMPDIR/full.img
		truncate -s 400M "$FULL"
		mkfs.xfs -q "$FULL"
		populate "$FULL"
	fi
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	kernel_teardown
}

@test "xfs: info names the type, version, label, uuid, size and a clean log" {
	run fsimg info --json "$XIMG"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.filesystems[0].fstype' <<<"$output")" = xfs ]
	[ "$(jq -r '.filesystems[0].fsver' <<<"$output")" = V5 ]
	[ "$(jq -r '.filesystems[0].label' <<<"$output")" = xfslabel ]
	[ "$(jq -r '.filesystems[0].uuid' <<<"$output")" = \
		"$(blkid -o value -s UUID "$XIMG")" ]
	[ "$(jq -r '.filesystems[0].block_size' <<<"$output")" = 4096 ]
	[ "$(jq -r '.filesystems[0].details.agcount' <<<"$output")" = 4 ]
	[ "$(jq -r '.filesystems[0].details.log' <<<"$output")" = clean ]
	python3 "$FSIMG_SRCDIR/tests/lib/validate_json.py" \
		"$FSIMG_SRCDIR/man/fsimg-info.schema.json" <<<"$output"
}

@test "xfs: a zero agcount or a bad CRC is refused without a crash" {
	cp "$XIMG" bad.img
	printf '\0\0\0\0' | dd of=bad.img bs=1 seek=88 conv=notrunc status=none
	run fsimg ls bad.img
	[ "$status" -eq 2 ]
	[[ "$output" == *"XFS: superblock at byte 0: bad allocation group geometry"* ]]
	cp "$XIMG" crc.img
	printf 'Z' | dd of=crc.img bs=1 seek=108 conv=notrunc status=none
	run fsimg ls -t xfs crc.img
	[ "$status" -eq 2 ]
	[[ "$output" == *"XFS: superblock at byte 0: CRC"* ]]
}

@test "xfs: every directory, file and attribute form reads as the kernel shows it" {
	need_kernel_xfs
	local mnt ino
	# the forms populate.sh meant to make are there (xfs_db's reading)
	mnt=$(kmnt)
	mount -o ro,loop "$FULL" "$mnt"
	for f in sf blk leaf node frag attrs/leafy attrs/nodey longlink; do
		echo "$f $(stat -c %i "$mnt/$f")"
	done >inos
	umount "$mnt"
	rmdir "$mnt"
	while read -r f ino; do
		echo "$f $(fork_format "$FULL" "$ino")"
	done <inos >forms
	cat forms
	grep -qx 'sf local extents ' forms
	grep -qx 'node btree extents ' forms
	grep -qx 'frag btree extents ' forms
	grep -qx 'attrs/leafy extents extents ' forms
	grep -qx 'attrs/nodey extents btree ' forms
	grep -qx 'longlink extents extents ' forms
	same_as_kernel "$FULL"
}

@test "xfs: lookup by name hash in a 100,000-entry directory, hits and misses" {
	need_kernel_xfs
	run fsimg ls "$FULL" /node
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 100000 ]
	for i in 0 1 49999 99998 99999; do
		name=$(printf 'f%06d_%s' "$i" "$(printf 'n%.0s' $(seq 1 $((i % 40))))")
		name=${name%_}
		[ $((i % 40)) -ne 0 ] || name=$(printf 'f%06d_' "$i")
		run fsimg ls -l "$FULL" "/node/$name"
		[ "$status" -eq 0 ]
	done
	run fsimg cat "$FULL" /node/f099999_x
	[ "$status" -eq 3 ]
	[[ "$output" == *"No such file or directory"* ]]
	run fsimg cat "$FULL" /leaf/name_of_some_length_77
	[ "$status" -eq 0 ]
	run fsimg cat "$FULL" /leaf/name_of_some_length_301
	[ "$status" -eq 3 ]
}

@test "xfs: geometries (1 KiB and 64 KiB blocks, 64 KiB directory blocks, 2 KiB inodes, 4 KiB sectors, no bigtime, nrext64) read as the kernel shows them" {
	need_kernel_xfs
	local checked=0 mnt
	for opts in "-b size=1024" "-b size=65536" "-n size=65536" \
		"-i size=2048 -m bigtime=0" "-s size=4096" "-i nrext64=1"; do
		# shellcheck disable=SC2086 # the options are words
		mkxfs v.img 400M $opts
		# blocks larger than a page need a kernel from 6.12 on: where
		# this one cannot mount an image, it cannot be the reference
		mnt=$(kmnt)
		if ! mount -o loop v.img "$mnt" 2>/dev/null; then
			echo "# mkfs.xfs $opts: this kernel cannot mount it, not compared" >&3
			continue
		fi
		umount "$mnt"
		echo "# mkfs.xfs $opts"
		populate v.img small
		same_as_kernel v.img
		checked=$((checked + 1))
	done
	[ "$checked" -ge 5 ]
}

@test "xfs: 8-byte inode numbers (shortform directories of them too)" {
	need_kernel_xfs
	local mnt
	# three 700 GiB groups: inodes in the third have numbers above 2^32
	mkxfs big.img 2100G -d agsize=700g -l size=64m
	mnt=$(kmnt)
	mount -o loop big.img "$mnt"
	for i in 1 2 3 4 5 6 7 8; do
		mkdir "$mnt/d$i"
		echo "$i" >"$mnt/d$i/f"
	done
	mkdir "$mnt/mix"
	for i in 1 2 3 4 5 6 7 8; do ln "$mnt/d$i/f" "$mnt/mix/l$i"; done
	umount "$mnt"
	rmdir "$mnt"
	xfs_db -r -c "path /mix" -c p big.img | grep -q 'i8count = [1-9]'
	same_as_kernel big.img
	[ "$(fsimg ls --json big.img /mix | jq '[.[].ino] | max')" -gt 4294967295 ]
}

# v4_tree: the source tree a prototype file can hold exactly
v4_tree() {
	bash "$MKTREE" src >/dev/null
	python3 "$XFS_TESTS/mkproto.py" --prune src >proto
	python3 "$TREE" fs src --fields type,mode,uid,gid,size,target,rdev |
		sed -E 's/(type="dir" .*)size=[0-9]+/\1size=-/' >src.meta
	python3 "$TREE" fs src --content --fields type,target >src.data
}

@test "xfs: V4 images (which this kernel no longer mounts) read back as the tree they were made from" {
	v4_tree
	for opts in "" "-b size=512" "-n size=16384" "-i attr=1,size=256"; do
		echo "# mkfs.xfs -m crc=0 $opts"
		# shellcheck disable=SC2086
		mkxfs v4.img 300M -m crc=0 $opts -p proto
		run fsimg info v4.img
		[[ "$output" == *"version: V4"* ]]
		fsimg ls -R --json v4.img >v4.json
		python3 "$TREE" json v4.json \
			--fields type,mode,uid,gid,size,target,rdev |
			sed -E 's/(type="dir" .*)size=[0-9]+/\1size=-/' >v4.meta
		diff -u src.meta v4.meta
		rm -rf out
		fsimg get -q v4.img / out
		python3 "$TREE" fs out --content --fields type,target >out.data
		diff -u src.data out.data
	done
	[ "$(wc -l <src.meta)" -gt 5000 ]
}

@test "xfs: ASCII case-insensitive names (-n version=ci): any case finds the name, listings keep the stored one" {
	mkdir -p src/Dir
	echo mixed >src/Dir/MixedCase.TXT
	for i in $(seq 1 500); do : >"src/Dir/Name$i"; done
	python3 "$XFS_TESTS/mkproto.py" src >proto
	mkxfs ci.img 300M -n version=ci -p proto
	run fsimg info ci.img
	[[ "$output" == *ascii_ci* ]]
	[ "$(fsimg cat ci.img /dir/mixedcase.txt)" = mixed ]
	[ "$(fsimg cat ci.img /DIR/MIXEDCASE.txt)" = mixed ]
	fsimg ls ci.img /dir/name77
	fsimg ls ci.img /Dir | grep -qx MixedCase.TXT
	fsimg ls ci.img /Dir | grep -qx Name77
	run fsimg cat ci.img /dir/mixedcase.txt2
	[ "$status" -eq 3 ]
}

@test "xfs: a dirty log is reported by info and not replayed" {
	need_kernel_xfs
	local mnt
	mkxfs d.img 300M
	mnt=$(kmnt)
	mount -o loop d.img "$mnt"
	echo data >"$mnt/newfile"
	sync
	touch "$mnt/after"
	# the log is written, the unmount record never is
	xfs_io -x -c "shutdown -f" "$mnt"
	umount "$mnt"
	rmdir "$mnt"
	xfs_logprint -t d.img 2>&1 | grep -q 'state: <DIRTY>'
	run fsimg info --json d.img
	[ "$status" -eq 0 ]
	[[ "$(jq -r '.filesystems[0].details.log' <<<"$output")" == dirty* ]]
	# the image is not modified
	sum=$(sha256sum <d.img)
	fsimg ls -R d.img >/dev/null
	[ "$(sha256sum <d.img)" = "$sum" ]
}

# corrupt IMG OFFSET: flips the byte at OFFSET
corrupt() {
	python3 - "$1" "$2" <<-'PY'
		import sys
		with open(sys.argv[1], "r+b") as f:
		    f.seek(int(sys.argv[2]))
		    b = f.read(1)
		    f.seek(int(sys.argv[2]))
		    f.write(bytes([b[0] ^ 0x5a]))
	PY
}

# daddr_of IMG XFS_DB_COMMANDS...: byte offset of the block xfs_db selects
byte_of() {
	local img=$1
	shift
	echo $(($(xfs_db -r "$@" -c "daddr" "$img" |
		sed -nE 's/.*current daddr is ([0-9]+).*/\1/p') * 512))
}

@test "xfs: broken metadata gives a message naming the structure and its byte, never a crash" {
	need_kernel_xfs
	local off
	# the root inode
	cp "$FULL" h.img
	off=$(byte_of h.img -c "inode 128")
	corrupt h.img $((off + 200))
	run fsimg ls h.img /
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"XFS: inode 128 at byte $off (AG 0 block $((off / 4096))): CRC"* ]]
	# a directory block of the node-form directory
	cp "$FULL" h.img
	off=$(byte_of h.img -c "path /node" -c "dblock 3")
	corrupt h.img $((off + 1000))
	run fsimg ls h.img /node
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"directory block at byte $off (AG "*" block "*"): CRC"* ]]
	# the extent tree of the fragmented file
	cp "$FULL" h.img
	off=$(byte_of h.img -c "path /frag" -c "addr u3.bmbt.ptrs[2]")
	corrupt h.img $((off + 100))
	run fsimg cat h.img /frag
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"extent tree block at byte $off (AG "*" block "*"): CRC"* ]]
	# every other file still reads
	run fsimg cat h.img /sf/a
	[ "$status" -eq 0 ]
}

@test "xfs: an external log is reported; a file on the realtime device is refused with a message" {
	mkdir -p src
	echo data >src/f
	python3 "$XFS_TESTS/mkproto.py" src >proto
	truncate -s 100M logdev.img
	mkxfs lg.img 300M -l logdev="$PWD/logdev.img" -p proto
	run fsimg info --json lg.img
	[ "$(jq -r '.filesystems[0].details.log' <<<"$output")" = external ]
	[ "$(fsimg cat lg.img /f)" = data ]
	# this kernel has no realtime support to write such a file: the flag
	# is set with xfs_db, which keeps the inode's CRC right
	mkxfs rt.img 300M -p proto
	xfs_db -x -c "path /f" -c "write core.realtime 1" rt.img >/dev/null
	run fsimg cat rt.img /f
	[ "$status" -eq 4 ]
	[[ "$output" == *"XFS: inode "*": its data is on the realtime device, which is not read"* ]]
	fsimg ls -l rt.img /f
}

@test "xfs: in GPT partition 2, by number and by auto, with its partition in info" {
	mkdir -p src/boot
	echo kernel >src/boot/vmlinuz
	python3 "$XFS_TESTS/mkproto.py" src >proto
	mkxfs p.img 300M -L bootfs -p proto
	gpt_disk disk.img p.img
	[ "$(fsimg cat -p 2 disk.img /boot/vmlinuz)" = kernel ]
	[ "$(fsimg cat disk.img /boot/vmlinuz)" = kernel ]
	run fsimg info --json disk.img
	[ "$(jq -r '.filesystems[] | select(.selected) | .fstype' <<<"$output")" = xfs ]
	[ "$(jq -r '.filesystems[] | select(.selected) | .partition' <<<"$output")" = 2 ]
	[ "$(jq -r '.filesystems[] | select(.selected) | .label' <<<"$output")" = bootfs ]
}
