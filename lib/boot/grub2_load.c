/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: commands that read the image. search finds a filesystem by UUID,
 * label or file; load_env reads a grubenv; configfile and source run
 * another configuration file (claimed like grub.cfg itself, so a loop
 * ends); blscfg adds the BLS entries of a directory (lib/boot/bls.c).
 */
#include "grub2.h"

#include <stdlib.h>
#include <string.h>

/* --- commands: search ----------------------------------------------------- */

struct search {
	char type; /* 'u' UUID, 'l' label, 'f' file, 'x' unsupported */
	const char *name, *var;
};

/* search [--fs-uuid|--label|--file] [--set[=VAR]] [--hint...] NAME */
static void search_options(const struct argv *av, struct search *q)
{
	for (unsigned i = 1; i < av->n; i++) {
		const char *a = av->v[i];

		if (a[0] != '-' || !a[1]) {
			if (!q->name)
				q->name = a;
			continue;
		}
		if (!strcmp(a, "-u") || !strcmp(a, "--fs-uuid"))
			q->type = 'u';
		else if (!strcmp(a, "-l") || !strcmp(a, "--label"))
			q->type = 'l';
		else if (!strcmp(a, "-f") || !strcmp(a, "--file"))
			q->type = 'f';
		else if (!strcmp(a, "--part-uuid") ||
			 !strcmp(a, "--part-label"))
			q->type = 'x';
		else if (!strcmp(a, "-s") || !strcmp(a, "--set"))
			q->var = "root";
		else if (!strncmp(a, "--set=", 6))
			q->var = a + 6;
		else if (!strcmp(a, "-h") || !strcmp(a, "--exclude") ||
			 (!strncmp(a, "--hint", 6) && !strchr(a, '=')))
			i++; /* an option with its argument in the next word */
	}
}

/* search, and search.fs_uuid/fs_label/file NAME [VAR] (type given) */
static bool run_search(struct rd *r, struct argv *av, unsigned line, char type)
{
	struct g2 *c = r->c;
	struct search q = { type, NULL, NULL };
	struct boot_fs *fs = NULL;
	const char *what;
	char dev[64];

	if (type) {
		q.name = av->n > 1 ? av->v[1] : NULL;
		q.var = av->n > 2 ? av->v[2] : NULL;
	} else {
		search_options(av, &q);
	}
	if (!q.name) {
		grub2_warn(r, line, "%s without a name", av->v[0]);
		return false;
	}
	if (!q.type) {
		grub2_warn(r, line,
			   "search without --fs-uuid, --label or --file: GRUB "
			   "refuses it");
		return false;
	}
	if (q.type == 'x')
		return false; /* partition UUIDs and labels are not known */
	what = q.type == 'u' ? "UUID" : q.type == 'l' ? "label" : "file";
	if (q.type == 'f' && grub2_spend_lookup(r, boot_fs_count(c->s)))
		fs = boot_fs_by_file(c->s, q.name);
	else if (q.type == 'u')
		fs = boot_fs_by_uuid(c->s, q.name);
	else if (q.type == 'l')
		fs = boot_fs_by_label(c->s, q.name);
	if (!fs) {
		if (q.var)
			grub2_warn(r, line,
				   "search: no filesystem has the %s '%.200s': "
				   "$%.100s "
				   "is left as it was",
				   what, q.name, q.var);
		else
			grub2_warn(r, line,
				   "search: no filesystem has the %s '%.200s'",
				   what, q.name);
		return false;
	}
	if (q.var) {
		grub2_device_name(fs, dev, sizeof(dev));
		grub2_var_set(c, q.var, dev, r->place, line);
	}
	return true;
}

bool grub2_cmd_search(struct rd *r, struct argv *av, unsigned line)
{
	const char *cmd = av->v[0];

	if (!strcmp(cmd, "search.fs_uuid"))
		return run_search(r, av, line, 'u');
	if (!strcmp(cmd, "search.fs_label"))
		return run_search(r, av, line, 'l');
	if (!strcmp(cmd, "search.file"))
		return run_search(r, av, line, 'f');
	return run_search(r, av, line, 0);
}

/* --- commands: load_env --------------------------------------------------- */

#define ENV_SIGNATURE "# GRUB Environment Block\n"

static bool wanted(const struct argv *av, const bool *names, const char *name)
{
	bool any = false;

	for (unsigned i = 1; i < av->n; i++)
		if (names[i]) {
			any = true;
			if (!strcmp(av->v[i], name))
				return true;
		}
	return !any;
}

/*
 * A grubenv: the signature line, then NAME=VALUE lines (a backslash
 * takes the next character as it is), then '#' padding.
 */
static void read_env(struct rd *r, int place, const char *text, size_t len,
		     const struct argv *av, const bool *names)
{
	struct g2 *c = r->c;
	const char *p = text + strlen(ENV_SIGNATURE), *end = text + len;
	unsigned line = 2;

	while (p < end && grub2_spend(r)) {
		char name[G2_MAX_NAME + 1];
		const char *eq;
		unsigned at = line;
		size_t n = 0;

		if (*p == '#' || *p == '\n') {
			while (p < end && *p != '\n')
				p++;
			p += p < end;
			line++;
			continue;
		}
		for (eq = p; eq < end && *eq != '=' && *eq != '\n'; eq++)
			;
		if (eq >= end || *eq != '=' || eq - p > G2_MAX_NAME) {
			p = eq; /* not a variable: the rest of the line */
			continue;
		}
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = 0;
		for (p = eq + 1; p < end && *p != '\n'; p++) {
			if (*p == '\\' && p + 1 < end) {
				line += p[1] == '\n';
				p++;
			}
			if (n < BOOT_STR_MAX)
				c->field[n++] = *p;
		}
		c->field[n] = 0;
		if (wanted(av, names, name))
			grub2_var_set(c, name, c->field, place, at);
	}
}

/* load_env [-f FILE] [--skip-sig] [NAME...]: FILE is $prefix/grubenv */
bool grub2_cmd_load_env(struct rd *r, struct argv *av, unsigned line)
{
	struct g2 *c = r->c;
	bool names[G2_MAX_WORDS] = { false };
	const char *file = NULL, *path;
	char *def = NULL, *text = NULL;
	struct boot_fs *fs;
	size_t len;
	bool ok = false;
	int rc, place = -1;

	for (unsigned i = 1; i < av->n; i++) {
		const char *a = av->v[i];

		if ((!strcmp(a, "-f") || !strcmp(a, "--file")) && i + 1 < av->n)
			file = av->v[++i];
		else if (!strncmp(a, "--file=", 7))
			file = a + 7;
		else if (a[0] != '-')
			names[i] = true;
	}
	if (!file) {
		const char *prefix = grub2_var_get(c, "prefix");

		if (!prefix)
			return false;
		file = def = text_join_path(prefix, "grubenv");
		if (!def) {
			grub2_out_of_memory(c);
			return false;
		}
	}
	if (!grub2_resolve_path(r, file, line, false, &fs, &path) ||
	    !grub2_spend_lookup(r, 1))
		goto out;
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc == -ENOMEM)
		grub2_out_of_memory(c);
	if (rc)
		goto out; /* GRUB fails: absent is quiet, the rest logged */
	if (c->nplaces < BOOT_MAX_CONFIGS)
		place = grub2_place_of(c, fs, path);
	if (strncmp(text, ENV_SIGNATURE, strlen(ENV_SIGNATURE))) {
		grub2_warn_place(
			c, place, 1,
			"not a GRUB environment block (no '%.24s' line)",
			ENV_SIGNATURE);
		goto out;
	}
	read_env(r, place, text, strnlen(text, len), av, names);
	ok = true;
out:
	free(def);
	free(text);
	return ok;
}

/* --- commands: configfile, source, blscfg --------------------------------- */

static bool main_path(const char *path)
{
	static const char *const tails[] = { "/boot/grub/grub.cfg",
					     "/grub/grub.cfg",
					     "/boot/grub2/grub.cfg",
					     "/grub2/grub.cfg" };

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		if (!strcmp(path, tails[i]))
			return true;
	return !strncmp(path, "/EFI/", 5) && strchr(path + 5, '/') &&
	       !strcmp(strchr(path + 5, '/'), "/grub.cfg");
}

/*
 * Reads an included file: configfile (newmenu: a menu of its own, in a new
 * scope) or source (into the current menu and scope).
 */
static bool include(struct rd *r, const char *cmd, struct boot_fs *fs,
		    const char *path, unsigned line, bool newmenu)
{
	struct g2 *c = r->c;
	struct level top = { .item = -1 };
	char *text;
	size_t len;
	unsigned mark;
	int rc, place;

	place = grub2_place_of(c, fs, path);
	if (place < 0)
		return false;
	if (!boot_config_claim(c->s, fs, path)) {
		if (c->places[place].active)
			grub2_warn(r, line,
				   "%s %s: that file is being read already (a "
				   "loop): not read again",
				   cmd, path);
		else if (!main_path(path))
			grub2_warn(r, line, "%s %s: already read", cmd, path);
		return false;
	}
	boot_debug("grub2: %s reads %s%s%s", cmd, fs->spec,
		   fs->spec[0] ? ":" : "", path);
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc == -ENOENT || rc == -ENOTDIR)
		grub2_warn(r, line, "%s %s: no such file", cmd, path);
	else if (rc == -EISDIR || rc == -EINVAL)
		grub2_warn(r, line, "%s %s: not a regular file", cmd, path);
	else if (rc == -ENOMEM)
		grub2_out_of_memory(c);
	if (rc)
		return false;
	if (!newmenu) {
		grub2_run_file(c, place, text, len, r->level);
	} else if (c->nmenus < G2_MAX_MENUS) {
		top.menu = c->nmenus++;
		c->first[top.menu] = -1;
		mark = grub2_scope_open(c);
		/* GRUB's new context has the exported variables only: the
		   default of the menu that called is not one of them */
		grub2_var_set(c, "default", NULL, place, line);
		grub2_run_file(c, place, text, len, &top);
		grub2_menu_done(c, top.menu);
		grub2_scope_close(c, mark);
	}
	free(text);
	return true;
}

/* configfile FILE, normal FILE, source FILE, . FILE */
bool grub2_cmd_include(struct rd *r, struct argv *av, unsigned line)
{
	bool newmenu = strcmp(av->v[0], "source") && strcmp(av->v[0], ".");
	struct boot_fs *fs;
	const char *path;
	bool ok;

	if (av->n < 2)
		return false;
	/* a menu entry that opens another menu boots no kernel itself */
	if (newmenu && r->c->pending)
		return false;
	if (!grub2_resolve_path(r, av->v[1], line, false, &fs, &path) ||
	    !grub2_spend_lookup(r, 1))
		return false;
	if (!grub2_depth_enter(r, line))
		return false;
	ok = include(r, av->v[0], fs, path, line, newmenu);
	grub2_depth_leave(r);
	return ok;
}

struct bls_ctx {
	struct rd *r;
};

/* $var and ${var} in a BLS options line, as GRUB's script would. */
static char *bls_expand(void *ctx, const char *text)
{
	struct rd *r = ((struct bls_ctx *)ctx)->r;
	size_t n = 0, cap = BOOT_STR_MAX + 1;
	char *out = malloc(cap + 1);
	const char *p = text, *end = text + strlen(text);

	if (!out)
		return NULL;
	while (p < end) {
		const char *name, *q = NULL, *v = NULL;
		size_t len;

		if (*p == '$')
			q = grub2_var_ref(p + 1, end, &name, &len);
		if (!q) {
			if (n < cap)
				out[n++] = *p;
			p++;
			continue;
		}
		p = q;
		if (grub2_spend(r))
			v = grub2_lookup(r->c, name, len);
		for (; v && *v && n < cap; v++)
			out[n++] = *v;
	}
	out[n] = 0;
	return out;
}

/*
 * blscfg (Fedora, RHEL): the BLS snippets of $blsdir, else of
 * /loader/entries or /boot/loader/entries, on $boot (else $root). They are
 * items of the current menu level.
 */
bool grub2_cmd_blscfg(struct rd *r, struct argv *av, unsigned line)
{
	struct g2 *c = r->c;
	const char *dev = grub2_var_get(c, "boot"),
		   *dir = grub2_var_get(c, "blsdir");
	struct boot_fs *fs;
	struct bls_ctx ctx = { r };
	unsigned before = boot_entry_count(c->s), after;
	int n;

	(void)av;
	if (c->pending)
		return false;
	fs = grub2_resolve_device(
		r, dev && dev[0] ? dev : grub2_var_get(c, "root"), line);
	if (dir && dir[0]) {
		if (!grub2_resolve_path(r, dir, line, false, &fs, &dir))
			return false;
	} else {
		dir = boot_is_dir(c->s, fs, "/loader/entries")
			      ? "/loader/entries"
			      : "/boot/loader/entries";
	}
	boot_debug("grub2: blscfg reads %s%s%s", fs->spec,
		   fs->spec[0] ? ":" : "", dir);
	n = bls_read_entries(c->s, fs, dir, bls_expand, &ctx);
	if (n == -ENOMEM)
		grub2_out_of_memory(c);
	if (n <= 0)
		return false;
	after = boot_entry_count(c->s);
	for (unsigned i = before; i < after; i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(c->s, i);
		unsigned pos;

		grub2_kept(c, r->level->menu,
			   grub2_add_item(r, e->title, e->id[0] ? e->id : NULL,
					  false, &pos),
			   (int)i);
	}
	return true;
}
