# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # variables used by the .bats files; bats sets status/output/stderr
#
# Shared by every .bats file: `load helpers`.
#
# Environment (set by tests/meson.build): FSIMG (the built command),
# FSIMG_SRCDIR (source tree), TZ=UTC, LC_ALL=C.UTF-8. Optional:
# FSIMG_CORPUS (default $FSIMG_SRCDIR/../shared/corpus), FSIMG_TIMEOUT
# (seconds one fsimg run may take, default 120).

bats_require_minimum_version 1.5.0

: "${FSIMG:?FSIMG must name the fsimg program under test}"
: "${FSIMG_SRCDIR:?FSIMG_SRCDIR must name the source tree}"
export TZ=UTC LC_ALL=C.UTF-8

TESTLIB=$FSIMG_SRCDIR/tests/lib
MKTREE=$TESTLIB/mktree.sh
CORPUS=${FSIMG_CORPUS:-$FSIMG_SRCDIR/../shared/corpus}
TESTDATA=$FSIMG_SRCDIR/tests/data
# shellcheck source=../lib/compare.sh
source "$TESTLIB/compare.sh"

# fsimg ARGS...: the program under test, never allowed to hang.
fsimg() {
	timeout -k 5 "${FSIMG_TIMEOUT:-120}" "$FSIMG" "$@"
}

is_root() { [[ $(id -u) -eq 0 ]]; }
# Fields an extraction can be compared on with the source, and the flags
# for compare_trees: a user cannot give files away, so owners are compared
# only as root, and (like tar) setuid/setgid bits are not kept without them.
get_fields() {
	if is_root; then
		echo "${1:-$FIELDS_RR}"
	else
		local f=${1:-$FIELDS_RR}
		f=${f/,uid,gid/}
		echo "$f"
	fi
}
get_flags() { is_root || echo nosugid; }
need_root() { is_root || skip "needs root (devices, owners)"; }
need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null || skip "needs $c"
	done
}
need_corpus() {
	[[ -d $CORPUS ]] || skip "needs the shared corpus at $CORPUS (absent)"
}

# Default per-test fixture: every test runs in its own empty directory,
# which bats removes afterwards.
common_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}
common_teardown() {
	# extracted read-only directories must not block the cleanup
	chmod -R u+rwX "$BATS_TEST_TMPDIR" 2>/dev/null || true
}
setup() { common_setup; }
teardown() { common_teardown; }

# After `run`: the command neither crashed (signal) nor hung (timeout).
no_crash() {
	if ((status >= 124)); then
		echo "fsimg crashed or hung: exit status $status" >&2
		printf '%s\n' "$output" >&2
		return 1
	fi
}

# expect_status N: after `run`, fail showing the output unless $status is N.
expect_status() {
	if [[ $status -ne $1 ]]; then
		printf 'expected exit status %s, got %s\n' "$1" "$status" >&2
		printf -- '--- output:\n%s\n' "$output" >&2
		if [[ -n ${stderr+x} ]]; then
			printf -- '--- stderr:\n%s\n' "$stderr" >&2
		fi
		return 1
	fi
}

# contains HAYSTACK NEEDLE [WHAT]
contains() {
	if [[ $1 != *"$2"* ]]; then
		printf '%s does not contain "%s":\n%s\n' "${3:-text}" "$2" "$1" >&2
		return 1
	fi
}

# equals GOT EXPECTED [WHAT]
equals() {
	if [[ $1 != "$2" ]]; then
		printf '%s: expected "%s", got "%s"\n' "${3:-value}" "$2" "$1" >&2
		return 1
	fi
}

# mkiso OUT ARGS...: xorriso -as mkisofs, quiet unless it fails.
mkiso() {
	local out=$1
	shift
	if ! xorriso -as mkisofs "$@" -o "$out" >"$out.log" 2>&1; then
		cat "$out.log" >&2
		return 1
	fi
}

# ls_json IMAGE OUT [fsimg options...]: fsimg ls -R --json IMAGE / > OUT,
# failing with fsimg's messages when it does not exit 0 or prints no JSON.
ls_json() {
	local img=$1 out=$2 rc=0
	shift 2
	fsimg ls -R --json "$@" "$img" / >"$out" 2>"$out.err" || rc=$?
	if ((rc != 0)); then
		echo "fsimg ls -R --json $* $img / exited $rc:" >&2
		cat "$out.err" >&2
		return 1
	fi
	if ! jq -e 'type == "array"' "$out" >/dev/null; then
		echo "fsimg ls -R --json $* $img / printed no JSON array:" >&2
		head -c 2000 "$out" >&2
		return 1
	fi
}

# get_tree IMAGE OUT [fsimg options...]: fsimg get IMAGE / OUT (OUT is
# created), failing with fsimg's messages unless it exits 0.
get_tree() {
	local img=$1 out=$2 rc=0
	shift 2
	mkdir -p "$out"
	fsimg get "$@" "$img" / "$out" 2>"$out.err" || rc=$?
	if ((rc != 0)); then
		echo "fsimg get $* $img / $out exited $rc:" >&2
		cat "$out.err" >&2
		return 1
	fi
}

# corpus_src REL: where a corpus file is: tests/data/corpus (the small
# images copied into the tree, see tests/data/corpus-notes.md) or the shared
# corpus beside the checkout. Prints nothing when neither has it.
corpus_src() {
	if [[ -e $TESTDATA/corpus/$1 ]]; then
		printf '%s\n' "$TESTDATA/corpus/$1"
	elif [[ -e $CORPUS/$1 ]]; then
		printf '%s\n' "$CORPUS/$1"
	fi
}

# need_corpus_file REL...: skips the test unless every file is available.
need_corpus_file() {
	local rel
	for rel; do
		[[ -n $(corpus_src "$rel") ]] ||
			skip "needs corpus file $rel (not in tests/data/corpus, no $CORPUS)"
	done
}

# corpus_file REL: decompresses a corpus image (.gz, .xz) once per test
# file into $BATS_FILE_TMPDIR and prints the path of the raw image. Call
# need_corpus_file first (a skip inside $(...) would not skip the test).
corpus_file() {
	local rel=$1 src out
	src=$(corpus_src "$rel")
	[[ -n $src ]] || return 1
	out=$BATS_FILE_TMPDIR/corpus/${rel%.gz}
	out=${out%.xz}
	if [[ ! -e $out ]]; then
		mkdir -p "${out%/*}"
		case $src in
		*.gz) gzip -dc "$src" >"$out.tmp" ;;
		*.xz) xz -dc "$src" >"$out.tmp" ;;
		*) cp "$src" "$out.tmp" ;;
		esac
		mv "$out.tmp" "$out"
	fi
	printf '%s\n' "$out"
}
