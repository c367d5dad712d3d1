/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the ext driver (libext2fs through the window io
 * manager): the input is the image. Opens it as ext4, walks the tree
 * (bounded in nodes, depth and bytes), and calls getattr, readdir, lookup,
 * readlink, listxattr/getxattr, read and map on every node, then info,
 * details and statfs. Invariants are checked with __builtin_trap().
 */
#include "internal.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NODES 2048
#define MAX_DEPTH 32
#define MAX_READ  (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	fsimg_fs *fs;
	fsimg_ino q[MAX_NODES];
	unsigned depth[MAX_NODES];
	size_t tail;
	size_t total;
	unsigned cur_depth;
	fsimg_ino cur;
	uint8_t buf[65536];
};

static void quiet(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static int on_dirent(void *ctx, const char *name, fsimg_ino ino,
		     const struct fsimg_stat *st, uint64_t next)
{
	struct walk *w = ctx;
	fsimg_ino again;

	(void)st;
	(void)next;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || !ino)
		__builtin_trap();
	(void)fsimg_lookup(w->fs, w->cur, name, &again, NULL);
	if (w->tail < MAX_NODES && w->cur_depth < MAX_DEPTH) {
		w->depth[w->tail] = w->cur_depth + 1;
		w->q[w->tail++] = ino;
	}
	return 0;
}

static int on_detail(void *ctx, const char *k, const char *v)
{
	volatile size_t n = strlen(k) + strlen(v);

	(void)ctx;
	(void)n;
	return 0;
}

static void visit(struct walk *w, fsimg_ino ino, unsigned depth)
{
	struct fsimg_stat st;
	struct fsimg_extent ext;
	char names[1024], link[4096];
	fsimg_file *f;
	ssize_t n;
	int rc;

	if (fsimg_getattr(w->fs, ino, &st))
		return;
	n = fsimg_listxattr(w->fs, ino, names, sizeof(names));
	for (ssize_t o = 0; n > 0 && o < n; o += (ssize_t)strlen(names + o) + 1)
		(void)fsimg_getxattr(w->fs, ino, names + o, w->buf,
				     sizeof(w->buf));
	if (S_ISLNK(st.mode)) {
		rc = fsimg_readlink(w->fs, ino, link, sizeof(link));
		if (rc >= (int)sizeof(link) ||
		    (rc >= 0 && strlen(link) != (size_t)rc))
			__builtin_trap();
	} else if (S_ISDIR(st.mode)) {
		w->cur = ino;
		w->cur_depth = depth;
		(void)fsimg_readdir(w->fs, ino, 0, on_dirent, w);
	} else if (S_ISREG(st.mode) && !fsimg_file_open(w->fs, ino, &f)) {
		uint64_t size = fsimg_file_size(f);

		for (uint64_t off = 0; off < size && w->total < MAX_READ;
		     off += sizeof(w->buf)) {
			n = fsimg_file_read(f, w->buf, sizeof(w->buf), off);
			if (n < 0)
				break;
			if ((size_t)n > sizeof(w->buf))
				__builtin_trap();
			w->total += (size_t)n;
		}
		if (fsimg_file_read(f, w->buf, 10, size) != 0)
			__builtin_trap();
		if (!fsimg_file_map(f, 0, &ext) &&
		    (ext.length == 0 || ext.logical > 0))
			__builtin_trap();
		fsimg_file_close(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsimg_fsinfo info;
	struct fsimg_statfs sfs;
	fsimg_image *img;
	struct walk *w;
	int fd;

	fd = memfd_create("fuzz.ext", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (fsimg_image_open_fd(fd, "fuzz.ext", &img))
		return 0;
	fsimg_image_set_log(img, quiet, NULL);
	w = calloc(1, sizeof(*w));
	if (w && !fsimg_fs_open(img, 0, 0, "ext4", "handles=2", &w->fs)) {
		(void)fsimg_fs_info(w->fs, &info);
		(void)fsimg_fs_details(w->fs, on_detail, NULL);
		(void)fsimg_statfs(w->fs, &sfs);
		w->q[0] = fsimg_fs_root(w->fs);
		w->tail = 1;
		for (size_t i = 0; i < w->tail; i++)
			visit(w, w->q[i], w->depth[i]);
		fsimg_fs_close(w->fs);
	}
	free(w);
	fsimg_image_close(img);
	return 0;
}
