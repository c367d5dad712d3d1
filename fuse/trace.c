/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every request, traced: the operations table points at wrappers that fire
 * the USDT probe request__start, run the handler and fire request__done
 * with the result the handler replied (lib/probes.h; fsimg-snoop attaches
 * to them). With -o debug they also print one line per request on
 * standard error, the same fields and the handler's latency:
 *
 *   fsimg: read ino 7 off 0 size 131072: 131072 (0.041 ms)
 *   fsimg: lookup ino 1 'nosuch': ENOENT (0.012 ms)
 *
 * A request is served by one thread from start to reply, so the result of
 * the request under way is per thread. Without -o debug and with no
 * tracer attached the cost is a few stores and two NOPs per request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fsfuse.h"
#include "probes.h"

struct current {
	int64_t result;
};

static _Thread_local struct current cur;

void fsfuse_trace_result(int64_t result)
{
	cur.result = result;
}

/* --- replies that note their result ---------------------------------- */

void fsfuse_reply_ok(fuse_req_t req)
{
	cur.result = 0;
	fuse_reply_err(req, 0);
}

int fsfuse_reply_buf(fuse_req_t req, const char *buf, size_t size)
{
	cur.result = (int64_t)size;
	return fuse_reply_buf(req, buf, size);
}

int fsfuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
		      enum fuse_buf_copy_flags flags)
{
	cur.result = (int64_t)fuse_buf_size(bufv);
	return fuse_reply_data(req, bufv, flags);
}

int fsfuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e)
{
	/* node 0: a negative entry, cached as such: there is no such name */
	cur.result = e->ino ? (int64_t)e->ino : -ENOENT;
	return fuse_reply_entry(req, e);
}

int fsfuse_reply_attr(fuse_req_t req, const struct stat *attr, double timeout)
{
	cur.result = 0;
	return fuse_reply_attr(req, attr, timeout);
}

void fsfuse_reply_none(fuse_req_t req)
{
	cur.result = 0;
	fuse_reply_none(req);
}

int fsfuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi)
{
	cur.result = 0;
	return fuse_reply_open(req, fi);
}

int fsfuse_reply_readlink(fuse_req_t req, const char *link)
{
	cur.result = (int64_t)strlen(link);
	return fuse_reply_readlink(req, link);
}

int fsfuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf)
{
	cur.result = 0;
	return fuse_reply_statfs(req, stbuf);
}

int fsfuse_reply_xattr(fuse_req_t req, size_t count)
{
	cur.result = (int64_t)count;
	return fuse_reply_xattr(req, count);
}

/* --- the wrappers ------------------------------------------------------ */

struct span {
	struct fsfuse *ff;
	const char *op, *name;
	uint64_t ino, off, size;
	struct timespec t0;
};

static void begin(struct span *sp, fuse_req_t req, const char *op,
		  fuse_ino_t ino, uint64_t off, uint64_t size, const char *name)
{
	sp->ff = fuse_req_userdata(req);
	sp->op = op;
	sp->ino = ino;
	sp->off = off;
	sp->size = size;
	sp->name = name;
	cur.result = -EIO; /* a handler that never replied */
	FSIMG_PROBE5(request__start, op, sp->ino, off, size, name);
	if (sp->ff->trace)
		clock_gettime(CLOCK_MONOTONIC, &sp->t0);
}

/* name with what is not printable as '?', quoted, at most 255 bytes */
static void put_name(char *out, size_t room, const char *name)
{
	size_t n = 0;

	out[n++] = ' ';
	out[n++] = '\'';
	for (; *name && n + 3 < room; name++)
		out[n++] = isprint((unsigned char)*name) ? *name : '?';
	out[n++] = '\'';
	out[n] = 0;
}

static void end(const struct span *sp)
{
	int64_t r = cur.result;
	struct timespec t1;
	char name[260] = "", what[48];
	double ms;

	/*
	 * The name is in the worker's request buffer, which stays until the
	 * handler returns; the request itself is gone with its reply.
	 */
	FSIMG_PROBE3(request__done, sp->op, sp->ino, r);
	if (!sp->ff->trace)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - sp->t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - sp->t0.tv_nsec) / 1e6;
	if (r < 0) {
		const char *e = strerrorname_np((int)-r);

		snprintf(what, sizeof(what), "%s", e ? e : "error");
	} else {
		snprintf(what, sizeof(what), "%lld", (long long)r);
	}
	if (sp->name)
		put_name(name, sizeof(name), sp->name);
	if (sp->size || sp->off)
		fprintf(stderr,
			"fsimg: %s ino %llu%s off %llu size %llu: %s "
			"(%.3f ms)\n",
			sp->op, (unsigned long long)sp->ino, name,
			(unsigned long long)sp->off,
			(unsigned long long)sp->size, what, ms);
	else
		fprintf(stderr, "fsimg: %s ino %llu%s: %s (%.3f ms)\n", sp->op,
			(unsigned long long)sp->ino, name, what, ms);
}

static void t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct span sp;

	begin(&sp, req, "lookup", parent, 0, 0, name);
	fsfuse_lookup(req, parent, name);
	end(&sp);
}

static void t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct span sp;

	begin(&sp, req, "forget", ino, 0, nlookup, NULL);
	fsfuse_forget(req, ino, nlookup);
	end(&sp);
}

static void t_forget_multi(fuse_req_t req, size_t count,
			   struct fuse_forget_data *forgets)
{
	struct span sp;

	begin(&sp, req, "forget_multi", 0, 0, count, NULL);
	fsfuse_forget_multi(req, count, forgets);
	end(&sp);
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "getattr", ino, 0, 0, NULL);
	fsfuse_getattr(req, ino, fi);
	end(&sp);
}

static void t_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct span sp;

	begin(&sp, req, "readlink", ino, 0, 0, NULL);
	fsfuse_readlink(req, ino);
	end(&sp);
}

static void t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "open", ino, 0, 0, NULL);
	fsfuse_open(req, ino, fi);
	end(&sp);
}

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "read", ino, off < 0 ? 0 : (uint64_t)off, size, NULL);
	fsfuse_read(req, ino, size, off, fi);
	end(&sp);
}

static void t_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "release", ino, 0, 0, NULL);
	fsfuse_release(req, ino, fi);
	end(&sp);
}

static void t_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "opendir", ino, 0, 0, NULL);
	fsfuse_opendir(req, ino, fi);
	end(&sp);
}

static void t_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "readdir", ino, off < 0 ? 0 : (uint64_t)off, size,
	      NULL);
	fsfuse_readdir(req, ino, size, off, fi);
	end(&sp);
}

static void t_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "readdirplus", ino, off < 0 ? 0 : (uint64_t)off, size,
	      NULL);
	fsfuse_readdirplus(req, ino, size, off, fi);
	end(&sp);
}

static void t_releasedir(fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi)
{
	struct span sp;

	begin(&sp, req, "releasedir", ino, 0, 0, NULL);
	fsfuse_releasedir(req, ino, fi);
	end(&sp);
}

static void t_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct span sp;

	begin(&sp, req, "statfs", ino, 0, 0, NULL);
	fsfuse_statfs(req, ino);
	end(&sp);
}

static void t_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       size_t size)
{
	struct span sp;

	begin(&sp, req, "getxattr", ino, 0, size, name);
	fsfuse_getxattr(req, ino, name, size);
	end(&sp);
}

static void t_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct span sp;

	begin(&sp, req, "listxattr", ino, 0, size, NULL);
	fsfuse_listxattr(req, ino, size);
	end(&sp);
}

const struct fuse_lowlevel_ops fsfuse_traced_ops = {
	.init = fsfuse_init,
	.destroy = fsfuse_destroy,
	.lookup = t_lookup,
	.forget = t_forget,
	.forget_multi = t_forget_multi,
	.getattr = t_getattr,
	.readlink = t_readlink,
	.open = t_open,
	.read = t_read,
	.release = t_release,
	.opendir = t_opendir,
	.readdir = t_readdir,
	.readdirplus = t_readdirplus,
	.releasedir = t_releasedir,
	.statfs = t_statfs,
	.getxattr = t_getxattr,
	.listxattr = t_listxattr,
};
