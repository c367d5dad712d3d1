/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fsimg command: shared state, diagnostics, exit codes and the helpers
 * the subcommands have in common (directory listings, path strings, a
 * pre-order tree walk).
 */
#ifndef FSIMG_CLI_H
#define FSIMG_CLI_H

#include "fsimg.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Exit codes, documented in fsimg(1). When several things go wrong the
 * most serious one wins: 1 > 2 > 5 > 3 > 4 (see cli_status()).
 */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,	   /* bad command line */
	EXIT_IMAGE = 2,	   /* image/partition/filesystem cannot be opened */
	EXIT_NOTFOUND = 3, /* a PATH operand is missing or of the wrong type */
	EXIT_PARTIAL = 4,  /* some entries could not be read or extracted */
	EXIT_DEST = 5,	   /* destination or standard output not writable */
};

/* Read and copy buffer size. */
#define CLI_BUFSIZE (1u << 20)

struct progress;

/* boot --get: the largest file written unless --output-limit says */
#define CLI_BOOT_LIMIT (512ull << 20)

struct cli {
	/* command line */
	const char *command;
	const char *image_path;
	const char *partition; /* "auto" unless -p */
	const char *fstype;    /* NULL: probe */
	char *options;	       /* -o values joined with commas, or NULL */
	bool quiet, verbose;
	bool json, long_fmt, recursive, directory, force;
	bool dereference;	/* -L: symlinks followed inside the image */
	bool human;		/* ls -h: sizes as 1.5K, 23M */
	const char *time_style; /* ls --time-style, or NULL */
	const char *boot_entry; /* boot --entry */
	const char *boot_get;	/* boot --get DIR */
	bool pvboot;		/* boot --pvboot */
	uint64_t boot_limit;	/* boot --output-limit */
	bool confine; /* parse in the sandbox (get's writer does not parse) */
	int broker;   /* the broker's socket (common/broker.h), or -1 */
	bool relay;   /* diagnostics go to relay_fd (get's reader) */
	int relay_fd;
	char **operands; /* after IMAGE */
	int noperands;

	/* the open image and filesystem */
	fsimg_image *img;
	fsimg_fs *fs;
	uint64_t part_offset, part_length;
	unsigned part_volume; /* fsimg_location.volume of fs */

	/* diagnostics */
	const char *ctx_path; /* image path the library is working on */
	unsigned logged;      /* messages the library logged so far */
	int status;	      /* exit status so far */
	bool stdout_broken;   /* the reader went away: stop quietly */
	bool mute;	      /* a dry run: no messages, no status */
	struct progress *progress;
};

/* --- diagnostics (main.c) ----------------------------------------------- */

/* Merges a failure into c->status, keeping the most serious. */
void cli_status(struct cli *c, int status);
/* "fsimg: IMAGE: PATH: message" on stderr; path may be NULL. */
void cli_error(struct cli *c, const char *path, const char *fmt, ...)
	CLI_PRINTF(3, 4);
/* The same, but suppressed by -q. */
void cli_warn(struct cli *c, const char *path, const char *fmt, ...)
	CLI_PRINTF(3, 4);
/*
 * Reports that a library call about path failed with rc, unless the library
 * already logged why (logged is c->logged before the call), and records the
 * exit status that rc implies for a path operand (3 or 4).
 */
void cli_path_failed(struct cli *c, const char *path, int rc, unsigned logged);
/* Exit status for an error about a path inside the image. */
int cli_path_status(int rc);
/* Out of memory: print and exit. */
void cli_oom(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Writes len bytes to fd; 0 or -errno. */
int write_full(int fd, const void *buf, size_t len);
/* Checks stdout after output: sets the status on a write error. */
void cli_flush_stdout(struct cli *c);

/* --- paths (util.c) ------------------------------------------------------ */

/*
 * Lexical form of an image path: "/" plus the components, with empty
 * components and "." dropped and ".." taking one away (never above "/").
 */
char *path_normalize(const char *path);
/*
 * path as the image resolves it: the directories it goes through as they
 * are reached (symlinks followed, ".." taken after them), and its last
 * component as typed unless that is "." or "..". path_normalize() when
 * the walk fails.
 */
char *path_real(fsimg_fs *fs, const char *path);
/* The last component of a normalized path ("/" for the root). */
const char *path_basename(const char *norm);
/* dir + "/" + name, with no doubled slash after the root. */
char *path_join(const char *dir, const char *name);
/* true when a name from the image is safe to create on the host. */
bool name_is_safe(const char *name);

/*
 * A growable string (common/strbuf.h) checked: b->s, after exiting through
 * cli_oom() if an append ran out of memory.
 */
char *sb_checked(struct strbuf *b);

/* A symlink target as a new string; NULL and *rc on failure. */
char *read_link(struct cli *c, fsimg_ino ino, int *rc);

/* --- directory listings and the tree walk (walk.c) ---------------------- */

struct dent {
	char *name;
	fsimg_ino ino;
	struct fsimg_stat st;
};

struct dirlist {
	struct dent *v;
	size_t n, cap;
};

/*
 * Reads every entry of dir, sorted bytewise by name. On failure the entries
 * read so far stay in l (the caller reports rc and may still use them).
 */
int dirlist_read(struct cli *c, fsimg_ino dir, struct dirlist *l);
void dirlist_free(struct dirlist *l);

struct walk_node {
	const char *name; /* as stored in the image */
	fsimg_ino ino;
	const struct fsimg_stat *st;
	const char *path;   /* image path, from the root */
	unsigned depth;	    /* 1 for the entries of the top directory */
	void *parent_state; /* what pre() returned for the parent */
};

struct walk_ops {
	/*
	 * Called for each entry, parents before children. For a directory,
	 * return 1 to descend (with *state for its children and post()),
	 * 0 to skip it, or -1 to end the whole walk.
	 */
	int (*pre)(void *ctx, const struct walk_node *n, void **state);
	/* Called after a directory's children, with its state. */
	void (*post)(void *ctx, const struct walk_node *n, void *state);
	/*
	 * Optional: called with a directory's entries once they are read,
	 * before pre() sees them; depth is theirs.
	 */
	void (*listed)(void *ctx, const struct dirlist *l, unsigned depth);
};

/* Deepest directory nesting a walk follows. */
#define WALK_MAX_DEPTH 4096

/*
 * Walks the tree below directory top (not top itself) depth-first, each
 * directory's entries in bytewise name order. Directory loops and
 * directories met twice are reported and not entered again. Errors go to
 * c (status 4). Returns -1 when pre() ended the walk, else 0.
 */
int walk_tree(struct cli *c, fsimg_ino top, const char *top_path,
	      void *top_state, const struct walk_ops *ops, void *ctx);

/* --- output helpers (util.c) ---------------------------------------------- */

/* "drwxr-xr-x" into buf[11]. */
void mode_string(uint32_t mode, char buf[static 11]);
/* "YYYY-MM-DD HH:MM:SS" (UTC) into buf. */
void time_string(const struct timespec *ts, char *buf, size_t size);
/* Writes s to f, control characters as '?' when f is a terminal. */
void print_name(FILE *f, const char *s);
/* Writes s to f, control characters always as '?'. */
void print_clean(FILE *f, const char *s);

/* --- subcommands ---------------------------------------------------------- */

int cmd_info(struct cli *c);
int cmd_ls(struct cli *c);
int cmd_cat(struct cli *c);
int cmd_boot(struct cli *c);
int cmd_eltorito(struct cli *c);
int cmd_get(struct cli *c);
int cmd_find(struct cli *c);

/*
 * PATH operands with shell patterns (glob.c): ops[0..n-1] with each
 * pattern (* ? or [ not quoted by a backslash) replaced by the image paths
 * it matches (in name order), or kept as typed when it matches none; free
 * with glob_free().
 */
char **glob_operands(struct cli *c, char **ops, int n, int *nout);
void glob_free(char **v, int n);

/* ls --time-style: is style one ls(1) knows (or +FORMAT)? */
bool time_style_valid(const char *style);

/*
 * Confines this process before it reads the image (common/confine.c);
 * -v says how. 0, or EXIT_IMAGE after reporting.
 */
int cli_confine(struct cli *c);
/* Prints a diagnostic the confined reader of get sent (sanitized). */
void cli_relay(struct cli *c, const char *text);

/* Opens c->img and c->fs; on failure reports and returns EXIT_IMAGE. */
int cli_open(struct cli *c);
/* Opens only the image; reports and returns EXIT_IMAGE on failure. */
int cli_open_image(struct cli *c);
/* After cli_open_image: selects the partition and opens the filesystem. */
int cli_open_fs(struct cli *c);

#endif /* FSIMG_CLI_H */
