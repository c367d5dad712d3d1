/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the harnesses of sources (fuzz_container, fuzz_lvm): a range read
 * through the plain runs fsimg_source_plain() resolves it to, which must
 * agree with the source's own reading of it.
 */
#ifndef FSIMG_FUZZ_PLAIN_H
#define FSIMG_FUZZ_PLAIN_H

#include "internal.h"

#include <unistd.h>

/*
 * [off, off + len) of s through its plain runs; -1 when they fail (a
 * range that must be decoded). Traps on a run that makes no progress, or
 * (file_size not 0) one outside [0, file_size) of its file.
 */
static inline int fuzz_read_plain(struct fsimg_source *s, uint64_t off,
				  uint8_t *buf, size_t len, uint64_t file_size)
{
	while (len) {
		struct fsimg_plain p;
		int rc = fsimg_source_plain(s, off, len, &p);
		size_t n;

		if (rc <= 0)
			return -1;
		if (p.len == 0)
			__builtin_trap(); /* no progress */
		n = p.len < len ? (size_t)p.len : len;
		if (file_size && p.fd >= 0 &&
		    (p.off > file_size || n > file_size - p.off))
			__builtin_trap(); /* outside the file */
		if (p.fd < 0)
			memset(buf, 0, n);
		else if (pread(p.fd, buf, n, (off_t)p.off) != (ssize_t)n)
			return -1;
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

#endif /* FSIMG_FUZZ_PLAIN_H */
