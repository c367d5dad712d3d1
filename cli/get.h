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
	char *buf;	       /* CLI_BUFSIZE bytes for file data */
	struct link_rec *links;
	size_t nlinks, caplinks;
	size_t *hash; /* index + 1 into links, 0 = empty */
	size_t caphash;
	bool fatal; /* the destination cannot be written: stop */
};

/* A directory being filled: the walk's per-directory state. */
struct dirstate {
	int fd;
	bool created; /* made by us: its metadata is set when it is done */
	char *rel;    /* relative to topfd; "" for topfd itself */
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

/* Each creates one entry and sets its metadata; 0 or -1 (reported). */
int write_file(struct get *g, int dirfd, const char *name, fsimg_ino ino,
	       const struct fsimg_stat *st, const char *ipath,
	       const char *shown);
int write_symlink(struct get *g, int dirfd, const char *name, fsimg_ino ino,
		  const struct fsimg_stat *st, const char *ipath,
		  const char *shown);
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
