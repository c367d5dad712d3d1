#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qcow2 (lib/container/qcow2.c) against qemu-img: every version, cluster
# size and compression, clusters stored out of order, extended L2, zero
# clusters, a backing chain of 3, an internal snapshot; and one crafted file
# per hazard.

load helpers

@test "qcow2: v2 and v3, clusters of 512 bytes to 2 MiB" {
	mkraw raw
	for o in compat=0.10 compat=1.1 cluster_size=512 cluster_size=4096 \
		cluster_size=2M compat=0.10,cluster_size=1024; do
		qemu-img convert -f raw -O qcow2 -o "$o" raw "q.qcow2"
		same_disk q.qcow2 qcow2
	done
}

@test "qcow2: clusters stored out of order, runs split where they must" {
	# written last to first: the host clusters run backwards
	qemu-img create -q -f qcow2 -o cluster_size=4k f.qcow2 1M
	args=()
	for i in $(seq 40 -1 0); do
		args+=(-c "write -P $((i + 1)) $((i * 4))k 4k")
	done
	args+=(-c "write -P 0x77 200k 40k" -c "write -P 0x78 100k 4k")
	qemu-io -f qcow2 "${args[@]}" f.qcow2 >/dev/null
	same_disk f.qcow2 qcow2
	# subclusters written out of order, a run ending inside a cluster
	qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=32k \
		x.qcow2 1M
	qemu-io -f qcow2 -c "write -P 1 96k 32k" -c "write -P 2 64k 32k" \
		-c "write -P 3 33k 2k" -c "write -P 4 0 31k" x.qcow2 >/dev/null
	same_disk x.qcow2 qcow2
}

@test "qcow2: compressed clusters, zlib and zstd, mixed with plain ones" {
	mkraw raw
	# compressible data, so that clusters are stored compressed
	yes "a compressible line" | head -c 2000000 |
		dd of=raw bs=1M seek=3 conv=notrunc status=none
	for c in zlib zstd; do
		qemu-img convert -c -f raw -O qcow2 \
			-o compression_type=$c,cluster_size=4096 raw c.qcow2
		# then a plain cluster, part of one and zeroes written over
		# them
		qemu-io -f qcow2 -c "write -P 0x5a 3M 4k" \
			-c "write -P 0x33 3100k 2k" -c "write -z 3200k 16k" \
			c.qcow2 >/dev/null
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
	# subclusters of an overlay: the unallocated ones are its backing
	# file's
	qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=128k \
		-F qcow2 -b x.qcow2 o.qcow2
	qemu-io -f qcow2 -c "write -P 0x66 68k 8k" -c "write -z 200k 4k" \
		-c "write -P 0x77 5M 300k" o.qcow2 >/dev/null
	same_disk o.qcow2 qcow2 -o backing=yes
}

@test "qcow2: zero clusters of v3 read as zeroes, the data beside them not" {
	mkraw raw
	qemu-img convert -f raw -O qcow2 raw z.qcow2
	# zeroes kept allocated, and unmapped
	qemu-io -f qcow2 -c "write -z 0 192k" -c "write -z 1M 64k" \
		-c "write -z -u 2M 512k" z.qcow2 >/dev/null
	same_disk z.qcow2 qcow2
	# zeroes over a backing file hide it
	qemu-img create -q -f qcow2 -F qcow2 -b z.qcow2 o.qcow2
	qemu-io -f qcow2 -c "write -z 0 2M" o.qcow2 >/dev/null
	same_disk o.qcow2 qcow2 -o backing=yes
	# metadata preallocated: clusters with a host cluster, never written
	qemu-img create -q -f qcow2 -o preallocation=metadata p.qcow2 8M
	qemu-io -f qcow2 -c "write -P 0x99 1M 64k" p.qcow2 >/dev/null
	same_disk p.qcow2 qcow2
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
	# an overlay larger than its base: zeroes past the base's end
	qemu-img create -q -f qcow2 -F qcow2 -b mid.qcow2 big.qcow2 40M
	qemu-io -f qcow2 -c "write -P 0xd1 30M 64k" big.qcow2 >/dev/null
	same_disk big.qcow2 qcow2 -o backing=yes
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
	# grown after it was taken: the snapshot keeps its size
	qemu-img resize -q s.qcow2 30M
	diskdump -o snapshot=before s.qcow2 | cmp - before.raw
	same_disk s.qcow2 qcow2
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

# get64 FILE OFFSET: the big-endian 64-bit integer at OFFSET of FILE
get64() { echo $((16#$(od -An -tx1 -j"$2" -N8 "$1" | tr -d ' \n'))); }

# l2_of IMG: where the L2 table of L1 entry 0 is
l2_of() { echo $(($(get64 "$1" "$(get64 "$1" 40)") & 0xfffffffffe00)); }

# spoil IMG OUT OFFSET HEX...: OUT is IMG with the bytes HEX at each OFFSET
spoil() {
	cp "$1" "$2"
	patch "${@:2}"
}


@test "qcow2 hostile: each crafted header is refused with its reason" {
	mkq h.qcow2
	l1=$(get64 h.qcow2 40)
	size=$(stat -c %s h.qcow2)

	# the L2 table is the L1 table itself: read as such, bounded, never
	# a crash
	spoil h.qcow2 a.qcow2 "$l1" "$(be64 "$l1")"
	run timeout -k 2 10 "$DISKDUMP" a.qcow2
	no_crash
	[ "$status" -le 1 ]
	# an L2 table past the end
	spoil h.qcow2 b.qcow2 "$l1" "$(be64 $((size + (1 << 20))))"
	refused b.qcow2 "is not a cluster inside the file"
	# an L2 table not on a cluster
	spoil h.qcow2 c.qcow2 "$l1" "$(be64 $((65536 * 2 + 512)))"
	refused c.qcow2 "is not a cluster inside the file"
	spoil h.qcow2 d.qcow2 20 "$(be32 30)" # cluster_bits 30
	refused d.qcow2 "cluster_bits 30"
	spoil h.qcow2 e.qcow2 32 "$(be32 2)" # encrypted
	refused e.qcow2 "encrypted (LUKS)"
	spoil h.qcow2 f.qcow2 72 "$(be64 4)" # external data file
	refused f.qcow2 "external data file"
	spoil h.qcow2 g.qcow2 72 "$(be64 2)" # marked corrupt
	refused g.qcow2 "marked corrupt"
	# an unknown incompatible feature
	spoil h.qcow2 i.qcow2 72 "$(be64 256)"
	refused i.qcow2 "incompatible features 0x100 are unknown"
	# a disk far larger than its L1 table covers
	spoil h.qcow2 j.qcow2 24 "$(be64 $((1 << 62)))"
	refused j.qcow2 "L1 entries, the table has"
}

@test "qcow2 hostile: L1 and L2 tables" {
	mkq h.qcow2
	l1=$(get64 h.qcow2 40)
	l2=$(l2_of h.qcow2)
	# the L1 table over the header, off a cluster, past the end
	spoil h.qcow2 a.qcow2 40 "$(be64 0)"
	refused a.qcow2 "L1 table (1 entries at byte 0) is not inside the file"
	spoil h.qcow2 b.qcow2 40 "$(be64 $((l1 + 8)))"
	refused b.qcow2 \
		"L1 table (1 entries at byte $((l1 + 8))) is not inside the file"
	spoil h.qcow2 c.qcow2 36 "$(be32 100000)"
	refused c.qcow2 \
		"L1 table (100000 entries at byte $l1) is not inside the file"
	# the file cut short: inside the L2 table, then inside the L1 table
	cp h.qcow2 d.qcow2
	truncate -s $((l2 + 100)) d.qcow2
	refused d.qcow2 "L1 entry 0 at byte $l1: L2 table at $l2 is not a cluster inside the file"
	truncate -s $((l1 + 4)) d.qcow2
	refused d.qcow2 "L1 table (1 entries at byte $l1) is not inside the file"
}

@test "qcow2 hostile: data clusters" {
	mkq h.qcow2
	l2=$(l2_of h.qcow2)
	d=$(($(get64 h.qcow2 "$l2") & 0xfffffffffe00))
	d1=$(($(get64 h.qcow2 $((l2 + 8))) & 0xfffffffffe00))
	# off a cluster, past the end
	spoil h.qcow2 a.qcow2 "$l2" "$(be64 $((1 << 63 | (d + 512))))"
	refused a.qcow2 "cluster 0 is stored at byte $((d + 512)), which is not a cluster inside the file"
	spoil h.qcow2 b.qcow2 "$l2" "$(be64 $((1 << 63 | 1000 * 65536)))"
	refused b.qcow2 "cluster 0 is stored at byte 65536000, which is not a cluster inside the file"
	# the file cut short inside the data: refused, not read as zeroes
	cp h.qcow2 c.qcow2
	truncate -s $((d + 1000)) c.qcow2
	refused c.qcow2 "cluster 1 is stored at byte $d1, which is not a cluster inside the file"
	# extended L2: a subcluster both allocated and zero; allocated ones
	# with no host cluster
	qemu-img create -q -f qcow2 -o extended_l2=on x.qcow2 1M
	qemu-io -f qcow2 -c "write -P 0x11 0 64k" x.qcow2 >/dev/null
	l2=$(l2_of x.qcow2)
	spoil x.qcow2 e.qcow2 $((l2 + 8)) 0000000100000001
	refused e.qcow2 "cluster 0: subcluster 0 is both allocated and zero"
	spoil x.qcow2 f.qcow2 "$l2" "$(be64 $((1 << 63)))"
	refused f.qcow2 "cluster 0: allocated subcluster 0 has no host cluster"
}

@test "qcow2 hostile: sizes" {
	mkq h.qcow2
	for b in 8 22; do
		spoil h.qcow2 c$b.qcow2 20 "$(be32 $b)"
		refused c$b.qcow2 "cluster_bits $b (at byte 20) is outside 9..21"
	done
	# a header shorter than version 3's, one longer than the file
	spoil h.qcow2 a.qcow2 100 "$(be32 96)"
	refused a.qcow2 "header length 96 is wrong"
	spoil h.qcow2 b.qcow2 100 "$(be32 $((1 << 20)))"
	refused b.qcow2 "header length 1048576 is wrong"
	# extended L2 entries: 32 subclusters of at least 512 bytes
	qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=16k \
		x.qcow2 1M
	spoil x.qcow2 y.qcow2 20 "$(be32 13)"
	refused y.qcow2 "extended L2 entries need clusters of 16 KiB or more"
	# an empty disk, without an L1 table
	qemu-img create -q -f qcow2 e.qcow2 0
	same_disk e.qcow2 qcow2
}

@test "qcow2 hostile: features refused" {
	mkq h.qcow2
	spoil h.qcow2 a.qcow2 32 "$(be32 1)"
	refused a.qcow2 "the disk is encrypted (AES): not read"
	spoil h.qcow2 b.qcow2 32 "$(be32 3)"
	refused b.qcow2 "the disk is encrypted (unknown): not read"
	# a compression type without its feature bit, an unknown one with it
	spoil h.qcow2 c.qcow2 104 01
	refused c.qcow2 "compression type 1 does not match its feature bit"
	spoil h.qcow2 d.qcow2 79 08 104 02
	refused d.qcow2 "compression type 2 does not match its feature bit"
	# an external data file named by a header extension, without the
	# feature bit: not used, the image's own clusters are read, as qemu
	# reads them
	hlen=$(($(get64 h.qcow2 96) & 0xffffffff))
	spoil h.qcow2 e.qcow2 $hlen \
		"$(be32 0x44415441)$(be32 8)$(printf data.raw | od -An -tx1 |
			tr -d ' \n')$(be64 0)"
	qemu-img info e.qcow2 | grep -q "data file: data.raw"
	same_disk e.qcow2 qcow2
}

@test "qcow2 hostile: snapshot tables" {
	mkq s.qcow2
	refused s.qcow2 "no snapshot 'x' (snapshots: none)" -o snapshot=x
	spoil s.qcow2 m.qcow2 60 "$(be32 70000)"
	refused m.qcow2 "70000 snapshots: too many"
	qemu-img snapshot -c s1 s.qcow2
	t=$(get64 s.qcow2 64)
	# the table outside the file; more snapshots than it holds
	spoil s.qcow2 a.qcow2 64 "$(be64 $((1 << 40)))"
	refused a.qcow2 "snapshot table at byte 1099511627776 is outside the file" \
		-o snapshot=s1
	# (its one entry: 40 bytes, extra data, ID "1", name "s1", to 8)
	x=$(($(get64 s.qcow2 $((t + 32))) & 0xffffffff))
	spoil s.qcow2 b.qcow2 60 "$(be32 3)"
	refused b.qcow2 \
		"snapshot 1 at byte $(((t + 40 + x + 3 + 7) & ~7)) is unreadable" \
		-o snapshot=x
	# 1 GiB of extra data; a name of 60000 bytes past the end
	spoil s.qcow2 c.qcow2 $((t + 36)) "$(be32 $((1 << 30)))"
	refused c.qcow2 "snapshot 0 at byte $t: 1073741824 bytes of extra data" \
		-o snapshot=s1
	spoil s.qcow2 d.qcow2 $((t + 14)) "$(printf %04x 60000)"
	refused d.qcow2 "snapshot 0 at byte $t runs past the end of the file" \
		-o snapshot=s1
	# the snapshot's L1 table outside the file, longer than the file
	spoil s.qcow2 e.qcow2 "$t" "$(be64 $((1 << 40)))"
	refused e.qcow2 "snapshot 's1': its L1 table (1 entries at 1099511627776) is not inside the file" \
		-o snapshot=s1
	spoil s.qcow2 f.qcow2 $((t + 8)) "$(be32 $((1 << 28)))"
	refused f.qcow2 "snapshot 's1': its L1 table (268435456 entries at" \
		-o snapshot=s1
	# the image they were spoiled from is sound
	same_disk s.qcow2 qcow2
	# a name longer than any buffer of ours does not hide the next one
	qemu-img snapshot -c "$(printf 'n%.0s' $(seq 1500))" s.qcow2
	qemu-img snapshot -c short s.qcow2
	same_disk s.qcow2 qcow2 -o snapshot=short
}

@test "qcow2 hostile: the recorded backing format is obeyed, extensions checked" {
	# a raw base whose bytes are a qcow2 image naming a file: qemu reads
	# the raw bytes (-F raw), and so must we, never that file
	mkraw secret.raw
	qemu-img create -q -f qcow2 -F raw -b secret.raw inner.qcow2
	cp inner.qcow2 base.raw
	truncate -s 1M base.raw
	qemu-img create -q -f qcow2 -F raw -b base.raw top.qcow2
	same_disk top.qcow2 qcow2 -o backing=yes
	run diskdump -o backing=yes --info top.qcow2
	contains "$output" "backing_file=base.raw"
	[[ $output != *secret.raw* ]]
	# recorded as qcow2, a raw file is refused
	mkraw plain.raw
	qemu-img create -q -f qcow2 -F raw -b plain.raw bad.qcow2
	qemu-img rebase -u -f qcow2 -F qcow2 -b plain.raw bad.qcow2
	refused bad.qcow2 "not a qcow2 image" -o backing=yes
	# a format we do not read
	hlen=$(($(get64 top.qcow2 96) & 0xffffffff))
	spoil top.qcow2 q.qcow2 $((hlen + 8)) "$(printf qed | od -An -tx1 | tr -d ' \n')"
	qemu-img info q.qcow2 2>/dev/null | grep -q "backing file format: qed"
	refused q.qcow2 "backing file 'base.raw' is recorded as format 'qed', which is not read" \
		-o backing=yes
	# an extension running past the header cluster (qemu: too large)
	spoil top.qcow2 x.qcow2 $((hlen + 4)) "$(be32 $((1 << 28)))"
	refused x.qcow2 "header extension 0xe2792aca at byte $hlen: its 268435456 bytes run past the header"
	# a disk of 2^63 bytes and an L1 table of 2^24 entries: past what
	# qcow2 allows (qemu refuses it too)
	qemu-img create -q -f qcow2 -o cluster_size=2M big.qcow2 1M
	spoil big.qcow2 big2.qcow2 24 "$(be64 $((1 << 63)))" \
		36 "$(be32 $((1 << 24)))"
	refused big2.qcow2 "a 9223372036854775808-byte disk with 16777216 L1 entries: larger than qcow2 allows"
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

@test "qcow2 hostile: compressed clusters: absurd size, outside the file, bad stream" {
	yes "compressible" | head -c 300000 >src.raw
	qemu-img convert -c -f raw -O qcow2 -o cluster_size=4096 src.raw c.qcow2
	l2=$(l2_of c.qcow2)
	e=$(get64 c.qcow2 "$l2")
	# x = 62 - (12 - 8) = 58: the host offset is bits 0..57, the
	# sector count bits 58..61 (so the size is bounded by the format)
	spoil c.qcow2 a.qcow2 "$l2" \
		"$(be64 $(((e & ~((1 << 58) - 1)) | (1 << 50))))"
	refused a.qcow2 "is not a cluster's worth inside the file"
	# the stream is garbage
	host=$((e & ((1 << 58) - 1)))
	spoil c.qcow2 b.qcow2 $host "ffffffffffffffffffffffffffffffff"
	refused b.qcow2 "does not decompress"
	# the stream outside the file
	spoil c.qcow2 o.qcow2 "$l2" \
		"$(be64 $(((e & ~((1 << 58) - 1)) | ((1 << 40) + 7))))"
	refused o.qcow2 "bytes at 1099511627783 is not a cluster's worth inside the file"
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
