#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real bootable ISOs shipped in Debian packages (grub-rescue-pc, ipxe,
# memtest86+). Oracles: libarchive (bsdtar -x gives the Rock Ridge/Joliet
# names fsimg should give) for the tree, xorriso -report_el_torito for the
# boot catalog. A test skips when its package is not installed.

load helpers

GRUB=/usr/lib/grub-rescue/grub-rescue-cdrom.iso
IPXE=/usr/lib/ipxe/ipxe.iso
MEMTEST64=/usr/lib/memtest86+/memtest86+x64.iso
MEMTEST32=/usr/lib/memtest86+/memtest86+ia32.iso

need_image() {
	[[ -r $1 ]] || skip "$1 absent (install Debian package $2)"
}

# check_tree IMAGE: listing and extraction equal what bsdtar extracts.
check_tree() {
	local img=$1
	mkdir ref
	bsdtar -xf "$img" -C ref
	ls_json "$img" list.json
	json_sanity list.json
	compare_json_tree list.json ref type,size,target,mtime
	get_tree "$img" out
	compare_trees ref out type,size,target,mtime
}

# check_eltorito IMAGE: info --json boot entries equal xorriso's report.
check_eltorito() {
	local img=$1
	xorriso -indev "$img" -report_el_torito plain 2>/dev/null |
		awk '/^El Torito boot img :/ {
			# N Pltf B Emul Ld_seg Hdpt Ldsiz LBA start at field 6
			p = ($7 == "BIOS") ? 0 : ($7 == "UEFI") ? 239 : ($7 == "PPC") ? 1 : ($7 == "Mac") ? 2 : $7
			e = ($9 == "none") ? 0 : ($9 == "fd1.2") ? 1 : ($9 == "fd1.4") ? 2 : ($9 == "fd2.8") ? 3 : ($9 == "hd") ? 4 : $9
			b = ($8 == "y") ? "true" : "false"
			printf "[%s,%d,%d,%d,%d]\n", b, p, e, $12, $13
		}' >expected
	[[ -s expected ]] || {
		echo "xorriso reports no El Torito entries for $img" >&2
		false
	}
	run -0 fsimg info --json "$img"
	jq -c '.filesystems[0].boot_entries[]
		| [.bootable, .platform_id, .emulation_id, .sector_count, .lba]' \
		<<<"$output" >got
	diff -u expected got
	# every entry's bytes lie inside the image
	jq -e --argjson size "$(stat -c %s "$img")" \
		'all(.filesystems[0].boot_entries[]; .offset == .lba * 2048
			and .length > 0 and .offset + .length <= $size)' <<<"$output" >/dev/null
}

@test "grub-rescue-cdrom.iso: tree and contents match bsdtar" {
	need_image "$GRUB" grub-rescue-pc
	check_tree "$GRUB"
}

@test "grub-rescue-cdrom.iso: El Torito entries match xorriso" {
	need_image "$GRUB" grub-rescue-pc
	check_eltorito "$GRUB"
}

@test "ipxe.iso: tree and contents match bsdtar" {
	need_image "$IPXE" ipxe
	check_tree "$IPXE"
}

@test "ipxe.iso: El Torito entries match xorriso" {
	need_image "$IPXE" ipxe
	check_eltorito "$IPXE"
}

@test "memtest86+x64.iso: tree and contents match bsdtar" {
	need_image "$MEMTEST64" memtest86+
	check_tree "$MEMTEST64"
}

@test "memtest86+x64.iso: El Torito entries match xorriso, floppy is 1.44 MB" {
	need_image "$MEMTEST64" memtest86+
	check_eltorito "$MEMTEST64"
	run -0 fsimg info --json "$MEMTEST64"
	equals "$(jq -c '[.filesystems[0].boot_entries[] | select(.emulation_id == 2) | .length]' <<<"$output")" \
		"[1474560]" "floppy entry length"
	# the floppy image of the catalog is the file /boot/floppy.img
	local off
	off=$(jq '.filesystems[0].boot_entries[] | select(.emulation_id == 2) | .offset' <<<"$output")
	fsimg cat "$MEMTEST64" /boot/floppy.img >floppy
	cmp floppy <(tail -c +$((off + 1)) "$MEMTEST64" | head -c 1474560)
}

@test "memtest86+ia32.iso: tree and contents match bsdtar" {
	need_image "$MEMTEST32" memtest86+
	check_tree "$MEMTEST32"
}

@test "memtest86+ia32.iso: El Torito entries match xorriso" {
	need_image "$MEMTEST32" memtest86+
	check_eltorito "$MEMTEST32"
}
