/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Boot Loader Specification's type 2 entries: the unified kernel
 * images (UKI, PE files) of /EFI/Linux, as systemd-boot reads them, and
 * the command line of a UKI a type 1 "uki" key names. The PE section
 * table is read in uki_pe.c.
 *
 * Type 2 (spec "Type #2 EFI Unified Kernel Images", UKI specification).
 * The PE section table gives .linux (required), .osrel (an os-release
 * file: the title is PRETTY_NAME, else NAME and VERSION_ID, else the file
 * name) and .cmdline (the arguments). As systemd-boot does, the sort key
 * is IMAGE_ID or ID and the version IMAGE_VERSION, VERSION, VERSION_ID or
 * BUILD_ID. The kernel of the entry is the .efi file itself, no initrds.
 *
 * Sorted and given a default like type 1 entries (bls.c, bls_loader.c).
 */
#include "bls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- type 2: the command line --------------------------------------------- */

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
	int rc = uki_pe_find(s, fs, path, t, ".cmdline", &p);

	*args = NULL;
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	/* one byte over the bound: the menu logs the cut */
	rc = uki_pe_load(s, fs, path, f, p, BOOT_STR_MAX + 1, args);
	if (!rc)
		cmdline_clean(*args);
	return rc;
}

/* The type 1 "uki" key without options: the UKI's own command line. */
int uki_cmdline_of(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   char **args)
{
	struct pe_table *t;
	fsimg_file *f;
	int rc;

	*args = NULL;
	if (uki_open_file(s, fs, path, &f))
		return 0;
	t = malloc(sizeof(*t));
	rc = t ? uki_pe_read(s, fs, path, f, t) : -ENOMEM;
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
			if (!bls_key_is(s, (size_t)(eq - s), os_keys[k]))
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
	rc = uki_pe_load(s, fs, b->path, f, p, OSREL_MAX, &text);
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
	int rc = uki_pe_read(s, fs, b->path, f, t);

	if (rc)
		return rc;
	rc = uki_pe_find(s, fs, b->path, t, ".linux", &sec);
	if (rc == -ENOENT)
		boot_warn(s, &boot_source_uki, fs, b->path, 0,
			  "no .linux section: not a unified kernel image");
	if (rc)
		return -EINVAL;
	rc = uki_pe_find(s, fs, b->path, t, ".osrel", &sec);
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
	b = bls_entry_new(c, path, ".efi");
	t = malloc(sizeof(*t));
	if (!b || !t)
		goto out;
	rc = uki_open_file(c->s, c->fs, path, &f);
	if (!rc)
		rc = uki_fill(c->s, c->fs, f, t, b);
	if (!rc)
		rc = bls_list_add(l, b);
	if (!rc)
		b = NULL; /* l owns it */
out:
	if (f)
		fsimg_file_close(f);
	bls_entry_free(b);
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
		if (bls_entry_name(names[i], ".efi"))
			rc = uki_one(&c, dir, names[i], &l);
	boot_free_names(names, n);
	if (!rc && l.n) {
		qsort(l.v, l.n, sizeof(*l.v), bls_entry_cmp);
		rc = bls_loader_default(&c, &l, ".efi", &dflt);
	}
	if (!rc)
		bls_list_add_all(&c, &l, dflt);
	bls_list_free(&l);
	return rc;
}

const struct boot_source boot_source_uki = {
	.name = "uki",
	.label = "unified kernel image",
	.scan = scan_uki,
	.parse = NULL,
};
