/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMDK (lib/container/vmdk.c, vmdk_desc.c): what the reader and the
 * descriptor parser share.
 */
#ifndef FSIMG_VMDK_H
#define FSIMG_VMDK_H

#include "container.h"

#define VMDK_DESC_MAX	 (64u << 10) /* bytes of a descriptor */
#define VMDK_EXTENTS_MAX 256u
#define VMDK_NAME_MAX	 1024u

enum vmdk_extent_type {
	VMDK_EXT_FLAT,	 /* FLAT, VMFS: plain sectors at an offset */
	VMDK_EXT_SPARSE, /* SPARSE: a hosted sparse extent ("KDMV") */
	VMDK_EXT_ZERO,	 /* ZERO: no file, reads as zeroes */
};

/* An extent line of a descriptor: RW 2048 FLAT "name.vmdk" 0 */
struct vmdk_desc_extent {
	enum vmdk_extent_type type;
	uint64_t sectors;
	uint64_t offset; /* FLAT: sectors into the file */
	char name[VMDK_NAME_MAX];
};

struct vmdk_desc {
	char create_type[64];
	char parent_hint[VMDK_NAME_MAX]; /* "" when none */
	bool has_parent;		 /* parentCID is not ffffffff */
	unsigned n_ext;
	struct vmdk_desc_extent *ext; /* malloc'd; NULL when not asked */
};

/*
 * Parses len bytes of descriptor text (at byte at of the file, for
 * messages). With want_extents, the extent lines go to d->ext (to free).
 */
int vmdk_desc_parse(struct fsimg_source *s, const char *text, size_t len,
		    uint64_t at, bool want_extents, struct vmdk_desc *d);

#endif /* FSIMG_VMDK_H */
