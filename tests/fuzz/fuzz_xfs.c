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

static uint8_t buf[65536];

/* Recomputes the CRC-32C at crc of the len bytes at off. */
static void fix_at(int fd, uint64_t off, size_t len, size_t crc)
{
	uint32_t c;

	if (len > sizeof(buf) || crc + 4 > len ||
	    pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		return;
	memset(buf + crc, 0, 4);
	c = fsimg_crc32c(0, buf, len);
	buf[crc] = (uint8_t)c;
	buf[crc + 1] = (uint8_t)(c >> 8);
	buf[crc + 2] = (uint8_t)(c >> 16);
	buf[crc + 3] = (uint8_t)(c >> 24);
	(void)!pwrite(fd, buf + crc, 4, (off_t)(off + crc));
}

static void fix_crcs(int fd)
{
	uint8_t sb[512], h[16];
	uint32_t bs, ss, is, dbs;
	struct stat st;

	if (fstat(fd, &st) || pread(fd, sb, 512, 0) != 512 ||
	    memcmp(sb, "XFSB", 4) || (get_be16(sb + 100) & 0xf) != 5)
		return;
	bs = get_be32(sb + 4);
	ss = get_be16(sb + 102);
	is = get_be16(sb + 104);
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || ss < 512 || ss > bs ||
	    (ss & (ss - 1)) || is < 256 || is > bs || (is & (is - 1)) ||
	    sb[192] > 4)
		return;
	dbs = bs << sb[192];
	if (dbs > sizeof(buf))
		dbs = bs;
	fix_at(fd, 0, ss, 224);
	for (uint64_t off = 0; off + is <= (uint64_t)st.st_size; off += is) {
		if (pread(fd, h, sizeof(h), (off_t)off) != sizeof(h))
			break;
		if (h[0] == 'I' && h[1] == 'N' && h[4] == 3)
			fix_at(fd, off, is, 100);
		if (off % bs)
			continue;
		if (!memcmp(h, "BMA3", 4))
			fix_at(fd, off, bs, 64);
		else if (!memcmp(h, "XDB3", 4) || !memcmp(h, "XDD3", 4) ||
			 !memcmp(h, "XDF3", 4))
			fix_at(fd, off, dbs, 4);
		else if (!memcmp(h, "XSLM", 4) || !memcmp(h, "XARM", 4))
			fix_at(fd, off, bs, 12);
		else if (get_be16(h + 8) == 0x3df1 ||
			 get_be16(h + 8) == 0x3dff || get_be16(h + 8) == 0x3ebe)
			fix_at(fd, off, dbs, 12);
		else if (get_be16(h + 8) == 0x3bee)
			fix_at(fd, off, bs, 12);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.img", MFD_CLOEXEC);
	bool fix;

	if (fd < 0)
		return 0;
	if (fuzz_sparse_fill(fd, data, size, &fix)) {
		close(fd);
		return 0;
	}
	if (fix)
		fix_crcs(fd);
	fuzz_fs_fd(fd, "xfs", "");
	return 0;
}
