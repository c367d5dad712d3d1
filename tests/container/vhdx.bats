#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# VHDX (lib/container/vhdx.c): dynamic and fixed disks of several block
# sizes made by qemu-img, read as qemu-img reads them; a disk past the
# first chunk (sector bitmap entries interleaved in the BAT) read in
# places; a differencing disk made here over a parent; hostile headers,
# region tables, metadata and BAT entries.

load helpers

# vhdx_py IMG: python3 with IMG opened as `f`, `crc32c(bytes)`, `guid(s)`
# (the on-disk bytes of a GUID), `fixcrc(at, size)` (recomputes the
# CRC-32C of the structure at at), `regions()` ({guid bytes: entry offset}
# of the region table at 192 KiB) and `items(meta_off)` ({guid bytes:
# (entry offset, item offset)}), then the program on stdin.
vhdx_py() {
	local prog
	prog=$(cat)
	python3 - "$1" <<-PY
		import struct, sys, uuid
		T = []
		for i in range(256):
		    c = i
		    for _ in range(8):
		        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
		    T.append(c)
		def crc32c(b):
		    c = 0xffffffff
		    for x in b:
		        c = T[(c ^ x) & 0xff] ^ (c >> 8)
		    return c ^ 0xffffffff
		def guid(s):
		    return uuid.UUID(s).bytes_le
		f = open(sys.argv[1], "r+b")
		def rd(at, n):
		    f.seek(at)
		    return f.read(n)
		def wr(at, b):
		    f.seek(at)
		    f.write(b)
		def fixcrc(at, size):
		    b = bytearray(rd(at, size))
		    b[4:8] = bytes(4)
		    b[4:8] = struct.pack("<I", crc32c(b))
		    wr(at, b)
		def regions(at=192 * 1024):
		    n = struct.unpack("<I", rd(at + 8, 4))[0]
		    return {rd(at + 16 + 32 * i, 16): at + 16 + 32 * i
		            for i in range(n)}
		def items(moff):
		    n = struct.unpack("<H", rd(moff + 10, 2))[0]
		    r = {}
		    for i in range(n):
		        e = moff + 32 + 32 * i
		        r[rd(e, 16)] = (e, moff + struct.unpack("<I", rd(e + 16, 4))[0])
		    return r
		BAT = guid("2DC27766-F623-4200-9D64-115E9BFD4A08")
		META = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E")
		def region_off(g):
		    return struct.unpack("<Q", rd(regions()[g] + 16, 8))[0]
		$prog
	PY
}

# same_range IMG OFF LEN: those bytes of IMG's disk are qemu-img's
# (IMG.qemu.raw, made by the caller).
same_range() {
	diskdump --range="$2,$3" "$1" >range.out
	python3 -c 'import sys
f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2]))
sys.stdout.buffer.write(f.read(int(sys.argv[3])))' "$1.qemu.raw" "$2" "$3" >range.want
	cmp range.out range.want
	diskdump --plain --range="$2,$3" "$1" | cmp - range.want
}

@test "vhdx: dynamic disk: the same bytes as qemu-img reads" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	same_disk img.vhdx vhdx
	run diskdump --info img.vhdx
	contains "$output" "logical_sector_size=512"
	contains "$output" "leave_blocks_allocated=no"
}

@test "vhdx: dynamic disks of blocks of 1, 2, 16 and 256 MiB" {
	mkraw raw
	for bs in 1 2 16 256; do
		qemu-img convert -f raw -O vhdx -o block_size=${bs}M raw img$bs.vhdx
		same_disk img$bs.vhdx vhdx
		run diskdump --info img$bs.vhdx
		contains "$output" "block_size=$((bs << 20))"
	done
}

@test "vhdx: fixed disk, and one with block_state_zero off" {
	mkraw raw
	qemu-img convert -f raw -O vhdx -o subformat=fixed raw fixed.vhdx
	same_disk fixed.vhdx vhdx
	run diskdump --info fixed.vhdx
	contains "$output" "leave_blocks_allocated=yes"
	qemu-img convert -f raw -O vhdx -o subformat=fixed,block_state_zero=off raw z.vhdx
	same_disk z.vhdx vhdx
}

@test "vhdx: ext4 in a dynamic disk" {
	mkext4 fs.raw
	qemu-img convert -f raw -O vhdx -o block_size=1M fs.raw fs.vhdx
	same_disk fs.vhdx vhdx
	same_listing fs.vhdx fs.raw
	fsimg cat fs.vhdx /dir/b.bin | cmp - tree/dir/b.bin
}

@test "vhdx: past the first chunk: BAT entries beyond a sector bitmap entry" {
	need_cmd qemu-io
	qemu-img create -q -f vhdx -o block_size=1M img.vhdx 4200M
	qemu-io -c "write -P 0x5a 1M 3k" -c "write -P 0x77 4100M 1M" \
		-c "write -P 0x12 4199M 512" img.vhdx >/dev/null
	qemu-img convert -f vhdx -O raw img.vhdx img.vhdx.qemu.raw
	M=1048576
	same_range img.vhdx 0 $((8 * M))
	(($(tr -d '\0' <range.out | wc -c) == 3072))
	same_range img.vhdx $((4099 * M)) $((3 * M))
	(($(tr -d '\0' <range.out | wc -c) == M))
	same_range img.vhdx $((4095 * M + 1000)) $((2 * M))
	same_range img.vhdx $((4198 * M)) $((2 * M))
	(($(tr -d '\0' <range.out | wc -c) == 512))
}

@test "vhdx: one header damaged: the other one is used" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	qemu-img convert -f raw -O vhdx raw img2.vhdx
	run diskdump --info img.vhdx
	contains "$output" "header=2"
	patch img.vhdx $((128 * 1024 + 200)) ff
	same_disk img.vhdx vhdx
	run diskdump --info img.vhdx
	contains "$output" "header=1"
}

@test "vhdx: both header CRCs bad: refused" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	patch img.vhdx $((64 * 1024 + 200)) ff
	patch img.vhdx $((128 * 1024 + 200)) ff
	refused img.vhdx "neither header (at bytes 65536 and 131072) has a valid signature, CRC-32C and version 1"
}

@test "vhdx: a log to replay (LogGuid not zero): refused" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	vhdx_py img.vhdx <<-'PY'
		for at in (64 * 1024, 128 * 1024):
		    wr(at + 48, guid("01234567-89AB-CDEF-0123-456789ABCDEF"))
		    fixcrc(at, 4096)
	PY
	refused img.vhdx "names log 01234567-89AB-CDEF-0123-456789ABCDEF: writes may be waiting in the log"
}

@test "vhdx: hostile region tables: BAT past the end, both CRCs bad, unknown required region" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	cp img.vhdx bad.vhdx
	vhdx_py bad.vhdx <<-'PY'
		for t in (192 * 1024, 256 * 1024):
		    wr(regions(t)[BAT] + 16, struct.pack("<Q", 1 << 40))
		    fixcrc(t, 64 * 1024)
	PY
	refused bad.vhdx "the BAT region of 1048576 bytes at byte 1099511627776 is past the end of the file"
	cp img.vhdx bad.vhdx
	patch bad.vhdx $((192 * 1024 + 1000)) ff
	patch bad.vhdx $((256 * 1024 + 1000)) ff
	refused bad.vhdx "neither region table (at bytes 196608 and 262144) has a valid signature and CRC-32C"
	cp img.vhdx bad.vhdx
	vhdx_py bad.vhdx <<-'PY'
		for t in (192 * 1024, 256 * 1024):
		    n = struct.unpack("<I", rd(t + 8, 4))[0]
		    wr(t + 8, struct.pack("<I", n + 1))
		    wr(t + 16 + 32 * n, guid("11111111-2222-3333-4444-555555555555")
		       + struct.pack("<QII", 1 << 20, 1 << 20, 1))
		    fixcrc(t, 64 * 1024)
	PY
	refused bad.vhdx "required region 11111111-2222-3333-4444-555555555555 is not known"
}

@test "vhdx: hostile metadata: block size 0 and 512 MiB, sector size 1000, a disk of 2^63 bytes" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw img.vhdx
	for bs in 0 $((512 << 20)); do
		cp img.vhdx bad.vhdx
		vhdx_py bad.vhdx <<-PY
			it = items(region_off(META))
			wr(it[guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")][1],
			   struct.pack("<I", $bs))
		PY
		refused bad.vhdx "block size $bs is not a power of two from 1 MiB to 256 MiB"
	done
	cp img.vhdx bad.vhdx
	vhdx_py bad.vhdx <<-'PY'
		it = items(region_off(META))
		wr(it[guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F")][1],
		   struct.pack("<I", 1000))
	PY
	refused bad.vhdx "logical sector size 1000 (512 or 4096)"
	cp img.vhdx bad.vhdx
	vhdx_py bad.vhdx <<-'PY'
		it = items(region_off(META))
		wr(it[guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8")][1],
		   struct.pack("<Q", 1 << 63))
	PY
	refused bad.vhdx "a disk of 9223372036854775808 bytes in blocks of"
}

@test "vhdx: hostile BAT entries: a block past the end, in the headers, bad states" {
	mkraw raw
	qemu-img convert -f raw -O vhdx -o block_size=1M raw img.vhdx
	for e in $((1 << 40 | 6)) $((1 << 16 | 6)) 7 5; do
		cp img.vhdx bad.vhdx
		vhdx_py bad.vhdx <<-PY
			wr(region_off(BAT), struct.pack("<Q", $e))
		PY
		case $e in
		7) want="block state 7 (partially present) in a disk without a parent" ;;
		5) want="block state 5 is not a payload block state" ;;
		$((1 << 16 | 6))) want="places its block at byte 0, in the headers" ;;
		*) want="places its block at byte 1099511627776, past the end of the file" ;;
		esac
		refused bad.vhdx "BAT entry 0 at byte" 
		refused bad.vhdx "$want"
	done
}

@test "vhdx: a differencing disk: present, partially present (sector bitmap), absent and zero blocks" {
	mkraw raw
	qemu-img convert -f raw -O vhdx raw parent.vhdx
	qemu-img convert -f vhdx -O raw parent.vhdx parent.raw
	python3 -c 'import sys; sys.stdout.buffer.write(b"\xcc" * (4 << 20) + bytes((5 << 20) + 12345 + 777 + 62))' >child.raw
	qemu-img convert -f raw -O vhdx -o block_size=1M child.raw child.vhdx
	vhdx_py child.vhdx <<-'PY'
		M = 1 << 20
		moff = region_off(META)
		it = items(moff)
		fp = it[guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")][1]
		bs, flags = struct.unpack("<II", rd(fp, 8))
		assert bs == M
		wr(fp + 4, struct.pack("<I", flags | 2))
		# the parent locator, in the free end of the metadata region
		loc_at = 512 * 1024
		keys = [("parent_linkage", "{01234567-89ab-cdef-0123-456789abcdef}"),
		        ("relative_path", ".\\parent.vhdx")]
		strs = b""
		ents = b""
		base = 20 + 12 * len(keys)
		for k, v in keys:
		    kb, vb = k.encode("utf-16-le"), v.encode("utf-16-le")
		    ents += struct.pack("<IIHH", base + len(strs),
		                        base + len(strs) + len(kb), len(kb), len(vb))
		    strs += kb + vb
		loc = (guid("B04AEFB7-D19E-4A81-B789-25B8E9445913") +
		       struct.pack("<HH", 0, len(keys)) + ents + strs)
		wr(moff + loc_at, loc)
		n = struct.unpack("<H", rd(moff + 10, 2))[0]
		wr(moff + 10, struct.pack("<H", n + 1))
		wr(moff + 32 + 32 * n,
		   guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C") +
		   struct.pack("<IIII", loc_at, len(loc), 4 | 2, 0))
		# BAT: block 0 present, 1 partially present, 2 absent, 3 zero
		bat = region_off(BAT)
		e = [struct.unpack("<Q", rd(bat + 8 * i, 8))[0] for i in range(4)]
		assert all(x & 7 == 6 for x in e), e
		wr(bat + 8, struct.pack("<Q", e[1] & ~7 | 7))
		wr(bat + 16, struct.pack("<Q", 0))
		wr(bat + 24, struct.pack("<Q", 2))
		# the rest (zeroes, which qemu marks zero) absent: the parent's
		for i in range(4, 10):
		    wr(bat + 8 * i, struct.pack("<Q", 0))
		# the sector bitmap of chunk 0 (BAT entry 4096), at the end
		f.seek(0, 2)
		end = (f.tell() + M - 1) // M * M
		sb = bytearray(M)
		for s in list(range(2048 + 5, 2048 + 10)) + [2048 + 100, 4095]:
		    sb[s // 8] |= 1 << (s % 8)
		wr(end, sb)
		wr(bat + 8 * 4096, struct.pack("<Q", end | 6))
	PY
	python3 - <<-'PY'
		p = bytearray(open("parent.raw", "rb").read())
		c = open("child.raw", "rb").read()
		M = 1 << 20
		w = bytearray(p)
		w[0:M] = c[0:M]
		for s in list(range(2048 + 5, 2048 + 10)) + [2048 + 100, 4095]:
		    w[s * 512:(s + 1) * 512] = c[s * 512:(s + 1) * 512]
		w[3 * M:4 * M] = bytes(M)
		open("want.raw", "wb").write(w)
	PY
	refused child.vhdx "names parent 'parent.vhdx', which is not read unless allowed"
	diskdump -o backing=yes child.vhdx | cmp - want.raw
	diskdump -o backing=yes --plain child.vhdx | cmp - want.raw
	run diskdump -o backing=yes --info child.vhdx
	contains "$output" "parent=parent.vhdx"
	contains "$output" "backing_format=vhdx"
}
