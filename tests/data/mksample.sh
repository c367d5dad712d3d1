#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuilds tests/data/sample.iso, the small installer-like image that the
# README's demo reads: a .treeinfo, a kernel and an initrd under
# images/pxeboot, and an El Torito boot image. The payloads are text, not
# real binaries. Reproducible: fixed dates, sorted input.
set -euo pipefail
out=${1:-"$(dirname "$0")/sample.iso"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t=$tmp/tree
mkdir -p "$t/images/pxeboot" "$t/isolinux" "$t/EFI/BOOT"
cat > "$t/.treeinfo" <<'TI'
[general]
family = fsimg sample
version = 1
arch = x86_64

[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
TI
{ echo "fsimg sample kernel"; seq 1 3000; } > "$t/images/pxeboot/vmlinuz"
{ echo "fsimg sample initrd"; seq 1 6000 | rev; } > "$t/images/pxeboot/initrd.img"
printf 'sample boot image\n' > "$t/isolinux/boot.img"
truncate -s 2048 "$t/isolinux/boot.img"
printf 'label linux\n  kernel /images/pxeboot/vmlinuz\n  append initrd=/images/pxeboot/initrd.img\n' > "$t/isolinux/isolinux.cfg"
printf 'sample EFI loader\n' > "$t/EFI/BOOT/BOOTX64.EFI"
ln -s images/pxeboot/vmlinuz "$t/vmlinuz"
find "$t" -exec touch -h -d '2024-05-01 12:00:00 UTC' {} +
rm -f "$out"
SOURCE_DATE_EPOCH=1714564800 xorriso -as mkisofs -quiet -R -J -V FSIMG_SAMPLE \
	-no-pad -b isolinux/boot.img -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -o "$out" "$t"
