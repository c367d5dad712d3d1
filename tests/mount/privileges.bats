#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The two FUSE paths without fusermount3: a process holding only
# CAP_SYS_ADMIN, and root of an unprivileged user namespace. Both mount
# /dev/fuse with mount(2) themselves.

load helpers

setup() {
	common_setup
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

@test "CAP_SYS_ADMIN only: direct mount(2), every file exact, fsimg umount" {
	run as_capsys "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mount(2) of /dev/fuse with CAP_SYS_ADMIN"* ]]
	run findmnt -rn -o SOURCE,FSTYPE,OPTIONS --mountpoint "$T/mnt"
	[[ "$output" == "$T/img.iso fuse.fsimg ro,"*nosuid*nodev*user_id=$USER_ID* ]]
	same_tree "$T/src" "$T/mnt" as_user
	run as_capsys "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "CAP_SYS_ADMIN only: no fusermount3 involved, the daemon drops the capability" {
	run as_capsys "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	[ -n "$pid" ]
	! pgrep -x fusermount3 -P "$pid"
	grep -q "^CapEff:[[:space:]]*0000000000000000$" /proc/$pid/status
	grep -q "^CapPrm:[[:space:]]*0000000000000000$" /proc/$pid/status
	grep -q "^CapAmb:[[:space:]]*0000000000000000$" /proc/$pid/status
	grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$pid/status
	as_user cat "$T/mnt/hello.txt"
}

@test "CAP_SYS_ADMIN only: umount(8) and umount IMAGE work as that user" {
	as_capsys "$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "CAP_SYS_ADMIN only: cannot mount an image the uid cannot read" {
	chmod 600 "$T/img.iso"
	run as_capsys "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
	! is_mounted "$T/mnt"
}

@test "user namespace (unshare -Urm): mount, read every file, unmount" {
	mkdir "$T/out"
	chown $USER_ID "$T/out"
	run as_user unshare -Urm bash -c "
		set -e
		$(declare -f tree_sums)
		'$FSIMG' mount -v '$T/img.iso' '$T/mnt'
		findmnt -rn -o SOURCE,FSTYPE --mountpoint '$T/mnt'
		(tree_sums '$T/mnt') > '$T/out/sums.ns'
		'$FSIMG' umount '$T/mnt'
		! findmnt -rn --mountpoint '$T/mnt'
	"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"in a user namespace"* ]]
	[[ "$output" == *"$T/img.iso fuse.fsimg"* ]]
	diff <(tree_sums "$T/src") "$T/out/sums.ns"
	! is_mounted "$T/mnt"
}

@test "user namespace: the mount stays inside it" {
	run as_user unshare -Urm bash -c "
		'$FSIMG' mount -v '$T/img.iso' '$T/mnt' && cat '$T/mnt/hello.txt'
	"
	[ "$status" -eq 0 ]
	[[ "$output" == *hello* ]]
	! is_mounted "$T/mnt"
	# its daemon outlives the shell, serving a namespace no one can enter
	pid=$(daemon_pid_of "$output")
	[ -n "$pid" ]
	kill "$pid"
}
