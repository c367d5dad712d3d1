#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crafted bad UFS images (one field patched by ufsedit.py in a small makefs
# image, both byte orders and versions): each fails clearly, with a message
# naming what is wrong, and never hangs (every run under timeout).

load ../bats/helpers
load ufs_helpers

setup_file() {
	command -v makefs >/dev/null || return 0
	local s=$BATS_FILE_TMPDIR/src v b
	mkdir -p "$s/dir/sub"
	head -c 300000 /dev/urandom >"$s/indirect" # needs the single indirect
	echo small >"$s/dir/file"
	for v in 1 2; do
		for b in le be; do
			UFS_SIZE=2m ufs_makefs $v $b "$s" \
				"$BATS_FILE_TMPDIR/u$v$b.img" ,bsize=4096,fsize=512
		done
	done
}

setup() {
	common_setup
	need_cmd makefs
}

# each_image CMD...: runs CMD with $img set to a fresh copy of each variant.
# CMD is called plainly, not in a condition: under `cmd || ...` bash
# ignores set -e inside cmd, and only its last check would count.
each_image() {
	local v b
	for v in 1 2; do
		for b in le be; do
			cp "$BATS_FILE_TMPDIR/u$v$b.img" c.img
			echo "variant: UFS$v $b" # shown when a check fails
			img=c.img "$@"
		done
	done
}

ino_of() { fsimg ls -d --json c.img "$1" | jq '.[0].ino'; }

# bad_sb OFFSET SIZE VALUE MESSAGE: the patched superblock is refused
bad_sb() {
	"$UFSEDIT" c.img sb "$1" "$2" "$3"
	run -2 fsimg info c.img
	[[ $output == *"bad superblock"*"$4"* ]]
}

@test "ufs crafted: fs_bsize not a power of two" {
	each_image bad_sb 48 4 3000 "fs_bsize"
}

@test "ufs crafted: fs_fsize larger than fs_bsize" {
	each_image bad_sb 52 4 65536 "fs_fsize"
}

@test "ufs crafted: fs_frag disagrees with the sizes" {
	each_image bad_sb 56 4 4 "fs_frag"
}

@test "ufs crafted: fs_bshift disagrees with fs_bsize" {
	each_image bad_sb 80 4 14 "shift"
}

@test "ufs crafted: fs_ncg zero and absurd" {
	each_image bad_sb 44 4 0 "fs_ncg"
	each_image bad_sb 44 4 0x7fffffff "fs_ncg"
}

@test "ufs crafted: fs_ipg absurd" {
	each_image bad_sb 184 4 0x7fffffc0 ""
}

@test "ufs crafted: fs_cgsize absurd" {
	each_image bad_sb 160 4 0x40000000 "fs_cgsize"
}

@test "ufs crafted: an indirect block pointing outside the filesystem" {
	t() {
		"$UFSEDIT" c.img inode "$(ino_of /indirect)" ib0 0x7ffffff0
		run -4 fsimg cat c.img /indirect
		[[ $output == *"inode"*"indirect block"*"outside"* ]]
	}
	each_image t
}

@test "ufs crafted: a direct block pointing outside the filesystem" {
	t() {
		"$UFSEDIT" c.img inode "$(ino_of /dir/file)" db0 0x7ffffff0
		run -4 fsimg cat c.img /dir/file
		[[ $output == *"outside the filesystem"* ]]
	}
	each_image t
}

@test "ufs crafted: an absurd file size" {
	t() {
		"$UFSEDIT" c.img inode "$(ino_of /dir/file)" size 0x7fffffffffffffff
		run -4 fsimg cat c.img /dir/file
		[[ $output == *"beyond what its block map can address"* ]]
	}
	each_image t
}

@test "ufs crafted: directory entries with a bad d_reclen" {
	t() {
		local d
		d=$(ino_of /dir)
		cp c.img orig.img
		"$UFSEDIT" c.img dirent "$d" 2 reclen 0
		run -4 fsimg ls c.img /dir
		[[ $output == *"directory $d"*"d_reclen"* ]]
		cp orig.img c.img
		"$UFSEDIT" c.img dirent "$d" 1 reclen 1000
		run -4 fsimg ls c.img /dir
		[[ $output == *"d_reclen"* ]]
		cp orig.img c.img
		"$UFSEDIT" c.img dirent "$d" 2 namlen 255
		run -4 fsimg ls c.img /dir
		[[ $output == *"d_namlen"* ]]
	}
	each_image t
}

@test "ufs crafted: a directory entry naming an inode out of range" {
	t() {
		"$UFSEDIT" c.img dirent "$(ino_of /dir)" 2 ino 0x7fffffff
		run -4 fsimg ls c.img /dir
		[[ $output == *"out of range"* ]]
		# readdir gives no made-up stat for it: every call agrees (the
		# fuzz walker's checks; found by fuzz_ufs)
		"$FSIMG_BUILDDIR/tests/fuzz/fuzz_ufs_replay" c.img
	}
	each_image t
}

@test "ufs crafted: a directory cycle ends the listing" {
	t() {
		# /dir/sub becomes the root directory again
		"$UFSEDIT" c.img dirent "$(ino_of /dir)" 3 ino 2
		run -4 fsimg ls -R c.img /
		[[ $output == *"loop"* ]]
	}
	each_image t
}

@test "ufs crafted: a truncated image fails clearly" {
	t() {
		rm -rf out
		truncate -s 40000 c.img
		# the CLI's exit code depends on whether anything was extracted
		run fsimg get c.img / out
		[ "$status" -ne 0 ]
		[[ $output == *"UFS: "* ]]
	}
	each_image t
}
