#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkfat12.py OUT FILESIZE [SECTORS]

Writes OUT, FILESIZE bytes long, starting with an empty FAT12 volume of
SECTORS 512-byte sectors (default 2880, a 1.44 MB floppy): boot sector with
a BIOS parameter block, two FATs, an empty root directory, zeroes after.
For El Torito tests that need a FAT image (an EFI system partition image)
whose volume is smaller than the file, on machines without mkfs.fat.
"""
import struct
import sys


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 1
    out, filesize = argv[1], int(argv[2])
    total = int(argv[3]) if len(argv) == 4 else 2880
    fat_sectors = 9
    if filesize < 512 * (1 + 2 * fat_sectors + 14):
        print("mkfat12.py: file too small", file=sys.stderr)
        return 1
    bs = bytearray(512)
    bs[0:3] = b"\xeb\x3c\x90"
    bs[3:11] = b"FSIMGTST"
    # bytes/sector, sectors/cluster, reserved, FATs, root entries,
    # total sectors, media, sectors/FAT, sectors/track, heads, hidden,
    # total sectors (32-bit)
    struct.pack_into("<HBHBHHBHHHII", bs, 11, 512, 1, 1, 2, 224,
                     total if total < 65536 else 0, 0xF0, fat_sectors, 18, 2,
                     0, total if total >= 65536 else 0)
    bs[38] = 0x29
    struct.pack_into("<I", bs, 39, 0x12345678)
    bs[43:54] = b"EFI-TEST   "
    bs[54:62] = b"FAT12   "
    bs[510:512] = b"\x55\xaa"
    img = bytearray(filesize)
    img[0:512] = bs
    for fat in range(2):
        off = 512 * (1 + fat * fat_sectors)
        img[off:off + 3] = b"\xf0\xff\xff"
    with open(out, "wb") as f:
        f.write(img)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
