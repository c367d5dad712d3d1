#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ext through FUSE: an ordinary user's mount read back exactly as the
# kernel reads the image, 16 parallel readers, and the kernel and FUSE
# backends of fsimg mount giving identical trees. Run as root by
# tests/mount/run.sh (private mount namespace, usable /dev/fuse).

load "$FSIMG_SRCDIR/tests/mount/helpers"
load ext_helpers

setup_file() {
	export SRC=$FSIMG_TEST_TMP/ext-src
	[ -d "$SRC" ] || ext_src "$SRC"
	export IMG=$FSIMG_TEST_TMP/ext4.img
	ext_image "$SRC" "$IMG" ext4 -O inline_data,metadata_csum,64bit
	chmod 644 "$IMG"
	kernel_dump "$IMG" "$FSIMG_TEST_TMP/kernel"
}

setup() {
	common_setup
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

@test "ext: an ordinary user's FUSE mount reads back as the kernel reads" {
	as_user "$FSIMG" mount "$IMG" "$T/mnt"
	findmnt -rn -o FSTYPE --mountpoint "$T/mnt" | grep -qx fuse.fsimg
	# metadata (not xattrs: trusted.* is root's) and contents
	as_user "$USER_PY" "$EXT_TREE" fs "$T/mnt" --no-xattrs >"$T/fuse.meta"
	diff -u <(sed 's/ xattrs=.*$//' "$FSIMG_TEST_TMP/kernel.meta") \
		"$T/fuse.meta"
	as_user "$USER_PY" "$EXT_TREE" fs "$T/mnt" --content --no-xattrs \
		--fields $DATA_FIELDS >"$T/fuse.data"
	diff -u "$FSIMG_TEST_TMP/kernel.data" "$T/fuse.data"
	# user xattrs through getfattr
	[ "$(as_user getfattr --only-values -n user.small "$T/mnt/xattr/small")" = hello ]
	as_user "$FSIMG" umount "$T/mnt"
}

@test "ext: xattrs (all namespaces) through a FUSE mount, as root" {
	"$FSIMG" mount -o backend=fuse "$IMG" "$T/mnt"
	python3 "$EXT_TREE" fs "$T/mnt" --fields xattrs >"$T/fuse.x"
	diff -u <(sed 's/ type=.* xattrs=/ xattrs=/' "$FSIMG_TEST_TMP/kernel.meta") \
		"$T/fuse.x"
	run getfattr -d -m - "$T/mnt/xattr/acl"
	[[ "$output" == *system.posix_acl_access* ]]
}

@test "ext: 16 parallel readers through FUSE agree with the kernel" {
	as_user "$FSIMG" mount "$IMG" "$T/mnt"
	as_user "$USER_PY" "$EXT_TESTS/ext_readers.py" "$T/mnt" 16 >"$T/par.txt"
	# the same hashes the kernel gives
	python3 - "$FSIMG_TEST_TMP/kernel.data" "$T/par.txt" <<'PY'
import json, sys
want = {}
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    path, rest = line.rsplit(" type=", 1)
    if '"file"' in rest.split()[0]:
        want[json.loads(path)] = rest.split("sha256=")[1].strip().strip('"')
got = {}
for line in open(sys.argv[2], encoding="utf-8", errors="surrogateescape"):
    p, h = line.rstrip("\n").rsplit(" ", 1)
    got[json.loads(p)] = h
bad = [p for p in want if got.get(p) != want[p]]
print("\n".join(bad[:20]), file=sys.stderr)
sys.exit(1 if bad or len(got) != len(want) else 0)
PY
}

@test "ext: fsimg mount backend=kernel and backend=fuse give identical trees" {
	mkdir "$T/k"
	"$FSIMG" mount -o backend=kernel "$IMG" "$T/k"
	"$FSIMG" mount -o backend=fuse "$IMG" "$T/mnt"
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/k")" = ext4 ]
	[ "$(findmnt -rn -o FSTYPE --mountpoint "$T/mnt")" = fuse.fsimg ]
	python3 "$EXT_TREE" fs "$T/k" --content >"$T/k.txt"
	python3 "$EXT_TREE" fs "$T/mnt" --content >"$T/f.txt"
	diff -u "$T/k.txt" "$T/f.txt"
}
