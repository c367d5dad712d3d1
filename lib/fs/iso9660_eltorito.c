/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The El Torito boot catalog ("El Torito" Bootable CD-ROM Format
 * Specification 1.0, Phoenix/IBM 1995).
 *
 * The Boot Record Volume Descriptor points to the catalog: a run of 32-byte
 * entries, read in order.
 *
 *   validation entry   header id 1, platform, id string, a checksum that
 *                      makes the 16 little-endian words of the entry sum
 *                      to zero, key bytes 55 AA (spec 2.1)
 *   initial/default    boot indicator 88 (bootable) or 00, media type,
 *                      load segment, system type, sector count, load RBA
 *                      (spec 2.2)
 *   section header     90 (more headers follow) or 91 (final), platform,
 *                      number of section entries that follow (spec 2.3)
 *   section entry      laid out like the default entry, plus selection
 *                      criteria (spec 2.4)
 *   extension entry    44, continues the selection criteria of the section
 *                      entry before it; carries nothing we report (2.5)
 *
 * Nothing in the catalog says how long it is, so the walk has three
 * reasons to end: the final section header's entries are done, an entry
 * is all zeroes (or is not an entry at all), or CAT_MAX_ENTRIES entries
 * (CAT_MAX_SECTORS sectors) have been read. A catalog that runs into that
 * bound or off the end of the window without a final header is reported
 * once through the log and the entries found so far are returned.
 *
 * The size of a boot image is not recorded anywhere either: the sector
 * count is what the BIOS loads (often 4 sectors of a much larger image).
 * See boot_length() for how the length we report is refined.
 */
#include "iso9660.h"

#define CAT_BLOCK	2048u
#define CAT_ENTRY	32u
#define CAT_MAX_SECTORS 64u
#define CAT_MAX_ENTRIES (CAT_MAX_SECTORS * (CAT_BLOCK / CAT_ENTRY))
#define VIRT_SECTOR	512u

/* Entry header bytes. */
#define ET_VALIDATION	0x01
#define ET_BOOTABLE	0x88
#define ET_NOT_BOOTABLE 0x00
#define ET_HEADER_MORE	0x90
#define ET_HEADER_FINAL 0x91
#define ET_EXTENSION	0x44

/* Emulation types, the low nibble of the media type byte (spec 2.2). */
enum {
	EMUL_NONE = 0,
	EMUL_FD12 = 1,
	EMUL_FD144 = 2,
	EMUL_FD288 = 3,
	EMUL_HD = 4,
};

struct cat_cursor {
	const struct fsimg_window *w;
	uint32_t lba;  /* for messages */
	uint64_t base; /* window offset of the catalog */
	unsigned next; /* index of the next entry to read */
	uint8_t e[CAT_ENTRY];
};

enum cat_next {
	CAT_OK = 1,
	CAT_END = 0, /* window, image or entry bound reached */
};

/*
 * Reads the next entry into c->e. Returns CAT_OK, CAT_END when there is no
 * further entry to read, or -errno when reading failed.
 */
static int cat_next(struct cat_cursor *c)
{
	uint64_t off, abs, size = fsimg_image_size(c->w->img);
	int rc;

	if (c->next >= CAT_MAX_ENTRIES)
		return CAT_END;
	off = c->base + (uint64_t)c->next * CAT_ENTRY;
	/*
	 * The end of the window, or of an image shorter than its window,
	 * ends the catalog; any other failure is a real read error.
	 */
	if (!fsimg_window_has(c->w, off, CAT_ENTRY) ||
	    ckd_add(&abs, c->w->off, off) || size < CAT_ENTRY ||
	    abs > size - CAT_ENTRY)
		return CAT_END;
	rc = fsimg_wread_cached(c->w, off, c->e, CAT_ENTRY);
	if (rc)
		return rc;
	c->next++;
	return CAT_OK;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int check_validation(struct cat_cursor *c, uint8_t *platform)
{
	const uint8_t *e = c->e;
	uint16_t sum = 0;

	if (e[0] != ET_VALIDATION)
		return fsimg_werr(
			c->w, -EUCLEAN,
			"El Torito boot catalog at block %u: "
			"validation entry has header id 0x%02x, not 1",
			c->lba, e[0]);
	if (e[30] != 0x55 || e[31] != 0xAA)
		return fsimg_werr(c->w, -EUCLEAN,
				  "El Torito boot catalog at block %u: "
				  "validation entry lacks the key bytes 55 AA "
				  "(found %02X %02X)",
				  c->lba, e[30], e[31]);
	for (unsigned i = 0; i < CAT_ENTRY; i += 2)
		sum = (uint16_t)(sum + get_le16(e + i));
	if (sum)
		return fsimg_werr(c->w, -EUCLEAN,
				  "El Torito boot catalog at block %u: "
				  "validation entry checksum is wrong "
				  "(words sum to 0x%04x, not 0)",
				  c->lba, sum);
	*platform = e[1];
	return 0;
}

/* The MBR partition table at 446, four 16-byte entries (spec 1.3, 2.2). */
static uint64_t mbr_end(const uint8_t *s)
{
	uint64_t end = 0;

	if (s[510] != 0x55 || s[511] != 0xAA)
		return 0;
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *p = s + 446 + 16 * i;
		uint64_t e = (uint64_t)get_le32(p + 8) + get_le32(p + 12);

		if (p[0] != 0x00 && p[0] != 0x80)
			return 0; /* not a partition table */
		if (!p[4] || !get_le32(p + 12))
			continue;
		if (e > end)
			end = e;
	}
	return end * VIRT_SECTOR;
}

/*
 * A FAT boot sector: a jump, a media byte and a BPB whose geometry makes
 * sense (bytes per sector a power of two 512..4096, sectors per cluster a
 * power of two, reserved sectors and FATs non-zero). Returns the volume size
 * in bytes, 0 when this is not FAT.
 */
static uint64_t fat_size(const uint8_t *s)
{
	uint16_t bps = get_le16(s + 11);
	uint8_t spc = s[13];
	uint16_t reserved = get_le16(s + 14);
	uint8_t fats = s[16];
	uint8_t media = s[21];
	uint64_t total = get_le16(s + 19);

	if (s[0] != 0xEB && s[0] != 0xE9)
		return 0;
	if (bps < 512 || bps > 4096 || !is_pow2_u64(bps))
		return 0;
	if (!is_pow2_u64(spc) || !reserved || !fats)
		return 0;
	if (media != 0xF0 && media < 0xF8)
		return 0;
	if (!total)
		total = get_le32(s + 32);
	return total * bps;
}

/*
 * The bytes of a boot image: the declared sector count, unless the image
 * says more. Floppy emulation images are the size of the floppy; a hard-disk
 * emulation image ends with the partition that ends last in its MBR; a
 * no-emulation image that holds a FAT filesystem (an EFI system partition
 * image, whose sector count is often a token 1 or 4) is the size of that
 * filesystem. The result never reaches past the end of the window: an entry
 * whose image starts beyond it has length 0 and is still reported, so that
 * a listing shows what the catalog claims.
 */
static uint64_t boot_length(const struct fsimg_window *w,
			    const struct fsimg_boot_entry *b)
{
	uint64_t start = (uint64_t)b->lba * CAT_BLOCK;
	uint64_t len = (uint64_t)b->sector_count * VIRT_SECTOR;
	uint8_t s[VIRT_SECTOR];
	uint64_t refined = 0;

	if (start >= w->len) {
		ISO_DBG("El Torito entry %u: image at block %u is past the end",
			b->index, b->lba);
		return 0;
	}
	switch (b->emulation) {
	case EMUL_FD12:
		refined = 1228800;
		break;
	case EMUL_FD144:
		refined = 1474560;
		break;
	case EMUL_FD288:
		refined = 2949120;
		break;
	case EMUL_HD:
	case EMUL_NONE:
		if (!fsimg_window_has(w, start, sizeof(s)) ||
		    fsimg_wread_cached(w, start, s, sizeof(s)))
			break;
		refined = b->emulation == EMUL_HD ? mbr_end(s) : fat_size(s);
		break;
	}
	if (refined)
		len = refined;
	if (len > w->len - start)
		len = w->len - start;
	return len;
}

/* Decodes a default or section entry in c->e (the layouts agree). */
static void decode_entry(const struct cat_cursor *c, unsigned index,
			 uint8_t platform, struct fsimg_boot_entry *b)
{
	const uint8_t *e = c->e;

	memset(b, 0, sizeof(*b));
	b->index = index;
	b->platform = platform;
	b->bootable = e[0] == ET_BOOTABLE;
	b->emulation = e[1] & 0x0F;
	b->load_segment = get_le16(e + 2);
	b->system_type = e[4];
	b->sector_count = get_le16(e + 6);
	b->lba = get_le32(e + 8);
	b->offset = c->w->off + (uint64_t)b->lba * CAT_BLOCK;
	b->length = boot_length(c->w, b);
}

static bool is_boot_entry(const uint8_t *e)
{
	return e[0] == ET_BOOTABLE || e[0] == ET_NOT_BOOTABLE;
}

int iso_eltorito_entries(const struct fsimg_window *w, uint32_t catalog_lba,
			 struct fsimg_boot_entry *entries, size_t max)
{
	struct cat_cursor c = {
		.w = w,
		.lba = catalog_lba,
		.base = (uint64_t)catalog_lba * CAT_BLOCK,
	};
	uint8_t platform = 0;
	unsigned count = 0;
	bool final = false;
	int rc;

	rc = cat_next(&c);
	if (rc == CAT_END)
		return fsimg_werr(w, -EUCLEAN,
				  "El Torito boot catalog at block %u: "
				  "past the end of the filesystem",
				  catalog_lba);
	if (rc < 0)
		return rc;
	rc = check_validation(&c, &platform);
	if (rc)
		return rc;

	rc = cat_next(&c);
	if (rc < 0)
		return rc;
	if (rc == CAT_END || !is_boot_entry(c.e))
		return fsimg_werr(w, -EUCLEAN,
				  "El Torito boot catalog at block %u: "
				  "no initial/default entry after the "
				  "validation entry",
				  catalog_lba);
	if (max)
		decode_entry(&c, 0, platform, &entries[0]);
	count = 1;

	/* Section headers, each followed by its section entries. */
	while (!final) {
		unsigned n;

		rc = cat_next(&c);
		if (rc <= 0)
			goto unterminated;
		if (c.e[0] != ET_HEADER_MORE && c.e[0] != ET_HEADER_FINAL) {
			/*
			 * Zeroes end a catalog written without a final header
			 * (some mastering tools do that); anything else is not
			 * a catalog entry: stop before trusting it.
			 */
			if (!all_zero(c.e, CAT_ENTRY))
				ISO_DBG("El Torito catalog: entry %u type "
					"0x%02x "
					"ends the catalog",
					c.next - 1, c.e[0]);
			break;
		}
		final = c.e[0] == ET_HEADER_FINAL;
		platform = c.e[1];
		n = get_le16(c.e + 2);

		while (n) {
			rc = cat_next(&c);
			if (rc <= 0)
				goto unterminated;
			if (c.e[0] == ET_EXTENSION)
				continue;
			if (!is_boot_entry(c.e) || all_zero(c.e, CAT_ENTRY)) {
				/* The header counted more than there are. */
				ISO_DBG("El Torito catalog: section ends after "
					"%u entries, %u short of its count",
					count, n);
				final = true;
				break;
			}
			if (count < max)
				decode_entry(&c, count, platform,
					     &entries[count]);
			count++;
			n--;
		}
	}
	return (int)count;

unterminated:
	if (rc < 0)
		return rc;
	fsimg_werr(w, -EUCLEAN,
		   "El Torito boot catalog at block %u: no final section "
		   "header within %u entries or before the end of the "
		   "filesystem; using the %u boot entries found",
		   catalog_lba, c.next, count);
	return (int)count;
}
