/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the partition layer gives the library above it: the nested
 * partition tables of an image as one flat list, each entry with the
 * geometry its table declares and what is wrong with it in .state. The
 * layer reads tables and nothing else: which entry holds which filesystem,
 * and which one a spec selects, is decided above it (lib/select.c).
 */
#ifndef FSIMG_TABLES_H
#define FSIMG_TABLES_H

#include "internal.h"

#define FSIMG_PARTS_MAX 256

struct plist {
	char pttype[16]; /* the outermost table ("dos", "gpt"), or "" */
	char ptuuid[40]; /* its identifier as blkid gives it (PTUUID), or "" */
	int n;
	struct fsimg_part p[FSIMG_PARTS_MAX];
};

/*
 * Lists the partitions of img: 0, or -errno when the tables could not be
 * read (an I/O error, no memory). Damage in a table marks entries; it is
 * not an error.
 */
int fsimg_plist_build(fsimg_image *img, struct plist *l);
/*
 * The same reading with our own table readers (own.c) instead of libblkid,
 * for the disk inside a container; own selects them for any disk (tests
 * compare both readings).
 */
int fsimg_plist_build_with(fsimg_image *img, struct plist *l, bool own);
/*
 * The tables of img's disk as libblkid would list them with sectsz-byte
 * sectors (own.c): 0 (also when there is no table), or -errno.
 */
int fsimg_plist_own(fsimg_image *img, struct plist *l, unsigned sectsz);
/*
 * Adds the image's logical volumes (LVM2, partitions/volumes.c) after the
 * partitions holding them; the first call finds and numbers them.
 */
int fsimg_plist_add_volumes(fsimg_image *img, struct plist *l);
/* Warns, through the image's log, of every entry marked as damaged. */
void fsimg_plist_warn(fsimg_image *img, const struct plist *l);
/* true when the entry can hold a filesystem we may open */
bool fsimg_plist_usable(const fsimg_image *img, const struct fsimg_part *p);

#endif /* FSIMG_TABLES_H */
