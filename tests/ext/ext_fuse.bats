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

# Files the kernel itself wrote: unwritten (fallocated) extents beside
# written ones (over blocks that held other data), holes, and a file of 1500 extents, whose extent tree has
# index blocks. Read whole and at odd offsets through get, cat and a FUSE
# mount (where the extent map decides what is spliced from the image).
@test "ext4 written by the kernel: unwritten extents, holes, index blocks" {
	local t=$T f
	truncate -s 64M "$t/img"
	mke2fs -q -t ext4 -F "$t/img"
	mkdir "$t/k" "$t/m"
	mount -o loop "$t/img" "$t/k"
	python3 - "$t/k" <<'PY'
import os, sys
top = sys.argv[1]
def data(n, seed):
    return bytes((i * 131 + seed) & 0xff for i in range(n))
# free blocks that hold non-zero bytes: unwritten extents must read as
# zeroes, not as what the disk holds
with open(os.path.join(top, "fill"), "wb") as f:
    try:
        while True:
            f.write(b"\xaa" * (1 << 20))
            f.flush()
    except OSError:
        pass  # the filesystem is full
    os.fsync(f.fileno())
os.unlink(os.path.join(top, "fill"))
os.sync()
# every other 4 KiB block written: 1500 extents
with open(os.path.join(top, "frag"), "wb") as f:
    for i in range(1500):
        f.seek(i * 8192)
        f.write(data(4096, i))
        f.flush()
        os.fsync(f.fileno())
# 1 MiB fallocated, 4 KiB written in its middle, a hole, more data
fd = os.open(os.path.join(top, "prealloc"), os.O_CREAT | os.O_WRONLY)
os.posix_fallocate(fd, 0, 1 << 20)
os.pwrite(fd, data(4096, 7), 256 << 10)
os.pwrite(fd, data(10000, 9), 3 << 20)
os.fsync(fd)
os.close(fd)
# sparse: data at 0, 100 MiB and the last byte of 1 GiB
fd = os.open(os.path.join(top, "sparse"), os.O_CREAT | os.O_WRONLY)
os.pwrite(fd, data(5000, 1), 0)
os.pwrite(fd, data(70000, 2), 100 << 20)
os.pwrite(fd, b"z", (1 << 30) - 1)
os.close(fd)
PY
	umount "$t/k"
	debugfs -R "stat /frag" "$t/img" 2>/dev/null | grep -q "(ETB[0-9])"
	mount -o loop,ro "$t/img" "$t/k"
	"$FSIMG" mount -o backend=fuse "$t/img" "$t/m"
	"$FSIMG" get -q "$t/img" / "$t/out"
	for f in frag prealloc sparse; do
		cmp "$t/k/$f" "$t/out/$f"
		"$FSIMG" cat "$t/img" "/$f" | cmp "$t/k/$f" -
		cmp "$t/k/$f" "$t/m/$f"
		# unaligned ranges that start in holes, unwritten and written
		# extents and cross from one to the next
		for off in 1 4095 8191 262143 266241 1048575 3145727 104857599; do
			cmp <(tail -c +$((off + 1)) "$t/k/$f" | head -c 300000) \
				<(tail -c +$((off + 1)) "$t/m/$f" | head -c 300000)
		done
	done
	"$FSIMG" umount "$t/m"
	umount "$t/k"
}

# A lookup follows a directory's hash index when it has one
# (lib/fs/ext_dx.c); without, it reads the directory through the handle's
# own stream buffer (lib/fs/ext_io.c), read-ahead doubling while the blocks
# follow each other. Directories the kernel wrote, of 6,300 names (more
# than the 64 KiB that makes a lookup stream; 300 of them with a byte above
# 0x7f, which the signed hash hashes as negative), in more than one run of
# blocks, with and without an htree, 1 KiB and 4 KiB blocks: every name,
# looked up without a listing first, finds the file the kernel finds;
# misses fail.
@test "ext: lookups in big directories find what the kernel finds" {
	local t=$T bs idx
	mkdir "$t/k" "$t/m"
	for bs in 1024:dir_index 4096:^dir_index; do
		idx=${bs#*:}
		bs=${bs%%:*}
		rm -f "$t/img"
		truncate -s 64M "$t/img"
		mke2fs -q -t ext4 -b "$bs" -O "$idx" -F "$t/img"
		mount -o loop "$t/img" "$t/k"
		python3 - "$t/k" <<'PY'
import os, sys
top = sys.argv[1]
os.mkdir(os.path.join(top, "big"))
os.mkdir(os.path.join(top, "data"))
for i in range(6000):
    with open(os.path.join(top, "big", "name-%04d" % i), "w") as f:
        f.write("%d\n" % i)
    if i % 20 == 0:
        with open(os.path.join(top, "big", "\u00e9t\u00e9-%d" % i), "w") as f:
            f.write("%d\n" % i)
    if i % 50 == 0:
        with open(os.path.join(top, "data", "d%d" % i), "wb") as f:
            f.write(b"x" * 16384)
        os.sync()
PY
		umount "$t/k"
		# the kernel puts an htree root apart from the blocks after it
		[ "$bs" = 4096 ] ||
			[ "$(debugfs -R "ex /big" "$t/img" 2>/dev/null | grep -c '^ *[0-9]')" -ge 2 ]
		mount -o loop,ro "$t/img" "$t/k"
		"$FSIMG" mount -o backend=fuse "$t/img" "$t/m"
		(cd "$t/k/big" && seq -f 'name-%04g' 5999 -7 0 && seq -f 'été-%g' 5980 -20 0 && echo name-6000 nope été-1) >"$t/names"
		[ "$bs" = 4096 ] || lsattr -d "$t/k/big" | grep -q '^[^ ]*I'

		(cd "$t/k/big" && xargs stat -c '%n %s %F' <"$t/names" 2>/dev/null; xargs cat <"$t/names" 2>/dev/null) >"$t/kernel.out" || true
		(cd "$t/m/big" && xargs stat -c '%n %s %F' <"$t/names" 2>/dev/null; xargs cat <"$t/names" 2>/dev/null) >"$t/fsimg.out" || true
		[ "$(wc -l <"$t/kernel.out")" -eq 2316 ]
		diff -u "$t/kernel.out" "$t/fsimg.out"
		run stat "$t/m/big/name-6000"
		[ "$status" -ne 0 ]
		[ "$("$FSIMG" cat "$t/img" /big/name-5999)" = 5999 ]
		# bigger than the stream buffer: without an index, the lookups
		# above streamed
		[ "$(stat -c %s "$t/k/big")" -gt 65536 ]
		[ "$("$FSIMG" cat "$t/img" /big/name-0000)" = 0 ]
		"$FSIMG" umount "$t/m"
		umount "$t/k"
	done
}

# An allow_other mount checks permissions in the kernel, and there the
# kernel also caches and enforces POSIX ACLs (FUSE_CAP_POSIX_ACL): a named
# user entry grants a file its mode bits deny, and takes away what "other"
# would give, for that user exactly as on the kernel's own mount.
@test "ext: POSIX ACLs through an allow_other FUSE mount act as on the kernel's" {
	local t=$T
	mkdir "$t/src" "$t/k"
	python3 - "$t/src" "$USER_ID" <<'PY'
import os, struct, sys
top, uid = sys.argv[1], int(sys.argv[2])
def acl(user_perm):
    ent = [(0x01, 6, 0xFFFFFFFF), (0x02, user_perm, uid),
           (0x04, 4, 0xFFFFFFFF), (0x10, 4, 0xFFFFFFFF),
           (0x20, 4, 0xFFFFFFFF)]
    return struct.pack("<I", 2) + b"".join(
        struct.pack("<HHI", *e) for e in ent)
for name, mode, perm in (("granted", 0o600, 4), ("refused", 0o644, 0)):
    p = os.path.join(top, name)
    with open(p, "w") as f:
        f.write(name + "\n")
    os.chmod(p, mode)
    os.setxattr(p, "system.posix_acl_access", acl(perm))
with open(os.path.join(top, "plain"), "w") as f:
    f.write("plain\n")
os.chmod(top, 0o755)
PY
	mke2fs -q -F -t ext4 -E root_owner=0:0 -d "$t/src" "$t/img" 8M
	mount -o loop,ro "$t/img" "$t/k"
	"$FSIMG" mount -o backend=fuse,allow_other "$t/img" "$T/mnt"
	for f in granted refused plain; do
		want=$(as_user cat "$t/k/$f" 2>/dev/null || echo DENIED)
		got=$(as_user cat "$T/mnt/$f" 2>/dev/null || echo DENIED)
		echo "$f: kernel '$want' fuse '$got'"
		[ "$want" = "$got" ]
	done
	[ "$(as_user cat "$T/mnt/granted")" = granted ]
	! as_user cat "$T/mnt/refused"
	[ "$(getfattr --only-values -n system.posix_acl_access "$T/mnt/granted" |
		od -An -tx1)" = "$(getfattr --only-values -n system.posix_acl_access \
		"$t/k/granted" | od -An -tx1)" ]
	"$FSIMG" umount "$T/mnt"
	umount "$t/k"
}

