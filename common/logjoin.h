/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Collecting libfsimg's log messages into a fixed buffer, joined by "; ",
 * to be reported as one line with the failure they explain. The buffer
 * is fixed because it crosses a pipe (the mount helper's prober, the FUSE
 * daemon's status) as part of a fixed-size record; what does not fit is
 * cut.
 */
#ifndef FSIMG_LOGJOIN_H
#define FSIMG_LOGJOIN_H

#include <stddef.h>

/* Appends msg to the string in buf (size bytes), after "; " unless empty. */
void logjoin_add(char *buf, size_t size, const char *msg);

struct logjoin {
	char *buf;
	size_t size;
};

/* An fsimg_log_fn: ctx is a struct logjoin; err is not kept. */
void logjoin_cb(void *ctx, int err, const char *msg);

#endif /* FSIMG_LOGJOIN_H */
