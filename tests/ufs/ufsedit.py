#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ufsedit.py IMAGE COMMAND ARGS...: patches one field of a UFS1/UFS2 image
(either byte order) to make a crafted bad image. Offsets follow FreeBSD
ufs/ffs/fs.h (struct fs), ufs/ufs/dinode.h and ufs/ufs/dir.h.

  sb OFFSET SIZE VALUE        superblock field (SIZE 1, 2, 4 or 8 bytes)
  inode INO FIELD VALUE       FIELD: mode, size, db0..db11, ib0..ib2
  dirent DIRINO N FIELD VALUE the Nth entry (0 = ".") of the directory's
                              first block; FIELD: ino, reclen, namlen,
                              namlen16 (the 16-bit d_namlen of the old
                              format, illumos ufs_fsdir.h: Solaris)
"""
import struct
import sys

UFS1, UFS2 = 0x011954, 0x19540119


def main():
    path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(path, "r+b") as f:
        img = bytearray(f.read())
        for loc in (65536, 8192, 0, 262144):
            for e in "<>":
                m = struct.unpack_from(e + "I", img, loc + 1372)[0]
                if m in (UFS1, UFS2) and not (m == UFS1 and loc == 65536):
                    break
            else:
                continue
            break
        else:
            sys.exit("no UFS superblock")
        v2 = m == UFS2

        def get(off, size):
            fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
            return struct.unpack_from(e + fmt, img, off)[0]

        def put(off, size, value):
            fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
            struct.pack_into(e + fmt, img, off, value & ((1 << 8 * size) - 1))

        sb = loc
        fsize, ipg, fpg, iblkno = (get(sb + 52, 4), get(sb + 184, 4),
                                   get(sb + 188, 4), get(sb + 16, 4))
        cgoff, cgmask = get(sb + 24, 4), get(sb + 28, 4)
        isz, psz = (256, 8) if v2 else (128, 4)
        db, ib = (112, 208) if v2 else (40, 88)
        sizeoff = 16 if v2 else 8

        def inode(ino):
            cg, idx = divmod(ino, ipg)
            frag = cg * fpg + iblkno
            if not v2:
                frag += cgoff * (cg & ~cgmask & 0xffffffff)
            return frag * fsize + idx * isz

        if cmd == "sb":
            put(sb + int(args[0], 0), int(args[1]), int(args[2], 0))
        elif cmd == "inode":
            at, field, value = inode(int(args[0])), args[1], int(args[2], 0)
            if field == "mode":
                put(at, 2, value)
            elif field == "size":
                put(at + sizeoff, 8, value)
            elif field.startswith("db"):
                put(at + db + int(field[2:]) * psz, psz, value)
            elif field.startswith("ib"):
                put(at + ib + int(field[2:]) * psz, psz, value)
            else:
                sys.exit("unknown inode field " + field)
        elif cmd == "dirent":
            at = inode(int(args[0]))
            pos = get(at + db, psz) * fsize
            for _ in range(int(args[1])):
                pos += get(pos + 4, 2)
            field, value = args[2], int(args[3], 0)
            if field == "ino":
                put(pos, 4, value)
            elif field == "reclen":
                put(pos + 4, 2, value)
            elif field == "namlen":
                put(pos + 7, 1, value)
            elif field == "namlen16":
                put(pos + 6, 2, value)
            else:
                sys.exit("unknown dirent field " + field)
        else:
            sys.exit(__doc__)
        f.seek(0)
        f.write(img)


if __name__ == "__main__":
    main()
