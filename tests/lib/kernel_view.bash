# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The kernel's view of an image as the ground truth: a read-only loop
# mount listed field by field, and fsimg's listing and extraction of the
# same image compared with it. Used by the XFS and btrfs tests (after
# `load ../bats/helpers`); KERNEL_MOUNT_OPTS adds mount options.

# the canonical listing of a tree (kernel mount, fsimg JSON, extraction)
TREE=$FSIMG_SRCDIR/tests/ext/ext_tree.py

# need_kernel FSTYPE: skips unless root and the kernel reads FSTYPE
need_kernel() {
	is_root || skip "needs root: kernel loop mounts are the ground truth"
	grep -qw "$1" /proc/filesystems || modprobe "$1" 2>/dev/null ||
		skip "the kernel has no $1"
}

# kmnt: a new mount point inside the test's own directory, so that
# kernel_teardown finds what a failed test left mounted there
kmnt() {
	mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/mnt.XXXXXX"
}

# kernel_teardown: unmounts what is still mounted below the test's
# directory (the loop devices go with it), innermost first
kernel_teardown() {
	local m
	[ -n "${BATS_TEST_TMPDIR:-}" ] || return 0
	findmnt -rn -o TARGET | grep -F "$BATS_TEST_TMPDIR/" | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
	return 0
}

# kernel_view IMG OUT: OUT.meta every field, OUT.data types, targets and
# contents, as a read-only kernel loop mount shows them
kernel_view() {
	local mnt rc=0
	mnt=$(kmnt)
	mount -o "ro,loop${KERNEL_MOUNT_OPTS:+,$KERNEL_MOUNT_OPTS}" "$1" "$mnt"
	python3 "$TREE" fs "$mnt" >"$2.meta" &&
		python3 "$TREE" fs "$mnt" --content --no-xattrs \
			--fields type,target >"$2.data" || rc=1
	umount "$mnt"
	rmdir "$mnt"
	return $rc
}

# same_as_kernel IMG [fsimg options]: every field of every entry from
# `ls -R --json` (names, types, modes, owners, sizes, blocks, ns times,
# inode numbers, link counts, devices, targets, xattrs and ACLs), and the
# contents `get` writes, equal the kernel's; META_FILTER, a sed -E script,
# is applied to both listings first (what the two may rightly differ on)
same_as_kernel() {
	local img=$1 out
	shift
	out=$(mktemp -d "$BATS_TEST_TMPDIR/cmp.XXXX")
	kernel_view "$img" "$out/kernel"
	fsimg ls -R --json "$@" "$img" >"$out/ls.json"
	python3 "$TREE" json "$out/ls.json" >"$out/fsimg.meta"
	if [ -n "${META_FILTER:-}" ]; then
		sed -Ei "$META_FILTER" "$out/kernel.meta" "$out/fsimg.meta"
	fi
	diff -u "$out/kernel.meta" "$out/fsimg.meta"
	fsimg get -q "$@" "$img" / "$out/get"
	python3 "$TREE" fs "$out/get" --content --no-xattrs \
		--fields type,target >"$out/get.data"
	diff -u "$out/kernel.data" "$out/get.data"
	# something was compared: at least MIN_ENTRIES entries (default 10)
	[ "$(wc -l <"$out/kernel.meta")" -ge "${MIN_ENTRIES:-10}" ]
	rm -rf "$out"
}

