/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sun SMI disk label as libblkid 2.38 reads it (libblkid/src/partitions/
 * sun.c, include/pt-sun.h): the first sector, big-endian, magic 0xDABE at
 * 508, the XOR of its 256 16-bit words zero. Eight slots, partition k + 1
 * in slot k, starting at a cylinder (nhead * nsect sectors); the VTOC in
 * the label gives each its tag and flags when its sanity word, version and
 * count are right (or all zero, as old Linux labels have them). A
 * whole-disk slot (tag 5) or an empty one uses its number up.
 */
#include "own.h"

#define SUN_VTOC_VERSION 128u
#define SUN_VTOC_NPARTS	 140u
#define SUN_VTOC_INFOS	 142u /* 8 x { u16 id, u16 flags } */
#define SUN_VTOC_SANITY	 188u
#define SUN_NHEAD	 436u
#define SUN_NSECT	 438u
#define SUN_PARTS	 444u /* 8 x { u32 start_cylinder, u32 num_sectors } */
#define SUN_NPARTS	 8u
#define SUN_SANE	 0x600DDEEEu
#define SUN_TAG_WHOLE	 5u

static int sun_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint8_t b[512];
	uint16_t x = 0;
	uint64_t spc;
	unsigned nparts;
	bool use_vtoc;
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	for (unsigned i = 0; i < sizeof(b); i += 2)
		x ^= get_be16(b + i);
	if (x) {
		DBG(PART, "own", "sun: label at byte %llu: bad checksum",
		    (unsigned long long)pr->off);
		return OWN_NONE;
	}
	tab = own_new_table(ls, "sun");
	if (!tab)
		return OWN_NONE;
	spc = (uint64_t)get_be16(b + SUN_NHEAD) * get_be16(b + SUN_NSECT);
	use_vtoc = get_be32(b + SUN_VTOC_SANITY) == SUN_SANE &&
		   get_be32(b + SUN_VTOC_VERSION) == 1 &&
		   get_be16(b + SUN_VTOC_NPARTS) <= SUN_NPARTS;
	nparts = use_vtoc ? get_be16(b + SUN_VTOC_NPARTS) : SUN_NPARTS;
	use_vtoc = use_vtoc || !(get_be32(b + SUN_VTOC_SANITY) ||
				 get_be32(b + SUN_VTOC_VERSION) ||
				 get_be16(b + SUN_VTOC_NPARTS));
	for (unsigned i = 0; i < nparts; i++) {
		const uint8_t *e = b + SUN_PARTS + i * 8;
		/* wraps as libblkid's */
		uint64_t start = get_be32(e) * spc, size = get_be32(e + 4);
		unsigned type = 0, flags = 0;
		struct own_part *p;

		if (use_vtoc) {
			type = get_be16(b + SUN_VTOC_INFOS + i * 4);
			flags = get_be16(b + SUN_VTOC_INFOS + i * 4 + 2);
		}
		if (type == SUN_TAG_WHOLE || !size) {
			own_skip_partno(ls);
			continue;
		}
		p = own_add(ls, tab, start, size);
		if (!p)
			break;
		p->type = (int)type;
		p->flags = flags;
	}
	return OWN_OK;
}

const struct own_table own_sun = {
	.name = "sun",
	.magics = { { "\xda\xbe", 2, 508 } },
	.probe = sun_probe,
};
