#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# VMDK (lib/container/vmdk.c, vmdk_desc.c): every subformat qemu-img
# writes, read as qemu-img reads it; a grain directory only in the footer;
# descriptors of several extents made here; a child over its parent;
# hostile headers, grain directories, grain tables and compressed grains.

load helpers

@test "vmdk: monolithicSparse: the same bytes as qemu-img reads" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse raw img.vmdk
	same_disk img.vmdk vmdk
	run diskdump --info img.vmdk
	contains "$output" "create_type=monolithicSparse"
	contains "$output" "grain_size=65536"
	contains "$output" "compressed=no"
}

@test "vmdk: streamOptimized: compressed grains" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized raw img.vmdk
	same_disk img.vmdk vmdk
	run diskdump --info img.vmdk
	contains "$output" "create_type=streamOptimized"
	contains "$output" "compressed=yes"
	contains "$output" "version=3"
}

@test "vmdk: streamOptimized with the grain directory only in the footer" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized raw img.vmdk
	python3 - <<-'PY'
		import struct
		d = bytearray(open("img.vmdk", "rb").read())
		hdr = bytes(d[:512])
		d[56:64] = struct.pack("<Q", (1 << 64) - 1)
		marker = struct.pack("<QII", 1, 0, 3).ljust(512, b"\0")
		d += marker + hdr + bytes(512)
		open("end.vmdk", "wb").write(d)
		# the same without the footer marker
		d[-1536:-1024] = bytes(512)
		open("nomarker.vmdk", "wb").write(d)
	PY
	same_disk end.vmdk vmdk
	refused nomarker.vmdk "the grain directory is in the footer, and there is no footer marker at byte"
}

@test "vmdk: monolithicFlat: the extent is read only with backing=yes" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=monolithicFlat raw img.vmdk
	refused img.vmdk "names extent 'img-flat.vmdk', which is not read unless allowed (-o backing=yes)"
	same_disk img.vmdk vmdk -o backing=yes
	run diskdump -o backing=yes --info img.vmdk
	contains "$output" "create_type=monolithicFlat"
	# one extent: plain runs in the extent file itself
	diskdump -o backing=yes --plain img.vmdk | cmp -n "$(stat -c %s raw)" - raw
}

@test "vmdk: twoGbMaxExtentSparse and twoGbMaxExtentFlat" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=twoGbMaxExtentSparse raw s.vmdk
	qemu-img convert -f raw -O vmdk -o subformat=twoGbMaxExtentFlat raw f.vmdk
	same_disk s.vmdk vmdk -o backing=yes
	same_disk f.vmdk vmdk -o backing=yes
}

@test "vmdk: a descriptor of several extents: FLAT at an offset, SPARSE, FLAT" {
	mkraw raw
	cp raw raw2
	head -c 1048576 raw >part
	qemu-img convert -f raw -O vmdk part sp.vmdk
	cat >multi.vmdk <<-'EOF'
		# Disk DescriptorFile
		version=1
		CID=12345678
		parentCID=ffffffff
		createType="twoGbMaxExtentFlat"

		# Extent description
		RW 4096 FLAT "raw" 100
		RW 2048 SPARSE "sp.vmdk"
		RW 1000 FLAT "raw2" 0
	EOF
	same_disk multi.vmdk vmdk -o backing=yes
	run diskdump -o backing=yes --info multi.vmdk
	contains "$output" "extents=3"
}

@test "vmdk: a ZERO extent reads as zeroes (qemu skips them)" {
	mkraw raw
	head -c 1048576 raw >part
	cat >z.vmdk <<-'EOF'
		# Disk DescriptorFile
		version=1
		createType="custom"
		RW 2048 FLAT "part" 0
		RW 4096 ZERO
		RDONLY 2048 FLAT "part2" 0
	EOF
	cp part part2
	{
		cat part
		head -c $((4096 * 512)) /dev/zero
		cat part
	} >want
	diskdump -o backing=yes z.vmdk | cmp - want
	diskdump -o backing=yes --plain z.vmdk | cmp - want
}

@test "vmdk: ext4 in monolithicSparse and streamOptimized" {
	mkext4 fs.raw
	qemu-img convert -f raw -O vmdk fs.raw sparse.vmdk
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized fs.raw stream.vmdk
	same_listing sparse.vmdk fs.raw
	same_listing stream.vmdk fs.raw
	fsimg cat stream.vmdk /dir/b.bin | cmp - tree/dir/b.bin
}

@test "vmdk: a child over its parent (parentFileNameHint), zeroed grains" {
	need_cmd qemu-io
	mkraw raw
	qemu-img convert -f raw -O vmdk raw parent.vmdk
	qemu-img create -q -f vmdk -o zeroed_grain=on -b parent.vmdk -F vmdk child.vmdk
	qemu-io -c "write -P 0x55 1M 300k" -c "write -P 0x66 8M 4k" \
		-c "write -z 0 128k" child.vmdk >/dev/null
	refused child.vmdk "names parent 'parent.vmdk', which is not read unless allowed"
	same_disk child.vmdk vmdk -o backing=yes
	run diskdump -o backing=yes --info child.vmdk
	contains "$output" "parent=parent.vmdk"
	contains "$output" "backing_file=parent.vmdk"
	contains "$output" "version=2"
	# the zeroed grains hide the parent's data
	[[ -z $(head -c 131072 child.vmdk.dump | tr -d '\0') ]]
	head -c 131072 raw | tr -d '\0' | grep -q .
}

# sparse IMG: a monolithicSparse image of the seeded raw disk.
sparse() {
	mkraw raw
	qemu-img convert -f raw -O vmdk raw "$1"
}

# field IMG OFFSET FORMAT: a little-endian field of IMG (python struct).
field() {
	python3 -c 'import struct, sys
f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2]))
fmt = "<" + sys.argv[3]
print(struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0])' "$@"
}

@test "vmdk: hostile grain directory entries: at the GD, at the header, past the end" {
	sparse img.vmdk
	gd=$(field img.vmdk 56 Q)
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((gd * 512)) "$(printf '%08x' "$gd" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')"
	refused bad.vmdk "grain directory entry at byte $((gd * 512)): grain table at byte $((gd * 512)) overlaps the grain directory"
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((gd * 512)) ffffff7f
	refused bad.vmdk "grain table at byte 1099511627264 ends past the end of the file"
}

@test "vmdk: hostile grain table entries: past the end, in the header (version 1)" {
	sparse img.vmdk
	gd=$(field img.vmdk 56 Q)
	gt=$(field img.vmdk $((gd * 512)) I)
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((gt * 512)) ffffff7f
	refused bad.vmdk "grain table entry at byte $((gt * 512)): grain 0 at sector 2147483647 is past the end of the file"
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((gt * 512 + 4)) 01000000
	refused bad.vmdk "grain 1 at sector 1 is in the header"
}

@test "vmdk: hostile headers: capacity 2^63 bytes, 2^63 sectors, grain sizes, version" {
	sparse img.vmdk
	cp img.vmdk bad.vmdk
	patch bad.vmdk 12 0000000000004000
	refused bad.vmdk "the grain directory of 274877906944 entries at sector 26 ends past the end of the file"
	cp img.vmdk bad.vmdk
	patch bad.vmdk 12 0000000000000080
	refused bad.vmdk "capacity of 9223372036854775808 sectors overflows"
	for g in 0000000000000000 0300000000000000 0000010000000000; do
		cp img.vmdk bad.vmdk
		patch bad.vmdk 20 $g
		refused bad.vmdk "not a power of two up to 4096"
	done
	cp img.vmdk bad.vmdk
	patch bad.vmdk 4 04000000
	refused bad.vmdk "version 4 (1 to 3 are read)"
	cp img.vmdk bad.vmdk
	patch bad.vmdk 44 00100000
	refused bad.vmdk "4096 entries per grain table (1 to 512)"
}

@test "vmdk: hostile compressed grains: absurd size, wrong LBA, bad deflate data" {
	mkraw raw
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized raw img.vmdk
	gd=$(field img.vmdk 56 Q)
	gt=$(field img.vmdk $((gd * 512)) I)
	g=$(field img.vmdk $((gt * 512)) I)
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((g * 512 + 8)) ffffffff
	refused bad.vmdk "grain marker at byte $((g * 512)): 4294967295 compressed bytes, not a size a grain compresses to"
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((g * 512)) 0100000000000000
	refused bad.vmdk "grain marker at byte $((g * 512)) is for sector 1, not 0"
	cp img.vmdk bad.vmdk
	patch bad.vmdk $((g * 512 + 12)) 0000000000000000
	refused bad.vmdk "compressed grain at byte $((g * 512)): bad deflate data"
}

@test "vmdk: hostile descriptors: too many extents, a loop, outside the directory" {
	{
		echo '# Disk DescriptorFile'
		for i in $(seq 300); do echo "RW 1 FLAT \"f$i\" 0"; done
	} >many.vmdk
	refused many.vmdk "more than 256 extents" -o backing=yes
	printf '# Disk DescriptorFile\nRW 1 FLAT "self.vmdk" 0\n' >self.vmdk
	refused self.vmdk "extent 'self.vmdk' is a file the chain already holds: a loop" -o backing=yes
	printf '# Disk DescriptorFile\nRW 1 FLAT "/etc/passwd" 0\n' >out.vmdk
	refused out.vmdk "extent '/etc/passwd': outside the image's directory" -o backing=yes
	printf '# Disk DescriptorFile\nRW 1 VMFSSPARSE "x" 0\n' >type.vmdk
	refused type.vmdk "extent type 'VMFSSPARSE' is not read" -o backing=yes
	printf '# Disk DescriptorFile\ncreateType="x"\n' >none.vmdk
	refused none.vmdk "the descriptor names no extent" -o backing=yes
	head -c 100 /dev/zero >short
	printf '# Disk DescriptorFile\nRW 1000 FLAT "short" 0\n' >short.vmdk
	refused short.vmdk "extent 'short' of 1000 sectors at sector 0: the file has 100 bytes" -o backing=yes
}

@test "vmdk: a disk of 2^63 bytes (a ZERO extent over a FLAT one): opened and read at its end" {
	head -c 4096 /dev/urandom >flat
	printf '# Disk DescriptorFile\nRW 8 FLAT "flat" 0\nRW 18014398509481976 ZERO\n' >big.vmdk
	run diskdump -o backing=yes --info big.vmdk
	expect_status 0
	contains "$output" "size=9223372036854775808"
	diskdump -o backing=yes --range=0,4096 big.vmdk | cmp - flat
	diskdump -o backing=yes --range=9223372036854771712,8192 big.vmdk | cmp - <(head -c 4096 /dev/zero)
	printf '# Disk DescriptorFile\nRW 18446744073709551615 ZERO\n' >ov.vmdk
	refused ov.vmdk "extent 'ZERO' of 18446744073709551615 sectors: more than 2^64 bytes" -o backing=yes
	printf '# Disk DescriptorFile\nRW 18014398509481984 ZERO\nRW 18014398509481984 ZERO\n' >ov2.vmdk
	refused ov2.vmdk "the extents add up to more than 2^64 bytes" -o backing=yes
}
