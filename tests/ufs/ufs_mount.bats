#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An ordinary user mounts makefs UFS images and Solaris images written by
# mksolufs.py through FUSE: every file reads back exactly (names, types,
# sizes, contents, mtimes), and the mount is read-only. Run by tests/mount/run.sh (root, private namespace, 0666
# /dev/fuse).

bats_require_minimum_version 1.5.0
# bats helpers first (mktree, compare): the mount helpers' common_setup
# and common_teardown must win
load ../bats/helpers
load ../mount/helpers
load ufs_helpers

setup() {
	common_setup
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

# tree_stat DIR: names, types, sizes and mtimes, sorted
tree_stat() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf 'd - %T@ %P\n' \) \
		-o -printf '%y %s %T@ %P\n' | sed 's/\.[0-9]* / /' | sort)
}

mount_check() { # VERSION ORDER
	[[ $1 == sol ]] || command -v makefs >/dev/null || skip "needs makefs"
	ufs_tree "$T/src0"
	if [[ $1 != 2 ]]; then ufs1_tree "$T/src0" "$T/src"; else mv "$T/src0" "$T/src"; fi
	# the user cannot read what only root may read: open the tree up
	chmod -R a+rX "$T/src"
	if [[ $1 == sol ]]; then
		"$FSIMG_SRCDIR/tests/ufs/mksolufs.py" --endian "$2" \
			--tree "$T/src" "$T/img"
	else
		ufs_makefs "$1" "$2" "$T/src" "$T/img" ,bsize=4096,fsize=512
	fi
	chmod 644 "$T/img"
	run as_user "$FSIMG" mount "$T/img" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	diff <(tree_stat "$T/src") <(as_user bash -c "$(declare -f tree_stat); tree_stat '$T/mnt'")
	echo x | as_user tee "$T/mnt/new" 2>/dev/null && return 1
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
}

@test "ufs mount: UFS2 big-endian by an ordinary user reads back exactly" {
	mount_check 2 be
}

@test "ufs mount: UFS1 little-endian by an ordinary user reads back exactly" {
	mount_check 1 le
}

@test "ufs mount: Solaris SPARC big-endian by an ordinary user reads back exactly" {
	mount_check sol big
}

@test "ufs mount: Solaris x86 little-endian by an ordinary user reads back exactly" {
	mount_check sol little
}
