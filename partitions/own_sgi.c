/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SGI disk label (volume header) as libblkid 2.38 reads it
 * (libblkid/src/partitions/sgi.c, include/pt-sgi.h): the first sector,
 * big-endian, magic 0x0BE5A941 at 0, its 128 32-bit words summing to zero.
 * Sixteen slots of { num_blocks, first_block, type } at byte 312, partition
 * k + 1 in slot k; an empty slot uses its number up.
 */
#include "own.h"

#define SGI_PARTS    312u
#define SGI_NPARTS   16u
#define SGI_LABEL_SZ 512u

static int sgi_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint8_t b[SGI_LABEL_SZ];
	uint32_t sum = 0;
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	for (unsigned i = 0; i < sizeof(b); i += 4)
		sum -= get_be32(b + i);
	if (sum) {
		DBG(PART, "own", "sgi: label at byte %llu: bad checksum",
		    (unsigned long long)pr->off);
		return OWN_NONE;
	}
	tab = own_new_table(ls, "sgi");
	if (!tab)
		return OWN_NONE;
	for (unsigned i = 0; i < SGI_NPARTS; i++) {
		const uint8_t *e = b + SGI_PARTS + i * 12;
		struct own_part *p;

		if (!get_be32(e)) {
			own_skip_partno(ls);
			continue;
		}
		p = own_add(ls, tab, get_be32(e + 4), get_be32(e));
		if (!p)
			break;
		p->type = (int)get_be32(e + 8);
	}
	return OWN_OK;
}

const struct own_table own_sgi = {
	.name = "sgi",
	.magics = { { "\x0b\xe5\xa9\x41", 4, 0 } },
	.probe = sgi_probe,
};
