# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Guest disks shared by pygrub.bats and xenboot.bats: `load guests` after
# `load ../bats/helpers`. $T/files/vmlinuz and $T/files/initrd are the
# guest's boot files (each test file makes its own random ones).

# tree DIR CONFIG-PATH: the guest's /boot with a config file from stdin
tree() {
	rm -rf "$1"
	mkdir -p "$1/boot" "$1/$(dirname "$2")"
	cp "$T/files/vmlinuz" "$1/boot/vmlinuz-6.1.0-28-amd64"
	cp "$T/files/initrd" "$1/boot/initrd.img-6.1.0-28-amd64"
	ln -s vmlinuz-6.1.0-28-amd64 "$1/boot/vmlinuz"
	cat >"$1/$2"
}

GRUB2_CFG='set default="1"
set timeout=5
menuentry "Debian GNU/Linux, rescue" --class debian {
	linux /boot/vmlinuz root=/dev/xvda1 ro single
	initrd /boot/initrd.img-6.1.0-28-amd64
}
menuentry "Debian GNU/Linux" --class debian {
	insmod ext2
	linux /boot/vmlinuz-6.1.0-28-amd64 root=UUID=0a1b ro quiet console=hvc0
	initrd /boot/initrd.img-6.1.0-28-amd64
}'
GRUB2_ARGS="root=UUID=0a1b ro quiet console=hvc0"
RESCUE_ARGS="root=/dev/xvda1 ro single"

# gpt_disk OUT FS-IMAGE: a GPT disk with an ESP and FS-IMAGE in partition 2
gpt_disk() {
	local size start
	size=$(stat -c %s "$2")
	truncate -s $((size + 20 * 1048576)) "$1"
	sfdisk -q "$1" <<-EOF
		label: gpt
		size=8MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
		size=$((size / 512)), type=0FC63DAF-8483-4772-8E79-3D69C727E4E4
	EOF
	start=$(sfdisk -J "$1" | jq '.partitiontable.partitions[1].start')
	dd if="$2" of="$1" bs=512 seek="$start" conv=notrunc status=none
}

# solaris_ufs NAME ENDIAN MENU: $T/NAME.img, a Solaris UFS (our generator)
# holding the guest's files and /boot/grub/menu.lst from MENU
solaris_ufs() {
	tree "$T/$1" boot/grub/menu.lst <<<"$3"
	rm -f "$T/$1/boot/vmlinuz" # the generator writes no symlink here
	python3 "$FSIMG_SRCDIR/tests/ufs/mksolufs.py" --endian "$2" --no-large \
		--tree "$T/$1" "$T/$1.img"
}

# solaris_menu ARGS: a menu.lst booting the guest's kernel with ARGS
solaris_menu() {
	printf 'default 0\ntitle Solaris-style guest\nkernel /boot/vmlinuz-6.1.0-28-amd64 %s\ninitrd /boot/initrd.img-6.1.0-28-amd64\n' "$1"
}
