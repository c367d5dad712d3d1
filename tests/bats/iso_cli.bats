#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fsimg command itself: exit codes (0 ok, 1 usage, 2 image unreadable /
# no filesystem / bad partition spec, 3 path not found or wrong type,
# 4 some files failed), messages ("fsimg: IMAGE: ..." on stderr), `info`
# with El Torito boot entries, and the safety of `get` against hostile
# images and hostile destinations.

load helpers

setup_file() {
	export CSRC=$BATS_FILE_TMPDIR/src IMG=$BATS_FILE_TMPDIR/cli.iso
	mkdir -p "$CSRC/dir/sub" "$CSRC/boot"
	printf 'hello\n' >"$CSRC/hello.txt"
	printf 'in dir\n' >"$CSRC/dir/file"
	printf 'deeper\n' >"$CSRC/dir/sub/file"
	ln -s ../../.. "$CSRC/evil"
	ln -s /etc "$CSRC/abs"
	ln -s / "$CSRC/root"
	ln -s ../../../../../../../tmp/x "$CSRC/dir/climb"
	ln -s loop2 "$CSRC/loop1"
	ln -s loop1 "$CSRC/loop2"
	python3 -c 'import random,sys; sys.stdout.buffer.write(random.Random(5).randbytes(2048))' \
		>"$CSRC/boot/boot.img"
	python3 -c 'import random,sys; sys.stdout.buffer.write(random.Random(6).randbytes(1<<20))' \
		>"$CSRC/boot/efi.img"
	python3 -c 'import random,sys; sys.stdout.buffer.write(random.Random(7).randbytes(1474560))' \
		>"$CSRC/boot/floppy.img"
	mkiso "$IMG" -R -J -V FSIMG_CLI \
		-b boot/boot.img -no-emul-boot -boot-load-size 4 \
		-eltorito-alt-boot -e boot/efi.img -no-emul-boot \
		-eltorito-alt-boot -b boot/floppy.img \
		"$CSRC"
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

# --- usage -----------------------------------------------------------------

@test "usage errors exit 1 with a message" {
	run -1 --separate-stderr fsimg
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg frobnicate "$IMG"
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg ls --no-such-option "$IMG"
	contains "$stderr" "no-such-option" stderr
	run -1 --separate-stderr fsimg ls -Z "$IMG"
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg cat "$IMG"
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg get "$IMG" /hello.txt
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg ls "$IMG" / /dir
	[[ -n $stderr ]]
	run -1 --separate-stderr fsimg info
	[[ -n $stderr ]]
	# usage errors print nothing on stdout
	equals "$output" "" stdout
}

@test "--help and --version succeed" {
	run -0 fsimg --help
	contains "$output" "ls" help
	run -0 fsimg --version
	[[ -n $output ]]
}

# --- images that cannot be read ------------------------------------------------

@test "missing image: exit 2, message names the image" {
	run -2 --separate-stderr fsimg ls "$BATS_TEST_TMPDIR/nope.iso"
	contains "$stderr" "fsimg: $BATS_TEST_TMPDIR/nope.iso: " stderr
	equals "$output" "" stdout
	run -2 --separate-stderr fsimg info "$BATS_TEST_TMPDIR/nope.iso"
	contains "$stderr" "nope.iso" stderr
}

@test "a directory as image: exit 2, message names it" {
	mkdir adir
	run -2 --separate-stderr fsimg ls adir
	contains "$stderr" "fsimg: adir: " stderr
}

@test "a text file or an empty file as image: exit 2, no filesystem" {
	printf 'this is not a filesystem\n%.0s' {1..5000} >text.txt
	run -2 --separate-stderr fsimg ls text.txt
	contains "$stderr" "fsimg: text.txt: " stderr
	run -2 --separate-stderr fsimg info --json text.txt
	contains "$stderr" "fsimg: text.txt: " stderr
	: >empty.img
	run -2 --separate-stderr fsimg ls empty.img
	contains "$stderr" "fsimg: empty.img: " stderr
	run -2 --separate-stderr fsimg cat empty.img /x
	no_crash
	contains "$stderr" "the file is empty" stderr
}

@test "a compressed or archived image: exit 2, and what to do about it" {
	local kind
	for kind in "xz -k:xz:xz-compressed: decompress it first (xz -dk)" \
		"gzip -k:gz:gzip-compressed: decompress it first (gunzip -k)" \
		"bzip2 -k:bz2:bzip2-compressed" "zstd -q:zst:zstd-compressed"; do
		local cmd=${kind%%:*} rest=${kind#*:}
		local ext=${rest%%:*} want=${rest#*:}
		command -v "${cmd%% *}" >/dev/null || continue
		cp "$IMG" img.iso
		$cmd img.iso
		run -2 --separate-stderr fsimg ls "img.iso.$ext"
		contains "$stderr" "no filesystem recognised and no partition table: the file is $want" stderr
		rm -f img.iso "img.iso.$ext"
	done
}

@test "an unreadable image: exit 2" {
	cp "$IMG" locked.iso
	chmod 000 locked.iso
	if is_root; then
		# root reads any file: ask as nobody, who cannot
		chmod 755 "$BATS_TEST_TMPDIR"
		run -2 --separate-stderr setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$FSIMG" ls "$PWD/locked.iso"
	else
		run -2 --separate-stderr fsimg ls locked.iso
	fi
	contains "$stderr" "locked.iso" stderr
	contains "$stderr" "Permission denied" stderr
}

@test "a truncated image: clear error, no crash" {
	head -c 40000 "$IMG" >trunc.iso
	run --separate-stderr fsimg ls -R trunc.iso /
	no_crash
	((status == 2 || status == 4)) || {
		echo "exit $status" >&2
		false
	}
	contains "$stderr" "trunc.iso" stderr
	run --separate-stderr fsimg cat trunc.iso /boot/efi.img
	no_crash
	((status != 0))
	# info still works, and says why files will fail
	local size
	size=$(stat -c %s "$IMG")
	head -c $((size - 2048 * 40)) "$IMG" >short.iso
	run -0 --separate-stderr fsimg info short.iso
	contains "$stderr" "warning: the iso9660 filesystem at byte 0 claims $size bytes, but the image holds only $((size - 2048 * 40)): the image looks truncated" stderr
	run -0 --separate-stderr fsimg info "$IMG"
	[[ $stderr != *truncated* ]]
	# -q: no warnings
	run -0 --separate-stderr fsimg -q info short.iso
	equals "$stderr" "" "stderr with -q"
}

@test "bad -p, -t and -o values" {
	run -0 fsimg ls -p auto "$IMG" /
	run -0 fsimg ls -t iso9660 "$IMG" /
	run -2 --separate-stderr fsimg ls -p 7 "$IMG" /
	contains "$stderr" "fsimg: $IMG: " stderr
	run -2 --separate-stderr fsimg ls -p 'label=NO_SUCH_LABEL' "$IMG" /
	contains "$stderr" "$IMG" stderr
	run -2 --separate-stderr fsimg ls -t vfat "$IMG" /
	contains "$stderr" "$IMG" stderr
	run --separate-stderr fsimg ls -o no_such_option=1 "$IMG" /
	((status == 1 || status == 2)) || {
		echo "exit $status" >&2
		false
	}
	contains "$stderr" "no_such_option" stderr
}

# --- paths -------------------------------------------------------------------

@test "missing path: exit 3, message names image and path" {
	run -3 --separate-stderr fsimg ls "$IMG" /no/such/path
	contains "$stderr" "fsimg: $IMG: /no/such/path" stderr
	run -3 --separate-stderr fsimg cat "$IMG" /nothing-here
	contains "$stderr" "fsimg: $IMG: /nothing-here" stderr
	mkdir dest
	run -3 --separate-stderr fsimg get "$IMG" /nothing-here dest
	contains "$stderr" "/nothing-here" stderr
	equals "$(ls -A dest)" "" "dest after a failed get"
	# a file used as a directory
	run -3 --separate-stderr fsimg ls "$IMG" /hello.txt/x
	contains "$stderr" "/hello.txt/x" stderr
}

@test "cat of a directory: exit 3, message names the path" {
	run -3 --separate-stderr fsimg cat "$IMG" /dir
	contains "$stderr" "fsimg: $IMG: /dir" stderr
	equals "$output" "" stdout
	# one bad PATH among good ones: the good ones are still written
	run -3 --separate-stderr fsimg cat "$IMG" /hello.txt /dir /dir/file
	equals "$output" "$(printf 'hello\nin dir')" stdout
}

@test "symlink loops end with an error, not a hang" {
	run -3 --separate-stderr fsimg cat "$IMG" /loop1
	contains "$stderr" "/loop1" stderr
	run -0 fsimg ls -l "$IMG" /loop1
	contains "$output" "loop1 -> loop2" "ls -l"
}

@test "paths: relative to the root, symlinks resolved inside the image" {
	run -0 fsimg cat "$IMG" hello.txt
	equals "$output" hello
	run -0 fsimg cat "$IMG" //dir/./sub/../file
	equals "$output" "in dir"
	# ../../.. from the root stays at the root of the image
	run -0 fsimg cat "$IMG" /evil/hello.txt
	equals "$output" hello
	# an absolute target is resolved against the image root, never the host
	run -3 fsimg cat "$IMG" /abs/passwd
	run -0 fsimg cat "$IMG" /root/dir/file
	equals "$output" "in dir"
	run -0 fsimg ls "$IMG" /evil/dir
	equals "$output" "$(printf 'climb\nfile\nsub')" "ls /evil/dir"
}

@test "ls of a file lists the file; ls -d lists the directory itself" {
	# named as given, like ls(1)
	run -0 fsimg ls "$IMG" /hello.txt
	equals "$output" "/hello.txt"
	run -0 fsimg ls --json "$IMG" /hello.txt
	equals "$(jq -r '.[0].path, .[0].size' <<<"$output")" "$(printf '/hello.txt\n6')" json
	run -0 fsimg ls -d --json "$IMG" /dir
	equals "$(jq -r 'length, .[0].path, .[0].type' <<<"$output")" "$(printf '1\n/dir\ndir')" json
	run -0 fsimg ls -d "$IMG" /
	[[ -n $output ]]
}

@test "cat into a closed pipe stops quietly" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -c 'set -o pipefail; "$FSIMG" cat "$1" /boot/efi.img | head -c 10 >/dev/null' _ "$IMG"
	no_crash
	equals "$stderr" "" stderr
}

# --- info and El Torito --------------------------------------------------------

@test "info --json: valid JSON with type, label and size" {
	run -0 --separate-stderr fsimg info --json "$IMG"
	jq -e . <<<"$output" >/dev/null
	equals "$(jq -r '.filesystems | length' <<<"$output")" 1 filesystems
	equals "$(jq -r '.filesystems[0].fstype' <<<"$output")" iso9660 type
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" FSIMG_CLI label
	equals "$(jq -r '.filesystems[0].offset' <<<"$output")" 0 offset
	equals "$(jq -r '.filesystems[0].block_size' <<<"$output")" 2048 block_size
	equals "$(jq -r '.size' <<<"$output")" "$(stat -c %s "$IMG")" size
	# the text form says the same
	run -0 fsimg info "$IMG"
	contains "$output" iso9660 info
	contains "$output" FSIMG_CLI info
}

# lba_of ISO_PATH: the 2048-byte block where xorriso put a file of $IMG
lba_of() {
	xorriso -indev "$IMG" -find "$1" -exec report_lba 2>/dev/null |
		awk -F' *, *' '/^File data lba:/ {print $2; exit}'
}

@test "info: El Torito entries (BIOS no-emul 4 sectors, EFI, 1.44M floppy)" {
	run -0 fsimg info --json "$IMG"
	local j=$output lba_boot lba_efi lba_fl
	equals "$(jq '.filesystems[0].boot_entries | length' <<<"$j")" 3 "boot entries"
	# where xorriso put the images (2048-byte blocks)
	lba_boot=$(lba_of /boot/boot.img)
	lba_efi=$(lba_of /boot/efi.img)
	lba_fl=$(lba_of /boot/floppy.img)
	run -0 jq -c '.filesystems[0].boot_entries[0]
		| [.index, .bootable, .platform_id, .emulation_id, .sector_count,
		   .lba, .offset, .length]' <<<"$j"
	equals "$output" "[0,true,0,0,4,$lba_boot,$((lba_boot * 2048)),2048]" "default entry"
	run -0 jq -c '.filesystems[0].boot_entries[1]
		| [.bootable, .platform_id, .emulation_id, .sector_count, .lba, .length]' <<<"$j"
	equals "$output" "[true,239,0,2048,$lba_efi,1048576]" "EFI entry"
	run -0 jq -c '.filesystems[0].boot_entries[2]
		| [.bootable, .platform_id, .emulation_id, .lba, .length]' <<<"$j"
	equals "$output" "[true,0,2,$lba_fl,1474560]" "floppy entry"
	# platforms and emulations also have names
	jq -e 'all(.filesystems[0].boot_entries[];
		(.platform | type == "string" and length > 0 and (test("^[0-9]+$") | not))
		and (.emulation | type == "string" and length > 0))' <<<"$j" >/dev/null
	# offset/length point at the boot images' bytes
	cmp <(dd if="$IMG" bs=2048 skip="$lba_efi" count=512 status=none) "$CSRC/boot/efi.img"
	run -0 fsimg info "$IMG"
	contains "$output" "boot" "info text"
}

@test "info: hard-disk emulation: the length reaches the partition's end" {
	need_cmd sfdisk
	mkdir src
	truncate -s 4M src/hd.img
	printf 'label: dos\nstart=63, size=4000, type=83, bootable\n' | sfdisk -q src/hd.img
	mkiso hd.iso -R -hard-disk-boot -b hd.img src
	run -0 fsimg info --json hd.iso
	run -0 jq -c '.filesystems[0].boot_entries[]
		| [.emulation_id, .system_type, .sector_count, .length]' <<<"$output"
	# system type: the partition's type byte; (63 + 4000) * 512 bytes
	equals "$output" "[4,131,1,2080256]" "hard-disk entry"
}

@test "info: a no-emulation FAT image: the length is the FAT volume's size" {
	mkdir src
	# a 1.44 MB FAT12 volume at the start of a 2 MiB file
	python3 "$TESTLIB/mkfat12.py" src/efi.img 2097152 2880
	mkiso efi.iso -R -e efi.img -no-emul-boot src
	run -0 fsimg info --json efi.iso
	run -0 jq -c '.filesystems[0].boot_entries[]
		| [.platform_id, .emulation_id, .sector_count, .length]' <<<"$output"
	equals "$output" "[239,0,4096,1474560]" "EFI entry"
}

@test "info: an image without El Torito has no boot entries" {
	mkdir src
	printf 'x\n' >src/x
	mkiso plain.iso -R src
	run -0 fsimg info --json plain.iso
	equals "$(jq -c '.filesystems[0].boot_entries' <<<"$output")" "[]" boot_entries
}

# --- get safety ----------------------------------------------------------------

# every path of the test directory outside dest (bats keeps the stderr of
# `run --separate-stderr` in separate-stderr-* files there)
outside_listing() {
	(cd "$BATS_TEST_TMPDIR" &&
		find . -path ./dest -prune -o ! -name 'separate-stderr-*' -print | sort)
}

@test "get: symlinks in the image are created as symlinks, never followed" {
	mkdir dest outside
	local before
	before=$(outside_listing)
	run -0 --separate-stderr fsimg get "$IMG" / dest
	equals "$(outside_listing)" "$before" "files outside dest"
	[[ -L dest/evil && -L dest/abs && -L dest/root && -L dest/dir/climb ]]
	equals "$(readlink dest/evil)" ../../.. "dest/evil"
	equals "$(readlink dest/abs)" /etc "dest/abs"
	equals "$(readlink dest/dir/climb)" ../../../../../../../tmp/x "dest/dir/climb"
	cmp dest/dir/sub/file "$CSRC/dir/sub/file"
}

@test "get: a symlink planted in DEST is not followed (directory)" {
	mkdir dest outside
	ln -s ../outside dest/dir
	ln -s "$BATS_TEST_TMPDIR/outside" dest/boot
	run --separate-stderr fsimg get "$IMG" / dest
	no_crash
	equals "$(ls -A outside)" "" "outside after get"
	# the rest of the tree is still extracted
	cmp dest/hello.txt "$CSRC/hello.txt"
	# refusing is fine; pretending success while skipping is not
	if [[ -L dest/dir ]]; then
		equals "$status" 4 "exit status when dest/dir stayed a symlink"
		contains "$stderr" "dir" stderr
	else
		cmp dest/dir/file "$CSRC/dir/file"
	fi
}

@test "get: a symlink planted in DEST is not followed (file)" {
	mkdir dest outside
	printf 'precious\n' >outside/victim
	ln -s ../outside/victim dest/hello.txt
	run --separate-stderr fsimg get "$IMG" /hello.txt dest
	no_crash
	equals "$(cat outside/victim)" precious "outside/victim"
	run --separate-stderr fsimg get -f "$IMG" /hello.txt dest
	no_crash
	equals "$(cat outside/victim)" precious "outside/victim after -f"
	# DEST itself named through a symlink is fine: the user chose it
	ln -s dest destlink
	run -0 fsimg get "$IMG" /dir destlink
	cmp dest/dir/file "$CSRC/dir/file"
}

@test "get: hostile names in the image (.., /, duplicates) stay inside DEST" {
	mkdir src dest outside
	printf 'one\n' >src/dotdotzz
	printf 'two\n' >src/yy
	printf 'three\n' >src/slaXsh
	printf 'fine\n' >src/fine
	# a symlink and a directory that will carry the same name
	ln -s "$BATS_TEST_TMPDIR/outside" src/aa
	mkdir src/ab
	printf 'payload\n' >src/ab/payload
	mkiso hostile.iso -R src
	python3 "$TESTLIB/rrpatch.py" hostile.iso dotdotzz ../../zz yy .. \
		slaXsh sla/sh ab aa
	local before
	before=$(outside_listing)
	run --separate-stderr fsimg get hostile.iso / dest
	no_crash
	equals "$(outside_listing)" "$before" "files outside dest"
	equals "$(ls -A outside)" "" "outside after get"
	[[ ! -e $BATS_TEST_TMPDIR/zz && ! -e ${BATS_TEST_TMPDIR%/*}/zz ]]
	# the harmless entry is extracted, the hostile ones are reported
	cmp dest/fine src/fine
	equals "$status" 4 "exit status"
	contains "$stderr" "hostile.iso" stderr
	# listing such an image works and does not crash either
	run fsimg ls -R --json hostile.iso /
	no_crash
}

@test "-o partition= and -o fstype= (or type=) mean -p and -t, as for mount" {
	need_cmd sfdisk
	local sectors=$((($(stat -c %s "$IMG") + 511) / 512))
	truncate -s $(((2048 + sectors) * 512 + 1048576)) disk.img
	printf 'label: dos\nstart=2048, size=%d, type=83\n' "$sectors" |
		sfdisk -q disk.img
	dd if="$IMG" of=disk.img bs=512 seek=2048 conv=notrunc status=none
	run -0 fsimg cat -o partition=1 disk.img /hello.txt
	equals "$output" hello "cat -o partition=1"
	# the filesystem's own options still reach it: plain ISO9660 names
	run -0 fsimg ls -o partition=1,fstype=iso9660,norock,nojoliet disk.img /
	contains "$output" "boot.cat" "ls -o partition=1,fstype=iso9660,norock,nojoliet"
	[[ $output != *boot.catalog* ]]
	run -0 fsimg ls -o type=iso9660 -p 1 disk.img /
	run -2 --separate-stderr fsimg ls -o partition=1,type=vfat disk.img /
	contains "$stderr" "no vfat filesystem" stderr
	run -2 --separate-stderr fsimg ls -o partition=9 disk.img /
	no_crash
}
