#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one bats file of the mount tests, as root, in a private mount
# namespace set up the way a Debian host with fsimg installed looks:
#
#  - mount.fsimg where mount(8) looks for helpers (/sbin): an overlay puts
#    the built one in front of the real directory;
#  - /etc/fstab and /run/mount (utab) private copies, so tests can add
#    fstab lines and nothing leaks to the host;
#  - /dev/fuse usable by every user, as Debian's udev rule makes it (0666);
#    some hosts and containers leave it 0600, where no unprivileged FUSE
#    mount is possible at all. A private 0666 node is bound over it.
#
# Every mount a test makes lives and dies in this namespace; loop devices
# are global, so whatever is left attached to our files is detached at the
# end.
#
# Usage: run.sh FILE.bats     (env: FSIMG, MOUNT_FSIMG)
set -u

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

if [ "${1:-}" != --inside ]; then
	[ "$(id -u)" = 0 ] ||
		skip_all "needs root: the tests switch users (setpriv), use loop devices and a private mount namespace"
	for tool in bats setpriv unshare xorriso findmnt; do
		command -v "$tool" >/dev/null || skip_all "needs $tool"
	done
	[ -c /dev/fuse ] || skip_all "no /dev/fuse"
	[ -x "${MOUNT_FSIMG:-}" ] || skip_all "MOUNT_FSIMG is not set to the built mount.fsimg"
	exec unshare --mount --propagation private -- "$0" --inside "$@"
fi
shift

tmp=$(mktemp -d /tmp/fsimg-mount-test.XXXXXX) || exit 1
chmod 755 "$tmp"
ns=$tmp/.ns
mkdir "$ns"
mount -t tmpfs -o mode=755 fsimg-test "$ns" || exit 1

if ! setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c 'exec 3<>/dev/fuse' 2>/dev/null; then
	mknod -m 666 "$ns/fuse" c 10 229 && mount --bind "$ns/fuse" /dev/fuse ||
		exit 1
fi

sbin=$(readlink -f /sbin)
mkdir "$ns/sbin"
ln -s "$MOUNT_FSIMG" "$ns/sbin/mount.fsimg"
mount -t overlay fsimg-sbin -o "lowerdir=$ns/sbin:$sbin" "$sbin" || exit 1

touch "$ns/fstab"
[ -f /etc/fstab ] && cat /etc/fstab >"$ns/fstab"
mount --bind "$ns/fstab" /etc/fstab || exit 1
mkdir -p /run/mount && mount -t tmpfs -o mode=755 fsimg-utab /run/mount ||
	exit 1

export FSIMG_TEST_TMP=$tmp FSIMG_TEST_NS=$ns
bats --tap "$@"
rc=$?

# Leftovers of failed tests: mounts first (lazily), then loop devices.
findmnt -rn -o TARGET | grep "^$tmp/" | sort -r |
	while read -r m; do umount -l "$m"; done
losetup --raw -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
	case $back in "$tmp"/*) losetup -d "$dev" ;; esac
done
rm -rf --one-file-system "$tmp" 2>/dev/null
exit $rc
