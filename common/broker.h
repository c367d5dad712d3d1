/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The broker (broker.c): when a container names other files (backing
 * files, parents, extents) and the user allowed them (backing=yes), the
 * process that parses the image cannot open them, being confined. Before
 * it confines itself, it forks: the parent stays as it was and opens, for
 * the child, the files the child names, by the rule of
 * fsimg_open_related() (read-only, beneath the image's directory), at most
 * BROKER_MAX of them, and passes each descriptor down a socket. The
 * parent parses nothing of the image: it reads a path of at most PATH_MAX
 * bytes. When the child is done, the parent exits as it did.
 */
#ifndef FSIMG_BROKER_H
#define FSIMG_BROKER_H

#include <stdbool.h>
#include <stddef.h>

#define BROKER_MAX 256 /* FSIMG_RELATED_MAX */

/*
 * Forks. In the child: 0, with *sock the child's end (kept across
 * confinement: confine_opts.broker_fd; the child closes it when it has
 * opened what it needs). The parent never returns: it serves until the
 * child closes its end, then, with wait, exits with the child's status (or
 * its signal), else at once (a daemon's broker). -errno when the fork
 * failed (nothing changed).
 */
int broker_fork(const char *image, bool wait, int *sock);

/*
 * The child's side, an fsimg_opener_fn: asks the parent to open path.
 * ctx is the socket (intptr_t). A descriptor, or -errno.
 */
int broker_open(void *ctx, const char *path);

/* The parent's side on one request, for the fuzz harness: the reply. */
int broker_serve_one(const char *image, const char *req, size_t len, int *fd);

#endif /* FSIMG_BROKER_H */
