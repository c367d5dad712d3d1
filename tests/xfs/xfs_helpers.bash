# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the XFS bats files: images, populating them through the
# kernel, and the comparisons with the kernel's view (the ground truth).

XFS_TESTS=$FSIMG_SRCDIR/tests/xfs
# the canonical listing of a tree (kernel mount, fsimg JSON, extraction)
TREE=$FSIMG_SRCDIR/tests/ext/ext_tree.py

need_kernel_xfs() {
	is_root || skip "needs root: kernel loop mounts are the ground truth"
	grep -qw xfs /proc/filesystems || modprobe xfs 2>/dev/null ||
		skip "the kernel has no xfs"
}

# mkxfs IMG SIZE [mkfs.xfs options]: mkfs.xfs refuses filesystems under
# 300 MB unless run by fstests; small test images are what fstests makes
mkxfs() {
	local img=$1 size=$2
	shift 2
	rm -f "$img"
	truncate -s "$size" "$img"
	TEST_DIR=/tmp TEST_DEV=/dev/null QA_CHECK_FS=1 \
		mkfs.xfs -q -f "$@" "$img" 2>&1 | grep -v deprecated || true
	[ "$(head -c 4 "$img")" = XFSB ]
}

# populate IMG [small]: tests/xfs/populate.sh through a kernel mount
populate() {
	local mnt
	mnt=$(mktemp -d)
	mount -o loop "$1" "$mnt"
	bash "$XFS_TESTS/populate.sh" "$mnt" "${2:-full}" >/dev/null
	umount "$mnt"
	rmdir "$mnt"
}

# kernel_view IMG OUT: OUT.meta every field, OUT.data types, targets and
# contents, as a read-only kernel loop mount shows them
kernel_view() {
	local mnt rc=0
	mnt=$(mktemp -d)
	mount -o ro,loop "$1" "$mnt"
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
# contents `get` writes, equal the kernel's
same_as_kernel() {
	local img=$1 out
	shift
	out=$(mktemp -d "$BATS_TEST_TMPDIR/cmp.XXXX")
	kernel_view "$img" "$out/kernel"
	fsimg ls -R --json "$@" "$img" >"$out/ls.json"
	python3 "$TREE" json "$out/ls.json" >"$out/fsimg.meta"
	diff -u "$out/kernel.meta" "$out/fsimg.meta"
	fsimg get -q "$@" "$img" / "$out/get"
	python3 "$TREE" fs "$out/get" --content --no-xattrs \
		--fields type,target >"$out/get.data"
	diff -u "$out/kernel.data" "$out/get.data"
	[ "$(wc -l <"$out/kernel.meta")" -gt 10 ]
	rm -rf "$out"
}

# fork_format IMG INO: the data and attribute fork formats xfs_db reads
fork_format() {
	xfs_db -r -c "inode $2" -c "p core.format core.aformat" "$1" |
		sed -E 's/.*\((.*)\)/\1/' | tr '\n' ' '
}
