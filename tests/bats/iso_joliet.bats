#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Joliet and plain ISO9660 name trees, and the choice between the trees:
# Rock Ridge > Joliet > plain names, -o norock, -o nojoliet.
#
# Joliet cannot hold modes, owners, symlinks or devices, and xorriso maps
# what UCS-2 cannot hold (characters outside the BMP become "_", as do
# * / : ; ? \ and control characters; names are cut at 64 units). So:
#  - a tree that fits Joliet exactly (mktree --profile joliet) is compared
#    with its source strictly on names, types, sizes, mtimes and contents;
#  - the Joliet and plain trees of the full tree are compared with what
#    libarchive (bsdtar, iso9660:!rockridge / !joliet) extracts from the
#    same image, names mapped as Linux maps them (plain names lower-case
#    without ";1" or a trailing dot, Joliet names without trailing dots).

load helpers

setup_file() {
	export JSRC=$BATS_FILE_TMPDIR/jsrc SRC=$BATS_FILE_TMPDIR/src
	export JISO=$BATS_FILE_TMPDIR/joliet.iso RRJ=$BATS_FILE_TMPDIR/rrj.iso
	export ORACLE_J=$BATS_FILE_TMPDIR/oracle-joliet
	export ORACLE_P=$BATS_FILE_TMPDIR/oracle-plain
	"$MKTREE" --profile joliet "$JSRC"
	mkiso "$JISO" -J --norock -V FSIMG_JOLIET "$JSRC"
	"$MKTREE" "$SRC"
	mkiso "$RRJ" -R -J -V FSIMG_RRJ "$SRC"
	mkdir "$ORACLE_J" "$ORACLE_P"
	bsdtar --options 'iso9660:!rockridge' -xf "$RRJ" -C "$ORACLE_J"
	# Linux drops trailing dots of Joliet names (fs/isofs/joliet.c, as
	# Windows does); libarchive keeps them
	local p t
	while IFS= read -r -d '' p; do
		t=$(stat -c %Y "${p%/*}")
		mv -- "$p" "$(sed -E 's/\.+$//' <<<"$p")"
		touch -d "@$t" "${p%/*}"
	done < <(find "$ORACLE_J" -depth -name '?*.' -print0)
	bsdtar --options 'iso9660:!rockridge,iso9660:!joliet' -xf "$RRJ" \
		-C "$ORACLE_P"
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

@test "Joliet-only image: names, types, sizes, mtimes match the source" {
	ls_json "$JISO" j.json
	json_sanity j.json
	compare_json_tree j.json "$JSRC" type,size,mtime
	run -0 fsimg ls "$JISO" /names
	contains "$output" "漢字かなカナ" "ls /names"
	contains "$output" "Café crème" "ls /names"
	contains "$output" "$(printf '漢%.0s' {1..64})" "ls /names (64 CJK units)"
}

@test "Joliet-only image: get extracts the same names and contents" {
	get_tree "$JISO" out
	compare_trees "$JSRC" out type,size,mtime
}

@test "Joliet-only image: names differing only by case stay distinct" {
	run -0 fsimg ls "$JISO" /names/case
	equals "$output" "$(printf 'CASE\nCase\ncase')" "ls /names/case"
	fsimg cat "$JISO" /names/case/Case >got
	cmp got "$JSRC/names/case/Case"
}

@test "Joliet-only image: info reports Joliet and the label" {
	run -0 fsimg info --json "$JISO"
	equals "$(jq -r '.filesystems[0].fstype' <<<"$output")" iso9660 type
	contains "$(jq -r '.filesystems[0].fsver // ""' <<<"$output")" Joliet version
	equals "$(jq -r '.filesystems[0].label // ""' <<<"$output")" FSIMG_JOLIET label
}

@test "Joliet-only image: -o nojoliet gives the plain ISO9660 names" {
	mkdir oracle
	bsdtar --options 'iso9660:!joliet' -xf "$JISO" -C oracle
	ls_json "$JISO" p.json -o nojoliet
	compare_json_tree p.json oracle type,size,mtime lower
}

@test "RR+Joliet image: the default reads Rock Ridge" {
	run -0 fsimg ls "$RRJ" /names
	contains "$output" "emoji-😀" "ls /names"
	contains "$output" "name;1" "ls /names"
	run -0 fsimg ls --json "$RRJ" /links
	equals "$(jq -r '.[] | select(.name == "relative") | .type' <<<"$output")" symlink \
		"type of /links/relative"
	ls_json "$RRJ" rr.json
	compare_json_tree rr.json "$SRC" "${FIELDS_RR/,nlink,links/}"
}

@test "RR+Joliet image: -o nojoliet still reads Rock Ridge" {
	ls_json "$RRJ" rr.json -o nojoliet
	compare_json_tree rr.json "$SRC" "${FIELDS_RR/,nlink,links/}"
}

@test "RR+Joliet image: -o norock gives the Joliet tree" {
	ls_json "$RRJ" j.json -o norock
	json_sanity j.json
	compare_json_tree j.json "$ORACLE_J" type,size,mtime
	# no Rock Ridge data leaks into the Joliet view
	equals "$(jq '[.[] | select(.type != "file" and .type != "dir")] | length' j.json)" 0 \
		"symlinks/devices in the Joliet tree"
	run -0 fsimg ls "$RRJ" -o norock /names
	contains "$output" "emoji-_" "Joliet names"
	contains "$output" "name_1" "Joliet names"
}

@test "RR+Joliet image: -o norock get matches the Joliet tree" {
	get_tree "$RRJ" out -o norock
	compare_trees "$ORACLE_J" out type,size,mtime
}

@test "RR+Joliet image: -o nojoliet,norock gives plain names, mapped like Linux" {
	ls_json "$RRJ" p.json -o nojoliet,norock
	json_sanity p.json
	compare_json_tree p.json "$ORACLE_P" type,size,mtime lower
	# lower case, no ";1" version, no trailing "."
	run -0 jq -r '.[].name | select(test("[A-Z;]") or endswith("."))' p.json
	equals "$output" "" "names with upper case, ';' or a trailing '.'"
	run -0 fsimg ls "$RRJ" -o nojoliet,norock /files
	contains "$output" "hello.txt" "plain names"
	contains "$output" "empty" "plain names"
}

@test "RR+Joliet image: -o nojoliet,norock get matches the plain tree" {
	get_tree "$RRJ" out -o norock,nojoliet
	compare_trees "$ORACLE_P" out type,size,mtime lower
}

@test "Joliet names xorriso had to map are read as they are on the disc" {
	mkdir src
	local n
	for n in 'emoji-😀.txt' "$(printf 'a%.0s' {1..70})" \
		"$(printf 'b%.0s' {1..70}).txt" 'colon:semi;star*' 'ok name'; do
		printf '%s\n' "$n" >"src/$n"
	done
	mkiso j.iso -J --norock src
	ls_json j.iso j.json
	mkdir oracle
	bsdtar -xf j.iso -C oracle
	compare_json_tree j.json oracle type,size
	run -0 fsimg ls j.iso /
	contains "$output" "emoji-_.txt" "ls /"
	contains "$output" "ok name" "ls /"
}
