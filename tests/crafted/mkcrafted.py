#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes small hostile ISO9660 images, one per hazard, from scratch.

    mkcrafted.py [--list] OUTDIR [CASE...]

Every image is built by the minimal ISO writer below (ECMA-119 volume
descriptors, path tables, directory records; SUSP/RRIP system use entries;
zisofs; El Torito), then damaged in one precise way. The output is
deterministic: same script, same bytes. Only the standard library is used.

References: ECMA-119 (ISO 9660) 8.4 and 9.1, IEEE P1281 SUSP 1.12,
IEEE P1282 RRIP 1.12, the zisofs format description (H. Peter Anvin,
libburnia), El Torito 1.0.
"""

import os
import struct
import sys
import zlib

BLOCK = 2048
ZISOFS_MAGIC = bytes.fromhex("37E45396C9DBD607")

# --- encoders -------------------------------------------------------------


def both16(v, be=None):
    """ISO 9660 7.2.3: little-endian then big-endian (be may disagree)."""
    return struct.pack("<H", v & 0xFFFF) + struct.pack(
        ">H", (v if be is None else be) & 0xFFFF)


def both32(v, be=None):
    """ISO 9660 7.3.3."""
    return struct.pack("<I", v & 0xFFFFFFFF) + struct.pack(
        ">I", (v if be is None else be) & 0xFFFFFFFF)


RECDATE = bytes([124, 1, 2, 3, 4, 5, 0])  # 2024-01-02 03:04:05 UTC
VOLDATE = b"2024010203040500\x00"


def dirrec(name, extent, size, flags=0, su=b"", reclen=None, namelen=None,
           extent_be=None, size_be=None):
    """A directory record (ECMA-119 9.1). reclen/namelen override the
    length fields without changing the bytes written (to lie)."""
    n = len(name)
    r = bytearray(33)
    r[1] = 0
    r[2:10] = both32(extent, extent_be)
    r[10:18] = both32(size, size_be)
    r[18:25] = RECDATE
    r[25] = flags
    r[28:32] = both16(1)
    r[32] = n if namelen is None else namelen
    r += name
    if n % 2 == 0:
        r += b"\0"
    r += su
    if len(r) % 2:
        r += b"\0"
    if reclen is None:
        assert len(r) <= 255, (name, len(r))
        reclen = len(r)
    r[0] = reclen
    return bytes(r)


def iso_name(name, is_dir):
    """A level-2 style identifier: d-characters, FILE.EXT;1 for files."""
    def d(part):
        return "".join(c if c.isalnum() else "_" for c in part.upper())
    if is_dir:
        return d(name)[:30].encode()
    base, dot, ext = name.rpartition(".")
    if not dot:
        base, ext = ext, ""
    return (d(base)[:26] + "." + d(ext)[:3] + ";1").encode()


# --- SUSP / RRIP entries ----------------------------------------------------


def susp(sig, data=b"", length=None, ver=1):
    ln = 4 + len(data) if length is None else length
    return sig + bytes([ln & 0xFF, ver]) + data


def sp():
    return susp(b"SP", b"\xBE\xEF\x00")


def er():
    return susp(b"ER", bytes([10, 10, 10, 1]) + b"RRIP_1991A" +
                b"ROCK RIDGE" + b"FSIMG TEST")


S_IFDIR, S_IFREG, S_IFLNK = 0o040000, 0o100000, 0o120000


def px(mode, nlink=1, uid=0, gid=0, ino=None, length=None):
    data = both32(mode) + both32(nlink) + both32(uid) + both32(gid)
    if ino is not None:
        data += both32(ino)
    if length is not None and length < 4 + len(data):
        data = data[:max(0, length - 4)]
    return susp(b"PX", data, length)


def nm(name, flags=0, length=None):
    return susp(b"NM", bytes([flags]) + name, length)


def sl(components, flags=0, length=None):
    """components: list of (flags, bytes) or raw bytes already encoded."""
    body = bytearray([flags])
    for c in components:
        if isinstance(c, (bytes, bytearray)):
            body += c
        else:
            cf, text = c
            body += bytes([cf, len(text)]) + text
    return susp(b"SL", bytes(body), length)


def ce(lba, off, length):
    return susp(b"CE", both32(lba) + both32(off) + both32(length))


def cl(lba):
    return susp(b"CL", both32(lba))


def pl(lba):
    return susp(b"PL", both32(lba))


def re_():
    return susp(b"RE")


def tf():
    # creation? no: flags 0x0E = modify, access, attributes, short form
    return susp(b"TF", bytes([0x0E]) + RECDATE * 3)


def zf(usize, log2_bs=15, hdr_div4=4, algo=b"pz"):
    return susp(b"ZF", algo + bytes([hdr_div4, log2_bs]) + both32(usize))


def rr_symlink(target):
    comps = []
    parts = target.split(b"/")
    if target.startswith(b"/"):
        comps.append((0x08, b""))
        parts = parts[1:]
    for p in parts:
        if p == b".":
            comps.append((0x02, b""))
        elif p == b"..":
            comps.append((0x04, b""))
        elif p:
            comps.append((0, p))
    return sl(comps)


# --- zisofs -------------------------------------------------------------------


def zisofs_encode(data, log2_bs=15):
    """A zisofs file: 16-byte header, nblocks+1 pointers, zlib blocks."""
    bs = 1 << log2_bs
    nblocks = (len(data) + bs - 1) // bs
    hdr = ZISOFS_MAGIC + struct.pack("<I", len(data)) + bytes(
        [4, log2_bs, 0, 0])
    ptrs = []
    pos = 16 + 4 * (nblocks + 1)
    blocks = b""
    for i in range(nblocks):
        chunk = data[i * bs:(i + 1) * bs]
        ptrs.append(pos)
        if chunk.count(0) == len(chunk):
            continue  # all-zero block: no data, equal pointers
        z = zlib.compress(chunk, 9)
        blocks += z
        pos += len(z)
    ptrs.append(pos)
    return hdr + b"".join(struct.pack("<I", p) for p in ptrs) + blocks


# --- the image ------------------------------------------------------------


class Image:
    """A growable image of 2048-byte blocks with a block allocator."""

    def __init__(self, first_free=20):
        self.data = bytearray(first_free * BLOCK)
        self.next = first_free

    def alloc(self, nblocks):
        lba = self.next
        self.next += max(1, nblocks)
        need = self.next * BLOCK
        if len(self.data) < need:
            self.data += bytes(need - len(self.data))
        return lba

    def put(self, lba, data, off=0):
        start = lba * BLOCK + off
        end = start + len(data)
        if len(self.data) < end:
            self.data += bytes(end - len(self.data))
        self.data[start:end] = data

    def get(self, lba, off, n):
        start = lba * BLOCK + off
        return bytes(self.data[start:start + n])

    @property
    def nblocks(self):
        return (len(self.data) + BLOCK - 1) // BLOCK


def pack_dir(records):
    """Lays records out in blocks; a record never crosses a block
    boundary (ECMA-119 6.8.1.1). Returns the bytes, a multiple of BLOCK."""
    out = bytearray()
    cur = bytearray()
    for r in records:
        if len(cur) + len(r) > BLOCK:
            out += cur + bytes(BLOCK - len(cur))
            cur = bytearray()
        cur += r
    out += cur + bytes(BLOCK - len(cur))
    return bytes(out)


class Node:
    """A tree node. kind: 'dir', 'file', 'link'. Overrides in ov are
    applied to this node's record in its parent directory:
    extent, size, flags, su (replaces the system use area), su_extra
    (appended), reclen, namelen, raw (the record bytes themselves)."""

    def __init__(self, name, kind="file", data=b"", children=(), target=b"",
                 **ov):
        self.name = name
        self.kind = kind
        self.data = data
        self.children = list(children)
        self.target = target
        self.ov = ov
        self.lba = 0
        self.size = 0
        self.zf = None  # (usize, log2) when data is zisofs-encoded

    def mode(self):
        return {"dir": S_IFDIR | 0o755, "file": S_IFREG | 0o644,
                "link": S_IFLNK | 0o777}[self.kind]


class Iso:
    """Writes a tree as ISO 9660 with Rock Ridge (unless rr=False)."""

    def __init__(self, root, rr=True):
        self.root = root
        self.rr = rr
        self.img = Image()
        self.pvd_ov = {}
        self.boot_catalog = None  # lba of the El Torito catalog
        self.ino = 1

    def su_for(self, node, dot=None):
        if not self.rr:
            return b""
        s = b""
        if dot == "root.":
            s += sp()
        self.ino += 1
        s += px(node.mode(), 2 if node.kind == "dir" else 1, 0, 0, self.ino)
        if dot is None:
            s += nm(node.name.encode())
            if node.kind == "link":
                s += rr_symlink(node.target)
            if node.zf:
                s += zf(*node.zf)
        if dot == "root.":
            s += er()
        return s

    def record(self, node):
        ov = node.ov
        if "raw" in ov:
            return ov["raw"]
        su = ov.get("su", self.su_for(node)) + ov.get("su_extra", b"")
        return dirrec(iso_name(node.name, node.kind == "dir"),
                      ov.get("extent", node.lba), ov.get("size", node.size),
                      ov.get("flags", 2 if node.kind == "dir" else 0), su,
                      ov.get("reclen"), ov.get("namelen"))

    def dir_records(self, node, parent):
        dot = dirrec(b"\0", node.lba, node.size, 2,
                     self.su_for(node, "root." if node is self.root
                                 else "."))
        dotdot = dirrec(b"\1", parent.lba, parent.size, 2,
                        self.su_for(parent, ".."))
        # ECMA-119 9.3: records in the order of their identifiers (a
        # stable sort keeps the records of a multi-extent file together)
        recs = sorted((self.record(c) for c in node.children),
                      key=lambda r: r[33:33 + r[32]] if len(r) > 33 else b"")
        return [dot, dotdot] + recs

    def layout(self, node, parent):
        """Allocates directories first (breadth-first), then file data."""
        queue = [(node, parent)]
        dirs = []
        while queue:
            n, p = queue.pop(0)
            n.size = len(pack_dir(self.dir_records(n, p)))
            n.lba = self.img.alloc(n.size // BLOCK)
            dirs.append((n, p))
            for c in n.children:
                if c.kind == "dir":
                    queue.append((c, n))
        for n, _ in dirs:
            for c in n.children:
                if c.kind == "file" and "raw" not in c.ov:
                    # empty files get extent 0, as mkisofs writes them
                    c.size = len(c.data)
                    if c.size:
                        c.lba = self.img.alloc((c.size + BLOCK - 1) //
                                               BLOCK)
                        self.img.put(c.lba, c.data)
        return dirs

    def write(self):
        self.img.alloc(2)  # path tables, written below
        pt_lba = self.img.next - 2
        dirs = self.layout(self.root, self.root)
        for n, p in dirs:
            self.img.put(n.lba, pack_dir(self.dir_records(n, p)))
        # Path tables: the root only (enough for readers that check it).
        self.img.put(pt_lba, bytes([1, 0]) + struct.pack("<IH",
                     self.root.lba, 1) + b"\0\0")
        self.img.put(pt_lba + 1, bytes([1, 0]) + struct.pack(">IH",
                     self.root.lba, 1) + b"\0\0")
        self.write_vds(pt_lba)
        return self.img

    def write_vds(self, pt_lba):
        ov = self.pvd_ov
        v = bytearray(BLOCK)
        v[0] = 1
        v[1:6] = b"CD001"
        v[6] = 1
        v[8:40] = b"LINUX".ljust(32)
        v[40:72] = ov.get("volid", b"CRAFTED").ljust(32)
        nb = ov.get("blocks", self.img.nblocks)
        v[80:88] = both32(nb, ov.get("blocks_be"))
        v[120:124] = both16(1)
        v[124:128] = both16(1)
        v[128:132] = both16(ov.get("lbs", BLOCK), ov.get("lbs_be"))
        v[132:140] = both32(10)
        v[140:144] = struct.pack("<I", pt_lba)
        v[148:152] = struct.pack(">I", pt_lba + 1)
        v[156:190] = dirrec(b"\0", ov.get("root_extent", self.root.lba),
                            self.root.size, 2,
                            extent_be=ov.get("root_extent_be"))
        for a, b in ((190, 318), (318, 446), (446, 574), (574, 702)):
            v[a:b] = b" " * (b - a)
        for a in (702, 739, 776):
            v[a:a + 37] = b" " * 37
        v[813:830] = VOLDATE
        v[830:847] = VOLDATE
        v[847:864] = b"0" * 16 + b"\0"
        v[864:881] = b"0" * 16 + b"\0"
        v[881] = 1
        self.img.put(16, v)
        lba = 17
        if self.boot_catalog is not None:
            b = bytearray(BLOCK)
            b[0] = 0
            b[1:6] = b"CD001"
            b[6] = 1
            b[7:30] = b"EL TORITO SPECIFICATION"
            b[71:75] = struct.pack("<I", self.boot_catalog)
            self.img.put(lba, b)
            lba += 1
        t = bytearray(BLOCK)
        t[0] = 255
        t[1:6] = b"CD001"
        t[6] = 1
        self.img.put(lba, t)


def dir_(name, *children, **ov):
    return Node(name, "dir", children=children, **ov)


def file_(name, data=b"hello\n", **ov):
    return Node(name, "file", data=data, **ov)


def link(name, target, **ov):
    return Node(name, "link", target=target, **ov)


def base_tree(*extra):
    return dir_("", file_("hello.txt", b"hello, world\n"),
                dir_("sub", file_("inner.txt", b"inner\n")), *extra)


def build(root, rr=True, pvd=None):
    iso = Iso(root, rr)
    if pvd:
        iso.pvd_ov.update(pvd)
    return iso


# --- El Torito catalogs ------------------------------------------------------


def et_validation(platform=0, good=True, key=b"\x55\xAA"):
    e = bytearray(32)
    e[0] = 1
    e[1] = platform
    e[4:28] = b"FSIMG CRAFTED".ljust(24, b"\0")
    e[30:32] = key
    s = sum(struct.unpack("<16H", bytes(e))) & 0xFFFF
    ck = (0x10000 - s) & 0xFFFF
    if not good:
        ck ^= 0x5A5A
    e[28:30] = struct.pack("<H", ck)
    return bytes(e)


def et_boot(lba, count=4, ind=0x88, media=0):
    return bytes([ind, media]) + struct.pack("<HBBHI", 0, 0, 0, count,
                                             lba) + bytes(20)


def et_header(final, platform, n):
    return bytes([0x91 if final else 0x90, platform]) + struct.pack(
        "<H", n) + bytes(28)


def with_catalog(iso, make_catalog):
    """Writes the tree, then a catalog built by make_catalog(img, lba)."""
    iso.boot_catalog = 0  # placeholder: the boot record is block 17
    img = iso.write()
    lba = img.alloc(1)
    iso.boot_catalog = make_catalog(img, lba)
    # write_vds again so the boot record points at the catalog
    pt = struct.unpack("<I", img.get(16, 140, 4))[0]
    iso.write_vds(pt)
    return img


# --- the cases ---------------------------------------------------------------

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


@case
def ok_basic():
    """A valid image: the generator's baseline (everything must work)."""
    data = (b"zisofs compressed line\n" * 3000)
    z = file_("zfile", zisofs_encode(data))
    z.zf = (len(data), 15)
    root = base_tree(link("link", b"sub/inner.txt"), z,
                     dir_("empty"))
    return build(root).write()


# CE: continuation areas (SUSP 5.1)


def ce_file(area_lba, area_off, area_len):
    return file_("bad", b"bad file\n",
                 su=px(S_IFREG | 0o644, ino=99) + nm(b"bad") +
                 ce(area_lba, area_off, area_len))


@case
def ce_self():
    """A CE whose continuation area holds a CE pointing to itself."""
    iso = build(base_tree(ce_file(0, 0, 0)))
    img = iso.write()
    lba = img.alloc(1)
    img.put(lba, ce(lba, 0, 28))
    fix_su(img, iso, "bad", ce(lba, 0, 28))
    return img


@case
def ce_chain():
    """1000 continuation areas, each pointing to the next."""
    iso = build(base_tree(ce_file(0, 0, 0)))
    img = iso.write()
    per = BLOCK // 28
    first = img.alloc((1000 + per - 1) // per + 1)
    for i in range(1000):
        nxt = i + 1
        img.put(first + i // per, ce(first + nxt // per, (nxt % per) * 28,
                                     28), (i % per) * 28)
    img.put(first + 1000 // per, nm(b"end-of-chain"), (1000 % per) * 28)
    fix_su(img, iso, "bad", ce(first, 0, 28))
    return img


@case
def ce_beyond():
    """A CE pointing far past the end of the image."""
    return build(base_tree(ce_file(0x00FFFFF0, 0, 64))).write()


@case
def ce_badoff():
    """A CE whose offset + length runs past its block (and 2^32)."""
    return build(base_tree(ce_file(20, 2040, 0xFFFFFFF0))).write()


def find_record(img, dirnode, name):
    """The (lba, offset) of the record of `name` in directory dirnode."""
    want = (iso_name(name, False), iso_name(name, True))
    for b in range(dirnode.size // BLOCK):
        off = 0
        while off < BLOCK:
            ln = img.data[(dirnode.lba + b) * BLOCK + off]
            if not ln:
                break
            rec = img.get(dirnode.lba + b, off, ln)
            if rec[33:33 + rec[32]] in want:
                return dirnode.lba + b, off
            off += ln
    raise KeyError(name)


def patch(img, dirnode, name, fn):
    """Rewrites the record of `name` in dirnode: fn(bytearray) edits it
    in place (its length must not change)."""
    lba, off = find_record(img, dirnode, name)
    rec = bytearray(img.get(lba, off, img.data[lba * BLOCK + off]))
    fn(rec)
    img.put(lba, bytes(rec), off)


def set_su(sig, entry):
    """An editor for patch() that replaces the last `sig` SUSP entry."""
    def fn(rec):
        pos = rec.rfind(sig + bytes([len(entry), 1]))
        assert pos > 0, sig
        rec[pos:pos + len(entry)] = entry
    return fn


def set_extent(lba, size=None):
    def fn(rec):
        rec[2:10] = both32(lba)
        if size is not None:
            rec[10:18] = both32(size)
    return fn


def fix_su(img, iso, name, new_ce):
    patch(img, iso.root, name, set_su(b"CE", new_ce))


# directory loops


@case
def dir_loop_root():
    """A subdirectory whose extent is the root's."""
    iso = build(base_tree(dir_("loop")))
    img = iso.write()
    patch(img, iso.root, "loop", set_extent(iso.root.lba, iso.root.size))
    return img


@case
def dir_loop_parent():
    """a/b whose extent is a's: b contains b contains b..."""
    a = dir_("a", dir_("b"), file_("f.txt"))
    iso = build(base_tree(a))
    img = iso.write()
    patch(img, a, "b", set_extent(a.lba, a.size))
    return img


@case
def dir_loop_root_lost():
    """sub/x whose extent is the root's, where sub's ".." names sub itself,
    so that no chain of ".." leads from sub to the root (found by
    fuzz_iso: x was listed with its own record's attributes, and getattr
    gave the root's)."""
    sub = dir_("sub", dir_("x"), file_("inner.txt", b"inner\n"))
    iso = build(dir_("", file_("hello.txt", b"hello, world\n"), sub))
    img = iso.write()
    patch(img, sub, "x", set_extent(iso.root.lba, iso.root.size))
    dot_len = img.data[sub.lba * BLOCK]
    dd = bytearray(img.get(sub.lba, dot_len, img.data[sub.lba * BLOCK +
                                                      dot_len]))
    dd[2:10] = both32(sub.lba)
    img.put(sub.lba, bytes(dd), dot_len)
    return img


@case
def dir_cross_link():
    """/b's record names the extent of /a/x, with other attributes (mode
    0700, not 0755): one directory reached by two records."""
    a = dir_("a", dir_("x", file_("in_x.txt", b"x\n")))
    b = dir_("b", su=px(S_IFDIR | 0o700, 2) + nm(b"b"))
    iso = build(base_tree(a, b))
    img = iso.write()
    x = a.children[0]
    patch(img, iso.root, "b", set_extent(x.lba, x.size))
    return img


def cl_placeholder(name):
    """The zero-length file record that stands for a relocated directory
    (RRIP 4.1.5.1): PX of a directory, NM, CL to the real place."""
    return file_(name, b"", su=px(S_IFDIR | 0o755, 2) + nm(name.encode()) +
                 cl(0))


@case
def cl_ancestor():
    """a/b/x whose Rock Ridge child link (CL) points to the root."""
    b = dir_("b", cl_placeholder("x"))
    iso = build(base_tree(dir_("a", b)))
    img = iso.write()
    patch(img, b, "x", set_su(b"CL", cl(iso.root.lba)))
    return img


@case
def cl_parent():
    """sub/x whose CL points to sub itself, and y whose CL points to a
    block past the end of the image."""
    sub = dir_("sub", cl_placeholder("x"), cl_placeholder("y"))
    iso = build(dir_("", file_("hello.txt"), sub))
    img = iso.write()
    patch(img, sub, "x", set_su(b"CL", cl(sub.lba)))
    patch(img, sub, "y", set_su(b"CL", cl(0x00FFFFFF)))
    return img


# extents and truncation


@case
def extent_beyond():
    """A file whose extent lies far beyond the end of the image."""
    return build(base_tree(file_("bad", b"x" * 4096,
                                 extent=0x00F00000))).write()


@case
def extent_straddle():
    """A file that starts inside the image and runs 1 GiB past its end."""
    iso = build(base_tree(file_("bad", b"x" * 100)))
    img = iso.write()
    def grow(rec):
        rec[10:18] = both32(1 << 30)
    patch(img, iso.root, "bad", grow)
    return img


@case
def truncated_pvd():
    """The PVD claims 100000 blocks; the image has about 30."""
    return build(base_tree(), pvd={"blocks": 100000}).write()


@case
def truncated_dir():
    """A directory of 8 blocks of which the image holds only the first:
    it is moved to the end of the image, which is then cut."""
    big = dir_("big", *[file_("file%03d" % i, b"") for i in range(150)])
    iso = build(base_tree(big))
    img = iso.write()
    assert big.size > BLOCK
    first = img.get(big.lba, 0, BLOCK)
    new = img.alloc(1)
    img.put(new, first)
    img.put(new, both32(new), 2)  # its "." record
    patch(img, iso.root, "big", set_extent(new))
    del img.data[(new + 1) * BLOCK:]
    iso.write_vds(struct.unpack("<I", img.get(16, 140, 4))[0])
    return img


@case
def truncated_image():
    """The image stops in the middle of the root directory block."""
    img = build(base_tree()).write()
    root = struct.unpack("<I", img.get(16, 158, 4))[0]
    del img.data[root * BLOCK + 100:]
    return img


# absurd lengths


@case
def dir_size_4g():
    """A directory whose data length is 4 GiB - 1."""
    return build(base_tree(dir_("huge", file_("a.txt"),
                                size=0xFFFFFFFF))).write()


@case
def rec_name_beyond():
    """A 255-byte record whose name length runs past its end."""
    name = b"N" * 200
    raw = bytearray(dirrec(name, 20, 10))
    raw += bytes(255 - len(raw))
    raw[0] = 255
    raw[32] = 250  # 33 + 250 > 255
    return build(base_tree(file_("bad", raw=bytes(raw)))).write()


@case
def rec_len_short():
    """Records of length 1 and 20: shorter than a record header."""
    return build(base_tree(file_("bad", raw=bytes([1, 0])),
                           file_("bad2", raw=bytes([20]) + bytes(19)))
                 ).write()


@case
def rec_cross_block():
    """A record that claims to run across the end of its block: 49 files
    fill the root block up to byte 2028, then a 200-byte record starts."""
    files = [file_("f%03d" % i, b"") for i in range(49)]
    iso = build(dir_("", *files), rr=False)
    img = iso.write()
    root = iso.root
    off = 0
    while img.data[root.lba * BLOCK + off]:
        off += img.data[root.lba * BLOCK + off]
    assert off == 2028, off
    rec = bytearray(dirrec(b"CROSS.;1", 20, 10))[:BLOCK - off]
    rec[0] = 200
    img.put(root.lba, bytes(rec), off)
    return img


@case
def nm_len0():
    """An NM entry of length 0: a SUSP walk that never advances."""
    return build(base_tree(file_("bad", su=px(S_IFREG | 0o644) +
                                 nm(b"bad", length=0) +
                                 nm(b"pad")))).write()


@case
def nm_len255():
    """An NM entry that claims 255 bytes in a small system use area."""
    return build(base_tree(file_("bad", su=px(S_IFREG | 0o644) +
                                 nm(b"bad", length=255)))).write()


@case
def nm_len3():
    """SUSP entries of length 1..3, shorter than their own header."""
    return build(base_tree(file_("bad", su=px(S_IFREG | 0o644) +
                                 b"NM\x03\x01NM\x01\x01"))).write()


@case
def sl_comp_beyond():
    """A symlink whose SL component length runs past the entry."""
    return build(base_tree(link("bad", b"x", su=px(S_IFLNK | 0o777) +
                                nm(b"bad") +
                                sl([bytes([0, 200]) + b"target"])))).write()


@case
def sl_nul():
    """A symlink whose SL component holds a NUL byte (found by fuzz_iso:
    readlink returned a length longer than the string)."""
    return build(base_tree(link("bad", b"x", su=px(S_IFLNK | 0o777) +
                                nm(b"bad") +
                                sl([(0, b"abc\0def"), (0, b"ghi")])))).write()


@case
def sl_many():
    """A symlink target of 8,000 bytes spread over 200 SL entries in a
    chain of five continuation areas (longer than PATH_MAX)."""
    iso = build(base_tree(link("bad", b"x", su=px(S_IFLNK | 0o777) +
                                nm(b"bad") + ce(0, 0, 0))))
    img = iso.write()
    first = img.alloc(5)
    areas = []
    for b in range(5):
        area = b"".join(sl([(0, b"a" * 40)], flags=1) for _ in range(40))
        areas.append(area + (ce(0, 0, 0) if b < 4 else sl([(0, b"end")])))
    for b in range(4):
        areas[b] = areas[b][:-28] + ce(first + b + 1, 0, len(areas[b + 1]))
    for b in range(5):
        img.put(first + b, areas[b])
    fix_su(img, iso, "bad", ce(first, 0, len(areas[0])))
    return img


@case
def px_short():
    """A PX entry of 20 bytes (RRIP needs 36 or 44)."""
    return build(base_tree(file_("bad", su=px(S_IFREG | 0o644, length=20) +
                                 nm(b"bad")))).write()


@case
def pvd_endian():
    """The PVD's both-endian fields disagree (volume size, root extent)."""
    return build(base_tree(), pvd={"blocks_be": 7,
                                   "root_extent_be": 0x01000000}).write()


@case
def lbs_4096():
    """Logical block size 4096 (larger than the 2048-byte sector)."""
    return build(base_tree(), pvd={"lbs": 4096}).write()


@case
def lbs_512():
    """Logical block size 512 with extents laid out for 2048."""
    return build(base_tree(), pvd={"lbs": 512}).write()


@case
def lbs_0():
    """Logical block size 0."""
    return build(base_tree(), pvd={"lbs": 0}).write()


@case
def lbs_endian():
    """Logical block size 2048 little-endian, 4096 big-endian."""
    return build(base_tree(), pvd={"lbs_be": 4096}).write()


# zisofs


def zisofs_case(mutate, usize=None):
    data = b"compressible " * 8000  # ~104 KB: 4 blocks of 32 KiB
    z = bytearray(zisofs_encode(data))
    mutate(z)
    f = file_("bad", bytes(z))
    f.zf = (len(data) if usize is None else usize, 15)
    return build(base_tree(f)).write()


@case
def zisofs_blocksize():
    """zisofs header and ZF with block size 2^30."""
    def m(z):
        z[13] = 30
    img = zisofs_case(m)
    return img


@case
def zisofs_backwards():
    """zisofs block pointers that go backwards."""
    def m(z):
        p = [struct.unpack_from("<I", z, 16 + 4 * i)[0] for i in range(5)]
        struct.pack_into("<I", z, 16 + 8, p[1] - 100)
        struct.pack_into("<I", z, 16 + 12, 8)
    return zisofs_case(m)


@case
def zisofs_past_end():
    """A zisofs block pointer past the end of the file."""
    def m(z):
        struct.pack_into("<I", z, 16 + 16, 0x7FFFFFF0)
    return zisofs_case(m)


@case
def zisofs_huge():
    """ZF and header claim 4 GiB - 1 bytes: a pointer table of 512 KiB
    that is not there, and a block that inflates past its size."""
    def m(z):
        struct.pack_into("<I", z, 8, 0xFFFFFFFF)
    return zisofs_case(m, usize=0xFFFFFFFF)


@case
def zisofs_bomb():
    """One block whose compressed data inflates far beyond 32 KiB."""
    bomb = zlib.compress(bytes(16 << 20), 9)
    z = ZISOFS_MAGIC + struct.pack("<I", 32768) + bytes([4, 15, 0, 0])
    z += struct.pack("<II", 24, 24 + len(bomb)) + bomb
    f = file_("bad", z)
    f.zf = (32768, 15)
    return build(base_tree(f)).write()


# multi-extent (ECMA-119 9.1.6 bit 7)


def multi_extent(name, count):
    su = px(S_IFREG | 0o644) + nm(name.encode())
    recs = [Node(name, "file", raw=dirrec(iso_name(name, False), 20 + i % 5,
                                          0xFFFFF800, 0x80, su))
            for i in range(count)]
    return build(base_tree(*recs)).write()


@case
def multi_extent_endless():
    """3000 records of one file (sorted last in its directory), every one
    flagged 'more extents follow' and claiming 4 GiB - 2 KiB: the chain
    runs into the end of the directory."""
    return multi_extent("zbig", 3000)


@case
def multi_extent_into_next():
    """A multi-extent chain whose last record is flagged 'more follow'
    and is followed by the record of another file."""
    return multi_extent("big", 3)


@case
def multi_extent_tail_no_nm():
    """A file 'Big-File' (ISO name BIG.;1) of two extents whose last
    record has no NM: a lookup of 'big' passes the first record over by
    its Rock Ridge name and must still know that the next one continues
    it, not a file 'big' of its own."""
    ident = iso_name("big", False)
    head = dirrec(ident, 20, BLOCK, 0x80,
                  px(S_IFREG | 0o644) + nm(b"Big-File"))
    tail = dirrec(ident, 21, BLOCK, 0, px(S_IFREG | 0o644))
    return build(base_tree(Node("big", "file", raw=head),
                           Node("big", "file", raw=tail))).write()


# depth


@case
def deep_dirs():
    """A chain of 10,000 nested directories D/D/D/... (one block each,
    about 20 MB), no Rock Ridge."""
    depth = 10000
    img = Image()
    pt = img.alloc(2)
    first = img.next
    img.alloc(depth + 1)
    for level in range(depth + 1):
        lba = first + level
        parent = lba - 1 if level else lba
        recs = [dirrec(b"\0", lba, BLOCK, 2), dirrec(b"\1", parent, BLOCK, 2)]
        if level < depth:
            recs.append(dirrec(b"D", lba + 1, BLOCK, 2))
        else:
            recs.append(dirrec(b"BOTTOM.TXT;1", 0, 0, 0))
        img.put(lba, pack_dir(recs))
    iso = Iso(Node("", "dir"), rr=False)
    iso.img = img
    iso.root.lba = first
    iso.root.size = BLOCK
    img.put(pt, bytes([1, 0]) + struct.pack("<IH", first, 1) + b"\0\0")
    img.put(pt + 1, bytes([1, 0]) + struct.pack(">IH", first, 1) + b"\0\0")
    iso.write_vds(pt)
    return img


@case
def wide_dir():
    """A directory of 40,000 empty files (memory must stay bounded)."""
    files = [Node("f%05d" % i, "file", raw=dirrec(
        b"F%05d.;1" % i, 0, 0, 0, px(S_IFREG | 0o644) + nm(b"f%05d" % i)))
        for i in range(40000)]
    return build(dir_("", *files)).write()


# El Torito


@case
def eltorito_checksum():
    """A boot catalog whose validation entry has a bad checksum."""
    def cat(img, lba):
        img.put(lba, et_validation(good=False) + et_boot(lba + 1))
        return lba
    return with_catalog(build(base_tree()), cat)


@case
def eltorito_nokey():
    """A boot catalog without the 55 AA key bytes."""
    def cat(img, lba):
        img.put(lba, et_validation(key=b"\0\0") + et_boot(lba + 1))
        return lba
    return with_catalog(build(base_tree()), cat)


@case
def eltorito_runoff():
    """A catalog of 'more headers follow' sections that runs off the end
    of the image."""
    def cat(img, lba):
        body = et_validation() + et_boot(20)
        while len(body) < 3 * BLOCK:
            body += et_header(False, 0xEF, 1) + et_boot(21)
        img.put(lba, body)
        return lba
    return with_catalog(build(base_tree()), cat)


@case
def eltorito_count():
    """A final section header that counts 65535 entries; two follow."""
    def cat(img, lba):
        img.put(lba, et_validation() + et_boot(20) +
                et_header(True, 0xEF, 0xFFFF) + et_boot(21) + et_boot(22))
        return lba
    return with_catalog(build(base_tree()), cat)


@case
def eltorito_beyond():
    """A boot catalog whose boot images lie past the end of the image,
    one of them claiming floppy emulation, one hard disk, one 65535
    sectors."""
    def cat(img, lba):
        img.put(lba, et_validation() + et_boot(0xFFFFFFF0, media=2) +
                et_header(True, 0xEF, 3) + et_boot(0x00FFFFFF, media=4) +
                et_boot(lba, 0xFFFF) + et_boot(lba + 1, media=4))
        return lba
    return with_catalog(build(base_tree()), cat)


@case
def eltorito_catalog_beyond():
    """A boot record whose catalog block is past the end of the image."""
    return with_catalog(build(base_tree()), lambda img, lba: 0x7FFFFFFF)


def main(argv):
    if len(argv) > 1 and argv[1] == "--list":
        for name, fn in CASES.items():
            print("%-24s %s" % (name, fn.__doc__.split("\n")[0]))
        return 0
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 1
    out = argv[1]
    names = argv[2:] or list(CASES)
    os.makedirs(out, exist_ok=True)
    for name in names:
        if name not in CASES:
            sys.stderr.write("mkcrafted.py: no case %s\n" % name)
            return 1
        img = CASES[name]()
        # the image length is a whole number of blocks unless truncated
        with open(os.path.join(out, name + ".iso"), "wb") as f:
            f.write(img.data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
