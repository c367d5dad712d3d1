/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the FAT driver: the input is the image.
 *
 * The last byte of the input chooses options (bit 0 codepage=850, bit 1
 * tz=+05:30). The harness opens the filesystem as vfat, walks the tree
 * depth-first (bounded in nodes, depth and bytes read) and calls every
 * read-only entry point on every node: getattr, lookup of the listed name,
 * the xattrs, open/read/map of regular files, readdir resumed from a
 * cookie; then info, details and statfs. A walk that takes the same
 * handle twice as a directory stops there (directory loops are the
 * driver's to report, but must not hang the harness).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NODES     2048
#define MAX_DEPTH     32
#define MAX_FILE_READ (256u << 10)
#define CHUNK	      (32u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	fsimg_fs *fs;
	unsigned nodes;
	uint8_t *buf;
	fsimg_ino dirs[MAX_DEPTH + 1];
};

struct listed {
	char name[1024];
	fsimg_ino ino;
	uint32_t mode;
	uint64_t cookie;
	unsigned n;
};

static void quiet_log(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static void walk_dir(struct walk *w, fsimg_ino dir, unsigned depth);

static void visit(struct walk *w, fsimg_ino dir, const char *name,
		  fsimg_ino ino, unsigned depth)
{
	struct fsimg_stat st, st2;
	struct fsimg_extent ext;
	fsimg_ino found;
	fsimg_file *f;
	char xb[256];

	if (++w->nodes > MAX_NODES)
		return;
	if (fsimg_getattr(w->fs, ino, &st))
		return;
	if (fsimg_lookup(w->fs, dir, name, &found, &st2) == 0 &&
	    strcmp(name, "") && found == 0)
		__builtin_trap(); /* handles are never 0 */
	fsimg_listxattr(w->fs, ino, xb, sizeof(xb));
	fsimg_getxattr(w->fs, ino, "user.fat.attrs", xb, sizeof(xb));
	if (S_ISDIR(st.mode)) {
		walk_dir(w, ino, depth + 1);
		return;
	}
	if (fsimg_file_open(w->fs, ino, &f))
		return;
	if (fsimg_file_size(f) != st.size)
		__builtin_trap();
	for (uint64_t off = 0; off < st.size && off < MAX_FILE_READ;
	     off += CHUNK) {
		ssize_t n = fsimg_file_read(f, w->buf, CHUNK, off);

		if (n < 0)
			break;
		if (fsimg_file_map(f, off, &ext) == 0 &&
		    (ext.logical > off || ext.logical + ext.length <= off))
			__builtin_trap();
	}
	fsimg_file_close(f);
}

static int collect(void *ctx, const char *name, fsimg_ino ino,
		   const struct fsimg_stat *st, uint64_t next)
{
	struct listed *l = ctx;

	(void)st;
	if (!*name || strchr(name, '/') || ino == 0)
		__builtin_trap();
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->ino = ino;
	l->cookie = next;
	l->n++;
	return 1; /* one at a time: every resume goes through the cookie */
}

static void walk_dir(struct walk *w, fsimg_ino dir, unsigned depth)
{
	uint64_t cookie = 0;

	if (depth > MAX_DEPTH)
		return;
	for (unsigned i = 0; i < depth; i++)
		if (w->dirs[i] == dir)
			return;
	w->dirs[depth] = dir;
	while (w->nodes < MAX_NODES) {
		struct listed l = { .n = 0 };

		if (fsimg_readdir(w->fs, dir, cookie, collect, &l) || !l.n)
			break;
		if (l.cookie <= cookie)
			__builtin_trap(); /* cookies must advance */
		cookie = l.cookie;
		visit(w, dir, l.name, l.ino, depth);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = { "", "codepage=850", "tz=+05:30",
					    "codepage=850,tz=+05:30" };
	struct fsimg_fsinfo info;
	struct fsimg_statfs sfs;
	fsimg_image *img;
	struct walk w = { 0 };
	int fd;

	if (size < 512)
		return 0;
	fd = memfd_create("fuzz.fat", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (fsimg_image_open_fd(fd, "fuzz.fat", &img))
		return 0;
	fsimg_image_set_log(img, quiet_log, NULL);
	if (fsimg_fs_open(img, 0, 0, "vfat", opts[data[size - 1] & 3], &w.fs) ==
	    0) {
		w.buf = malloc(CHUNK);
		if (w.buf)
			walk_dir(&w, fsimg_fs_root(w.fs), 0);
		free(w.buf);
		fsimg_fs_info(w.fs, &info);
		fsimg_statfs(w.fs, &sfs);
		fsimg_fs_close(w.fs);
	}
	fsimg_image_close(img);
	return 0;
}
