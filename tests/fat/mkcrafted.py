#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Crafted FAT images, one per failure the driver must report clearly.

    mkcrafted.py OUTDIR

Each image is a 1.44 MB FAT12 volume built here byte by byte (no tools
needed): 512-byte sectors and clusters, 1 reserved sector, 2 FATs of 9
sectors, 224 root entries; data (cluster 2) at sector 33.

  loop.img        a file whose cluster chain loops (3 -> 4 -> 5 -> 3)
  pastend.img     a file whose chain points past the last cluster
  badbpb.img      BPB_BytsPerSec = 300
  selfdir.img     directory D holds an entry E whose cluster is D's own
  lfn.img         long names: a surrogate pair (U+1F600), a set with a bad
                  checksum (the short name must be used), NT lower-case
                  flags, a deleted entry, a label entry
  short.img       a chain that ends before the file's size
"""
import os
import struct
import sys

SEC = 512
TOTAL = 2880
ROOT_SEC = 19
DATA_SEC = 33


def boot(bps=SEC):
    b = bytearray(SEC)
    b[0:3] = b"\xeb\x3c\x90"
    b[3:11] = b"CRAFTED "
    struct.pack_into("<HBHBHHBHHHII", b, 11, bps, 1, 1, 2, 224, TOTAL,
                     0xF0, 9, 18, 2, 0, 0)
    b[36] = 0
    b[38] = 0x29
    struct.pack_into("<I", b, 39, 0x12345678)
    b[43:54] = b"CRAFTED    "
    b[54:62] = b"FAT12   "
    b[510:512] = b"\x55\xaa"
    return b


class Img:
    def __init__(self, bps=SEC):
        self.d = bytearray(TOTAL * SEC)
        self.d[0:SEC] = boot(bps)
        self.fat(0, 0xFF0)
        self.fat(1, 0xFFF)

    def fat(self, n, v):
        for copy in range(2):
            off = SEC * (1 + 9 * copy) + n * 3 // 2
            cur = struct.unpack_from("<H", self.d, off)[0]
            if n & 1:
                cur = (cur & 0x000F) | (v << 4)
            else:
                cur = (cur & 0xF000) | v
            struct.pack_into("<H", self.d, off, cur)

    def cluster(self, c):
        return (DATA_SEC + c - 2) * SEC

    def entry(self, pos, name, attr, clus, size, nt=0):
        e = bytearray(32)
        e[0:11] = name
        e[11] = attr
        e[12] = nt
        # 2021-03-04 05:06:08, date also as access and creation
        date = ((2021 - 1980) << 9) | (3 << 5) | 4
        time = (5 << 11) | (6 << 5) | 4
        struct.pack_into("<BHHHHHHHI", e, 13, 0, time, date, date, 0,
                         time, date, clus, size)
        self.d[pos:pos + 32] = e

    def root(self, i):
        return ROOT_SEC * SEC + 32 * i

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.d)


def lfn_checksum(name):
    s = 0
    for c in name:
        s = (((s & 1) << 7) + (s >> 1) + c) & 0xFF
    return s


def lfn_entries(longname, short):
    units = list(longname.encode("utf-16-le"))
    u16 = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]
    if len(u16) % 13:
        u16 += [0]
    while len(u16) % 13:
        u16.append(0xFFFF)
    n = len(u16) // 13
    out = []
    for k in range(n, 0, -1):
        part = u16[(k - 1) * 13:k * 13]
        e = bytearray(32)
        e[0] = k | (0x40 if k == n else 0)
        e[11] = 0x0F
        e[13] = lfn_checksum(short)
        for i, u in enumerate(part):
            off = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30][i]
            struct.pack_into("<H", e, off, u)
        out.append(e)
    return out


def file_chain(img, first, count):
    for c in range(first, first + count - 1):
        img.fat(c, c + 1)
    img.fat(first + count - 1, 0xFFF)


def main(out):
    os.makedirs(out, exist_ok=True)

    img = Img()
    img.entry(img.root(0), b"LOOP    TXT", 0x20, 3, 3 * SEC + 10)
    img.fat(3, 4)
    img.fat(4, 5)
    img.fat(5, 3)
    img.save(os.path.join(out, "loop.img"))

    img = Img()
    img.entry(img.root(0), b"PASTEND TXT", 0x20, 3, 3 * SEC)
    img.fat(3, 4)
    img.fat(4, 0xF00)
    img.save(os.path.join(out, "pastend.img"))

    img = Img()
    img.entry(img.root(0), b"SHORT   TXT", 0x20, 3, 5 * SEC)
    file_chain(img, 3, 2)
    img.save(os.path.join(out, "short.img"))

    img = Img(bps=300)
    img.save(os.path.join(out, "badbpb.img"))

    img = Img()
    img.entry(img.root(0), b"D          ", 0x10, 2, 0)
    img.fat(2, 0xFFF)
    d = img.cluster(2)
    img.entry(d, b".          ", 0x10, 2, 0)
    img.entry(d + 32, b"..         ", 0x10, 0, 0)
    img.entry(d + 64, b"E          ", 0x10, 2, 0)
    img.save(os.path.join(out, "selfdir.img"))

    img = Img()
    i = 0
    img.entry(img.root(i), b"VOLNAME    ", 0x08, 0, 0)
    i += 1
    short = b"SMILE~1 TXT"
    for e in lfn_entries("a\U0001F600 smile.txt", short):
        img.d[img.root(i):img.root(i) + 32] = e
        i += 1
    img.entry(img.root(i), short, 0x20, 3, 6)
    file_chain(img, 3, 1)
    img.d[img.cluster(3):img.cluster(3) + 6] = b"smile\n"
    i += 1
    short = b"BROKEN~1TXT"
    ents = lfn_entries("broken long name.txt", short)
    ents[0][13] ^= 0x55  # checksum of the first slot wrong
    for e in ents:
        img.d[img.root(i):img.root(i) + 32] = e
        i += 1
    img.entry(img.root(i), short, 0x20, 0, 0)
    i += 1
    img.entry(img.root(i), b"\xe5ELETED TXT", 0x20, 0, 0)
    i += 1
    img.entry(img.root(i), b"LOWER   TXT", 0x20, 0, 0, nt=0x18)
    i += 1
    img.entry(img.root(i), b"\x05\x80X     TXT", 0x20, 0, 0)
    img.save(os.path.join(out, "lfn.img"))

    # Found by fuzz_fat: a short name holding '/' reached readdir callers
    # as a name with a slash. Such an entry is skipped with a message.
    img = Img()
    img.entry(img.root(0), b"A/B     TXT", 0x20, 3, 3)
    img.entry(img.root(1), b"OK      TXT", 0x20, 3, 3)
    file_chain(img, 3, 1)
    img.d[img.cluster(3):img.cluster(3) + 3] = b"ok\n"
    img.save(os.path.join(out, "slashname.img"))

    # Found by fuzz_fat once a NUL ended a short name: ".\0" and "..\0"
    # read as "." and "..", names no directory may list. Skipped with a
    # message; a short name cut by a NUL is otherwise read up to it.
    img = Img()
    img.entry(img.root(0), b".\0         ", 0x20, 3, 3)
    img.entry(img.root(1), b"..\0        ", 0x10, 0, 0)
    img.entry(img.root(2), b"OK      TXT", 0x20, 3, 3)
    img.entry(img.root(3), b"CUT~1    \0\0", 0x20, 3, 3)
    file_chain(img, 3, 1)
    img.d[img.cluster(3):img.cluster(3) + 3] = b"ok\n"
    img.save(os.path.join(out, "dotname.img"))


if __name__ == "__main__":
    main(sys.argv[1])
