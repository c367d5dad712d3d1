#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What confinement (common/confine.c) costs: one fsimg binary, run with the
# sandbox on and off (FSIMG_SANDBOX=0) in alternation, medians of each.
# Not part of the test suite: it reports times and ratios, never fails on
# one.
#
# Usage: tests/bench/confine.sh [FSIMG [BEFORE]]   (default build/cli/fsimg)
# BEFORE: a build from before confinement existed, timed alongside.
# Environment: BENCH_N=50000 files in the listed image, BENCH_RUNS=21,
# BENCH_TMP=/var/tmp.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
FSIMG=$(readlink -f "${1:-$top/build/cli/fsimg}")
BEFORE=${2:+$(readlink -f "$2")}
N=${BENCH_N:-50000}
RUNS=${BENCH_RUNS:-21}
work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/fsimg-confine.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work/tree" "$N" <<'PY'
import os, sys
top, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(top, "d%03d" % (i % 500))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d.txt" % i), "wb") as f:
        f.write(os.urandom(1024))
PY
echo hello >"$work/tree/small.txt"
xorriso -as mkisofs -quiet -R -J -o "$work/img.iso" "$work/tree" 2>/dev/null
rm -rf "$work/tree"

python3 - "$work/img.iso" "$RUNS" "$N" "$FSIMG" $BEFORE <<'PY'
import os, resource, statistics, subprocess, sys, time
img, runs, n, fsimg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
before = sys.argv[5] if len(sys.argv) > 5 else None
cases = [("cat of one small file", ["cat", img, "/small.txt"]),
         ("ls -R of %s entries" % n, ["ls", "-R", img])]
env_on = dict(os.environ)
env_on.pop("FSIMG_SANDBOX", None)
env_off = dict(env_on, FSIMG_SANDBOX="0")
modes = [("on", fsimg, env_on), ("off", fsimg, env_off)]
if before:
    modes.append(("before", before, env_on))
times, cpu = {}, {}
for r in range(runs + 1):
    for name, args in cases:
        for mode, exe, env in modes:
            t = time.perf_counter()
            c = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([exe] + args, env=env, stdout=subprocess.DEVNULL,
                           check=True)
            c2 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r:  # the first round warms the page cache
                times.setdefault((name, mode), []).append(
                    time.perf_counter() - t)
                cpu.setdefault((name, mode), []).append(
                    c2.ru_utime + c2.ru_stime - c.ru_utime - c.ru_stime)
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
cmed = {k: statistics.median(v) * 1000 for k, v in cpu.items()}
head = "| %s, %d runs each, alternated | sandbox on | off | on/off |" % (
    os.uname().release, runs)
print(head + (" before | on/before |" if before else ""))
print("|---|---|---|---|" + ("---|---|" if before else ""))
for name, _ in cases:
    on, off = med[(name, "on")], med[(name, "off")]
    line = "| %s | %.2f ms | %.2f ms | %.3f |" % (name, on, off, on / off)
    if before:
        b = med[(name, "before")]
        line += " %.2f ms | %.3f |" % (b, on / b)
    print(line)
print()
print("CPU time (user + system), medians: " + ", ".join(
    "%s %s %.1f ms" % (name.split(" of")[0], mode, cmed[(name, mode)])
    for name, _ in cases for mode, _, _ in modes))
PY
