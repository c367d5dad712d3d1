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
 * This file holds the messages, the bounds on work, the files read, the
 * variables GRUB sets before it reads grub.cfg, and the scan. The other
 * parts, and the bounds, are listed in grub2.h.
 */
#include "grub2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	boot_warn(c->s, &boot_source_grub2, fs, path, line, "%s", msg);
}

void grub2_warn(struct rd *r, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(r->c, r->fs, r->path, line, fmt, ap);
	va_end(ap);
}

void grub2_warn_place(struct g2 *c, int place, unsigned line, const char *fmt,
		      ...)
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

void grub2_out_of_memory(struct g2 *c)
{
	c->oom = c->stop = true;
}

/* --- bounds --------------------------------------------------------------- */

/* Counts a token or a variable reference; false once the budget is spent. */
bool grub2_spend(struct rd *r)
{
	struct g2 *c = r->c;

	if (c->stop)
		return false;
	if (++c->tokens > G2_MAX_TOKENS) {
		grub2_warn(
			r, r->line,
			"more than %lu words and variable references: the rest "
			"of the configuration is not read",
			G2_MAX_TOKENS);
		c->stop = true;
		return false;
	}
	return true;
}

/* Counts a look-up in the image's files; false once the budget is spent. */
bool grub2_spend_lookup(struct rd *r, unsigned n)
{
	struct g2 *c = r->c;

	c->lookups += n;
	if (c->lookups <= G2_MAX_LOOKUPS)
		return true;
	if (c->lookups - n <= G2_MAX_LOOKUPS)
		grub2_warn(r, r->tline,
			   "more than %lu file look-ups: the later ones find "
			   "nothing",
			   G2_MAX_LOOKUPS);
	return false;
}

/* --- files read ----------------------------------------------------------- */

int grub2_place_of(struct g2 *c, struct boot_fs *fs, const char *path)
{
	for (unsigned i = 0; i < c->nplaces; i++)
		if (c->places[i].fs == fs && !strcmp(c->places[i].path, path))
			return (int)i;
	if (c->nplaces == G2_MAX_PLACES)
		return -1;
	c->places[c->nplaces].path = strdup(path);
	if (!c->places[c->nplaces].path) {
		grub2_out_of_memory(c);
		return -1;
	}
	c->places[c->nplaces].fs = fs;
	c->places[c->nplaces].active = 0;
	return (int)c->nplaces++;
}

static void set_file_vars(struct g2 *c, struct boot_fs *fs, const char *path)
{
	char dev[64], *buf;
	size_t n = strlen(path), d = n;

	while (d > 0 && path[d - 1] != '/')
		d--;
	while (d > 0 && path[d - 1] == '/')
		d--;
	grub2_device_name(fs, dev, sizeof(dev));
	buf = malloc(strlen(dev) + n + 3);
	if (!buf) {
		grub2_out_of_memory(c);
		return;
	}
	sprintf(buf, "(%s)%s", dev, path);
	grub2_var_set(c, "config_file", buf, -1, 0);
	buf[strlen(dev) + 2 + d] = 0;
	grub2_var_set(c, "config_directory", buf, -1, 0);
	free(buf);
}

/* Runs a whole file; its entries go to level. */
void grub2_run_file(struct g2 *c, int place, const char *text, size_t len,
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
		int end = grub2_run_list(&r, true, 0);

		if (end == END_EOF)
			break;
		grub2_warn(&r, r.tline, "a '}' that closes nothing: ignored");
	}
	c->places[place].active--;
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
		grub2_var_set(c, features[i], "y", -1, 0);
	grub2_var_set(c, "grub_platform", "pc", -1, 0);
	grub2_var_set(c, "grub_cpu", "i386", -1, 0);
	grub2_var_set(c, "menuentry_id_option", "--id", -1, 0);
	grub2_device_name(fs, dev, sizeof(dev));
	grub2_var_set(c, "root", dev, -1, 0);
	while (d > 0 && path[d - 1] != '/')
		d--;
	while (d > 0 && path[d - 1] == '/')
		d--;
	prefix = malloc(strlen(dev) + d + 3);
	if (!prefix) {
		grub2_out_of_memory(c);
		return;
	}
	sprintf(prefix, "(%s)%.*s", dev, (int)d, path);
	grub2_var_set(c, "prefix", prefix, -1, 0);
	grub2_var_set(c, "cmdpath", prefix, -1, 0);
	free(prefix);
}

static void g2_free(struct g2 *c)
{
	while (c->scope)
		grub2_scope_close(c, 0);
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
	place = grub2_place_of(c, fs, path);
	if (place >= 0 && !c->oom) {
		grub2_run_file(c, place, text, len, &top);
		grub2_menu_done(c, 0);
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
