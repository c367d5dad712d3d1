/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the partition layer: the labels nested in MBR partitions that we
 * read ourselves (Solaris x86 VTOC, BSD disklabel), each behind a const
 * descriptor of the one table in list.c. What the layer gives the library
 * above it is in tables.h.
 */
#ifndef FSIMG_PART_H
#define FSIMG_PART_H

#include "tables.h"

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

/*
 * A label nested in an MBR partition: a table format libblkid does not
 * read (or not fully). list() reads the label in w, the window of the MBR
 * partition parent (of type mbr_type), and fills up to max entries of out
 * with their geometry absolute in the image, their spec, table, type and
 * depth: 1 found (*n entries; a label with no slices is found too), 0 no
 * such label, -errno unreadable or damaged beyond use (with a message
 * through fsimg_err()).
 */
#define NESTED_MAX 32 /* >= VTOC_NPARTS, BSD_MAXPARTS */
struct fsimg_nested {
	const char *name;
	/* libblkid may list this label's entries itself (named Nx by list.c):
	   then they are not added again */
	bool blkid_lists;
	const uint8_t *mbr_types; /* the MBR types it is looked for in */
	size_t n_mbr_types;
	int (*list)(const struct fsimg_window *w,
		    const struct fsimg_part *parent, unsigned mbr_type,
		    struct fsimg_part *out, unsigned max, unsigned *n);
};

extern const struct fsimg_nested fsimg_nested_bsd;
extern const struct fsimg_nested fsimg_nested_vtoc;

/*
 * One partition as libblkid describes it, before list.c makes an entry of
 * it: what blkid_list() takes from libblkid and what our own readers
 * (own.c) find, so that both become entries by the same code.
 */
struct fsimg_rawpart {
	int64_t start, size; /* 512-byte sectors; negative: not listed */
	int partno;
	const char *table;   /* the type of its table ("dos", "freebsd") */
	bool nested;	     /* its table lies in a partition */
	int parent_partno;   /* that partition's number */
	const char *name;    /* NULL or "" for none */
	const char *uuid;    /* NULL or "" for none */
	const char *typestr; /* a type by name or GUID, or NULL: type */
	int type;
	unsigned long long flags;
	bool extended; /* a DOS extended partition */
};

/*
 * Appends the entry of r to l, as blkid_list() does for each partition
 * libblkid lists (*nbsd counts the nested entries so far, starting at 0):
 * 0, or 1 when l is full.
 */
int fsimg_plist_add_raw(fsimg_image *img, struct plist *l,
			const struct fsimg_rawpart *r, int *nbsd);

#endif /* FSIMG_PART_H */
