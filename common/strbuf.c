/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable string (see strbuf.h). Used for image paths in the fsimg
 * command and for the option strings handed to mount(2), libmount,
 * fusermount3 and libfsimg, which must come out byte for byte as built.
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for add more bytes and the NUL; false (and oom) when there is none. */
static bool grow(struct strbuf *b, size_t add)
{
	size_t need = b->len + add + 1, cap;
	char *p;

	if (b->oom)
		return false;
	if (need < add) {
		b->oom = true;
		return false;
	}
	if (b->s && need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	p = realloc(b->s, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	if (!b->s)
		p[0] = '\0';
	b->s = p;
	b->cap = cap;
	return true;
}

void sb_init(struct strbuf *b)
{
	memset(b, 0, sizeof(*b));
	grow(b, 0);
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void sb_setlen(struct strbuf *b, size_t len)
{
	if (b->s && len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

void sb_addn(struct strbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_add(struct strbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_addc(struct strbuf *b, char ch)
{
	sb_addn(b, &ch, 1);
}

static void vaddf(struct strbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vaddf(b, fmt, ap);
	va_end(ap);
}

void sb_addpath(struct strbuf *b, const char *name)
{
	if (!b->len || b->s[b->len - 1] != '/')
		sb_addc(b, '/');
	sb_add(b, name);
}

void sb_addoptn(struct strbuf *b, const char *name, size_t namesz,
		const char *value, size_t valuesz)
{
	if (b->len)
		sb_addc(b, ',');
	sb_addn(b, name, namesz);
	if (value) {
		sb_addc(b, '=');
		sb_addn(b, value, valuesz);
	}
}

void sb_addopt(struct strbuf *b, const char *name, const char *value)
{
	sb_addoptn(b, name, strlen(name), value, value ? strlen(value) : 0);
}

void sb_addoptf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len)
		sb_addc(b, ',');
	va_start(ap, fmt);
	vaddf(b, fmt, ap);
	va_end(ap);
}

void sb_addopt_escaped(struct strbuf *b, const char *name, const char *value)
{
	sb_addopt(b, name, "");
	for (; *value; value++) {
		if (*value == ',' || *value == '\\')
			sb_addc(b, '\\');
		sb_addc(b, *value);
	}
}
