#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Test images for the FAT driver, made by the real tools.
#
#   mkfat.sh tree DIR [small]      the source tree (small: fits 1.44 MB)
#   mkfat.sh image SRC OUT SIZE_KIB MKFS_ARGS...
#                                   mkfs.fat, then mcopy -s -m of SRC
#   mkfat.sh fragment IMG SRC       files fragmented by deleting and
#                                   rewriting, in IMG and SRC (frag_*)
#
# Every mtime is set to an even second: FAT keeps 2-second resolution
# (spec 6.3), so the comparison can be exact.
set -euo pipefail
export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0 TZ=UTC

stamp() { # DIR: deterministic even-second mtimes, differing per entry
	local i=0
	find "$1" -depth -print0 | sort -z | while IFS= read -r -d '' p; do
		i=$((i + 1))
		touch -h -d "@$((1600000000 + i * 86402))" "$p"
	done
}

tree() {
	local d=$1 small=${2:-}
	mkdir -p "$d/deep/a/b/c/d/e/f/g" "$d/Case" "$d/case2" "$d/empty dir"
	: >"$d/empty"
	echo lower >"$d/lower.txt"
	echo upper >"$d/UPPER.TXT"
	echo mixed >"$d/MiXeD.TxT"
	echo base >"$d/lowbase.TXT"
	echo ext >"$d/UPEXT.txt"
	echo long >"$d/a rather long file name with spaces.text"
	echo dots >"$d/many.dots.in.name.tar.gz"
	echo unicode >"$d/grüße ünïcødé ÆØÅ 日本語.txt"
	echo cp437 >"$d/ÇÉÑ.TXT"
	echo deep >"$d/deep/a/b/c/d/e/f/g/leaf.txt"
	echo one >"$d/Case/readme.txt"
	echo two >"$d/case2/README.TXT"
	head -c 511 /dev/urandom >"$d/b511"
	head -c 512 /dev/urandom >"$d/b512"
	head -c 513 /dev/urandom >"$d/b513"
	head -c 70000 /dev/urandom >"$d/deep/seventyk.bin"
	if [ -z "$small" ]; then
		head -c $((20 * 1024 * 1024 + 7)) /dev/urandom >"$d/big.bin"
		mkdir "$d/thousands"
		for i in $(seq 1 ${FAT_THOUSANDS:-1000}); do
			echo "$i" >"$d/thousands/entry number $i.txt"
		done
		# Thousands more with plain 8.3 names: mcopy writes those fast
		# (no long-name slots, no ~N tails to search for).
		mkdir "$d/MANY"
		for i in $(seq -w 1 2500); do
			echo "$i" >"$d/MANY/F$i.TXT"
		done
	fi
	stamp "$d"
}

image() {
	local src=$1 out=$2 kib=$3
	shift 3
	rm -f "$out"
	mkfs.fat -C "$@" "$out" "$kib" >/dev/null
	mcopy -s -m -Q -i "$out" "$src"/* ::/
}

# Small files, every other one deleted, then bigger files written into the
# holes: their chains jump around the FAT.
fragment() {
	local img=$1 t=$2
	for i in $(seq 1 40); do
		head -c 1000 /dev/urandom >"$t/frag_s$i"
		touch -d "@$((1500000000 + i * 2))" "$t/frag_s$i"
	done
	mcopy -m -i "$img" "$t"/frag_s* ::/
	for i in $(seq 1 2 40); do
		mdel -i "$img" "::/frag_s$i"
		rm "$t/frag_s$i"
	done
	for i in 1 2 3; do
		head -c $((9000 + i)) /dev/urandom >"$t/frag_f$i"
		touch -d "@$((1500000100 + i * 2))" "$t/frag_f$i"
		mcopy -m -i "$img" "$t/frag_f$i" ::/
	done
}

cmd=$1
shift
"$cmd" "$@"
