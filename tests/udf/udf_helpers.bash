# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the UDF tests: the source tree and mkudf.py.

MKUDF=$FSIMG_SRCDIR/tests/udf/mkudf.py

# udf_tree DIR: every kind of object UDF records; names in 8- and 16-bit
# compressed Unicode; a file of several extents (3 MiB, 1 MiB each).
udf_tree() {
	local d=$1
	mkdir -p "$d/dir/sub" "$d/with space" "$d/empty"
	echo hello >"$d/hello.txt"
	# a named stream, for extended file entries
	setfattr -n user.comment -v "a stream" "$d/hello.txt"
	touch -d '2001-02-03 04:05:06 UTC' "$d/hello.txt"
	head -c 3000000 /dev/urandom >"$d/dir/big"
	head -c 100 /dev/urandom >"$d/small"
	chmod 4755 "$d/small"
	: >"$d/zero"
	echo s >"$d/dir/sub/s"
	ln -s hello.txt "$d/link"
	ln -s /dir/sub "$d/abs"
	ln -s ../hello.txt "$d/dir/up"
	ln "$d/hello.txt" "$d/hard"
	echo x >"$d/with space/é ü"
	echo y >"$d/dir/日本語"
	mkfifo "$d/fifo"
	if is_root; then
		mknod "$d/dev" c 1 3
		chown 1234:5678 "$d/dir/big"
	fi
}
