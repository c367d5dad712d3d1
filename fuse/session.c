/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE session and its multi-threaded loop; the operations table, its
 * handlers traced, is in trace.c.
 *
 * The kernel mount is made before the session exists (mount/kmount.c),
 * so the session is attached to the /dev/fuse descriptor with libfuse's
 * "/dev/fd/N" convention and libfuse never mounts or unmounts anything
 * itself. Workers each get their own clone of the descriptor (clone_fd)
 * when the caller says /dev/fuse can still be opened (the daemon, once
 * confined, only where Landlock allows that one path); otherwise they
 * share the one descriptor.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "fsfuse.h"

/*
 * Up to this many requests are served at once; the kernel queues the
 * rest. Each worker costs about half a MiB of the daemon's memory (its
 * buffers, its stack), and the RSS is to stay under 16 MiB whatever the
 * load: with 32 workers the benchmarks' 16 parallel readers took the
 * daemon to 18 MiB, with 8 to 13.7 MiB, and read as fast (2 CPUs, the
 * reads of a cold page cache waiting for the disk).
 */
#define MAX_THREADS 8
/*
 * glibc gives threads arenas of their own, up to eight per CPU: memory a
 * worker freed stays in its arena, touched, and each arena held about
 * 1 MiB after the benchmarks' load. Two arenas for all the workers: a
 * request allocates little, so they hardly ever wait for one another.
 */
#define MALLOC_ARENAS 2

struct fuse_session *fsfuse_session_new(struct fsfuse *ff, bool debug)
{
	char *argv[] = { "fsimg", "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(debug ? 2 : 1, argv);
	struct fuse_session *se;

	se = fuse_session_new(&args, &fsfuse_traced_ops,
			      sizeof(fsfuse_traced_ops), ff);
	fuse_opt_free_args(&args);
	return se;
}

int fsfuse_session_run(struct fuse_session *se, int fuse_fd, bool clone_fd)
{
	struct fuse_loop_config *cfg;
	char path[32];
	int rc = -1;

	mallopt(M_ARENA_MAX, MALLOC_ARENAS); /* before the workers start */
	snprintf(path, sizeof(path), "/dev/fd/%d", fuse_fd);
	if (fuse_session_mount(se, path))
		return -1;
	cfg = fuse_loop_cfg_create();
	if (!cfg)
		return -1;
	fuse_loop_cfg_set_clone_fd(cfg, clone_fd);
	fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
	rc = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return rc ? -1 : 0;
}
