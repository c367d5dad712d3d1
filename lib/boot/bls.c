/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Boot Loader Specification (UAPI.1): type 1 entries, the *.conf files
 * of /loader/entries, and type 2 entries, the unified kernel images (UKI,
 * PE files) of /EFI/Linux, as systemd-boot reads them; and the type 1
 * entries GRUB 2's blscfg command reads (bls_read_entries).
 *
 * Type 1 (spec "Type #1 Boot Loader Entry Keys"). One entry per file,
 * "key value" lines, '#' comments. title (default: the file name),
 * version, machine-id, sort-key, linux, initrd (several, in order),
 * options (several: joined with a space). systemd-boot starts the program
 * of the last of linux, efi and uki: efi is an EFI program, not a Linux
 * kernel (skipped), uki a unified kernel image (kind "uki"). An entry for
 * an architecture other than x64 or ia32 is skipped. Paths are absolute in
 * the filesystem holding the entry ("vmlinuz" means "/vmlinuz"). The id is
 * the file name without ".conf" and, for systemd-boot, without the boot
 * counting suffix ("+3-1"); an entry with no tries left ("+0") is "bad".
 *
 * Type 2 (spec "Type #2 EFI Unified Kernel Images", UKI specification).
 * The PE section table gives .linux (required), .osrel (an os-release
 * file: the title is PRETTY_NAME, else NAME and VERSION_ID, else the file
 * name) and .cmdline (the arguments). As systemd-boot does, the sort key
 * is IMAGE_ID or ID and the version IMAGE_VERSION, VERSION, VERSION_ID or
 * BUILD_ID. The kernel of the entry is the .efi file itself, no initrds.
 *
 * Order (spec "Sorting"): "bad" entries last; entries with a sort-key
 * first, by sort-key then machine-id (increasing, strcmp, empty first),
 * then version (decreasing: newest first); then the file name without its
 * suffix (decreasing version order: "x-6.5" before "x-6.4" before
 * "x-0-rescue"). Versions compare as the UAPI Version Format Specification
 * says (bls_vercmp). The default of systemd-boot is the first entry whose
 * id matches the glob of "default" in loader.conf (the one beside the
 * entries, else the first filesystem holding /loader/loader.conf: the ESP),
 * else the first entry; "@saved" names an EFI variable: the first entry.
 *
 * Each scan of a filesystem is one configuration: type 1 entries of the
 * ESP and of an XBOOTLDR partition, and type 1 and type 2 entries, are not
 * merged into one list as systemd-boot merges them.
 *
 * Bounds: BOOT_MAX_DIRENTS names per directory and BOOT_MAX_CONFIGS files
 * per scan (boot_list_dir, boot_config_claim), each at most BOOT_FILE_MAX;
 * sort fields cut at BLS_FIELD_MAX bytes and arguments at BOOT_STR_MAX;
 * PE files: at most PE_MAX_SECTIONS sections, every header and section
 * checked against the file size before it is read, .osrel read up to
 * OSREL_MAX bytes. Globs are matched without backtracking blow-up.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLS_FIELD_MAX	255 /* bytes of a sort-key, machine-id, version */
#define PE_MAX_SECTIONS 96  /* sections of a unified kernel image */
#define OSREL_MAX	(64u << 10) /* bytes of an .osrel section read */

extern const struct boot_source boot_source_bls;
extern const struct boot_source boot_source_uki;

/* --- version order: the UAPI Version Format Specification ----------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Characters with a meaning in a version; all others separate and skip. */
static bool ver_char(char c)
{
	return is_digit(c) || is_alpha(c) || (c && strchr("-.~^", c));
}

/* Numerical prefixes, leading zeroes skipped, compared without overflow. */
static int ver_number(const char **a, const char **b)
{
	size_t la = 0, lb = 0;
	int c;

	while (**a == '0')
		(*a)++;
	while (**b == '0')
		(*b)++;
	while (is_digit((*a)[la]))
		la++;
	while (is_digit((*b)[lb]))
		lb++;
	if (la != lb)
		return la > lb ? 1 : -1;
	c = memcmp(*a, *b, la);
	*a += la;
	*b += lb;
	return c < 0 ? -1 : c > 0;
}

/*
 * <0, 0, >0 as version a is older than, the same as, newer than b. Every
 * turn of the loop consumes a character of a or b or returns: linear.
 */
static int bls_vercmp(const char *a, const char *b)
{
	for (;;) {
		const char *sep;
		int c;

		while (*a && !ver_char(*a))
			a++;
		while (*b && !ver_char(*b))
			b++;
		/* ~ sorts lower than anything, even the end */
		if (*a == '~' || *b == '~') {
			if (*a != *b)
				return *a == '~' ? -1 : 1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		/* then -, ^ and . sort lower than what they are not */
		for (sep = "-^."; *sep; sep++)
			if (*a == *sep || *b == *sep)
				break;
		if (*sep) {
			if (*a != *b)
				return *a == *sep ? -1 : 1;
			a++, b++;
			continue;
		}
		if (is_digit(*a) || is_digit(*b)) {
			c = ver_number(&a, &b);
			if (c)
				return c;
			continue;
		}
		/* both letters: ASCII order, capitals first; longer is newer */
		for (; is_alpha(*a) && is_alpha(*b); a++, b++)
			if (*a != *b)
				return *a < *b ? -1 : 1;
		if (is_alpha(*a) != is_alpha(*b))
			return is_alpha(*a) ? 1 : -1;
	}
}

/* Spec "Alphanumerical Order": strcmp, an unset or empty string first. */
static int alnum_cmp(const char *a, const char *b)
{
	bool ea = !a || !*a, eb = !b || !*b;

	if (ea || eb)
		return eb - ea;
	return strcmp(a, b);
}

/* --- globs (loader.conf "default") ---------------------------------------- */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * A bracket expression at p ("[a-z]", "[!0-9]") against c. *end is past
 * its ']', or NULL when it has none (the '[' is then a plain character).
 */
static bool glob_class(const char *p, char c, const char **end)
{
	const char *q = p + 1;
	bool neg = false, hit = false;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	for (bool first = true; *q && (first || *q != ']'); first = false) {
		char lo = *q++, hi = lo;

		if (q[0] == '-' && q[1] && q[1] != ']') {
			hi = q[1];
			q += 2;
		}
		if (lower(c) >= lower(lo) && lower(c) <= lower(hi))
			hit = true;
	}
	*end = *q == ']' ? q + 1 : NULL;
	return *end && hit != neg;
}

/*
 * fnmatch(3) without flags, ASCII case folded (the ESP is FAT), for '*',
 * '?', '[...]' and '\'. A mismatch goes back to the last '*' only, which
 * is enough for globs and keeps the cost at length(p) * length(s);
 * glibc's fnmatch backtracks into every '*' of a hostile pattern.
 */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		const char *next = NULL, *end = NULL;

		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		if (*p == '?')
			next = p + 1;
		else if (*p == '[' && glob_class(p, *s, &end))
			next = end;
		else if (*p == '[' && !end && *s == '[')
			next = p + 1;
		else if (*p == '\\' && p[1] && lower(p[1]) == lower(*s))
			next = p + 2;
		else if (*p && *p != '[' && *p != '\\' &&
			 lower(*p) == lower(*s))
			next = p + 1;
		if (next) {
			p = next;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* --- entries as read, before they are sorted ------------------------------ */

enum bls_program { PROG_NONE, PROG_LINUX, PROG_EFI, PROG_UKI, PROG_UKI_URL };

struct bls_entry {
	char *path;	  /* the entry file (or the .efi) */
	const char *name; /* its last component, in path */
	char *id, *stem;  /* stem: the name without its suffix */
	char *title, *version, *machine_id, *sort_key, *arch;
	unsigned line; /* of title, else 1; 0 for a UKI */
	enum bls_program prog;
	char *kernel; /* the path prog names */
	char *args;   /* options joined, NULL for none */
	size_t args_len;
	char *initrds[BOOT_MAX_INITRDS];
	unsigned ninitrds;
	bool initrds_cut;
	bool bad; /* boot counting: no tries left */
};

struct bls_list {
	struct bls_entry **v;
	size_t n, cap;
};

/* One reading: who reads, where, and for which loader. */
struct bls_ctx {
	struct boot_scan *s;
	struct boot_fs *fs;
	const struct boot_source *src;
	bool grub; /* GRUB's blscfg: its id, its initrd lines, no default */
	bls_expand_fn expand;
	void *ectx;
};

static void entry_free(struct bls_entry *b)
{
	if (!b)
		return;
	free(b->path);
	free(b->id);
	free(b->stem);
	free(b->title);
	free(b->version);
	free(b->machine_id);
	free(b->sort_key);
	free(b->arch);
	free(b->kernel);
	free(b->args);
	for (unsigned i = 0; i < b->ninitrds; i++)
		free(b->initrds[i]);
	free(b);
}

static void list_free(struct bls_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		entry_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int list_add(struct bls_list *l, struct bls_entry *b)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct bls_entry **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = b;
	return 0;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	if (n <= k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(name[n - k + i]) != suffix[i])
			return false;
	return true;
}

/*
 * The boot counting suffix of a stem (spec "Boot counting"): "+LEFT" or
 * "+LEFT-DONE" at its end. Its length, 0 when there is none.
 */
static size_t counter_len(const char *stem, bool *no_tries_left)
{
	const char *plus = strrchr(stem, '+'), *p;
	bool zero = true;

	if (!plus || !is_digit(plus[1]))
		return 0;
	for (p = plus + 1; is_digit(*p); p++)
		zero = zero && *p == '0';
	if (*p == '-' && is_digit(p[1]))
		for (p++; is_digit(*p); p++)
			;
	if (*p)
		return 0;
	*no_tries_left = zero;
	return strlen(plus);
}

/* A new entry for the file at path (suffix: ".conf", ".efi"). */
static struct bls_entry *entry_new(const struct bls_ctx *c, const char *path,
				   const char *suffix)
{
	struct bls_entry *b = calloc(1, sizeof(*b));
	const char *slash = strrchr(path, '/');
	size_t n, count;
	bool bad = false;

	if (!b)
		return NULL;
	b->path = strdup(path);
	if (!b->path)
		goto oom;
	b->name = slash ? b->path + (slash - path) + 1 : b->path;
	n = strlen(b->name);
	if (has_suffix(b->name, suffix))
		n -= strlen(suffix);
	b->stem = text_dup(b->name, n);
	if (!b->stem)
		goto oom;
	/* GRUB names an entry by its file; systemd-boot drops the counter */
	count = c->grub ? 0 : counter_len(b->stem, &bad);
	b->bad = bad;
	b->id = text_dup(b->stem, n - count);
	if (!b->id)
		goto oom;
	b->line = 1;
	return b;
oom:
	entry_free(b);
	return NULL;
}

/* Entry a sorts before b (<0) or after it (>0): spec "Sorting". */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct bls_entry *a = *(struct bls_entry *const *)pa;
	const struct bls_entry *b = *(struct bls_entry *const *)pb;
	bool ka = a->sort_key && *a->sort_key, kb = b->sort_key && *b->sort_key;
	int c;

	if (a->bad != b->bad)
		return a->bad ? 1 : -1;
	if (ka && kb) {
		c = alnum_cmp(a->sort_key, b->sort_key);
		if (!c)
			c = alnum_cmp(a->machine_id, b->machine_id);
		if (!c)
			c = bls_vercmp(b->version ? b->version : "",
				       a->version ? a->version : "");
		if (c)
			return c;
	} else if (ka != kb) {
		return ka ? -1 : 1;
	}
	c = bls_vercmp(b->stem, a->stem);
	return c ? c : strcmp(a->path, b->path);
}

/* --- type 1: one entry file ----------------------------------------------- */

static bool key_is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && !memcmp(key, name, klen);
}

/* *slot = a copy of [v, v+n), cut at max bytes (logged). */
static int set_field(const struct bls_ctx *c, const struct bls_entry *b,
		     unsigned line, char **slot, const char *v, size_t n,
		     size_t max)
{
	char *p;

	if (n > max) {
		boot_warn(c->s, c->src, c->fs, b->path, line,
			  "value longer than %zu bytes: cut", max);
		n = max;
	}
	p = text_dup(v, n);
	if (!p)
		return -ENOMEM;
	free(*slot);
	*slot = p;
	return 0;
}

/* A path of the entry: absolute in its filesystem. */
static char *entry_path(const char *v, size_t n)
{
	char *p;

	if (n && v[0] == '/')
		return text_dup(v, n);
	p = malloc(n + 2);
	if (!p)
		return NULL;
	p[0] = '/';
	memcpy(p + 1, v, n);
	p[n + 1] = 0;
	return p;
}

static int set_program(struct bls_entry *b, enum bls_program prog,
		       const char *v, size_t n)
{
	char *p = entry_path(v, n);

	if (!p)
		return -ENOMEM;
	free(b->kernel);
	b->kernel = p;
	b->prog = prog;
	return 0;
}

static int add_initrd(const struct bls_ctx *c, struct bls_entry *b,
		      unsigned line, const char *v, size_t n)
{
	if (!n)
		return 0;
	if (b->ninitrds == BOOT_MAX_INITRDS) {
		if (!b->initrds_cut)
			boot_warn(c->s, c->src, c->fs, b->path, line,
				  "more than %u initrds: the rest are left out",
				  BOOT_MAX_INITRDS);
		b->initrds_cut = true;
		return 0;
	}
	b->initrds[b->ninitrds] = entry_path(v, n);
	if (!b->initrds[b->ninitrds])
		return -ENOMEM;
	b->ninitrds++;
	return 0;
}

/* GRUB's blscfg: variables expanded, then one initrd per word. */
static int add_initrd_words(const struct bls_ctx *c, struct bls_entry *b,
			    unsigned line, const char *v)
{
	int rc = 0;

	while (!rc && *v) {
		size_t n = strcspn(v, " \t");

		rc = add_initrd(c, b, line, v, n);
		v += n;
		v += strspn(v, " \t");
	}
	return rc;
}

/* Appends one options value; more than BOOT_STR_MAX is cut when added. */
static int add_options(struct bls_entry *b, const char *v)
{
	size_t n = strlen(v), room;
	char *p;

	if (!n || b->args_len > BOOT_STR_MAX)
		return 0;
	room = BOOT_STR_MAX + 1 - b->args_len; /* one byte over: logged */
	if (n + 1 > room)
		n = room - 1;
	p = realloc(b->args, b->args_len + n + 2);
	if (!p)
		return -ENOMEM;
	b->args = p;
	if (b->args_len)
		p[b->args_len++] = ' ';
	memcpy(p + b->args_len, v, n);
	b->args_len += n;
	p[b->args_len] = 0;
	return 0;
}

/* GRUB's expand() of an initrd or options value, then what it holds. */
static int entry_list_key(const struct bls_ctx *c, struct bls_entry *b,
			  unsigned line, bool initrd, const char *v, size_t vn)
{
	char *x = text_dup(v, vn), *e;
	int rc;

	if (x && c->expand) {
		e = c->expand(c->ectx, x);
		free(x);
		x = e;
	}
	if (!x)
		return -ENOMEM;
	rc = initrd ? add_initrd_words(c, b, line, x) : add_options(b, x);
	free(x);
	return rc;
}

/* The programs systemd-boot starts: the last key of them wins. */
static int entry_program_key(struct bls_entry *b, const char *k, size_t kn,
			     const char *v, size_t vn)
{
	static const struct {
		const char *key;
		enum bls_program prog;
	} progs[] = { { "linux", PROG_LINUX },
		      { "efi", PROG_EFI },
		      { "uki", PROG_UKI },
		      { "uki-url", PROG_UKI_URL } };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (key_is(k, kn, progs[i].key))
			return vn ? set_program(b, progs[i].prog, v, vn) : 0;
	return 0;
}

static int entry_key(const struct bls_ctx *c, struct bls_entry *b,
		     unsigned line, const char *k, size_t kn, const char *v,
		     size_t vn)
{
	if (key_is(k, kn, "title")) {
		b->line = line;
		return set_field(c, b, line, &b->title, v, vn, BOOT_STR_MAX);
	}
	if (key_is(k, kn, "version"))
		return set_field(c, b, line, &b->version, v, vn, BLS_FIELD_MAX);
	if (key_is(k, kn, "machine-id"))
		return set_field(c, b, line, &b->machine_id, v, vn,
				 BLS_FIELD_MAX);
	if (key_is(k, kn, "sort-key"))
		return set_field(c, b, line, &b->sort_key, v, vn,
				 BLS_FIELD_MAX);
	if (key_is(k, kn, "architecture"))
		return set_field(c, b, line, &b->arch, v, vn, BLS_FIELD_MAX);
	if (key_is(k, kn, "options"))
		return entry_list_key(c, b, line, false, v, vn);
	if (key_is(k, kn, "initrd") && c->grub)
		return entry_list_key(c, b, line, true, v, vn);
	if (key_is(k, kn, "initrd"))
		return add_initrd(c, b, line, v, vn);
	/* GRUB boots linux whatever else the entry says */
	if (c->grub && key_is(k, kn, "linux"))
		return vn ? set_program(b, PROG_LINUX, v, vn) : 0;
	if (!c->grub)
		return entry_program_key(b, k, kn, v, vn);
	return 0; /* devicetree, extra, grub_users, grub_class, ... */
}

static int entry_parse(const struct bls_ctx *c, struct bls_entry *b,
		       const char *text)
{
	struct text_lines t;
	const char *s;
	size_t len;
	int rc = 0;

	text_lines_init(&t, text);
	while (!rc && text_next_line(&t, &s, &len)) {
		size_t kn = 0, v;

		if (!len || s[0] == '#')
			continue;
		while (kn < len && s[kn] != ' ' && s[kn] != '\t')
			kn++;
		for (v = kn; v < len && (s[v] == ' ' || s[v] == '\t'); v++)
			;
		rc = entry_key(c, b, t.line, s, kn, s + v, len - v);
	}
	return rc;
}

static bool arch_ok(const char *arch)
{
	return !arch || text_is(arch, "x64") || text_is(arch, "ia32");
}

/* Can the loader start it? Says why not. */
static bool entry_usable(const struct bls_ctx *c, const struct bls_entry *b)
{
	if (!arch_ok(b->arch)) {
		boot_debug("%s: for architecture %s: skipped", b->path,
			   b->arch);
		return false;
	}
	switch (b->prog) {
	case PROG_LINUX:
	case PROG_UKI:
		return true;
	case PROG_EFI:
		boot_debug("%s: an EFI program (%s), not a Linux kernel: "
			   "skipped",
			   b->path, b->kernel);
		return false;
	case PROG_UKI_URL:
		boot_debug("%s: a unified kernel image on the network: skipped",
			   b->path);
		return false;
	case PROG_NONE:
		break;
	}
	boot_warn(c->s, c->src, c->fs, b->path, 0,
		  c->grub ? "no linux key: skipped"
			  : "no linux, efi or uki key: skipped");
	return false;
}

static int uki_cmdline_of(struct boot_scan *s, struct boot_fs *fs,
			  const char *path, char **args);

/*
 * Parses the text of the entry file at path into *out: NULL (and 0) when
 * the loader would not offer it.
 */
static int entry_read_text(const struct bls_ctx *c, const char *path,
			   const char *text, struct bls_entry **out)
{
	struct bls_entry *b = entry_new(c, path, ".conf");
	int rc;

	*out = NULL;
	if (!b)
		return -ENOMEM;
	rc = entry_parse(c, b, text);
	if (rc || !entry_usable(c, b)) {
		entry_free(b);
		return rc;
	}
	/* a UKI without options runs with the command line it holds */
	if (b->prog == PROG_UKI && !b->args && c->fs->fs) {
		rc = uki_cmdline_of(c->s, c->fs, b->kernel, &b->args);
		if (rc) {
			entry_free(b);
			return rc;
		}
	}
	*out = b;
	return 0;
}

/* --- adding sorted entries to the menu ------------------------------------ */

/* 1 added, 0 dropped, -1 the menu takes no more. */
static int entry_add(const struct bls_ctx *c, const struct bls_entry *b,
		     bool dflt)
{
	struct boot_entry *e =
		boot_entry_new(c->s, c->src, c->fs, b->path, b->line);

	if (!e)
		return -1;
	boot_entry_title(e, b->title && *b->title ? b->title : b->name);
	boot_entry_id(e, b->id);
	boot_entry_kind(e, b->prog == PROG_UKI ? "uki" : "linux");
	boot_entry_args(e, b->args);
	boot_entry_kernel(e, NULL, b->kernel);
	for (unsigned i = 0; i < b->ninitrds; i++)
		boot_entry_initrd(e, NULL, b->initrds[i]);
	if (dflt)
		boot_entry_default(e);
	return boot_entry_done(e) >= 0;
}

/* Adds l (sorted) with entry dflt (-1: none) the default. */
static int list_add_all(const struct bls_ctx *c, struct bls_list *l, long dflt)
{
	int added = 0;

	for (size_t i = 0; i < l->n; i++) {
		int rc = entry_add(c, l->v[i], (long)i == dflt);

		if (rc < 0)
			break;
		added += rc;
	}
	return added;
}

/* --- systemd-boot's loader.conf ------------------------------------------- */

/*
 * The last "default" of loader.conf text into *pattern (NULL: none). As
 * systemd-boot does, a value in double quotes loses them.
 */
static int loader_parse(const char *text, char **pattern)
{
	struct text_lines t;
	const char *s;
	size_t len;

	*pattern = NULL;
	text_lines_init(&t, text);
	while (text_next_line(&t, &s, &len)) {
		size_t v = 7;

		if (len <= 8 || memcmp(s, "default", 7) ||
		    (s[7] != ' ' && s[7] != '\t'))
			continue;
		while (v < len && (s[v] == ' ' || s[v] == '\t'))
			v++;
		if (len - v >= 2 && s[v] == '"' && s[len - 1] == '"') {
			v++;
			len--;
		}
		free(*pattern);
		*pattern =
			text_dup(s + v, len - v > BLS_FIELD_MAX ? BLS_FIELD_MAX
								: len - v);
		if (!*pattern)
			return -ENOMEM;
	}
	return 0;
}

/* loader.conf beside the entries of fs, else on the ESP. */
static struct boot_fs *loader_find(const struct bls_ctx *c, const char **path)
{
	static const char *const paths[] = { "/loader/loader.conf",
					     "/boot/loader/loader.conf" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (boot_is_file(c->s, c->fs, paths[i])) {
			*path = paths[i];
			return c->fs;
		}
	*path = paths[0];
	return boot_fs_by_file(c->s, paths[0]);
}

/* The first entry of l whose id, with or without suffix, matches. */
static int loader_match(const struct bls_list *l, const char *pattern,
			const char *suffix, long *found)
{
	*found = -1;
	for (size_t i = 0; *found < 0 && i < l->n; i++) {
		const struct bls_entry *b = l->v[i];
		size_t n = strlen(b->id);
		char *name = malloc(n + strlen(suffix) + 1);

		if (!name)
			return -ENOMEM;
		memcpy(name, b->id, n);
		strcpy(name + n, suffix);
		if (glob_match(pattern, b->id) || glob_match(pattern, name) ||
		    glob_match(pattern, b->name))
			*found = (long)i;
		free(name);
	}
	return 0;
}

/*
 * The index in l (sorted) of systemd-boot's default: the first entry
 * loader.conf's "default" matches, else 0.
 */
static int loader_default(const struct bls_ctx *c, const struct bls_list *l,
			  const char *suffix, long *dflt)
{
	const char *path;
	struct boot_fs *fs = loader_find(c, &path);
	char *text, *pattern;
	size_t len;
	long found = -1;
	int rc;

	*dflt = 0;
	if (!fs || !boot_config_claim(c->s, fs, path))
		return 0;
	rc = boot_read_file(c->s, fs, path, &text, &len);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	rc = loader_parse(text, &pattern);
	free(text);
	/* @saved: the EFI variable LoaderEntryDefault, not in the image */
	if (!rc && pattern && strcmp(pattern, "@saved"))
		rc = loader_match(l, pattern, suffix, &found);
	if (!rc && pattern && found < 0)
		boot_debug("%s: default '%s' matches no entry of %s: the first",
			   path, pattern, c->fs->spec);
	if (found > 0)
		*dflt = found;
	free(pattern);
	return rc;
}

/* --- type 1: the entries directories -------------------------------------- */

static bool entry_name(const char *name, const char *suffix)
{
	return name[0] != '.' && has_suffix(name, suffix);
}

/* Reads one entry file of dir into l (when the loader offers it). */
static int collect_one(const struct bls_ctx *c, const char *dir,
		       const char *name, struct bls_list *l)
{
	struct bls_entry *b = NULL;
	char *path = text_join_path(dir, name), *text;
	size_t len;
	int rc;

	if (!path)
		return -ENOMEM;
	if (!boot_config_claim(c->s, c->fs, path)) {
		free(path);
		return 0;
	}
	rc = boot_read_file(c->s, c->fs, path, &text, &len);
	if (rc) {
		free(path);
		return rc == -ENOMEM ? rc : 0;
	}
	rc = entry_read_text(c, path, text, &b);
	free(text);
	free(path);
	if (!rc && b) {
		rc = list_add(l, b);
		if (rc)
			entry_free(b);
	}
	return rc;
}

/* The *.conf entries of dir on c->fs into l. */
static int collect(const struct bls_ctx *c, const char *dir, struct bls_list *l)
{
	char **names;
	size_t n;
	int rc = boot_list_dir(c->s, c->fs, dir, true, &names, &n);

	if (rc)
		return rc == -ENOMEM ? rc : 0;
	for (size_t i = 0; !rc && i < n; i++)
		if (entry_name(names[i], ".conf"))
			rc = collect_one(c, dir, names[i], l);
	boot_free_names(names, n);
	return rc;
}

/* Are a and b the same directory of fs (boot -> . symlinks)? */
static bool same_dir(struct boot_fs *fs, const char *a, const char *b)
{
	struct fsimg_stat sa, sb;
	fsimg_ino ia, ib;

	return fs->fs && !fsimg_resolve(fs->fs, a, 0, &ia, &sa) &&
	       !fsimg_resolve(fs->fs, b, 0, &ib, &sb) && ia == ib;
}

static int scan_bls(struct boot_scan *s, struct boot_fs *fs)
{
	struct bls_ctx c = { .s = s, .fs = fs, .src = &boot_source_bls };
	struct bls_list l = { 0 };
	long dflt = 0;
	int rc;

	rc = collect(&c, "/loader/entries", &l);
	if (!rc && !same_dir(fs, "/loader/entries", "/boot/loader/entries"))
		rc = collect(&c, "/boot/loader/entries", &l);
	if (!rc && l.n) {
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
		rc = loader_default(&c, &l, ".conf", &dflt);
	}
	if (!rc)
		list_add_all(&c, &l, dflt);
	list_free(&l);
	return rc;
}

int bls_read_entries(struct boot_scan *s, struct boot_fs *fs, const char *dir,
		     bls_expand_fn expand, void *ctx)
{
	struct bls_ctx c = { .s = s,
			     .fs = fs,
			     .src = &boot_source_bls,
			     .grub = true,
			     .expand = expand,
			     .ectx = ctx };
	struct bls_list l = { 0 };
	int rc = collect(&c, dir, &l);

	if (!rc) {
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
		rc = list_add_all(&c, &l, -1);
	}
	list_free(&l);
	return rc;
}

static int parse_bls(struct boot_scan *s, struct boot_fs *fs, const char *path,
		     const char *text, size_t len)
{
	struct bls_ctx c = { .s = s, .fs = fs, .src = &boot_source_bls };
	struct bls_entry *b;
	int rc;

	(void)len;
	rc = entry_read_text(&c, path, text, &b);
	if (!rc && b)
		entry_add(&c, b, true);
	entry_free(b);
	return rc;
}

/* --- type 2: the PE section table ----------------------------------------- */

/*
 * PE/COFF: "MZ" and e_lfanew (le32 at 0x3c) in the DOS header; there
 * "PE\0\0" and the COFF header (NumberOfSections le16 at 2,
 * SizeOfOptionalHeader le16 at 16); the section table follows the
 * optional header, 40 bytes a section: Name[8], VirtualSize le32 at 8,
 * SizeOfRawData le32 at 16, PointerToRawData le32 at 20.
 */
#define PE_DOS_LFANEW 0x3c
#define PE_COFF_SIZE  20
#define PE_SECT_SIZE  40

struct pe_section {
	char name[9];
	uint64_t off, size; /* in the file */
};

struct pe_table {
	unsigned n;
	uint64_t file_size;
	struct pe_section sec[PE_MAX_SECTIONS];
};

/* Exactly size bytes at off: 0, -EIO for a short file, or -errno. */
static int read_full(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = fsimg_file_read(f, (char *)buf + done, size - done,
					    off + done);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* [off, off+len) inside a file of size bytes, without overflow. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int pe_bad(struct boot_scan *s, struct boot_fs *fs, const char *path,
		  const char *why)
{
	boot_warn(s, &boot_source_uki, fs, path, 0,
		  "not a unified kernel image: %s", why);
	return -EINVAL;
}

/* The section table of the PE file f into t: 0 or -EINVAL (logged). */
static int pe_read(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   fsimg_file *f, struct pe_table *t)
{
	uint8_t dos[64], pe[4 + PE_COFF_SIZE];
	uint8_t raw[PE_MAX_SECTIONS * PE_SECT_SIZE];
	uint64_t lfanew, table;
	unsigned n;

	t->n = 0;
	t->file_size = fsimg_file_size(f);
	if (t->file_size < sizeof(dos) || read_full(f, dos, sizeof(dos), 0) ||
	    memcmp(dos, "MZ", 2))
		return pe_bad(s, fs, path, "no MZ header");
	lfanew = get_le32(dos + PE_DOS_LFANEW);
	if (!inside(lfanew, sizeof(pe), t->file_size) ||
	    read_full(f, pe, sizeof(pe), lfanew) || memcmp(pe, "PE\0\0", 4))
		return pe_bad(s, fs, path, "no PE header");
	n = get_le16(pe + 4 + 2);
	if (n > PE_MAX_SECTIONS) {
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "%u PE sections, more than %u: not read", n,
			  PE_MAX_SECTIONS);
		return -EINVAL;
	}
	table = lfanew + sizeof(pe) + get_le16(pe + 4 + 16);
	if (!inside(table, (uint64_t)n * PE_SECT_SIZE, t->file_size))
		return pe_bad(s, fs, path, "the section table lies outside it");
	if (read_full(f, raw, (size_t)n * PE_SECT_SIZE, table))
		return pe_bad(s, fs, path, "unreadable section table");
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *r = raw + (size_t)i * PE_SECT_SIZE;
		struct pe_section *p = &t->sec[i];
		uint32_t vsize = get_le32(r + 8), rsize = get_le32(r + 16);

		memcpy(p->name, r, 8);
		p->name[8] = 0;
		/* raw data is padded to the file alignment */
		p->size = vsize && vsize < rsize ? vsize : rsize;
		p->off = get_le32(r + 20);
	}
	t->n = n;
	return 0;
}

/* Section name of t, checked to lie in the file: 0, -ENOENT or -EINVAL. */
static int pe_find(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   const struct pe_table *t, const char *name,
		   const struct pe_section **out)
{
	*out = NULL;
	/* the first: the base profile of a multi-profile UKI */
	for (unsigned i = 0; i < t->n; i++) {
		const struct pe_section *p = &t->sec[i];

		if (strlen(name) > 8 || strcmp(p->name, name))
			continue;
		if (!inside(p->off, p->size, t->file_size)) {
			boot_warn(s, &boot_source_uki, fs, path, 0,
				  "section %s (%llu bytes at %llu) lies "
				  "outside the file (%llu bytes)",
				  name, (unsigned long long)p->size,
				  (unsigned long long)p->off,
				  (unsigned long long)t->file_size);
			return -EINVAL;
		}
		*out = p;
		return 0;
	}
	return -ENOENT;
}

int uki_section(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, const char *name, uint64_t *off, uint64_t *size)
{
	struct pe_table *t = malloc(sizeof(*t));
	const struct pe_section *p;
	int rc;

	*off = *size = 0;
	if (!t)
		return -ENOMEM;
	rc = pe_read(s, fs, path, f, t);
	if (!rc)
		rc = pe_find(s, fs, path, t, name, &p);
	if (!rc) {
		*off = p->off;
		*size = p->size;
	}
	free(t);
	return rc;
}

/* At most max bytes of section p, NUL-terminated, into *buf. */
static int pe_load(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   fsimg_file *f, const struct pe_section *p, size_t max,
		   char **buf)
{
	size_t n = p->size > max ? max : (size_t)p->size;
	int rc;

	*buf = malloc(n + 1);
	if (!*buf)
		return -ENOMEM;
	rc = read_full(f, *buf, n, p->off);
	if (rc) {
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "reading section %s: %s", p->name, strerror(-rc));
		free(*buf);
		*buf = NULL;
		return rc;
	}
	(*buf)[n] = 0;
	return 0;
}

/* .cmdline as arguments: cut at a NUL, line ends as blanks, trimmed. */
static void cmdline_clean(char *a)
{
	size_t n = strlen(a);

	for (size_t i = 0; i < n; i++)
		if (a[i] == '\n' || a[i] == '\r' || a[i] == '\t')
			a[i] = ' ';
	while (n && a[n - 1] == ' ')
		a[--n] = 0;
}

/* The .cmdline of the open UKI (NULL when it has none). */
static int pe_cmdline(struct boot_scan *s, struct boot_fs *fs, const char *path,
		      fsimg_file *f, const struct pe_table *t, char **args)
{
	const struct pe_section *p;
	int rc = pe_find(s, fs, path, t, ".cmdline", &p);

	*args = NULL;
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	/* one byte over the bound: the menu logs the cut */
	rc = pe_load(s, fs, path, f, p, BOOT_STR_MAX + 1, args);
	if (!rc)
		cmdline_clean(*args);
	return rc;
}

/* Opens the regular file at path of fs; logged unless absent. */
static int open_file(struct boot_scan *s, struct boot_fs *fs, const char *path,
		     fsimg_file **f)
{
	struct fsimg_stat st;
	fsimg_ino ino;
	int rc;

	*f = NULL;
	if (!fs->fs)
		return -ENOENT;
	rc = fsimg_resolve(fs->fs, path, 0, &ino, &st);
	if (!rc && !S_ISREG(st.mode))
		rc = -EINVAL;
	if (!rc)
		rc = fsimg_file_open(fs->fs, ino, f);
	if (rc && rc != -ENOENT)
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "cannot open it: %s",
			  rc == -EINVAL ? "not a regular file" : strerror(-rc));
	return rc;
}

/* The type 1 "uki" key without options: the UKI's own command line. */
static int uki_cmdline_of(struct boot_scan *s, struct boot_fs *fs,
			  const char *path, char **args)
{
	struct pe_table *t;
	fsimg_file *f;
	int rc;

	*args = NULL;
	if (open_file(s, fs, path, &f))
		return 0;
	t = malloc(sizeof(*t));
	rc = t ? pe_read(s, fs, path, f, t) : -ENOMEM;
	if (!rc)
		rc = pe_cmdline(s, fs, path, f, t, args);
	free(t);
	fsimg_file_close(f);
	return rc == -ENOMEM ? rc : 0;
}

/* --- type 2: os-release --------------------------------------------------- */

enum {
	OS_PRETTY_NAME,
	OS_NAME,
	OS_VERSION_ID,
	OS_IMAGE_ID,
	OS_ID,
	OS_IMAGE_VERSION,
	OS_VERSION,
	OS_BUILD_ID,
	OS_NKEYS
};

static const char *const os_keys[OS_NKEYS] = {
	"PRETTY_NAME", "NAME",		"VERSION_ID", "IMAGE_ID",
	"ID",	       "IMAGE_VERSION", "VERSION",    "BUILD_ID",
};

/*
 * A value of os-release(5): shell-like, in double or single quotes or
 * bare; in double quotes a backslash escapes the next character.
 */
static char *os_value(const char *v, size_t n)
{
	char *out = malloc(n + 1), q = n ? v[0] : 0;
	size_t o = 0, i = 0;

	if (!out)
		return NULL;
	if (q != '"' && q != '\'') {
		memcpy(out, v, n);
		out[n] = 0;
		return out;
	}
	for (i = 1; i < n && v[i] != q; i++) {
		if (q == '"' && v[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = v[i];
	}
	out[o] = 0;
	return out;
}

/* The fields of os-release text that name and sort an entry. */
static int os_parse(const char *text, char *vals[OS_NKEYS])
{
	struct text_lines t;
	const char *s;
	size_t len;

	text_lines_init(&t, text);
	while (text_next_line(&t, &s, &len)) {
		const char *eq = memchr(s, '=', len);

		if (!eq || s[0] == '#')
			continue;
		for (int k = 0; k < OS_NKEYS; k++) {
			if (!key_is(s, (size_t)(eq - s), os_keys[k]))
				continue;
			free(vals[k]);
			vals[k] = os_value(eq + 1, len - (size_t)(eq - s) - 1);
			if (!vals[k])
				return -ENOMEM;
		}
	}
	return 0;
}

static const char *first_of(char *const vals[OS_NKEYS], int a, int b, int c,
			    int d)
{
	int k[] = { a, b, c, d };

	for (int i = 0; i < 4; i++)
		if (k[i] >= 0 && vals[k[i]] && *vals[k[i]])
			return vals[k[i]];
	return NULL;
}

static int dup_field(char **slot, const char *v, size_t max)
{
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	*slot = text_dup(v, n > max ? max : n);
	return *slot ? 0 : -ENOMEM;
}

/* Title, version and sort key of a UKI from its os-release fields. */
static int os_fields(struct bls_entry *b, char *const vals[OS_NKEYS])
{
	const char *name = vals[OS_NAME], *ver = vals[OS_VERSION_ID];
	int rc;

	if (vals[OS_PRETTY_NAME] && *vals[OS_PRETTY_NAME]) {
		rc = dup_field(&b->title, vals[OS_PRETTY_NAME], BOOT_STR_MAX);
	} else if (name && *name) {
		size_t n = strlen(name), m = ver ? strlen(ver) : 0;

		b->title = malloc(n + m + 2);
		rc = b->title ? 0 : -ENOMEM;
		if (b->title)
			snprintf(b->title, n + m + 2, "%s%s%s", name,
				 m ? " " : "", m ? ver : "");
	} else {
		rc = 0;
	}
	if (!rc)
		rc = dup_field(&b->sort_key,
			       first_of(vals, OS_IMAGE_ID, OS_ID, -1, -1),
			       BLS_FIELD_MAX);
	if (!rc)
		rc = dup_field(&b->version,
			       first_of(vals, OS_IMAGE_VERSION, OS_VERSION,
					OS_VERSION_ID, OS_BUILD_ID),
			       BLS_FIELD_MAX);
	return rc;
}

static int uki_osrel(struct boot_scan *s, struct boot_fs *fs, fsimg_file *f,
		     const struct pe_section *p, struct bls_entry *b)
{
	char *vals[OS_NKEYS] = { 0 }, *text;
	int rc;

	if (p->size > OSREL_MAX)
		boot_warn(s, &boot_source_uki, fs, b->path, 0,
			  ".osrel of %llu bytes: the first %u read",
			  (unsigned long long)p->size, OSREL_MAX);
	rc = pe_load(s, fs, b->path, f, p, OSREL_MAX, &text);
	if (rc)
		return rc;
	rc = os_parse(text, vals);
	if (!rc)
		rc = os_fields(b, vals);
	free(text);
	for (int k = 0; k < OS_NKEYS; k++)
		free(vals[k]);
	return rc;
}

/* --- type 2: the images of /EFI/Linux ------------------------------------- */

/*
 * The entry of the open UKI b->path: 0 with b filled, -EINVAL (logged)
 * when the loader would not offer it, -ENOMEM.
 */
static int uki_fill(struct boot_scan *s, struct boot_fs *fs, fsimg_file *f,
		    struct pe_table *t, struct bls_entry *b)
{
	const struct pe_section *sec;
	int rc = pe_read(s, fs, b->path, f, t);

	if (rc)
		return rc;
	rc = pe_find(s, fs, b->path, t, ".linux", &sec);
	if (rc == -ENOENT)
		boot_warn(s, &boot_source_uki, fs, b->path, 0,
			  "no .linux section: not a unified kernel image");
	if (rc)
		return -EINVAL;
	rc = pe_find(s, fs, b->path, t, ".osrel", &sec);
	if (!rc)
		rc = uki_osrel(s, fs, f, sec, b);
	if (!rc || rc == -ENOENT)
		rc = pe_cmdline(s, fs, b->path, f, t, &b->args);
	if (rc)
		return rc;
	b->line = 0; /* the entry is the whole file */
	b->prog = PROG_UKI;
	b->kernel = strdup(b->path);
	return b->kernel ? 0 : -ENOMEM;
}

/* Reads the UKI name of dir into l (when the loader offers it). */
static int uki_one(const struct bls_ctx *c, const char *dir, const char *name,
		   struct bls_list *l)
{
	struct pe_table *t = NULL;
	struct bls_entry *b = NULL;
	char *path = text_join_path(dir, name);
	fsimg_file *f = NULL;
	int rc = -ENOMEM;

	if (!path)
		return -ENOMEM;
	if (!boot_config_claim(c->s, c->fs, path)) {
		free(path);
		return 0;
	}
	b = entry_new(c, path, ".efi");
	t = malloc(sizeof(*t));
	if (!b || !t)
		goto out;
	rc = open_file(c->s, c->fs, path, &f);
	if (!rc)
		rc = uki_fill(c->s, c->fs, f, t, b);
	if (!rc)
		rc = list_add(l, b);
	if (!rc)
		b = NULL; /* l owns it */
out:
	if (f)
		fsimg_file_close(f);
	entry_free(b);
	free(t);
	free(path);
	return rc == -ENOMEM ? rc : 0;
}

static int scan_uki(struct boot_scan *s, struct boot_fs *fs)
{
	struct bls_ctx c = { .s = s, .fs = fs, .src = &boot_source_uki };
	struct bls_list l = { 0 };
	const char *dir = "/EFI/Linux";
	char **names;
	size_t n;
	long dflt = 0;
	int rc = boot_list_dir(s, fs, dir, true, &names, &n);

	if (rc)
		return rc == -ENOMEM ? rc : 0;
	for (size_t i = 0; !rc && i < n; i++)
		if (entry_name(names[i], ".efi"))
			rc = uki_one(&c, dir, names[i], &l);
	boot_free_names(names, n);
	if (!rc && l.n) {
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
		rc = loader_default(&c, &l, ".efi", &dflt);
	}
	if (!rc)
		list_add_all(&c, &l, dflt);
	list_free(&l);
	return rc;
}

const struct boot_source boot_source_bls = {
	.name = "bls",
	.label = "Boot Loader Specification",
	.scan = scan_bls,
	.parse = parse_bls,
};

const struct boot_source boot_source_uki = {
	.name = "uki",
	.label = "unified kernel image",
	.scan = scan_uki,
	.parse = NULL,
};
