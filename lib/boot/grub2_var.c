/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: variables. At most G2_MAX_VARS, found through an open-addressing
 * hash index. A menuentry or submenu body runs in a scope: the first change
 * of a variable in a scope saves its old value in an undo log, replayed
 * when the scope closes, so no copy of the variables is made.
 */
#include "grub2.h"

#include <stdlib.h>
#include <string.h>

/* --- variables ------------------------------------------------------------ */

static unsigned name_hash(const char *name, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* Index of variable [name, name+n), or -1. */
int grub2_var_find(const struct g2 *c, const char *name, size_t n)
{
	unsigned h = name_hash(name, n) % G2_HASH;

	for (unsigned k = 0; k < G2_HASH; k++) {
		int i = c->hash[(h + k) % G2_HASH] - 1;

		if (i < 0)
			return -1;
		if (!strncmp(c->vars[i].name, name, n) && !c->vars[i].name[n])
			return i;
	}
	return -1;
}

const char *grub2_var_get(const struct g2 *c, const char *name)
{
	int i = grub2_var_find(c, name, strlen(name));

	return i < 0 ? NULL : c->vars[i].value;
}

static int var_new(struct g2 *c, const char *name, int place, unsigned line)
{
	size_t n = strlen(name);
	unsigned h = name_hash(name, n) % G2_HASH;
	struct var *v;

	if (c->nvars == G2_MAX_VARS) {
		if (!c->warned_vars)
			grub2_warn_place(c, place, line,
					 "more than %u variables: '%.100s' and "
					 "later ones are not kept",
					 G2_MAX_VARS, name);
		c->warned_vars = true;
		return -1;
	}
	v = &c->vars[c->nvars];
	v->name = strdup(name);
	if (!v->name) {
		grub2_out_of_memory(c);
		return -1;
	}
	while (c->hash[h])
		h = (h + 1) % G2_HASH;
	c->hash[h] = (short)(c->nvars + 1);
	return (int)c->nvars++;
}

/*
 * Sets (value NULL: unsets) a variable. In a scope, the value it had
 * before the scope is saved once in the undo log.
 */
void grub2_var_set(struct g2 *c, const char *name, const char *value, int place,
		   unsigned line)
{
	size_t n = strlen(name);
	int i = grub2_var_find(c, name, n);
	struct var *v;
	char *copy = NULL;

	if (!n || n > G2_MAX_NAME)
		return;
	if (i < 0 && !value)
		return;
	if (i < 0)
		i = var_new(c, name, place, line);
	if (i < 0)
		return;
	v = &c->vars[i];
	if (value) {
		copy = strdup(value);
		if (!copy) {
			grub2_out_of_memory(c);
			return;
		}
	}
	if (v->scope < c->scope) {
		struct undo *u;

		if (c->nundo == G2_MAX_UNDO) { /* cannot happen: see limits */
			free(copy);
			return;
		}
		u = &c->undo[c->nundo++];
		u->var = (unsigned)i;
		u->value = v->value;
		u->scope = v->scope;
		u->place = v->place;
		u->line = v->line;
		v->scope = c->scope;
	} else {
		free(v->value);
	}
	v->value = copy;
	v->place = place;
	v->line = line;
}

unsigned grub2_scope_open(struct g2 *c)
{
	c->scope++;
	return c->nundo;
}

void grub2_scope_close(struct g2 *c, unsigned mark)
{
	while (c->nundo > mark) {
		struct undo *u = &c->undo[--c->nundo];
		struct var *v = &c->vars[u->var];

		free(v->value);
		v->value = u->value;
		v->scope = u->scope;
		v->place = u->place;
		v->line = u->line;
	}
	c->scope--;
}
