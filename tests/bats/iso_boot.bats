#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# El Torito boot images: extracted raw with `fsimg eltorito IMAGE N`, and read
# as filesystems with `-p boot=N` (the EFI FAT image of an installer ISO),
# checked against xorriso's own extraction and against mtools.

load helpers

IPXE=/usr/lib/ipxe/ipxe.iso

setup_file() {
	export SAMPLE=$FSIMG_SRCDIR/tests/data/sample.iso
}

@test "boot writes the BIOS boot image of the sample ISO" {
	"$FSIMG" eltorito "$SAMPLE" 0 >"$BATS_TEST_TMPDIR/b0"
	"$FSIMG" cat "$SAMPLE" /isolinux/boot.img >"$BATS_TEST_TMPDIR/file"
	cmp "$BATS_TEST_TMPDIR/b0" "$BATS_TEST_TMPDIR/file"
}

@test "boot images of ipxe.iso equal xorriso's extraction" {
	[ -f "$IPXE" ] || skip "needs the ipxe package"
	command -v xorriso >/dev/null || skip "needs xorriso"
	x=$BATS_TEST_TMPDIR/x
	mkdir "$x"
	xorriso -osirrox on -indev "$IPXE" -extract_boot_images "$x" 2>/dev/null
	"$FSIMG" eltorito "$IPXE" 0 >"$BATS_TEST_TMPDIR/b0"
	"$FSIMG" eltorito "$IPXE" 1 >"$BATS_TEST_TMPDIR/b1"
	cmp "$BATS_TEST_TMPDIR/b0" "$x/eltorito_img1_bios.img"
	cmp "$BATS_TEST_TMPDIR/b1" "$x/eltorito_img2_uefi.img"
}

@test "-p boot=1 reads the EFI FAT image inside ipxe.iso" {
	[ -f "$IPXE" ] || skip "needs the ipxe package"
	command -v mcopy >/dev/null || skip "needs mtools"
	run "$FSIMG" -p boot=1 info --json "$IPXE"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.filesystems[0].fstype' <<<"$output")" = vfat ]
	run "$FSIMG" -p boot=1 ls -R "$IPXE"
	[ "$status" -eq 0 ]
	[[ $output == *"/efi/boot/bootx64.efi"* ]]
	"$FSIMG" eltorito "$IPXE" 1 >"$BATS_TEST_TMPDIR/efi.img"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$BATS_TEST_TMPDIR/efi.img" \
		::/efi/boot/bootx64.efi "$BATS_TEST_TMPDIR/want"
	"$FSIMG" -p boot=1 cat "$IPXE" /efi/boot/bootx64.efi >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "boot entry numbers that do not exist are errors" {
	run "$FSIMG" eltorito "$SAMPLE" 7
	[ "$status" -eq 3 ]
	[[ $output == *"sample.iso: no boot entry 7 (the catalog has 1)"* ]]
	run "$FSIMG" eltorito "$SAMPLE" x
	[ "$status" -eq 1 ]
	run "$FSIMG" -p boot=4 ls "$SAMPLE"
	[ "$status" -eq 2 ]
	[[ $output == *"no boot entry 4"* ]]
}

@test "boot on an image without a boot catalog says so" {
	src=$BATS_TEST_TMPDIR/src
	mkdir "$src"
	echo x >"$src/x"
	xorriso -as mkisofs -quiet -R -o "$BATS_TEST_TMPDIR/plain.iso" "$src" 2>/dev/null
	run "$FSIMG" eltorito "$BATS_TEST_TMPDIR/plain.iso" 0
	[ "$status" -eq 3 ]
	[[ $output == *"no El Torito boot catalog"* ]]
}
