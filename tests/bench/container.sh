#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a container costs: one 1 GiB file read from an ext4 filesystem in a
# raw disk image and from the same disk converted by qemu-img to qcow2
# (uncompressed) and to VHDX, through the CLI (fsimg cat) and through FUSE
# (fsimg mount, then cat), cold (page cache dropped) and warm, medians of
# BENCH_REPS runs, in alternation. Ratios are container time / raw time
# (1.0 = as fast). Not part of the test suite: it never fails on a time.
#
# Usage: sudo tests/bench/container.sh [FSIMG]   (default build/cli/fsimg)
# Environment: BENCH_MB=1024, BENCH_REPS=3, BENCH_TMP=/var/tmp.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
FSIMG=$(readlink -f "${1:-$top/build/cli/fsimg}")
MB=${BENCH_MB:-1024}
REPS=${BENCH_REPS:-3}
work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/fsimg-container.XXXXXX")
cleanup() {
	for m in "$work"/mnt-*; do
		[ -d "$m" ] && umount "$m" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/tree"
head -c $((MB * 1048576)) /dev/urandom >"$work/tree/big"
mke2fs -q -t ext4 -d "$work/tree" "$work/disk.raw" $((MB + 200))M
rm -rf "$work/tree"
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$work/disk.qcow2"
qemu-img convert -f raw -O vhdx "$work/disk.raw" "$work/disk.vhdx"

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
# one timed run of a command, its output thrown away
timed() {
	local t0
	t0=$(now)
	"$@" >/dev/null
	echo "$(now) - $t0" | bc
}

declare -A T
for r in $(seq 1 "$REPS"); do
	for f in raw qcow2 vhdx; do
		img=$work/disk.$f
		drop
		T[cli-cold-$f]+=" $(timed "$FSIMG" cat "$img" /big)"
		T[cli-warm-$f]+=" $(timed "$FSIMG" cat "$img" /big)"
		m=$work/mnt-$f
		mkdir -p "$m"
		"$FSIMG" mount -o backend=fuse "$img" "$m"
		drop
		T[fuse-cold-$f]+=" $(timed cat "$m/big")"
		T[fuse-warm-$f]+=" $(timed cat "$m/big")"
		umount "$m"
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-10s %8s %8s %8s %7s %7s\n' case raw qcow2 vhdx qcow2/raw vhdx/raw
for c in cli-cold cli-warm fuse-cold fuse-warm; do
	r=$(median <<<"${T[$c-raw]}")
	q=$(median <<<"${T[$c-qcow2]}")
	v=$(median <<<"${T[$c-vhdx]}")
	printf '%-10s %7.2fs %7.2fs %7.2fs %7.2fx %7.2fx\n' "$c" "$r" "$q" "$v" \
		"$(echo "$q / $r" | bc -l)" "$(echo "$v / $r" | bc -l)"
done
