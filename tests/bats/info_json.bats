#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fsimg info --json as a stable interface: every document validates against
# man/fsimg-info.schema.json (the schema is checked to refuse the shapes it
# replaced), the names and values are those blkid and sfdisk give the same
# disk (PTTYPE, PTUUID, PARTUUID, PARTLABEL, PARTTYPE, the boot flag),
# details are typed, and the one filesystem marked selected is the one
# ls reads without -p.

load helpers

setup_file() {
	export SCHEMA=$FSIMG_SRCDIR/man/fsimg-info.schema.json
	export VALIDATE=$FSIMG_SRCDIR/tests/lib/validate_json.py
	local d=$BATS_FILE_TMPDIR
	# GPT: an ESP (FAT16, one file) and an ext4 root (another file)
	truncate -s 64M "$d/gpt.img"
	sgdisk -n1:2048:+16M -t1:ef00 -c1:ESP -n2:0:0 -t2:8300 -c2:root \
		"$d/gpt.img" >/dev/null
	mkfs.vfat -n EFI -C "$d/p1.img" 16384 >/dev/null
	echo esp >"$d/esp.txt"
	mcopy -i "$d/p1.img" "$d/esp.txt" ::/ESP.TXT
	mkdir -p "$d/root/boot"
	echo root >"$d/root/boot/root.txt"
	truncate -s 46M "$d/p2.img"
	mkfs.ext4 -q -L root -d "$d/root" "$d/p2.img"
	dd if="$d/p1.img" of="$d/gpt.img" bs=1M seek=1 conv=notrunc status=none
	dd if="$d/p2.img" of="$d/gpt.img" bs=1M seek=17 conv=notrunc status=none
	# MBR: a bootable primary, an extended with two logical partitions
	truncate -s 32M "$d/mbr.img"
	printf 'label: dos\nlabel-id: 0x1234abcd\n,8M,c,*\n,,5\n,8M,83\n,,83\n' |
		sfdisk -q "$d/mbr.img"
}

# validate FILE...: each document against the schema
validate() {
	run python3 "$VALIDATE" "$SCHEMA" "$@"
	[ "$status" -eq 0 ] || {
		echo "$output"
		return 1
	}
}

info_json() { # IMAGE OUT [OPTIONS...]
	local img=$1 out=$2
	shift 2
	fsimg info --json "$@" "$img" >"$out"
}

@test "the schema refuses what the old shape printed" {
	info_json "$BATS_FILE_TMPDIR/mbr.img" mbr.json
	validate mbr.json
	# one mutation per rule the old output broke
	jq '.partitions[0].partflags = 128' mbr.json >a.json
	jq '.partitions[0].problems = ""' mbr.json >b.json
	jq '.partitions[0].partlabel = ""' mbr.json >c.json
	jq 'del(.schema_version)' mbr.json >d.json
	info_json "$BATS_FILE_TMPDIR/gpt.img" gpt.json
	jq '.filesystems[0].details.clusters = "8167"' gpt.json >e.json
	jq '.filesystems[1].details.needs_recovery = "no"' gpt.json >f.json
	for f in a b c d e f; do
		run python3 "$VALIDATE" "$SCHEMA" "$f.json"
		[ "$status" -eq 1 ] || {
			echo "$f.json was accepted: $output"
			return 1
		}
	done
}

@test "GPT: pttype, ptuuid, partuuid, partlabel and parttype as sfdisk and blkid give them" {
	local img=$BATS_FILE_TMPDIR/gpt.img
	info_json "$img" i.json
	validate i.json
	sfdisk -J "$img" >s.json
	jq -e '.pttype == "gpt"' i.json
	equals "$(jq -r .ptuuid i.json)" "$(blkid -p -o value -s PTUUID "$img")" ptuuid
	equals "$(jq -r .ptuuid i.json)" \
		"$(jq -r '.partitiontable.id | ascii_downcase' s.json)" "ptuuid (sfdisk)"
	equals "$(jq -c '[.partitions[] | [.partn, .start / 512, .size / 512,
			.parttype, .partlabel, .partuuid]]' i.json)" \
		"$(jq -c '[.partitiontable.partitions | to_entries[] |
			[.key + 1, .value.start, .value.size,
			 (.value.type | ascii_downcase), .value.name,
			 (.value.uuid | ascii_downcase)]]' s.json)" partitions
	jq -e '[.partitions[] | .partflags, .volume] | all(. == null)' i.json
	jq -e '[.partitions[] | .fstype, .label] == ["vfat", "EFI", "ext4", "root"]' i.json
}

@test "MBR with logical partitions: partn, the boot flag in hex, and the disk signature" {
	local img=$BATS_FILE_TMPDIR/mbr.img
	info_json "$img" i.json
	validate i.json
	jq -e '.pttype == "dos" and .ptuuid == "1234abcd"' i.json
	equals "$(blkid -p -o value -s PTUUID "$img")" 1234abcd "blkid's PTUUID"
	equals "$(jq -c '[.partitions[] | [.spec, .partn, .parttype, .partflags,
			.partuuid, .depth, .problems]]' i.json)" \
		'[["1",1,"0xc","0x80","1234abcd-01",0,[]],["2",2,"0x5",null,"1234abcd-02",0,["container"]],["5",5,"0x83",null,"1234abcd-05",1,[]],["6",6,"0x83",null,"1234abcd-06",1,[]]]' \
		partitions
}

@test "typed details: numbers are numbers, yes/no are booleans, absent is null" {
	local img=$BATS_FILE_TMPDIR/gpt.img
	info_json "$img" i.json
	jq -e '.filesystems[0] | .fstype == "vfat" and .fsver == "FAT16" and
		(.details.clusters | type) == "number" and
		(.details.fat_bits == 16) and (.details.media == "0xf8")' i.json
	jq -e '.filesystems[1] | .fstype == "ext4" and
		.details.needs_recovery == false and
		(.details.blocks | type) == "number" and
		.details.last_mounted_on == null' i.json
	# the text output keeps its words
	run -0 fsimg -p 2 info "$img"
	contains "$output" "needs_recovery: no" text
	contains "$output" "blocks: 47104" text
}

@test "selected: the filesystem ls reads without -p, and the one -p names" {
	local img=$BATS_FILE_TMPDIR/gpt.img sel other
	info_json "$img" i.json
	jq -e '[.filesystems[] | select(.selected)] | length == 1' i.json
	sel=$(jq -r '.filesystems[] | select(.selected) | .partition' i.json)
	other=$(jq -r '.filesystems[] | select(.selected | not) | .partition' i.json)
	run -0 fsimg ls -R "$img"
	local auto=$output
	run -0 fsimg -p "$sel" ls -R "$img"
	equals "$output" "$auto" "ls of the selected partition"
	run -0 fsimg -p "$other" ls -R "$img"
	[ "$output" != "$auto" ]
	# -p picks one: it is the only filesystem listed, and selected
	info_json "$img" p.json -p 2
	validate p.json
	jq -e '[.filesystems[] | [.partition, .selected, .label]] == [["2", true, "root"]]' p.json
	info_json "$img" l.json -p label=root
	jq -e '[.filesystems[] | .partition] == ["2"]' l.json
}

@test "containers, bridge discs, El Torito and a whole-image filesystem validate" {
	local d=$BATS_FILE_TMPDIR
	qemu-img convert -O qcow2 "$d/gpt.img" g.qcow2
	info_json g.qcow2 q.json
	jq -e '.format == "qcow2" and .container.virtual_size == 67108864 and
		.container.extended_l2 == false and .container.dirty == false and
		.pttype == "gpt"' q.json
	mkdir -p src/boot
	echo hi >src/a
	head -c 2048 /dev/zero >src/boot/boot.img
	genisoimage -quiet -udf -R -J -o bridge.iso src
	info_json bridge.iso b.json
	jq -e '[.filesystems[] | [.partition, .selected, .fstype]] ==
		[[null, true, "udf"], [null, false, "iso9660"]]' b.json
	jq -e '.filesystems[1].details | .rock_ridge == true and
		.joliet == true and .joliet_level == 3 and .el_torito == false' b.json
	xorriso -as mkisofs -quiet -R -b boot/boot.img -no-emul-boot \
		-boot-load-size 4 -o et.iso src 2>/dev/null
	info_json et.iso e.json
	jq -e '.format == "raw" and .container == null and .pttype == null and
		.filesystems[0].details.el_torito == true and
		(.filesystems[0].boot_entries[0].lba | type) == "number"' e.json
	validate q.json b.json e.json
}

@test "hostile images still print documents the schema accepts" {
	local f n=0
	for f in "$FSIMG_SRCDIR"/tests/fuzz/findings/*/*; do
		[ "${f##*/}" != README ] || continue
		fsimg info --json "$f" >"doc$n.json" 2>/dev/null || true
		# a file that holds nothing has no document
		[ -s "doc$n.json" ] || { rm -f "doc$n.json"; continue; }
		n=$((n + 1))
	done
	[ "$n" -gt 5 ]
	validate doc*.json
}
