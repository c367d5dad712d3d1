#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An LVM2 guest (tests/part/mklvmguest.sh): an ordinary user mounts its
# root logical volume through FUSE by name, as a partition; root gets FUSE
# too (the kernel would need device-mapper) and -v says why; through
# mount(8)'s -t fsimg the LV is named by partition=VG/LV.

load helpers

setup() {
	common_setup
	mkdir "$T/g"
	"$FSIMG_SRCDIR/tests/part/mklvmguest.sh" "$T/g" 2>"$T/mk.err" || {
		rc=$?
		[ $rc = 77 ] && skip "$(cat "$T/mk.err")"
		cat "$T/mk.err" >&2
		return 1
	}
	debugfs -w -R "rmdir lost+found" "$T/g/root.img" >/dev/null 2>&1
	chmod 755 "$T/g"
	chmod 644 "$T/g/disk.img"
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

@test "user: the root LV of an LVM2 guest mounts by name and reads back exactly" {
	run as_user "$FSIMG" mount -o partition=guestvg/root "$T/g/disk.img" \
		"$T/mnt"
	[ "$status" -eq 0 ]
	findmnt -rn -o FSTYPE --mountpoint "$T/mnt" | grep -qx fuse.fsimg
	rmdir "$T/g/src/lost+found" 2>/dev/null || true
	run as_user diff -r --no-dereference -x lost+found "$T/g/src" "$T/mnt"
	[ "$status" -eq 0 ]
	run as_user cat "$T/mnt/etc/os-release"
	[[ $output == *"fsimg LVM guest"* ]]
	run as_user "$FSIMG" umount "$T/mnt"
	[ "$status" -eq 0 ]
	! is_mounted "$T/mnt"
}

@test "root: an LV is served by FUSE, -v says why, backend=kernel refuses" {
	run "$FSIMG" mount -v -o partition=lv=guestvg/root "$T/g/disk.img" \
		"$T/mnt"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"backend fuse"*"LVM2 logical volume"*"device-mapper"* ]]
	findmnt -rn -o FSTYPE --mountpoint "$T/mnt" | grep -qx fuse.fsimg
	diff -r --no-dereference -x lost+found "$T/g/src" "$T/mnt"
	mkdir "$T/mnt2"
	run "$FSIMG" mount -o partition=guestvg/root,backend=kernel \
		"$T/g/disk.img" "$T/mnt2"
	[ "$status" -ne 0 ]
	[[ "$output" == *"backend=kernel cannot be used"*"LVM2 logical volume"* ]]
}

@test "mount -t fsimg: auto mounts the root LV beside the /boot partition" {
	run mount -t fsimg "$T/g/disk.img" "$T/mnt"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/mnt/usr/bin/hello")" = "$(cat "$T/g/src/usr/bin/hello")" ]
	cmp "$T/g/src/var/log/big.bin" "$T/mnt/var/log/big.bin"
}
