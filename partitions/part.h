/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the partition layer: the table descriptors, the
 * Solaris x86 VTOC reader and the flat list of partitions that selection
 * and fsimg_partitions() share.
 */
#ifndef FSIMG_PART_H
#define FSIMG_PART_H

#include "internal.h"

/*
 * A table format we read ourselves. probe() reads the table inside the
 * window w: 1 found, 0 not this format, -errno when it could not be read or
 * is damaged beyond use (with a message through fsimg_err()).
 */
struct fsimg_vtoc;
struct fsimg_ptdesc {
	const char *name;
	int (*probe)(const struct fsimg_window *w, struct fsimg_vtoc *out);
};

/*
 * Solaris x86 VTOC, after illumos usr/src/uts/common/sys/dklabel.h
 * (struct dk_label with _SUNOS_VTOC_16) and sys/vtoc.h (V_NUMPAR, tags,
 * flags). The label is the second 512-byte sector of the fdisk partition
 * (DK_LABEL_LOC 1) and is little-endian on x86.
 */
#define VTOC_LABEL_LOC	512u
#define VTOC_LABEL_SIZE 512u
#define VTOC_SANE	0x600DDEEEu /* sys/vtoc.h VTOC_SANE */
#define VTOC_VERSION	1u	    /* sys/vtoc.h V_VERSION */
#define VTOC_NPARTS	16u	    /* NDKMAP for _SUNOS_VTOC_16 */
#define VTOC_DKL_MAGIC	0xDABEu	    /* sys/dklabel.h DKL_MAGIC */
/* byte offsets in struct dk_label (dk_vtoc comes first on x86) */
#define VTOC_OFF_SANITY	  12u
#define VTOC_OFF_VERSION  16u
#define VTOC_OFF_VOLUME	  20u /* char v_volume[LEN_DKL_VVOL = 8] */
#define VTOC_OFF_SECTORSZ 28u
#define VTOC_OFF_NPARTS	  30u
#define VTOC_OFF_PART	  72u /* struct dkl_partition v_part[16], 12 bytes */
#define VTOC_PART_SIZE	  12u
#define VTOC_OFF_MAGIC	  508u
#define VTOC_OFF_CKSUM	  510u

/* sys/vtoc.h partition tags (p_tag) and flags (p_flag) */
enum {
	VTOC_TAG_UNASSIGNED = 0,
	VTOC_TAG_BOOT = 1,
	VTOC_TAG_ROOT = 2,
	VTOC_TAG_SWAP = 3,
	VTOC_TAG_USR = 4,
	VTOC_TAG_BACKUP = 5,
};
#define VTOC_FLAG_UNMNT 0x01u /* V_UNMNT */
#define VTOC_FLAG_RONLY 0x10u /* V_RONLY */

struct fsimg_vtoc_slice {
	uint16_t tag, flag;
	uint64_t start, size; /* bytes, relative to the fdisk partition */
};

struct fsimg_vtoc {
	char volume[9];
	unsigned nparts; /* slices the label declares (<= 16) */
	struct fsimg_vtoc_slice slice[VTOC_NPARTS];
};

extern const struct fsimg_ptdesc fsimg_pt_vtoc;
const char *fsimg_vtoc_tag_name(unsigned tag);
/* 1: the window holds a VTOC, 0: no VTOC, -EUCLEAN: a damaged one. */
int fsimg_vtoc_probe(const struct fsimg_window *w, struct fsimg_vtoc *out);

/* BSD disklabel partition letters, bsd.c */
#define BSD_MAXPARTS 22
struct fsimg_bsd_label {
	unsigned n;
	uint32_t offset[BSD_MAXPARTS], size[BSD_MAXPARTS]; /* sectors */
	uint8_t fstype[BSD_MAXPARTS];			   /* 0: unused */
};
/* 1 found, 0 none, -errno. */
int fsimg_bsd_probe(const struct fsimg_window *w, struct fsimg_bsd_label *l);

/* --- the flat list (list.c) --------------------------------------------- */

#define FSIMG_PARTS_MAX 256

struct plist {
	char pttype[16];
	int n;
	struct fsimg_part p[FSIMG_PARTS_MAX];
	int vtoc_count; /* VTOCs found (for the sK shorthand) */
	bool sun;	/* the disk carries a Sun label */
	bool probed;	/* fstype and label filled */
};

/* Builds the list; with probe_fs, also the filesystem of each entry. */
int fsimg_plist_build(fsimg_image *img, struct plist *l, bool probe_fs);
/* true when the entry can hold a filesystem we may open */
bool fsimg_plist_usable(const fsimg_image *img, const struct fsimg_part *p);
/*
 * The window of [start, start + size) that lies inside the image: what a
 * partition running past the end can still be read through. false when it
 * starts at or past the end.
 */
bool fsimg_part_window(fsimg_image *img, uint64_t start, uint64_t size,
		       struct fsimg_window *w);

#endif /* FSIMG_PART_H */
