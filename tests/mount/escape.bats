#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape attempts from inside the parser (test builds: -Descape_test=true,
# lib/fs/escape_test.c). An ISO named FSIMG_ESCAPE_PROBE makes the ISO9660
# probe, one named FSIMG_ESCAPE_OPEN the ISO9660 open, try to open
# /etc/passwd, create a file, execve, socket, setuid(0), fork, map
# executable memory and ptrace. In every frontend, for every caller, each
# attempt must be denied and the command must fail with that report.

load helpers

ATTEMPTS="open create execve socket setuid(0) fork mmap exec ptrace"

setup() {
	common_setup
	mkdir "$T/src" "$T/mnt" "$T/out"
	echo hi >"$T/src/a"
	for v in PROBE OPEN; do
		make_iso "$T/src" "$T/$v.iso" -V FSIMG_ESCAPE_$v
		chmod 644 "$T/$v.iso"
	done
	chown $USER_ID:$USER_ID "$T/mnt" "$T/out"
	rm -f /tmp/fsimg-escape-*
}

teardown() {
	common_teardown
}

# The output of a run that met the hook: every attempt denied, none allowed,
# a failure status, and nothing left behind.
all_denied() {
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"escape: done"* ]]
	[[ "$output" != *ALLOWED* ]]
	local a
	for a in open create execve socket "setuid(0)" fork "mmap exec" ptrace; do
		[[ "$output" == *"escape: $a: denied"* ]] || {
			echo "no denial of $a"
			return 1
		}
	done
	! ls /tmp/fsimg-escape-* 2>/dev/null
	! is_mounted "$T/mnt"
}

@test "the hook works: with the sandbox off, the attempts succeed" {
	FSIMG_SANDBOX=0 run timeout 30 setpriv --reuid=$USER_ID \
		--regid=$USER_ID --clear-groups "$FSIMG" info "$T/PROBE.iso"
	echo "$output"
	for a in open create execve socket fork "mmap exec"; do
		[[ "$output" == *"escape: $a: ALLOWED"* ]]
	done
}

@test "CLI as root: info, ls, cat (probe) and get's reader (open)" {
	run "$FSIMG" info "$T/PROBE.iso"
	all_denied
	run "$FSIMG" ls "$T/PROBE.iso"
	all_denied
	run "$FSIMG" cat "$T/OPEN.iso" /a
	all_denied
	run "$FSIMG" get "$T/OPEN.iso" /a "$T/out"
	all_denied
	[ ! -e "$T/out/a" ]
}

@test "FSIMG_SANDBOX=log names each denied call, and still denies it" {
	FSIMG_SANDBOX=log run "$FSIMG" info "$T/PROBE.iso"
	all_denied
	# open(at), socket, execve: by number, as the kernel numbers them
	[[ "$output" == *"sandbox: system call 257 denied"* ]]
	[[ "$output" == *"sandbox: system call 41 denied"* ]]
	[[ "$output" == *"sandbox: system call 59 denied"* ]]
}

@test "CLI as a user and with only CAP_SYS_ADMIN" {
	run as_user "$FSIMG" ls "$T/PROBE.iso"
	all_denied
	run as_user "$FSIMG" get "$T/OPEN.iso" / "$T/out"
	all_denied
	run as_capsys "$FSIMG" info "$T/OPEN.iso"
	all_denied
}

@test "mount helper's probe, started by root" {
	run "$FSIMG" mount "$T/PROBE.iso" "$T/mnt"
	all_denied
}

@test "FUSE daemon started by root, by a user, and with only CAP_SYS_ADMIN" {
	run "$FSIMG" mount -o backend=fuse "$T/OPEN.iso" "$T/mnt"
	all_denied
	run as_user "$FSIMG" mount "$T/OPEN.iso" "$T/mnt"
	all_denied
	run as_capsys "$FSIMG" mount "$T/OPEN.iso" "$T/mnt"
	all_denied
}
