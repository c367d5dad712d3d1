/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell patterns in PATH operands (cat, get): "/boot/vmlinuz-*" stands for
 * the names it matches inside the image, as the shell would expand it on a
 * mounted tree. Each component that holds * ? or [ is matched against the
 * names of the directories reached so far (fnmatch, a leading dot only by
 * a dot, as in sh); a backslash quotes the next character (in an operand
 * without patterns, only a backslash before * ? or [ is removed, so
 * names holding backslashes still work as typed). A pattern that
 * matches nothing stays as typed, as sh leaves it, so the command then
 * reports it as missing; names that merely contain such characters can be
 * quoted with a backslash.
 */
#include "cli.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Most names one operand may expand to: a bound a hostile image cannot
 * turn into unbounded memory. */
#define GLOB_MAX 65536u

static bool glob_has_magic(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}

/* s without its quoting backslashes (a new string). */
static char *unquote(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* Does s quote a pattern character ("\*", "\?", "\[")? */
static bool quoted_magic(const char *s)
{
	for (; *s; s++)
		if (*s == '\\' && s[1] && strchr("*?[", s[1]))
			return true;
	return false;
}

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = s;
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

/* The names in directory dir matching pat, appended to out as paths. */
static bool match_dir(struct cli *c, const char *dir, const char *pat,
		      bool dirs_only, struct paths *out)
{
	struct fsimg_stat st;
	struct dirlist l;
	fsimg_ino ino;
	bool ok = true;

	if (fsimg_resolve(c->fs, dir, 0, &ino, &st) || !S_ISDIR(st.mode))
		return true; /* nothing matches here */
	if (dirlist_read(c, ino, &l)) {
		dirlist_free(&l);
		return true;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct dent *d = &l.v[i];

		if (!strcmp(d->name, ".") || !strcmp(d->name, ".."))
			continue;
		if (fnmatch(pat, d->name, FNM_PERIOD))
			continue;
		if (dirs_only && !S_ISDIR(d->st.mode)) {
			/* "pattern/": directories, and links to them */
			char *p = path_join(dir, d->name);
			struct fsimg_stat to;
			fsimg_ino at;
			bool isdir = S_ISLNK(d->st.mode) &&
				     !fsimg_resolve(c->fs, p, 0, &at, &to) &&
				     S_ISDIR(to.mode);

			free(p);
			if (!isdir)
				continue;
		}
		if (out->n >= GLOB_MAX) {
			ok = false;
			break;
		}
		paths_add(out, path_join(dir, d->name));
	}
	dirlist_free(&l);
	return ok;
}

/*
 * The paths pattern stands for, appended to out; false when there are
 * more than GLOB_MAX.
 */
static bool expand(struct cli *c, const char *pattern, struct paths *out)
{
	struct paths cur = { 0 }, next = { 0 };
	const char *p = pattern;
	size_t plen = strlen(pattern);
	bool trailing = plen > 1 && pattern[plen - 1] == '/';
	bool ok = true;

	paths_add(&cur, xstrdup("/"));
	while (ok && *p) {
		const char *end;
		size_t len;
		char *comp;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		for (end = p; *end && *end != '/'; end++)
			if (*end == '\\' && end[1])
				end++;
		len = (size_t)(end - p);
		last = !*end || !end[strspn(end, "/")];
		comp = strndup(p, len);
		if (!comp)
			cli_oom();
		if (!glob_has_magic(comp)) {
			char *name = unquote(p, len);

			for (size_t i = 0; i < cur.n; i++)
				paths_add(&next, path_join(cur.v[i], name));
			free(name);
		} else {
			for (size_t i = 0; ok && i < cur.n; i++)
				ok = match_dir(c, cur.v[i], comp,
					       last && trailing, &next);
		}
		free(comp);
		paths_free(&cur);
		cur = next;
		next = (struct paths){ 0 };
		p = end;
	}
	for (size_t i = 0; ok && i < cur.n; i++) {
		if (out->n >= GLOB_MAX) {
			ok = false;
			break;
		}
		paths_add(out, cur.v[i]);
		cur.v[i] = NULL;
	}
	paths_free(&cur);
	return ok;
}

char **glob_operands(struct cli *c, char **ops, int n, int *nout)
{
	struct paths out = { 0 };
	bool deref = c->dereference, mute = c->mute;

	/* listing only: -L's link checks and any error wait for the real
	 * lookup, which reports them once */
	c->dereference = false;
	c->mute = true;
	for (int i = 0; i < n; i++) {
		size_t before = out.n;

		if (!glob_has_magic(ops[i])) {
			/* only "\*", "\?" and "\[" lose their backslash: other
			 * backslashes may be part of a name */
			paths_add(&out,
				  quoted_magic(ops[i])
					  ? unquote(ops[i], strlen(ops[i]))
					  : xstrdup(ops[i]));
			continue;
		}
		if (!expand(c, ops[i], &out)) {
			c->mute = mute;
			cli_error(c, ops[i],
				  "the pattern matches more than %u names",
				  GLOB_MAX);
			cli_status(c, EXIT_PARTIAL);
			c->mute = true;
			while (out.n > before)
				free(out.v[--out.n]);
			continue;
		}
		if (out.n == before)
			paths_add(&out, xstrdup(ops[i])); /* as sh does */
	}
	c->dereference = deref;
	c->mute = mute;
	*nout = (int)out.n;
	if (!out.n) {
		free(out.v);
		return xmalloc(sizeof(char *));
	}
	return out.v;
}

void glob_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
