/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for LVM2 volume group metadata (partitions/lvm2.c,
 * lvm2_text.c): the input is the metadata text a PV's metadata area holds.
 * What the parser accepts must keep its bounds (PVs, LVs, segments,
 * stripes, every index in range); then every LV is opened as a source over
 * a disk of known bytes on which each PV lies at byte 0, and read at its
 * start, its end and between, twice: through fsimg_source_read() and
 * through the runs fsimg_source_plain() resolves to the disk file. The two
 * must agree, and no run may leave the disk. The label and metadata area
 * headers around the text are fuzzed by the partition harness (fuzz_part).
 */
#include "fuzz_plain.h"
#include "../../partitions/lvm2.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK (8u << 20)
#define SPAN 8192u

static void quiet_log(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static void check_vg(const struct fsimg_lvm_vg *vg)
{
	if (vg->npv > FSIMG_LVM_PV_MAX || vg->nlv > FSIMG_LVM_LV_MAX ||
	    vg->nseg > FSIMG_LVM_SEG_MAX)
		__builtin_trap();
	for (unsigned l = 0; l < vg->nlv; l++) {
		const struct fsimg_lvm_lv *lv = &vg->lv[l];

		if (lv->first_seg > vg->nseg ||
		    lv->nseg > vg->nseg - lv->first_seg)
			__builtin_trap();
		for (unsigned k = 0; k < lv->nseg; k++) {
			const struct fsimg_lvm_seg *sg =
				&vg->seg[lv->first_seg + k];

			if (sg->stripe_count > FSIMG_LVM_STRIPE_MAX)
				__builtin_trap();
			if (!strcmp(sg->type, "striped") &&
			    (sg->first_stripe > vg->nstripe ||
			     sg->stripe_count > vg->nstripe - sg->first_stripe))
				__builtin_trap();
		}
	}
	for (unsigned i = 0; i < vg->nstripe; i++)
		if (vg->stripe[i].pv >= vg->npv)
			__builtin_trap();
}

static void check_range(struct fsimg_source *s, uint64_t off, uint8_t *a,
			uint8_t *b)
{
	size_t len;

	if (off >= s->size)
		return;
	len = s->size - off < SPAN ? (size_t)(s->size - off) : SPAN;
	if (fsimg_source_read(s, off, a, len))
		return;
	if (fuzz_read_plain(s, off, b, len, DISK) == 0 && memcmp(a, b, len))
		__builtin_trap(); /* the two ways of reading disagree */
}

/* The disk, made once; each input's image gets its own descriptor. */
static int disk_fd(void)
{
	static uint8_t block[65536];
	static int shared = -1;
	int fd;

	if (shared >= 0)
		return dup(shared);
	fd = memfd_create("fuzz-lvm", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	/* every 4-byte word its own offset: a misplaced read shows */
	for (uint32_t i = 0; i < DISK; i += sizeof(block)) {
		for (uint32_t k = 0; k < sizeof(block); k += 4) {
			uint32_t v = i + k;

			memcpy(block + k, &v, 4);
		}
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			close(fd);
			return -1;
		}
	}
	shared = fd;
	return dup(shared);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsimg_lvm_pv_place pl[FSIMG_LVM_PV_MAX];
	struct fsimg_lvm_vg vg;
	fsimg_image *img;
	uint8_t *a, *b;
	int fd = disk_fd();

	if (fd < 0)
		return 0;
	if (fsimg_image_open_fd(fd, "fuzz-lvm", &img))
		return 0;
	fsimg_image_set_log(img, quiet_log, NULL);
	if (fsimg_lvm_parse(img, "fuzz", (const char *)data, size, &vg)) {
		fsimg_image_close(img);
		return 0;
	}
	check_vg(&vg);
	for (unsigned i = 0; i < vg.npv; i++) {
		memcpy(pl[i].uuid, vg.pv[i].uuid, sizeof(pl[i].uuid));
		pl[i].start = 0;
		pl[i].size = DISK;
	}
	a = malloc(SPAN);
	b = malloc(SPAN);
	for (unsigned l = 0; a && b && l < vg.nlv; l++) {
		struct fsimg_source *s;
		uint64_t ext = fsimg_lvm_extent_bytes(&vg), want;

		if (fsimg_lvm_open_lv(img, &vg, l, pl, vg.npv, &s))
			continue;
		if (ckd_mul(&want, vg.lv[l].extents, ext) || s->size != want)
			__builtin_trap(); /* the size the metadata gives */
		check_range(s, 0, a, b);
		check_range(s, s->size / 3, a, b);
		check_range(s, s->size / 2 + 4093, a, b);
		if (s->size > SPAN)
			check_range(s, s->size - SPAN, a, b);
		fsimg_source_close(s);
	}
	free(a);
	free(b);
	fsimg_lvm_vg_free(&vg);
	fsimg_image_close(img);
	return 0;
}
