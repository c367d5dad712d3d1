#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An ordinary user mounts UDF images written by mkudf.py (UDF 2.01, and
# 2.60 with a metadata partition) through FUSE: every file reads back
# exactly. Run by tests/mount/run.sh (root, private namespace, 0666
# /dev/fuse).

bats_require_minimum_version 1.5.0
load ../bats/helpers
load ../mount/helpers
load udf_helpers

setup() {
	common_setup
	mkdir "$T/mnt"
	chown $USER_ID:$USER_ID "$T/mnt"
}

teardown() {
	common_teardown
}

mount_check() { # mkudf.py options...
	udf_tree "$T/src"
	# the user reads what the source lets anyone read
	chmod -R a+rX "$T/src"
	"$MKUDF" "$@" "$T/src" "$T/img"
	chmod 644 "$T/img"
	run as_user "$FSIMG" mount "$T/img" "$T/mnt"
	[ "$status" -eq 0 ]
	same_tree "$T/src" "$T/mnt" as_user
	# a read-only mount, owned as recorded
	run as_user touch "$T/mnt/new"
	[ "$status" -ne 0 ]
	[ "$(as_user stat -c %u:%g "$T/mnt/dir/big")" = 1234:5678 ]
	as_user "$FSIMG" umount "$T/mnt"
	! is_mounted "$T/mnt"
}

@test "user: a UDF 2.01 image mounts and reads back exactly" {
	mount_check --revision 2.01
}

@test "user: a UDF 2.60 image with a metadata partition mounts and reads back exactly" {
	mount_check --revision 2.60 --inline
}
