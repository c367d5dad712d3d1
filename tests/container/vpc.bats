#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# VHD ("vpc", lib/container/vpc.c): fixed and dynamic disks made by
# qemu-img, read as qemu-img reads them (qemu rounds the size to a CHS
# geometry unless force_size is on: the comparison is with qemu's own
# conversion back to raw); a differencing disk made here; hostile footers,
# dynamic headers and BATs.

load helpers

@test "vpc: fixed disk: the same bytes as qemu-img reads, plain runs too" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=fixed raw img.vhd
	same_disk img.vhd vpc
	run diskdump --info img.vhd
	contains "$output" "subformat=fixed"
}

@test "vpc: fixed disk with force_size: the exact size" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on raw img.vhd
	same_disk img.vhd vpc
	# the size rounded up to whole sectors: zeroes after the raw disk
	(($(stat -c %s img.vhd.dump) == 9450496))
	cmp -n "$(stat -c %s raw)" img.vhd.dump raw
	[[ -z $(tail -c +9450307 img.vhd.dump | tr -d '\0') ]]
}

@test "vpc: dynamic disk: data, holes, the odd-sized end" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw img.vhd
	same_disk img.vhd vpc
	run diskdump --info img.vhd
	contains "$output" "subformat=dynamic"
	contains "$output" "block_size=2097152"
}

@test "vpc: dynamic disk with force_size, written in place by qemu-io" {
	need_cmd qemu-io
	qemu-img create -q -f vpc -o subformat=dynamic,force_size=on img.vhd 64M
	qemu-io -c "write -P 0x5a 1M 3k" -c "write -P 0xa5 40M 513" \
		-c "write -P 0x11 63M 1M" img.vhd >/dev/null
	same_disk img.vhd vpc
	# three blocks stored: the rest are absent and read as zeroes
	(($(stat -c %s img.vhd) < 7 * 1024 * 1024))
	(($(tr -d '\0' <img.vhd.dump | wc -c) == 3072 + 513 + 1048576))
}

@test "vpc: ext4 filesystem in a dynamic and a fixed disk" {
	mkext4 fs.raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic fs.raw dyn.vhd
	qemu-img convert -f raw -O vpc -o subformat=fixed fs.raw fix.vhd
	same_disk dyn.vhd vpc
	same_disk fix.vhd vpc
	same_listing dyn.vhd fs.raw
	same_listing fix.vhd fs.raw
}

# mkdiff PARENT CHILD: a differencing disk over PARENT (a dynamic VHD)
# holding sectors 1 to 3 and 4100 of its first blocks as 0xcc, with a
# W2ru parent locator naming PARENT.
mkdiff() {
	python3 - "$1" "$2" <<-'PY'
		import struct, sys
		parent, child = sys.argv[1], sys.argv[2]
		data = open(parent, "rb").read()
		foot = bytearray(data[-512:])
		def csum(b, at):
		    b[at:at + 4] = b"\0\0\0\0"
		    b[at:at + 4] = struct.pack(">I", ~sum(b) & 0xffffffff)
		dyn = bytearray(data[512:1536])
		bs = struct.unpack(">I", dyn[32:36])[0]
		n = struct.unpack(">I", dyn[28:32])[0]
		bmp = (bs // 512 // 8 + 511) // 512 * 512
		name = ".\\" + parent
		loc = name.encode("utf-16-le")
		# footer copy, dynamic header, locator, BAT, block 0, block 2
		bat_off = 1536 + 512
		blk = (bat_off + n * 4 + 511) // 512 * 512
		out = bytearray(blk + 2 * (bmp + bs))
		foot[60:64] = struct.pack(">I", 4)
		csum(foot, 64)
		dyn[16:24] = struct.pack(">Q", bat_off)
		dyn[40:56] = foot[68:84]
		dyn[64:576] = bytes(512)
		pn = parent.encode("utf-16-be")
		dyn[64:64 + len(pn)] = pn
		dyn[576:768] = bytes(192)
		dyn[576:600] = struct.pack(">IIIIQ", 0x57327275, 512,
		                           len(loc), 0, 1536)
		csum(dyn, 36)
		out[0:512] = foot
		out[512:1536] = dyn
		out[1536:1536 + len(loc)] = loc
		bat = [0xffffffff] * n
		bat[0] = blk // 512
		bat[2] = (blk + bmp + bs) // 512
		out[bat_off:bat_off + 4 * n] = struct.pack(">%dI" % n, *bat)
		def sector(base, s):
		    out[base + s // 8] |= 0x80 >> (s % 8)
		    d = base + bmp + s * 512
		    out[d:d + 512] = b"\xcc" * 512
		for s in (1, 2, 3, 4100 % (bs // 512)):
		    sector(blk, s)
		sector(blk + bmp + bs, 7)
		out += foot
		open(child, "wb").write(out)
	PY
}

@test "vpc: differencing disk: its sectors over the parent's, by the bitmaps" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw parent.vhd
	qemu-img convert -f vpc -O raw parent.vhd parent.raw
	mkdiff parent.vhd child.vhd
	# what it must read: the parent's bytes with the child's sectors
	python3 - <<-'PY'
		d = bytearray(open("parent.raw", "rb").read())
		for s in (1, 2, 3, 4100 % 4096, 2 * 4096 + 7):
		    d[s * 512:(s + 1) * 512] = b"\xcc" * 512
		open("want.raw", "wb").write(d)
	PY
	diskdump -o backing=yes child.vhd | cmp - want.raw
	diskdump -o backing=yes --plain child.vhd | cmp - want.raw
	run diskdump -o backing=yes --info child.vhd
	contains "$output" "subformat=differencing"
	contains "$output" "parent=./parent.vhd"
	contains "$output" "backing_file=./parent.vhd"
	refused child.vhd "names parent './parent.vhd', which is not read unless allowed"
}

@test "vpc: a bad footer checksum is refused" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=fixed raw img.vhd
	size=$(stat -c %s img.vhd)
	patch img.vhd $((size - 512 + 40)) 01
	refused img.vhd "footer at byte $((size - 512)): checksum"
}

# dynpatch IMG OFFSET HEX: patches the dynamic header of IMG at OFFSET
# (within it) and fixes its checksum.
dynpatch() {
	python3 - "$@" <<-'PY'
		import struct, sys
		f = open(sys.argv[1], "r+b")
		f.seek(512)
		d = bytearray(f.read(1024))
		o = int(sys.argv[2], 0)
		v = bytes.fromhex(sys.argv[3])
		d[o:o + len(v)] = v
		d[36:40] = bytes(4)
		d[36:40] = struct.pack(">I", ~sum(d) & 0xffffffff)
		f.seek(512)
		f.write(d)
	PY
}

@test "vpc: hostile dynamic headers: block size 0, huge, not a power of two" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw img.vhd
	for bs in 00000000 80000000 00300000 00000100; do
		cp img.vhd bad.vhd
		dynpatch bad.vhd 32 $bs
		refused bad.vhd "block size $((16#$bs)) is not a power of two"
	done
}

@test "vpc: hostile dynamic headers: BAT of 2^32-1 entries, BAT past the end" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw img.vhd
	cp img.vhd bad.vhd
	dynpatch bad.vhd 28 ffffffff
	refused bad.vhd "the BAT of 4294967295 entries at byte 1536 ends past the end of the file"
	cp img.vhd bad.vhd
	dynpatch bad.vhd 16 00000000ffffff00
	refused bad.vhd "ends past the end of the file"
	cp img.vhd bad.vhd
	dynpatch bad.vhd 28 00000001
	refused bad.vhd "1 BAT entries of 2097152 bytes cannot hold a disk"
	cp img.vhd bad.vhd
	dynpatch bad.vhd 0 6e6f7470
	refused bad.vhd "no dynamic header (cxsparse) at byte 512"
}

@test "vpc: a BAT entry past the end of the file, one in the footer copy" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw img.vhd
	cp img.vhd bad.vhd
	patch bad.vhd 1536 7fffffff
	refused bad.vhd "BAT entry 0 (at byte 1536) places block 0 at byte 1099511627264, past the end of the file"
	cp img.vhd bad.vhd
	patch bad.vhd 1540 00000000
	refused bad.vhd "BAT entry 1 (at byte 1540) places block 1 in the footer copy"
}

@test "vpc: a disk of another type, a footer past a short file" {
	mkraw raw
	qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on raw img.vhd
	python3 - <<-'PY'
		import struct
		d = bytearray(open("img.vhd", "rb").read())
		f = d[-512:]
		f[60:64] = struct.pack(">I", 5)
		f[64:68] = bytes(4)
		f[64:68] = struct.pack(">I", ~sum(f) & 0xffffffff)
		open("type5.vhd", "wb").write(d[:-512] + f)
		f[60:64] = struct.pack(">I", 2)
		f[48:56] = struct.pack(">Q", 1 << 63)
		f[64:68] = bytes(4)
		f[64:68] = struct.pack(">I", ~sum(f) & 0xffffffff)
		open("big.vhd", "wb").write(d[:-512] + f)
	PY
	refused type5.vhd "disk type 5 is not fixed (2), dynamic (3) or differencing (4)"
	refused big.vhd "fixed disk of 9223372036854775808 bytes in a file of"
}
