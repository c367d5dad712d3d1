/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The El Torito boot catalog parser on synthetic catalogs written into a
 * memfd-backed image, and on the real catalogs of ISOs installed on the
 * system when there are any.
 */
#include "internal.h"
#include "fs/iso9660.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLK 2048u

static char logbuf[4096];

static void log_cb(void *ctx, int err, const char *msg)
{
	size_t n = strlen(logbuf);

	(void)ctx;
	(void)err;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%s\n", msg);
}

/* An image of size bytes, zero-filled, for the test to write into. */
struct img {
	uint8_t *buf;
	size_t size;
};

static void img_init(struct img *m, size_t size)
{
	m->buf = calloc(1, size);
	m->size = size;
	if (!m->buf)
		abort();
}

static fsimg_image *img_open(const struct img *m)
{
	fsimg_image *img = NULL;
	int fd = memfd_create("eltorito", MFD_CLOEXEC);

	if (fd < 0 || write(fd, m->buf, m->size) != (ssize_t)m->size)
		abort();
	if (fsimg_image_open_fd(fd, "test.iso", &img))
		abort();
	fsimg_image_set_log(img, log_cb, NULL);
	logbuf[0] = '\0';
	return img;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

/* Writes a validation entry with a correct checksum. */
static void validation(uint8_t *e, uint8_t platform)
{
	uint16_t sum = 0;

	memset(e, 0, 32);
	e[0] = 1;
	e[1] = platform;
	memcpy(e + 4, "fsimg test", 10);
	e[30] = 0x55;
	e[31] = 0xAA;
	for (unsigned i = 0; i < 32; i += 2)
		sum = (uint16_t)(sum + get_le16(e + i));
	put_le16(e + 28, (uint16_t)(0x10000 - sum));
}

static void boot(uint8_t *e, uint8_t ind, uint8_t media, uint16_t seg,
		 uint8_t sys, uint16_t count, uint32_t lba)
{
	memset(e, 0, 32);
	e[0] = ind;
	e[1] = media;
	put_le16(e + 2, seg);
	e[4] = sys;
	put_le16(e + 6, count);
	put_le32(e + 8, lba);
}

static void header(uint8_t *e, uint8_t type, uint8_t platform, uint16_t n)
{
	memset(e, 0, 32);
	e[0] = type;
	e[1] = platform;
	put_le16(e + 2, n);
}

static void fat_bpb(uint8_t *s, uint16_t bps, uint8_t spc, uint16_t total16,
		    uint32_t total32)
{
	s[0] = 0xEB;
	s[1] = 0x3C;
	s[2] = 0x90;
	memcpy(s + 3, "mkfs.fat", 8);
	put_le16(s + 11, bps);
	s[13] = spc;
	put_le16(s + 14, 1);
	s[16] = 2;
	put_le16(s + 17, 512);
	put_le16(s + 19, total16);
	s[21] = 0xF8;
	put_le32(s + 32, total32);
	s[510] = 0x55;
	s[511] = 0xAA;
}

static void mbr_part(uint8_t *s, unsigned i, uint8_t type, uint32_t start,
		     uint32_t count)
{
	uint8_t *p = s + 446 + 16 * i;

	p[4] = type;
	put_le32(p + 8, start);
	put_le32(p + 12, count);
	s[510] = 0x55;
	s[511] = 0xAA;
}

static void test_valid(uint64_t base)
{
	struct img m;
	fsimg_image *img;
	struct fsimg_window w;
	struct fsimg_boot_entry b[8];
	uint8_t *cat;
	int n;

	/* 1 MiB of filesystem after base bytes of something else. */
	img_init(&m, base + (1u << 20));
	cat = m.buf + base + 20 * BLK;
	validation(cat, 0);
	boot(cat + 32, 0x88, 0, 0, 0, 4, 30);
	header(cat + 64, 0x90, 0xEF, 2);
	boot(cat + 96, 0x88, 0x20, 0, 0, 1, 40); /* + extension follows */
	cat[128] = 0x44;
	boot(cat + 160, 0x00, 4, 0x7C0, 6, 1, 60);
	header(cat + 192, 0x91, 1, 1);
	boot(cat + 224, 0x88, 2, 0, 0, 1, 70);
	/* a FAT of 40 4096-byte sectors, total in the 32-bit field */
	fat_bpb(m.buf + base + 40 * BLK, 4096, 1, 0, 40);
	/* an MBR whose second partition ends last, at sector 100 */
	mbr_part(m.buf + base + 60 * BLK, 0, 0x83, 1, 20);
	mbr_part(m.buf + base + 60 * BLK, 1, 0x06, 50, 50);

	img = img_open(&m);
	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = base,
				   .len = 1u << 20 };
	n = iso_eltorito_entries(&w, 20, b, 8);
	is_int(n, 4, "base %llu: four entries", (unsigned long long)base);
	is_str(logbuf, "", "valid catalog: nothing logged");
	if (n != 4)
		goto out;

	is_int(b[0].index, 0, "default entry index 0");
	is_int(b[0].platform, 0, "default entry takes the validation platform");
	ok(b[0].bootable, "default entry bootable");
	is_int(b[0].emulation, 0, "default entry no emulation");
	is_int(b[0].sector_count, 4, "default sector count");
	is_int(b[0].lba, 30, "default lba");
	is_int(b[0].offset, base + 30 * BLK, "default offset is absolute");
	is_int(b[0].length, 2048, "not FAT: declared length");

	is_int(b[1].index, 1, "section entry index 1");
	is_int(b[1].platform, 0xEF, "section entry takes the header platform");
	is_int(b[1].emulation, 0, "media flags are not emulation");
	is_int(b[1].length, 40 * 4096, "FAT image: the FAT volume size");

	is_int(b[2].index, 2, "extension entry skipped");
	ok(!b[2].bootable, "0x00 entry not bootable");
	is_int(b[2].emulation, 4, "hard disk emulation");
	is_int(b[2].load_segment, 0x7C0, "load segment");
	is_int(b[2].system_type, 6, "system type");
	is_int(b[2].length, 100 * 512, "hard disk: end of the last partition");

	is_int(b[3].platform, 1, "final section platform");
	is_int(b[3].emulation, 2, "1.44M floppy");
	is_int(b[3].length, (1u << 20) - 70 * BLK,
	       "floppy size clamped to the window end");

	memset(b, 0xA5, sizeof(b));
	n = iso_eltorito_entries(&w, 20, b, 2);
	is_int(n, 4, "max 2: still counts four");
	ok(b[1].index == 1 && b[2].index == 0xA5A5A5A5u,
	   "max 2: fills only two");
	is_int(iso_eltorito_entries(&w, 20, NULL, 0), 4, "max 0: counts");
out:
	fsimg_image_close(img);
	free(m.buf);
}

/* A catalog with only the validation and default entries. */
static void minimal(struct img *m, uint32_t lba, uint32_t boot_lba)
{
	uint8_t *cat = m->buf + lba * BLK;

	validation(cat, 0);
	boot(cat + 32, 0x88, 0, 0, 0, 4, boot_lba);
}

static void test_bad_validation(void)
{
	struct img m;
	fsimg_image *img;
	struct fsimg_window w;
	struct fsimg_boot_entry b[2];

	img_init(&m, 64 * BLK);
	minimal(&m, 20, 30);
	m.buf[20 * BLK + 4] ^= 1; /* id string changed after the checksum */
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 20, b, 2), -EUCLEAN,
	       "bad checksum: EUCLEAN");
	ok(strstr(logbuf, "El Torito boot catalog at block 20") &&
		   strstr(logbuf, "checksum"),
	   "bad checksum: message names catalog and checksum");
	fsimg_image_close(img);

	minimal(&m, 20, 30);
	m.buf[20 * BLK + 31] = 0;
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 20, b, 2), -EUCLEAN,
	       "missing 55 AA: EUCLEAN");
	ok(strstr(logbuf, "55 AA") != NULL, "missing 55 AA: message");
	fsimg_image_close(img);

	memset(m.buf, 0, m.size);
	minimal(&m, 20, 30);
	m.buf[20 * BLK] = 2;
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 20, b, 2), -EUCLEAN,
	       "header id 2: EUCLEAN");
	fsimg_image_close(img);

	memset(m.buf, 0, m.size);
	minimal(&m, 20, 30);
	m.buf[20 * BLK + 32] = 0x90;
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 20, b, 2), -EUCLEAN,
	       "default entry is a header: EUCLEAN");
	ok(strstr(logbuf, "default entry") != NULL, "no default: message");
	fsimg_image_close(img);

	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 64, b, 2), -EUCLEAN,
	       "catalog past the window: EUCLEAN");
	is_int(iso_eltorito_entries(&w, 0xFFFFFFFFu, b, 2), -EUCLEAN,
	       "catalog at block 2^32-1: EUCLEAN");
	fsimg_image_close(img);
	free(m.buf);
}

static void test_counts(void)
{
	struct img m;
	fsimg_image *img;
	struct fsimg_window w;
	struct fsimg_boot_entry b[100];
	uint8_t *cat;
	int n;

	/* The final header counts 500 entries; two follow, then zeroes. */
	img_init(&m, 64 * BLK);
	minimal(&m, 20, 30);
	cat = m.buf + 20 * BLK;
	header(cat + 64, 0x91, 0xEF, 500);
	boot(cat + 96, 0x88, 0, 0, 0, 4, 31);
	boot(cat + 128, 0x88, 0, 0, 0, 4, 32);
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	n = iso_eltorito_entries(&w, 20, b, 100);
	is_int(n, 3, "section count past its entries: stops at zeroes");
	is_int(b[2].lba, 32, "last real section entry");
	fsimg_image_close(img);

	/* 70 section entries: the catalog spans two sectors. */
	memset(m.buf, 0, m.size);
	minimal(&m, 20, 30);
	header(cat + 64, 0x91, 0xEF, 70);
	for (unsigned i = 0; i < 70; i++)
		boot(cat + 96 + 32 * i, 0x88, 0, 0, 0, 4, 100 + i);
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	n = iso_eltorito_entries(&w, 20, b, 100);
	is_int(n, 71, "catalog over two sectors");
	is_int(b[70].lba, 169, "entry in the second sector");
	is_int(b[70].length, 0, "boot image past the window: length 0");
	is_int(b[70].offset, 169 * BLK, "past the window: offset still set");
	is_str(logbuf, "", "two sectors: nothing logged");
	fsimg_image_close(img);

	/* The window ends in the middle of the section's entries. */
	img = img_open(&m);
	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 0,
				   .len = 21 * BLK + 100 };
	n = iso_eltorito_entries(&w, 20, b, 100);
	is_int(n, 1 + 62 + 2, "cut by the window: what fits");
	ok(strstr(logbuf, "no final section header") != NULL,
	   "cut by the window: logged");
	fsimg_image_close(img);

	/* Something that is not an entry where a header belongs. */
	memset(m.buf, 0, m.size);
	minimal(&m, 20, 30);
	cat[64] = 0x42;
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	is_int(iso_eltorito_entries(&w, 20, b, 100), 1,
	       "garbage after default: one entry");
	fsimg_image_close(img);
	free(m.buf);
}

static void test_unterminated(void)
{
	struct img m;
	fsimg_image *img;
	struct fsimg_window w;
	struct fsimg_boot_entry b[4];
	uint8_t *cat;
	int n;

	/* "more headers follow" headers with one entry each, to the end. */
	img_init(&m, 100 * BLK);
	minimal(&m, 20, 30);
	cat = m.buf + 20 * BLK;
	for (size_t off = 64; 20 * BLK + off < m.size; off += 64) {
		header(cat + off, 0x90, 0, 1);
		boot(cat + off + 32, 0x88, 0, 0, 0, 4, 30);
	}
	img = img_open(&m);
	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 0,
				   .len = 30 * BLK };
	n = iso_eltorito_entries(&w, 20, b, 4);
	is_int(n, 1 + (10 * 64 - 2) / 2, "no final header: runs to the window");
	ok(strstr(logbuf, "no final section header") != NULL,
	   "no final header: logged");
	fsimg_image_close(img);

	/* The same with a window far beyond 64 sectors of catalog. */
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	n = iso_eltorito_entries(&w, 20, b, 4);
	is_int(n, 1 + (64 * 64 - 2) / 2,
	       "no final header: stops at 64 sectors");
	ok(strstr(logbuf, "within 4096 entries") != NULL,
	   "entry bound: logged");
	fsimg_image_close(img);

	/* A window longer than the image: the image end ends the catalog. */
	minimal(&m, 80, 0);
	img = img_open(&m);
	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 80 * BLK,
				   .len = 1u << 30 };
	n = iso_eltorito_entries(&w, 0, b, 4);
	is_int(n, 1 + (20 * 64 - 2) / 2, "window past the image end: stops");
	fsimg_image_close(img);

	/* Extension entries forever after a section entry. */
	memset(m.buf, 0, m.size);
	minimal(&m, 20, 30);
	header(cat + 64, 0x91, 0, 2);
	boot(cat + 96, 0x88, 0x20, 0, 0, 4, 30);
	for (size_t off = 128; 20 * BLK + off < m.size; off += 32)
		cat[off] = 0x44;
	img = img_open(&m);
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = m.size
	};
	n = iso_eltorito_entries(&w, 20, b, 4);
	is_int(n, 2, "endless extension entries: bounded");
	fsimg_image_close(img);
	free(m.buf);
}

/* Reads the catalog of an installed ISO through its Boot Record. */
static int real_iso(const char *path, struct fsimg_boot_entry *b, size_t max)
{
	fsimg_image *img;
	struct fsimg_window w;
	uint8_t vd[BLK];
	int n = -ENOENT;

	if (fsimg_image_open(path, 0, &img))
		return -ENOENT;
	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 0,
				   .len = fsimg_image_size(img) };
	for (unsigned i = 16; i < 32; i++) {
		if (fsimg_wread(&w, (uint64_t)i * BLK, vd, BLK) || vd[0] == 255)
			break;
		if (vd[0] == 0 && !memcmp(vd + 7, "EL TORITO", 9)) {
			n = iso_eltorito_entries(&w, get_le32(vd + 71), b, max);
			break;
		}
	}
	fsimg_image_close(img);
	return n;
}

static void test_real(void)
{
	static const struct {
		const char *path;
		int count;
		uint64_t length[2];
	} isos[] = {
		/* lengths as xorriso -report_el_torito reports them */
		{ "/usr/lib/grub-rescue/grub-rescue-cdrom.iso", 1, { 2048 } },
		{ "/usr/lib/ipxe/ipxe.iso", 2, { 2048, 884736 } },
		{ "/usr/lib/memtest86+/memtest86+x64.iso",
		  2,
		  { 1474560, 4194304 } },
	};

	for (size_t i = 0; i < sizeof(isos) / sizeof(isos[0]); i++) {
		struct fsimg_boot_entry b[4];
		int n;

		if (access(isos[i].path, R_OK)) {
			ok(1, "# SKIP %s not installed", isos[i].path);
			continue;
		}
		n = real_iso(isos[i].path, b, 4);
		is_int(n, isos[i].count, "%s: entries", isos[i].path);
		for (int j = 0; j < n && j < isos[i].count; j++)
			is_int(b[j].length, isos[i].length[j],
			       "%s: entry %d length", isos[i].path, j);
	}
}

int main(void)
{
	test_valid(0);
	test_valid(8 * BLK);
	test_bad_validation();
	test_counts();
	test_unterminated();
	test_real();
	return tap_done();
}
