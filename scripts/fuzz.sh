#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Open-ended fuzzing, outside CI (CI replays and runs a fixed-seed session).
#
#   scripts/fuzz.sh HARNESS|all [MINUTES]   fuzz for MINUTES (default 10) each
#   scripts/fuzz.sh --save HARNESS|all      fold the corpus into the repo
#   scripts/fuzz.sh --coverage HARNESS|all  llvm-cov report of the corpus
#
# HARNESS is a kind: iso eltorito ext fat ufs udf part wire bootcfg xenwire
# container broker lvm.
# The corpus lives in $FSIMG_FUZZ_DIR (default .fuzz/ at the top of the
# tree, ignored by git) and grows from run to run; every run adds the
# seeds of tests/fuzz/run_fuzz.py (generated, committed corpus, past
# findings).
# After each run the corpus is minimised (libFuzzer -merge) and every new
# crash, leak or timeout is copied into tests/fuzz/findings/KIND/, where the
# replay tests of the suite pick it up: fix it, commit it, and CI replays it
# for ever.
#
# --save merges into tests/fuzz/corpus/KIND/ the inputs of the campaign's
# corpus that add coverage to what is committed there (the deterministic
# CI session starts from that directory).
#
# Environment: FUZZ_JOBS (parallel harnesses with `all`, default 1),
# FUZZ_BUILD (build directory, default build-fuzz; made with clang,
# -Dfuzzers=enabled and ASan+UBSan when missing).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
kinds=(iso eltorito ext fat ufs part wire bootcfg xenwire container broker lvm udf)
build=${FUZZ_BUILD:-build-fuzz}
# UBSan reports and goes on unless told to stop: a report must end the run
# as a crash, so that libFuzzer keeps the input (CI's runs say the same
# through tests/meson.build)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
state=${FSIMG_FUZZ_DIR:-$top/.fuzz}

usage() {
	sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 1
}

mode=fuzz
case ${1:-} in
--save) mode=save; shift ;;
--coverage) mode=coverage; shift ;;
-h | --help | "") usage ;;
esac
[ $# -ge 1 ] || usage
target=$1
minutes=${2:-10}
[[ $minutes =~ ^[0-9]+$ ]] || usage
if [ "$target" = all ]; then
	sel=("${kinds[@]}")
else
	[[ " ${kinds[*]} " == *" $target "* ]] || {
		echo "fuzz.sh: unknown harness '$target' (${kinds[*]} or all)" >&2
		exit 1
	}
	sel=("$target")
fi

ensure_build() {
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" -Dfuzzers=enabled \
			-Db_sanitize=address,undefined -Db_lundef=false >/dev/null || {
			echo "fuzz.sh: meson setup $build failed" >&2
			exit 2
		}
	fi
	ninja -C "$build" >"$build.ninja.log" 2>&1 || {
		tail -20 "$build.ninja.log" >&2
		echo "fuzz.sh: building $build failed" >&2
		exit 2
	}
}

max_len() { # KIND [SAVE_MAX_LEN]: run_fuzz.py's -max_len for KIND
	python3 -c "import sys; sys.path.insert(0, 'tests/fuzz'); \
sys.dont_write_bytecode = True; import run_fuzz; \
print(run_fuzz.${2:-MAX_LEN}['$1'])"
}

# Keeps one copy of each artifact, named after its content, as a finding.
collect_findings() { # KIND
	local k=$1 f sum dest=tests/fuzz/findings/$1
	shopt -s nullglob
	for f in "$state/$k/artifacts/"*; do
		mkdir -p "$dest"
		sum=$(sha1sum "$f" | cut -c1-40)
		case $(basename "$f") in
		crash-* | leak-* | timeout-* | oom-* | slow-unit-*)
			if [ ! -e "$dest/$(basename "$f" | cut -d- -f1)-$sum" ]; then
				cp "$f" "$dest/$(basename "$f" | cut -d- -f1)-$sum"
				echo "fuzz.sh: $k: new finding $dest/$(basename "$f" | cut -d- -f1)-$sum"
			fi
			;;
		esac
		rm -f "$f"
	done
	shopt -u nullglob
}

fuzz_one() { # KIND
	local k=$1 dir=$state/$1 bin=$build/tests/fuzz/fuzz_$1 dict=()
	mkdir -p "$dir/corpus" "$dir/artifacts"
	# the seeds join every run (the merge drops what adds nothing), so
	# that a new generator or finding reaches a campaign under way
	rm -rf "$dir/seeds"
	python3 tests/fuzz/run_fuzz.py corpus "$dir/seeds" "--$k" \
		--max-size 1048576 --public || return 2
	[ -f "tests/fuzz/$k.dict" ] && dict=("-dict=tests/fuzz/$k.dict")
	echo "fuzz.sh: $k: $minutes min, corpus $dir/corpus"
	# fork mode: a crash is recorded and fuzzing goes on; CPU time of the
	# whole process tree is logged in $dir/cpu.log (date, wall s, user s,
	# system s)
	/usr/bin/time -f "$(date -u +%FT%TZ) %e %U %S" -a -o "$dir/cpu.log" \
		"$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time=$((minutes * 60)) -rss_limit_mb=1024 -timeout=30 \
		-max_len="$(max_len "$k")" -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$dir/artifacts/" \
		"$dir/corpus" "$dir/seeds" >"$dir/last.log" 2>&1
	grep -E '^#[0-9]+: cov' "$dir/last.log" | tail -1 | sed "s/^/fuzz.sh: $k: /"
	awk -v k="$k" '{ c += $3 + $4 } END {
		printf "fuzz.sh: %s: %.1f CPU-hours of fuzzing in all runs\n", k, c / 3600 }' \
		"$dir/cpu.log"
	# minimise: keep the inputs that add coverage, the seeds included
	# (fork mode writes to the corpus only what its jobs find new: a seed
	# that nothing beats would otherwise be lost)
	rm -rf "$dir/min"
	mkdir -p "$dir/min"
	if "$bin" -merge=1 -rss_limit_mb=1024 -timeout=30 \
		-max_len="$(max_len "$k")" "$dir/min" "$dir/corpus" "$dir/seeds" \
		>"$dir/merge.log" 2>&1; then
		rm -rf "$dir/corpus"
		mv "$dir/min" "$dir/corpus"
	fi
	rm -rf "$dir/seeds"
	echo "fuzz.sh: $k: corpus $(ls "$dir/corpus" | wc -l) inputs," \
		"$(du -sh "$dir/corpus" | cut -f1)"
	collect_findings "$k"
}

save_one() { # KIND
	local k=$1 bin=$build/tests/fuzz/fuzz_$1 dest=tests/fuzz/corpus/$1
	[ -d "$state/$k/corpus" ] || {
		echo "fuzz.sh: $k: no campaign corpus in $state/$k" >&2
		return 1
	}
	mkdir -p "$dest"
	# inputs are cut to SAVE_MAX_LEN: the committed corpus stays small
	"$bin" -merge=1 -rss_limit_mb=1024 -timeout=30 \
		-max_len="$(max_len "$k" SAVE_MAX_LEN)" "$dest" "$state/$k/corpus" \
		>"$state/$k/save.log" 2>&1 || {
		tail -5 "$state/$k/save.log" >&2
		return 1
	}
	echo "fuzz.sh: $k: $dest now holds $(ls "$dest" | wc -l) inputs," \
		"$(du -sh "$dest" | cut -f1)"
}

# the sources a harness is there to exercise
targets() { # KIND
	case $1 in
	iso) ls lib/fs/iso9660*.c ;;
	eltorito) echo lib/fs/iso9660_eltorito.c ;;
	ext) ls lib/fs/ext*.c ;;
	fat) ls lib/fs/fat*.c ;;
	ufs) ls lib/fs/ufs*.c ;;
	udf) ls lib/fs/udf*.c ;;
	part) ls partitions/*.c ;;
	wire) echo cli/getwire.c cli/get.c cli/extract.c ;;
	bootcfg) ls lib/boot/*.c ;;
	xenwire) echo cli/xenboot_wire.c ;;
	container) ls lib/container/*.c ;;
	broker) echo common/broker.c ;;
	lvm) echo partitions/lvm2.c partitions/lvm2_text.c ;;
	esac
}

coverage_one() { # KIND
	local k=$1 cov=build-cov dir=$state/$1 src=()
	if [ ! -f "$cov/build.ninja" ]; then
		CC=clang meson setup "$cov" -Dfuzzers=disabled \
			-Dc_args="-fprofile-instr-generate -fcoverage-mapping" \
			-Dc_link_args="-fprofile-instr-generate" >/dev/null || return 2
	fi
	ninja -C "$cov" "tests/fuzz/fuzz_${k}_replay" >/dev/null || return 2
	rm -f "$dir"/cov-*.profraw
	LLVM_PROFILE_FILE="$dir/cov-%p.profraw" \
		"$cov/tests/fuzz/fuzz_${k}_replay" "$dir/corpus" >/dev/null 2>&1
	llvm-profdata-14 merge -sparse "$dir"/cov-*.profraw -o "$dir/cov.profdata" &&
		llvm-cov-14 report "$cov/tests/fuzz/fuzz_${k}_replay" \
			-instr-profile="$dir/cov.profdata" >"$dir/coverage-all.txt" &&
		llvm-cov-14 show "$cov/tests/fuzz/fuzz_${k}_replay" \
			-instr-profile="$dir/cov.profdata" \
			-show-line-counts -line-coverage-lt=100 >"$dir/uncovered-all.txt" ||
		return 2
	# keep the harness's own sources (llvm-cov 14 ignores a source list
	# given with paths that differ from the recorded ones)
	mapfile -t src < <(targets "$k")
	awk -v files="${src[*]}" '
		BEGIN { n = split(files, f, " "); for (i = 1; i <= n; i++) want[f[i]] = 1 }
		NR <= 2 { print; next }
		{
			hit = 0
			for (w in want)
				if (substr($1, length($1) - length(w) + 1) == w)
					hit = 1
		}
		hit { print; r += $2; rm += $3; l += $8; lm += $9 }
		END { printf "TOTAL %d regions, %d missed (%.1f%% covered); %d lines, %d missed (%.1f%% covered)\n",
			r, rm, r ? 100 * (r - rm) / r : 0, l, lm, l ? 100 * (l - lm) / l : 0 }
	' "$dir/coverage-all.txt" >"$dir/coverage.txt"
	cp "$dir/uncovered-all.txt" "$dir/uncovered.txt"
	echo "fuzz.sh: $k: $(tail -1 "$dir/coverage.txt")"
	echo "fuzz.sh: $k: report $dir/coverage.txt, unreached lines $dir/uncovered.txt"
}

ensure_build
run() { # KIND
	case $mode in
	fuzz) fuzz_one "$1" ;;
	save) save_one "$1" ;;
	coverage) coverage_one "$1" ;;
	esac
}
jobs=${FUZZ_JOBS:-1}
for k in "${sel[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run "$k" &
done
wait
