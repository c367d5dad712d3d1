#!/bin/bash
# fsimg benchmark harness: fsimg against its peers, side by side in one run.
#
# Usage: tests/bench/bench.sh [-o RESULT.md] [FSIMG]
#
# FSIMG defaults to /tmp/b-bench/cli/fsimg, then to `fsimg` in PATH.
# Needs root (drop_caches, loop mounts). Not part of the test suite: it
# reports times and ratios, it never fails on a timing.
#
# Peers (each one missing gives "n/a"), Debian 12 packages:
#   apt-get install fuseiso archivemount fuse2fs fusefat p7zip-full \
#                   squashfuse squashfs-tools xorriso genisoimage \
#                   libarchive-tools mtools dosfstools makefs e2fsprogs \
#                   fuse3 time
#
# Sizes and limits (environment):
#   BENCH_NSMALL=20000   small files (nested dirs, 0.5-4 KiB each)
#   BENCH_NBIG=2         big files
#   BENCH_BIGMB=200      size of each big file, MiB
#   BENCH_REPS=3         repetitions per measurement (median reported);
#                        for the mounted tools, rounds: each mounts every
#                        tool and runs each scenario for all in turn
#   BENCH_WARM_REPS=3    warm runs after each cold run of a mounted tool
#   BENCH_CAT_REPS=15    turns of the one-file cat commands (all in turns)
#   BENCH_TIMEOUT=45     seconds before one run is given up ("timeout";
#                        the tool's later repetitions of that step are skipped)
#   BENCH_SLOW=10        a cold run slower than this is not repeated, and its
#                        warm run is skipped ("slow"), to bound the total time
#   BENCH_FAT=1          also build a FAT32 image (mkfs.fat + mcopy)
#   BENCH_UFS=1          also build a UFS2 image (makefs -t ffs)
#   BENCH_SQUASHFS=1     also build an uncompressed squashfs of the tree
#   BENCH_TMP=/var/tmp   where the temporary work dir is created (a disk,
#                        not tmpfs, so that cold runs read from the device)
#
# Ratios are peer time / fsimg time: above 1 means fsimg is faster. A
# second table checks the targets of issue #15: fsimg against the kernel's
# ext4 loop mount of the same tree, and against the FUSE floor (floorfs,
# built beside fsimg: the same tree served from memory by a trivial FUSE
# filesystem with fsimg's settings). The one-file cat's floor is catfloor,
# built beside it too: it reads the file's bytes where they lie in the
# image, found by looking for them.

set -u
export LC_ALL=C

. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_args "$@"
# floorfs: built in the same build tree as fsimg (tests/bench/floorfs)
FLOORFS=${BENCH_FLOORFS:-$(dirname "$FSIMG")/../tests/bench/floorfs}
[ -x "$FLOORFS" ] && FLOORFS=$(readlink -f "$FLOORFS") || FLOORFS=
# catfloor, the one-file cat's floor: built beside floorfs
CATFLOOR=${BENCH_CATFLOOR:-$(dirname "$FSIMG")/../tests/bench/catfloor}
[ -x "$CATFLOOR" ] && CATFLOOR=$(readlink -f "$CATFLOOR") || CATFLOOR=

NSMALL=${BENCH_NSMALL:-20000}
NBIG=${BENCH_NBIG:-2}
BIGMB=${BENCH_BIGMB:-200}
REPS=${BENCH_REPS:-3}
WARM_REPS=${BENCH_WARM_REPS:-3}
CAT_REPS=${BENCH_CAT_REPS:-15}
TMO=${BENCH_TIMEOUT:-45}
SLOW=${BENCH_SLOW:-10}
DO_FAT=${BENCH_FAT:-1}
DO_UFS=${BENCH_UFS:-1}
DO_SQ=${BENCH_SQUASHFS:-1}

W=$(mktemp -d "${BENCH_TMP:-/var/tmp}/fsimg-bench.XXXXXX") || exit 1
MOUNTS=()        # "kind mountpoint" of everything mounted
RES=$W/results.tsv
: > "$RES"
T0=$EPOCHREALTIME

log() { printf '[%6.1fs] %s\n' "$(echo "$EPOCHREALTIME - $T0" | bc)" "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

unmount_one() { # mountpoint
    local m=$1 i
    for i in 1 2 3; do
        mountpoint -q "$m" || return 0
        timeout 10 fusermount3 -u -q "$m" 2>/dev/null ||
            timeout 10 fusermount -u -q "$m" 2>/dev/null ||
            timeout 10 umount "$m" 2>/dev/null
        mountpoint -q "$m" || return 0
        sleep 0.3
    done
    timeout 10 umount -l "$m" 2>/dev/null
}

cleanup() {
    local m
    for m in "${MOUNTS[@]}" $(awk -v w="$W/" 'index($2, w) == 1 {print $2}' /proc/mounts); do unmount_one "$m"; done
    # make sure loop devices of our images are released
    for m in $(losetup -j "$W/ext.img" -O NAME -n 2>/dev/null); do losetup -d "$m" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

# timed CMD...: run under timeout, print elapsed seconds, or "timeout"/"fail"
timed() {
    local s e rc
    s=$EPOCHREALTIME
    timeout -k 5 "$TMO" "$@"; rc=$?
    e=$EPOCHREALTIME
    if [ $rc = 124 ] || [ $rc = 137 ]; then echo timeout; return 1; fi
    if [ $rc != 0 ]; then echo "fail($rc)"; return 1; fi
    echo "$e - $s" | bc -l | awk '{printf "%.4f\n", $1}'
}

# record IMAGE SCENARIO TOOL MODE VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RES"; }

# ------------------------------------------------------------------ inputs
TREE=$W/tree
build_tree() {
    mkdir -p "$TREE"
    log "tree: $NSMALL small files, $NBIG x $BIGMB MiB"
    # nested dirs: d00..d19 / e00..e09 / f000..fNNN, sizes 512..4096 bytes
    awk -v n="$NSMALL" -v root="$TREE" 'BEGIN {
        srand(42); line = "";
        for (k = 0; k < 64; k++) line = line sprintf("%c", 97 + k % 26);
        for (i = 0; i < n; i++) {
            d = sprintf("%s/d%02d/e%02d", root, i % 20, int(i / 20) % 10);
            if (!(d in made)) { system("mkdir -p " d); made[d] = 1 }
            f = sprintf("%s/f%05d.txt", d, i);
            sz = 512 + int(rand() * 3584);
            s = "";
            while (length(s) < sz) s = s i ":" line "\n";
            printf "%s", substr(s, 1, sz) > f; close(f);
        }
    }'
    mkdir -p "$TREE/big"
    local i
    for ((i = 0; i < NBIG; i++)); do
        head -c "${BIGMB}M" /dev/urandom > "$TREE/big/big$i.bin"
    done
    NFILES=$(find "$TREE" -type f | wc -l)
}

build_images() {
    local t mb
    if have xorriso; then
        t=$(timed xorriso -as mkisofs -quiet -R -J -o "$W/tree.iso" "$TREE" 2>/dev/null)
        log "iso: $t s"
    fi
    mb=$(du -sm "$TREE" | cut -f1)
    mb=$((mb * 13 / 10 + 200))
    t=$(timed mke2fs -q -F -t ext4 -N $((NSMALL + 2000)) -d "$TREE" "$W/ext.img" "${mb}M" 2>/dev/null | tail -1)
    log "ext4: $t s"
    if [ "$DO_SQ" = 1 ] && have mksquashfs; then
        t=$(timed mksquashfs "$TREE" "$W/tree.sqfs" -noappend -noI -noD -noF -noX -quiet -no-progress 2>/dev/null | tail -1)
        log "squashfs: $t s"
        [ -f "$W/tree.sqfs" ] || rm -f "$W/tree.sqfs"
    fi
    if [ "$DO_FAT" = 1 ] && have mkfs.fat && have mcopy; then
        rm -f "$W/fat.img"
        if mkfs.fat -F 32 -C "$W/fat.img" $((mb * 1024)) >/dev/null 2>&1 &&
            t=$(cd "$TREE" && timed mcopy -s -Q -i "$W/fat.img" ./* ::/) ; then
            log "fat32: $t s"
        else
            log "fat32: skipped ($t)"; rm -f "$W/fat.img"
        fi
    fi
    if [ "$DO_UFS" = 1 ] && have makefs; then
        t=$(timed makefs -t ffs -o version=2 -B le -s "${mb}m" "$W/ufs.img" "$TREE" 2>/dev/null | tail -1)
        log "ufs2: $t s"
        [ -f "$W/ufs.img" ] || log "ufs2: skipped"
    fi
    sync
}

# ------------------------------------------------------------------ versions
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
versions() {
    echo "| tool | version |"
    echo "|---|---|"
    echo "| fsimg | $("$FSIMG" -V 2>&1 | head -1) ($FSIMG) |"
    echo "| kernel (loop ext4) | $(uname -r) |"
    local p
    echo "| floorfs (FUSE floor) | ${FLOORFS:-n/a} |"
    echo "| catfloor (one-file cat floor) | ${CATFLOOR:-n/a} |"
    for p in fuseiso archivemount fuse2fs squashfuse fusefat p7zip-full xorriso genisoimage libarchive-tools e2fsprogs mtools makefs fuse3 libfuse2; do
        v=$(pkgver "$p"); echo "| $p | ${v:-n/a} |"
    done
}

# ------------------------------------------------------------------ mounting
# mount_tool TOOL IMAGE MNT -> starts the mount; sets DPID (daemon pid) if known
DPID=
do_mount() {
    local tool=$1 img=$2 m=$3 out
    DPID=
    case $tool in
    fsimg)
        # allow_other: visible to every user and permissions checked by
        # the kernel, as with the kernel's own mount it is compared with
        out=$(timeout -k 5 "$TMO" "$FSIMG" mount -v -o backend=fuse,allow_other "$img" "$m" 2>&1) || return 1
        DPID=$(printf '%s\n' "$out" | sed -n 's/.*daemon pid \([0-9]*\).*/\1/p' | head -1) ;;
    floor) timeout -k 5 "$TMO" "$FLOORFS" -o allow_other "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    fusefat) timeout -k 5 "$TMO" fusefat -o ro "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    fuseiso) timeout -k 5 "$TMO" fuseiso "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    archivemount) timeout -k 5 "$TMO" archivemount -o ro,readonly "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    fuse2fs) timeout -k 5 "$TMO" fuse2fs -o ro "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    squashfuse) timeout -k 5 "$TMO" squashfuse "$img" "$m" >/dev/null 2>&1 || return 1 ;;
    kernel) timeout -k 5 "$TMO" mount -o loop,ro -t ext4 "$img" "$m" 2>/dev/null || return 1 ;;
    *) return 1 ;;
    esac
    MOUNTS+=("$m")
}

do_umount() { # tool mnt
    if [ "$1" = fsimg ]; then timeout 10 "$FSIMG" umount "$2" >/dev/null 2>&1; fi
    unmount_one "$2"
    # wait (bounded) until the daemon is gone so the next mount starts clean
    local i; for i in $(seq 50); do mountpoint -q "$2" || break; sleep 0.1; done
}

daemon_pid() { # tool mnt
    [ "$1" = kernel ] && return
    [ -n "$DPID" ] && { echo "$DPID"; return; }
    pgrep -f -- "$2\$" | head -1
}

# mount and wait (bounded) until the mount point answers; sets MT (seconds)
mount_answer() { # tool img mnt
    local s e i
    MT=fail
    s=$EPOCHREALTIME
    do_mount "$1" "$2" "$3" || return 1
    for ((i = 0; i < TMO * 100; i++)); do
        if mountpoint -q "$3" && ls "$3" >/dev/null 2>&1 && [ -n "$(ls -A "$3" 2>/dev/null)" ]; then
            e=$EPOCHREALTIME
            MT=$(echo "$e - $s" | bc -l | awk '{printf "%.4f", $1}')
            return 0
        fi
        sleep 0.01
    done
    MT=timeout; return 1
}

hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# Names matched without regard to case: fusefat shows only 8.3 names (BIG0.BIN).
walk_find() { [ "$(find "$1" -type f | wc -l)" = "$NFILES" ]; }
walk_lslR() { ls -lR "$1" > /dev/null; }
seq_read() { local f n=0; shopt -s nocaseglob; for f in "$1"/[b]ig/big*.bin; do cat "$f" > /dev/null || return 1; n=$((n + 1)); done; [ $n -gt 0 ]; }
par_read() { find "$1" -type f -iname 'f*.txt' -print0 | xargs -0 -P16 -n 64 cat > /dev/null; }
# every small file opened and read by a few processes: the cost per open
all_read() { find "$1" -type f -iname 'f*.txt' -print0 | xargs -0 -n 5000 cat > /dev/null; }

# The mounted tools take turns, scenario by scenario. A round mounts every
# (label tool img) of MOUNTED, then runs each scenario for each of them
# in turn: a cold run (page cache dropped) followed by WARM_REPS warm
# runs. Each tool's samples of a scenario are then at most a few seconds
# from the kernel's and the floor's: on these machines a row of 0.1-1 s
# drifts by 10-20% within minutes, and when each tool was measured whole,
# one after the other, that drift went into the ratios. Each round starts
# the turns at the next tool, so that no tool always follows the same
# one, and mounts everything anew: the same image mounted twice can
# differ by some percent for as long as the mount lasts. A scenario that
# failed, timed out or was slow for a tool is not run again for it.
MOUNTED=()
declare -A DEAD=() PIDS=()
queue_mounted() { MOUNTED+=("$1 $2 $3"); } # IMAGE_LABEL TOOL IMG
SCENARIOS=("walk: find -type f|walk_find" "walk: ls -lR|walk_lslR" "seq read big files|seq_read" "16 parallel readers, small files|par_read" "read all small files, 4 processes|all_read")

# mount_round R: mounts every tool, each timed cold (page cache dropped)
# and then warm (unmounted and mounted again), and leaves it mounted
mount_round() {
    local r=$1 i n=${#MOUNTED[@]} label tool img m v
    for ((i = 0; i < n; i++)); do
        read -r label tool img <<< "${MOUNTED[(i + r) % n]}"
        [ -n "${DEAD[$label|$tool|mount]:-}" ] && continue
        m=$W/mnt-$tool-$label; mkdir -p "$m"
        drop
        mount_answer "$tool" "$img" "$m"; v=$MT
        record "$label" mount "$tool" cold "$v"
        if [[ $v == [0-9]* ]]; then
            do_umount "$tool" "$m"
            mount_answer "$tool" "$img" "$m"; v=$MT
        fi
        record "$label" mount "$tool" warm "$v"
        if [[ $v != [0-9]* ]]; then
            do_umount "$tool" "$m"; DEAD[$label|$tool|mount]=1; continue
        fi
        PIDS[$label|$tool]=$(daemon_pid "$tool" "$m")
    done
}

# record_rss LABEL TOOL WHAT: the peak RSS of the tool's daemon, if it has one
record_rss() {
    local pid=${PIDS[$1|$2]:-} hw
    [ -n "$pid" ] || return 0
    hw=$(hwm_kb "$pid"); [ -n "$hw" ] && record "$1" "$3" "$2" rss "$(echo "$hw/1024" | bc -l)"
    return 0
}

# scenario_turn R SCENARIO FN: the scenario for each mounted tool in turn
scenario_turn() {
    local r=$1 sc=$2 fn=$3 i j n=${#MOUNTED[@]} label tool img m v d
    for ((i = 0; i < n; i++)); do
        read -r label tool img <<< "${MOUNTED[(i + r) % n]}"
        [ -n "${DEAD[$label|$tool|mount]:-}" ] && continue
        m=$W/mnt-$tool-$label
        d=${DEAD[$label|$tool|$sc]:-}
        if [ -n "$d" ]; then
            [ "$d" != " " ] && { record "$label" "$sc" "$tool" cold "$d"; record "$label" "$sc" "$tool" warm "$d"; }
            continue
        fi
        drop
        v=$(timed bash -c "$fn '$m'"); record "$label" "$sc" "$tool" cold "$v"
        if [[ $v != [0-9]* ]]; then DEAD[$label|$tool|$sc]=$v; record "$label" "$sc" "$tool" warm "$v"; continue; fi
        if [ "$(echo "$v > $SLOW" | bc)" = 1 ]; then DEAD[$label|$tool|$sc]=" "; record "$label" "$sc" "$tool" warm slow; continue; fi
        for ((j = 0; j < WARM_REPS; j++)); do
            v=$(timed bash -c "$fn '$m'"); record "$label" "$sc" "$tool" warm "$v"
            [[ $v != [0-9]* ]] && { DEAD[$label|$tool|$sc]=$v; break; }
        done
        [ "$fn" = walk_lslR ] && record_rss "$label" "$tool" "daemon peak RSS after walk (MiB)"
    done
}

run_mounted() {
    local r k label tool img sc
    export -f walk_find walk_lslR seq_read par_read all_read
    export NFILES
    for ((r = 0; r < REPS; r++)); do
        log "mounted scenarios: round $((r + 1)) of $REPS, mounting"
        mount_round "$r"
        for sc in "${SCENARIOS[@]}"; do
            log "round $((r + 1)): ${sc%|*}"
            scenario_turn "$r" "${sc%|*}" "${sc#*|}"
        done
        for k in "${MOUNTED[@]}"; do
            read -r label tool img <<< "$k"
            [ -n "${DEAD[$label|$tool|mount]:-}" ] && continue
            record_rss "$label" "$tool" "daemon peak RSS at end (MiB)"
            do_umount "$tool" "$W/mnt-$tool-$label"
        done
    done
}

# ------------------------------------------------------------------ extraction
extract_cmd() { # tool img out -> runs the extraction
    local tool=$1 img=$2 o=$3
    case $tool in
    fsimg) "$FSIMG" get -q "$img" / "$o" ;;
    bsdtar) bsdtar -xf "$img" -C "$o" ;;
    7z) 7z x -y -bd -o"$o" "$img" >/dev/null ;;
    xorriso) xorriso -osirrox on -indev "$img" -extract / "$o" >/dev/null 2>&1 ;;
    debugfs) debugfs -R "rdump / $o" "$img" >/dev/null 2>&1 ;;
    mcopy) mcopy -s -n -i "$img" '::/*' "$o"/ ;;
    cp-a) cp -a "$img/." "$o" ;; # img: the kernel's mount point
    esac
}

# one repetition, cold then warm; returns 1 when the tool is not to be
# run again (failed, timed out, or slow)
bench_extract() { # label tool img
    local label=$1 tool=$2 img=$3 o=$W/out v mode n rss
    # output on tmpfs: measures the extractor, not the disk's writeback
    if ! mountpoint -q "$W/outfs"; then
        mkdir -p "$W/outfs" && mount -t tmpfs -o size=$((BIGMB * NBIG + 1024))m tmpfs "$W/outfs" && MOUNTS+=("$W/outfs")
    fi
    mountpoint -q "$W/outfs" && o=$W/outfs/out
    log "$label: extract with $tool"
    export -f extract_cmd
    export FSIMG
    for mode in cold warm; do
        rm -rf "$o"; mkdir -p "$o"; sync
        [ $mode = cold ] && drop
        v=$(timed /usr/bin/time -f '%M' -o "$W/rss" bash -c "extract_cmd $tool '$img' '$o'" 2>/dev/null)
        if [[ $v == [0-9]* ]]; then
            n=$(find "$o" -type f \( -iname 'f*.txt' -o -iname 'big*.bin' \) | wc -l)
            [ "$n" = "$NFILES" ] || v="wrong:${n}_files"
        fi
        record "$label" "extract all (no mount)" "$tool" $mode "$v"
        if [ "$tool" = fsimg ] && [ -s "$W/rss" ]; then
            rss=$(tail -1 "$W/rss"); record "$label" "peak RSS of extractor (MiB)" "$tool" rss "$(echo "$rss/1024" | bc -l)"
        fi
        if [[ $v != [0-9]* ]]; then
            [ $mode = cold ] && record "$label" "extract all (no mount)" "$tool" warm "$v"
            rm -rf "$o"; return 1
        fi
        if [ $mode = cold ] && [ "$(echo "$v > $SLOW" | bc)" = 1 ]; then
            record "$label" "extract all (no mount)" "$tool" warm slow; rm -rf "$o"; return 1
        fi
    done
    rm -rf "$o"
}

# extract_all LABEL IMG TOOL...: the tools take turns, a repetition each,
# so that a drift of the disk or the machine weighs on all of them alike.
# cp-a copies from the kernel's mount at $W/kmnt instead of reading IMG.
extract_all() {
    local label=$1 img=$2 r t; shift 2
    local -A dead=()
    for t in "$@"; do
        if [ $t != fsimg ] && ! have "${t%-a}"; then
            record "$label" "extract all (no mount)" "$t" cold n/a; dead[$t]=1
        fi
    done
    for ((r = 0; r < REPS; r++)); do
        for t in "$@"; do
            [ -n "${dead[$t]:-}" ] && continue
            if [ "$t" = cp-a ]; then bench_extract "$label" "$t" "$W/kmnt" || dead[$t]=1
            else bench_extract "$label" "$t" "$img" || dead[$t]=1; fi
        done
    done
}

# ------------------------------------------------------------------ one file
# Reading one small file without mounting: the whole cost of a command
# (exec, probe, lookup, read), the case of a script or a CI job. Timed
# without timeout(1), whose own fork and exec would weigh on milliseconds.
ONE=
one_file() { # the tree's last small file, relative to its root
    local i=$((NSMALL - 1))
    printf 'd%02d/e%02d/f%05d.txt' $((i % 20)) $((i / 20 % 10)) "$i"
}

cat_cmd() { # tool img
    case $1 in
    fsimg) "$FSIMG" cat "$2" "/$ONE" ;;
    isoinfo) isoinfo -R -i "$2" -x "/$ONE" ;;
    debugfs) debugfs -R "cat /$ONE" "$2" 2>/dev/null ;;
    mtype) mtype -i "$2" "::/$ONE" ;;
    true) /bin/true ;; # exec of a program that does nothing
    floor) "$CATFLOOR" "$2" "${FLOOR_AT[$2]}" "$ONE_LEN" ;;
    esac
}

# The floor of each image's cat: catfloor reads the file's bytes where
# they lie in the image (exec, the image's path looked up, one read). The
# offset is where the file's first 64 bytes first occur in the image (each
# small file starts with its own number); catfloor's output must then be
# the file, or the image has no floor.
declare -A FLOOR_AT=()
find_floor() { # img
    local at
    [ -n "$CATFLOOR" ] || return 1
    at=$(LC_ALL=C grep -obaF -m1 -- "$(head -c 64 "$TREE/$ONE")" "$1" | head -1 | cut -d: -f1)
    [ -n "$at" ] || return 1
    FLOOR_AT[$1]=$at
    "$CATFLOOR" "$1" "$at" "$ONE_LEN" | cmp -s - "$TREE/$ONE" || {
        unset "FLOOR_AT[$1]"; return 1
    }
    log "cat floor: $(basename "$1") holds /$ONE at $at"
}

# One cold and one warm run of each (label tool img) in CATS per turn,
# CAT_REPS turns: a few milliseconds each, measured side by side so that
# the machine's drift weighs on all alike, and often enough for a steady
# median.
CATS=()
bench_cats() {
    local r k label tool img mode s e n
    log "cat one file: ${#CATS[@]} commands, $CAT_REPS turns"
    for ((r = 0; r < CAT_REPS; r++)); do
        for k in "${CATS[@]}"; do
            read -r label tool img <<< "$k"
            for mode in cold warm; do
                [ $mode = cold ] && drop
                # one fork and exec, the command's own: no subshell, no pipe
                s=$EPOCHREALTIME
                cat_cmd "$tool" "$img" > "$W/one.out"
                e=$EPOCHREALTIME
                n=$(wc -c < "$W/one.out")
                if [ "$tool" != true ] && [ "$n" != "$ONE_LEN" ]; then
                    record "$label" "cat one file (no mount)" "$tool" $mode "wrong:${n}_bytes"
                    continue
                fi
                record "$label" "cat one file (no mount)" "$tool" $mode "$(echo "$e - $s" | bc -l | awk '{printf "%.4f", $1}')"
            done
        done
    done
}

# ------------------------------------------------------------------ targets
# Issue #15's targets: fsimg (FUSE backend, or the CLI for extraction and
# cat) against the kernel's ext4 loop mount of the same tree, and against
# the FUSE floor. The ratio columns are fsimg's time divided by the
# other's (below 1: fsimg faster): the ratio of the medians, and the
# median of the ratios within a round ("per round": the k-th sample of
# each, taken in the same round a few seconds apart, so that what the
# machine did in between weighs on neither). "met" says whether the
# target is met against the kernel ("yes"), or else within 1.2x of the
# floor ("floor"), judged on the per-round ratios where both have them.
targets() {
    echo "| image | target | fsimg | kernel ext4 | fsimg/kernel | per round | floor | fsimg/floor | per round | target | met |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    awk -F'\t' "$AWK_MEDIAN"'
    function f(x, unit) { return x == "" ? "n/a" : (unit == "MiB" ? sprintf("%.1f MiB", x) : x < 0.1 ? sprintf("%.1f ms", x * 1000) : sprintf("%.3f s", x)) }
    function r(a, b) { return (a == "" || b == "" || b == 0) ? "" : a / b }
    function fr(x) { return x == "" ? "n/a" : sprintf("%.2f", x) }
    # the median of a[i] / b[i], the samples in the order taken, or ""
    # unless both have the same number of them, all numbers
    function pr(ka, kb,   i, l) {
        if (!(ka in cnt) || cnt[ka] != cnt[kb]) return "";
        l = "";
        for (i = 1; i <= cnt[ka]; i++) {
            if (smp[ka, i] !~ /^[0-9.]+$/ || smp[kb, i] !~ /^[0-9.]+$/ || smp[kb, i] == 0) return "";
            l = l " " smp[ka, i] / smp[kb, i];
        }
        vals["\001pr"] = l;
        return med("\001pr");
    }
    # row IMAGE NAME SCENARIO MODE LIMIT [REF_LABEL REF_TOOL]
    # (the extraction rows name their own reference, timed in other turns:
    # no per-round ratio, no floor)
    function row(img, name, sc, mode, lim, rl, rt,   a, ka, kk, kf, k, fl, mk, mf, pk, pf, rk, rf, met) {
        if (rl == "") { rl = "ext4"; rt = "kernel" }
        ka = img SUBSEP sc SUBSEP "fsimg" SUBSEP mode;
        kk = rl SUBSEP sc SUBSEP rt SUBSEP mode;
        kf = "floor" SUBSEP sc SUBSEP "floor" SUBSEP mode;
        a = med(ka);
        if (a == "") return;
        k = med(kk); mk = r(a, k);
        fl = mf = pk = pf = "";
        if (rt == "kernel") { fl = med(kf); mf = r(a, fl); pk = pr(ka, kk); pf = pr(ka, kf) }
        rk = pk != "" ? pk : mk; rf = pf != "" ? pf : mf;
        met = (rk != "" && rk <= lim) ? "yes" : (rf != "" && rf <= 1.2) ? "floor" : (rk == "" ? "n/a" : "no");
        print "| " img " | " name " | " f(a) " | " f(k) " | " fr(mk) " | " (pk == "" ? "" : fr(pk)) " | " f(fl) " | " fr(mf) " | " (pf == "" ? "" : fr(pf)) " | " lim "x | " met " |";
    }
    {
        k = $1 SUBSEP $2 SUBSEP $3 SUBSEP ($4 == "rss" ? "cold" : $4);
        vals[k] = vals[k] " " $5; imgs[$1] = 1;
        cnt[k]++; smp[k, cnt[k]] = $5;
    }
    END {
        n = split("iso ext4 fat32 ufs2", order, " ");
        for (i = 1; i <= n; i++) {
            im = order[i]; if (!(im in imgs)) continue;
            row(im, "cold 400 MiB read", "seq read big files", "cold", 1.2);
            row(im, "warm 400 MiB read", "seq read big files", "warm", 1.2);
            row(im, "cold find", "walk: find -type f", "cold", 1.5);
            row(im, "cold ls -lR", "walk: ls -lR", "cold", 1.5);
            row(im, "warm ls -lR", "walk: ls -lR", "warm", 1.5);
            row(im, "16 readers, cold", "16 parallel readers, small files", "cold", 1.5);
            row(im, "16 readers, warm", "16 parallel readers, small files", "warm", 1.5);
            row(im, "every small file read, cold", "read all small files, 4 processes", "cold", 1.5);
            row(im, "every small file read, warm", "read all small files, 4 processes", "warm", 1.5);
            row(im, "get all vs bsdtar -x of the ISO", "extract all (no mount)", "cold", 1.0, "iso", "bsdtar");
            row(im, "get all vs cp -a from the kernel", "extract all (no mount)", "cold", 1.0, "ext4", "cp-a");
            a = med(im SUBSEP "daemon peak RSS at end (MiB)" SUBSEP "fsimg" SUBSEP "cold");
            if (a != "") print "| " im " | daemon peak RSS | " f(a, "MiB") " | | | | | | | 16 MiB | " (a <= 16 ? "yes" : "no") " |";
            a = med(im SUBSEP "cat one file (no mount)" SUBSEP "fsimg" SUBSEP "cold");
            b = med(im SUBSEP "cat one file (no mount)" SUBSEP "floor" SUBSEP "cold");
            if (a != "") print "| " im " | fsimg cat of one file, cold | " f(a) " | | | | " (b == "" ? "" : f(b)) " | " (b == "" ? "" : sprintf("%.2f", a / b)) " | | 10 ms | " (a <= 0.010 ? "yes" : (b != "" && a <= 1.2 * b ? "floor" : "no")) " |";
            a = med(im SUBSEP "cat one file (no mount)" SUBSEP "fsimg" SUBSEP "warm");
            if (a != "") print "| " im " | fsimg cat of one file, warm | " f(a) " | | | | | | | 10 ms | " (a <= 0.010 ? "yes" : "no") " |";
        }
    }' "$RES"
}

# ------------------------------------------------------------------ report
report() {
    local md=$1
    {
        echo "Ratios are peer time / fsimg time (same image, same scenario): above 1 means fsimg is faster."
        echo "Times are medians of $REPS runs (warm runs of a mounted tool: $((REPS * WARM_REPS)), $WARM_REPS after each cold one; the one-file cat: $CAT_REPS runs, its commands in turns), seconds; cold = page cache dropped before the run. The mounted tools take turns scenario by scenario, in $REPS rounds that each mount them anew."
        echo "Tree: $NFILES files ($NSMALL small in 200 nested dirs, $NBIG x $BIGMB MiB). squashfuse reads the same tree as an uncompressed squashfs."
        echo
        echo "| image | scenario | tool | cold | warm | cold ratio | warm ratio |"
        echo "|---|---|---|---:|---:|---:|---:|"
        awk -F'\t' -v bigmb=$((NBIG * BIGMB)) -v nfiles="$NFILES" "$AWK_MEDIAN"'
        # the median, else what the runs said instead ("timeout", "slow")
        function medv(key,   m, n, i, arr, bad) {
            m = med(key);
            if (m != "") return m;
            n = split(vals[key], arr, " "); bad = "n/a";
            for (i = 1; i <= n; i++) if (arr[i] != "") bad = arr[i];
            return bad;
        }
        function fmt(x, sc) {
            if (x !~ /^[0-9.]+$/) return x;
            if (sc ~ /RSS/) return sprintf("%.1f MiB", x);
            if (sc ~ /^seq read/) return sprintf("%.3f s (%.0f MiB/s)", x, (x > 0 ? bigmb / x : 0));
            if (x < 0.1) return sprintf("%.1f ms", x * 1000);
            return sprintf("%.3f s", x);
        }
        function ratio(x, ref) {
            if (x !~ /^[0-9.]+$/ || ref !~ /^[0-9.]+$/ || ref == 0) return "n/a";
            return sprintf("%.2f", x / ref);
        }
        {
            k = $1 SUBSEP $2 SUBSEP $3;
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
            mk = k SUBSEP ($4 == "rss" ? "cold" : $4);
            vals[mk] = vals[mk] " " $5;
        }
        END {
            for (i = 1; i <= nk; i++) {
                split(order[i], p, SUBSEP);
                c = medv(order[i] SUBSEP "cold"); w = medv(order[i] SUBSEP "warm");
                rk = p[1] SUBSEP p[2] SUBSEP "fsimg";
                rc = medv(rk SUBSEP "cold"); rw = medv(rk SUBSEP "warm");
                if (p[2] ~ /RSS/) { print "| " p[1] " | " p[2] " | " p[3] " | " fmt(c, p[2]) " | | " ratio(c, rc) " | |"; continue }
                print "| " p[1] " | " p[2] " | " p[3] " | " fmt(c, p[2]) " | " fmt(w, p[2]) " | " ratio(c, rc) " | " ratio(w, rw) " |";
            }
        }' "$RES"
        echo
        echo "Targets (issue #15): fsimg's time over the kernel's and over the FUSE floor's; below 1 is faster."
        echo
        targets
        echo
        echo "Versions:"
        echo
        versions
        echo
        echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME")."
        echo "Total bench time: $(echo "$EPOCHREALTIME - $T0" | bc | cut -d. -f1) s."
    } > "$md"
}

# ------------------------------------------------------------------ main
build_tree
build_images
ONE=$(one_file)
ONE_LEN=$(wc -c < "$TREE/$ONE") # its size, known before anything is timed
log "images ready: $(cd "$W" && ls -s --block-size=M ./*.iso ./*.img ./*.sqfs 2>/dev/null | tr '\n' ' ')"

# the FUSE floor: the tree itself, served from memory
if [ -n "$FLOORFS" ]; then queue_mounted floor floor "$TREE"; else record floor mount floor cold n/a; fi

# ISO
if [ -f "$W/tree.iso" ]; then
    for t in fsimg fuseiso archivemount; do
        if [ $t = fsimg ] || have $t; then queue_mounted iso "$t" "$W/tree.iso"; else record iso mount $t cold n/a; fi
    done
    if [ -f "$W/tree.sqfs" ] && have squashfuse; then queue_mounted iso squashfuse "$W/tree.sqfs"
    else record iso mount squashfuse cold n/a; fi
fi
# ext4
for t in fsimg fuse2fs kernel; do
    if [ $t = fsimg ] || [ $t = kernel ] || have $t; then queue_mounted ext4 "$t" "$W/ext.img"; else record ext4 mount $t cold n/a; fi
done
# FAT32 (no kernel vfat here)
if [ -f "$W/fat.img" ]; then
    for t in fsimg fusefat; do
        if [ $t = fsimg ] || have $t; then queue_mounted fat32 "$t" "$W/fat.img"; else record fat32 mount $t cold n/a; fi
    done
fi
# UFS2 (no kernel ufs here, no FUSE peer in Debian)
[ -f "$W/ufs.img" ] && queue_mounted ufs2 fsimg "$W/ufs.img"
run_mounted

# extraction without mounting
[ -f "$W/tree.iso" ] && extract_all iso "$W/tree.iso" fsimg bsdtar 7z xorriso
# cp -a: from the kernel's mount of the ext4 image
mkdir -p "$W/kmnt" && mount -o loop,ro -t ext4 "$W/ext.img" "$W/kmnt" && MOUNTS+=("$W/kmnt")
extract_all ext4 "$W/ext.img" fsimg debugfs 7z cp-a
unmount_one "$W/kmnt"
[ -f "$W/fat.img" ] && extract_all fat32 "$W/fat.img" fsimg 7z mcopy
[ -f "$W/ufs.img" ] && extract_all ufs2 "$W/ufs.img" fsimg

# one file, no mount; /bin/true is exec alone, catfloor each image's floor
CATS+=("any true /bin/true")
if [ -f "$W/tree.iso" ]; then
    CATS+=("iso fsimg $W/tree.iso")
    have isoinfo && CATS+=("iso isoinfo $W/tree.iso")
    find_floor "$W/tree.iso" && CATS+=("iso floor $W/tree.iso")
fi
CATS+=("ext4 fsimg $W/ext.img")
have debugfs && CATS+=("ext4 debugfs $W/ext.img")
find_floor "$W/ext.img" && CATS+=("ext4 floor $W/ext.img")
if [ -f "$W/fat.img" ]; then
    CATS+=("fat32 fsimg $W/fat.img")
    have mtype && CATS+=("fat32 mtype $W/fat.img")
    find_floor "$W/fat.img" && CATS+=("fat32 floor $W/fat.img")
fi
if [ -f "$W/ufs.img" ]; then
    CATS+=("ufs2 fsimg $W/ufs.img")
    find_floor "$W/ufs.img" && CATS+=("ufs2 floor $W/ufs.img")
fi
bench_cats

MD=${OUT_MD:-$W/report.md}
report "$MD"
cat "$MD"
cp "$RES" "${MD%.md}.raw.tsv" 2>/dev/null || true
