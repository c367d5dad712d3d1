/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel backend: libmount mounts the selected partition of the image
 * through a loop device it attaches itself, at the partition's offset and
 * with its size as the limit (loop,offset=,sizelimit=). libmount attaches
 * loop devices with autoclear, so the device goes away with the last
 * unmount, retries when another process takes the free device it found,
 * and reuses a device already attached to the same window read-only.
 * Read-only unless rw was asked for. mount(8) helpers are disabled: the
 * type is a kernel type now, and mount.<type> could be us again.
 */
#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "mhelper.h"

static struct libmnt_context *new_context(struct fsm_req *r, const char *src,
					  const char *type)
{
	struct libmnt_context *cxt = mnt_new_context();

	if (!cxt)
		return NULL;
	if (mnt_context_set_source(cxt, src) ||
	    mnt_context_set_target(cxt, r->target) ||
	    mnt_context_set_fstype(cxt, type) ||
	    mnt_context_disable_helpers(cxt, 1) ||
	    mnt_context_disable_mtab(cxt, r->nomtab) ||
	    mnt_context_enable_fake(cxt, r->fake) ||
	    mnt_context_enable_verbose(cxt, r->verbose)) {
		mnt_free_context(cxt);
		return NULL;
	}
	return cxt;
}

static int run(struct fsm_req *r, struct libmnt_context *cxt, const char *opts)
{
	char buf[BUFSIZ] = { 0 };
	int rc, ex;

	if (opts && mnt_context_set_options(cxt, opts)) {
		fprintf(stderr, "%s: %s\n", r->prog, strerror(ENOMEM));
		return FSM_EX_SYSERR;
	}
	rc = mnt_context_mount(cxt);
	ex = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (ex != MNT_EX_SUCCESS && *buf)
		fprintf(stderr, "%s: %s: %s\n", r->prog, r->target, buf);
	return ex;
}

int fsm_kernel_mount(struct fsm_req *r, const struct fsm_choice *c)
{
	struct strbuf o = { 0 };
	struct libmnt_context *cxt;
	bool whole = c->loc.offset == 0 &&
		     (c->loc.length == 0 ||
		      (S_ISREG(r->image_st.st_mode) &&
		       c->loc.length == (uint64_t)r->image_st.st_size));
	int ex;

	cxt = new_context(r, r->image, c->loc.type);
	if (!cxt) {
		fprintf(stderr, "%s: cannot set up libmount\n", r->prog);
		return FSM_EX_SYSERR;
	}
	sb_addopt(&o, r->rw ? "rw" : "ro", NULL);
	/*
	 * Read-only is read as it is: a log left dirty is not replayed, as
	 * fsimg's own drivers never replay it (and the kernel refuses to
	 * replay one onto a read-only loop device, failing the mount).
	 */
	if (!r->rw && !strcmp(c->loc.type, "xfs"))
		sb_addopt(&o, "norecovery", NULL);
	else if (!r->rw && !strcmp(c->loc.type, "btrfs"))
		sb_addopt(&o, "rescue=nologreplay", NULL);
	if (r->kernel_opts.s)
		sb_addopt(&o, r->kernel_opts.s, NULL);
	/* A block device that is the whole window needs no loop device. */
	if (!(whole && S_ISBLK(r->image_st.st_mode))) {
		sb_addopt(&o, "loop", NULL);
		if (c->loc.offset)
			sb_addoptf(&o, "offset=%llu",
				   (unsigned long long)c->loc.offset);
		if (!whole && c->loc.length)
			sb_addoptf(&o, "sizelimit=%llu",
				   (unsigned long long)c->loc.length);
	}
	if (o.oom) {
		ex = FSM_EX_SYSERR;
		goto out;
	}
	ex = run(r, cxt, o.s);
	if (ex == MNT_EX_SUCCESS && r->verbose)
		fprintf(stderr, "%s: %s mounted on %s (kernel %s, %s)\n",
			r->prog, r->image, r->target, c->loc.type,
			mnt_fs_get_srcpath(mnt_context_get_fs(cxt)) ?: "?");
out:
	free(o.s);
	mnt_free_context(cxt);
	return ex;
}

int fsm_kernel_mount_device(struct fsm_req *r, const char *type)
{
	struct libmnt_context *cxt = new_context(r, r->spec, type);
	int ex;

	if (!cxt) {
		fprintf(stderr, "%s: cannot set up libmount\n", r->prog);
		return FSM_EX_SYSERR;
	}
	ex = run(r, cxt, r->optstr);
	mnt_free_context(cxt);
	return ex;
}

/* Reads one line of a sysfs attribute; NULL when it cannot. */
static char *sysfs_line(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

int fsm_loop_backing(dev_t dev, char **backing, bool *whole, bool *autoclear)
{
	char path[96], *off, *lim, *ac;
	unsigned maj = major(dev), min = minor(dev);

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file",
		 maj, min);
	*backing = sysfs_line(path);
	if (!*backing)
		return -1;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/offset", maj,
		 min);
	off = sysfs_line(path);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/sizelimit", maj,
		 min);
	lim = sysfs_line(path);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/autoclear", maj,
		 min);
	ac = sysfs_line(path);
	*whole = off && lim && !strcmp(off, "0") && !strcmp(lim, "0");
	*autoclear = ac && !strcmp(ac, "1");
	free(off);
	free(lim);
	free(ac);
	return 0;
}

bool fsm_loop_backed_by(dev_t dev, const char *path)
{
	char *backing;
	bool whole, autoclear, same;

	if (fsm_loop_backing(dev, &backing, &whole, &autoclear))
		return false;
	same = !strcmp(backing, path);
	free(backing);
	return same;
}
