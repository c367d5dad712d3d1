/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable string, and mount option strings built with it.
 *
 * Appends never fail loudly: when memory runs out the buffer keeps what it
 * held, sets oom and ignores every later append, so a caller checks once,
 * after the last append, before using the string. b->s is NUL-terminated
 * whenever it is not NULL; it is NULL until the first append (or
 * sb_init()). The buffer owns b->s; sb_free() releases it, and a caller
 * that keeps the string takes b->s and does not call sb_free().
 */
#ifndef FSIMG_STRBUF_H
#define FSIMG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

/* Starts b with an empty string (b->s is "" unless b->oom). */
void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);

/* Cuts b back to len bytes; a longer len changes nothing. */
void sb_setlen(struct strbuf *b, size_t len);

void sb_addn(struct strbuf *b, const char *s, size_t n);
void sb_add(struct strbuf *b, const char *s);
void sb_addc(struct strbuf *b, char ch);
void sb_addf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends "/" (unless b ends in one) and then name. */
void sb_addpath(struct strbuf *b, const char *name);

/*
 * One option of a comma-separated mount option string: a comma (unless b
 * is empty), name, and "=value" when value is not NULL. Nothing is escaped
 * or checked: name and value are taken as written (name may itself be
 * several options, as a -o argument is).
 */
void sb_addoptn(struct strbuf *b, const char *name, size_t namesz,
		const char *value, size_t valuesz);
void sb_addopt(struct strbuf *b, const char *name, const char *value);
/* A comma (unless b is empty), then the formatted text as it comes out. */
void sb_addoptf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The same with every ',' and '\' of value escaped by a '\', as libfuse's
 * fusermount3 unescapes option values (fsname= holding a path).
 */
void sb_addopt_escaped(struct strbuf *b, const char *name, const char *value);

#endif /* FSIMG_STRBUF_H */
