# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the mount tests; loaded by each .bats file. Runs inside the
# namespace run.sh sets up (FSIMG_TEST_TMP is world-readable).

USER_ID=65534 # nobody: the ordinary user of these tests

# Runs a command as an ordinary user, with no capabilities.
as_user() {
	setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups "$@"
}

# Runs a command as that user holding CAP_SYS_ADMIN and nothing else.
as_capsys() {
	setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups \
		--inh-caps=+sys_admin --ambient-caps=+sys_admin "$@"
}

# A fresh world-readable directory per test, as $T.
common_setup() {
	[ -n "${FSIMG_TEST_TMP:-}" ] || {
		echo "run through tests/mount/run.sh" >&2
		return 1
	}
	T=$(mktemp -d "$FSIMG_TEST_TMP/t.XXXXXX")
	chmod 755 "$T"
}

# Unmounts whatever a test left under $T and checks no daemon remains.
common_teardown() {
	[ -n "${T:-}" ] || return 0
	findmnt -rn -o TARGET | grep "^$T/" | sort -r |
		while read -r m; do umount -l "$m"; done
	losetup --raw -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
		case $back in "$T"/*) losetup -d "$dev" ;; esac
	done
}

# A tree with the shapes that matter: empty and odd-sized files, sizes
# around the 2 KiB block, a multi-extent-sized file, names with spaces and
# UTF-8, nesting, a symlink, and modes an ordinary user could not read on
# a disk (the image belongs to the mounting user: they may read it all).
make_tree() {
	local d=$1
	mkdir -p "$d/dir/sub/deeper" "$d/many" "$d/with space"
	: >"$d/empty"
	echo hello >"$d/hello.txt"
	head -c 2047 /dev/urandom >"$d/b2047"
	head -c 2048 /dev/urandom >"$d/b2048"
	head -c 2049 /dev/urandom >"$d/b2049"
	head -c $((1024 * 1024 + 3)) /dev/urandom >"$d/dir/onemeg"
	head -c $((6 * 1024 * 1024 + 17)) /dev/urandom >"$d/dir/sub/big.bin"
	echo deep >"$d/dir/sub/deeper/file"
	echo spaced >"$d/with space/a file"
	echo utf8 >"$d/dir/grüße-ünïcødé.txt"
	for i in $(seq 1 150); do echo "$i" >"$d/many/f$i"; done
	ln -s hello.txt "$d/link"
	echo secret >"$d/secret"
	chmod 600 "$d/secret"
	echo locked >"$d/dir/locked"
	chmod 000 "$d/dir/locked"
}

make_iso() { # SRC OUT [xorriso options...]
	local src=$1 out=$2
	shift 2
	xorriso -as mkisofs -R -J "$@" -o "$out" "$src" >/dev/null 2>&1
}

# A listing of a tree that pins down every name, file content (sha256),
# symlink target and directory; run as whoever may read the tree.
tree_sums() { # DIR
	cd "$1" && find . -mindepth 1 \( -type d -printf 'd %p\n' \) -o \
		\( -type l -printf 'l %p -> %l\n' \) -o \
		\( -type f -exec sha256sum {} + \) | LC_ALL=C sort
}

# Byte-exact comparison of a source tree (read as root) with a mounted one
# read by the runner given (as_user, as_capsys, or nothing for root).
same_tree() { # SRC MNT [runner...]
	local src=$1 mnt=$2
	shift 2
	diff <(tree_sums "$src") \
		<("$@" bash -c "$(declare -f tree_sums); tree_sums \"\$1\"" - "$mnt")
}

is_mounted() {
	findmnt -rn --mountpoint "$1" >/dev/null
}

# Waits, at most $2 seconds, until $1 is no longer a mount point.
wait_unmounted() {
	local mnt=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		is_mounted "$mnt" || return 0
		sleep 0.05
	done
	echo "$mnt still mounted after ${secs}s" >&2
	findmnt "$mnt" >&2
	ps -o pid,ppid,user,stat,cmd -u $USER_ID >&2
	return 1
}

# Waits, at most $2 seconds, until no process of user $USER_ID matches $1:
# a daemon exits shortly after its filesystem is unmounted.
wait_no_daemon() {
	local pat=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		pgrep -u $USER_ID -f "$pat" >/dev/null || return 0
		sleep 0.05
	done
	echo "a process matching $pat is still running after ${secs}s" >&2
	return 1
}

# The daemon pid, from "fsimg mount -v" output in $output.
daemon_pid_of() {
	sed -n 's/.*daemon pid \([0-9]*\).*/\1/p' <<<"$1" | head -1
}
