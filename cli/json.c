/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON writer (RFC 8259). The layout is chosen by break_depth: `ls --json`
 * puts each entry object on one line, `info --json` indents everything.
 */
#include "json.h"
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j, FILE *f, unsigned break_depth)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->break_depth = break_depth;
}

static void newline(struct json *j, unsigned depth)
{
	fputc('\n', j->f);
	for (unsigned i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/*
 * Separator and layout before a value or a key at the current depth: a
 * comma after a sibling, then a new indented line at shallow depths or a
 * space inside an inline container.
 */
static void before_item(struct json *j)
{
	bool had;

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	had = j->nonempty[j->depth - 1];
	if (had)
		fputc(',', j->f);
	j->nonempty[j->depth - 1] = true;
	if (j->depth <= j->break_depth)
		newline(j, j->depth);
	else if (had)
		fputc(' ', j->f);
}

static void open_container(struct json *j, char ch)
{
	before_item(j);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort(); /* a programming error: our documents are shallow */
	fputc(ch, j->f);
	j->nonempty[j->depth++] = false;
}

static void close_container(struct json *j, char ch)
{
	bool had = j->nonempty[--j->depth];

	if (had && j->depth + 1 <= j->break_depth)
		newline(j, j->depth);
	fputc(ch, j->f);
}

void json_begin_object(struct json *j)
{
	open_container(j, '{');
}

void json_end_object(struct json *j)
{
	close_container(j, '}');
}

void json_begin_array(struct json *j)
{
	open_container(j, '[');
}

void json_end_array(struct json *j)
{
	close_container(j, ']');
}

static void put_escaped(FILE *f, const unsigned char *p, size_t len);

static void put_string(struct json *j, const char *s, size_t len)
{
	fputc('"', j->f);
	put_escaped(j->f, (const unsigned char *)s, len);
	fputc('"', j->f);
}

void json_key(struct json *j, const char *key)
{
	before_item(j);
	put_string(j, key, strlen(key));
	fputs(": ", j->f);
	j->after_key = true;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool utf8_is_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (!n || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)))
			return false;
		i += n;
	}
	return true;
}

static void put_escaped(FILE *f, const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char ch = p[i];
		size_t n = utf8_seq(p + i, len - i);

		if (n == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (n > 1) {
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
		i++;
	}
}

void json_string_n(struct json *j, const char *s, size_t len)
{
	before_item(j);
	put_string(j, s, len);
}

void json_string(struct json *j, const char *s)
{
	json_string_n(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	before_item(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_uint(struct json *j, uint64_t v)
{
	before_item(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	before_item(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	before_item(j);
	fputs("null", j->f);
}

void json_text(struct json *j, const char *s)
{
	if (s && *s)
		json_string(j, s);
	else
		json_null(j);
}

void json_count(struct json *j, uint64_t v)
{
	if (v)
		json_uint(j, v);
	else
		json_null(j);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}

char *base64_encode(const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = tab[p[i] >> 2];
		*o++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*o++ = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		*o++ = tab[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = tab[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
			*o++ = tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}
