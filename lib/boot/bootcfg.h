/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Boot menus: what a source of boot entries (a GRUB 2 grub.cfg reader, a
 * BLS reader, ...) sees of the scan in lib/boot/boot.c.
 *
 * A source is a const descriptor in the table of boot.c. The scan visits
 * the filesystems of the image in pygrub's order and, on each, calls the
 * sources in table order. A source looks for its files, parses them and
 * adds entries. Everything a source reads comes through the functions
 * below: bounded, following symlinks inside the filesystem only, each
 * configuration file read once per scan (boot_config_claim).
 *
 * Configurations are hostile text. Sources keep their own bounds (nesting,
 * includes, variables) with the limits below, never recurse without a
 * depth bound, and report what they cannot use with boot_warn() naming the
 * file and line; unknown directives are skipped without a word.
 */
#ifndef FSIMG_BOOTCFG_H
#define FSIMG_BOOTCFG_H

#include "internal.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define BOOT_FILE_MAX	 (4u << 20) /* bytes of one configuration file */
#define BOOT_MAX_ENTRIES 1024	    /* entries in one menu */
#define BOOT_MAX_INITRDS 16	    /* initrds of one entry */
#define BOOT_MAX_FS	 64	    /* filesystems scanned in one image */
#define BOOT_MAX_DEPTH	 16	    /* nesting: submenus, includes, blocks */
#define BOOT_MAX_CONFIGS 256	    /* configuration files read in one scan */
#define BOOT_MAX_DIRENTS 4096	    /* names listed in one directory */
#define BOOT_STR_MAX	 4096	    /* a title, a path, the arguments */

/* The scan is the menu it builds (fsimg_bootmenu of fsimg.h). */
#define boot_scan fsimg_bootmenu
struct boot_scan;
struct boot_entry;

/* One filesystem of the image, as the scan found it. */
struct boot_fs {
	unsigned index;	 /* position in the scan, from 0 */
	char spec[32];	 /* its partition spec; "" for the whole image */
	int partno;	 /* Linux partition number, 0 for none */
	bool active;	 /* MBR boot flag */
	char table[16];	 /* "dos", "gpt", "vtoc", ...; "" for none */
	char type[16];	 /* "ext4", "vfat", "iso9660", "ufs", ... */
	char uuid[64];	 /* filesystem UUID as blkid prints it, or "" */
	char label[256]; /* filesystem label, or "" */
	uint64_t offset, length;
	unsigned volume; /* 0, or the logical volume it lies in */
	fsimg_fs *fs;	 /* open; NULL when it could not be opened */
};

struct boot_source {
	const char *name;  /* fsimg_bootmenu_entry.source of its entries */
	const char *label; /* in messages: "GRUB 2", "syslinux" */
	/*
	 * Looks for its configuration on fs and adds the entries it finds.
	 * Returns 0 whether or not it found any (unusable parts are logged
	 * with boot_warn); a negative errno only when the scan must stop
	 * (-ENOMEM).
	 */
	int (*scan)(struct boot_scan *s, struct boot_fs *fs);
	/*
	 * Sources that read a configuration file: parses text (len bytes,
	 * NUL-terminated) read from path in fs, as scan does once it has
	 * read it. The fuzz harness calls it with fs->fs NULL (no file
	 * can be read: includes and searches find nothing). NULL for
	 * sources that only look at the tree.
	 */
	int (*parse)(struct boot_scan *s, struct boot_fs *fs, const char *path,
		     const char *text, size_t len);
};

/*
 * fsimg_bootmenu_parse() and the fuzz harness: a menu with one filesystem
 * that holds no files (fs->fs NULL), parsed from text by the source named
 * source. Returns the menu (free it with fsimg_bootmenu_free) or NULL
 * when there is no such source or memory ran out. Messages go to log.
 */
fsimg_bootmenu *boot_parse_text(const char *source, const char *path,
				const char *text, size_t len, fsimg_log_fn log,
				void *ctx);

/*
 * Sources that work together. GRUB 2's blscfg command: the BLS type 1
 * entries of dir (".../loader/entries") of fs, in the order of the Boot
 * Loader Specification, added to the menu with source "bls" and the entry
 * file as config; the id of each is its file name without ".conf" (what
 * GRUB's saved_entry names). expand (may be NULL) rewrites each options
 * line (GRUB expands $kernelopts and other variables there); it returns a
 * heap string or NULL when out of memory. Returns how many were added.
 */
typedef char *(*bls_expand_fn)(void *ctx, const char *text);
int bls_read_entries(struct boot_scan *s, struct boot_fs *fs, const char *dir,
		     bls_expand_fn expand, void *ctx);

/*
 * A unified kernel image open as f (read from path in fs, for messages):
 * the offset and size in the file of PE section name (".linux", ...).
 * -ENOENT when absent; -EINVAL, logged, when f is not a PE image or the
 * section lies outside the file.
 */
int uki_section(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, const char *name, uint64_t *off, uint64_t *size);

/* --- the image's files --------------------------------------------------- */

/*
 * Reads the regular file at path (absolute in fs; symlinks followed inside
 * fs) into a NUL-terminated buffer the caller frees. -ENOENT (and
 * -ENOTDIR) quietly when it is absent; -EFBIG with a message when it is
 * larger than BOOT_FILE_MAX; other errors with a message.
 */
int boot_read_file(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   char **buf, size_t *len);

/*
 * What most sources' scan() does: the first of paths that is a file in fs
 * is claimed, read and given to src->parse(). 0 when none is there.
 */
int boot_read_first(struct boot_scan *s, const struct boot_source *src,
		    struct boot_fs *fs, const char *const *paths, size_t n);

/* Is path a regular file (after symlinks) in fs? Never logs. */
bool boot_is_file(struct boot_scan *s, struct boot_fs *fs, const char *path);
/* Is path a directory in fs? Never logs. */
bool boot_is_dir(struct boot_scan *s, struct boot_fs *fs, const char *path);

/*
 * The names in directory dir of fs, sorted with strcmp (the caller
 * re-sorts as its format says), at most BOOT_MAX_DIRENTS (more are logged
 * and left out). Only names of regular files and symlinks when files_only.
 * The caller frees the array and each name. -ENOENT quietly when absent.
 */
int boot_list_dir(struct boot_scan *s, struct boot_fs *fs, const char *dir,
		  bool files_only, char ***names, size_t *count);
void boot_free_names(char **names, size_t count);

/*
 * Claims (fs, path) for reading: false when this scan has read that
 * configuration already (a grub.cfg reached through configfile and by its
 * own path, an INCLUDE loop) or when BOOT_MAX_CONFIGS were read (logged
 * once). Sources claim every configuration file before parsing it.
 */
bool boot_config_claim(struct boot_scan *s, struct boot_fs *fs,
		       const char *path);

/* --- the image's filesystems ---------------------------------------------- */

unsigned boot_fs_count(const struct boot_scan *s);
struct boot_fs *boot_fs_at(struct boot_scan *s, unsigned i);
/* The filesystem with this UUID (case-insensitive), label, or spec. */
struct boot_fs *boot_fs_by_uuid(struct boot_scan *s, const char *uuid);
struct boot_fs *boot_fs_by_label(struct boot_scan *s, const char *label);
struct boot_fs *boot_fs_by_spec(struct boot_scan *s, const char *spec);
/* The first filesystem (in scan order) holding path as a regular file. */
struct boot_fs *boot_fs_by_file(struct boot_scan *s, const char *path);

/* --- entries ------------------------------------------------------------- */

/*
 * Starts an entry read from config (a path in cfgfs, "" when the entry
 * does not come from a file) at line. NULL when the menu is full (logged
 * once; the source stops) or memory ran out. The entry is kept only if it
 * gets a kernel by the time boot_entry_done() is called.
 */
struct boot_entry *boot_entry_new(struct boot_scan *s,
				  const struct boot_source *src,
				  struct boot_fs *cfgfs, const char *config,
				  unsigned line);
/* Each copies its string (cut at BOOT_STR_MAX, logged). */
void boot_entry_title(struct boot_entry *e, const char *title);
void boot_entry_id(struct boot_entry *e, const char *id);
void boot_entry_kind(struct boot_entry *e, const char *kind); /* "linux" */
void boot_entry_args(struct boot_entry *e, const char *args);
/* Sets (kernel) or appends (initrd) a file; fs NULL means cfgfs. */
void boot_entry_kernel(struct boot_entry *e, struct boot_fs *fs,
		       const char *path);
void boot_entry_initrd(struct boot_entry *e, struct boot_fs *fs,
		       const char *path);
/*
 * Where a GRUB entry sits in its submenus: pos the indexes ("1>2"), ids
 * the --id of each level ("" where there is none), in the same format as
 * the title path. fsimg_bootmenu_find() matches each level of a user's
 * "A>B" against the index, the id or the title of that level.
 */
void boot_entry_menu_path(struct boot_entry *e, const char *pos,
			  const char *ids);
/* This entry is its configuration's default. */
void boot_entry_default(struct boot_entry *e);
/*
 * Ends the entry: kept when it has a kernel, dropped otherwise (a
 * chainloader entry, an empty menuentry: quietly). Returns the entry's
 * index in the menu, or -1 when it was dropped.
 */
int boot_entry_done(struct boot_entry *e);
/* Entries in the menu so far (a source numbers its own from here). */
unsigned boot_entry_count(const struct boot_scan *s);
/* Marks entry index (one of this source's) its configuration's default. */
void boot_default_index(struct boot_scan *s, unsigned index);
bool boot_menu_full(const struct boot_scan *s);
/*
 * Does an entry of the menu already boot kernel path of fs (with initrd
 * as its first initrd, unless initrd is NULL)? Tree sources (an installer
 * layout, FreeBSD's kernel) skip what a configuration offered.
 */
bool boot_kernel_listed(const struct boot_scan *s, const struct boot_fs *fs,
			const char *path, const char *initrd);
/*
 * fsimg_bootmenu_find() among the entries from index from on (a number in
 * which counts from there): how a source resolves its own default by
 * title, id or submenu path. -ENOENT when none matches.
 */
int boot_find(const struct boot_scan *s, unsigned from, const char *which);

/* --- messages ------------------------------------------------------------ */

/*
 * "<label>: <partition> <config>:<line>: <message>" to the image's log.
 * fs and config may be NULL, line 0. Each scan logs at most a bounded
 * number of warnings (a flood becomes one "... more" line).
 */
void boot_warn(struct boot_scan *s, const struct boot_source *src,
	       const struct boot_fs *fs, const char *config, unsigned line,
	       const char *fmt, ...) FSIMG_PRINTF(6, 7);

/* The FSIMG_DEBUG=boot switch: a line to stderr when it is on. */
void boot_debug(const char *fmt, ...) FSIMG_PRINTF(1, 2);

/* --- text helpers (lib/boot/text.c) -------------------------------------- */

/* Iterates over the lines of a NUL-terminated text. */
struct text_lines {
	const char *p;
	unsigned line; /* number of the line last returned, from 1 */
};

static inline void text_lines_init(struct text_lines *t, const char *text)
{
	t->p = text;
	t->line = 0;
}

/*
 * The next line with surrounding blanks (space, tab, \r) removed, as
 * [*s, *s + *len); false at the end. A NUL byte in the text ends it.
 */
bool text_next_line(struct text_lines *t, const char **s, size_t *len);

/* Space, tab, \r, \f, \v: what separates words in every format here. */
bool text_blank(char c);
/* p past its leading blanks. */
const char *text_skip_blanks(const char *p);
/* The length of the word at p: up to a blank or the end. */
size_t text_word_len(const char *p);

/* A heap copy of [s, s+len), NUL-terminated; NULL when out of memory. */
char *text_dup(const char *s, size_t len);

/*
 * Splits a line into its first word and the rest: "kernel /x a=b" gives
 * "kernel" and "/x a=b". The word ends at a blank, or at '=' when eq is
 * true (GRUB legacy allows "default=0"). Blanks around the rest are
 * removed. Both are heap copies the caller frees.
 */
int text_split_word(const char *s, size_t len, bool eq, char **word,
		    char **rest);

/* Case-insensitive ASCII comparison of a word with a keyword. */
bool text_is(const char *word, const char *keyword);

/*
 * Joins dir and a path relative to it: "/boot/grub" + "x.cfg" gives
 * "/boot/grub/x.cfg"; an absolute path is kept. NULL when out of memory.
 */
char *text_join_path(const char *dir, const char *path);

#endif
