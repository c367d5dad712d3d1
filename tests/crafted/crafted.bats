#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile ISO images, one per hazard, written by mkcrafted.py at test time.
# Every image goes through `ls -R`, `get`, `info --json` and `cat` of the
# damaged file, each bounded in time (20 s) and memory (1 GiB of address
# space, or ASan's RSS limit in sanitizer builds). Every command must end
# by itself, without a signal or a sanitizer report, with one of the
# documented exit codes, and name the image when it fails. Each test then
# says which command must fail and what the message must name.

bats_require_minimum_version 1.5.0

setup_file() {
	[[ -n ${FSIMG-} && -x $FSIMG ]] || skip "FSIMG is not set"
	command -v python3 >/dev/null || skip "python3 is missing"
}

setup() {
	MKCRAFTED=${FSIMG_SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/crafted/mkcrafted.py
	# An ASan build reserves terabytes of address space: bound its RSS
	# and its allocations instead of the address space.
	if grep -qa __asan_init "$FSIMG"; then
		ASAN_BOUNDED=1
	else
		ASAN_BOUNDED=
	fi
	declare -gA ST ERR OUT
}

# Runs a command with the time and memory bounds.
bounded() {
	if [[ -n $ASAN_BOUNDED ]]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=1024:max_allocation_size_mb=1024:allocator_may_return_null=1" \
			timeout -k 5 20 "$@"
	else
		(
			ulimit -v 1048576
			exec timeout -k 5 20 "$@"
		)
	fi
}

# exercise KEY ARGS...: runs fsimg ARGS and checks the sanity rules.
exercise() {
	local key=$1
	shift
	run --separate-stderr bounded "$FSIMG" "$@"
	ST[$key]=$status
	ERR[$key]=$stderr
	OUT[$key]=$output
	if ((status >= 124)); then
		echo "fsimg $*: exit status $status (timeout or signal)"
		printf '%s\n' "$stderr" | tail -20
		return 1
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|Sanitizer' \
		<<<"$stderr"; then
		echo "fsimg $*: sanitizer report"
		printf '%s\n' "$stderr" | head -40
		return 1
	fi
	case $status in
	0 | 2 | 3 | 4) ;;
	*)
		echo "fsimg $*: exit status $status is not a documented one"
		printf '%s\n' "$stderr"
		return 1
		;;
	esac
	if ((status != 0)) && [[ $stderr != *"$IMG"* ]]; then
		echo "fsimg $*: exit $status with a message that does not name $IMG:"
		printf '%s\n' "$stderr"
		return 1
	fi
}

# run_case NAME BADPATH: makes the image and runs the four commands.
run_case() {
	local name=$1 path=$2
	WORK=$BATS_TEST_TMPDIR/work
	IMG=$WORK/$name.iso
	mkdir "$WORK" "$WORK/out"
	python3 "$MKCRAFTED" "$WORK" "$name"
	exercise ls ls -R "$IMG" /
	exercise get get "$IMG" / "$WORK/out"
	exercise info info --json "$IMG"
	exercise cat cat "$IMG" "$path"
	if ((ST[info] == 0)); then
		python3 -m json.tool <<<"${OUT[info]}" >/dev/null || {
			echo "info --json: not JSON"
			return 1
		}
	fi
	# Extraction stays inside its destination.
	local stray
	stray=$(cd "$WORK" && ls -A | grep -vxF -e out -e "$name.iso" || true)
	if [[ -n $stray ]]; then
		echo "get wrote outside its destination: $stray"
		return 1
	fi
}

# other_file_reads [REGEX]: the intact /hello.txt next to the damage
# reads; or, when the damage is in its directory and the driver refuses
# the whole directory, the failure names the damaged structure.
other_file_reads() {
	exercise cat2 cat "$IMG" /hello.txt
	if ((ST[cat2] != 0)) && [[ -n ${1-} ]]; then
		must_report cat2 "$1"
		return
	fi
	must_succeed cat2
	[[ ${OUT[cat2]} == "hello, world" ]] || {
		echo "/hello.txt reads '${OUT[cat2]}'"
		return 1
	}
}

must_succeed() {
	local key
	for key; do
		if ((ST[$key] != 0)); then
			echo "$key: exit ${ST[$key]}, expected success:"
			printf '  %s\n' "${ERR[$key]}"
			return 1
		fi
	done
}

# must_report KEY REGEX: stderr names the damaged structure.
must_report() {
	local key=$1 re=$2
	if ! grep -qiE -- "$re" <<<"${ERR[$key]}"; then
		echo "$key (exit ${ST[$key]}): stderr does not match /$re/:"
		printf '  %s\n' "${ERR[$key]}"
		return 1
	fi
}

# tolerated_or_reported KEY REGEX: a damaged optional structure (a Rock
# Ridge entry) may be ignored silently, the record read without it; any
# message about it must name it.
tolerated_or_reported() {
	local key=$1 re=$2
	if ((ST[$key] == 0)) && [[ -z ${ERR[$key]} ]]; then
		return 0
	fi
	must_report "$key" "$re"
}

# must_fail KEY REGEX: the command fails and says why.
must_fail() {
	local key=$1 re=$2
	if ((ST[$key] == 0)); then
		echo "$key: succeeded, expected a failure matching /$re/"
		printf '  %s\n' "${ERR[$key]}"
		return 1
	fi
	must_report "$key" "$re"
}

# --- the baseline ------------------------------------------------------

@test "ok_basic: the generator's valid image reads completely" {
	run_case ok_basic /zfile
	must_succeed ls get info cat
	python3 -c 'import sys; sys.stdout.write("zisofs compressed line\n" * 3000)' \
		>"$BATS_TEST_TMPDIR/zfile.want"
	cmp "$BATS_TEST_TMPDIR/zfile.want" "$WORK/out/zfile"
	[[ $(cat "$WORK/out/sub/inner.txt") == inner ]]
	[[ $(readlink "$WORK/out/link") == sub/inner.txt ]]
	[[ -d $WORK/out/empty ]]
	grep -q inner.txt <<<"${OUT[ls]}"
	other_file_reads
}

# --- SUSP continuation areas ---------------------------------------------

CE_RE='continuation|\<CE\>'

@test "ce_self: a continuation area that continues into itself" {
	run_case ce_self /bad
	must_report ls "$CE_RE"
	other_file_reads "$CE_RE"
}

@test "ce_chain: 1000 continuation areas" {
	run_case ce_chain /bad
	must_report ls "$CE_RE"
	other_file_reads "$CE_RE"
}

@test "ce_beyond: a continuation area past the end of the image" {
	run_case ce_beyond /bad
	must_report ls "$CE_RE"
	other_file_reads "$CE_RE"
}

@test "ce_badoff: a continuation area that overflows its block" {
	run_case ce_badoff /bad
	must_report ls "$CE_RE"
	other_file_reads "$CE_RE"
}

# --- directory loops -----------------------------------------------------

LOOP_RE='loop|cycle|recurs|too deep|depth|nest|levels|enclosing|points back'

@test "dir_loop_root: a subdirectory whose extent is the root's" {
	run_case dir_loop_root /loop/hello.txt
	must_fail ls "$LOOP_RE"
	must_fail get "$LOOP_RE"
}

@test "dir_loop_parent: a directory that contains itself" {
	run_case dir_loop_parent /a/b/f.txt
	must_fail ls "$LOOP_RE"
	must_fail get "$LOOP_RE"
	other_file_reads
}

@test "dir_loop_root_lost: a record naming the root, no '..' chain to it" {
	run_case dir_loop_root_lost /hello.txt
	must_fail ls "$LOOP_RE"
	other_file_reads
	run "$FSIMG" ls "$IMG" /sub/x
	[ "$status" -ne 0 ]
}

# Both records answer with the attributes of the one seen first, in one
# run: listing / sees /b first, so /a/x is shown as /b is (drwx------).
@test "dir_cross_link: one directory, two records, one answer" {
	run_case dir_cross_link /b/in_x.txt
	[ "${ST[cat]}" -eq 0 ]
	# 4: the CLI lists the directory once, and says it met it again
	run "$FSIMG" ls -lR "$IMG" /
	[ "$status" -eq 4 ]
	local b x
	b=$(grep ' /b$' <<<"$output" | cut -d' ' -f1)
	x=$(grep ' /a/x$' <<<"$output" | cut -d' ' -f1)
	[ "$b" = drwx------ ]
	[ "$x" = "$b" ]
}

@test "cl_ancestor: a Rock Ridge child link to the root" {
	run_case cl_ancestor /a/b/x/hello.txt
	must_fail ls "$LOOP_RE|child link|\\<CL\\>|relocat"
	must_fail get "$LOOP_RE|child link|\\<CL\\>|relocat"
	other_file_reads
}

@test "cl_parent: child links to the own directory and past the end" {
	run_case cl_parent /sub/y
	must_fail ls "$LOOP_RE|child link|\\<CL\\>|relocat|$END_RE"
	must_fail cat "child link|\\<CL\\>|relocat|$END_RE|input/output"
}

# --- extents and truncation ----------------------------------------------

END_RE='beyond|past|end of|outside|truncat|short'

@test "extent_beyond: file data far past the end of the image" {
	run_case extent_beyond /bad
	must_succeed ls
	must_fail cat "$END_RE"
	must_fail get "$END_RE"
	other_file_reads
}

@test "extent_straddle: file data running 1 GiB past the end" {
	run_case extent_straddle /bad
	must_succeed ls
	must_fail cat "$END_RE"
	must_fail get "$END_RE"
	other_file_reads
}

@test "truncated_pvd: the volume is larger than the image" {
	run_case truncated_pvd /sub/inner.txt
	must_succeed ls cat
	other_file_reads
}

@test "truncated_dir: a directory cut off by the end of the image" {
	run_case truncated_dir /big/file000
	must_report ls "$END_RE|input/output|I/O"
	other_file_reads
}

@test "truncated_image: the image ends inside the root directory" {
	run_case truncated_image /hello.txt
	must_fail ls "$END_RE|input/output|I/O"
	must_fail cat "$END_RE|input/output|I/O"
}

# --- absurd lengths ------------------------------------------------------

@test "dir_size_4g: a directory of 4 GiB" {
	run_case dir_size_4g /huge/a.txt
	must_report ls "$END_RE|size|large|long|input/output|I/O"
	other_file_reads
}

REC_RE='record|name|length'

@test "rec_name_beyond: a name longer than its record" {
	run_case rec_name_beyond /bad
	must_report ls "$REC_RE"
}

@test "rec_len_short: records shorter than their header" {
	run_case rec_len_short /bad
	must_report ls "$REC_RE"
}

@test "rec_cross_block: a record that crosses its block" {
	run_case rec_cross_block /cross
	must_report ls "$REC_RE|block"
}

SUSP_RE='SUSP|system use|Rock Ridge|\<NM\>|entry|length'

@test "nm_len0: a system use entry of length 0" {
	run_case nm_len0 /bad
	tolerated_or_reported ls "$SUSP_RE"
	other_file_reads "$SUSP_RE"
}

@test "nm_len255: an NM entry past the system use area" {
	run_case nm_len255 /bad
	tolerated_or_reported ls "$SUSP_RE"
	other_file_reads "$SUSP_RE"
}

@test "nm_len3: system use entries shorter than their header" {
	run_case nm_len3 /bad
	tolerated_or_reported ls "$SUSP_RE"
	other_file_reads "$SUSP_RE"
}

SL_RE='\<SL\>|symlink|symbolic link|link target|component|Rock Ridge'

@test "sl_comp_beyond: a symlink component past its entry" {
	run_case sl_comp_beyond /bad
	must_fail cat "$SL_RE"
	must_fail get "$SL_RE"
	other_file_reads
}

@test "sl_nul: a symlink target with a NUL byte" {
	run_case sl_nul /bad
	must_fail cat "$SL_RE|NUL"
	must_fail get "$SL_RE|NUL"
	other_file_reads
}

@test "sl_many: a symlink target of 8000 bytes" {
	run_case sl_many /bad
	must_fail cat "$SL_RE|too long"
	must_fail get "$SL_RE|too long"
	other_file_reads
}

@test "px_short: a PX entry of 20 bytes" {
	run_case px_short /bad
	tolerated_or_reported ls '\<PX\>|POSIX|Rock Ridge|attribute'
	other_file_reads
}

# --- volume descriptor ---------------------------------------------------

PVD_RE='endian|byte order|mismatch|disagree|volume descriptor|PVD'

@test "pvd_endian: both-endian halves that disagree" {
	run_case pvd_endian /hello.txt
	must_fail ls "$PVD_RE"
	must_fail info "$PVD_RE"
}

@test "lbs_4096: logical block size 4096" {
	run_case lbs_4096 /hello.txt
	must_fail ls 'block size|volume descriptor'
	must_fail info 'block size|volume descriptor'
}

@test "lbs_512: logical block size 512" {
	run_case lbs_512 /hello.txt
}

@test "lbs_0: logical block size 0" {
	run_case lbs_0 /hello.txt
	must_fail ls 'block size|volume descriptor'
	must_fail info 'block size|volume descriptor'
}

@test "lbs_endian: logical block size 2048/4096 by byte order" {
	run_case lbs_endian /hello.txt
	must_fail ls "block size|$PVD_RE"
}

# --- zisofs --------------------------------------------------------------

ZF_RE='zisofs|compress|\<ZF\>|inflat|zlib'

@test "zisofs_blocksize: block size 2^30" {
	run_case zisofs_blocksize /bad
	must_fail cat "$ZF_RE|block size"
	other_file_reads
}

@test "zisofs_backwards: block pointers going backwards" {
	run_case zisofs_backwards /bad
	must_fail cat "$ZF_RE|pointer"
	other_file_reads
}

@test "zisofs_past_end: a block pointer past the end of the file" {
	run_case zisofs_past_end /bad
	must_fail cat "$ZF_RE|pointer|$END_RE"
	other_file_reads
}

@test "zisofs_huge: 4 GiB claimed, pointer table missing" {
	run_case zisofs_huge /bad
	must_fail cat "$ZF_RE|pointer|$END_RE"
	other_file_reads
}

@test "zisofs_bomb: a block that inflates to 16 MiB" {
	run_case zisofs_bomb /bad
	must_fail cat "$ZF_RE|block|size"
	other_file_reads
}

# --- multi-extent, depth, width ------------------------------------------

ME_RE="multi-extent|extent|$END_RE|too large|too big"

@test "multi_extent_endless: a multi-extent chain that never ends" {
	run_case multi_extent_endless /zbig
	must_fail cat "$ME_RE"
	other_file_reads "$ME_RE"
}

@test "multi_extent_into_next: a multi-extent chain into another name" {
	run_case multi_extent_into_next /big
	must_fail cat "$ME_RE"
	other_file_reads "$ME_RE"
}

@test "multi_extent_tail_no_nm: a lookup that skips a record by name keeps its extent chain" {
	run_case multi_extent_tail_no_nm /Big-File
	must_succeed ls get cat
	[ "$(wc -c <"$WORK/out/Big-File")" -eq 4096 ]
	[ "$(grep -vc '^/sub' <<<"${OUT[ls]}")" -eq 2 ] # Big-File, hello.txt
	# the tail's ISO name: no file of its own, by lookup as by listing
	exercise tail cat "$IMG" /big
	must_fail tail "No such file"
}

@test "deep_dirs: 10,000 nested directories" {
	run_case deep_dirs /D
	must_fail ls "$LOOP_RE|too long"
	must_fail get "$LOOP_RE|too long"
}

@test "wide_dir: 40,000 files in one directory" {
	run_case wide_dir /f39999
	must_succeed ls get info cat
	(($(grep -c 'f[0-9]\{5\}' <<<"${OUT[ls]}") == 40000))
}

# --- El Torito -----------------------------------------------------------

ET_RE='El Torito|boot catalog'

@test "eltorito_checksum: a boot catalog with a bad checksum" {
	run_case eltorito_checksum /hello.txt
	must_succeed ls get cat
	must_report info "($ET_RE).*checksum"
}

@test "eltorito_nokey: a boot catalog without 55 AA" {
	run_case eltorito_nokey /hello.txt
	must_succeed ls get cat
	must_report info "($ET_RE).*(55 AA|key)"
}

@test "eltorito_runoff: a catalog without a final header" {
	run_case eltorito_runoff /hello.txt
	must_succeed ls get cat
	must_report info "$ET_RE"
}

@test "eltorito_count: a section count past its entries" {
	run_case eltorito_count /hello.txt
	must_succeed ls get cat info
}

@test "eltorito_beyond: boot images past the end of the image" {
	run_case eltorito_beyond /hello.txt
	must_succeed ls get cat info
}

@test "eltorito_catalog_beyond: a boot catalog past the end" {
	run_case eltorito_catalog_beyond /hello.txt
	must_succeed ls get cat
	must_report info "$ET_RE"
}
