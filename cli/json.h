/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer. Strings are written from arbitrary bytes:
 * valid UTF-8 passes through, control characters become \u escapes, and
 * every byte that is not part of valid UTF-8 becomes U+FFFD, so the output
 * is always valid JSON whatever an image holds.
 */
#ifndef FSIMG_CLI_JSON_H
#define FSIMG_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	unsigned depth;
	/*
	 * Values nested at most this deep start on a line of their own,
	 * indented; deeper ones stay on their parent's line.
	 */
	unsigned break_depth;
	bool after_key;
	bool nonempty[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, unsigned break_depth);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* s, or null when it is NULL or empty */
void json_text(struct json *j, const char *s);
/* v, or null when it is 0 (a number that 0 means absent for) */
void json_count(struct json *j, uint64_t v);
/* Ends the document with a newline. */
void json_finish(struct json *j);

/* true when s[0..len) is valid UTF-8 with no NUL and no control character */
bool utf8_is_text(const char *s, size_t len);
/* Base64 (RFC 4648, padded) of len bytes as a new string. */
char *base64_encode(const void *data, size_t len);

#endif
