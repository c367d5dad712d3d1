/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The length of a no-emulation boot image.
 *
 * The boot catalog gives a no-emulation image only its load size (often 4
 * sectors): the BIOS loads that much and the loader reads the rest. The
 * image is usually also a file of the tree (isolinux.bin, eltorito.img):
 * when a regular file's data starts where the boot image does, the file's
 * size is the image's length, as xorriso reports it. The search is a
 * bounded breadth-first walk from the root: boot files sit near it.
 */
#include "iso9660.h"

#include <stdlib.h>
#include <sys/stat.h>

#define BOOT_WALK_DIRS	512
#define BOOT_WALK_FILES 8192

struct boot_walk {
	fsimg_fs *fs;
	struct fsimg_boot_entry *e;
	size_t n;
	fsimg_ino dirs[BOOT_WALK_DIRS];
	size_t ndirs;
	unsigned files;
	size_t unmatched;
};

/* An entry whose length is still the catalog's load size. */
static bool wants_length(const struct fsimg_boot_entry *e)
{
	return e->emulation == 0 && e->length &&
	       e->length == (uint64_t)e->sector_count * 512;
}

static void match_file(struct boot_walk *w, fsimg_ino ino, uint64_t size)
{
	struct fsimg_extent ext;
	fsimg_file f = { .fs = w->fs, .ino = ino };

	if (iso_file_open(&f))
		return;
	if (!iso_file_map(&f, 0, &ext) && !(ext.flags & FSIMG_EXTENT_HOLE)) {
		for (size_t i = 0; i < w->n; i++) {
			struct fsimg_boot_entry *e = &w->e[i];
			uint64_t room = w->fs->img->size - e->offset;

			if (!wants_length(e) || e->offset != ext.physical ||
			    size <= e->length)
				continue;
			e->length = size < room ? size : room;
			w->unmatched--;
		}
	}
	iso_file_close(&f);
}

static int walk_fn(void *ctx, const char *name, fsimg_ino ino,
		   const struct fsimg_stat *st, uint64_t next)
{
	struct boot_walk *w = ctx;

	(void)name;
	(void)next;
	if (!st)
		; /* unreadable: neither a directory nor a file to match */
	else if (S_ISDIR(st->mode) && w->ndirs < BOOT_WALK_DIRS)
		w->dirs[w->ndirs++] = ino;
	else if (S_ISREG(st->mode) && st->size)
		match_file(w, ino, st->size);
	return ++w->files >= BOOT_WALK_FILES || !w->unmatched;
}

void iso_boot_lengths(fsimg_fs *fs, struct fsimg_boot_entry *e, size_t n)
{
	struct boot_walk *w;
	size_t unmatched = 0;

	for (size_t i = 0; i < n; i++)
		unmatched += wants_length(&e[i]);
	if (!unmatched)
		return;
	w = calloc(1, sizeof(*w));
	if (!w)
		return; /* the load sizes stay: what the catalog says */
	w->fs = fs;
	w->e = e;
	w->n = n;
	w->unmatched = unmatched;
	w->dirs[w->ndirs++] = fs->root;
	for (size_t d = 0;
	     d < w->ndirs && w->unmatched && w->files < BOOT_WALK_FILES; d++)
		iso_readdir(fs, w->dirs[d], 0, walk_fn, w);
	free(w);
}
