#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mksolufs.py: writes a small but real Solaris UFS (old-format UFS1, the
layout of illumos usr/src/uts/common/sys/fs/ufs_fs.h, ufs_inode.h and
ufs_fsdir.h) in either byte order, from a built-in description or from a
source tree. No public test suite has Solaris UFS images: this one is the
test oracle for fsimg's Solaris flavour.

  mksolufs.py [--endian big|little] [--tree DIR] [--desc DESC.json]
              [--clean clean|stable|active|log] [--no-large] OUT
      Writes the filesystem image to OUT (and, with --desc, the
      description it was built from: the expected listing).
  mksolufs.py check DESC.json LS.json [EXTRACTED_DIR]
      Compares `fsimg ls -R --json` output (and an `fsimg get` extraction
      of /) with the description, field by field.

As a library: entries = default_entries(); img = build(entries, "big").

Layout (8 KiB blocks, 1 KiB fragments, 128-byte inodes, 2 MiB cylinder
groups): boot block, superblock at 8 KiB (SBOFF), and per cylinder group c,
from cgstart(c) = c * fs_fpg + fs_cgoffset * (c & ~fs_cgmask) (rotational
staggering, fs_cgoffset 16 with 16 tracks): a superblock copy at
fs_sblkno, the struct cg at fs_cblkno (CG_MAGIC, inode and fragment maps),
the inode table at fs_iblkno, data from fs_dblkno. The cylinder-summary
area (fs_csaddr) is the first data fragment of group 0. Directories go to
the groups in turn, as FFS spreads them, so inodes of the later groups are
read too. Files get full blocks, a final run of fragments when they fit the
direct blocks, a single indirect block past 12 blocks and a double indirect
one for the sparse large file (> 2 GiB, FSLARGEFILES).

Symlinks: one of at most FSL_SIZE (56) bytes is stored in ic_db with
ic_blocks 0, as Linux writes for ufstype=sunx86 and reads for every type
(ufs_iget: no blocks = fast symlink); Solaris itself keeps every target in
a data block, like the slow symlink here.

What Linux's fs/ufs/super.c ufs_fill_super() checks for ufstype=sun (big-
endian) and sunx86 (little-endian), and how this image satisfies it:
  1. fs_magic (1372) == UFS_MAGIC 0x011954, read in either byte order:
     written in the chosen order.
  2. fs_fsize a power of two, 512 <= fs_fsize <= 4096: 1024.
  3. fs_bsize a power of two, >= 4096: 8192.
  4. fs_bsize / fs_fsize <= 8: 8.
  5. fs_fsize == the 1024-byte block size and fs_sbsize == the 2048-byte
     superblock read, or it re-reads with those: 1024 and 2048, no re-read.
  6. fs_state (132 on sunx86, 1336 on sun: ufs_get_fs_state) == UFS_FSOK
     (0x7c269d38) - fs_time, or "fs needs fsck" and read-only: written so.
  7. fs_clean FSCLEAN, FSSTABLE or FSLOG, else read-only ("fs is active",
     "fs is bad"): FSCLEAN unless --clean says otherwise.
  8. ufs_iget(UFS_ROOTINO): inode 2 in use, non-zero ic_nlink (ufs1_read_
     inode refuses zero links), a directory.
  9. fs_maxsymlinklen: for sun/sunx86 not read from disk (0 and 56); the
     slot (1320) is fs_version here.
 10. fs_cstotal (192) read by ufs_setup_cstotal for UFS1: the real counts.
 11. read-write only, ufs_read_cylinder_structures: fs_cssize bytes at
     fs_csaddr (one struct csum per group) and every cylinder group block
     with cg_magic CG_MAGIC 0x090255 (ufs_cg_chkmagic): written.
 12. The derived values it uses without checking (fs_bshift, fs_fshift,
     fs_fragshift, fs_fsbtodb, fs_nindir, fs_inopb, fs_nspf, fs_bmask,
     fs_fmask, fs_qbmask, fs_qfmask, fs_ncg, fs_ipg, fs_fpg, fs_cgoffset,
     fs_cgmask, fs_sblkno/cblkno/iblkno/dblkno): consistent with the sizes.
Directory entries (ufs_check_page, UFS_DE_OLD): 16-bit d_namlen at 6,
d_reclen a multiple of 4, at least UFS_DIR_REC_LEN(d_namlen), never crossing
a 512-byte chunk, d_ino below fs_ncg * fs_ipg. Owners (UFS_UID_EFT):
ic_suid/ic_sgid, or ic_uid/ic_gid when the short one is 65535.
"""

import base64
import hashlib
import json
import os
import random
import stat
import struct
import sys

FS_MAGIC = 0x011954
FSOKAY = 0x7C269D38
CG_MAGIC = 0x090255
CLEAN = {"active": 0x00, "clean": 0x01, "stable": 0x02, "log": 0xFD}
FSLARGEFILES = 0x01
BSIZE, FSIZE, FRAG = 8192, 1024, 8
ISIZE, INOPB = 128, 8192 // 128
NDADDR, NIADDR, NINDIR = 12, 3, 8192 // 4
DIRBLK = 512
FSL_SIZE = 56
NTRAK, NSECT, NRPOS = 16, 32, 8
SBLKNO, CBLKNO, IBLKNO = 16, 24, 32
CGOFFSET, CGMASK = 16, 0xFFFFFFF0

TYPES = {"file": stat.S_IFREG, "dir": stat.S_IFDIR, "symlink": stat.S_IFLNK,
         "chardev": stat.S_IFCHR, "blockdev": stat.S_IFBLK,
         "fifo": stat.S_IFIFO, "socket": stat.S_IFSOCK}


class Data:
    """File contents: a size and the non-zero pieces (offset -> bytes)."""

    def __init__(self, size, pieces):
        self.size = size
        self.pieces = pieces

    def block(self, lbn):
        """The bytes of logical block lbn, or None for a hole."""
        start, end = lbn * BSIZE, min((lbn + 1) * BSIZE, self.size)
        buf, hit = bytearray(end - start), False
        for off, b in self.pieces.items():
            lo, hi = max(off, start), min(off + len(b), end)
            if lo < hi:
                buf[lo - start:hi - start] = b[lo - off:hi - off]
                hit = True
        return bytes(buf) if hit else None

    def sha256(self):
        h = hashlib.sha256()
        for lbn in range((self.size + BSIZE - 1) // BSIZE):
            b = self.block(lbn)
            h.update(b if b is not None else
                     bytes(min(BSIZE, self.size - lbn * BSIZE)))
        return h.hexdigest()


def entry(path, kind, perm, uid, gid, t, **kw):
    """One object of a description. t: (seconds, microseconds) of mtime;
    atime and ctime derive from it so that all three differ."""
    e = {"path": path, "type": kind, "perm": perm, "uid": uid, "gid": gid,
         "mtime": t[0], "mtime_us": t[1], "atime": t[0] + 1000,
         "atime_us": (t[1] + 7) % 1000000, "ctime": t[0] + 2000,
         "ctime_us": (t[1] + 13) % 1000000}
    e.update(kw)
    return e


def default_entries(large=True):
    """The built-in description: every object kind, distinct owners, modes
    and times, a nested directory, direct, indirect and double indirect
    blocks, final fragments, a hole, EFT (32-bit) owners."""
    r = random.Random(6)
    big = r.randbytes(200000)       # 12 direct blocks + single indirect
    frag = r.randbytes(3 * BSIZE + 2500)  # full blocks + 3 fragments
    t = 1_200_000_000
    es = [
        entry("/lost+found", "dir", 0o700, 0, 0, (t, 0)),
        entry("/etc", "dir", 0o755, 0, 3, (t + 10, 5)),
        entry("/etc/motd", "file", 0o644, 0, 3, (t + 20, 250000),
              data=b"Oracle Solaris 10 (fsimg test image)\n"),
        entry("/etc/passwd", "file", 0o444, 0, 3, (t + 30, 999999),
              data=(b"root:x:0:0:Super-User:/:/sbin/sh\n" * 90)[:3000]),
        entry("/etc/passwd.hard", "hardlink", 0, 0, 0, (0, 0),
              link="/etc/passwd"),
        entry("/etc/empty", "file", 0o600, 5, 6, (t + 40, 1)),
        entry("/bin", "dir", 0o755, 2, 2, (t + 50, 0)),
        entry("/bin/big", "file", 0o755, 2, 2, (t + 60, 123456), data=big),
        entry("/bin/frag", "file", 0o640, 100, 14, (t + 70, 42), data=frag),
        entry("/bin/su", "file", 0o4555, 0, 3, (t + 80, 0),
              data=b"#!/sbin/sh\nexit 1\n"),
        entry("/export", "dir", 0o755, 0, 0, (t + 90, 0)),
        entry("/export/home", "dir", 0o755, 0, 0, (t + 100, 0)),
        entry("/export/home/alice", "dir", 0o750, 1001, 10, (t + 110, 7)),
        entry("/export/home/alice/notes.txt", "file", 0o600, 1001, 10,
              (t + 120, 654321), data=b"remember the milk\n" * 40),
        entry("/export/home/alice/deep", "dir", 0o755, 1001, 10,
              (t + 130, 0)),
        entry("/export/home/alice/deep/er", "dir", 0o2755, 1001, 10,
              (t + 140, 0)),
        entry("/export/home/alice/deep/er/est", "file", 0o644, 1001, 10,
              (t + 150, 3), data=b"deepest\n"),
        entry("/export/home/eft", "file", 0o644, 70000, 80000,
              (t + 160, 500), data=b"owned by 32-bit ids\n"),
        entry("/fast", "symlink", 0o777, 0, 0, (t + 170, 0),
              target="etc/motd"),
        entry("/fast56", "symlink", 0o777, 0, 0, (t + 175, 0),
              target="./" * 14 + "export//home/alice/notes.txt"),
        entry("/slow", "symlink", 0o777, 1001, 10, (t + 180, 0),
              target="export/home/alice/" + "n" * 100 + "/notes.txt"),
        entry("/devices", "dir", 0o755, 0, 3, (t + 190, 0)),
        entry("/devices/null", "chardev", 0o666, 0, 3, (t + 200, 0),
              rdev=[13, 2]),
        entry("/devices/dsk", "blockdev", 0o640, 0, 3, (t + 210, 0),
              rdev=[32, 7]),
        entry("/devices/wide", "chardev", 0o600, 0, 0, (t + 220, 0),
              rdev=[200, 70000]),
        entry("/tmp", "dir", 0o1777, 0, 3, (t + 230, 0)),
        entry("/tmp/fifo", "fifo", 0o644, 3, 4, (t + 240, 11)),
        entry("/var", "dir", 0o755, 0, 3, (t + 250, 0)),
        entry("/var/holey", "file", 0o644, 0, 0, (t + 260, 0),
              data=Data(2 * BSIZE + 5000, {0: b"A" * BSIZE,
                                           2 * BSIZE: b"B" * 5000})),
    ]
    if large:
        # 2 GiB + 100 KiB: one block at the end, through ib[1]
        size = (1 << 31) + 100 * 1024
        es.append(entry("/var/large", "file", 0o644, 0, 0, (t + 270, 0),
                        data=Data(size, {size - 3000: b"T" * 3000})))
    return es


def tree_entries(top):
    """A description of the tree at top (hard links by inode number)."""
    es, seen = [], {}
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            p = os.path.join(dirpath, name)
            rel = "/" + os.path.relpath(p, top)
            st = os.lstat(p)
            key = (st.st_dev, st.st_ino)
            if not stat.S_ISDIR(st.st_mode) and key in seen:
                es.append({"path": rel, "type": "hardlink",
                           "link": seen[key]})
                continue
            seen[key] = rel
            kind = [k for k, v in TYPES.items()
                    if stat.S_IFMT(st.st_mode) == v][0]
            e = {"path": rel, "type": kind,
                 "perm": stat.S_IMODE(st.st_mode), "uid": st.st_uid,
                 "gid": st.st_gid,
                 "mtime": st.st_mtime_ns // 10**9,
                 "mtime_us": st.st_mtime_ns % 10**9 // 1000,
                 "atime": st.st_atime_ns // 10**9,
                 "atime_us": st.st_atime_ns % 10**9 // 1000,
                 "ctime": st.st_ctime_ns // 10**9,
                 "ctime_us": st.st_ctime_ns % 10**9 // 1000}
            if kind == "file":
                with open(p, "rb") as f:
                    e["data"] = f.read()
            elif kind == "symlink":
                e["target"] = os.readlink(p)
            elif kind in ("chardev", "blockdev"):
                e["rdev"] = [os.major(st.st_rdev), os.minor(st.st_rdev)]
            es.append(e)
    return es


class Image:
    """The filesystem being written: geometry, allocation, encoders."""

    def __init__(self, endian, ninodes, nfrags, ipg, fpg):
        self.e = ">" if endian == "big" else "<"
        self.be = endian == "big"
        self.ipg = ipg
        self.fpg = fpg
        self.cpg = self.fpg * FSIZE // 512 // (NTRAK * NSECT)
        self.dblkno = IBLKNO + ipg * ISIZE // FSIZE
        per_cg = self.fpg - self.dblkno - CGOFFSET * 2
        self.ncg = max(2, -(-ninodes // ipg), -(-nfrags // per_cg) + 1)
        self.size = self.ncg * self.fpg
        self.buf = bytearray(self.size * FSIZE)
        # per group: next free whole block, and a block being cut into
        # fragments (address, fragments used)
        self.next_blk = [self.cgdmin(c) for c in range(self.ncg)]
        self.frag_blk = [None] * self.ncg
        self.used = set()  # allocated fragment addresses

    def cgstart(self, c):
        return c * self.fpg + CGOFFSET * (c & ~CGMASK & 0xFFFFFFFF)

    def cgdmin(self, c):
        return self.cgstart(c) + self.dblkno

    def put(self, off, fmt, *v):
        struct.pack_into(self.e + fmt, self.buf, off, *v)

    def alloc_block(self, c):
        """A whole block in group c (or the next group with room)."""
        for cc in list(range(c, self.ncg)) + list(range(0, c)):
            b = self.next_blk[cc]
            if b + FRAG <= (cc + 1) * self.fpg:
                self.next_blk[cc] = b + FRAG
                self.used.update(range(b, b + FRAG))
                return b
        raise SystemExit("mksolufs: out of space")

    def alloc_frags(self, c, n):
        """n contiguous fragments inside one block (a file's tail)."""
        fb = self.frag_blk[c]
        if fb is None or fb[1] + n > FRAG:
            fb = [self.alloc_block(c), 0]
            self.used.difference_update(range(fb[0], fb[0] + FRAG))
            self.frag_blk[c] = fb
        a = fb[0] + fb[1]
        fb[1] += n
        self.used.update(range(a, a + n))
        return a

    def write(self, frag, data):
        self.buf[frag * FSIZE:frag * FSIZE + len(data)] = data

    def inode_off(self, ino):
        c, i = divmod(ino, self.ipg)
        return (self.cgstart(c) + IBLKNO) * FSIZE + i * ISIZE


def dir_bytes(entries):
    """Old-format directory entries (ufs_fsdir.h): d_ino, d_reclen,
    16-bit d_namlen, the name NUL-padded to 4; the last entry of each
    512-byte chunk stretches to its end."""
    chunks, cur = [], []
    for ino, name in entries:
        nb = name.encode()
        rec = (8 + len(nb) + 1 + 3) & ~3
        if sum(x[2] for x in cur) + rec > DIRBLK:
            chunks.append(cur)
            cur = []
        cur.append((ino, nb, rec))
    chunks.append(cur)
    return chunks


def build(entries, endian="big", clean="clean", fs_time=1_234_567_890,
          logging=False, fs_version=2, fpg=2048):
    """Returns the image bytes for a description (see default_entries)."""
    # the tree: directories, their children, hard links share an inode
    byp = {"/": {"path": "/", "type": "dir", "perm": 0o755, "uid": 0,
                 "gid": 0, "mtime": fs_time - 50, "mtime_us": 0,
                 "atime": fs_time - 40, "atime_us": 0,
                 "ctime": fs_time - 30, "ctime_us": 0}}
    kids = {"/": []}
    for e in entries:
        byp[e["path"]] = e
        parent = os.path.dirname(e["path"])
        kids.setdefault(parent, []).append(e["path"])
        if e["type"] == "dir":
            kids.setdefault(e["path"], [])
    # inode numbers: root 2, then directories spread over the groups
    ninodes = len(entries) + 3
    nfrags = 64
    for e in entries:
        d = e.get("data")
        if isinstance(d, (bytes, bytearray)):
            # data, then single and double indirect blocks
            nfrags += len(d) // FSIZE + 2
            if len(d) > NDADDR * BSIZE:
                nfrags += FRAG * (2 + len(d) // (NINDIR * BSIZE))
        elif isinstance(d, Data):
            nfrags += sum(len(b) // FSIZE + 2 for b in d.pieces.values())
            nfrags += 24
        nfrags += 2 + FRAG  # the inode's tail block, a directory chunk
    nfrags += nfrags // 8
    ipg = 128
    if fpg % (NTRAK * NSECT * 512 // FSIZE) or fpg < 256:
        raise SystemExit("mksolufs: fpg must be a multiple of %d cylinders"
                         % (NTRAK * NSECT * 512 // FSIZE))
    img = Image(endian, ninodes, nfrags, ipg, fpg)
    next_ino = [3 if c == 0 else c * ipg for c in range(img.ncg)]
    ino_of, cg_of, ndirs = {"/": 2}, {"/": 0}, 0

    def new_ino(c):
        for cc in list(range(c, img.ncg)) + list(range(0, c)):
            if next_ino[cc] < (cc + 1) * ipg:
                next_ino[cc] += 1
                return next_ino[cc] - 1, cc
        raise SystemExit("mksolufs: out of inodes")

    order = ["/"]
    # lost+found first: mkfs gives it LOSTFOUNDINO (3)
    for p in sorted(byp, key=lambda p: (p != "/lost+found", p.count("/"),
                                        p)):
        if p == "/":
            continue
        e = byp[p]
        if e["type"] == "hardlink":
            continue
        if e["type"] == "dir":
            ino_of[p], cg_of[p] = new_ino(ndirs % img.ncg)
            ndirs += 1
        else:
            ino_of[p], cg_of[p] = new_ino(cg_of[os.path.dirname(p)])
        order.append(p)
    nlink = {p: 1 for p in order}
    for p in byp:
        e = byp[p]
        if e["type"] == "hardlink":
            ino_of[p] = ino_of[e["link"]]
            nlink[e["link"]] += 1
    for p in order:
        if byp[p]["type"] == "dir":
            nlink[p] = 2 + sum(1 for k in kids[p] if byp[k]["type"] == "dir")

    csaddr = img.alloc_frags(0, 1)
    logbno = 0
    if logging:  # a reserved extent where the log would live
        logbno = img.alloc_block(0) * (FSIZE // 512)
    largefiles = False

    def store(c, data):
        """Writes data's blocks; returns (db, ib, 512-byte sectors)."""
        nblk = (data.size + BSIZE - 1) // BSIZE
        db, ib, sectors = [0] * NDADDR, [0] * NIADDR, 0
        ind = {}  # indirect block address -> list of pointers

        def ind_block(ptrs_owner, idx):
            nonlocal sectors
            if ptrs_owner[idx] == 0:
                a = img.alloc_block(c)
                ptrs_owner[idx] = a
                ind[a] = [0] * NINDIR
                sectors += BSIZE // 512
            return ind[ptrs_owner[idx]]

        for lbn in range(nblk):
            b = data.block(lbn)
            last = lbn == nblk - 1
            if b is None and not last:
                continue  # a hole
            if b is None:
                b = bytes(data.size - lbn * BSIZE)
            if last and lbn < NDADDR and len(b) < BSIZE:
                n = -(-len(b) // FSIZE)
                a = img.alloc_frags(c, n)
            else:
                n, a = FRAG, img.alloc_block(c)
            img.write(a, b)
            sectors += n * FSIZE // 512
            if lbn < NDADDR:
                db[lbn] = a
                continue
            x = lbn - NDADDR
            if x < NINDIR:
                ind_block(ib, 0)[x] = a
                continue
            x -= NINDIR
            if x >= NINDIR * NINDIR:
                raise SystemExit("mksolufs: file too large")
            l1 = ind_block(ib, 1)
            ind_block(l1, x // NINDIR)[x % NINDIR] = a
        for a, ptrs in ind.items():
            img.write(a, struct.pack(img.e + "%dI" % NINDIR, *ptrs))
        return db, ib, sectors

    for p in order:
        e = byp[p]
        ino, c = ino_of[p], cg_of[p]
        kind = e["type"]
        db, ib, sectors, size = [0] * NDADDR, [0] * NIADDR, 0, 0
        if kind == "dir":
            ents = [(ino, "."), (ino_of[os.path.dirname(p)] if p != "/"
                                 else 2, "..")]
            ents += [(ino_of[k], os.path.basename(k)) for k in kids[p]]
            raw = bytearray()
            for chunk in dir_bytes(ents):
                blk = bytearray(DIRBLK)
                pos = 0
                for i, (cino, nb, rec) in enumerate(chunk):
                    if i == len(chunk) - 1:
                        rec = DIRBLK - pos
                    struct.pack_into(img.e + "IHH", blk, pos, cino, rec,
                                     len(nb))
                    blk[pos + 8:pos + 8 + len(nb)] = nb
                    pos += rec
                raw += blk
            size = len(raw)
            db, ib, sectors = store(c, Data(size, {0: bytes(raw)}))
        elif kind == "file":
            d = e.get("data", b"")
            if not isinstance(d, Data):
                d = Data(len(d), {0: d} if d else {})
            size = d.size
            largefiles |= size >= 1 << 31
            if size:
                db, ib, sectors = store(c, d)
        elif kind == "symlink":
            t = e["target"].encode()
            size = len(t)
            if len(t) <= FSL_SIZE:
                area = t.ljust(60, b"\0")
                ptrs = struct.unpack(img.e + "15I", area)
                db, ib = list(ptrs[:12]), list(ptrs[12:])
            else:
                db, ib, sectors = store(c, Data(size, {0: t}))
        elif kind in ("chardev", "blockdev"):
            ma, mi = e["rdev"]
            if ma <= 0x7F and mi <= 0xFF:
                dev = ma << 8 | mi  # old 16-bit form
            else:
                dev = ma << 18 | mi  # SVR4 dev32 (L_BITSMINOR32 18)
            db[0 if img.be else 1] = dev  # i_ordev
        mode = TYPES[kind] | e["perm"]
        uid, gid = e["uid"], e["gid"]
        off = img.inode_off(ino)
        img.put(off, "HHHHQ", mode, nlink[p], min(uid, 0xFFFF),
                min(gid, 0xFFFF), size)
        for k in ("atime", "mtime", "ctime"):
            if not -2**31 <= e[k] < 2**31:
                raise SystemExit("mksolufs: %s: %s %d does not fit the "
                                 "32-bit ic_%s" % (p, k, e[k], k))
        img.put(off + 16, "6i", e["atime"], e["atime_us"], e["mtime"],
                e["mtime_us"], e["ctime"], e["ctime_us"])
        img.put(off + 40, "15I", *(db + ib))
        # ic_flags, ic_blocks, ic_gen, ic_shadow, ic_uid, ic_gid, oeftflag
        img.put(off + 100, "iiiiIII", 0, sectors, ino * 7 + 1, 0, uid, gid,
                0)

    # cylinder groups: struct cg, inode and fragment maps, the summaries
    cs = []
    boff = 168 + img.cpg * 4
    iusedoff = boff + img.cpg * NRPOS * 2
    freeoff = iusedoff + ipg // 8
    nextfree = freeoff + img.fpg // 8
    assert nextfree <= FSIZE * (IBLKNO - CBLKNO)
    cgsize = -(-nextfree // FSIZE) * FSIZE
    for c in range(img.ncg):
        base = c * img.fpg
        reserved = set(range(base, img.cgdmin(c)))  # headers, stagger
        used_inos = [i for i in range(c * ipg, (c + 1) * ipg)
                     if i < 3 or i in ino_of.values()]
        ndir = sum(1 for p in order if byp[p]["type"] == "dir"
                   and ino_of[p] // ipg == c)
        free = [f not in img.used and f not in reserved
                for f in range(base, base + img.fpg)]
        nbfree = sum(1 for b in range(0, img.fpg, FRAG)
                     if all(free[b:b + FRAG]))
        frsum = [0] * FRAG
        nffree = 0
        for b in range(0, img.fpg, FRAG):
            run, blk = 0, free[b:b + FRAG]
            if all(blk):
                continue
            for f in blk + [False]:
                if f:
                    run += 1
                elif run:
                    frsum[run] += 1
                    nffree += run
                    run = 0
        cgs = [ndir, nbfree, ipg - len(used_inos), nffree]
        cs.append(cgs)
        at = (img.cgstart(c) + CBLKNO) * FSIZE
        img.put(at, "Iiiihhi4iiii8iiiiii", 0, CG_MAGIC, fs_time, c,
                img.cpg, ipg // INOPB,
                img.fpg - img.dblkno, *cgs, 0, 0, 0, *frsum, 168, boff,
                iusedoff, freeoff, nextfree)
        for i in used_inos:
            k = i - c * ipg
            img.buf[at + iusedoff + k // 8] |= 1 << (k % 8)
        for k, f in enumerate(free):
            if f:
                img.buf[at + freeoff + k // 8] |= 1 << (k % 8)
    total = [sum(x[i] for x in cs) for i in range(4)]
    img.write(csaddr, struct.pack(img.e + "%di" % (4 * img.ncg),
                                  *[v for x in cs for v in x]))

    # the superblock (ufs_fs.h struct fs), at SBOFF and in every group
    sb = bytearray(8192)

    def p32(off, v):
        struct.pack_into(img.e + "I", sb, off, v & 0xFFFFFFFF)

    state = (FSOKAY - fs_time) & 0xFFFFFFFF
    dsize = img.size - img.ncg * img.dblkno - 1
    for off, v in ((4, 1 if logging else 0), (8, SBLKNO), (12, CBLKNO),
                   (16, IBLKNO), (20, img.dblkno), (24, CGOFFSET),
                   (28, CGMASK), (32, fs_time), (36, img.size),
                   (40, dsize), (44, img.ncg), (48, BSIZE), (52, FSIZE),
                   (56, FRAG), (60, 10), (64, 0), (68, 60),
                   (72, ~(BSIZE - 1)), (76, ~(FSIZE - 1)), (80, 13),
                   (84, 10), (88, 16), (92, img.fpg // FRAG), (96, 3),
                   (100, 1),
                   (104, 2048), (108, ~(BSIZE - 1)), (112, 13),
                   (116, NINDIR), (120, INOPB), (124, FSIZE // 512),
                   (128, 0), (132, state if not img.be else NSECT),
                   (136, 0), (140, 0), (144, fs_time ^ 0x5A5A5A5A),
                   (148, 0x50C0FFEE), (152, csaddr), (156, FSIZE),
                   (160, cgsize), (164, NTRAK), (168, NSECT),
                   (172, NTRAK * NSECT), (176, img.ncg * img.cpg),
                   (180, img.cpg), (184, ipg), (188, img.fpg),
                   (192, total[0]), (196, total[1]), (200, total[2]),
                   (204, total[3]), (856, img.cpg), (1320, fs_version),
                   (1324, logbno), (1328, 0), (1332, 0),
                   (1336, state if img.be else NSECT),
                   (1340, BSIZE - 1), (1344, 0), (1348, FSIZE - 1),
                   (1352, 0), (1356, 1), (1360, NRPOS), (1364, 1376),
                   (1368, 1376 + img.cpg * NRPOS * 2), (1372, FS_MAGIC)):
        p32(off, v)
    if img.be:  # quad_t fs_qbmask/fs_qfmask: the high word first
        p32(1340, 0), p32(1344, BSIZE - 1)
        p32(1348, 0), p32(1352, FSIZE - 1)
    sb[208] = 0                      # fs_fmod
    sb[209] = CLEAN[clean]           # fs_clean
    sb[210] = 0                      # fs_ronly
    sb[211] = FSLARGEFILES if largefiles else 0
    sb[212:214] = b"/\0"             # fs_fsmnt[MAXMNTLEN 512]
    for k in range(img.cpg * NRPOS):  # fs_postbl: no free block (-1)
        struct.pack_into(img.e + "h", sb, 1376 + 2 * k, -1)
    sb = bytes(sb[:2048])
    img.buf[8192:8192 + 2048] = sb
    for c in range(img.ncg):
        img.write(img.cgstart(c) + SBLKNO, sb)
    return bytes(img.buf)


def describe(entries):
    """The expected listing, as JSON-able dicts keyed by path."""
    out, byp = {}, {e["path"]: e for e in entries}
    links = {}
    for e in entries:
        if e["type"] == "hardlink":
            links.setdefault(e["link"], []).append(e["path"])
    for e in entries:
        src = byp[e["link"]] if e["type"] == "hardlink" else e
        d = {k: src[k] for k in ("type", "perm", "uid", "gid", "mtime",
                                 "atime", "ctime")}
        d["mtime_ns"] = src["mtime_us"] * 1000
        d["atime_ns"] = src["atime_us"] * 1000
        d["ctime_ns"] = src["ctime_us"] * 1000
        group = [src["path"]] + links.get(src["path"], [])
        d["same_inode"] = sorted(group)
        if src["type"] == "file":
            data = src.get("data", b"")
            if not isinstance(data, Data):
                data = Data(len(data), {0: data} if data else {})
            d["size"], d["sha256"] = data.size, data.sha256()
            d["nlink"] = len(group)
            if data.size < 1 << 20:
                blob = data.block(0) or b""
                for lbn in range(1, -(-data.size // BSIZE)):
                    blob += data.block(lbn) or bytes(
                        min(BSIZE, data.size - lbn * BSIZE))
                d["content_b64"] = base64.b64encode(blob).decode()
        elif src["type"] == "symlink":
            d["target"], d["size"] = src["target"], len(
                src["target"].encode())
        elif src["type"] in ("chardev", "blockdev"):
            d["rdev"] = src["rdev"]
        out[e["path"]] = d
    return out


def check(desc_path, ls_path, tree=None):
    """Compares fsimg's listing (and extraction) with the description."""
    with open(desc_path) as f:
        desc = json.load(f)
    with open(ls_path) as f:
        ls = {x["path"]: x for x in json.load(f)}
    bad = []
    if sorted(desc) != sorted(ls):
        bad.append("paths differ: missing %s, extra %s" % (
            sorted(set(desc) - set(ls)), sorted(set(ls) - set(desc))))
    for p, d in sorted(desc.items()):
        x = ls.get(p)
        if x is None:
            continue
        for k in ("type", "uid", "gid", "mtime", "atime", "ctime",
                  "mtime_ns", "atime_ns", "ctime_ns", "size", "target",
                  "rdev", "nlink"):
            if k in d and x.get(k) != d[k]:
                bad.append("%s: %s is %r, expected %r" % (p, k, x.get(k),
                                                        d[k]))
        if x["mode"] & 0o7777 != d["perm"]:
            bad.append("%s: perm %o, expected %o" % (p, x["mode"],
                                                     d["perm"]))
        inos = {ls[q]["ino"] for q in d["same_inode"] if q in ls}
        if len(inos) != 1:
            bad.append("%s: hard links %s are not one inode" % (
                p, d["same_inode"]))
        if tree is None:
            continue
        fp = tree + p
        try:
            st = os.lstat(fp)
        except OSError as e:
            bad.append("%s: not extracted (%s)" % (p, e))
            continue
        if stat.S_IFMT(st.st_mode) != TYPES[d["type"]]:
            bad.append("%s: extracted as mode %o" % (p, st.st_mode))
        if d["type"] == "file":
            h = hashlib.sha256()
            with open(fp, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            if h.hexdigest() != d["sha256"]:
                bad.append("%s: extracted content differs" % p)
        elif d["type"] == "symlink" and os.readlink(fp) != d["target"]:
            bad.append("%s: extracted target %r" % (p, os.readlink(fp)))
        elif d["type"] in ("chardev", "blockdev") and [
                os.major(st.st_rdev), os.minor(st.st_rdev)] != d["rdev"]:
            bad.append("%s: extracted rdev differs" % p)
        if d["type"] != "symlink" and st.st_mtime_ns != (
                d["mtime"] * 10**9 + d["mtime_ns"]):
            bad.append("%s: extracted mtime %d" % (p, st.st_mtime_ns))
    for b in bad:
        print(b)
    return 1 if bad else 0


def main(argv):
    if argv[:1] == ["check"]:
        return check(*argv[1:4])
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endian", choices=("big", "little"), default="big")
    ap.add_argument("--tree", help="build from this source tree")
    ap.add_argument("--desc", help="write the description (JSON) here")
    ap.add_argument("--clean", choices=sorted(CLEAN), default="clean")
    ap.add_argument("--logging", action="store_true",
                    help="fs_logbno set, fs_clean FSLOG")
    ap.add_argument("--no-large", action="store_true",
                    help="leave out the sparse file past 2 GiB")
    ap.add_argument("--fpg", type=int, default=2048,
                    help="fragments per cylinder group (multiple of 256)")
    ap.add_argument("out")
    a = ap.parse_args(argv)
    entries = (tree_entries(a.tree) if a.tree
               else default_entries(large=not a.no_large))
    clean = "log" if a.logging and a.clean == "clean" else a.clean
    data = build(entries, a.endian, clean=clean, logging=a.logging,
                 fpg=a.fpg)
    with open(a.out, "wb") as f:
        f.write(data)
    if a.desc:
        with open(a.desc, "w") as f:
            json.dump(describe(entries), f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
