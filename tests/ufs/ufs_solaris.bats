#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Solaris UFS (old-format UFS1, illumos ufs_fs.h/ufs_inode.h/ufs_fsdir.h):
# images written by tests/ufs/mksolufs.py in both byte orders (SPARC big-
# endian, x86 little-endian), listed and extracted by fsimg and compared
# with the generator's description field by field; info names the flavour,
# byte order, state and logging; crafted bad images fail clearly, each run
# under timeout (the fsimg helper).

load ../bats/helpers
load ufs_helpers

MKSOLUFS=$FSIMG_SRCDIR/tests/ufs/mksolufs.py

setup_file() {
	local e
	for e in big little; do
		"$MKSOLUFS" --endian $e --desc "$BATS_FILE_TMPDIR/$e.json" \
			"$BATS_FILE_TMPDIR/$e.img"
		"$MKSOLUFS" --endian $e --no-large \
			"$BATS_FILE_TMPDIR/small-$e.img"
	done
}

setup() {
	common_setup
	need_cmd jq
}

# sol_check ORDER: ls -R --json and get of / against the description
sol_check() {
	local img=$BATS_FILE_TMPDIR/$1.img desc=$BATS_FILE_TMPDIR/$1.json
	fsimg ls -R --json "$img" / >ls.json
	json_sanity ls.json
	run -0 "$MKSOLUFS" check "$desc" ls.json
	fsimg get "$img" / out
	run -0 "$MKSOLUFS" check "$desc" ls.json out
}

@test "ufs solaris: SPARC big-endian reads back exactly" {
	sol_check big
}

@test "ufs solaris: x86 little-endian reads back exactly" {
	sol_check little
}

@test "ufs solaris: fsimg cat of direct, indirect and fragment files" {
	local e
	for e in big little; do
		fsimg cat "$BATS_FILE_TMPDIR/$e.img" /bin/big >big
		[[ $(sha256sum <big | cut -d' ' -f1) == \
			$(jq -r '."/bin/big".sha256' "$BATS_FILE_TMPDIR/$e.json") ]]
		[ "$(stat -c %s big)" -eq 200000 ]
		run -0 fsimg cat "$BATS_FILE_TMPDIR/$e.img" /var/holey
		[[ ${output:0:3} == AAA ]]
		run -0 fsimg ls -l "$BATS_FILE_TMPDIR/$e.img" /var
		[[ $output == *2147586048*large* ]]
	done
}

@test "ufs solaris: info names the flavour, byte order and state" {
	local e order arch
	for e in big little; do
		[[ $e == big ]] && order=big-endian arch=SPARC ||
			order=little-endian arch=x86
		run -0 fsimg info "$BATS_FILE_TMPDIR/$e.img"
		[[ $output == *"type: ufs"* ]]
		[[ $output == *"version: UFS1 (Solaris, $order)"* ]]
		[[ $output == *"flavour: Solaris ($arch)"* ]]
		[[ $output == *"byte_order: $order"* ]]
		[[ $output == *"clean: clean"* ]]
		[[ $output == *"fs_state: valid"* ]]
		[[ $output == *"logging: no"* ]]
		[[ $output == *"large_files: yes"* ]]
		run -0 fsimg info "$BATS_FILE_TMPDIR/small-$e.img"
		[[ $output == *"large_files: no"* ]]
	done
}

@test "ufs solaris: a logging and a dirty filesystem are read and reported" {
	local e
	for e in big little; do
		"$MKSOLUFS" --endian $e --no-large --logging log.img
		run -0 fsimg info log.img
		[[ $output == *"clean: logging (FSLOG)"* ]]
		[[ $output == *"logging: yes"*"log_sector: "*"log_state: "* ]]
		run -0 fsimg cat log.img /etc/motd
		[[ $output == "Oracle Solaris"* ]]
		"$MKSOLUFS" --endian $e --no-large --clean active dirty.img
		run -0 fsimg info dirty.img
		[[ $output == *"clean: dirty (FSACTIVE"* ]]
		# fs_time changed without fs_state: fs_clean is not trusted
		cp "$BATS_FILE_TMPDIR/small-$e.img" stale.img
		"$UFSEDIT" stale.img sb 32 4 1
		run -0 fsimg info stale.img
		[[ $output == *"clean: dirty (fs_state does not match"* ]]
		[[ $output == *"fs_state: invalid"* ]]
		run -0 fsimg ls stale.img /etc
	done
}

@test "ufs solaris: built from a source tree" {
	mkdir -p src/d/sub
	printf 'hello\n' >src/d/file
	head -c 150000 /dev/urandom >src/d/sub/indirect
	ln src/d/file src/hard
	ln -s d/file src/fast
	ln -s "$(printf 'x%.0s' {1..90})" src/slow
	mkfifo src/fifo
	chmod 4711 src/d/file
	if is_root; then
		mknod src/tty c 4 64
		chown 1234:5678 src/d/sub/indirect
		chown -h 70001:70002 src/slow
	fi
	touch -d @1000000000.123456789 src/d/file
	local e
	for e in big little; do
		"$MKSOLUFS" --endian $e --tree src --desc t.json t.img
		fsimg ls -R --json t.img / >ls.json
		run -0 "$MKSOLUFS" check t.json ls.json
		rm -rf out
		fsimg get t.img / out
		run -0 "$MKSOLUFS" check t.json ls.json out
	done
}

ino_of() { fsimg ls -d --json c.img "$1" | jq '.[0].ino'; }

# each_sol CMD...: runs CMD with c.img a fresh copy of each byte order.
# CMD is called plainly: under `cmd || ...` bash ignores set -e inside it.
each_sol() {
	local e
	for e in big little; do
		cp "$BATS_FILE_TMPDIR/small-$e.img" c.img
		echo "byte order: $e" # shown when a check fails
		"$@"
	done
}

@test "ufs solaris crafted: bad d_reclen in an old-format directory" {
	t() {
		local d
		d=$(ino_of /etc)
		cp c.img orig.img
		"$UFSEDIT" c.img dirent "$d" 2 reclen 0
		run -4 fsimg ls c.img /etc
		[[ $output == *"directory $d"*"d_reclen"* ]]
		cp orig.img c.img
		"$UFSEDIT" c.img dirent "$d" 1 reclen 1000
		run -4 fsimg ls c.img /etc
		[[ $output == *"d_reclen"* ]]
	}
	each_sol t
}

@test "ufs solaris crafted: bad 16-bit d_namlen in an old-format directory" {
	t() {
		local d
		d=$(ino_of /etc)
		cp c.img orig.img
		"$UFSEDIT" c.img dirent "$d" 2 namlen16 0xffff
		run -4 fsimg ls c.img /etc
		[[ $output == *"directory $d"*"d_namlen"* ]]
		cp orig.img c.img
		"$UFSEDIT" c.img dirent "$d" 2 namlen16 300
		run -4 fsimg ls c.img /etc
		[[ $output == *"d_namlen"* ]]
		cp orig.img c.img
		"$UFSEDIT" c.img dirent "$d" 2 namlen16 0
		run -4 fsimg ls c.img /etc
		[[ $output == *"d_namlen"* ]]
	}
	each_sol t
}

@test "ufs solaris crafted: an indirect block pointing outside" {
	t() {
		"$UFSEDIT" c.img inode "$(ino_of /bin/big)" ib0 0x7ffffff0
		run -4 fsimg cat c.img /bin/big
		[[ $output == *"inode"*"indirect block"*"outside"* ]]
	}
	each_sol t
}

@test "ufs solaris crafted: a data block pointing outside" {
	t() {
		"$UFSEDIT" c.img inode "$(ino_of /etc/motd)" db0 0xfffffff0
		run -4 fsimg cat c.img /etc/motd
		[[ $output == *"outside the filesystem"* ]]
	}
	each_sol t
}

@test "ufs solaris crafted: a directory cycle ends the listing" {
	t() {
		# /export/home becomes the root directory again
		"$UFSEDIT" c.img dirent "$(ino_of /export)" 2 ino 2
		run -4 fsimg ls -R c.img /
		[[ $output == *"loop"* ]]
	}
	each_sol t
}

@test "ufs solaris: the full test tree reads back exactly (both orders)" {
	ufs_tree src0
	ufs1_tree src0 src # 32-bit times, as UFS1
	local e
	for e in big little; do
		"$MKSOLUFS" --endian $e --tree src t.img
		fsimg ls -R --json t.img / >ls.json
		compare_json_tree ls.json src "$FIELDS_UFS"
		rm -rf out
		fsimg get t.img / out
		compare_trees src out "$(get_fields)" "$(get_flags)"
	done
}
