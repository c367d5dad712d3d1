/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal TAP producer for unit tests: ok()/is_int()/is_str() print one
 * test line each; tap_done() prints the plan and returns the exit code.
 */
#ifndef FSIMG_TAP_H
#define FSIMG_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                 \
	do {                                                          \
		int ok_ = !!(cond);                                   \
		tap_n++;                                              \
		if (!ok_)                                             \
			tap_failed++;                                 \
		printf("%sok %d - ", ok_ ? "" : "not ", tap_n);       \
		printf(__VA_ARGS__);                                  \
		printf("\n");                                         \
		if (!ok_)                                             \
			printf("#   at %s:%d\n", __FILE__, __LINE__); \
	} while (0)

#define is_int(got, want, ...)                                           \
	do {                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		ok(g_ == w_, __VA_ARGS__);                               \
		if (g_ != w_)                                            \
			printf("#   got %lld, want %lld\n", g_, w_);     \
	} while (0)

#define is_str(got, want, ...)                                          \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		int eq_ = g_ && w_ && !strcmp(g_, w_);                  \
		ok(eq_, __VA_ARGS__);                                   \
		if (!eq_)                                               \
			printf("#   got '%s', want '%s'\n",             \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

/*
 * Read system calls made so far (/proc/self/io's syscr), -1 unknown. A
 * call reads /proc/self/io once: one more between two counts.
 */
static inline long read_calls(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "syscr: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
