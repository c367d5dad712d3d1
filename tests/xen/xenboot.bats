#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fsimg-xenboot, the drop-in for Xen's pygrub: on every guest disk that
# pygrub (with its stock plugins) can read, the same kernel and ramdisk,
# byte for byte, and the same arguments, by default and with --entry;
# where pygrub cannot read the disk (a logical partition, UFS2, BLS
# entries, Solaris' kernel$, unified kernel images), the bytes and
# arguments of the generated guest. Then pygrub's command line, output
# formats and files (0600, O_EXCL, never through a symlink, removed on
# failure), the size limit, hostile images, and the confinement: the
# disk is read only by a child that left root (or its capabilities) and
# installed its filter first, whoever runs it.

load ../bats/helpers
load guests

setup_file() {
	export T=$BATS_FILE_TMPDIR
	export XB=$FSIMG_BUILDDIR/cli/fsimg-xenboot
	PYGRUB=$(ls /usr/lib/xen-*/bin/pygrub 2>/dev/null | sort -V | tail -1)
	STOCK=$(ls -d /usr/lib/xen-*/lib/*/xenfsimage 2>/dev/null | sort -V | tail -1)
	export PYGRUB STOCK
	# the guest's boot files: random bytes, different for every run
	mkdir -p "$T/files"
	head -c 1500000 /dev/urandom >"$T/files/vmlinuz"
	head -c 3000000 /dev/urandom >"$T/files/initrd"
	head -c 700000 /dev/urandom >"$T/files/initrd2"
	chmod -R a+rX "$T"
}

setup() {
	[ -x "$XB" ] || skip "fsimg-xenboot was not built"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Removes what a test made outside its own directory, whatever happened.
teardown() {
	if [ -e "$BATS_TEST_TMPDIR/made-pygrub-dir" ]; then
		rm -rf /var/run/xen/pygrub
		[ ! -e "$BATS_TEST_TMPDIR/made-xen-dir" ] || rmdir /var/run/xen
	fi
	common_teardown
}

# traced ARGS...: strace ARGS; LeakSanitizer cannot work under ptrace
# (sanitizer builds)
traced() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace "$@"
}

need_pygrub() {
	[ -n "$PYGRUB" ] && [ -d "$STOCK" ] ||
		skip "no pygrub with its stock plugins (xen-utils)"
}

# --- running both --------------------------------------------------------

# xb OUT IMAGE [options...]: fsimg-xenboot, "simple" output in $T/result,
# messages in $T/stderr, the files in OUT (made empty first)
xb() {
	local out=$1 img=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	timeout -k 5 120 "$XB" -q --output-format=simple \
		--output-directory="$out" "$@" "$img" >"$T/result" 2>"$T/stderr"
}

# pygrub_stock OUT IMAGE [options...]: pygrub with the stock plugins;
# $T/presult, $T/pstderr
pygrub_stock() {
	local out=$1 img=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	XEN_FSIMAGE_FSDIR=$STOCK timeout -k 5 120 python3 "$PYGRUB" -q \
		--output-format=simple --output-directory="$out" "$@" "$img" \
		>"$T/presult" 2>"$T/pstderr"
}

# field NAME FILE: the value of a line of the simple format
field() { sed -n "s/^$1 //p" "$2"; }

# expect_boot RESULT ARGS [KERNEL [RAMDISK|-]]: the result names a copy of
# KERNEL and of RAMDISK (- : no ramdisk line), and these arguments
expect_boot() {
	local res=$1 args=$2 kern=${3:-$T/files/vmlinuz} rd=${4:-$T/files/initrd}
	local k r a
	k=$(field kernel "$res")
	r=$(field ramdisk "$res")
	a=$(field args "$res")
	if [ -z "$k" ] || ! cmp "$k" "$kern"; then
		echo "kernel '$k' is not $kern" >&2
		cat "$res" "$T/stderr" >&2
		return 1
	fi
	if [ "$rd" = - ]; then
		[ -z "$r" ] || {
			echo "a ramdisk, $r, where none was expected" >&2
			return 1
		}
	elif [ -z "$r" ] || ! cmp "$r" "$rd"; then
		echo "ramdisk '$r' is not $rd" >&2
		cat "$res" "$T/stderr" >&2
		return 1
	fi
	[ "$a" = "$args" ] || {
		echo "args: '$a', expected '$args'" >&2
		return 1
	}
}

# same_output: both results say the same once the file names are cut out
same_output() {
	local re='s#/[^ ]*/boot_(kernel|ramdisk)\.[a-z0-9_]{8}#\1#'
	diff <(sed -E "$re" "$T/result") <(sed -E "$re" "$T/presult")
}

# both IMAGE ARGS [options...]: fsimg-xenboot and pygrub boot the guest's
# kernel, ramdisk and ARGS, and their outputs are the same
both() {
	local img=$1 args=$2
	shift 2
	xb "$T/out" "$img" "$@" || {
		cat "$T/stderr" >&2
		return 1
	}
	expect_boot "$T/result" "$args"
	pygrub_stock "$T/pout" "$img" "$@" || {
		cat "$T/pstderr" >&2
		return 1
	}
	expect_boot "$T/presult" "$args"
	same_output
}

# --- guests ------------------------------------------------------------------

# $T/gpt.img: ext4 /boot with grub.cfg in GPT partition 2 (made once)
gpt_guest() {
	[ -f "$T/gpt.img" ] && return 0
	tree "$T/ext" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -d "$T/ext" "$T/ext.img" 16M
	gpt_disk "$T/gpt.img" "$T/ext.img"
	chmod 644 "$T/gpt.img"
}

# $T/plain.img: the same /boot as a whole-disk ext4 (made once)
plain_guest() {
	[ -f "$T/plain.img" ] && return 0
	tree "$T/plain" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -d "$T/plain" "$T/plain.img" 16M
	chmod 644 "$T/plain.img"
}

# the partition offset of partition N of IMAGE, in bytes
part_offset() {
	echo $(($(sfdisk -J "$1" | jq ".partitiontable.partitions[$2 - 1].start") * 512))
}

# --- pygrub's disks: the same bytes and arguments -------------------------------

@test "xenboot: ext4 /boot in GPT partition 2 (grub.cfg): same as pygrub, default and --entry" {
	need_pygrub
	gpt_guest
	both "$T/gpt.img" "$GRUB2_ARGS"
	both "$T/gpt.img" "$RESCUE_ARGS" --entry=0
	both "$T/gpt.img" "$GRUB2_ARGS" --entry=1
	both "$T/gpt.img" "$GRUB2_ARGS" "--entry=Debian GNU/Linux"
	# --args is appended after a space, as pygrub does
	both "$T/gpt.img" "$GRUB2_ARGS extra=1" --args=extra=1
}

@test "xenboot: FAT with extlinux.conf: same as pygrub" {
	need_pygrub
	tree "$T/fat" extlinux.conf <<-EOF
		DEFAULT debian
		LABEL rescue
		  KERNEL /boot/vmlinuz-6.1.0-28-amd64
		  APPEND initrd=/boot/initrd.img-6.1.0-28-amd64 root=/dev/xvda1 single
		LABEL debian
		  KERNEL /boot/vmlinuz-6.1.0-28-amd64
		  APPEND initrd=/boot/initrd.img-6.1.0-28-amd64 root=/dev/xvda1 ro
	EOF
	rm -f "$T/fat/boot/vmlinuz" # FAT holds no symlinks
	mkfs.fat -C "$T/fat.img" 16384 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$T/fat.img" "$T/fat/boot" "$T/fat/extlinux.conf" ::/
	both "$T/fat.img" "root=/dev/xvda1 ro"
	both "$T/fat.img" "root=/dev/xvda1 single" --entry=0
}

@test "xenboot: an installer ISO (Rock Ridge, grub.cfg): same as pygrub" {
	need_pygrub
	tree "$T/iso" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	xorriso -as mkisofs -quiet -R -J -o "$T/cd.iso" "$T/iso"
	both "$T/cd.iso" "$GRUB2_ARGS"
	# the rescue entry boots /boot/vmlinuz, a Rock Ridge symlink, which
	# the stock iso9660 plugin does not follow: only ours boots it
	xb "$T/out" "$T/cd.iso" --entry=0
	expect_boot "$T/result" "$RESCUE_ARGS"
}

@test "xenboot: Solaris x86 UFS in a VTOC slice of MBR 0xBF: same as pygrub" {
	need_pygrub
	solaris_ufs sol little "default 0
title Solaris-style guest
kernel /boot/vmlinuz-6.1.0-28-amd64 -B console=hvc0
initrd /boot/initrd.img-6.1.0-28-amd64
title Solaris-style guest, verbose
kernel /boot/vmlinuz-6.1.0-28-amd64 -B console=hvc0 -v
initrd /boot/initrd.img-6.1.0-28-amd64"
	python3 "$FSIMG_SRCDIR/tests/part/mkvtoc.py" "$T/vtoc.img" \
		--root "$T/sol.img" >/dev/null
	both "$T/vtoc.img" "-B console=hvc0"
	both "$T/vtoc.img" "-B console=hvc0 -v" --entry=1
}

@test "xenboot: --kernel, --ramdisk and --args take files from the disk without a menu, as pygrub" {
	need_pygrub
	gpt_guest
	both "$T/gpt.img" "console=hvc0" --kernel=/boot/vmlinuz-6.1.0-28-amd64 \
		--ramdisk=/boot/initrd.img-6.1.0-28-amd64 --args=console=hvc0
	# no --ramdisk: no ramdisk, its file removed
	xb "$T/out" "$T/gpt.img" --kernel=/boot/vmlinuz
	expect_boot "$T/result" "" "$T/files/vmlinuz" -
	[ "$(ls "$T/out")" = "$(basename "$(field kernel "$T/result")")" ]
	pygrub_stock "$T/pout" "$T/gpt.img" --kernel=/boot/vmlinuz
	same_output
	# a kernel the disk does not have
	run xb "$T/out" "$T/gpt.img" --kernel=/boot/nothing
	[ "$status" -eq 1 ]
	grep -q "the kernel /boot/nothing (--kernel) is in no filesystem" "$T/stderr"
	[ -z "$(ls "$T/out")" ]
}

# --- disks pygrub cannot read: the generated truth ------------------------------

@test "xenboot: /boot in a logical partition of an MBR extended partition" {
	tree "$T/log" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mke2fs -q -F -t ext4 -d "$T/log" "$T/log.img" 16M
	local sectors=$((16 * 2048))
	truncate -s $(((sectors + 12288) * 512)) "$T/ebr.img"
	sfdisk -q "$T/ebr.img" <<-EOF
		label: dos
		start=2048, size=4096, type=83
		start=6144, size=$((sectors + 4096)), type=5
		start=8192, size=$sectors, type=83
	EOF
	dd if="$T/log.img" of="$T/ebr.img" bs=512 seek=8192 conv=notrunc status=none
	xb "$T/out" "$T/ebr.img"
	expect_boot "$T/result" "$GRUB2_ARGS"
	xb "$T/out" "$T/ebr.img" --entry=0
	expect_boot "$T/result" "$RESCUE_ARGS"
	xb "$T/out" "$T/ebr.img" --offset=$((8192 * 512))
	expect_boot "$T/result" "$GRUB2_ARGS"
}

@test "xenboot: UFS2 in an MBR partition (menu.lst)" {
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
	xb "$T/out" "$T/mbr.img"
	expect_boot "$T/result" "console=hvc0 root=/dev/xvda1"
}

@test "xenboot: big-endian (SPARC) Solaris UFS" {
	solaris_ufs sparc big "default 0
title Solaris-style guest
kernel /boot/vmlinuz-6.1.0-28-amd64 -B console=ttya
initrd /boot/initrd.img-6.1.0-28-amd64"
	xb "$T/out" "$T/sparc.img"
	expect_boot "$T/result" "-B console=ttya"
}

@test "xenboot: Solaris kernel\$ and module\$ with \$ISADIR, in a VTOC slice" {
	rm -rf "$T/s11"
	mkdir -p "$T/s11/boot/grub" "$T/s11/platform/i86pc/kernel/amd64" \
		"$T/s11/platform/i86pc/amd64"
	cp "$T/files/vmlinuz" "$T/s11/platform/i86pc/kernel/amd64/unix"
	cp "$T/files/initrd" "$T/s11/platform/i86pc/amd64/boot_archive"
	cat >"$T/s11/boot/grub/menu.lst" <<-'EOF'
		default 0
		timeout 10
		title Oracle Solaris 11.4
		kernel$ /platform/i86pc/kernel/$ISADIR/unix -B console=hvc0
		module$ /platform/i86pc/$ISADIR/boot_archive
	EOF
	python3 "$FSIMG_SRCDIR/tests/ufs/mksolufs.py" --endian little --no-large \
		--tree "$T/s11" "$T/s11.img"
	python3 "$FSIMG_SRCDIR/tests/part/mkvtoc.py" "$T/s11vtoc.img" \
		--root "$T/s11.img" >/dev/null
	xb "$T/out" "$T/s11vtoc.img"
	expect_boot "$T/result" "-B console=hvc0"
}

@test "xenboot: Boot Loader Specification entries; several initrds are concatenated" {
	rm -rf "$T/bls"
	mkdir -p "$T/bls/loader/entries"
	cp "$T/files/vmlinuz" "$T/bls/vmlinuz-6.5.6-300.fc39.x86_64"
	cp "$T/files/initrd" "$T/bls/initramfs-6.5.6-300.fc39.x86_64.img"
	cp "$T/files/initrd2" "$T/bls/microcode.img"
	cat >"$T/bls/loader/entries/fedora-6.5.6-300.fc39.x86_64.conf" <<-EOF
		title Fedora Linux 39
		version 6.5.6-300.fc39.x86_64
		linux /vmlinuz-6.5.6-300.fc39.x86_64
		initrd /microcode.img
		initrd /initramfs-6.5.6-300.fc39.x86_64.img
		options root=UUID=1234 ro rhgb
		options quiet
	EOF
	cat >"$T/bls/loader/entries/fedora-0-rescue.conf" <<-EOF
		title Fedora Linux 39 (rescue)
		version 0-rescue
		linux /vmlinuz-6.5.6-300.fc39.x86_64
		initrd /initramfs-6.5.6-300.fc39.x86_64.img
		options root=UUID=1234 ro single
	EOF
	mke2fs -q -F -t ext4 -d "$T/bls" "$T/bls.img" 16M
	cat "$T/files/initrd2" "$T/files/initrd" >"$T/both-initrds"
	xb "$T/out" "$T/bls.img"
	expect_boot "$T/result" "root=UUID=1234 ro rhgb quiet" \
		"$T/files/vmlinuz" "$T/both-initrds"
	# an entry by its id, the file name without .conf
	xb "$T/out" "$T/bls.img" --entry=fedora-0-rescue
	expect_boot "$T/result" "root=UUID=1234 ro single"
}

@test "xenboot: a RHEL-style disk: XFS /boot in GPT partition 2, grub2 with BLS entries" {
	command -v mkfs.xfs >/dev/null || skip "no mkfs.xfs (xfsprogs)"
	local id=5.14.0-362.8.1.el9_3.x86_64
	rm -rf "$T/rhel"
	mkdir -p "$T/rhel/loader/entries" "$T/rhel/grub2"
	cp "$T/files/vmlinuz" "$T/rhel/vmlinuz-$id"
	cp "$T/files/initrd" "$T/rhel/initramfs-$id.img"
	# what RHEL 9's grub2-mkconfig writes: the entries come from blscfg
	printf '%s\n' 'set default="${saved_entry}"' 'blscfg' \
		>"$T/rhel/grub2/grub.cfg"
	cat >"$T/rhel/loader/entries/0123456789abcdef-$id.conf" <<-EOF
		title Red Hat Enterprise Linux (${id}) 9.3 (Plow)
		version $id
		linux /vmlinuz-$id
		initrd /initramfs-$id.img \$tuned_initrd
		options root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M rd.lvm.lv=rhel/root
		grub_users \$grub_users
		grub_arg --unrestricted
		grub_class rhel
	EOF
	python3 "$FSIMG_SRCDIR/tests/xfs/mkproto.py" "$T/rhel" >"$T/rhel.proto"
	rm -f "$T/xfsboot.img"
	truncate -s 300M "$T/xfsboot.img"
	mkfs.xfs -q -p "$T/rhel.proto" "$T/xfsboot.img"
	gpt_disk "$T/rhel.img" "$T/xfsboot.img"
	xb "$T/out" "$T/rhel.img"
	expect_boot "$T/result" \
		"root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M rd.lvm.lv=rhel/root" \
		"$T/files/vmlinuz" "$T/files/initrd"
}

@test "xenboot: an openSUSE-style btrfs root in GPT partition 2: grub2 inside the default subvolume, a snapshot" {
	command -v mkfs.btrfs >/dev/null || skip "no mkfs.btrfs (btrfs-progs)"
	is_root || skip "needs root: the subvolumes are made through the kernel"
	grep -qw btrfs /proc/filesystems || modprobe btrfs 2>/dev/null ||
		skip "the kernel has no btrfs"
	local mnt id snap=@/.snapshots/1/snapshot
	rm -f "$T/suse.img"
	truncate -s 300M "$T/suse.img"
	mkfs.btrfs -q -f "$T/suse.img" >/dev/null
	mnt=$(mktemp -d)
	mount -o loop "$T/suse.img" "$mnt"
	btrfs -q subvolume create "$mnt/@"
	btrfs -q subvolume create "$mnt/@/.snapshots"
	mkdir "$mnt/@/.snapshots/1"
	btrfs -q subvolume create "$mnt/$snap"
	mkdir -p "$mnt/$snap/boot/grub2"
	cp "$T/files/vmlinuz" "$mnt/$snap/boot/vmlinuz-6.4.0-150600.23.25-default"
	cp "$T/files/initrd" "$mnt/$snap/boot/initrd-6.4.0-150600.23.25-default"
	cat >"$mnt/$snap/boot/grub2/grub.cfg" <<-'EOF'
		set btrfs_relative_path="yes"
		menuentry 'SLES 15-SP6' --class sles {
			insmod btrfs
			linux /boot/vmlinuz-6.4.0-150600.23.25-default root=UUID=0a1b ${extra_cmdline} splash=silent quiet
			initrd /boot/initrd-6.4.0-150600.23.25-default
		}
	EOF
	id=$(btrfs subvolume list "$mnt" | awk -v p="$snap" '$NF == p {print $2}')
	btrfs subvolume set-default "$id" "$mnt"
	umount "$mnt"
	rmdir "$mnt"
	gpt_disk "$T/suse-disk.img" "$T/suse.img"
	chmod 644 "$T/suse-disk.img"
	xb "$T/out" "$T/suse-disk.img"
	expect_boot "$T/result" "root=UUID=0a1b splash=silent quiet"
}

# mkuki OUT CMDLINE: a unified kernel image (a PE file) whose .linux and
# .initrd sections are the guest's kernel and initrd
mkuki() {
	python3 - "$1" "$2" "$T/files/vmlinuz" "$T/files/initrd" <<-'PY'
		import struct, sys
		out, cmdline, kernel, initrd = sys.argv[1:]
		secs = [(b".osrel", b'PRETTY_NAME="Test UKI Linux"\nID=test\nVERSION_ID=1\n'),
		        (b".cmdline", cmdline.encode() + b"\0"),
		        (b".linux", open(kernel, "rb").read()),
		        (b".initrd", open(initrd, "rb").read())]
		opt = bytearray(240)
		struct.pack_into("<H", opt, 0, 0x20B)  # PE32+
		lfanew = 64
		table = lfanew + 4 + 20 + len(opt)
		off = (table + 40 * len(secs) + 511) // 512 * 512
		hdr = bytearray(off)
		hdr[0:2] = b"MZ"
		struct.pack_into("<I", hdr, 0x3C, lfanew)
		hdr[lfanew:lfanew + 4] = b"PE\0\0"
		struct.pack_into("<HHIIIHH", hdr, lfanew + 4, 0x8664, len(secs),
		                 0, 0, 0, len(opt), 0x22)
		hdr[lfanew + 24:lfanew + 24 + len(opt)] = opt
		body = b""
		for i, (name, data) in enumerate(secs):
		    raw = (len(data) + 511) // 512 * 512
		    struct.pack_into("<8sIIIIIIHHI", hdr, table + 40 * i, name,
		                     len(data), 0x1000 * (i + 1), raw, off + len(body),
		                     0, 0, 0, 0, 0x40000040)
		    body += data + bytes(raw - len(data))
		open(out, "wb").write(bytes(hdr) + body)
	PY
}

@test "xenboot: a unified kernel image: .linux is the kernel, .initrd the ramdisk, .cmdline the arguments" {
	mkuki "$T/test.efi" "root=UUID=5678 ro console=hvc0"
	rm -f "$T/esp.img"
	mkfs.fat -C "$T/esp.img" 16384 >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$T/esp.img" ::/EFI ::/EFI/Linux
	MTOOLS_SKIP_CHECK=1 mcopy -i "$T/esp.img" "$T/test.efi" ::/EFI/Linux/test.efi
	xb "$T/out" "$T/esp.img"
	expect_boot "$T/result" "root=UUID=5678 ro console=hvc0"
	xb "$T/out" "$T/esp.img" -n
	grep -qx "kernel <kernel:/EFI/Linux/test.efi>" "$T/result"
}

@test "xenboot: --pvboot makes /boot/xen/pvboot-ARCH.elf the default" {
	local arch
	arch=$(uname -m)
	tree "$T/pv" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	mkdir -p "$T/pv/boot/xen"
	cp "$T/files/initrd2" "$T/pv/boot/xen/pvboot-$arch.elf"
	mke2fs -q -F -t ext4 -d "$T/pv" "$T/pv.img" 16M
	xb "$T/out" "$T/pv.img"
	expect_boot "$T/result" "$GRUB2_ARGS"
	xb "$T/out" "$T/pv.img" --pvboot
	expect_boot "$T/result" "" "$T/files/initrd2" -
}

# --- pygrub's output, byte for byte ------------------------------------------------

@test "xenboot: simple, simple0 and sxp output, byte for byte; --output; Python's repr() quoting" {
	need_pygrub
	plain_guest
	local extra=$'it\'s "quoted" \\ tab\there caf\u00e9 \u200b end' k r
	for fmt in simple simple0 sxp; do
		rm -rf "$T/out" && mkdir "$T/out"
		echo stale-and-longer-than-the-result-itself-xxxxxxxxxxxxxxxxxxxxxxxxxx \
			>"$T/res.$fmt"
		timeout 120 "$XB" -q --output-format=$fmt --output="$T/res.$fmt" \
			--output-directory="$T/out" "--args=$extra" "$T/plain.img" \
			>"$T/stdout"
		[ ! -s "$T/stdout" ]
		k=$(ls "$T"/out/boot_kernel.*)
		r=$(ls "$T"/out/boot_ramdisk.*)
		cmp "$k" "$T/files/vmlinuz"
		cmp "$r" "$T/files/initrd"
		python3 - "$fmt" "$k" "$r" "$GRUB2_ARGS $extra" >"$T/want.$fmt" <<-'PY'
			import sys
			fmt, k, r, a = sys.argv[1:]
			if fmt == "sxp":
			    s = "linux (kernel %r)(ramdisk %r)(args %r)" % (k, r, a)
			else:
			    sep = "\n" if fmt == "simple" else "\0"
			    s = sep.join(["kernel " + k, "ramdisk " + r, "args " + a, "", ""])
			sys.stdout.write(s)
		PY
		cmp "$T/res.$fmt" "$T/want.$fmt"
		# and pygrub's own output, but for the names of the files
		rm -rf "$T/pout" && mkdir "$T/pout"
		XEN_FSIMAGE_FSDIR=$STOCK timeout 120 python3 "$PYGRUB" -q \
			--output-format=$fmt --output-directory="$T/pout" \
			"--args=$extra" "$T/plain.img" >"$T/pres.$fmt" 2>/dev/null
		diff <(sed -E 's#/[^ '\'']*/boot_(kernel|ramdisk)\.[a-z0-9_]{8}#F#g' "$T/res.$fmt" | od -c) \
			<(sed -E 's#/[^ '\'']*/boot_(kernel|ramdisk)\.[a-z0-9_]{8}#F#g' "$T/pres.$fmt" | od -c)
	done
	# the default format is sxp, on standard output (--output=-)
	rm -rf "$T/out" && mkdir "$T/out"
	"$XB" -q --output=- --output-directory="$T/out" "$T/plain.img" >"$T/def"
	grep -q "^linux (kernel '$T/out/boot_kernel\.[a-z0-9_]\{8\}')(ramdisk '" "$T/def"
}

@test "xenboot: a newline in the arguments: sxp escapes it, the simple formats refuse it" {
	plain_guest
	run xb "$T/out" "$T/plain.img" $'--args=a\nb'
	[ "$status" -eq 1 ]
	grep -q "holds a newline, which the simple output formats cannot represent" "$T/stderr"
	[ -z "$(ls "$T/out")" ]
	run xb "$T/out" "$T/plain.img" --output-format=simple0 $'--args=a\nb'
	[ "$status" -eq 1 ]
	[ -z "$(ls "$T/out")" ]
	rm -rf "$T/out" && mkdir "$T/out"
	"$XB" -q --output-directory="$T/out" $'--args=a\nb' "$T/plain.img" >"$T/sxp"
	grep -qF "(args '$GRUB2_ARGS a\\nb')" "$T/sxp"
}

@test "xenboot: --not-really names the files of the disk and writes none" {
	gpt_guest
	xb "$T/out" "$T/gpt.img" -n
	printf 'kernel <kernel:%s>\nramdisk <ramdisk:%s>\nargs %s\n\n' \
		/boot/vmlinuz-6.1.0-28-amd64 /boot/initrd.img-6.1.0-28-amd64 \
		"$GRUB2_ARGS" | cmp - "$T/result"
	[ -z "$(ls "$T/out")" ]
	xb "$T/out" "$T/gpt.img" --not-really --entry=0 --output-format=simple0
	printf 'kernel <kernel:%s>\0ramdisk <ramdisk:%s>\0args %s\0\0' \
		/boot/vmlinuz /boot/initrd.img-6.1.0-28-amd64 "$RESCUE_ARGS" |
		cmp - "$T/result"
	run xb "$T/out" "$T/gpt.img" -n --kernel=/boot/none
	[ "$status" -eq 1 ]
}

@test "xenboot: -l lists the menu as pygrub does, and writes no file" {
	need_pygrub
	tree "$T/iso" boot/grub/grub.cfg <<<"$GRUB2_CFG"
	xorriso -as mkisofs -quiet -R -J -o "$T/cd.iso" "$T/iso"
	xb "$T/out" "$T/cd.iso" -l
	[ -z "$(ls "$T/out")" ]
	cat >"$T/want" <<-EOF
		title: Debian GNU/Linux, rescue
		  root: None
		  kernel: /boot/vmlinuz
		  args: $RESCUE_ARGS
		  initrd: /boot/initrd.img-6.1.0-28-amd64
		title: Debian GNU/Linux
		  root: None
		  kernel: /boot/vmlinuz-6.1.0-28-amd64
		  args: $GRUB2_ARGS
		  initrd: /boot/initrd.img-6.1.0-28-amd64
	EOF
	diff "$T/want" "$T/result"
	pygrub_stock "$T/pout" "$T/cd.iso" -l
	diff "$T/presult" "$T/result"
	# a partition is named by its spec
	gpt_guest
	xb "$T/out" "$T/gpt.img" --list-entries
	grep -qx "  root: 2" "$T/result"
	[ "$(grep -c '^title: ' "$T/result")" -eq 2 ]
}

@test "xenboot: --isconfig reads a configuration file as pygrub does" {
	need_pygrub
	echo "$GRUB2_CFG" >"$T/grub.cfg"
	mkdir -p "$T/pout"
	run "$XB" -q --isconfig "$T/grub.cfg"
	[ "$status" -eq 0 ]
	[ "$output" = "  kernel: /boot/vmlinuz-6.1.0-28-amd64
  initrd: /boot/initrd.img-6.1.0-28-amd64
  args: $GRUB2_ARGS" ]
	"$XB" -q --isconfig --entry=0 --args=x=1 "$T/grub.cfg" >"$T/ours"
	python3 "$PYGRUB" -q --isconfig --entry=0 --args=x=1 \
		--output-directory="$T/pout" "$T/grub.cfg" >"$T/theirs" 2>/dev/null
	diff "$T/theirs" "$T/ours"
	"$XB" -q --isconfig -l "$T/grub.cfg" >"$T/ours"
	python3 "$PYGRUB" -q --isconfig -l --output-directory="$T/pout" \
		"$T/grub.cfg" >"$T/theirs" 2>/dev/null
	diff "$T/theirs" "$T/ours"
	# hostile text is parsed in the confined child too; no entry: status 1
	head -c 100000 /dev/urandom >"$T/junk.cfg"
	run timeout 60 "$XB" -q --isconfig "$T/junk.cfg"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fsimg-xenboot: $T/junk.cfg: no bootable entry found"* ]]
}

# --- files ----------------------------------------------------------------------------

@test "xenboot: the files are 0600, whatever the umask, made with O_EXCL|O_NOFOLLOW, pygrub's names" {
	gpt_guest
	for mask in 000 022 077; do
		(umask $mask && xb "$T/out" "$T/gpt.img")
		expect_boot "$T/result" "$GRUB2_ARGS"
		[ "$(stat -c %a "$(field kernel "$T/result")")" = 600 ]
		[ "$(stat -c %a "$(field ramdisk "$T/result")")" = 600 ]
		[[ "$(field kernel "$T/result")" =~ ^$T/out/boot_kernel\.[a-z0-9_]{8}$ ]]
		[[ "$(field ramdisk "$T/result")" =~ ^$T/out/boot_ramdisk\.[a-z0-9_]{8}$ ]]
	done
	# the output directory by a relative path: the names are absolute
	rm -rf rel && mkdir rel
	"$XB" -q --output-format=simple --output-directory=./rel/../rel/ "$T/gpt.img" >"$T/result"
	grep -qx "kernel $PWD/rel/boot_kernel\.[a-z0-9_]\{8\}" "$T/result"
	traced -f -qq -e trace=openat -o "$T/open.trace" \
		"$XB" -q --output-directory="$T/out" "$T/gpt.img" >/dev/null
	grep -E 'boot_kernel\.[a-z0-9_]{8}", O_WRONLY\|O_CREAT\|O_EXCL\|O_NOCTTY\|O_NOFOLLOW\|O_CLOEXEC, 0600\) = [0-9]' "$T/open.trace"
	grep -E 'boot_ramdisk\.[a-z0-9_]{8}", O_WRONLY\|O_CREAT\|O_EXCL\|O_NOCTTY\|O_NOFOLLOW\|O_CLOEXEC, 0600\) = [0-9]' "$T/open.trace"
}

@test "xenboot: a symlink planted under the name it draws is not followed" {
	need_cmd strace
	gpt_guest
	rm -rf "$T/out" && mkdir "$T/out"
	echo precious >"$T/victim"
	# which getrandom() call draws the first name (the C library makes
	# its own before, with GRND_NONBLOCK)
	traced -qq -o "$T/rnd.trace" -e trace=getrandom \
		"$XB" -q --output-directory="$T/out" "$T/gpt.img" >/dev/null
	local n
	n=$(grep -n '^getrandom(.*, 8, 0) = 8' "$T/rnd.trace" | head -1 | cut -d: -f1)
	[ -n "$n" ]
	rm -rf "$T/out" && mkdir "$T/out"
	# that draw made all zeroes: the name is boot_kernel.aaaaaaaa
	ln -s "$T/victim" "$T/out/boot_kernel.aaaaaaaa"
	traced -f -qq -o /dev/null \
		-e inject=getrandom:poke_exit=@arg1=0000000000000000:when="$n" \
		"$XB" -q --output-format=simple --output-directory="$T/out" \
		"$T/gpt.img" >"$T/result" 2>"$T/stderr"
	[ "$(cat "$T/victim")" = precious ]
	[ -L "$T/out/boot_kernel.aaaaaaaa" ]
	[ "$(readlink "$T/out/boot_kernel.aaaaaaaa")" = "$T/victim" ]
	# it drew another name and went on
	expect_boot "$T/result" "$GRUB2_ARGS"
	[ "$(field kernel "$T/result")" != "$T/out/boot_kernel.aaaaaaaa" ]
	# every draw hits the symlink: it gives up, and removes nothing
	run traced -f -qq -o /dev/null \
		-e inject=getrandom:poke_exit=@arg1=0000000000000000:when="$n+" \
		"$XB" -q --output-directory="$T/out" "$T/gpt.img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"creating a file: File exists"* ]]
	[ "$(cat "$T/victim")" = precious ]
	[ -L "$T/out/boot_kernel.aaaaaaaa" ]
}

@test "xenboot: --output-limit refuses an oversized kernel or ramdisk and leaves no file" {
	gpt_guest
	run xb "$T/out" "$T/gpt.img" --output-limit=1000000
	[ "$status" -eq 1 ]
	grep -q "fsimg-xenboot: $T/gpt.img: kernel /boot/vmlinuz-6.1.0-28-amd64: 1500000 bytes, more than the output limit allows (--output-limit=1000000)" "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
	run xb "$T/out" "$T/gpt.img" --output-limit=2M
	[ "$status" -eq 1 ]
	grep -q "ramdisk /boot/initrd.img-6.1.0-28-amd64: 3000000 bytes, more than" "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
	# exactly the size of the largest: fine
	xb "$T/out" "$T/gpt.img" --output-limit=3000000
	expect_boot "$T/result" "$GRUB2_ARGS"
	run xb "$T/out" "$T/gpt.img" --output-limit=0
	[ "$status" -eq 1 ]
	run xb "$T/out" "$T/gpt.img" --output-limit=lots
	[ "$status" -eq 1 ]
}

# --- the command line and errors ----------------------------------------------------------

@test "xenboot: pygrub's command line: usage errors, -h, options after the disk, bootloader_args" {
	gpt_guest
	run "$XB"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Usage: fsimg-xenboot [-q|--quiet]"* ]]
	run "$XB" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"--output-format=sxp|simple|simple0"* ]]
	run "$XB" --output-format=xml "$T/gpt.img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown output format xml"* ]]
	run "$XB" --offset=abc "$T/gpt.img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"offset value must be an integer"* ]]
	run "$XB" --runas=nobody "$T/gpt.img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"runas value must be an integer user id"* ]]
	run "$XB" --no-such-option "$T/gpt.img"
	[ "$status" -eq 1 ]
	run "$XB" -q --output-directory=/nonexistent/dir "$T/gpt.img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent/dir is not an existing directory"* ]]
	run "$XB" -q --output-directory=. /nonexistent.img
	[ "$status" -eq 1 ]
	[ "$output" = "fsimg-xenboot: /nonexistent.img: No such file or directory" ]
	run "$XB" -q --output-directory=. "$T"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a regular file or block device"* ]]
	[ -z "$(ls -A .)" ]
	# getopt permutes; libxl puts bootloader_args before the disk
	mkdir o
	"$XB" --output-format=simple "$T/gpt.img" -q --output-directory=o >"$T/result"
	expect_boot "$T/result" "$GRUB2_ARGS"
	rm -rf o && mkdir o
	"$XB" -q --output-format=simple --output-directory=o --entry=0 stray "$T/gpt.img" >"$T/result"
	expect_boot "$T/result" "$RESCUE_ARGS"
	# pygrub's abbreviations of long options
	rm -rf o && mkdir o
	"$XB" -q --output-f=simple --output-d=o --ent=0 "$T/gpt.img" >"$T/result"
	expect_boot "$T/result" "$RESCUE_ARGS"
}

@test "xenboot: the default output directory is made 0700, as pygrub makes it" {
	need_root
	gpt_guest
	[ ! -e /var/run/xen/pygrub ] || skip "/var/run/xen/pygrub exists already"
	[ -e /var/run/xen ] || touch "$BATS_TEST_TMPDIR/made-xen-dir"
	touch "$BATS_TEST_TMPDIR/made-pygrub-dir"
	"$XB" -q --output-format=simple "$T/gpt.img" >"$T/result"
	local k
	k=$(field kernel "$T/result")
	[[ "$k" == /var/run/xen/pygrub/boot_kernel.* ]]
	[ "$(stat -c %a /var/run/xen/pygrub)" = 700 ]
	cmp "$k" "$T/files/vmlinuz"
}

@test "xenboot: without -q or --entry it says once that there is no menu" {
	gpt_guest
	rm -rf o && mkdir o
	"$XB" --output-format=simple --output-directory=o "$T/gpt.img" >"$T/result" 2>"$T/stderr"
	expect_boot "$T/result" "$GRUB2_ARGS"
	[ "$(cat "$T/stderr")" = "fsimg-xenboot: $T/gpt.img: no interactive menu: booting entry 1, 'Debian GNU/Linux'" ]
	rm -rf o && mkdir o
	"$XB" -i --output-directory=o "$T/gpt.img" >/dev/null 2>"$T/stderr"
	[ "$(grep -c "no interactive menu" "$T/stderr")" -eq 1 ]
	rm -rf o && mkdir o
	"$XB" -q --output-directory=o "$T/gpt.img" >/dev/null 2>"$T/stderr"
	[ ! -s "$T/stderr" ]
	rm -rf o && mkdir o
	"$XB" --entry=1 --output-directory=o "$T/gpt.img" >/dev/null 2>"$T/stderr"
	[ ! -s "$T/stderr" ]
}

@test "xenboot: --entry that names nothing boots the default, as pygrub, and says so" {
	gpt_guest
	xb "$T/out" "$T/gpt.img" --entry=7
	expect_boot "$T/result" "$GRUB2_ARGS"
	grep -q "no entry '7' in the boot menu: booting the default" "$T/stderr"
}

@test "xenboot: --offset reads only the filesystem starting there" {
	gpt_guest
	local off
	off=$(part_offset "$T/gpt.img" 2)
	xb "$T/out" "$T/gpt.img" --offset="$off"
	expect_boot "$T/result" "$GRUB2_ARGS"
	xb "$T/out" "$T/gpt.img" --offset="$off" --kernel=/boot/vmlinuz
	expect_boot "$T/result" "" "$T/files/vmlinuz" -
	run xb "$T/out" "$T/gpt.img" --offset=4096
	[ "$status" -eq 1 ]
	grep -q "no filesystem starts at byte 4096 (filesystems start at $off)" "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
	plain_guest
	xb "$T/out" "$T/plain.img" --offset=0
	expect_boot "$T/result" "$GRUB2_ARGS"
}

@test "xenboot: nothing bootable: status 1, the message, no file left" {
	rm -rf "$T/empty" && mkdir -p "$T/empty/etc"
	echo hello >"$T/empty/etc/motd"
	mke2fs -q -F -t ext4 -d "$T/empty" "$T/empty.img" 8M
	run xb "$T/out" "$T/empty.img"
	[ "$status" -eq 1 ]
	grep -q "^fsimg-xenboot: $T/empty.img: no bootable entry found (looked for .*GRUB.*pvboot" "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
	# -l exits 0 with an empty list, as pygrub does
	xb "$T/out" "$T/empty.img" -l
	[ ! -s "$T/result" ]
	# not an image at all
	head -c 1048576 /dev/zero >"$T/zero.img"
	run xb "$T/out" "$T/zero.img"
	[ "$status" -eq 1 ]
	grep -q "^fsimg-xenboot: $T/zero.img: " "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
}

@test "xenboot: hostile images end in status 1 and a message, never a signal or a hang" {
	local f n=0 rc
	python3 "$FSIMG_SRCDIR/tests/fat/mkcrafted.py" "$T/hostile" >/dev/null
	for f in "$FSIMG_SRCDIR"/tests/fuzz/findings/*/* "$T/hostile"/*; do
		[ -f "$f" ] || continue
		[ "$(basename "$f")" != README ] || continue
		n=$((n + 1))
		rc=0
		xb "$T/out" "$f" || rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "^fsimg-xenboot: $f: " "$T/stderr" ||
			[ -n "$(ls -A "$T/out")" ]; then
			echo "$f: status $rc" >&2
			cat "$T/stderr" >&2
			return 1
		fi
	done
	[ "$n" -ge 5 ]
}

# --- confinement --------------------------------------------------------------------------

# reads_confined IMAGE UID CMD...: runs CMD under strace -ff. The process
# that opened the image (the first) never reads it; every read of it is
# made by a process that set no_new_privs and its seccomp filter first
# and, unless UID is -, changed to UID first. At least one read is seen.
reads_confined() {
	local img uid=$2
	img=$(realpath "$1")
	shift 2
	rm -rf "$T/tr" && mkdir "$T/tr"
	traced -qq -ff -y -o "$T/tr/t" \
		-e trace=execve,read,pread64,readv,preadv,preadv2,seccomp,prctl,setresuid \
		"$@" >"$T/result" 2>"$T/stderr"
	python3 - "$T/tr" "$img" "$uid" <<-'PY'
		import os, re, sys
		d, img, uid = sys.argv[1:]
		reads, parents, children = 0, 0, 0
		for f in sorted(os.listdir(d)):
		    lines = open(os.path.join(d, f), errors="replace").read().splitlines()
		    parent = any(l.startswith("execve(") and "xenboot" in l for l in lines)
		    parents += parent
		    nnp = filt = changed = False
		    for line in lines:
		        ok = re.search(r"\) += 0\b", line) is not None
		        if line.startswith("prctl(PR_SET_NO_NEW_PRIVS, 1") and ok:
		            nnp = True
		        elif line.startswith("seccomp(SECCOMP_SET_MODE_FILTER") and ok:
		            filt = True
		        elif line.startswith("setresuid(%s, %s, %s)" % (uid, uid, uid)) and ok:
		            changed = True
		        elif re.match(r"(p?read(v|64)?|preadv2)\(\d+<" + re.escape(img) + ">", line):
		            reads += 1
		            if parent:
		                sys.exit("the parent read the image: " + line)
		            if not (nnp and filt and (changed or uid == "-")):
		                sys.exit("unconfined read in %s (nnp=%s seccomp=%s uid=%s): %s"
		                         % (f, nnp, filt, changed, line))
		if parents != 1:
		    sys.exit("%d processes ran fsimg-xenboot" % parents)
		if reads == 0:
		    sys.exit("no read of the image seen")
		print("%d reads, all confined" % reads)
	PY
}

@test "xenboot as root: the disk is read only by a child that left root for nobody, or for --runas" {
	need_root
	need_cmd strace
	gpt_guest
	rm -rf "$T/out" && mkdir "$T/out"
	reads_confined "$T/gpt.img" 65534 "$XB" -q --output-format=simple \
		--output-directory="$T/out" "$T/gpt.img"
	expect_boot "$T/result" "$GRUB2_ARGS"
	# the files belong to the caller, not to the reader
	[ "$(stat -c %u "$(field kernel "$T/result")")" = 0 ]
	rm -rf "$T/out" && mkdir "$T/out"
	reads_confined "$T/gpt.img" 4242 "$XB" -q --runas=4242 \
		--output-format=simple --output-directory="$T/out" "$T/gpt.img"
	expect_boot "$T/result" "$GRUB2_ARGS"
	# what the child says of itself
	rm -rf "$T/out" && mkdir "$T/out"
	"$XB" -q --debug --output-directory="$T/out" "$T/gpt.img" >/dev/null 2>"$T/stderr"
	grep -q "sandbox: uid 65534 (privileges left), no_new_privs, rlimits, .*seccomp" "$T/stderr"
	rm -rf "$T/out" && mkdir "$T/out"
	"$XB" -q --debug --runas=4242 --output-directory="$T/out" "$T/gpt.img" >/dev/null 2>"$T/stderr"
	grep -q "sandbox: uid 4242, no_new_privs, rlimits, .*seccomp" "$T/stderr"
}

@test "xenboot as an ordinary user and with only CAP_SYS_ADMIN: the same bytes, read by a confined child" {
	need_root
	need_cmd strace setpriv
	gpt_guest
	local u rc=0
	u=$(mktemp -d /tmp/fsimg-xenboot.XXXXXX)
	mkdir -p "$u/bin" "$u/out" "$u/out2"
	cp "$XB" "$u/bin/"
	cp -P "$FSIMG_BUILDDIR"/libfsimg.so "$FSIMG_BUILDDIR"/libfsimg.so.0 \
		"$FSIMG_BUILDDIR"/libfsimg.so.0.1.0 "$u/"
	cp "$T/gpt.img" "$u/"
	chmod -R a+rX "$u"
	chown 65534:65534 "$u/out" "$u/out2"
	chmod 700 "$u/out" "$u/out2"
	local user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	{
		reads_confined "$u/gpt.img" - "${user[@]}" "$u/bin/fsimg-xenboot" \
			-q --output-format=simple --output-directory="$u/out" "$u/gpt.img" &&
			expect_boot "$T/result" "$GRUB2_ARGS" &&
			[ "$(stat -c %u:%a "$(field kernel "$T/result")")" = 65534:600 ] &&
			reads_confined "$u/gpt.img" - "${user[@]}" --inh-caps=+sys_admin \
				--ambient-caps=+sys_admin "$u/bin/fsimg-xenboot" -q --debug \
				--output-format=simple --output-directory="$u/out2" "$u/gpt.img" &&
			expect_boot "$T/result" "$GRUB2_ARGS" &&
			grep -q "sandbox: uid 65534 (privileges left)" "$T/stderr"
	} || rc=1
	rm -rf "$u"
	[ "$rc" -eq 0 ]
}

@test "xenboot: SIGTERM (what libxl sends on domain death) ends the reader and removes the files" {
	need_cmd strace
	gpt_guest
	rm -rf "$T/out" && mkdir "$T/out"
	# every read of the child made slow: it is still reading when killed
	# (strace itself in the background: its child is the parent)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -f -qq -o /dev/null -e trace=pread64 \
		-e inject=pread64:delay_enter=1000000 \
		"$XB" -q --output-directory="$T/out" --kernel=/boot/vmlinuz \
		"$T/gpt.img" >/dev/null 2>"$T/stderr" &
	local spid=$! pid="" kid="" i rc=0
	for i in $(seq 300); do
		pid=$(pgrep -P "$spid" -x fsimg-xenboot | head -1) || true
		[ -z "$pid" ] || kid=$(pgrep -P "$pid" | head -1) || true
		[ -z "$kid" ] || break
		sleep 0.1
	done
	[ -n "$kid" ]
	[ "$(ls "$T/out" | wc -l)" -eq 2 ]
	kill -TERM "$pid"
	wait "$spid" || rc=$?
	[ "$rc" -eq 1 ]
	grep -q "fsimg-xenboot: $T/gpt.img: interrupted by signal 15" "$T/stderr"
	[ -z "$(ls -A "$T/out")" ]
	run kill -0 "$kid"
	[ "$status" -ne 0 ]
}
