/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Atari (AHDI) root sector as libblkid 2.38 reads it (libblkid/src/
 * partitions/atari.c). There is no magic: libblkid tries it last on every
 * disk of 512-byte sectors, and takes it when the size the root sector
 * gives (big-endian, at 0x1c2) fits the disk, the bad-sector list fits
 * that size, and one of the four entries at 0x1c6 is active, with an id
 * of three letters or digits and a start and size inside it. Entries are
 * { flags, id[3], start, size }; an XGM entry starts a chain of extended
 * root sectors (at most 100 read, each adding its data partition), and
 * without one the eight ICD entries at 0x156 are read too when the first
 * has a common id. A partition starting where one already does is not
 * added again.
 */
#include "own.h"

#define AT_ICD	   0x156u
#define AT_HD_SIZE 0x1c2u
#define AT_PARTS   0x1c6u
#define AT_BSL	   0x1f6u

/* the Linux kernel's isalnum(), Latin-1 letters included */
static bool at_alnum(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z'))
		return true;
	return c >= 0xc0 && c != 0xd7 && c != 0xf7;
}

static bool valid_dimension(uint32_t start, uint32_t size, uint32_t maxoff)
{
	uint32_t end = start + size; /* wraps as libblkid's */

	return end >= start && 0 < start && start <= maxoff && 0 < size &&
	       size <= maxoff && 0 < end && end <= maxoff;
}

static bool valid_partition(const uint8_t *e, uint32_t maxoff)
{
	return (e[0] & 1) && at_alnum(e[1]) && at_alnum(e[2]) &&
	       at_alnum(e[3]) &&
	       valid_dimension(get_be32(e + 4), get_be32(e + 8), maxoff);
}

static bool id_common(const uint8_t *e)
{
	static const char *const ids[] = { "GEM", "BGM", "LNX", "SWP", "RAW" };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!memcmp(ids[i], e + 1, 3))
			return true;
	return false;
}

/* 1 added, 0 a partition starts there already or the list is full */
static int add_partition(struct own_list *ls, const struct own_tab *tab,
			 const uint8_t *e, uint32_t offset)
{
	uint32_t start = get_be32(e + 4) + offset; /* wraps as libblkid's */
	struct own_part *p;

	for (int i = 0; i < ls->n; i++)
		if (ls->p[i].start == start) {
			if (!offset)
				own_skip_partno(ls);
			return 0;
		}
	p = own_add(ls, tab, start, get_be32(e + 8));
	if (!p)
		return 0;
	own_set_string(p->typestr, sizeof(p->typestr), e + 1, 3);
	return 1;
}

static int parse_xgm(struct own_probe *pr, const struct own_tab *tab,
		     const uint8_t *xgm)
{
	uint32_t x0start = get_be32(xgm + 4), xstart = x0start;
	uint8_t b[512];

	for (unsigned ct = 1; ct <= 100; ct++) {
		const uint8_t *e;
		unsigned i;
		int rc = own_read(pr, (uint64_t)xstart * 512, b, sizeof(b));

		if (rc <= 0)
			return rc;
		for (i = 0;; i++) {
			if (i >= 3)
				return 0;
			if (b[AT_PARTS + i * 12] & 1)
				break;
		}
		e = b + AT_PARTS + i * 12;
		if (!memcmp(e + 1, "XGM", 3))
			return 0;
		if (add_partition(pr->ls, tab, e, xstart) <= 0)
			return 0;
		if (!(e[12] & 1))
			break;
		if (memcmp(e + 13, "XGM", 3))
			return 0;
		xstart = x0start + get_be32(e + 12 + 4);
	}
	return 1;
}

static int atari_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint64_t size = pr->size / 512;
	uint32_t rssize, bsl_start, bsl_len;
	bool has_xgm = false;
	struct own_tab *tab;
	uint8_t b[512];
	unsigned i;
	int rc;

	(void)mag;
	if (pr->ssz != 512 || size > INT32_MAX)
		return OWN_NONE;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	rssize = get_be32(b + AT_HD_SIZE);
	if (rssize < 2 || rssize > size)
		return OWN_NONE;
	bsl_start = get_be32(b + AT_BSL);
	bsl_len = get_be32(b + AT_BSL + 4);
	if ((bsl_start || bsl_len) &&
	    !valid_dimension(bsl_start, bsl_len, rssize))
		return OWN_NONE;
	for (i = 0; i < 4; i++)
		if (valid_partition(b + AT_PARTS + i * 12, rssize))
			break;
	if (i == 4)
		return OWN_NONE;
	tab = own_new_table(ls, "atari");
	if (!tab)
		return OWN_NONE;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = b + AT_PARTS + i * 12;

		if (!(e[0] & 1)) {
			own_skip_partno(ls);
			continue;
		}
		if (!memcmp(e + 1, "XGM", 3)) {
			has_xgm = true;
			rc = parse_xgm(pr, tab, e);
		} else {
			rc = add_partition(ls, tab, e, 0);
		}
		if (rc < 0)
			return rc;
	}
	if (!has_xgm && id_common(b + AT_ICD)) {
		for (i = 0; i < 8; i++) {
			const uint8_t *e = b + AT_ICD + i * 12;

			if (!(e[0] & 1) || !id_common(e)) {
				own_skip_partno(ls);
				continue;
			}
			add_partition(ls, tab, e, 0);
		}
	}
	return OWN_OK;
}

const struct own_table own_atari = {
	.name = "atari",
	.probe = atari_probe,
};
