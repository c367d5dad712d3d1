/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB legacy (0.9x) menus: /boot/grub/menu.lst or grub.conf, read as
 * GRUB legacy and Xen's pygrub read them, with the forms Solaris adds.
 *
 * The file. Commands before the first "title" are global (default,
 * timeout, root, ...); every "title" starts an entry that runs to the
 * next one. A command and its argument are separated by blanks or '='
 * ("default=1"). The entries of a PV guest are root/rootnoverify, kernel
 * (its first word is the file, the rest the arguments, as pygrub takes
 * them; "--type=..." options are skipped) and initrd.
 *
 * Devices. "(hd0,P)" is the DOS partition P counted from 0, spec P+1;
 * "(hd0,P,x)" the BSD or Solaris slice x in it (spec "P+1x" for a BSD
 * label, "P+1sN" for a Solaris VTOC, N = x - 'a'); "(hd0)" the whole
 * image. A device can prefix a path: "(hd0,1)/boot/vmlinuz". A path
 * without one is in the entry's root: its last root/findroot, else the
 * global root, else the filesystem of the menu. A root that names no
 * filesystem of the image is reported and the menu's filesystem used,
 * quietly when the menu is on a whole-image filesystem and the root a
 * partition of hd0 (a partition image given to a guest as its disk).
 *
 * Solaris (boot(1M), bootadm): "findroot (SIG,P,x)" is the filesystem
 * holding /boot/grub/bootsign/SIG (else slice x of partition P);
 * "kernel$" and "module$" expand $ISADIR (amd64 for a 64-bit guest);
 * $ZFS-BOOTFS is left as written (the loader fills it in from a ZFS pool,
 * which is not read). The boot archive, loaded as a module, is the
 * entry's initrd; its kind is "solaris". Entries booting Xen itself
 * (kernel /xen.gz with the dom0 kernel as a module) are not a guest's:
 * they are dropped.
 *
 * Default: "default N" counts titles from 0, all of them, as pygrub does,
 * bootable or not; "default saved" is the number at the top of the file
 * "default" beside the menu (0 when there is none). A default naming an
 * entry that was dropped, or no entry, is reported and the first entry
 * used.
 *
 * Bounds: lines of at most BOOT_STR_MAX bytes (longer ones are reported
 * and skipped), the menu's BOOT_MAX_ENTRIES, one file, no recursion.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct boot_source boot_source_grub_legacy;
#define SRC (&boot_source_grub_legacy)

/* $ISADIR: the 64-bit x86 instruction set directory */
#define ISADIR	 "amd64"
#define MAX_PART 255 /* a DOS partition number GRUB legacy could name */

/* pygrub's order */
static const char *const config_paths[] = {
	"/boot/grub/menu.lst",
	"/boot/grub/grub.conf",
	"/grub/menu.lst",
	"/grub/grub.conf",
};

/* The entry being read. */
struct gl_entry {
	struct boot_entry *e;
	unsigned title;	      /* its number among the titles, from 0 */
	struct boot_fs *root; /* where paths without a device are */
	bool kernel;	      /* a kernel line was read */
	bool solaris;	      /* modules are its boot archive */
	bool xen;	      /* boots Xen itself: not a guest's entry */
	char *initrd;	      /* the last initrd line wins */
	struct boot_fs *initrd_fs;
};

struct gl {
	struct boot_scan *s;
	struct boot_fs *fs; /* the menu's */
	const char *path;
	unsigned line;
	struct boot_fs *root; /* the global root, else fs */
	unsigned long deflt;  /* the default's title number */
	bool deflt_given;     /* by a default line */
	unsigned titles;
	int deflt_index; /* the default's index in the menu, -1: dropped */
	bool deflt_seen;
	bool zfs_warned, full, oom;
	bool in_entry;
	struct gl_entry cur;
};

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* A number of decimal digits only, small enough to be a title number. */
static bool parse_number(const char *p, size_t n, unsigned long *v)
{
	if (!n || n > 9)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (unsigned long)(p[i] - '0');
	}
	return true;
}

/* --- devices -------------------------------------------------------------- */

/*
 * The specs a GRUB device "hd0,P,x" (without the parentheses) may have
 * here, most likely first, into specs (room for 8); their count, 0 when
 * it is no device of this image. *hd0: it names the first hard disk.
 */
static unsigned device_specs(const char *dev, size_t n, char specs[][16],
			     bool *hd0)
{
	unsigned long disk, part = 0;
	const char *c1 = memchr(dev, ',', n), *c2 = NULL;
	size_t dn = c1 ? (size_t)(c1 - dev) : n;
	const char *pp = c1 ? c1 + 1 : NULL;
	size_t pn = 0;
	char x = 0;
	unsigned k = 0;

	*hd0 = false;
	if (dn < 3 || memcmp(dev, "hd", 2) ||
	    !parse_number(dev + 2, dn - 2, &disk))
		return 0;
	*hd0 = disk == 0;
	if (disk != 0)
		return 0;
	if (!pp) {
		strcpy(specs[0], "");
		return 1;
	}
	c2 = memchr(pp, ',', n - (size_t)(pp - dev));
	pn = c2 ? (size_t)(c2 - pp) : n - (size_t)(pp - dev);
	if (c2) {
		if (n - (size_t)(c2 + 1 - dev) != 1)
			return 0;
		x = c2[1];
	} else if (pn == 1 && pp[0] >= 'a' && pp[0] <= 'z') {
		/* (hd0,x): slice x of the first partition that has one */
		for (unsigned p = 1; p <= 4; p++) {
			snprintf(specs[k++], 16, "%u%c", p, pp[0]);
			snprintf(specs[k++], 16, "%us%u", p,
				 (unsigned)(pp[0] - 'a'));
		}
		return k;
	}
	if (!parse_number(pp, pn, &part) || part >= MAX_PART)
		return 0;
	if (!x) {
		snprintf(specs[0], 16, "%lu", part + 1);
		return 1;
	}
	if (x < 'a' || x > 'z')
		return 0;
	snprintf(specs[0], 16, "%lu%c", part + 1, x);
	snprintf(specs[1], 16, "%lus%u", part + 1, (unsigned)(x - 'a'));
	return 2;
}

/* The filesystem of device dev ("hd0,0"), NULL when there is none. */
static struct boot_fs *find_device(struct gl *g, const char *dev, size_t n,
				   bool *hd0)
{
	char specs[8][16];
	unsigned k = device_specs(dev, n, specs, hd0);

	for (unsigned i = 0; i < k; i++) {
		struct boot_fs *f = boot_fs_by_spec(g->s, specs[i]);

		if (f)
			return f;
	}
	return NULL;
}

/*
 * The filesystem of "(dev)" (the parentheses included, n bytes); the
 * menu's, reported, when the image has no such filesystem.
 */
static struct boot_fs *use_device(struct gl *g, const char *dev, size_t n)
{
	bool hd0;
	struct boot_fs *f = find_device(g, dev + 1, n - 2, &hd0);

	if (f)
		return f;
	if (hd0 && !g->fs->spec[0]) {
		boot_debug("%s:%u: %.*s: the image is the filesystem itself",
			   g->path, g->line, (int)n, dev);
		return g->fs;
	}
	boot_warn(g->s, SRC, g->fs, g->path, g->line,
		  "%.*s names no filesystem of the image: the menu's own is "
		  "used",
		  (int)n, dev);
	return g->fs;
}

/*
 * Splits a file name "(hd0,1)/boot/x" or "/boot/x" (word, n bytes) into
 * its filesystem and a heap copy of its path. NULL (reported) when it is
 * not an absolute path: a block list, a relative name.
 */
static char *file_path(struct gl *g, const char *word, size_t n,
		       struct boot_fs **fs)
{
	const char *close = word[0] == '(' ? memchr(word, ')', n) : NULL;
	char *p;

	*fs = g->cur.root;
	if (close) {
		*fs = use_device(g, word, (size_t)(close - word) + 1);
		n -= (size_t)(close + 1 - word);
		word = close + 1;
	}
	if (!n || word[0] != '/') {
		boot_warn(g->s, SRC, g->fs, g->path, g->line,
			  "'%.*s' is not a file's absolute path: not used",
			  (int)n, word);
		return NULL;
	}
	p = text_dup(word, n);
	if (!p)
		g->oom = true;
	return p;
}

/* root (dev) [...] */
static void set_root(struct gl *g, const char *arg, struct boot_fs **root)
{
	size_t n = text_word_len(arg);
	const char *close = memchr(arg, ')', n);

	if (arg[0] != '(' || !close) {
		boot_warn(g->s, SRC, g->fs, g->path, g->line,
			  "root '%.*s' is not a device: the menu's filesystem "
			  "is used",
			  (int)n, arg);
		*root = g->fs;
		return;
	}
	*root = use_device(g, arg, (size_t)(close - arg) + 1);
}

/* findroot (SIGNATURE[,P[,x]]): Solaris' search for a signature file */
static void find_root(struct gl *g, const char *arg, struct boot_fs **root)
{
	size_t n = text_word_len(arg);
	const char *close = memchr(arg, ')', n);
	const char *sig = arg + 1, *comma;
	size_t sn;
	char path[64 + 256];
	struct boot_fs *f = NULL;
	bool hd0;

	if (arg[0] != '(' || !close)
		goto unknown;
	comma = memchr(sig, ',', (size_t)(close - sig));
	sn = (size_t)((comma ? comma : close) - sig);
	if (sn && sn < 256 && !memchr(sig, '/', sn) &&
	    !(sig[0] == '.' && (sn == 1 || (sn == 2 && sig[1] == '.')))) {
		snprintf(path, sizeof(path), "/boot/grub/bootsign/%.*s",
			 (int)sn, sig);
		f = boot_fs_by_file(g->s, path);
	}
	if (!f && comma) {
		/* the slice it names, as "(hd0,P,x)" would */
		char dev[64];
		int dn = snprintf(dev, sizeof(dev), "hd0%.*s",
				  (int)(close - comma), comma);

		if (dn > 0 && (size_t)dn < sizeof(dev))
			f = find_device(g, dev, (size_t)dn, &hd0);
	}
	if (f) {
		*root = f;
		return;
	}
unknown:
	boot_warn(g->s, SRC, g->fs, g->path, g->line,
		  "findroot %.*s: no filesystem of the image holds that boot "
		  "signature: the menu's own is used",
		  (int)n, arg);
	*root = g->fs;
}

/* --- entries -------------------------------------------------------------- */

/* A heap copy of arg with every $ISADIR expanded. */
static char *expand_isadir(const char *arg)
{
	static const char var[] = "$ISADIR";
	size_t vn = sizeof(var) - 1, n = 0;
	char *out = malloc(strlen(arg) + 1), *o = out;

	/* the expansion is shorter than the variable */
	if (!out)
		return NULL;
	while (arg[n]) {
		if (!strncmp(arg + n, var, vn)) {
			memcpy(o, ISADIR, sizeof(ISADIR) - 1);
			o += sizeof(ISADIR) - 1;
			n += vn;
		} else {
			*o++ = arg[n++];
		}
	}
	*o = 0;
	return out;
}

/* Xen itself: xen.gz, xen-4.17.gz, xen.efi, /boot/$ISADIR/xen.gz */
static bool is_xen(const char *path)
{
	const char *b = base_name(path);

	return !strncmp(b, "xen", 3) &&
	       (!b[3] || b[3] == '.' || b[3] == '-' || b[3] == '_');
}

static bool is_solaris(const char *path, bool dollar)
{
	const char *b = base_name(path);

	return dollar || strstr(path, "/platform/") || !strcmp(b, "unix") ||
	       !strcmp(b, "multiboot");
}

static void check_zfs(struct gl *g, const char *args)
{
	if (g->zfs_warned || !strstr(args, "$ZFS-BOOTFS"))
		return;
	g->zfs_warned = true;
	boot_warn(g->s, SRC, g->fs, g->path, g->line,
		  "$ZFS-BOOTFS is kept as written: the ZFS pool that gives "
		  "its value is not read");
}

/* kernel [--type=T] [--no-mem-option] FILE ARGS..., kernel$ the same */
static void do_kernel(struct gl *g, const char *arg, bool dollar)
{
	char *x = dollar ? expand_isadir(arg) : strdup(arg), *path;
	const char *p = x, *args;
	const char *kind = NULL;
	struct boot_fs *fs;
	size_t n;

	if (!x) {
		g->oom = true;
		return;
	}
	while (p[0] == '-' && p[1] == '-') {
		if (!strncmp(p, "--type=freebsd", 14) && text_blank(p[14]))
			kind = "freebsd";
		p = text_skip_blanks(p + text_word_len(p));
	}
	n = text_word_len(p);
	args = text_skip_blanks(p + n);
	path = file_path(g, p, n, &fs);
	if (!path)
		goto out;
	g->cur.kernel = true;
	g->cur.xen = is_xen(path);
	g->cur.solaris = !g->cur.xen && is_solaris(path, dollar);
	if (g->cur.xen) {
		/* GRUB loads Xen and the dom0 kernel as its module */
		boot_debug("%s:%u: %s boots Xen itself: not a guest's entry",
			   g->path, g->line, path);
		boot_entry_kernel(g->cur.e, fs, "");
		goto out;
	}
	if (g->cur.solaris)
		check_zfs(g, args);
	boot_entry_kernel(g->cur.e, fs, path);
	boot_entry_args(g->cur.e, args);
	boot_entry_kind(g->cur.e, kind		   ? kind
				  : g->cur.solaris ? "solaris"
						   : "linux");
out:
	free(path);
	free(x);
}

/* initrd FILE [ARGS]: the last one counts */
static void do_initrd(struct gl *g, const char *arg)
{
	struct boot_fs *fs;
	char *path = file_path(g, arg, text_word_len(arg), &fs);

	if (!path)
		return;
	free(g->cur.initrd);
	g->cur.initrd = path;
	g->cur.initrd_fs = fs;
}

/* module FILE [ARGS], module$: Solaris' boot archive, else not used */
static void do_module(struct gl *g, const char *arg, bool dollar)
{
	char *x, *path;
	struct boot_fs *fs;

	if (!g->cur.kernel || g->cur.xen)
		return;
	if (!g->cur.solaris) {
		boot_debug("%s:%u: module of a multiboot kernel not used",
			   g->path, g->line);
		return;
	}
	x = dollar ? expand_isadir(arg) : strdup(arg);
	if (!x) {
		g->oom = true;
		return;
	}
	path = file_path(g, x, text_word_len(x), &fs);
	if (path)
		boot_entry_initrd(g->cur.e, fs, path);
	free(path);
	free(x);
}

static void end_entry(struct gl *g)
{
	struct gl_entry *c = &g->cur;
	int idx;

	if (!g->in_entry)
		return;
	g->in_entry = false;
	if (c->initrd && !c->xen)
		boot_entry_initrd(c->e, c->initrd_fs, c->initrd);
	free(c->initrd);
	c->initrd = NULL;
	idx = boot_entry_done(c->e);
	c->e = NULL;
	if (c->title == g->deflt) {
		g->deflt_seen = true;
		g->deflt_index = idx;
	}
}

static void begin_entry(struct gl *g, const char *title)
{
	end_entry(g);
	memset(&g->cur, 0, sizeof(g->cur));
	g->cur.e = boot_entry_new(g->s, SRC, g->fs, g->path, g->line);
	if (!g->cur.e) {
		g->full = true;
		return;
	}
	g->in_entry = true;
	g->cur.title = g->titles++;
	g->cur.root = g->root;
	boot_entry_title(g->cur.e, title);
}

/* --- global commands ------------------------------------------------------ */

/* The first number in the file "default" beside the menu: GRUB's saved
 * entry (grub-set-default writes it), 0 when there is none. */
static unsigned long saved_default(struct gl *g)
{
	const char *slash = strrchr(g->path, '/');
	size_t dn = slash ? (size_t)(slash - g->path) : 0;
	unsigned long v = 0;
	char *file, *buf;
	size_t len, n;
	int rc;

	file = malloc(dn + sizeof("/default"));
	if (!file) {
		g->oom = true;
		return 0;
	}
	memcpy(file, g->path, dn);
	strcpy(file + dn, "/default");
	rc = boot_read_file(g->s, g->fs, file, &buf, &len);
	if (rc == -ENOMEM)
		g->oom = true;
	if (!rc) {
		const char *p = text_skip_blanks(buf);

		n = strspn(p, "0123456789");
		if (!parse_number(p, n, &v))
			boot_warn(g->s, SRC, g->fs, file, 1,
				  "no entry number: the first entry is the "
				  "default");
		free(buf);
	}
	free(file);
	return v;
}

static void do_default(struct gl *g, const char *arg)
{
	g->deflt_given = true;
	if (!strcmp(arg, "saved")) {
		g->deflt = saved_default(g);
		return;
	}
	if (!parse_number(arg, strlen(arg), &g->deflt)) {
		boot_warn(g->s, SRC, g->fs, g->path, g->line,
			  "default '%s' is not an entry number: 0 is used",
			  arg);
		g->deflt = 0;
	}
}

/* --- lines ---------------------------------------------------------------- */

static void entry_command(struct gl *g, const char *cmd, const char *arg)
{
	if (!strcmp(cmd, "root") || !strcmp(cmd, "rootnoverify"))
		set_root(g, arg, &g->cur.root);
	else if (!strcmp(cmd, "findroot"))
		find_root(g, arg, &g->cur.root);
	else if (!strcmp(cmd, "kernel") || !strcmp(cmd, "kernel$"))
		do_kernel(g, arg, cmd[6] == '$');
	else if (!strcmp(cmd, "initrd"))
		do_initrd(g, arg);
	else if (!strcmp(cmd, "module") || !strcmp(cmd, "module$"))
		do_module(g, arg, cmd[6] == '$');
	/* chainloader, savedefault, makeactive, bootfs, ...: nothing to use */
}

static void global_command(struct gl *g, const char *cmd, const char *arg)
{
	if (!strcmp(cmd, "default"))
		do_default(g, arg);
	else if (!strcmp(cmd, "root") || !strcmp(cmd, "rootnoverify"))
		set_root(g, arg, &g->root);
	else if (!strcmp(cmd, "findroot"))
		find_root(g, arg, &g->root);
	/* timeout, fallback, hiddenmenu, splashimage, password, ...: no use */
}

static void one_line(struct gl *g, const char *line, size_t len)
{
	char *cmd, *arg;

	if (!len || line[0] == '#')
		return;
	if (len > BOOT_STR_MAX) {
		boot_warn(g->s, SRC, g->fs, g->path, g->line,
			  "line longer than %u bytes: skipped", BOOT_STR_MAX);
		return;
	}
	if (text_split_word(line, len, true, &cmd, &arg)) {
		g->oom = true;
		return;
	}
	if (!strcmp(cmd, "title"))
		begin_entry(g, arg);
	else if (g->in_entry)
		entry_command(g, cmd, arg);
	else if (g->titles == 0)
		global_command(g, cmd, arg);
	free(cmd);
	free(arg);
}

/* Marks the default entry (see the top of the file). */
static void pick_default(struct gl *g, unsigned first)
{
	if (g->deflt_seen && g->deflt_index >= 0) {
		boot_default_index(g->s, (unsigned)g->deflt_index);
		return;
	}
	if (boot_entry_count(g->s) == first)
		return;
	if (g->deflt_given)
		boot_warn(g->s, SRC, g->fs, g->path, 0,
			  "default %lu %s: the first entry is the default",
			  g->deflt,
			  g->deflt_seen ? "cannot be booted"
					: "names no entry");
	else
		boot_debug("%s: entry 0 cannot be booted: the first that can "
			   "is the default",
			   g->path);
	boot_default_index(g->s, first);
}

static int parse(struct boot_scan *s, struct boot_fs *fs, const char *path,
		 const char *text, size_t len)
{
	struct gl g = { .s = s, .fs = fs, .path = path, .root = fs };
	unsigned first = boot_entry_count(s);
	struct text_lines t;
	const char *line;
	size_t n;

	(void)len; /* text is NUL-terminated; a NUL inside ends it */
	text_lines_init(&t, text);
	while (!g.full && !g.oom && text_next_line(&t, &line, &n)) {
		g.line = t.line;
		one_line(&g, line, n);
	}
	end_entry(&g);
	if (g.oom)
		return -ENOMEM;
	pick_default(&g, first);
	return 0;
}

static int scan(struct boot_scan *s, struct boot_fs *fs)
{
	return boot_read_first(s, &boot_source_grub_legacy, fs, config_paths,
			       sizeof(config_paths) / sizeof(config_paths[0]));
}

const struct boot_source boot_source_grub_legacy = { "grub-legacy",
						     "GRUB legacy", scan,
						     parse };
