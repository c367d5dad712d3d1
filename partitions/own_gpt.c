/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GPT as libblkid 2.38 reads it (libblkid/src/partitions/gpt.c), and the
 * protective MBR alone ("PMBR") it reports when no GPT header is valid.
 *
 * The MBR must hold an 0xEE entry. The header at LBA 1 is used when valid,
 * else the one at the last LBA: a valid header has the signature, a size
 * from 92 to the sector size, its CRC32, its own LBA, usable LBAs inside the
 * disk and not around itself, 128-byte entries, an array of less than
 * 4 GiB that lies on the disk, and the array's CRC32. Entry i is partition
 * i + 1; an unused entry (zero type GUID) or one outside the usable LBAs
 * uses its number up.
 *
 * The array is read and checked in chunks, never allocated by the count
 * the header claims; past OWN_GPT_ARRAY_MAX bytes (libblkid reads up to
 * 4 GiB) the header is taken as damaged, with a message.
 */
#include "own.h"

#include <stdlib.h>

#include <zlib.h>

#define GPT_SIGNATURE	  "EFI PART"
#define GPT_HDR_MIN	  92u
#define GPT_ENTRY_SIZE	  128u
#define GPT_CHUNK	  65536u
#define OWN_GPT_ARRAY_MAX (64u << 20)

/* offsets in the header */
#define GH_SIZE	      12
#define GH_CRC	      16
#define GH_MY_LBA     24
#define GH_FIRST      40
#define GH_LAST	      48
#define GH_DISK_GUID  56
#define GH_ENTRIES    72
#define GH_NENTRIES   80
#define GH_ENTRY_SIZE 84
#define GH_ARRAY_CRC  88

struct gpt_hdr {
	uint64_t lba, first, last, entries_off;
	uint32_t n;
	uint8_t disk_guid[16];
};

/* libblkid's is_pmbr_valid(): an 0xEE entry in a signed MBR */
static int has_pmbr(const struct own_probe *pr)
{
	uint8_t b[512];
	int rc = own_read(pr, 0, b, sizeof(b));

	if (rc <= 0)
		return rc;
	if (b[510] != 0x55 || b[511] != 0xaa)
		return 0;
	for (unsigned i = 0; i < 4; i++)
		if (b[446 + i * 16 + 4] == 0xee)
			return 1;
	return 0;
}

/* the CRC32 of the entry array, read in chunks: 1 matches, 0 not, -errno */
static int array_crc_ok(const struct own_probe *pr, uint64_t off, uint64_t len,
			uint32_t want)
{
	uint8_t *buf = malloc(GPT_CHUNK);
	uLong crc = crc32(0L, Z_NULL, 0);
	int rc = 1;

	if (!buf)
		return -ENOMEM;
	while (len && rc > 0) {
		size_t n = len > GPT_CHUNK ? GPT_CHUNK : (size_t)len;

		rc = own_read(pr, off, buf, n);
		if (rc > 0)
			crc = crc32(crc, buf, (uInt)n);
		off += n;
		len -= n;
	}
	free(buf);
	if (rc <= 0)
		return rc;
	return (uint32_t)crc == want;
}

/* libblkid's get_gpt_header(): 1 valid (*h filled), 0 not, -errno. */
static int read_header(const struct own_probe *pr, uint64_t lba,
		       uint64_t lastlba, struct gpt_hdr *h)
{
	uint8_t b[4096];
	uint32_t hsz, nent, esz32;
	uint64_t esz, off;
	int rc;

	/* the whole sector is the header's; wraps as libblkid's */
	rc = own_read(pr, lba * pr->ssz, b, pr->ssz);
	if (rc <= 0)
		return rc;
	if (memcmp(b, GPT_SIGNATURE, 8))
		return 0;
	hsz = get_le32(b + GH_SIZE);
	if (hsz > pr->ssz || hsz < GPT_HDR_MIN)
		return 0;
	{
		uint8_t z[4] = { 0 };
		uLong crc = crc32(0L, Z_NULL, 0);

		crc = crc32(crc, b, GH_CRC);
		crc = crc32(crc, z, 4);
		crc = crc32(crc, b + GH_CRC + 4, hsz - GH_CRC - 4);
		if ((uint32_t)crc != get_le32(b + GH_CRC))
			return 0;
	}
	if (get_le64(b + GH_MY_LBA) != lba)
		return 0;
	h->lba = lba;
	h->first = get_le64(b + GH_FIRST);
	h->last = get_le64(b + GH_LAST);
	if (h->last < h->first || h->first > lastlba || h->last > lastlba)
		return 0;
	if (h->first < lba && lba < h->last)
		return 0; /* inside the usable range */
	nent = get_le32(b + GH_NENTRIES);
	esz32 = get_le32(b + GH_ENTRY_SIZE);
	esz = (uint64_t)nent * esz32;
	if (!esz || esz >= UINT32_MAX || esz32 != GPT_ENTRY_SIZE)
		return 0;
	off = get_le64(b + GH_ENTRIES) * pr->ssz; /* wraps as libblkid's */
	if (esz > OWN_GPT_ARRAY_MAX) {
		fsimg_err(pr->img, 0,
			  "GPT header at byte %llu: %u entries are more than "
			  "fsimg reads; the header is not used",
			  (unsigned long long)(lba * pr->ssz), nent);
		return 0;
	}
	rc = array_crc_ok(pr, off, esz, get_le32(b + GH_ARRAY_CRC));
	if (rc <= 0)
		return rc;
	h->entries_off = off;
	h->n = nent;
	memcpy(h->disk_guid, b + GH_DISK_GUID, 16);
	return 1;
}

/*
 * The name, UTF-16LE, as libblkid's ul_encode_to_utf8() makes it: to the
 * first NUL, pairs joined, a lone surrogate encoded as it stands.
 */
static void utf16le_name(const uint8_t *s, size_t count, char *dest, size_t len)
{
	size_t i, j;

	for (j = i = 0; i + 2 <= count; i += 2) {
		uint32_t c = (uint32_t)(s[i + 1] << 8 | s[i]);

		if (c >= 0xd800 && c <= 0xdbff && i + 3 < count) {
			uint32_t c2 = (uint32_t)(s[i + 3] << 8 | s[i + 2]);

			if (c2 >= 0xdc00 && c2 <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
				i += 2;
			}
		}
		if (!c)
			break;
		if (c < 0x80) {
			if (j + 1 >= len)
				break;
			dest[j++] = (char)c;
		} else if (c < 0x800) {
			if (j + 2 >= len)
				break;
			dest[j++] = (char)(0xc0 | c >> 6);
			dest[j++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			if (j + 3 >= len)
				break;
			dest[j++] = (char)(0xe0 | c >> 12);
			dest[j++] = (char)(0x80 | (c >> 6 & 0x3f));
			dest[j++] = (char)(0x80 | (c & 0x3f));
		} else {
			if (j + 4 >= len)
				break;
			dest[j++] = (char)(0xf0 | c >> 18);
			dest[j++] = (char)(0x80 | (c >> 12 & 0x3f));
			dest[j++] = (char)(0x80 | (c >> 6 & 0x3f));
			dest[j++] = (char)(0x80 | (c & 0x3f));
		}
	}
	dest[j] = '\0';
	own_set_string(dest, len, (const uint8_t *)dest, j);
}

static int last_lba(const struct own_probe *pr, uint64_t *lba)
{
	if (pr->size < pr->ssz)
		return -1;
	*lba = pr->size / pr->ssz - 1;
	return 0;
}

/* the header libblkid uses: the primary, else the backup */
static int find_header(const struct own_probe *pr, struct gpt_hdr *h)
{
	uint64_t lastlba;
	int rc;

	if (last_lba(pr, &lastlba) || pr->ssz > 4096)
		return 0;
	rc = read_header(pr, 1, lastlba, h);
	if (rc)
		return rc;
	return read_header(pr, lastlba, lastlba, h);
}

static int gpt_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint32_t ssf = pr->ssz / 512;
	struct gpt_hdr h;
	struct own_tab *tab;
	uint8_t *buf;
	uint64_t lastlba;
	int rc;

	(void)mag;
	if (last_lba(pr, &lastlba))
		return OWN_NONE;
	rc = has_pmbr(pr);
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	rc = find_header(pr, &h);
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (h.lba != 1)
		fsimg_err(pr->img, 0,
			  "warning: GPT: the primary header at byte %llu is "
			  "damaged; "
			  "using the backup at byte %llu",
			  (unsigned long long)pr->ssz,
			  (unsigned long long)(h.lba * pr->ssz));
	tab = own_new_table(ls, "gpt");
	if (!tab)
		return OWN_NONE;
	own_guid_str(h.disk_guid, tab->id);
	buf = malloc(GPT_CHUNK);
	if (!buf)
		return -ENOMEM;
	rc = OWN_OK;
	for (uint32_t i = 0; i < h.n; i++) {
		uint64_t at = (uint64_t)i * GPT_ENTRY_SIZE;
		const uint8_t *e = buf + at % GPT_CHUNK;
		uint64_t start, end;
		struct own_part *p;
		static const uint8_t zero[16];

		if (at % GPT_CHUNK == 0) {
			uint64_t left = (uint64_t)h.n * GPT_ENTRY_SIZE - at;
			size_t n = left > GPT_CHUNK ? GPT_CHUNK : (size_t)left;
			int r = own_read(pr, h.entries_off + at, buf, n);

			if (r <= 0) { /* it was read for its CRC */
				rc = r < 0 ? r : OWN_NONE;
				break;
			}
		}
		start = get_le64(e + 32);
		end = get_le64(e + 40);
		if (!memcmp(e, zero, 16) || start < h.first || end > h.last) {
			own_skip_partno(ls);
			continue;
		}
		/* size and sectors wrap as libblkid's; an end before the
		   start makes a negative size list.c leaves out */
		p = own_add(ls, tab, start * ssf, (end - start + 1) * ssf);
		if (!p)
			break;
		utf16le_name(e + 56, 72, p->name, sizeof(p->name));
		own_guid_str(e + 16, p->uuid);
		own_guid_str(e, p->typestr);
		p->flags = get_le64(e + 48);
	}
	free(buf);
	return rc;
}

const struct own_table own_gpt = {
	.name = "gpt",
	.probe = gpt_probe,
};

/* libblkid's probe_pmbr_pt(): an 0xEE entry and no valid GPT header */
static int pmbr_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct gpt_hdr h;
	uint64_t lastlba;
	int rc;

	(void)mag;
	if (last_lba(pr, &lastlba))
		return OWN_NONE;
	if (has_pmbr(pr) <= 0)
		return OWN_NONE;
	rc = find_header(pr, &h);
	/* found, but no table: listed as none */
	return rc <= 0 ? OWN_OK : OWN_NONE;
}

const struct own_table own_pmbr = {
	.name = "PMBR",
	.magics = { { "\x55\xaa", 2, 510 } },
	.probe = pmbr_probe,
};
