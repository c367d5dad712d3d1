#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what fsimg needs on Debian 12 (as root), quiet when everything
# is already there:
#   scripts/deps.sh          building, installing and the demo
#                            (scripts/quickstart.sh)
#   scripts/deps.sh --test   also what the test suite needs
#                            (scripts/test.sh)
set -euo pipefail
pkgs=(
	# build, and fuse3 (fusermount3) for the demo's mount
	gcc meson ninja-build pkg-config
	libblkid-dev libfuse3-dev libmount-dev libext2fs-dev zlib1g-dev
	libseccomp-dev libzstd-dev liblzo2-dev fuse3
	# USDT probes (<sys/sdt.h>) for bpftrace and fsimg-snoop
	systemtap-sdt-dev
)
[ "${1:-}" = --test ] && pkgs+=(
	# fuzzing (libFuzzer comes with clang's runtime)
	clang libclang-rt-14-dev
	# tests: image makers, reference readers, runners
	bats jq python3 python3-jsonschema xorriso makefs libarchive-tools xz-utils gzip unzip xxd
	dosfstools mtools attr gdisk strace
	# UDF: mkudffs and udfinfo, genisoimage's -udf bridge discs, 7-Zip as
	# a second reader
	udftools genisoimage 7zip
	# fsimg-snoop attaches to a mount's probes
	bpftrace
	# XFS and btrfs: mkfs.xfs, xfs_db and mkfs.btrfs write the test images
	# (the kernel reads them back); setfacl writes ACLs through the mount
	xfsprogs btrfs-progs acl
	# the zsh and fish completions are run by their shells
	zsh fish
	fuse3 util-linux mount fdisk e2fsprogs bzip2
	# real ISOs shipped in Debian, compared with bsdtar
	grub-rescue-pc ipxe memtest86+
	# the libxenfsimage plugin: its library, and pygrub to test it with
	xen-utils-4.17
	# boot menus: a real grub-mkconfig (its scripts only: nothing is
	# installed as a boot loader), virt-install to fetch a tree
	grub-common virtinst
	# a real unified kernel image: systemd's EFI stub, objcopy
	systemd-boot-efi binutils
	# containers: qemu-img makes the qcow2, VMDK, VHD and VHDX images;
	# lvm2 the volume groups
	qemu-utils lvm2 time
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "fsimg: missing packages: ${missing[*]} (run this as root to install them)" >&2
	exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
