#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fsimg boot: listing what an image boots (text and JSON), fetching an
# entry with --get, the installer trees (.treeinfo, Debian, casper),
# FreeBSD's loader, the Xen PV bootloader convention, the order in which
# filesystems are visited, and hostile configurations. Images are built
# here with the real tools; the kernels are random bytes, different for
# every run, so a fetched file matches only if it is the right one.

load ../bats/helpers

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/files"
	head -c 700000 /dev/urandom >"$T/files/vmlinuz"
	head -c 300000 /dev/urandom >"$T/files/initrd"
	head -c 100000 /dev/urandom >"$T/files/initrd2"
}

# ext4 image OUT from DIR, with UUID
mkext() {
	mke2fs -q -F -t ext4 -U "${3:-$(cat /proc/sys/kernel/random/uuid)}" \
		-d "$1" "$2" 16M
}

# grub_tree DIR: a /boot with kernel, initrd and a grub.cfg (stdin)
grub_tree() {
	rm -rf "$1"
	mkdir -p "$1/boot/grub"
	cp "$T/files/vmlinuz" "$1/boot/vmlinuz-6.1.0-28-amd64"
	cp "$T/files/initrd" "$1/boot/initrd.img-6.1.0-28-amd64"
	ln -s vmlinuz-6.1.0-28-amd64 "$1/boot/vmlinuz"
	cat >"$1/boot/grub/grub.cfg"
}

SIMPLE_CFG='set default=1
menuentry "rescue" {
	linux /boot/vmlinuz single
}
menuentry "Debian GNU/Linux" --id debian {
	linux /boot/vmlinuz root=/dev/xvda1 ro quiet
	initrd /boot/initrd.img-6.1.0-28-amd64
}'

@test "boot lists entries, marks the default, and --get writes that entry's files" {
	grub_tree "$T/g" <<<"$SIMPLE_CFG"
	mkext "$T/g" "$T/g.img"
	run fsimg boot "$T/g.img"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = " 0   rescue" ]
	[[ $output == *"*1   Debian GNU/Linux"* ]]
	[[ $output == *"      from    grub2, /boot/grub/grub.cfg line 5"* ]]
	[[ $output == *"      kernel  /boot/vmlinuz"* ]]
	[[ $output == *"      args    root=/dev/xvda1 ro quiet"* ]]
	mkdir "$T/out"
	fsimg boot --get="$T/out" "$T/g.img"
	cmp "$T/out/kernel" "$T/files/vmlinuz"
	cmp "$T/out/initrd" "$T/files/initrd"
	[ "$(cat "$T/out/cmdline")" = "root=/dev/xvda1 ro quiet" ]
	[ "$(stat -c %a "$T/out/kernel")" = 600 ]
	# nothing is replaced without -f, and -f replaces
	run fsimg boot --get="$T/out" --entry=0 "$T/g.img"
	[ "$status" -ne 0 ]
	[[ $output == *"kernel"*"exists"* ]]
	fsimg boot -f --get="$T/out" --entry=rescue "$T/g.img"
	cmp "$T/out/kernel" "$T/files/vmlinuz"
	[ "$(cat "$T/out/cmdline")" = single ]
	rm -rf "$T/out"
}

@test "boot --get --output-limit: a file too large is refused, and nothing is written" {
	grub_tree "$T/g" <<<"$SIMPLE_CFG"
	mkext "$T/g" "$T/g.img"
	mkdir "$T/lim"
	# the initrd (300000 bytes) fits, the kernel (700000) does not
	run fsimg boot --output-limit=500K --get="$T/lim" "$T/g.img"
	[ "$status" -eq 4 ]
	[[ $output == *"kernel: 700000 bytes, more than --output-limit (512000): nothing written"* ]]
	[ -z "$(ls "$T/lim")" ]
	fsimg boot --output-limit=1M --get="$T/lim" "$T/g.img"
	cmp "$T/lim/kernel" "$T/files/vmlinuz"
	run fsimg boot --output-limit=lots --get="$T/lim" "$T/g.img"
	[ "$status" -eq 1 ]
	[[ $output == *"--output-limit: 'lots' is not a size"* ]]
	rm -rf "$T/lim"
}

@test "boot --json: typed fields, null where absent" {
	grub_tree "$T/g" <<<"$SIMPLE_CFG"
	mkext "$T/g" "$T/g.img"
	run fsimg boot --json "$T/g.img"
	[ "$status" -eq 0 ]
	[ "$(jq .default <<<"$output")" = 1 ]
	[ "$(jq -r '.entries[1].id' <<<"$output")" = debian ]
	[ "$(jq '.entries[0].id' <<<"$output")" = null ]
	[ "$(jq '.entries[1].kernel.partition' <<<"$output")" = null ]
	[ "$(jq -r '.entries[1].initrds[0].path' <<<"$output")" = /boot/initrd.img-6.1.0-28-amd64 ]
	[ "$(jq '.entries[1].config.line' <<<"$output")" = 5 ]
	[ "$(jq -r '.entries[1].source' <<<"$output")" = grub2 ]
	[ "$(jq '.entries | length' <<<"$output")" = 2 ]
}

@test "boot --entry names an entry by number, id or title; a wrong one is an error" {
	grub_tree "$T/g" <<<"$SIMPLE_CFG"
	mkext "$T/g" "$T/g.img"
	for e in 1 debian "Debian GNU/Linux"; do
		rm -rf "$T/o" && mkdir "$T/o"
		fsimg boot --entry="$e" --get="$T/o" "$T/g.img"
		cmp "$T/o/initrd" "$T/files/initrd"
	done
	run fsimg boot --entry=7 --get="$T/o" "$T/g.img"
	[ "$status" -eq 3 ]
	[[ $output == *"no boot entry '7'"* ]]
	run fsimg boot --entry=1 "$T/g.img"
	[ "$status" -eq 1 ]
	run fsimg boot "$T/g.img" 0
	[ "$status" -eq 1 ]
	[[ $output == *"fsimg eltorito"* ]]
}

@test "boot visits the MBR partition with the boot flag first, and -p reads one" {
	grub_tree "$T/a" <<<'menuentry "first partition" {
	linux /boot/vmlinuz a
}'
	grub_tree "$T/b" <<<'menuentry "active partition" {
	linux /boot/vmlinuz b
}'
	mkext "$T/a" "$T/a.img"
	mkext "$T/b" "$T/b.img"
	truncate -s 40M "$T/mbr.img"
	sfdisk -q "$T/mbr.img" <<-EOF
		start=2048, size=32768, type=83
		start=36864, size=32768, type=83, bootable
	EOF
	dd if="$T/a.img" of="$T/mbr.img" bs=512 seek=2048 conv=notrunc status=none
	dd if="$T/b.img" of="$T/mbr.img" bs=512 seek=36864 conv=notrunc status=none
	run fsimg boot "$T/mbr.img"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "*0   active partition" ]
	[[ $output == *"      kernel  2:/boot/vmlinuz"* ]]
	[[ $output == *" 1   first partition"* ]]
	run fsimg boot -p 1 "$T/mbr.img"
	[ "${lines[0]}" = "*0   first partition" ]
	[ "$(grep -c '^[ *][0-9]' <<<"$output")" -eq 1 ]
}

@test "installer trees: .treeinfo, Debian's install.amd, Ubuntu's casper" {
	local d=$T/iso
	rm -rf "$d"
	mkdir -p "$d/images/pxeboot" "$d/install.amd/gtk" "$d/install.amd/xen" \
		"$d/casper" "$d/.disk"
	cp "$T/files/vmlinuz" "$d/images/pxeboot/vmlinuz"
	cp "$T/files/initrd" "$d/images/pxeboot/initrd.img"
	printf '[general]\nfamily = Rocky Linux\nversion = 9.5\narch = x86_64\n[images-xen]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n' >"$d/.treeinfo"
	for f in install.amd/vmlinuz install.amd/xen/vmlinuz casper/vmlinuz; do
		cp "$T/files/vmlinuz" "$d/$f"
	done
	for f in install.amd/initrd.gz install.amd/gtk/initrd.gz install.amd/xen/initrd.gz casper/initrd; do
		cp "$T/files/initrd2" "$d/$f"
	done
	echo 'Debian GNU/Linux 12.8.0 "Bookworm" - Official amd64 NETINST' >"$d/.disk/info"
	xorriso -as mkisofs -quiet -R -J -o "$T/tree.iso" "$d" 2>/dev/null
	run fsimg boot --json "$T/tree.iso"
	[ "$status" -eq 0 ]
	# the tree's own arch is the default, [images-xen] is offered too
	[ "$(jq -r '.entries[.default].id' <<<"$output")" = images-x86_64 ]
	[ "$(jq -r '.entries[.default].title' <<<"$output")" = "Rocky Linux 9.5 (x86_64)" ]
	[ "$(jq -r '[.entries[].id] | join(" ")' <<<"$output")" = \
		"images-xen images-x86_64 install.amd install.amd-gtk install.amd-xen casper" ]
	[ "$(jq -r '.entries[3].initrds[0].path' <<<"$output")" = /install.amd/gtk/initrd.gz ]
	[ "$(jq -r '.entries[2].title' <<<"$output")" = \
		'Debian GNU/Linux 12.8.0 "Bookworm" - Official amd64 NETINST (text installer)' ]
	[ "$(jq -r '.entries[5].args' <<<"$output")" = boot=casper ]
	mkdir "$T/xen"
	fsimg boot --entry=install.amd-xen --get="$T/xen" "$T/tree.iso"
	cmp "$T/xen/kernel" "$T/files/vmlinuz"
	cmp "$T/xen/initrd" "$T/files/initrd2"
	rm -rf "$T/xen"
}

@test "an ISO's own grub.cfg comes first; the tree does not list its kernel again" {
	local d=$T/deb
	rm -rf "$d"
	mkdir -p "$d/install.amd" "$d/boot/grub"
	cp "$T/files/vmlinuz" "$d/install.amd/vmlinuz"
	cp "$T/files/initrd" "$d/install.amd/initrd.gz"
	printf 'menuentry "Install" {\n\tlinux /install.amd/vmlinuz vga=788 --- quiet\n\tinitrd /install.amd/initrd.gz\n}\n' >"$d/boot/grub/grub.cfg"
	xorriso -as mkisofs -quiet -R -J -o "$T/deb.iso" "$d" 2>/dev/null
	run fsimg boot --json "$T/deb.iso"
	[ "$(jq '.entries | length' <<<"$output")" = 1 ]
	[ "$(jq -r '.entries[0].source' <<<"$output")" = grub2 ]
	[ "$(jq -r '.entries[0].args' <<<"$output")" = "vga=788 --- quiet" ]
}

@test "an ISO whose only grub.cfg is in its El Torito EFI image (boot=N)" {
	local d=$T/et
	rm -rf "$d"
	mkdir -p "$d/tree/.disk" "$d/efi/EFI/BOOT"
	cp "$T/files/vmlinuz" "$d/tree/vmlinuz"
	cp "$T/files/initrd" "$d/tree/initrd.gz"
	echo id >"$d/tree/.disk/marker-1234"
	printf 'search --no-floppy --set=root --file /.disk/marker-1234\nmenuentry "Install (EFI)" {\n linux ($root)/vmlinuz quiet\n initrd /initrd.gz\n}\n' \
		>"$d/efi/EFI/BOOT/grub.cfg"
	mkfs.fat -C "$d/tree/efi.img" 2880 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$d/tree/efi.img" "$d/efi/EFI" ::/
	xorriso -as mkisofs -quiet -R -J -e efi.img -no-emul-boot \
		-o "$T/efi.iso" "$d/tree" 2>/dev/null
	run fsimg boot --json "$T/efi.iso"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.entries[0].config | "\(.partition):\(.path)"' <<<"$output")" = "boot=0:/EFI/BOOT/grub.cfg" ]
	[ "$(jq '.entries[0].kernel.partition' <<<"$output")" = null ]
	mkdir "$T/eo"
	fsimg boot --get="$T/eo" "$T/efi.iso"
	cmp "$T/eo/kernel" "$T/files/vmlinuz"
	cmp "$T/eo/initrd" "$T/files/initrd"
	[ "$(cat "$T/eo/cmdline")" = quiet ]
	rm -rf "$T/eo"
}

@test "boot --get of a unified kernel image: its .linux, its .initrd, the .cmdline arguments" {
	local stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
	[[ -r $stub ]] || skip "needs $stub (systemd-boot-efi)"
	command -v objcopy >/dev/null || skip "needs objcopy (binutils)"
	rm -rf "$T/uki"
	mkdir -p "$T/uki/EFI/Linux"
	printf 'root=/dev/xvda2 ro\nquiet\n\0' >"$T/cmdline"
	objcopy --add-section .cmdline="$T/cmdline" --change-section-vma .cmdline=0x30000 \
		--add-section .linux="$T/files/vmlinuz" --change-section-vma .linux=0x2000000 \
		--add-section .initrd="$T/files/initrd" --change-section-vma .initrd=0x3000000 \
		"$stub" "$T/uki/EFI/Linux/linux.efi"
	mkfs.fat -C "$T/uki.img" 8192 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$T/uki.img" "$T/uki/EFI" ::/
	mkdir "$T/uo"
	fsimg boot --get="$T/uo" "$T/uki.img"
	cmp "$T/uo/kernel" "$T/files/vmlinuz"
	cmp "$T/uo/initrd" "$T/files/initrd"
	[ "$(cat "$T/uo/cmdline")" = "root=/dev/xvda2 ro quiet" ]
	rm -rf "$T/uo"
}

@test "FreeBSD on UFS2: /boot/kernel/kernel and loader.conf, kernel.old after it" {
	local d=$T/fb
	rm -rf "$d"
	mkdir -p "$d/boot/kernel" "$d/boot/kernel.old" "$d/boot/GENERIC-DEBUG"
	cp "$T/files/vmlinuz" "$d/boot/GENERIC-DEBUG/kernel"
	cp "$T/files/initrd" "$d/boot/kernel/kernel"
	cp "$T/files/initrd2" "$d/boot/kernel.old/kernel"
	printf '# loader.conf\nkernel="GENERIC-DEBUG"\nkernel_options="-v"\nvfs.root.mountfrom="ufs:/dev/ada0p2" # root\nzfs_load="YES"\n' >"$d/boot/loader.conf"
	makefs -t ffs -s 16m -o version=2 -B le "$T/fb.img" "$d" >/dev/null
	truncate -s 20M "$T/fbdisk.img"
	sfdisk -q "$T/fbdisk.img" <<<"start=2048, size=32768, type=a5"
	dd if="$T/fb.img" of="$T/fbdisk.img" bs=512 seek=2048 conv=notrunc status=none
	run fsimg boot --json "$T/fbdisk.img"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.entries[].id] | join(" ")' <<<"$output")" = "GENERIC-DEBUG kernel kernel.old" ]
	[ "$(jq -r '.entries[0].kind' <<<"$output")" = freebsd ]
	[ "$(jq -r '.entries[0].config.path' <<<"$output")" = /boot/loader.conf ]
	[ "$(jq '.entries[0].config.line' <<<"$output")" = 2 ]
	[ "$(jq -r '.entries[0].args' <<<"$output")" = "-v vfs.root.mountfrom=ufs:/dev/ada0p2" ]
	[ "$(jq -r '.entries[0].kernel.partition' <<<"$output")" = 1 ]
	mkdir "$T/fo"
	fsimg boot --get="$T/fo" "$T/fbdisk.img"
	cmp "$T/fo/kernel" "$T/files/vmlinuz"
	[ ! -e "$T/fo/initrd" ]
	rm -rf "$T/fo"
}

@test "the Xen PV bootloader is offered, and is the default with --pvboot" {
	grub_tree "$T/pv" <<<"$SIMPLE_CFG"
	mkdir -p "$T/pv/boot/xen"
	cp "$T/files/initrd2" "$T/pv/boot/xen/pvboot-$(uname -m).elf"
	mkext "$T/pv" "$T/pv.img"
	run fsimg boot --json "$T/pv.img"
	[ "$(jq -r '.entries[.default].source' <<<"$output")" = grub2 ]
	[ "$(jq -r '.entries[2].kernel.path' <<<"$output")" = "/boot/xen/pvboot-$(uname -m).elf" ]
	[ "$(jq -r '.entries[2].kind' <<<"$output")" = pvboot ]
	run fsimg boot --pvboot --json "$T/pv.img"
	[ "$(jq -r '.entries[.default].kind' <<<"$output")" = pvboot ]
	mkdir "$T/po"
	fsimg boot --pvboot --get="$T/po" "$T/pv.img"
	cmp "$T/po/kernel" "$T/files/initrd2"
	[ "$(cat "$T/po/cmdline")" = "" ]
	rm -rf "$T/po"
}

@test "hostile: a 1 GiB grub.cfg, a kernel that is a directory, a symlink loop" {
	rm -rf "$T/h"
	mkdir -p "$T/h/boot/grub"
	truncate -s 1G "$T/h/boot/grub/grub.cfg"
	mke2fs -q -F -t ext4 -d "$T/h" "$T/h.img" 64M
	run timeout 60 "$FSIMG" boot "$T/h.img"
	[ "$status" -eq 3 ]
	[[ $output == *"/boot/grub/grub.cfg: 1073741824 bytes, more than a boot configuration may hold"* ]]
	[[ $output == *"no boot entry found"* ]]
	rm -rf "$T/h"
	mkdir -p "$T/h/boot/grub"
	printf 'menuentry "dir" {\n linux /boot\n}\nmenuentry "loop" {\n linux /loop1\n}\n' >"$T/h/boot/grub/grub.cfg"
	ln -s loop2 "$T/h/loop1"
	ln -s loop1 "$T/h/loop2"
	mke2fs -q -F -t ext4 -d "$T/h" "$T/h.img" 16M
	run timeout 60 "$FSIMG" boot "$T/h.img"
	[ "$status" -eq 0 ]
	[[ $output == *"*0   dir"* ]]
	mkdir -p "$T/ho"
	run timeout 60 "$FSIMG" boot --get="$T/ho" "$T/h.img"
	[ "$status" -eq 3 ]
	[[ $output == *"/boot: Is a directory"* ]]
	run timeout 60 "$FSIMG" boot --entry=loop --get="$T/ho" "$T/h.img"
	[ "$status" -eq 3 ]
	[[ $output == *"/loop1: Too many levels of symbolic links"* ]]
	[ -z "$(ls "$T/ho")" ]
	rm -rf "$T/ho"
}

@test "an image with nothing bootable says so (exit 3)" {
	mkdir -p "$T/empty/etc"
	echo x >"$T/empty/etc/x"
	mkext "$T/empty" "$T/empty.img"
	run fsimg boot "$T/empty.img"
	[ "$status" -eq 3 ]
	[[ $output == *"empty.img: no boot entry found"* ]]
	run fsimg boot --json "$T/empty.img"
	[ "$status" -eq 3 ]
	[ "$(jq .default <<<"$output")" = null ]
}

@test "boot runs as an ordinary user and with only CAP_SYS_ADMIN" {
	local u
	u=$(mktemp -d /tmp/fsimg-boot.XXXXXX)
	grub_tree "$T/g" <<<"$SIMPLE_CFG"
	mkext "$T/g" "$u/g.img"
	mkdir "$u/o1" "$u/o2"
	chmod -R a+rX "$u"
	chmod 777 "$u/o1" "$u/o2"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$FSIMG" boot --get="$u/o1" "$u/g.img" || rc=$?
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+sys_admin --ambient-caps=+sys_admin \
		"$FSIMG" boot --get="$u/o2" "$u/g.img" || rc=$?
	cmp "$u/o1/kernel" "$T/files/vmlinuz" || rc=1
	cmp "$u/o2/initrd" "$T/files/initrd" || rc=1
	[ "$(stat -c %u "$u/o1/kernel")" = 65534 ] || rc=1
	rm -rf "$u"
	[ "$rc" -eq 0 ]
}
