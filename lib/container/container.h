/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers the container readers share (lib/container/util.c).
 */
#ifndef FSIMG_CONTAINER_H
#define FSIMG_CONTAINER_H

#include "internal.h"

/*
 * A name in UTF-16 (big-endian when be) of len bytes, up to its first NUL,
 * as UTF-8 in out (NUL-terminated, at most size bytes with the NUL).
 * Backslashes become slashes when slashes is set (Windows paths).
 * -EINVAL when it does not fit.
 */
int fsimg_utf16_name(const uint8_t *in, size_t len, bool be, bool slashes,
		     char *out, size_t size);

/* CRC-32C (Castagnoli) of len bytes, continuing from crc (0 to start). */
uint32_t fsimg_crc32c(uint32_t crc, const void *buf, size_t len);

#endif /* FSIMG_CONTAINER_H */
