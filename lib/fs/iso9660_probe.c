/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: where in a big directory a name probably is, from the order of
 * its records, so that one lookup need not read the whole directory.
 *
 * ECMA-119 9.3 sorts a directory's records by file identifier: the file
 * name part, the shorter padded with (20) bytes, then the extension the
 * same way, then the version, highest first. A record never crosses a
 * logical block (6.8.1.1), so each block of the directory starts with a
 * record, and the first identifiers of the blocks are in order.
 *
 * The name a user looks up is the Rock Ridge NM name (or the plain name,
 * lowered), not the identifier, and how a mastering tool made the one from
 * the other is its own affair (upper case, '_' for what d-characters lack,
 * 8.3 cuts, numbered collisions). The probe guesses the identifier the
 * usual way (upper case, one dot, '_' for the rest, no cut) and finds the
 * last block whose first identifier is at most the guess. For names that
 * are already identifiers (F00042.TXT, README, VMLINUZ) the guess is
 * exact; for others it usually lands in or next to the right block.
 *
 * A guess decides nothing. The caller reads the records of the block
 * before, the block and the one after ([from, to)) and accepts a record
 * only when its own name, decoded as a scan decodes it, is the name; a
 * miss goes on to the whole scan. The search reads one record per step,
 * at most log2 of the directory's blocks, and stops at the first record it
 * cannot decode (the caller keeps that quiet: fsimg_quiet). So a directory that
 * is not sorted, or a crafted one, costs at most those reads before the scan it
 * would have had anyway.
 *
 * Only directories of at least ifs->probe_blocks blocks are probed
 * (option dirprobe=N, default ISO_PROBE_BLOCKS: 128 KiB): a smaller one
 * is read in a few chunks (ISO_DIR_CHUNK), in order, which costs less cold
 * than the search's scattered reads.
 */
#include "iso9660.h"

/* The guessed identifier of a name: name part and extension, upper case. */
struct guess {
	uint8_t name[ISO_NAME_MAX], ext[ISO_NAME_MAX];
	size_t nlen, elen;
};

static uint8_t d_char(uint8_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(c - 'a' + 'A');
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
		return c;
	return '_';
}

static void guess_of(const char *s, size_t len, struct guess *g)
{
	const char *dot = memrchr(s, '.', len);
	size_t nlen = dot ? (size_t)(dot - s) : len;

	g->nlen = g->elen = 0;
	for (size_t i = 0; i < nlen && i < sizeof(g->name); i++)
		g->name[g->nlen++] = d_char((uint8_t)s[i]);
	for (size_t i = nlen + 1; dot && i < len && g->elen < sizeof(g->ext);
	     i++)
		g->ext[g->elen++] = d_char((uint8_t)s[i]);
}

/* a and b, the shorter padded with (20) bytes (9.3) */
static int cmp_padded(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t n = an > bn ? an : bn;

	for (size_t i = 0; i < n; i++) {
		uint8_t ca = i < an ? a[i] : 0x20, cb = i < bn ? b[i] : 0x20;

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}

/* The identifier id (version dropped) against the guess, as 9.3 orders. */
static int cmp_ident(const uint8_t *id, size_t len, const struct guess *g)
{
	const uint8_t *semi = memchr(id, ';', len), *dot;
	size_t nlen;
	int c;

	if (semi)
		len = (size_t)(semi - id);
	dot = memchr(id, '.', len);
	nlen = dot ? (size_t)(dot - id) : len;
	c = cmp_padded(id, nlen, g->name, g->nlen);
	if (c)
		return c;
	return dot ? cmp_padded(dot + 1, len - nlen - 1, g->ext, g->elen)
		   : cmp_padded(NULL, 0, g->ext, g->elen);
}

int iso_probe_window(struct iso_fs *ifs, uint64_t start, uint64_t size,
		     const char *name, size_t len, uint64_t *from, uint64_t *to)
{
	uint64_t nblk = size / ISO_BLOCK, lo = 0, hi, end;
	struct guess g;
	struct iso_rec r;

	if (!ifs->probe_blocks ||
	    size < ifs->probe_blocks * (uint64_t)ISO_BLOCK ||
	    ifs->tree == ISO_TREE_JOLIET || start % ISO_BLOCK || len == 0)
		return 1;
	guess_of(name, len, &g);
	/* the last block whose first identifier is at most the guess */
	hi = nblk;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (iso_rec_read(ifs, start + mid * ISO_BLOCK, &r))
			return 1;
		if (cmp_ident(r.raw + r.name_off, r.name_len, &g) > 0)
			hi = mid;
		else
			lo = mid;
	}
	*from = (lo ? lo - 1 : 0) * ISO_BLOCK;
	end = (lo + 2) * ISO_BLOCK;
	*to = end < size ? end : size;
	ISO_DBG("probe of '%s': directory block %llu of %llu", name,
		(unsigned long long)lo, (unsigned long long)nblk);
	return 0;
}
