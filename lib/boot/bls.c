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
 * Type 2 entries are read in uki.c; the other parts, and the bounds, are
 * listed in bls.h.
 */
#include "bls.h"

#include <stdlib.h>
#include <string.h>

/* --- entries as read, before they are sorted ------------------------------ */

void bls_entry_free(struct bls_entry *b)
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

void bls_list_free(struct bls_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		bls_entry_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int bls_list_add(struct bls_list *l, struct bls_entry *b)
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
		if (bls_lower(name[n - k + i]) != suffix[i])
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

	if (!plus || !bls_is_digit(plus[1]))
		return 0;
	for (p = plus + 1; bls_is_digit(*p); p++)
		zero = zero && *p == '0';
	if (*p == '-' && bls_is_digit(p[1]))
		for (p++; bls_is_digit(*p); p++)
			;
	if (*p)
		return 0;
	*no_tries_left = zero;
	return strlen(plus);
}

/* A new entry for the file at path (suffix: ".conf", ".efi"). */
struct bls_entry *bls_entry_new(const struct bls_ctx *c, const char *path,
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
	bls_entry_free(b);
	return NULL;
}

/* Entry a sorts before b (<0) or after it (>0): spec "Sorting". */
int bls_entry_cmp(const void *pa, const void *pb)
{
	const struct bls_entry *a = *(struct bls_entry *const *)pa;
	const struct bls_entry *b = *(struct bls_entry *const *)pb;
	bool ka = a->sort_key && *a->sort_key, kb = b->sort_key && *b->sort_key;
	int c;

	if (a->bad != b->bad)
		return a->bad ? 1 : -1;
	if (ka && kb) {
		c = bls_alnum_cmp(a->sort_key, b->sort_key);
		if (!c)
			c = bls_alnum_cmp(a->machine_id, b->machine_id);
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
int bls_list_add_all(const struct bls_ctx *c, struct bls_list *l, long dflt)
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

/* --- type 1: the entries directories -------------------------------------- */

bool bls_entry_name(const char *name, const char *suffix)
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
	rc = bls_entry_read_text(c, path, text, &b);
	free(text);
	free(path);
	if (!rc && b) {
		rc = bls_list_add(l, b);
		if (rc)
			bls_entry_free(b);
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
		if (bls_entry_name(names[i], ".conf"))
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
		qsort(l.v, l.n, sizeof(*l.v), bls_entry_cmp);
		rc = bls_loader_default(&c, &l, ".conf", &dflt);
	}
	if (!rc)
		bls_list_add_all(&c, &l, dflt);
	bls_list_free(&l);
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
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), bls_entry_cmp);
		rc = bls_list_add_all(&c, &l, -1);
	}
	bls_list_free(&l);
	return rc;
}

static int parse_bls(struct boot_scan *s, struct boot_fs *fs, const char *path,
		     const char *text, size_t len)
{
	struct bls_ctx c = { .s = s, .fs = fs, .src = &boot_source_bls };
	struct bls_entry *b;
	int rc;

	(void)len;
	rc = bls_entry_read_text(&c, path, text, &b);
	if (!rc && b)
		entry_add(&c, b, true);
	bls_entry_free(b);
	return rc;
}

const struct boot_source boot_source_bls = {
	.name = "bls",
	.label = "Boot Loader Specification",
	.scan = scan_bls,
	.parse = parse_bls,
};
