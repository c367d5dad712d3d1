/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LVM2 physical volumes and the logical volumes in them, read in place.
 *
 * A PV carries a label ("LABELONE", "LVM2 001") in one of its first four
 * sectors, a pv_header (its UUID, data areas, metadata areas) and, in its
 * first metadata area, a circular buffer of volume group metadata text
 * (lib/format_text/layout.h of LVM2). The text names the VG, its PVs by
 * UUID and each LV as segments of extents mapped onto PV extents. A linear
 * or striped LV becomes a source (source.h) whose runs lie in the image's
 * disk; other segment types (thin, raid, mirror, cache, snapshot, vdo, ...)
 * are listed but not read.
 *
 * All sizes a hostile image could inflate are bounded below: the text read,
 * the parse tree, the LVs, segments and stripes kept.
 */
#ifndef FSIMG_LVM2_H
#define FSIMG_LVM2_H

#include "internal.h"

#define FSIMG_LVM_TEXT_MAX   (1u << 20) /* metadata text read, bytes */
#define FSIMG_LVM_DEPTH_MAX  16u	/* section/array nesting */
#define FSIMG_LVM_NODES_MAX  65536u	/* parse tree entries */
#define FSIMG_LVM_STR_MAX    4096u	/* one quoted string, bytes */
#define FSIMG_LVM_PV_MAX     64u	/* PVs of one VG */
#define FSIMG_LVM_LV_MAX     256u	/* LVs of one VG */
#define FSIMG_LVM_SEG_MAX    1024u	/* segments of one VG, all LVs */
#define FSIMG_LVM_STRIPE_MAX 64u	/* stripes of one segment */
#define FSIMG_LVM_VG_MAX     16u	/* VGs of one image */
#define FSIMG_LVM_NAME_MAX   128u	/* VG, LV and PV names, with the NUL */

/* What the label and headers of one PV say (fsimg_lvm_probe()). */
struct fsimg_lvm_pv {
	char uuid[33];	    /* 32 characters, no dashes */
	uint64_t dev_size;  /* bytes, as the pv_header declares */
	uint64_t pe_start;  /* bytes from the PV start: the first data area */
	uint64_t label_off; /* bytes from the PV start */
	uint64_t mda_off;   /* the first metadata area, from the PV start */
	uint64_t mda_size;
	char *text;	 /* the metadata text, NUL-terminated; malloc'd */
	size_t text_len; /* without the NUL */
};

/* One PV of a VG as its metadata names it. */
struct fsimg_lvm_vg_pv {
	char name[FSIMG_LVM_NAME_MAX]; /* "pv0" */
	char uuid[33];		       /* the id without dashes */
	uint64_t pe_start;	       /* sectors */
	uint64_t pe_count;	       /* extents */
};

struct fsimg_lvm_stripe {
	unsigned pv;	   /* index in vg->pv */
	uint64_t start_pe; /* first extent of the area on that PV */
};

struct fsimg_lvm_seg {
	uint64_t start_extent, extent_count; /* in the LV */
	char type[32];			     /* "striped", "thin", ... */
	unsigned stripe_count;		     /* 1: linear */
	uint64_t stripe_size;		     /* sectors; 0 when linear */
	unsigned first_stripe;		     /* index in vg->stripe */
};

#define FSIMG_LVM_LV_VISIBLE 0x1u
#define FSIMG_LVM_LV_READ    0x2u
#define FSIMG_LVM_LV_WRITE   0x4u

struct fsimg_lvm_lv {
	char name[FSIMG_LVM_NAME_MAX];
	char uuid[33];
	unsigned status;    /* FSIMG_LVM_LV_* */
	uint64_t extents;   /* the LV size in extents */
	unsigned first_seg; /* index in vg->seg, nseg of them, sorted */
	unsigned nseg;
	/* why it cannot be read ("thin volumes are not read"), or "" */
	char unreadable[160];
	/* what opening it returns then: -EOPNOTSUPP (a segment type not
	   read), -ENODEV (a PV not in the image), -EUCLEAN (damage) */
	int unreadable_err;
};

struct fsimg_lvm_vg {
	char name[FSIMG_LVM_NAME_MAX];
	char uuid[33];
	uint64_t seqno;
	uint64_t extent_size; /* sectors */
	unsigned npv, nlv, nseg, nstripe;
	struct fsimg_lvm_vg_pv *pv;
	struct fsimg_lvm_lv *lv;
	struct fsimg_lvm_seg *seg;
	struct fsimg_lvm_stripe *stripe;
};

/* Where a PV lies in the image's disk (img->top). */
struct fsimg_lvm_pv_place {
	char uuid[33];	      /* no dashes */
	uint64_t start, size; /* bytes: the partition (or disk) holding it */
};

/*
 * 1 when w holds an LVM2 PV, with *pv filled (free with
 * fsimg_lvm_pv_free()); 0 when it does not; -errno with a message when it
 * is damaged (bad CRC, a metadata area outside the window, unreadable
 * text).
 */
int fsimg_lvm_probe(const struct fsimg_window *w, struct fsimg_lvm_pv *pv);
void fsimg_lvm_pv_free(struct fsimg_lvm_pv *pv);

/*
 * Parses metadata text (len bytes, not necessarily NUL-terminated) into
 * *vg (free with fsimg_lvm_vg_free()). where names the text in messages
 * ("LVM2 metadata at byte N"). An LV whose segments cannot be read is kept
 * with .unreadable set; the whole parse fails (-EUCLEAN, with a message)
 * on a syntax error, a bound exceeded, or a VG without its essentials.
 */
int fsimg_lvm_parse(fsimg_image *img, const char *where, const char *text,
		    size_t len, struct fsimg_lvm_vg *vg);
void fsimg_lvm_vg_free(struct fsimg_lvm_vg *vg);

/* Bytes of one extent, 0 on overflow. */
uint64_t fsimg_lvm_extent_bytes(const struct fsimg_lvm_vg *vg);

/*
 * A source reading LV lv_index of vg, its PVs found among pvs (by UUID):
 * format "lvm2", name "VG/LV", size the LV size; runs are FSIMG_RUN_LOWER
 * in img->top. -EOPNOTSUPP with a message for an LV that is not linear or
 * striped, -ENODEV when a PV it uses is not among pvs, -EUCLEAN when an
 * extent lies outside its PV or the disk.
 */
int fsimg_lvm_open_lv(fsimg_image *img, const struct fsimg_lvm_vg *vg,
		      unsigned lv_index, const struct fsimg_lvm_pv_place *pvs,
		      unsigned npvs, struct fsimg_source **out);

/* --- the VGs of an image ---------------------------------------------- */

struct fsimg_lvm_found {
	struct fsimg_lvm_vg vg; /* from the PV with the highest seqno */
	/* place[i]: where vg.pv[i] is, when present[i] */
	struct fsimg_lvm_pv_place *place;
	bool *present;
};

struct fsimg_lvm_scan {
	unsigned nvg;
	struct fsimg_lvm_found vg[FSIMG_LVM_VG_MAX];
};

/*
 * Finds the PVs among the nwin windows (partitions, or the whole disk
 * when there is no table) and groups them into VGs by UUID. An LV using a
 * PV that is not in the image is marked unreadable with the reason. A
 * damaged PV is reported (fsimg_err) and skipped. 0, or -ENOMEM.
 */
int fsimg_lvm_scan(fsimg_image *img, const struct fsimg_window *wins,
		   unsigned nwin, struct fsimg_lvm_scan *out);
void fsimg_lvm_scan_free(struct fsimg_lvm_scan *sc);
/* fsimg_lvm_open_lv() for LV lv of the scan's VG vg. */
int fsimg_lvm_scan_open(fsimg_image *img, const struct fsimg_lvm_scan *sc,
			unsigned vg, unsigned lv, struct fsimg_source **out);

#endif /* FSIMG_LVM2_H */
