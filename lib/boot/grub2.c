/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: the menu of a grub.cfg, as GRUB shows it when it boots.
 *
 * Where. On each filesystem, the first of /boot/grub/grub.cfg,
 * /grub/grub.cfg, /boot/grub2/grub.cfg, /grub2/grub.cfg (pygrub's list, in
 * its order), then /EFI/<dir>/grub.cfg, the stubs an ESP holds. Only that
 * file is read, and what it includes with configfile and source, which may
 * live on other filesystems ("(hd0,gpt2)/boot/grub/grub.cfg"). Every file
 * is claimed with boot_config_claim() first: an ESP stub that hands over to
 * the real grub.cfg and the scan of that grub.cfg's own filesystem give its
 * entries once, and an include loop ends.
 *
 * How. grub.cfg is a program in GRUB's shell-like language, and
 * grub-mkconfig writes real ones: the header loads grubenv and sets default
 * from next_entry or saved_entry inside if/else, each entry searches its
 * root by UUID, Fedora imports BLS snippets with blscfg. So the file is
 * run, not pattern-matched. A lexer gives GRUB's words (quotes, escapes,
 * $var and ${var} expanded as it reads, unquoted expansions split into
 * words), and a recursive-descent runner executes one command at a time:
 * variable assignments, if/elif/else with test, search, load_env,
 * configfile, source and blscfg really happen; for/while bodies and
 * function bodies are read over, never run; unknown commands do nothing
 * and fail (an "if" on them takes the else branch).
 *
 * Menu entries. GRUB runs a menuentry's body when the entry is booted; we
 * run it where it stands, with the variables of that moment, in a scope
 * whose assignments are undone at its '}' (an undo log, so no copy of the
 * variables is made). What linux/initrd did in it makes the entry; an
 * entry without a linux command (chainloader, fwsetup, multiboot) is
 * dropped. A submenu's body is run the same way, one menu level down. Each
 * item a level shows (kept or not) takes the next position, as GRUB counts
 * them, for the "1>2" paths of default and of fsimg_bootmenu_find().
 *
 * Default. After the whole file has run (GRUB reads $default when it shows
 * the menu), its final value picks the item: a position, a title or an id,
 * level by level for "A>B" ('>>' is a '>' in a title); a submenu stands for
 * its first item. "saved" stands for $saved_entry. A configfile'd file is
 * a menu of its own that GRUB shows at once, so the first file whose run
 * ends with entries gives the default.
 *
 * Bounds. Nesting of blocks, submenus and included files: BOOT_MAX_DEPTH,
 * past which a block is read over without recursion (one message); words:
 * G2_MAX_WORDS a command, BOOT_STR_MAX bytes each; G2_MAX_VARS variables;
 * G2_MAX_TOKENS words and variable references, G2_MAX_EXPANDED bytes of
 * expansions and G2_MAX_LOOKUPS file look-ups per scan, after which the
 * rest is not read. Everything else is linear in the text.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G2_MAX_VARS	256
#define G2_HASH		512 /* slots of the variable index: twice G2_MAX_VARS */
#define G2_MAX_NAME	128
#define G2_MAX_WORDS	512
#define G2_MAX_TOKENS	4000000ul
#define G2_MAX_EXPANDED (64ul << 20)
#define G2_MAX_LOOKUPS	100000ul
#define G2_MAX_ITEMS	4096 /* menu items remembered for the default */
#define G2_MAX_MENUS	(BOOT_MAX_CONFIGS + 1)
#define G2_MAX_PLACES	(2 * BOOT_MAX_CONFIGS)
#define G2_MAX_UNDO	(G2_MAX_VARS * (BOOT_MAX_DEPTH + 2))
#define G2_MAX_BAD_DEVS 8
#define G2_MAX_WARNINGS 1000

extern const struct boot_source boot_source_grub2;
#define SRC (&boot_source_grub2)

/* Tokens. */
enum { T_EOF = 1, T_WORD, T_NL, T_SEMI, T_LBR, T_RBR };

/* Reserved words, recognised unquoted in command position. */
enum {
	K_IF = 1 << 0,
	K_THEN = 1 << 1,
	K_ELIF = 1 << 2,
	K_ELSE = 1 << 3,
	K_FI = 1 << 4,
	K_FOR = 1 << 5,
	K_WHILE = 1 << 6,
	K_UNTIL = 1 << 7,
	K_DO = 1 << 8,
	K_DONE = 1 << 9,
	K_FUNCTION = 1 << 10,
	K_MENUENTRY = 1 << 11,
	K_SUBMENU = 1 << 12,
	K_NOT = 1 << 13,
};

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

/* What ended a list of commands: a keyword of its stops, or these. */
enum { END_EOF = -1, END_RBR = -2 };

/* How a block that is too deep is read over. */
enum { SKIP_BRACES, SKIP_IF, SKIP_LOOP };

struct argv {
	unsigned n;
	char *v[G2_MAX_WORDS];
};

struct var {
	char *name;
	char *value;	/* NULL: unset */
	unsigned scope; /* the scope that set value; older ones are undone */
	int place;	/* where it was set (g2.places), -1 for a preset */
	unsigned line;
};

struct undo {
	unsigned var;
	char *value;
	unsigned scope;
	int place;
	unsigned line;
};

/* A file read (a configuration or a grubenv), for messages. */
struct place {
	struct boot_fs *fs;
	char *path;
	unsigned active; /* being read: a configfile to it is a loop */
};

/* A menu item GRUB would show: an entry (kept or not) or a submenu. */
struct item {
	unsigned menu; /* which configuration file's menu */
	int parent;    /* the submenu item it is in, -1 at the top */
	unsigned pos;
	bool submenu;
	int entry; /* its index in the boot menu, -1 when not kept */
	char *title, *id;
};

/* A level of a menu being read: the top, or a submenu's body. */
struct level {
	unsigned menu;
	int item;	/* the submenu, -1 at the top */
	bool untracked; /* its submenu was not remembered: nor are its items */
	unsigned next;	/* position of the next item */
	char *titles, *poss, *ids; /* of the submenus above, "A>B"; NULL at
				      the top */
};

/* The entry whose body is being run. */
struct pending {
	struct boot_fs *kfs;
	char *kernel, *args;
	struct boot_fs *ifs[BOOT_MAX_INITRDS + 1];
	char *initrd[BOOT_MAX_INITRDS + 1];
	unsigned ninitrd;
};

struct g2 {
	struct boot_scan *s;
	struct var vars[G2_MAX_VARS];
	unsigned nvars;
	short hash[G2_HASH]; /* var index + 1, 0 for an empty slot */
	struct undo undo[G2_MAX_UNDO];
	unsigned nundo, scope;

	struct place places[G2_MAX_PLACES];
	unsigned nplaces;
	struct item *items;
	unsigned nitems;
	int first[G2_MAX_MENUS]; /* first kept entry of each menu, or -1 */
	unsigned nmenus;
	bool default_done;
	struct pending *pending;

	unsigned depth;
	unsigned long tokens, lookups, expanded, warnings;
	bool status; /* of the last command */
	bool stop, oom;
	bool warned_depth, warned_words, warned_long, warned_vars;
	char *bad_devs[G2_MAX_BAD_DEVS];
	unsigned nbad;

	/* the word being read */
	char field[BOOT_STR_MAX + 1];
	size_t flen;
	bool fexists;
};

/* Reading one file. */
struct rd {
	struct g2 *c;
	struct boot_fs *fs;
	const char *path;
	int place;
	const char *p, *end;
	unsigned line;
	struct level *level;
	/* the last token */
	unsigned tline;
	bool plain; /* a word of unquoted plain characters: kw holds it */
	bool bad;   /* | & < > */
	bool keep;  /* words are being kept (and expanded) */
	char kw[12];
	int pushed; /* a token given back, 0 for none */
};

/* --- messages ------------------------------------------------------------- */

static void FSIMG_PRINTF(5, 0)
	vwarn_at(struct g2 *c, struct boot_fs *fs, const char *path,
		 unsigned line, const char *fmt, va_list ap)
{
	char msg[1024];

	/* boot_warn stops printing long before; this stops formatting */
	if (c->warnings++ >= G2_MAX_WARNINGS)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	boot_warn(c->s, SRC, fs, path, line, "%s", msg);
}

static void FSIMG_PRINTF(3, 4)
	warn(struct rd *r, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(r->c, r->fs, r->path, line, fmt, ap);
	va_end(ap);
}

static void FSIMG_PRINTF(4, 5)
	warn_place(struct g2 *c, int place, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (place >= 0)
		vwarn_at(c, c->places[place].fs, c->places[place].path, line,
			 fmt, ap);
	else
		vwarn_at(c, NULL, NULL, 0, fmt, ap);
	va_end(ap);
}

static void out_of_memory(struct g2 *c)
{
	c->oom = c->stop = true;
}

/* --- small helpers -------------------------------------------------------- */

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
	       ch == '\v';
}

/* GRUB's metacharacters end a word. */
static bool meta(char ch)
{
	return blank(ch) || ch == '\n' || ch == ';' || ch == '{' || ch == '}' ||
	       ch == '|' || ch == '&' || ch == '<' || ch == '>';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

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

static void argv_clear(struct argv *av)
{
	if (!av)
		return;
	for (unsigned i = 0; i < av->n; i++)
		free(av->v[i]);
	av->n = 0;
}

static void argv_free(struct argv *av)
{
	argv_clear(av);
	free(av);
}

/* Counts a token or a variable reference; false once the budget is spent. */
static bool spend(struct rd *r)
{
	struct g2 *c = r->c;

	if (c->stop)
		return false;
	if (++c->tokens > G2_MAX_TOKENS) {
		warn(r, r->line,
		     "more than %lu words and variable references: the rest "
		     "of the configuration is not read",
		     G2_MAX_TOKENS);
		c->stop = true;
		return false;
	}
	return true;
}

/* Counts a look-up in the image's files; false once the budget is spent. */
static bool spend_lookup(struct rd *r, unsigned n)
{
	struct g2 *c = r->c;

	c->lookups += n;
	if (c->lookups <= G2_MAX_LOOKUPS)
		return true;
	if (c->lookups - n <= G2_MAX_LOOKUPS)
		warn(r, r->tline,
		     "more than %lu file look-ups: the later ones find "
		     "nothing",
		     G2_MAX_LOOKUPS);
	return false;
}

/* --- variables ------------------------------------------------------------ */

static unsigned name_hash(const char *name, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* Index of variable [name, name+n), or -1. */
static int var_find(const struct g2 *c, const char *name, size_t n)
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

static const char *var_get(const struct g2 *c, const char *name)
{
	int i = var_find(c, name, strlen(name));

	return i < 0 ? NULL : c->vars[i].value;
}

static int var_new(struct g2 *c, const char *name, int place, unsigned line)
{
	size_t n = strlen(name);
	unsigned h = name_hash(name, n) % G2_HASH;
	struct var *v;

	if (c->nvars == G2_MAX_VARS) {
		if (!c->warned_vars)
			warn_place(c, place, line,
				   "more than %u variables: '%.100s' and "
				   "later ones are not kept",
				   G2_MAX_VARS, name);
		c->warned_vars = true;
		return -1;
	}
	v = &c->vars[c->nvars];
	v->name = strdup(name);
	if (!v->name) {
		out_of_memory(c);
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
static void var_set(struct g2 *c, const char *name, const char *value,
		    int place, unsigned line)
{
	size_t n = strlen(name);
	int i = var_find(c, name, n);
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
			out_of_memory(c);
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

static unsigned scope_open(struct g2 *c)
{
	c->scope++;
	return c->nundo;
}

static void scope_close(struct g2 *c, unsigned mark)
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

/* --- files read ----------------------------------------------------------- */

static int place_of(struct g2 *c, struct boot_fs *fs, const char *path)
{
	for (unsigned i = 0; i < c->nplaces; i++)
		if (c->places[i].fs == fs && !strcmp(c->places[i].path, path))
			return (int)i;
	if (c->nplaces == G2_MAX_PLACES)
		return -1;
	c->places[c->nplaces].path = strdup(path);
	if (!c->places[c->nplaces].path) {
		out_of_memory(c);
		return -1;
	}
	c->places[c->nplaces].fs = fs;
	c->places[c->nplaces].active = 0;
	return (int)c->nplaces++;
}

/* --- the lexer ------------------------------------------------------------ */

static void fput(struct rd *r, const char *s, size_t n)
{
	struct g2 *c = r->c;
	size_t room = BOOT_STR_MAX - c->flen;

	if (!r->keep)
		return;
	if (n > room) {
		if (!c->warned_long)
			warn(r, r->tline, "a word longer than %u bytes: cut",
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
				warn(r, r->tline,
				     "more than %u words in one command: the "
				     "rest are left out",
				     G2_MAX_WORDS);
			c->warned_words = true;
		} else if (!(out->v[out->n] = text_dup(c->field, c->flen))) {
			out_of_memory(c);
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
static const char *var_ref(const char *p, const char *end, const char **name,
			   size_t *n)
{
	bool brace = p < end && *p == '{';
	const char *q = p + brace, *start = q;

	if (q < end && is_alpha(*q))
		while (q < end && (is_alpha(*q) || is_digit(*q)))
			q++;
	else if (q < end && is_digit(*q))
		while (q < end && is_digit(*q))
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
static const char *lookup(struct g2 *c, const char *name, size_t n)
{
	int i;

	if (n == 1 && *name == '?')
		return c->status ? "0" : "1";
	if (n > G2_MAX_NAME || !is_alpha(*name))
		return NULL; /* no positional parameters outside functions */
	i = var_find(c, name, n);
	return i < 0 ? NULL : c->vars[i].value;
}

static void expand(struct rd *r, struct argv *out, const char *name, size_t n,
		   bool split)
{
	struct g2 *c = r->c;
	const char *v;
	size_t len;

	if (!r->keep || !spend(r))
		return;
	v = lookup(c, name, n);
	if (!v)
		return;
	len = strlen(v);
	c->expanded += len;
	if (c->expanded > G2_MAX_EXPANDED) {
		warn(r, r->tline,
		     "variables expanded to more than %lu bytes: the rest of "
		     "the configuration is not read",
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

		if (blank(v[i]) || v[i] == '\n') {
			fpush(r, out);
			i++;
			continue;
		}
		while (k < len && !blank(v[k]) && v[k] != '\n')
			k++;
		fput(r, v + i, k - i);
		i = k;
	}
}

static void lex_dollar(struct rd *r, struct argv *out, bool split)
{
	const char *name, *q;
	size_t n;

	q = var_ref(r->p + 1, r->end, &name, &n);
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
		warn(r, line, "a quote (') opened here is not closed");
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
		warn(r, line, "a quote (\") opened here is not closed");
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
static int lex(struct rd *r, struct argv *out)
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
	if (!spend(r))
		return T_EOF;
	for (;;) {
		while (r->p < r->end &&
		       (blank(*r->p) || (*r->p == '\\' && r->p + 1 < r->end &&
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

static int keyword(const struct rd *r)
{
	if (!r->plain)
		return 0;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(r->kw, keywords[i].word))
			return keywords[i].kw;
	return 0;
}

/* --- devices and paths ---------------------------------------------------- */

/* GRUB's name of the device holding fs: "hd0,gpt2", "hd0,msdos1,bsd1". */
static void device_name(const struct boot_fs *fs, char *buf, size_t size)
{
	const char *sp = fs->spec, *scheme = "";
	size_t n = strspn(sp, "0123456789");

	if (!strcmp(fs->table, "gpt"))
		scheme = "gpt";
	else if (!strcmp(fs->table, "dos"))
		scheme = "msdos";
	else if (!strcmp(fs->table, "sun"))
		scheme = "sun";
	else if (!strcmp(fs->table, "mac"))
		scheme = "apple";
	if (!sp[0])
		snprintf(buf, size, "hd0");
	else if (n && !sp[n])
		snprintf(buf, size, "hd0,%s%s", scheme, sp);
	else if (n && sp[n] >= 'a' && sp[n] <= 'z' && !sp[n + 1])
		snprintf(buf, size, "hd0,msdos%.*s,bsd%d", (int)n, sp,
			 sp[n] - 'a' + 1);
	else
		snprintf(buf, size, "hd0,%s", sp);
}

/* Reads "[scheme]N" at *p: N, or 0 when there is no number. */
static unsigned long part_number(const char **p)
{
	const char *q = *p;
	unsigned long v = 0;

	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
		q++;
	if (!is_digit(*q))
		return 0;
	for (; is_digit(*q) && v < 1000000; q++)
		v = v * 10 + (unsigned long)(*q - '0');
	*p = q;
	return v;
}

/*
 * The filesystem a GRUB device names: "hd0" (the whole image), "hd0,N",
 * "hd0,msdosN", "hd0,gptN", "hd0,msdosN,bsdM" (spec "Na"), "cd0"; NULL
 * for another disk or a device this image does not have.
 */
static struct boot_fs *device_fs(struct g2 *c, const char *dev)
{
	char d[64], spec[32];
	const char *p, *rest;
	unsigned long n1, n2;
	size_t n = strlen(dev);

	if (n >= 2 && dev[0] == '(' && dev[n - 1] == ')') {
		dev++;
		n -= 2;
	}
	if (n >= sizeof(d))
		return NULL;
	memcpy(d, dev, n);
	d[n] = 0;
	if (!strcmp(d, "cd") || !strcmp(d, "cd0"))
		return boot_fs_by_spec(c->s, "");
	if (strncmp(d, "hd0", 3) || is_digit(d[3]))
		return NULL;
	if (!d[3])
		return boot_fs_by_spec(c->s, "");
	if (d[3] != ',')
		return NULL;
	p = rest = d + 4;
	n1 = part_number(&p);
	if (!n1)
		return boot_fs_by_spec(c->s, rest);
	if (!*p || (*p == ',' && !p[1])) {
		snprintf(spec, sizeof(spec), "%lu", n1);
		return boot_fs_by_spec(c->s, spec);
	}
	if (*p++ != ',')
		return boot_fs_by_spec(c->s, rest);
	if (*p >= 'a' && *p <= 'z' && !p[1]) { /* old style: hd0,1,a */
		snprintf(spec, sizeof(spec), "%lu%c", n1, *p);
		return boot_fs_by_spec(c->s, spec);
	}
	if (strncmp(p, "bsd", 3))
		return boot_fs_by_spec(c->s, rest);
	n2 = part_number(&p);
	if (!n2 || n2 > 26 || *p)
		return NULL;
	snprintf(spec, sizeof(spec), "%lu%c", n1, (char)('a' + n2 - 1));
	return boot_fs_by_spec(c->s, spec);
}

/*
 * The filesystem of a device for a command at line: an unknown device is
 * reported once and stands for the filesystem of the file being read.
 */
static struct boot_fs *resolve_device(struct rd *r, const char *dev,
				      unsigned line)
{
	struct g2 *c = r->c;
	struct boot_fs *fs;

	if (!dev || !dev[0])
		return r->fs;
	fs = device_fs(c, dev);
	if (fs)
		return fs;
	for (unsigned i = 0; i < c->nbad; i++)
		if (!strcmp(c->bad_devs[i], dev))
			return r->fs;
	if (c->nbad < G2_MAX_BAD_DEVS) {
		c->bad_devs[c->nbad] = strdup(dev);
		if (c->bad_devs[c->nbad])
			c->nbad++;
	}
	warn(r, line,
	     "device '%.100s' is not in this image: the filesystem of %s "
	     "is used instead",
	     dev, r->path);
	return r->fs;
}

/*
 * A GRUB file name: "(device)/path", or "/path" on $root. Gives the
 * filesystem and the path in it (pointing into name). False, with a
 * message unless quiet, when it is not one.
 */
static bool resolve_path(struct rd *r, const char *name, unsigned line,
			 bool quiet, struct boot_fs **fs, const char **path)
{
	const char *rest = name;

	if (name[0] == '(') {
		const char *close = strchr(name, ')');
		char *dev;

		if (!close) {
			if (!quiet)
				warn(r, line,
				     "'%.200s': no ')' after the device", name);
			return false;
		}
		dev = text_dup(name + 1, (size_t)(close - name - 1));
		if (!dev) {
			out_of_memory(r->c);
			return false;
		}
		*fs = resolve_device(r, dev, line);
		free(dev);
		rest = close + 1;
	} else {
		*fs = resolve_device(r, var_get(r->c, "root"), line);
	}
	if (rest[0] != '/') {
		if (!quiet)
			warn(r, line,
			     "'%.200s' is not a GRUB file name (no '/')", name);
		return false;
	}
	*path = rest;
	return true;
}

/* --- the menu ------------------------------------------------------------- */

/* A new item at the current level; its index in items, or -1. */
static int add_item(struct rd *r, const char *title, const char *id,
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
		out_of_memory(c);
		return -1;
	}
	return (int)c->nitems++;
}

static void kept(struct g2 *c, unsigned menu, int item, int index)
{
	if (index < 0)
		return;
	if (item >= 0)
		c->items[item].entry = index;
	if (c->first[menu] < 0)
		c->first[menu] = index;
}

struct menu_args {
	const char *title, *id;
};

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
		warn(r, line, "%s without a title: skipped", what);
	return ma->title != NULL;
}

static void pending_free(struct pending *pd)
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
	e = boot_entry_new(c->s, SRC, r->fs, r->path, line);
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
		out_of_memory(c);
	}
	free(title);
	free(poss);
	free(ids);
	kept(c, l->menu, item, boot_entry_done(e));
}

/* --- the runner: blocks --------------------------------------------------- */

static int run_list(struct rd *r, bool exec, unsigned stops);

static bool depth_enter(struct rd *r, unsigned line)
{
	struct g2 *c = r->c;

	if (c->depth < BOOT_MAX_DEPTH) {
		c->depth++;
		return true;
	}
	if (!c->warned_depth)
		warn(r, line,
		     "blocks, submenus and included files nested deeper than "
		     "%u: the inner ones are skipped",
		     BOOT_MAX_DEPTH);
	c->warned_depth = true;
	return false;
}

static void depth_leave(struct rd *r)
{
	r->c->depth--;
}

static void not_closed(struct rd *r, unsigned line, const char *what,
		       const char *closer, int end)
{
	if (r->c->stop)
		return;
	warn(r, line, "'%s' is not closed by '%s'", what, closer);
	if (end == END_RBR)
		r->pushed = T_RBR; /* it closes the enclosing block */
}

/*
 * Reads over a block without running or recursing: up to the '}', 'fi' or
 * 'done' that closes it, counting the ones it opens. False at the end of
 * the file.
 */
static bool skip_raw(struct rd *r, int kind)
{
	const int opens = kind == SKIP_IF ? K_IF : K_FOR | K_WHILE | K_UNTIL;
	const int closes = kind == SKIP_IF ? K_FI : K_DONE;
	const int lead = K_IF | K_THEN | K_ELSE | K_ELIF | K_DO | K_NOT |
			 K_WHILE | K_UNTIL;
	unsigned n = 1;
	bool cmd = true;

	for (;;) {
		int t = lex(r, NULL), kw = 0;

		if (t == T_EOF)
			return false;
		if (kind == SKIP_BRACES) {
			if (t == T_LBR)
				n++;
			else if (t == T_RBR && --n == 0)
				return true;
			continue;
		}
		if (t == T_WORD && cmd)
			kw = keyword(r);
		if (kw & opens)
			n++;
		else if ((kw & closes) && --n == 0)
			return true;
		cmd = t != T_WORD || (kw & lead);
	}
}

static void skip_block(struct rd *r, int kind, const char *what,
		       const char *closer, unsigned line)
{
	if (!skip_raw(r, kind) && !r->c->stop)
		warn(r, line, "'%s' is not closed by '%s'", what, closer);
}

/* if LIST; then LIST; [elif LIST; then LIST;]... [else LIST;] fi */
static void parse_if(struct rd *r, bool exec, unsigned line)
{
	struct g2 *c = r->c;
	bool taken = false, cond;
	int end;

	if (!depth_enter(r, line)) {
		skip_block(r, SKIP_IF, "if", "fi", line);
		return;
	}
	c->status = false;
	end = run_list(r, exec, K_THEN);
	cond = exec && c->status;
	while (end == K_THEN) {
		end = run_list(r, exec && cond && !taken,
			       K_ELIF | K_ELSE | K_FI);
		taken = taken || cond;
		if (end == K_ELIF) {
			c->status = false;
			end = run_list(r, exec && !taken, K_THEN);
			cond = exec && !taken && c->status;
		} else if (end == K_ELSE) {
			end = run_list(r, exec && !taken, K_FI);
			break;
		} else {
			break;
		}
	}
	if (end != K_FI)
		not_closed(r, line, "if", "fi", end);
	depth_leave(r);
}

/* for/while/until ...; do LIST; done: read over, never run. */
static void parse_loop(struct rd *r, const char *what, unsigned line)
{
	int end;

	if (!depth_enter(r, line)) {
		skip_block(r, SKIP_LOOP, what, "done", line);
		return;
	}
	end = run_list(r, false, K_DO);
	if (end == K_DO)
		end = run_list(r, false, K_DONE);
	if (end != K_DONE)
		not_closed(r, line, what, "done", end);
	depth_leave(r);
}

/* Reads up to the '{' of a block; false (with a message) when none. */
static bool block_start(struct rd *r, struct argv *av, const char *what,
			unsigned line, bool *bad)
{
	bool delim = false;

	for (;;) {
		int t = lex(r, av);

		if (t == T_LBR)
			return true;
		if (t == T_NL || t == T_SEMI) {
			delim = true;
			continue;
		}
		if (t == T_WORD && !delim) {
			*bad = *bad || r->bad;
			continue;
		}
		if (t == T_RBR)
			r->pushed = T_RBR;
		if (!r->c->stop)
			warn(r, line, "'%s' without a '{' body", what);
		return false;
	}
}

/* function NAME { ... }: the body is read, not run. */
static void parse_function(struct rd *r, unsigned line)
{
	bool bad = false;
	int end;

	if (!block_start(r, NULL, "function", line, &bad))
		return;
	if (!depth_enter(r, line)) {
		skip_block(r, SKIP_BRACES, "function", "}", line);
		return;
	}
	end = run_list(r, false, 0);
	if (end != END_RBR)
		not_closed(r, line, "function", "}", end);
	depth_leave(r);
}

static int run_entry(struct rd *r, bool exec, const struct menu_args *ma,
		     unsigned line)
{
	struct g2 *c = r->c;
	struct pending pd = { 0 };
	unsigned mark = 0, pos = 0;
	int item = -1, end;

	if (exec) {
		item = add_item(r, ma->title, ma->id, false, &pos);
		mark = scope_open(c);
		c->pending = &pd;
	}
	end = run_list(r, exec, 0);
	if (exec) {
		c->pending = NULL;
		scope_close(c, mark);
		/* GRUB makes no entry of one it cannot parse */
		if (end == END_RBR)
			finish_entry(r, &pd, ma, pos, item, line);
	}
	pending_free(&pd);
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
		sub.item = add_item(r, ma->title, ma->id, true, &pos);
		sub.untracked = sub.item < 0;
		snprintf(num, sizeof(num), "%u", pos);
		sub.titles = join_level(up->titles, ma->title);
		sub.poss = join_level(up->poss, num);
		sub.ids = join_level(up->ids, ma->id ? ma->id : "");
		if (!sub.titles || !sub.poss || !sub.ids)
			out_of_memory(c);
		mark = scope_open(c);
		r->level = &sub;
	}
	end = run_list(r, exec && !c->stop, 0);
	if (exec) {
		r->level = up;
		scope_close(c, mark);
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
static void parse_menu(struct rd *r, bool exec, struct argv *av, bool submenu,
		       unsigned line)
{
	const char *what = submenu ? "submenu" : "menuentry";
	struct menu_args ma = { NULL, NULL };
	bool bad = false;
	int end;

	argv_clear(av);
	if (!block_start(r, av, what, line, &bad))
		return;
	if (!depth_enter(r, line)) {
		skip_block(r, SKIP_BRACES, what, "}", line);
		return;
	}
	if (exec && bad)
		warn(r, line, "%s with '|', '&', '<' or '>': skipped", what);
	exec = exec && !bad && !r->c->pending && !r->c->stop;
	if (exec && !menu_args(r, av, what, line, &ma))
		exec = false;
	if (submenu)
		end = run_submenu(r, exec, &ma);
	else
		end = run_entry(r, exec, &ma, line);
	if (end != END_RBR)
		not_closed(r, line, what, "}", end);
	depth_leave(r);
}

/* --- the runner: commands ------------------------------------------------- */

static bool run_command(struct rd *r, struct argv *av, unsigned line);

/* The words of a simple command after its first; returns what ended it. */
static int collect(struct rd *r, struct argv *av, bool *bad)
{
	for (;;) {
		int t = lex(r, av);

		if (t != T_WORD)
			return t;
		*bad = *bad || r->bad;
	}
}

/* Runs a reserved word's construct; false for one out of place. */
static bool structure(struct rd *r, bool exec, struct argv *av, int kw,
		      unsigned line)
{
	switch (kw) {
	case K_IF:
		parse_if(r, exec, line);
		return true;
	case K_FOR:
		parse_loop(r, "for", line);
		return true;
	case K_WHILE:
		parse_loop(r, "while", line);
		return true;
	case K_UNTIL:
		parse_loop(r, "until", line);
		return true;
	case K_FUNCTION:
		parse_function(r, line);
		return true;
	case K_MENUENTRY:
	case K_SUBMENU:
		parse_menu(r, exec, av, kw == K_SUBMENU, line);
		return true;
	default:
		return false;
	}
}

/*
 * Runs commands (exec) or reads over them, up to one of the reserved
 * words of stops in command position, a '}' or the end of the file.
 * Returns which; c->status is the status of the last command run.
 */
static int run_list(struct rd *r, bool exec, unsigned stops)
{
	struct g2 *c = r->c;
	struct argv *av = NULL;
	int end = END_EOF;

	if (exec && !(av = calloc(1, sizeof(*av)))) {
		out_of_memory(c);
		return END_EOF;
	}
	while (!c->stop) {
		bool neg = false, bad;
		unsigned line;
		int t, kw;

		argv_clear(av);
		t = lex(r, av);
		while (t == T_WORD && keyword(r) == K_NOT) {
			neg = !neg;
			argv_clear(av);
			t = lex(r, av);
		}
		if (t == T_NL || t == T_SEMI)
			continue;
		if (t == T_EOF)
			break;
		if (t == T_RBR) {
			end = END_RBR;
			break;
		}
		line = r->tline;
		if (t == T_LBR) {
			warn(r, line,
			     "a '{' block outside a menuentry: skipped");
			skip_block(r, SKIP_BRACES, "{", "}", line);
			continue;
		}
		kw = keyword(r);
		if (kw & (int)stops) {
			end = kw;
			break;
		}
		if (kw) {
			if (!structure(r, exec, av, kw, line))
				warn(r, line, "'%s' out of place: ignored",
				     r->kw);
			continue;
		}
		bad = r->bad;
		t = collect(r, av, &bad);
		if (exec && bad)
			warn(r, line,
			     "GRUB has no pipes or redirections ('|', '&', "
			     "'<', '>'): command skipped");
		else if (exec && av->n && !c->stop)
			c->status = run_command(r, av, line) != neg;
		if (t == T_RBR) {
			end = END_RBR;
			break;
		}
		if (t == T_LBR) {
			warn(r, r->tline,
			     "a '{' block outside a menuentry: "
			     "skipped");
			skip_block(r, SKIP_BRACES, "{", "}", r->tline);
		}
		if (t == T_EOF)
			break;
	}
	argv_free(av);
	return end;
}

/* --- commands: variables, tests ------------------------------------------- */

/* set NAME=VALUE, or NAME=VALUE as a command */
static bool assign(struct rd *r, char *word, unsigned line)
{
	char *eq = strchr(word, '=');

	if (!eq || eq == word)
		return false;
	*eq = 0;
	var_set(r->c, word, eq + 1, r->place, line);
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
		var_set(r->c, av->v[i], NULL, r->place, line);
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

	if (!resolve_path(r, name, t->line, true, &fs, &path) ||
	    !spend_lookup(r, 1))
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
		out_of_memory(c);
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
		warn(r, line, "%s without a file", av->v[0]);
		return false;
	}
	if (!resolve_path(r, av->v[1], line, false, &fs, &path))
		return false;
	kernel = strdup(path);
	args = cmdline(r->c, av, 2);
	if (!kernel || !args) {
		free(kernel);
		free(args);
		out_of_memory(r->c);
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

		if (!resolve_path(r, av->v[i], line, false, &fs, &path)) {
			pending_free(&next);
			return false;
		}
		if (next.ninitrd == BOOT_MAX_INITRDS + 1)
			continue; /* one more than kept: boot.c tells */
		next.ifs[next.ninitrd] = fs;
		next.initrd[next.ninitrd] = strdup(path);
		if (!next.initrd[next.ninitrd]) {
			out_of_memory(r->c);
			pending_free(&next);
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
		warn(r, line, "%s without a name", av->v[0]);
		return false;
	}
	if (!q.type) {
		warn(r, line,
		     "search without --fs-uuid, --label or --file: GRUB "
		     "refuses it");
		return false;
	}
	if (q.type == 'x')
		return false; /* partition UUIDs and labels are not known */
	what = q.type == 'u' ? "UUID" : q.type == 'l' ? "label" : "file";
	if (q.type == 'f' && spend_lookup(r, boot_fs_count(c->s)))
		fs = boot_fs_by_file(c->s, q.name);
	else if (q.type == 'u')
		fs = boot_fs_by_uuid(c->s, q.name);
	else if (q.type == 'l')
		fs = boot_fs_by_label(c->s, q.name);
	if (!fs) {
		if (q.var)
			warn(r, line,
			     "search: no filesystem has the %s '%.200s': "
			     "$%.100s "
			     "is left as it was",
			     what, q.name, q.var);
		else
			warn(r, line,
			     "search: no filesystem has the %s '%.200s'", what,
			     q.name);
		return false;
	}
	if (q.var) {
		device_name(fs, dev, sizeof(dev));
		var_set(c, q.var, dev, r->place, line);
	}
	return true;
}

static bool cmd_search(struct rd *r, struct argv *av, unsigned line)
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

	while (p < end && spend(r)) {
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
			var_set(c, name, c->field, place, at);
	}
}

/* load_env [-f FILE] [--skip-sig] [NAME...]: FILE is $prefix/grubenv */
static bool cmd_load_env(struct rd *r, struct argv *av, unsigned line)
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
		const char *prefix = var_get(c, "prefix");

		if (!prefix)
			return false;
		file = def = text_join_path(prefix, "grubenv");
		if (!def) {
			out_of_memory(c);
			return false;
		}
	}
	if (!resolve_path(r, file, line, false, &fs, &path) ||
	    !spend_lookup(r, 1))
		goto out;
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc == -ENOMEM)
		out_of_memory(c);
	if (rc)
		goto out; /* GRUB fails: absent is quiet, the rest logged */
	if (c->nplaces < BOOT_MAX_CONFIGS)
		place = place_of(c, fs, path);
	if (strncmp(text, ENV_SIGNATURE, strlen(ENV_SIGNATURE))) {
		warn_place(c, place, 1,
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

static void run_file(struct g2 *c, int place, const char *text, size_t len,
		     struct level *level);
static void menu_done(struct g2 *c, unsigned menu);

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

	place = place_of(c, fs, path);
	if (place < 0)
		return false;
	if (!boot_config_claim(c->s, fs, path)) {
		if (c->places[place].active)
			warn(r, line,
			     "%s %s: that file is being read already (a loop): "
			     "not read again",
			     cmd, path);
		else if (!main_path(path))
			warn(r, line, "%s %s: already read", cmd, path);
		return false;
	}
	boot_debug("grub2: %s reads %s%s%s", cmd, fs->spec,
		   fs->spec[0] ? ":" : "", path);
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc == -ENOENT || rc == -ENOTDIR)
		warn(r, line, "%s %s: no such file", cmd, path);
	else if (rc == -EISDIR || rc == -EINVAL)
		warn(r, line, "%s %s: not a regular file", cmd, path);
	else if (rc == -ENOMEM)
		out_of_memory(c);
	if (rc)
		return false;
	if (!newmenu) {
		run_file(c, place, text, len, r->level);
	} else if (c->nmenus < G2_MAX_MENUS) {
		top.menu = c->nmenus++;
		c->first[top.menu] = -1;
		mark = scope_open(c);
		/* GRUB's new context has the exported variables only: the
		   default of the menu that called is not one of them */
		var_set(c, "default", NULL, place, line);
		run_file(c, place, text, len, &top);
		menu_done(c, top.menu);
		scope_close(c, mark);
	}
	free(text);
	return true;
}

/* configfile FILE, normal FILE, source FILE, . FILE */
static bool cmd_include(struct rd *r, struct argv *av, unsigned line)
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
	if (!resolve_path(r, av->v[1], line, false, &fs, &path) ||
	    !spend_lookup(r, 1))
		return false;
	if (!depth_enter(r, line))
		return false;
	ok = include(r, av->v[0], fs, path, line, newmenu);
	depth_leave(r);
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
			q = var_ref(p + 1, end, &name, &len);
		if (!q) {
			if (n < cap)
				out[n++] = *p;
			p++;
			continue;
		}
		p = q;
		if (spend(r))
			v = lookup(r->c, name, len);
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
static bool cmd_blscfg(struct rd *r, struct argv *av, unsigned line)
{
	struct g2 *c = r->c;
	const char *dev = var_get(c, "boot"), *dir = var_get(c, "blsdir");
	struct boot_fs *fs;
	struct bls_ctx ctx = { r };
	unsigned before = boot_entry_count(c->s), after;
	int n;

	(void)av;
	if (c->pending)
		return false;
	fs = resolve_device(r, dev && dev[0] ? dev : var_get(c, "root"), line);
	if (dir && dir[0]) {
		if (!resolve_path(r, dir, line, false, &fs, &dir))
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
		out_of_memory(c);
	if (n <= 0)
		return false;
	after = boot_entry_count(c->s);
	for (unsigned i = before; i < after; i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(c->s, i);
		unsigned pos;

		kept(c, r->level->menu,
		     add_item(r, e->title, e->id[0] ? e->id : NULL, false,
			      &pos),
		     (int)i);
	}
	return true;
}

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
	{ "search", cmd_search },
	{ "search.fs_uuid", cmd_search },
	{ "search.fs_label", cmd_search },
	{ "search.file", cmd_search },
	{ "load_env", cmd_load_env },
	{ "configfile", cmd_include },
	{ "normal", cmd_include },
	{ "source", cmd_include },
	{ ".", cmd_include },
	{ "blscfg", cmd_blscfg },
};

/* A simple command; its status (unknown commands fail). */
static bool run_command(struct rd *r, struct argv *av, unsigned line)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(av->v[0], commands[i].name))
			return commands[i].run(r, av, line);
	/* not a command: GRUB takes NAME=VALUE as an assignment */
	return assign(r, av->v[0], line);
}

/* --- files and the default ------------------------------------------------ */

static void set_file_vars(struct g2 *c, struct boot_fs *fs, const char *path)
{
	char dev[64], *buf;
	size_t n = strlen(path), d = n;

	while (d > 0 && path[d - 1] != '/')
		d--;
	while (d > 0 && path[d - 1] == '/')
		d--;
	device_name(fs, dev, sizeof(dev));
	buf = malloc(strlen(dev) + n + 3);
	if (!buf) {
		out_of_memory(c);
		return;
	}
	sprintf(buf, "(%s)%s", dev, path);
	var_set(c, "config_file", buf, -1, 0);
	buf[strlen(dev) + 2 + d] = 0;
	var_set(c, "config_directory", buf, -1, 0);
	free(buf);
}

/* Runs a whole file; its entries go to level. */
static void run_file(struct g2 *c, int place, const char *text, size_t len,
		     struct level *level)
{
	struct rd r = {
		.c = c,
		.fs = c->places[place].fs,
		.path = c->places[place].path,
		.place = place,
		.p = text,
		.end = text + strnlen(text, len),
		.line = 1,
		.level = level,
	};

	c->places[place].active++;
	set_file_vars(c, r.fs, r.path);
	while (!c->stop) {
		int end = run_list(&r, true, 0);

		if (end == END_EOF)
			break;
		warn(&r, r.tline, "a '}' that closes nothing: ignored");
	}
	c->places[place].active--;
}

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
	if (is_digit(want[0])) {
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
		out_of_memory(c);
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
static void menu_done(struct g2 *c, unsigned menu)
{
	int i = var_find(c, "default", 7), index;
	const struct var *v = i < 0 ? NULL : &c->vars[i];
	const char *val = v && v->value ? v->value : "";

	if (c->default_done || c->first[menu] < 0 || c->oom)
		return;
	c->default_done = true;
	if (!strcmp(val, "saved")) {
		val = var_get(c, "saved_entry");
		val = val ? val : "";
	}
	index = resolve_default(c, menu, val[0] ? val : "0");
	if (index == -1 && val[0])
		warn_place(c, v->place, v->line,
			   "default '%.200s' names no entry: the first is "
			   "used",
			   val);
	else if (index == -2 && val[0])
		warn_place(c, v->place, v->line,
			   "default '%.200s' is an entry that loads no Linux "
			   "kernel: the first is used",
			   val);
	if (index < 0)
		index = c->first[menu];
	boot_default_index(c->s, (unsigned)index);
}

/* --- the source ----------------------------------------------------------- */

static void presets(struct g2 *c, struct boot_fs *fs, const char *path)
{
	static const char *const features[] = {
		"feature_200_final",
		"feature_all_video_module",
		"feature_chainloader_bpb",
		"feature_default_font_path",
		"feature_menuentry_id",
		"feature_menuentry_options",
		"feature_nativedisk_cmd",
		"feature_ntldr",
		"feature_platform_search_hint",
		"feature_timeout_style",
	};
	char dev[64], *prefix;
	size_t d = strlen(path);

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		var_set(c, features[i], "y", -1, 0);
	var_set(c, "grub_platform", "pc", -1, 0);
	var_set(c, "grub_cpu", "i386", -1, 0);
	var_set(c, "menuentry_id_option", "--id", -1, 0);
	device_name(fs, dev, sizeof(dev));
	var_set(c, "root", dev, -1, 0);
	while (d > 0 && path[d - 1] != '/')
		d--;
	while (d > 0 && path[d - 1] == '/')
		d--;
	prefix = malloc(strlen(dev) + d + 3);
	if (!prefix) {
		out_of_memory(c);
		return;
	}
	sprintf(prefix, "(%s)%.*s", dev, (int)d, path);
	var_set(c, "prefix", prefix, -1, 0);
	var_set(c, "cmdpath", prefix, -1, 0);
	free(prefix);
}

static void g2_free(struct g2 *c)
{
	while (c->scope)
		scope_close(c, 0);
	for (unsigned i = 0; i < c->nvars; i++) {
		free(c->vars[i].name);
		free(c->vars[i].value);
	}
	for (unsigned i = 0; i < c->nplaces; i++)
		free(c->places[i].path);
	for (unsigned i = 0; i < c->nitems; i++) {
		free(c->items[i].title);
		free(c->items[i].id);
	}
	for (unsigned i = 0; i < c->nbad; i++)
		free(c->bad_devs[i]);
	free(c->items);
	free(c);
}

/* Runs grub.cfg text read (and claimed) from path in fs. */
static int parse_grub2(struct boot_scan *s, struct boot_fs *fs,
		       const char *path, const char *text, size_t len)
{
	struct g2 *c = calloc(1, sizeof(*c));
	struct level top = { .menu = 0, .item = -1 };
	int place, rc;

	if (!c)
		return -ENOMEM;
	c->s = s;
	c->items = calloc(G2_MAX_ITEMS, sizeof(*c->items));
	if (!c->items) {
		g2_free(c);
		return -ENOMEM;
	}
	c->nmenus = 1;
	c->first[0] = -1;
	presets(c, fs, path);
	place = place_of(c, fs, path);
	if (place >= 0 && !c->oom) {
		run_file(c, place, text, len, &top);
		menu_done(c, 0);
	}
	rc = c->oom ? -ENOMEM : 0;
	g2_free(c);
	return rc;
}

static const char *const config_paths[] = {
	"/boot/grub/grub.cfg",
	"/grub/grub.cfg",
	"/boot/grub2/grub.cfg",
	"/grub2/grub.cfg",
};

/* The grub.cfg of fs, pygrub's paths first, then an ESP's /EFI/DIR. */
static char *find_config(struct boot_scan *s, struct boot_fs *fs)
{
	char **names, *path = NULL;
	size_t n;

	for (size_t i = 0; i < sizeof(config_paths) / sizeof(config_paths[0]);
	     i++)
		if (boot_is_file(s, fs, config_paths[i]))
			return strdup(config_paths[i]);
	if (boot_list_dir(s, fs, "/EFI", false, &names, &n))
		return NULL;
	for (size_t i = 0; i < n && !path; i++) {
		char *p = malloc(strlen(names[i]) + 16);

		if (!p)
			break;
		sprintf(p, "/EFI/%s/grub.cfg", names[i]);
		if (boot_is_file(s, fs, p))
			path = p;
		else
			free(p);
	}
	boot_free_names(names, n);
	return path;
}

static int scan_grub2(struct boot_scan *s, struct boot_fs *fs)
{
	char *path = find_config(s, fs), *text;
	size_t len;
	int rc;

	if (!path)
		return 0;
	/* already read: through a configfile from an ESP stub */
	if (!boot_config_claim(s, fs, path)) {
		free(path);
		return 0;
	}
	rc = boot_read_file(s, fs, path, &text, &len);
	if (!rc) {
		rc = parse_grub2(s, fs, path, text, len);
		free(text);
	}
	free(path);
	return rc == -ENOMEM ? rc : 0;
}

const struct boot_source boot_source_grub2 = {
	.name = "grub2",
	.label = "GRUB 2",
	.scan = scan_grub2,
	.parse = parse_grub2,
};
