#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""corpus_check.py KIND GROUND_TRUTH IMAGE [FSIMG OPTION...]

Compares what fsimg reports about IMAGE (ls -R --json, cat) with upstream
ground truth from ../shared/corpus (see its README.md). KIND is one of:

  libarchive   GROUND_TRUTH is a libarchive *.entries.tsv
  libcdio      GROUND_TRUTH is a libcdio *.right (iso-info listing)
  tsk          GROUND_TRUTH is a Sleuth Kit *.tsk-dump.json

Both sides become canonical lines ("path" field=value ...), compared with a
unified diff printed on stdout; the exit status is 0 when they agree, 1 when
they differ, 2 when fsimg failed (its messages are shown). FSIMG names the
program; FSIMG_TIMEOUT (default 60) bounds each run. For libarchive the
reader mode of the upstream test (iso9660:!rockridge) becomes -o norock
unless options are given.

Which fields are compared:
  libarchive  path (plain ISO9660 names lower-cased), type, file size,
              symlink target, first bytes of file data, content of hard
              links (same bytes as the entry they link to), entry count
              when upstream asserts it; for Rock Ridge readings also perm,
              uid, gid, nlink, mtime, atime; for other readings mtime.
              Values marked "*" (observed with libarchive, not asserted
              upstream) are used too, except for what libarchive invents:
              permissions and owners without Rock Ridge; link counts of
              directories are never compared (libarchive computes them).
  libcdio     path, type, file size, symlink target; for Rock Ridge
              listings also perm, nlink (non-directories), uid, gid.
  tsk         path (plain names lower-cased), type, file size.
"""
import difflib
import json
import os
import subprocess
import sys

FSIMG = os.environ.get("FSIMG", "fsimg")
TIMEOUT = int(os.environ.get("FSIMG_TIMEOUT", "60"))


class FsimgError(Exception):
    pass


def run_fsimg(args, binary=False):
    try:
        p = subprocess.run([FSIMG] + args, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise FsimgError(f"fsimg {' '.join(args)}: timed out after "
                         f"{TIMEOUT} s")
    if p.returncode != 0:
        raise FsimgError(f"fsimg {' '.join(args)}: exit {p.returncode}\n"
                         + p.stderr.decode("utf-8", "replace"))
    return p.stdout if binary else p.stdout.decode("utf-8")


def listing(image, opts):
    data = json.loads(run_fsimg(["ls", "-R", "--json"] + opts
                                + [image, "/"]))
    return {e["path"]: e for e in data}


def line(path, fields):
    return " ".join([json.dumps(path, ensure_ascii=False)]
                    + [f"{k}={json.dumps(v, ensure_ascii=False)}"
                       for k, v in fields])


def report(expected, got, label):
    diff = list(difflib.unified_diff(expected, got,
                                     f"expected:{label}", "fsimg",
                                     lineterm=""))
    for d in diff:
        print(d)
    return 1 if diff else 0


# --- libarchive ---------------------------------------------------------

def la_value(v):
    """(value, observed) from a TSV cell; value None for '-'."""
    if v == "-":
        return None, False
    obs = v.endswith("*")
    return (v[:-1] if obs else v), obs


def la_check(tsv, image, opts):
    header = {}
    rows = []
    with open(tsv, encoding="utf-8") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if raw.startswith("#"):
                if ":" in raw:
                    k, v = raw[1:].split(":", 1)
                    header[k.strip()] = v.strip()
                continue
            if raw:
                rows.append(raw.split("\t"))
    mode = header.get("Reader mode used by the upstream test", "")
    content = header.get("Image content", "")
    if not opts and "!rockridge" in mode:
        opts = ["-o", "norock"]
    rr = "+ Rock Ridge" in content and "norock" not in " ".join(opts)
    # plain ISO9660 names: libarchive keeps "A/B", Linux (and fsimg) map
    # them to lower case
    plain = not rr and "+ Joliet" not in content
    count = header.get("Number of entries asserted upstream", "")

    got = listing(image, opts)
    exp_lines, got_lines = [], []
    by_path = {}
    for r in rows:
        seq, path, typ, size, link, nlink, perm, uid, gid, mtime, atime, \
            ctime, data = r
        if path in (".", "./"):
            continue
        if path.startswith("./"):
            path = path[2:]
        if plain:
            path = path.lower()
        by_path[path] = r
    for path, r in sorted(by_path.items()):
        _, _, typ, size, link, nlink, perm, uid, gid, mtime, atime, _, \
            data = r
        ipath = "/" + path
        exp, act = [], []
        g = got.get(ipath)
        t, _ = la_value(typ)
        exp.append(("type", t))
        act.append(("type", g and g.get("type")))
        lk, _ = la_value(link)
        sz, _ = la_value(size)
        if t == "file":
            if sz == "unset" and lk and lk.startswith("hardlink:"):
                tgt = lk[len("hardlink:"):]
                if tgt.startswith("./"):
                    tgt = tgt[2:]
                sz, _ = la_value(by_path[tgt][3])
            if sz is not None:
                exp.append(("size", int(sz)))
                act.append(("size", g and g.get("size")))
        if lk and lk.startswith("symlink:"):
            exp.append(("target", lk[len("symlink:"):]))
            act.append(("target", g and g.get("target")))
        if lk and lk.startswith("hardlink:"):
            tgt = lk[len("hardlink:"):]
            if tgt.startswith("./"):
                tgt = tgt[2:]
            exp.append(("same_bytes_as", "/" + tgt))
            same = None
            if g:
                a = run_fsimg(["cat"] + opts + [image, ipath], True)
                b = run_fsimg(["cat"] + opts + [image, "/" + tgt], True)
                same = "/" + tgt if a == b else "different bytes"
            act.append(("same_bytes_as", same))
        fields = [("mtime", mtime)]
        if rr:
            fields += [("perm", perm), ("uid", uid), ("gid", gid),
                       ("nlink", nlink), ("atime", atime)]
        for k, cell in fields:
            v, _ = la_value(cell)
            if v is None or v == "unset":
                continue
            # libarchive counts directory links itself (2 + subdirectories,
            # whatever PX says; xorriso records 1): not a property of the
            # image
            if k == "nlink" and t == "dir":
                continue
            if k == "perm":
                exp.append((k, v))
                act.append((k, g and g.get("perm")))
            else:
                exp.append((k, int(v)))
                act.append((k, g and g.get(k)))
        d, _ = la_value(data)
        if t == "file" and d is not None:
            prefix = json.loads(d).encode("utf-8")
            if prefix:
                exp.append(("data", prefix.decode("latin-1")))
                act_data = None
                if g:
                    blob = run_fsimg(["cat"] + opts + [image, ipath], True)
                    act_data = blob[:len(prefix)].decode("latin-1")
                act.append(("data", act_data))
        exp_lines.append(line(ipath, exp))
        got_lines.append(line(ipath, act) if g else
                         line(ipath, [("missing", True)]))
    extra = sorted(set(got) - {"/" + p for p in by_path})
    for p in extra:
        got_lines.append(line(p, [("unexpected", True)]))
    if count.isdigit():
        # upstream counts include the root directory
        exp_lines.append(line("(entries)", [("count", int(count) - 1)]))
        got_lines.append(line("(entries)", [("count", len(got))]))
    return report(exp_lines, got_lines, tsv)


# --- libcdio -------------------------------------------------------------

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def perm_of(modestr):
    bits = 0
    for i, ch in enumerate(modestr[1:10]):
        if ch != "-":
            bits |= 1 << (8 - i)
    extra = 0
    if modestr[3] in "sS":
        extra |= 0o4000
    if modestr[6] in "sS":
        extra |= 0o2000
    if modestr[9] in "tT":
        extra |= 0o1000
    for i, ch in ((3, "S"), (6, "S"), (9, "T")):
        if modestr[i] == ch:
            bits &= ~(1 << (9 - i))
    return f"{bits | extra:04o}"


TYPES = {"d": "dir", "-": "file", "l": "symlink", "c": "chardev",
         "b": "blockdev", "p": "fifo", "s": "socket"}


def cdio_check(right, image, opts):
    expected = {}
    cur = None
    rr = False
    with open(right, encoding="utf-8", errors="replace") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if raw.startswith("/") and raw.endswith(":"):
                cur = raw[:-1]
                continue
            if cur is None or not raw.startswith("  ") or "[LSN" not in raw:
                continue
            head, rest = raw.split("[LSN", 1)
            rest = rest.split("]", 1)[1].split()
            size = int(rest[0])
            # rest[1:5] is the date: Mon DD YYYY HH:MM:SS
            name = " ".join(rest[5:])
            target = None
            if " -> " in name:
                name, target = name.split(" -> ", 1)
            if name in (".", ".."):
                continue
            h = head.split()
            fields = []
            if len(h) >= 4:
                rr = True
                typ = TYPES[h[0][0]]
                fields = [("type", typ)]
                if typ == "file":
                    fields.append(("size", size))
                fields.append(("perm", perm_of(h[0])))
                if typ != "dir":
                    fields.append(("nlink", int(h[1])))
                fields += [("uid", int(h[2])), ("gid", int(h[3]))]
            else:
                typ = TYPES[h[0]]
                fields = [("type", typ)]
                if typ == "file":
                    fields.append(("size", size))
            if target is not None:
                fields.append(("target", target))
            expected[cur.rstrip("/") + "/" + name] = fields
    got = listing(image, opts)
    exp_lines, got_lines = [], []
    for path, fields in sorted(expected.items()):
        exp_lines.append(line(path, fields))
        g = got.get(path)
        if g is None:
            got_lines.append(line(path, [("missing", True)]))
            continue
        got_lines.append(line(path, [(k, g.get(k)) for k, _ in fields]))
    for p in sorted(set(got) - set(expected)):
        got_lines.append(line(p, [("unexpected", True)]))
    return report(exp_lines, got_lines, right)


# --- Sleuth Kit ------------------------------------------------------------

def tsk_check(dump, image, opts):
    with open(dump) as f:
        d = json.load(f)
    files = d["filesystem"]["files"]
    names = {}
    for e in files:
        n, m = e["name"], e["meta"]
        if n["name"] in (".", "..") or n["name"].startswith("$"):
            continue
        names[n["meta_addr"]] = (n["par_addr"], n["name"], m["type"],
                                 m["size"])
    root = d["filesystem"]["root_inum"]

    def path_of(addr, depth=0):
        par, name, _, _ = names[addr]
        if par == root or depth > 64:
            return "/" + name.lower()
        return path_of(par, depth + 1) + "/" + name.lower()

    expected = {}
    for addr, (par, name, typ, size) in names.items():
        t = {1: "file", 2: "dir"}.get(typ, str(typ))
        fields = [("type", t)]
        if t == "file":
            fields.append(("size", size))
        expected[path_of(addr)] = fields
    got = listing(image, opts)
    exp_lines, got_lines = [], []
    for path, fields in sorted(expected.items()):
        exp_lines.append(line(path, fields))
        g = got.get(path)
        got_lines.append(line(path, [(k, g.get(k)) for k, _ in fields])
                         if g else line(path, [("missing", True)]))
    for p in sorted(set(got) - set(expected)):
        got_lines.append(line(p, [("unexpected", True)]))
    return report(exp_lines, got_lines, dump)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("libarchive", "libcdio", "tsk"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kind, truth, image, opts = argv[1], argv[2], argv[3], argv[4:]
    try:
        if kind == "libarchive":
            return la_check(truth, image, opts)
        if kind == "libcdio":
            return cdio_check(truth, image, opts)
        return tsk_check(truth, image, opts)
    except FsimgError as e:
        print(e)
        return 2
    except (json.JSONDecodeError, KeyError) as e:
        print(f"unusable fsimg output or ground truth: {e!r}")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
