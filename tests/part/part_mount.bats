#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The mount option partition=SPEC: a FAT in slice 7 of a Solaris x86 VTOC
# (tests/part/mkvtoc.py) mounted by an ordinary user through FUSE and read
# back exactly. Run by tests/mount/run.sh (root, private namespace).

bats_require_minimum_version 1.5.0
load ../mount/helpers

MKVTOC=$FSIMG_SRCDIR/tests/part/mkvtoc.py

setup() {
	common_setup
	for tool in makefs mkfs.fat mcopy python3; do
		command -v $tool >/dev/null || skip "needs $tool"
	done
	mkdir -p "$T/mnt" "$T/src/etc" "$T/fat"
	chown $USER_ID:$USER_ID "$T/mnt"
	echo hello >"$T/src/etc/motd"
	echo fat-file >"$T/fat/README.TXT"
	head -c 70000 /dev/urandom >"$T/fat/DATA.BIN"
	makefs -t ffs -s 4m -o version=1 "$T/ufs.img" "$T/src" >/dev/null
	mkfs.fat -C -n FATVOL "$T/fat.img" 4096 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -i "$T/fat.img" "$T/fat/README.TXT" "$T/fat/DATA.BIN" ::
	python3 "$MKVTOC" "$T/vtoc.img" --root "$T/ufs.img" --home "$T/fat.img" >/dev/null
	chmod 644 "$T/vtoc.img"
}

teardown() {
	common_teardown
}

@test "part mount: -o partition=1s7 mounts the VTOC slice, files read back" {
	run as_user "$FSIMG" mount -o partition=1s7 "$T/vtoc.img" "$T/mnt"
	[ "$status" -eq 0 ]
	findmnt -n "$T/mnt" >/dev/null
	as_user cmp "$T/fat/README.TXT" "$T/mnt/README.TXT"
	as_user cmp "$T/fat/DATA.BIN" "$T/mnt/DATA.BIN"
	[ "$(as_user ls "$T/mnt" | sort | tr '\n' ' ')" = "DATA.BIN README.TXT " ]
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! findmnt -n "$T/mnt" >/dev/null
}

@test "part mount: -o partition=s0 (the root slice, UFS) and a bad spec" {
	run as_user "$FSIMG" mount -o partition=s0 "$T/vtoc.img" "$T/mnt"
	[ "$status" -eq 0 ]
	[ "$(as_user cat "$T/mnt/etc/motd")" = hello ]
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	run as_user "$FSIMG" mount -o partition=1s9 "$T/vtoc.img" "$T/mnt"
	[ "$status" -ne 0 ]
	[[ $output == *"no partition matches"* ]]
	! findmnt -n "$T/mnt" >/dev/null
}
