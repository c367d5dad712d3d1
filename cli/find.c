/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg find: the entries below one or more paths of the image that pass
 * every test of an expression, printed one path a line as find(1) prints
 * them: the starting point itself first, then its tree depth-first, each
 * directory's entries in bytewise name order.
 *
 * The expression is find(1)'s, in part: -name, -iname, -path (-wholename),
 * -type, -size, -empty, -not/!, and the options -maxdepth, -mindepth,
 * -print and -print0. Tests all apply (an implicit -a); -o and parentheses
 * are refused rather than read some other way.
 */
#include "cli.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the tests, and (never stored as tests) the depth options */
enum test_kind {
	T_NAME,
	T_INAME,
	T_PATH,
	T_TYPE,
	T_SIZE,
	T_EMPTY,
	O_MAXDEPTH,
	O_MINDEPTH,
};

static const struct {
	const char *name;
	enum test_kind kind;
	bool arg; /* takes the next word */
} primaries[] = {
	{ "-name", T_NAME, true },	   { "-iname", T_INAME, true },
	{ "-path", T_PATH, true },	   { "-wholename", T_PATH, true },
	{ "-type", T_TYPE, true },	   { "-size", T_SIZE, true },
	{ "-empty", T_EMPTY, false },	   { "-maxdepth", O_MAXDEPTH, true },
	{ "-mindepth", O_MINDEPTH, true },
};

struct test {
	enum test_kind kind;
	bool negate;
	const char *glob;
	unsigned types; /* T_TYPE: bits of type_bit() */
	int cmp;	/* T_SIZE: -1 less, 0 equal, 1 more */
	uint64_t count; /* T_SIZE: in units */
	uint64_t unit;	/* T_SIZE: bytes */
};

struct find {
	struct cli *c;
	struct test *tests;
	size_t ntests;
	unsigned maxdepth, mindepth;
	bool print0;
};

static unsigned type_bit(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return 1u << 0;
	case S_IFDIR:
		return 1u << 1;
	case S_IFLNK:
		return 1u << 2;
	case S_IFBLK:
		return 1u << 3;
	case S_IFCHR:
		return 1u << 4;
	case S_IFIFO:
		return 1u << 5;
	case S_IFSOCK:
		return 1u << 6;
	default:
		return 0;
	}
}

static int find_usage(const char *fmt, ...) CLI_PRINTF(1, 2);

static int find_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("fsimg: find: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'fsimg find --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* "f,d,l" */
static bool parse_types(const char *s, unsigned *out)
{
	static const char letters[] = "fdlbcps";

	*out = 0;
	for (;;) {
		const char *p = *s ? strchr(letters, *s) : NULL;

		if (!p)
			return false;
		*out |= 1u << (p - letters);
		s++;
		if (!*s)
			return true;
		if (*s++ != ',')
			return false;
	}
}

/* "[+-]N[bcwkMG]", as find(1) reads -size */
static bool parse_size_test(const char *s, struct test *t)
{
	char *end;

	t->cmp = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	if (t->cmp)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	t->count = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case '\0':
	case 'b':
		t->unit = 512;
		break;
	case 'c':
		t->unit = 1;
		break;
	case 'w':
		t->unit = 2;
		break;
	case 'k':
		t->unit = 1024;
		break;
	case 'M':
		t->unit = 1024 * 1024;
		break;
	case 'G':
		t->unit = 1024 * 1024 * 1024;
		break;
	default:
		return false;
	}
	return !*end || !end[1];
}

static bool parse_depth(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

/*
 * Reads the expression args[0..n-1]. Returns -1 when it is good, else the
 * exit status after a message.
 */
static int parse_expression(struct find *f, char **args, int n)
{
	bool negate = false;

	f->tests = xmalloc(((size_t)n + 1) * sizeof(*f->tests));
	for (int i = 0; i < n; i++) {
		const char *a = args[i], *val = i + 1 < n ? args[i + 1] : NULL;
		struct test t = { .negate = negate };
		bool takes = true;

		if (!strcmp(a, "!") || !strcmp(a, "-not")) {
			negate = !negate;
			continue;
		}
		if (!strcmp(a, "-a") || !strcmp(a, "-and"))
			continue;
		if (!strcmp(a, "-o") || !strcmp(a, "-or") || !strcmp(a, "(") ||
		    !strcmp(a, ")") || !strcmp(a, ","))
			return find_usage("'%s': only tests that all apply are "
					  "supported (no -o, no parentheses)",
					  a);
		if (!strcmp(a, "-print") || !strcmp(a, "-print0")) {
			f->print0 |= !strcmp(a, "-print0");
			continue;
		}
		size_t k;

		for (k = 0; k < sizeof(primaries) / sizeof(primaries[0]); k++)
			if (!strcmp(a, primaries[k].name))
				break;
		if (k == sizeof(primaries) / sizeof(primaries[0]))
			return find_usage("unknown test '%s'", a);
		if (primaries[k].arg && !val)
			return find_usage("'%s' wants an argument", a);
		t.kind = primaries[k].kind;
		switch (t.kind) {
		case T_TYPE:
			if (!parse_types(val, &t.types))
				return find_usage("-type %s: want f, d, l, b, "
						  "c, p or s, or several "
						  "joined by commas",
						  val);
			break;
		case T_SIZE:
			if (!parse_size_test(val, &t))
				return find_usage("-size %s: want [+-]N with "
						  "a unit b, c, w, k, M or G",
						  val);
			break;
		case O_MAXDEPTH:
		case O_MINDEPTH:
			takes = false;
			if (!parse_depth(val, t.kind == O_MAXDEPTH
						      ? &f->maxdepth
						      : &f->mindepth))
				return find_usage("'%s': not a depth", val);
			break;
		default:
			break;
		}
		t.glob = val;
		if (primaries[k].arg)
			i++;
		if (takes) {
			f->tests[f->ntests++] = t;
			negate = false;
		}
	}
	if (negate)
		return find_usage("'%s' wants a test after it", "-not");
	return -1;
}

struct stop_at_one {
	bool any;
};

static int any_entry(void *ctx, const char *name, fsimg_ino ino,
		     const struct fsimg_stat *st, uint64_t next)
{
	struct stop_at_one *s = ctx;

	(void)ino;
	(void)st;
	(void)next;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	s->any = true;
	return 1;
}

static bool is_empty(struct find *f, fsimg_ino ino, const struct fsimg_stat *st)
{
	struct stop_at_one s = { false };

	if (S_ISREG(st->mode))
		return st->size == 0;
	if (!S_ISDIR(st->mode))
		return false;
	/* an unreadable directory is reported when it is walked */
	if (fsimg_readdir(f->c->fs, ino, 0, any_entry, &s) < 0)
		return false;
	return !s.any;
}

static bool passes(struct find *f, const char *path, const char *name,
		   fsimg_ino ino, const struct fsimg_stat *st)
{
	for (size_t i = 0; i < f->ntests; i++) {
		const struct test *t = &f->tests[i];
		bool ok = false;

		switch (t->kind) {
		case T_NAME:
		case T_INAME:
			ok = !fnmatch(t->glob, name,
				      t->kind == T_INAME ? FNM_CASEFOLD : 0);
			break;
		case T_PATH:
			ok = !fnmatch(t->glob, path, 0);
			break;
		case T_TYPE:
			ok = (t->types & type_bit(st->mode)) != 0;
			break;
		case T_SIZE: {
			uint64_t units =
				st->size / t->unit + (st->size % t->unit != 0);

			ok = t->cmp < 0	  ? units < t->count
			     : t->cmp > 0 ? units > t->count
					  : units == t->count;
			break;
		}
		case T_EMPTY:
			ok = is_empty(f, ino, st);
			break;
		case O_MAXDEPTH:
		case O_MINDEPTH:
			break; /* options, never tests */
		}
		if (ok == t->negate)
			return false;
	}
	return true;
}

static void consider(struct find *f, const char *path, const char *name,
		     fsimg_ino ino, const struct fsimg_stat *st, unsigned depth)
{
	if (depth < f->mindepth || !passes(f, path, name, ino, st))
		return;
	if (f->print0) {
		fputs(path, stdout);
		putchar('\0');
	} else {
		print_name(stdout, path);
		putchar('\n');
	}
}

static int find_pre(void *ctx, const struct walk_node *n, void **state)
{
	struct find *f = ctx;

	(void)state;
	if (ferror(stdout))
		return -1;
	consider(f, n->path, n->name, n->ino, n->st, n->depth);
	return S_ISDIR(n->st->mode) && n->depth < f->maxdepth ? 1 : 0;
}

static const struct walk_ops find_walk = { .pre = find_pre };

static void find_one(struct find *f, const char *start)
{
	struct cli *c = f->c;
	size_t len = strlen(start);
	bool slash = len && start[len - 1] == '/';
	struct fsimg_stat st;
	unsigned logged = c->logged;
	fsimg_ino ino;
	char *top;
	int rc;

	/* as find -P: a link given as a start is not followed, unless -L */
	c->ctx_path = start;
	rc = fsimg_resolve(c->fs, start,
			   slash || c->dereference ? 0 : FSIMG_NOFOLLOW, &ino,
			   &st);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, start, rc, logged);
		return;
	}
	/* the start as typed, less trailing slashes ("/" stays) */
	top = xstrdup(start);
	while (len > 1 && top[len - 1] == '/')
		top[--len] = '\0';
	{
		char *norm = path_normalize(top);

		consider(f, top, path_basename(norm), ino, &st, 0);
		free(norm);
	}
	if (S_ISDIR(st.mode) && f->maxdepth > 0)
		walk_tree(c, ino, top, NULL, &find_walk, f);
	free(top);
}

int cmd_find(struct cli *c)
{
	struct find f = { .c = c, .maxdepth = UINT_MAX };
	int nstarts = 0, rc;

	/* the starting points come first: operands that are not tests */
	while (nstarts < c->noperands) {
		const char *a = c->operands[nstarts];

		if ((a[0] == '-' && a[1]) || !strcmp(a, "!") || !strcmp(a, "("))
			break;
		nstarts++;
	}
	rc = parse_expression(&f, c->operands + nstarts,
			      c->noperands - nstarts);
	if (rc >= 0) {
		free(f.tests);
		return rc;
	}
	rc = cli_open(c);
	if (rc) {
		free(f.tests);
		return rc;
	}
	if (!nstarts)
		find_one(&f, "/");
	for (int i = 0; i < nstarts && !ferror(stdout); i++)
		find_one(&f, c->operands[i]);
	free(f.tests);
	return 0;
}
