/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsimg get: state shared by the tree walk (get.c) and the writers. */
#ifndef FSIMG_CLI_GET_H
#define FSIMG_CLI_GET_H

#include "cli.h"

/* An extracted file that has further hard links in the image. */
struct link_rec {
	uint64_t ino; /* fsimg_stat.ino */
	uint32_t type;
	uint64_t size;
	char *rel; /* host path relative to get.topfd */
};

struct get {
	struct cli *c;
	bool root;	       /* euid 0: keep owners, setuid bits, devices */
	int topfd;	       /* host paths in messages and links start here */
	const char *top_shown; /* how topfd is spelled, "" for "." */
	struct link_rec *links;
	size_t nlinks, caplinks;
	size_t *hash; /* index + 1 into links, 0 = empty */
	size_t caphash;
	bool fatal;	     /* the destination cannot be written: stop */
	unsigned long files; /* regular files written, for the summary */
};

/* A directory being filled: the walk's per-directory state. */
struct dirstate {
	int fd;
	bool created; /* made by us: its metadata is set when it is done */
	char *rel;    /* relative to topfd; "" for topfd itself */
	char *ipath;  /* the image path, for messages */
	struct fsimg_stat st;
};

/* The host path for messages: top_shown/rel. Caller frees. */
char *get_shown(const struct get *g, const char *rel);

/*
 * Makes sure name does not exist in dirfd before a non-directory is
 * created there: with --force an existing regular file is unlinked,
 * anything else is refused with a message. Returns 0 or -1.
 */
int make_room(struct get *g, int dirfd, const char *name, const char *ipath,
	      const char *shown);

/*
 * Writes what a stream from the confined reader describes (getwire.h) into
 * top. Returns 0, or -1 when the stream broke the protocol (reported, exit
 * status 2); errors on the host are reported as they happen.
 */
int get_write_stream(struct get *g, struct dirstate *top, int fd);

/*
 * Opens the image, forks a reader that runs reader(c, arg, out) (it
 * confines itself first, then sends a getwire stream to out and returns
 * its exit status) and writes what it sends into top. 0, or an exit
 * status when the reader could not be started; the reader's status is
 * merged into c's.
 */
int get_run_reader(struct get *g, struct dirstate *top,
		   int (*reader)(struct cli *c, void *arg, int out), void *arg);

/* A new regular file, mode 0600 until close_file(): a descriptor or -1. */
int create_file(struct get *g, int dirfd, const char *name, const char *ipath,
		const char *shown);
/*
 * Writes buf[0..n) at off, leaving aligned all-zero blocks as holes: 0 or
 * an errno. *end grows to the end of the last byte written.
 */
int write_sparse(int fd, const char *buf, size_t n, uint64_t off,
		 uint64_t *end);
/*
 * The file's size (unless what was written, up to end, made it so),
 * metadata, then close(fd) in any case: 0 or -1.
 */
int close_file(struct get *g, int fd, const struct fsimg_stat *st, uint64_t end,
	       const char *ipath, const char *shown);
/* Each creates one entry and sets its metadata; 0 or -1 (reported). */
int write_symlink(struct get *g, int dirfd, const char *name,
		  const char *target, const struct fsimg_stat *st,
		  const char *ipath, const char *shown);
int write_node(struct get *g, int dirfd, const char *name,
	       const struct fsimg_stat *st, const char *ipath,
	       const char *shown);

/* Owner (as root), mode and times of an open file or directory. */
void set_meta_fd(struct get *g, int fd, const struct fsimg_stat *st,
		 const char *ipath, const char *shown);
/* A host-side failure: reports errno err and records the exit status. */
void host_error(struct get *g, const char *ipath, const char *what,
		const char *shown, int err);

#endif
