#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our own partition-table readers (partitions/own*.c, used for the disk
# inside a container) against libblkid: disks made by sfdisk, sgdisk,
# fdisk, mkvtoc.py and xorriso, the corpus's partitioned and unpartitioned
# images, and hostile chains, each listed the same by both, field by field
# (tests/unit/test_ptable compares), never hanging.

load ../bats/helpers

MKVTOC=$FSIMG_SRCDIR/tests/part/mkvtoc.py

setup_file() {
	export T=$BATS_FILE_TMPDIR
	export CMP=${FSIMG_BUILDDIR:?FSIMG_BUILDDIR must name the build tree}/tests/unit/test_ptable
	mkdir -p "$T/ufs" && echo x >"$T/ufs/f"
	makefs -t ffs -s 1m -o version=1 "$T/ufs.img" "$T/ufs" >/dev/null
}

# same IMAGE...: both readers list each image the same
same() {
	run -0 timeout 60 "$CMP" "$@"
	[[ $output != *"not ok"* ]] || { echo "$output"; return 1; }
}

@test "sfdisk MBR: primaries, boot flag, disk id, extended 05/0f/85 with logicals" {
	local t
	for t in 5 f 85; do
		truncate -s 64M "$T/m$t.img"
		sfdisk -q "$T/m$t.img" <<-EOF2
			label: dos
			label-id: 0x1234abcd
			start=1MiB, size=4MiB, type=c, bootable
			start=6MiB, size=40MiB, type=$t
			start=50MiB, size=4MiB, type=83
			start=7MiB, size=4MiB, type=83
			start=12MiB, size=4MiB, type=82
			start=17MiB, size=4MiB, type=7
		EOF2
		same "$T/m$t.img"
		[[ $output == *"dos, 6 entries"* ]]
	done
	truncate -s 8M "$T/one.img"
	echo 'start=2048, type=83' | sfdisk -q "$T/one.img"
	same "$T/one.img"
}

@test "sfdisk MBR with 50 logical partitions" {
	truncate -s 200M "$T/many.img"
	{
		echo 'label: dos'
		echo 'start=1MiB, size=190MiB, type=5'
		for i in $(seq 50); do echo "size=2MiB, type=83"; done
	} | sfdisk -q "$T/many.img"
	same "$T/many.img"
	[[ $output == *"dos, 51 entries"* ]]
}

@test "sgdisk GPT: types, names, UUIDs, attributes; primary header gone; both gone" {
	need_cmd sgdisk
	truncate -s 64M "$T/gpt.img"
	sgdisk -o -n 1:2048:+8M -t 1:ef00 -c 1:"EFI system" \
		-n 2:0:+9M -t 2:8300 -c 2:"rootfs é" -A 2:set:2 -A 2:set:60 \
		-n 5:0:+4M -t 5:8200 -n 128:0:+1M -t 128:0700 -c 128:last \
		"$T/gpt.img" >/dev/null
	same "$T/gpt.img"
	[[ $output == *"gpt, 4 entries"* ]]
	dd if=/dev/zero of="$T/gpt.img" bs=512 seek=1 count=1 conv=notrunc status=none
	same "$T/gpt.img"
	[[ $output == *"gpt, 4 entries"* ]]
	dd if=/dev/zero of="$T/gpt.img" bs=512 seek=$((64 * 2048 - 1)) count=1 \
		conv=notrunc status=none
	same "$T/gpt.img"
	[[ $output == *"no table"* ]]
	sgdisk -o -n 1:2048:+8M -t 1:8300 "$T/gpt.img" >/dev/null
	# the entry array damaged: the backup's is used
	printf 'x' | dd of="$T/gpt.img" bs=1 seek=$((2 * 512 + 60)) conv=notrunc status=none
	same "$T/gpt.img"
	[[ $output == *"gpt, 1 entries"* ]]
}

@test "sgdisk GPT with 256 entries, hybrid MBR" {
	need_cmd sgdisk
	truncate -s 64M "$T/g256.img"
	sgdisk -o -S 256 -n 1:2048:+8M -n 200:0:+8M -n 256:0:+8M "$T/g256.img" >/dev/null
	same "$T/g256.img"
	[[ $output == *"gpt, 3 entries"* ]]
	sgdisk -h 1:200 "$T/g256.img" >/dev/null
	same "$T/g256.img"
}

@test "fdisk: Sun label; BSD disklabel in an a5 slice" {
	truncate -s 40M "$T/sun.img"
	fdisk "$T/sun.img" >/dev/null 2>&1 <<-EOF2 || true
		s
		n
		1

		+10M
		n
		2

		+10M
		w
	EOF2
	same "$T/sun.img"
	[[ $output == *"(sun, "* ]] || skip "fdisk wrote no Sun label"
	truncate -s 40M "$T/bsd.img"
	fdisk "$T/bsd.img" >/dev/null 2>&1 <<-EOF2 || true
		o
		n
		p
		1
		2048
		+30M
		t
		a5
		b
		y
		n
		a
		4096
		+8M
		t
		a
		08
		w
		r
		w
	EOF2
	same "$T/bsd.img"
	[[ $output == *"dos, 2 entries"* ]] || skip "fdisk wrote no BSD label"
}

@test "Solaris VTOC in 0xBF and 0x82: libblkid's entries dropped, numbers alike" {
	python3 "$MKVTOC" "$T/vbf.img" --root "$T/ufs.img" >/dev/null
	python3 "$MKVTOC" "$T/v82.img" --type 0x82 --root "$T/ufs.img" >/dev/null
	python3 "$MKVTOC" "$T/vbad.img" --bad-cksum --root "$T/ufs.img" >/dev/null
	same "$T/vbf.img" "$T/v82.img" "$T/vbad.img"
}

# mkisofs ARGS...: xorriso's mkisofs, its messages shown when it fails
mkisofs() {
	xorriso -as mkisofs -quiet "$@" 2>"$T/xorriso.err" || {
		echo "xorriso -as mkisofs $* failed:" >&2
		cat "$T/xorriso.err" >&2
		return 1
	}
}

@test "xorriso: Apple partition map and hybrid MBR/GPT of an ISO" {
	mkdir -p "$T/iso" && echo hybrid >"$T/iso/a"
	mkisofs -R -hfsplus -apm-block-size 2048 -o "$T/apm.iso" "$T/iso"
	mkisofs -R -hfsplus -apm-block-size 512 -o "$T/apm512.iso" "$T/iso"
	truncate -s 1M "$T/efi.img"
	mkisofs -R -append_partition 2 0xef "$T/efi.img" \
		-appended_part_as_gpt -o "$T/gpt.iso" "$T/iso"
	mkisofs -R -append_partition 2 0xef "$T/efi.img" -o "$T/mbr.iso" "$T/iso"
	same "$T/apm.iso" "$T/apm512.iso" "$T/gpt.iso" "$T/mbr.iso"
	[[ $output == *"(mac, "* ]]
}

@test "hostile MBR chains: loops, self-links, links past the end, in 10 s" {
	truncate -s 40M "$T/h.img"
	python3 - "$T/h.img" <<-'EOF2'
		import struct, sys
		def ent(f, sec, slot, typ, start, size):
		    f.seek(sec * 512 + 446 + (slot - 1) * 16)
		    f.write(struct.pack('<B3sB3sII', 0, b'\0\0\0', typ, b'\0\0\0', start, size))
		    f.seek(sec * 512 + 510)
		    f.write(b'\x55\xaa')
		with open(sys.argv[1], 'r+b') as f:
		    ent(f, 0, 1, 0x05, 2048, 40000)
		    # 200 EBRs, each linking to the next, the last back to the first
		    for k in range(200):
		        ent(f, 2048 + k * 100, 1, 0x83, 10, 50)
		        nxt = ((k + 1) % 200) * 100
		        ent(f, 2048 + k * 100, 2, 0x05, nxt, 100)
		    # links to EBRs past the end and 2^32 - 1
		    ent(f, 2048 + 199 * 100, 3, 0x05, 0xfffffff0, 100)
	EOF2
	run -0 timeout 10 "$CMP" "$T/h.img"
	[[ $output != *"not ok"* ]] || { echo "$output"; return 1; }
	run -0 timeout 10 "$FSIMG" info --json "$T/h.img"
}

@test "corpus: util-linux partition and filesystem images, jhermsmeier, dfvfs" {
	need_corpus
	local d=$CORPUS/util-linux/blkid f n=0 list=()
	for f in "$d"/images-pt/*.img.xz "$d"/images-fs/*.img.xz; do
		[ -f "$f" ] || continue
		xz -dc "$f" >"$T/c$n.img" 2>/dev/null || continue
		list+=("$T/c$n.img")
		n=$((n + 1))
	done
	for f in "$CORPUS"/jhermsmeier/*.bin; do
		cp "$f" "$T/c$n.img" && chmod u+w "$T/c$n.img"
		truncate -s 1M "$T/c$n.img"
		list+=("$T/c$n.img")
		n=$((n + 1))
	done
	if [ -f "$CORPUS/dfvfs/mbr.raw.gz" ]; then
		gzip -dc "$CORPUS/dfvfs/mbr.raw.gz" >"$T/c$n.img"
		list+=("$T/c$n.img")
	fi
	((${#list[@]} > 20))
	run -0 timeout 300 "$CMP" "${list[@]}"
	[[ $output != *"not ok"* ]] || { grep -A12 "not ok" <<<"$output"; return 1; }
}
