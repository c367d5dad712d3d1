/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: simple commands. The command table, and the commands that only
 * change the state of the run: set, unset and NAME=VALUE; test and [ ];
 * true and false; linux and initrd, which make the entry being run. The
 * commands that read the image are in grub2_load.c.
 */
#include "grub2.h"

#include <stdlib.h>
#include <string.h>

/* --- commands: variables, tests ------------------------------------------- */

/* set NAME=VALUE, or NAME=VALUE as a command */
static bool assign(struct rd *r, char *word, unsigned line)
{
	char *eq = strchr(word, '=');

	if (!eq || eq == word)
		return false;
	*eq = 0;
	grub2_var_set(r->c, word, eq + 1, r->place, line);
	return true;
}

static bool cmd_set(struct rd *r, struct argv *av, unsigned line)
{
	if (av->n < 2 || !strchr(av->v[1], '='))
		return true; /* GRUB prints variables */
	return assign(r, av->v[1], line);
}

static bool cmd_unset(struct rd *r, struct argv *av, unsigned line)
{
	for (unsigned i = 1; i < av->n; i++)
		grub2_var_set(r->c, av->v[i], NULL, r->place, line);
	return true;
}

struct texpr {
	struct rd *r;
	char **v;
	unsigned n, i, line;
};

static bool file_test(struct texpr *t, const char *op, const char *name)
{
	struct rd *r = t->r;
	struct boot_fs *fs;
	const char *path;

	if (!grub2_resolve_path(r, name, t->line, true, &fs, &path) ||
	    !grub2_spend_lookup(r, 1))
		return false;
	/* -s (non-empty) is taken as -f: the size is not looked at */
	if (!strcmp(op, "-d"))
		return boot_is_dir(r->c->s, fs, path);
	if (!strcmp(op, "-e") && boot_is_dir(r->c->s, fs, path))
		return true;
	return boot_is_file(r->c->s, fs, path);
}

static bool binary_op(const char *op)
{
	static const char *const ops[] = { "=",	   "==",  "!=",	 "<",	">",
					   "<=",   ">=",  "-eq", "-ne", "-lt",
					   "-le",  "-gt", "-ge", "-nt", "-ot",
					   "-pgt", "-plt" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i]))
			return true;
	return false;
}

static bool binary(const char *a, const char *op, const char *b)
{
	long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
	int cmp = strcmp(a, b);

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return !cmp;
	if (!strcmp(op, "!="))
		return cmp != 0;
	if (!strcmp(op, "<"))
		return cmp < 0;
	if (!strcmp(op, ">"))
		return cmp > 0;
	if (!strcmp(op, "<="))
		return cmp <= 0;
	if (!strcmp(op, ">="))
		return cmp >= 0;
	if (!strcmp(op, "-eq"))
		return x == y;
	if (!strcmp(op, "-ne"))
		return x != y;
	if (!strcmp(op, "-lt"))
		return x < y;
	if (!strcmp(op, "-le"))
		return x <= y;
	if (!strcmp(op, "-gt"))
		return x > y;
	if (!strcmp(op, "-ge"))
		return x >= y;
	return false; /* file times and version comparisons: not known */
}

/* One test: STRING, -n S, -z S, -f/-e/-d/-s FILE, A OP B, ! TEST. */
static bool t_primary(struct texpr *t)
{
	bool neg = false, v;
	const char *a;

	while (t->i < t->n && !strcmp(t->v[t->i], "!")) {
		neg = !neg;
		t->i++;
	}
	if (t->i >= t->n)
		return neg;
	a = t->v[t->i];
	if (t->i + 2 < t->n && binary_op(t->v[t->i + 1])) {
		v = binary(a, t->v[t->i + 1], t->v[t->i + 2]);
		t->i += 3;
	} else if (t->i + 1 < t->n && (!strcmp(a, "-n") || !strcmp(a, "-z"))) {
		v = (t->v[t->i + 1][0] != 0) == (a[1] == 'n');
		t->i += 2;
	} else if (t->i + 1 < t->n && (!strcmp(a, "-f") || !strcmp(a, "-e") ||
				       !strcmp(a, "-d") || !strcmp(a, "-s"))) {
		v = file_test(t, a, t->v[t->i + 1]);
		t->i += 2;
	} else {
		v = a[0] != 0;
		t->i++;
	}
	return v != neg;
}

/* TEST [-a TEST]... [-o TEST [-a TEST]...]...: -a binds tighter. */
static bool t_expr(struct texpr *t)
{
	bool any = false;

	while (t->i < t->n) {
		bool all = t_primary(t);

		while (t->i < t->n && !strcmp(t->v[t->i], "-a")) {
			t->i++;
			all = t_primary(t) && all;
		}
		any = any || all;
		if (t->i < t->n && !strcmp(t->v[t->i], "-o"))
			t->i++;
		else
			break;
	}
	return any;
}

/* [ EXPR ] and test EXPR */
static bool cmd_test(struct rd *r, struct argv *av, unsigned line)
{
	struct texpr t = { r, av->v + 1, av->n - 1, 0, line };

	if (!strcmp(av->v[0], "[")) {
		if (!t.n || strcmp(t.v[t.n - 1], "]"))
			return false; /* GRUB: "] expected" */
		t.n--;
	}
	return t_expr(&t);
}

static bool cmd_true(struct rd *r, struct argv *av, unsigned line)
{
	(void)r;
	(void)line;
	return strcmp(av->v[0], "false") != 0;
}

/* --- commands: the entry -------------------------------------------------- */

/*
 * The kernel command line GRUB gives: the words joined with spaces, one
 * holding a space put in double quotes, and \ ' " escaped with a
 * backslash (a \xHH sequence is kept as it is).
 */
static char *cmdline(struct g2 *c, const struct argv *av, unsigned from)
{
	size_t cap = BOOT_STR_MAX + 2, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		grub2_out_of_memory(c);
		return NULL;
	}
#define PUT(ch)                          \
	do {                             \
		if (n < cap - 1)         \
			buf[n++] = (ch); \
	} while (0)
	for (unsigned i = from; i < av->n; i++) {
		const char *a = av->v[i];
		bool space = strchr(a, ' ') != NULL;

		if (i > from)
			PUT(' ');
		if (space)
			PUT('"');
		for (size_t k = 0; a[k]; k++) {
			if (a[k] == '\\' && a[k + 1] == 'x' && a[k + 2] &&
			    a[k + 3] &&
			    strchr("0123456789abcdefABCDEF", a[k + 2]) &&
			    strchr("0123456789abcdefABCDEF", a[k + 3])) {
				PUT(a[k]);
				continue;
			}
			if (a[k] == '\\' || a[k] == '\'' || a[k] == '"')
				PUT('\\');
			PUT(a[k]);
		}
		if (space)
			PUT('"');
	}
#undef PUT
	buf[n] = 0;
	return buf;
}

/* linux FILE ARGS... (linux16, linuxefi) */
static bool cmd_linux(struct rd *r, struct argv *av, unsigned line)
{
	struct pending *pd = r->c->pending;
	struct boot_fs *fs;
	const char *path;
	char *kernel, *args;

	if (!pd)
		return false; /* outside an entry: nothing to boot */
	if (av->n < 2) {
		grub2_warn(r, line, "%s without a file", av->v[0]);
		return false;
	}
	if (!grub2_resolve_path(r, av->v[1], line, false, &fs, &path))
		return false;
	kernel = strdup(path);
	args = cmdline(r->c, av, 2);
	if (!kernel || !args) {
		free(kernel);
		free(args);
		grub2_out_of_memory(r->c);
		return false;
	}
	free(pd->kernel);
	free(pd->args);
	pd->kernel = kernel;
	pd->args = args;
	pd->kfs = fs;
	return true;
}

/* initrd FILE... (initrd16, initrdefi): replaces the entry's initrds */
static bool cmd_initrd(struct rd *r, struct argv *av, unsigned line)
{
	struct pending *pd = r->c->pending, next = { 0 };

	if (!pd)
		return false;
	for (unsigned i = 1; i < av->n; i++) {
		struct boot_fs *fs;
		const char *path;

		if (!grub2_resolve_path(r, av->v[i], line, false, &fs, &path)) {
			grub2_pending_free(&next);
			return false;
		}
		if (next.ninitrd == BOOT_MAX_INITRDS + 1)
			continue; /* one more than kept: boot.c tells */
		next.ifs[next.ninitrd] = fs;
		next.initrd[next.ninitrd] = strdup(path);
		if (!next.initrd[next.ninitrd]) {
			grub2_out_of_memory(r->c);
			grub2_pending_free(&next);
			return false;
		}
		next.ninitrd++;
	}
	for (unsigned i = 0; i < pd->ninitrd; i++)
		free(pd->initrd[i]);
	memcpy(pd->ifs, next.ifs, sizeof(pd->ifs));
	memcpy(pd->initrd, next.initrd, sizeof(pd->initrd));
	pd->ninitrd = next.ninitrd;
	return true;
}

/* --- the command table ---------------------------------------------------- */

static const struct command {
	const char *name;
	bool (*run)(struct rd *r, struct argv *av, unsigned line);
} commands[] = {
	{ "set", cmd_set },
	{ "unset", cmd_unset },
	{ "[", cmd_test },
	{ "test", cmd_test },
	{ "true", cmd_true },
	{ "false", cmd_true },
	{ "linux", cmd_linux },
	{ "linux16", cmd_linux },
	{ "linuxefi", cmd_linux },
	{ "initrd", cmd_initrd },
	{ "initrd16", cmd_initrd },
	{ "initrdefi", cmd_initrd },
	{ "search", grub2_cmd_search },
	{ "search.fs_uuid", grub2_cmd_search },
	{ "search.fs_label", grub2_cmd_search },
	{ "search.file", grub2_cmd_search },
	{ "load_env", grub2_cmd_load_env },
	{ "configfile", grub2_cmd_include },
	{ "normal", grub2_cmd_include },
	{ "source", grub2_cmd_include },
	{ ".", grub2_cmd_include },
	{ "blscfg", grub2_cmd_blscfg },
};

/* A simple command; its status (unknown commands fail). */
bool grub2_run_command(struct rd *r, struct argv *av, unsigned line)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(av->v[0], commands[i].name))
			return commands[i].run(r, av, line);
	/* not a command: GRUB takes NAME=VALUE as an assignment */
	return assign(r, av->v[0], line);
}
