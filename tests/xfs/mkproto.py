#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkproto.py [--prune] SRC: a mkfs.xfs prototype file (-p) for SRC.

Regular files, directories, symlinks, character and block devices and
FIFOs, with their modes (set-id bits too) and owners. The format
separates fields with white space and has no sockets or hard links, so
those cannot be written, nor the sticky bit: --prune first removes from SRC the names and
symlink targets with white space and the sockets, clears the sticky
bits and makes every hard link a copy, so that SRC is then exactly what the image holds. Used to
make V4 images, which this kernel cannot mount, from a tree they can be
compared with.
"""
import os
import shutil
import stat
import sys


def mode_field(st):
    m = st.st_mode
    kind = {stat.S_IFREG: "-", stat.S_IFDIR: "d", stat.S_IFLNK: "l",
            stat.S_IFCHR: "c", stat.S_IFBLK: "b",
            stat.S_IFIFO: "p"}[stat.S_IFMT(m)]
    return "%s%s%s%03o" % (kind, "u" if m & stat.S_ISUID else "-",
                           "g" if m & stat.S_ISGID else "-", m & 0o777)


def emit(path, depth, out):
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        st = os.lstat(p)
        if stat.S_ISSOCK(st.st_mode) or any(c.isspace() for c in name):
            continue
        pad = " " * depth
        line = "%s%s %s %d %d" % (pad, name, mode_field(st), st.st_uid,
                                  st.st_gid)
        if stat.S_ISREG(st.st_mode):
            out.append("%s %s" % (line, os.path.abspath(p)))
        elif stat.S_ISLNK(st.st_mode):
            out.append("%s %s" % (line, os.readlink(p)))
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            out.append("%s %d %d" % (line, os.major(st.st_rdev),
                                     os.minor(st.st_rdev)))
        elif stat.S_ISDIR(st.st_mode):
            out.append(line)
            emit(p, depth + 1, out)
            out.append(pad + "$")
        else:
            out.append(line)


def prune(top):
    for root, dirs, files in os.walk(top, topdown=False):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            bad = any(c.isspace() for c in name) or stat.S_ISSOCK(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                bad = bad or any(c.isspace() for c in os.readlink(p))
            if bad:
                if stat.S_ISDIR(st.st_mode):
                    shutil.rmtree(p)
                else:
                    os.unlink(p)
                continue
            if st.st_mode & stat.S_ISVTX and not stat.S_ISLNK(st.st_mode):
                os.chmod(p, stat.S_IMODE(st.st_mode) & ~stat.S_ISVTX)
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                tmp = p + ".copy"
                shutil.copy2(p, tmp)
                os.chown(tmp, st.st_uid, st.st_gid)
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
                os.rename(tmp, p)


def main():
    args = sys.argv[1:]
    if args[0] == "--prune":
        args = args[1:]
        prune(args[0])
    src = args[0]
    st = os.stat(src)
    out = ["/dev/null", "0 0", "d--%03o %d %d" % (st.st_mode & 0o777,
                                                  st.st_uid, st.st_gid)]
    emit(src, 1, out)
    out.append("$")
    print("\n".join(out))


main()
