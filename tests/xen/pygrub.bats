#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Xen's packaged pygrub, unchanged, reading guest disks through our
# libxenfsimage plugin (xen/fsimage_plugin.c) and nothing else: the kernel
# and ramdisk it writes are the bytes of the generated guest, the
# arguments those of its boot configuration. Where the stock plugins
# (GRUB-derived ext2fs-lib, fat, iso9660, ufs, ...) read a disk, they
# must give the same answer; where they cannot (UFS2, Solaris UFS), ours
# still must. Run as root, as root with --runas (pygrub's chroot and
# change of user), and as an ordinary user. Hostile images end in
# pygrub's own error, never a crash.

load ../bats/helpers
load guests

setup_file() {
	export T=$BATS_FILE_TMPDIR
	PYGRUB=$(ls /usr/lib/xen-*/bin/pygrub 2>/dev/null | sort -V | tail -1)
	STOCK=$(ls -d /usr/lib/xen-*/lib/*/xenfsimage 2>/dev/null | sort -V | tail -1)
	PLUGIN=$FSIMG_BUILDDIR/xen/fsimage.so
	export PYGRUB STOCK PLUGIN
	[ -n "$PYGRUB" ] && [ -f "$PLUGIN" ] || return 0
	# XEN_FSIMAGE_FSDIR holds NAME/fsimage.so for each plugin: only ours
	mkdir -p "$T/plugins/fsimg"
	cp "$PLUGIN" "$T/plugins/fsimg/fsimage.so"
	chmod -R a+rX "$T"
	# the guest's boot files: random bytes, different for every guest
	mkdir -p "$T/files"
	head -c 1500000 /dev/urandom >"$T/files/vmlinuz"
	head -c 3000000 /dev/urandom >"$T/files/initrd"
}

setup() {
	[ -n "$PYGRUB" ] || skip "no pygrub (xen-utils)"
	[ -f "$PLUGIN" ] || skip "the plugin was not built (no libxenfsimage)"
}

# pygrub_with DIR IMAGE [pygrub options...]: run pygrub with the plugins of
# DIR; its "simple" output goes to $T/result, the files to $T/out.
pygrub_with() {
	local dir=$1 img=$2
	shift 2
	rm -rf "$T/out"
	mkdir -p "$T/out"
	chmod 777 "$T/out"
	XEN_FSIMAGE_FSDIR=$dir LD_LIBRARY_PATH=$FSIMG_BUILDDIR \
		timeout -k 5 120 python3 "$PYGRUB" -q --output-format=simple \
		--output-directory="$T/out" "$@" "$img" >"$T/result" 2>"$T/stderr"
}

# expect_boot ARGS: the result names our kernel and ramdisk, byte for
# byte, and these arguments
expect_boot() {
	local k r a
	k=$(sed -n 's/^kernel //p' "$T/result")
	r=$(sed -n 's/^ramdisk //p' "$T/result")
	a=$(sed -n 's/^args //p' "$T/result")
	[ -n "$k" ] && cmp "$k" "$T/files/vmlinuz"
	[ -n "$r" ] && cmp "$r" "$T/files/initrd"
	[ "$a" = "$1" ] || {
		echo "args: '$a', expected '$1'" >&2
		return 1
	}
}

@test "pygrub: ext4 /boot in GPT partition 2 (grub.cfg), same as the stock plugin" {
	tree "$T/ext" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -d "$T/ext" "$T/ext.img" 16M
	gpt_disk "$T/gpt.img" "$T/ext.img"
	pygrub_with "$T/plugins" "$T/gpt.img"
	expect_boot "$GRUB2_ARGS"
	pygrub_with "$STOCK" "$T/gpt.img"
	expect_boot "$GRUB2_ARGS"
}

@test "pygrub: --runas (chroot, another user) and an ordinary user" {
	tree "$T/ext" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -d "$T/ext" "$T/run.img" 16M
	chmod 644 "$T/run.img"
	pygrub_with "$T/plugins" "$T/run.img" --runas=65534 --entry=1
	expect_boot "$GRUB2_ARGS"
	# an ordinary user: everything in a directory nobody can reach (the
	# bats temporary directory is root's alone)
	local u
	u=$(mktemp -d /tmp/fsimg-pygrub.XXXXXX)
	mkdir -p "$u/plugins/fsimg" "$u/out" "$u/lib"
	cp "$T/plugins/fsimg/fsimage.so" "$u/plugins/fsimg/"
	cp -P "$FSIMG_BUILDDIR"/libfsimg.so "$FSIMG_BUILDDIR"/libfsimg.so.0 \
		"$FSIMG_BUILDDIR"/libfsimg.so.0.1.0 "$u/lib/"
	cp "$T/run.img" "$u/"
	chmod -R a+rX "$u"
	chmod 777 "$u/out"
	rc=0
	XEN_FSIMAGE_FSDIR=$u/plugins LD_LIBRARY_PATH=$u/lib \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		timeout -k 5 120 python3 "$PYGRUB" -q --output-format=simple \
		--output-directory="$u/out" "$u/run.img" >"$T/result" || rc=$?
	expect_boot "$GRUB2_ARGS" || rc=1
	rm -rf "$u"
	[ "$rc" -eq 0 ]
}

@test "pygrub: FAT with extlinux.conf, same as the stock plugin" {
	tree "$T/fat" extlinux.conf <<-EOF
		DEFAULT debian
		LABEL debian
		  KERNEL /boot/vmlinuz-6.1.0-28-amd64
		  APPEND initrd=/boot/initrd.img-6.1.0-28-amd64 root=/dev/xvda1 ro
	EOF
	rm -f "$T/fat/boot/vmlinuz" # FAT holds no symlinks
	mkfs.fat -C "$T/fat.img" 16384 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$T/fat.img" "$T/fat/boot" "$T/fat/extlinux.conf" ::/
	pygrub_with "$T/plugins" "$T/fat.img"
	expect_boot "root=/dev/xvda1 ro"
	pygrub_with "$STOCK" "$T/fat.img"
	expect_boot "root=/dev/xvda1 ro"
}

@test "pygrub: an installer ISO (Rock Ridge, grub.cfg), same as the stock plugin" {
	tree "$T/iso" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	xorriso -as mkisofs -quiet -R -J -o "$T/cd.iso" "$T/iso"
	pygrub_with "$T/plugins" "$T/cd.iso"
	expect_boot "$GRUB2_ARGS"
	pygrub_with "$STOCK" "$T/cd.iso"
	expect_boot "$GRUB2_ARGS"
}

@test "pygrub: UFS2 in an MBR partition (menu.lst), which the stock plugins cannot read" {
	tree "$T/ufs" boot/grub/menu.lst <<-EOF
		default 0
		timeout 3
		title FreeBSD-style guest
		root (hd0,0)
		kernel /boot/vmlinuz-6.1.0-28-amd64 console=hvc0 root=/dev/xvda1
		initrd /boot/initrd.img-6.1.0-28-amd64
	EOF
	makefs -t ffs -o version=2 -B le "$T/ufs2.img" "$T/ufs" >/dev/null
	local size
	size=$(stat -c %s "$T/ufs2.img")
	truncate -s $((size + 2 * 1048576)) "$T/mbr.img"
	sfdisk -q "$T/mbr.img" <<<"start=2048, size=$((size / 512)), type=a5"
	dd if="$T/ufs2.img" of="$T/mbr.img" bs=512 seek=2048 conv=notrunc status=none
	pygrub_with "$T/plugins" "$T/mbr.img"
	expect_boot "console=hvc0 root=/dev/xvda1"
	! pygrub_with "$STOCK" "$T/mbr.img"
	grep -q "Unable to find partition containing kernel" "$T/stderr"
}

@test "pygrub: Solaris x86 UFS in a VTOC slice of MBR 0xBF, same as the stock plugin" {
	solaris_ufs sol little "$(solaris_menu "-B console=hvc0")"
	python3 "$FSIMG_SRCDIR/tests/part/mkvtoc.py" "$T/vtoc.img" \
		--root "$T/sol.img" >/dev/null
	pygrub_with "$T/plugins" "$T/vtoc.img"
	expect_boot "-B console=hvc0"
	# the stock ufs plugin is Solaris' own reader: it agrees
	pygrub_with "$STOCK" "$T/vtoc.img"
	expect_boot "-B console=hvc0"
}

@test "pygrub: big-endian (SPARC) Solaris UFS, which the stock plugins cannot read" {
	solaris_ufs sparc big "$(solaris_menu "-B console=ttya")"
	pygrub_with "$T/plugins" "$T/sparc.img"
	expect_boot "-B console=ttya"
	! pygrub_with "$STOCK" "$T/sparc.img"
	grep -q "Unable to find partition containing kernel" "$T/stderr"
}

@test "pygrub: hostile images end in pygrub's error, never a crash" {
	local f n=0 rc
	python3 "$FSIMG_SRCDIR/tests/fat/mkcrafted.py" "$T/hostile" >/dev/null
	for f in "$FSIMG_SRCDIR"/tests/fuzz/findings/*/* "$T/hostile"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		rc=0
		pygrub_with "$T/plugins" "$f" || rc=$?
		# 1: pygrub's RuntimeError; a signal or a timeout is >= 124
		[ "$rc" -eq 1 ] || {
			echo "$f: status $rc" >&2
			cat "$T/stderr" >&2
			return 1
		}
	done
	# and an ext4 image whose grub.cfg inode is garbage
	tree "$T/bad" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -b 1024 -O metadata_csum -d "$T/bad" "$T/bad.img" 16M
	read -r blk off < <(debugfs -R "imap /boot/grub/grub.cfg" "$T/bad.img" 2>/dev/null |
		sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
	dd if=/dev/urandom of="$T/bad.img" bs=1 count=64 \
		seek=$((blk * 1024 + off)) conv=notrunc status=none
	rc=0
	pygrub_with "$T/plugins" "$T/bad.img" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$n" -ge 2 ]
}
