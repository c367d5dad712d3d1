/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libfsimg log messages joined into one line (see logjoin.h). */
#include "logjoin.h"

#include <stdio.h>
#include <string.h>

void logjoin_add(char *buf, size_t size, const char *msg)
{
	size_t used = strnlen(buf, size);

	if (used >= size)
		return;
	snprintf(buf + used, size - used, "%s%s", used ? "; " : "", msg);
}

void logjoin_cb(void *ctx, int err, const char *msg)
{
	struct logjoin *lj = ctx;

	(void)err;
	logjoin_add(lj->buf, lj->size, msg);
}
