/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LVM2 physical volumes and logical volume sources.
 *
 * The on-disk layout, after LVM2 lib/label/label.h and
 * lib/format_text/layout.h (all little-endian):
 *
 *   label_header, in one of the first 4 sectors of the PV:
 *     0 id[8] "LABELONE"   8 sector_xl (u64, this sector's number)
 *    16 crc_xl (u32, over bytes 20..511)  20 offset_xl (u32, to pv_header)
 *    24 type[8] "LVM2 001"
 *   pv_header, at offset_xl in that sector:
 *     0 pv_uuid[32]  32 device_size_xl (u64)
 *    40 disk_locn { u64 offset, u64 size } data areas, ended by a zero
 *       offset, then metadata areas, ended the same way
 *   mda_header, 512 bytes at a metadata area's start:
 *     0 checksum_xl (u32, over bytes 4..511)  4 magic[16]
 *    20 version (u32, 1)  24 start (u64, the area's offset in the PV)
 *    32 size (u64)  40 raw_locn { u64 offset, u64 size, u32 checksum,
 *       u32 flags } ..., the first being the current metadata
 *
 * raw_locn.offset is relative to the area's start; the text lies in a
 * circular buffer that begins after the 512-byte header, so text running
 * past the area's end continues at area start + 512. Every checksum is
 * LVM's calc_crc(): the reflected CRC-32 polynomial, initial value
 * 0xf597a6cf, no final inversion. The text's checksum covers both parts.
 */
#include "lvm2.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#define LVM_SECTOR	     512u
#define LVM_LABEL_SCAN	     4u
#define LVM_INITIAL_CRC	     0xf597a6cfu
#define LVM_MDA_HEADER_SIZE  512u
#define LVM_MDA_MAGIC	     " LVM2 x[5A%r0N*>"
#define LVM_RAW_LOCN_IGNORED 0x1u

/* LVM's calc_crc() is zlib's CRC-32 without its inversions. */
static uint32_t lvm_crc(const uint8_t *p, size_t len)
{
	return (uint32_t)crc32(LVM_INITIAL_CRC ^ 0xffffffffu, p, (uInt)len) ^
	       0xffffffffu;
}

void fsimg_lvm_pv_free(struct fsimg_lvm_pv *pv)
{
	free(pv->text);
	pv->text = NULL;
	pv->text_len = 0;
}

/* The current metadata text of the area at mda (bytes from the PV start). */
static int read_mda(const struct fsimg_window *w, struct fsimg_lvm_pv *pv,
		    uint64_t mda, uint64_t locn_size)
{
	uint8_t h[LVM_MDA_HEADER_SIZE];
	uint64_t size, roff, rsize, first, end;
	uint32_t sum;
	char *text;
	int rc;

	if (!fsimg_window_has(w, mda, LVM_MDA_HEADER_SIZE))
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 metadata area at byte %llu: outside "
				  "the PV",
				  fsimg_wabs(w, mda));
	rc = fsimg_wread(w, mda, h, sizeof(h));
	if (rc)
		return rc;
	if (memcmp(h + 4, LVM_MDA_MAGIC, 16))
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 mda_header at byte %llu: bad magic",
				  fsimg_wabs(w, mda));
	if (lvm_crc(h + 4, sizeof(h) - 4) != get_le32(h))
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 mda_header at byte %llu: checksum "
				  "mismatch",
				  fsimg_wabs(w, mda));
	if (get_le32(h + 20) != 1)
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 mda_header at byte %llu: unknown "
				  "version %u",
				  fsimg_wabs(w, mda), get_le32(h + 20));
	size = get_le64(h + 32);
	if (get_le64(h + 24) != mda || size <= LVM_MDA_HEADER_SIZE ||
	    (locn_size && size > locn_size) || !fsimg_window_has(w, mda, size))
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 mda_header at byte %llu: start %llu "
				  "size %llu do not fit the PV",
				  fsimg_wabs(w, mda),
				  (unsigned long long)get_le64(h + 24),
				  (unsigned long long)size);
	roff = get_le64(h + 40);
	rsize = get_le64(h + 48);
	sum = get_le32(h + 56);
	pv->mda_off = mda;
	pv->mda_size = size;
	if (roff == 0 || rsize == 0) /* an area with no metadata yet */
		return 0;
	if (get_le32(h + 60) & LVM_RAW_LOCN_IGNORED)
		return 0;
	if (roff < LVM_MDA_HEADER_SIZE || roff >= size ||
	    rsize > size - LVM_MDA_HEADER_SIZE)
		return fsimg_werr(
			w, -EUCLEAN,
			"LVM2 raw_locn at byte %llu: text of %llu "
			"bytes at %llu is outside its metadata area "
			"of %llu bytes",
			fsimg_wabs(w, mda + 40), (unsigned long long)rsize,
			(unsigned long long)roff, (unsigned long long)size);
	if (rsize > FSIMG_LVM_TEXT_MAX)
		return fsimg_werr(w, -EFBIG,
				  "LVM2 raw_locn at byte %llu: %llu bytes of "
				  "metadata text, more than 1 MiB",
				  fsimg_wabs(w, mda + 40),
				  (unsigned long long)rsize);
	first = rsize;
	if (ckd_add(&end, roff, rsize) || end > size)
		first = size - roff; /* wraps to the buffer start */
	if (rsize - first > roff - LVM_MDA_HEADER_SIZE)
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 raw_locn at byte %llu: wrapped text "
				  "overlaps itself",
				  fsimg_wabs(w, mda + 40));
	text = malloc((size_t)rsize + 1);
	if (!text)
		return -ENOMEM;
	rc = fsimg_wread(w, mda + roff, text, (size_t)first);
	if (!rc && rsize > first)
		rc = fsimg_wread(w, mda + LVM_MDA_HEADER_SIZE, text + first,
				 (size_t)(rsize - first));
	if (rc) {
		free(text);
		return rc;
	}
	if (lvm_crc((uint8_t *)text, (size_t)rsize) != sum) {
		free(text);
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 metadata text at byte %llu (%llu "
				  "bytes%s): checksum mismatch",
				  fsimg_wabs(w, mda + roff),
				  (unsigned long long)rsize,
				  rsize > first ? ", wrapped" : "");
	}
	text[rsize] = '\0';
	pv->text = text;
	pv->text_len = strlen(text);
	return 0;
}

int fsimg_lvm_probe(const struct fsimg_window *w, struct fsimg_lvm_pv *pv)
{
	uint8_t b[LVM_SECTOR];
	uint64_t at = 0;
	uint32_t off;
	unsigned s, i, pos, nmda = 0;
	uint64_t mda[2] = { 0 }, mda_size[2] = { 0 };
	bool data_seen = false;
	int rc;

	memset(pv, 0, sizeof(*pv));
	for (s = 0; s < LVM_LABEL_SCAN; s++) {
		at = (uint64_t)s * LVM_SECTOR;
		if (!fsimg_window_has(w, at, LVM_SECTOR))
			return 0;
		rc = fsimg_wread_cached(w, at, b, sizeof(b));
		if (rc)
			return rc;
		if (!memcmp(b, "LABELONE", 8))
			break;
	}
	if (s == LVM_LABEL_SCAN || memcmp(b + 24, "LVM2 001", 8))
		return 0;
	if (get_le64(b + 8) != s)
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 label at byte %llu: says it is in "
				  "sector %llu",
				  fsimg_wabs(w, at),
				  (unsigned long long)get_le64(b + 8));
	if (lvm_crc(b + 20, sizeof(b) - 20) != get_le32(b + 16))
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 label at byte %llu: checksum mismatch",
				  fsimg_wabs(w, at));
	off = get_le32(b + 20);
	if (off < 32 || off > LVM_SECTOR - 40 - 16)
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 label at byte %llu: pv_header offset "
				  "%u is outside the sector",
				  fsimg_wabs(w, at), off);
	pv->label_off = at;
	for (i = 0; i < 32; i++) {
		char c = (char)b[off + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '!' || c == '#'))
			return fsimg_werr(w, -EUCLEAN,
					  "LVM2 pv_header at byte %llu: the "
					  "PV UUID is not printable",
					  fsimg_wabs(w, at + off));
		pv->uuid[i] = c;
	}
	pv->uuid[32] = '\0';
	pv->dev_size = get_le64(b + off + 32);
	/* data areas, a zero entry, metadata areas, a zero entry; each
	   list bounded by the sector */
	for (pos = off + 40; pos + 16 <= LVM_SECTOR; pos += 16) {
		uint64_t o = get_le64(b + pos), sz = get_le64(b + pos + 8);

		if (!data_seen) {
			if (!o) {
				data_seen = true;
				continue;
			}
			if (!pv->pe_start)
				pv->pe_start = o;
			continue;
		}
		if (!o)
			break;
		if (nmda < 2) {
			mda[nmda] = o;
			mda_size[nmda++] = sz;
		}
	}
	if (!pv->pe_start || pos + 16 > LVM_SECTOR)
		return fsimg_werr(w, -EUCLEAN,
				  "LVM2 pv_header at byte %llu: no data area, "
				  "or its area lists do not end in the sector",
				  fsimg_wabs(w, at + off));
	rc = 0;
	for (i = 0; i < nmda && !pv->text; i++)
		rc = read_mda(w, pv, mda[i], mda_size[i]);
	if (!pv->text && rc)
		return rc;
	return 1;
}

/* --- a logical volume as a source ---------------------------------------- */

struct lv_seg {
	uint64_t start, end; /* bytes of the LV */
	uint64_t chunk;	     /* stripe chunk bytes, 0: linear */
	unsigned nstripe;    /* 0: reads as zeroes */
	uint64_t *at;	     /* nstripe area starts, bytes in the disk */
};

struct lv_priv {
	unsigned nseg;
	struct lv_seg *seg;
	uint64_t *at;
};

static int lv_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		  struct fsimg_run *run)
{
	const struct lv_priv *p = s->priv;
	const struct lv_seg *sg;
	unsigned lo = 0, hi = p->nseg;
	uint64_t in, n, chunk_no, row, in_chunk;

	while (hi - lo > 1) { /* the last segment starting at or before off */
		unsigned mid = lo + (hi - lo) / 2;

		if (p->seg[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	sg = &p->seg[lo];
	if (off < sg->start || off >= sg->end)
		return fsimg_serr(s, -EIO, "byte %llu is in no segment",
				  (unsigned long long)off);
	in = off - sg->start;
	n = sg->end - off;
	if (n > len)
		n = len;
	run->len = n;
	if (!sg->nstripe) {
		run->kind = FSIMG_RUN_ZERO;
		return 0;
	}
	run->kind = FSIMG_RUN_LOWER;
	if (!sg->chunk) {
		run->at = sg->at[0] + in;
		return 0;
	}
	chunk_no = in / sg->chunk;
	in_chunk = in % sg->chunk;
	row = chunk_no / sg->nstripe;
	if (sg->chunk - in_chunk < run->len)
		run->len = sg->chunk - in_chunk;
	/* overflow was excluded at open: row * chunk < area length */
	run->at = sg->at[chunk_no % sg->nstripe] + row * sg->chunk + in_chunk;
	return 0;
}

static int lv_details(struct fsimg_source *s, fsimg_typed_detail_fn fn,
		      void *ctx)
{
	const struct lv_priv *p = s->priv;
	struct fsimg_details d = { fn, ctx, 0 };

	fsimg_details_num(&d, "segments", p->nseg);
	return d.rc;
}

static void lv_close(struct fsimg_source *s)
{
	struct lv_priv *p = s->priv;

	if (p) {
		free(p->seg);
		free(p->at);
		free(p);
	}
}

static const struct fsimg_source_ops lv_ops = {
	.map = lv_map,
	.details = lv_details,
	.close = lv_close,
};

static const struct fsimg_lvm_pv_place *
find_place(const struct fsimg_lvm_pv_place *pvs, unsigned npvs,
	   const char *uuid)
{
	for (unsigned i = 0; i < npvs; i++)
		if (!strcmp(pvs[i].uuid, uuid))
			return &pvs[i];
	return NULL;
}

/* Builds the segment table of lv, every area checked against its PV. */
static int lv_build(fsimg_image *img, const struct fsimg_lvm_vg *vg,
		    const struct fsimg_lvm_lv *lv,
		    const struct fsimg_lvm_pv_place *pvs, unsigned npvs,
		    uint64_t disk_size, struct lv_priv *p)
{
	uint64_t ext = fsimg_lvm_extent_bytes(vg);
	unsigned nat = 0, k;

	for (k = 0; k < lv->nseg; k++)
		nat += vg->seg[lv->first_seg + k].stripe_count;
	p->seg = calloc(lv->nseg, sizeof(*p->seg));
	p->at = calloc(nat ? nat : 1, sizeof(*p->at));
	if (!p->seg || !p->at)
		return -ENOMEM;
	p->nseg = lv->nseg;
	nat = 0;
	for (k = 0; k < lv->nseg; k++) {
		const struct fsimg_lvm_seg *sg = &vg->seg[lv->first_seg + k];
		struct lv_seg *d = &p->seg[k];
		uint64_t area_ext, area_len;

		if (ckd_mul(&d->start, sg->start_extent, ext) ||
		    ckd_mul(&d->end, sg->extent_count, ext) ||
		    ckd_add(&d->end, d->end, d->start))
			return fsimg_err(img, -EUCLEAN,
					 "LVM2 LV %s/%s: segment %u is too "
					 "large",
					 vg->name, lv->name, k + 1);
		if (!strcmp(sg->type, "zero"))
			continue;
		d->nstripe = sg->stripe_count;
		d->at = p->at + nat;
		area_ext = sg->extent_count / sg->stripe_count;
		area_len = area_ext * ext; /* <= d->end - d->start */
		if (sg->stripe_count > 1) {
			d->chunk = sg->stripe_size * 512;
			/* a partial last chunk row would leave bytes of the
			   LV in no stripe: dm-stripe refuses it too */
			if (area_len % d->chunk)
				return fsimg_err(
					img, -EUCLEAN,
					"LVM2 LV %s/%s: segment %u: stripe "
					"size %llu sectors does not divide "
					"its %llu-byte areas",
					vg->name, lv->name, k + 1,
					(unsigned long long)sg->stripe_size,
					(unsigned long long)area_len);
		}
		for (unsigned j = 0; j < sg->stripe_count; j++) {
			const struct fsimg_lvm_stripe *st =
				&vg->stripe[sg->first_stripe + j];
			const struct fsimg_lvm_vg_pv *vp = &vg->pv[st->pv];
			const struct fsimg_lvm_pv_place *pl =
				find_place(pvs, npvs, vp->uuid);
			uint64_t rel, abs, end, pvend;

			if (!pl)
				return fsimg_err(img, -ENODEV,
						 "LVM2 LV %s/%s: PV %s (%s) is "
						 "not in the image",
						 vg->name, lv->name, vp->name,
						 vp->uuid);
			if (ckd_mul(&rel, st->start_pe, ext) ||
			    ckd_mul(&pvend, vp->pe_start, 512u) ||
			    ckd_add(&rel, rel, pvend) ||
			    ckd_add(&abs, rel, pl->start) ||
			    ckd_add(&end, rel, area_len) || end > pl->size ||
			    end - rel > disk_size ||
			    abs > disk_size - (end - rel))
				return fsimg_err(
					img, -EUCLEAN,
					"LVM2 LV %s/%s: segment %u: extents "
					"%llu..%llu of PV %s lie outside its "
					"partition (bytes %llu..%llu of the "
					"disk)",
					vg->name, lv->name, k + 1,
					(unsigned long long)st->start_pe,
					(unsigned long long)(st->start_pe +
							     area_ext - 1),
					vp->name, (unsigned long long)pl->start,
					(unsigned long long)(pl->start +
							     pl->size));
			d->at[j] = abs;
		}
		nat += sg->stripe_count;
	}
	return 0;
}

int fsimg_lvm_open_lv(fsimg_image *img, const struct fsimg_lvm_vg *vg,
		      unsigned lv_index, const struct fsimg_lvm_pv_place *pvs,
		      unsigned npvs, struct fsimg_source **out)
{
	const struct fsimg_lvm_lv *lv;
	struct fsimg_source *s;
	struct lv_priv *p;
	char *name;
	uint64_t size;
	int rc;

	*out = NULL;
	if (lv_index >= vg->nlv)
		return -ENOENT;
	lv = &vg->lv[lv_index];
	if (lv->unreadable[0])
		return fsimg_err(
			img, lv->unreadable_err ? lv->unreadable_err : -EUCLEAN,
			"LVM2 LV %s/%s: %s", vg->name, lv->name,
			lv->unreadable);
	if (ckd_mul(&size, lv->extents, fsimg_lvm_extent_bytes(vg)) || !size)
		return fsimg_err(img, -EUCLEAN, "LVM2 LV %s/%s: bad size",
				 vg->name, lv->name);
	rc = fsimg_image_ready(img);
	if (rc)
		return rc;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	rc = lv_build(img, vg, lv, pvs, npvs, img->top->size, p);
	if (rc) {
		free(p->seg);
		free(p->at);
		free(p);
		return rc;
	}
	if (asprintf(&name, "%s/%s", vg->name, lv->name) < 0) {
		free(p->seg);
		free(p->at);
		free(p);
		return -ENOMEM;
	}
	img->top->refs++;
	rc = fsimg_source_new(img, "lvm2", &lv_ops, img->top, &s);
	if (rc) {
		free(name);
		free(p->seg);
		free(p->at);
		free(p);
		return rc;
	}
	free(s->name);
	s->name = name;
	s->priv = p;
	s->size = size;
	*out = s;
	return 0;
}

/* --- the VGs of an image -------------------------------------------------- */

void fsimg_lvm_scan_free(struct fsimg_lvm_scan *sc)
{
	for (unsigned i = 0; i < sc->nvg; i++) {
		fsimg_lvm_vg_free(&sc->vg[i].vg);
		free(sc->vg[i].place);
		free(sc->vg[i].present);
	}
	sc->nvg = 0;
}

/* Marks the LVs of f that use a PV the image lacks. */
static void mark_missing(struct fsimg_lvm_found *f)
{
	struct fsimg_lvm_vg *vg = &f->vg;

	for (unsigned l = 0; l < vg->nlv; l++) {
		struct fsimg_lvm_lv *lv = &vg->lv[l];

		if (lv->unreadable[0])
			continue; /* its stripes may be incomplete */
		for (unsigned k = 0; k < lv->nseg && !lv->unreadable[0]; k++) {
			const struct fsimg_lvm_seg *sg =
				&vg->seg[lv->first_seg + k];

			if (strcmp(sg->type, "striped"))
				continue;
			for (unsigned j = 0; j < sg->stripe_count; j++) {
				unsigned pv =
					vg->stripe[sg->first_stripe + j].pv;

				if (f->present[pv])
					continue;
				snprintf(lv->unreadable, sizeof(lv->unreadable),
					 "PV %.64s (%.32s) is not in the image",
					 vg->pv[pv].name, vg->pv[pv].uuid);
				lv->unreadable_err = -ENODEV;
				break;
			}
		}
	}
}

int fsimg_lvm_scan(fsimg_image *img, const struct fsimg_window *wins,
		   unsigned nwin, struct fsimg_lvm_scan *out)
{
	struct fsimg_lvm_pv_place *found;
	unsigned nfound = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	found = calloc(nwin ? nwin : 1, sizeof(*found));
	if (!found)
		return -ENOMEM;
	for (unsigned i = 0; i < nwin; i++) {
		const struct fsimg_window *w = &wins[i];
		struct fsimg_lvm_pv pv;
		struct fsimg_lvm_vg vg;
		char where[96];
		unsigned v;

		if (fsimg_lvm_probe(w, &pv) != 1)
			continue;
		if (find_place(found, nfound, pv.uuid)) { /* a cloned disk */
			fsimg_err(img, -EEXIST,
				  "LVM2: the PV at byte %llu has the UUID %s "
				  "of an earlier one; it is not used",
				  (unsigned long long)w->off, pv.uuid);
			fsimg_lvm_pv_free(&pv);
			continue;
		}
		memcpy(found[nfound].uuid, pv.uuid, sizeof(pv.uuid));
		found[nfound].start = w->off;
		found[nfound].size = w->len;
		nfound++;
		if (!pv.text)
			continue;
		snprintf(where, sizeof(where), "LVM2 metadata at byte %llu",
			 (unsigned long long)(w->off + pv.mda_off));
		rc = fsimg_lvm_parse(img, where, pv.text, pv.text_len, &vg);
		fsimg_lvm_pv_free(&pv);
		if (rc == -ENOMEM)
			goto out;
		if (rc) {
			rc = 0;
			continue;
		}
		for (v = 0; v < out->nvg; v++)
			if (!strcmp(out->vg[v].vg.uuid, vg.uuid))
				break;
		if (v < out->nvg) { /* another copy: the newest wins */
			if (vg.seqno > out->vg[v].vg.seqno) {
				fsimg_lvm_vg_free(&out->vg[v].vg);
				out->vg[v].vg = vg;
			} else {
				fsimg_lvm_vg_free(&vg);
			}
			continue;
		}
		if (out->nvg == FSIMG_LVM_VG_MAX) {
			fsimg_err(img, -E2BIG,
				  "LVM2: more than %u volume groups; %s is "
				  "not listed",
				  FSIMG_LVM_VG_MAX, vg.name);
			fsimg_lvm_vg_free(&vg);
			continue;
		}
		out->vg[out->nvg++].vg = vg;
	}
	for (unsigned v = 0; v < out->nvg; v++) {
		struct fsimg_lvm_found *f = &out->vg[v];
		unsigned n = f->vg.npv ? f->vg.npv : 1;

		f->place = calloc(n, sizeof(*f->place));
		f->present = calloc(n, sizeof(*f->present));
		if (!f->place || !f->present) {
			rc = -ENOMEM;
			goto out;
		}
		for (unsigned i = 0; i < f->vg.npv; i++) {
			const struct fsimg_lvm_pv_place *pl =
				find_place(found, nfound, f->vg.pv[i].uuid);

			if (pl) {
				f->place[i] = *pl;
				f->present[i] = true;
			}
		}
		mark_missing(f);
	}
out:
	free(found);
	if (rc)
		fsimg_lvm_scan_free(out);
	return rc;
}

int fsimg_lvm_scan_open(fsimg_image *img, const struct fsimg_lvm_scan *sc,
			unsigned vg, unsigned lv, struct fsimg_source **out)
{
	const struct fsimg_lvm_found *f;
	struct fsimg_lvm_pv_place pl[FSIMG_LVM_PV_MAX];
	unsigned n = 0;

	if (vg >= sc->nvg)
		return -ENOENT;
	f = &sc->vg[vg];
	for (unsigned i = 0; i < f->vg.npv; i++)
		if (f->present[i])
			pl[n++] = f->place[i];
	return fsimg_lvm_open_lv(img, &f->vg, lv, pl, n, out);
}
