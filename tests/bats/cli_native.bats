#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The command line as ls(1), find(1) and the shell's users expect it: one
# option parser with per-command help, ls -l aligned with -h, -n and
# --time-style, fsimg find (checked against find(1) on the source tree),
# and shell patterns in cat and get operands.

load helpers

setup_file() {
	export CSRC=$BATS_FILE_TMPDIR/src IMG=$BATS_FILE_TMPDIR/cli.iso
	mkdir -p "$CSRC/boot/grub" "$CSRC/dir with space" "$CSRC/empty" \
		"$CSRC/sizes" "$CSRC/.dotdir"
	printf 'kernel 6.1\n' >"$CSRC/boot/vmlinuz-6.1.0"
	printf 'kernel 6.2 longer\n' >"$CSRC/boot/vmlinuz-6.2.0"
	printf 'initrd\n' >"$CSRC/boot/initrd.img-6.1.0"
	ln -s vmlinuz-6.1.0 "$CSRC/boot/vmlinuz"
	printf 'set default=0\n' >"$CSRC/boot/grub/grub.cfg"
	printf 'star\n' >"$CSRC/boot/a*b"
	printf 'hidden\n' >"$CSRC/boot/.hidden-vmlinuz"
	printf 'spaced\n' >"$CSRC/dir with space/file one"
	: >"$CSRC/empty-file"
	local n
	for n in 1023 1025 1536 10240 3000000; do
		head -c "$n" /dev/zero >"$CSRC/sizes/s$n"
	done
	touch -d '2020-05-17 12:34:56.123456789 UTC' "$CSRC/sizes/s1536"
	mkiso "$IMG" -R -V CLI "$CSRC"
}

# --- one option parser ------------------------------------------------------

@test "help: per command, after the command, and as 'fsimg help CMD'" {
	run -0 fsimg ls --help
	contains "$output" "Usage: fsimg ls [OPTION]... IMAGE [PATH]" "ls --help"
	contains "$output" "--time-style" "ls --help"
	[[ $output != *"Commands:"* ]]
	run -0 fsimg get -h
	contains "$output" "Usage: fsimg get [-f] [-L] IMAGE PATH... DEST" "get -h"
	run -0 fsimg help find
	contains "$output" "Usage: fsimg find" "help find"
	run -0 fsimg find --help
	contains "$output" "-maxdepth N" "find --help"
	run -0 fsimg --help
	contains "$output" "Commands:" "--help"
	run -0 fsimg help
	contains "$output" "Commands:" "help"
	run -1 fsimg help frobnicate
	contains "$output" "unknown command 'frobnicate'" "help of an unknown command"
}

@test "options: bundled, after the operands, and refused where they mean nothing" {
	run -0 fsimg ls -lh "$IMG" /sizes
	contains "$output" "2.9M" "ls -lh"
	run -0 fsimg ls "$IMG" /sizes -lh
	contains "$output" "2.9M" "options after the operands"
	run -0 fsimg ls -- "$IMG" /sizes
	contains "$output" "s1023" "ls --"
	run -1 fsimg cat -l "$IMG" /boot/vmlinuz
	contains "$output" "option '-l' does not apply to 'cat'" "cat -l"
	run -0 fsimg info -h "$IMG" --json
	[[ $output == "Usage: fsimg info"* ]]
	run -1 fsimg ls --time-style=nonsense "$IMG"
	contains "$output" "--time-style: 'nonsense'" "a bad style"
	run -1 fsimg -q mount "$IMG" "$BATS_TEST_TMPDIR"
	contains "$output" "only -p, -t, -o and -v may come before 'mount'" "-q mount"
}

# --- ls -l ------------------------------------------------------------------

@test "ls -l: columns aligned as ls(1) aligns them, sizes with -h" {
	run -0 fsimg ls -l "$IMG" /sizes
	# every line puts its date at the same column
	local cols
	cols=$(awk '{ print index($0, " 20") }' <<<"$output" | sort -u | wc -l)
	equals "$cols" 1 "date columns"
	contains "$output" "  1023 " "right-aligned size"
	contains "$output" " 3000000 " "size"
	run -0 fsimg ls -lh "$IMG" /sizes
	cols=$(awk '{ print index($0, " 20") }' <<<"$output" | sort -u | wc -l)
	equals "$cols" 1 "date columns with -h"
	# as ls -h rounds: up, one decimal below 10
	local want got
	for want in "1023 s1023" "1.1K s1025" "1.5K s1536" "10K s10240" "2.9M s3000000"; do
		got=$(awk -v n="${want#* }" '$NF == n { print $5 " " $NF }' <<<"$output")
		equals "$got" "$want" "ls -lh size"
	done
	# and ls -h itself agrees on the host's copy
	got=$(cd "$CSRC/sizes" && ls -lh --time-style=long-iso | awk 'NF > 3 { print $5 " " $NF }')
	equals "$(awk '{ print $5 " " $NF }' <<<"$output")" "$got" "ls -lh on the host"
}

@test "ls -l: -n is the long format; owners are always numbers" {
	run -0 fsimg ls -n "$IMG" /boot
	contains "$output" "vmlinuz -> vmlinuz-6.1.0" "ls -n"
	[[ $output =~ -rw-r--r--\ +1\ +[0-9]+\ +[0-9]+\  ]]
}

@test "ls -l --time-style: full-iso, long-iso, iso, locale and +FORMAT" {
	run -0 fsimg ls -l --time-style=full-iso "$IMG" /sizes/s1536
	contains "$output" "2020-05-17 12:34:56." "full-iso"
	contains "$output" " +0000 /sizes/s1536" "full-iso zone"
	run -0 fsimg ls -l --time-style=long-iso "$IMG" /sizes/s1536
	contains "$output" " 2020-05-17 12:34 /sizes/s1536" "long-iso"
	run -0 fsimg ls -l --time-style=iso "$IMG" /sizes/s1536
	contains "$output" " 2020-05-17  /sizes/s1536" "iso (an old file)"
	run -0 fsimg ls -l --time-style=locale "$IMG" /sizes/s1536
	contains "$output" " May 17  2020 /sizes/s1536" "locale (an old file)"
	run -0 fsimg ls -l '--time-style=+%s' "$IMG" /sizes/s1536
	contains "$output" " 1589718896 /sizes/s1536" "+FORMAT"
	# the same as ls(1) shows the source file, in every style
	local style
	for style in full-iso long-iso iso locale; do
		run -0 fsimg ls -l --time-style=$style "$IMG" /sizes/s1536
		got=$(awk '{ $1 = $2 = $3 = $4 = $5 = ""; print }' <<<"$output" | sed 's/^ *//; s| /sizes/s1536$||')
		want=$(ls -l --time-style=$style "$CSRC/sizes/s1536" |
			awk '{ $1 = $2 = $3 = $4 = $5 = ""; print }' | sed "s/^ *//; s| $CSRC/sizes/s1536\$||")
		if [[ $style == full-iso ]]; then
			# ISO 9660 keeps whole seconds only
			want=${want/.123456789/.000000000}
		fi
		equals "$got" "$want" "--time-style=$style"
	done
}

# --- find -------------------------------------------------------------------

# same_as_find EXPR...: fsimg find IMAGE / EXPR... lists what find(1)
# lists in the source tree (find's readdir order aside). The start point
# itself is left out: find(1) names it "." there, and fsimg "/".
same_as_find() {
	local want got
	want=$(cd "$CSRC" && find . -mindepth 1 "$@" | sed 's|^\./|/|' | LC_ALL=C sort)
	got=$(fsimg find "$IMG" / -mindepth 1 "$@" | LC_ALL=C sort)
	equals "$got" "$want" "fsimg find $*"
}

@test "find: the same entries as find(1) on the source tree" {
	same_as_find
	same_as_find -name 'vmlinuz*'
	same_as_find -iname 'VMLINUZ*'
	same_as_find -type d
	same_as_find -type f,l
	same_as_find -type l
	same_as_find -size +1k
	same_as_find -size -2
	same_as_find -size 3000000c
	same_as_find -empty
	same_as_find -type f -empty
	same_as_find -not -name '*.*'
	same_as_find ! -type d -name '*6*'
	same_as_find -path '*/grub/*'
	same_as_find -maxdepth 1
	same_as_find -mindepth 2 -maxdepth 2
	# the start point: its name is "/"
	run -0 fsimg find "$IMG" -maxdepth 0
	equals "$output" / "-maxdepth 0"
	run -0 fsimg find "$IMG" -maxdepth 0 -name /
	equals "$output" / "-name / at the root"
	same_as_find -name '*space*' -print
}

@test "find: order, start points, -print0 and errors" {
	run -0 fsimg find "$IMG" /boot -maxdepth 1 -type f
	equals "$output" "$(printf '%s\n' /boot/.hidden-vmlinuz '/boot/a*b' /boot/initrd.img-6.1.0 \
		/boot/vmlinuz-6.1.0 /boot/vmlinuz-6.2.0)" "find /boot, name order"
	run -0 fsimg find "$IMG" /boot/grub /empty
	equals "$output" "$(printf '%s\n' /boot/grub /boot/grub/grub.cfg /empty)" "two start points"
	fsimg find "$IMG" '/dir with space' -print0 >nul.out
	equals "$(tr '\0' '|' <nul.out)" "/dir with space|/dir with space/file one|" "-print0"
	run -3 fsimg find "$IMG" /missing
	contains "$output" "/missing: No such file or directory" "a missing start"
	run -1 fsimg find "$IMG" / -name a -o -name b
	contains "$output" "no -o" "-o"
	run -1 fsimg find "$IMG" / -type q
	run -1 fsimg find "$IMG" / -size 12X
	run -1 fsimg find "$IMG" / -frobnicate
	contains "$output" "unknown test '-frobnicate'" "an unknown test"
	# a link as a start point is not followed, unless -L
	run -0 fsimg find "$IMG" /boot/vmlinuz -type l
	equals "$output" /boot/vmlinuz "find of a link"
	run -0 fsimg find -L "$IMG" /boot/vmlinuz -type f
	equals "$output" /boot/vmlinuz "find -L of a link"
}

# --- shell patterns in operands -----------------------------------------------

@test "patterns: cat and get expand them inside the image, as sh would" {
	run -0 fsimg cat "$IMG" '/boot/vmlinuz-*'
	equals "$output" "$(cat "$CSRC/boot/vmlinuz-6.1.0" "$CSRC/boot/vmlinuz-6.2.0")" "cat pattern"
	mkdir out
	run -0 fsimg get "$IMG" '/boot/vmlinuz-6.?.0' '/b*/init*' out
	cmp out/vmlinuz-6.1.0 "$CSRC/boot/vmlinuz-6.1.0"
	cmp out/vmlinuz-6.2.0 "$CSRC/boot/vmlinuz-6.2.0"
	cmp out/initrd.img-6.1.0 "$CSRC/boot/initrd.img-6.1.0"
	equals "$(ls -A out | wc -l)" 3 "entries extracted"
	# one match may take a new name; several need a directory
	run -0 fsimg get "$IMG" '/boot/vmlinuz-6.1*' kernel
	cmp kernel "$CSRC/boot/vmlinuz-6.1.0"
	run -5 fsimg get "$IMG" '/boot/vmlinuz-*' newname
	contains "$output" "match 2 paths" "several matches to a new name"
	[[ ! -e newname ]]
	# a leading dot only by a dot; [..] classes; directories only with /
	run -0 fsimg cat "$IMG" '/boot/.h*'
	equals "$output" hidden ".h*"
	run -0 fsimg find "$IMG" /boot -name '*vmlinuz*' -type f
	mkdir dots
	run -0 fsimg get "$IMG" '/boot/*' dots
	[[ ! -e dots/.hidden-vmlinuz ]]
	[[ -f dots/vmlinuz-6.1.0 && -d dots/grub ]]
	run -0 fsimg cat "$IMG" '/boot/vmlinuz-6.[2-9].0'
	equals "$output" "kernel 6.2 longer" "[2-9]"
	mkdir dirs
	run -0 fsimg get "$IMG" '/*/' dirs
	[[ -d dirs/boot && -d "dirs/dir with space" && ! -e dirs/empty-file ]]
	# a pattern that matches nothing stays as typed and is reported missing
	run -3 fsimg cat "$IMG" '/boot/nothing*'
	contains "$output" "/boot/nothing*: No such file or directory" "no match"
	# a backslash quotes: the file named a*b itself
	run -0 fsimg cat "$IMG" '/boot/a\*b'
	equals "$output" star 'a\*b'
	run -0 fsimg cat "$IMG" '/dir with space/f*'
	equals "$output" spaced "pattern in a spaced directory"
}

# --- get: the destination ----------------------------------------------------

@test "get: a full disk stops the copy, exit 5, and leaves no partial file" {
	need_root
	mkdir noise small
	# data, not zeros (zeros become holes, which take no space)
	head -c 3000000 /dev/urandom >noise/data
	printf 'after\n' >noise/later
	mkiso noise.iso -R noise
	mount -t tmpfs -o size=1m none small
	run --separate-stderr fsimg get noise.iso /data /later small
	kept=$(ls -A small)
	umount small
	expect_status 5
	contains "$stderr" "No space left on device" stderr
	contains "$stderr" "removed the partial small/data" stderr
	# the copy stops there: nothing after the full disk is tried
	equals "$kept" "" "what the full disk kept"
}

@test "get: a read-only or forbidden destination exits 5 alike" {
	need_root
	mkdir ro
	mount -t tmpfs -o size=1m,ro none ro
	run --separate-stderr fsimg get "$IMG" /boot/vmlinuz-6.1.0 ro
	umount ro
	expect_status 5
	contains "$stderr" "Read-only file system" stderr
	mkdir -m 755 locked
	chmod 755 "$BATS_TEST_TMPDIR"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$FSIMG" get "$IMG" /boot/vmlinuz-6.1.0 "$PWD/locked"
	expect_status 5
	contains "$stderr" "Permission denied" stderr
}

@test "get: on a terminal, a progress bar with ETA, a summary, and -v lines whole" {
	need_cmd script
	mkdir -p big/sub
	head -c $((70 << 20)) /dev/zero >big/sub/large
	printf 'small\n' >big/small
	mkiso big.iso -R big
	mkdir out
	# script(1) gives fsimg a terminal; stdout and stderr both go to it
	run -0 script -qefc "$FSIMG get -v big.iso / out" /dev/null
	cmp out/sub/large big/sub/large
	contains "$output" "ETA " "the bar"
	[[ $output =~ fsimg:\ 70\.0\ MiB\ in\ 2\ files,\ [0-9]+:[0-9]{2},\ .*/s ]] || {
		echo "no summary line in: $output" >&2
		false
	}
	# each path -v prints starts its own line: the bar never precedes it
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		line=${line##*$'\r'}
		case $line in
		*/sub/large | */small) [[ $line == /* ]] || {
			echo "a cut line: $line" >&2
			false
		} ;;
		esac
	done <<<"$output"
	# not on a terminal: no bar, no summary
	rm -rf out && mkdir out
	run -0 --separate-stderr fsimg get big.iso / out
	equals "$stderr" "" "stderr off a terminal"
}
