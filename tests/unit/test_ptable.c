/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our own partition-table readers (partitions/own*.c) against libblkid:
 * every disk must list the same through both, field by field (spec,
 * partno, start, size, table, type, name, uuid, flags, depth, state) and
 * with the same outermost table type.
 *
 * With image paths as arguments, compares those (tests/part/own.bats makes
 * them with sfdisk, sgdisk, fdisk). Without, builds disks here byte by
 * byte, the hostile ones among them: an EBR chain looping back, an EBR
 * past the end, GPT headers claiming 2^32 - 1 entries or entries of size 0
 * or huge, a damaged primary GPT header, both headers damaged, an Apple
 * map claiming 2^32 - 1 entries, a Sun label with a bad checksum.
 */
#include "internal.h"
#include "../../partitions/tables.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

static bool same_part(const struct fsimg_part *a, const struct fsimg_part *b)
{
	return !strcmp(a->spec, b->spec) && a->partno == b->partno &&
	       a->start == b->start && a->size == b->size &&
	       !strcmp(a->table, b->table) && !strcmp(a->type, b->type) &&
	       !strcmp(a->name, b->name) && !strcmp(a->uuid, b->uuid) &&
	       a->flags == b->flags && a->state == b->state &&
	       a->depth == b->depth;
}

static void show(const char *who, const struct plist *l)
{
	printf("#   %s: table '%s', %d entries\n", who, l->pttype, l->n);
	for (int i = 0; i < l->n; i++) {
		const struct fsimg_part *p = &l->p[i];

		printf("#     %s #%d %llu+%llu %s %s '%s' %s 0x%x s%x d%d\n",
		       p->spec, p->partno, (unsigned long long)p->start,
		       (unsigned long long)p->size, p->table, p->type, p->name,
		       p->uuid, p->flags, p->state, p->depth);
	}
}

static void quiet(void *ctx, int err, const char *msg)
{
	(void)ctx;
	(void)err;
	(void)msg;
}

/* Compares both readings of img; expect_n < 0: any number of entries. */
static void compare(fsimg_image *img, const char *what, int expect_n)
{
	static struct plist a, b;
	int ra, rb;
	bool same;

	ra = fsimg_plist_build_with(img, &a, false);
	rb = fsimg_plist_build_with(img, &b, true);
	same = ra == rb && a.n == b.n && !strcmp(a.pttype, b.pttype);
	for (int i = 0; same && i < a.n; i++)
		same = same_part(&a.p[i], &b.p[i]);
	ok(same, "%s: own reader lists as libblkid (%s, %d entries)", what,
	   a.pttype[0] ? a.pttype : "no table", a.n);
	if (!same) {
		printf("#   rc %d / %d\n", ra, rb);
		show("libblkid", &a);
		show("own", &b);
	}
	if (expect_n >= 0)
		is_int(b.n, expect_n, "%s: %d entries", what, expect_n);
}

/* --- disks built here ------------------------------------------------------
 */

#define DISK_SIZE (8u << 20)
static uint8_t *disk;

static void put16le(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32le(uint8_t *p, uint32_t v)
{
	put16le(p, v & 0xffff);
	put16le(p + 2, v >> 16);
}
static void put64le(uint8_t *p, uint64_t v)
{
	put32le(p, (uint32_t)v);
	put32le(p + 4, (uint32_t)(v >> 32));
}
static void put16be(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void put32be(uint8_t *p, uint32_t v)
{
	put16be(p, v >> 16);
	put16be(p + 2, v & 0xffff);
}

static void compare_disk(const char *what, size_t len, int expect_n)
{
	fsimg_image *img;
	int fd = memfd_create("ptable", MFD_CLOEXEC);

	if (fd < 0 || write(fd, disk, len) != (ssize_t)len ||
	    fsimg_image_open_fd(fd, what, &img)) {
		ok(0, "%s: image made", what);
		return;
	}
	fsimg_image_set_log(img, quiet, NULL);
	compare(img, what, expect_n);
	fsimg_image_close(img);
}

static void mbr_entry(uint8_t *sec, unsigned i, unsigned boot, unsigned type,
		      uint32_t start, uint32_t size)
{
	uint8_t *e = sec + 446 + i * 16;

	e[0] = (uint8_t)boot;
	e[4] = (uint8_t)type;
	put32le(e + 8, start);
	put32le(e + 12, size);
	sec[510] = 0x55;
	sec[511] = 0xaa;
}

static void mbr_tests(void)
{
	uint32_t ext = 4096;

	memset(disk, 0, DISK_SIZE);
	put32le(disk + 440, 0xdeadbeef);
	mbr_entry(disk, 0, 0x80, 0x83, 2048, 2048);
	mbr_entry(disk, 1, 0, 0x0f, ext, 8192);
	mbr_entry(disk, 3, 0, 0x0c, 12288, 2048);
	/* three logical partitions */
	mbr_entry(disk + ext * 512, 0, 0, 0x83, 64, 1000);
	mbr_entry(disk + ext * 512, 1, 0, 0x05, 2048, 2048);
	mbr_entry(disk + (ext + 2048) * 512, 0, 0, 0x82, 64, 1000);
	mbr_entry(disk + (ext + 2048) * 512, 1, 0, 0x05, 4096, 2048);
	mbr_entry(disk + (ext + 4096) * 512, 0, 0x80, 0x07, 64, 1000);
	compare_disk("MBR, extended 0x0f, three logical", DISK_SIZE, 6);

	/* the last EBR links back to the first: a loop */
	mbr_entry(disk + (ext + 4096) * 512, 1, 0, 0x05, 0, 2048);
	put32le(disk + (ext + 4096) * 512 + 446 + 16 + 8, 0);
	mbr_entry(disk + (ext + 4096) * 512, 1, 0, 0x85, 2048, 2048);
	compare_disk("MBR, EBR chain looping back", DISK_SIZE, 6);
	/* an EBR linking to itself */
	mbr_entry(disk + ext * 512, 1, 0, 0x05, 0, 2048);
	put32le(disk + ext * 512 + 446 + 16 + 8, 0);
	compare_disk("MBR, EBR with a zero link", DISK_SIZE, 4);
	memset(disk + ext * 512, 0, 512);
	mbr_entry(disk + ext * 512, 0, 0, 0x83, 64, 1000);
	mbr_entry(disk + ext * 512, 1, 0, 0x05, 0, 2048);
	mbr_entry(disk + ext * 512, 2, 0, 0x05, 0xfffff000u, 2048);
	compare_disk("MBR, EBR linking past the end", DISK_SIZE, -1);
	/* the extended partition itself past the end */
	mbr_entry(disk, 1, 0, 0x05, 0xfffffff0u, 0x1000);
	compare_disk("MBR, extended partition past the end", DISK_SIZE, -1);
	/* a partition past the end of the disk */
	mbr_entry(disk, 2, 0, 0x83, 1u << 30, 4096);
	compare_disk("MBR, primary past the end", DISK_SIZE, -1);
	/* a BSD-type primary past the end: libblkid drops the table */
	mbr_entry(disk, 2, 0, 0xa5, 1u << 30, 4096);
	compare_disk("MBR, 0xa5 primary past the end", DISK_SIZE, -1);
	/* a bad boot indicator: no table */
	mbr_entry(disk, 2, 0x12, 0x83, 2048, 4096);
	compare_disk("MBR, bad boot indicator", DISK_SIZE, 0);

	/* BSD disklabel in an 0xa5 slice, FreeBSD-relative offsets */
	memset(disk, 0, DISK_SIZE);
	mbr_entry(disk, 0, 0x80, 0xa5, 2048, 8192);
	{
		uint8_t *l = disk + 2049 * 512;

		put32le(l, 0x82564557);
		put32le(l + 132, 0x82564557);
		put16le(l + 138, 8);
		put32le(l + 148, 2048); /* a */
		put32le(l + 148 + 4, 16);
		l[148 + 12] = 7;
		put32le(l + 148 + 16, 1024); /* b */
		put32le(l + 148 + 20, 2064);
		l[148 + 28] = 1;
		put32le(l + 148 + 32, 8192); /* c: raw, at 0 */
		put32le(l + 148 + 36, 0);
		l[148 + 44] = 7;
	}
	compare_disk("MBR with a FreeBSD label", DISK_SIZE, -1);

	/* Minix subpartitions in an 0x81 primary, absolute sectors */
	memset(disk, 0, DISK_SIZE);
	mbr_entry(disk, 0, 0, 0x83, 2048, 2048);
	mbr_entry(disk, 1, 0, 0x81, 4096, 8192);
	mbr_entry(disk + 4096 * 512, 0, 0, 0x81, 4096 + 16, 1000);
	mbr_entry(disk + 4096 * 512, 1, 0, 0x83, 4096 + 2000, 1000);
	mbr_entry(disk + 4096 * 512, 2, 0x80, 0x81, 4096 + 3000, 1000);
	mbr_entry(disk + 4096 * 512, 3, 0, 0x81, 4096 + 8000, 1000);
	compare_disk("MBR with Minix subpartitions", DISK_SIZE, 4);

	/* a UnixWare VTOC in sector 29 of an 0x63 primary */
	memset(disk, 0, DISK_SIZE);
	mbr_entry(disk, 2, 0, 0x63, 4096, 8192);
	{
		uint8_t *v = disk + (4096 + 29) * 512 + 156;

		put32le(v, 0x600DDEEE);
		for (unsigned i = 0; i < 5; i++) {
			uint8_t *e = v + 60 + i * 12;

			put16le(e, i == 3 ? 5 : 2 + i);
			put16le(e + 2, i == 4 ? 0x201 : 0x200);
			put32le(e + 4, 4096 + 100 * i);
			put32le(e + 8, 50);
		}
		/* where libblkid looks for its magic */
		memcpy(disk + 4096 * 512 + 29174, "\x0d\x60\xe5\xca", 4);
	}
	compare_disk("MBR with a UnixWare VTOC", DISK_SIZE, 3);

	/* a FAT boot sector is no MBR */
	memset(disk, 0, DISK_SIZE);
	disk[0] = 0xeb;
	put16le(disk + 11, 512);
	disk[13] = 4;
	put16le(disk + 14, 1);
	disk[16] = 2;
	put16le(disk + 17, 512);
	put16le(disk + 19, 16384);
	disk[21] = 0xf8;
	put16le(disk + 22, 16);
	disk[510] = 0x55;
	disk[511] = 0xaa;
	compare_disk("FAT superfloppy", DISK_SIZE, 0);
}

/* --- GPT -------------------------------------------------------------------
 */

static void guid(uint8_t *g, unsigned seed)
{
	for (unsigned i = 0; i < 16; i++)
		g[i] = (uint8_t)(seed * 37 + i * 11);
}

/* a header at lba for entries at elba; count, entry size as given */
static void gpt_header(uint64_t lba, uint64_t alt, uint64_t elba,
		       uint32_t count, uint32_t esize, uint64_t last)
{
	uint8_t *h = disk + lba * 512;
	size_t alen = (size_t)count * esize;

	memset(h, 0, 512);
	memcpy(h, "EFI PART", 8);
	put32le(h + 8, 0x10000);
	put32le(h + 12, 92);
	put64le(h + 24, lba);
	put64le(h + 32, alt);
	put64le(h + 40, 34);
	put64le(h + 48, last - 33);
	guid(h + 56, 99);
	put64le(h + 72, elba);
	put32le(h + 80, count);
	put32le(h + 84, esize);
	if (alen && alen <= 128 * 128 && elba < DISK_SIZE / 512 - 32)
		put32le(h + 88, (uint32_t)crc32(0, disk + elba * 512, alen));
	put32le(h + 16, (uint32_t)crc32(0, h, 92));
}

static void gpt_entry(unsigned i, unsigned tseed, uint64_t first, uint64_t last,
		      uint64_t attrs, const char *name)
{
	uint8_t *e = disk + 2 * 512 + i * 128;

	guid(e, tseed);
	guid(e + 16, 200 + i);
	put64le(e + 32, first);
	put64le(e + 40, last);
	put64le(e + 48, attrs);
	for (unsigned k = 0; name[k] && k < 36; k++)
		put16le(e + 56 + 2 * k, (unsigned char)name[k]);
}

static void gpt_disk(void)
{
	uint64_t last = DISK_SIZE / 512 - 1;

	memset(disk, 0, DISK_SIZE);
	mbr_entry(disk, 0, 0, 0xee, 1, (uint32_t)last);
	gpt_entry(0, 1, 2048, 4095, 0, "EFI system");
	gpt_entry(2, 2, 4096, 8191, (1ull << 60) | 4, "root  ");
	gpt_entry(3, 3, 8192, 100000, 0, "past the usable end");
	gpt_entry(4, 4, 9000, 8999, 0, "ends before it starts");
	/* a name with a pair of surrogates and a lone one */
	gpt_entry(5, 5, 10000, 10999, 0, "x");
	put16le(disk + 2 * 512 + 5 * 128 + 58, 0xd83d);
	put16le(disk + 2 * 512 + 5 * 128 + 60, 0xde00);
	put16le(disk + 2 * 512 + 5 * 128 + 62, 0xdc00);
	/* the backup array at the end */
	memcpy(disk + (last - 32) * 512, disk + 2 * 512, 128 * 128);
	gpt_header(1, last, 2, 128, 128, last);
	gpt_header(last, 1, last - 32, 128, 128, last);
}

static void gpt_tests(void)
{
	uint64_t last = DISK_SIZE / 512 - 1;

	gpt_disk();
	compare_disk("GPT", DISK_SIZE, 4);
	disk[512 + 20] ^= 1; /* primary header CRC wrong */
	compare_disk("GPT, primary header damaged", DISK_SIZE, 4);
	disk[last * 512 + 20] ^= 1;
	compare_disk("GPT, both headers damaged", DISK_SIZE, 0);
	gpt_disk();
	disk[2 * 512 + 40] ^= 1; /* the array's CRC wrong */
	compare_disk("GPT, primary array damaged", DISK_SIZE, 4);

	gpt_disk();
	gpt_header(1, last, 2, 0xffffffffu, 128, last);
	compare_disk("GPT, 2^32 - 1 entries", DISK_SIZE, 4);
	gpt_header(1, last, 2, 0xffffffffu, 128, last);
	gpt_header(last, 1, last - 32, 0xffffffffu, 128, last);
	compare_disk("GPT, 2^32 - 1 entries in both", DISK_SIZE, 0);
	gpt_header(1, last, 2, 65536, 128, last);
	gpt_header(last, 1, last - 32, 128, 0, last);
	compare_disk("GPT, 8 MiB array, entry size 0", DISK_SIZE, 0);
	gpt_header(1, last, 2, 1, 0x7fffffffu, last);
	gpt_header(last, 1, last - 32, 2, 0x7fffffffu, last);
	compare_disk("GPT, huge entries", DISK_SIZE, 0);
	gpt_header(1, last, 0xffffffffffffffffull, 128, 128, last);
	gpt_header(last, 1, 1ull << 55, 128, 128, last);
	compare_disk("GPT, arrays past the end", DISK_SIZE, 0);
	/* a protective MBR and no valid header */
	gpt_disk();
	memset(disk + 512, 0, 512);
	memset(disk + last * 512, 0, 512);
	compare_disk("protective MBR alone", DISK_SIZE, 0);
	/* a GPT made for 4096-byte sectors */
	memset(disk, 0, DISK_SIZE);
	{
		uint64_t l4 = DISK_SIZE / 4096 - 1;
		uint8_t *h = disk + 4096, *e = disk + 2 * 4096;

		mbr_entry(disk, 0, 0, 0xee, 1, (uint32_t)l4);
		guid(e, 7);
		guid(e + 16, 8);
		put64le(e + 32, 256);
		put64le(e + 40, 511);
		memcpy(h, "EFI PART", 8);
		put32le(h + 12, 92);
		put64le(h + 24, 1);
		put64le(h + 32, l4);
		put64le(h + 40, 6);
		put64le(h + 48, l4 - 5);
		put64le(h + 72, 2);
		put32le(h + 80, 128);
		put32le(h + 84, 128);
		put32le(h + 88, (uint32_t)crc32(0, e, 128 * 128));
		put32le(h + 16, (uint32_t)crc32(0, h, 92));
	}
	compare_disk("GPT for 4096-byte sectors", DISK_SIZE, 1);
}

/* --- Sun, Apple -------------------------------------------------------------
 */

static void sun_seal(void)
{
	uint16_t x = 0;

	put16be(disk + 510, 0);
	for (unsigned i = 0; i < 510; i += 2)
		x ^= (uint16_t)(disk[i] << 8 | disk[i + 1]);
	put16be(disk + 510, x);
}

static void sun_tests(void)
{
	memset(disk, 0, DISK_SIZE);
	memcpy(disk, "fsimg test label", 16);
	put32be(disk + 128, 1);		/* vtoc version */
	put16be(disk + 140, 8);		/* nparts */
	put16be(disk + 142, 2);		/* slot 0: root */
	put16be(disk + 142 + 2 * 4, 5); /* slot 2: whole disk */
	put16be(disk + 142 + 3 * 4, 3); /* slot 3: swap */
	put16be(disk + 142 + 3 * 4 + 2, 1);
	put32be(disk + 188, 0x600DDEEE); /* sanity */
	put16be(disk + 436, 16);	 /* nhead */
	put16be(disk + 438, 32);	 /* nsect */
	put32be(disk + 444, 1);		 /* slot 0 */
	put32be(disk + 448, 4096);
	put32be(disk + 444 + 16, 0); /* slot 2 */
	put32be(disk + 448 + 16, 16384);
	put32be(disk + 444 + 24, 9); /* slot 3 */
	put32be(disk + 448 + 24, 2048);
	put16be(disk + 508, 0xdabe);
	sun_seal();
	compare_disk("Sun label", DISK_SIZE, 2);
	disk[100] ^= 1;
	compare_disk("Sun label, bad checksum", DISK_SIZE, 0);
}

static void mac_entry(unsigned blk, uint32_t count, uint32_t start,
		      uint32_t size, const char *name, const char *type)
{
	uint8_t *p = disk + blk * 512;

	memset(p, 0, 512);
	put16be(p, 0x504d);
	put32be(p + 4, count);
	put32be(p + 8, start);
	put32be(p + 12, size);
	memcpy(p + 16, name, strlen(name));
	memcpy(p + 48, type, strlen(type));
}

static void mac_tests(void)
{
	memset(disk, 0, DISK_SIZE);
	put16be(disk, 0x4552);
	put16be(disk + 2, 512);
	put32be(disk + 4, DISK_SIZE / 512);
	mac_entry(1, 3, 1, 63, "Apple", "Apple_partition_map");
	mac_entry(2, 3, 64, 4096, "disk image  ", "Apple_HFS");
	mac_entry(3, 3, 4160, 2000, "", "Apple_Free");
	compare_disk("Apple partition map", DISK_SIZE, 3);
	mac_entry(1, 0xffffffffu, 1, 63, "Apple", "Apple_partition_map");
	compare_disk("Apple map, 2^32 - 1 entries", DISK_SIZE, -1);
	for (unsigned i = 1; i <= 300; i++)
		mac_entry(i, 0xffffffffu, i, 1, "x", "Apple_Free");
	compare_disk("Apple map, 300 entries", DISK_SIZE, 256);
	put16be(disk + 2, 0xffff); /* block size 65535 */
	compare_disk("Apple map, block size 65535", DISK_SIZE, -1);
}

static void ultrix_tests(void)
{
	uint8_t *l = disk + 31 * 512 + 440;

	memset(disk, 0, DISK_SIZE);
	put32le(l, 0x032957);
	put32le(l + 4, 1);
	put32le(l + 8, 2048); /* a */
	put32le(l + 12, 64);
	put32le(l + 8 + 16, 0xfffffff0u); /* c: negative */
	put32le(l + 12 + 16, 4096);
	put32le(l + 8 + 24, 1000); /* d */
	put32le(l + 12 + 24, 8192);
	compare_disk("Ultrix label", DISK_SIZE, 2);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			fsimg_image *img;

			if (fsimg_image_open(argv[i], 0, &img)) {
				ok(0, "%s: opened", argv[i]);
				continue;
			}
			fsimg_image_set_log(img, quiet, NULL);
			compare(img, argv[i], -1);
			fsimg_image_close(img);
		}
		return tap_done();
	}
	disk = calloc(1, DISK_SIZE);
	if (!disk)
		return 1;
	mbr_tests();
	gpt_tests();
	sun_tests();
	mac_tests();
	ultrix_tests();
	free(disk);
	return tap_done();
}
