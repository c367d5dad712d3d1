/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Apple partition map as libblkid 2.38 reads it (libblkid/src/partitions/
 * mac.c): the driver descriptor "ER" in block 0 gives the block size, the
 * map starts in block 1, one "PM" (or old "TS") entry a block, big-endian.
 * The first entry's map count is the number of entries, at most 256 read.
 * Every entry is a partition (Apple_Free ones too, as Linux shows them),
 * named and typed by its strings.
 *
 * An entry without the signature ends the reading as "no table", leaving
 * the entries before it in the list, as libblkid leaves them: a table
 * found after it (a BSD label) lists them too.
 */
#include "own.h"

#include <stdlib.h>

#define MAC_ENTRY_SIZE 136u /* sizeof(struct mac_partition) */
#define MAC_MAP_MAX    256u

static bool has_signature(const uint8_t *p)
{
	return get_be16(p) == 0x504d || get_be16(p) == 0x5453;
}

static int mac_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint8_t b[512], *blk;
	uint16_t bs, ssf;
	uint32_t nblks, nprts;
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	bs = get_be16(b + 2);
	if (bs < MAC_ENTRY_SIZE)
		return OWN_NONE;
	blk = malloc(bs);
	if (!blk)
		return -ENOMEM;
	rc = own_read(pr, bs, blk, bs);
	if (rc <= 0 || !has_signature(blk)) {
		rc = rc < 0 ? rc : OWN_NONE;
		goto out;
	}
	tab = own_new_table(ls, "mac");
	if (!tab) {
		rc = OWN_NONE;
		goto out;
	}
	ssf = bs / 512;
	nblks = get_be32(blk + 4);
	nprts = nblks > MAC_MAP_MAX ? MAC_MAP_MAX : nblks;
	rc = OWN_OK;
	for (uint32_t i = 0; i < nprts; i++) {
		struct own_part *p;
		uint32_t start, size;

		rc = own_read(pr, (uint64_t)(i + 1) * bs, blk, bs);
		if (rc <= 0 || !has_signature(blk)) {
			DBG(PART, "own", "mac: no entry %u at byte %llu", i,
			    (unsigned long long)(pr->off +
						 (uint64_t)(i + 1) * bs));
			rc = rc < 0 ? rc : OWN_NONE;
			break;
		}
		rc = OWN_OK;
		/* 32-bit, wrapping, as libblkid's */
		start = get_be32(blk + 8) * ssf;
		size = get_be32(blk + 12) * ssf;
		p = own_add(ls, tab, start, size);
		if (!p)
			break;
		own_set_string(p->name, sizeof(p->name), blk + 16, 32);
		own_set_string(p->typestr, sizeof(p->typestr), blk + 48, 32);
	}
out:
	free(blk);
	return rc;
}

const struct own_table own_mac = {
	.name = "mac",
	.magics = { { "\x45\x52", 2, 0 } },
	.probe = mac_probe,
};
