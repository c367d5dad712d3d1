/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A whole mount: resolve the image and the mount point, open the image as
 * the caller, choose the backend, mount. Shared by mount.fsimg and
 * "fsimg mount" (their command lines are read in cmdline.c).
 *
 * The image is opened here, before anything else happens, with the
 * caller's rights: a user cannot mount an image they cannot read, and
 * every later step (the unprivileged prober, the FUSE daemon after it
 * dropped its privileges) works from this descriptor and never opens the
 * path again.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mhelper.h"

char *fsm_canonical(const char *path)
{
	char *copy1, *copy2, *dir, *base, *out = NULL;
	char *real = realpath(path, NULL);

	if (real || (errno != ENOTCONN && errno != ECONNABORTED))
		return real;
	/* A dead FUSE mount point: resolve its parent only. */
	copy1 = strdup(path);
	copy2 = strdup(path);
	if (!copy1 || !copy2)
		goto out;
	dir = dirname(copy1);
	base = basename(copy2);
	if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "/")) {
		errno = ENOTCONN;
		goto out;
	}
	real = realpath(dir, NULL);
	if (real &&
	    asprintf(&out, "%s/%s", strcmp(real, "/") ? real : "", base) < 0)
		out = NULL;
	free(real);
out:
	free(copy1);
	free(copy2);
	return out;
}

static int errno_excode(int err)
{
	return err == EACCES || err == EPERM ? FSM_EX_USAGE : FSM_EX_FAIL;
}

static int resolve(struct fsm_req *r)
{
	struct stat st;
	int saverr;

	r->image = realpath(r->spec, NULL);
	if (!r->image) {
		saverr = errno;
		fprintf(stderr, "%s: %s: %s\n", r->prog, r->spec,
			strerror(saverr));
		return errno_excode(saverr);
	}
	r->image_fd = open(r->image, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (r->image_fd < 0) {
		saverr = errno;
		fprintf(stderr, "%s: cannot read %s: %s\n", r->prog, r->image,
			strerror(saverr));
		return errno_excode(saverr);
	}
	if (fstat(r->image_fd, &r->image_st)) {
		fprintf(stderr, "%s: %s: %s\n", r->prog, r->image,
			strerror(errno));
		return FSM_EX_SYSERR;
	}
	if (!S_ISREG(r->image_st.st_mode) && !S_ISBLK(r->image_st.st_mode)) {
		fprintf(stderr,
			"%s: %s: not a regular file or a block device\n",
			r->prog, r->image);
		return FSM_EX_FAIL;
	}
	r->target = fsm_canonical(r->dir);
	if (!r->target || stat(r->target, &st)) {
		fprintf(stderr, "%s: mount point %s: %s\n", r->prog, r->dir,
			strerror(errno));
		return FSM_EX_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: mount point %s is not a directory\n",
			r->prog, r->target);
		return FSM_EX_FAIL;
	}
	return 0;
}

/*
 * mount(8) refuses to mount a source where it is mounted already ("already
 * mounted on"), and so do we: the same image on the same directory,
 * through FUSE (the image's path is the mount's source) or a loop device
 * backed by it, would only stack a second mount over the first.
 */
static bool already_mounted(const struct fsm_req *r)
{
	struct libmnt_table *tb =
		mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	bool found = false;

	while (tb && it && !found && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		const char *src = mnt_fs_get_source(fs);

		if (!target || !src || strcmp(target, r->target))
			continue;
		found = !strcmp(src, r->image) ||
			(!strncmp(src, "/dev/loop", 9) &&
			 fsm_loop_backed_by(mnt_fs_get_devno(fs), r->image));
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return found;
}

static int mount_fuse(struct fsm_req *r, const struct fsm_choice *c)
{
	struct fsfuse_params p = {
		.prog = r->prog,
		.image_fd = r->image_fd,
		.image_path = r->image,
		.mountpoint = r->target,
		.partition = r->partition,
		.fstype = r->fstype,
		.loc = c->located ? &c->loc : NULL,
		.fs_options = r->fs_opts.s,
		.mflags = r->mflags,
		.allow_other = r->allow_other,
		.debug = r->debug,
		.debug_fuse = r->debug_fuse,
		.foreground = r->foreground || r->debug,
		.verbose = r->verbose,
	};
	char why[256];

	if (fsfuse_pick_method(&p.method, why, sizeof(why))) {
		fprintf(stderr, "%s: %s: FUSE cannot be used: %s\n", r->prog,
			r->target, why);
		return FSM_EX_FAIL;
	}
	if (r->verbose)
		fprintf(stderr, "%s: backend fuse (%s): %s\n", r->prog, why,
			c->why);
	if (r->rw_given)
		fprintf(stderr,
			"%s: %s: the FUSE backend is read-only, mounting "
			"read-only\n",
			r->prog, r->image);
	if (r->fake)
		return FSM_EX_OK;
	return fsfuse_mount(&p);
}

int fsm_mount(struct fsm_req *r)
{
	struct fsm_choice c;
	int ex;

	ex = fsm_parse_options(r);
	if (ex)
		return ex;
	/*
	 * mount(8) turns the absence of ro into rw: from it, rw means
	 * read-write only next to an explicit backend=kernel.
	 */
	if (r->helper && r->backend != FSM_BACKEND_KERNEL)
		r->rw = r->rw_given = false;
	ex = resolve(r);
	if (ex)
		return ex;
	if (already_mounted(r)) {
		fprintf(stderr, "%s: %s: %s already mounted on %s.\n", r->prog,
			r->target, r->image, r->target);
		return FSM_EX_FAIL;
	}
	ex = fsm_choose(r, &c);
	if (ex)
		return ex;
	if (c.backend == FSM_BACKEND_KERNEL) {
		if (r->verbose)
			fprintf(stderr, "%s: backend kernel: %s\n", r->prog,
				c.why);
		return fsm_kernel_mount(r, &c);
	}
	return mount_fuse(r, &c);
}
