#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# LVM2 (partitions/lvm2.c) through tests/part/lvmdump: the VGs and LVs of
# an image and each LV's bytes read through its source.
#
# Real volumes: as root, a GPT disk of two partitions is made into two PVs
# of one VG (pvcreate/vgcreate/lvcreate on loop devices over the
# partitions, never activated: device-mapper is not needed) with a linear
# LV holding an ext4, an LV striped across both PVs and an LV of three
# segments; their contents are written where `lvs --segments` says their
# extents are (lvmfill.py) and must read back exactly. Without root or loop
# devices those tests skip.
#
# Crafted volumes (mklvm.py, no root): the same kinds of LVs on one PV, a
# metadata text wrapping around its circular buffer, and hostile metadata,
# each ending with a clear message in bounded time.

load ../bats/helpers

LVMDUMP=$FSIMG_BUILDDIR/tests/part/lvmdump
MKLVM=$FSIMG_SRCDIR/tests/part/mklvm.py
LVMFILL=$FSIMG_SRCDIR/tests/part/lvmfill.py

lvmdump() {
	timeout -k 2 10 "$LVMDUMP" "$@"
}

# lvm CMD ARGS...: never activates, never writes /etc/lvm backups
lvm_q() {
	local cmd=$1
	shift
	LVM_SUPPRESS_FD_WARNINGS=1 "$cmd" --config \
		'global/activation=0 backup/backup=0 backup/archive=0' "$@"
}

make_real() {
	local d=$T/real P1 P2 s1 s2
	is_root || {
		echo "needs root" >"$T/real.skip"
		return
	}
	for tool in losetup sfdisk pvcreate vgcreate lvcreate lvextend lvs \
		pvs mke2fs debugfs; do
		command -v $tool >/dev/null || {
			echo "needs $tool" >"$T/real.skip"
			return
		}
	done
	mkdir -p "$d/src"
	truncate -s 64M "$d/disk.img"
	printf 'label: gpt\n,28M\n,28M\n' | sfdisk -q "$d/disk.img"
	s1=$((2048 * 512))
	s2=$(((2048 + 28 * 2048) * 512))
	P1=$(losetup -f --show -o $s1 --sizelimit $((28 << 20)) "$d/disk.img") || {
		echo "no loop device" >"$T/real.skip"
		return
	}
	P2=$(losetup -f --show -o $s2 --sizelimit $((28 << 20)) "$d/disk.img") || {
		losetup -d "$P1"
		echo "no loop device" >"$T/real.skip"
		return
	}
	# 1 MiB extents; multi gets a gap after its first segment on pv0, a
	# second segment on pv1 and a third back on pv0
	if ! {
		lvm_q pvcreate -q "$P1" "$P2" &&
			lvm_q vgcreate -q -s 1M vgbats "$P1" "$P2" &&
			lvm_q lvcreate -q -an -Zn -y -L 8M -n root vgbats "$P1" &&
			lvm_q lvcreate -q -an -Zn -y -i 2 -I 64k -L 8M -n str vgbats "$P1" "$P2" &&
			lvm_q lvcreate -q -an -Zn -y -L 3M -n multi vgbats "$P1" &&
			lvm_q lvcreate -q -an -Zn -y -L 2M -n gap vgbats "$P1" &&
			lvm_q lvextend -q -y -L +5M vgbats/multi "$P2" &&
			lvm_q lvextend -q -y -L +2M vgbats/multi "$P1" &&
			lvm_q lvs --reportformat json --segments -o lv_name,seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges,segtype \
				--units b --nosuffix vgbats >"$d/segs.json" &&
			lvm_q pvs --reportformat json -o pv_name,pe_start,vg_extent_size \
				--units b --nosuffix "$P1" "$P2" >"$d/pvs.json" &&
			lvm_q lvs --noheadings --nosuffix --units b --separator ' ' \
				-o lv_name,lv_size vgbats >"$d/lvs.txt"
	} 2>"$d/lvm.err"; then
		losetup -d "$P1" "$P2"
		echo "LVM tools failed: $(head -c 300 "$d/lvm.err")" >"$T/real.skip"
		return
	fi
	echo hello-lvm >"$d/src/hello"
	head -c 100000 /dev/urandom >"$d/src/blob"
	mke2fs -q -t ext4 -d "$d/src" "$d/root" 8M
	head -c $((8 << 20)) /dev/urandom >"$d/str"
	head -c $((10 << 20)) /dev/urandom >"$d/multi"
	python3 "$LVMFILL" "$d/disk.img" "$d/segs.json" "$d/pvs.json" \
		root="$d/root" str="$d/str" multi="$d/multi" \
		--pv "$P1=$s1" --pv "$P2=$s2"
	losetup -d "$P1" "$P2"
}

setup_file() {
	export T=$BATS_FILE_TMPDIR
	[ -x "$LVMDUMP" ] || skip "lvmdump not built"
	make_real
	mkdir -p "$T/exp"
	python3 "$MKLVM" "$T/c.img" --expect "$T/exp"
}

real() {
	[ ! -e "$T/real.skip" ] || skip "$(cat "$T/real.skip")"
	D=$T/real
}

@test "lvm2 real: the VG and its LVs as lvs lists them" {
	real
	run -0 lvmdump "$D/disk.img"
	echo "$output"
	[[ $output == *"vg vgbats "*"extent_size=2048 pvs=2 lvs=4"* ]]
	# both PVs found in their partitions
	[[ $output == *"pv pv0 "*" at=1048576"* ]]
	[[ $output == *"pv pv1 "*" at=$(((2048 + 28 * 2048) * 512))"* ]]
	while read -r name size; do
		grep -q "^lv vgbats/$name size=$size segments=" <<<"$output"
	done <"$D/lvs.txt"
	grep -q '^lv vgbats/multi .*segments=3 ' <<<"$output"
	grep -q '^lv vgbats/str .* x2/128 ' <<<"$output"
}

@test "lvm2 real: the linear LV reads back as the ext4 written into it" {
	real
	lvmdump "$D/disk.img" vgbats/root >"$T/root.out"
	cmp "$D/root" "$T/root.out"
	run -0 debugfs -R 'cat /hello' "$T/root.out"
	[[ $output == *hello-lvm* ]]
}

@test "lvm2 real: the LV striped across two PVs reads back exactly" {
	real
	lvmdump "$D/disk.img" vgbats/str | cmp "$D/str" -
}

@test "lvm2 real: the LV of three segments reads back exactly" {
	real
	lvmdump "$D/disk.img" vgbats/multi | cmp "$D/multi" -
}

@test "lvm2 real: a PV missing from the image makes its LVs unreadable" {
	real
	# only the first partition: pv1 is gone
	head -c $(((2048 + 28 * 2048) * 512)) "$D/disk.img" >"$T/half.img"
	printf 'label: dos\n2048,%d\n' $((28 * 2048)) | sfdisk -q "$T/half.img"
	run -0 lvmdump "$T/half.img"
	echo "$output"
	grep -q '^pv pv1 .* missing$' <<<"$output"
	grep -q '^lv vgbats/str .*unreadable="PV pv1 (.*) is not in the image"' <<<"$output"
	grep -q '^lv vgbats/root .*segments=1 visible=yes \[' <<<"$output"
	! grep -q '^lv vgbats/root .*unreadable' <<<"$output"
	lvmdump "$T/half.img" vgbats/root | cmp "$D/root" -
	run -1 lvmdump "$T/half.img" vgbats/str
	[[ $output == *"LVM2 LV vgbats/str: PV pv1 ("*") is not in the image"* ]]
}

@test "lvm2 crafted: linear, striped on one PV, segments out of order" {
	run -0 lvmdump "$T/c.img"
	echo "$output"
	grep -q '^lv vgc/lin size=262144 segments=1 ' <<<"$output"
	grep -q '^lv vgc/str size=262144 .* x2/16 pv0:4 pv0:6\]' <<<"$output"
	grep -q '^lv vgc/multi size=327680 segments=3 .*\[0+2 .*\[2+1 .*\[3+2 ' <<<"$output"
	for lv in lin str multi; do
		lvmdump "$T/c.img" vgc/$lv | cmp "$T/exp/$lv" -
	done
}

@test "lvm2 crafted: metadata text wrapping around the circular buffer" {
	python3 "$MKLVM" "$T/w.img"
	python3 "$MKLVM" "$T/w2.img" --wrap
	run -0 lvmdump "$T/w2.img"
	[ "$output" = "$(lvmdump "$T/w.img")" ]
	grep -q '^lv vgc/multi ' <<<"$output"
}

@test "lvm2 crafted: a raw_locn beyond the metadata area" {
	python3 "$MKLVM" "$T/r.img" --rlocn-beyond
	run lvmdump "$T/r.img"
	[[ $output == *"LVM2 raw_locn at byte 4136: text of "*" is outside its metadata area"* ]]
	! grep -q '^vg ' <<<"$output"
}

@test "lvm2 crafted: a metadata text checksum mismatch" {
	python3 "$MKLVM" "$T/b.img" --bad-crc
	run lvmdump "$T/b.img"
	[[ $output == *"LVM2 metadata text at byte 4608 ("*"checksum mismatch"* ]]
}

# hostile TEXT-PYTHON: writes $T/h.txt with the python expression's bytes
hostile() {
	python3 -c "import sys; sys.stdout.buffer.write($1)" >"$T/h.txt"
}

# the default text of mklvm.py, edited by a python expression on t
edited() {
	python3 - "$MKLVM" "$1" >"$T/h.txt" <<'EOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("mklvm", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
t = m.default_text().decode()
t = eval(sys.argv[2])
sys.stdout.write(t)
EOF
}

@test "lvm2 hostile: 100,000 segments" {
	# in a PV's metadata area (compact sections, under 1 MiB)
	hostile "b'vg { id = \"VgUuid-0123-4567-89ab-cdef-ghij-klmnop\" extent_size = 8 physical_volumes { } logical_volumes { lv { segment_count = 100000\n' + b''.join(b's%d{}' % i for i in range(100000)) + b'} } }'"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run timeout 10 "$LVMDUMP" "$T/h.img"
	echo "$output"
	[ "$status" -ne 124 ]
	[[ $output == *"LVM2 metadata at byte 4096: line "*": more than "* ]]
	# the same in full, as LVM writes segments: several MiB of text
	edited "t.replace('segment_count = 1', 'segment_count = 100000', 1).replace('\t\t\tsegment1 {', ''.join('\t\t\tsegment%d { start_extent = %d extent_count = 1 type = \"striped\" stripe_count = 1 stripes = [\"pv0\", 0] }\n' % (i, i) for i in range(2, 100002)) + '\t\t\tsegment1 {', 1)"
	run timeout 10 "$LVMDUMP" --text "$T/h.txt"
	echo "$output"
	[[ $output == *"more than 1 MiB"* ]]
	# 2000 segments fit in 1 MiB: the segment bound ends them
	edited "t.replace('segment_count = 1', 'segment_count = 2000', 1).replace('\t\t\tsegment1 {', ''.join('segment%d{start_extent=%d extent_count=1 type=\"striped\" stripe_count=1 stripes=[\"pv0\",0]}\n' % (i, i) for i in range(2, 2001)) + '\t\t\tsegment1 {', 1)"
	run timeout 10 "$LVMDUMP" --text "$T/h.txt"
	echo "$output"
	[[ $output == *"more than 1024 segments in the VG"* ]]
	edited "t.replace('\t\t\tsegment1 {', ''.join('segment%d{start_extent=%d extent_count=1 type=\"striped\" stripe_count=1 stripes=[\"pv0\",0]}\n' % (i, i) for i in range(2, 2001)) + '\t\t\tsegment1 {', 1)"
	run timeout 10 "$LVMDUMP" --text "$T/h.txt"
	[[ $output == *"more than 1024 segments in the VG"* ]]
}

@test "lvm2 hostile: a segment beyond pe_count" {
	edited "t.replace('stripes = [\"pv0\", 0]', 'stripes = [\"pv0\", 46]', 1)"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run -0 lvmdump "$T/h.img"
	echo "$output"
	grep -q '^lv vgc/lin .*unreadable="segment1: extents 46..49 of pv0 are past its 48 extents"' <<<"$output"
	run -1 lvmdump "$T/h.img" vgc/lin
	[[ $output == *"LVM2 LV vgc/lin: segment1: extents 46..49 of pv0 are past its 48 extents"* ]]
	# pe_count itself larger than the disk: caught when opening
	edited "t.replace('pe_count = 48', 'pe_count = 100000', 1).replace('stripes = [\"pv0\", 0]', 'stripes = [\"pv0\", 90000]', 1)"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run -1 lvmdump "$T/h.img" vgc/lin
	echo "$output"
	[[ $output == *"LVM2 LV vgc/lin: segment 1: extents 90000..90003 of PV pv0 lie outside its partition"* ]]
}

@test "lvm2 hostile: stripes naming a PV the VG lacks, or the image lacks" {
	edited "t.replace('\"pv0\", 4,', '\"pv7\", 4,', 1)"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run -0 lvmdump "$T/h.img"
	grep -q '^lv vgc/str .*unreadable="segment1 names PV .pv7. that the VG does not list"' <<<"$output"
	run -1 lvmdump "$T/h.img" vgc/str
	# a second PV listed, not in the image
	edited "t.replace('\t}\n\tlogical_volumes', '\t\tpv1 { id = \"zzzzzz-zzzz-zzzz-zzzz-zzzz-zzzz-zzzzzz\" pe_start = 2048 pe_count = 10 }\n\t}\n\tlogical_volumes', 1).replace('\"pv0\", 6]', '\"pv1\", 6]', 1)"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run -0 lvmdump "$T/h.img"
	echo "$output"
	grep -q '^pv pv1 .* missing$' <<<"$output"
	grep -q '^lv vgc/str .*unreadable="PV pv1 (zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz) is not in the image"' <<<"$output"
	run -1 lvmdump "$T/h.img" vgc/str
	[[ $output == *"is not in the image"* ]]
	lvmdump "$T/h.img" vgc/lin | cmp "$T/exp/lin" -
}

@test "lvm2 hostile: deeply nested braces" {
	hostile "b'a{' * 200000"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run timeout 10 "$LVMDUMP" "$T/h.img"
	echo "$output"
	[[ $output == *"LVM2 metadata at byte 4096: line 1: nested more than 16 deep"* ]]
	hostile "b'x = ' + b'[' * 100"
	run timeout 10 "$LVMDUMP" --text "$T/h.txt"
	[[ $output == *"nested arrays are not allowed"* ]]
}

@test "lvm2 hostile: an unterminated string" {
	edited "t[:t.index('format = \"lvm2\"') + 12]"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run timeout 10 "$LVMDUMP" "$T/h.img"
	echo "$output"
	[[ $output == *"LVM2 metadata at byte 4096: line 7: unterminated string"* ]]
	hostile "b'a = \"' + b'x' * 5000 + b'\"'"
	run timeout 10 "$LVMDUMP" --text "$T/h.txt"
	[[ $output == *"string longer than 4096 bytes"* ]]
}

@test "lvm2 hostile: thin, raid and unknown segment types are listed, not read" {
	edited "t.replace('type = \"striped\"', 'type = \"thin\"', 1).replace('type = \"striped\"\n\t\t\t\tstripe_count = 2', 'type = \"raid1\"\n\t\t\t\tstripe_count = 2', 1).replace('type = \"striped\"', 'type = \"frobnicated\"', 1)"
	python3 "$MKLVM" "$T/h.img" --text "$T/h.txt"
	run -0 lvmdump "$T/h.img"
	echo "$output"
	grep -q '^lv vgc/lin .*thin\].*unreadable="thin volumes are not read"' <<<"$output"
	grep -q '^lv vgc/str .*unreadable="RAID volumes are not read"' <<<"$output"
	grep -q '^lv vgc/multi .*unreadable="segment type .frobnicated. is not read"' <<<"$output"
	run -1 lvmdump "$T/h.img" vgc/lin
	[[ $output == *"LVM2 LV vgc/lin: thin volumes are not read"*"Operation not supported"* ]]
}

@test "lvm2 hostile: random damage to the metadata text ends cleanly" {
	for seed in 1 2 3 4 5 6 7 8; do
		edited "(lambda r: ''.join(c if r.random() > 0.02 else r.choice('{}[]=\",#\n0-') for c in t))(__import__('random').Random($seed))"
		run timeout 10 "$LVMDUMP" --text "$T/h.txt"
		[ "$status" -ne 124 ] && [ "$status" -lt 128 ]
	done
}

@test "lvm2 crafted: a PV cloned into a second partition is used once" {
	truncate -s 10M "$T/dup.img"
	printf 'label: dos\n2048,8192\n10240,8192\n' | sfdisk -q "$T/dup.img"
	dd if="$T/c.img" of="$T/dup.img" bs=1M seek=1 conv=notrunc status=none
	dd if="$T/c.img" of="$T/dup.img" bs=1M seek=5 conv=notrunc status=none
	run -0 lvmdump "$T/dup.img"
	echo "$output"
	[[ $output == *"LVM2: the PV at byte 5242880 has the UUID AbCdEf0123456789GhIjKlMnOpQrStUv of an earlier one; it is not used"* ]]
	grep -q '^pv pv0 .* at=1048576$' <<<"$output"
	lvmdump "$T/dup.img" vgc/str 2>/dev/null | cmp "$T/exp/str" -
}

# --- the same volumes through the fsimg CLI (partitions/volumes.c) --------

@test "lvm2 cli: a VG on two PVs is listed under the first, every LV by name" {
	real
	run -0 "$FSIMG" info --json "$D/disk.img"
	echo "$output"
	# partition 1, its four LVs one level deeper, then partition 2
	jq -e '[.partitions[] | .spec] ==
		["1", "vgbats/root", "vgbats/str", "vgbats/multi", "vgbats/gap", "2"]' <<<"$output"
	jq -e '[.partitions[] | select(.pttype == "lvm2") | .depth] == [1, 1, 1, 1]' <<<"$output"
	jq -e '[.partitions[] | select(.pttype == "lvm2") | .parttype] ==
		["linear", "striped", "linear", "linear"]' <<<"$output"
	while read -r name size; do
		jq -e --arg s "vgbats/$name" --argjson n "$size" \
			'.partitions[] | select(.spec == $s) | .size == $n' <<<"$output"
	done <"$D/lvs.txt"
	run -0 "$FSIMG" cat -p vgbats/root "$D/disk.img" /hello
	[ "$output" = hello-lvm ]
	"$FSIMG" cat -p lv=vgbats/root "$D/disk.img" /blob | cmp "$D/src/blob" -
}

@test "lvm2 cli: an LV whose PV is missing is listed unsupported and refused with the reason" {
	real
	head -c $(((2048 + 28 * 2048) * 512)) "$D/disk.img" >"$T/half2.img"
	printf 'label: dos\n2048,%d\n' $((28 * 2048)) | sfdisk -q "$T/half2.img"
	run -0 "$FSIMG" info "$T/half2.img"
	echo "$output"
	grep -q '^    vgbats/str  *lvm2 .*\[unsupported\]' <<<"$output"
	grep -q '^    vgbats/root  *lvm2 .*: ext4$' <<<"$output"
	run -2 "$FSIMG" ls -p vgbats/str "$T/half2.img" /
	[[ $output == *"LVM2 LV vgbats/str: PV pv1 ("*") is not in the image"* ]]
	run -0 "$FSIMG" cat -p vgbats/root "$T/half2.img" /hello
	[ "$output" = hello-lvm ]
}

@test "lvm2 cli: a whole-disk PV: its LVs at depth 0, table lvm2; thin and RAID refused" {
	run "$FSIMG" info --json "$T/c.img"
	echo "$output"
	jq -e '.pttype == "lvm2" and ([.partitions[] | .spec] == ["vgc/lin", "vgc/str", "vgc/multi"])
		and ([.partitions[] | .depth] == [0, 0, 0])
		and ([.partitions[] | .volume] == [1, 2, 3])' <<<"$output"
	edited "t.replace('type = \"striped\"', 'type = \"thin\"', 1).replace('type = \"striped\"\n\t\t\t\tstripe_count = 2', 'type = \"raid1\"\n\t\t\t\tstripe_count = 2', 1)"
	python3 "$MKLVM" "$T/t.img" --text "$T/h.txt"
	run "$FSIMG" info "$T/t.img"
	echo "$output"
	grep -q '^  vgc/lin  *lvm2 .* type thin .*\[unsupported\]' <<<"$output"
	grep -q '^  vgc/str  *lvm2 .* type raid1 .*\[unsupported\]' <<<"$output"
	run -2 "$FSIMG" ls -p vgc/lin "$T/t.img" /
	[[ $output == *"LVM2 LV vgc/lin: thin volumes are not read"* ]]
	run -2 "$FSIMG" ls -p lv2 "$T/t.img" /
	[[ $output == *"LVM2 LV vgc/str: RAID volumes are not read"* ]]
}
