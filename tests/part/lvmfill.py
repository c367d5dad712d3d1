#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes known contents into LVs of an image without activating them.

  lvmfill.py IMG SEGS.json PVS.json LV=FILE... --pv DEV=OFFSET...

SEGS.json is `lvs --reportformat json --segments -o lv_name,seg_start_pe,
seg_size_pe,stripes,stripe_size,seg_pe_ranges --units b --nosuffix`,
PVS.json `pvs --reportformat json -o pv_name,pe_start,vg_extent_size
--units b --nosuffix`; each --pv maps a device (a loop device over a
partition) to the byte offset of that partition in IMG. Each FILE is
written where LVM maps the LV's bytes (linear or striped, as dm-stripe
does), so the LV then reads back as FILE: the ground truth the reader's
dump is compared with, taken from LVM's own view of the layout.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    img, segs_json, pvs_json = args[:3]
    lvs, devs = {}, {}
    i = 3
    while i < len(args):
        if args[i] == "--pv":
            dev, off = args[i + 1].split("=")
            devs[dev] = int(off)
            i += 2
        else:
            name, path = args[i].split("=")
            lvs[name] = path
            i += 1
    segs = json.load(open(segs_json))["report"][0]["seg"]
    pvs = json.load(open(pvs_json))["report"][0]["pv"]
    pe_start = {p["pv_name"]: int(p["pe_start"]) for p in pvs}
    ext = int(pvs[0]["vg_extent_size"])
    with open(img, "r+b") as f:
        for name, path in lvs.items():
            data = open(path, "rb").read()
            for s in (s for s in segs if s["lv_name"] == name):
                start, count = int(s["seg_start_pe"]), int(s["seg_size_pe"])
                n = int(s["stripes"])
                areas = []
                for r in s["seg_pe_ranges"].split():
                    dev, rng = r.rsplit(":", 1)
                    first = int(rng.split("-")[0])
                    areas.append(devs[dev] + pe_start[dev] + first * ext)
                assert len(areas) == n, s
                seg = data[start * ext:(start + count) * ext]
                seg += bytes(count * ext - len(seg))
                chunk = int(s["stripe_size"]) if n > 1 else len(seg)
                for c in range(len(seg) // chunk):
                    f.seek(areas[c % n] + (c // n) * chunk)
                    f.write(seg[c * chunk:(c + 1) * chunk])


if __name__ == "__main__":
    main()
