#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential tests: random trees, real image makers, reference readers.

    difftest.py --format F --seeds A-B [--keep DIR]

For each seed, a tree is generated from random.Random("F:seed") alone
(names, sizes, contents, modes, owners, times, symlinks, hard links, fifos,
sparse files, within what format F can hold), written to disk, made into
an image by the real tool, and read back by fsimg (`ls -R --json` and
`get`). fsimg's view is compared with the generated tree, field by field,
and for ext also with the kernel's loop mount of the same image when the
caller is root and the kernel has ext4 (then the kernel is the reference,
and where mke2fs wrote something else than the tree, that is a note, not a
failure: mke2fs 1.47.0 -d writes a 65537-byte file as 65536 bytes on a
1 KiB-block inline_data filesystem, seed 116). Output is TAP, one test a seed; a
failure prints the differing entries and the command that reproduces it
(with --keep, the tree and the image stay in DIR).

Formats and their makers:
    iso   xorriso -as mkisofs -R -J --hardlinks (Rock Ridge view)
    ext   mke2fs -t ext4 -I 256 -d (nanosecond and post-2038 times)
    fat   mkfs.fat (FAT12, FAT16 or FAT32) + mcopy -s -m
    ufs   makefs -t ffs (UFS1 or UFS2, either byte order)
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

FSIMG = os.environ.get("FSIMG", "fsimg")
HERE = os.path.dirname(os.path.abspath(__file__))

# What each format records, beyond names, types, sizes and contents.
CAPS = {
    "iso": dict(symlink=True, hardlink=True, fifo=True, perm=True,
                owner=True, sparse=False, ns=False, unicode=True,
                nocase=False, namemax=100, tmin=0, tmax=2**31 - 1,
                tstep=1, dirtimes=True),
    # mke2fs -d copies whole seconds and only their low 32 bits: times
    # beyond are compared with the kernel's reading, not the tree's
    "ext": dict(symlink=True, hardlink=True, fifo=True, perm=True,
                owner=True, sparse=True, ns=False, unicode=True,
                nocase=False, namemax=255, tmin=-2**31, tmax=2**31 - 1,
                tstep=1, dirtimes=True),
    "fat": dict(symlink=False, hardlink=False, fifo=False, perm=False,
                owner=False, sparse=False, ns=False, unicode=True,
                nocase=True, namemax=100, tmin=315619200,  # 1980-01-02
                tmax=4354819198, tstep=2, dirtimes=False),  # 2107
    "ufs": dict(symlink=True, hardlink=True, fifo=True, perm=True,
                owner=True, sparse=False, ns=False, unicode=True,
                nocase=False, namemax=255, tmin=0, tmax=2**31 - 1,
                tstep=1, dirtimes=True),
}

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
NAME_EXTRA = " -_+=,;[]{}()!#$%&'@~^"
NAME_UNICODE = ["é", "ü", "ß", "Ω", "日本", "ж", "ø", "中文", "😀"]
SIZES = [0, 1, 2, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 4095,
         4096, 4097, 8192, 32768, 65535, 65536, 65537]
PERMS = [0o644, 0o600, 0o755, 0o700, 0o444, 0o640, 0o4755, 0o2755, 0o1777,
         0o000, 0o777, 0o751]
OWNERS = [0, 1, 1000, 65534, 70000, 4000000]


class Tree:
    """A generated tree: entries in creation order, paths relative."""

    def __init__(self, fmt, seed):
        self.fmt = fmt
        self.caps = CAPS[fmt]
        self.rng = random.Random("%s:%d" % (fmt, seed))
        self.entries = []  # dicts: path, type, ...
        self.names = {"": set()}
        self.budget = 80

    def name(self, parent):
        r, c = self.rng, self.caps
        for _ in range(100):
            n = "".join(r.choice(NAME_CHARS) for _ in range(r.randint(1, 12)))
            if r.random() < 0.3:
                x = r.choice(NAME_EXTRA)
                # mtools writes a broken entry (no long name, NULs in the
                # short extension) for some names with a '~'
                if self.fmt == "fat" and x == "~":
                    x = "-"
                n += x + r.choice(NAME_CHARS)
            if c["unicode"] and r.random() < 0.2:
                u = r.choice(NAME_UNICODE)
                # mtools keeps only the low 16 bits of a character outside
                # the BMP: its images cannot hold one
                if self.fmt != "fat" or u.isascii() or ord(u[0]) < 0x10000:
                    n += u
            if r.random() < 0.2:
                n += "." + "".join(r.choice(NAME_CHARS)
                                   for _ in range(r.randint(1, 4)))
            # mtools writes a broken long name (a lone first LFN entry)
            # for a long name with non-ASCII characters: not for FAT
            if r.random() < 0.05 and len(parent) < 300 and \
                    (self.fmt != "fat" or n.isascii()):
                n = n * (c["namemax"] // len(n.encode()) + 1)
            while len(n.encode()) > c["namemax"]:
                n = n[:-1]
            if n.endswith((" ", ".")):
                n = n[:-1] + "z"  # FAT drops trailing spaces and dots
            key = n.lower() if c["nocase"] else n
            if key not in self.names[parent]:
                self.names[parent].add(key)
                return n
        raise RuntimeError("no free name")

    def when(self):
        c, r = self.caps, self.rng
        t = r.randint(c["tmin"], c["tmax"])
        t -= t % c["tstep"]
        ns = r.randrange(10**9) if c["ns"] else 0
        return t, ns

    def grow(self, parent="", depth=0):
        r, c = self.rng, self.caps
        for _ in range(r.randint(0, 8) if depth else r.randint(3, 14)):
            if self.budget <= 0:
                return
            self.budget -= 1
            path = (parent + "/" if parent else "") + self.name(parent)
            kinds = ["file"] * 6 + ["dir"] * (2 if depth < 3 else 0)
            if c["symlink"]:
                kinds += ["symlink"] * 2
            if c["hardlink"] and any(e["type"] == "file"
                                     for e in self.entries):
                kinds += ["hardlink"]
            if c["fifo"]:
                kinds += ["fifo"]
            kind = r.choice(kinds)
            e = {"path": path, "type": kind, "mtime": self.when()}
            if c["perm"]:
                e["perm"] = r.choice(PERMS) if kind != "dir" else \
                    r.choice([0o755, 0o700, 0o555, 0o1777, 0o750])
            if c["owner"]:
                e["uid"], e["gid"] = r.choice(OWNERS), r.choice(OWNERS)
            if kind == "file":
                size = r.choice(SIZES) if r.random() < 0.7 else \
                    r.randrange(300000)
                e["data"] = r.randbytes(size)
                if c["sparse"] and r.random() < 0.15:
                    e["hole"] = r.randrange(1, 4 << 20)
            elif kind == "symlink":
                e["target"] = self.link_target(parent)
            elif kind == "hardlink":
                e["type"] = "file"
                e["link_to"] = r.choice([x for x in self.entries
                                         if x["type"] == "file" and
                                         "link_to" not in x])["path"]
            self.entries.append(e)
            if kind == "dir":
                self.names[path] = set()
                self.grow(path, depth + 1)

    def link_target(self, parent):
        r = self.rng
        pick = r.random()
        if pick < 0.4 and self.entries:
            other = r.choice(self.entries)["path"]
            up = parent.count("/") + 1 if parent else 0
            return "../" * up + other
        if pick < 0.6:
            return "/" + "/".join(r.choice(["usr", "boot", "x y", "é"])
                                  for _ in range(r.randint(1, 4)))
        if pick < 0.7:
            return "y" * r.randint(60, 250)
        return "dangling-" + str(r.randrange(1000))

    def write(self, top):
        os.makedirs(top)
        dirs = []
        for e in self.entries:
            p = os.path.join(top, e["path"])
            t = e["type"]
            if "link_to" in e:
                os.link(os.path.join(top, e["link_to"]), p)
                continue
            if t == "dir":
                os.mkdir(p)
                dirs.append(e)
            elif t == "file":
                with open(p, "wb") as f:
                    f.write(e["data"])
                    if "hole" in e:
                        f.seek(e["hole"], os.SEEK_CUR)
                        f.write(e["data"][:100] or b"z")
            elif t == "symlink":
                os.symlink(e["target"], p)
            elif t == "fifo":
                os.mkfifo(p)
            self.finish(p, e)
        os.chmod(top, 0o755)
        # directory times last: creating entries changes them
        for e in reversed(dirs):
            self.finish(os.path.join(top, e["path"]), e)

    def finish(self, p, e):
        if "uid" in e:
            os.lchown(p, e["uid"], e["gid"])
        if "perm" in e and e["type"] != "symlink":
            os.chmod(p, e["perm"])
        t, ns = e["mtime"]
        os.utime(p, ns=(t * 10**9 + ns, t * 10**9 + ns),
                 follow_symlinks=False)


TYPES = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink",
         stat.S_IFIFO: "fifo", stat.S_IFCHR: "chardev",
         stat.S_IFBLK: "blockdev", stat.S_IFSOCK: "socket"}


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan(top):
    """A tree on disk as {path: fields}, with contents hashed."""
    out = {}
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, top)
            e = {"type": TYPES[stat.S_IFMT(st.st_mode)],
                 "perm": "%04o" % stat.S_IMODE(st.st_mode),
                 "uid": st.st_uid, "gid": st.st_gid,
                 "mtime": st.st_mtime_ns, "nlink": st.st_nlink,
                 "ino": st.st_ino}
            if e["type"] == "file":
                e["size"] = st.st_size
                e["sha256"] = digest(p)
            elif e["type"] == "symlink":
                e["target"] = os.readlink(p)
            out[rel] = e
    return out


def fsimg_view(img, work, opts):
    """fsimg's listing joined with its extraction's contents."""
    ls = subprocess.run([FSIMG] + opts + ["ls", "-R", "--json", img, "/"],
                        capture_output=True, text=True)
    if ls.returncode != 0:
        raise RuntimeError("fsimg ls failed (%d): %s" %
                           (ls.returncode, ls.stderr.strip()))
    out = {}
    for j in json.loads(ls.stdout):
        rel = j["path"].lstrip("/")
        out[rel] = {"type": j["type"], "perm": j.get("perm"),
                    "uid": j.get("uid"), "gid": j.get("gid"),
                    "mtime": j["mtime"] * 10**9 + j.get("mtime_ns", 0),
                    "nlink": j.get("nlink"), "ino": j.get("ino"),
                    "size": j.get("size"), "target": j.get("target")}
    dest = os.path.join(work, "got")
    get = subprocess.run([FSIMG] + opts + ["get", "-q", img, "/", dest],
                         capture_output=True, text=True)
    if get.returncode != 0:
        raise RuntimeError("fsimg get failed (%d): %s" %
                           (get.returncode, get.stderr.strip()))
    for rel, e in scan(dest).items():
        if rel not in out:
            raise RuntimeError("get wrote %r, which ls did not list" % rel)
        if e["type"] != out[rel]["type"]:
            raise RuntimeError("%r: ls says %s, get wrote a %s" %
                               (rel, out[rel]["type"], e["type"]))
        if e["type"] == "file":
            if e["size"] != out[rel]["size"]:
                raise RuntimeError("%r: ls says %d bytes, get wrote %d" %
                                   (rel, out[rel]["size"], e["size"]))
            out[rel]["sha256"] = e["sha256"]
        if e["type"] == "symlink" and e["target"] != out[rel]["target"]:
            raise RuntimeError("%r: ls and get disagree on the target" % rel)
    return out


def link_groups(view):
    """Hard-link groups as the smallest path of each group, per path."""
    groups = {}
    for p, e in view.items():
        if e["type"] == "file" and (e.get("nlink") or 1) > 1:
            groups.setdefault(e["ino"], []).append(p)
    return {p: min(g) for g in groups.values() for p in g}


def compare(fmt, want, got, ignore=(), who="fsimg"):
    """Lines describing each difference between two views."""
    caps = CAPS[fmt]
    fields = ["type", "size", "sha256", "target"]
    if caps["perm"]:
        fields.append("perm")
    if caps["owner"]:
        fields += ["uid", "gid"]
    diffs = []
    wl, gl = link_groups(want), link_groups(got)
    for p in sorted(set(want) | set(got)):
        if p.split("/")[0] in ignore:
            continue
        if p not in got:
            diffs.append("%r: missing from %s's view" % (p, who))
            continue
        if p not in want:
            diffs.append("%r: %s shows it, the reference has no such "
                         "entry" % (p, who))
            continue
        w, g = want[p], got[p]
        for f in fields:
            if f in w and w.get(f) != g.get(f):
                diffs.append("%r: %s is %r, %s says %r" %
                             (p, f, w.get(f), who, g.get(f)))
        if w["type"] != "symlink" and (w["type"] != "dir" or
                                       caps["dirtimes"]):
            wt = w["mtime"] if caps["ns"] else \
                w["mtime"] // 10**9 * 10**9
            if wt != g["mtime"]:
                diffs.append("%r: mtime is %d ns, %s says %d ns" %
                             (p, wt, who, g["mtime"]))
        if caps["hardlink"] and w["type"] == "file" and \
                wl.get(p) != gl.get(p):
            diffs.append("%r: hard-link group %r, %s says %r" %
                         (p, wl.get(p), who, gl.get(p)))
    return diffs


def tree_bytes(tree):
    n = 0
    for e in tree.entries:
        n += len(e.get("data", b"")) + e.get("hole", 0) + 4096
    return n


def tool_crashed(r):
    """Did a reference tool die of a signal? xorriso catches SIGSEGV and
    exits 1 saying "UNIX-SIGNAL"; it does so now and then under load, on
    trees it builds the next time."""
    return r.returncode < 0 or "UNIX-SIGNAL" in (r.stderr + r.stdout)


def run(cmd, **kw):
    """Runs a reference tool; one that crashed is run again, at most
    twice (the image is a function of the tree: a retry changes nothing
    but the luck). Its failure is never fsimg's."""
    for attempt in range(3):
        r = subprocess.run(cmd, capture_output=True, text=True, **kw)
        if r.returncode == 0 or not tool_crashed(r):
            break
        sys.stderr.write("difftest: %s crashed (attempt %d): %s\n" % (
            cmd[0], attempt + 1, (r.stderr or r.stdout).strip()[-200:]))
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            cmd[0], r.returncode, (r.stderr or r.stdout).strip()[-500:]))


def make_image(fmt, tree, src, img, rng):
    need = tree_bytes(tree)
    if fmt == "iso":
        run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J",
             "--hardlinks", "-o", img, src])
        return "xorriso -R -J --hardlinks"
    if fmt == "ext":
        kib = max(4096, need * 2 // 1024 + 2048)
        bs = rng.choice(["1024", "4096"])
        opts = rng.choice(["", "inline_data", "^extent,^64bit",
                           "^has_journal", "metadata_csum"])
        cmd = ["mke2fs", "-q", "-F", "-t", "ext4", "-I", "256", "-b", bs,
               "-E", "root_owner=0:0"]
        if opts:
            cmd += ["-O", opts]
        run(cmd + ["-d", src, img, str(kib)],
            env=dict(os.environ, E2FSPROGS_FAKE_TIME="1700000000"))
        return "mke2fs -b %s %s" % (bs, opts)
    if fmt == "fat":
        kind = rng.choice(["12", "16", "32"])
        kib = {"12": 0, "16": 20000, "32": 40000}[kind]
        kib = max(kib, need * 2 // 1024 + 1024)
        if kind == "12" and kib > 30000:
            kind, kib = "16", max(kib, 20000)
        run(["mkfs.fat", "-C", "-F", kind, img, str(kib)])
        items = [os.path.join(src, n) for n in sorted(os.listdir(src))]
        if items:
            run(["mcopy", "-s", "-m", "-i", img] + items + ["::/"],
                env=dict(os.environ, MTOOLS_SKIP_CHECK="1", TZ="UTC",
                         LC_ALL="C.UTF-8"))
        return "mkfs.fat -F %s + mcopy -s -m" % kind
    if fmt == "ufs":
        ver = rng.choice(["1", "2"])
        order = rng.choice(["le", "be"])
        # makefs misjudges the room some trees need when it sizes the image
        # itself (-M, or -s near its estimate: "No space left", "read
        # error"): a fixed, roomy size instead, no minfree
        kib = max(65536, need * 4 // 1024)
        run(["makefs", "-t", "ffs", "-o", "version=%s,minfree=0" % ver,
             "-B", order, "-s", "%dk" % kib, img, src])
        return "makefs -t ffs version=%s -B %s" % (ver, order)
    raise ValueError(fmt)


def kernel_view(img, work):
    """The kernel's reading of an ext image, or None when unavailable."""
    if os.geteuid() != 0:
        return None
    mnt = os.path.join(work, "mnt")
    os.makedirs(mnt)
    r = subprocess.run(["mount", "-t", "ext4", "-o", "ro,loop,noload", img,
                        mnt], capture_output=True)
    if r.returncode != 0:
        return None
    try:
        return scan(mnt)
    finally:
        subprocess.run(["umount", mnt])


def one(fmt, seed, keep):
    tree = Tree(fmt, seed)
    tree.grow()
    work = keep or tempfile.mkdtemp(prefix="fsimg-diff-")
    try:
        src = os.path.join(work, "src")
        img = os.path.join(work, fmt + ".img")
        if keep and os.path.exists(src):
            shutil.rmtree(work)
            os.makedirs(work)
        tree.write(src)
        want = scan(src)
        how = make_image(fmt, tree, src, img, tree.rng)
        # mtools writes short names in code page 850 (its default)
        got = fsimg_view(img, work,
                         ["-o", "codepage=850"] if fmt == "fat" else [])
        notes = []
        kern = kernel_view(img, work) if fmt == "ext" else None
        if kern is None:
            diffs = compare(fmt, want, got, ignore=("lost+found",))
        else:
            # the kernel's reading of the same image is the reference; where
            # the maker did not write what the tree holds, that is noted
            diffs = ["kernel vs fsimg: " + d
                     for d in compare(fmt, kern, got)]
            notes = ["mke2fs did not write the tree: " + d
                     for d in compare(fmt, want, kern,
                                      ignore=("lost+found",),
                                      who="the kernel")]
        return how, len(want), diffs, notes
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", required=True, choices=sorted(CAPS))
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--keep")
    a = ap.parse_args()
    lo, _, hi = a.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    need = {"iso": ["xorriso"], "ext": ["mke2fs"],
            "fat": ["mkfs.fat", "mcopy"], "ufs": ["makefs"]}[a.format]
    print("1..%d" % len(seeds))
    missing = [t for t in need if not shutil.which(t)]
    failed = 0
    for i, seed in enumerate(seeds, 1):
        name = "%s seed %d" % (a.format, seed)
        if missing:
            print("ok %d - %s # SKIP needs %s" % (i, name, " ".join(missing)))
            continue
        try:
            how, n, diffs, notes = one(a.format, seed, a.keep)
        except (RuntimeError, OSError) as e:
            how, n, diffs, notes = "?", 0, [str(e)], []
        if diffs:
            failed += 1
            print("not ok %d - %s (%s)" % (i, name, how))
            for d in diffs[:20]:
                print("# " + d)
            print("# reproduce: %s --format %s --seeds %d --keep DIR" %
                  (os.path.relpath(__file__), a.format, seed))
        else:
            print("ok %d - %s: %d entries (%s)" % (i, name, n, how))
        for d in notes[:5]:
            print("# note: " + d)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
