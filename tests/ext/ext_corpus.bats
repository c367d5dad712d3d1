#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The e2fsprogs test images of ../shared/corpus (mostly deliberately
# corrupted): each opens or fails with a clear message, none crashes or
# hangs; everything that opens is walked (ls -R, get) under timeout.

load ext_helpers

CORPUS=${FSIMG_CORPUS:-$FSIMG_SRCDIR/../shared/corpus}/e2fsprogs

@test "e2fsprogs corpus: every image opens or fails cleanly, walks end" {
	[ -d "$CORPUS" ] || skip "no corpus at $CORPUS (../shared is absent)"
	local t=$BATS_TEST_TMPDIR n=0 opened=0 bad=0 rc name
	for d in "$CORPUS"/*/; do
		name=$(basename "$d")
		if [ -f "$d/image.gz" ]; then
			gzip -dc "$d/image.gz" >"$t/img"
		elif [ -f "$d/image.bz2" ]; then
			bzip2 -dc "$d/image.bz2" >"$t/img"
		else
			continue
		fi
		n=$((n + 1))
		rc=0
		timeout 60 "$FSIMG" info "$t/img" >"$t/info" 2>"$t/err" || rc=$?
		if [ $rc -ge 124 ]; then
			echo "$name: info crashed or hung (status $rc)" >&2
			cat "$t/err" >&2
			bad=$((bad + 1))
			continue
		fi
		if [ $rc -ne 0 ]; then
			# a failure must say why
			if [ ! -s "$t/err" ]; then
				echo "$name: failed (status $rc) without a message" >&2
				bad=$((bad + 1))
			fi
			echo "# $name: $(head -1 "$t/err")" >&3
			continue
		fi
		opened=$((opened + 1))
		rc=0
		timeout 120 "$FSIMG" ls -R --json "$t/img" >"$t/ls.json" \
			2>"$t/err" || rc=$?
		# 0 ok, 2-4 errors reported per path; never a crash or a hang
		if [ $rc -ge 124 ] || [ $rc -eq 1 ]; then
			echo "$name: ls status $rc" >&2
			head -5 "$t/err" >&2
			bad=$((bad + 1))
		fi
		rc=0
		rm -rf "$t/out"
		timeout 120 "$FSIMG" get -q "$t/img" / "$t/out" >/dev/null \
			2>"$t/err" || rc=$?
		if [ $rc -ge 124 ] || [ $rc -eq 1 ]; then
			echo "$name: get status $rc" >&2
			head -5 "$t/err" >&2
			bad=$((bad + 1))
		fi
	done
	echo "# $n images, $opened opened" >&3
	[ "$n" -gt 0 ]
	[ "$bad" -eq 0 ]
}

@test "ext: a journal that needs recovery is read as it is and reported" {
	command -v debugfs >/dev/null || skip "needs debugfs (e2fsprogs)"
	local t=$BATS_TEST_TMPDIR
	mkdir "$t/src"
	printf 'on disk\n' >"$t/src/a"
	mke2fs -q -t ext4 -d "$t/src" "$t/j.img" 8M
	debugfs -w -R 'feature needs_recovery' "$t/j.img" >/dev/null 2>&1
	run "$FSIMG" info --json "$t/j.img"
	[ "$status" -eq 0 ]
	[[ $(jq -r '.filesystems[0].details.needs_recovery' <<<"$output") == true ]]
	run "$FSIMG" cat "$t/j.img" /a
	[ "$status" -eq 0 ]
	[ "$output" = "on disk" ]
	# reading never touches the image: the flag is still set
	debugfs -R features "$t/j.img" 2>/dev/null | grep -qw needs_recovery
}
