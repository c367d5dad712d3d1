/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * BSD disklabel. libblkid finds a little-endian label and its partitions
 * (in MBR types a5/a6/a9) but numbers them on after the MBR; fsimg names
 * them by letter ("1a"), so the label's table is read here to give each of
 * libblkid's entries its letter. A big-endian label (as fdisk writes for
 * big-endian BSDs) libblkid does not read at all: list.c then builds the
 * entries from this reading alone.
 *
 * struct disklabel (FreeBSD sys/sys/disklabel.h): d_magic at 0, d_magic2 at
 * 132, d_npartitions (u16) at 138, d_partitions at 148, 16 bytes each:
 * p_size, p_offset (u32 sectors), p_fsize, p_fstype, p_frag, p_cpg. The
 * label is the second sector of the slice; a few systems put it at byte 64.
 */
#include "part.h"

#include <stdio.h>

#define BSD_MAGIC      0x82564557u
#define BSD_OFF_MAGIC2 132u
#define BSD_OFF_NPARTS 138u
#define BSD_OFF_PARTS  148u

static const unsigned label_locs[] = { 512, 64, 128 };

int fsimg_bsd_probe(const struct fsimg_window *w, struct fsimg_bsd_label *l)
{
	uint8_t b[512];

	memset(l, 0, sizeof(*l));
	for (unsigned k = 0; k < sizeof(label_locs) / sizeof(*label_locs);
	     k++) {
		uint64_t at = label_locs[k];
		uint32_t (*get32)(const void *);
		uint16_t (*get16)(const void *);
		unsigned n;
		int rc;

		if (!fsimg_window_has(w, at, sizeof(b)))
			continue;
		rc = fsimg_wread(w, at, b, sizeof(b));
		if (rc)
			return rc;
		if (get_le32(b) == BSD_MAGIC) {
			get32 = get_le32;
			get16 = get_le16;
		} else if (get_be32(b) == BSD_MAGIC) {
			get32 = get_be32;
			get16 = get_be16;
		} else {
			continue;
		}
		if (get32(b + BSD_OFF_MAGIC2) != BSD_MAGIC)
			continue;
		n = get16(b + BSD_OFF_NPARTS);
		if (n > BSD_MAXPARTS)
			n = BSD_MAXPARTS;
		/* 148 + 22 * 16 = 500: every entry lies inside b */
		for (unsigned i = 0; i < n; i++) {
			l->size[i] = get32(b + BSD_OFF_PARTS + i * 16);
			l->offset[i] = get32(b + BSD_OFF_PARTS + i * 16 + 4);
			l->fstype[i] = b[BSD_OFF_PARTS + i * 16 + 12];
		}
		l->n = n;
		return 1;
	}
	return 0;
}

/*
 * The letters of a BSD disklabel in an MBR slice, for a label libblkid
 * does not list (it reads little-endian labels only). Unused slots
 * (p_fstype 0) are left out, as libblkid does. Offsets are absolute on the
 * disk when the raw partition 'c' starts where the slice does,
 * slice-relative otherwise.
 */
static int bsd_list(const struct fsimg_window *w,
		    const struct fsimg_part *parent, unsigned mbr_type,
		    struct fsimg_part *out, unsigned max, unsigned *n)
{
	/* named as libblkid names the table it finds in each MBR type */
	const char *table = mbr_type == 0xa5   ? "freebsd"
			    : mbr_type == 0xa6 ? "openbsd"
					       : "netbsd";
	struct fsimg_bsd_label bl;
	uint64_t base;
	int rc;

	*n = 0;
	rc = fsimg_bsd_probe(w, &bl);
	if (rc <= 0)
		return rc;
	base = bl.n > 2 && (uint64_t)bl.offset[2] * 512 == parent->start
		       ? 0
		       : parent->start;
	for (unsigned i = 0; i < bl.n && *n < max; i++) {
		struct fsimg_part *p = &out[*n];

		if (!bl.size[i] || !bl.fstype[i])
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->spec, sizeof(p->spec), "%.24s%c", parent->spec,
			 'a' + i);
		p->start = base + (uint64_t)bl.offset[i] * 512;
		p->size = (uint64_t)bl.size[i] * 512;
		fsimg_strcpy_trunc(p->table, sizeof(p->table), table);
		snprintf(p->type, sizeof(p->type), "0x%x", bl.fstype[i]);
		p->depth = parent->depth + 1;
		(*n)++;
	}
	return 1;
}

static const uint8_t bsd_mbr_types[] = { 0xa5, 0xa6, 0xa9 };

const struct fsimg_nested fsimg_nested_bsd = {
	.name = "bsd",
	.blkid_lists = true, /* the little-endian ones */
	.mbr_types = bsd_mbr_types,
	.n_mbr_types = sizeof(bsd_mbr_types),
	.list = bsd_list,
};
