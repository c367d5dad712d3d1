# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by bench.sh and scale.sh: arguments, the fsimg binary, medians.

# bench_args "$@": [-o RESULT.md] [FSIMG]; sets OUT_MD and FSIMG (default
# /tmp/b-bench/cli/fsimg, then fsimg in PATH), made absolute. -h prints
# the calling script's leading comment.
bench_args() {
    local opt prog
    prog=$(basename "$0" .sh)
    OUT_MD=
    OPTIND=1
    while getopts 'o:h' opt; do
        case $opt in
        o) OUT_MD=$OPTARG ;;
        h) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) exit 1 ;;
        esac
    done
    shift $((OPTIND - 1))
    FSIMG=${1:-}
    if [ -z "$FSIMG" ]; then
        if [ -x /tmp/b-bench/cli/fsimg ]; then FSIMG=/tmp/b-bench/cli/fsimg
        else FSIMG=$(command -v fsimg || true); fi
    fi
    [ -n "$FSIMG" ] && [ -x "$FSIMG" ] || { echo "$prog: no fsimg binary (give its path)" >&2; exit 1; }
    FSIMG=$(readlink -f "$FSIMG")
    [ "$(id -u)" = 0 ] || { echo "$prog: must run as root (drop_caches, mounts)" >&2; exit 1; }
}

# An awk function for the programs that read the raw samples: med(key),
# the median of the numbers in vals[key] (a space-separated list), or ""
# when it holds none (only "timeout", "fail(1)" and the like).
# shellcheck disable=SC2034 # used by the sourcing scripts
AWK_MEDIAN='
function med(key,   n, i, j, t, arr, cnt, v) {
    n = split(vals[key], arr, " "); cnt = 0;
    for (i = 1; i <= n; i++) if (arr[i] ~ /^[0-9.]+$/) v[++cnt] = arr[i] + 0;
    if (cnt == 0) return "";
    for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (cnt % 2) ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2;
}
'
