/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FAT: the file allocation table and file data.
 *
 * The FAT is never loaded whole (a FAT32 volume of 2 TiB has a FAT of
 * hundreds of MiB): each entry is read through the image's block cache.
 * Opening a file walks its chain once and keeps the contiguous runs
 * (bounded by FAT_RUNS_MAX), so reads and maps after that are a binary
 * search and are safe from several threads.
 */
#include "fat.h"

#include <stdlib.h>

int fat_entry(struct fat_fs *f, uint32_t n, uint32_t *val)
{
	uint8_t b[4];
	uint64_t pos;
	int rc;

	/* spec 4: FAT12 entries are 12 bits, packed two in three bytes */
	switch (f->b.bits) {
	case 12:
		pos = f->b.fat_off + n + n / 2;
		rc = fat_read(f, pos, b, 2, "FAT");
		if (rc)
			return rc;
		*val = get_le16(b);
		*val = (n & 1) ? *val >> 4 : *val & 0xfff;
		return 0;
	case 16:
		rc = fat_read(f, f->b.fat_off + (uint64_t)n * 2, b, 2, "FAT");
		if (!rc)
			*val = get_le16(b);
		return rc;
	default:
		rc = fat_read(f, f->b.fat_off + (uint64_t)n * 4, b, 4, "FAT");
		/* the high 4 bits of a FAT32 entry are reserved */
		if (!rc)
			*val = get_le32(b) & 0x0fffffff;
		return rc;
	}
}

void fat_chain_start(struct fat_chain *c, uint32_t first)
{
	c->cur = first;
	c->first = first;
	c->saved = first;
	c->hops = 0;
	c->power = 1;
	c->lam = 0;
}

int fat_chain_next(struct fat_fs *f, struct fat_chain *c, const char *what)
{
	uint32_t n, eoc, bad;
	int rc;

	if (c->cur == 0)
		return 0;
	rc = fat_entry(f, c->cur, &n);
	if (rc)
		return rc;
	/* spec 4: end-of-chain marks and the bad-cluster mark per type */
	eoc = f->b.bits == 12 ? 0xff8 : f->b.bits == 16 ? 0xfff8 : 0x0ffffff8;
	bad = eoc - 1;
	if (n >= eoc) {
		c->cur = 0;
		return 0;
	}
	if (n == 0)
		return fat_err_chain(f, c, what, "runs into a free cluster");
	if (n == bad)
		return fat_err_chain(f, c, what, "runs into a bad cluster");
	if (!fat_cluster_ok(f, n))
		return fat_err_chain(f, c, what,
				     "points past the last cluster");
	/* Brent: move the checkpoint at each power of two */
	if (c->lam == c->power) {
		c->saved = c->cur;
		c->power *= 2;
		c->lam = 0;
	}
	c->lam++;
	c->hops++;
	if (n == c->saved || c->hops > f->b.clusters)
		return fat_err_chain(f, c, what, "loops");
	c->cur = n;
	return 1;
}

int fat_err_chain(struct fat_fs *f, const struct fat_chain *c, const char *what,
		  const char *why)
{
	return fsimg_werr(&f->win, -EUCLEAN,
			  "cluster chain of %s (from cluster %u) %s at "
			  "cluster %u",
			  what, c->first, why, c->cur);
}

/* --- files ---------------------------------------------------------------- */

struct fat_run {
	uint64_t logical;
	uint64_t pos; /* window position */
	uint64_t len;
};

struct fat_file {
	struct fat_run *runs;
	uint32_t count;
};

static int runs_add(struct fat_file *ff, uint32_t *cap, uint64_t logical,
		    uint64_t pos, uint64_t len)
{
	struct fat_run *r;

	if (ff->count &&
	    ff->runs[ff->count - 1].pos + ff->runs[ff->count - 1].len == pos) {
		ff->runs[ff->count - 1].len += len;
		return 0;
	}
	if (ff->count == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;

		if (*cap >= FAT_RUNS_MAX)
			return -EFBIG;
		if (ncap > FAT_RUNS_MAX)
			ncap = FAT_RUNS_MAX;
		r = realloc(ff->runs, ncap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		ff->runs = r;
		*cap = ncap;
	}
	ff->runs[ff->count++] = (struct fat_run){ logical, pos, len };
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct fat_run *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * A chain that comes back to a cluster before the file's size is reached
 * (a loop shorter than the file, which Brent's check may not have seen
 * yet, or a file crossed with itself) shows as two runs that overlap.
 */
static int runs_check(struct fat_fs *f, const struct fat_file *ff,
		      fsimg_ino ino)
{
	struct fat_run *s;
	int rc = 0;

	if (ff->count < 2)
		return 0;
	s = malloc(ff->count * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, ff->runs, ff->count * sizeof(*s));
	qsort(s, ff->count, sizeof(*s), run_cmp);
	for (uint32_t i = 1; i < ff->count && !rc; i++)
		if (s[i - 1].pos + s[i - 1].len > s[i].pos)
			rc = fsimg_werr(
				&f->win, -EUCLEAN,
				"cluster chain of the file (entry at "
				"byte %llu) loops (cluster %llu used "
				"twice)",
				fsimg_wabs(&f->win, ino),
				(unsigned long long)((s[i].pos -
						      f->b.data_off) /
							     f->b.cluster_size +
						     2));
	free(s);
	return rc;
}

int fat_file_open(fsimg_file *file)
{
	struct fat_fs *f = fat_of(file->fs);
	struct fsimg_stat st;
	struct fat_file *ff;
	struct fat_chain ch;
	uint8_t raw[FAT_DIRENT];
	uint64_t need, have = 0;
	uint32_t cap = 0, first;
	int rc;

	if (file->ino == FAT_ROOT)
		return -EISDIR;
	rc = fat_getattr(file->fs, file->ino, &st);
	if (rc)
		return rc;
	if ((st.mode & 0170000) == 0040000)
		return -EISDIR;
	rc = fat_read(f, file->ino, raw, sizeof(raw), "directory entry");
	if (rc)
		return rc;
	ff = calloc(1, sizeof(*ff));
	if (!ff)
		return -ENOMEM;
	need = st.size;
	first = (uint32_t)get_le16(raw + 20) << 16 | get_le16(raw + 26);
	if (f->b.bits != 32)
		first &= 0xffff; /* DIR_FstClusHI is 0 on FAT12/16 */
	if (need && !fat_cluster_ok(f, first)) {
		rc = fsimg_werr(
			&f->win, -EUCLEAN,
			"file (entry at byte %llu) of %llu bytes has an "
			"invalid first cluster %u",
			fsimg_wabs(&f->win, file->ino),
			(unsigned long long)need, first);
		goto err;
	}
	fat_chain_start(&ch, first);
	while (have < need) {
		uint64_t len = need - have;

		if (len > f->b.cluster_size)
			len = f->b.cluster_size;
		rc = runs_add(ff, &cap, have, fat_cluster_pos(f, ch.cur), len);
		if (rc == -EFBIG)
			rc = fsimg_werr(&f->win, -EFBIG,
					"file (entry at byte %llu) is in more "
					"than %u pieces",
					fsimg_wabs(&f->win, file->ino),
					FAT_RUNS_MAX);
		if (rc)
			goto err;
		have += len;
		if (have >= need)
			break;
		rc = fat_chain_next(f, &ch, "a file");
		if (rc < 0)
			goto err;
		if (rc == 0) {
			rc = fsimg_werr(
				&f->win, -EUCLEAN,
				"cluster chain of the file (entry at byte "
				"%llu) ends after %llu of its %llu bytes",
				fsimg_wabs(&f->win, file->ino),
				(unsigned long long)have,
				(unsigned long long)need);
			goto err;
		}
	}
	rc = runs_check(f, ff, file->ino);
	if (rc)
		goto err;
	file->size = need;
	file->priv = ff;
	return 0;
err:
	free(ff->runs);
	free(ff);
	return rc;
}

static const struct fat_run *run_find(const struct fat_file *ff, uint64_t off)
{
	uint32_t lo = 0, hi = ff->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct fat_run *r = &ff->runs[mid];

		if (off < r->logical)
			hi = mid;
		else if (off >= r->logical + r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

ssize_t fat_file_read(fsimg_file *file, void *buf, size_t size, uint64_t off)
{
	struct fat_fs *f = fat_of(file->fs);
	struct fat_file *ff = file->priv;
	size_t done = 0;
	int rc;

	if (size > FSIMG_READ_MAX)
		size = FSIMG_READ_MAX;
	while (done < size) {
		const struct fat_run *r = run_find(ff, off + done);
		uint64_t in, len;

		if (!r)
			break;
		in = off + done - r->logical;
		len = r->len - in;
		if (len > size - done)
			len = size - done;
		rc = fsimg_wread(&f->win, r->pos + in, (uint8_t *)buf + done,
				 (size_t)len);
		if (rc)
			return fsimg_werr(&f->win, rc,
					  "reading file data at byte "
					  "%llu: %s",
					  fsimg_wabs(&f->win, r->pos + in),
					  rc == -EIO ? "past the end of the "
						       "image (truncated?)"
						     : strerror(-rc));
		done += len;
	}
	return (ssize_t)done;
}

int fat_file_map(fsimg_file *file, uint64_t off, struct fsimg_extent *ext)
{
	struct fat_fs *f = fat_of(file->fs);
	const struct fat_run *r = run_find(file->priv, off);

	if (!r)
		return -ENXIO;
	ext->logical = r->logical;
	ext->physical = f->win.off + r->pos;
	ext->length = r->len;
	ext->flags = 0;
	return 0;
}

void fat_file_close(fsimg_file *file)
{
	struct fat_file *ff = file->priv;

	if (ff)
		free(ff->runs);
	free(ff);
	file->priv = NULL;
}
