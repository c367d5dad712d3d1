/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sparse input encoding of the harnesses whose images are megabytes
 * of mostly zeros (containers, XFS), so that they fit in a few KiB of
 * input that libFuzzer can mutate:
 *
 *   "FZSPARSE"  u32 LE file size in 512-byte sectors (at most 64 MiB),
 *               its top bit set to ask the harness to fix checksums
 *   then extents, to the end:  u32 LE offset  u16 LE length  bytes
 *
 * An extent is cut at the end of the input and at the end of the file;
 * what no extent covers reads as zeros (a hole of the memfd). An input
 * without the magic is the file itself.
 */
#ifndef FSIMG_FUZZ_SPARSE_H
#define FSIMG_FUZZ_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Writes the file the input describes into fd; 0, or -1 on a write
 * error. *fix_sums tells whether the checksums are to be recomputed.
 */
int fuzz_sparse_fill(int fd, const uint8_t *data, size_t size, bool *fix_sums);

/*
 * A memfd holding the file the input describes, its checksums fixed by
 * fix (which may be NULL) when the input asks for it; -1 on failure.
 */
int fuzz_sparse_memfd(const uint8_t *data, size_t size, void (*fix)(int fd));

#endif
