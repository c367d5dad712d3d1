# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the ext bats files: the source tree, images, the comparisons.

EXT_TESTS=${FSIMG_SRCDIR:?}/tests/ext
EXT_TREE=$EXT_TESTS/ext_tree.py
# a python an ordinary user may run (not a per-user shim)
USER_PY=/usr/bin/python3
[ -x $USER_PY ] || USER_PY=python3

skip_unless_root() {
	[ "$(id -u)" = 0 ] || skip "needs root: kernel loop mounts are the ground truth"
	grep -qw ext4 /proc/filesystems || modprobe ext4 2>/dev/null ||
		skip "the kernel has no ext4"
}

# ext_src DIR: the generated tree (tests/lib/mktree.sh) plus xattrs/times.
ext_src() {
	bash "$FSIMG_SRCDIR/tests/lib/mktree.sh" "$1" >/dev/null
	python3 "$EXT_TESTS/mkxattrs.py" "$1"
}

# ext_image SRC OUT TYPE [mke2fs options...]
ext_image() {
	local src=$1 out=$2 type=$3
	shift 3
	mke2fs -q -F -t "$type" -L "fsimg-$type" -E root_owner=0:0 "$@" \
		-d "$src" "$out" 96M
}

# DATA_FIELDS: what an extraction must reproduce (with --content)
DATA_FIELDS=type,target

# kernel_dump IMG OUT: the kernel's view (loop mount, ro): OUT.meta every
# field, OUT.data types, targets and contents.
kernel_dump() {
	local img=$1 out=$2 mnt rc=0
	mnt=$(mktemp -d)
	mount -o ro,loop,noload "$img" "$mnt" 2>/dev/null ||
		mount -o ro,loop "$img" "$mnt"
	python3 "$EXT_TREE" fs "$mnt" >"$out.meta" &&
		python3 "$EXT_TREE" fs "$mnt" --content --no-xattrs \
			--fields $DATA_FIELDS >"$out.data" || rc=1
	umount "$mnt"
	rmdir "$mnt"
	return $rc
}
