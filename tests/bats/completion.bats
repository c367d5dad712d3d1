#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The bash, zsh and fish completions, each run by its shell against the
# fsimg under test: commands, the options of each command, paths inside
# an ISO (a directory with a blank inserted quoted, directories ending
# in one slash), -p from the image's partitions, -t from the driver
# table, host directories after `mount IMAGE`, fsimg mount points after
# `umount`; and the zsh and fish completions are installed where those
# shells look.

load helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR
	export COMPL=$FSIMG_SRCDIR/completions
	export BINDIR
	BINDIR=$(cd "$(dirname "$FSIMG")" && pwd)
	mkdir -p "$d/tree/boot/grub" "$d/tree/dir with space/inner" \
		"$d/host dir" "$d/hostdir2"
	echo x >"$d/tree/boot/grub/grub.cfg"
	echo y >"$d/tree/dir with space/a file"
	echo z >"$d/tree/readme.txt"
	xorriso -as mkisofs -R -o "$d/x.iso" "$d/tree" 2>/dev/null
	# an MBR image: partition 1 FAT with a directory, partition 2 empty
	truncate -s 20M "$d/mbr.img"
	printf 'start=2048,size=8192,type=c\nstart=10240,size=8192,type=83\n' |
		sfdisk -q "$d/mbr.img"
	mkfs.vfat --offset 2048 "$d/mbr.img" 4096 >/dev/null
	mmd -i "$d/mbr.img@@1M" ::/inpart
	"$FSIMG" --list-types | tr ' ' '\n' | sort >"$d/types"
}

setup() {
	cd "$BATS_FILE_TMPDIR" || return 1
}

teardown() {
	if [[ -n ${MNT:-} ]] && grep -q " fuse.fsimg " /proc/self/mountinfo; then
		fusermount3 -u "$MNT" 2>/dev/null || umount "$MNT" 2>/dev/null
	fi
	return 0
}

# bcomp WORD...: the bash completion of the last WORD (COMPREPLY, one a
# line, as inserted).
bcomp() {
	PATH=$BINDIR:$PATH bash -c '
		source "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_fsimg
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPL/fsimg.bash" "$@"
}

# zcomp LINE: the zsh completion of LINE: "MATCH:word" lines, then
# "BUFFER:line" after the Tab.
zcomp() {
	need_cmd zsh
	PATH=$BINDIR:$PATH timeout 60 zsh -f "$TESTLIB/zcomplete.zsh" "$COMPL" "$1"
}

# fcomp LINE: the fish completion of LINE, the candidates one a line.
fcomp() {
	need_cmd fish
	PATH=$BINDIR:$PATH fish --no-config -c \
		'set -p fish_complete_path $argv[1]; complete -C $argv[2]' \
		"$COMPL" "$1" | cut -f1
}

CMDS="boot cat eltorito find get help info ls mount umount"

@test "bash: commands, and options per command" {
	run -0 bcomp fsimg ""
	[ "$(echo $(sort <<<"$output"))" = "$CMDS" ]
	run -0 bcomp fsimg help ""
	[ "$(echo $(sort <<<"$output"))" = "$CMDS" ]
	run -0 bcomp fsimg -
	[[ $'\n'$output$'\n' == *$'\n--list-types\n'* ]]
	[[ $'\n'$output$'\n' == *$'\n--no-sandbox\n'* ]]
	run -0 bcomp fsimg ls -
	local o
	for o in -l -R -d -a -L --human-readable -n --numeric-uid-gid \
		--time-style= --json -p --partition --no-sandbox; do
		grep -qx -- "$o" <<<"$output"
	done
	run -0 bcomp fsimg ls --time-style=
	[ "$(echo $(sort <<<"$output"))" = "--time-style=+ --time-style=full-iso --time-style=iso --time-style=locale --time-style=long-iso" ]
	run -0 bcomp fsimg get -
	grep -qx -- -f <<<"$output"
	grep -qx -- -L <<<"$output"
	run -0 bcomp fsimg boot -
	for o in --json --entry= --get= --pvboot --output-limit= -f; do
		grep -qx -- "$o" <<<"$output"
	done
	run -0 bcomp fsimg find x.iso / -
	for o in -name -iname -path -type -size -empty -not -maxdepth \
		-mindepth -print0; do
		grep -qx -- "$o" <<<"$output"
	done
	run -0 bcomp fsimg find x.iso / -type ""
	[ "$(echo $output)" = "f d l b c p s" ]
	run -0 bcomp fsimg mount -
	grep -qx -- -f <<<"$output"
	grep -qx -- -n <<<"$output"
	run -0 bcomp fsimg mount -o backend=
	[ "$(echo $output)" = "backend=auto backend=fuse backend=kernel" ]
	run -0 bcomp fsimg umount -
	grep -qx -- -v <<<"$output"
	! grep -qx -- --json <<<"$output"
}

@test "bash: -t offers the driver table, -p the image's partitions" {
	run -0 bcomp fsimg -t ""
	[ "$(grep -v '^auto$' <<<"$output" | sort)" = "$(cat types)" ]
	run -0 bcomp fsimg ls mbr.img -p ""
	[ "$(echo $(sort <<<"$output"))" = "1 2 auto" ]
	run -0 bcomp fsimg -p ""
	[ "$output" = auto ]
}

@test "bash: paths inside the image, quoted, one slash" {
	run -0 bcomp fsimg ls x.iso /
	[ "$(echo $(sort <<<"$output"))" = '/boot/ /dir\ with\ space/ /readme.txt' ]
	run -0 bcomp fsimg ls x.iso /boot/
	[ "$output" = /boot/grub/ ]
	run -0 bcomp fsimg cat x.iso '/dir\ w'
	[ "$output" = '/dir\ with\ space/' ]
	run -0 bcomp fsimg cat x.iso "'/dir w"
	[ "$output" = '/dir\ with\ space/' ]
	run -0 bcomp fsimg cat x.iso '/dir\ with\ space/'
	[ "$(echo $(sort <<<"$output"))" = '/dir\ with\ space/a\ file /dir\ with\ space/inner/' ]
	run -0 bcomp fsimg get x.iso bo
	[ "$output" = boot/ ]
	[[ $output != *//* ]]
	# -p after the command word, and the partition's own tree
	run -0 bcomp fsimg ls -p 1 mbr.img /
	[ "$output" = /inpart/ ]
	run -0 bcomp fsimg ls mbr.img -p1 /
	[ "$output" = /inpart/ ]
}

@test "mount completes host directories; umount offers fsimg mount points (bash, zsh, fish)" {
	run -0 bcomp fsimg mount x.iso h
	[ "$(echo $(sort <<<"$output"))" = 'host\ dir/ hostdir2/' ]
	run -0 bcomp fsimg umount x
	[ "$output" = x.iso ]
	[[ -e /dev/fuse ]] || skip "needs /dev/fuse for the mount point"
	need_cmd fusermount3
	MNT=$BATS_FILE_TMPDIR/host\ dir
	fsimg mount x.iso "$MNT" || skip "fsimg mount does not work here"
	run -0 bcomp fsimg umount ""
	grep -qxF -- "$MNT" <<<"$output"
	run -0 bcomp fsimg umount /
	grep -qxF -- "$MNT" <<<"$output"
	if command -v zsh >/dev/null; then
		run -0 zcomp "fsimg umount /"
		grep -qxF -- "MATCH:${MNT// /\\ }" <<<"$output"
	fi
	if command -v fish >/dev/null; then
		run -0 fcomp "fsimg umount /"
		grep -qxF -- "$MNT" <<<"$output"
	fi
}

@test "zsh: the function loads from the completions directory" {
	need_cmd zsh
	run -0 zsh -fc 'fpath=($1 $fpath); autoload -U compinit; compinit -u -D
		print -r -- $_comps[fsimg]; autoload +X _fsimg && print loaded' _ "$COMPL"
	[ "$output" = $'_fsimg\nloaded' ]
}

@test "zsh: commands, options, types and partitions" {
	run -0 zcomp "fsimg "
	[ "$(echo $(sed -n 's/^MATCH://p' <<<"$output" | sort))" = "$CMDS" ]
	run -0 zcomp "fsimg ls -"
	local o
	for o in -l -R -d -a -L -h --human-readable -n --numeric-uid-gid \
		--time-style --json -p --partition --no-sandbox; do
		grep -qx -- "MATCH:$o" <<<"$output"
	done
	run -0 zcomp "fsimg find x.iso / -"
	for o in -name -iname -path -type -size -empty -not -maxdepth \
		-mindepth -print0; do
		grep -qx -- "MATCH:$o" <<<"$output"
	done
	run -0 zcomp "fsimg boot -"
	for o in --json --entry --get --pvboot --output-limit -f; do
		grep -qx -- "MATCH:$o" <<<"$output"
	done
	run -0 zcomp "fsimg mount -"
	grep -qx -- "MATCH:-n" <<<"$output"
	run -0 zcomp "fsimg mount -o ro,allow_"
	grep -qxF 'BUFFER:fsimg mount -o ro,allow_other,' <<<"$output"
	run -0 zcomp "fsimg -t "
	[ "$(sed -n 's/^MATCH://p' <<<"$output" | grep -v '^auto$' | sort)" = "$(cat types)" ]
	run -0 zcomp "fsimg ls mbr.img -p "
	[ "$(echo $(sed -n 's/^MATCH://p' <<<"$output" | sort))" = "1 2 auto" ]
}

@test "zsh: paths inside the image, quoted, one slash, -p after the command" {
	run -0 zcomp "fsimg ls x.iso /"
	[ "$(echo $(sed -n 's/^MATCH://p' <<<"$output" | sort))" = '/boot/ /dir\ with\ space/ /readme.txt' ]
	run -0 zcomp "fsimg ls x.iso /di"
	grep -qxF 'BUFFER:fsimg ls x.iso /dir\ with\ space/' <<<"$output"
	run -0 zcomp "fsimg get x.iso /boot/"
	grep -qxF 'BUFFER:fsimg get x.iso /boot/grub/' <<<"$output"
	run -0 zcomp "fsimg ls -p 1 mbr.img /"
	grep -qxF 'BUFFER:fsimg ls -p 1 mbr.img /inpart/' <<<"$output"
	run -0 zcomp "fsimg ls --partition=1 mbr.img /"
	grep -qxF 'BUFFER:fsimg ls --partition=1 mbr.img /inpart/' <<<"$output"
	run -0 zcomp "fsimg mount x.iso hostd"
	grep -qxF 'BUFFER:fsimg mount x.iso hostdir2/' <<<"$output"
}

@test "fish: commands, options, types and partitions" {
	run -0 fcomp "fsimg "
	[ "$(echo $(sort <<<"$output"))" = "$CMDS" ]
	run -0 fcomp "fsimg ls -"
	local o
	for o in -l -R -d -a -L --human-readable -n --numeric-uid-gid \
		--time-style --json -p --partition --no-sandbox; do
		grep -qx -- "$o" <<<"$output"
	done
	run -0 fcomp "fsimg find x.iso / -"
	for o in -name -iname -path -type -size -empty -not -maxdepth \
		-mindepth -print0; do
		grep -qx -- "$o" <<<"$output"
	done
	run -0 fcomp "fsimg mount -o backend=k"
	[ "$output" = backend=kernel ]
	run -0 fcomp "fsimg -t "
	[ "$(grep -v '^auto$' <<<"$output" | sort)" = "$(cat types)" ]
	run -0 fcomp "fsimg ls mbr.img -p "
	[ "$(echo $(sort <<<"$output"))" = "1 2 auto" ]
}

@test "fish: paths inside the image, one slash, -p after the command" {
	run -0 fcomp "fsimg ls x.iso /"
	[ "$(sort <<<"$output")" = $'/boot/\n/dir with space/\n/readme.txt' ]
	run -0 fcomp "fsimg cat x.iso bo"
	[ "$output" = boot/ ]
	run -0 fcomp "fsimg ls -p 1 mbr.img /"
	[ "$output" = /inpart/ ]
	run -0 fcomp "fsimg mount x.iso hostd"
	[ "$output" = hostdir2/ ]
}

@test "the zsh and fish completions are installed where the shells look" {
	need_cmd zsh fish python3
	local build
	build=$(dirname "$(dirname "$FSIMG")")
	[[ -d $build/meson-info ]] || skip "no meson build directory"
	run -0 python3 -c '
import json, sys
for src, dst in json.load(open(sys.argv[1])).items():
    if src.endswith(("/_fsimg", "/fsimg.fish")):
        print(dst)' "$build/meson-info/intro-installed.json"
	local zdir fdir prefix
	zdir=$(dirname "$(grep '/_fsimg$' <<<"$output")")
	fdir=$(dirname "$(grep '/fsimg.fish$' <<<"$output")")
	prefix=$(python3 -c '
import json, sys
for o in json.load(open(sys.argv[1])):
    if o["name"] == "prefix":
        print(o["value"])' "$build/meson-info/intro-buildoptions.json")
	case $prefix in
	/usr | /usr/local) ;;
	*) skip "prefix $prefix: the shells are not expected to look there" ;;
	esac
	env -u XDG_DATA_DIRS zsh -fc 'print -l $fpath' | grep -qxF -- "$zdir"
	# fish's own configuration (not the user's) sets fish_complete_path
	env -u XDG_DATA_DIRS HOME="$BATS_TEST_TMPDIR" \
		XDG_CONFIG_HOME="$BATS_TEST_TMPDIR" XDG_DATA_HOME="$BATS_TEST_TMPDIR" \
		fish -c 'printf "%s\n" $fish_complete_path' |
		grep -qxF -- "$fdir"
}
