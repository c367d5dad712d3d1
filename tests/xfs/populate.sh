#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# populate.sh DIR [small]: writes, through a kernel mount of an XFS image
# at DIR, a tree that forces every on-disk form the driver reads:
#   directories   shortform (sf), block (blk), leaf (leaf, ~300 entries),
#                 node (node, 20000 entries; 100000 without "small")
#   files         inline-extent holes (sparse), unwritten extents
#                 (prealloc), a fragmented file whose extents need a
#                 B+tree (frag), a plain random file
#   symlinks      local and remote (600 bytes)
#   attributes    shortform, leaf, node (many names), remote values, ACLs
#   others        a hard link, a character device, a FIFO, a socket
set -e
d=$1
n=${2:-full}
cd "$d"
mkdir -p sf blk leaf node attrs
touch sf/a sf/bb sf/ccc
for i in $(seq 1 40); do echo "$i" >"blk/entry_$i"; done
for i in $(seq 1 300); do : >"leaf/name_of_some_length_$i"; done
count=100000
[ "$n" = small ] && count=20000
python3 - "$count" <<'PY'
import os, sys
for i in range(int(sys.argv[1])):
    open("node/f%06d_%s" % (i, "n" * (i % 40)), "w").close()
PY
head -c 3000000 /dev/urandom >rnd
ln rnd hardlink
truncate -s 20M sparse
echo middle | dd of=sparse bs=1 seek=7000000 conv=notrunc status=none
echo end >>sparse
fallocate -l 2M prealloc
echo written | dd of=prealloc bs=1 seek=1000000 conv=notrunc status=none
# a fragmented file: every other 4 KiB block written, in reverse order,
# with fsync between, so that the allocator cannot merge the extents
python3 - <<'PY'
import os
fd = os.open("frag", os.O_WRONLY | os.O_CREAT, 0o644)
for i in reversed(range(0, 1200, 2)):
    os.pwrite(fd, (b"%08d" % i) * 512, i * 4096)
    if i % 64 == 0:
        os.fsync(fd)
os.close(fd)
PY
ln -s sf/a link
ln -s "$(printf 'x%.0s' $(seq 1 600))" longlink
mknod cdev c 4 5
mkfifo fifo
python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind("sock")'
setfattr -n user.small -v 1 attrs
: >attrs/leafy
for i in $(seq 1 40); do setfattr -n "user.attr_$i" -v "value $i" attrs/leafy; done
: >attrs/nodey
for i in $(seq 1 600); do setfattr -n "user.a_rather_long_attribute_name_$i" -v "v$i" attrs/nodey; done
: >attrs/remote
setfattr -n user.big -v "$(head -c 9000 /dev/zero | tr '\0' r)" attrs/remote
setfattr -n trusted.t -v tv attrs/remote
setfattr -n security.s -v sv attrs/remote
setfacl -m u:1000:rw,g:100:r attrs/remote
mkdir attrs/dacl
setfacl -d -m g:100:rx attrs/dacl
chown 1234:5678 blk/entry_1
chmod 4751 blk/entry_2
touch -d '1901-12-14 00:00:00 UTC' blk/entry_3 2>/dev/null || true
touch -d '2200-01-01 00:00:00 UTC' blk/entry_4 2>/dev/null || true
