#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkxattrs.py DIR: adds DIR/xattr (extended attributes) and DIR/xtimes.

user.* values of several sizes (in-inode, in an EA block, empty, binary),
trusted.* and security.* (as root), and a POSIX access ACL written in the
xattr format of acl(5), so mke2fs -d stores it in the ext4 ACL format.
"""
import os
import struct
import sys

top = os.path.join(sys.argv[1], "xattr")
os.makedirs(top)


def mk(name, data=b"x\n"):
    p = os.path.join(top, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


p = mk("small")
os.setxattr(p, "user.small", b"hello")
os.setxattr(p, "user.empty", b"")
os.setxattr(p, "user.binary", bytes(range(256))[:64])
p = mk("block")
os.setxattr(p, "user.big", b"B" * 700)  # does not fit a 256-byte inode
os.setxattr(p, "user.other", b"second value")
p = mk("many")
for i in range(20):
    os.setxattr(p, "user.attr%02d" % i, ("value %d" % i).encode())
p = mk("trusted")
os.setxattr(p, "trusted.t", b"\x00\x01\x02")
os.setxattr(p, "security.s", b"label")
# acl(5) xattr: version 2, then (tag, perm, id) entries
ent = [(0x01, 6, 0xFFFFFFFF), (0x02, 4, 1000), (0x04, 4, 0xFFFFFFFF),
       (0x10, 4, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)]
acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in ent)
p = mk("acl")
os.setxattr(p, "system.posix_acl_access", acl)
d = os.path.join(top, "dir")
os.mkdir(d)
os.setxattr(d, "user.ondir", b"dir value")
os.symlink("small", os.path.join(top, "link"))

# nanosecond and post-2038 times (stored in the large inode's extra fields)
t = os.path.join(sys.argv[1], "xtimes")
os.makedirs(t)
for name, ns in (("ns", 1589718896123456789), ("y2040", 2208988800987654321),
                 ("y2400", 13569465600000000001), ("pre1970", -86400 * 365 * 10**9 + 5)):
    p = os.path.join(t, name)
    with open(p, "w") as f:
        f.write(name + "\n")
    os.utime(p, ns=(ns, ns))
