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
 *
 * An input may be in the sparse encoding of fuzz_sparse.h, so that
 * containers whose metadata lies megabytes apart (a VHDX puts its
 * regions on 1 MiB boundaries and is 8 MiB at least; a dynamic VHD is
 * 2 MiB) fit in a few KiB of input.
 *
 * Checksums stop plain mutation at the first structure they cover, so
 * with the top bit set the harness recomputes, after writing the file,
 * the checksums of what it finds in their places: the VHD footer and
 * dynamic header, the VHDX headers and region tables. Mutants that clear
 * the bit keep testing how a wrong checksum is refused.
 */
#include "fuzz_plain.h"
#include "fuzz_sparse.h"
#include "container/container.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPAN (64u * 1024)

/* A VHD structure of len bytes at off: its byte-sum checksum at field. */
static void fix_vpc(int fd, uint64_t off, size_t len, size_t field,
		    const char *cookie)
{
	uint8_t buf[1024];
	uint32_t sum = 0;

	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len ||
	    memcmp(buf, cookie, 8))
		return;
	for (size_t i = 0; i < len; i++)
		if (i < field || i >= field + 4)
			sum += buf[i];
	sum = ~sum;
	buf[field] = (uint8_t)(sum >> 24);
	buf[field + 1] = (uint8_t)(sum >> 16);
	buf[field + 2] = (uint8_t)(sum >> 8);
	buf[field + 3] = (uint8_t)sum;
	(void)!pwrite(fd, buf + field, 4, (off_t)(off + field));
}

/* A VHDX structure of len bytes at off: its CRC-32C at byte 4. */
static void fix_vhdx(int fd, uint64_t off, size_t len, const char *sig)
{
	static uint8_t buf[64 * 1024];
	uint32_t crc;

	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len ||
	    memcmp(buf, sig, 4))
		return;
	memset(buf + 4, 0, 4);
	crc = fsimg_crc32c(0, buf, len);
	buf[4] = (uint8_t)crc;
	buf[5] = (uint8_t)(crc >> 8);
	buf[6] = (uint8_t)(crc >> 16);
	buf[7] = (uint8_t)(crc >> 24);
	(void)!pwrite(fd, buf + 4, 4, (off_t)(off + 4));
}

static void fix_sums(int fd, uint64_t file)
{
	uint8_t foot[512];

	if (file >= 512 && pread(fd, foot, 512, (off_t)(file - 512)) == 512 &&
	    !memcmp(foot, "conectix", 8)) {
		uint64_t dyn = get_be64(foot + 16);

		if (dyn < file && file - dyn >= 1024)
			fix_vpc(fd, dyn, 1024, 36, "cxsparse");
		fix_vpc(fd, file - 512, 512, 64, "conectix");
		fix_vpc(fd, 0, 512, 64, "conectix");
	}
	for (unsigned i = 1; i <= 2; i++) {
		fix_vhdx(fd, i * 64 * 1024, 4096, "head");
		fix_vhdx(fd, (i + 2) * 64 * 1024, 64 * 1024, "regi");
	}
}

/* Writes the file the input describes into fd; 0, or -1 on a write error. */
static int fill(int fd, const uint8_t *data, size_t size)
{
	struct stat st;
	bool fix;

	if (fuzz_sparse_fill(fd, data, size, &fix))
		return -1;
	if (fix && !fstat(fd, &st))
		fix_sums(fd, (uint64_t)st.st_size);
	return 0;
}

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
	if (fill(fd, data, size)) {
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
