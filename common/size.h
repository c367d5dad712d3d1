/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes on the command line: "512M", "1G", "4096". */
#ifndef FSIMG_SIZE_H
#define FSIMG_SIZE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A decimal number of bytes, with suffix true optionally followed by K, M
 * or G (powers of 1024, "KiB"/"KB" spellings accepted). 0, or -1 when s is
 * not one or does not fit in 64 bits.
 */
int parse_size(const char *s, bool suffix, uint64_t *out);

#endif
