/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Boot Loader Specification: one type 1 entry file, "key value" lines
 * (spec "Type #1 Boot Loader Entry Keys"), read as systemd-boot or, with
 * c->grub, as GRUB 2's blscfg reads it; and whether that loader would
 * offer the entry.
 */
#include "bls.h"

#include <stdlib.h>
#include <string.h>

/* --- type 1: one entry file ----------------------------------------------- */

bool bls_key_is(const char *key, size_t klen, const char *name)
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
		if (bls_key_is(k, kn, progs[i].key))
			return vn ? set_program(b, progs[i].prog, v, vn) : 0;
	return 0;
}

static int entry_key(const struct bls_ctx *c, struct bls_entry *b,
		     unsigned line, const char *k, size_t kn, const char *v,
		     size_t vn)
{
	if (bls_key_is(k, kn, "title")) {
		b->line = line;
		return set_field(c, b, line, &b->title, v, vn, BOOT_STR_MAX);
	}
	if (bls_key_is(k, kn, "version"))
		return set_field(c, b, line, &b->version, v, vn, BLS_FIELD_MAX);
	if (bls_key_is(k, kn, "machine-id"))
		return set_field(c, b, line, &b->machine_id, v, vn,
				 BLS_FIELD_MAX);
	if (bls_key_is(k, kn, "sort-key"))
		return set_field(c, b, line, &b->sort_key, v, vn,
				 BLS_FIELD_MAX);
	if (bls_key_is(k, kn, "architecture"))
		return set_field(c, b, line, &b->arch, v, vn, BLS_FIELD_MAX);
	if (bls_key_is(k, kn, "options"))
		return entry_list_key(c, b, line, false, v, vn);
	if (bls_key_is(k, kn, "initrd") && c->grub)
		return entry_list_key(c, b, line, true, v, vn);
	if (bls_key_is(k, kn, "initrd"))
		return add_initrd(c, b, line, v, vn);
	/* GRUB boots linux whatever else the entry says */
	if (c->grub && bls_key_is(k, kn, "linux"))
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

/*
 * Parses the text of the entry file at path into *out: NULL (and 0) when
 * the loader would not offer it.
 */
int bls_entry_read_text(const struct bls_ctx *c, const char *path,
			const char *text, struct bls_entry **out)
{
	struct bls_entry *b = bls_entry_new(c, path, ".conf");
	int rc;

	*out = NULL;
	if (!b)
		return -ENOMEM;
	rc = entry_parse(c, b, text);
	if (rc || !entry_usable(c, b)) {
		bls_entry_free(b);
		return rc;
	}
	/* a UKI without options runs with the command line it holds */
	if (b->prog == PROG_UKI && !b->args && c->fs->fs) {
		rc = uki_cmdline_of(c->s, c->fs, b->kernel, &b->args);
		if (rc) {
			bls_entry_free(b);
			return rc;
		}
	}
	*out = b;
	return 0;
}
