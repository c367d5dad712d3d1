/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the container readers (lib/container/: qcow2,
 * VMDK, VHD, VHDX) and the partition tables read through them: the input
 * is an image file; its container is found by magic as for any image. The
 * disk it holds is read at its start, its end and a few places between,
 * each range twice: through fsimg_image_read() and through the runs
 * fsimg_image_plain() resolves to the file (fsimg_source_plain() of the
 * image's disk, fuzz_plain.h); the two must agree. Reads are
 * bounded whatever size the container claims.
 */
#include "fuzz_plain.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPAN (64u * 1024)

static void quiet_log(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static void check_range(fsimg_image *img, uint64_t off, uint8_t *a, uint8_t *b)
{
	uint64_t disk = fsimg_image_size(img);
	size_t len;

	if (off >= disk)
		return;
	len = disk - off < SPAN ? (size_t)(disk - off) : SPAN;
	if (fsimg_image_read(img, off, a, len))
		return;
	if (fuzz_read_plain(fsimg_image_top(img), off, b, len, 0) == 0 &&
	    memcmp(a, b, len))
		__builtin_trap(); /* the two ways of reading disagree */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsimg_image *img;
	struct fsimg_part *parts;
	uint8_t *a, *b;
	uint64_t disk;
	int fd;

	fd = memfd_create("fuzz-container", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (fsimg_image_open_fd(fd, "fuzz-container", &img))
		return 0;
	fsimg_image_set_log(img, quiet_log, NULL);
	a = malloc(SPAN);
	b = malloc(SPAN);
	if (a && b && fsimg_image_format(img)) {
		disk = fsimg_image_size(img);
		check_range(img, 0, a, b);
		check_range(img, disk / 3, a, b);
		check_range(img, disk / 2 + 4097, a, b);
		check_range(img, disk > SPAN ? disk - SPAN : 0, a, b);
		parts = calloc(32, sizeof(*parts));
		if (parts && fsimg_partitions(img, parts, 32, NULL, 0) > 256)
			__builtin_trap();
		free(parts);
	}
	free(a);
	free(b);
	fsimg_image_close(img);
	return 0;
}
