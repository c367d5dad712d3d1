#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a UDF image of a directory tree, for the tests of the UDF reader.

Written from ECMA-167 3rd edition and OSTA UDF 2.60: what mkudffs (which
makes empty filesystems only) and genisoimage (UDF 1.02 only) cannot make
here: UDF 1.02 to 2.60 filled with a tree, file entries or extended file
entries, short or long allocation descriptors or data in the ICB, symlinks,
hard links, devices, owners, modes and times with a time zone, a metadata
partition (UDF 2.50, 2.60) with its mirror, block sizes of 512 to 4096 --
and hostile variants of those images (--hostile KIND).

    mkudf.py [options] SRC OUT

The layout: the recognition sequence at 32 KiB, anchors at blocks 256 and
N-1, the main volume descriptor sequence at 257, the reserve one at 263,
the integrity descriptor at 269, the partition from block 272 to N-2. With
a metadata partition, partition block 0 holds the metadata file's entry,
block 1 its mirror's, and the metadata file covers partition blocks
[4, 4 + M) (the mirror a copy at [4 + M, 4 + 2M)); everything else is data.
In the ICB partition (the metadata one, or the physical one), block 0 is
the file set descriptor, block 1 its terminator, block 2 the root.
Deterministic: the same arguments give the same bytes.
"""

import argparse
import os
import stat
import struct
import sys

VRS_START = 32768


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tag(ident, body, location, version=3, serial=1):
    """A descriptor: its 16-byte tag (3/7.2) and body, CRC over body."""
    t = bytearray(struct.pack("<HHBBHHHI", ident, version, 0, 0, serial,
                              crc16(body), len(body), location))
    t[4] = sum(t[0:4] + t[5:16]) & 0xFF
    return bytes(t) + body


def regid(ident, suffix=b""):
    return struct.pack("<B23s8s", 0, ident, suffix.ljust(8, b"\0"))


def udf_suffix(rev):
    return struct.pack("<HB", rev, 0)


def cs0(text):
    """OSTA compressed Unicode: 8 bits when every character fits."""
    if all(ord(c) < 256 for c in text):
        return b"\x08" + text.encode("latin-1")
    return b"\x10" + text.encode("utf-16-be")


def dstring(text, size):
    d = cs0(text) if text else b""
    if len(d) > size - 1:
        d = d[:size - 1]
    return d.ljust(size - 1, b"\0") + bytes([len(d)])


def charspec():
    return struct.pack("<B63s", 0, b"OSTA Compressed Unicode")


def timestamp(secs, tz_minutes=60):
    """1/7.3: local time at tz_minutes east of UTC, type 1."""
    import time
    t = time.gmtime(secs + tz_minutes * 60)
    tt = (1 << 12) | (tz_minutes & 0x0FFF)
    return struct.pack("<HhBBBBBBBB", tt, t.tm_year, t.tm_mon, t.tm_mday,
                       t.tm_hour, t.tm_min, t.tm_sec, 0, 0, 0)


def long_ad(length, lbn, part, ext_type=0):
    return struct.pack("<IIH6s", (ext_type << 30) | length, lbn, part, b"")


def short_ad(length, lbn, ext_type=0):
    return struct.pack("<II", (ext_type << 30) | length, lbn)


class Image:
    def __init__(self, a):
        self.a = a
        self.bs = a.block_size
        self.rev = {"1.02": 0x0102, "1.50": 0x0150, "2.01": 0x0201,
                    "2.50": 0x0250, "2.60": 0x0260}[a.revision]
        self.nsr = 3 if self.rev >= 0x0200 else 2
        self.meta = self.rev >= 0x0250 and not a.no_metadata and not a.vat
        self.vat = a.vat
        # ICBs in a logical partition (reference 1), data in the physical
        self.split = self.meta or self.vat
        self.efe = self.rev >= 0x0200 and not a.fe
        self.blocks = {}          # absolute block -> bytes
        self.part_start = 272
        self.next_data = None     # next free physical partition block
        self.next_icb = 3         # next free block of the ICB partition
        self.meta_blocks = a.meta_blocks
        self.unique = 16
        self.files = self.dirs = 0
        self.where = {}           # source path -> its ICB's lbn
        if self.split:
            self.next_data = 4 + (2 if self.meta else 1) * self.meta_blocks
        else:
            self.next_data = None  # shares the ICB allocator

    # -- allocation ------------------------------------------------------
    def icb_part(self):
        return 1 if self.split else 0

    def alloc_icb(self, n=1):
        lbn = self.next_icb
        self.next_icb += n
        if self.split and self.next_icb > self.meta_blocks:
            sys.exit("mkudf.py: the metadata partition is full: "
                     "raise --meta-blocks")
        return lbn

    def alloc_data(self, nbytes):
        n = max(1, (nbytes + self.bs - 1) // self.bs)
        if self.split:
            lbn = self.next_data
            self.next_data += n
        else:
            lbn = self.alloc_icb(n)
        return lbn

    def put(self, part, lbn, data):
        """data at logical block lbn of partition reference part."""
        if part == 1:  # metadata or virtual: block k is physical 4 + k
            assert lbn < self.meta_blocks
            self._put_phys(4 + lbn, data)
            if self.meta:
                self._put_phys(4 + self.meta_blocks + lbn, data)  # mirror
        else:
            self._put_phys(lbn, data)

    def _put_phys(self, lbn, data):
        for i in range(0, max(len(data), 1), self.bs):
            self.blocks[self.part_start + lbn + i // self.bs] = \
                data[i:i + self.bs]

    # -- file entries ----------------------------------------------------
    def entry(self, lbn, ftype, st, size, ads, nlink=1, inline=None,
              eas=b"", strategy=4, flags_extra=0, ad_kind=None,
              streams=None):
        """A file entry (4/14.9) or extended file entry (4/14.17)."""
        a = self.a
        part = self.icb_part()
        if inline is not None:
            adtype, adbytes = 3, inline
        else:
            adtype = {"short": 0, "long": 1}[ad_kind or a.ad]
            adbytes = self.continue_ads(ads, adtype, 216 + len(eas))
        flags = adtype | flags_extra
        if st is not None:
            if st.st_mode & stat.S_ISUID:
                flags |= 0x40
            if st.st_mode & stat.S_ISGID:
                flags |= 0x80
            if st.st_mode & stat.S_ISVTX:
                flags |= 0x100
        icbtag = struct.pack("<IHHHBB6sH", 0, strategy, 0, 1, 0, ftype,
                             b"", flags)
        mode = st.st_mode if st is not None else 0o755
        perm = 0
        for shift, bits in ((0, mode & 7), (5, (mode >> 3) & 7),
                            (10, (mode >> 6) & 7)):
            perm |= (((bits & 1) and 1) | ((bits & 2) and 2) |
                     ((bits & 4) and 4)) << shift
            if bits & 2:  # may change attributes and delete, as writers do
                perm |= (0x8 | 0x10) << shift
        uid = st.st_uid if st is not None else 0xFFFFFFFF
        gid = st.st_gid if st is not None else 0xFFFFFFFF
        mtime = int(st.st_mtime) if st is not None else 0
        atime = int(st.st_atime) if st is not None else 0
        blocks = (size + self.bs - 1) // self.bs if inline is None else 0
        self.unique += 1
        unique = self.unique if st is not None else 0  # UDF 2.2.13.1
        impl = regid(b"*fsimg mkudf.py")
        if self.efe:
            body = struct.pack("<IIIHBBIQQQ", uid, gid, perm, nlink, 0, 0,
                               0, size, size, blocks)
            body += timestamp(atime) + timestamp(mtime) + \
                timestamp(mtime - 3600) + timestamp(mtime)
            body += struct.pack("<II", 1, 0) + long_ad(0, 0, 0) + \
                (long_ad(self.bs, streams, self.icb_part()) if streams
                 else long_ad(0, 0, 0)) + impl
            body += struct.pack("<QII", unique, len(eas), len(adbytes))
            body = icbtag + body + eas + adbytes
            ident = 266
        else:
            body = struct.pack("<IIIHBBIQQ", uid, gid, perm, nlink, 0, 0,
                               0, size, blocks)
            body += timestamp(atime) + timestamp(mtime) + timestamp(mtime)
            body += struct.pack("<I", 1) + long_ad(0, 0, 0) + impl
            body += struct.pack("<QII", unique, len(eas), len(adbytes))
            body = icbtag + body + eas + adbytes
            ident = 261
        d = tag(ident, body, lbn, self.nsr)
        if len(d) > self.bs:
            sys.exit("mkudf.py: a file entry does not fit a block")
        return d

    def continue_ads(self, ads, adtype, hdr):
        """The descriptors that fit the entry; the rest in a chain of
        allocation extent descriptors (4/14.5), each continued by a
        descriptor of type 3 (4/14.14.1.1)."""
        adsize = 8 if adtype == 0 else 16
        room = (self.bs - hdr) // adsize
        if len(ads) <= room:
            return b"".join(ads)
        part = self.icb_part()

        def cont(lbn):
            return (short_ad(self.bs, lbn, 3) if adtype == 0
                    else long_ad(self.bs, lbn, part, 3))

        head, rest = ads[:room - 1], ads[room - 1:]
        first = lbn = self.alloc_icb()
        per = (self.bs - 24) // adsize
        prev = 0
        while rest:
            take = rest if len(rest) <= per else rest[:per - 1]
            rest = rest[len(take):]
            nxt = self.alloc_icb() if rest else None
            body = b"".join(take) + (cont(nxt) if nxt is not None else b"")
            self.put(part, lbn, tag(258, struct.pack("<II", prev, len(body))
                                    + body, lbn, self.nsr))
            prev, lbn = lbn, nxt
        return b"".join(head) + cont(first)

    def data_ads(self, lbn, nbytes, part=0):
        """Allocation descriptors of nbytes at lbn of partition part, in
        extents of at most --max-extent bytes (several for large files)."""
        ads, done = [], 0
        kind = self.a.ad
        if self.split and part == 0:
            kind = "long"  # a short_ad would name the metadata partition
        step = self.a.max_extent // self.bs * self.bs
        while done < nbytes:
            n = min(step, nbytes - done)
            blk = lbn + done // self.bs
            ads.append(long_ad(n, blk, part) if kind == "long"
                       else short_ad(n, blk))
            done += n
        return ads, kind

    def write_file_data(self, data):
        """Data in the data area; returns (ads, kind)."""
        lbn = self.alloc_data(len(data))
        self.put(0, lbn, data)
        return self.data_ads(lbn, len(data), 0)

    # -- the tree ----------------------------------------------------------
    def fid(self, name, lbn, part, chars=0, loc=0):
        ident = cs0(name) if name is not None else b""
        body = struct.pack("<HBB", 1, chars, len(ident)) + \
            long_ad(self.bs, lbn, part) + struct.pack("<H", 0) + ident
        total = (16 + len(body) + 3) & ~3
        body = body.ljust(total - 16, b"\0")
        return body, loc

    def build_dir(self, path, lbn, parent_lbn, inodes):
        """Writes directory path with its ICB at lbn; returns its nlink."""
        part = self.icb_part()
        names = sorted(os.listdir(path))
        fids = [("..", None, parent_lbn, 0x0A)]
        subdirs = 0
        for name in names:
            p = os.path.join(path, name)
            st = os.lstat(p)
            key = (st.st_dev, st.st_ino)
            if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1 and \
                    key in inodes:
                fids.append((name, p, inodes[key], 0))
                continue
            child = self.alloc_icb()
            if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
                inodes[key] = child
            fids.append((name, p, child, 0x02 if stat.S_ISDIR(st.st_mode)
                         else 0))
        # the directory's data: identifiers, their tags located at the
        # block each starts in
        raw = []
        for name, p, child, chars in fids:
            body, _ = self.fid(None if name == ".." else name, child, part,
                               chars)
            raw.append(body)
        size = sum(16 + len(b) for b in raw)
        st = os.lstat(path)
        inline = self.a.inline and 216 + size <= self.bs
        if inline:
            data_lbn = lbn
        else:
            data_lbn = self.alloc_icb((size + self.bs - 1) // self.bs)
        out, pos = b"", 0
        for body in raw:
            loc = data_lbn + pos // self.bs
            out += tag(257, body, loc, self.nsr)
            pos += 16 + len(body)
        # 4/14.9.6: the identifiers naming it, its own and its subdirectories'
        nlink = 1 + sum(1 for _, p, _, _ in fids[1:]
                        if stat.S_ISDIR(os.lstat(p).st_mode))
        if inline:
            fe = self.entry(lbn, 4, st, len(out), [], nlink, inline=out)
        else:
            self.put(part, data_lbn, out)
            ads = [long_ad(len(out), data_lbn, part) if self.a.ad == "long"
                   else short_ad(len(out), data_lbn)]
            fe = self.entry(lbn, 4, st, len(out), ads, nlink)
        self.put(part, lbn, fe)
        self.dirs += 1
        done = set()
        for name, p, child, chars in fids[1:]:
            if child in done:
                continue
            done.add(child)
            self.build_node(p, child, lbn, inodes)
        return nlink

    def streams(self, p, owner):
        """4/14.17 (UDF 3.3.5): user.NAME extended attributes of p as the
        named streams NAME of its stream directory; its ICB, or None."""
        names = sorted(n for n in os.listxattr(p, follow_symlinks=False)
                       if n.startswith("user."))
        if not names or not self.efe:
            return None
        part = self.icb_part()
        sdir = self.alloc_icb()
        fids = [self.fid(None, owner, part, 0x0A)[0]]
        for n in names:
            value = os.getxattr(p, n, follow_symlinks=False)
            slbn = self.alloc_icb()
            if value:
                ads, kind = self.write_file_data(value)
            else:
                ads, kind = [], None
            self.put(part, slbn, self.entry(slbn, 5, None, len(value), ads,
                                            1, ad_kind=kind))
            fids.append(self.fid(n[5:], slbn, part)[0])
        size = sum(16 + len(b) for b in fids)
        dlbn = self.alloc_icb((size + self.bs - 1) // self.bs)
        out, pos = b"", 0
        for body in fids:
            out += tag(257, body, dlbn + pos // self.bs, self.nsr)
            pos += 16 + len(body)
        self.put(part, dlbn, out)
        ads = [long_ad(len(out), dlbn, part) if self.a.ad == "long"
               else short_ad(len(out), dlbn)]
        self.put(part, sdir, self.entry(sdir, 13, None, len(out), ads, 1))
        return sdir

    def build_node(self, p, lbn, parent, inodes):
        self.where[os.path.relpath(p, self.a.src)] = lbn
        st = os.lstat(p)
        part = self.icb_part()
        m = st.st_mode
        if stat.S_ISDIR(m):
            self.build_dir(p, lbn, parent, inodes)
            return
        self.files += 1
        if stat.S_ISREG(m):
            with open(p, "rb") as f:
                data = f.read()
            if self.a.inline and len(data) + 216 <= self.bs // 2:
                fe = self.entry(lbn, 5, st, len(data), [], st.st_nlink,
                                inline=data)
            elif not data:
                fe = self.entry(lbn, 5, st, 0, [], st.st_nlink)
            else:
                ads, kind = self.write_file_data(data)
                fe = self.entry(lbn, 5, st, len(data), ads, st.st_nlink,
                                ad_kind=kind, streams=self.streams(p, lbn))
        elif stat.S_ISLNK(m):
            target = os.readlink(p)
            comps = b""
            if target.startswith("/"):
                comps += struct.pack("<BBH", 2, 0, 0)
            for c in target.split("/"):
                if c == "":
                    continue
                if c == "..":
                    comps += struct.pack("<BBH", 3, 0, 0)
                elif c == ".":
                    comps += struct.pack("<BBH", 4, 0, 0)
                else:
                    ident = cs0(c)
                    comps += struct.pack("<BBH", 5, len(ident), 0) + ident
            ads, kind = self.write_file_data(comps)
            fe = self.entry(lbn, 12, st, len(comps), ads, st.st_nlink,
                            ad_kind=kind)
        else:
            ftype = {stat.S_IFBLK: 6, stat.S_IFCHR: 7, stat.S_IFIFO: 9,
                     stat.S_IFSOCK: 10}[stat.S_IFMT(m)]
            eas = b""
            if ftype in (6, 7):
                # 4/14.10.7 device specification, after the header (4/14.10.1)
                dev = struct.pack("<IB3sIIII", 12, 1, b"", 24, 0,
                                  os.major(st.st_rdev), os.minor(st.st_rdev))
                hdr = tag(262, struct.pack("<II", 24 + len(dev),
                                           24 + len(dev)), lbn, self.nsr)
                eas = hdr + dev
            fe = self.entry(lbn, ftype, st, 0, [], st.st_nlink, eas=eas)
        self.put(part, lbn, fe)

    # -- the volume --------------------------------------------------------
    def write(self, out):
        a, bs = self.a, self.bs
        inodes = {}
        self.build_dir(a.src, 2, 2, inodes)
        icb_end = self.next_icb
        data_end = self.next_data if self.split else icb_end
        part_len = max(data_end, (4 + 2 * self.meta_blocks)
                       if self.meta else 0) + 16
        if self.vat:
            vat = self.vat_file()
            vat_blocks = (len(vat) + bs - 1) // bs
            part_len = max(part_len, 300) + vat_blocks + 1
            nblocks = self.part_start + part_len
        else:
            nblocks = self.part_start + part_len + 2
            if nblocks < 512 + 2:
                nblocks = 514
                part_len = nblocks - 2 - self.part_start
        last = nblocks - 1
        ipart = self.icb_part()
        ts = timestamp(a.time)
        # the file set descriptor and its terminator
        fsd = timestamp(a.time) + struct.pack("<HHIIII", 3, 3, 1, 1, 0, 0)
        fsd += charspec() + dstring(a.label, 128) + charspec() + \
            dstring(a.label, 32) + dstring("", 32) + dstring("", 32)
        fsd += long_ad(bs, 2, ipart) + regid(b"*OSTA UDF Compliant",
                                             udf_suffix(self.rev))
        fsd += long_ad(0, 0, 0) + long_ad(0, 0, 0) + bytes(32)
        self.put(ipart, 0, tag(256, fsd, 0, self.nsr))
        self.put(ipart, 1, tag(8, bytes(496), 1, self.nsr))
        if self.vat:
            # UDF 2.2.11: the VAT's entry is the last block recorded
            vlbn = part_len - 1
            dlbn = vlbn - vat_blocks
            self._put_phys(dlbn, vat)
            saved = self.efe
            self.efe = self.rev >= 0x0200
            fe = self.entry(vlbn, 248 if self.rev >= 0x0200 else 0, None,
                            len(vat), [short_ad(len(vat), dlbn)], 1,
                            ad_kind="short")
            self.efe = saved
            self._put_phys(vlbn, fe)
        if self.meta:
            for k, (lbn, ftype, start) in enumerate(
                    ((0, 250, 4), (1, 251, 4 + self.meta_blocks))):
                size = self.meta_blocks * bs
                ads = [short_ad(size, start)]
                saved = self.efe
                self.efe = True
                fe = self.entry(lbn, ftype, None, size, ads, 1,
                                ad_kind="short")
                self.efe = saved
                self._put_phys(lbn, fe)
        # volume descriptors
        impl = regid(b"*fsimg mkudf.py")
        pvd = struct.pack("<II", 1, 0) + dstring(a.label, 32) + \
            struct.pack("<HHHHII", 1, 1, 2, 3, 1, 1) + \
            dstring(a.volset, 128) + charspec() + charspec() + \
            bytes(16) + regid(b"*fsimg tests") + ts + impl + bytes(64) + \
            struct.pack("<IH", 0, 0) + bytes(22)
        iuvd = struct.pack("<I", 2) + \
            regid(b"*UDF LV Info", udf_suffix(self.rev)) + charspec() + \
            dstring(a.label, 128) + dstring("", 36) * 3 + impl + bytes(128)
        pd = struct.pack("<IHH", 3, 1, 0) + \
            regid(b"+NSR0%d" % self.nsr) + bytes(128) + \
            struct.pack("<III", 1, self.part_start, part_len) + impl + \
            bytes(128) + bytes(156)
        if a.sparable:
            # UDF 2.2.9: packets of 32 blocks, one sparing table at 271
            maps = struct.pack("<BBH", 2, 64, 0) + \
                regid(b"*UDF Sparable Partition", udf_suffix(self.rev)) + \
                struct.pack("<HHHBBII12s", 1, 0, 32, 1, 0, bs, 271, b"")
        else:
            maps = struct.pack("<BBHH", 1, 6, 1, 0)
        if self.meta:
            maps += struct.pack("<BBH", 2, 64, 0) + \
                regid(b"*UDF Metadata Partition", udf_suffix(self.rev)) + \
                struct.pack("<HHIIIIHB5s", 1, 0, 0, 1, 0xFFFFFFFF,
                            self.meta_blocks, 1, 0, b"")
        if self.vat:
            maps += struct.pack("<BBH", 2, 64, 0) + \
                regid(b"*UDF Virtual Partition", udf_suffix(self.rev)) + \
                struct.pack("<HH24s", 1, 0, b"")
        lvd = struct.pack("<I", 4) + charspec() + dstring(a.label, 128) + \
            struct.pack("<I", bs) + \
            regid(b"*OSTA UDF Compliant", udf_suffix(self.rev)) + \
            long_ad(bs, 0, ipart) + \
            struct.pack("<II", len(maps), 2 if self.split else 1) + impl + \
            bytes(128) + struct.pack("<II", bs, 269) + maps
        usd = struct.pack("<II", 5, 0)
        nmaps = 2 if self.split else 1
        lvid = ts + struct.pack("<I", 1) + struct.pack("<II", 0, 0) + \
            struct.pack("<Q", self.unique + 1) + bytes(24) + \
            struct.pack("<II", nmaps, 46) + \
            struct.pack("<%dI" % nmaps, *([0] * nmaps)) + \
            struct.pack("<%dI" % nmaps, *([part_len] + [self.meta_blocks] *
                                          (nmaps - 1))) + \
            impl + struct.pack("<IIHHH", self.files, self.dirs, self.rev,
                               self.rev, self.rev)
        for start in (257, 263):
            for i, (ident, body) in enumerate(
                    ((1, pvd), (4, iuvd), (5, pd), (6, lvd), (7, usd),
                     (8, bytes(496)))):
                self.blocks[start + i] = tag(ident, body, start + i,
                                             self.nsr)
        self.blocks[269] = tag(9, lvid, 269, self.nsr)
        self.blocks[270] = tag(8, bytes(496), 270, self.nsr)
        if a.sparable:
            # the packet holding the root is relocated past the partition
            spare = self.part_start + part_len
            nblocks += 32
            table = regid(b"*UDF Sparing Table", udf_suffix(self.rev)) + \
                struct.pack("<HHI", 2, 0, 1) + \
                struct.pack("<IIII", 0, spare - 0, 0xFFFFFFF0, 0)
            self.blocks[271] = tag(0, table, 271, self.nsr)
            for k in range(32):
                b = self.part_start + k
                if b in self.blocks:
                    self.blocks[spare + k] = self.blocks.pop(b)
            last = nblocks - 1
        avdp = struct.pack("<IIII", 6 * bs, 257, 6 * bs, 263) + bytes(480)
        for b in (256,) if self.vat else (256, last):
            self.blocks[b] = tag(2, avdp, b, self.nsr)
        # the image
        img = bytearray(nblocks * bs)
        for i, ident in enumerate((b"BEA01", b"NSR0%d" % self.nsr,
                                   b"TEA01")):
            off = VRS_START + i * max(bs, 2048)
            img[off:off + 7] = b"\0" + ident + b"\x01"
        for b, data in self.blocks.items():
            img[b * bs:b * bs + len(data)] = data
        if self.a.hostile:
            self.hostile(img, self.a.hostile)
        with open(out, "wb") as f:
            f.write(img)

    def vat_file(self):
        """UDF 2.2.11: virtual block v is physical partition block 4 + v."""
        entries = struct.pack("<%dI" % self.next_icb,
                              *[4 + v for v in range(self.next_icb)])
        if self.rev >= 0x0200:
            hdr = struct.pack("<HH", 152, 0) + dstring(self.a.label, 128) + \
                struct.pack("<IIIHHHH", 0xFFFFFFFF, self.files, self.dirs,
                            self.rev, self.rev, self.rev, 0)
            return hdr + entries
        return entries + regid(b"*UDF Virtual Alloc Tbl") + \
            struct.pack("<I", 0xFFFFFFFF)

    # -- hostile variants ----------------------------------------------------
    def icb_offset(self, lbn):
        """Byte offset of block lbn of the ICB partition (main copy)."""
        return (self.part_start + (4 + lbn if self.split else lbn)) * self.bs

    def retag(self, img, off):
        crclen = struct.unpack_from("<H", img, off + 10)[0]
        struct.pack_into("<H", img, off + 8,
                         crc16(img[off + 16:off + 16 + crclen]))
        img[off + 4] = 0
        img[off + 4] = sum(img[off:off + 4] + img[off + 5:off + 16]) & 0xFF

    def hostile(self, img, kind):
        bs = self.bs
        fe_hdr = 216 if self.efe else 176
        if kind == "vdp-loop":
            # each sequence ends in a pointer back to its own start
            for td, start in ((262, 257), (268, 263)):
                body = struct.pack("<III", 1, 6 * bs, start) + bytes(484)
                img[td * bs:(td + 1) * bs] = \
                    tag(3, body, td, self.nsr).ljust(bs, b"\0")
        elif kind == "bad-crc":
            # the root's entry: a byte changed, its CRC left alone
            off = self.icb_offset(2)
            img[off + 40] ^= 0xFF
            if self.meta:
                img[off + self.meta_blocks * bs + 40] ^= 0xFF
        elif kind in ("huge-length", "huge-ad"):
            off = self.icb_offset(self.where["small"])
            if kind == "huge-length":
                struct.pack_into("<Q", img, off + 56, (1 << 63) + 5)
            else:
                struct.pack_into("<I", img, off + fe_hdr - 4, 0xFFFF)
            self.retag(img, off)
        elif kind == "icb-loop":
            # strategy 4096, and an indirect entry after it leading back
            lbn = self.where["small"]
            off = self.icb_offset(lbn)
            struct.pack_into("<H", img, off + 16 + 4, 4096)
            self.retag(img, off)
            ie = struct.pack("<IHHHBB6sH", 0, 4096, 0, 2, 0, 3, b"", 0) + \
                long_ad(bs, lbn, self.icb_part())
            ioff = self.icb_offset(lbn + 1)
            img[ioff:ioff + bs] = tag(259, ie, lbn + 1, self.nsr).ljust(
                bs, b"\0")
        elif kind == "aed-loop":
            # the big file's last descriptor continues in an allocation
            # extent whose only descriptor continues in itself
            lbn = self.where["dir/big"]
            off = self.icb_offset(lbn)
            l_ea, l_ad = struct.unpack_from("<II", img, off + fe_hdr - 8)
            assert self.a.ad == "short" and not self.meta
            aed_lbn = self.next_icb + 4  # free: the partition has room
            struct.pack_into("<II", img, off + fe_hdr + l_ea + l_ad - 8,
                             (3 << 30) | bs, aed_lbn)
            self.retag(img, off)
            aed = struct.pack("<II", 0, 8) + short_ad(bs, aed_lbn, 3)
            aoff = self.icb_offset(aed_lbn)
            img[aoff:aoff + bs] = tag(258, aed, aed_lbn, self.nsr).ljust(
                bs, b"\0")
        elif kind == "meta-beyond":
            # the metadata file and its mirror far past the image's end
            assert self.meta
            for start in (257, 263):
                off = (start + 3) * bs  # the logical volume descriptor
                struct.pack_into("<II", img, off + 440 + 6 + 40,
                                 0x7FFFFFF0, 0x7FFFFFF1)
                self.retag(img, off)
        elif kind == "dir-loop":
            # dir/sub's identifier names the root: a directory in itself
            sub = self.where["dir/sub"]
            dlbn = self.where["dir"]
            doff = self.icb_offset(dlbn)
            data = bytes(img[doff:doff + bs])
            l_ea, l_ad = struct.unpack_from("<II", data, fe_hdr - 8)
            first = struct.unpack_from("<I", data, fe_hdr + l_ea + 4)[0]
            d = self.icb_offset(first)
            pos = d
            while struct.unpack_from("<H", img, pos)[0] == 257:
                l_fi = img[pos + 19]
                l_iu = struct.unpack_from("<H", img, pos + 36)[0]
                if struct.unpack_from("<I", img, pos + 24)[0] == sub:
                    struct.pack_into("<I", img, pos + 24, 2)
                    self.retag(img, pos)
                    break
                pos += (38 + l_iu + l_fi + 3) & ~3
            else:
                sys.exit("mkudf.py: dir/sub not found")
        else:
            sys.exit("mkudf.py: unknown --hostile %s" % kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--revision", default="2.01",
                    choices=["1.02", "1.50", "2.01", "2.50", "2.60"])
    ap.add_argument("--block-size", type=int, default=2048,
                    choices=[512, 1024, 2048, 4096])
    ap.add_argument("--fe", action="store_true",
                    help="file entries, not extended ones (UDF >= 2.00)")
    ap.add_argument("--ad", default="short", choices=["short", "long"])
    ap.add_argument("--inline", action="store_true",
                    help="small files and directories in their ICB")
    ap.add_argument("--no-metadata", action="store_true",
                    help="UDF 2.50+: no metadata partition")
    ap.add_argument("--meta-blocks", type=int, default=256,
                    help="blocks of the metadata (or virtual) partition")
    ap.add_argument("--sparable", action="store_true",
                    help="a sparable partition (UDF >= 1.50) whose first "
                    "packet, holding the root, is relocated")
    ap.add_argument("--vat", action="store_true",
                    help="write-once media: a virtual partition (UDF "
                    ">= 1.50) and its VAT")
    ap.add_argument("--max-extent", type=int, default=1 << 20,
                    help="bytes of one extent: large files get several")
    ap.add_argument("--label", default="FSIMG UDF")
    ap.add_argument("--volset", default="5f3a1c2e00000001 fsimg")
    ap.add_argument("--time", type=int, default=1700000000)
    ap.add_argument("--hostile", choices=[
        "vdp-loop", "bad-crc", "huge-length", "huge-ad", "icb-loop",
        "aed-loop", "meta-beyond", "dir-loop"],
        help="damage the image so (needs the tree of tests/udf/udf.bats)")
    a = ap.parse_args()
    Image(a).write(a.out)


if __name__ == "__main__":
    main()
