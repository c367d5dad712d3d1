/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Diagnostics, debug masks, option lists and text helpers. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

unsigned fsimg_debug_mask;

static const struct {
	const char *name;
	unsigned mask;
} debug_names[] = {
	{ "src", FSIMG_DBG_SRC },     { "probe", FSIMG_DBG_PROBE },
	{ "cache", FSIMG_DBG_CACHE }, { "part", FSIMG_DBG_PART },
	{ "boot", FSIMG_DBG_BOOT },   { "all", FSIMG_DBG_ALL },
};

static bool word_is(const char *p, size_t n, const char *word)
{
	return word && strlen(word) == n && !strncmp(p, word, n);
}

/* The bit of the driver that answers to the n bytes at p, or 0. */
static unsigned driver_bit(const char *p, size_t n)
{
	for (unsigned i = 0; fsimg_drivers[i] && i < 24; i++) {
		const struct fsimg_driver *d = fsimg_drivers[i];
		bool hit = word_is(p, n, d->debug) || word_is(p, n, d->name);

		for (unsigned a = 0; d->aliases && d->aliases[a]; a++)
			hit = hit || word_is(p, n, d->aliases[a]);
		if (hit)
			return FSIMG_DBG_DRIVER0 << i;
	}
	return 0;
}

bool fsimg_debug_driver(const struct fsimg_driver *d)
{
	for (unsigned i = 0; fsimg_drivers[i] && i < 24; i++)
		if (fsimg_drivers[i] == d)
			return fsimg_debug_mask & (FSIMG_DBG_DRIVER0 << i);
	return false;
}

static void debug_init_once(void)
{
	const char *env = getenv("FSIMG_DEBUG");
	unsigned mask = 0;

	if (!env)
		return;
	for (const char *p = env; *p;) {
		size_t n = strcspn(p, ",");
		for (size_t i = 0;
		     i < sizeof(debug_names) / sizeof(debug_names[0]); i++)
			if (word_is(p, n, debug_names[i].name))
				mask |= debug_names[i].mask;
		mask |= driver_bit(p, n);
		p += n;
		if (*p)
			p++;
	}
	fsimg_debug_mask = mask;
}

void fsimg_debug_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, debug_init_once);
}

void fsimg_debug_print(const char *sub, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "fsimg[%s]: %s\n", sub, line);
}

static _Thread_local unsigned quiet;

void fsimg_quiet(bool on)
{
	if (on)
		quiet++;
	else if (quiet)
		quiet--;
}

int fsimg_verr(fsimg_image *img, int err, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!img || !img->log_fn || quiet)
		return err;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	img->log_fn(img->log_ctx, err, msg);
	return err;
}

int fsimg_err(fsimg_image *img, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = fsimg_verr(img, err, fmt, ap);
	va_end(ap);
	return err;
}

int fsimg_werr(const struct fsimg_window *w, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!w->img || !w->img->log_fn)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->label)
		return fsimg_err(w->img, err, "%s: %s", w->label, msg);
	return fsimg_err(w->img, err, "%s", msg);
}

void fsimg_strcpy_trunc(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* --- option lists ------------------------------------------------------- */

int fsimg_opts_parse(struct fsimg_opts *o, const char *s)
{
	char *p;

	memset(o, 0, sizeof(*o));
	if (!s || !*s)
		return 0;
	o->buf = strdup(s);
	if (!o->buf)
		return -ENOMEM;
	for (p = o->buf; p;) {
		char *comma = strchr(p, ',');
		char *eq;

		if (comma)
			*comma = '\0';
		if (*p) {
			if (o->count == FSIMG_OPTS_MAX) {
				fsimg_opts_free(o);
				return -E2BIG;
			}
			eq = strchr(p, '=');
			if (eq)
				*eq = '\0';
			o->opt[o->count].key = p;
			o->opt[o->count].value = eq ? eq + 1 : NULL;
			o->count++;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

void fsimg_opts_free(struct fsimg_opts *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

bool fsimg_opt_take(struct fsimg_opts *o, const char *key, const char **value)
{
	bool found = false;

	/* The last occurrence wins, as with mount(8). */
	for (unsigned i = 0; i < o->count; i++) {
		if (strcmp(o->opt[i].key, key))
			continue;
		o->opt[i].taken = true;
		if (value)
			*value = o->opt[i].value;
		found = true;
	}
	return found;
}

int fsimg_opt_take_uint(struct fsimg_opts *o, const char *key, int base,
			uint64_t max, uint64_t *out, bool *present)
{
	const char *v = NULL;
	char *end;
	unsigned long long n;

	*present = fsimg_opt_take(o, key, &v);
	if (!*present)
		return 0;
	if (!v || !*v || *v == '-')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, base);
	if (errno || *end || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

const char *fsimg_opts_untaken(const struct fsimg_opts *o)
{
	for (unsigned i = 0; i < o->count; i++)
		if (!o->opt[i].taken)
			return o->opt[i].key;
	return NULL;
}

/* --- text ----------------------------------------------------------------- */

size_t fsimg_utf8_put(char *dst, size_t room, uint32_t cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		if (room < 1)
			return 0;
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		if (room < 2)
			return 0;
		dst[0] = (char)(0xC0 | cp >> 6);
		dst[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		if (room < 3)
			return 0;
		dst[0] = (char)(0xE0 | cp >> 12);
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		dst[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (room < 4)
		return 0;
	dst[0] = (char)(0xF0 | cp >> 18);
	dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	dst[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int fsimg_utf16_to_utf8(const uint8_t *src, size_t units, bool big_endian,
			char *dst, size_t room)
{
	size_t out = 0;

	if (room == 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < units; i++) {
		uint32_t cp = big_endian ? get_be16(src + 2 * i)
					 : get_le16(src + 2 * i);
		size_t n;

		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units) {
			uint32_t lo = big_endian ? get_be16(src + 2 * i + 2)
						 : get_le16(src + 2 * i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				i++;
			}
		}
		n = fsimg_utf8_put(dst + out, room - 1 - out, cp);
		if (n == 0)
			return -ENAMETOOLONG;
		out += n;
	}
	dst[out] = '\0';
	return (int)out;
}

int64_t fsimg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil, for any year. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int fsimg_detail_text(fsimg_typed_detail_fn fn, void *ctx,
			     const char *key, const char *value)
{
	return fn(ctx, key, FSIMG_DETAIL_TEXT, value);
}

static int fsimg_detail_num(fsimg_typed_detail_fn fn, void *ctx,
			    const char *key, uint64_t value)
{
	char v[24];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
	return fn(ctx, key, FSIMG_DETAIL_NUMBER, v);
}

static int fsimg_detail_bool(fsimg_typed_detail_fn fn, void *ctx,
			     const char *key, bool value)
{
	return fn(ctx, key, FSIMG_DETAIL_BOOL, value ? "yes" : "no");
}

void fsimg_details_text(struct fsimg_details *d, const char *key,
			const char *fmt, ...)
{
	char v[1024];
	va_list ap;

	if (d->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	d->rc = fsimg_detail_text(d->fn, d->ctx, key, v);
}

void fsimg_details_num(struct fsimg_details *d, const char *key, uint64_t value)
{
	if (!d->rc)
		d->rc = fsimg_detail_num(d->fn, d->ctx, key, value);
}

void fsimg_details_bool(struct fsimg_details *d, const char *key, bool value)
{
	if (!d->rc)
		d->rc = fsimg_detail_bool(d->fn, d->ctx, key, value);
}

/* fsimg_detail_fn as fsimg_typed_detail_fn: the kind dropped */
struct untyped {
	fsimg_detail_fn fn;
	void *ctx;
};

static int untyped_fn(void *ctx, const char *key, enum fsimg_detail_kind kind,
		      const char *value)
{
	struct untyped *u = ctx;

	(void)kind;
	return u->fn(u->ctx, key, value);
}

int fsimg_fs_details(fsimg_fs *fs, fsimg_detail_fn fn, void *ctx)
{
	struct untyped u = { fn, ctx };

	return fsimg_fs_details_typed(fs, untyped_fn, &u);
}

int fsimg_image_details(fsimg_image *img, fsimg_detail_fn fn, void *ctx)
{
	struct untyped u = { fn, ctx };

	return fsimg_image_details_typed(img, untyped_fn, &u);
}

const char *fsimg_version(void)
{
	return FSIMG_VERSION;
}

bool fsimg_mode_known(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	default:
		return false;
	}
}
