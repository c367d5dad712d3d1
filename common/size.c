/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes on the command line (size.h). */
#include "size.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_size(const char *s, bool suffix, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (suffix && *end) {
		const char *units = "KMG";
		const char *u = strchr(units, *end & ~0x20);

		if (!u || !*u)
			return -1;
		shift = 10 * (unsigned)(u - units + 1);
		end++;
		if ((*end & ~0x20) == 'I' && (end[1] & ~0x20) == 'B')
			end += 2;
		else if ((*end & ~0x20) == 'B')
			end++;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
