#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Rock Ridge round trip: a tree holding every kind of object (tests/lib/
# mktree.sh) is written by xorriso (-R -J --hardlinks) and by NetBSD makefs
# (-t cd9660 -o rockridge), then listed (ls -R --json) and extracted (get)
# by fsimg and compared with the source field by field.
#
# What makefs (NetBSD makefs as packaged in Debian 12) cannot write
# correctly, so its source tree leaves it out:
#  - two directories whose names differ only by case (makefs segfaults on
#    names/case/Dir + names/case/dir);
#  - sockets (not written at all);
#  - names and symlink targets that need a SUSP continuation area (255-byte
#    names, targets over ~150 bytes): makefs packs the CE areas back to back
#    across block boundaries, which Linux and libarchive reject as corrupt
#    (and for targets over ~750 bytes it writes NUL bytes into SL);
#  - directories deeper than 8 levels: makefs always relocates them
#    (allow-deep-trees is ignored with rockridge) and writes no RE entry;
#    that case has its own test below.

load helpers

setup_file() {
	export SRC=$BATS_FILE_TMPDIR/src
	export RR=$BATS_FILE_TMPDIR/rr.iso
	"$MKTREE" "$SRC"
	mkiso "$RR" -R -J --hardlinks -V FSIMG_RR "$SRC"

	if command -v makefs >/dev/null; then
		export MKSRC=$BATS_FILE_TMPDIR/mksrc
		export MK=$BATS_FILE_TMPDIR/makefs.iso
		cp -a "$SRC" "$MKSRC"
		rm -rf "$MKSRC/names/case/Dir" "$MKSRC/special/socket" \
			"$MKSRC/links/long-target" "$MKSRC/links/target-255" \
			"$MKSRC/links/to-long-name" "$MKSRC/deep"
		# names of more than 100 bytes need a CE area
		(
			cd "$MKSRC/names" || exit 1
			LC_ALL=C
			for n in *; do
				if ((${#n} > 100)); then rm -rf -- "$n"; fi
			done
		)
		# the removals changed these directories' mtimes: restore them
		touch -d @1589805296 "$MKSRC" "$MKSRC/names" "$MKSRC/names/case" \
			"$MKSRC/links"
		[[ -d $MKSRC/special ]] && touch -d @1589805296 "$MKSRC/special"
		makefs -t cd9660 -o rockridge,label=FSIMG_MAKEFS \
			"$MK" "$MKSRC" >"$MK.log" 2>&1 || {
			cat "$MK.log" >&2
			return 1
		}
	fi
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

@test "xorriso RR: ls -R --json is well-formed and lists every entry" {
	ls_json "$RR" rr.json
	json_sanity rr.json
	local want got
	want=$(find "$SRC" -mindepth 1 -printf x | wc -c)
	got=$(jq length rr.json)
	equals "$got" "$want" "number of entries"
	# paths are unique and none of them is the root itself
	equals "$(jq '[.[].path] | unique | length' rr.json)" "$want" "unique paths"
	equals "$(jq '[.[] | select(.path == "/")] | length' rr.json)" 0 "root entries"
}

@test "xorriso RR: ls -R --json matches the source field by field" {
	ls_json "$RR" rr.json
	compare_json_tree rr.json "$SRC" "$FIELDS_RR"
}

@test "xorriso RR: nanosecond fields are zero with RR short TF times" {
	ls_json "$RR" rr.json
	run jq -c '.[] | select(.mtime_ns != 0 or .atime_ns != 0 or .ctime_ns != 0)
		| {path, mtime_ns, atime_ns, ctime_ns}' rr.json
	expect_status 0
	equals "$output" "" "entries with sub-second times"
}

@test "xorriso RR: hard links share ino and nlink in the listing" {
	ls_json "$RR" rr.json
	run jq -r '[.[] | select(.path | startswith("/hard/"))
		| select(.type == "file")
		| "\(.path) \(.nlink)"] | sort | join(",")' rr.json
	equals "$output" "/hard/a 3,/hard/b 3,/hard/empty1 2,/hard/empty2 2,/hard/sub/c 3"
	equals "$(jq '[.[] | select(.path == "/hard/a" or .path == "/hard/b"
		or .path == "/hard/sub/c") | .ino] | unique | length' rr.json)" 1 \
		"distinct ino in the group of 3"
	equals "$(jq '[.[] | select(.path == "/hard/empty1" or .path == "/hard/empty2")
		| .ino] | unique | length' rr.json)" 1 "distinct ino in the group of 2"
	# and no other file shares those numbers
	equals "$(jq '[.[] | select(.type == "file") | .ino] | group_by(.)
		| map(select(length > 1)) | map(length) | sort' -c rr.json)" "[2,3]" \
		"shared ino groups"
}

@test "xorriso RR: get / extracts an identical tree (modes, times, links, devices)" {
	get_tree "$RR" out
	compare_trees "$SRC" out "$(get_fields)" "$(get_flags)"
}

@test "xorriso RR: get keeps atime and mtime as the listing reports them" {
	ls_json "$RR" rr.json
	get_tree "$RR" out
	# before anything reads the extracted files
	compare_json_tree rr.json out atime,mtime
}

@test "xorriso RR: get writes hard links as links and holes as holes" {
	get_tree "$RR" out
	local a b c
	a=$(stat -c %i out/hard/a)
	b=$(stat -c %i out/hard/b)
	c=$(stat -c %i out/hard/sub/c)
	equals "$b" "$a" "inode of hard/b"
	equals "$c" "$a" "inode of hard/sub/c"
	equals "$(stat -c %h out/hard/a)" 3 "link count of hard/a"
	equals "$(stat -c %i out/hard/empty2)" "$(stat -c %i out/hard/empty1)" \
		"inode of hard/empty2"
	is_sparse out/sparse/holey || {
		stat out/sparse/holey >&2
		false
	}
	is_sparse out/sparse/all-hole
	is_sparse out/sparse/tail-data
	cmp out/sparse/holey "$SRC/sparse/holey"
}

@test "xorriso RR: get recreates devices, fifos and sockets" {
	need_root
	get_tree "$RR" out
	[[ -c out/special/char-1-3 ]]
	[[ -b out/special/block-8-1 ]]
	[[ -b out/special/block-259-7 ]]
	[[ -p out/special/fifo ]]
	[[ -S out/special/socket ]]
	equals "$(stat -c '%t:%T' out/special/block-259-7)" "103:7" "rdev (hex)"
	equals "$(stat -c '%u:%g' out/owners/f-2000000-3000000)" 2000000:3000000 owner
	equals "$(stat -c '%u:%g' out/owners/link-4321)" 4321:8765 "symlink owner"
}

@test "xorriso RR: cat gives the exact bytes of files" {
	local f emoji
	emoji=$(printf '😀%.0s' {1..63})abc
	for f in files/random-3m files/size-1 files/size-2047 files/size-2048 \
		files/size-2049 files/size-65536 sparse/holey sparse/tail-data \
		"names/$emoji" "names/Café crème" "names/newline
name" hard/sub/c "deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/level-12.txt"; do
		fsimg cat "$RR" "/$f" >got
		cmp got "$SRC/$f" || {
			echo "fsimg cat /$f differs from the source" >&2
			false
		}
	done
	# an empty file gives no bytes and succeeds
	run -0 fsimg cat "$RR" /files/empty
	equals "$output" "" "cat of an empty file"
	# cat of several files concatenates them
	fsimg cat "$RR" /files/hello.txt /files/lines.txt >got
	cat "$SRC/files/hello.txt" "$SRC/files/lines.txt" | cmp - got
	# a path through a symlink is followed inside the image
	fsimg cat "$RR" /links/relative >got
	cmp got "$SRC/files/hello.txt"
	fsimg cat "$RR" /links/to-dir/d01/level-01.txt >got
	cmp got "$SRC/deep/d01/level-01.txt"
}

@test "xorriso RR: ls -l prints MODE NLINK UID GID SIZE MTIME NAME [-> TARGET]" {
	local o
	o="$(id -u) $(id -g)" # the owner of the source tree
	run -0 fsimg ls -l "$RR" /times
	output="$(tr -s ' ' <<<"$output")" # the columns are aligned
	contains "$output" "-rw-r--r-- 1 $o 12 2100-06-15 08:30:00 t2100-06-15" "ls -l"
	contains "$output" "-rw-r--r-- 1 $o 12 1980-01-01 00:00:00 t1980-01-01" "ls -l"
	contains "$output" "-rw-r--r-- 1 $o 12 2038-01-19 03:14:08 t2038-01-19" "ls -l"
	contains "$output" "lrwxrwxrwx 1 $o 11 2001-01-01 00:00:00 link-2001 -> t1980-01-01" "ls -l"
	contains "$output" "drwxr-xr-x 1 $o 2048 1985-07-01 00:00:00 dir-1985" "ls -l"
	run -0 fsimg ls -l "$RR" /modes
	output="$(tr -s ' ' <<<"$output")"
	contains "$output" "-rwsr-xr-x 1 $o 10 2020-05-17 12:34:56 f4755" "ls -l"
	contains "$output" "-rwxr-sr-x 1 $o 10 2020-05-17 12:34:56 f2755" "ls -l"
	contains "$output" "drwxrwxrwt 1 $o 2048 2020-05-18 12:34:56 sticky-dir" "ls -l sticky dir"
	# the plain listing is one name per line, sorted, no "." or ".."
	run -0 fsimg ls "$RR" /hard
	equals "$output" "$(printf 'a\nb\nempty1\nempty2\nsub')" "ls /hard"
}

@test "xorriso RR: ls -R --json of a subdirectory lists what is below it" {
	fsimg ls -R --json "$RR" /deep/d01/d02 >sub.json
	json_sanity sub.json
	run -0 jq -r '.[].path' sub.json
	contains "$output" "/deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/level-12.txt" paths
	equals "$(jq '[.[] | select(.path | startswith("/deep/d01/d02/") | not)] | length' sub.json)" 0 \
		"entries outside /deep/d01/d02"
	equals "$(jq length sub.json)" "$(find "$SRC/deep/d01/d02" -mindepth 1 -printf x | wc -c)" "entry count"
	compare_json_tree sub.json "$SRC/deep/d01/d02" "$FIELDS_RR" "" /deep/d01/d02
	# without -R: the entries of the directory only
	fsimg ls --json "$RR" /hard >hard.json
	equals "$(jq -c '[.[].name]' hard.json)" '["a","b","empty1","empty2","sub"]' names
}

@test "xorriso RR: get of single files and directories into DEST" {
	mkdir dest
	run -0 fsimg get "$RR" /files/hello.txt dest
	cmp dest/hello.txt "$SRC/files/hello.txt"
	# DEST that does not exist: the new name of PATH
	run -0 fsimg get "$RR" /files/size-2049 renamed
	cmp renamed "$SRC/files/size-2049"
	run -0 fsimg get "$RR" /deep newdeep
	compare_trees "$SRC/deep" newdeep "$(get_fields)" "$(get_flags)"
	# several PATHs into one directory
	run -0 fsimg get "$RR" /times /hard dest
	compare_trees "$SRC/times" dest/times "$(get_fields)" "$(get_flags)"
	compare_trees "$SRC/hard" dest/hard "$(get_fields)" "$(get_flags)"
	# a symlink PATH is extracted as the symlink, not what it points to
	run -0 fsimg get "$RR" /links/to-dir dest
	[[ -L dest/to-dir ]]
	equals "$(readlink dest/to-dir)" ../deep "target of dest/to-dir"
}

@test "xorriso RR: uid=, gid= and umask= options override what the image says" {
	run -0 fsimg ls --json -o uid=4242,gid=4343,umask=027 "$RR" /files
	equals "$(jq -c '[.[] | .uid] | unique' <<<"$output")" "[4242]" uids
	equals "$(jq -c '[.[] | .gid] | unique' <<<"$output")" "[4343]" gids
	equals "$(jq -r '.[] | select(.name == "hello.txt") | .perm' <<<"$output")" "0640" perm
}

@test "xorriso RR: info --json names the filesystem, Rock Ridge and the label" {
	run -0 fsimg info --json "$RR"
	jq -e . <<<"$output" >/dev/null
	equals "$(jq -r '.filesystems[0].fstype' <<<"$output")" iso9660 type
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" FSIMG_RR label
	contains "$(jq -r '.filesystems[0].fsver // ""' <<<"$output")" "Rock Ridge" version
	equals "$(jq -r '.size' <<<"$output")" "$(stat -c %s "$RR")" "image size"
}

@test "makefs RR: ls -R --json matches the source field by field" {
	need_cmd makefs
	ls_json "$MK" mk.json
	json_sanity mk.json
	compare_json_tree mk.json "$MKSRC" "$FIELDS_RR,dnlink"
}

@test "makefs RR: get / extracts an identical tree" {
	need_cmd makefs
	get_tree "$MK" out
	compare_trees "$MKSRC" out "$(get_fields)" "$(get_flags)"
}

@test "makefs RR: deep directories relocated to .rr_moved appear at their place" {
	need_cmd makefs
	mkdir src
	cp -a "$SRC/deep" src/
	makefs -t cd9660 -o rockridge mk.iso src >mk.log 2>&1
	ls_json mk.iso mk.json
	# makefs writes CL/PL but no RE: the relocated directories must be found
	# through CL at their original place; whether the .rr_moved directory
	# itself is listed is not asserted (without RE it is an ordinary one),
	# but reaching d07 both ways is no loop and no error.
	jq 'map(select(.path | startswith("/.rr_moved") | not))' mk.json >deep.json
	compare_json_tree deep.json src "$FIELDS_RR,dnlink"
	run -0 fsimg cat mk.iso /deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/level-12.txt
	equals "$output" "level 12"
}
