/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USDT probes (provider "fsimg"), for bpftrace, perf and SystemTap, and
 * for fsimg-snoop. With <sys/sdt.h> (systemtap-sdt-dev) each probe is a NOP
 * and a note in .note.stapsdt, listed by `readelf -n`; without it they
 * compile to nothing. Arguments are evaluated either way: only values
 * already at hand are passed, never something computed for the probe.
 *
 * The probes, with their arguments:
 *   libfsimg
 *     image__read__start  (const char *file, u64 offset, u64 length)
 *     image__read__done   (const char *file, u64 offset, u64 length,
 *                          int result: 0 or -errno)
 *     cache__hit, cache__miss (const char *format, u64 block)
 *                          (blocks of FSIMG_CACHE_BLOCK bytes)
 *     probe               (const char *driver, u64 offset, int result:
 *                          1 recognised, 0 not, -errno)
 *   the FUSE server (fsimg mount, mount.fsimg)
 *     request__start      (const char *op, u64 ino, u64 offset, u64 size,
 *                          const char *name or NULL)
 *     request__done       (const char *op, u64 ino, s64 result: bytes or
 *                          an inode number or 0, or -errno)
 * ino is the FUSE node id; latency is the time between the two request
 * probes of one thread (each request is served by one thread).
 */
#ifndef FSIMG_PROBES_H
#define FSIMG_PROBES_H

#ifdef FSIMG_HAVE_SDT
#include <sys/sdt.h>
#define FSIMG_PROBE2(n, a, b)	       DTRACE_PROBE2(fsimg, n, a, b)
#define FSIMG_PROBE3(n, a, b, c)       DTRACE_PROBE3(fsimg, n, a, b, c)
#define FSIMG_PROBE4(n, a, b, c, d)    DTRACE_PROBE4(fsimg, n, a, b, c, d)
#define FSIMG_PROBE5(n, a, b, c, d, e) DTRACE_PROBE5(fsimg, n, a, b, c, d, e)
#else
#define FSIMG_PROBE2(n, a, b) \
	do {                  \
		(void)(a);    \
		(void)(b);    \
	} while (0)
#define FSIMG_PROBE3(n, a, b, c)       \
	do {                           \
		FSIMG_PROBE2(n, a, b); \
		(void)(c);             \
	} while (0)
#define FSIMG_PROBE4(n, a, b, c, d)       \
	do {                              \
		FSIMG_PROBE3(n, a, b, c); \
		(void)(d);                \
	} while (0)
#define FSIMG_PROBE5(n, a, b, c, d, e)       \
	do {                                 \
		FSIMG_PROBE4(n, a, b, c, d); \
		(void)(e);                   \
	} while (0)
#endif

#endif /* FSIMG_PROBES_H */
