/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FSIMG_FUZZ_FS_H
#define FSIMG_FUZZ_FS_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Opens data as a filesystem image of fstype and exercises all of it. */
void fuzz_fs(const uint8_t *data, size_t size, const char *fstype,
	     const char *opts);
/* The same on an image already in fd, which it takes over. */
void fuzz_fs_fd(int fd, const char *fstype, const char *opts);

#endif
