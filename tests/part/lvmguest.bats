#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# An LVM2 guest disk through the fsimg CLI: a /boot partition and a PV
# holding the root LV (two segments, the swap LV between them), made by
# mklvmguest.sh with LVM's own tools. Its logical volumes are listed under
# the PV, named VG/LV, lv=VG/LV or lvN, found by auto, read like
# partitions (every file equal to the tree the root filesystem was made
# from), also from inside a qcow2 and a VMDK, and the boot scan sees them.
# The image is made as root on loop devices: without them these tests skip.

load ../bats/helpers

setup_file() {
	export T=$BATS_FILE_TMPDIR
	export G=$T/g
	mkdir -p "$G"
	rc=0
	"$FSIMG_SRCDIR/tests/part/mklvmguest.sh" "$G" 2>"$T/mk.err" || rc=$?
	if [ $rc = 77 ]; then
		cp "$T/mk.err" "$T/skip"
	elif [ $rc != 0 ]; then
		cat "$T/mk.err" >&2
		return 1
	fi
}

guest() {
	[ ! -e "$T/skip" ] || skip "$(cat "$T/skip")"
}

@test "lvm guest: info lists the LVs under their PV, named VG/LV" {
	guest
	run -0 "$FSIMG" info "$G/disk.img"
	echo "$output"
	# the PV partition, then its LVs one level deeper, in metadata order
	grep -A2 '^  2  *gpt ' <<<"$output" >"$T/under"
	sed -n 2p "$T/under" | grep -q '^    guestvg/root lvm2 start 0 size 25165824 type linear .*: ext4$'
	sed -n 3p "$T/under" | grep -q '^    guestvg/swap lvm2 start 0 size 4194304 type linear'
	run -0 "$FSIMG" info --json "$G/disk.img"
	jq -e '.pttype == "gpt" and (.partitions | length) == 4' <<<"$output"
	jq -e '.partitions[2] | .spec == "guestvg/root" and .pttype == "lvm2"
		and .depth == 1 and .fstype == "ext4" and .volume == 1
		and .size == 25165824' <<<"$output"
	jq -e '.partitions[3] | .spec == "guestvg/swap" and .volume == 2
		and .fstype == null' <<<"$output"
	jq -e '[.partitions[0,1] | .volume] == [null, null]' <<<"$output"
	# both filesystems, the /boot partition's and the root LV's
	jq -e '[.filesystems[] | .partition] == ["1", "guestvg/root"]' <<<"$output"
}

@test "lvm guest: the root LV reads like a partition, every file equal" {
	guest
	rm -rf "$T/out"
	run -0 "$FSIMG" get -p guestvg/root "$G/disk.img" / "$T/out"
	rmdir "$T/out/lost+found"
	diff -r --no-dereference "$G/src" "$T/out"
	run -0 "$FSIMG" cat -p guestvg/root "$G/disk.img" /usr/bin/hello
	[ "$output" = "$(cat "$G/src/usr/bin/hello")" ]
	run -0 "$FSIMG" ls -l -p guestvg/root "$G/disk.img" /etc/hello-link
	[[ $output == *"-> ../usr/bin/hello"* ]]
}

@test "lvm guest: VG/LV, lv=VG/LV and lvN name the same volume" {
	guest
	run -0 "$FSIMG" ls -R -p guestvg/root "$G/disk.img" /
	local want=$output
	run -0 "$FSIMG" ls -R -p lv=guestvg/root "$G/disk.img" /
	[ "$output" = "$want" ]
	run -0 "$FSIMG" ls -R -p lv1 "$G/disk.img" /
	[ "$output" = "$want" ]
	# the ls of the root filesystem made as a file
	run -0 "$FSIMG" ls -R "$G/root.img" /
	[ "$output" = "$want" ]
}

@test "lvm guest: auto finds the root LV beside the /boot partition" {
	guest
	run -0 "$FSIMG" cat "$G/disk.img" /etc/os-release
	[[ $output == *'PRETTY_NAME="fsimg LVM guest"'* ]]
	run -0 "$FSIMG" ls "$G/disk.img" /boot
	[ -z "$output" ]
}

@test "lvm guest: a swap LV, an unknown LV and a bad spec each say what is wrong" {
	guest
	run -2 "$FSIMG" ls -p guestvg/swap "$G/disk.img" /
	[[ $output == *"a swap filesystem is at byte 0 of logical volume guestvg/swap: libfsimg has no driver for swap"* ]]
	run -2 "$FSIMG" ls -p guestvg/home "$G/disk.img" /
	[[ $output == *"no partition matches 'guestvg/home'"*"guestvg/root (linear, 24 MiB, ext4)"* ]]
	run -2 "$FSIMG" ls -p lv3 "$G/disk.img" /
	[[ $output == *"no partition matches 'lv3'"* ]]
	run -2 "$FSIMG" ls -p guestvg "$G/disk.img" /
	[[ $output == *"partition spec 'guestvg' not understood"*"VG/LV"* ]]
}

@test "lvm guest: the boot scan reads the /boot partition and gets the kernel" {
	guest
	run -0 "$FSIMG" boot "$G/disk.img"
	echo "$output"
	[[ $output == *"Guest on LVM"* ]]
	[[ $output == *"root=/dev/mapper/guestvg-root ro quiet"* ]]
	mkdir -p "$T/bootget"
	run -0 "$FSIMG" boot --get="$T/bootget" "$G/disk.img"
	cmp "$G/boot/vmlinuz-6.1.0-lvm" "$T/bootget/kernel"
	cmp "$G/boot/initrd.img-6.1.0-lvm" "$T/bootget/initrd"
	# the root LV alone holds no configuration, and says so
	run -3 "$FSIMG" boot -p guestvg/root "$G/disk.img"
	[[ $output == *"no boot entry found"* ]]
}

@test "lvm guest: inside a compressed qcow2 and a streamOptimized VMDK too" {
	guest
	command -v qemu-img >/dev/null || skip "needs qemu-img"
	qemu-img convert -c -f raw -O qcow2 "$G/disk.img" "$T/g.qcow2"
	qemu-img convert -f raw -O vmdk -o subformat=streamOptimized \
		"$G/disk.img" "$T/g.vmdk"
	for img in "$T/g.qcow2" "$T/g.vmdk"; do
		rm -rf "$T/out"
		run -0 "$FSIMG" info "$img"
		[[ $output == *"guestvg/root lvm2 start 0 size 25165824 type linear"*": ext4"* ]]
		run -0 "$FSIMG" get -p guestvg/root "$img" / "$T/out"
		rmdir "$T/out/lost+found"
		diff -r --no-dereference "$G/src" "$T/out"
	done
}

@test "lvm guest: fsimg-xenboot boots it, and --kernel finds a file in the root LV" {
	guest
	local xb=$FSIMG_BUILDDIR/cli/fsimg-xenboot
	rm -rf "$T/xb" && mkdir -p "$T/xb"
	run -0 "$xb" -q --output-format=simple --output-directory="$T/xb" \
		"$G/disk.img"
	[[ $output == *"args root=/dev/mapper/guestvg-root ro quiet"* ]]
	cmp "$G/boot/vmlinuz-6.1.0-lvm" "$(sed -n 's/^kernel //p' <<<"$output")"
	cmp "$G/boot/initrd.img-6.1.0-lvm" "$(sed -n 's/^ramdisk //p' <<<"$output")"
	# a path only the root LV holds: pygrub's --kernel, searched in
	# every filesystem in order, logical volumes included
	rm -rf "$T/xb" && mkdir -p "$T/xb"
	run -0 "$xb" -q --output-format=simple --output-directory="$T/xb" \
		--kernel=/usr/bin/hello "$G/disk.img"
	cmp "$G/src/usr/bin/hello" "$(sed -n 's/^kernel //p' <<<"$output")"
}
