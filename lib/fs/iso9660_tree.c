/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: walking the records of a directory, and what a directory's
 * neighbours say about it: its own record in its parent (where its
 * attributes are) and the chain of its ancestors (to refuse loops).
 *
 * Directory graphs of hostile images may loop: a record may point at an
 * enclosing directory, Rock Ridge CL may point at an ancestor. Before a
 * directory's entries are used, the chain of its ancestors is computed from
 * the ".." records (PL for relocated directories, RRIP 4.1.5.2), bounded by
 * ISO_DEPTH_MAX, and a subdirectory entry that names one of them is an
 * error (-EUCLEAN: the image is corrupt) rather than an endless tree. ".."
 * records are image data too, and some writers get them wrong, so this is a
 * best effort: the library itself never recurses, and its users (path walk,
 * FUSE, the CLI) bound their own depth.
 */
#include "iso9660.h"

#include <stdlib.h>

int iso_diter_init(struct iso_diter *it, struct iso_fs *ifs, uint64_t start,
		   uint64_t size, uint64_t off)
{
	it->ifs = ifs;
	it->start = start;
	it->size = size;
	it->off = off;
	it->blk = 0;
	it->nblk = 0;
	it->cont = false;
	it->skip = NULL;
	it->skip_ctx = NULL;
	if (!fsimg_window_has(&ifs->win, it->start, it->size))
		return fsimg_werr(&ifs->win, -EIO,
				  "directory at block %llu: its %llu bytes run "
				  "past the end of the filesystem",
				  (unsigned long long)(it->start / ISO_BLOCK),
				  (unsigned long long)it->size);
	return 0;
}

/* Reads the chunk of the directory that starts at its block b. */
static int diter_fill(struct iso_diter *it, uint64_t b)
{
	uint64_t at = b * ISO_BLOCK, len = it->size - at;
	int rc;

	if (len > ISO_DIR_CHUNK)
		len = ISO_DIR_CHUNK;
	it->nblk = 0;
	/* a directory of one chunk is read again and again: it is cached */
	if (it->size <= ISO_DIR_CHUNK)
		rc = fsimg_wread_cached(&it->ifs->win, it->start + at, it->buf,
					(size_t)len);
	else
		rc = fsimg_wread(&it->ifs->win, it->start + at, it->buf,
				 (size_t)len);
	if (rc)
		return fsimg_werr(&it->ifs->win, rc,
				  "directory at block %llu cannot be read at "
				  "byte %llu: %s",
				  (unsigned long long)(it->start / ISO_BLOCK),
				  fsimg_wabs(&it->ifs->win, it->start + at),
				  strerror(-rc));
	it->blk = b;
	it->nblk = (len + ISO_BLOCK - 1) / ISO_BLOCK;
	return 0;
}

/* The next record: 1, 0 at the end, or -errno. */
int iso_diter_next(struct iso_diter *it, struct iso_rec *r)
{
	while (it->off < it->size) {
		uint64_t b = it->off / ISO_BLOCK;
		size_t in = (size_t)(it->off % ISO_BLOCK), blen;
		const uint8_t *blk;
		const char *why;
		int rc;

		blen = it->size - b * ISO_BLOCK < ISO_BLOCK
			       ? (size_t)(it->size - b * ISO_BLOCK)
			       : ISO_BLOCK;
		if (b < it->blk || b - it->blk >= it->nblk) {
			rc = diter_fill(it, b);
			if (rc)
				return rc;
		}
		blk = it->buf + (b - it->blk) * ISO_BLOCK;
		/* 6.8.1.1: unused bytes at the end of a block are zero */
		if (blk[in] == 0) {
			it->off = (b + 1) * ISO_BLOCK;
			continue;
		}
		if (it->skip) {
			size_t rlen, su;

			/* a bad record is left to iso_rec_decode to report */
			if (!iso_rec_bounds(blk + in, blen - in, &rlen, &su,
					    &why)) {
				rc = it->skip(it->skip_ctx, blk + in, rlen, su,
					      it->start + it->off);
				if (rc < 0)
					return rc;
				if (rc) {
					uint8_t fl = blk[in + 25];

					it->cont = !(fl & ISO_FF_DIR) &&
						   (fl & ISO_FF_MULTI);
					it->off += rlen;
					continue;
				}
			}
		}
		rc = iso_rec_decode(blk + in, blen - in, it->start + it->off, r,
				    &why);
		if (rc)
			return fsimg_werr(
				&it->ifs->win, rc,
				"directory at block %llu, record at "
				"byte %llu: %s",
				(unsigned long long)(it->start / ISO_BLOCK),
				fsimg_wabs(&it->ifs->win, it->start + it->off),
				why);
		if (r->endian_diff)
			ISO_DBG("record at %llu: both-endian halves differ, "
				"using "
				"LE (extent %u, size %u)",
				(unsigned long long)r->pos, r->extent, r->size);
		it->off += r->len;
		return 1;
	}
	return 0;
}

/* --- a directory's own record ------------------------------------------ */

static size_t posmap_slot(fsimg_ino dir)
{
	return (size_t)(((dir / ISO_BLOCK) * 0x9E3779B97F4A7C15ull) >> 48) &
	       (ISO_POSMAP_SLOTS - 1);
}

uint64_t iso_posmap_claim(struct iso_fs *ifs, fsimg_ino dir, uint64_t rec)
{
	struct iso_posmap *p = &ifs->posmap[posmap_slot(dir)];

	pthread_mutex_lock(&ifs->lock);
	if (p->dir == dir) {
		rec = p->rec;
	} else {
		p->dir = dir;
		p->rec = rec;
	}
	pthread_mutex_unlock(&ifs->lock);
	return rec;
}

static bool posmap_get(struct iso_fs *ifs, fsimg_ino dir, uint64_t *rec)
{
	struct iso_posmap *p = &ifs->posmap[posmap_slot(dir)];
	bool hit;

	pthread_mutex_lock(&ifs->lock);
	hit = p->dir == dir;
	*rec = p->rec;
	pthread_mutex_unlock(&ifs->lock);
	return hit;
}

static bool names_dir(const struct iso_rec *r, fsimg_ino d)
{
	return (r->flags & ISO_FF_DIR) && !iso_rec_is_dot(r) &&
	       !iso_rec_is_dotdot(r) && iso_rec_data(r) == d;
}

/*
 * Where a directory's handle came from is not remembered beyond the small
 * map above, so on a miss the parent its ".." names is scanned for the
 * record that points at it. A parent that cannot be read is not an error
 * here: the directory's "." record then describes it.
 */
int iso_dir_record(struct iso_fs *ifs, fsimg_ino d, struct iso_rec *out)
{
	struct iso_rec dot, dd, pdot;
	struct iso_diter *it;
	uint64_t pos, p;
	int rc, found = 0;

	if (posmap_get(ifs, d, &pos) && !iso_rec_read(ifs, pos, out) &&
	    names_dir(out, d))
		return 1;
	if (iso_rec_read(ifs, d, &dot) || iso_rec_read(ifs, d + dot.len, &dd) ||
	    !iso_rec_is_dotdot(&dd))
		return 0;
	p = iso_rec_data(&dd);
	if (p == d || iso_rec_read(ifs, p, &pdot) || !iso_rec_is_dot(&pdot))
		return 0;
	it = malloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	rc = iso_diter_init(it, ifs, p, pdot.size, 0);
	while (!rc && (rc = iso_diter_next(it, out)) == 1) {
		rc = 0;
		if (names_dir(out, d)) {
			(void)iso_posmap_claim(ifs, d, out->pos);
			found = 1;
			break;
		}
	}
	free(it);
	ISO_DBG("record of directory %llu in %llu: %s", (unsigned long long)d,
		(unsigned long long)p, found ? "found" : "not found");
	return found;
}

/* --- ancestry ----------------------------------------------------------- */

/* The parent of directory d according to its ".." record (or PL). */
static int dir_parent(struct iso_fs *ifs, fsimg_ino d, fsimg_ino *p)
{
	struct iso_rec dot, dd;
	int rc = iso_rec_read(ifs, d, &dot);

	if (rc)
		return rc;
	/* 6.8.2.2: ".." is the second record of the directory */
	rc = iso_rec_read(ifs, d + dot.len, &dd);
	if (rc)
		return rc;
	if (!iso_rec_is_dotdot(&dd))
		return -EUCLEAN;
	*p = iso_rec_data(&dd);
	if (ifs->tree == ISO_TREE_RR) {
		struct iso_rr rr;
		iso_rr_init(&rr, NULL, 0);
		rc = iso_rr_parse(ifs, &dd, 0, false, &rr);
		if (rc)
			return rc;
		if (rr.have & ISO_RR_PL)
			*p = (uint64_t)rr.pl * ISO_BLOCK;
	}
	return 0;
}

/*
 * Where the ".." records end before the root, the root still closes the
 * chain: it encloses every directory, and a record in any of them that
 * names it is a loop (found by fuzz_iso: a record under /dir naming the
 * root, whose attributes were not the root's).
 */
static int chain_close(struct iso_fs *ifs, struct iso_chain *c)
{
	if (c->h[c->n - 1] != ifs->fs->root)
		c->h[c->n++] = ifs->fs->root;
	return 0;
}

int iso_dir_chain(struct iso_fs *ifs, fsimg_ino d, struct iso_chain *c)
{
	fsimg_ino cur = d;

	c->n = 0;
	for (;;) {
		fsimg_ino p;

		c->h[c->n++] = cur;
		if (cur == ifs->fs->root)
			return 0;
		if (c->n == ISO_DEPTH_MAX)
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "directory at block %llu is nested "
					  "deeper than %u levels",
					  (unsigned long long)(d / ISO_BLOCK),
					  ISO_DEPTH_MAX);
		if (dir_parent(ifs, cur, &p)) {
			/* Lenient: a bad ".." only weakens the check. */
			ISO_DBG("directory at %llu: no usable '..'",
				(unsigned long long)cur);
			return chain_close(ifs, c);
		}
		/*
		 * ".." records are not reliable (xorriso 1.5.4 points the
		 * ".." of Joliet directories at themselves): a chain that
		 * comes back on itself ends here, it is not an error.
		 */
		for (unsigned i = 0; i < c->n; i++) {
			if (c->h[i] == p) {
				ISO_DBG("directory at %llu: '..' chain loops "
					"at "
					"%llu",
					(unsigned long long)d,
					(unsigned long long)p);
				return chain_close(ifs, c);
			}
		}
		cur = p;
	}
}

bool iso_in_chain(const struct iso_chain *c, fsimg_ino h)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->h[i] == h)
			return true;
	return false;
}
