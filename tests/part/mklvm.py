#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Crafted LVM2 physical volumes for the lvm2 tests, made without root.

  mklvm.py IMG [--text FILE] [--wrap] [--rlocn-beyond] [--bad-crc]
           [--expect DIR] [--small]

writes a whole-disk PV (label in sector 1, one metadata area at 4 KiB,
data from 1 MiB on, 64 KiB extents) whose metadata text is FILE, or, with
no --text, a VG "vgc" of three LVs (linear, striped 2x on the one PV,
three segments listed out of order) whose extents are filled with
known bytes (filled the same way under any --text); --expect DIR receives each LV's expected contents as
DIR/LV. --wrap places the text so that it wraps around the end of the
circular buffer; --rlocn-beyond points raw_locn past the metadata area;
--bad-crc spoils the text's checksum.
"""
import argparse
import os
import random
import struct
import zlib

SECTOR = 512
INITIAL_CRC = 0xF597A6CF
MDA_OFF = 4096
MDA_SIZE = 1024 * 1024 - MDA_OFF
PE_START = 1024 * 1024
EXTENT = 64 * 1024
PE_COUNT = 48
PV_UUID = "AbCdEf0123456789GhIjKlMnOpQrStUv"


def lvm_crc(data, crc=INITIAL_CRC):
    # LVM's calc_crc() is zlib's CRC-32 without its inversions
    return zlib.crc32(bytes(data), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


def dashed(u):
    return "-".join([u[0:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:32]])


# name -> list of (start_extent, extent_count, stripe_size, [pe...])
LVS = {
    "lin": [(0, 4, 0, [0])],
    "str": [(0, 4, 16, [4, 6])],  # 2 stripes of 8 KiB chunks
    "multi": [(3, 2, 0, [20]), (0, 2, 0, [10]), (2, 1, 0, [30])],
}


def default_text():
    out = ['# crafted by mklvm.py', 'contents = "Text Format Volume Group"',
           'version = 1', 'vgc {',
           '\tid = "%s"' % dashed("VgUuid0123456789abcdefghijklmnop"),
           '\tseqno = 7', '\tformat = "lvm2"',
           '\tstatus = ["RESIZEABLE", "READ", "WRITE"]', '\tflags = []',
           '\textent_size = %d' % (EXTENT // SECTOR),
           '\tphysical_volumes {', '\t\tpv0 {',
           '\t\t\tid = "%s"' % dashed(PV_UUID),
           '\t\t\tdevice = "/dev/\\"odd\\"\\\\name"\t# escapes',
           '\t\t\tpe_start = %d' % (PE_START // SECTOR),
           '\t\t\tpe_count = %d' % PE_COUNT, '\t\t}', '\t}',
           '\tlogical_volumes {']
    for name, segs in LVS.items():
        out += ['\t\t%s {' % name,
                '\t\t\tid = "%s"' % dashed((name * 32)[:26] + "012345"),
                '\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]',
                '\t\t\tsegment_count = %d' % len(segs)]
        for i, (start, count, ssize, pes) in enumerate(segs):
            out += ['\t\t\tsegment%d {' % (i + 1),
                    '\t\t\t\tstart_extent = %d' % start,
                    '\t\t\t\textent_count = %d' % count,
                    '\t\t\t\ttype = "striped"',
                    '\t\t\t\tstripe_count = %d' % len(pes)]
            if ssize:
                out.append('\t\t\t\tstripe_size = %d' % ssize)
            out.append('\t\t\t\tstripes = [' +
                       ", ".join('"pv0", %d' % p for p in pes) + ']')
            out.append('\t\t\t}')
        out.append('\t\t}')
    out += ['\t}', '}']
    return ("\n".join(out) + "\n").encode()


def fill(img, expect):
    rnd = random.Random(1234)
    for name, segs in LVS.items():
        total = sum(s[1] for s in segs) * EXTENT
        data = rnd.getrandbits(8 * total).to_bytes(total, "little")
        for start, count, ssize, pes in segs:
            seg = data[start * EXTENT:(start + count) * EXTENT]
            if len(pes) == 1:
                img.seek(PE_START + pes[0] * EXTENT)
                img.write(seg)
                continue
            chunk = ssize * SECTOR
            for c in range(len(seg) // chunk):
                stripe, row = c % len(pes), c // len(pes)
                img.seek(PE_START + pes[stripe] * EXTENT + row * chunk)
                img.write(seg[c * chunk:(c + 1) * chunk])
        if expect:
            with open(os.path.join(expect, name), "wb") as f:
                f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--text")
    ap.add_argument("--wrap", action="store_true")
    ap.add_argument("--rlocn-beyond", action="store_true")
    ap.add_argument("--bad-crc", action="store_true")
    ap.add_argument("--expect")
    ap.add_argument("--small", action="store_true",
                    help="a 144 KiB PV (4 KiB extents): a fuzzing seed")
    a = ap.parse_args()
    if a.small:
        global MDA_SIZE, PE_START, EXTENT, PE_COUNT
        MDA_SIZE, PE_START, EXTENT, PE_COUNT = 12288, 16384, 4096, 32

    if a.text:
        with open(a.text, "rb") as f:
            text = f.read()
    else:
        text = default_text()
    text += b"\0"
    if len(text) > MDA_SIZE - SECTOR:
        raise SystemExit("text too large for the metadata area")
    size = PE_START + PE_COUNT * EXTENT
    img = bytearray(size)

    # label_header in sector 1, pv_header at 32 in it
    pvh = PV_UUID.encode() + struct.pack("<Q", size)
    pvh += struct.pack("<QQ", PE_START, 0) + struct.pack("<QQ", 0, 0)
    pvh += struct.pack("<QQ", MDA_OFF, MDA_SIZE) + struct.pack("<QQ", 0, 0)
    lab = bytearray(SECTOR)
    lab[0:8] = b"LABELONE"
    struct.pack_into("<Q", lab, 8, 1)
    struct.pack_into("<I", lab, 20, 32)
    lab[24:32] = b"LVM2 001"
    lab[32:32 + len(pvh)] = pvh
    struct.pack_into("<I", lab, 16, lvm_crc(lab[20:]))
    img[SECTOR:2 * SECTOR] = lab

    # the text in the circular buffer
    if a.wrap:
        roff = MDA_SIZE - len(text) // 2
    else:
        roff = SECTOR
    buf = text
    for i in range(len(buf)):
        o = roff + i
        if o >= MDA_SIZE:
            o = o - MDA_SIZE + SECTOR
        img[MDA_OFF + o] = buf[i]
    crc = lvm_crc(text)
    if a.bad_crc:
        crc ^= 1
    if a.rlocn_beyond:
        roff = MDA_SIZE + SECTOR
    mh = bytearray(SECTOR)
    mh[4:20] = b" LVM2 x[5A%r0N*>"
    struct.pack_into("<IQQ", mh, 20, 1, MDA_OFF, MDA_SIZE)
    struct.pack_into("<QQII", mh, 40, roff, len(text), crc, 0)
    struct.pack_into("<I", mh, 0, lvm_crc(mh[4:]))
    img[MDA_OFF:MDA_OFF + SECTOR] = mh

    with open(a.image, "wb") as f:
        f.write(img)
        fill(f, a.expect)  # the default layout's data, whatever the text


if __name__ == "__main__":
    main()
