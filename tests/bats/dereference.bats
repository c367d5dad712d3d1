#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# -L/--dereference: get writes what a symlink points to (resolved inside
# the image, never on the host) under the link's name, and ls -L shows it;
# without -L a symlink stays a symlink. The headline use: fetching a
# guest's kernel through its /boot/vmlinuz link.

load helpers

setup_file() {
	export DSRC=$BATS_FILE_TMPDIR/src IMG=$BATS_FILE_TMPDIR/deref.iso
	mkdir -p "$DSRC/boot/grub" "$DSRC/etc"
	printf 'kernel bytes\n' >"$DSRC/boot/vmlinuz-6.1.0"
	printf 'initrd bytes\n' >"$DSRC/boot/initrd.img-6.1.0"
	printf 'set default=0\n' >"$DSRC/boot/grub/grub.cfg"
	ln -s boot/vmlinuz-6.1.0 "$DSRC/vmlinuz"
	ln -s vmlinuz-6.1.0 "$DSRC/boot/vmlinuz"
	ln -s /boot/initrd.img-6.1.0 "$DSRC/boot/initrd.img"
	ln -s grub "$DSRC/boot/grub2"
	# on the host these would lead outside the image; inside they must not
	ln -s /etc/passwd "$DSRC/etc/passwd-link"
	ln -s ../../../../.. "$DSRC/etc/up"
	ln -s nowhere "$DSRC/boot/dangling"
	mkiso "$IMG" -R -V DEREF "$DSRC"
}

@test "get -L: a symlink operand is written as the file it points to" {
	mkdir out
	run -0 fsimg get "$IMG" /boot/vmlinuz out/
	[[ -L out/vmlinuz ]]
	rm out/vmlinuz
	run -0 fsimg get -L "$IMG" /boot/vmlinuz /boot/initrd.img out/
	[[ -f out/vmlinuz && ! -L out/vmlinuz ]]
	[[ -f out/initrd.img && ! -L out/initrd.img ]]
	cmp out/vmlinuz "$DSRC/boot/vmlinuz-6.1.0"
	cmp out/initrd.img "$DSRC/boot/initrd.img-6.1.0"
	# --dereference, after the operands; a single operand to a new name
	run -0 fsimg get "$IMG" /vmlinuz kernel --dereference
	cmp kernel "$DSRC/boot/vmlinuz-6.1.0"
}

@test "get -L: a tree's symlinks become what they point to, inside the image" {
	mkdir out outside
	run --separate-stderr fsimg get -L "$IMG" /boot out
	no_crash
	expect_status 4 # the dangling link
	contains "$stderr" "/boot/dangling" stderr
	[[ ! -e out/boot/dangling && ! -L out/boot/dangling ]]
	cmp out/boot/vmlinuz "$DSRC/boot/vmlinuz-6.1.0"
	cmp out/boot/initrd.img "$DSRC/boot/initrd.img-6.1.0"
	[[ ! -L out/boot/vmlinuz && ! -L out/boot/initrd.img ]]
	# grub2 -> grub: copied under both names, as cp -L does
	cmp out/boot/grub/grub.cfg "$DSRC/boot/grub/grub.cfg"
	cmp out/boot/grub2/grub.cfg "$DSRC/boot/grub/grub.cfg"
	[[ ! -L out/boot/grub2 ]]
}

@test "get -L: absolute and climbing links resolve inside the image only" {
	mkdir out
	run --separate-stderr fsimg get -L "$IMG" /etc out
	no_crash
	# /etc/passwd is not in the image: an error for that entry, and never
	# the host's file
	expect_status 4
	contains "$stderr" "passwd-link" stderr
	[[ ! -e out/etc/passwd-link ]]
	# ../../../../.. stops at the image's root: the image's tree, except
	# what is in /etc itself, which would be a loop (made, left empty)
	[[ -d out/etc/up ]]
	[[ -f out/etc/up/boot/vmlinuz-6.1.0 ]]
	[[ -z "$(ls -A out/etc/up/etc)" ]]
	contains "$stderr" "/etc/up/etc: a directory reached again" stderr
	! grep -rqs "root:" out
}

@test "ls -L: shows what symlinks point to" {
	run -0 fsimg ls -l "$IMG" /boot
	contains "$output" "vmlinuz -> vmlinuz-6.1.0" "ls -l"
	# the dangling link is reported and left out: exit 4
	run -4 --separate-stderr fsimg ls -lL "$IMG" /boot
	contains "$stderr" "/boot/dangling: following the symbolic link" stderr
	[[ $output != *"vmlinuz -> "* && $output != *dangling* ]]
	[[ $(grep ' vmlinuz$' <<<"$output") == -* ]]
	run -0 fsimg ls -L --json "$IMG" /boot/vmlinuz
	contains "$output" '"type": "file"' "ls -L --json"
}

@test "-L: an operand with .. after a symlink is the directory the image reaches" {
	local src=$BATS_TEST_TMPDIR/dsrc
	mkdir -p "$src/x/y/z" "$src/a"
	printf 'w\n' >"$src/x/y/w"
	ln -s /x/y/z "$src/a/link"
	ln -s ../w "$src/x/y/z/upw"
	mkiso dot.iso -R "$src"
	# /a/link/.. is /x/y (as the kernel walks it), not /a
	run -0 fsimg ls -L dot.iso /a/link/..
	equals "$output" "$(printf 'w\nz')" "ls -L /a/link/.."
	mkdir out
	run -0 fsimg get -L dot.iso /a/link/.. out
	cmp out/y/w "$src/x/y/w"
	# the link inside resolves from where it really is
	cmp out/y/z/upw "$src/x/y/w"
	[[ ! -L out/y/z/upw ]]
}
