/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-boot's loader.conf: the default of a list of sorted entries is
 * the first whose id matches the glob of its "default" key, read from the
 * loader.conf beside the entries, else from the first filesystem holding
 * /loader/loader.conf (the ESP). Globs are matched without backtracking
 * blow-up.
 */
#include "bls.h"

#include <stdlib.h>
#include <string.h>

/* --- globs (loader.conf "default") ---------------------------------------- */

/*
 * A bracket expression at p ("[a-z]", "[!0-9]") against c. *end is past
 * its ']', or NULL when it has none (the '[' is then a plain character).
 */
static bool glob_class(const char *p, char c, const char **end)
{
	const char *q = p + 1;
	bool neg = false, hit = false;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	for (bool first = true; *q && (first || *q != ']'); first = false) {
		char lo = *q++, hi = lo;

		if (q[0] == '-' && q[1] && q[1] != ']') {
			hi = q[1];
			q += 2;
		}
		if (bls_lower(c) >= bls_lower(lo) &&
		    bls_lower(c) <= bls_lower(hi))
			hit = true;
	}
	*end = *q == ']' ? q + 1 : NULL;
	return *end && hit != neg;
}

/*
 * fnmatch(3) without flags, ASCII case folded (the ESP is FAT), for '*',
 * '?', '[...]' and '\'. A mismatch goes back to the last '*' only, which
 * is enough for globs and keeps the cost at length(p) * length(s);
 * glibc's fnmatch backtracks into every '*' of a hostile pattern.
 */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		const char *next = NULL, *end = NULL;

		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		if (*p == '?')
			next = p + 1;
		else if (*p == '[' && glob_class(p, *s, &end))
			next = end;
		else if (*p == '[' && !end && *s == '[')
			next = p + 1;
		else if (*p == '\\' && p[1] && bls_lower(p[1]) == bls_lower(*s))
			next = p + 2;
		else if (*p && *p != '[' && *p != '\\' &&
			 bls_lower(*p) == bls_lower(*s))
			next = p + 1;
		if (next) {
			p = next;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* --- systemd-boot's loader.conf ------------------------------------------- */

/*
 * The last "default" of loader.conf text into *pattern (NULL: none). As
 * systemd-boot does, a value in double quotes loses them.
 */
static int loader_parse(const char *text, char **pattern)
{
	struct text_lines t;
	const char *s;
	size_t len;

	*pattern = NULL;
	text_lines_init(&t, text);
	while (text_next_line(&t, &s, &len)) {
		size_t v = 7;

		if (len <= 8 || memcmp(s, "default", 7) ||
		    (s[7] != ' ' && s[7] != '\t'))
			continue;
		while (v < len && (s[v] == ' ' || s[v] == '\t'))
			v++;
		if (len - v >= 2 && s[v] == '"' && s[len - 1] == '"') {
			v++;
			len--;
		}
		free(*pattern);
		*pattern =
			text_dup(s + v, len - v > BLS_FIELD_MAX ? BLS_FIELD_MAX
								: len - v);
		if (!*pattern)
			return -ENOMEM;
	}
	return 0;
}

/* loader.conf beside the entries of fs, else on the ESP. */
static struct boot_fs *loader_find(const struct bls_ctx *c, const char **path)
{
	static const char *const paths[] = { "/loader/loader.conf",
					     "/boot/loader/loader.conf" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (boot_is_file(c->s, c->fs, paths[i])) {
			*path = paths[i];
			return c->fs;
		}
	*path = paths[0];
	return boot_fs_by_file(c->s, paths[0]);
}

/* The first entry of l whose id, with or without suffix, matches. */
static int loader_match(const struct bls_list *l, const char *pattern,
			const char *suffix, long *found)
{
	*found = -1;
	for (size_t i = 0; *found < 0 && i < l->n; i++) {
		const struct bls_entry *b = l->v[i];
		size_t n = strlen(b->id);
		char *name = malloc(n + strlen(suffix) + 1);

		if (!name)
			return -ENOMEM;
		memcpy(name, b->id, n);
		strcpy(name + n, suffix);
		if (glob_match(pattern, b->id) || glob_match(pattern, name) ||
		    glob_match(pattern, b->name))
			*found = (long)i;
		free(name);
	}
	return 0;
}

/*
 * The index in l (sorted) of systemd-boot's default: the first entry
 * loader.conf's "default" matches, else 0.
 */
int bls_loader_default(const struct bls_ctx *c, const struct bls_list *l,
		       const char *suffix, long *dflt)
{
	const char *path;
	struct boot_fs *fs = loader_find(c, &path);
	char *text, *pattern;
	size_t len;
	long found = -1;
	int rc;

	*dflt = 0;
	if (!fs || !boot_config_claim(c->s, fs, path))
		return 0;
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	rc = loader_parse(text, &pattern);
	free(text);
	/* @saved: the EFI variable LoaderEntryDefault, not in the image */
	if (!rc && pattern && strcmp(pattern, "@saved"))
		rc = loader_match(l, pattern, suffix, &found);
	if (!rc && pattern && found < 0)
		boot_debug("%s: default '%s' matches no entry of %s: the first",
			   path, pattern, c->fs->spec);
	if (found > 0)
		*dflt = found;
	free(pattern);
	return rc;
}
