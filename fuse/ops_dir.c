/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Directories. The kernel caches listings (cache_readdir, keep_cache) and,
 * with readdirplus, the attributes of every entry, so a directory is read
 * from the image once per mount unless memory pressure evicts it.
 *
 * Offsets. FUSE hands back, as the offset of the next call, the value we
 * stored with the last entry it consumed; 0 means "from the start". The
 * listing is ".", "..", then libfsimg's entries, so:
 *
 *	offset 0	start: "." comes next
 *	offset 1	".." comes next
 *	offset c + 2	resume libfsimg's listing at cookie c
 *
 * libfsimg's cookies are opaque 64-bit values (a byte position in the
 * directory for ISO9660); one too large to shift is reported as EOVERFLOW.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsfuse.h"

#define DOT_ENTRIES 2

/* What "." and ".." report; filled by opendir. */
struct fsfuse_dir {
	ino_t self_ino;
	ino_t parent_ino;
};

struct fill_ctx {
	fuse_req_t req;
	const struct fsfuse *ff;
	char *buf;
	size_t size;
	size_t used;
	bool plus;
	int err;
};

/* What "." and ".." of node report, in d. */
static int dir_dots(struct fsfuse *ff, fsimg_ino node, struct fsfuse_dir *d)
{
	struct fsimg_stat s, ps;
	fsimg_ino parent;
	int rc;

	rc = fsimg_getattr(ff->fs, node, &s);
	if (rc)
		return rc;
	if (!S_ISDIR(s.mode))
		return -ENOTDIR;
	d->self_ino = (ino_t)s.ino;
	/*
	 * ".." of the root is the root. Elsewhere ask the driver, which
	 * may know the parent; if it does not, repeat our own number rather
	 * than invent one.
	 */
	d->parent_ino = d->self_ino;
	if (node != ff->root && !fsimg_lookup(ff->fs, node, "..", &parent, &ps))
		d->parent_ino = (ino_t)ps.ino;
	return 0;
}

void fsfuse_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	struct fsfuse_dir *d;
	int rc;

	if (ff->no_opendir) {
		/*
		 * Opened without a handle, for the life of the mount: the
		 * kernel then caches listings (FOPEN_CACHE_DIR) and sends no
		 * RELEASEDIR. readdir works out "." and ".." itself.
		 */
		fsfuse_reply_err(req, -ENOSYS);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		fsfuse_reply_err(req, -ENOMEM);
		return;
	}
	rc = dir_dots(ff, fsfuse_ino(ff, ino), d);
	if (rc) {
		free(d);
		fsfuse_reply_err(req, rc);
		return;
	}
	fi->fh = (uintptr_t)d;
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	if (fsfuse_reply_open(req, fi))
		free(d); /* interrupted: releasedir will not come */
}

void fsfuse_releasedir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	(void)ino;
	free((struct fsfuse_dir *)(uintptr_t)fi->fh); /* NULL without opendir */
	fsfuse_reply_ok(req);
}

/* Appends one entry; false when it does not fit (then nothing changed). */
static bool add_entry(struct fill_ctx *c, const char *name, fsimg_ino ino,
		      const struct fsimg_stat *s, off_t next)
{
	size_t room = c->size - c->used;
	size_t need;

	if (c->plus) {
		struct fuse_entry_param e;

		if (ino && s) {
			fsfuse_fill_entry(c->ff, ino, s, &e);
		} else if (s) {
			/* "." and "..": the kernel skips their entry data */
			memset(&e, 0, sizeof(e));
			fsfuse_fill_stat(s, &e.attr);
		} else {
			/* unreadable node: a name of unknown type and no entry
			 * (node id 0); the kernel's lookup then gets the error
			 */
			memset(&e, 0, sizeof(e));
			e.attr.st_ino = (ino_t)ino;
		}
		need = fuse_add_direntry_plus(c->req, c->buf + c->used, room,
					      name, &e, next);
	} else {
		struct stat st;

		memset(&st, 0, sizeof(st));
		st.st_ino = (ino_t)(s ? s->ino : ino);
		st.st_mode = s ? s->mode : 0; /* 0: DT_UNKNOWN */
		need = fuse_add_direntry(c->req, c->buf + c->used, room, name,
					 &st, next);
	}
	if (need > room)
		return false;
	c->used += need;
	return true;
}

static int fill_fn(void *ctx, const char *name, fsimg_ino ino,
		   const struct fsimg_stat *st, uint64_t next)
{
	struct fill_ctx *c = ctx;

	if (next > (uint64_t)INT64_MAX - DOT_ENTRIES) {
		c->err = -EOVERFLOW;
		return 1;
	}
	/* Not consumed when it does not fit: the next call resumes here. */
	return add_entry(c, name, ino, st, (off_t)(next + DOT_ENTRIES)) ? 0 : 1;
}

static bool add_dot(struct fill_ctx *c, const char *name, ino_t st_ino,
		    off_t next)
{
	struct fsimg_stat s;

	memset(&s, 0, sizeof(s));
	s.ino = st_ino;
	s.mode = S_IFDIR | 0555;
	return add_entry(c, name, 0, &s, next);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi, bool plus)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	const struct fsfuse_dir *d =
		(const struct fsfuse_dir *)(uintptr_t)fi->fh;
	struct fsfuse_dir dots;
	struct fill_ctx c = {
		.req = req,
		.ff = ff,
		.size = size,
		.plus = plus,
	};
	int rc = 0;

	if (off < 0) {
		fsfuse_reply_err(req, -EINVAL);
		return;
	}
	if (!d && off <= 1) { /* no opendir: "." and ".." asked for now */
		rc = dir_dots(ff, fsfuse_ino(ff, ino), &dots);
		if (rc) {
			fsfuse_reply_err(req, rc);
			return;
		}
		d = &dots;
	}
	c.buf = malloc(size);
	if (!c.buf) {
		fsfuse_reply_err(req, -ENOMEM);
		return;
	}
	if (off == 0 && !add_dot(&c, ".", d->self_ino, 1))
		goto reply;
	if (off <= 1 && !add_dot(&c, "..", d->parent_ino, DOT_ENTRIES))
		goto reply;
	rc = fsimg_readdir(ff->fs, fsfuse_ino(ff, ino),
			   off <= DOT_ENTRIES ? 0 : (uint64_t)off - DOT_ENTRIES,
			   fill_fn, &c);
	if (!rc)
		rc = c.err;
reply:
	/*
	 * An error after some entries: hand those over; the next call
	 * starts at the failing entry and reports the error then.
	 */
	if (rc && !c.used)
		fsfuse_reply_err(req, rc);
	else
		fsfuse_reply_buf(req, c.buf, c.used);
	free(c.buf);
}

void fsfuse_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, false);
}

void fsfuse_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, true);
}
