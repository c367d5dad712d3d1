/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Solaris x86 VTOC reader on labels built here byte by byte, after
 * illumos sys/dklabel.h and sys/vtoc.h: a good label, a bad checksum, a
 * wrong sanity word, bad magic, negative geometry, and a window too short.
 */
#include "internal.h"
#include "../../partitions/part.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void slice(uint8_t *l, unsigned k, unsigned tag, unsigned flag,
		  uint32_t start, uint32_t size)
{
	uint8_t *e = l + VTOC_OFF_PART + k * VTOC_PART_SIZE;

	put16(e, tag);
	put16(e + 2, flag);
	put32(e + 4, start);
	put32(e + 8, size);
}

static void seal(uint8_t *l)
{
	uint16_t x = 0;

	put16(l + VTOC_OFF_MAGIC, VTOC_DKL_MAGIC);
	for (unsigned i = 0; i < 510; i += 2)
		x ^= get_le16(l + i);
	put16(l + VTOC_OFF_CKSUM, x);
}

/* a 64 KiB "fdisk partition" whose second sector is the label */
static uint8_t disk[65536];

static int probe(size_t len, struct fsimg_vtoc *v)
{
	fsimg_image *img;
	struct fsimg_window w;
	int fd = memfd_create("vtoc", MFD_CLOEXEC), rc;

	if (fd < 0 || write(fd, disk, len) != (ssize_t)len)
		return -EIO;
	if (fsimg_image_open_fd(fd, "vtoc", &img))
		return -EIO;
	w = (struct fsimg_window){
		.img = img, .src = fsimg_image_top(img), .off = 0, .len = len
	};
	rc = fsimg_vtoc_probe(&w, v);
	fsimg_image_close(img);
	return rc;
}

static void good_label(void)
{
	uint8_t *l = disk + VTOC_LABEL_LOC;

	memset(disk, 0, sizeof(disk));
	put32(l + VTOC_OFF_SANITY, VTOC_SANE);
	put32(l + VTOC_OFF_VERSION, VTOC_VERSION);
	memcpy(l + VTOC_OFF_VOLUME, "vol", 3);
	put16(l + VTOC_OFF_SECTORSZ, 512);
	put16(l + VTOC_OFF_NPARTS, 16);
	slice(l, 0, VTOC_TAG_ROOT, 0, 16, 64);
	slice(l, 1, VTOC_TAG_SWAP, VTOC_FLAG_UNMNT, 80, 16);
	slice(l, 2, VTOC_TAG_BACKUP, VTOC_FLAG_UNMNT, 0, 128);
	slice(l, 8, VTOC_TAG_BOOT, VTOC_FLAG_UNMNT, 0, 1);
	slice(l, 15, 0x0c, VTOC_FLAG_RONLY, 96, 32); /* the last slice */
	seal(l);
}

int main(void)
{
	struct fsimg_vtoc v;

	good_label();
	is_int(probe(sizeof(disk), &v), 1, "a good label is found");
	is_int(v.nparts, 16, "16 slices");
	is_int(v.slice[0].tag, VTOC_TAG_ROOT, "slice 0 is root");
	is_int(v.slice[0].start, 16 * 512, "slice 0 start in bytes");
	is_int(v.slice[0].size, 64 * 512, "slice 0 size in bytes");
	is_int(v.slice[1].flag, VTOC_FLAG_UNMNT, "slice 1 flag");
	is_int(v.slice[8].tag, VTOC_TAG_BOOT, "slice 8 is boot");
	is_int(v.slice[15].start, 96 * 512, "the last slice is read");
	is_str(v.volume, "vol", "volume name");
	is_str(fsimg_vtoc_tag_name(v.slice[2].tag), "backup", "tag name");
	ok(fsimg_vtoc_tag_name(0x99) == NULL, "unknown tag has no name");

	disk[VTOC_LABEL_LOC + 200] ^= 1;
	is_int(probe(sizeof(disk), &v), -EUCLEAN, "bad checksum refused");

	good_label();
	put32(disk + VTOC_LABEL_LOC + VTOC_OFF_SANITY, 0x600DDEEF);
	seal(disk + VTOC_LABEL_LOC);
	is_int(probe(sizeof(disk), &v), 0, "wrong sanity: no VTOC");

	good_label();
	put16(disk + VTOC_LABEL_LOC + VTOC_OFF_MAGIC, 0x1234);
	is_int(probe(sizeof(disk), &v), -EUCLEAN, "bad dkl_magic refused");

	good_label();
	put32(disk + VTOC_LABEL_LOC + VTOC_OFF_VERSION, 2);
	seal(disk + VTOC_LABEL_LOC);
	is_int(probe(sizeof(disk), &v), -EUCLEAN, "unknown version refused");

	good_label();
	slice(disk + VTOC_LABEL_LOC, 3, VTOC_TAG_USR, 0, 0x80000000u, 8);
	seal(disk + VTOC_LABEL_LOC);
	is_int(probe(sizeof(disk), &v), 1, "negative start still a label");
	is_int(v.slice[3].size, 0, "negative start: slice dropped");

	good_label();
	is_int(probe(1000, &v), 0, "window shorter than the label: none");
	return tap_done();
}
