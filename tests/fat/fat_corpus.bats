#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The FAT images of ../shared/corpus against their ground truth:
# util-linux blkid images (label, uuid, version from the .expected files),
# the dosfstools hex dumps (FAT-TESTS.tsv), and every other blkid image,
# which must not be taken for FAT. Corrupt images must give their listing
# or a clear error, never hang.

load ../bats/helpers

BLKID=$CORPUS/util-linux/blkid/images-fs
DOSFS=$CORPUS/dosfstools

setup() {
	[ -d "$BLKID" ] || skip "no corpus at $CORPUS"
}

# expected KEY FILE: the raw value of ID_FS_KEY, \xNN escapes decoded
expected() {
	local v
	v=$(sed -n "s/^ID_FS_$1=//p" "$2")
	printf '%b' "$v"
}

@test "blkid FAT images: label, uuid and version as blkid reports them" {
	local f b img out bad=0 opts
	for f in "$BLKID"/low-probe-*.expected; do
		grep -q '^ID_FS_TYPE=vfat' "$f" || continue
		b=${f##*/low-probe-}
		b=${b%.expected}
		img=$BATS_TEST_TMPDIR/$b.img
		xz -dc "$BLKID/$b.img.xz" >"$img"
		opts=
		# its label is Õ (0xE5) three times: code page 850
		[[ $b == *cp850* ]] && opts=codepage=850
		out=$(fsimg info --json -o "$opts" "$img") || {
			echo "$b: info failed"
			bad=1
			continue
		}
		local want_l want_u want_v
		want_l=$(expected LABEL_ENC "$f" | iconv -f CP850 -t UTF-8)
		want_u=$(expected UUID "$f")
		want_v=$(expected VERSION "$f")
		[ "$(jq -r '.filesystems[0].label' <<<"$out")" = "$want_l" ] ||
			{ echo "$b: label"; bad=1; }
		[ "$(jq -r '.filesystems[0].uuid' <<<"$out")" = "$want_u" ] ||
			{ echo "$b: uuid"; bad=1; }
		[ "$(jq -r '.filesystems[0].version' <<<"$out")" = "$want_v" ] ||
			{ echo "$b: version"; bad=1; }
		# and the tree lists, or fails with a message (truncated images)
		run fsimg ls -R "$img"
		[ "$status" -eq 0 ] || [[ $output == *FAT:* ]] ||
			{ echo "$b: ls: $output"; bad=1; }
		rm -f "$img"
	done
	[ "$bad" -eq 0 ]
}

@test "no other blkid image probes as vfat" {
	local f b img t bad=0
	for f in "$BLKID"/*.img.xz; do
		b=${f##*/}
		b=${b%.img.xz}
		grep -q '^ID_FS_TYPE=vfat' "$BLKID/low-probe-$b.expected" 2>/dev/null && continue
		img=$BATS_TEST_TMPDIR/$b.img
		xz -dc "$f" >"$img"
		t=$(fsimg info --json "$img" 2>/dev/null | jq -r '.filesystems[]?.type' || true)
		if [[ $t == *vfat* ]]; then
			echo "$b probes as vfat"
			bad=1
		fi
		run fsimg info -t vfat "$img"
		[ "$status" -ne 0 ] || { echo "$b opens as vfat"; bad=1; }
		rm -f "$img"
	done
	[ "$bad" -eq 0 ]
}

@test "dosfstools images: label, uuid and version; corrupt ones list or fail clearly" {
	[ -f "$DOSFS/FAT-TESTS.tsv" ] || skip "no dosfstools corpus"
	local test role file kind bytes sha blkid rest img out bad=0 want
	while IFS=$'\t' read -r test role file kind bytes sha blkid rest; do
		[[ $test == \#* || $test == test ]] && continue
		[ -f "$DOSFS/$file" ] || continue
		img=$BATS_TEST_TMPDIR/img
		rm -f "$img"
		xxd -r "$DOSFS/$file" "$img"
		out=$(fsimg info "$img") || { echo "$file: info"; bad=1; continue; }
		# "LABEL=NO NAME UUID=1234-ABCD VERSION=FAT16 TYPE=vfat": the
		# keys come in this order, values may hold blanks
		local k v rest2=$blkid key
		for key in LABEL:UUID UUID:VERSION VERSION:TYPE; do
			k=${key%%:*}
			want=
			if [[ $rest2 == *"$k="* ]]; then
				v=${rest2#*"$k="}
				want=${v%% "${key#*:}"=*}
				want=${want//\\ / } # blkid's "NO\ NAME"
			fi
			[[ $out == *"${k,,}: $want"$'\n'* || $out == *"${k,,}: $want" ]] ||
				{ echo "$file: $k=$want"; bad=1; }
		done
		rm -rf "$BATS_TEST_TMPDIR/out"
		run fsimg get -q "$img" / "$BATS_TEST_TMPDIR/out"
		if [ "$kind" = valid ]; then
			[ "$status" -eq 0 ] || { echo "$file: get: $output"; bad=1; }
		else
			[ "$status" -eq 0 ] || [[ $output == *FAT:* || $output == *refusing* || $output == *exists* ]] ||
				{ echo "$file: get: $output"; bad=1; }
		fi
	done <"$DOSFS/FAT-TESTS.tsv"
	[ "$bad" -eq 0 ]
}

@test "dosfstools circular chain: a clear error" {
	[ -f "$DOSFS/check-circular_chain.fsck" ] || skip "no dosfstools corpus"
	xxd -r "$DOSFS/check-circular_chain.fsck" "$BATS_TEST_TMPDIR/c.img"
	run fsimg cat "$BATS_TEST_TMPDIR/c.img" /TEST4CLS.TXT
	[ "$status" -ne 0 ]
	[[ $output == *"loops"* ]]
}

@test "the EFI image of grub-rescue-cdrom.iso" {
	local iso=/usr/lib/grub-rescue/grub-rescue-cdrom.iso efi
	[ -f "$iso" ] || skip "grub-rescue-pc is not installed"
	efi=$BATS_TEST_TMPDIR/efi.img
	fsimg info --json "$iso" >"$BATS_TEST_TMPDIR/i.json"
	local off len
	off=$(jq -r '[.filesystems[0].boot_entries[]? | select(.platform == 239)][0].offset // empty' "$BATS_TEST_TMPDIR/i.json")
	len=$(jq -r '[.filesystems[0].boot_entries[]? | select(.platform == 239)][0].length // empty' "$BATS_TEST_TMPDIR/i.json")
	[ -n "$off" ] || skip "no EFI boot entry found in the info output"
	dd if="$iso" of="$efi" bs=512 skip=$((off / 512)) count=$((len / 512)) status=none
	run fsimg info "$efi"
	[ "$status" -eq 0 ]
	[[ $output == *"type: vfat"* ]]
	fsimg get -q "$efi" / "$BATS_TEST_TMPDIR/out"
	if command -v mcopy >/dev/null; then
		mkdir "$BATS_TEST_TMPDIR/ref"
		MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$efi" ::/ "$BATS_TEST_TMPDIR/ref"
		compare_trees "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/out" type,size,mtime
	fi
	[ -n "$(find "$BATS_TEST_TMPDIR/out" -iname '*.efi')" ]
}
