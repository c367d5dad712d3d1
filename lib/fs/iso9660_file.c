/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: file data. A file is one extent, or several when its directory
 * records carry the multi-extent flag (ECMA-119 6.5.1, 9.1.6 bit 7: each
 * record but the last says "the file goes on in the next record"), which is
 * how files of 4 GiB and more are recorded. file_open reads the records
 * once into an extent list; reads and maps walk that list.
 */
#include "iso9660.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

struct collect {
	struct iso_fs *ifs;
	struct iso_file *fp;
	uint32_t cap;
	uint64_t logical;
};

static int collect_extent(void *ctx, const struct iso_rec *r)
{
	struct collect *c = ctx;
	struct iso_file *fp = c->fp;
	struct iso_extent *e;
	uint64_t pos = iso_rec_data(r);

	/*
	 * Empty extents carry no data; some writers leave their block
	 * number at garbage (libarchive writes 0xFFFFFFF0), so do not check
	 * it.
	 */
	if (r->size == 0)
		return 0;
	if (!fsimg_window_has(&c->ifs->win, pos, r->size))
		return fsimg_werr(&c->ifs->win, -EIO,
				  "file '%s' (record at byte %llu): extent %u "
				  "at block %llu, %u bytes, lies past the end "
				  "of the filesystem (%llu bytes)",
				  fp->name, fsimg_wabs(&c->ifs->win, r->pos),
				  fp->count + 1,
				  (unsigned long long)(pos / ISO_BLOCK),
				  r->size, (unsigned long long)c->ifs->win.len);
	if (fp->count == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 4;
		e = realloc(fp->ext, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		fp->ext = e;
		c->cap = cap;
	}
	e = &fp->ext[fp->count++];
	e->logical = c->logical;
	e->pos = pos;
	e->len = r->size;
	c->logical += r->size;
	return 0;
}

int iso_file_open(fsimg_file *f)
{
	struct iso_fs *ifs = iso_of(f->fs);
	struct iso_file *fp;
	struct iso_node n;
	struct fsimg_stat st;
	struct collect c;
	int rc;

	rc = iso_node_load(ifs, f->ino, &n);
	if (rc)
		return rc;
	if (n.dir)
		return -EISDIR;
	iso_node_stat(ifs, &n, &st);
	if (!S_ISREG(st.mode))
		return -EINVAL;
	/*
	 * 9.1.7, 9.1.8: interleaved files alternate file units and gaps. No
	 * writer in use produces them and Linux refuses them too.
	 */
	if (n.rec.unit_size || n.rec.gap)
		return fsimg_werr(&ifs->win, -EOPNOTSUPP,
				  "file '%s' (record at byte %llu) is recorded "
				  "in interleaved mode (unit %u, gap %u "
				  "blocks), which is not supported",
				  n.name, fsimg_wabs(&ifs->win, f->ino),
				  n.rec.unit_size, n.rec.gap);
	fp = calloc(1, sizeof(*fp));
	if (!fp)
		return -ENOMEM;
	memcpy(fp->name, n.name, sizeof(fp->name));
	c = (struct collect){ ifs, fp, 0, 0 };
	rc = iso_extents_walk(ifs, &n.rec, collect_extent, &c, NULL);
	if (rc)
		goto err;
	fp->stored = c.logical;
	f->size = fp->stored;
	if (n.rr.have & ISO_RR_ZF) {
		rc = iso_zisofs_open(ifs, fp, &n.rr, &fp->z);
		if (rc)
			goto err;
		f->size = n.rr.zf_size;
	}
	f->priv = fp;
	return 0;
err:
	free(fp->ext);
	free(fp);
	return rc;
}

/* The extent holding stored byte off, or NULL past the end. */
static const struct iso_extent *find_extent(const struct iso_file *fp,
					    uint64_t off)
{
	uint32_t lo = 0, hi = fp->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct iso_extent *e = &fp->ext[mid];

		if (off < e->logical)
			hi = mid;
		else if (off - e->logical >= e->len)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

int iso_file_raw_read(struct iso_fs *ifs, const struct iso_file *fp,
		      uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		const struct iso_extent *e = find_extent(fp, off);
		uint64_t in, n;
		int rc;

		if (!e)
			return fsimg_werr(
				&ifs->win, -EIO,
				"file '%s': offset %llu of the file is "
				"past its stored data",
				fp->name, (unsigned long long)off);
		in = off - e->logical;
		n = e->len - in;
		if (n > len)
			n = len;
		if (n > FSIMG_READ_MAX)
			n = FSIMG_READ_MAX;
		rc = fsimg_wread(&ifs->win, e->pos + in, out, (size_t)n);
		if (rc)
			return fsimg_werr(
				&ifs->win, rc,
				"file '%s': reading %llu bytes at "
				"block %llu: %s",
				fp->name, (unsigned long long)n,
				(unsigned long long)((e->pos + in) / ISO_BLOCK),
				strerror(-rc));
		out += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t iso_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	struct iso_fs *ifs = iso_of(f->fs);
	struct iso_file *fp = f->priv;
	int rc;

	if (fp->z)
		return iso_zisofs_read(ifs, fp, buf, size, off);
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	rc = iso_file_raw_read(ifs, fp, off, buf, size);
	return rc ? rc : (ssize_t)size;
}

int iso_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct iso_fs *ifs = iso_of(f->fs);
	struct iso_file *fp = f->priv;
	const struct iso_extent *e;

	if (fp->z)
		return -EOPNOTSUPP;
	e = find_extent(fp, off);
	if (!e)
		return -ENXIO;
	ext->logical = e->logical;
	ext->physical = ifs->win.off + e->pos;
	ext->length = e->len;
	ext->flags = 0;
	return 0;
}

void iso_file_close(fsimg_file *f)
{
	struct iso_file *fp = f->priv;

	if (!fp)
		return;
	iso_zisofs_free(fp->z);
	free(fp->ext);
	free(fp);
}
