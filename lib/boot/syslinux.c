/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syslinux, extlinux and isolinux menus (syslinux.cfg(5), menu.txt), read
 * as syslinux 4 and later reads them (com32/elflink/ldlinux/readconfig.c)
 * where Xen's pygrub agrees, and where it is right where it does not.
 *
 * The file. Keywords are case-insensitive; the rest of a line is the
 * argument. LABEL NAME starts an entry (id NAME; its title is MENU LABEL,
 * '^' hotkey markers removed, else NAME); KERNEL or LINUX FILE [ARGS] is
 * what it boots (NAME itself when it has none and that file exists);
 * APPEND its arguments (an APPEND outside a LABEL is the global one, used
 * by entries without their own; "APPEND -": none); INITRD a,b its
 * initrds. The first initrd= in the arguments, if any, gives the initrds
 * instead (syslinux appends INITRD's list as one more initrd= and loads
 * the first) and every initrd= is removed from them, as pygrub does.
 * LOCALBOOT, COM32, CONFIG, ..., a KERNEL named *.c32 (*.com, *.bin, ...,
 * memdisk) and a MENU GOTO/EXIT/QUIT/DISABLE do not boot Linux: dropped.
 * MENU BEGIN [tag] ... MENU END nest submenus: their entries' titles are
 * "Submenu>Title" (the submenu's MENU LABEL, else MENU TITLE, else tag).
 * INCLUDE FILE and MENU INCLUDE FILE [tag] read another file as if it
 * were written there. TEXT ... ENDTEXT is help text.
 *
 * Paths. Relative names (KERNEL, INITRD, INCLUDE) are relative to the
 * directory of the main configuration, syslinux's working directory (in
 * /isolinux/isolinux.cfg, "KERNEL vmlinuz" is /isolinux/vmlinuz).
 *
 * Default. DEFAULT CMDLINE and ONTIMEOUT CMDLINE name a label by their
 * first word (case-sensitive, as syslinux matches). The default is the
 * DEFAULT label, else the ONTIMEOUT label, else, when DEFAULT names no
 * label and no UI module is loaded, the kernel DEFAULT names (syslinux
 * boots it with the global APPEND: an entry of its own, last), else the
 * top menu's MENU DEFAULT, else the first entry.
 *
 * Bounds: lines of at most BOOT_STR_MAX bytes (longer ones are reported
 * and skipped); includes nested BOOT_MAX_DEPTH deep, each file read once
 * a scan (a loop is reported); submenus tracked BOOT_MAX_DEPTH deep (the
 * deeper levels are counted, not named); the menu's BOOT_MAX_ENTRIES.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const struct boot_source boot_source_syslinux;
#define SRC (&boot_source_syslinux)

/* pygrub's five first, then the rest of syslinux's own search */
static const char *const config_paths[] = {
	"/boot/isolinux/isolinux.cfg",
	"/boot/extlinux/extlinux.conf",
	"/boot/extlinux.conf",
	"/extlinux/extlinux.conf",
	"/extlinux.conf",
	"/isolinux/isolinux.cfg",
	"/isolinux.cfg",
	"/boot/syslinux/syslinux.cfg",
	"/syslinux/syslinux.cfg",
	"/syslinux.cfg",
};

enum sl_type {
	SL_KERNEL, /* KERNEL: Linux unless its name says otherwise */
	SL_LINUX,  /* LINUX: Linux whatever its name */
	SL_OTHER,  /* LOCALBOOT, COM32, a menu action, ...: not Linux */
};

/* The LABEL being read (syslinux's struct labeldata). */
struct sl_label {
	bool open;
	char *name;
	char *menulabel;
	char *kernel; /* FILE [ARGS] of KERNEL/LINUX, NULL: none */
	char *append; /* NULL: the global one */
	char *initrd;
	char *file; /* where LABEL was */
	unsigned line;
	enum sl_type type;
	bool menu_default;
};

struct sl_menu {
	char *tag, *label, *title;
};

struct sl {
	struct boot_scan *s;
	struct boot_fs *fs;
	const char *main; /* the main configuration */
	char *cwd;	  /* its directory */
	const char *file; /* the file and line being read */
	unsigned line;

	struct sl_label ld;
	char *append; /* global APPEND */
	char *deflt, *ontimeout;
	char *deflt_file; /* where DEFAULT was */
	unsigned deflt_line;
	bool ui;

	struct sl_menu menus[BOOT_MAX_DEPTH];
	unsigned long depth; /* open submenus; menus[] names the first ones */
	bool deep_warned;

	const char *open_files[BOOT_MAX_DEPTH + 1]; /* the include stack */
	unsigned nopen;

	char *dropped[BOOT_MAX_ENTRIES]; /* labels that boot no Linux */
	unsigned ndropped;

	unsigned first; /* our first entry in the menu */
	int menu_default;
	bool full, oom;
};

static int parse_text(struct sl *p, const char *text);

static char *dup_or_oom(struct sl *p, const char *s, size_t n)
{
	char *d = text_dup(s, n);

	if (!d)
		p->oom = true;
	return d;
}

/* Replaces *slot with a copy of s. */
static void set_str(struct sl *p, char **slot, const char *s)
{
	char *d = dup_or_oom(p, s, strlen(s));

	if (!d)
		return;
	free(*slot);
	*slot = d;
}

/* A copy of s without '^' (menu hotkey markers). */
static char *strip_carets(struct sl *p, const char *s)
{
	char *d = dup_or_oom(p, s, strlen(s)), *o = d;

	if (!d)
		return NULL;
	for (const char *i = s; *i; i++)
		if (*i != '^')
			*o++ = *i;
	*o = 0;
	return d;
}

static char *in_cwd(struct sl *p, const char *name, size_t n)
{
	char *w = dup_or_oom(p, name, n), *path;

	if (!w)
		return NULL;
	path = text_join_path(p->cwd, w);
	free(w);
	if (!path)
		p->oom = true;
	return path;
}

/* Names syslinux loads as something else than a Linux kernel. */
static bool not_linux(const char *file, size_t n)
{
	static const char *const exts[] = { ".c32", ".com", ".cbt", ".bin",
					    ".bs",  ".bss", ".0",   ".img" };
	const char *b = file;

	for (size_t i = 0; i < n; i++)
		if (file[i] == '/')
			b = file + i + 1;
	if ((size_t)(file + n - b) == 7 && !strncmp(b, "memdisk", 7))
		return true;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);

		if (n > e && !strncasecmp(file + n - e, exts[i], e))
			return true;
	}
	return false;
}

/* --- labels --------------------------------------------------------------- */

static void label_clear(struct sl_label *ld)
{
	free(ld->name);
	free(ld->menulabel);
	free(ld->kernel);
	free(ld->append);
	free(ld->initrd);
	free(ld->file);
	memset(ld, 0, sizeof(*ld));
}

static void remember_dropped(struct sl *p, const char *name)
{
	if (!name || p->ndropped == BOOT_MAX_ENTRIES)
		return;
	p->dropped[p->ndropped] = dup_or_oom(p, name, strlen(name));
	if (p->dropped[p->ndropped])
		p->ndropped++;
}

/* "A>B>title": the open submenus' names and title. */
static char *menu_title(struct sl *p, const char *title)
{
	unsigned long levels =
		p->depth < BOOT_MAX_DEPTH ? p->depth : BOOT_MAX_DEPTH;
	size_t n = strlen(title) + 1;
	char *out, *o;

	for (unsigned long i = 0; i < levels; i++) {
		const struct sl_menu *m = &p->menus[i];
		const char *name = m->label   ? m->label
				   : m->title ? m->title
					      : m->tag;

		n += strlen(name ? name : "") + 1;
	}
	out = malloc(n);
	if (!out) {
		p->oom = true;
		return NULL;
	}
	o = out;
	for (unsigned long i = 0; i < levels; i++) {
		const struct sl_menu *m = &p->menus[i];
		const char *name = m->label   ? m->label
				   : m->title ? m->title
					      : m->tag;
		size_t k = strlen(name ? name : "");

		memcpy(o, name ? name : "", k);
		o[k] = '>';
		o += k + 1;
	}
	strcpy(o, title);
	return out;
}

/* Adds the initrds of a comma-separated list, n bytes. */
static void add_initrds(struct sl *p, struct boot_entry *e, const char *list,
			size_t n)
{
	while (n) {
		size_t k = 0;
		char *path;

		while (k < n && list[k] != ',')
			k++;
		if (k) {
			path = in_cwd(p, list, k);
			if (path)
				boot_entry_initrd(e, NULL, path);
			free(path);
		}
		list += k;
		n -= k;
		if (n) {
			list++;
			n--;
		}
	}
}

/*
 * Sets e's arguments from args without its initrd= words, and its
 * initrds from the first of them, else from initrd (may be NULL).
 */
static void set_args(struct sl *p, struct boot_entry *e, const char *args,
		     const char *initrd)
{
	char *out = malloc(strlen(args) + 1), *o = out;
	const char *first = NULL;
	size_t firstn = 0;

	if (!out) {
		p->oom = true;
		return;
	}
	for (const char *w = text_skip_blanks(args); *w;
	     w = text_skip_blanks(w)) {
		size_t n = text_word_len(w);

		if (n >= 7 && !strncmp(w, "initrd=", 7)) {
			if (!first) {
				first = w + 7;
				firstn = n - 7;
			}
		} else {
			if (o != out)
				*o++ = ' ';
			memcpy(o, w, n);
			o += n;
		}
		w += n;
	}
	*o = 0;
	/* without initrd= words, the arguments are kept as written */
	boot_entry_args(e, first ? out : text_skip_blanks(args));
	free(out);
	if (first)
		add_initrds(p, e, first, firstn);
	else if (initrd)
		add_initrds(p, e, initrd, strlen(initrd));
}

/* "a b", or whichever is not empty; NULL when out of memory. */
static char *join(struct sl *p, const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b);
	char *out = malloc(an + bn + 2);

	if (!out) {
		p->oom = true;
		return NULL;
	}
	memcpy(out, a, an);
	out[an] = ' ';
	memcpy(out + (an && bn ? an + 1 : an), b, bn + 1);
	return out;
}

/*
 * Adds an entry that boots kernel (n bytes) with args, read at
 * file:line. Returns its index, -1 when it is dropped.
 */
static int add_entry(struct sl *p, const char *file, unsigned line,
		     const char *id, const char *title, const char *kernel,
		     size_t n, const char *args, const char *initrd)
{
	struct boot_entry *e;
	char *kpath, *t;

	e = boot_entry_new(p->s, SRC, p->fs, file, line);
	if (!e) {
		p->full = true;
		return -1;
	}
	kpath = in_cwd(p, kernel, n);
	t = strip_carets(p, title);
	if (kpath && t) {
		boot_entry_id(e, id);
		boot_entry_title(e, t);
		boot_entry_kind(e, "linux");
		boot_entry_kernel(e, NULL, kpath);
		set_args(p, e, args, initrd);
	}
	free(kpath);
	free(t);
	return boot_entry_done(e);
}

/* The kernel line of the label: KERNEL's, else the label's own name. */
static const char *label_kernel(struct sl *p)
{
	struct sl_label *ld = &p->ld;
	char *path;
	bool there;

	if (ld->kernel)
		return ld->kernel;
	/* syslinux boots the file named as the label: only when it is there */
	path = in_cwd(p, ld->name, strlen(ld->name));
	there = path && boot_is_file(p->s, p->fs, path);
	free(path);
	return there ? ld->name : NULL;
}

/* Ends the label being read: adds it to the menu (syslinux's record()). */
static void record(struct sl *p)
{
	struct sl_label *ld = &p->ld;
	const char *cmd, *append, *k;
	char *title = NULL, *args = NULL;
	size_t n = 0;
	int idx = -1;

	if (!ld->open)
		return;
	cmd = ld->type == SL_OTHER ? NULL : label_kernel(p);
	k = cmd ? text_skip_blanks(cmd) : "";
	n = text_word_len(k);
	append = ld->append ? ld->append : p->append ? p->append : "";
	if (!strcmp(append, "-"))
		append = "";
	if (!n || (ld->type == SL_KERNEL && not_linux(k, n))) {
		boot_debug("%s:%u: label %s boots no Linux kernel", ld->file,
			   ld->line, ld->name);
	} else if (!p->full) {
		/* syslinux's command line: KERNEL's words, then APPEND */
		title = menu_title(p, ld->menulabel ? ld->menulabel : ld->name);
		args = join(p, text_skip_blanks(k + n), append);
		if (title && args)
			idx = add_entry(p, ld->file, ld->line, ld->name, title,
					k, n, args, ld->initrd);
	}
	free(title);
	free(args);
	if (idx < 0)
		remember_dropped(p, ld->name);
	else if (ld->menu_default && p->depth == 0)
		p->menu_default = idx;
	label_clear(ld);
}

static void begin_label(struct sl *p, const char *arg)
{
	struct sl_label *ld = &p->ld;

	record(p);
	ld->open = true;
	ld->type = SL_KERNEL;
	ld->line = p->line;
	ld->name = dup_or_oom(p, arg, text_word_len(arg));
	ld->file = dup_or_oom(p, p->file, strlen(p->file));
	if (!ld->name || !ld->file)
		label_clear(ld);
}

/* --- submenus ------------------------------------------------------------- */

static void begin_menu(struct sl *p, const char *tag)
{
	record(p);
	if (p->depth < BOOT_MAX_DEPTH) {
		p->menus[p->depth].tag = dup_or_oom(p, tag, strlen(tag));
	} else if (!p->deep_warned) {
		p->deep_warned = true;
		boot_warn(p->s, SRC, p->fs, p->file, p->line,
			  "submenus nested more than %u deep: the deeper "
			  "ones are not named in titles",
			  BOOT_MAX_DEPTH);
	}
	p->depth++;
}

static void end_menu(struct sl *p)
{
	struct sl_menu *m;

	record(p);
	if (!p->depth)
		return; /* syslinux stays in the top menu */
	p->depth--;
	if (p->depth >= BOOT_MAX_DEPTH)
		return;
	m = &p->menus[p->depth];
	free(m->tag);
	free(m->label);
	free(m->title);
	memset(m, 0, sizeof(*m));
}

/* The submenu being read, NULL in the top menu or too deep. */
static struct sl_menu *this_menu(struct sl *p)
{
	if (!p->depth || p->depth > BOOT_MAX_DEPTH)
		return NULL;
	return &p->menus[p->depth - 1];
}

/* --- includes ------------------------------------------------------------- */

static bool is_open(struct sl *p, const char *path)
{
	for (unsigned i = 0; i < p->nopen; i++)
		if (!strcmp(p->open_files[i], path))
			return true;
	return false;
}

/* Reads the file named by arg's first word as if it were written here. */
static void include(struct sl *p, const char *arg)
{
	const char *file = p->file;
	unsigned line = p->line;
	char *path, *buf;
	size_t len;
	int rc;

	if (!*arg)
		return;
	path = in_cwd(p, arg, text_word_len(arg));
	if (!path)
		return;
	if (is_open(p, path)) {
		boot_warn(p->s, SRC, p->fs, p->file, p->line,
			  "%s is being read already (an INCLUDE loop): not "
			  "read again",
			  path);
	} else if (p->nopen > BOOT_MAX_DEPTH) {
		boot_warn(p->s, SRC, p->fs, p->file, p->line,
			  "INCLUDEs nested more than %u deep: %s not read",
			  BOOT_MAX_DEPTH, path);
	} else if (!boot_config_claim(p->s, p->fs, path)) {
		boot_debug("%s:%u: %s was read already", p->file, p->line,
			   path);
	} else {
		rc = boot_read_file(p->s, p->fs, path, &buf, &len);
		if (rc == -ENOMEM)
			p->oom = true;
		else if (rc == -ENOENT && p->fs->fs)
			boot_warn(p->s, SRC, p->fs, p->file, p->line,
				  "no file %s to include", path);
		if (!rc) {
			p->open_files[p->nopen++] = path;
			p->file = path;
			parse_text(p, buf);
			p->nopen--;
			free(buf);
		}
	}
	p->file = file;
	p->line = line;
	free(path);
}

/* MENU INCLUDE FILE [tag]: with a tag, the file is a submenu */
static void menu_include(struct sl *p, const char *arg)
{
	const char *tag = text_skip_blanks(arg + text_word_len(arg));

	if (*tag)
		begin_menu(p, tag);
	include(p, arg);
	if (*tag)
		end_menu(p);
}

/* --- lines ---------------------------------------------------------------- */

static void menu_command(struct sl *p, const char *line, size_t len)
{
	struct sl_label *ld = &p->ld;
	struct sl_menu *m = this_menu(p);
	char *cmd, *arg;

	if (text_split_word(line, len, false, &cmd, &arg)) {
		p->oom = true;
		return;
	}
	if (text_is(cmd, "label") && ld->open)
		set_str(p, &ld->menulabel, arg);
	else if (text_is(cmd, "label") && m)
		set_str(p, &m->label, arg);
	else if (text_is(cmd, "title") && m)
		set_str(p, &m->title, arg);
	else if (text_is(cmd, "default") && ld->open)
		ld->menu_default = true;
	else if (text_is(cmd, "begin"))
		begin_menu(p, arg);
	else if (text_is(cmd, "end"))
		end_menu(p);
	else if (text_is(cmd, "include"))
		menu_include(p, arg);
	else if (text_is(cmd, "separator"))
		record(p);
	else if ((text_is(cmd, "goto") || text_is(cmd, "exit") ||
		  text_is(cmd, "quit") || text_is(cmd, "disable") ||
		  text_is(cmd, "disabled")) &&
		 ld->open)
		ld->type = SL_OTHER; /* a menu action, not a kernel */
	/* MENU HIDE: still bootable; the rest is how the menu looks */
	free(cmd);
	free(arg);
}

/* Keywords that load something else than Linux (kernel_types[]). */
static bool other_type(const char *cmd)
{
	static const char *const kw[] = { "localboot", "boot",	  "bss",
					  "pxe",       "fdimage", "comboot",
					  "com32",     "config" };

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (text_is(cmd, kw[i]))
			return true;
	return false;
}

static void set_kernel(struct sl *p, enum sl_type type, const char *arg)
{
	if (!p->ld.open)
		return;
	set_str(p, &p->ld.kernel, arg);
	p->ld.type = type;
}

static void command(struct sl *p, const char *cmd, const char *arg)
{
	struct sl_label *ld = &p->ld;

	if (text_is(cmd, "label"))
		begin_label(p, arg);
	else if (text_is(cmd, "kernel"))
		set_kernel(p, SL_KERNEL, arg);
	else if (text_is(cmd, "linux"))
		set_kernel(p, SL_LINUX, arg);
	else if (other_type(cmd))
		set_kernel(p, SL_OTHER, arg);
	else if (text_is(cmd, "append"))
		set_str(p, ld->open ? &ld->append : &p->append, arg);
	else if (text_is(cmd, "initrd") && ld->open)
		set_str(p, &ld->initrd, arg);
	else if (text_is(cmd, "default")) {
		set_str(p, &p->deflt, arg);
		set_str(p, &p->deflt_file, p->file);
		p->deflt_line = p->line;
	} else if (text_is(cmd, "ontimeout"))
		set_str(p, &p->ontimeout, arg);
	else if (text_is(cmd, "ui"))
		p->ui = true;
	else if (text_is(cmd, "include"))
		include(p, arg);
	/* IPAPPEND, SYSAPPEND, TIMEOUT, PROMPT, SAY, F1, ...: no use here */
}

/* Reads the lines of one file (TEXT ... ENDTEXT blocks end with it). */
static int parse_text(struct sl *p, const char *text)
{
	const char *file = p->file;
	struct text_lines t;
	bool in_text = false;
	const char *line;
	size_t n;

	text_lines_init(&t, text);
	while (!p->full && !p->oom && text_next_line(&t, &line, &n)) {
		size_t w = 0;
		char *cmd, *arg;

		p->file = file;
		p->line = t.line;
		while (w < n && !text_blank(line[w]))
			w++;
		if (in_text) {
			in_text = !(w == 7 && !strncasecmp(line, "endtext", 7));
			continue;
		}
		if (!n || line[0] == '#')
			continue;
		if (n > BOOT_STR_MAX) {
			boot_warn(p->s, SRC, p->fs, p->file, p->line,
				  "line longer than %u bytes: skipped",
				  BOOT_STR_MAX);
			continue;
		}
		if (w == 4 && !strncasecmp(line, "menu", 4)) {
			/* the line is not NUL-terminated: stay in it */
			while (w < n && text_blank(line[w]))
				w++;
			menu_command(p, line + w, n - w);
			continue;
		}
		if (w == 4 && !strncasecmp(line, "text", 4)) {
			in_text = true;
			continue;
		}
		if (text_split_word(line, n, false, &cmd, &arg)) {
			p->oom = true;
			break;
		}
		command(p, cmd, arg);
		free(cmd);
		free(arg);
	}
	return p->oom ? -ENOMEM : 0;
}

/* --- the default ---------------------------------------------------------- */

/* Our entry whose LABEL is the first word of cmdline, -1 for none. */
static int find_label(struct sl *p, const char *cmdline, bool *dropped)
{
	const char *w = text_skip_blanks(cmdline);
	size_t n = text_word_len(w);

	*dropped = false;
	if (!n)
		return -1;
	for (unsigned i = p->first; i < boot_entry_count(p->s); i++) {
		const char *id = fsimg_bootmenu_entry(p->s, i)->id;

		if (strlen(id) == n && !memcmp(id, w, n))
			return (int)i;
	}
	for (unsigned i = 0; i < p->ndropped; i++)
		if (strlen(p->dropped[i]) == n && !memcmp(p->dropped[i], w, n))
			*dropped = true;
	return -1;
}

/*
 * DEFAULT names no label: syslinux boots its command line, the global
 * APPEND before the options typed, when no UI module takes over. Returns
 * the entry it adds, or -1.
 */
static int default_kernel(struct sl *p)
{
	const char *w = text_skip_blanks(p->deflt);
	size_t n = text_word_len(w);
	const char *append =
		p->append && strcmp(p->append, "-") ? p->append : "";
	char *path, *args;
	bool there;
	int idx;

	if (!n || not_linux(w, n) || p->ui)
		return -1;
	path = in_cwd(p, w, n);
	if (!path)
		return -1;
	there = !p->fs->fs || boot_is_file(p->s, p->fs, path);
	if (!there)
		boot_warn(p->s, SRC, p->fs, p->deflt_file, p->deflt_line,
			  "DEFAULT %.*s names no label and no kernel", (int)n,
			  w);
	free(path);
	if (!there || p->full)
		return -1;
	args = join(p, append, text_skip_blanks(w + n));
	if (!args)
		return -1;
	idx = add_entry(p, p->deflt_file, p->deflt_line, "", p->deflt, w, n,
			args, NULL);
	free(args);
	return idx;
}

static void pick_default(struct sl *p)
{
	int label = -1, kernel = -1, timeout = -1, idx;
	bool dropped = false;

	if (p->deflt) {
		label = find_label(p, p->deflt, &dropped);
		if (dropped)
			boot_debug("%s:%u: DEFAULT %s boots no Linux kernel",
				   p->deflt_file, p->deflt_line, p->deflt);
		else if (label < 0)
			kernel = default_kernel(p);
	}
	if (p->ontimeout)
		timeout = find_label(p, p->ontimeout, &dropped);
	idx = label >= 0     ? label
	      : timeout >= 0 ? timeout
	      : kernel >= 0  ? kernel
			     : p->menu_default;
	if (idx < 0)
		idx = (int)p->first;
	if ((unsigned)idx < boot_entry_count(p->s))
		boot_default_index(p->s, (unsigned)idx);
}

/* --- the source ----------------------------------------------------------- */

static void sl_free(struct sl *p)
{
	label_clear(&p->ld);
	free(p->cwd);
	free(p->append);
	free(p->deflt);
	free(p->deflt_file);
	free(p->ontimeout);
	for (unsigned i = 0; i < BOOT_MAX_DEPTH; i++) {
		free(p->menus[i].tag);
		free(p->menus[i].label);
		free(p->menus[i].title);
	}
	for (unsigned i = 0; i < p->ndropped; i++)
		free(p->dropped[i]);
	free(p);
}

static int parse(struct boot_scan *s, struct boot_fs *fs, const char *path,
		 const char *text, size_t len)
{
	struct sl *p = calloc(1, sizeof(*p));
	const char *slash = strrchr(path, '/');
	int rc;

	(void)len; /* text is NUL-terminated; a NUL inside ends it */
	if (!p)
		return -ENOMEM;
	p->s = s;
	p->fs = fs;
	p->main = p->file = path;
	p->first = boot_entry_count(s);
	p->menu_default = -1;
	p->cwd = text_dup(path, slash ? (size_t)(slash - path) : 0);
	if (!p->cwd) {
		free(p);
		return -ENOMEM;
	}
	p->open_files[p->nopen++] = path;
	rc = parse_text(p, text);
	p->file = path;
	if (!rc)
		record(p);
	if (!rc && !p->oom)
		pick_default(p);
	rc = p->oom ? -ENOMEM : rc;
	sl_free(p);
	return rc;
}

static int scan(struct boot_scan *s, struct boot_fs *fs)
{
	return boot_read_first(s, &boot_source_syslinux, fs, config_paths,
			       sizeof(config_paths) / sizeof(config_paths[0]));
}

const struct boot_source boot_source_syslinux = { "syslinux", "syslinux", scan,
						  parse };
