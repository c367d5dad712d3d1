#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What virt-install does with an installer ISO, as an ordinary user: mount
# it, read .treeinfo, copy the kernel and initrd it names, unmount.

load helpers

setup() {
	common_setup
	local tree=$T/tree
	mkdir -p "$tree/images/pxeboot" "$tree/isolinux" "$tree/EFI/BOOT"
	cat >"$tree/.treeinfo" <<-'EOF'
		[header]
		type = productmd.treeinfo
		version = 1.2

		[release]
		name = Fedora
		short = Fedora
		version = 40

		[general]
		arch = x86_64
		family = Fedora
		name = Fedora 40
		platforms = x86_64,xen
		version = 40

		[images-x86_64]
		efiboot.img = images/efiboot.img
		initrd = images/pxeboot/initrd.img
		kernel = images/pxeboot/vmlinuz

		[images-xen]
		initrd = images/pxeboot/initrd.img
		kernel = images/pxeboot/vmlinuz

		[tree]
		arch = x86_64
		build_timestamp = 1713139200
		platforms = x86_64,xen
		variants = Everything
	EOF
	head -c $((13 * 1024 * 1024 + 123)) /dev/urandom >"$tree/images/pxeboot/vmlinuz"
	head -c $((97 * 1024 * 1024 + 4567)) /dev/urandom >"$tree/images/pxeboot/initrd.img"
	head -c $((2 * 1024 * 1024)) /dev/urandom >"$tree/images/efiboot.img"
	echo "default linux" >"$tree/isolinux/isolinux.cfg"
	head -c 4096 /dev/urandom >"$tree/EFI/BOOT/BOOTX64.EFI"
	make_iso "$tree" "$T/Fedora-Everything-netinst-x86_64-40.iso" \
		-V Fedora-E-dvd-x86_64-40
	chmod 644 "$T/Fedora-Everything-netinst-x86_64-40.iso"
	mkdir "$T/work"
	chown $USER_ID:$USER_ID "$T/work"
}

teardown() {
	common_teardown
}

@test "virt-install flow: user mounts the installer ISO, copies kernel+initrd byte-exact, unmounts" {
	local iso=$T/Fedora-Everything-netinst-x86_64-40.iso
	run as_user bash -euo pipefail -c '
		iso=$1 work=$2 fsimg=$3
		mnt=$(mktemp -d "$work/mnt.XXXXXX")
		"$fsimg" mount "$iso" "$mnt"
		ti=$mnt/.treeinfo
		kernel=$(awk -F" = " "/^\[images-x86_64\]/{s=1;next} /^\[/{s=0} s&&\$1==\"kernel\"{print \$2}" "$ti")
		initrd=$(awk -F" = " "/^\[images-x86_64\]/{s=1;next} /^\[/{s=0} s&&\$1==\"initrd\"{print \$2}" "$ti")
		cp "$mnt/$kernel" "$work/vmlinuz"
		cp "$mnt/$initrd" "$work/initrd.img"
		"$fsimg" umount "$mnt"
		rmdir "$mnt"
		echo "copied $kernel $initrd"
	' - "$iso" "$T/work" "$FSIMG"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"copied images/pxeboot/vmlinuz images/pxeboot/initrd.img"* ]]
	cmp "$T/tree/images/pxeboot/vmlinuz" "$T/work/vmlinuz"
	cmp "$T/tree/images/pxeboot/initrd.img" "$T/work/initrd.img"
	[ -z "$(findmnt -rn -o TARGET | grep "^$T/")" ]
	wait_no_daemon "$iso" 10
}

# virt-install itself (its own tree detection and fetching code), on the
# user's FUSE mount; the test driver needs no hypervisor. virt-install
# deletes what it fetched when it exits, so it runs with os.unlink
# disabled to leave the files for comparison.
@test "virt-install --location on an ISO mounted by an ordinary user fetches the tree's kernel and initrd" {
	command -v virt-install >/dev/null || skip "virt-install (virtinst) is not installed"
	local iso=$T/Fedora-Everything-netinst-x86_64-40.iso
	run as_user bash -euo pipefail -c '
		iso=$1 work=$2 fsimg=$3
		export HOME=$work
		mnt=$(mktemp -d "$work/mnt.XXXXXX")
		"$fsimg" mount "$iso" "$mnt"
		rc=0
		timeout 120 /usr/bin/python3 -c "
import os, runpy, sys
os.unlink = lambda *a, **k: None
os.remove = lambda *a, **k: None
sys.argv = [\"virt-install\"] + sys.argv[1:]
runpy.run_path(\"/usr/bin/virt-install\", run_name=\"__main__\")
" --connect test:///default --name t --memory 512 --disk none \
			--location "$mnt" --osinfo detect=on,require=off \
			--print-xml >"$work/domain.xml" || rc=$?
		"$fsimg" umount "$mnt"
		rmdir "$mnt"
		exit $rc
	' - "$iso" "$T/work" "$FSIMG"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "fedoraproject.org/fedora" "$T/work/domain.xml"
	kernel=$(sed -n 's|.*<kernel>\(.*\)</kernel>.*|\1|p' "$T/work/domain.xml")
	initrd=$(sed -n 's|.*<initrd>\(.*\)</initrd>.*|\1|p' "$T/work/domain.xml")
	cmp "$kernel" "$T/tree/images/pxeboot/vmlinuz"
	cmp "$initrd" "$T/tree/images/pxeboot/initrd.img"
	# fsimg boot reads the same tree without mounting anything
	mkdir "$T/work/boot"
	"$FSIMG" boot --get="$T/work/boot" "$iso"
	cmp "$T/work/boot/kernel" "$kernel"
	cmp "$T/work/boot/initrd" "$initrd"
	wait_no_daemon "$iso" 10
}
