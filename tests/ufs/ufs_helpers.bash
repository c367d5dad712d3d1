# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the UFS .bats files: the source tree and makefs images.

UFSEDIT=$FSIMG_SRCDIR/tests/ufs/ufsedit.py
# Fields a makefs image holds exactly (dnlink: makefs records real counts).
FIELDS_UFS=$FIELDS_RR,dnlink

# ufs_tree DIR: mktree's full tree plus files for the block map: one that
# needs double indirect blocks with 4 KiB blocks, one with a zero block
# between data blocks (made a hole by the hole test). makefs writes no
# sockets, so the socket is left out.
ufs_tree() {
	"$MKTREE" "$1" >/dev/null
	rm -f "$1/special/socket"
	python3 - "$1" <<'PY'
import random, sys
top = sys.argv[1]
r = random.Random(6)
chunk = bytes(r.getrandbits(8) for _ in range(1 << 16))
with open(top + "/double-indirect", "wb") as f:
    f.write(chunk * 90)  # 5.6 MiB: past 12 + 1024 blocks of 4 KiB
with open(top + "/holey", "wb") as f:
    f.write(b"A" * 4096 + b"\0" * 4096 + b"B" * 5000)
PY
	touch -d @1589805296 "$1" "$1/special" "$1/double-indirect" "$1/holey"
}

# UFS1 keeps times as signed 32-bit seconds (dinode.h di_mtime): the
# tree's times past 2038 cannot be written, so a UFS1 source drops them.
ufs1_tree() {
	cp -a "$1" "$2"
	rm -f "$2"/times/t2038-* "$2"/times/t2100-*
	touch -d "@$(stat -c %Y "$1/times")" "$2/times"
}

# ufs_makefs VERSION ORDER SRC IMG [FFS_OPTIONS]
# FFS_OPTIONS are appended to -o version=N, e.g. ",bsize=4096,fsize=512".
# UFS_SIZE, when set, is the image size (makefs -s).
ufs_makefs() {
	local v=$1 b=$2 src=$3 img=$4 opts=${5:-}
	makefs -t ffs -o "version=$v$opts" -B "$b" ${UFS_SIZE:+-s "$UFS_SIZE"} \
		"$img" "$src" \
		>"$img.log" 2>&1 || {
		cat "$img.log" >&2
		return 1
	}
}
