# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the boot menu tests that compare bootdump's output line for
# line: `load helpers`.

load ../bats/helpers

BOOTDUMP=$FSIMG_BUILDDIR/tests/boot/bootdump

setup_file() {
	export T=$BATS_FILE_TMPDIR
}

setup() {
	common_setup
	[[ -x $BOOTDUMP ]] || skip "bootdump was not built"
}

# dump ARGS...: bootdump ARGS; its menu in $output, its messages in $stderr
dump() {
	run --separate-stderr timeout -k 5 60 "$BOOTDUMP" "$@"
	expect_status 0
}

# same TEXT: stdin, line for line, is TEXT
same() {
	diff -u - <(printf '%s\n' "$1")
}

# no_messages: bootdump logged nothing
no_messages() {
	[[ -z $stderr ]] || {
		printf 'unexpected messages:\n%s\n' "$stderr" >&2
		return 1
	}
}
