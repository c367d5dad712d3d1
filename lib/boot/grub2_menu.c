/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: the menu. menuentry and submenu bodies run where they stand, in
 * a scope; the items each menu level shows, as GRUB numbers them; the
 * entries kept for the boot menu; and the default, resolved level by level
 * once a menu has been read.
 */
#include "grub2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a>b" from a (NULL at the top) and b; NULL when out of memory. */
static char *join_level(const char *a, const char *b)
{
	size_t an = a ? strlen(a) : 0, bn = strlen(b);
	char *p = malloc(an + bn + 2);

	if (!p)
		return NULL;
	if (a) {
		memcpy(p, a, an);
		p[an++] = '>';
	}
	memcpy(p + an, b, bn + 1);
	return p;
}

/* --- the menu ------------------------------------------------------------- */

/* A new item at the current level; its index in items, or -1. */
int grub2_add_item(struct rd *r, const char *title, const char *id,
		   bool submenu, unsigned *pos)
{
	struct g2 *c = r->c;
	struct level *l = r->level;
	struct item *it;

	*pos = l->next++;
	if (l->untracked || c->nitems == G2_MAX_ITEMS) {
		boot_debug("grub2: menu item '%s' not remembered", title);
		return -1;
	}
	it = &c->items[c->nitems];
	it->menu = l->menu;
	it->parent = l->item;
	it->pos = *pos;
	it->submenu = submenu;
	it->entry = -1;
	it->title = strdup(title);
	it->id = id ? strdup(id) : NULL;
	if (!it->title || (id && !it->id)) {
		free(it->title);
		free(it->id);
		grub2_out_of_memory(c);
		return -1;
	}
	return (int)c->nitems++;
}

void grub2_kept(struct g2 *c, unsigned menu, int item, int index)
{
	if (index < 0)
		return;
	if (item >= 0)
		c->items[item].entry = index;
	if (c->first[menu] < 0)
		c->first[menu] = index;
}

/* menuentry/submenu TITLE [--class C] [--id ID] [--users U] ... */
static bool menu_args(struct rd *r, const struct argv *av, const char *what,
		      unsigned line, struct menu_args *ma)
{
	ma->title = ma->id = NULL;
	for (unsigned i = 0; i < av->n; i++) {
		const char *a = av->v[i];

		if (!strcmp(a, "--id")) {
			if (i + 1 < av->n)
				ma->id = av->v[++i];
		} else if (!strncmp(a, "--id=", 5)) {
			ma->id = a + 5;
		} else if (!strcmp(a, "--class") || !strcmp(a, "--users") ||
			   !strcmp(a, "--hotkey") || !strcmp(a, "--source")) {
			i++;
		} else if (!strncmp(a, "--", 2)) {
			continue; /* --unrestricted, --class=X, ... */
		} else if (!ma->title) {
			ma->title = a;
		}
	}
	if (!ma->title)
		grub2_warn(r, line, "%s without a title: skipped", what);
	return ma->title != NULL;
}

void grub2_pending_free(struct pending *pd)
{
	free(pd->kernel);
	free(pd->args);
	for (unsigned i = 0; i < pd->ninitrd; i++)
		free(pd->initrd[i]);
	pd->kernel = pd->args = NULL;
	pd->ninitrd = 0;
}

/* The entry a menuentry body made, if it loaded a kernel. */
static void finish_entry(struct rd *r, struct pending *pd,
			 const struct menu_args *ma, unsigned pos, int item,
			 unsigned line)
{
	struct g2 *c = r->c;
	struct level *l = r->level;
	struct boot_entry *e;
	char num[16], *title, *poss, *ids;

	if (!pd->kernel)
		return;
	e = boot_entry_new(c->s, &boot_source_grub2, r->fs, r->path, line);
	if (!e) { /* the menu is full (logged) or memory ran out */
		c->stop = true;
		return;
	}
	snprintf(num, sizeof(num), "%u", pos);
	title = join_level(l->titles, ma->title);
	poss = join_level(l->poss, num);
	ids = join_level(l->ids, ma->id ? ma->id : "");
	if (title && poss && ids) {
		boot_entry_title(e, title);
		if (ma->id)
			boot_entry_id(e, ma->id);
		boot_entry_kind(e, "linux");
		boot_entry_menu_path(e, poss, ids);
		boot_entry_kernel(e, pd->kfs, pd->kernel);
		boot_entry_args(e, pd->args ? pd->args : "");
		for (unsigned i = 0; i < pd->ninitrd; i++)
			boot_entry_initrd(e, pd->ifs[i], pd->initrd[i]);
	} else {
		grub2_out_of_memory(c);
	}
	free(title);
	free(poss);
	free(ids);
	grub2_kept(c, l->menu, item, boot_entry_done(e));
}

/* --- menuentry and submenu ------------------------------------------------ */

static int run_entry(struct rd *r, bool exec, const struct menu_args *ma,
		     unsigned line)
{
	struct g2 *c = r->c;
	struct pending pd = { 0 };
	unsigned mark = 0, pos = 0;
	int item = -1, end;

	if (exec) {
		item = grub2_add_item(r, ma->title, ma->id, false, &pos);
		mark = grub2_scope_open(c);
		c->pending = &pd;
	}
	end = grub2_run_list(r, exec, 0);
	if (exec) {
		c->pending = NULL;
		grub2_scope_close(c, mark);
		/* GRUB makes no entry of one it cannot parse */
		if (end == END_RBR)
			finish_entry(r, &pd, ma, pos, item, line);
	}
	grub2_pending_free(&pd);
	return end;
}

static int run_submenu(struct rd *r, bool exec, const struct menu_args *ma)
{
	struct g2 *c = r->c;
	struct level sub = { 0 }, *up = r->level;
	char num[16];
	unsigned mark = 0, pos;
	int end;

	if (exec) {
		sub.menu = up->menu;
		sub.item = grub2_add_item(r, ma->title, ma->id, true, &pos);
		sub.untracked = sub.item < 0;
		snprintf(num, sizeof(num), "%u", pos);
		sub.titles = join_level(up->titles, ma->title);
		sub.poss = join_level(up->poss, num);
		sub.ids = join_level(up->ids, ma->id ? ma->id : "");
		if (!sub.titles || !sub.poss || !sub.ids)
			grub2_out_of_memory(c);
		mark = grub2_scope_open(c);
		r->level = &sub;
	}
	end = grub2_run_list(r, exec && !c->stop, 0);
	if (exec) {
		r->level = up;
		grub2_scope_close(c, mark);
	}
	free(sub.titles);
	free(sub.poss);
	free(sub.ids);
	return end;
}

/*
 * menuentry TITLE [OPTIONS] { BODY } and submenu: the body runs now, in a
 * scope, with the entry (or the submenu's level) as the current one.
 * Entries inside an entry's body are made only when GRUB boots it: not
 * here.
 */
void grub2_parse_menu(struct rd *r, bool exec, struct argv *av, bool submenu,
		      unsigned line)
{
	const char *what = submenu ? "submenu" : "menuentry";
	struct menu_args ma = { NULL, NULL };
	bool bad = false;
	int end;

	grub2_argv_clear(av);
	if (!grub2_block_start(r, av, what, line, &bad))
		return;
	if (!grub2_depth_enter(r, line)) {
		grub2_skip_block(r, SKIP_BRACES, what, "}", line);
		return;
	}
	if (exec && bad)
		grub2_warn(r, line, "%s with '|', '&', '<' or '>': skipped",
			   what);
	exec = exec && !bad && !r->c->pending && !r->c->stop;
	if (exec && !menu_args(r, av, what, line, &ma))
		exec = false;
	if (submenu)
		end = run_submenu(r, exec, &ma);
	else
		end = run_entry(r, exec, &ma, line);
	if (end != END_RBR)
		grub2_not_closed(r, line, what, "}", end);
	grub2_depth_leave(r);
}

/* --- the default ---------------------------------------------------------- */

/*
 * The next level of a default "A>B" copied to buf ('>>' stands for '>');
 * returns what follows its '>', NULL after the last level.
 */
static const char *next_level(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '>' && s[1] != '>')
			break;
		if (*s == '>')
			s++;
		if (n + 1 < size)
			buf[n++] = *s;
	}
	buf[n] = 0;
	return *s ? s + 1 : NULL;
}

/* The item of menu under parent that want names: a position, title or id. */
static int find_item(const struct g2 *c, unsigned menu, int parent,
		     const char *want)
{
	if (grub2_is_digit(want[0])) {
		char *end;
		unsigned long pos = strtoul(want, &end, 0);

		if (!*end) {
			for (unsigned i = 0; i < c->nitems; i++)
				if (c->items[i].menu == menu &&
				    c->items[i].parent == parent &&
				    c->items[i].pos == pos)
					return (int)i;
			return -1;
		}
	}
	for (unsigned i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->menu == menu && it->parent == parent &&
		    (!strcmp(it->title, want) ||
		     (it->id && !strcmp(it->id, want))))
			return (int)i;
	}
	return -1;
}

/* The entry a default names: its index, -1 for none, -2 for one not kept. */
static int resolve_default(struct g2 *c, unsigned menu, const char *value)
{
	char *buf = malloc(BOOT_STR_MAX + 1);
	const char *rest = value;
	int parent = -1, i = -1;

	if (!buf) {
		grub2_out_of_memory(c);
		return -1;
	}
	for (unsigned depth = 0; depth <= BOOT_MAX_DEPTH + 1; depth++) {
		if (rest)
			rest = next_level(rest, buf, BOOT_STR_MAX + 1);
		else
			strcpy(buf, "0"); /* a submenu: its first item */
		i = find_item(c, menu, parent, buf);
		if (i < 0 || !c->items[i].submenu)
			break;
		parent = i;
		i = -1;
	}
	free(buf);
	if (i < 0)
		return -1;
	return c->items[i].entry >= 0 ? c->items[i].entry : -2;
}

/* A menu has been read: the first one with entries gives the default. */
void grub2_menu_done(struct g2 *c, unsigned menu)
{
	int i = grub2_var_find(c, "default", 7), index;
	const struct var *v = i < 0 ? NULL : &c->vars[i];
	const char *val = v && v->value ? v->value : "";

	if (c->default_done || c->first[menu] < 0 || c->oom)
		return;
	c->default_done = true;
	if (!strcmp(val, "saved")) {
		val = grub2_var_get(c, "saved_entry");
		val = val ? val : "";
	}
	index = resolve_default(c, menu, val[0] ? val : "0");
	if (index == -1 && val[0])
		grub2_warn_place(
			c, v->place, v->line,
			"default '%.200s' names no entry: the first is "
			"used",
			val);
	else if (index == -2 && val[0])
		grub2_warn_place(
			c, v->place, v->line,
			"default '%.200s' is an entry that loads no Linux "
			"kernel: the first is used",
			val);
	if (index < 0)
		index = c->first[menu];
	boot_default_index(c->s, (unsigned)index);
}
