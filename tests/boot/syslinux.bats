#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# syslinux, extlinux and isolinux menus (lib/boot/syslinux.c) read from
# images built here with the real tools: extlinux.conf on FAT, an isolinux
# ISO laid out like Debian's installer (INCLUDEs, a MENU BEGIN submenu,
# relative paths), hostile includes and defaults on FAT, and hostile menus
# given as text. Each test compares bootdump's lines, and its messages,
# with what syslinux would boot.

load helpers

# fat OUT DIR: a FAT filesystem (the whole image) holding DIR's files
fat() {
	rm -f "$1"
	mkfs.fat -C "$1" 16384 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$1" "$2"/* ::/
}

@test "syslinux: extlinux.conf on FAT: global APPEND, INITRD a,b, APPEND initrd=, modules dropped" {
	need_cmd mkfs.fat mcopy
	mkdir -p "$T/fat/boot/extlinux"
	echo k >"$T/fat/boot/vmlinuz-6.1"
	echo r >"$T/fat/boot/extlinux/vmlinuz-rescue"
	cat >"$T/fat/boot/extlinux/extlinux.conf" <<-'EOF'
		# extlinux.conf as extlinux-update writes it, and more
		DEFAULT debian
		TIMEOUT 30
		PROMPT 0
		APPEND console=hvc0

		LABEL debian
		  MENU LABEL ^Debian GNU/Linux
		  KERNEL /boot/vmlinuz-6.1
		  INITRD /boot/initrd-a.img,/boot/initrd-b.img
		  APPEND root=/dev/xvda1 ro
		label rescue
		  kernel vmlinuz-rescue
		  append initrd=initrd-rescue.img single
		  ipappend 2
		Label global
		  Linux /boot/vmlinuz-6.1
		LABEL hdt
		  COM32 hdt.c32
		LABEL menu
		  KERNEL menu.c32
		LABEL memtest
		  KERNEL memdisk
		  APPEND initrd=/boot/memtest.img
		LABEL local
		  LOCALBOOT 0
	EOF
	fat "$T/fat.img" "$T/fat"
	dump "$T/fat.img"
	no_messages
	same "$output" <<-'EOF'
		entry 0* syslinux linux
		  title Debian GNU/Linux
		  id debian
		  config :/boot/extlinux/extlinux.conf:7
		  kernel :/boot/vmlinuz-6.1
		  initrd :/boot/initrd-a.img
		  initrd :/boot/initrd-b.img
		  args root=/dev/xvda1 ro
		entry 1 syslinux linux
		  title rescue
		  id rescue
		  config :/boot/extlinux/extlinux.conf:12
		  kernel :/boot/extlinux/vmlinuz-rescue
		  initrd :/boot/extlinux/initrd-rescue.img
		  args single
		entry 2 syslinux linux
		  title global
		  id global
		  config :/boot/extlinux/extlinux.conf:16
		  kernel :/boot/vmlinuz-6.1
		  args console=hvc0
		default 0
	EOF
}

@test "syslinux: an isolinux ISO laid out like Debian's installer" {
	need_cmd xorriso
	local d=$T/iso
	mkdir -p "$d/isolinux" "$d/install.amd/gtk"
	echo k >"$d/install.amd/vmlinuz"
	echo i >"$d/install.amd/initrd.gz"
	echo g >"$d/install.amd/gtk/initrd.gz"
	echo k >"$d/isolinux/vmlinuz"
	cat >"$d/isolinux/isolinux.cfg" <<-'EOF'
		# D-I config version 2.0
		# search path for the c32 support libraries (libcom32, libutil etc.)
		path 
		include menu.cfg
		default vesamenu.c32
		prompt 0
		timeout 0
	EOF
	cat >"$d/isolinux/menu.cfg" <<-'EOF'
		menu hshift 4
		menu width 70

		menu title Debian GNU/Linux installer menu (BIOS mode)
		include stdmenu.cfg
		include txt.cfg
		include gtk.cfg
		menu begin advanced
		    menu label ^Advanced options
			menu title Advanced options
			include stdmenu.cfg
			label mainmenu
				menu label ^Back..
				menu exit
			include adtxt.cfg
		menu end
		label help
			menu label ^Help
			text help
		   Display help screens; type 'menu' at boot prompt to return to this menu
			endtext
			config prompt.cfg
	EOF
	cat >"$d/isolinux/stdmenu.cfg" <<-'EOF'
		menu background splash.png
		menu color title	* #FFFFFFFF *
		menu color sel		* #ffffffff #76a1d0ff *
		menu tabmsg Press ENTER to boot or TAB to edit a menu entry
	EOF
	cat >"$d/isolinux/txt.cfg" <<-'EOF'
		label install
			menu label ^Install
			kernel /install.amd/vmlinuz
			append vga=788 initrd=/install.amd/initrd.gz --- quiet 
	EOF
	cat >"$d/isolinux/gtk.cfg" <<-'EOF'
		default installgui
		label installgui
			menu label ^Graphical install
			menu default
			kernel /install.amd/vmlinuz
			append vga=788 initrd=/install.amd/gtk/initrd.gz --- quiet 
	EOF
	cat >"$d/isolinux/adtxt.cfg" <<-'EOF'
		label expert
			menu label E^xpert install
			kernel /install.amd/vmlinuz
			append priority=low vga=788 initrd=/install.amd/initrd.gz --- 
		label rescue
			menu label ^Rescue mode
			kernel vmlinuz
			append vga=788 initrd=initrd.gz rescue/enable=true --- quiet 
	EOF
	mkiso "$T/d-i.iso" -R -J "$d"
	dump "$T/d-i.iso"
	# stdmenu.cfg, included twice, is read once, quietly
	no_messages
	same "$output" <<-'EOF'
		entry 0 syslinux linux
		  title Install
		  id install
		  config :/isolinux/txt.cfg:1
		  kernel :/install.amd/vmlinuz
		  initrd :/install.amd/initrd.gz
		  args vga=788 --- quiet
		entry 1* syslinux linux
		  title Graphical install
		  id installgui
		  config :/isolinux/gtk.cfg:2
		  kernel :/install.amd/vmlinuz
		  initrd :/install.amd/gtk/initrd.gz
		  args vga=788 --- quiet
		entry 2 syslinux linux
		  title Advanced options>Expert install
		  id expert
		  config :/isolinux/adtxt.cfg:1
		  kernel :/install.amd/vmlinuz
		  initrd :/install.amd/initrd.gz
		  args priority=low vga=788 ---
		entry 3 syslinux linux
		  title Advanced options>Rescue mode
		  id rescue
		  config :/isolinux/adtxt.cfg:5
		  kernel :/isolinux/vmlinuz
		  initrd :/isolinux/initrd.gz
		  args vga=788 rescue/enable=true --- quiet
		default 1
	EOF
	# DEFAULT naming a label wins over MENU DEFAULT, and may name a
	# label in a submenu
	sed -i 's/^default vesamenu.c32/default rescue/' "$d/isolinux/isolinux.cfg"
	mkiso "$T/d-i.iso" -R -J "$d"
	dump "$T/d-i.iso"
	[[ ${lines[0]} == "entry 0 syslinux linux" ]]
	[[ ${lines[-1]} == "default 3" ]]
	# the file pygrub looks for first
	mkdir -p "$d/boot/isolinux"
	printf 'label first\n  kernel /install.amd/vmlinuz\n' >"$d/boot/isolinux/isolinux.cfg"
	mkiso "$T/d-i.iso" -R -J "$d"
	dump "$T/d-i.iso"
	# (the installer tree's kernel+initrd pairs this menu does not offer
	# follow it, from the debian source)
	same "$(head -n 6 <<<"$output"; tail -n 1 <<<"$output")" <<-'EOF'
		entry 0* syslinux linux
		  title first
		  id first
		  config :/boot/isolinux/isolinux.cfg:1
		  kernel :/install.amd/vmlinuz
		  args 
		default 0
	EOF
	[ "$(grep -c '^entry .* syslinux ' <<<"$output")" -eq 1 ]
}

@test "syslinux: hostile files on FAT: an INCLUDE loop, INCLUDEs 20 deep, DEFAULT naming nothing" {
	need_cmd mkfs.fat mcopy
	local d=$T/bad i
	mkdir -p "$d"
	echo k >"$d/vmlinuz"
	cat >"$d/syslinux.cfg" <<-'EOF'
		INCLUDE a.cfg
		DEFAULT nosuch
		MENU INCLUDE sub.cfg Sub menu
		INCLUDE c1.cfg
		INCLUDE missing.cfg
		LABEL ok
		  KERNEL /vmlinuz
	EOF
	printf 'INCLUDE b.cfg\nLABEL from-a\n  KERNEL vmlinuz\n' >"$d/a.cfg"
	printf 'INCLUDE a.cfg\nLABEL from-b\n  KERNEL vmlinuz\n' >"$d/b.cfg"
	printf 'LABEL in-sub\n  MENU LABEL In ^sub\n  KERNEL vmlinuz\n' >"$d/sub.cfg"
	for i in $(seq 1 20); do
		printf 'INCLUDE c%d.cfg\nLABEL c%d\n  KERNEL vmlinuz\n' $((i + 1)) "$i" >"$d/c$i.cfg"
	done
	fat "$T/bad.img" "$d"
	dump "$T/bad.img"
	same "$stderr" <<-'EOF'
		log: syslinux: /b.cfg:1: /a.cfg is being read already (an INCLUDE loop): not read again
		log: syslinux: /c16.cfg:1: INCLUDEs nested more than 16 deep: /c17.cfg not read
		log: syslinux: /syslinux.cfg:5: no file /missing.cfg to include
		log: syslinux: /syslinux.cfg:2: DEFAULT nosuch names no label and no kernel
	EOF
	# 3 + 16 + 1 entries; the labels of c16 ... c1 in that order
	[[ $(grep -c '^entry' <<<"$output") -eq 20 ]]
	same "$(grep -E '^  (title|id)' <<<"$output" | head -8)" <<-'EOF'
		  title from-b
		  id from-b
		  title from-a
		  id from-a
		  title Sub menu>In sub
		  id in-sub
		  title c16
		  id c16
	EOF
	[[ ${lines[0]} == "entry 0* syslinux linux" ]]
	[[ ${lines[-1]} == "default 0" ]]
}

@test "syslinux: text: DEFAULT a kernel, ONTIMEOUT, APPEND -, TEXT HELP, keywords in any case" {
	cat >extlinux.conf <<-'EOF'
		Default /boot/vmlinuz-x root=/dev/xvda1
		Append console=hvc0
		Label one
		  Kernel /boot/vmlinuz-1 quiet
		  Initrd /boot/ignored.img
		  Append root=/dev/xvda1 initrd=/boot/first.img,/boot/second.img initrd=/boot/third.img
		Label two
		  Kernel /boot/vmlinuz-2
		  Append -
		  Text help
		    kernel /not/this
		    label nor-this
		  EndText
		  Menu Default
	EOF
	dump --text syslinux /extlinux.conf extlinux.conf
	no_messages
	same "$output" <<-'EOF'
		entry 0 syslinux linux
		  title one
		  id one
		  config :/extlinux.conf:3
		  kernel :/boot/vmlinuz-1
		  initrd :/boot/first.img
		  initrd :/boot/second.img
		  args quiet root=/dev/xvda1
		entry 1 syslinux linux
		  title two
		  id two
		  config :/extlinux.conf:7
		  kernel :/boot/vmlinuz-2
		  args 
		entry 2* syslinux linux
		  title /boot/vmlinuz-x root=/dev/xvda1
		  config :/extlinux.conf:1
		  kernel :/boot/vmlinuz-x
		  args console=hvc0 root=/dev/xvda1
		default 2
	EOF
	# ONTIMEOUT naming a label comes before DEFAULT's kernel
	echo "ONTIMEOUT one" >>extlinux.conf
	dump --text syslinux /extlinux.conf extlinux.conf
	[[ ${lines[0]} == "entry 0* syslinux linux" ]]
	# a UI module shows the menu: DEFAULT's kernel is not booted,
	# ONTIMEOUT naming LOCALBOOT gives nothing, MENU DEFAULT is the default
	sed -i 's/^ONTIMEOUT one/UI vesamenu.c32\nONTIMEOUT local\nLABEL local\n  LOCALBOOT 0/' extlinux.conf
	dump --text syslinux /extlinux.conf extlinux.conf
	[[ $(grep -c '^entry' <<<"$output") -eq 2 ]]
	[[ ${lines[-1]} == "default 1" ]]
}

@test "syslinux: text: 2,000 nested MENU BEGIN, a 100 KiB line, 1,100 labels" {
	{
		echo "DEFAULT deep"
		for i in $(seq 1 2000); do echo "MENU BEGIN m$i"; done
		echo "LABEL deep"
		echo "  KERNEL /vmlinuz"
		printf '  APPEND %0102400d\n' 0
		for i in $(seq 1 2000); do echo "MENU END"; done
		echo "MENU END"
		echo "LABEL after"
		echo "  KERNEL /vmlinuz"
	} >deep.cfg
	dump --text syslinux /syslinux.cfg deep.cfg
	same "$stderr" <<-'EOF'
		log: syslinux: /syslinux.cfg:18: submenus nested more than 16 deep: the deeper ones are not named in titles
		log: syslinux: /syslinux.cfg:2004: line longer than 4096 bytes: skipped
	EOF
	same "$output" <<-'EOF'
		entry 0* syslinux linux
		  title m1>m2>m3>m4>m5>m6>m7>m8>m9>m10>m11>m12>m13>m14>m15>m16>deep
		  id deep
		  config :/syslinux.cfg:2002
		  kernel :/vmlinuz
		  args 
		entry 1 syslinux linux
		  title after
		  id after
		  config :/syslinux.cfg:4006
		  kernel :/vmlinuz
		  args 
		default 0
	EOF
	for i in $(seq 0 1099); do
		printf 'LABEL l%d\n  KERNEL /vmlinuz-%d\n' "$i" "$i"
	done >many.cfg
	dump --text syslinux /syslinux.cfg many.cfg
	same "$stderr" <<-'EOF'
		log: syslinux: /syslinux.cfg:2049: more than 1024 boot entries: the rest are left out
	EOF
	[[ $(grep -c '^entry' <<<"$output") -eq 1024 ]]
	[[ ${lines[-1]} == "default 0" ]]
}

@test "syslinux: the same kernel, initrd and arguments as pygrub's own parser" {
	local py
	py=$(ls -d /usr/lib/xen-*/lib/python 2>/dev/null | sort -V | tail -1)
	[[ -n $py && -f $py/grub/ExtLinuxConf.py ]] || skip "no pygrub (xen-utils)"
	# what pygrub reads right: LABEL, KERNEL, APPEND with initrd= in it
	cat >extlinux.conf <<-'EOF'
		default linux-lts
		timeout 50
		label linux
		  kernel /boot/vmlinuz-linux
		  append initrd=/boot/initramfs-linux.img root=/dev/xvda1 rw
		label linux-lts
		  kernel /boot/vmlinuz-linux-lts
		  append root=/dev/xvda1 rw console=hvc0 initrd=/boot/initramfs-lts.img
		label fallback
		  kernel /boot/vmlinuz-linux
		  append root=/dev/xvda1 initrd=/boot/fallback.img rw
	EOF
	dump --text syslinux /extlinux.conf extlinux.conf
	no_messages
	# ours as "N field value" lines; pygrub leaves two blanks where it
	# took initrd= out of the middle of the arguments: blanks squeezed
	local ours theirs
	ours=$(awk '/^entry/ { n++ } /^  (title|kernel|initrd|args)/ {
		sub(/^  /, ""); print n - 1, $0 }' <<<"$output" |
		sed 's/^\([0-9]* \)\(kernel\|initrd\) :/\1\2 /')
	theirs=$(PYTHONPATH=$py python3 - extlinux.conf 2>/dev/null <<-'PY'
		import sys
		from grub.ExtLinuxConf import ExtLinuxConfigFile
		cf = ExtLinuxConfigFile(sys.argv[1])
		for n, i in enumerate(cf.images):
		    print(n, "title", i.title)
		    print(n, "kernel", i.kernel[1])
		    if i.initrd:
		        print(n, "initrd", i.initrd[1])
		    print(n, "args", " ".join((i.args or "").split()))
		print("default", cf.default)
	PY
	)
	same "$ours
default $(sed -n 's/^default //p' <<<"$output")" <<<"$theirs"
}
