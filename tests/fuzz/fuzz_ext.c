/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the ext driver (libext2fs through the window I/O
 * manager): the input is the image, walked by fuzz_fs.c. Two libext2fs
 * handles, so the pool is exercised.
 *
 * Structure-aware mutation. Most seeds have metadata_csum (or uninit_bg):
 * libext2fs rejects a superblock or group descriptor whose checksum is
 * wrong when it opens the filesystem, and an inode whose checksum is wrong
 * when it reads it, so nearly every plain mutant of such an image stops
 * at the first check. The custom mutator lets libFuzzer mutate as usual,
 * then, when the result is still an ext superblock with checksums, opens
 * it with libext2fs (checksum errors ignored, in memory) and writes back
 * the superblock, every group descriptor and the first inodes with their
 * checksums recomputed; the mutated fields themselves are kept. Mutants
 * that libext2fs cannot open are passed on unchanged.
 */
#include "fuzz_fs.h"

#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FIX_INODES 64u /* inodes rewritten with a fresh checksum */

/* weak: the replay builds (fuzz_replay.c) have no libFuzzer */
__attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size,
					      size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fs(data, size, "ext4", "handles=2");
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool has_csums(const uint8_t *data, size_t size)
{
	const uint8_t *sb = data + SUPERBLOCK_OFFSET;

	if (size < SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE)
		return false;
	if ((sb[56] | sb[57] << 8) != EXT2_SUPER_MAGIC)
		return false;
	return le32(sb + 100) & (EXT4_FEATURE_RO_COMPAT_METADATA_CSUM |
				 EXT4_FEATURE_RO_COMPAT_GDT_CSUM);
}

static void fix_checksums(uint8_t *data, size_t size)
{
	char name[64];
	ext2_filsys fs = NULL;
	int fd;

	fd = memfd_create("fuzz-ext-fix", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	if (ext2fs_open2(name, NULL,
			 EXT2_FLAG_RW | EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP |
				 EXT2_FLAG_IGNORE_CSUM_ERRORS |
				 EXT2_FLAG_MASTER_SB_ONLY,
			 0, 0, unix_io_manager, &fs))
		goto out;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++)
		ext2fs_group_desc_csum_set(fs, g);
	for (ext2_ino_t i = 1;
	     i <= FIX_INODES && i <= fs->super->s_inodes_count; i++) {
		struct ext2_inode_large in;

		if (ext2fs_read_inode_full(fs, i, (struct ext2_inode *)&in,
					   sizeof(in)))
			continue;
		(void)ext2fs_write_inode_full(fs, i, (struct ext2_inode *)&in,
					      sizeof(in));
	}
	/* libext2fs stamps the write time on close: a fixed one, or the
	 * mutants (and CI's fixed-seed run) would depend on the clock */
	fs->now = 1;
	ext2fs_mark_super_dirty(fs);
	/* flushes the superblock and descriptors, checksums set */
	if (ext2fs_close_free(&fs))
		goto out;
	if (pread(fd, data, size, 0) != (ssize_t)size)
		goto out;
out:
	if (fs)
		ext2fs_free(fs);
	close(fd);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed)
{
	static int plain = -1;

	(void)seed;
	if (plain < 0) /* FSIMG_FUZZ_PLAIN=1: plain mutation, to compare */
		plain = getenv("FSIMG_FUZZ_PLAIN") != NULL;
	size = LLVMFuzzerMutate(data, size, max);
	if (!plain && has_csums(data, size))
		fix_checksums(data, size);
	return size;
}
