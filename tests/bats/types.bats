#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One list of filesystem types: the driver table. `fsimg --list-types`
# prints it; -t accepts every name and alias in it; --help, the bash,
# zsh and fish completions and fsimg(1) follow it, so that a new driver
# is announced everywhere by its descriptor alone (or this test says
# where it is missing).

load helpers

setup_file() {
	export TYPES=$BATS_FILE_TMPDIR/types
	"$FSIMG" --list-types >"$TYPES"
	mke2fs -q -F -t ext2 "$BATS_FILE_TMPDIR/ext2.img" 1M
}

@test "--list-types: one driver a line, name then other names" {
	[ "$(wc -l <"$TYPES")" -ge 4 ]
	local names
	names=$(cut -d' ' -f1 "$TYPES" | tr '\n' ' ')
	# the drivers of this version, in probe order: UDF first (a bridge
	# disc is UDF, as blkid says), then ISO9660 (found at 32 KiB) before
	# the formats of the first sector, so that a hybrid ISO is read as an
	# ISO; the table may grow, these stay
	[[ $names == "udf iso9660 vfat "* ]]
	[[ $names == *" ext4 "* && $names == *" ufs "* ]]
	grep -qx "ext4 ext2 ext3" "$TYPES"
}

@test "-t accepts every name and alias the list gives, and nothing else" {
	local t img=$BATS_FILE_TMPDIR/ext2.img
	for t in $(cat "$TYPES"); do
		run fsimg -t "$t" ls "$img"
		[[ $output != *"unknown filesystem type"* ]]
		# the ext driver's names read it; the others look and say no
		if grep -qw -- "$t" <(grep '^ext4 ' "$TYPES"); then
			[ "$status" -eq 0 ]
		else
			[ "$status" -eq 2 ]
			[[ $output == *"no $t filesystem"* ]]
		fi
	done
	run fsimg -t nosuchfs ls "$img"
	[[ $output == *"unknown filesystem type 'nosuchfs'"* ]]
}

@test "--help lists every type with its other names" {
	local name rest
	run -0 fsimg --help
	while read -r name rest; do
		if [ -n "$rest" ]; then
			[[ $output == *"  $name"*"also ${rest// /, }"* ]]
		else
			[[ $output == *"  $name"* ]]
		fi
	done <"$TYPES"
}

@test "fsimg(1) names every type and alias under -t" {
	local man=$FSIMG_SRCDIR/man/fsimg.1 para t
	# the paragraph of -t, --type
	para=$(sed -n '/^\.BR \\-t ", " \\-\\-type/,/^\.TP/p' "$man")
	[ -n "$para" ]
	for t in $(cat "$TYPES"); do
		grep -qw -- "$t" <<<"$para" || {
			echo "fsimg(1) does not name '$t' under -t" >&2
			return 1
		}
	done
}

@test "the bash completion offers the types of the driver table" {
	local dir
	dir=$(dirname "$FSIMG")
	run -0 bash -c '
		PATH=$1:$PATH
		source "$2"
		COMP_WORDS=(fsimg -t "")
		COMP_CWORD=2
		_fsimg
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$dir" \
		"$FSIMG_SRCDIR/completions/fsimg.bash"
	[ "$output" = "$( (echo auto; tr ' ' '\n' <"$TYPES") | sort)" ]
}

@test "the zsh and fish completions ask fsimg for the types" {
	grep -q -- "--list-types" "$FSIMG_SRCDIR/completions/_fsimg"
	grep -q -- "--list-types" "$FSIMG_SRCDIR/completions/fsimg.fish"
	# and hold no list of their own
	! grep -qE "iso9660|ext4|vfat" "$FSIMG_SRCDIR/completions/_fsimg" \
		"$FSIMG_SRCDIR/completions/fsimg.fish"
}
