/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walk every filesystem fuzz harness shares: the input is the image.
 *
 * It opens the filesystem with the type and options the harness chose,
 * walks the tree breadth-first (bounded in nodes, depth and bytes read),
 * and calls every read-only entry point on every node: getattr, lookup of
 * the name it was listed under, resolve of its path (following and not),
 * readlink, the xattrs, open/read/map of regular files, readdir resumed
 * from a cookie; then info, details, statfs and the boot entries.
 *
 * Invariants that must hold for any input are checked with
 * __builtin_trap(), so a violation is a crash the fuzzer reports: names
 * are single path components, handles are never 0, a symlink target is a
 * C string of the length returned, reads stay within the file, a mapped
 * run holds the offset asked for. And one node, one answer: the stat
 * readdir gives, getattr's and lookup's agree on type, permissions, size,
 * link count, owner, device and times (readdir gives none exactly when
 * getattr fails); open succeeds only on a regular file and agrees on its
 * size; readdir succeeds only on a directory.
 */
#include "fuzz_fs.h"
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NODES      4096
#define MAX_DEPTH      48
#define MAX_DIRENTS    2048	  /* entries taken from one directory */
#define MAX_FILE_READ  (1u << 20) /* bytes read from one file */
#define MAX_TOTAL_READ (8u << 20) /* bytes read from one image */
#define READ_CHUNK     (64u << 10)
#define MAX_PATH_LEN   1024

struct node {
	fsimg_ino ino;
	fsimg_ino parent;
	unsigned depth;
	uint64_t size;	       /* from getattr, when visited */
	struct fsimg_stat dst; /* what readdir said, when has_dst */
	bool has_dst;
	char *path;	  /* "/a/b", heap */
	const char *name; /* last component, inside path */
};

struct walk {
	fsimg_fs *fs;
	struct node *q;
	size_t head, tail;
	size_t total_read;
	uint8_t *buf;
	/* the directory being listed */
	const struct node *dir;
	unsigned listed;
	uint64_t cookie_after_3;
};

static void quiet_log(void *ctx, int err, const char *msg)
{
	/* Touch the whole message: the formatting must be sound. */
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static int on_dirent(void *ctx, const char *name, fsimg_ino ino,
		     const struct fsimg_stat *st, uint64_t next)
{
	struct walk *w = ctx;
	const struct node *d = w->dir;
	size_t plen = strlen(d->path), nlen = strlen(name);
	struct node *n;

	if (!nlen || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		__builtin_trap(); /* a name the API promises never to give */
	if (!ino)
		__builtin_trap(); /* handles are never 0 */
	if (++w->listed == 3)
		w->cookie_after_3 = next;
	if (w->listed > MAX_DIRENTS)
		return 1;
	if (w->tail == MAX_NODES || d->depth + 1 > MAX_DEPTH ||
	    plen + 1 + nlen >= MAX_PATH_LEN)
		return 0;
	n = &w->q[w->tail];
	n->path = malloc(plen + nlen + 2);
	if (!n->path)
		return 1;
	memcpy(n->path, d->path, plen);
	n->path[plen] = '/';
	memcpy(n->path + plen + 1, name, nlen + 1);
	n->name = n->path + plen + 1;
	n->ino = ino;
	n->parent = d->ino;
	n->depth = d->depth + 1;
	n->has_dst = st != NULL;
	if (st)
		n->dst = *st;
	w->tail++;
	return 0;
}

static int count_dirent(void *ctx, const char *name, fsimg_ino ino,
			const struct fsimg_stat *st, uint64_t next)
{
	unsigned *n = ctx;

	(void)name;
	(void)ino;
	(void)st;
	(void)next;
	return ++*n >= 16;
}

static bool same_ts(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Two answers about one node agree. */
static void check_same(const struct fsimg_stat *a, const struct fsimg_stat *b)
{
	if (a->mode != b->mode || a->nlink != b->nlink || a->size != b->size ||
	    a->ino != b->ino || a->uid != b->uid || a->gid != b->gid ||
	    a->rdev_major != b->rdev_major || a->rdev_minor != b->rdev_minor ||
	    !same_ts(&a->mtime, &b->mtime) || !same_ts(&a->ctime, &b->ctime) ||
	    !same_ts(&a->atime, &b->atime))
		__builtin_trap();
}

static void read_file(struct walk *w, const struct node *n)
{
	fsimg_file *f;
	struct fsimg_extent ext;
	uint64_t size, off = 0;

	if (fsimg_file_open(w->fs, n->ino, &f))
		return;
	size = fsimg_file_size(f);
	if (size != n->size)
		__builtin_trap(); /* open and getattr agree on the size */
	while (off < size && off < MAX_FILE_READ &&
	       w->total_read < MAX_TOTAL_READ) {
		ssize_t got = fsimg_file_read(f, w->buf, READ_CHUNK, off);

		if (got < 0)
			break;
		if ((size_t)got > READ_CHUNK)
			__builtin_trap();
		if (!got)
			break;
		off += (uint64_t)got;
		w->total_read += (size_t)got;
	}
	/* The tail, an odd offset, and past the end. */
	if (size && fsimg_file_read(f, w->buf, 4096, size - 1) > 1)
		__builtin_trap();
	if (fsimg_file_read(f, w->buf, 4096, size + 1) > 0)
		__builtin_trap();
	(void)fsimg_file_read(f, w->buf, 100, size / 3);
	if (!fsimg_file_map(f, 0, &ext) && ext.length &&
	    !(ext.flags & FSIMG_EXTENT_HOLE) &&
	    ext.physical + ext.length < ext.physical) /* overflowing run */
		__builtin_trap();
	if (!fsimg_file_map(f, size / 2, &ext) &&
	    (ext.logical > size / 2 || ext.logical + ext.length <= size / 2))
		__builtin_trap(); /* the run returned holds the offset */
	fsimg_file_close(f);
}

static void xattrs_get(struct walk *w, fsimg_ino ino)
{
	char names[1024], val[256];
	ssize_t len = fsimg_listxattr(w->fs, ino, names, sizeof(names));

	if (len > (ssize_t)sizeof(names))
		__builtin_trap();
	for (ssize_t i = 0; i > -1 && i < len;) {
		size_t nl = strnlen(names + i, (size_t)(len - i));

		if (nl == (size_t)(len - i))
			__builtin_trap(); /* the list ends with a NUL */
		if (fsimg_getxattr(w->fs, ino, names + i, val, sizeof(val)) >
		    (ssize_t)sizeof(val))
			__builtin_trap();
		i += (ssize_t)nl + 1;
	}
}

static void visit(struct walk *w, struct node *n)
{
	struct fsimg_stat st, st2;
	fsimg_ino ino;
	char link[4096];
	unsigned cnt = 0;
	int rc;

	if (fsimg_getattr(w->fs, n->ino, &st)) {
		if (n->has_dst)
			__builtin_trap(); /* readdir had a stat getattr lacks */
		return;
	}
	if (n->depth && !n->has_dst)
		__builtin_trap(); /* getattr has a stat readdir lacked */
	if (n->has_dst)
		check_same(&n->dst, &st);
	if (fsimg_getattr(w->fs, n->ino, &st2))
		__builtin_trap(); /* the same call, another answer */
	check_same(&st, &st2);
	if (n->depth && !fsimg_lookup(w->fs, n->parent, n->name, &ino, &st2)) {
		struct fsimg_stat st3;

		/* A name listed twice may find the other node; whichever it
		 * finds, lookup's stat is getattr's. */
		if (fsimg_getattr(w->fs, ino, &st3))
			__builtin_trap();
		check_same(&st2, &st3);
		if (ino == n->ino)
			check_same(&st, &st2);
	}
	if (n->depth) {
		(void)fsimg_resolve(w->fs, n->path, FSIMG_NOFOLLOW, &ino, NULL);
		(void)fsimg_resolve(w->fs, n->path, 0, &ino, NULL);
	}
	if (!S_ISREG(st.mode)) {
		fsimg_file *f;

		if (!fsimg_file_open(w->fs, n->ino, &f))
			__builtin_trap(); /* opened something not a file */
	}
	if (!S_ISDIR(st.mode) &&
	    fsimg_readdir(w->fs, n->ino, 0, count_dirent, &cnt) != -ENOTDIR)
		__builtin_trap(); /* listed something not a directory */
	cnt = 0;
	n->size = st.size;
	xattrs_get(w, n->ino);

	switch (st.mode & S_IFMT) {
	case S_IFLNK:
		rc = fsimg_readlink(w->fs, n->ino, link, sizeof(link));
		if (rc >= (int)sizeof(link) ||
		    (rc >= 0 && strlen(link) != (size_t)rc))
			__builtin_trap();
		break;
	case S_IFREG:
		read_file(w, n);
		break;
	case S_IFDIR:
		w->dir = n;
		w->listed = 0;
		w->cookie_after_3 = 0;
		(void)fsimg_readdir(w->fs, n->ino, 0, on_dirent, w);
		if (w->cookie_after_3)
			(void)fsimg_readdir(w->fs, n->ino, w->cookie_after_3,
					    count_dirent, &cnt);
		break;
	}
}

static int on_detail(void *ctx, const char *key, const char *value)
{
	volatile size_t n = strlen(key) + strlen(value);

	(void)ctx;
	(void)n;
	return 0;
}

static void exercise(fsimg_image *img, const char *fstype, const char *opts)
{
	struct walk w = { 0 };
	struct fsimg_fsinfo info;
	struct fsimg_statfs sfs;
	struct fsimg_boot_entry be[8];
	int n;

	if (fsimg_fs_open(img, 0, 0, fstype, opts, &w.fs))
		return;
	w.q = calloc(MAX_NODES, sizeof(*w.q));
	w.buf = malloc(READ_CHUNK);
	if (!w.q || !w.buf)
		goto out;

	(void)fsimg_fs_info(w.fs, &info);
	(void)fsimg_fs_details(w.fs, on_detail, NULL);
	(void)fsimg_statfs(w.fs, &sfs);
	n = fsimg_boot_entries(w.fs, be, 8);
	for (int i = 0; i < n && i < 8; i++) {
		if (be[i].index != (unsigned)i ||
		    be[i].offset + be[i].length < be[i].offset ||
		    (be[i].length &&
		     be[i].offset + be[i].length > fsimg_image_size(img)))
			__builtin_trap();
		(void)fsimg_boot_platform_name(be[i].platform);
		(void)fsimg_boot_emulation_name(be[i].emulation);
	}

	w.q[0].ino = fsimg_fs_root(w.fs);
	w.q[0].path = strdup("");
	if (!w.q[0].path)
		goto out;
	w.q[0].name = w.q[0].path;
	w.tail = 1;
	while (w.head < w.tail) {
		visit(&w, &w.q[w.head]);
		w.head++;
	}
out:
	for (size_t i = 0; i < w.tail; i++)
		free(w.q[i].path);
	free(w.q);
	free(w.buf);
	fsimg_fs_close(w.fs);
}

void fuzz_fs(const uint8_t *data, size_t size, const char *fstype,
	     const char *opts)
{
	int fd;

	fd = memfd_create("fuzz.img", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	fuzz_fs_fd(fd, fstype, opts);
}

void fuzz_fs_fd(int fd, const char *fstype, const char *opts)
{
	fsimg_image *img;

	if (fsimg_image_open_fd(fd, "fuzz.img", &img))
		return;
	fsimg_image_set_log(img, quiet_log, NULL);
	exercise(img, fstype, opts);
	fsimg_image_close(img);
}
