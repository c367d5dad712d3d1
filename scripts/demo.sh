#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Demo: what an installer such as virt-install does with an installer ISO.
# Mount the bundled sample image with no losetup (FUSE, since this kernel
# may not even have iso9660), fetch the kernel and initrd that .treeinfo
# names, unmount. Then the same without mounting at all, as CI would, and
# once more from what the ISO's boot configuration says (fsimg boot).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fsimg=${1:-$top/build/cli/fsimg}
iso=$top/tests/data/sample.iso
work=$(mktemp -d)
mnt=$work/mnt
trap 'mountpoint -q "$mnt" && "$fsimg" umount "$mnt"; rm -rf "$work"' EXIT
run() { printf '\n$ %s\n' "$*"; "$@"; }

run "$fsimg" info "$iso"

if [ -c /dev/fuse ]; then
	mkdir "$mnt"
	run "$fsimg" mount -v "$iso" "$mnt"
	run findmnt "$mnt"
	run ls -l "$mnt/images/pxeboot"
	run cp "$mnt/images/pxeboot/vmlinuz" "$mnt/images/pxeboot/initrd.img" "$work/"
	run "$fsimg" umount "$iso"
else
	echo "(no /dev/fuse here: skipping the mount, fetching without it)"
fi

mkdir "$work/get"
run "$fsimg" get "$iso" /images/pxeboot/vmlinuz /images/pxeboot/initrd.img "$work/get"
if [ -f "$work/vmlinuz" ]; then
	run cmp "$work/vmlinuz" "$work/get/vmlinuz"
	run cmp "$work/initrd.img" "$work/get/initrd.img"
fi
run ls -l "$work/get"

# or let fsimg read the boot configuration and pick the default entry
run "$fsimg" boot "$iso"
mkdir "$work/boot"
run "$fsimg" boot --get="$work/boot" "$iso"
run cmp "$work/boot/kernel" "$work/get/vmlinuz"
run cmp "$work/boot/initrd" "$work/get/initrd.img"
printf '\nFetched the kernel and initrd of %s.\n' "$(basename "$iso")"
