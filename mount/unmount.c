/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Removing a FUSE mount that has no daemon behind it: the daemon failed
 * to open the image after the mount was made (a privileged caller mounts
 * before the image is parsed), or it died. Only a fuse.fsimg mount of the
 * expected image at the expected place is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mhelper.h"

static bool is_our_mount(const char *image, const char *mountpoint)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	bool ours = false;

	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return false;
	fs = mnt_table_find_target(tb, mountpoint, MNT_ITER_BACKWARD);
	if (fs && !strcmp(mnt_fs_get_fstype(fs) ?: "", "fuse.fsimg") &&
	    !strcmp(mnt_fs_get_source(fs) ?: "", image))
		ours = true;
	mnt_unref_table(tb);
	return ours;
}

int fsfuse_fusermount_unmount(const char *mountpoint, bool lazy, bool quiet)
{
	const char *prog = fsfuse_fusermount();
	int status;
	pid_t pid;

	if (!prog)
		return 127;
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			if (quiet)
				dup2(null, 2);
		}
		execl(prog, "fusermount3", lazy ? "-uz" : "-u", "--",
		      mountpoint, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}

int fsfuse_cleanup_mount(const char *image, const char *mountpoint, bool lazy)
{
	if (!is_our_mount(image, mountpoint))
		return 0;
	if (priv_has_cap(CAP_SYS_ADMIN)) {
		if (!umount2(mountpoint,
			     UMOUNT_NOFOLLOW | (lazy ? MNT_DETACH : 0)))
			return 0;
		if (errno == EINVAL && !is_our_mount(image, mountpoint))
			return 0; /* fusermount3's auto_unmount came first */
		if (errno != EPERM)
			return -errno;
	}
	if (fsfuse_fusermount_unmount(mountpoint, lazy, true) &&
	    is_our_mount(image, mountpoint))
		return -EPERM;
	return 0;
}
