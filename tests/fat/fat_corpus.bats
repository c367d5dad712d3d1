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
		[ "$(jq -r '.filesystems[0].label // ""' <<<"$out")" = "$want_l" ] ||
			{ echo "$b: label"; bad=1; }
		[ "$(jq -r '.filesystems[0].uuid // ""' <<<"$out")" = "$want_u" ] ||
			{ echo "$b: uuid"; bad=1; }
		[ "$(jq -r '.filesystems[0].fsver // ""' <<<"$out")" = "$want_v" ] ||
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

@test "the EFI FAT images of Debian's installer-like ISOs" {
	# Debian 12's grub-rescue-cdrom.iso is BIOS-only; ipxe.iso and
	# memtest86+x64.iso carry EFI system partitions as El Torito images.
	local iso n=0 idx t=$BATS_TEST_TMPDIR
	for iso in /usr/lib/grub-rescue/grub-rescue-cdrom.iso \
		/usr/lib/ipxe/ipxe.iso /usr/lib/memtest86+/memtest86+x64.iso; do
		[ -f "$iso" ] || continue
		fsimg info --json "$iso" >"$t/i.json"
		for idx in $(jq -r '.filesystems[0].boot_entries[]? | select(.platform_id == 239) | .index' "$t/i.json"); do
			rm -rf "$t/out" "$t/ref"
			fsimg eltorito "$iso" "$idx" >"$t/efi.img"
			run -0 fsimg -p "boot=$idx" info "$iso"
			[[ $output == *"type: vfat"* ]]
			fsimg -p "boot=$idx" get -q "$iso" / "$t/out"
			mkdir "$t/ref"
			MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$t/efi.img" ::/ "$t/ref"
			compare_trees "$t/ref" "$t/out" type,size,mtime
			[ -n "$(find "$t/out" -iname '*.efi')" ]
			n=$((n + 1))
		done
	done
	[ "$n" -gt 0 ] || skip "neither ipxe nor memtest86+ is installed"
}
