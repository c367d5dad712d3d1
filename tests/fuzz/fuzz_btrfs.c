/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the btrfs driver: the input is the image, in the
 * sparse encoding of fuzz_sparse.h (the seeds are 24 MiB images, mostly
 * zeros) or plain, walked by fuzz_fs.c with no options, and again with
 * subvolid=256 (the first subvolume, when the image has one).
 *
 * Every superblock and tree node carries a CRC-32C of itself, which stops
 * plain mutation at the first block it covers. With the encoding's fix
 * bit set, the harness recomputes, in the image it wrote, the checksum of
 * the superblocks and of every block (at a 4 KiB boundary) that starts
 * like a node of this filesystem: the superblock's fsid at byte 32. Mutants
 * that clear the bit keep testing how a wrong checksum is refused.
 */
#include "fuzz_fs.h"
#include "fuzz_sparse.h"
#include "internal.h"
#include "container/container.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void fix_at(uint8_t *p, size_t len)
{
	uint32_t c = fsimg_crc32c(0, p + 32, len - 32);

	p[0] = (uint8_t)c;
	p[1] = (uint8_t)(c >> 8);
	p[2] = (uint8_t)(c >> 16);
	p[3] = (uint8_t)(c >> 24);
}

static void fix_sums(int fd)
{
	static const uint64_t sbs[] = { 64u << 10, 64u << 20 };
	uint8_t fsid[16], *m;
	uint32_t ns;
	struct stat st;
	size_t size;

	if (fstat(fd, &st) || st.st_size < (off_t)(68u << 10))
		return;
	size = (size_t)st.st_size;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return;
	if (memcmp(m + 65536 + 0x40, "_BHRfS_M", 8))
		goto out;
	/* nodes carry the metadata uuid when there is one */
	memcpy(fsid,
	       get_le64(m + 65536 + 0xbc) & 0x400 ? m + 65536 + 0x23b
						  : m + 65536 + 0x20,
	       16);
	ns = get_le32(m + 65536 + 0x94);
	/* only where the input wrote: holes hold no node */
	for (off_t data = lseek(fd, 0, SEEK_DATA), hole; data >= 0;
	     data = lseek(fd, hole, SEEK_DATA)) {
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || ns < 4096 || ns > 65536 || (ns & (ns - 1)))
			break;
		for (size_t off = (size_t)data & ~(size_t)4095;
		     off < (size_t)hole && off + ns <= size; off += 4096)
			if (!memcmp(m + off + 32, fsid, 16) && off != sbs[0] &&
			    off != sbs[1])
				fix_at(m + off, ns);
	}
	for (unsigned i = 0; i < 2; i++)
		if (sbs[i] + 4096 <= size &&
		    !memcmp(m + sbs[i] + 0x40, "_BHRfS_M", 8))
			fix_at(m + sbs[i], 4096);
out:
	munmap(m, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_sparse_memfd(data, size, fix_sums), fd2;

	if (fd < 0)
		return 0;
	fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	fuzz_fs_fd(fd, "btrfs", "");
	if (fd2 >= 0)
		fuzz_fs_fd(fd2, "btrfs", "subvolid=256");
	return 0;
}
