#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Counts test cases in meson's testlog.json files.

TAP tests count one case per "ok"/"not ok" line ("# SKIP" lines are
skipped, not passed). A test that meson judged failed (crash, timeout, bad
plan, non-zero exit) but whose TAP lines all passed counts one failure more,
so nothing that failed can be hidden. Non-TAP tests count as one case.
Prints one line per failing case, with the first diagnostic lines ("# ...")
that follow it, then "N passed, N failed, N skipped".
"""
import json
import re
import sys

TAP = re.compile(r"^(not )?ok\b(.*)$")
BAD = {"FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS", "INTERRUPT"}

passed = failed = skipped = 0
for path in sys.argv[1:]:
    suite = path.split("/")[-3] if path.count("/") >= 2 else path
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            t = json.loads(line)
            name, result = t.get("name", "?"), t.get("result", "?")
            out = t.get("stdout") or ""
            lines = out.splitlines()
            cases = [(i, TAP.match(x)) for i, x in enumerate(lines)]
            cases = [(i, m) for i, m in cases if m]
            tap_failed = 0
            for i, m in cases:
                rest = m.group(2)
                if re.search(r"#\s*skip", rest, re.I):
                    skipped += 1
                elif m.group(1) and not re.search(r"#\s*todo", rest, re.I):
                    failed += 1
                    tap_failed += 1
                    print(f"FAILED [{suite}] {name}: not ok{rest}")
                    # why: the diagnostics the test printed right after
                    for d in lines[i + 1:i + 9]:
                        if not d.startswith("#"):
                            break
                        print("    " + d)
                else:
                    passed += 1
            if result in BAD and tap_failed == 0:
                failed += 1
                print(f"FAILED [{suite}] {name}: {result}")
            elif not cases:
                if result == "SKIP":
                    skipped += 1
                elif result not in BAD:
                    passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
