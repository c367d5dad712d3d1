#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot Loader Specification entries and unified kernel images
# (lib/boot/bls.c), read from images built at test time with the real
# tools: mke2fs -d (ext4), mkfs.fat + mcopy (the ESP), sfdisk (a GPT disk
# with an ESP and an XBOOTLDR partition), objcopy and systemd's EFI stub
# (a real UKI) and a small Python writer of PE files (hostile UKIs).
# Each test compares bootdump's whole output with the menu it must print.

load ../bats/helpers

MID=6a9857a393724b7a981ebb5b8495b9ea

setup() {
	common_setup
	: "${FSIMG_BUILDDIR:?FSIMG_BUILDDIR must name the build tree}"
	BOOTDUMP=$FSIMG_BUILDDIR/tests/boot/bootdump
	[[ -x $BOOTDUMP ]] || skip "no $BOOTDUMP (not built)"
}

# bootdump ARGS...: the menu on stdout, the log on stderr, bounded in time.
bootdump() {
	timeout -k 5 60 "$BOOTDUMP" "$@"
}

# same EXPECTED GOT [WHAT]: the texts are equal (trailing blanks aside).
same() {
	local want got
	want=$(printf '%s\n' "$1" | sed 's/[[:blank:]]*$//')
	got=$(printf '%s\n' "$2" | sed 's/[[:blank:]]*$//')
	if [[ $want != "$got" ]]; then
		echo "${3:-output} differs (- expected, + got):" >&2
		diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
		return 1
	fi
}

# mkext4 OUT DIR [SIZE]: an ext4 filesystem holding DIR.
mkext4() {
	need_cmd mke2fs
	mke2fs -q -F -t ext4 -d "$2" "$1" "${3:-16M}" >/dev/null 2>"$1.log" || {
		cat "$1.log" >&2
		return 1
	}
}

# mkesp OUT DIR [KIB]: a FAT filesystem holding DIR.
mkesp() {
	need_cmd mkfs.fat mcopy
	rm -f "$1"
	mkfs.fat -C "$1" "${3:-8192}" >/dev/null
	mcopy -s -i "$1" "$2"/* ::/
}

# mkgpt OUT ESP XBOOTLDR: a GPT disk, partition 1 the ESP (8 MiB at
# 1 MiB), partition 2 the XBOOTLDR partition (16 MiB at 9 MiB).
mkgpt() {
	need_cmd sfdisk
	truncate -s 32M "$1"
	sfdisk -q "$1" >/dev/null <<-EOF
		label: gpt
		start=2048, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
		start=18432, size=32768, type=BC13C2FF-59E6-4262-A352-B275FD6F7172
	EOF
	dd if="$2" of="$1" bs=512 seek=2048 conv=notrunc status=none
	dd if="$3" of="$1" bs=512 seek=18432 conv=notrunc status=none
}

# fedora_entries DIR: the /loader/entries of a Fedora /boot, as
# kernel-install writes them: two kernels and the rescue entry.
fedora_entries() {
	local d=$1/loader/entries v
	mkdir -p "$d"
	for v in 6.9.12-200.fc40.x86_64 6.10.2-100.fc40.x86_64; do
		cat >"$d/$MID-$v.conf" <<-EOF
			title Fedora Linux ($v) 40 (Workstation Edition)
			version $v
			linux /vmlinuz-$v
			initrd /initramfs-$v.img
			initrd /microcode-$v.img
			options root=UUID=0f3a1c2e-1111-2222-3333-444455556666 ro
			options rootflags=subvol=root rhgb quiet
			grub_users \$grub_users
			grub_arg --unrestricted
			grub_class fedora
		EOF
		: >"$1/vmlinuz-$v"
	done
	cat >"$d/$MID-0-rescue-0123456789abcdef0123456789abcdef.conf" <<-EOF
		# rescue
		title Fedora Linux (0-rescue-0123456789abcdef0123456789abcdef) 40 (Workstation Edition)
		version 0-rescue-0123456789abcdef0123456789abcdef
		linux /vmlinuz-0-rescue-0123456789abcdef0123456789abcdef
		initrd /initramfs-0-rescue-0123456789abcdef0123456789abcdef.img
		options root=UUID=0f3a1c2e-1111-2222-3333-444455556666 ro
		grub_users \$grub_users
		grub_arg --unrestricted
		grub_class fedora
	EOF
}

# fedora_menu PART DEFAULT: what bootdump prints for fedora_entries on
# partition PART ("" for the whole image) with entry DEFAULT the default.
fedora_menu() {
	local p=$1 d=$2 i=0 v star
	for v in 6.10.2-100.fc40.x86_64 6.9.12-200.fc40.x86_64; do
		star=
		((i == d)) && star='*'
		cat <<-EOF
			entry $i$star bls linux
			  title Fedora Linux ($v) 40 (Workstation Edition)
			  id $MID-$v
			  config $p:/loader/entries/$MID-$v.conf:1
			  kernel $p:/vmlinuz-$v
			  initrd $p:/initramfs-$v.img
			  initrd $p:/microcode-$v.img
			  args root=UUID=0f3a1c2e-1111-2222-3333-444455556666 ro rootflags=subvol=root rhgb quiet
		EOF
		i=$((i + 1))
	done
	v=0-rescue-0123456789abcdef0123456789abcdef
	star=
	((d == 2)) && star='*'
	cat <<-EOF
		entry 2$star bls linux
		  title Fedora Linux ($v) 40 (Workstation Edition)
		  id $MID-$v
		  config $p:/loader/entries/$MID-$v.conf:2
		  kernel $p:/vmlinuz-$v
		  initrd $p:/initramfs-$v.img
		  args root=UUID=0f3a1c2e-1111-2222-3333-444455556666 ro
		default $d
	EOF
}

# mkpe OUT [--count N] [--past NAME] [--short] NAME=FILE...: a PE image
# (PE32+, x86-64) with a section per NAME=FILE, padded with ".pad"
# sections to N; --past points section NAME beyond the end of the file,
# --short cuts the file inside its section table.
mkpe() {
	need_cmd python3
	python3 - "$@" <<-'EOF'
		import struct, sys
		out, args = sys.argv[1], sys.argv[2:]
		count, past, short, secs = 0, None, False, []
		while args:
		    a = args.pop(0)
		    if a == "--count":
		        count = int(args.pop(0))
		    elif a == "--past":
		        past = args.pop(0)
		    elif a == "--short":
		        short = True
		    else:
		        name, path = a.split("=", 1)
		        secs.append((name, open(path, "rb").read()))
		while len(secs) < count:
		    secs.append((".pad", b"\0" * 16))
		opt = 0xF0
		table = 0x80 + 24 + opt
		data = (table + 40 * len(secs) + 0x1FF) & ~0x1FF
		img = bytearray(data)
		img[0:2] = b"MZ"
		struct.pack_into("<I", img, 0x3C, 0x80)
		img[0x80:0x84] = b"PE\0\0"
		struct.pack_into("<HHIIIHH", img, 0x84, 0x8664, len(secs), 0, 0, 0,
		                 opt, 0x22)
		struct.pack_into("<H", img, 0x98, 0x20B)
		rows = []
		for i, (name, blob) in enumerate(secs):
		    raw = (len(blob) + 0x1FF) & ~0x1FF
		    rows.append((name, len(blob), 0x10000 * (i + 1), raw, len(img)))
		    img += blob + b"\0" * (raw - len(blob))
		for i, (name, vsize, va, raw, ptr) in enumerate(rows):
		    if name == past:
		        ptr = len(img) + 0x1000
		    struct.pack_into("<8sIIII", img, table + 40 * i,
		                     name.encode(), vsize, va, raw, ptr)
		if short:
		    img = img[:table + 20]
		open(out, "wb").write(img)
	EOF
}

@test "Fedora entries: newest kernel first, rescue last, options joined, two initrds" {
	fedora_entries root
	mkext4 boot.img root
	run --separate-stderr bootdump boot.img
	expect_status 0
	same "$(fedora_menu "" 0)" "$output" menu
	same "" "$stderr" log
}

@test "ESP and XBOOTLDR: entries on XBOOTLDR, loader.conf default glob on the ESP" {
	fedora_entries xbootldr
	mkdir -p esp/loader esp/EFI/BOOT
	printf 'timeout 3\n# a comment\ndefault %s-6.9*\nconsole-mode max\n' \
		"$MID" >esp/loader/loader.conf
	mkesp esp.img esp
	mkext4 xbootldr.img xbootldr
	mkgpt disk.img esp.img xbootldr.img
	run --separate-stderr bootdump disk.img
	expect_status 0
	same "$(fedora_menu 2 1)" "$output" menu
	same "" "$stderr" log
	# partition 2 alone: the scan does not see the ESP and its loader.conf
	run --separate-stderr bootdump disk.img 2
	expect_status 0
	same "$(fedora_menu 2 0)" "$output" "menu of partition 2"
}

@test "loader.conf default: id with or without .conf, globs, case, @saved" {
	mkdir -p root/loader/entries
	for n in arch arch-lts arch-fallback; do
		printf 'title %s\nlinux /vmlinuz-%s\n' "$n" "$n" \
			>"root/loader/entries/$n.conf"
	done
	# file names in decreasing version order: arch-lts, arch-fallback, arch;
	# of several matches, the first in that order
	local pattern want
	for pattern in arch-fallback arch-fallback.conf 'arch-f*' '*fallback*' \
		'ARCH-FALL?ACK.CONF' 'arch-[e-g]allback' arch 'arch*' @saved 'no*such' ''; do
		case $pattern in
		arch-* | *fallback* | ARCH-*) want=1 ;;
		arch) want=2 ;;
		*) want=0 ;;
		esac
		if [[ -n $pattern ]]; then
			printf 'default %s\n' "$pattern" >root/loader/loader.conf
		else
			rm -f root/loader/loader.conf
		fi
		rm -f boot.img
		mkext4 boot.img root
		run --separate-stderr bootdump boot.img
		expect_status 0
		contains "$output" "default $want" "menu for 'default $pattern'"
		[[ $(grep -c '^entry [0-9]\*' <<<"$output") -eq 1 ]]
		contains "$output" "entry $want*" "menu for 'default $pattern'"
	done
	same 'entry 0* bls linux
  title arch-lts
  id arch-lts
  config :/loader/entries/arch-lts.conf:1
  kernel :/vmlinuz-arch-lts
  args
entry 1 bls linux
  title arch-fallback
  id arch-fallback
  config :/loader/entries/arch-fallback.conf:1
  kernel :/vmlinuz-arch-fallback
  args
entry 2 bls linux
  title arch
  id arch
  config :/loader/entries/arch.conf:1
  kernel :/vmlinuz-arch
  args
default 0' "$output"
}

@test "sort-key, machine-id, version; entries without sort-key; bad entries last" {
	local d=root/loader/entries
	mkdir -p "$d"
	entry() { # FILE KEY MACHINE-ID VERSION
		{
			echo "title $1"
			[[ -z $2 ]] || echo "sort-key $2"
			[[ -z $3 ]] || echo "machine-id $3"
			[[ -z $4 ]] || echo "version $4"
			echo "linux /k/$1"
		} >"$d/$1.conf"
	}
	entry a fedora bbbb 6.10.1
	entry b fedora bbbb 6.9.3
	entry c arch "" 1
	entry g fedora aaaa 1
	entry d "" "" ""
	entry f+2-1 "" "" ""
	entry e+0-3 aaa "" ""
	mkext4 boot.img root
	run --separate-stderr bootdump boot.img
	expect_status 0
	same "c g a b f d e
c g a b f+2-1 d e+0-3
0" "$(sed -n 's/^  id //p' <<<"$output" | paste -sd' ')
$(sed -n 's/^  title //p' <<<"$output" | paste -sd' ')
$(sed -n 's/^default //p' <<<"$output")" "ids, titles, default"
}

@test "entries a PC does not boot: efi=, another architecture, no linux" {
	local d=root/loader/entries
	mkdir -p "$d"
	printf 'title Shell\nefi /EFI/tools/shell.efi\n' >"$d/shell.conf"
	printf 'title ARM\narchitecture aa64\nlinux /Image\n' >"$d/arm.conf"
	printf 'title PC\narchitecture X64\nlinux /vmlinuz\n' >"$d/pc.conf"
	printf 'title Both\nlinux /vmlinuz\nefi /EFI/x.efi\n' >"$d/both.conf"
	printf 'title Nothing\noptions quiet\n' >"$d/nothing.conf"
	printf 'linux /hidden\n' >"$d/.hidden.conf"
	printf 'linux /notconf\n' >"$d/notconf.txt"
	mkext4 boot.img root
	run --separate-stderr bootdump boot.img
	expect_status 0
	same 'entry 0* bls linux
  title PC
  id pc
  config :/loader/entries/pc.conf:1
  kernel :/vmlinuz
  args
default 0' "$output" menu
	same 'log: Boot Loader Specification: /loader/entries/nothing.conf: no linux, efi or uki key: skipped' "$stderr" log
	# one entry file alone, as fsimg_bootmenu_parse() reads it
	printf 'title Shell\nefi /EFI/tools/shell.efi\n' >shell.conf
	run --separate-stderr bootdump --text bls /loader/entries/shell.conf shell.conf
	expect_status 0
	same 'default -2' "$output" "efi-only entry"
	printf '# x\n\ntitle  Spaced   title \nlinux\tvmlinuz\ninitrd initrd.img\nversion 1\n' >t.conf
	run --separate-stderr bootdump --text auto /boot/loader/entries/t.conf t.conf
	expect_status 0
	same 'entry 0* bls linux
  title Spaced   title
  id t
  config :/boot/loader/entries/t.conf:3
  kernel :/vmlinuz
  initrd :/initrd.img
  args
default 0' "$output" "relative paths, blanks"
}

@test "/boot/loader/entries of a root filesystem, and its boot -> . link" {
	fedora_entries root/boot
	ln -s . root/boot/boot
	mkdir -p root2/boot
	cp -a root/boot/loader root2/boot/
	mkext4 root2.img root2
	run --separate-stderr bootdump root2.img
	expect_status 0
	same "$(fedora_menu "" 0 | sed 's|config :/loader|config :/boot/loader|')" \
		"$output" "menu of /boot/loader/entries"
	# /boot a filesystem with a boot -> . link: each entry once
	mkext4 boot.img root/boot
	run --separate-stderr bootdump boot.img
	expect_status 0
	same "$(fedora_menu "" 0)" "$output" "menu with boot -> ."
}

@test "a UKI built with objcopy and systemd's stub: title from .osrel, args from .cmdline" {
	local stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
	[[ -r $stub ]] || skip "needs $stub (apt-get install systemd-boot-efi)"
	need_cmd objcopy
	head -c 300000 /dev/urandom >vmlinuz
	head -c 100000 /dev/urandom >initrd
	printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\nPRETTY_NAME="Fedora Linux 40 (\\"UKI\\" Edition)"\n' >osrel
	printf 'root=UUID=0f3a1c2e ro\nquiet\n\0' >cmdline
	mkdir -p esp/EFI/Linux
	objcopy --add-section .osrel=osrel --change-section-vma .osrel=0x20000 \
		--add-section .cmdline=cmdline --change-section-vma .cmdline=0x30000 \
		--add-section .linux=vmlinuz --change-section-vma .linux=0x2000000 \
		--add-section .initrd=initrd --change-section-vma .initrd=0x3000000 \
		"$stub" esp/EFI/Linux/fedora-6.10.2.efi
	cp esp/EFI/Linux/fedora-6.10.2.efi esp/EFI/Linux/fedora-6.9.12.efi
	# no .osrel: the file name is the title
	objcopy --add-section .linux=vmlinuz --change-section-vma .linux=0x2000000 \
		"$stub" esp/EFI/Linux/bare.efi
	mkdir -p esp/loader
	echo 'default fedora-6.9*' >esp/loader/loader.conf
	mkesp esp.img esp
	run --separate-stderr bootdump esp.img
	expect_status 0
	same 'entry 0 uki uki
  title Fedora Linux 40 ("UKI" Edition)
  id fedora-6.10.2
  config :/EFI/Linux/fedora-6.10.2.efi:0
  kernel :/EFI/Linux/fedora-6.10.2.efi
  args root=UUID=0f3a1c2e ro quiet
entry 1* uki uki
  title Fedora Linux 40 ("UKI" Edition)
  id fedora-6.9.12
  config :/EFI/Linux/fedora-6.9.12.efi:0
  kernel :/EFI/Linux/fedora-6.9.12.efi
  args root=UUID=0f3a1c2e ro quiet
entry 2 uki uki
  title bare.efi
  id bare
  config :/EFI/Linux/bare.efi:0
  kernel :/EFI/Linux/bare.efi
  args
default 1' "$output" menu
	same "" "$stderr" log

	# fsimg_bootmenu_section(): where the sections are, as bytes of the file
	need_cmd cc
	cat >section.c <<-'EOF'
		#include "fsimg.h"
		#include <stdio.h>
		#include <stdlib.h>
		int main(int argc, char **argv)
		{
			fsimg_image *img;
			fsimg_bootmenu *m;
			const struct fsimg_bootmenu_entry *e;
			if (fsimg_image_open(argv[1], 0, &img) ||
			    fsimg_bootmenu_read(img, NULL, 0, &m))
				return 2;
			e = fsimg_bootmenu_entry(m, (unsigned)atoi(argv[2]));
			for (int i = 3; e && i < argc; i++) {
				uint64_t off, size;
				int rc = fsimg_bootmenu_section(m, &e->kernel, argv[i],
								&off, &size);
				printf("%s %d %llu %llu\n", argv[i], rc,
				       (unsigned long long)off,
				       (unsigned long long)size);
			}
			fsimg_bootmenu_free(m);
			fsimg_image_close(img);
			return e ? 0 : 3;
		}
	EOF
	local lib= l san=()
	for l in "$FSIMG_BUILDDIR"/libfsimg.so.0 "$FSIMG_BUILDDIR"/lib/libfsimg.so.0; do
		[[ -f $l ]] && lib=$l && break
	done
	[[ -n $lib ]] || skip "no shared libfsimg in $FSIMG_BUILDDIR"
	# a sanitizer build's library needs the sanitizer runtimes
	grep -qa __asan_init "$lib" && san=(-fsanitize=address,undefined)
	cc "${san[@]}" -o section -I"$FSIMG_SRCDIR/lib" section.c "$lib" \
		-Wl,-rpath,"${lib%/*}"
	run ./section esp.img 0 .linux .initrd .cmdline .osrel .uname .toolongname
	expect_status 0
	local name rc off size
	while read -r name rc off size; do
		case $name in
		.linux | .initrd | .osrel | .cmdline)
			equals "$rc" 0 "$name"
			dd if=esp/EFI/Linux/fedora-6.10.2.efi of="part$name" bs=1 \
				skip="$off" count="$size" status=none
			local want=${name#.}
			[[ $want != linux ]] || want=vmlinuz
			cmp "part$name" "$want" ;;
		*) equals "$rc" -2 "$name" ;;
		esac
	done <<<"$output"
	[[ $(wc -l <<<"$output") -eq 6 ]]
}

@test "hostile UKIs: a section past the end, 100 sections, no .linux, no PE" {
	mkdir -p esp/EFI/Linux
	printf 'kernel' >kernel
	printf 'NAME=Test\nVERSION_ID=1\nID=test\n' >osrel
	printf 'console=ttyS0\n' >cmdline
	local L=esp/EFI/Linux
	mkpe $L/a-good.efi .osrel=osrel .cmdline=cmdline .linux=kernel
	mkpe $L/b-past.efi --past .linux .osrel=osrel .linux=kernel
	mkpe $L/c-many.efi --count 100 .linux=kernel
	mkpe $L/h-96.efi --count 96 .linux=kernel
	mkpe $L/d-nolinux.efi .osrel=osrel .cmdline=cmdline
	mkpe $L/f-short.efi --short .linux=kernel
	mkpe $L/g-osrel.efi --past .osrel .osrel=osrel .linux=kernel
	head -c 4096 /dev/zero >$L/e-zero.efi
	printf 'MZ' >$L/i-tiny.efi
	mkesp esp.img esp
	run --separate-stderr bootdump esp.img
	expect_status 0
	# a-good has a sort key (ID=test): before h-96, which has none
	same 'entry 0* uki uki
  title Test 1
  id a-good
  config :/EFI/Linux/a-good.efi:0
  kernel :/EFI/Linux/a-good.efi
  args console=ttyS0
entry 1 uki uki
  title h-96.efi
  id h-96
  config :/EFI/Linux/h-96.efi:0
  kernel :/EFI/Linux/h-96.efi
  args
default 0' "$output" menu
	local u='log: unified kernel image: /EFI/Linux'
	same "$u/b-past.efi: section .linux (6 bytes at 5632) lies outside the file (1536 bytes)
$u/c-many.efi: 100 PE sections, more than 96: not read
$u/d-nolinux.efi: no .linux section: not a unified kernel image
$u/e-zero.efi: not a unified kernel image: no MZ header
$u/f-short.efi: not a unified kernel image: the section table lies outside it
$u/g-osrel.efi: section .osrel (31 bytes at 5632) lies outside the file (1536 bytes)
$u/i-tiny.efi: not a unified kernel image: no MZ header" "$stderr" log
}

@test "hostile entries: a 5 MiB file, endless options, too many initrds, binary" {
	local d=root/loader/entries i
	mkdir -p "$d"
	{
		echo "title Huge"
		echo "linux /vmlinuz"
		head -c 5242880 /dev/zero | tr '\0' 'x'
	} >"$d/huge.conf"
	{
		echo "title Long"
		echo "linux /vmlinuz"
		for i in $(seq 1 400); do echo "options opt$i=0123456789abcdef"; done
		for i in $(seq 1 20); do echo "initrd /initrd$i"; done
	} >"$d/long.conf"
	{
		printf 'title Bin\nlinux /vmlinuz\n\0options hidden\n'
		head -c 2000 /dev/urandom
	} >"$d/bin.conf"
	mkext4 boot.img root 32M
	run --separate-stderr bootdump boot.img
	expect_status 0
	local args
	args=$(sed -n '/title Long/,/^entry/s/^  args //p' <<<"$output")
	[[ ${#args} -eq 4096 ]] || {
		echo "args of Long: ${#args} bytes" >&2
		return 1
	}
	contains "$args" "opt1=0123456789abcdef opt2=" "args"
	[[ $(grep -c '^  initrd :/initrd' <<<"$output") -eq 16 ]]
	contains "$output" "$(printf '  initrd :/initrd16\n  args ')" menu
	same 'long Long
bin Bin' "$(sed -n 's/^  id //p' <<<"$output" | paste -d' ' - <(sed -n 's/^  title //p' <<<"$output"))" entries
	contains "$(sed -n '/title Bin/,$p' <<<"$output")" "$(printf '  kernel :/vmlinuz\n  args \ndefault 0')" "Bin"
	same 'log: boot: /loader/entries/huge.conf: 5242906 bytes, more than a boot configuration may hold (4194304): not read
log: Boot Loader Specification: /loader/entries/long.conf:419: more than 16 initrds: the rest are left out
log: boot: the kernel arguments longer than 4096 bytes: cut' "$stderr" log
}

@test "file names in decreasing UAPI version order (the specification's example)" {
	# each older than the next, as the Version Format Specification lists them
	local chain=(122.1 '123~rc1-1' 123 123-a 123-a.1 123-1 123-1.1
		'123^post1' 123.a-1 123.1-1 123a-1 124-1) v want=
	mkdir -p root/loader/entries
	for v in "${chain[@]}"; do
		printf 'linux /vmlinuz-%s\n' "$v" >"root/loader/entries/os-$v.conf"
		want="os-$v${want:+ $want}"
	done
	mkext4 boot.img root
	run --separate-stderr bootdump boot.img
	expect_status 0
	same "$want" "$(sed -n 's/^  id //p' <<<"$output" | paste -sd' ')" "ids"
}

@test "type 1 entries with the uki key: the UKI's .cmdline unless options are given" {
	mkdir -p esp/EFI/Linux esp/loader/entries
	printf 'kernel' >kernel
	printf 'PRETTY_NAME="Test OS"\n' >osrel
	printf 'console=ttyS0 quiet\0\0\0' >cmdline
	mkpe esp/EFI/Linux/os.efi .osrel=osrel .cmdline=cmdline .linux=kernel
	printf 'title Own\nuki /EFI/Linux/os.efi\n' >esp/loader/entries/a.conf
	printf 'title Given\nuki EFI/Linux/os.efi\noptions debug\n' \
		>esp/loader/entries/b.conf
	printf 'title Net\nuki-url http://example.com/os.efi\n' \
		>esp/loader/entries/c.conf
	mkesp esp.img esp
	run --separate-stderr bootdump esp.img
	expect_status 0
	same 'entry 0* bls uki
  title Given
  id b
  config :/loader/entries/b.conf:1
  kernel :/EFI/Linux/os.efi
  args debug
entry 1 bls uki
  title Own
  id a
  config :/loader/entries/a.conf:1
  kernel :/EFI/Linux/os.efi
  args console=ttyS0 quiet
entry 2 uki uki
  title Test OS
  id os
  config :/EFI/Linux/os.efi:0
  kernel :/EFI/Linux/os.efi
  args console=ttyS0 quiet
default 0' "$output" menu
	same "" "$stderr" log
}

@test "a hostile loader.conf glob against long names ends quickly" {
	local a200 i
	a200=$(printf 'a%.0s' $(seq 1 200))
	mkdir -p root/loader/entries
	for i in $(seq 1 40); do
		printf 'linux /vmlinuz\n' >"root/loader/entries/$i-$a200.conf"
	done
	printf 'default %s\n' "$(printf '*a%.0s' $(seq 1 60))*b" \
		>root/loader/loader.conf
	mkext4 boot.img root
	SECONDS=0
	run --separate-stderr bootdump boot.img
	expect_status 0
	((SECONDS < 20)) || {
		echo "took $SECONDS s" >&2
		return 1
	}
	contains "$output" "entry 0* bls linux
  title 40-$a200.conf" menu
	contains "$output" "default 0" menu
}
