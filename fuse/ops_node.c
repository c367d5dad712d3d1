/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Request handlers for nodes: session setup, lookup, forget, attributes,
 * symlinks, statfs and extended attributes. Every handler replies exactly
 * once. The image cannot change while it is mounted, so what the kernel
 * learns is cached for a long time (fsfuse.timeout), misses included.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsfuse.h"

void fsfuse_reply_err(fuse_req_t req, int rc)
{
	int err = -rc;

	/* The kernel refuses errors outside 1..511 (ERESTARTSYS and up). */
	if (err <= 0 || err >= 512)
		err = EIO;
	fsfuse_trace_result(-err);
	fuse_reply_err(req, err);
}

void fsfuse_fill_stat(const struct fsimg_stat *s, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = (ino_t)s->ino;
	st->st_mode = s->mode;
	st->st_nlink = s->nlink ? s->nlink : 1;
	st->st_uid = s->uid;
	st->st_gid = s->gid;
	st->st_rdev = makedev(s->rdev_major, s->rdev_minor);
	st->st_size = (off_t)s->size;
	st->st_blocks = (blkcnt_t)s->blocks;
	st->st_blksize = 4096;
	st->st_atim = s->atime;
	st->st_mtim = s->mtime;
	st->st_ctim = s->ctime;
}

void fsfuse_fill_entry(const struct fsfuse *ff, fsimg_ino ino,
		       const struct fsimg_stat *s, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = fsfuse_nodeid(ff, ino);
	e->generation = 0; /* node ids are never reused for another node */
	fsfuse_fill_stat(s, &e->attr);
	e->attr_timeout = ff->timeout;
	e->entry_timeout = ff->timeout;
}

/*
 * The largest request that can still be answered by splice. libfuse
 * splices a reply through a pipe it sizes to the data plus the header plus
 * one page per buffer and one more (three pages for a reply of one run),
 * and an unprivileged process cannot grow a pipe past fs.pipe-max-size
 * (1 MiB by default). A 1 MiB reply would not fit and would be copied
 * through a freshly allocated buffer instead: measured on a 2-core VM,
 * reading a 400 MB file took 0.33 s with 1 MiB requests and 0.11 s with
 * 1008 KiB ones. So requests stop four pages short of the pipe limit.
 */
static unsigned splice_max_io(void)
{
	unsigned long pipe_max = FSFUSE_MAX_IO;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long io;
	FILE *f;

	f = fopen("/proc/sys/fs/pipe-max-size", "re");
	if (f) {
		if (fscanf(f, "%lu", &pipe_max) != 1)
			pipe_max = FSFUSE_MAX_IO;
		fclose(f);
	}
	if (page <= 0)
		page = 4096;
	if (pipe_max < 8 * (unsigned long)page)
		return 4 * (unsigned)page;
	io = (pipe_max - 4 * (unsigned long)page) & ~((unsigned long)page - 1);
	return io < FSFUSE_MAX_IO ? (unsigned)io : FSFUSE_MAX_IO;
}

void fsfuse_init(void *userdata, struct fuse_conn_info *conn)
{
	struct fsfuse *ff = userdata;

	/* Read-only and immutable: nothing to invalidate, nothing to write. */
	conn->want &=
		~(unsigned)(FUSE_CAP_AUTO_INVAL_DATA |
			    FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ATOMIC_O_TRUNC);
	/* Zero-copy replies: file data spliced from the image descriptor. */
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	/*
	 * Attributes come with every directory entry for free: always send
	 * them (readdirplus), never let the kernel fall back to lookups.
	 */
	if (conn->capable & FUSE_CAP_READDIRPLUS) {
		conn->want |= FUSE_CAP_READDIRPLUS;
		conn->want &= ~(unsigned)FUSE_CAP_READDIRPLUS_AUTO;
	}
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	/*
	 * ACLs cached by the kernel, absent ones included: "ls -l" asks
	 * for system.posix_acl_access of every file, a round trip each
	 * otherwise. Only where the kernel checks permissions anyway: the
	 * capability would impose default_permissions on a mount whose
	 * owner may read everything in the image.
	 */
	if (ff->kernel_permissions && (conn->capable & FUSE_CAP_POSIX_ACL))
		conn->want |= FUSE_CAP_POSIX_ACL;
	/*
	 * No OPEN/RELEASE round trips for files (files.c) or directories
	 * (ops_dir.c): open(2) of a cached file costs the daemon nothing.
	 */
	if (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT)
		ff->files = fsfuse_files_new();
	if (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT)
		ff->no_opendir = true;
	conn->max_write = splice_max_io(); /* also sizes read requests */
	if (conn->max_readahead < FSFUSE_MAX_IO)
		conn->max_readahead = FSFUSE_MAX_IO;
}

void fsfuse_destroy(void *userdata)
{
	struct fsfuse *ff = userdata;

	fsfuse_files_free(ff->files);
	ff->files = NULL;
}

void fsfuse_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	struct fuse_entry_param e;
	struct fsimg_stat s;
	fsimg_ino ino;
	int rc;

	rc = fsimg_lookup(ff->fs, fsfuse_ino(ff, parent), name, &ino, &s);
	if (rc == -ENOENT) {
		/* A negative entry: the kernel remembers the miss. */
		memset(&e, 0, sizeof(e));
		e.entry_timeout = ff->timeout;
		fsfuse_reply_entry(req, &e);
		return;
	}
	if (rc) {
		fsfuse_reply_err(req, rc);
		return;
	}
	fsfuse_fill_entry(ff, ino, &s, &e);
	/* Nothing to undo when this fails: see inode.c. */
	fsfuse_reply_entry(req, &e);
}

void fsfuse_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	(void)ino;
	(void)nlookup;
	fsfuse_reply_none(req);
}

void fsfuse_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets)
{
	(void)count;
	(void)forgets;
	fsfuse_reply_none(req);
}

void fsfuse_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	struct fsimg_stat s;
	struct stat st;
	int rc;

	(void)fi;
	rc = fsimg_getattr(ff->fs, fsfuse_ino(ff, ino), &s);
	if (rc) {
		fsfuse_reply_err(req, rc);
		return;
	}
	fsfuse_fill_stat(&s, &st);
	fsfuse_reply_attr(req, &st, ff->timeout);
}

void fsfuse_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	char buf[PATH_MAX + 1];
	int rc;

	rc = fsimg_readlink(ff->fs, fsfuse_ino(ff, ino), buf, sizeof(buf));
	if (rc < 0) {
		fsfuse_reply_err(req, rc);
		return;
	}
	fsfuse_reply_readlink(req, buf);
}

void fsfuse_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	struct fsimg_statfs s;
	struct statvfs st;
	int rc;

	(void)ino;
	rc = fsimg_statfs(ff->fs, &s);
	if (rc) {
		fsfuse_reply_err(req, rc);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.f_bsize = s.bsize;
	st.f_frsize = s.bsize;
	st.f_blocks = s.blocks;
	st.f_bfree = s.bfree;
	st.f_bavail = s.bfree;
	st.f_files = s.files;
	st.f_ffree = s.ffree;
	st.f_favail = s.ffree;
	st.f_namemax = s.namemax ? s.namemax : NAME_MAX;
	st.f_flag = ST_RDONLY;
	fsfuse_reply_statfs(req, &st);
}

/*
 * A format without extended attributes answers -ENOTSUP for every name.
 * Replying ENOSYS once makes the kernel stop asking (it then answers
 * EOPNOTSUPP itself), which spares a round trip for each file ls -l
 * looks at.
 */
static void reply_xattr_err(fuse_req_t req, ssize_t rc)
{
	if (rc == -ENOTSUP) {
		fsfuse_reply_err(req, -ENOSYS);
		return;
	}
	fsfuse_reply_err(req, (int)rc);
}

void fsfuse_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	fsimg_ino node = fsfuse_ino(ff, ino);
	char *buf;
	ssize_t n;

	if (size == 0) {
		n = fsimg_getxattr(ff->fs, node, name, NULL, 0);
		if (n < 0)
			reply_xattr_err(req, n);
		else
			fsfuse_reply_xattr(req, (size_t)n);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fsfuse_reply_err(req, -ENOMEM);
		return;
	}
	n = fsimg_getxattr(ff->fs, node, name, buf, size);
	if (n < 0)
		reply_xattr_err(req, n);
	else
		fsfuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

void fsfuse_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	fsimg_ino node = fsfuse_ino(ff, ino);
	char *buf;
	ssize_t n;

	if (size == 0) {
		n = fsimg_listxattr(ff->fs, node, NULL, 0);
		if (n < 0)
			reply_xattr_err(req, n);
		else
			fsfuse_reply_xattr(req, (size_t)n);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fsfuse_reply_err(req, -ENOMEM);
		return;
	}
	n = fsimg_listxattr(ff->fs, node, buf, size);
	if (n < 0)
		reply_xattr_err(req, n);
	else
		fsfuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}
