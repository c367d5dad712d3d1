/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UDF volumes: the volume recognition sequence (2/9.1), the anchor volume
 * descriptor pointers (3/10.2) at block 256, N - 256, N - 1 and 512, the
 * volume descriptor sequence (3/8.4; the reserve sequence when the main
 * one lacks what is needed), partition descriptors (3/10.5), the logical
 * volume descriptor (3/10.6) and its partition maps (3/10.7, UDF 2.2.8 to
 * 2.2.10), the integrity descriptor (3/10.10) and the file set descriptor
 * (4/14.1). Probe, open, info, details, statfs, the driver descriptor.
 *
 * The block size is the one an anchor is found with (512 to 32768); the
 * logical volume descriptor must agree. Multi-session media are read at
 * the anchors of the whole image only.
 */
#include "udf.h"
#include "iso9660.h"

#include <stdio.h>
#include <stdlib.h>

int udf_read_block(struct udf_fs *u, uint64_t block, void *buf,
		   const char *what)
{
	uint64_t at = block << u->bshift;
	int rc;

	if (block >= u->nblocks)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "%s at block %llu is past the end of "
				  "the image (%llu blocks)",
				  what, (unsigned long long)block,
				  (unsigned long long)u->nblocks);
	rc = fsimg_wread_cached(&u->win, at, buf, u->bsize);
	if (rc)
		return fsimg_werr(&u->win, rc,
				  "reading the %s at byte %llu: %s", what,
				  fsimg_wabs(&u->win, at), strerror(-rc));
	return 0;
}

/* --- recognition ---------------------------------------------------------- */

/*
 * 2/9.1: BEA01, then NSR02 or NSR03, in the sectors from byte 32768 on
 * (2048 bytes apart, or a block apart for larger blocks); CD001, BOOT2 and
 * CDW02 may come before. 0 none, 2 or 3 the NSR version, -errno. *step
 * is the distance between the descriptors: 2048, or the block size when
 * blocks are larger (2/8.3). Descriptors found at 32768 and 34816 are a
 * sequence of 2048-byte sectors, which ends at the first sector that holds
 * no descriptor (an ISO9660 image's directories): larger steps are not
 * tried then, which would read that image's data sectors for nothing.
 */
static int vrs_nsr(const struct fsimg_window *w, unsigned *step)
{
	static const unsigned steps[] = { 2048, 4096, 8192, 16384, 32768 };
	uint8_t d[8];

	for (unsigned s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		bool bea = false, near = false;

		for (unsigned i = 0; i < 64; i++) {
			uint64_t at = 32768 + (uint64_t)i * steps[s];
			int rc;

			if (!fsimg_window_has(w, at, sizeof(d)))
				break;
			rc = fsimg_wread_cached(w, at, d, sizeof(d));
			if (rc)
				return rc;
			if (!memcmp(d + 1, "BEA01", 5))
				bea = true;
			else if (bea && (!memcmp(d + 1, "NSR02", 5) ||
					 !memcmp(d + 1, "NSR03", 5))) {
				*step = steps[s];
				return d[5] - '0';
			} else if (!memcmp(d + 1, "TEA01", 5))
				break;
			else if (memcmp(d + 1, "CD001", 5) &&
				 memcmp(d + 1, "CDW02", 5) &&
				 memcmp(d + 1, "BOOT2", 5))
				break;
			if (i == 1)
				near = true;
		}
		if (near && steps[s] == 2048)
			return 0; /* no larger step: see above */
	}
	return 0;
}

/* An anchor at block b for block size bs: its main and reserve VDS. */
static bool anchor_at(const struct fsimg_window *w, unsigned bs, uint64_t b,
		      uint32_t vds[4])
{
	uint8_t d[512];
	const char *why;

	if (b > UINT32_MAX || !fsimg_window_has(w, b * bs, sizeof(d)) ||
	    fsimg_wread_cached(w, b * bs, d, sizeof(d)))
		return false;
	if (udf_tag_check(d, sizeof(d), (uint32_t)b, &why) != UDF_TAG_AVDP)
		return false;
	vds[0] = get_le32(d + 16); /* main: length in bytes, location */
	vds[1] = get_le32(d + 20);
	vds[2] = get_le32(d + 24); /* reserve */
	vds[3] = get_le32(d + 28);
	return true;
}

/*
 * 3/10.2, UDF 2.2.3: the block size and anchor of the volume. A sequence
 * recorded with a step above 2048 tells the block size; otherwise 2048
 * (optical media) is tried first, then the sizes of disks.
 */
static bool find_anchor(const struct fsimg_window *w, unsigned step,
			unsigned *bsize, uint32_t *where, uint32_t vds[4])
{
	static const unsigned sizes[] = { 2048, 512,   1024, 4096,
					  8192, 16384, 32768 };

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t n = w->len / sizes[i];
		uint64_t at[4] = { 256, n - 256, n - 1, 512 };

		if (n < 257 || (step > 2048 && sizes[i] != step))
			continue;
		for (unsigned k = 0; k < 4; k++)
			if (anchor_at(w, sizes[i], at[k], vds)) {
				*bsize = sizes[i];
				*where = (uint32_t)at[k];
				return true;
			}
	}
	return false;
}

static int udf_probe(const struct fsimg_window *w)
{
	uint32_t vds[4], where;
	unsigned bs, step = 0;
	int nsr = vrs_nsr(w, &step);

	if (nsr <= 0)
		return nsr;
	if (!find_anchor(w, step, &bs, &where, vds)) {
		UDF_DBG("probe: NSR0%d recognised but no anchor found", nsr);
		return 0;
	}
	UDF_DBG("probe: NSR0%d, %u-byte blocks, anchor at block %u", nsr, bs,
		where);
	return 1;
}

/* --- the volume descriptor sequence ------------------------------------------
 */

struct vds {
	bool pvd, lvd;
	uint32_t pvd_seq, lvd_seq;
	uint8_t pvd_buf[512];
	uint8_t *lvd_buf; /* a block */
	struct {
		uint16_t number;
		uint32_t seq, start, length;
		bool used;
	} pd[UDF_MAX_PARTMAPS];
	unsigned npd;
	uint32_t lvid_loc, lvid_len;
};

static int read_vds(struct udf_fs *u, uint32_t loc, uint32_t len, struct vds *v)
{
	uint8_t *b = malloc(u->bsize);
	unsigned hops = 0, seen = 0;
	uint32_t n = len >> u->bshift;
	int rc = 0;

	if (!b)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const char *why;
		uint64_t block = (uint64_t)loc + i;
		int tag;

		if (++seen > UDF_MAX_VDS_DESC) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"more than %u volume descriptors "
					"(a loop?)",
					UDF_MAX_VDS_DESC);
			break;
		}
		if (block >= u->nblocks ||
		    fsimg_wread_cached(&u->win, block << u->bshift, b,
				       u->bsize))
			break;
		tag = udf_tag_check(b, u->bsize, (uint32_t)block, &why);
		if (tag < 0) {
			UDF_DBG("VDS: block %llu: %s",
				(unsigned long long)block, why);
			break;
		}
		switch (tag) {
		case UDF_TAG_PVD:
			if (!v->pvd || get_le32(b + 16) >= v->pvd_seq) {
				v->pvd = true;
				v->pvd_seq = get_le32(b + 16);
				memcpy(v->pvd_buf, b, sizeof(v->pvd_buf));
			}
			break;
		case UDF_TAG_LVD:
			if (!v->lvd || get_le32(b + 16) >= v->lvd_seq) {
				v->lvd = true;
				v->lvd_seq = get_le32(b + 16);
				memcpy(v->lvd_buf, b, u->bsize);
			}
			break;
		case UDF_TAG_PD: {
			uint16_t num = get_le16(b + 22);
			unsigned k;

			for (k = 0; k < v->npd; k++)
				if (v->pd[k].number == num)
					break;
			if (k == v->npd) {
				if (v->npd == UDF_MAX_PARTMAPS)
					break;
				v->npd++;
			} else if (get_le32(b + 16) < v->pd[k].seq) {
				break;
			}
			v->pd[k].number = num;
			v->pd[k].seq = get_le32(b + 16);
			v->pd[k].start = get_le32(b + 188);
			v->pd[k].length = get_le32(b + 192);
			break;
		}
		case UDF_TAG_VDP:
			/* 3/10.3: the sequence goes on elsewhere */
			if (++hops > UDF_MAX_VDP) {
				rc = fsimg_werr(&u->win, -EUCLEAN,
						"more than %u volume "
						"descriptor pointers (a loop?)",
						UDF_MAX_VDP);
				goto out;
			}
			n = get_le32(b + 20) >> u->bshift;
			loc = get_le32(b + 24);
			i = UINT32_MAX; /* the loop's ++ makes it 0 */
			break;
		case UDF_TAG_TD:
			goto out;
		default:
			break; /* IUVD, USD: nothing we need */
		}
	}
out:
	free(b);
	return rc;
}

/*
 * The UUID blkid gives a UDF volume, from the first 16 bytes of the volume
 * set identifier in UTF-8 (UDF 2.2.2.5 wants them unique, the first 8 a
 * time in hex): as they are where they are hex digits, in hex where not.
 */
static void volset_uuid(const uint8_t *d, char uuid[17])
{
	uint8_t text[512] = { 0 }, b[17] = { 0 };
	size_t len = d[127] ? d[127] - 1u : 0, n, nonhex = 16;

	uuid[0] = 0;
	if (len > 126)
		len = 126;
	if (len == 0 ||
	    udf_cs0_to_utf8(d, len + 1, (char *)text, sizeof(text)) < 0)
		return;
	n = strlen((char *)text);
	if (n > 16) {
		/* whole characters only */
		n = 16;
		while (n && (text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n < 8)
		return;
	memcpy(b, text, n);
	for (size_t i = 0; i < 16; i++)
		if (!((b[i] >= '0' && b[i] <= '9') ||
		      ((b[i] | 0x20) >= 'a' && (b[i] | 0x20) <= 'f'))) {
			nonhex = i;
			break;
		}
	if (nonhex < 8) {
		for (int i = 0; i < 8; i++)
			snprintf(uuid + 2 * i, 3, "%02x", b[i]);
	} else if (nonhex < 16) {
		for (int i = 0; i < 8; i++)
			uuid[i] =
				(char)(b[i] >= 'A' && b[i] <= 'F' ? b[i] | 0x20
								  : b[i]);
		for (int i = 0; i < 4; i++)
			snprintf(uuid + 8 + 2 * i, 3, "%02x", b[8 + i]);
	} else {
		for (int i = 0; i < 16; i++)
			uuid[i] =
				(char)(b[i] >= 'A' && b[i] <= 'F' ? b[i] | 0x20
								  : b[i]);
		uuid[16] = 0;
	}
}

static void regid_text(const uint8_t *r, char *out, size_t room)
{
	size_t n = 0;

	for (size_t i = 1; i < 24 && r[i] && n + 1 < room; i++)
		out[n++] = (r[i] >= 0x20 && r[i] < 0x7f) ? (char)r[i] : '?';
	out[n] = 0;
	while (n && out[n - 1] == ' ')
		out[--n] = 0;
}

/* 3/10.7, UDF 2.2.8-2.2.10 */
static int parse_maps(struct udf_fs *u, const uint8_t *lvd, struct vds *v)
{
	uint32_t mtl = get_le32(lvd + 264), nmaps = get_le32(lvd + 268);
	uint32_t pos = 440;

	if (440ull + mtl > u->bsize)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "a partition map table of %u bytes "
				  "does not fit the logical volume descriptor",
				  mtl);
	if (nmaps == 0 || nmaps > UDF_MAX_PARTMAPS)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "%u partition maps (1 to %u are read)", nmaps,
				  UDF_MAX_PARTMAPS);
	for (uint32_t i = 0; i < nmaps; i++) {
		struct udf_partmap *m = &u->map[i];
		const uint8_t *p = lvd + pos;
		uint8_t type, len;

		if (pos + 2 > 440 + mtl)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition map %u runs past the "
					  "map table",
					  i);
		type = p[0];
		len = p[1];
		if (len < 2 || pos + len > 440 + mtl)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition map %u: length %u", i,
					  len);
		if (type == 1 && len == 6) {
			m->type = UDF_MAP_PHYSICAL;
			m->number = get_le16(p + 4);
		} else if (type == 2 && len == 64) {
			m->number = get_le16(p + 38);
			if (!memcmp(p + 5, "*UDF Virtual Partition", 22)) {
				m->type = UDF_MAP_VIRTUAL;
			} else if (!memcmp(p + 5, "*UDF Sparable Partition",
					   23)) {
				m->type = UDF_MAP_SPARABLE;
				m->packet = get_le16(p + 40);
				m->ntables = p[42];
				m->table_size = get_le32(p + 44);
				if (m->ntables < 1 || m->ntables > 4 ||
				    !is_pow2_u64(m->packet))
					return fsimg_werr(
						&u->win, -EUCLEAN,
						"sparable partition map "
						"%u: %u tables, packets of %u "
						"blocks",
						i, m->ntables, m->packet);
				for (unsigned k = 0; k < m->ntables; k++)
					m->table_loc[k] =
						get_le32(p + 48 + 4 * k);
			} else if (!memcmp(p + 5, "*UDF Metadata Partition",
					   23)) {
				m->type = UDF_MAP_METADATA;
				m->meta_lbn = get_le32(p + 40);
				m->mirror_lbn = get_le32(p + 44);
			} else {
				char id[24];

				regid_text(p + 4, id, sizeof(id));
				return fsimg_werr(&u->win, -EUCLEAN,
						  "partition map %u is of "
						  "an unknown kind (%s)",
						  i, id);
			}
		} else {
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition map %u: type %u of "
					  "%u bytes",
					  i, type, len);
		}
		pos += len;
		/* its partition descriptor */
		for (unsigned k = 0; k < v->npd; k++)
			if (v->pd[k].number == m->number) {
				m->start = v->pd[k].start;
				m->length = v->pd[k].length;
				m->have_pd = true;
			}
		if (!m->have_pd)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition map %u names partition "
					  "%u, which no descriptor describes",
					  i, m->number);
		if ((uint64_t)m->start >= u->nblocks)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition %u starts at block %u, "
					  "past the end of the image (%llu "
					  "blocks)",
					  m->number, m->start,
					  (unsigned long long)u->nblocks);
		if ((uint64_t)m->start + m->length > u->volume_end >> u->bshift)
			u->volume_end = ((uint64_t)m->start + m->length)
					<< u->bshift;
	}
	u->nmaps = nmaps;
	/* virtual and metadata maps live in a physical one of their number */
	for (unsigned i = 0; i < u->nmaps; i++) {
		struct udf_partmap *m = &u->map[i];
		bool found = false;

		if (m->type != UDF_MAP_VIRTUAL && m->type != UDF_MAP_METADATA)
			continue;
		for (unsigned k = 0; k < u->nmaps && !found; k++)
			if ((u->map[k].type == UDF_MAP_PHYSICAL ||
			     u->map[k].type == UDF_MAP_SPARABLE) &&
			    u->map[k].number == m->number) {
				m->phys = (uint16_t)k;
				found = true;
			}
		if (!found)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "partition map %u has no type 1 "
					  "map of partition %u to lie in",
					  i, m->number);
	}
	return 0;
}

/* 3/10.10 and UDF 2.2.6: counts and revisions, when recorded. */
static void read_lvid(struct udf_fs *u, uint32_t loc, uint32_t len)
{
	uint8_t *b;
	const char *why;
	uint32_t np, liu, iu;

	if (!len || loc >= u->nblocks || !(b = malloc(u->bsize)))
		return;
	if (fsimg_wread_cached(&u->win, (uint64_t)loc << u->bshift, b,
			       u->bsize) ||
	    udf_tag_check(b, u->bsize, loc, &why) != UDF_TAG_LVID)
		goto out;
	u->lvid_open = get_le32(b + 28) == 0;
	np = get_le32(b + 72);
	liu = get_le32(b + 76);
	if (np > 64)
		goto out;
	iu = 80 + 8 * np;
	if ((uint64_t)iu + 46 > u->bsize || liu < 46)
		goto out;
	u->have_lvid = true;
	u->lvid_files = get_le32(b + iu + 32);
	u->lvid_dirs = get_le32(b + iu + 36);
	u->min_read_rev = get_le16(b + iu + 40);
	u->min_write_rev = get_le16(b + iu + 42);
	u->max_write_rev = get_le16(b + iu + 44);
out:
	free(b);
}

/* 4/14.1 and 4/14.3: the file set descriptor, and the root from it. */
static int read_fsd(struct udf_fs *u, const uint8_t *lvd)
{
	uint8_t *b = malloc(u->bsize);
	uint64_t block;
	const char *why = NULL;
	int rc, tag;

	if (!b)
		return -ENOMEM;
	u->fsd_lbn = get_le32(lvd + 248 + 4);
	u->fsd_part = get_le16(lvd + 248 + 8);
	rc = udf_map_block(u, u->fsd_part, u->fsd_lbn, &block);
	if (!rc)
		rc = udf_read_block(u, block, b, "file set descriptor");
	if (rc)
		goto out;
	tag = udf_tag_check(b, u->bsize, u->fsd_lbn, &why);
	if (tag != UDF_TAG_FSD) {
		rc = fsimg_werr(&u->win, -EUCLEAN,
				"no file set descriptor at block %u of "
				"partition %u (byte %llu): %s",
				u->fsd_lbn, u->fsd_part,
				fsimg_wabs(&u->win, block << u->bshift),
				tag < 0 ? why : "another descriptor is there");
		goto out;
	}
	udf_dstring(b + 304, 32, u->fileset_id, sizeof(u->fileset_id));
	if (get_le16(b + 400 + 8) >= u->nmaps) {
		rc = fsimg_werr(&u->win, -EUCLEAN,
				"the root directory is in partition "
				"reference %u, of %u",
				get_le16(b + 400 + 8), u->nmaps);
		goto out;
	}
	u->root = udf_handle(get_le16(b + 400 + 8), get_le32(b + 400 + 4));
out:
	free(b);
	return rc;
}

static int udf_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct udf_fs *u;
	struct vds v = { 0 };
	struct udf_node root;
	uint32_t vds[4];
	unsigned bs, step = 0;
	int rc, nsr;

	(void)opts;
	nsr = vrs_nsr(&fs->win, &step);
	if (nsr < 0)
		return fsimg_werr(&fs->win, nsr,
				  "cannot read the volume recognition "
				  "sequence");
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->fs = fs;
	u->img = fs->img;
	u->win = fs->win;
	u->nsr03 = nsr == 3;
	u->uid_unset = u->gid_unset = 65534;
	if (!find_anchor(&fs->win, step, &bs, &u->anchor, vds)) {
		rc = fsimg_werr(&fs->win, -EUCLEAN,
				"no anchor volume descriptor pointer at "
				"block 256, N-256, N-1 or 512 for any block "
				"size");
		goto err;
	}
	u->bsize = bs;
	u->bshift = (unsigned)__builtin_ctz(bs);
	u->nblocks = fs->win.len >> u->bshift;
	v.lvd_buf = calloc(1, bs);
	if (!v.lvd_buf) {
		rc = -ENOMEM;
		goto err;
	}
	rc = read_vds(u, vds[1], vds[0], &v);
	if (!rc && (!v.pvd || !v.lvd || !v.npd)) {
		/* 3/8.4.2.1: the reserve sequence has the same contents */
		UDF_DBG("main VDS incomplete: reading the reserve one");
		rc = read_vds(u, vds[3], vds[2], &v);
	}
	if (rc)
		goto err;
	if (!v.lvd || !v.npd) {
		rc = fsimg_werr(&fs->win, -EUCLEAN,
				"the volume descriptor sequences (blocks "
				"%u and %u) hold no %s",
				vds[1], vds[3],
				!v.lvd ? "logical volume descriptor"
				       : "partition descriptor");
		goto err;
	}
	if (get_le32(v.lvd_buf + 212) != bs) {
		rc = fsimg_werr(&fs->win, -EUCLEAN,
				"the logical volume has %u-byte blocks, "
				"its anchor was found with %u",
				get_le32(v.lvd_buf + 212), bs);
		goto err;
	}
	if (v.pvd) {
		udf_dstring(v.pvd_buf + 24, 32, u->volume_id,
			    sizeof(u->volume_id));
		udf_dstring(v.pvd_buf + 72, 128, u->volume_set_id,
			    sizeof(u->volume_set_id));
		volset_uuid(v.pvd_buf + 72, u->uuid);
		regid_text(v.pvd_buf + 344, u->app_id, sizeof(u->app_id));
		udf_timestamp(v.pvd_buf + 376, &u->recorded);
		u->have_recorded = u->recorded.tv_sec != 0;
	}
	udf_dstring(v.lvd_buf + 84, 128, u->lv_id, sizeof(u->lv_id));
	regid_text(v.lvd_buf + 272, u->impl_id, sizeof(u->impl_id));
	if (!memcmp(v.lvd_buf + 217, "*OSTA UDF Compliant", 19))
		u->udf_rev = get_le16(v.lvd_buf + 240);
	rc = parse_maps(u, v.lvd_buf, &v);
	if (rc)
		goto err;
	read_lvid(u, get_le32(v.lvd_buf + 436), get_le32(v.lvd_buf + 432));
	fs->priv = u;
	rc = udf_maps_load(u);
	if (rc)
		goto err_maps;
	rc = read_fsd(u, v.lvd_buf);
	if (rc)
		goto err_maps;
	rc = udf_node_read(u, u->root, &root, false);
	if (rc)
		goto err_maps;
	if (root.file_type != UDF_FT_DIR) {
		rc = fsimg_werr(&fs->win, -EUCLEAN,
				"the root (block %u of partition %u) is "
				"not a directory",
				root.lbn, root.part);
		goto err_maps;
	}
	UDF_DBG("UDF %x.%02x, %u-byte blocks, %u partition maps, root %llx",
		u->udf_rev >> 8, u->udf_rev & 0xff, bs, u->nmaps,
		(unsigned long long)u->root);
	fs->root = u->root;
	free(v.lvd_buf);
	return 0;
err_maps:
	udf_maps_free(u);
	fs->priv = NULL;
err:
	free(v.lvd_buf);
	free(u);
	return rc;
}

static void udf_close(fsimg_fs *fs)
{
	struct udf_fs *u = udf_of(fs);

	if (!u)
		return;
	udf_maps_free(u);
	free(u);
	fs->priv = NULL;
}

/* --- info
 * ---------------------------------------------------------------------- */

static const char *map_name(enum udf_map_type t)
{
	switch (t) {
	case UDF_MAP_PHYSICAL:
		return "type1";
	case UDF_MAP_SPARABLE:
		return "sparable";
	case UDF_MAP_VIRTUAL:
		return "virtual";
	case UDF_MAP_METADATA:
		return "metadata";
	}
	return "?";
}

static int udf_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct udf_fs *u = udf_of(fs);

	if (u->udf_rev)
		snprintf(info->version, sizeof(info->version), "UDF %x.%02x",
			 u->udf_rev >> 8, u->udf_rev & 0xff);
	else
		snprintf(info->version, sizeof(info->version), "NSR0%d",
			 u->nsr03 ? 3 : 2);
	/* as blkid: the logical volume's identifier, else the volume's */
	fsimg_strcpy_trunc(info->label, sizeof(info->label),
			   u->lv_id[0] ? u->lv_id : u->volume_id);
	fsimg_strcpy_trunc(info->uuid, sizeof(info->uuid), u->uuid);
	/*
	 * Write-once media (a virtual map) claim the whole disc, of which an
	 * image holds the part recorded so far: claim no more than that.
	 */
	info->size = u->volume_end;
	for (unsigned k = 0; k < u->nmaps; k++)
		if (u->map[k].type == UDF_MAP_VIRTUAL &&
		    info->size > u->win.len)
			info->size = u->win.len;
	info->block_size = u->bsize;
	return 0;
}

static int udf_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct udf_fs *u = udf_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };
	char when[40];

	if (u->udf_rev)
		fsimg_details_text(&d, "udf_revision", "%x.%02x",
				   u->udf_rev >> 8, u->udf_rev & 0xff);
	fsimg_details_text(&d, "nsr", "NSR0%d", u->nsr03 ? 3 : 2);
	fsimg_details_text(&d, "volume_id", "%s", u->volume_id);
	fsimg_details_text(&d, "volume_set_id", "%s", u->volume_set_id);
	fsimg_details_text(&d, "logical_volume_id", "%s", u->lv_id);
	fsimg_details_text(&d, "file_set_id", "%s", u->fileset_id);
	fsimg_details_num(&d, "block_size", u->bsize);
	fsimg_details_num(&d, "anchor_block", u->anchor);
	for (unsigned i = 0; i < u->nmaps; i++) {
		char key[32];

		snprintf(key, sizeof(key), "partition_map_%u", i);
		fsimg_details_text(
			&d, key, "%s, partition %u, blocks %u-%u",
			map_name(u->map[i].type), u->map[i].number,
			u->map[i].start,
			u->map[i].start +
				(u->map[i].length ? u->map[i].length - 1 : 0));
	}
	if (u->app_id[0])
		fsimg_details_text(&d, "application_id", "%s", u->app_id);
	if (u->impl_id[0])
		fsimg_details_text(&d, "implementation_id", "%s", u->impl_id);
	if (u->have_recorded) {
		struct tm tm;
		time_t t = u->recorded.tv_sec;

		if (gmtime_r(&t, &tm) &&
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
			fsimg_details_text(&d, "recording_date", "%s", when);
	}
	if (u->have_lvid) {
		fsimg_details_num(&d, "files", u->lvid_files);
		fsimg_details_num(&d, "directories", u->lvid_dirs);
		fsimg_details_text(&d, "min_read_revision", "%x.%02x",
				   u->min_read_rev >> 8,
				   u->min_read_rev & 0xff);
		fsimg_details_text(&d, "integrity", "%s",
				   u->lvid_open ? "open" : "closed");
	}
	return 0;
}

static int udf_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct udf_fs *u = udf_of(fs);
	uint64_t blocks = 0;

	for (unsigned i = 0; i < u->nmaps; i++)
		if (u->map[i].type == UDF_MAP_PHYSICAL ||
		    u->map[i].type == UDF_MAP_SPARABLE)
			blocks += u->map[i].length;
	st->bsize = u->bsize;
	st->blocks = blocks;
	st->bfree = 0;
	if (u->have_lvid)
		st->files = (uint64_t)u->lvid_files + u->lvid_dirs;
	st->namemax = UDF_NAME_MAX;
	return 0;
}

/*
 * El Torito on UDF media: a bridge disc keeps its boot record among the
 * ISO 9660 descriptors before the UDF ones (2/9.1: CD001 may precede
 * BEA01), where the ISO 9660 driver's catalog reader finds it.
 */
static int udf_boot_entries(fsimg_fs *fs, struct fsimg_boot_entry *entries,
			    size_t max)
{
	struct udf_fs *u = udf_of(fs);
	uint8_t vd[0x4b];

	for (unsigned i = 0; i < 64; i++) {
		uint64_t at = 32768 + (uint64_t)i * 2048;

		if (!fsimg_window_has(&u->win, at, sizeof(vd)) ||
		    fsimg_wread_cached(&u->win, at, vd, sizeof(vd)) ||
		    memcmp(vd + 1, "CD001", 5))
			return 0;
		if (vd[0] == 0 &&
		    !memcmp(vd + 7, "EL TORITO SPECIFICATION", 23))
			return iso_eltorito_entries(
				&u->win, get_le32(vd + 0x47), entries, max);
		if (vd[0] == 255)
			return 0; /* the set terminator */
	}
	return 0;
}

const struct fsimg_driver fsimg_udf_driver = {
	.name = "udf",
	.label = "UDF",
	.debug = "udf",
	.probe = udf_probe,
	.open = udf_open,
	.close = udf_close,
	.info = udf_info,
	.details = udf_details,
	.statfs = udf_statfs,
	.getattr = udf_getattr,
	.lookup = udf_lookup,
	.readdir = udf_readdir,
	.readlink = udf_readlink,
	.file_open = udf_file_open,
	.file_read = udf_file_read,
	.file_map = udf_file_map,
	.file_close = udf_file_close,
	.getxattr = udf_getxattr,
	.listxattr = udf_listxattr,
	.boot_entries = udf_boot_entries,
	.fallback = "iso9660", /* the other tree of a bridge disc */
};
