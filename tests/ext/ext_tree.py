#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Canonical listings of ext trees, to diff the kernel against fsimg.

    ext_tree.py fs DIR [--content] [--no-xattrs] [--fields F,...]
    ext_tree.py json FILE [--no-xattrs] [--fields F,...]

One line per entry below the top, sorted by path: the JSON-quoted path and
every field: type, mode (octal, all 12 bits), nlink, uid, gid, size,
blocks, atime, mtime, ctime (seconds.nanoseconds), ino, rdev, target,
xattrs (name=hex value, sorted), and with --content the sha256 of regular
files. "fs" reads a mounted tree (the kernel's loop mount or a FUSE mount)
with lstat/readlink/llistxattr; "json" reads `fsimg ls -R --json`.
"""
import base64
import hashlib
import json
import os
import stat
import sys

ALL = ["type", "mode", "nlink", "uid", "gid", "size", "blocks", "atime",
       "mtime", "ctime", "ino", "rdev", "target", "xattrs"]
TYPES = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink",
         stat.S_IFCHR: "chardev", stat.S_IFBLK: "blockdev",
         stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket"}


def ts(sec, nsec):
    return "%d.%09d" % (sec, nsec)


def from_fs(top, content, xattrs):
    out = {}
    top = os.fsencode(top)
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            rel = os.fsdecode(os.path.relpath(p, top))
            e = {"type": TYPES.get(stat.S_IFMT(st.st_mode), "?"),
                 "mode": "%05o" % stat.S_IMODE(st.st_mode),
                 "nlink": st.st_nlink, "uid": st.st_uid, "gid": st.st_gid,
                 "size": st.st_size, "blocks": st.st_blocks,
                 "atime": ts(st.st_atime_ns // 10**9, st.st_atime_ns % 10**9),
                 "mtime": ts(st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9),
                 "ctime": ts(st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9),
                 "ino": st.st_ino, "rdev": None, "target": None}
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                e["rdev"] = "%d,%d" % (os.major(st.st_rdev),
                                       os.minor(st.st_rdev))
            if stat.S_ISLNK(st.st_mode):
                e["target"] = os.readlink(p).hex()
            if xattrs:
                xs = []
                for n in sorted(os.listxattr(p, follow_symlinks=False)):
                    v = os.getxattr(p, n, follow_symlinks=False)
                    xs.append(n + "=" + v.hex())
                e["xattrs"] = xs
            if content and stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                e["sha256"] = h.hexdigest()
            out[rel] = e
    return out


def from_json(path, xattrs):
    out = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        arr = json.load(f)
    for o in arr:
        rel = o["path"].lstrip("/")
        e = {"type": o["type"], "mode": "%05o" % (o["mode"] & 0o7777),
             "nlink": o["nlink"], "uid": o["uid"], "gid": o["gid"],
             "size": o["size"], "blocks": o["blocks"],
             "atime": ts(o["atime"], o["atime_ns"]),
             "mtime": ts(o["mtime"], o["mtime_ns"]),
             "ctime": ts(o["ctime"], o["ctime_ns"]),
             "ino": o["ino"], "rdev": None, "target": None}
        if "rdev" in o:
            e["rdev"] = "%d,%d" % tuple(o["rdev"])
        if "target" in o:
            e["target"] = o["target"].encode("utf-8", "surrogateescape").hex()
        if xattrs:
            xs = []
            for n, v in sorted((o.get("xattrs") or {}).items()):
                if v.startswith("base64:"):
                    b = base64.b64decode(v[7:])
                else:
                    b = v.encode("utf-8", "surrogateescape")
                xs.append(n + "=" + b.hex())
            e["xattrs"] = xs
        out[rel] = e
    return out


def main():
    a = sys.argv[1:]
    if len(a) < 2 or a[0] not in ("fs", "json"):
        sys.exit(__doc__)
    content = "--content" in a
    xattrs = "--no-xattrs" not in a
    fields = list(ALL)
    if "--fields" in a:
        fields = a[a.index("--fields") + 1].split(",")
    if not xattrs and "xattrs" in fields:
        fields.remove("xattrs")
    if content:
        fields.append("sha256")
    tree = (from_fs(a[1], content, xattrs) if a[0] == "fs"
            else from_json(a[1], xattrs))
    w = sys.stdout.buffer
    for rel in sorted(tree, key=lambda s: s.encode("utf-8", "surrogateescape")):
        e = tree[rel]
        parts = [json.dumps(rel)] + ["%s=%s" % (k, json.dumps(e.get(k)))
                                     for k in fields]
        w.write((" ".join(parts) + "\n").encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
