#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qcow2 (lib/container/qcow2.c) against qemu-img: every version, cluster
# size and compression, extended L2, zero clusters, a backing chain of 3, an
# internal snapshot; and one crafted file per hazard.

load helpers

@test "qcow2: v2 and v3, clusters of 512 bytes to 2 MiB" {
	mkraw raw
	for o in compat=0.10 compat=1.1 cluster_size=512 cluster_size=4096 \
		cluster_size=2M compat=0.10,cluster_size=1024; do
		qemu-img convert -f raw -O qcow2 -o "$o" raw "q.qcow2"
		same_disk q.qcow2 qcow2
	done
}

@test "qcow2: compressed clusters, zlib and zstd, mixed with plain ones" {
	mkraw raw
	# compressible data, so that clusters are stored compressed
	yes "a compressible line" | head -c 2000000 |
		dd of=raw bs=1M seek=3 conv=notrunc status=none
	for c in zlib zstd; do
		qemu-img convert -c -f raw -O qcow2 \
			-o compression_type=$c,cluster_size=4096 raw c.qcow2
		# then a plain cluster written over one of them
		qemu-io -f qcow2 -c "write -P 0x5a 3M 4k" c.qcow2 >/dev/null
		same_disk c.qcow2 qcow2
		run diskdump --info c.qcow2
		contains "$output" "compression_type=$c"
	done
}

@test "qcow2: extended L2 entries: subclusters allocated, zero and absent" {
	mkraw raw
	qemu-img convert -f raw -O qcow2 -o extended_l2=on,cluster_size=128k \
		raw x.qcow2
	qemu-io -f qcow2 -c "write -z 4k 8k" -c "write -P 0x11 1M 4k" \
		-c "discard 2M 64k" x.qcow2 >/dev/null
	same_disk x.qcow2 qcow2
	run diskdump --info x.qcow2
	contains "$output" "extended_l2=yes"
}

@test "qcow2: zero clusters of v3 read as zeroes, the data beside them not" {
	mkraw raw
	qemu-img convert -f raw -O qcow2 raw z.qcow2
	qemu-io -f qcow2 -c "write -z 0 192k" -c "write -z 1M 64k" z.qcow2 \
		>/dev/null
	same_disk z.qcow2 qcow2
}

@test "qcow2: a backing chain of 3 is read with backing=yes, refused without" {
	mkraw base.raw
	qemu-img create -q -f qcow2 -F raw -b base.raw mid.qcow2
	qemu-io -f qcow2 -c "write -P 0xab 1M 64k" mid.qcow2 >/dev/null
	qemu-img create -q -f qcow2 -F qcow2 -b mid.qcow2 top.qcow2
	qemu-io -f qcow2 -c "write -z 2M 128k" -c "write -P 0xcd 3M 4k" \
		top.qcow2 >/dev/null
	same_disk top.qcow2 qcow2 -o backing=yes
	run diskdump -o backing=yes --info top.qcow2
	contains "$output" "backing_file=mid.qcow2"
	contains "$output" "backing_file_2=base.raw"
	refused top.qcow2 "names backing file 'mid.qcow2', which is not read unless allowed (-o backing=yes)"
}

@test "qcow2: a relative backing name is relative to the file naming it" {
	# top.qcow2 -> sub/mid.qcow2 -> "base.raw", which is sub/base.raw
	mkdir sub
	mkraw sub/base.raw
	qemu-img create -q -f qcow2 -F raw -b base.raw sub/mid.qcow2
	qemu-io -f qcow2 -c "write -P 0xab 1M 64k" sub/mid.qcow2 >/dev/null
	qemu-img create -q -f qcow2 -F qcow2 -b sub/mid.qcow2 top.qcow2
	same_disk top.qcow2 qcow2 -o backing=yes
	run diskdump -o backing=yes --info top.qcow2
	contains "$output" "backing_file=sub/mid.qcow2"
	# a base.raw beside top.qcow2 is not the one meant
	mkraw base.raw
	printf 'decoy' | dd of=base.raw conv=notrunc status=none
	same_disk top.qcow2 qcow2 -o backing=yes
	# and the joined name still stays beneath the image's directory
	qemu-img rebase -u -f qcow2 -F raw -b ../../x.raw sub/mid.qcow2
	refused top.qcow2 "'sub/../../x.raw': outside the image's directory" \
		-o backing=yes
}

@test "qcow2: fsimg follows a backing chain through its broker, confined" {
	mkext4 base.img
	qemu-img create -q -f qcow2 -F raw -b base.img top.qcow2
	run -0 fsimg cat -o backing=yes top.qcow2 /a.txt
	[ "$output" = hello ]
	run fsimg cat top.qcow2 /a.txt
	[ "$status" -ne 0 ]
	contains "$output" "backing=yes"
	same_listing top.qcow2 base.img -o backing=yes
	# get: its confined reader child starts the broker
	fsimg get -o backing=yes top.qcow2 /dir out
	cmp out/b.bin tree/dir/b.bin
}

@test "qcow2: an internal snapshot is read with snapshot=NAME or ID" {
	mkraw raw
	qemu-img convert -f raw -O qcow2 raw s.qcow2
	qemu-img snapshot -c before s.qcow2
	qemu-io -f qcow2 -c "write -P 0x77 0 1M" s.qcow2 >/dev/null
	qemu-img convert -f qcow2 -l snapshot.name=before -O raw s.qcow2 \
		before.raw
	diskdump -o snapshot=before s.qcow2 | cmp - before.raw
	diskdump -o snapshot=1 s.qcow2 | cmp - before.raw
	cmp -n 9000000 before.raw raw
	same_disk s.qcow2 qcow2
	refused s.qcow2 "no snapshot 'after' (snapshots: before)" \
		-o snapshot=after
}

@test "qcow2: ext4 inside: ls through the container equals the raw image" {
	mkext4 e.img
	qemu-img convert -c -f raw -O qcow2 e.img e.qcow2
	same_listing e.qcow2 e.img
	run -0 fsimg info e.qcow2
	contains "$output" "format: qcow2"
}

# --- hostile images -----------------------------------------------------

# a small valid v3 image to break: 64 KiB clusters, data in the first
mkq() {
	head -c 200000 /dev/urandom >src.raw
	qemu-img convert -f raw -O qcow2 src.raw "$1"
}

# be64 of an integer, as hex
be64() { printf '%016x' "$1"; }
be32() { printf '%08x' "$1"; }


@test "qcow2 hostile: each crafted header is refused with its reason" {
	mkq h.qcow2
	l1=$((16#$(od -An -tx1 -j40 -N8 h.qcow2 | tr -d ' \n')))
	size=$(stat -c %s h.qcow2)

	cp h.qcow2 a.qcow2 # the L2 table is the L1 table itself: read as
	patch a.qcow2 $l1 "$(be64 $l1)" # such, bounded, never a crash
	run timeout -k 2 10 "$DISKDUMP" a.qcow2
	no_crash
	[ "$status" -le 1 ]
	cp h.qcow2 b.qcow2 # an L2 table past the end
	patch b.qcow2 $l1 "$(be64 $((size + (1 << 20))))"
	refused b.qcow2 "is not a cluster inside the file"
	cp h.qcow2 c.qcow2 # an L2 table not on a cluster
	patch c.qcow2 $l1 "$(be64 $((65536 * 2 + 512)))"
	refused c.qcow2 "is not a cluster inside the file"
	cp h.qcow2 d.qcow2 # cluster_bits 30
	patch d.qcow2 20 "$(be32 30)"
	refused d.qcow2 "cluster_bits 30"
	cp h.qcow2 e.qcow2 # encrypted
	patch e.qcow2 32 "$(be32 2)"
	refused e.qcow2 "encrypted (LUKS)"
	cp h.qcow2 f.qcow2 # external data file
	patch f.qcow2 72 "$(be64 4)"
	refused f.qcow2 "external data file"
	cp h.qcow2 g.qcow2 # marked corrupt
	patch g.qcow2 72 "$(be64 2)"
	refused g.qcow2 "marked corrupt"
	cp h.qcow2 i.qcow2 # an unknown incompatible feature
	patch i.qcow2 72 "$(be64 256)"
	refused i.qcow2 "incompatible features 0x100 are unknown"
	cp h.qcow2 j.qcow2 # a disk far larger than its L1 table covers
	patch j.qcow2 24 "$(be64 $((1 << 62)))"
	refused j.qcow2 "L1 entries, the table has"
}

@test "qcow2 hostile: a 4 PiB disk with 1 KiB of data opens in constant memory" {
	# 2 MiB clusters: one L1 entry covers 2^39 bytes: 8192 entries
	qemu-img create -q -f qcow2 -o cluster_size=2M h.qcow2 4P
	qemu-io -f qcow2 -c "write -P 0x42 0 1k" h.qcow2 >/dev/null
	# peak resident memory in KiB (ulimit -v would stop a sanitizer
	# build, which reserves terabytes of address space)
	/usr/bin/time -f %M -o rss timeout 20 "$DISKDUMP" --info h.qcow2 \
		>info
	contains "$(cat info)" "size=4503599627370496"
	[ "$(tail -1 rss)" -lt 120000 ]
	# no filesystem on it: said, within the same memory
	run /usr/bin/time -f %M -o rss "$FSIMG" info h.qcow2
	no_crash
	contains "$output" "format: qcow2"
	[ "$(tail -1 rss)" -lt 120000 ]
}

@test "qcow2 hostile: a compressed cluster of absurd size, a bad stream" {
	yes "compressible" | head -c 300000 >src.raw
	qemu-img convert -c -f raw -O qcow2 -o cluster_size=4096 src.raw c.qcow2
	l1=$((16#$(od -An -tx1 -j40 -N8 c.qcow2 | tr -d ' \n')))
	l2=$((16#$(od -An -tx1 -j$l1 -N8 c.qcow2 | tr -d ' \n') & 0xfffffffffe00))
	e=$((16#$(od -An -tx1 -j$l2 -N8 c.qcow2 | tr -d ' \n')))
	# x = 62 - (12 - 8) = 58: the host offset is bits 0..57, the
	# sector count bits 58..61 (so the size is bounded by the format)
	cp c.qcow2 a.qcow2
	patch a.qcow2 $l2 "$(be64 $(((e & ~((1 << 58) - 1)) | (1 << 50))))"
	refused a.qcow2 "is not a cluster's worth inside the file"
	cp c.qcow2 b.qcow2 # the stream is garbage
	host=$((e & ((1 << 58) - 1)))
	patch b.qcow2 $host "ffffffffffffffffffffffffffffffff"
	refused b.qcow2 "does not decompress"
}

@test "qcow2 hostile: backing loops and escapes are refused" {
	mkdir -p d/sub
	mkraw d/base.raw
	qemu-img create -q -f qcow2 -F raw -b base.raw d/a.qcow2
	qemu-img create -q -f qcow2 -F qcow2 -b a.qcow2 d/b.qcow2
	# a -> b -> a
	qemu-img rebase -u -f qcow2 -F qcow2 -b b.qcow2 d/a.qcow2
	refused d/b.qcow2 "already holds: a loop" -o backing=yes
	# itself
	qemu-img rebase -u -f qcow2 -F qcow2 -b a.qcow2 d/a.qcow2
	refused d/a.qcow2 "already holds: a loop" -o backing=yes
	# outside the image's directory
	qemu-img rebase -u -f qcow2 -F raw -b ../../etc/shadow d/a.qcow2
	refused d/a.qcow2 "outside the image's directory" -o backing=yes
	qemu-img rebase -u -f qcow2 -F raw -b /etc/passwd d/a.qcow2
	refused d/a.qcow2 "outside the image's directory" -o backing=yes
	ln -s /etc/passwd d/link
	qemu-img rebase -u -f qcow2 -F raw -b link d/a.qcow2
	refused d/a.qcow2 "outside the image's directory" -o backing=yes
	# absolute inside it is fine
	qemu-img rebase -u -f qcow2 -F raw -b "$PWD/d/base.raw" d/a.qcow2
	diskdump -o backing=yes d/a.qcow2 |
		cmp -n "$(stat -c %s d/base.raw)" - d/base.raw
}
