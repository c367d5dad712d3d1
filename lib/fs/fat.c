/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FAT12/16/32 with VFAT long names: the boot sector and BPB, probe, the
 * options, open, info, statfs, the attribute xattr and the driver
 * descriptor. The driver is called "vfat", as blkid and Linux name it.
 *
 * Options:
 *   codepage=N   OEM code page of short names and labels (437 default, as
 *                Linux; 850 also known). Unknown pages are refused.
 *   tz=UTC|+HH:MM|-HH:MM
 *                the zone the stored local times (spec 6.3) were written
 *                in; UTC by default, as Linux does without tz=/time_offset=.
 *   time_offset=M  the same in minutes east of UTC (Linux's spelling).
 *   iocharset=utf8  accepted: names are always handed out in UTF-8.
 *
 * The attributes of a node (spec 6, DIR_Attr) are in fsimg_stat.attrs and
 * in the extended attribute "user.fat.attrs": the DIR_Attr byte as text,
 * "0x" and two hex digits (e.g. "0x21" read-only + archive).
 *
 * Opening reads the boot sector only: the cost does not depend on the size
 * of the volume or the number of files.
 */
#include "fat.h"

#include <stdio.h>
#include <stdlib.h>

#define FAT_XATTR "user.fat.attrs"

/*
 * Spec 3 and 3.5. Every field used in arithmetic below is checked first;
 * all products fit in 64 bits (32-bit counts times sector sizes <= 4096).
 */
int fat_bpb_parse(const uint8_t *bs, struct fat_bpb *b, const char **why)
{
	uint32_t root_secs, fatsz16, fatsz32, tot16, tot32, meta, data_secs;
	uint64_t fat_entries;
	const uint8_t *ext;

	memset(b, 0, sizeof(*b));
	/* 3.1 BS_jmpBoot: EB xx 90 or E9 xx xx */
	if (!((bs[0] == 0xeb && bs[2] == 0x90) || bs[0] == 0xe9 ||
	      (bs[0] == 0xeb && bs[510] == 0x55 && bs[511] == 0xaa))) {
		*why = "no jump instruction at byte 0";
		return -EUCLEAN;
	}
	if (!memcmp(bs + 3, "NTFS    ", 8) || !memcmp(bs + 3, "EXFAT   ", 8)) {
		*why = "an NTFS or exFAT boot sector";
		return -EUCLEAN;
	}
	b->bps = get_le16(bs + 11);
	if (b->bps < 512 || b->bps > 4096 || !is_pow2_u64(b->bps)) {
		*why = "BPB_BytsPerSec is not 512, 1024, 2048 or 4096";
		return -EUCLEAN;
	}
	b->spc = bs[13];
	if (!is_pow2_u64(b->spc)) {
		*why = "BPB_SecPerClus is not a power of two";
		return -EUCLEAN;
	}
	b->cluster_size = b->bps * b->spc;
	/* the spec allows 32 KiB; Linux and Windows read 64 KiB too */
	if (b->cluster_size > 65536) {
		*why = "clusters larger than 64 KiB";
		return -EUCLEAN;
	}
	b->reserved = get_le16(bs + 14);
	b->nfats = bs[16];
	if (b->reserved == 0 || b->nfats == 0) {
		*why = "BPB_RsvdSecCnt or BPB_NumFATs is zero";
		return -EUCLEAN;
	}
	b->root_entries = get_le16(bs + 17);
	b->media = bs[21];
	/* 3.1 BPB_Media: 0xF0 or 0xF8-0xFF */
	if (b->media != 0xf0 && b->media < 0xf8) {
		*why = "BPB_Media is not a media byte";
		return -EUCLEAN;
	}
	tot16 = get_le16(bs + 19);
	tot32 = get_le32(bs + 32);
	fatsz16 = get_le16(bs + 22);
	fatsz32 = get_le32(bs + 36);
	b->total_sectors = tot16 ? tot16 : tot32;
	b->fat_sectors = fatsz16 ? fatsz16 : fatsz32;
	if (b->total_sectors == 0 || b->fat_sectors == 0) {
		*why = "the total sector count or the FAT size is zero";
		return -EUCLEAN;
	}
	/* 3.5: the root directory's sectors, rounded up */
	root_secs = (b->root_entries * FAT_DIRENT + b->bps - 1) / b->bps;
	meta = b->reserved + b->nfats * b->fat_sectors + root_secs;
	if (b->nfats > 16 ||
	    (uint64_t)b->reserved + (uint64_t)b->nfats * b->fat_sectors +
			    root_secs >=
		    b->total_sectors) {
		*why = "the FATs and the root directory fill the volume";
		return -EUCLEAN;
	}
	data_secs = b->total_sectors - meta;
	b->clusters = data_secs / b->spc;
	if (b->clusters == 0) {
		*why = "no data clusters";
		return -EUCLEAN;
	}
	/*
	 * 3.5: the type is decided by the count of clusters alone. One
	 * exception, as Linux makes it: a FAT32 BPB (BPB_FATSz16 = 0) with
	 * fewer clusters (mkfs.fat -F 32 on a small volume) has 32-bit FAT
	 * entries and a root cluster, and is FAT32.
	 */
	if (fatsz16 == 0)
		b->bits = 32;
	else if (b->clusters < 4085)
		b->bits = 12;
	else if (b->clusters < 65525)
		b->bits = 16;
	else {
		*why = "a FAT16 BPB with a FAT32 cluster count";
		return -EUCLEAN;
	}
	if (b->bits == 32) {
		/* the spec wants BPB_TotSec16 = 0 too; old mkdosfs set it */
		if (b->root_entries != 0) {
			*why = "a FAT32 BPB with a FAT12/16 root directory";
			return -EUCLEAN;
		}
		b->root_cluster = get_le32(bs + 44);
		/* 3.3 BPB_ExtFlags: bit 7 = only the FAT in bits 0-3 */
		if (get_le16(bs + 40) & 0x80)
			b->active_fat = get_le16(bs + 40) & 0x0f;
		if (b->active_fat >= b->nfats) {
			*why = "BPB_ExtFlags names a FAT that does not exist";
			return -EUCLEAN;
		}
		ext = bs + 64;
	} else {
		if (b->root_entries == 0) {
			*why = "a FAT12/16 volume without root entries";
			return -EUCLEAN;
		}
		ext = bs + 36;
	}
	/* a FAT holds fewer entries than there are clusters: use what it
	 * can address (as Linux does) */
	fat_entries = (uint64_t)b->fat_sectors * b->bps * 8 / b->bits;
	if (fat_entries < 3) {
		*why = "the FAT is too small";
		return -EUCLEAN;
	}
	if (fat_entries - 2 < b->clusters)
		b->clusters = (uint32_t)(fat_entries - 2);
	if (b->bits == 32 &&
	    (b->root_cluster < 2 || b->root_cluster > b->clusters + 1)) {
		*why = "BPB_RootClus is not a cluster of the volume";
		return -EUCLEAN;
	}
	b->fat_off = ((uint64_t)b->reserved +
		      (uint64_t)b->active_fat * b->fat_sectors) *
		     b->bps;
	b->root_off =
		((uint64_t)b->reserved + (uint64_t)b->nfats * b->fat_sectors) *
		b->bps;
	b->root_size = (uint64_t)b->root_entries * FAT_DIRENT;
	b->data_off = (uint64_t)meta * b->bps;
	b->volume_size = (uint64_t)b->total_sectors * b->bps;
	/* 3.2/3.3: BS_BootSig 0x29 (0x28 on older DOS): serial and label */
	if (ext[2] == 0x29 || ext[2] == 0x28) {
		b->have_serial = true;
		b->serial = get_le32(ext + 3);
	}
	if (ext[2] == 0x29) {
		memcpy(b->bs_label, ext + 7, 11);
		memcpy(b->fstype, ext + 18, 8);
	}
	memset(b->oem, ' ', 11);
	memcpy(b->oem, bs + 3, 8);
	return 0;
}

int fat_read(struct fat_fs *f, uint64_t pos, void *buf, size_t len,
	     const char *what)
{
	int rc = fsimg_wread_cached(&f->win, pos, buf, len);

	if (rc == -EIO && !fsimg_window_has(&f->win, pos, len))
		return fsimg_werr(&f->win, rc,
				  "%s at byte %llu is past the end of the "
				  "image (the volume claims %llu bytes, %llu "
				  "are there)",
				  what, fsimg_wabs(&f->win, pos),
				  (unsigned long long)f->b.volume_size,
				  (unsigned long long)f->win.len);
	if (rc)
		return fsimg_werr(&f->win, rc, "reading %s at byte %llu: %s",
				  what, fsimg_wabs(&f->win, pos),
				  strerror(-rc));
	return 0;
}

static int fat_probe(const struct fsimg_window *w)
{
	uint8_t bs[512];
	struct fat_bpb b;
	const char *why;
	int rc;

	if (!fsimg_window_has(w, 0, sizeof(bs)))
		return 0;
	rc = fsimg_wread_cached(w, 0, bs, sizeof(bs));
	if (rc)
		return rc;
	rc = fat_bpb_parse(bs, &b, &why);
	FAT_DBG("probe: %s", rc ? why : "FAT boot sector");
	return rc == 0;
}

/* tz=: "UTC", "Z", or +HH:MM / -HH:MM (also +HHMM, +HH). */
static int parse_tz(const char *s, int32_t *off)
{
	unsigned hh = 0, mm = 0;
	int sign, n = 0;

	if (!strcmp(s, "UTC") || !strcmp(s, "utc") || !strcmp(s, "Z")) {
		*off = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -EINVAL;
	sign = *s == '-' ? -1 : 1;
	s++;
	if (sscanf(s, "%2u:%2u%n", &hh, &mm, &n) == 2 && !s[n])
		;
	else if (sscanf(s, "%2u%2u%n", &hh, &mm, &n) == 2 && !s[n])
		;
	else if (sscanf(s, "%2u%n", &hh, &n) == 1 && !s[n])
		mm = 0;
	else
		return -EINVAL;
	if (hh > 24 || mm > 59 || hh * 60 + mm > 24 * 60)
		return -EINVAL;
	*off = sign * (int32_t)(hh * 3600 + mm * 60);
	return 0;
}

static int fat_options(fsimg_fs *fs, struct fsimg_opts *o, struct fat_fs *f)
{
	const char *v;
	uint64_t cp = 437;
	bool present;
	int rc;

	if ((rc = fsimg_opt_take_uint(o, "codepage", 10, 99999, &cp, &present)))
		return fsimg_werr(&fs->win, rc, "codepage= wants a number");
	f->cp = fat_codepage((unsigned)cp);
	if (!f->cp)
		return fsimg_werr(&fs->win, -EINVAL,
				  "codepage=%llu: unknown code page (known: "
				  "437, 850)",
				  (unsigned long long)cp);
	f->codepage = (unsigned)cp;
	f->tz_off = 0;
	if (fsimg_opt_take(o, "tz", &v) && (!v || parse_tz(v, &f->tz_off)))
		return fsimg_werr(&fs->win, -EINVAL,
				  "tz=%s: want UTC or an offset like +02:00",
				  v ? v : "");
	if (fsimg_opt_take(o, "time_offset", &v)) {
		char *end;
		long m = v ? strtol(v, &end, 10) : 0;

		if (!v || !*v || *end || m < -24 * 60 || m > 24 * 60)
			return fsimg_werr(&fs->win, -EINVAL,
					  "time_offset= wants minutes, -1440 "
					  "to 1440");
		f->tz_off = (int32_t)m * 60;
	}
	if (fsimg_opt_take(o, "iocharset", &v) &&
	    (!v || (strcmp(v, "utf8") && strcmp(v, "utf-8"))))
		return fsimg_werr(&fs->win, -EINVAL,
				  "iocharset=%s: names are always UTF-8",
				  v ? v : "");
	return 0;
}

static int fat_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	uint8_t bs[512];
	struct fat_fs *f;
	const char *why;
	int rc;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fs = fs;
	f->img = fs->img;
	f->win = fs->win;
	rc = fat_options(fs, opts, f);
	if (rc)
		goto err;
	rc = fsimg_wread_cached(&fs->win, 0, bs, sizeof(bs));
	if (rc) {
		rc = fsimg_werr(&fs->win, rc, "cannot read the boot sector");
		goto err;
	}
	rc = fat_bpb_parse(bs, &f->b, &why);
	if (rc) {
		rc = fsimg_werr(&fs->win, rc, "bad boot sector: %s", why);
		goto err;
	}
	if (f->b.volume_size > fs->win.len)
		FAT_DBG("volume of %llu bytes in a window of %llu: truncated",
			(unsigned long long)f->b.volume_size,
			(unsigned long long)fs->win.len);
	FAT_DBG("FAT%u, %u clusters of %u bytes, data at %llu", f->b.bits,
		f->b.clusters, f->b.cluster_size,
		(unsigned long long)f->b.data_off);
	fs->priv = f;
	fs->root = FAT_ROOT;
	return 0;
err:
	free(f);
	return rc;
}

static void fat_close(fsimg_fs *fs)
{
	free(fs->priv);
	fs->priv = NULL;
}

static int fat_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct fat_fs *f = fat_of(fs);
	int rc;

	snprintf(info->version, sizeof(info->version), "FAT%u", f->b.bits);
	/*
	 * The label is the root directory's volume-label entry, as blkid's
	 * LABEL and Linux read it; the boot sector's copy (often stale:
	 * Windows never updates it) is in the details.
	 */
	rc = fat_root_label(f, info->label, sizeof(info->label));
	if (rc < 0)
		info->label[0] = 0;
	if (f->b.have_serial)
		snprintf(info->uuid, sizeof(info->uuid), "%04X-%04X",
			 f->b.serial >> 16, f->b.serial & 0xffff);
	info->size = f->b.volume_size;
	info->block_size = f->b.cluster_size;
	return 0;
}

static int fat_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct fat_fs *f = fat_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };
	char v[64];

	fsimg_details_num(&d, "fat_bits", f->b.bits);
	fat_label_name((const uint8_t *)f->b.oem, f->cp, v, sizeof(v));
	fsimg_details_text(&d, "oem_name", "%s", v);
	if (f->b.bs_label[0]) {
		fat_label_name((const uint8_t *)f->b.bs_label, f->cp, v,
			       sizeof(v));
		fsimg_details_text(&d, "boot_label", "%s", v);
	}
	fsimg_details_num(&d, "bytes_per_sector", f->b.bps);
	fsimg_details_num(&d, "cluster_size", f->b.cluster_size);
	fsimg_details_num(&d, "clusters", f->b.clusters);
	fsimg_details_num(&d, "fats", f->b.nfats);
	fsimg_details_text(&d, "media", "0x%02x", f->b.media);
	if (f->b.bits == 32)
		fsimg_details_num(&d, "root_cluster", f->b.root_cluster);
	else
		fsimg_details_num(&d, "root_entries", f->b.root_entries);
	fsimg_details_num(&d, "codepage", f->codepage);
	return 0;
}

static int fat_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct fat_fs *f = fat_of(fs);

	st->bsize = f->b.cluster_size;
	st->blocks = f->b.clusters;
	st->bfree = 0;
	st->namemax = FAT_NAME_MAX;
	return 0;
}

static int node_attr(struct fat_fs *f, fsimg_ino ino, uint8_t *attr)
{
	struct fsimg_stat st;
	uint8_t e[FAT_DIRENT];
	int rc;

	if (ino == FAT_ROOT) {
		*attr = FAT_ATTR_DIR;
		return 0;
	}
	rc = fat_getattr(f->fs, ino, &st); /* validates the handle */
	if (rc)
		return rc;
	rc = fat_read(f, ino, e, sizeof(e), "directory entry");
	if (!rc)
		*attr = e[11];
	return rc;
}

static ssize_t fat_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name,
			    void *buf, size_t size)
{
	char v[8];
	uint8_t attr;
	int rc, n;

	if (strcmp(name, FAT_XATTR))
		return -ENODATA;
	rc = node_attr(fat_of(fs), ino, &attr);
	if (rc)
		return rc;
	n = snprintf(v, sizeof(v), "0x%02x", attr);
	if (size == 0)
		return n;
	if (size < (size_t)n)
		return -ERANGE;
	memcpy(buf, v, (size_t)n);
	return n;
}

static ssize_t fat_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf,
			     size_t size)
{
	uint8_t attr;
	int rc = node_attr(fat_of(fs), ino, &attr);

	if (rc)
		return rc;
	if (size == 0)
		return sizeof(FAT_XATTR);
	if (size < sizeof(FAT_XATTR))
		return -ERANGE;
	memcpy(buf, FAT_XATTR, sizeof(FAT_XATTR));
	return sizeof(FAT_XATTR);
}

/* Other names Linux and mount(8) users know it by. */
static const char *const vfat_aliases[] = { "fat", "msdos", NULL };

const struct fsimg_driver fsimg_fat_driver = {
	.name = "vfat",
	.aliases = vfat_aliases,
	.label = "FAT",
	.debug = "fat",
	.probe = fat_probe,
	.open = fat_open,
	.close = fat_close,
	.info = fat_info,
	.details = fat_details,
	.statfs = fat_statfs,
	.getattr = fat_getattr,
	.lookup = fat_lookup,
	.readdir = fat_readdir,
	.file_open = fat_file_open,
	.file_read = fat_file_read,
	.file_map = fat_file_map,
	.file_close = fat_file_close,
	.getxattr = fat_getxattr,
	.listxattr = fat_listxattr,
};
