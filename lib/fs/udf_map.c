/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UDF partition maps (3/10.7, UDF 2.2.8-2.2.10): where logical block lbn
 * of partition reference part is in the volume.
 *
 *   type 1     the partition descriptor's start + lbn
 *   sparable   the same, unless the packet holding lbn is in the sparing
 *              table (UDF 2.2.12): then the relocated packet
 *   virtual    the VAT (UDF 2.2.11) gives the block in the type 1
 *              partition of the same number; read entry by entry through
 *              the block cache, never loaded whole
 *   metadata   block lbn of the metadata file (UDF 2.2.13), an ordinary
 *              file of the type 1 partition; its mirror when the metadata
 *              file itself cannot be read
 */
#include "udf.h"

#include <stdlib.h>

static int outside(struct udf_fs *u, uint16_t part, uint32_t lbn,
		   const char *why)
{
	return fsimg_werr(&u->win, -EUCLEAN,
			  "block %u of partition reference %u: %s", lbn, part,
			  why);
}

static int map_physical(struct udf_fs *u, const struct udf_partmap *m,
			uint16_t part, uint32_t lbn, uint64_t *block)
{
	uint64_t b;

	if (lbn >= m->length)
		return outside(u, part, lbn, "past the end of the partition");
	b = (uint64_t)m->start + lbn;
	if (m->type == UDF_MAP_SPARABLE && m->packet) {
		uint32_t packet = lbn & ~(uint32_t)(m->packet - 1);

		for (uint32_t i = 0; i < m->nsparing; i++) {
			if (m->sparing[i].orig >= 0xfffffff0u)
				break; /* free entries come last */
			if (m->sparing[i].orig == packet) {
				b = (uint64_t)m->sparing[i].mapped +
				    (lbn & (m->packet - 1u));
				break;
			}
		}
	}
	if (b >= u->nblocks)
		return outside(u, part, lbn, "past the end of the image");
	*block = b;
	return 0;
}

int udf_map_block(struct udf_fs *u, uint16_t part, uint32_t lbn,
		  uint64_t *block)
{
	const struct udf_partmap *m;

	if (part >= u->nmaps)
		return outside(u, part, lbn, "no such partition map");
	m = &u->map[part];
	switch (m->type) {
	case UDF_MAP_PHYSICAL:
	case UDF_MAP_SPARABLE:
		return map_physical(u, m, part, lbn, block);
	case UDF_MAP_VIRTUAL: {
		uint8_t e[4];
		ssize_t got;

		if (!m->vat || lbn >= m->nvat)
			return outside(u, part, lbn, "not in the VAT");
		got = udf_read_data(u, m->vat, e, 4,
				    m->vat_off + (uint64_t)lbn * 4, true);
		if (got < 0)
			return (int)got;
		if (get_le32(e) == UINT32_MAX)
			return outside(u, part, lbn, "unused in the VAT");
		return map_physical(u, &u->map[m->phys], m->phys, get_le32(e),
				    block);
	}
	case UDF_MAP_METADATA: {
		const struct udf_node *f = m->meta;
		uint64_t off = (uint64_t)lbn << u->bshift;

		if (!f || off >= f->size)
			return outside(u, part, lbn,
				       "past the end of the metadata file");
		const struct udf_extent *e = udf_extent_at(f, off);

		if (!e)
			return outside(u, part, lbn,
				       "past the extents of the metadata file");
		if (e->type != 0)
			return outside(u, part, lbn,
				       "not recorded in the metadata file");
		return map_physical(
			u, &u->map[m->phys], m->phys,
			e->lbn + (uint32_t)((off - e->logical) >> u->bshift),
			block);
	}
	}
	return -EINVAL;
}

uint32_t udf_map_run(struct udf_fs *u, uint16_t part, uint32_t lbn,
		     uint64_t block, uint32_t max)
{
	const struct udf_partmap *m = &u->map[part];
	uint32_t n = 1;
	uint64_t b;

	if (m->type == UDF_MAP_PHYSICAL) {
		uint64_t left = (uint64_t)m->length - lbn;

		if (u->nblocks - block < left)
			left = u->nblocks - block;
		return left < max ? (uint32_t)left : max;
	}
	while (n < max && lbn + n > lbn &&
	       !udf_map_block(u, part, lbn + n, &b) && b == block + n)
		n++;
	return n;
}

/* UDF 2.2.12: the first readable sparing table. */
static int load_sparing(struct udf_fs *u, struct udf_partmap *m, unsigned idx)
{
	uint8_t *t;
	int rc = -EUCLEAN;

	if (!m->table_size || m->table_size > 56 + 8u * 65535)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "partition map %u: sparing tables of "
				  "%u bytes",
				  idx, m->table_size);
	t = malloc(m->table_size);
	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < m->ntables; i++) {
		uint64_t at = (uint64_t)m->table_loc[i] << u->bshift;
		const char *why;
		uint32_t n;

		if (!fsimg_window_has(&u->win, at, m->table_size) ||
		    fsimg_wread_cached(&u->win, at, t, m->table_size))
			continue;
		if (udf_tag_check(t, m->table_size, m->table_loc[i], &why) !=
			    0 ||
		    memcmp(t + 17, "*UDF Sparing Table", 18))
			continue;
		n = get_le16(t + 48);
		if (56 + 8ull * n > m->table_size)
			continue;
		m->sparing = calloc(n ? n : 1, sizeof(*m->sparing));
		if (!m->sparing) {
			rc = -ENOMEM;
			break;
		}
		for (uint32_t k = 0; k < n; k++) {
			m->sparing[k].orig = get_le32(t + 56 + 8 * k);
			m->sparing[k].mapped = get_le32(t + 60 + 8 * k);
		}
		m->nsparing = n;
		UDF_DBG("partition map %u: sparing table %u at block %u, %u "
			"entries",
			idx, i, m->table_loc[i], n);
		rc = 0;
		break;
	}
	free(t);
	if (rc == -EUCLEAN)
		return fsimg_werr(&u->win, rc,
				  "partition map %u: none of its %u "
				  "sparing tables can be read",
				  idx, m->ntables);
	return rc;
}

/* UDF 2.2.13: the metadata file, or its mirror. */
static int load_metadata(struct udf_fs *u, struct udf_partmap *m, unsigned idx)
{
	struct udf_node *n = calloc(1, sizeof(*n));
	uint32_t locs[2] = { m->meta_lbn, m->mirror_lbn };
	uint8_t want[2] = { UDF_FT_METADATA, UDF_FT_METAMIRROR };
	int rc = -EUCLEAN;

	if (!n)
		return -ENOMEM;
	for (int i = 0; i < 2; i++) {
		rc = udf_node_read(u, udf_handle(m->phys, locs[i]), n, true);
		if (!rc && n->file_type != want[i]) {
			udf_node_free(n);
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"partition map %u: the %s at "
					"block %u is of file type %u",
					idx,
					i ? "metadata mirror file"
					  : "metadata file",
					locs[i], n->file_type);
		}
		if (!rc) {
			m->use_mirror = i == 1;
			if (i == 1)
				fsimg_werr(&u->win, 0,
					   "the metadata file cannot be "
					   "read: using its mirror");
			break;
		}
		if (m->mirror_lbn == m->meta_lbn)
			break;
	}
	if (rc) {
		free(n);
		return fsimg_werr(&u->win, rc,
				  "partition map %u: neither the metadata "
				  "file (block %u) nor its mirror (block %u) "
				  "can be read",
				  idx, m->meta_lbn, m->mirror_lbn);
	}
	m->meta = n;
	UDF_DBG("partition map %u: metadata %s, %u extents, %llu bytes", idx,
		m->use_mirror ? "mirror" : "file", n->next,
		(unsigned long long)n->size);
	return 0;
}

/*
 * UDF 2.2.11: the VAT is the file entry in the last recorded block; an
 * image ends there, or a few blocks later (Linux looks at the last four).
 */
static int load_vat(struct udf_fs *u, struct udf_partmap *m, unsigned idx)
{
	const struct udf_partmap *p = &u->map[m->phys];
	struct udf_node *n = calloc(1, sizeof(*n));
	int rc = -ENOENT;

	if (!n)
		return -ENOMEM;
	for (uint64_t b = u->nblocks; b-- > 0 && b + 4 >= u->nblocks;) {
		uint8_t *blk;
		const char *why;
		int tag;

		if (b < p->start || b - p->start >= p->length)
			continue;
		/* look before reading: most of these blocks are not entries */
		blk = malloc(u->bsize);
		if (!blk) {
			free(n);
			return -ENOMEM;
		}
		tag = fsimg_wread_cached(&u->win, b << u->bshift, blk, u->bsize)
			      ? -EIO
			      : udf_tag_check(blk, u->bsize,
					      (uint32_t)(b - p->start), &why);
		free(blk);
		if ((tag != UDF_TAG_FE && tag != UDF_TAG_EFE) ||
		    udf_node_read(u,
				  udf_handle(m->phys, (uint32_t)(b - p->start)),
				  n, true))
			continue;
		if (n->file_type == UDF_FT_VAT20) {
			uint8_t h[2];

			if (n->size < 152 ||
			    udf_read_data(u, n, h, 2, 0, true) != 2 ||
			    get_le16(h) > n->size || get_le16(h) < 152) {
				udf_node_free(n);
				continue;
			}
			m->vat_off = get_le16(h);
			m->nvat = (uint32_t)((n->size - m->vat_off) / 4 >
							     UINT32_MAX
						     ? UINT32_MAX
						     : (n->size - m->vat_off) /
							       4);
			rc = 0;
			break;
		}
		if (n->file_type == 0 && n->size >= 36) {
			/* UDF 1.50: entries, then "*UDF Virtual Alloc Tbl" */
			uint8_t id[24];

			if (udf_read_data(u, n, id, sizeof(id), n->size - 36,
					  true) == sizeof(id) &&
			    !memcmp(id + 1, "*UDF Virtual Alloc Tbl", 22)) {
				m->vat_off = 0;
				m->nvat = (uint32_t)((n->size - 36) / 4);
				rc = 0;
				break;
			}
		}
		udf_node_free(n);
	}
	if (rc) {
		free(n);
		return fsimg_werr(&u->win, -EUCLEAN,
				  "partition map %u is virtual, but no "
				  "VAT is in the last blocks of the image",
				  idx);
	}
	m->vat = n;
	UDF_DBG("partition map %u: VAT of %u entries", idx, m->nvat);
	return 0;
}

int udf_maps_load(struct udf_fs *u)
{
	int rc;

	/* sparing tables first: the other maps may lie in that partition */
	for (unsigned i = 0; i < u->nmaps; i++)
		if (u->map[i].type == UDF_MAP_SPARABLE &&
		    (rc = load_sparing(u, &u->map[i], i)))
			return rc;
	for (unsigned i = 0; i < u->nmaps; i++) {
		struct udf_partmap *m = &u->map[i];

		if (m->type == UDF_MAP_METADATA &&
		    (rc = load_metadata(u, m, i)))
			return rc;
		if (m->type == UDF_MAP_VIRTUAL && (rc = load_vat(u, m, i)))
			return rc;
	}
	return 0;
}

void udf_maps_free(struct udf_fs *u)
{
	for (unsigned i = 0; i < u->nmaps; i++) {
		struct udf_partmap *m = &u->map[i];

		free(m->sparing);
		if (m->vat)
			udf_node_free(m->vat);
		if (m->meta)
			udf_node_free(m->meta);
		free(m->vat);
		free(m->meta);
		m->sparing = NULL;
		m->vat = m->meta = NULL;
	}
}
