#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mklvmguest.sh DIR: a guest disk laid out as RHEL-family installers lay it
# out, made with LVM's own tools and never activated (device-mapper is not
# needed):
#
#   GPT  1  /boot, ext4: vmlinuz-6.1.0-lvm, initrd.img-6.1.0-lvm and a
#           grub/grub.cfg whose entry boots root=/dev/mapper/guestvg-root
#        2  an LVM2 PV of VG "guestvg":
#             root  ext4 of 24 MiB in two segments, swap between them
#                   (/etc/fstab, /etc/os-release, an empty /boot, files)
#             swap  4 MiB, mkswap
#
# Filesystems are made as files (mke2fs -d) and written where
# `lvs --segments` says their extents are (lvmfill.py). Leaves DIR/disk.img,
# DIR/src (the root tree), DIR/boot (the /boot tree) and DIR/root.img (the
# root filesystem as a file). Exit 77 with the reason on stderr when this
# machine cannot (not root, no loop devices, no LVM tools).
set -euo pipefail

d=$1
here=$(dirname "$0")
skip() {
	echo "$*" >&2
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (pvcreate on loop devices)"
for t in losetup sfdisk pvcreate vgcreate lvcreate lvextend lvs pvs \
	mke2fs mkswap python3; do
	command -v $t >/dev/null || skip "needs $t"
done
lvm_q() {
	local cmd=$1
	shift
	LVM_SUPPRESS_FD_WARNINGS=1 "$cmd" --config \
		'global/activation=0 backup/backup=0 backup/archive=0' "$@"
}

mkdir -p "$d/src/etc" "$d/src/boot" "$d/src/usr/bin" "$d/src/var/log" \
	"$d/boot/grub"
printf 'PRETTY_NAME="fsimg LVM guest"\nID=fsimgtest\n' >"$d/src/etc/os-release"
printf '/dev/mapper/guestvg-root / ext4 defaults 0 1\nUUID=b007 /boot ext4 defaults 0 2\n' \
	>"$d/src/etc/fstab"
printf '#!/bin/sh\necho hello from the root LV\n' >"$d/src/usr/bin/hello"
chmod 755 "$d/src/usr/bin/hello"
head -c 3000000 /dev/urandom >"$d/src/var/log/big.bin"
ln -s ../usr/bin/hello "$d/src/etc/hello-link"
printf 'vmlinuz bytes\n' >"$d/boot/vmlinuz-6.1.0-lvm"
printf 'initrd bytes\n' >"$d/boot/initrd.img-6.1.0-lvm"
cat >"$d/boot/grub/grub.cfg" <<'EOF'
set default=0
set timeout=5
menuentry 'Guest on LVM' {
	linux /vmlinuz-6.1.0-lvm root=/dev/mapper/guestvg-root ro quiet
	initrd /initrd.img-6.1.0-lvm
}
EOF
mke2fs -q -t ext4 -d "$d/src" "$d/root.img" 24M >/dev/null
mke2fs -q -t ext4 -d "$d/boot" "$d/boot.img" 16M >/dev/null

truncate -s 64M "$d/disk.img"
printf 'label: gpt\nstart=2048, size=32768, name=boot\nstart=34816, size=86016, name=lvm, type=E6D6D379-F507-44C2-A23C-238F2A3DF928\n' |
	sfdisk -q "$d/disk.img"
dd if="$d/boot.img" of="$d/disk.img" bs=512 seek=2048 conv=notrunc status=none
s2=$((34816 * 512))
P=$(losetup -f --show -o $s2 --sizelimit $((86016 * 512)) "$d/disk.img") ||
	skip "no loop device"
# the LVM tools' warnings are kept in lvm.err, shown when one fails
trap 'rc=$?; losetup -d "$P"; [ $rc = 0 ] || cat "$d/lvm.err" >&2' EXIT
lvm_q pvcreate -q "$P" >/dev/null 2>>"$d/lvm.err"
lvm_q vgcreate -q -s 1M guestvg "$P" >/dev/null 2>>"$d/lvm.err"
lvm_q lvcreate -q -an -Zn -y -L 12M -n root guestvg >/dev/null 2>>"$d/lvm.err"
lvm_q lvcreate -q -an -Zn -y -L 4M -n swap guestvg >/dev/null 2>>"$d/lvm.err"
lvm_q lvextend -q -y -L +12M guestvg/root >/dev/null 2>>"$d/lvm.err"
lvm_q lvs --reportformat json --segments \
	-o lv_name,seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges,segtype \
	--units b --nosuffix guestvg >"$d/segs.json" 2>>"$d/lvm.err"
lvm_q pvs --reportformat json -o pv_name,pe_start,vg_extent_size \
	--units b --nosuffix "$P" >"$d/pvs.json" 2>>"$d/lvm.err"
truncate -s 4M "$d/swap.img"
mkswap -q "$d/swap.img" >/dev/null 2>>"$d/lvm.err"
python3 "$here/lvmfill.py" "$d/disk.img" "$d/segs.json" "$d/pvs.json" \
	root="$d/root.img" swap="$d/swap.img" --pv "$P=$s2"
