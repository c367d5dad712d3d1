#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's second command: the whole test suite, as CI runs it.
#   0. a release build (-O3, NDEBUG), built only, first: the optimiser's
#      flow analysis finds warnings (made errors) that -O2 does not;
#   1. a normal build and every test (with the test-only escape hook,
#      -Descape_test=true: tests/mount/escape.bats);
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build and every test;
#   3. a clang libFuzzer build: a short fuzzing run of each harness.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh --test || exit 2

logs=()
run_build() { # NAME DIR SUITE-ARGS -- SETUP-ARGS...
	local name=$1 dir=$2 suites=$3
	shift 3
	echo "=== $name: meson setup $dir $*"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log"
			echo "0 passed, 1 failed, 0 skipped"
			exit 1
		}
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || {
		tail -50 "$dir.ninja.log"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	}
	# shellcheck disable=SC2086
	meson test -C "$dir" --num-processes 2 --print-errorlogs $suites |
		grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout):'
	logs+=("$dir/meson-logs/testlog.json")
}

echo "=== release: meson setup build-ci-release -Dbuildtype=release"
if { [ -f build-ci-release/build.ninja ] ||
	meson setup build-ci-release -Dbuildtype=release \
		>build-ci-release.setup.log 2>&1; } &&
	ninja -C build-ci-release >build-ci-release.ninja.log 2>&1; then
	echo "release build: ok"
else
	tail -50 build-ci-release.setup.log build-ci-release.ninja.log 2>/dev/null
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

run_build normal build-ci "" -Dbuildtype=debugoptimized -Descape_test=true
run_build sanitizers build-ci-asan "--no-suite fuzz --no-suite install" \
	-Db_sanitize=address,undefined -Db_lundef=false
if command -v clang >/dev/null; then
	CC=clang run_build fuzz build-ci-fuzz "--suite fuzz" \
		-Dfuzzers=enabled -Db_sanitize=address,undefined -Db_lundef=false
fi

echo "=== results"
python3 scripts/tap-count.py "${logs[@]}"
