#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""rrpatch.py IMAGE OLD NEW [OLD NEW]...

Crafts hostile Rock Ridge names in an ISO image made by xorriso: every
alternate-name entry (SUSP "NM", RRIP 1.12) whose name is exactly OLD gets
NEW instead, in place. OLD and NEW must have the same length in bytes, so
no record moves; NEW may hold anything a hostile image could ("..", "/",
the name of a sibling). Each OLD must occur exactly once, else nothing is
written and the exit status is 1.
"""
import sys


def main(argv):
    if len(argv) < 4 or len(argv) % 2:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    path = argv[1]
    with open(path, "rb") as f:
        img = bytearray(f.read())
    for old, new in zip(argv[2::2], argv[3::2]):
        o, n = old.encode(), new.encode()
        if len(o) != len(n):
            print(f"rrpatch: {old!r} and {new!r} differ in length",
                  file=sys.stderr)
            return 1
        # NM, length, version 1, flags 0, name
        needle = b"NM" + bytes([5 + len(o), 1, 0]) + o
        hits = []
        start = 0
        while True:
            i = img.find(needle, start)
            if i < 0:
                break
            hits.append(i)
            start = i + 1
        if len(hits) != 1:
            print(f"rrpatch: NM {old!r} found {len(hits)} times, want 1",
                  file=sys.stderr)
            return 1
        i = hits[0] + 5
        img[i:i + len(n)] = n
    with open(path, "wb") as f:
        f.write(img)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
