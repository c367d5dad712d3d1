#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An ordinary user mounts FAT images through FUSE: every file reads back
# exactly (names, sizes, contents, mtimes), and the attribute xattr shows.
# Run by tests/mount/run.sh (root, private namespace, 0666 /dev/fuse).

bats_require_minimum_version 1.5.0
load ../mount/helpers

MKFAT=$FSIMG_SRCDIR/tests/fat/mkfat.sh

setup() {
	common_setup
	command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null ||
		skip "needs mkfs.fat and mcopy"
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

mount_check() { # MKFS_ARGS...
	FAT_THOUSANDS=300 "$MKFAT" tree "$T/src"
	"$MKFAT" image "$T/src" "$T/img" "$@"
	"$MKFAT" fragment "$T/img" "$T/src"
	chmod 644 "$T/img"
	run as_user "$FSIMG" mount "$T/img" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	diff <(tree_stat "$T/src") <(as_user bash -c "$(declare -f tree_stat); tree_stat '$T/mnt'")
	echo x | as_user tee "$T/mnt/new" 2>/dev/null && return 1
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
}

@test "fat mount: FAT16 by an ordinary user reads back exactly" {
	mount_check 65536 -F 16 -s 4
}

@test "fat mount: FAT32 by an ordinary user reads back exactly" {
	mount_check 307200 -F 32 -s 8
}

@test "fat mount: the user.fat.attrs xattr" {
	command -v getfattr >/dev/null || skip "needs getfattr (attr)"
	mkfs.fat -C "$T/img" 1440 >/dev/null
	echo x >"$T/f"
	MTOOLS_SKIP_CHECK=1 mcopy -i "$T/img" "$T/f" ::/
	MTOOLS_SKIP_CHECK=1 mattrib -i "$T/img" +r +h ::/f
	chmod 644 "$T/img"
	as_user "$FSIMG" mount "$T/img" "$T/mnt"
	run --separate-stderr as_user getfattr --only-values -n user.fat.attrs "$T/mnt/f"
	[ "$output" = 0x23 ]
	run as_user getfattr -d "$T/mnt/f"
	[[ $output == *'user.fat.attrs="0x23"'* ]]
	as_user "$FSIMG" umount "$T/mnt"
}
