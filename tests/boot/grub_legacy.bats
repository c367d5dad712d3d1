#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# GRUB legacy menus (lib/boot/grub_legacy.c) read from images built here
# with the real tools: a separate /boot in an MBR partition (root (hd0,0),
# default saved, a kernel on (hd0,1)), a filesystem that is the whole
# image, Solaris UFS slices in a VTOC (findroot, kernel$, module$), and
# hostile menus given as text. Each test compares bootdump's lines, and
# its messages, with what GRUB (and, where it is right, pygrub) would do.

load helpers

MKSOLUFS=$FSIMG_SRCDIR/tests/ufs/mksolufs.py
MKVTOC=$FSIMG_SRCDIR/tests/part/mkvtoc.py

# ext2 OUT DIR: an ext2 filesystem of DIR
ext2() {
	mke2fs -q -F -t ext2 -d "$2" "$1" 8M
}

# mbr_disk OUT P1 P2: an MBR disk, P1 (active) and P2 copied in
mbr_disk() {
	local s1 s2
	s1=$(($(stat -c %s "$2") / 512))
	s2=$(($(stat -c %s "$3") / 512))
	truncate -s $(((2048 + s1 + s2) * 512)) "$1"
	sfdisk -q "$1" <<-EOF
		start=2048, size=$s1, type=83, bootable
		start=$((2048 + s1)), size=$s2, type=83
	EOF
	dd if="$2" of="$1" bs=512 seek=2048 conv=notrunc status=none
	dd if="$3" of="$1" bs=512 seek=$((2048 + s1)) conv=notrunc status=none
}

@test "grub-legacy: /boot in MBR partition 1, root (hd0,0), default saved, (hd0,1)/path" {
	need_cmd mke2fs sfdisk
	mkdir -p "$T/p1/grub" "$T/p2/boot"
	echo k >"$T/p1/vmlinuz-6.1.0-28-amd64"
	echo i >"$T/p1/initrd.img-6.1.0-28-amd64"
	echo x >"$T/p1/xen.gz"
	echo k2 >"$T/p2/boot/vmlinuz-p2"
	# what grub-set-default 3 writes: the fourth title
	printf '3\n#\n# GRUB saved default\n' >"$T/p1/grub/default"
	cat >"$T/p1/grub/menu.lst" <<-'EOF'
		# menu.lst of a separate /boot
		default saved
		timeout 5
		hiddenmenu

		title Windows
		  rootnoverify (hd0,1)
		  chainloader +1
		title Debian GNU/Linux, kernel 6.1.0-28-amd64
		  root (hd0,0)
		  kernel /vmlinuz-6.1.0-28-amd64 root=/dev/xvda2 ro quiet
		  initrd /initrd.img-6.1.0-28-amd64
		title Xen 4.17 / Debian dom0
		  root (hd0,0)
		  kernel /xen.gz dom0_mem=1024M
		  module /vmlinuz-6.1.0-28-amd64 root=/dev/xvda2 ro
		  module /initrd.img-6.1.0-28-amd64
		title Kernel of the second partition
		  root (hd0,0)
		  kernel (hd0,1)/boot/vmlinuz-p2 root=/dev/xvda2 console=hvc0
		  initrd /initrd.img-6.1.0-28-amd64
	EOF
	ext2 "$T/p1.img" "$T/p1"
	ext2 "$T/p2.img" "$T/p2"
	mbr_disk "$T/disk.img" "$T/p1.img" "$T/p2.img"
	dump "$T/disk.img"
	no_messages
	same "$output" <<-'EOF'
		entry 0 grub-legacy linux
		  title Debian GNU/Linux, kernel 6.1.0-28-amd64
		  config 1:/grub/menu.lst:9
		  kernel 1:/vmlinuz-6.1.0-28-amd64
		  initrd 1:/initrd.img-6.1.0-28-amd64
		  args root=/dev/xvda2 ro quiet
		entry 1* grub-legacy linux
		  title Kernel of the second partition
		  config 1:/grub/menu.lst:18
		  kernel 2:/boot/vmlinuz-p2
		  initrd 1:/initrd.img-6.1.0-28-amd64
		  args root=/dev/xvda2 console=hvc0
		default 1
	EOF
	# without the saved file, title 0 (chainloader) is the default:
	# reported, and the first bootable entry used
	debugfs -w -R "rm /grub/default" "$T/p1.img" >/dev/null 2>&1
	mbr_disk "$T/disk.img" "$T/p1.img" "$T/p2.img"
	dump "$T/disk.img"
	same "$stderr" <<-'EOF'
		log: GRUB legacy: partition 1 /grub/menu.lst: default 0 cannot be booted: the first entry is the default
	EOF
	[[ ${lines[0]} == "entry 0* grub-legacy linux" ]]
}

@test "grub-legacy: pygrub's file order; a filesystem that is the whole image" {
	need_cmd mke2fs
	mkdir -p "$T/w/boot/grub" "$T/w/grub"
	echo k >"$T/w/boot/vmlinuz"
	cat >"$T/w/boot/grub/menu.lst" <<-'EOF'
		default=1
		title=first
		root (hd0,0)
		kernel /boot/vmlinuz ro
		title second
		root (hd0,0)
		kernel=/boot/vmlinuz   root=/dev/xvda1   ro
	EOF
	# found after menu.lst: never read
	cat >"$T/w/grub/grub.conf" <<-'EOF'
		title not read
		kernel /boot/vmlinuz
	EOF
	ext2 "$T/whole.img" "$T/w"
	dump "$T/whole.img"
	# (hd0,0) of a partition image given as a disk: quietly the image
	no_messages
	same "$output" <<-'EOF'
		entry 0 grub-legacy linux
		  title first
		  config :/boot/grub/menu.lst:2
		  kernel :/boot/vmlinuz
		  args ro
		entry 1* grub-legacy linux
		  title second
		  config :/boot/grub/menu.lst:5
		  kernel :/boot/vmlinuz
		  args root=/dev/xvda1   ro
		default 1
	EOF
	# the same menu on its own: /grub/grub.conf is the one found
	rm "$T/w/boot/grub/menu.lst"
	ext2 "$T/whole.img" "$T/w"
	dump "$T/whole.img"
	same "$output" <<-'EOF'
		entry 0* grub-legacy linux
		  title not read
		  config :/grub/grub.conf:1
		  kernel :/boot/vmlinuz
		  args 
		default 0
	EOF
}

@test "grub-legacy: Solaris UFS slices in a VTOC: findroot, kernel\$, module\$, xVM dom0 dropped" {
	need_cmd python3
	mkdir -p "$T/sol/boot/grub/bootsign" "$T/sol/platform/i86xpv/kernel/amd64" \
		"$T/sol/platform/i86pc/amd64" "$T/sol/boot/amd64" \
		"$T/home/boot/grub/bootsign" "$T/home/platform/i86xpv/kernel/amd64"
	echo unix >"$T/sol/platform/i86xpv/kernel/amd64/unix"
	echo archive >"$T/sol/platform/i86pc/amd64/boot_archive"
	echo xen >"$T/sol/boot/amd64/xen.gz"
	: >"$T/sol/boot/grub/bootsign/rootfs0"
	: >"$T/home/boot/grub/bootsign/homesign"
	echo unix >"$T/home/platform/i86xpv/kernel/amd64/unix"
	cat >"$T/sol/boot/grub/menu.lst" <<-'EOF'
		default 1
		timeout 10
		#---------- ADDED BY BOOTADM - DO NOT EDIT ----------
		title Solaris xVM (dom0)
		findroot (rootfs0,0,a)
		kernel$ /boot/$ISADIR/xen.gz
		module$ /platform/i86xpv/kernel/$ISADIR/unix /platform/i86xpv/kernel/$ISADIR/unix -B $ZFS-BOOTFS,console=text
		module$ /platform/i86pc/$ISADIR/boot_archive
		#---------------------END BOOTADM--------------------
		title Solaris PV guest
		findroot (rootfs0,0,a)
		kernel$ /platform/i86xpv/kernel/$ISADIR/unix -B console=hvc0
		module$ /platform/i86pc/$ISADIR/boot_archive
		title Signature on the home slice
		findroot (homesign,0,a)
		kernel$ /platform/i86xpv/kernel/$ISADIR/unix -B $ZFS-BOOTFS
		module$ (hd0,0,a)/platform/i86pc/$ISADIR/boot_archive
		title Old style root
		root (hd0,0,a)
		kernel /platform/i86xpv/kernel/amd64/unix -B $ZFS-BOOTFS,console=hvc0
		module /platform/i86pc/amd64/boot_archive
	EOF
	python3 "$MKSOLUFS" --endian little --no-large --tree "$T/sol" "$T/sol.img"
	python3 "$MKSOLUFS" --endian little --no-large --tree "$T/home" "$T/home.img"
	python3 "$MKVTOC" "$T/vtoc.img" --root "$T/sol.img" --home "$T/home.img" >/dev/null
	run -0 fsimg info "$T/vtoc.img"
	contains "$output" "1s7    vtoc"
	dump "$T/vtoc.img"
	# $ZFS-BOOTFS is reported once
	same "$stderr" <<-'EOF'
		log: GRUB legacy: partition 1s0 /boot/grub/menu.lst:16: $ZFS-BOOTFS is kept as written: the ZFS pool that gives its value is not read
	EOF
	same "$output" <<-'EOF'
		entry 0* grub-legacy solaris
		  title Solaris PV guest
		  config 1s0:/boot/grub/menu.lst:10
		  kernel 1s0:/platform/i86xpv/kernel/amd64/unix
		  initrd 1s0:/platform/i86pc/amd64/boot_archive
		  args -B console=hvc0
		entry 1 grub-legacy solaris
		  title Signature on the home slice
		  config 1s0:/boot/grub/menu.lst:14
		  kernel 1s7:/platform/i86xpv/kernel/amd64/unix
		  initrd 1s0:/platform/i86pc/amd64/boot_archive
		  args -B $ZFS-BOOTFS
		entry 2 grub-legacy solaris
		  title Old style root
		  config 1s0:/boot/grub/menu.lst:18
		  kernel 1s0:/platform/i86xpv/kernel/amd64/unix
		  initrd 1s0:/platform/i86pc/amd64/boot_archive
		  args -B $ZFS-BOOTFS,console=hvc0
		default 0
	EOF
}

@test "grub-legacy: Solaris forms as text: multiboot, failsafe, unknown signatures" {
	cat >menu.lst <<-'EOF'
		default 2
		title Solaris multiboot
		root (hd0,0,a)
		kernel /platform/i86pc/multiboot -B console=ttya
		module /platform/i86pc/boot_archive
		title Solaris failsafe
		findroot (pool_rpool,0,a)
		kernel /boot/multiboot kernel/unix -s -B console=ttyb
		module /boot/x86.miniroot-safe
		title Solaris direct boot
		findroot (BE_sol10,1,b)
		bootfs rpool/ROOT/sol10
		kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS
		module$ /platform/i86pc/$ISADIR/boot_archive
	EOF
	dump --text grub-legacy /boot/grub/menu.lst menu.lst
	same "$stderr" <<-'EOF'
		log: GRUB legacy: /boot/grub/menu.lst:7: findroot (pool_rpool,0,a): no filesystem of the image holds that boot signature: the menu's own is used
		log: GRUB legacy: /boot/grub/menu.lst:11: findroot (BE_sol10,1,b): no filesystem of the image holds that boot signature: the menu's own is used
		log: GRUB legacy: /boot/grub/menu.lst:13: $ZFS-BOOTFS is kept as written: the ZFS pool that gives its value is not read
	EOF
	same "$output" <<-'EOF'
		entry 0 grub-legacy solaris
		  title Solaris multiboot
		  config :/boot/grub/menu.lst:2
		  kernel :/platform/i86pc/multiboot
		  initrd :/platform/i86pc/boot_archive
		  args -B console=ttya
		entry 1 grub-legacy solaris
		  title Solaris failsafe
		  config :/boot/grub/menu.lst:6
		  kernel :/boot/multiboot
		  initrd :/boot/x86.miniroot-safe
		  args kernel/unix -s -B console=ttyb
		entry 2* grub-legacy solaris
		  title Solaris direct boot
		  config :/boot/grub/menu.lst:10
		  kernel :/platform/i86pc/kernel/amd64/unix
		  initrd :/platform/i86pc/amd64/boot_archive
		  args -B $ZFS-BOOTFS
		default 2
	EOF
}

@test "grub-legacy: hostile menus: bad devices and defaults, a 100 KiB line, 1,100 entries" {
	{
		echo "default 9"
		echo "root (hd1,0)"
		echo "title long line"
		printf 'kernel /vmlinuz %0102400d\n' 0
		echo "title after it"
		echo "kernel (hd0,0 /vmlinuz"
		echo "kernel (nd)/vmlinuz"
		echo "kernel vmlinuz"
		echo "kernel (hd0,0)+1"
		echo "root (hd0,99999)"
		echo "kernel /vmlinuz-last a=b"
		echo "initrd /initrd-1"
		echo "initrd /initrd-2"
		echo "title no kernel"
		echo "root"
	} >menu.lst
	dump --text grub-legacy /boot/grub/menu.lst menu.lst
	same "$stderr" <<-'EOF'
		log: GRUB legacy: /boot/grub/menu.lst:2: (hd1,0) names no filesystem of the image: the menu's own is used
		log: GRUB legacy: /boot/grub/menu.lst:4: line longer than 4096 bytes: skipped
		log: GRUB legacy: /boot/grub/menu.lst:6: '(hd0,0' is not a file's absolute path: not used
		log: GRUB legacy: /boot/grub/menu.lst:7: (nd) names no filesystem of the image: the menu's own is used
		log: GRUB legacy: /boot/grub/menu.lst:8: 'vmlinuz' is not a file's absolute path: not used
		log: GRUB legacy: /boot/grub/menu.lst:9: '+1' is not a file's absolute path: not used
		log: GRUB legacy: /boot/grub/menu.lst:15: root '' is not a device: the menu's filesystem is used
		log: GRUB legacy: /boot/grub/menu.lst: default 9 names no entry: the first entry is the default
	EOF
	same "$output" <<-'EOF'
		entry 0* grub-legacy linux
		  title after it
		  config :/boot/grub/menu.lst:5
		  kernel :/vmlinuz-last
		  initrd :/initrd-2
		  args a=b
		default 0
	EOF
	# the menu holds BOOT_MAX_ENTRIES (1024) entries: the rest are reported
	for i in $(seq 0 1099); do
		printf 'title t%d\nkernel /vmlinuz-%d\n' "$i" "$i"
	done >many.lst
	dump --text grub-legacy /boot/grub/menu.lst many.lst
	same "$stderr" <<-'EOF'
		log: GRUB legacy: /boot/grub/menu.lst:2049: more than 1024 boot entries: the rest are left out
	EOF
	[[ ${#lines[@]} -eq $((1024 * 5 + 1)) ]]
	[[ ${lines[-1]} == "default 0" ]]
	[[ ${lines[-5]} == "  title t1023" ]]
}

@test "grub-legacy: the same kernel, initrd and arguments as pygrub's own parser" {
	local py
	py=$(ls -d /usr/lib/xen-*/lib/python 2>/dev/null | sort -V | tail -1)
	[[ -n $py && -f $py/grub/GrubConf.py ]] || skip "no pygrub (xen-utils)"
	cat >menu.lst <<-'EOF'
		default 2
		timeout 5
		title CentOS (2.6.18-419.el5xen)
		  root (hd0,0)
		  kernel /vmlinuz-2.6.18-419.el5xen ro root=/dev/VolGroup00/LogVol00 console=xvc0
		  initrd /initrd-2.6.18-419.el5xen.img
		title rescue
		  root (hd0,0)
		  kernel /vmlinuz-2.6.18-419.el5xen ro single
		title Fedora	 (tabs and	blanks)
		  root (hd0,0)
		  kernel	(hd0,0)/vmlinuz-5	root=UUID=0a1b-2c3d   rhgb quiet
		  initrd (hd0,0)/initramfs-5.img
	EOF
	dump --text grub-legacy /boot/grub/menu.lst menu.lst
	no_messages
	local ours theirs
	# ours as "N field value" lines, without the (empty) partition
	ours=$(awk '/^entry/ { n++ } /^  (title|kernel|initrd|args)/ {
		sub(/^  /, ""); print n - 1, $0 }' <<<"$output" |
		sed 's/^\([0-9]* \)\(kernel\|initrd\) :/\1\2 /')
	theirs=$(PYTHONPATH=$py python3 - menu.lst 2>/dev/null <<-'PY'
		import sys
		from grub.GrubConf import GrubConfigFile
		cf = GrubConfigFile(sys.argv[1])
		for n, i in enumerate(cf.images):
		    print(n, "title", i.title)
		    print(n, "kernel", i.kernel[1])
		    if i.initrd:
		        print(n, "initrd", i.initrd[1])
		    print(n, "args", i.args or "")
		print("default", cf.default)
	PY
	)
	same "$ours
default $(sed -n 's/^default //p' <<<"$output")" <<<"$theirs"
}
