/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: the lexer. Reads grub.cfg text as GRUB's shell-like language
 * does: a word ends at a blank or a metacharacter (newline ; { } | & < >);
 * a backslash takes the next character as it is, single quotes keep
 * everything, double quotes expand variables and take a backslash only
 * before $, " and a backslash; a backslash-newline continues the line;
 * '#' starts a comment. $var and ${var} are expanded as they are read, an
 * unquoted expansion split into words at blanks. Words go to the caller's
 * argv, or are only read over in a block that does not run.
 */
#include "grub2.h"

#include <string.h>

/* --- characters ----------------------------------------------------------- */

/* GRUB's metacharacters end a word. */
static bool meta(char ch)
{
	return text_blank(ch) || ch == '\n' || ch == ';' || ch == '{' ||
	       ch == '}' || ch == '|' || ch == '&' || ch == '<' || ch == '>';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static const struct {
	const char *word;
	int kw;
} keywords[] = {
	{ "if", K_IF },
	{ "then", K_THEN },
	{ "elif", K_ELIF },
	{ "else", K_ELSE },
	{ "fi", K_FI },
	{ "for", K_FOR },
	{ "while", K_WHILE },
	{ "until", K_UNTIL },
	{ "do", K_DO },
	{ "done", K_DONE },
	{ "function", K_FUNCTION },
	{ "menuentry", K_MENUENTRY },
	{ "submenu", K_SUBMENU },
	{ "!", K_NOT },
};

/* --- the lexer ------------------------------------------------------------ */

static void fput(struct rd *r, const char *s, size_t n)
{
	struct g2 *c = r->c;
	size_t room = BOOT_STR_MAX - c->flen;

	if (!r->keep)
		return;
	if (n > room) {
		if (!c->warned_long)
			grub2_warn(r, r->tline,
				   "a word longer than %u bytes: cut",
				   BOOT_STR_MAX);
		c->warned_long = true;
		n = room;
	}
	memcpy(c->field + c->flen, s, n);
	c->flen += n;
	c->fexists = true;
}

/* Ends the word being read: it becomes the next argument. */
static void fpush(struct rd *r, struct argv *out)
{
	struct g2 *c = r->c;

	if (out && c->fexists) {
		if (out->n == G2_MAX_WORDS) {
			if (!c->warned_words)
				grub2_warn(r, r->tline,
					   "more than %u words in one command: "
					   "the rest are left out",
					   G2_MAX_WORDS);
			c->warned_words = true;
		} else if (!(out->v[out->n] = text_dup(c->field, c->flen))) {
			grub2_out_of_memory(c);
		} else {
			out->n++;
		}
	}
	c->flen = 0;
	c->fexists = false;
}

/*
 * A variable reference after a '$' at p: $name, ${name}, $1, $?, ...
 * Gives the name and returns where the reference ends; NULL when there is
 * none (the '$' is then a plain character).
 */
const char *grub2_var_ref(const char *p, const char *end, const char **name,
			  size_t *n)
{
	bool brace = p < end && *p == '{';
	const char *q = p + brace, *start = q;

	if (q < end && is_alpha(*q))
		while (q < end && (is_alpha(*q) || grub2_is_digit(*q)))
			q++;
	else if (q < end && grub2_is_digit(*q))
		while (q < end && grub2_is_digit(*q))
			q++;
	else if (q < end && (*q == '?' || *q == '#' || *q == '*' || *q == '@'))
		q++;
	else
		return NULL;
	if (brace && (q >= end || *q != '}'))
		return NULL;
	*name = start;
	*n = (size_t)(q - start);
	return q + brace;
}

/* The value of a referenced variable; NULL when it is unset. */
const char *grub2_lookup(struct g2 *c, const char *name, size_t n)
{
	int i;

	if (n == 1 && *name == '?')
		return c->status ? "0" : "1";
	if (n > G2_MAX_NAME || !is_alpha(*name))
		return NULL; /* no positional parameters outside functions */
	i = grub2_var_find(c, name, n);
	return i < 0 ? NULL : c->vars[i].value;
}

static void expand(struct rd *r, struct argv *out, const char *name, size_t n,
		   bool split)
{
	struct g2 *c = r->c;
	const char *v;
	size_t len;

	if (!r->keep || !grub2_spend(r))
		return;
	v = grub2_lookup(c, name, n);
	if (!v)
		return;
	len = strlen(v);
	c->expanded += len;
	if (c->expanded > G2_MAX_EXPANDED) {
		grub2_warn(r, r->tline,
			   "variables expanded to more than %lu bytes: the "
			   "rest of the configuration is not read",
			   G2_MAX_EXPANDED);
		c->stop = true;
		return;
	}
	if (!split) {
		fput(r, v, len);
		return;
	}
	/* unquoted: the value is split into words at blanks */
	for (size_t i = 0; i < len;) {
		size_t k = i;

		if (text_blank(v[i]) || v[i] == '\n') {
			fpush(r, out);
			i++;
			continue;
		}
		while (k < len && !text_blank(v[k]) && v[k] != '\n')
			k++;
		fput(r, v + i, k - i);
		i = k;
	}
}

static void lex_dollar(struct rd *r, struct argv *out, bool split)
{
	const char *name, *q;
	size_t n;

	q = grub2_var_ref(r->p + 1, r->end, &name, &n);
	r->plain = false;
	if (!q) {
		fput(r, r->p++, 1);
		return;
	}
	r->p = q;
	expand(r, out, name, n, split);
}

static void lex_escape(struct rd *r)
{
	r->plain = false;
	if (r->p + 1 >= r->end) {
		r->p++;
		return;
	}
	if (r->p[1] == '\n') { /* a line continuation */
		r->line++;
	} else {
		fput(r, r->p + 1, 1);
	}
	r->p += 2;
}

static void lex_squote(struct rd *r)
{
	const char *q = r->p + 1;
	unsigned line = r->line;

	r->plain = false;
	fput(r, q, 0);
	while (q < r->end && *q != '\'') {
		const char *k = q;

		while (k < r->end && *k != '\'' && *k != '\n')
			k++;
		fput(r, q, (size_t)(k - q));
		if (k < r->end && *k == '\n') {
			fput(r, k++, 1);
			r->line++;
		}
		q = k;
	}
	if (q >= r->end)
		grub2_warn(r, line, "a quote (') opened here is not closed");
	r->p = q < r->end ? q + 1 : q;
}

static void lex_dquote(struct rd *r, struct argv *out)
{
	unsigned line = r->line;

	r->plain = false;
	fput(r, r->p, 0);
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		const char *k = r->p;

		if (*k == '\\' && k + 1 < r->end &&
		    (k[1] == '$' || k[1] == '"' || k[1] == '\\')) {
			fput(r, k + 1, 1);
			r->p += 2;
		} else if (*k == '\\' && k + 1 < r->end && k[1] == '\n') {
			r->line++;
			r->p += 2;
		} else if (*k == '$') {
			lex_dollar(r, out, false);
		} else {
			if (*k == '\n')
				r->line++;
			k++;
			while (k < r->end && *k != '"' && *k != '\\' &&
			       *k != '$' && *k != '\n')
				k++;
			fput(r, r->p, (size_t)(k - r->p));
			r->p = k;
		}
	}
	if (r->p >= r->end)
		grub2_warn(r, line, "a quote (\") opened here is not closed");
	else
		r->p++;
}

static int lex_word(struct rd *r, struct argv *out)
{
	const char *start = r->p;
	size_t n;

	r->plain = true;
	r->bad = false;
	if (*r->p == '|' || *r->p == '&' || *r->p == '<' || *r->p == '>') {
		r->bad = true;
		r->plain = false;
		fput(r, r->p++, 1);
		fpush(r, out);
		return T_WORD;
	}
	while (r->p < r->end && !meta(*r->p)) {
		const char *k = r->p;

		switch (*k) {
		case '\\':
			lex_escape(r);
			break;
		case '\'':
			lex_squote(r);
			break;
		case '"':
			lex_dquote(r, out);
			break;
		case '$':
			lex_dollar(r, out, true);
			break;
		default:
			while (k < r->end && !meta(*k) && *k != '\\' &&
			       *k != '\'' && *k != '"' && *k != '$')
				k++;
			fput(r, r->p, (size_t)(k - r->p));
			r->p = k;
		}
	}
	n = (size_t)(r->p - start);
	if (!r->plain || n >= sizeof(r->kw))
		n = 0;
	memcpy(r->kw, start, n);
	r->kw[n] = 0;
	fpush(r, out);
	return T_WORD;
}

/*
 * The next token. Words are expanded and added to out; with out NULL they
 * are only read over (a block that does not run).
 */
int grub2_lex(struct rd *r, struct argv *out)
{
	if (r->pushed) {
		int t = r->pushed;

		r->pushed = 0;
		return t;
	}
	r->keep = out != NULL;
	r->plain = false;
	r->bad = false;
	r->kw[0] = 0;
	if (!grub2_spend(r))
		return T_EOF;
	for (;;) {
		while (r->p < r->end && (text_blank(*r->p) ||
					 (*r->p == '\\' && r->p + 1 < r->end &&
					  r->p[1] == '\n'))) {
			if (*r->p == '\\') {
				r->line++;
				r->p++;
			}
			r->p++;
		}
		r->tline = r->line;
		if (r->p >= r->end)
			return T_EOF;
		switch (*r->p) {
		case '#':
			while (r->p < r->end && *r->p != '\n')
				r->p++;
			continue;
		case '\n':
			r->p++;
			r->line++;
			return T_NL;
		case ';':
			r->p++;
			return T_SEMI;
		case '{':
			r->p++;
			return T_LBR;
		case '}':
			r->p++;
			return T_RBR;
		default:
			return lex_word(r, out);
		}
	}
}

int grub2_keyword(const struct rd *r)
{
	if (!r->plain)
		return 0;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(r->kw, keywords[i].word))
			return keywords[i].kw;
	return 0;
}
