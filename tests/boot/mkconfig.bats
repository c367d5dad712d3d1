#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A grub.cfg written by Debian's own grub-mkconfig (grub-common's
# /etc/grub.d scripts, unchanged) for a guest whose /boot is GPT partition
# 2 and whose root is partition 3, read by fsimg boot and by Xen's pygrub.
#
# grub-mkconfig asks grub-probe about the devices of / and /boot, which
# cannot see through a disk image: in a private mount namespace a tmpfs
# holding the guest's /boot is mounted on /boot and a stand-in answers
# grub-probe's questions as an installed guest's would (its /boot on
# hd0,gpt2, / on hd0,gpt3). Run as root (tests/mount/run.sh).

load ../bats/helpers

BOOT_UUID=0b5f6a34-1d2e-4c3b-9a8f-7e6d5c4b3a21
ROOT_UUID=5c0ffee0-aaaa-4bbb-8ccc-0123456789ab

setup_file() {
	export T=$BATS_FILE_TMPDIR
	command -v grub-mkconfig >/dev/null || return 0
	mkdir -p "$T/boot/grub" "$T/root/etc" "$T/default"
	for v in 6.1.0-27 6.1.0-28; do
		head -c 800000 /dev/urandom >"$T/boot/vmlinuz-$v-amd64"
		head -c 400000 /dev/urandom >"$T/boot/initrd.img-$v-amd64"
		echo "CONFIG_X=y" >"$T/boot/config-$v-amd64"
	done
	cp -a /etc/default/. "$T/default/"
	cat >"$T/default/grub" <<-'EOF'
		GRUB_DEFAULT=0
		GRUB_TIMEOUT=5
		GRUB_DISTRIBUTOR=Debian
		GRUB_CMDLINE_LINUX_DEFAULT="quiet"
		GRUB_CMDLINE_LINUX="console=hvc0"
		GRUB_DISABLE_OS_PROBER=true
	EOF
	cat >"$T/grub-probe" <<-EOF
		#!/bin/sh
		# grub-probe as the guest would answer: /boot is hd0,gpt2, / hd0,gpt3
		t= dev=/
		for a in "\$@"; do
			case \$a in
			--target=*) t=\${a#--target=} ;;
			-*) ;;
			*) dev=\$a ;;
			esac
		done
		case \$dev in /boot* | /dev/xvda2) n=2 u=$BOOT_UUID ;; *) n=3 u=$ROOT_UUID ;; esac
		case \$t in
		device) echo /dev/xvda\$n ;;
		fs) echo ext2 ;;
		fs_uuid) echo \$u ;;
		fs_label | abstraction | cryptodisk_uuid) ;;
		partmap) echo gpt ;;
		drive) echo "(hd0,gpt\$n)" ;;
		compatibility_hint | bios_hints | efi_hints | baremetal_hints) echo hd0,gpt\$n ;;
		hints_string) echo "--hint-bios=hd0,gpt\$n --hint-efi=hd0,gpt\$n --hint-baremetal=ahci0,gpt\$n" ;;
		gpt_parttype) echo 0fc63daf-8483-4772-8e79-3d69c727e4e4 ;;
		*) echo "grub-probe stand-in: --target=\$t" >&2; exit 1 ;;
		esac
	EOF
	chmod +x "$T/grub-probe"
	unshare --mount --propagation private -- sh -ec '
		mount -t tmpfs guest-boot /boot
		cp -a "$1/boot/." /boot/
		mount --bind "$1/grub-probe" /usr/sbin/grub-probe
		mount --bind "$1/default" /etc/default
		grub-mkconfig -o /boot/grub/grub.cfg 2>"$1/mkconfig.log"
		cp /boot/grub/grub.cfg "$1/boot/grub/grub.cfg"
	' - "$T"
	echo "UUID=$ROOT_UUID / ext4 defaults 0 1" >"$T/root/etc/fstab"
	mke2fs -q -F -t ext4 -U "$BOOT_UUID" -d "$T/boot" "$T/boot.img" 24M
	mke2fs -q -F -t ext4 -U "$ROOT_UUID" -d "$T/root" "$T/root.img" 8M
	truncate -s 40M "$T/disk.img"
	sfdisk -q "$T/disk.img" <<-EOF
		label: gpt
		start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649
		start=4096, size=49152, type=0FC63DAF-8483-4772-8E79-3D69C727E4E4
		start=53248, size=16384, type=0FC63DAF-8483-4772-8E79-3D69C727E4E4
	EOF
	dd if="$T/boot.img" of="$T/disk.img" bs=512 seek=4096 conv=notrunc status=none
	dd if="$T/root.img" of="$T/disk.img" bs=512 seek=53248 conv=notrunc status=none
}

setup() {
	command -v grub-mkconfig >/dev/null || skip "no grub-mkconfig (grub-common)"
	[ -s "$T/boot/grub/grub.cfg" ] || {
		cat "$T/mkconfig.log" >&2
		false
	}
}

@test "grub-mkconfig's grub.cfg: entries, submenu, /boot on partition 2 found by UUID" {
	run fsimg boot --json "$T/disk.img"
	[ "$status" -eq 0 ]
	j=$output
	[ "$(jq '.entries | length' <<<"$j")" = 5 ]
	[ "$(jq .default <<<"$j")" = 0 ]
	[ "$(jq -r '.entries[0].title' <<<"$j")" = "Debian GNU/Linux" ]
	[ "$(jq -r '.entries[0].id' <<<"$j")" = "gnulinux-simple-$ROOT_UUID" ]
	[ "$(jq -r '.entries[0].kernel | "\(.partition):\(.path)"' <<<"$j")" = "2:/vmlinuz-6.1.0-28-amd64" ]
	[ "$(jq -r '.entries[0].initrds[0] | "\(.partition):\(.path)"' <<<"$j")" = "2:/initrd.img-6.1.0-28-amd64" ]
	[ "$(jq -r '.entries[0].args' <<<"$j")" = "root=/dev/xvda3 ro console=hvc0 quiet" ]
	[ "$(jq -r '.entries[0].config | "\(.partition):\(.path)"' <<<"$j")" = "2:/grub/grub.cfg" ]
	[ "$(jq -r '.entries[1].title' <<<"$j")" = "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-28-amd64" ]
	[ "$(jq -r '.entries[2].args' <<<"$j")" = "root=/dev/xvda3 ro single console=hvc0" ]
	[ "$(jq -r '.entries[3].kernel.path' <<<"$j")" = /vmlinuz-6.1.0-27-amd64 ]
	[ "$(jq -r '.entries[4].title' <<<"$j")" = "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64 (recovery mode)" ]
}

@test "grub-mkconfig's grub.cfg: next_entry and saved_entry in grubenv choose the default" {
	cp "$T/boot.img" "$T/boot2.img"
	cp "$T/disk.img" "$T/disk2.img"
	grub-editenv "$T/grubenv" set "next_entry=gnulinux-advanced-$ROOT_UUID>gnulinux-6.1.0-27-amd64-advanced-$ROOT_UUID"
	debugfs -w -R "write $T/grubenv /grub/grubenv" "$T/boot2.img" >/dev/null 2>&1
	dd if="$T/boot2.img" of="$T/disk2.img" bs=512 seek=4096 conv=notrunc status=none
	run fsimg boot --json "$T/disk2.img"
	[ "$status" -eq 0 ]
	[ "$(jq .default <<<"$output")" = 3 ]
	mkdir -p "$T/o"
	fsimg boot --get="$T/o" "$T/disk2.img"
	cmp "$T/o/kernel" "$T/boot/vmlinuz-6.1.0-27-amd64"
	cmp "$T/o/initrd" "$T/boot/initrd.img-6.1.0-27-amd64"
	rm -rf "$T/o"
}

@test "grub-mkconfig's grub.cfg: the same kernel, ramdisk and arguments as pygrub" {
	PYGRUB=$(ls /usr/lib/xen-*/bin/pygrub 2>/dev/null | sort -V | tail -1)
	STOCK=$(ls -d /usr/lib/xen-*/lib/*/xenfsimage 2>/dev/null | sort -V | tail -1)
	[ -n "$PYGRUB" ] && [ -n "$STOCK" ] || skip "no pygrub (xen-utils)"
	mkdir -p "$T/py" "$T/fs"
	XEN_FSIMAGE_FSDIR=$STOCK timeout -k 5 120 /usr/bin/python3 "$PYGRUB" -q \
		--output-format=simple --output-directory="$T/py" "$T/disk.img" >"$T/py.out"
	fsimg boot --get="$T/fs" "$T/disk.img"
	cmp "$(sed -n 's/^kernel //p' "$T/py.out")" "$T/fs/kernel"
	cmp "$(sed -n 's/^ramdisk //p' "$T/py.out")" "$T/fs/initrd"
	[ "$(sed -n 's/^args //p' "$T/py.out")" = "$(cat "$T/fs/cmdline")" ]
	rm -rf "$T/py" "$T/fs"
}
