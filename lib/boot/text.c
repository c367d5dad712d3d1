/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text helpers shared by the boot configuration readers (bootcfg.h). */
#include "bootcfg.h"

#include <stdlib.h>
#include <string.h>

bool text_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

const char *text_skip_blanks(const char *p)
{
	while (text_blank(*p))
		p++;
	return p;
}

size_t text_word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !text_blank(p[n]))
		n++;
	return n;
}

bool text_next_line(struct text_lines *t, const char **s, size_t *len)
{
	const char *p = t->p, *end;

	if (!p || !*p)
		return false;
	end = p + strcspn(p, "\n");
	t->p = *end ? end + 1 : end;
	t->line++;
	while (p < end && text_blank(*p))
		p++;
	while (end > p && text_blank(end[-1]))
		end--;
	*s = p;
	*len = (size_t)(end - p);
	return true;
}

char *text_dup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

int text_split_word(const char *s, size_t len, bool eq, char **word,
		    char **rest)
{
	size_t w = 0, r;

	*word = *rest = NULL;
	while (w < len && !text_blank(s[w]) && !(eq && s[w] == '='))
		w++;
	r = w;
	while (r < len && text_blank(s[r]))
		r++;
	if (eq && r < len && s[r] == '=') {
		r++;
		while (r < len && text_blank(s[r]))
			r++;
	}
	while (len > r && text_blank(s[len - 1]))
		len--;
	*word = text_dup(s, w);
	*rest = text_dup(s + r, len - r);
	if (!*word || !*rest) {
		free(*word);
		free(*rest);
		*word = *rest = NULL;
		return -ENOMEM;
	}
	return 0;
}

bool text_is(const char *word, const char *keyword)
{
	for (; *word && *keyword; word++, keyword++) {
		char a = *word, b = *keyword;

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return !*word && !*keyword;
}

char *text_join_path(const char *dir, const char *path)
{
	size_t d, p;
	char *out;

	if (path[0] == '/')
		return strdup(path);
	d = strlen(dir);
	while (d > 0 && dir[d - 1] == '/')
		d--;
	p = strlen(path);
	out = malloc(d + p + 2);
	if (!out)
		return NULL;
	memcpy(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, path, p + 1);
	return out;
}
