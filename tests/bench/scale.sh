#!/bin/bash
# What must not grow: fsimg's cost on a large case against a small one.
#
# Usage: tests/bench/scale.sh [-o RESULT.md] [FSIMG]
#
#  1. mounting (FUSE backend, until the mount point answers) and listing
#     the root with the CLI: an image of 200,000 files against one of
#     2,000, both 100 files to a directory;
#  2. opening a 100 GiB sparse image against a 1 GiB one holding the same
#     files: `fsimg ls IMG /`, `fsimg info`, and a mount;
#  3. reading one file from the end of a 50,000-entry directory against
#     one from a 10-entry directory: `fsimg cat`, and `cat` through a
#     mount (cold lookups), and for ext4 through the kernel's loop mount.
#     ext4's directory has a hash index, as the kernel gives every
#     directory it grows past one block (mke2fs -d writes none: e2fsck -D
#     adds it); ISO9660, FAT and UFS directories have none.
#
# Each row gives the small and the large case's median time and their
# ratio; the target is 1.2x. Cold = page cache dropped first. In every
# case the small and the large image take turns, one repetition each, so
# that a machine's drift weighs on both. Formats:
# ISO9660 (xorriso), ext4 (mke2fs -d, then e2fsck -fD), FAT32 (mkfs.fat + mcopy), UFS2
# (makefs; not for the sparse case: makefs writes the whole image, zeroes
# included), and a GPT disk with ext4 in partition 2 for the sparse case.
# Needs root (drop_caches, mounts). Never fails on a timing.
#
# Environment: SCALE_CASES ("files size dir": which of the three),
# BENCH_REPS (11), BENCH_TMP (/var/tmp), BENCH_FAT (1: FAT's
# 50,000-entry directory takes mcopy about a minute to write); smaller
# sizes for a quick try: SCALE_DIRS (2000 directories of 100 files),
# SCALE_GIB (100), SCALE_DIRENTS (50000).

set -u
export LC_ALL=C

. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_args "$@"

REPS=${BENCH_REPS:-11}
CASES=${SCALE_CASES:-files size dir}
NDIRS=${SCALE_DIRS:-2000}
GIB=${SCALE_GIB:-100}
NENT=${SCALE_DIRENTS:-50000}
DO_FAT=${BENCH_FAT:-1}
W=$(mktemp -d "${BENCH_TMP:-/var/tmp}/fsimg-scale.XXXXXX") || exit 1
RES=$W/results.tsv
: > "$RES"
T0=$EPOCHREALTIME
M=$W/mnt
mkdir -p "$M"

log() { printf '[%6.1fs] %s\n' "$(echo "$EPOCHREALTIME - $T0" | bc)" "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
cleanup() {
    mountpoint -q "$M" && { "$FSIMG" umount "$M" 2>/dev/null || umount -l "$M"; }
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
since() { echo "$EPOCHREALTIME - $1" | bc -l | awk '{printf "%.5f", $1}'; }
# record CASE FORMAT WHAT SIZE(small|large) MODE SECONDS
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RES"; }

# ------------------------------------------------------------------ trees
# tree DIR NDIRS PERDIR: NDIRS directories of PERDIR 8.3 files (FAT-safe
# names, one directory slot each), 16 bytes per file, all in DIR/TOP: the
# root holds one entry whatever the size, so that listing it costs the same
tree() {
    mkdir -p "$1/TOP"
    awk -v root="$1/TOP" -v nd="$2" -v per="$3" 'BEGIN {
        for (d = 0; d < nd; d++) {
            dir = sprintf("%s/D%04d", root, d); system("mkdir -p " dir);
            for (i = 0; i < per; i++) {
                f = sprintf("%s/F%05d.TXT", dir, i);
                printf "%s %09d\n", "file", d * per + i > f; close(f);
            }
        }
    }'
}

# mkimg FORMAT SRC IMG [SIZE_MB]
# SIZE_MB defaults to room for a 4 KiB block per file.
mkimg() {
    local fmt=$1 src=$2 img=$3 mb=${4:-} n
    n=$(find "$src" | wc -l)
    [ -n "$mb" ] || mb=$((n / 200 + 64))
    rm -f "$img"
    case $fmt in
    iso) xorriso -as mkisofs -quiet -R -J -o "$img" "$src" 2>/dev/null ;;
    ext4) # e2fsck exits 1 when it has indexed directories
        mke2fs -q -F -t ext4 -N $((n + 1000)) -d "$src" "$img" "${mb}M" >/dev/null 2>&1 &&
            { e2fsck -fyD "$img" >/dev/null 2>&1; [ $? -le 1 ]; } ;;
    fat32)
        mkfs.fat -F 32 -C "$img" $((mb * 1024)) >/dev/null 2>&1 &&
            (cd "$src" && mcopy -s -Q -i "$img" ./* ::/) ;;
    ufs2) makefs -t ffs -o version=2 -B le -s "${mb}m" "$img" "$src" >/dev/null 2>&1 ;;
    esac
    [ -s "$img" ]
}

# ------------------------------------------------------------------ measures
# until the mount point answers, then unmounted (not timed)
t_mount() { # img
    local s=$EPOCHREALTIME
    "$FSIMG" mount -o backend=fuse "$1" "$M" >/dev/null 2>&1 || { echo fail; return; }
    ls "$M" >/dev/null
    since "$s"
    "$FSIMG" umount "$M" >/dev/null 2>&1
}
t_cli() { # fsimg arguments...
    local s=$EPOCHREALTIME
    "$FSIMG" "$@" >/dev/null 2>&1 || { echo fail; return; }
    since "$s"
}
t_fusecat() { # img path: cold lookups through a fresh mount
    local s v
    "$FSIMG" mount -o backend=fuse "$1" "$M" >/dev/null 2>&1 || { echo fail; return; }
    drop
    s=$EPOCHREALTIME
    if cat "$M$2" >/dev/null; then v=$(since "$s"); else v=fail; fi
    "$FSIMG" umount "$M" >/dev/null 2>&1
    echo "$v"
}
t_kernelcat() { # img path: the same through the kernel's loop mount (ext4)
    local s v
    mount -o loop,ro "$1" "$M" 2>/dev/null || { echo fail; return; }
    drop
    s=$EPOCHREALTIME
    if cat "$M$2" >/dev/null; then v=$(since "$s"); else v=fail; fi
    umount "$M"
    echo "$v"
}

# measure CASE FORMAT WHAT SIZE FUNCTION ARGS...: REPS cold and warm runs
measure() {
    local c=$1 f=$2 what=$3 size=$4 r; shift 4
    for ((r = 0; r < REPS; r++)); do
        drop; record "$c" "$f" "$what" "$size" cold "$("$@")"
        record "$c" "$f" "$what" "$size" warm "$("$@")"
    done
}

FORMATS="iso ext4 ufs2"
[ "$DO_FAT" = 1 ] && have mcopy && FORMATS="iso ext4 fat32 ufs2"

want() { [[ " $CASES " == *" $1 "* ]]; }

# ---- 1. files in the image
log "trees: 2,000 files$(want files && echo " and $((NDIRS * 100))")"
tree "$W/t-small" 20 100 # also the files of the sparse images
want files &&
{
tree "$W/t-large" "$NDIRS" 100
for f in $FORMATS; do
    ok=1
    for size in small large; do
        log "1: $f $size"
        mkimg "$f" "$W/t-$size" "$W/files-$size.$f" || { log "1: $f $size: no image"; ok=0; }
    done
    # small and large take turns, one repetition each
    [ $ok = 1 ] && for ((r = 0; r < REPS; r++)); do
        for size in small large; do
            REPS=1 measure files "$f" "mount" "$size" t_mount "$W/files-$size.$f"
            REPS=1 measure files "$f" "ls /" "$size" t_cli ls "$W/files-$size.$f" /
        done
    done
    rm -f "$W/files-small.$f" "$W/files-large.$f"
done
rm -rf "$W/t-large"
}

# ---- 2. image size
gpt_disk() { # img size_mb: GPT, partition 2 (ext4) the rest of the disk
    truncate -s "${2}M" "$1"
    printf 'label: gpt\nsize=1MiB, type=21686148-6449-6E6F-744E-656564454649\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
        sfdisk -q "$1" >/dev/null 2>&1 || return 1
    local start sectors
    start=$(partx -g -o START -n 2 "$1") && sectors=$(partx -g -o SECTORS -n 2 "$1") || return 1
    mke2fs -q -F -t ext4 -E offset=$((start * 512)) -d "$W/t-small" "$1" $((sectors / 2))k >/dev/null 2>&1
}
want size && for f in ext4 fat32 gpt; do # not UFS2: makefs writes every byte
    [ $f = fat32 ] && [ "$DO_FAT" != 1 ] && continue
    ok=1
    for size in small large; do
        mb=1024; [ $size = large ] && mb=$((GIB * 1024))
        log "2: $f $size (${mb} MiB)"
        img=$W/size-$size.$f
        if [ $f = gpt ]; then gpt_disk "$img" $mb; else mkimg "$f" "$W/t-small" "$img" $mb; fi || { log "2: $f $size: no image"; ok=0; }
    done
    # small and large take turns, one repetition each
    [ $ok = 1 ] && for ((r = 0; r < REPS; r++)); do
        for size in small large; do
            img=$W/size-$size.$f
            REPS=1 measure size "$f" "ls /" "$size" t_cli ls "$img" /
            REPS=1 measure size "$f" "info" "$size" t_cli info "$img"
            REPS=1 measure size "$f" "mount" "$size" t_mount "$img"
        done
    done
    rm -f "$W/size-small.$f" "$W/size-large.$f"
done

# ---- 3. directory size
want dir &&
{
mkdir -p "$W/t-dir/SMALL" "$W/t-dir/LARGE"
(cd "$W/t-dir/SMALL" && seq -f 'F%05g.TXT' 0 9 | xargs touch)
(cd "$W/t-dir/LARGE" && seq -f 'F%05g.TXT' 0 $((NENT - 1)) | xargs touch)
echo small > "$W/t-dir/SMALL/F00009.TXT"
LAST=$(printf 'F%05d.TXT' $((NENT - 1)))
echo large > "$W/t-dir/LARGE/$LAST"
for f in $FORMATS; do
    log "3: $f"
    img=$W/dir.$f
    mkimg "$f" "$W/t-dir" "$img" || { log "3: $f: no image"; continue; }
    for ((r = 0; r < REPS; r++)); do # small and large take turns
        REPS=1 measure dir "$f" "fsimg cat" small t_cli cat "$img" /SMALL/F00009.TXT
        REPS=1 measure dir "$f" "fsimg cat" large t_cli cat "$img" "/LARGE/$LAST"
        REPS=1 measure dir "$f" "cat on a mount" small t_fusecat "$img" /SMALL/F00009.TXT
        REPS=1 measure dir "$f" "cat on a mount" large t_fusecat "$img" "/LARGE/$LAST"
        [ "$f" = ext4 ] || continue # the kernel's, where it has the format
        REPS=1 measure dir "ext4, kernel" "cat on a mount" small t_kernelcat "$img" /SMALL/F00009.TXT
        REPS=1 measure dir "ext4, kernel" "cat on a mount" large t_kernelcat "$img" "/LARGE/$LAST"
    done
    rm -f "$img"
done
}

# ------------------------------------------------------------------ report
report() {
    echo "Medians of $REPS runs; cold = page cache dropped first. Ratio = large / small; target 1.2x."
    echo
    echo "| case | format | what | mode | small | large | ratio |"
    echo "|---|---|---|---|---:|---:|---:|"
    awk -F'\t' -v nfiles=$((NDIRS * 100)) -v gib="$GIB" -v nent="$NENT" "$AWK_MEDIAN"'
    {
        k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5;
        if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
        vals[k SUBSEP $4] = vals[k SUBSEP $4] " " $6;
    }
    END {
        name["files"] = nfiles " files vs 2,000"; name["size"] = gib " GiB image vs 1 GiB";
        name["dir"] = "end of a " nent "-entry directory vs a 10-entry one";
        for (i = 1; i <= nk; i++) {
            split(order[i], p, SUBSEP);
            s = med(order[i] SUBSEP "small"); l = med(order[i] SUBSEP "large");
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", name[p[1]], p[2], p[3], p[4],
                (s == "" ? "n/a" : sprintf("%.1f ms", s * 1000)), (l == "" ? "n/a" : sprintf("%.1f ms", l * 1000)),
                (s == "" || l == "" || s == 0 ? "n/a" : sprintf("%.2f", l / s));
        }
    }' "$RES"
    echo
    echo "fsimg: $("$FSIMG" -V 2>&1 | head -1) ($FSIMG)"
    echo "Machine: $(nproc) CPUs, kernel $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME"). Total: $(echo "$EPOCHREALTIME - $T0" | bc | cut -d. -f1) s."
}
MD=${OUT_MD:-$W/report.md}
report > "$MD"
cat "$MD"
cp "$RES" "${MD%.md}.raw.tsv" 2>/dev/null || true
