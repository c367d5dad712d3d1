#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Tracing a mount: the USDT probes in the daemon and the library (readelf),
# -o debug's line per request, and fsimg-snoop attached with bpftrace to a
# running mount, recording the requests a reader makes.

load helpers

setup() {
	common_setup
	mkdir -p "$T/src/dir" "$T/mnt"
	echo hello >"$T/src/hello.txt"
	head -c 200000 /dev/urandom >"$T/src/dir/data.bin"
	make_iso "$T/src" "$T/img.iso"
}

teardown() {
	[ -z "${SNOOP:-}" ] || kill -INT -- -"$SNOOP" 2>/dev/null || true
	common_teardown
}

# the probe names in the stapsdt notes of FILE, sorted
probes() {
	readelf -n "$1" | awk '/^ *Provider: fsimg/ { getline; print $2 }' | sort -u
}

@test "the daemon and the library carry their USDT probes" {
	local lib
	lib=$(ldd "$MOUNT_FSIMG" | awk '/libfsimg\.so/ { print $3 }')
	[ -f "$lib" ]
	run probes "$MOUNT_FSIMG"
	[ "$(echo $output)" = "request__done request__start" ]
	run probes "$lib"
	[ "$(echo $output)" = "cache__hit cache__miss image__read__done image__read__start probe" ]
}

@test "-o debug: one line per request on standard error, with its result" {
	"$FSIMG" mount -o debug "$T/img.iso" "$T/mnt" 2>"$T/debug.log" &
	local i
	for i in $(seq 100); do
		is_mounted "$T/mnt" && break
		sleep 0.1
	done
	is_mounted "$T/mnt"
	cmp "$T/src/dir/data.bin" "$T/mnt/dir/data.bin"
	run cat "$T/mnt/nosuch"
	[ "$status" -ne 0 ]
	umount "$T/mnt"
	wait
	cat "$T/debug.log"
	grep -q "^fsimg: lookup ino 1 'dir': [0-9]* ([0-9.]* ms)$" "$T/debug.log"
	grep -q "^fsimg: lookup ino [0-9]* 'data.bin': [0-9]* ([0-9.]* ms)$" "$T/debug.log"
	grep -q "^fsimg: read ino [0-9]* off 0 size [0-9]*: [0-9]* ([0-9.]* ms)$" "$T/debug.log"
	grep -q "^fsimg: lookup ino 1 'nosuch': ENOENT ([0-9.]* ms)$" "$T/debug.log"
	# the bytes the reads returned are the file's
	local sum
	sum=$(awk '/^fsimg: read / { sub(":", "", $9); s += $9 } END { print s }' \
		"$T/debug.log")
	[ "$sum" = 200000 ]
	# without debug=fuse, none of libfuse's own protocol dump
	! grep -q "^unique: " "$T/debug.log"
}

# debug_mount IMG: mounted by FUSE (the kernel reads ext2 itself) in the
# background, with -o debug to $T/debug.log
debug_mount() {
	"$FSIMG" mount -o backend=fuse,debug "$1" "$T/mnt" 2>"$T/debug.log" &
	local i
	for i in $(seq 100); do
		is_mounted "$T/mnt" && return 0
		sleep 0.1
	done
	return 1
}

# requests OP: how many lines of $T/debug.log are requests OP
requests() {
	grep -c "^fsimg: $1 " "$T/debug.log" || true
}

@test "requests a reader does not need are not sent: one open for every file, one getxattr without attributes" {
	# ISO9660 without attributes: the first getxattr answers ENOSYS and
	# the kernel asks no more; the first open does the same
	echo two >"$T/src/dir/two.txt"
	make_iso "$T/src" "$T/img.iso"
	debug_mount "$T/img.iso"
	cat "$T/mnt/hello.txt" "$T/mnt/dir/two.txt" "$T/mnt/dir/data.bin" >/dev/null
	cat "$T/mnt/hello.txt" >/dev/null
	ls -lR "$T/mnt" >/dev/null
	ls -lR "$T/mnt" >/dev/null
	umount "$T/mnt"
	wait
	cat "$T/debug.log"
	[ "$(requests open)" = 1 ]
	grep -q "^fsimg: open ino [0-9]*: ENOSYS" "$T/debug.log"
	[ "$(requests opendir)" = 1 ]
	[ "$(requests release)" = 0 ]
	[ "$(requests releasedir)" = 0 ]
	[ "$(requests getxattr)" = 1 ]
	grep -q "^fsimg: getxattr .*: ENOSYS" "$T/debug.log"
	[ "$(requests read)" -ge 3 ]
}

@test "ext2 without the ext_attr feature: one getxattr, then the kernel knows" {
	mke2fs -q -F -t ext2 -O ^ext_attr -d "$T/src" "$T/img.ext2" 8M
	debug_mount "$T/img.ext2"
	ls -lR "$T/mnt" >/dev/null
	ls -l "$T/mnt/dir" >/dev/null
	umount "$T/mnt"
	wait
	[ "$(requests getxattr)" = 1 ]
	grep -q "^fsimg: getxattr .*: ENOSYS" "$T/debug.log"
	# with the feature, every file is asked (ENODATA is per name)
	mke2fs -q -F -t ext2 -O ext_attr -d "$T/src" "$T/img2.ext2" 8M
	debug_mount "$T/img2.ext2"
	ls -lR "$T/mnt" >/dev/null
	umount "$T/mnt"
	wait
	[ "$(requests getxattr)" -ge 3 ]
}

@test "fsimg-snoop shows the live requests of a mount" {
	command -v bpftrace >/dev/null || {
		echo "bpftrace is missing: scripts/deps.sh --test installs it"
		return 1
	}
	# compressed clusters: the daemon reads them itself (-r shows it)
	qemu-img convert -c -O qcow2 "$T/img.iso" "$T/img.qcow2"
	"$FSIMG" mount "$T/img.qcow2" "$T/mnt"
	setsid "$FSIMG_SRCDIR/scripts/fsimg-snoop" -r "$T/mnt" \
		>"$T/snoop.out" 2>"$T/snoop.err" &
	SNOOP=$!
	local i
	# the header comes from bpftrace's BEGIN, once every probe is attached
	for i in $(seq 300); do
		grep -q "^TIME(ms)" "$T/snoop.out" && break
		sleep 0.1
	done
	grep -q "^TIME(ms)" "$T/snoop.out" || {
		cat "$T/snoop.err"
		return 1
	}
	cat "$T/mnt/hello.txt" >/dev/null
	cat "$T/mnt/dir/data.bin" >/dev/null
	run stat "$T/mnt/nosuch"
	sleep 1
	kill -INT -- -"$SNOOP"
	wait "$SNOOP" || true
	SNOOP=
	cat "$T/snoop.out" "$T/snoop.err"
	grep -Eq "^ *[0-9]+\.[0-9]{3} +[0-9]+ +lookup +1 +'hello.txt' -> [0-9]+ \([0-9]+ us\)$" "$T/snoop.out"
	grep -Eq " read +[0-9]+ +off 0 size [0-9]+ -> 6 \(" "$T/snoop.out"
	grep -Eq " lookup +1 +'nosuch' -> -2 \(" "$T/snoop.out"
	# -r: the image reads the daemon made, with the image's name
	grep -q "image read $T/img.qcow2 off [0-9]* len [0-9]* -> 0 (" "$T/snoop.out"
}

@test "fsimg-snoop: a clear message for what is not an fsimg mount" {
	run "$FSIMG_SRCDIR/scripts/fsimg-snoop" "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"not a mount point"* ]]
	run "$FSIMG_SRCDIR/scripts/fsimg-snoop" /proc
	[ "$status" -eq 1 ]
	[[ $output == *"a proc mount, not an fsimg FUSE mount"* ]]
	run "$FSIMG_SRCDIR/scripts/fsimg-snoop" -x
	[ "$status" -eq 2 ]
}
