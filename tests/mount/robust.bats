#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A killed daemon leaves no dead mount point; an image truncated under a
# mount gives EIO; concurrent readers all get the right bytes.

load helpers

setup() {
	common_setup
	mkdir -p "$T/src/d"
	echo hello >"$T/src/hello.txt"
	for i in $(seq 1 16); do
		head -c $((1024 * 1024 * (i % 4 + 1) + i)) /dev/urandom >"$T/src/d/f$i"
	done
	head -c $((40 * 1024 * 1024)) /dev/urandom >"$T/src/zlast.bin"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

# Mounts as $1 (as_user, as_capsys or "root"), kills the daemon while a
# reader holds a file open halfway, checks the reader gets an error.
kill_mid_read() {
	local who=$1 pid
	[ "$who" = root ] && who=
	run $who "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	[ -n "$pid" ]
	run $who bash -c "
		exec 4<'$T/mnt/zlast.bin'
		head -c 65536 <&4 >/dev/null || exit 10
		kill -9 $pid
		cat <&4 >/dev/null && exit 11
		exit 0"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "ordinary user: daemon killed mid-read, the mount point is freed" {
	kill_mid_read as_user
	wait_unmounted "$T/mnt" 10
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$(cat "$T/src/hello.txt")" = "$(as_user cat "$T/mnt/hello.txt")" ]
}

@test "root: daemon killed mid-read, the mount point is freed" {
	kill_mid_read root
	wait_unmounted "$T/mnt" 10
}

@test "CAP_SYS_ADMIN only: daemon killed mid-read, the mount point is freed" {
	kill_mid_read as_capsys
	wait_unmounted "$T/mnt" 10
}

@test "daemon and watcher both killed: fsimg umount recovers the dead mount" {
	run as_capsys "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	# every process of this mount: the daemon and its watcher
	pkill -9 -P "$pid" || true
	kill -9 "$pid"
	run as_user stat "$T/mnt/hello.txt"
	[ "$status" -ne 0 ]
	is_mounted "$T/mnt"
	run as_capsys "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "ordinary user: daemon and watcher killed, fsimg umount recovers" {
	run as_user "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	pkill -9 -P "$pid" || true
	kill -9 "$pid"
	run as_user ls "$T/mnt"
	[ "$status" -ne 0 ]
	is_mounted "$T/mnt"
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "image truncated while mounted: EIO, the daemon keeps serving" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$(as_user cat "$T/mnt/hello.txt")" = hello ]
	truncate -s 1M "$T/img.iso"
	run as_user cat "$T/mnt/zlast.bin"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Input/output error"* ]]
	run as_user dd if="$T/mnt/zlast.bin" of=/dev/null bs=1M skip=20 count=1
	[ "$status" -ne 0 ]
	[[ "$output" == *"Input/output error"* ]]
	as_user ls "$T/mnt/d" >/dev/null
	as_user umount "$T/mnt"
}

@test "image removed while mounted: the open image keeps serving" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	rm "$T/img.iso"
	cmp "$T/src/d/f3" <(as_user cat "$T/mnt/d/f3")
	as_user umount "$T/mnt"
}

@test "16 concurrent readers get exactly the right bytes" {
	as_user "$FSIMG" mount "$T/img.iso" "$T/mnt"
	local i pids=()
	for i in $(seq 1 16); do
		as_user cmp "$T/mnt/d/f$i" "$T/src/d/f$i" &
		pids+=($!)
	done
	for i in $(seq 1 16); do
		as_user cmp "$T/mnt/zlast.bin" "$T/src/zlast.bin" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	as_user umount "$T/mnt"
}

@test "more files than the daemon keeps open, read at once: every byte right" {
	# reads name only the node (zero-message opens): the open files come
	# from a table of 64 (fuse/files.c), here recycled while in use
	mkdir -p "$T/many"
	local i pids=()
	for i in $(seq 1 100); do
		head -c $((200 * 1024 + i)) /dev/urandom >"$T/many/f$i"
	done
	make_iso "$T/many" "$T/many.iso"
	chmod 644 "$T/many.iso"
	as_user "$FSIMG" mount "$T/many.iso" "$T/mnt"
	for i in $(seq 1 100); do
		as_user cmp "$T/mnt/f$i" "$T/many/f$i" &
		pids+=($!)
	done
	for i in $(seq 100 -1 1); do
		as_user cmp "$T/mnt/f$i" "$T/many/f$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	as_user umount "$T/mnt"
}

@test "a file the format refuses fails at its first read, with the driver's error; the rest reads on" {
	# opens are not sent to the daemon: the refusal comes with the read
	mkdir -p "$T/z"
	python3 -c 'import sys; open(sys.argv[1], "wb").write(b"".join(b"line %d of the quick brown fox\n" % i for i in range(20000)))' "$T/z/text"
	echo hello >"$T/z/hello"
	xorriso -outdev "$T/z.iso" -zisofs block_size=32k -map "$T/z" / \
		-set_filter_r --zisofs / -- -commit >/dev/null 2>&1
	# the zisofs header of text: its header size byte made impossible
	python3 - "$T/z.iso" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
i = d.find(bytes([0x37, 0xE4, 0x53, 0x96, 0xC9, 0xDB, 0xD6, 0x07]))
assert i > 0
d[i + 12] = 0xFF
open(p, "wb").write(d)
PY
	chmod 644 "$T/z.iso"
	run "$FSIMG" cat "$T/z.iso" /text
	[ "$status" -ne 0 ]
	[[ "$output" == *"zisofs header is missing or invalid"* ]]

	as_user "$FSIMG" mount "$T/z.iso" "$T/mnt"
	[ "$(as_user stat -c %s "$T/mnt/text")" = 668890 ]
	run as_user cat "$T/mnt/text"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Structure needs cleaning"* ]]
	run as_user cat "$T/mnt/text" # not remembered as opened
	[ "$status" -ne 0 ]
	[ "$(as_user cat "$T/mnt/hello")" = hello ]
	as_user umount "$T/mnt"
}
