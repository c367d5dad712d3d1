# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the XFS bats files: images, and populating them through the
# kernel, whose view is the ground truth (tests/lib/kernel_view.bash).

XFS_TESTS=$FSIMG_SRCDIR/tests/xfs
# shellcheck source=../lib/kernel_view.bash
source "$FSIMG_SRCDIR/tests/lib/kernel_view.bash"

need_kernel_xfs() { need_kernel xfs; }

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
	mnt=$(kmnt)
	local rc=0
	mount -o loop "$1" "$mnt"
	bash "$XFS_TESTS/populate.sh" "$mnt" "${2:-full}" >/dev/null || rc=$?
	umount "$mnt"
	rmdir "$mnt"
	return $rc
}

# fork_format IMG INO: the data and attribute fork formats xfs_db reads
fork_format() {
	xfs_db -r -c "inode $2" -c "p core.format core.aformat" "$1" |
		sed -E 's/.*\((.*)\)/\1/' | tr '\n' ' '
}
