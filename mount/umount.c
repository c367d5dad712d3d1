/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg umount DIR|IMAGE.
 *
 * The argument is looked up in /proc/self/mountinfo, most recent mount
 * first: as a mount point; else as the source of a FUSE mount (fsname= is
 * the canonical image path); else, for a regular file, as the backing file
 * of the loop device a kernel mount sits on.
 *
 * Unmounting:
 *  - a FUSE mount, by a caller holding CAP_SYS_ADMIN (root, a capable
 *    process, root of a user namespace): umount2() directly;
 *  - a FUSE mount, by an ordinary user: fusermount3 -u, which checks the
 *    mount is theirs (user_id=);
 *  - a kernel mount: libmount as root, which also frees the autoclear
 *    loop device; otherwise umount(8), which knows fstab's user entries.
 *
 * A FUSE mount whose daemon died answers ENOTCONN to everything but can
 * still be unmounted: the path is resolved without looking inside it, and
 * -l detaches it even when something still holds it open. This is the
 * documented recovery for mounts that fusermount3's auto_unmount does not
 * cover (those made with mount(2) directly).
 */
#include <errno.h>
#include <getopt.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsimg_mount.h"
#include "mhelper.h"

static bool is_fuse(const char *type)
{
	return type &&
	       (!strcmp(type, "fuse") || !strncmp(type, "fuse.", 5) ||
		!strcmp(type, "fuseblk") || !strncmp(type, "fuseblk.", 8));
}

/* Does the loop device dev (a path) have path as its backing file? */
static bool loop_backed_by(const char *dev, const char *path)
{
	struct stat st;

	return !strncmp(dev, "/dev/loop", 9) && !stat(dev, &st) &&
	       S_ISBLK(st.st_mode) && fsm_loop_backed_by(st.st_rdev, path);
}

static struct libmnt_fs *find(struct libmnt_table *tb, const char *path,
			      bool regular)
{
	struct libmnt_iter *it;
	struct libmnt_fs *fs, *found;

	found = mnt_table_find_target(tb, path, MNT_ITER_BACKWARD);
	if (found)
		return found;
	it = mnt_new_iter(MNT_ITER_BACKWARD);
	if (!it)
		return NULL;
	while (!found && !mnt_table_next_fs(tb, it, &fs)) {
		const char *src = mnt_fs_get_source(fs);

		if (!src)
			continue;
		if (is_fuse(mnt_fs_get_fstype(fs)) && !strcmp(src, path))
			found = fs;
		else if (regular && loop_backed_by(src, path))
			found = fs;
	}
	mnt_free_iter(it);
	return found;
}

/*
 * fsimg umount unmounts what fsimg mount mounts: a fuse.fsimg mount, or a
 * kernel mount of a block device (the loop device it attached over an
 * image, or a device it was given). Anything else at that directory (a
 * tmpfs, a network or virtual filesystem) is for umount(8). An ordinary user
 * may unmount only their own FUSE mounts (user_id=): say so plainly
 * rather than pass on fusermount3's "not found in /etc/mtab".
 * Returns 0, or an FSM_EX_* code after a message.
 */
static int ours(const char *prog, struct libmnt_fs *fs)
{
	const char *type = mnt_fs_get_fstype(fs) ?: "";
	const char *src = mnt_fs_get_source(fs) ?: "";
	const char *target = mnt_fs_get_target(fs) ?: "";
	char *uid = NULL;
	size_t uidsz = 0;
	struct stat st;

	if (!strcmp(type, "fuse.fsimg")) {
		if (priv_has_cap(CAP_SYS_ADMIN) ||
		    mnt_optstr_get_option(mnt_fs_get_fs_options(fs), "user_id",
					  &uid, &uidsz) ||
		    (unsigned long)atol(uid) == (unsigned long)getuid())
			return 0;
		fprintf(stderr,
			"%s: %s: mounted by user %.*s: only they or root "
			"may unmount it\n",
			prog, target, (int)uidsz, uid);
		return FSM_EX_FAIL;
	}
	/* a loop device on an image, or a block device mounted directly */
	if (!stat(src, &st) && S_ISBLK(st.st_mode))
		return 0;
	fprintf(stderr,
		"%s: %s: not a mount of fsimg (%s from %s): use umount(8)\n",
		prog, target, *type ? type : "unknown type", *src ? src : "?");
	return FSM_EX_FAIL;
}

static int run_umount8(const char *target)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return FSM_EX_SYSERR;
	if (pid == 0) {
		execlp("umount", "umount", "--", target, (char *)NULL);
		_exit(FSM_EX_SYSERR);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return FSM_EX_SYSERR;
	return WIFEXITED(status) ? WEXITSTATUS(status) : FSM_EX_SYSERR;
}

static int umount_kernel(const char *prog, const char *target, bool lazy)
{
	struct libmnt_context *cxt;
	char buf[BUFSIZ] = { 0 };
	int rc, ex;

	if (geteuid() != 0)
		return run_umount8(target);
	cxt = mnt_new_context();
	if (!cxt || mnt_context_set_target(cxt, target) ||
	    mnt_context_enable_lazy(cxt, lazy)) {
		mnt_free_context(cxt);
		return FSM_EX_SYSERR;
	}
	rc = mnt_context_umount(cxt);
	ex = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (ex && *buf)
		fprintf(stderr, "%s: %s\n", prog, buf);
	mnt_free_context(cxt);
	return ex;
}

static int umount_fuse(const char *prog, const char *target, bool lazy)
{
	int flags = UMOUNT_NOFOLLOW | (lazy ? MNT_DETACH : 0);

	if (priv_has_cap(CAP_SYS_ADMIN)) {
		if (!umount2(target, flags))
			return FSM_EX_OK;
		if (errno != EPERM) {
			fprintf(stderr, "%s: %s: %s%s\n", prog, target,
				strerror(errno),
				errno == EBUSY ? " (-l detaches it anyway)"
					       : "");
			return FSM_EX_FAIL;
		}
	}
	/* fusermount3 prints its own reason */
	return fsfuse_fusermount_unmount(target, lazy, false) ? FSM_EX_FAIL
							      : FSM_EX_OK;
}

static void umount_usage(FILE *out)
{
	fputs("Usage: fsimg umount [-lv] DIR|IMAGE\n"
	      "Unmount a mounted image, given its mount point or the image.\n"
	      "\n"
	      "  -l  lazy: detach now, clean up when no longer busy; also\n"
	      "      removes a mount whose FUSE daemon died\n"
	      "  -v  say what is unmounted\n",
	      out);
}

int fsimg_umount_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lazy", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "fsimg umount";
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	bool lazy = false, verbose = false, regular;
	char *path = NULL, *target = NULL, *type = NULL;
	struct stat st;
	int c, ex;

	optind = 0;
	while ((c = getopt_long(argc, argv, "lvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			lazy = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			umount_usage(stdout);
			return FSM_EX_OK;
		default:
			umount_usage(stderr);
			return FSM_EX_USAGE;
		}
	}
	if (argc - optind != 1) {
		umount_usage(stderr);
		return FSM_EX_USAGE;
	}
	path = fsm_canonical(argv[optind]);
	if (!path) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[optind],
			strerror(errno));
		return FSM_EX_FAIL;
	}
	regular = !stat(path, &st) && S_ISREG(st.st_mode);
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb) {
		fprintf(stderr, "%s: cannot read /proc/self/mountinfo\n", prog);
		ex = FSM_EX_SYSERR;
		goto out;
	}
	fs = find(tb, path, regular);
	if (!fs) {
		fprintf(stderr, "%s: %s: not mounted\n", prog, path);
		ex = FSM_EX_FAIL;
		goto out;
	}
	ex = ours(prog, fs);
	if (ex)
		goto out;
	target = strdup(mnt_fs_get_target(fs));
	type = strdup(mnt_fs_get_fstype(fs) ?: "");
	if (!target || !type) {
		ex = FSM_EX_SYSERR;
		goto out;
	}
	mnt_unref_table(tb);
	tb = NULL;
	if (verbose)
		fprintf(stderr, "%s: unmounting %s (%s)\n", prog, target, type);
	ex = is_fuse(type) ? umount_fuse(prog, target, lazy)
			   : umount_kernel(prog, target, lazy);
out:
	mnt_unref_table(tb);
	free(type);
	free(target);
	free(path);
	return ex;
}
