#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a disk image holding a Solaris x86 VTOC inside an MBR partition.

The label follows illumos usr/src/uts/common/sys/dklabel.h (struct
dk_label, _SUNOS_VTOC_16 layout, little-endian) and sys/vtoc.h (tags):
it sits in the second sector of the fdisk partition, slice starts count
sectors from the start of that partition, and dkl_cksum makes the XOR of the
label's 256 16-bit words zero.

Slices: 8 boot (the first cylinder), 0 root (--root IMAGE), 1 swap,
7 home (--home IMAGE, optional), 2 backup (the whole fdisk partition).

    mkvtoc.py OUT --root ROOT.img [--home HOME.img] [--type 0xbf|0x82]
              [--bad-cksum] [--slice-past-end]
Prints one line per slice: "sK START SIZE" in bytes from the image start.
"""
import argparse
import struct
import sys

SECTOR = 512
VTOC_SANE = 0x600DDEEE
V_VERSION = 1
DKL_MAGIC = 0xDABE
NDKMAP = 16
TAGS = {"boot": 1, "root": 2, "swap": 3, "backup": 5, "home": 8}
V_UNMNT = 0x01
PART_LBA = 2048
CYL = 1024  # sectors in a "cylinder" of this made-up geometry


def sectors(nbytes):
    return (nbytes + CYL * SECTOR - 1) // (CYL * SECTOR) * CYL


def label(slices, bad_cksum):
    b = bytearray(SECTOR)
    # struct dk_vtoc: v_bootinfo[3], v_sanity, v_version, v_volume[8],
    # v_sectorsz, v_nparts, v_reserved[10]
    struct.pack_into("<II8sHH", b, 12, VTOC_SANE, V_VERSION, b"fsimgvt",
                     SECTOR, NDKMAP)
    for k, (tag, flag, start, size) in slices.items():
        # struct dkl_partition { p_tag, p_flag, p_start, p_size }
        struct.pack_into("<HHiI", b, 72 + 12 * k, tag, flag, start, size)
    struct.pack_into("<128s", b, 328, b"fsimg test VTOC cyl 0 alt 0 hd 1 sec 1")
    struct.pack_into("<H", b, 508, DKL_MAGIC)
    x = 0
    for i in range(0, 510, 2):
        x ^= struct.unpack_from("<H", b, i)[0]
    if bad_cksum:
        x ^= 0x5a5a
    struct.pack_into("<H", b, 510, x)
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--root", required=True)
    ap.add_argument("--home")
    ap.add_argument("--type", default="0xbf")
    ap.add_argument("--bad-cksum", action="store_true")
    ap.add_argument("--slice-past-end", action="store_true")
    a = ap.parse_args()

    root = open(a.root, "rb").read()
    home = open(a.home, "rb").read() if a.home else b""
    slices = {}
    at = 0
    slices[8] = (TAGS["boot"], V_UNMNT, at, CYL)
    at += CYL
    slices[0] = (TAGS["root"], 0, at, sectors(len(root)))
    at += sectors(len(root))
    slices[1] = (TAGS["swap"], V_UNMNT, at, 2 * CYL)
    at += 2 * CYL
    if home:
        slices[7] = (TAGS["home"], 0, at, sectors(len(home)))
        at += sectors(len(home))
    psize = at
    slices[2] = (TAGS["backup"], V_UNMNT, 0, psize)
    if a.slice_past_end:
        s = slices[0]
        slices[0] = (s[0], s[1], s[2], psize * 4)

    total = PART_LBA + psize
    img = bytearray(total * SECTOR)
    # MBR entry 1: status, CHS (unused), type, CHS, LBA start, sectors
    struct.pack_into("<B3sB3sII", img, 446, 0x80, b"\xfe\xff\xff",
                     int(a.type, 16), b"\xfe\xff\xff", PART_LBA, psize)
    img[510:512] = b"\x55\xaa"
    base = PART_LBA * SECTOR
    img[base + SECTOR:base + 2 * SECTOR] = label(slices, a.bad_cksum)
    for k, data in ((0, root), (7, home)):
        if data:
            off = base + slices[k][2] * SECTOR
            img[off:off + len(data)] = data
    with open(a.out, "wb") as f:
        f.write(img)
    for k in sorted(slices):
        print("s%d %d %d" % (k, base + slices[k][2] * SECTOR,
                             slices[k][3] * SECTOR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
