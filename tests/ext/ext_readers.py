#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ext_readers.py DIR N [--min-size BYTES] [--disjoint]

N processes read every regular file under DIR at once, each in its own
order, in 128 KiB reads, and hash them. All readers must agree; the
hashes are printed as JSON-quoted "path" sha256 lines (sorted), the throughput
(total bytes read / wall time) to stderr as "readers=N bytes=B secs=S
MiB/s=R". --disjoint: reader i reads only every Nth file from the
i-th (no page-cache sharing between readers; for benchmarks). Exit 1 when readers disagree or a read fails.
"""
import hashlib
import json
import multiprocessing as mp
import os
import random
import stat
import sys
import time


def files(top, min_size):
    out = []
    for root, dirs, names in os.walk(top):
        for n in names:
            p = os.path.join(root, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_size >= min_size:
                out.append(p)
    return sorted(out)


def reader(args):
    seed, paths = args
    order = list(paths)
    random.Random(seed).shuffle(order)
    res, total = {}, 0
    for p in order:
        h = hashlib.sha256()
        with open(p, "rb", buffering=0) as f:
            while True:
                b = f.read(128 << 10)
                if not b:
                    break
                total += len(b)
                h.update(b)
        res[p] = h.hexdigest()
    return res, total


def main():
    top, n = sys.argv[1], int(sys.argv[2])
    min_size = 0
    if "--min-size" in sys.argv:
        min_size = int(sys.argv[sys.argv.index("--min-size") + 1])
    paths = files(os.fsencode(top), min_size)
    t0 = time.monotonic()
    with mp.Pool(n) as pool:
        if "--disjoint" in sys.argv:
            results = pool.map(reader, [(i, paths[i::n]) for i in range(n)])
        else:
            results = pool.map(reader, [(i, paths) for i in range(n)])
    secs = time.monotonic() - t0
    total = sum(r[1] for r in results)
    first = results[0][0]
    bad = [i for i, r in enumerate(results) if r[0] != first]
    if "--disjoint" in sys.argv:
        first = {k: v for r in results for k, v in r[0].items()}
        bad = []
    sys.stderr.write("readers=%d files=%d bytes=%d secs=%.3f MiB/s=%.1f\n"
                     % (n, len(paths), total, secs, total / secs / 2**20))
    for p in paths:
        sys.stdout.buffer.write(("%s %s\n" % (json.dumps(
            os.fsdecode(os.path.relpath(p, os.fsencode(top)))), first[p])).encode())
    if bad:
        sys.stderr.write("readers %s disagree with reader 0\n" % bad)
        sys.exit(1)


if __name__ == "__main__":
    main()
