/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the GRUB 2 grub.cfg reader, shared by its files:
 *
 *   grub2.c       messages, bounds, files read, the scan and parse entry
 *                 points, the source descriptor
 *   grub2_lex.c   the lexer: words, quotes, escapes, $var expansion
 *   grub2_var.c   variables and the scopes that undo them
 *   grub2_dev.c   GRUB devices ("hd0,gpt2") and file names
 *   grub2_run.c   the runner: command lists, if/elif/else, loops,
 *                 functions, the nesting bound
 *   grub2_menu.c  menuentry and submenu, the items of the menu, the
 *                 default
 *   grub2_cmd.c   the command table; set, unset, test, linux, initrd
 *   grub2_load.c  commands that read the image: search, load_env,
 *                 configfile/source, blscfg
 *
 * Bounds. Nesting of blocks, submenus and included files: BOOT_MAX_DEPTH,
 * past which a block is read over without recursion (one message); words:
 * G2_MAX_WORDS a command, BOOT_STR_MAX bytes each; G2_MAX_VARS variables;
 * G2_MAX_TOKENS words and variable references, G2_MAX_EXPANDED bytes of
 * expansions and G2_MAX_LOOKUPS file look-ups per scan, after which the
 * rest is not read. Everything else is linear in the text.
 */
#ifndef FSIMG_GRUB2_H
#define FSIMG_GRUB2_H

#include "bootcfg.h"

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

/* The title and --id of a menuentry or submenu. */
struct menu_args {
	const char *title, *id;
};

/* For the lexer, device names and the default. */
static inline bool grub2_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* --- grub2.c: messages, bounds, files read -------------------------------- */

/* A message naming the file being read and line (at most G2_MAX_WARNINGS). */
void grub2_warn(struct rd *r, unsigned line, const char *fmt, ...)
	FSIMG_PRINTF(3, 4);
/* A message naming file place (c->places; -1: none) and line. */
void grub2_warn_place(struct g2 *c, int place, unsigned line, const char *fmt,
		      ...) FSIMG_PRINTF(4, 5);
/* Memory ran out: the scan stops and returns -ENOMEM. */
void grub2_out_of_memory(struct g2 *c);
/* Counts a token or a variable reference; false once the budget is spent. */
bool grub2_spend(struct rd *r);
/* Counts n look-ups in the image's files; false once the budget is spent. */
bool grub2_spend_lookup(struct rd *r, unsigned n);
/* Index of (fs, path) in c->places, added if new; -1: full or no memory. */
int grub2_place_of(struct g2 *c, struct boot_fs *fs, const char *path);
/* Runs a whole file (text, len bytes) of c->places; its entries go to level. */
void grub2_run_file(struct g2 *c, int place, const char *text, size_t len,
		    struct level *level);

/* --- grub2_lex.c ---------------------------------------------------------- */

/*
 * The next token. Words are expanded and added to out; with out NULL they
 * are only read over (a block that does not run).
 */
int grub2_lex(struct rd *r, struct argv *out);
/* The reserved word (K_*) the last token is, 0 for none. */
int grub2_keyword(const struct rd *r);
/*
 * A variable reference after a '$' at p: $name, ${name}, $1, $?, ...
 * Gives the name and returns where the reference ends; NULL when there is
 * none (the '$' is then a plain character).
 */
const char *grub2_var_ref(const char *p, const char *end, const char **name,
			  size_t *n);
/* The value of a referenced variable; NULL when it is unset. */
const char *grub2_lookup(struct g2 *c, const char *name, size_t n);

/* --- grub2_var.c ---------------------------------------------------------- */

/* Index of variable [name, name+n), or -1. */
int grub2_var_find(const struct g2 *c, const char *name, size_t n);
/* Its value, NULL when unset; owned by c, valid until the next change. */
const char *grub2_var_get(const struct g2 *c, const char *name);
/*
 * Sets (value NULL: unsets) a variable, copying value. In a scope, the
 * value it had before the scope is saved once in the undo log.
 */
void grub2_var_set(struct g2 *c, const char *name, const char *value, int place,
		   unsigned line);
/* Opens a scope; its mark is for grub2_scope_close, which undoes it. */
unsigned grub2_scope_open(struct g2 *c);
void grub2_scope_close(struct g2 *c, unsigned mark);

/* --- grub2_dev.c ---------------------------------------------------------- */

/* GRUB's name of the device holding fs: "hd0,gpt2", "hd0,msdos1,bsd1". */
void grub2_device_name(const struct boot_fs *fs, char *buf, size_t size);
/*
 * The filesystem of a device for a command at line: an unknown device is
 * reported once and stands for the filesystem of the file being read.
 */
struct boot_fs *grub2_resolve_device(struct rd *r, const char *dev,
				     unsigned line);
/*
 * A GRUB file name: "(device)/path", or "/path" on $root. Gives the
 * filesystem and the path in it (pointing into name). False, with a
 * message unless quiet, when it is not one.
 */
bool grub2_resolve_path(struct rd *r, const char *name, unsigned line,
			bool quiet, struct boot_fs **fs, const char **path);

/* --- grub2_run.c ---------------------------------------------------------- */

/* Frees the words of av (may be NULL), which stays usable. */
void grub2_argv_clear(struct argv *av);
/*
 * Runs commands (exec) or reads over them, up to one of the reserved
 * words of stops in command position, a '}' or the end of the file.
 * Returns which; c->status is the status of the last command run.
 */
int grub2_run_list(struct rd *r, bool exec, unsigned stops);
/* One level deeper; false (one message) past BOOT_MAX_DEPTH. */
bool grub2_depth_enter(struct rd *r, unsigned line);
void grub2_depth_leave(struct rd *r);
/*
 * What opened at line was ended by end (END_*), not by closer: a message;
 * a '}' is given back, it closes the enclosing block.
 */
void grub2_not_closed(struct rd *r, unsigned line, const char *what,
		      const char *closer, int end);
/* Reads over a block of kind (SKIP_*) without running or recursing. */
void grub2_skip_block(struct rd *r, int kind, const char *what,
		      const char *closer, unsigned line);
/* Reads up to the '{' of a block; false (with a message) when none. */
bool grub2_block_start(struct rd *r, struct argv *av, const char *what,
		       unsigned line, bool *bad);

/* --- grub2_menu.c --------------------------------------------------------- */

/* menuentry (submenu false) or submenu after its keyword; av is scratch. */
void grub2_parse_menu(struct rd *r, bool exec, struct argv *av, bool submenu,
		      unsigned line);
/* A new item at the current level; its index in items, or -1. */
int grub2_add_item(struct rd *r, const char *title, const char *id,
		   bool submenu, unsigned *pos);
/*
 * Item (-1: not remembered) of menu became entry index of the boot menu
 * (-1: none, nothing is done); the first of a menu is its fallback default.
 */
void grub2_kept(struct g2 *c, unsigned menu, int item, int index);
/* Frees what pd holds; pd itself is the caller's. */
void grub2_pending_free(struct pending *pd);
/* A menu has been read: the first one with entries gives the default. */
void grub2_menu_done(struct g2 *c, unsigned menu);

/* --- grub2_cmd.c and grub2_load.c ----------------------------------------- */

/* A simple command; its status (unknown commands fail). */
bool grub2_run_command(struct rd *r, struct argv *av, unsigned line);
/* Commands of grub2_load.c, for the table of grub2_cmd.c. */
bool grub2_cmd_search(struct rd *r, struct argv *av, unsigned line);
bool grub2_cmd_load_env(struct rd *r, struct argv *av, unsigned line);
bool grub2_cmd_include(struct rd *r, struct argv *av, unsigned line);
bool grub2_cmd_blscfg(struct rd *r, struct argv *av, unsigned line);

#endif
