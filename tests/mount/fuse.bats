#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The FUSE backend started by root with "fsimg mount": contents, what
# findmnt shows, the daemon's dropped privileges, options and failures.

load helpers

setup() {
	common_setup
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	mkdir "$T/mnt"
}

teardown() {
	common_teardown
}

@test "root: fsimg mount serves every file byte-exact, fsimg umount DIR removes it" {
	run "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	is_mounted "$T/mnt"
	same_tree "$T/src" "$T/mnt"
	run "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "findmnt shows the canonical image path as SOURCE, type fuse.fsimg, read-only" {
	cd "$T"
	"$FSIMG" mount ./src/../img.iso mnt
	run findmnt -rn -o SOURCE,FSTYPE,OPTIONS --mountpoint "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == "$T/img.iso fuse.fsimg ro,"* ]]
	[[ "$output" == *nosuid* && "$output" == *nodev* ]]
}

@test "fsimg umount IMAGE and umount(8) of the image" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	run "$FSIMG" umount "$T/img.iso"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	umount "$T/img.iso"
	! is_mounted "$T/mnt"
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	umount "$T/mnt"
	! is_mounted "$T/mnt"
}

@test "the daemon runs as nobody with no capabilities and no_new_privs" {
	run "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	[ -n "$pid" ]
	grep -q "^Uid:[[:space:]]*65534[[:space:]]65534[[:space:]]65534[[:space:]]65534$" /proc/$pid/status
	grep -q "^Gid:[[:space:]]*65534[[:space:]]" /proc/$pid/status
	grep -q "^Groups:[[:space:]]*$" /proc/$pid/status
	grep -q "^CapEff:[[:space:]]*0000000000000000$" /proc/$pid/status
	grep -q "^CapPrm:[[:space:]]*0000000000000000$" /proc/$pid/status
	grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$pid/status
	cat "$T/mnt/hello.txt"
}

@test "-v names the backend and the reason" {
	run "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	echo "$output"
	if grep -qw iso9660 /proc/filesystems; then
		[[ "$output" == *"backend kernel"* ]]
	else
		[[ "$output" == *"backend fuse"*"no iso9660 driver"* ]]
	fi
	"$FSIMG" umount "$T/mnt"
	run "$FSIMG" mount -v -o backend=fuse "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend fuse"*"backend=fuse"* ]]
}

@test "symlinks, stat and directory listings" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$(readlink "$T/mnt/link")" = hello.txt ]
	[ "$(cat "$T/mnt/link")" = hello ]
	[ "$(stat -c %s "$T/mnt/dir/sub/big.bin")" = $((6 * 1024 * 1024 + 17)) ]
	[ "$(ls "$T/mnt/many" | wc -l)" = 150 ]
	ls -la "$T/mnt" | grep -q ' \.$'
	ls -la "$T/mnt" | grep -q ' \.\.$'
	[ "$(stat -c %a "$T/mnt/secret")" = 600 ]
	run cat "$T/mnt/nonexistent"
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such file or directory"* ]]
}

@test "read-only: writes fail with EROFS" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	run sh -c "echo x >> '$T/mnt/hello.txt'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	run mkdir "$T/mnt/newdir"
	[ "$status" -ne 0 ]
}

@test "allow_other: other users see the files, with the image's permissions" {
	"$FSIMG" mount -o allow_other "$T/img.iso" "$T/mnt"
	findmnt -rn -o OPTIONS --mountpoint "$T/mnt" | grep -q default_permissions
	[ "$(as_user cat "$T/mnt/hello.txt")" = hello ]
	run as_user cat "$T/mnt/secret"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "without allow_other, other users cannot enter the mount" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	run as_user ls "$T/mnt"
	[ "$status" -ne 0 ]
}

@test "uid=, gid=, umask= are passed to the library" {
	"$FSIMG" mount -o uid=1234,gid=4321,umask=027 "$T/img.iso" "$T/mnt"
	[ "$(stat -c %u:%g "$T/mnt/hello.txt")" = 1234:4321 ]
	[ "$(stat -c %a "$T/mnt/hello.txt")" = 640 ]
}

@test "an option no layer knows fails with a message, before any mount" {
	run "$FSIMG" mount -o frobnicate "$T/img.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *frobnicate* ]]
	! is_mounted "$T/mnt"
}

@test "offset= and sizelimit= are refused: partition= selects" {
	run "$FSIMG" mount -o offset=1048576 "$T/img.iso" "$T/mnt"
	[ "$status" -eq 1 ]
	[[ "$output" == *partition=* ]]
	run "$FSIMG" mount -o sizelimit=1 "$T/img.iso" "$T/mnt"
	[ "$status" -eq 1 ]
	! is_mounted "$T/mnt"
}

@test "a file that holds no filesystem: exit 32, message, no mount left" {
	head -c 1048576 /dev/urandom >"$T/junk.img"
	run "$FSIMG" mount "$T/junk.img" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *junk.img* ]]
	! is_mounted "$T/mnt"
	! pgrep -f "mount.*$T/junk.img"
}

@test "a missing image, a missing mount point, a directory as image" {
	run "$FSIMG" mount "$T/nope.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"No such file"* ]]
	run "$FSIMG" mount "$T/img.iso" "$T/nope"
	[ "$status" -eq 32 ]
	run "$FSIMG" mount "$T/src" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"not a regular file or a block device"* ]]
	run "$FSIMG" mount "$T/img.iso"
	[ "$status" -eq 1 ]
}

@test "backend=kernel for a type the kernel lacks fails and says why" {
	grep -qw iso9660 /proc/filesystems && skip "this kernel has iso9660"
	run "$FSIMG" mount -o backend=kernel "$T/img.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"backend=kernel"*iso9660* ]]
	! is_mounted "$T/mnt"
}

@test "a partition of a disk image: partition=N" {
	command -v sfdisk >/dev/null || skip "needs sfdisk"
	local sectors=$(( ($(stat -c %s "$T/img.iso") + 511) / 512 ))
	truncate -s $(( (2048 + sectors) * 512 + 1048576 )) "$T/disk.img"
	printf 'label: dos\nstart=2048, size=%d, type=83\n' "$sectors" |
		sfdisk -q "$T/disk.img"
	dd if="$T/img.iso" of="$T/disk.img" bs=512 seek=2048 conv=notrunc status=none
	run "$FSIMG" mount -o partition=1,backend=fuse "$T/disk.img" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt"
	run "$FSIMG" umount "$T/disk.img"
	[ "$status" -eq 0 ]
	run "$FSIMG" mount -o partition=7 "$T/disk.img" "$T/mnt"
	[ "$status" -eq 32 ]
	! is_mounted "$T/mnt"
	# -p and -t, spelled as the other commands spell them
	"$FSIMG" mount -p 1 -t iso9660 "$T/disk.img" "$T/mnt"
	same_tree "$T/src" "$T/mnt"
	"$FSIMG" umount "$T/mnt"
	"$FSIMG" mount --partition=1 --type=iso9660 "$T/disk.img" "$T/mnt"
	"$FSIMG" umount "$T/mnt"
	# before the command word too, as for fsimg's other commands
	"$FSIMG" -p 1 -t iso9660 mount "$T/disk.img" "$T/mnt"
	same_tree "$T/src" "$T/mnt"
	"$FSIMG" umount "$T/mnt"
	run "$FSIMG" mount -p 1 -t vfat "$T/disk.img" "$T/mnt"
	[ "$status" -eq 32 ]
	! is_mounted "$T/mnt"
	run "$FSIMG" mount -p 'a,b' "$T/disk.img" "$T/mnt"
	[ "$status" -eq 1 ]
}

@test "-f stays in the foreground until unmounted" {
	local line fg
	mkfifo "$T/log"
	exec 5<>"$T/log"
	"$FSIMG" mount -f -v "$T/img.iso" "$T/mnt" 2>"$T/log" 3>&- &
	fg=$!
	# readiness: -v reports the live mount; bounded by read -t
	while read -r -t 10 -u 5 line; do
		[[ "$line" == *"mounted on"* ]] && break
	done
	[[ "$line" == *"mounted on"* ]]
	is_mounted "$T/mnt"
	[ "$(cat "$T/mnt/hello.txt")" = hello ]
	kill -0 $fg
	umount "$T/mnt"
	wait $fg
	exec 5<&-
}

@test "fsimg umount of something not mounted: exit 32" {
	run "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"not mounted"* ]]
}

@test "the same image again on the same directory: refused as mount(8) does, exit 32" {
	"$FSIMG" mount "$T/img.iso" "$T/mnt"
	run "$FSIMG" mount "$T/img.iso" "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"$T/img.iso already mounted on $T/mnt"* ]]
	[ "$(findmnt -rn --mountpoint "$T/mnt" | wc -l)" -eq 1 ]
	# another image, or the same one elsewhere, is fine
	mkdir "$T/mnt2"
	"$FSIMG" mount "$T/img.iso" "$T/mnt2"
	same_tree "$T/src" "$T/mnt2"
	"$FSIMG" umount "$T/mnt2"
	"$FSIMG" umount "$T/mnt"
}

@test "fsimg umount leaves alone what fsimg did not mount, and others' mounts" {
	mount -t tmpfs none "$T/mnt"
	run "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"not a mount of fsimg (tmpfs from none): use umount(8)"* ]]
	is_mounted "$T/mnt"
	umount "$T/mnt"
	# root's FUSE mount, and an ordinary user who tries to unmount it
	chmod 755 "$T"
	"$FSIMG" mount -o allow_other "$T/img.iso" "$T/mnt"
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 32 ]
	[[ "$output" == *"mounted by user 0: only they or root may unmount it"* ]]
	[[ "$output" != *mtab* ]]
	is_mounted "$T/mnt"
	"$FSIMG" umount "$T/mnt"
}
