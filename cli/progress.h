/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A one-line progress bar on stderr for long copies. */
#ifndef FSIMG_CLI_PROGRESS_H
#define FSIMG_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Copies smaller than this finish before a bar would help. */
#define PROGRESS_MIN_TOTAL (64ull << 20)

/*
 * A bar for total bytes, or NULL when none should be drawn: stderr is not
 * a terminal, quiet is set, or total is below PROGRESS_MIN_TOTAL.
 */
struct progress *progress_new(uint64_t total, bool quiet);
/* Whether a bar would be drawn at all (to skip counting the total). */
bool progress_possible(bool quiet);
void progress_add(struct progress *p, uint64_t bytes);
/* Erases the bar so a message can be printed; the next update redraws. */
void progress_clear(struct progress *p);
/* Erases the bar and frees it. p may be NULL. */
void progress_free(struct progress *p);
/*
 * The end of a copy that drew a bar: erases it, prints one summary line
 * ("fsimg: 1.2 GiB in 812 files, 3.4 s, 350 MiB/s"), frees it. p may be
 * NULL (nothing is printed).
 */
void progress_done(struct progress *p, unsigned long files);

#endif
