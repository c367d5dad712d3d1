#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_parallel.sh [FSIMG]: 16 parallel readers through a FUSE mount of an
# ext4 image, with one libext2fs handle per concurrent call (handles=16,
# the default) against a single handle (handles=1: one global lock), and
# the kernel loop mount for reference. Root (drops the page cache between
# runs when BENCH_COLD=1). Prints MiB/s per run; checks every run gives the same hashes.
# Not a test: timings are reported, never asserted.
set -euo pipefail
FSIMG=${1:-${FSIMG:-fsimg}}
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'umount "$t/m" 2>/dev/null || true; rm -rf "$t"' EXIT
mkdir "$t/src" "$t/m"
for i in $(seq -w 1 32); do
	head -c $((16 << 20)) /dev/urandom >"$t/src/big$i"
done
mkdir "$t/src/small"
for i in $(seq 1 4000); do head -c $((i % 9000)) /dev/urandom >"$t/src/small/f$i"; done
mke2fs -q -F -t ext4 -d "$t/src" "$t/img" 1G
run() { # label mount-command...
	local label=$1
	shift
	"$@"
	sync
	# cold: the image leaves the page cache too; warm (default): only
	# the mount's own cache is new, so the driver's cost shows
	[ -z "${BENCH_COLD:-}" ] || echo 3 >/proc/sys/vm/drop_caches
	printf '%-28s ' "$label"
	python3 "$here/ext_readers.py" "$t/m" 16 --disjoint 2>&1 >"$t/$label.sum" |
		cut -d' ' -f2-
	umount "$t/m"
	cmp -s "$t/$label.sum" "$t/kernel.sum" 2>/dev/null ||
		[ ! -f "$t/kernel.sum" ] || echo "  MISMATCH with kernel"
}
for round in 1 2; do
	run kernel mount -o ro,loop "$t/img" "$t/m"
	run fuse-handles16 "$FSIMG" mount -o backend=fuse,handles=16 "$t/img" "$t/m"
	run fuse-handles1 "$FSIMG" mount -o backend=fuse,handles=1 "$t/img" "$t/m"
done
