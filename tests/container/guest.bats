#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A guest disk as hosts store it: an MBR disk with /boot on partition 1
# and the root filesystem on logical partition 5, converted by qemu-img to
# qcow2 (compressed), VMDK (streamOptimized), VHD and VHDX. Through each,
# fsimg lists the partitions the raw disk has, extracts files byte-exact,
# finds the boot entries, and fsimg-xenboot fetches the kernel: the same
# commands and specs as for the raw disk.

load ../bats/helpers

MiB=1048576

setup_file() {
	command -v qemu-img >/dev/null || skip "needs qemu-img"
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/boot/grub" "$T/root/etc" "$T/root/usr/lib"
	head -c 300000 /dev/urandom >"$T/boot/vmlinuz-6.1.0-guest"
	head -c 900000 /dev/urandom >"$T/boot/initrd.img-6.1.0-guest"
	cat >"$T/boot/grub/grub.cfg" <<-'CFG'
		set default=0
		menuentry 'Guest Linux' --id guest {
			linux /vmlinuz-6.1.0-guest root=/dev/vda5 ro quiet
			initrd /initrd.img-6.1.0-guest
		}
	CFG
	echo guest >"$T/root/etc/hostname"
	# compressible and incompressible data, and a hole
	yes "a line of text that compresses well" | head -c 3000000 \
		>"$T/root/usr/lib/text"
	head -c 2000000 /dev/urandom >"$T/root/usr/lib/random"
	truncate -s 5M "$T/root/usr/lib/sparse"
	echo tail >>"$T/root/usr/lib/sparse"
	mke2fs -q -t ext4 -L BOOT -d "$T/boot" "$T/boot.img" 8M
	mke2fs -q -t ext4 -L ROOT -d "$T/root" "$T/root.img" 24M
	truncate -s 64M "$T/disk.raw"
	sfdisk -q "$T/disk.raw" <<-EOF2
		label: dos
		start=2048, size=16384, type=83, bootable
		start=20480, type=5
		start=22528, size=49152, type=83
	EOF2
	dd if="$T/boot.img" of="$T/disk.raw" bs=512 seek=2048 conv=notrunc \
		status=none
	dd if="$T/root.img" of="$T/disk.raw" bs=512 seek=22528 conv=notrunc \
		status=none
	local q=(qemu-img convert -f raw)
	"${q[@]}" -c -O qcow2 -o compression_type=zstd "$T/disk.raw" \
		"$T/disk.qcow2"
	"${q[@]}" -O vmdk -o subformat=streamOptimized "$T/disk.raw" \
		"$T/disk.vmdk"
	"${q[@]}" -O vpc -o force_size=on "$T/disk.raw" "$T/disk.vhd"
	"${q[@]}" -O vhdx "$T/disk.raw" "$T/disk.vhdx"
	fsimg info --json "$T/disk.raw" |
		jq -c '[.partitions[] | {spec, start, size, parttype, fstype, "label": .label}]' \
			>"$T/parts.raw"
}

# the listing of the partitions fsimg info gives an image
parts() {
	fsimg info --json "$1" |
		jq -c '[.partitions[] | {spec, start, size, parttype, fstype, "label": .label}]'
}

@test "the raw disk: two filesystems, /boot on 1 and the root on 5" {
	jq -e 'length == 3 and .[0].label == "BOOT" and .[2].spec == "5" and
		.[2].label == "ROOT"' "$T/parts.raw"
}

@test "info names each container and lists the raw disk's partitions" {
	for f in qcow2:qcow2 vmdk:vmdk vhd:vpc vhdx:vhdx; do
		run -0 fsimg info --json "$T/disk.${f%%:*}"
		jq -e --arg f "${f#*:}" '.container.format == $f' <<<"$output"
		jq -e '.size == 67108864' <<<"$output"
		[ "$(parts "$T/disk.${f%%:*}")" = "$(cat "$T/parts.raw")" ] || {
			echo "${f%%:*}: $(parts "$T/disk.${f%%:*}")"
			return 1
		}
	done
	run -0 fsimg info "$T/disk.qcow2"
	[[ "$output" == *"container:"*"format: qcow2"* ]]
	run -0 fsimg info --json "$T/disk.raw"
	jq -e '.container == null' <<<"$output"
}

@test "files extract byte-exact from partitions 1 and 5 of each container" {
	for f in qcow2 vmdk vhd vhdx; do
		rm -rf "$T/out"
		fsimg get -p 5 "$T/disk.$f" /usr/lib "$T/out"
		cmp "$T/out/text" "$T/root/usr/lib/text"
		cmp "$T/out/random" "$T/root/usr/lib/random"
		cmp "$T/out/sparse" "$T/root/usr/lib/sparse"
		fsimg cat -p label=BOOT "$T/disk.$f" /initrd.img-6.1.0-guest \
			>"$T/initrd"
		cmp "$T/initrd" "$T/boot/initrd.img-6.1.0-guest"
	done
}

@test "boot entries of a guest inside a qcow2, and its files fetched" {
	run -0 fsimg boot --json "$T/disk.qcow2"
	jq -e '.entries[0].title == "Guest Linux" and
		(.entries[0].args | test("root=/dev/vda5"))' <<<"$output"
	mkdir -p "$T/bootout"
	run -0 fsimg boot --get="$T/bootout" "$T/disk.qcow2"
	cmp "$T/bootout/kernel" "$T/boot/vmlinuz-6.1.0-guest"
	cmp "$T/bootout/initrd" "$T/boot/initrd.img-6.1.0-guest"
	grep -q root=/dev/vda5 "$T/bootout/cmdline"
}

@test "fsimg-xenboot fetches the kernel of a guest stored as VHDX" {
	local xb=${FSIMG%/*}/fsimg-xenboot
	[ -x "$xb" ] || skip "fsimg-xenboot not built"
	mkdir -p "$T/xen"
	run -0 timeout -k 5 120 "$xb" -q --output-format=simple \
		--output-directory="$T/xen" "$T/disk.vhdx"
	kernel=$(sed -n 's/^kernel //p' <<<"$output")
	ramdisk=$(sed -n 's/^ramdisk //p' <<<"$output")
	cmp "$kernel" "$T/boot/vmlinuz-6.1.0-guest"
	cmp "$ramdisk" "$T/boot/initrd.img-6.1.0-guest"
	[[ "$(sed -n 's/^args //p' <<<"$output")" == *root=/dev/vda5* ]]
}

@test "container= forces a reading: raw shows the container file itself" {
	# no filesystem in the container file itself: an error, with the facts
	run --separate-stderr fsimg info --json -o container=raw \
		"$T/disk.qcow2"
	[ "$status" -ne 0 ]
	jq -e '.container == null and (.partitions | length) == 0' \
		<<<"$output"
	run fsimg info -o container=vhdx "$T/disk.qcow2"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not a vhdx image"* ]]
}
