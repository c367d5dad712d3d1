/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg get: writing one entry on the host.
 *
 * Every entry is created relative to its parent's directory descriptor
 * with a call that refuses to follow a symlink or to reuse an existing
 * name (O_CREAT|O_EXCL|O_NOFOLLOW, symlinkat, mknodat); metadata is set
 * through the new file's own descriptor or with AT_SYMLINK_NOFOLLOW. So a
 * symlink, whether it came from the image or was already in DEST, is never
 * written through. The process umask is 0 while extracting, so modes are
 * exactly what the image says.
 *
 * Regular files stay sparse: holes the library reports are skipped without
 * reading, and 4 KiB blocks of zeroes in the data are not written.
 */
#include "get.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Granularity of zero detection: the usual filesystem block. */
#define ZERO_BLOCK 4096u

char *get_shown(const struct get *g, const char *rel)
{
	if (!*g->top_shown)
		return xstrdup(*rel ? rel : ".");
	if (!*rel)
		return xstrdup(g->top_shown);
	return path_join(g->top_shown, rel);
}

void host_error(struct get *g, const char *ipath, const char *what,
		const char *shown, int err)
{
	cli_error(g->c, ipath, "%s %s: %s", what, shown, strerror(err));
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EROFS:
	case EIO:
	case EFBIG:
		/* the destination itself is unusable: stop here */
		g->fatal = true;
		cli_status(g->c, EXIT_DEST);
		break;
	case EACCES:
	case EPERM:
		/* not writable here; other places of DEST may still be */
		cli_status(g->c, EXIT_DEST);
		break;
	default:
		cli_status(g->c, EXIT_PARTIAL);
	}
}

int make_room(struct get *g, int dirfd, const char *name, const char *ipath,
	      const char *shown)
{
	struct stat hs;

	if (fstatat(dirfd, name, &hs, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		host_error(g, ipath, "cannot check", shown, errno);
		return -1;
	}
	if (!S_ISREG(hs.st_mode)) {
		cli_error(g->c, ipath, "%s exists and is not a regular file",
			  shown);
		cli_status(g->c, EXIT_PARTIAL);
		return -1;
	}
	if (!g->c->force) {
		cli_error(g->c, ipath, "%s exists (--force replaces it)",
			  shown);
		cli_status(g->c, EXIT_PARTIAL);
		return -1;
	}
	if (unlinkat(dirfd, name, 0) < 0) {
		host_error(g, ipath, "cannot remove", shown, errno);
		return -1;
	}
	return 0;
}

static uint32_t mode_mask(const struct get *g)
{
	/* like tar: only root keeps setuid and setgid */
	return g->root ? 07777 : 01777;
}

/* utimensat(2) refuses nanoseconds outside [0, 1e9). */
static void times_of(const struct fsimg_stat *st, struct timespec ts[2])
{
	ts[0] = st->atime;
	ts[1] = st->mtime;
	for (int i = 0; i < 2; i++)
		if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
			ts[i].tv_nsec = 0;
}

void set_meta_fd(struct get *g, int fd, const struct fsimg_stat *st,
		 const char *ipath, const char *shown)
{
	struct timespec ts[2];

	/* chown first: it clears setuid and setgid */
	if (g->root && fchown(fd, st->uid, st->gid) < 0)
		host_error(g, ipath, "cannot set the owner of", shown, errno);
	if (fchmod(fd, st->mode & mode_mask(g)) < 0)
		host_error(g, ipath, "cannot set the mode of", shown, errno);
	times_of(st, ts);
	if (futimens(fd, ts) < 0)
		host_error(g, ipath, "cannot set the times of", shown, errno);
}

/* For entries without a descriptor: symlinks and special files. */
static void set_meta_at(struct get *g, int dirfd, const char *name,
			const struct fsimg_stat *st, const char *ipath,
			const char *shown)
{
	struct timespec ts[2];

	if (g->root &&
	    fchownat(dirfd, name, st->uid, st->gid, AT_SYMLINK_NOFOLLOW) < 0)
		host_error(g, ipath, "cannot set the owner of", shown, errno);
	times_of(st, ts);
	if (utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		host_error(g, ipath, "cannot set the times of", shown, errno);
}

static bool all_zero(const char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

static int pwrite_full(int fd, const char *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int pwrite_run(int fd, const char *p, size_t n, uint64_t off,
		      uint64_t *end)
{
	int err = pwrite_full(fd, p, n, off);

	if (!err && off + n > *end)
		*end = off + n;
	return err;
}

int write_sparse(int fd, const char *buf, size_t n, uint64_t off, uint64_t *end)
{
	size_t i = 0, run = 0; /* run: start of pending non-zero bytes */
	bool pending = false;

	while (i < n) {
		size_t blk = ZERO_BLOCK - (size_t)((off + i) % ZERO_BLOCK);
		bool zero;

		if (blk > n - i)
			blk = n - i;
		zero = all_zero(buf + i, blk);
		if (zero && pending) {
			int err = pwrite_run(fd, buf + run, i - run, off + run,
					     end);

			if (err)
				return err;
			pending = false;
		} else if (!zero && !pending) {
			run = i;
			pending = true;
		}
		i += blk;
	}
	if (pending)
		return pwrite_run(fd, buf + run, n - run, off + run, end);
	return 0;
}

int create_file(struct get *g, int dirfd, const char *name, const char *ipath,
		const char *shown)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd;

	/* what is in the way is looked at only when it is there */
	fd = openat(dirfd, name, flags, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (make_room(g, dirfd, name, ipath, shown))
			return -1;
		fd = openat(dirfd, name, flags, 0600);
	}
	if (fd < 0)
		host_error(g, ipath, "cannot create", shown, errno);
	return fd;
}

int close_file(struct get *g, int fd, const struct fsimg_stat *st, uint64_t end,
	       const char *ipath, const char *shown)
{
	int ret = 0;

	/* a hole at the end, or a file of zeroes: the file is new, so what
	 * was written is its size */
	if (end != st->size && ftruncate(fd, (off_t)st->size) < 0) {
		host_error(g, ipath, "cannot write", shown, errno);
		ret = -1;
	} else {
		set_meta_fd(g, fd, st, ipath, shown);
	}
	if (close(fd) < 0 && !ret) {
		host_error(g, ipath, "cannot write", shown, errno);
		ret = -1;
	}
	return ret;
}

int write_symlink(struct get *g, int dirfd, const char *name,
		  const char *target, const struct fsimg_stat *st,
		  const char *ipath, const char *shown)
{
	if (make_room(g, dirfd, name, ipath, shown))
		return -1;
	/* the target is stored verbatim; nothing ever resolves it */
	if (symlinkat(target, dirfd, name) < 0) {
		host_error(g, ipath, "cannot create", shown, errno);
		return -1;
	}
	set_meta_at(g, dirfd, name, st, ipath, shown);
	return 0;
}

int write_node(struct get *g, int dirfd, const char *name,
	       const struct fsimg_stat *st, const char *ipath,
	       const char *shown)
{
	uint32_t type = st->mode & S_IFMT;
	dev_t dev = 0;

	if (type == S_IFCHR || type == S_IFBLK) {
		if (!g->root) {
			cli_error(g->c, ipath,
				  "%s: device node not created (only root "
				  "can create one)",
				  shown);
			cli_status(g->c, EXIT_PARTIAL);
			return -1;
		}
		dev = makedev(st->rdev_major, st->rdev_minor);
	}
	if (make_room(g, dirfd, name, ipath, shown))
		return -1;
	if (mknodat(dirfd, name, type | (st->mode & mode_mask(g) & 0777), dev) <
	    0) {
		host_error(g, ipath, "cannot create", shown, errno);
		return -1;
	}
	set_meta_at(g, dirfd, name, st, ipath, shown);
	return 0;
}
