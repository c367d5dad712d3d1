/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress bar:
 * "  37% [#######.......] 1.2 GiB / 3.3 GiB  210 MiB/s  ETA 0:10".
 * Drawn on stderr with a carriage return, at most five times a second, and
 * only when stderr is a terminal. Messages erase it first (progress_clear).
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct progress {
	uint64_t total, done;
	double start, last;
	bool shown;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool progress_possible(bool quiet)
{
	return !quiet && isatty(STDERR_FILENO);
}

struct progress *progress_new(uint64_t total, bool quiet)
{
	struct progress *p;

	if (!progress_possible(quiet) || total < PROGRESS_MIN_TOTAL)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->total = total;
	p->start = p->last = now();
	return p;
}

/* "123.4 MiB" */
static void human(double v, char *buf, size_t size)
{
	static const char *const unit[] = { "B",   "KiB", "MiB",
					    "GiB", "TiB", "PiB" };
	unsigned u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static unsigned term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* "1:05", "2:01:05", or "--:--" before a rate is known. */
static void duration_string(double secs, char *buf, size_t size)
{
	unsigned long s = (unsigned long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
}

static void eta_string(const struct progress *p, double elapsed, char *buf,
		       size_t size)
{
	double rate = elapsed > 0 ? (double)p->done / elapsed : 0;

	if (rate <= 0 || elapsed < 0.5) {
		snprintf(buf, size, "--:--");
		return;
	}
	duration_string(
		p->done >= p->total ? 0 : (double)(p->total - p->done) / rate,
		buf, size);
}

static void draw(struct progress *p, double t)
{
	char done[32], total[32], rate[32], bar[64], eta[32];
	double elapsed = t - p->start;
	double frac = p->total ? (double)p->done / (double)p->total : 1;
	unsigned width = term_width() - 60, fill;

	if (frac > 1)
		frac = 1;
	if (width > sizeof(bar) - 1)
		width = sizeof(bar) - 1;
	fill = (unsigned)(frac * width);
	for (unsigned i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	human((double)p->done, done, sizeof(done));
	human((double)p->total, total, sizeof(total));
	human(elapsed > 0 ? (double)p->done / elapsed : 0, rate, sizeof(rate));
	eta_string(p, elapsed, eta, sizeof(eta));
	fprintf(stderr, "\r%4u%% [%s] %s / %s  %s/s  ETA %s\033[K",
		(unsigned)(frac * 100), bar, done, total, rate, eta);
	fflush(stderr);
	p->shown = true;
	p->last = t;
}

void progress_add(struct progress *p, uint64_t bytes)
{
	double t;

	if (!p)
		return;
	p->done += bytes;
	t = now();
	if (t - p->last >= 0.2 || !p->shown)
		draw(p, t);
}

void progress_clear(struct progress *p)
{
	if (!p || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	p->shown = false;
}

void progress_free(struct progress *p)
{
	progress_clear(p);
	free(p);
}

void progress_done(struct progress *p, unsigned long files)
{
	char done[32], rate[32], took[32];
	double elapsed;

	if (!p)
		return;
	elapsed = now() - p->start;
	progress_clear(p);
	human((double)p->done, done, sizeof(done));
	human(elapsed > 0 ? (double)p->done / elapsed : 0, rate, sizeof(rate));
	duration_string(elapsed, took, sizeof(took));
	fprintf(stderr, "fsimg: %s in %lu file%s, %s, %s/s\n", done, files,
		files == 1 ? "" : "s", took, rate);
	free(p);
}
