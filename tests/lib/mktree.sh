#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mktree.sh [--profile PROFILE] DIR
#
# Creates DIR (which must not exist yet) holding a deterministic source tree
# for image round-trip tests. Every run yields the same names, contents,
# modes and times, so a failing comparison can be reproduced.
#
# Profiles:
#   full    (default) every kind of object: long and unicode names (up to
#           255 bytes, 4-byte UTF-8), names differing only by case, odd
#           characters, 12-deep directories, symlinks (relative, absolute,
#           dangling, 1011-byte target, to a directory), a hard-link group
#           of 3 and one of 2, fifos, a socket, sparse files, boundary sizes,
#           3 MiB of seeded pseudo-random data, setuid/setgid/sticky and
#           other odd modes, distinct mtimes from 1980 to 2100, a
#           5,000-entry directory; as root also char/block devices and
#           files owned by several uids/gids.
#   joliet  what a Joliet tree can hold exactly: directories and regular
#           files only, names of at most 64 UTF-16 units from the Basic
#           Multilingual Plane without * / : ; ? \, paths under 240
#           characters. Same sizes, sparse file, deep tree and big directory.
#
# The tree is described for humans in tests/data/corpus-notes.md; the
# comparisons that use it live in tests/lib/compare.sh.
set -euo pipefail

profile=full
while [[ $# -gt 0 ]]; do
	case $1 in
	--profile)
		profile=$2
		shift 2
		;;
	--profile=*)
		profile=${1#--profile=}
		shift
		;;
	-h | --help)
		sed -n '3,30p' "$0"
		exit 0
		;;
	--)
		shift
		break
		;;
	-*)
		echo "mktree.sh: unknown option $1" >&2
		exit 1
		;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || {
	echo "usage: mktree.sh [--profile full|joliet] DIR" >&2
	exit 1
}
case $profile in
full | joliet) ;;
*)
	echo "mktree.sh: unknown profile $profile" >&2
	exit 1
	;;
esac

top=$1
if [[ -e $top ]]; then
	echo "mktree.sh: $top already exists" >&2
	exit 1
fi
mkdir -p "$top"
cd "$top"

is_root=false
[[ $(id -u) -eq 0 ]] && is_root=true

# Fixed times (Unix seconds, UTC) so every run is identical.
T_DEFAULT=1589718896 # 2020-05-17 12:34:56
T_DIR=1589805296     # 2020-05-18 12:34:56

# bytes N SEED: N bytes of seeded pseudo-random data on stdout.
bytes() {
	python3 -c '
import random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
out = sys.stdout.buffer
while n > 0:
    k = min(n, 1 << 20)
    out.write(r.randbytes(k))
    n -= k
' "$1" "$2"
}

# rep STRING COUNT: STRING repeated COUNT times.
rep() {
	local s=$1 n=$2 out=
	while ((n-- > 0)); do out+=$s; done
	printf '%s' "$out"
}

# --- regular files of boundary sizes ------------------------------------
mkdir files
: >files/empty
for n in 1 2047 2048 2049 32768 32769 65536; do
	bytes "$n" "$n" >"files/size-$n"
done
bytes $((3 * 1024 * 1024 + 12345)) 42 >files/random-3m
printf 'hello\n' >files/hello.txt
# A text file with a known first line, handy for "cat" checks.
printf 'first line\nsecond line\n' >files/lines.txt

# --- sparse files: data, hole, data --------------------------------------
mkdir sparse
bytes 65536 1001 >sparse/holey
truncate -s $((16 * 1024 * 1024)) sparse/holey
bytes 65536 1002 >>sparse/holey
truncate -s $((8 * 1024 * 1024)) sparse/all-hole
# hole at the start, data at the end
truncate -s $((4 * 1024 * 1024)) sparse/tail-data
bytes 4096 1003 | dd of=sparse/tail-data bs=4096 seek=1024 conv=notrunc status=none

# --- names ---------------------------------------------------------------
mkdir names
if [[ $profile == full ]]; then
	long_ascii=$(rep L 255)
	long_latin=$(rep é 127)x            # 255 bytes
	long_cjk=$(rep 漢 85)                # 255 bytes
	long_emoji=$(rep 😀 63)abc           # 255 bytes, 4-byte UTF-8
	for n in "$long_ascii" "$long_latin" "$long_cjk" "$long_emoji"; do
		printf '%s\n' "${#n}" >"names/$n"
	done
	mkdir "names/$(rep D 255)"
	printf 'inside a 255-byte directory name\n' >"names/$(rep D 255)/$(rep f 255)"
	# shellcheck disable=SC2016 # literal $ in names
	for n in 'Café crème' 'naïve' 'Ünïcödé' '漢字かなカナ' '한국어' 'Ελληνικά' \
		'кириллица' 'emoji-😀' 'emoji-🎉-party-🐧' 'mixed-漢字-😀-é' \
		'with space' ' leading-space' 'trailing-space ' 'two  spaces' \
		"quote'single" 'quote"double' 'back\slash' 'star*' 'question?' \
		'brackets[x]' 'braces{a,b}' 'dollar$HOME' 'hash#' 'percent%d' \
		'amp&' 'pipe|' 'semi;colon' 'name;1' 'trailing-dot.' '..double-dot' \
		'.hidden' '-leading-dash' 'tilde~' 'colon:' 'lt<gt>' 'equals=' \
		'at@' 'comma,' 'plus+' 'caret^' 'backtick`' 'excl!' \
		"$(printf 'tab\tname')" "$(printf 'newline\nname')" 'UPPER.TXT' \
		'lower.txt' 'MiXeD.TxT' 'a.b.c.d' 'noext' '.config.d'; do
		printf '%s\n' "$n" >"names/$n"
	done
	# names differing only by case, each with its own content
	mkdir names/case
	for n in case Case CASE cAsE; do
		printf '%s\n' "$n" >"names/case/$n"
	done
	mkdir names/case/Dir names/case/dir
	printf 'upper\n' >names/case/Dir/f
	printf 'lower\n' >names/case/dir/f
else
	# Joliet: at most 64 UTF-16 units, BMP only, none of * / : ; ? \
	long64=$(rep J 60).txt                # 64 units
	long64u=$(rep é 60)e.tx             # 64 units, 2-byte UTF-8
	long64c=$(rep 漢 64)                  # 64 units, 3-byte UTF-8
	for n in "$long64" "$long64u" "$long64c"; do
		printf '%s\n' "$n" >"names/$n"
	done
	# shellcheck disable=SC2016 # literal $ in names
	for n in 'Café crème' 'naïve' 'Ünïcödé' '漢字かなカナ' '한국어' 'Ελληνικά' \
		'кириллица' 'with space' 'two  spaces' "quote'single" \
		'brackets[x]' 'braces{a,b}' 'dollar$HOME' 'hash#' 'percent%d' \
		'amp&' 'equals=' 'at@' 'comma,' 'plus+' 'caret^' 'excl!' \
		'UPPER.TXT' 'lower.txt' 'MiXeD.TxT' 'a.b.c.d' 'noext' '.hidden'; do
		printf '%s\n' "$n" >"names/$n"
	done
	mkdir names/case
	for n in case Case CASE; do
		printf '%s\n' "$n" >"names/case/$n"
	done
fi

# --- deep directories ----------------------------------------------------
d=deep
mkdir deep
for i in $(seq -w 1 12); do
	d=$d/d$i
	mkdir "$d"
	printf 'level %s\n' "$i" >"$d/level-$i.txt"
done
if [[ $profile == full ]]; then
	# a second chain whose path exceeds 255 bytes early (ISO9660 limit)
	d=deep/long
	mkdir "$d"
	for i in $(seq -w 1 10); do
		d=$d/$(rep "x$i" 25)
		mkdir "$d"
	done
	printf 'bottom of the long chain\n' >"$d/bottom.txt"
fi

# --- hard links ----------------------------------------------------------
mkdir hard hard/sub
bytes 4096 7 >hard/a
ln hard/a hard/b
ln hard/a hard/sub/c
: >hard/empty1
ln hard/empty1 hard/empty2

# --- big directory: 5,000 entries ----------------------------------------
mkdir big
(
	cd big
	suffix=()
	for ((i = 0; i < 37; i++)); do suffix[i]=$(rep x "$i"); done
	for ((i = 0; i < 5000; i++)); do
		if ((i % 500 == 0)); then
			printf 'entry %d\n' "$i" >"entry-$i-${suffix[i % 37]}"
		else
			: >"entry-$i-${suffix[i % 37]}"
		fi
	done
)

# --- modes ---------------------------------------------------------------
mkdir modes
modes=(4755 2755 6711 1644 0644 0600 0444 0700 0755 0777 0711)
# 0001 and 0000 leave the owner no read permission: only root can put
# such files in an image.
$is_root && modes+=(0001 0000)
for m in "${modes[@]}"; do
	printf 'mode %s\n' "$m" >"modes/f$m"
done
mkdir modes/sticky-dir modes/setgid-dir modes/private-dir modes/ro-dir
printf 'in a read-only directory\n' >modes/ro-dir/inside
$is_root && mkdir modes/d0000

if [[ $profile == full ]]; then
	# --- symlinks --------------------------------------------------------
	mkdir links
	ln -s ../files/hello.txt links/relative
	ln -s /etc/passwd links/absolute
	ln -s does/not/exist links/dangling
	ln -s ../deep links/to-dir
	ln -s . links/dot
	ln -s .. links/dotdot
	ln -s / links/root
	ln -s self-loop links/self-loop
	ln -s 'Café crème/漢字 😀' links/unicode-target
	long_target=
	for ((i = 0; i < 72; i++)); do
		long_target+=$(printf 'component-%03d/' "$i")
	done
	long_target+=end
	ln -s "$long_target" links/long-target # 1011 bytes (libisofs stops at 1024)
	ln -s "$(rep y 255)" links/target-255
	ln -s "../names/$(rep L 255)" links/to-long-name

	# --- fifos and sockets ------------------------------------------------
	mkdir special
	mkfifo special/fifo
	mkfifo -m 0600 special/fifo-0600
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.close()
' special/socket

	if $is_root; then
		mknod -m 0666 special/char-1-3 c 1 3
		mknod -m 0660 special/block-8-1 b 8 1
		mknod -m 0640 special/block-259-7 b 259 7
		mknod -m 0620 special/char-4-64 c 4 64
	fi

	# --- owners (root only) -----------------------------------------------
	if $is_root; then
		mkdir owners
		for ug in 0:0 1:1 1000:1000 1234:5678 65534:65534 2000000:3000000; do
			printf '%s\n' "$ug" >"owners/f-${ug/:/-}"
			chown "$ug" "owners/f-${ug/:/-}"
		done
		mkdir owners/dir-1000
		chown 1000:100 owners/dir-1000
		ln -s ../files/hello.txt owners/link-4321
		chown -h 4321:8765 owners/link-4321
	fi
fi

# --- times ---------------------------------------------------------------
# Default times first (symlinks included), then the special ones. Touching
# entries does not change their directory's mtime; directories get their
# own time afterwards.
find . -mindepth 1 -exec touch -h -d "@$T_DEFAULT" {} +
mkdir times
declare -A times=(
	[t1980-01-01]=315532800  # 1980-01-01 00:00:00
	[t1999-12-31]=946684799  # 1999-12-31 23:59:59
	[t2000-02-29]=951825600  # 2000-02-29 12:00:00
	[t2020-05-17]=1589718896 # 2020-05-17 12:34:56
	[t2037-12-31]=2145916799 # 2037-12-31 23:59:59
	[t2038-01-19]=2147483648 # 2038-01-19 03:14:08 (2^31)
	[t2100-06-15]=4116731400 # 2100-06-15 08:30:00
)
for n in "${!times[@]}"; do
	printf '%s\n' "$n" >"times/$n"
	touch -d "@${times[$n]}" "times/$n"
done
mkdir times/dir-1985
touch -d @489024000 times/dir-1985 # 1985-07-01 00:00:00
if [[ $profile == full ]]; then
	ln -s t1980-01-01 times/link-2001
	touch -h -d @978307200 times/link-2001 # 2001-01-01 00:00:00
fi

# Directories: one time for all, except times/dir-1985.
find . -mindepth 1 -type d ! -path ./times/dir-1985 -exec touch -d "@$T_DIR" {} +

# Modes last (a read-only directory must be filled first).
for m in "${modes[@]}"; do
	chmod "$m" "modes/f$m"
done
chmod 1777 modes/sticky-dir
chmod 2775 modes/setgid-dir
chmod 0700 modes/private-dir
chmod 0555 modes/ro-dir
$is_root && chmod 0000 modes/d0000
# chmod does not change mtimes, but the umask did decide the other modes:
# make them explicit so the tree does not depend on the caller's umask.
find . -mindepth 1 -type f ! -path './modes/*' -exec chmod 0644 {} +
find . -mindepth 1 -type d ! -path './modes/*' -exec chmod 0755 {} +
chmod 0755 modes
[[ -e special/fifo ]] && chmod 0644 special/fifo
[[ -e special/socket ]] && chmod 0755 special/socket
touch -d "@$T_DIR" . 2>/dev/null || true
exit 0
