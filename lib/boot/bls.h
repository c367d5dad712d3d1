/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the Boot Loader Specification reader, shared by
 * its files:
 *
 *   bls.c          entries as read, their order, adding them to the menu,
 *                  the entries directories, the bls source descriptor
 *   bls_entry.c    type 1: the keys of one entry file
 *   bls_version.c  the UAPI version order and the alphanumerical order
 *   bls_loader.c   systemd-boot's loader.conf: its default, a glob
 *   uki.c          type 2: unified kernel images, their .cmdline and
 *                  .osrel, the uki source descriptor
 *   uki_pe.c       the PE section table of a UKI; uki_section
 *
 * Bounds: BOOT_MAX_DIRENTS names per directory and BOOT_MAX_CONFIGS files
 * per scan (boot_list_dir, boot_config_claim), each at most BOOT_FILE_MAX;
 * sort fields cut at BLS_FIELD_MAX bytes and arguments at BOOT_STR_MAX;
 * PE files: at most PE_MAX_SECTIONS sections, every header and section
 * checked against the file size before it is read, .osrel read up to
 * OSREL_MAX bytes. Globs are matched without backtracking blow-up.
 */
#ifndef FSIMG_BLS_H
#define FSIMG_BLS_H

#include "bootcfg.h"

#define BLS_FIELD_MAX	255 /* bytes of a sort-key, machine-id, version */
#define PE_MAX_SECTIONS 96  /* sections of a unified kernel image */
#define OSREL_MAX	(64u << 10) /* bytes of an .osrel section read */

extern const struct boot_source boot_source_bls;
extern const struct boot_source boot_source_uki;

/* ASCII only: names, keys and versions are compared byte by byte. */
static inline bool bls_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline char bls_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

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

/* A section of a PE file, as uki_pe.c found it in the section table. */
struct pe_section {
	char name[9];
	uint64_t off, size; /* in the file */
};

struct pe_table {
	unsigned n;
	uint64_t file_size;
	struct pe_section sec[PE_MAX_SECTIONS];
};

/* --- bls.c ---------------------------------------------------------------- */

/*
 * A new entry for the file at path (suffix: ".conf", ".efi"): its name,
 * stem and id; NULL when out of memory. Free it with bls_entry_free.
 */
struct bls_entry *bls_entry_new(const struct bls_ctx *c, const char *path,
				const char *suffix);
void bls_entry_free(struct bls_entry *b);
/* Appends b, which l then owns; -ENOMEM (b still the caller's). */
int bls_list_add(struct bls_list *l, struct bls_entry *b);
/* Frees the entries of l and empties it. */
void bls_list_free(struct bls_list *l);
/* Entry a sorts before b (<0) or after it (>0): spec "Sorting" (qsort). */
int bls_entry_cmp(const void *pa, const void *pb);
/* Adds l (sorted) with entry dflt (-1: none) the default; how many. */
int bls_list_add_all(const struct bls_ctx *c, struct bls_list *l, long dflt);
/* Is name an entry file: not hidden, ending in suffix (any case)? */
bool bls_entry_name(const char *name, const char *suffix);

/* --- bls_entry.c ---------------------------------------------------------- */

/* Is key [key, key+klen) name? */
bool bls_key_is(const char *key, size_t klen, const char *name);
/*
 * Parses the text of the entry file at path into *out: NULL (and 0) when
 * the loader would not offer it.
 */
int bls_entry_read_text(const struct bls_ctx *c, const char *path,
			const char *text, struct bls_entry **out);

/* --- bls_version.c -------------------------------------------------------- */

/* <0, 0, >0 as version a is older than, the same as, newer than b. */
int bls_vercmp(const char *a, const char *b);
/* Spec "Alphanumerical Order": strcmp, an unset or empty string first. */
int bls_alnum_cmp(const char *a, const char *b);

/* --- bls_loader.c --------------------------------------------------------- */

/*
 * The index in l (sorted) of systemd-boot's default: the first entry
 * loader.conf's "default" matches (its id, its id with suffix, ".conf" or
 * ".efi", or its file name), else 0. Returns 0 or -ENOMEM.
 */
int bls_loader_default(const struct bls_ctx *c, const struct bls_list *l,
		       const char *suffix, long *dflt);

/* --- uki.c and uki_pe.c -------------------------------------------------- */

/* The type 1 "uki" key without options: the UKI's own command line. */
int uki_cmdline_of(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   char **args);
/* Opens the regular file at path of fs; logged unless absent. */
int uki_open_file(struct boot_scan *s, struct boot_fs *fs, const char *path,
		  fsimg_file **f);
/* The section table of the PE file f into t: 0 or -EINVAL (logged). */
int uki_pe_read(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, struct pe_table *t);
/*
 * Section name of t, checked to lie in the file: 0, -ENOENT or -EINVAL
 * (logged). The first of that name: the base profile of a multi-profile UKI.
 */
int uki_pe_find(struct boot_scan *s, struct boot_fs *fs, const char *path,
		const struct pe_table *t, const char *name,
		const struct pe_section **out);
/*
 * At most max bytes of section p, NUL-terminated, into *buf (the caller
 * frees it); -errno, logged, when it cannot be read.
 */
int uki_pe_load(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, const struct pe_section *p, size_t max,
		char **buf);

#endif
