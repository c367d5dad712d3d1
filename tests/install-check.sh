#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the build into a scratch DESTDIR and checks what a packager and a
# library user get: the program, the library with its soname and versioned
# symbols only, the header, the pkg-config file, man pages, completions; then
# builds a small program against the installed library and runs it.
set -uo pipefail
n=0
fail=0
t() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		fail=1
	fi
}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$FSIMG_BUILDDIR" --destdir "$dest" --no-rebuild >"$dest.log" 2>&1
t "meson install succeeds" test $? -eq 0
prefix=$(meson introspect "$FSIMG_BUILDDIR" --buildoptions |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root=$dest$prefix
lib=$(find "$root" -name 'libfsimg.so.0.*' -type f | head -1)
t "fsimg is installed" test -x "$root/bin/fsimg"
t "fsimg-xenboot is installed" test -x "$root/bin/fsimg-xenboot"
t "the seccomp program compiler is for the build only" \
	test ! -e "$root/bin/fsimg-mkfilters"
t "fsimg carries no seccomp compiler: its programs are built in" bash -c \
	"nm '$root/bin/fsimg' | grep -q ' confine_bpf_table\$' &&
	 ! nm '$root/bin/fsimg' | grep -q ' seccomp_rule_add\$'"
t "libfsimg.so.0.* is installed" test -n "$lib"
t "the soname is libfsimg.so.0" bash -c "objdump -p '$lib' | grep -q 'SONAME *libfsimg.so.0$'"
t "exported symbols carry the version FSIMG_0.1" bash -c \
	"objdump -T '$lib' | grep -w fsimg_fs_open | grep -q FSIMG_0.1"
t "fsimg_bootmenu_read is exported" bash -c \
	"objdump -T '$lib' | grep -w fsimg_bootmenu_read | grep -q FSIMG_0.1"
t "only the public API is exported" bash -c \
	"! objdump -T '$lib' | awk '\$4 != \"*UND*\" && \$NF ~ /^fsimg_/ {print \$NF}' | grep -qE 'fsimg_(wread|opt|err|cache|utf|days|detail_(text|num|bool))'"
t "the typed details are exported at FSIMG_0.4" bash -c \
	"objdump -T '$lib' | grep -w fsimg_fs_details_typed | grep -q FSIMG_0.4"
t "fsimg.h is installed" test -f "$root/include/fsimg.h"
pc=$(find "$root" -name fsimg.pc | head -1)
t "fsimg.pc is installed" test -n "$pc"
t "fsimg(1) is installed" bash -c "ls '$root'/share/man/man1/fsimg.1*"
t "libfsimg(3) is installed" bash -c "ls '$root'/share/man/man3/libfsimg.3*"
t "fsimg-xenboot(1) is installed" bash -c "ls '$root'/share/man/man1/fsimg-xenboot.1*"
t "the schema of info --json is installed" \
	test -f "$root/share/fsimg/fsimg-info.schema.json"
if [ -n "$(find "$dest" -name 'mount.fsimg' 2>/dev/null)" ]; then
	t "fsimg-snoop is installed" test -x "$root/bin/fsimg-snoop"
	t "fsimg-snoop(8) is installed" bash -c "ls '$root'/share/man/man8/fsimg-snoop.8*"
fi
t "bash completion is installed" bash -c "find '$dest' -path '*bash-completion/completions/fsimg' | grep -q ."
t "zsh completion is installed" bash -c "find '$dest' -name _fsimg | grep -q ."
t "fish completion is installed" bash -c "find '$dest' -name fsimg.fish | grep -q ."

cat >"$dest/use.c" <<'C'
#include <fsimg.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	fsimg_image *img;
	fsimg_fs *fs;
	fsimg_ino ino;
	struct fsimg_stat st;
	if (argc < 2 || fsimg_image_open(argv[1], 0, &img) < 0 ||
	    fsimg_fs_open(img, 0, 0, NULL, NULL, &fs) < 0)
		return 1;
	fsimg_image_close(img);
	if (fsimg_resolve(fs, "/images/pxeboot/vmlinuz", 0, &ino, &st) < 0)
		return 2;
	printf("%s %llu\n", fsimg_fs_type(fs), (unsigned long long)st.size);
	fsimg_fs_close(fs);
	return 0;
}
C
pcdir=$(dirname "$pc")
flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs fsimg)
t "a program builds against the installed library" \
	cc -o "$dest/use" "$dest/use.c" $flags
t "and reads the sample ISO through it" bash -c \
	"LD_LIBRARY_PATH='$(dirname "$lib")' '$dest/use' '$FSIMG_SRCDIR/tests/data/sample.iso' | grep -q '^iso9660 [0-9]'"
echo "1..$n"
exit $fail
