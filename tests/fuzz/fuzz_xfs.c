/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the XFS driver: the input is the image, in the
 * sparse encoding of fuzz_sparse.h (the smallest image mkfs.xfs makes is
 * 16 MiB, mostly zeros) or plain, walked by fuzz_fs.c.
 *
 * V5 metadata carries CRCs, which stop plain mutation at the first block
 * they cover. With the encoding's fix bit set, the harness recomputes, in
 * the image it wrote, the CRC of every structure the driver checks that
 * it finds by magic where the superblock's geometry puts one: the
 * superblock, inodes, extent tree blocks, directory data, leaf, node and
 * free blocks, attribute leaves, remote symlink and attribute blocks.
 * Mutants that clear the bit keep testing how a wrong CRC is refused.
 */
#include "fuzz_fs.h"
#include "fuzz_sparse.h"
#include "internal.h"
#include "container/container.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Recomputes the CRC-32C at crc of the len bytes at p. */
static void fix_at(uint8_t *p, size_t len, size_t crc)
{
	uint32_t c;

	memset(p + crc, 0, 4);
	c = fsimg_crc32c(0, p, len);
	p[crc] = (uint8_t)c;
	p[crc + 1] = (uint8_t)(c >> 8);
	p[crc + 2] = (uint8_t)(c >> 16);
	p[crc + 3] = (uint8_t)(c >> 24);
}

static void fix_crcs(int fd)
{
	uint32_t bs, ss, is, dbs;
	struct stat st;
	uint8_t *m, *sb;
	size_t size;

	if (fstat(fd, &st) || st.st_size < 512)
		return;
	size = (size_t)st.st_size;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return;
	sb = m;
	if (memcmp(sb, "XFSB", 4) || (get_be16(sb + 100) & 0xf) != 5)
		goto out;
	bs = get_be32(sb + 4);
	ss = get_be16(sb + 102);
	is = get_be16(sb + 104);
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || ss < 512 || ss > bs ||
	    (ss & (ss - 1)) || is < 256 || is > bs || (is & (is - 1)) ||
	    sb[192] > 4)
		goto out;
	dbs = bs << sb[192];
	if (ss <= size)
		fix_at(m, ss, 224);
	for (size_t off = 0; off + is <= size; off += is) {
		uint8_t *h = m + off;

		if (h[0] == 'I' && h[1] == 'N' && h[4] == 3)
			fix_at(h, is, 100);
		if (off % bs || off + bs > size)
			continue;
		if (!memcmp(h, "BMA3", 4))
			fix_at(h, bs, 64);
		else if ((!memcmp(h, "XDB3", 4) || !memcmp(h, "XDD3", 4) ||
			  !memcmp(h, "XDF3", 4)) &&
			 off + dbs <= size)
			fix_at(h, dbs, 4);
		else if (!memcmp(h, "XSLM", 4) || !memcmp(h, "XARM", 4))
			fix_at(h, bs, 12);
		else if ((get_be16(h + 8) == 0x3df1 ||
			  get_be16(h + 8) == 0x3dff ||
			  get_be16(h + 8) == 0x3ebe) &&
			 off + dbs <= size)
			fix_at(h, dbs, 12);
		else if (get_be16(h + 8) == 0x3bee)
			fix_at(h, bs, 12);
	}
out:
	munmap(m, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_sparse_memfd(data, size, fix_crcs);

	if (fd >= 0)
		fuzz_fs_fd(fd, "xfs", "");
	return 0;
}
