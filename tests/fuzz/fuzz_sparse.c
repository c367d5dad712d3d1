/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sparse input encoding: see fuzz_sparse.h. */
#include "fuzz_sparse.h"
#include "internal.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SPARSE_MAGIC	   "FZSPARSE"
#define SPARSE_MAX_SECTORS (64u * 2048)
#define SPARSE_FIX_SUMS	   0x80000000u

int fuzz_sparse_fill(int fd, const uint8_t *data, size_t size, bool *fix_sums)
{
	uint64_t file, off;
	size_t pos, len;

	*fix_sums = false;
	if (size < 12 || memcmp(data, SPARSE_MAGIC, 8))
		return size && write(fd, data, size) != (ssize_t)size ? -1 : 0;
	file = (uint64_t)((get_le32(data + 8) & ~SPARSE_FIX_SUMS) %
			  (SPARSE_MAX_SECTORS + 1)) *
	       512;
	if (ftruncate(fd, (off_t)file))
		return -1;
	for (pos = 12; size - pos >= 6; pos += len) {
		off = get_le32(data + pos);
		len = (size_t)data[pos + 4] | (size_t)data[pos + 5] << 8;
		pos += 6;
		if (len > size - pos)
			len = size - pos;
		if (off >= file)
			continue;
		if (pwrite(fd, data + pos,
			   len < file - off ? len : (size_t)(file - off),
			   (off_t)off) < 0)
			return -1;
	}
	*fix_sums = get_le32(data + 8) & SPARSE_FIX_SUMS;
	return 0;
}

int fuzz_sparse_memfd(const uint8_t *data, size_t size, void (*fix)(int fd))
{
	int fd = memfd_create("fuzz.img", MFD_CLOEXEC);
	bool want;

	if (fd < 0)
		return -1;
	if (fuzz_sparse_fill(fd, data, size, &want)) {
		close(fd);
		return -1;
	}
	if (want && fix)
		fix(fd);
	return fd;
}
