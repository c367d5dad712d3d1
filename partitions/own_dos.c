/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MBR ("dos") as libblkid 2.38 reads it (libblkid/src/partitions/dos.c):
 * four primaries numbered 1-4 (an empty slot uses up its number), the
 * logical partitions of every extended one (0x05, 0x0f, 0x85) numbered
 * from 5 in EBR-chain order, then the tables nested in primaries (BSD in
 * 0xa5/0xa6/0xa9, UnixWare in 0x63, the Solaris VTOC in 0x82, Minix in
 * 0x81) on disks over 1440 KiB.
 *
 * Start and size are 32-bit sector counts times the sector size in
 * 512-byte units, kept in 32 bits as libblkid keeps them. The EBR chain is
 * bounded as libblkid bounds it: 100 EBRs in a row that add no partition
 * end it, and a partition starting where one already does is not added
 * again (a chain that loops adds nothing, so it ends).
 *
 * Not a table, as for libblkid: a boot indicator other than 0 and 0x80, an
 * 0xEE entry (GPT), a FAT or NTFS boot sector (libblkid's checks, but for
 * the BitLocker exception to FAT).
 */
#include "own.h"

#include <stdio.h>

#define MBR_PT_OFFSET 446u
#define MBR_ID_OFFSET 440u

static const uint8_t *mbr_entry(const uint8_t *mbr, unsigned i)
{
	return mbr + MBR_PT_OFFSET + i * 16;
}

static uint32_t entry_start(const uint8_t *e)
{
	return get_le32(e + 8);
}

static uint32_t entry_size(const uint8_t *e)
{
	return get_le32(e + 12);
}

static bool is_extended(const uint8_t *e)
{
	return e[4] == 0x05 || e[4] == 0x0f || e[4] == 0x85;
}

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

/*
 * blkid_probe_is_vfat(): a FAT boot sector found by libblkid's vfat
 * magics, with a sane BPB (vfat.c fat_valid_superblock()). The BitLocker
 * exception is left out: a BitLocker volume is no partition table either
 * way only when its boot sector also passes these checks.
 */
static bool is_vfat(const uint8_t *b)
{
	static const struct {
		const char *magic;
		unsigned len, off;
	} mags[] = {
		{ "MSWIN", 5, 0x52 },	  { "FAT32   ", 8, 0x52 },
		{ "MSDOS", 5, 0x36 },	  { "FAT16   ", 8, 0x36 },
		{ "FAT12   ", 8, 0x36 },  { "FAT     ", 8, 0x36 },
		{ "\353", 1, 0 },	  { "\351", 1, 0 },
		{ "\125\252", 2, 0x1fe },
	};
	unsigned k, sector_size, dir_entries, reserved, cluster_size;
	uint32_t sect_count, fat_length, fat_size, dir_size, clusters, max;

	for (k = 0; k < sizeof(mags) / sizeof(mags[0]); k++)
		if (!memcmp(b + mags[k].off, mags[k].magic, mags[k].len))
			break;
	if (k == sizeof(mags) / sizeof(mags[0]))
		return false;
	if (mags[k].len <= 2) {
		if (b[0x1fe] != 0x55 || b[0x1ff] != 0xaa)
			return false;
		if (!memcmp(b + 0x36, "JFS     ", 8) ||
		    !memcmp(b + 0x36, "HPFS    ", 8))
			return false;
	}
	if (!b[0x10] || !get_le16(b + 0x0e))
		return false;
	if (!(b[0x15] >= 0xf8 || b[0x15] == 0xf0))
		return false;
	cluster_size = b[0x0d];
	if (!is_pow2(cluster_size))
		return false;
	sector_size = get_le16(b + 0x0b);
	if (!is_pow2(sector_size) || sector_size < 512 || sector_size > 4096)
		return false;
	dir_entries = get_le16(b + 0x11);
	reserved = get_le16(b + 0x0e);
	sect_count = get_le16(b + 0x13);
	if (!sect_count)
		sect_count = get_le32(b + 0x20);
	fat_length = get_le16(b + 0x16);
	if (!fat_length)
		fat_length = get_le32(b + 0x24);
	/* 32-bit arithmetic, wrapping, as vfat.c's */
	fat_size = fat_length * b[0x10];
	dir_size = (uint32_t)((dir_entries * 32u + (sector_size - 1)) /
			      sector_size);
	clusters =
		(sect_count - (reserved + fat_size + dir_size)) / cluster_size;
	if (!get_le16(b + 0x16) && get_le32(b + 0x24))
		max = 0x0ffffff6;
	else
		max = clusters > 0xff4 ? 0xfff4 : 0xff4;
	return clusters <= max;
}

/* "FILE" at off, with len bytes there in the area: 1, 0 not, -errno */
static int mft_record_at(const struct own_probe *pr, uint64_t off, uint64_t len)
{
	uint8_t m[4];
	uint64_t end;
	int rc;

	if (ckd_add(&end, off, len) || end > pr->size)
		return 0;
	rc = own_read(pr, off, m, sizeof(m));
	if (rc <= 0)
		return rc;
	return !memcmp(m, "FILE", 4);
}

/*
 * blkid_probe_is_ntfs() (ntfs.c __probe_ntfs()): an NTFS boot sector with
 * a sane BPB whose MFT records 0 and 3 start with "FILE". 1, 0, -errno.
 */
static int is_ntfs(const struct own_probe *pr, const uint8_t *b)
{
	unsigned sector_size = get_le16(b + 0x0b), spc = b[0x0d];
	int8_t cpm = (int8_t)b[0x40];
	uint64_t nr_clusters, off;
	uint32_t mft_size;
	int rc;

	if (memcmp(b + 3, "NTFS    ", 8))
		return 0;
	if (sector_size < 256 || sector_size > 4096)
		return 0;
	if (!is_pow2(spc)) {
		if (spc < 240 || spc > 249)
			return 0;
		spc = 1u << (256 - spc);
	}
	if (sector_size * spc > 2u * 1024 * 1024) /* NTFS_MAX_CLUSTER_SIZE */
		return 0;
	if (get_le16(b + 0x0e) || get_le16(b + 0x11) || get_le16(b + 0x13) ||
	    get_le16(b + 0x16) || get_le32(b + 0x20) || b[0x10])
		return 0;
	if ((uint8_t)cpm < 0xe1 || (uint8_t)cpm > 0xf7) {
		if (!is_pow2((uint8_t)cpm) || (uint8_t)cpm > 64)
			return 0;
	}
	nr_clusters = get_le64(b + 0x28) / spc;
	if (get_le64(b + 0x30) > nr_clusters ||
	    get_le64(b + 0x38) > nr_clusters)
		return 0;
	/* 32- and 64-bit arithmetic, wrapping, as ntfs.c's */
	mft_size = cpm > 0 ? (uint32_t)cpm * spc * sector_size
			   : (uint32_t)1 << (unsigned)(-cpm);
	if (mft_size < 4)
		return 0;
	off = get_le64(b + 0x30) * sector_size * spc;
	rc = mft_record_at(pr, off, mft_size);
	if (rc <= 0)
		return rc;
	return mft_record_at(pr, off + 3ull * mft_size, mft_size);
}

static void set_dos_entry(struct own_part *p, const struct own_tab *tab,
			  const uint8_t *e)
{
	p->type = e[4];
	p->flags = e[0];
	/* blkid_partition_gen_uuid() */
	if (tab->id[0])
		snprintf(p->uuid, sizeof(p->uuid), "%.33s-%02x", tab->id,
			 p->partno);
}

static bool listed_at(const struct own_list *ls, uint64_t start)
{
	for (int i = 0; i < ls->n; i++)
		if (ls->p[i].start == start)
			return true;
	return false;
}

/* libblkid's parse_dos_extended(): the EBR chain of one extended entry. */
static int parse_extended(struct own_probe *pr, const struct own_tab *tab,
			  uint32_t ex_start, uint32_t ex_size, uint32_t ssf)
{
	struct own_list *ls = pr->ls;
	uint32_t cur_start = ex_start, cur_size = ex_size;
	unsigned nodata = 0;
	uint8_t b[512];

	if (!ex_start)
		return OWN_OK;
	for (;;) {
		uint32_t start = 0, size = 0;
		unsigned i;
		int rc;

		if (++nodata > 100)
			return OWN_OK;
		rc = own_read(pr, (uint64_t)cur_start << 9, b, sizeof(b));
		if (rc <= 0)
			return OWN_OK; /* libblkid ignores the chain's errors */
		if (b[510] != 0x55 || b[511] != 0xaa)
			return OWN_OK;
		DBG(PART, "own", "dos: EBR at byte %llu",
		    (unsigned long long)cur_start << 9);
		for (i = 0; i < 4; i++) {
			const uint8_t *e = mbr_entry(b, i);
			uint32_t abs_start;
			struct own_part *p;

			/* 32-bit, wrapping, as libblkid's */
			start = entry_start(e) * ssf;
			size = entry_size(e) * ssf;
			abs_start = cur_start + start;
			if (!size || is_extended(e))
				continue;
			if (i >= 2 &&
			    (start + size > cur_size || abs_start < ex_start ||
			     abs_start + size > ex_start + ex_size))
				continue;
			if (listed_at(ls, abs_start))
				continue; /* a chain looping back */
			p = own_add(ls, tab, abs_start, size);
			if (!p)
				return OWN_OK; /* the list is full */
			set_dos_entry(p, tab, e);
			nodata = 0;
		}
		/* the first link with a start is the next EBR */
		for (i = 0; i < 4; i++) {
			const uint8_t *e = mbr_entry(b, i);

			start = entry_start(e) * ssf;
			size = entry_size(e) * ssf;
			if (size && is_extended(e) && start)
				break;
		}
		if (i == 4)
			return OWN_OK;
		cur_start = ex_start + start;
		cur_size = size;
	}
}

/* The tables libblkid looks for in primaries, by MBR type. */
static const struct {
	uint8_t type;
	const struct own_table *t;
} nested[] = {
	{ 0xa5, &own_bsd },	 { 0xa9, &own_bsd },	 { 0xa6, &own_bsd },
	{ 0x63, &own_unixware }, { 0x82, &own_solaris }, { 0x81, &own_minix },
};

static int dos_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint32_t ssf = pr->ssz / 512;
	struct own_tab *tab;
	uint8_t b[512];
	uint32_t id;
	int rc, nparts;

	(void)mag;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (!memcmp(b, "\xc9\xc2\xd4\xc1", 4)) /* AIX */
		return OWN_NONE;
	for (unsigned i = 0; i < 4; i++)
		if (mbr_entry(b, i)[0] != 0 && mbr_entry(b, i)[0] != 0x80)
			return OWN_NONE;
	for (unsigned i = 0; i < 4; i++)
		if (mbr_entry(b, i)[4] == 0xee)
			return OWN_NONE; /* GPT's protective MBR */
	if (is_vfat(b))
		return OWN_NONE;
	rc = is_ntfs(pr, b);
	if (rc)
		return rc < 0 ? rc : OWN_NONE;
	tab = own_new_table(ls, "dos");
	if (!tab)
		return OWN_NONE;
	id = get_le32(b + MBR_ID_OFFSET);
	if (id)
		snprintf(tab->id, sizeof(tab->id), "%08x", id);
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = mbr_entry(b, i);
		uint32_t size = entry_size(e) * ssf;
		struct own_part *p;

		if (!size) {
			own_skip_partno(ls); /* numbers are not reused */
			continue;
		}
		p = own_add(ls, tab, entry_start(e) * ssf, size);
		if (!p)
			return OWN_OK;
		set_dos_entry(p, tab, e);
	}
	ls->next_partno = 5;
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = mbr_entry(b, i);

		if (entry_size(e) * ssf != 0 && is_extended(e))
			parse_extended(pr, tab, entry_start(e) * ssf,
				       entry_size(e) * ssf, ssf);
	}
	if (pr->tiny)
		return OWN_OK;
	nparts = ls->n;
	for (int i = 0; i < nparts; i++) {
		const struct own_part *p = &ls->p[i];

		if (!p->size || own_logical_type(ls, p) != 'P')
			continue;
		for (size_t k = 0; k < sizeof(nested) / sizeof(nested[0]);
		     k++) {
			if (nested[k].type != p->type)
				continue;
			rc = own_subprobe(pr, i, nested[k].t);
			if (rc < 0)
				return rc;
			break;
		}
	}
	return OWN_OK;
}

const struct own_table own_dos = {
	.name = "dos",
	.magics = { { "\x55\xaa", 2, 510 } },
	.probe = dos_probe,
};
