/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Solaris x86 VTOC reader.
 *
 * On x86, Solaris keeps its slices in a struct dk_label (illumos
 * usr/src/uts/common/sys/dklabel.h, the _SUNOS_VTOC_16 layout) stored in
 * the second sector of an fdisk partition of type 0xBF ("Solaris") or,
 * before Solaris 10, 0x82 ("Solaris/Linux swap"). The label begins with
 * struct dk_vtoc: v_bootinfo[3], v_sanity (VTOC_SANE), v_version,
 * v_volume[8], v_sectorsz, v_nparts, v_reserved[10], then 16 struct
 * dkl_partition { uint16 p_tag; uint16 p_flag; daddr32 p_start; int32
 * p_size; } whose p_start counts 512-byte sectors from the start of the
 * fdisk partition. The label ends with dkl_magic (0xDABE) and dkl_cksum,
 * chosen so that the XOR of all 256 16-bit words of the label is zero.
 *
 * libblkid reads this label only in type 0x82 and skips its last slice,
 * so it is ours. Nothing here trusts a field before it is checked: a slice
 * whose start or size is negative, or that ends past the fdisk partition,
 * is reported with its declared geometry and left for the caller to mark.
 */
#include "part.h"

#include <stdio.h>

static const char *const tag_names[] = {
	[0x00] = "unassigned", [0x01] = "boot",	     [0x02] = "root",
	[0x03] = "swap",       [0x04] = "usr",	     [0x05] = "backup",
	[0x06] = "stand",      [0x07] = "var",	     [0x08] = "home",
	[0x09] = "alternates", [0x0a] = "cache",     [0x0b] = "reserved",
	[0x0c] = "system",     [0x0d] = "bios_boot",
};

const char *fsimg_vtoc_tag_name(unsigned tag)
{
	if (tag < sizeof(tag_names) / sizeof(tag_names[0]) && tag_names[tag])
		return tag_names[tag];
	return NULL;
}

/* sys/dklabel.h: dkl_cksum makes the XOR of the label's words zero. */
static bool label_sum_ok(const uint8_t *b)
{
	uint16_t x = 0;

	for (unsigned i = 0; i < VTOC_LABEL_SIZE; i += 2)
		x ^= get_le16(b + i);
	return x == 0;
}

int fsimg_vtoc_probe(const struct fsimg_window *w, struct fsimg_vtoc *out)
{
	uint8_t b[VTOC_LABEL_SIZE];
	unsigned nparts;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!fsimg_window_has(w, VTOC_LABEL_LOC, VTOC_LABEL_SIZE))
		return 0;
	rc = fsimg_wread(w, VTOC_LABEL_LOC, b, sizeof(b));
	if (rc)
		return rc;
	if (get_le32(b + VTOC_OFF_SANITY) != VTOC_SANE)
		return 0;
	DBG(PART, "vtoc", "VTOC sanity word at byte %llu",
	    (unsigned long long)(w->off + VTOC_LABEL_LOC));
	if (get_le16(b + VTOC_OFF_MAGIC) != VTOC_DKL_MAGIC)
		return fsimg_err(w->img, -EUCLEAN,
				 "Solaris VTOC at byte %llu: bad dkl_magic "
				 "0x%04x",
				 (unsigned long long)(w->off + VTOC_LABEL_LOC),
				 get_le16(b + VTOC_OFF_MAGIC));
	if (get_le32(b + VTOC_OFF_VERSION) != VTOC_VERSION)
		return fsimg_err(w->img, -EUCLEAN,
				 "Solaris VTOC at byte %llu: unknown version "
				 "%u",
				 (unsigned long long)(w->off + VTOC_LABEL_LOC),
				 get_le32(b + VTOC_OFF_VERSION));
	if (!label_sum_ok(b))
		return fsimg_err(
			w->img, -EUCLEAN,
			"Solaris VTOC at byte %llu: checksum mismatch; "
			"its slices are not used",
			(unsigned long long)(w->off + VTOC_LABEL_LOC));
	/* v_sectorsz 0 appears on old labels and means 512 (sys/vtoc.h). */
	if (get_le16(b + VTOC_OFF_SECTORSZ) != 512 &&
	    get_le16(b + VTOC_OFF_SECTORSZ) != 0)
		return fsimg_err(w->img, -EUCLEAN,
				 "Solaris VTOC: sector size %u is not 512",
				 get_le16(b + VTOC_OFF_SECTORSZ));
	nparts = get_le16(b + VTOC_OFF_NPARTS);
	if (nparts == 0 || nparts > VTOC_NPARTS)
		nparts = VTOC_NPARTS;
	out->nparts = nparts;
	memcpy(out->volume, b + VTOC_OFF_VOLUME, 8);
	for (unsigned i = 0; i < nparts; i++) {
		const uint8_t *e = b + VTOC_OFF_PART + i * VTOC_PART_SIZE;
		int32_t start = (int32_t)get_le32(e + 4);
		int32_t size = (int32_t)get_le32(e + 8);
		struct fsimg_vtoc_slice *s = &out->slice[i];

		s->tag = get_le16(e);
		s->flag = get_le16(e + 2);
		/* daddr32 and int32: negative values are garbage */
		if (start < 0 || size < 0) {
			DBG(PART, "vtoc", "slice %u: negative geometry", i);
			continue;
		}
		s->start = (uint64_t)start * 512;
		s->size = (uint64_t)size * 512;
	}
	return 1;
}

/*
 * The slices of a VTOC in an fdisk partition, named NsK. A slice must stay
 * inside its fdisk partition: one that does not is listed with a warning
 * and marked truncated.
 */
static int vtoc_list(const struct fsimg_window *w,
		     const struct fsimg_part *parent, unsigned mbr_type,
		     struct fsimg_part *out, unsigned max, unsigned *n)
{
	struct fsimg_vtoc v;
	int rc;

	(void)mbr_type;
	*n = 0;
	rc = fsimg_vtoc_probe(w, &v);
	if (rc <= 0)
		return rc;
	for (unsigned k = 0; k < v.nparts && *n < max; k++) {
		const struct fsimg_vtoc_slice *s = &v.slice[k];
		struct fsimg_part *p = &out[*n];
		const char *tn = fsimg_vtoc_tag_name(s->tag);

		if (!s->size)
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->spec, sizeof(p->spec), "%.20ss%u", parent->spec, k);
		p->start = parent->start + s->start; /* both < 2^42 */
		p->size = s->size;
		fsimg_strcpy_trunc(p->table, sizeof(p->table), "vtoc");
		if (tn)
			fsimg_strcpy_trunc(p->type, sizeof(p->type), tn);
		else
			snprintf(p->type, sizeof(p->type), "tag 0x%x", s->tag);
		fsimg_strcpy_trunc(p->name, sizeof(v.volume), v.volume);
		p->flags = s->flag;
		p->depth = parent->depth + 1;
		if (s->start + s->size > parent->size) {
			fsimg_err(w->img, 0,
				  "VTOC slice %s runs past the end of fdisk "
				  "partition %s",
				  p->spec, parent->spec);
			p->state |= FSIMG_PART_TRUNCATED;
		}
		(*n)++;
	}
	return 1;
}

/* Solaris, and before Solaris 10 the type it shared with Linux swap */
static const uint8_t vtoc_mbr_types[] = { 0xbf, 0x82 };

const struct fsimg_nested fsimg_nested_vtoc = {
	.name = "vtoc",
	.mbr_types = vtoc_mbr_types,
	.n_mbr_types = sizeof(vtoc_mbr_types),
	.list = vtoc_list,
};
