/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE filesystem server: the request handlers (ops_*.c), the
 * inode-number mapping (inode.c) and the session (session.c). It serves a
 * filesystem already open, through a /dev/fuse descriptor already mounted;
 * making and removing mounts, the daemon process and privileges belong to
 * mount/. The server uses only the public libfsimg API.
 */
#ifndef FSIMG_FSFUSE_H
#define FSIMG_FSFUSE_H

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stddef.h>

#include "fsimg.h"

/*
 * Largest request: max_read and readahead of 1 MiB; read requests stop a
 * few pages short of it so that every reply can still be spliced (see
 * splice_max_io() in ops_node.c).
 */
#define FSFUSE_MAX_IO (1u << 20)

/* --- the mounted filesystem (ops_*.c, session.c) ------------------------ */

struct fsfuse {
	fsimg_fs *fs;
	fsimg_ino root; /* fsimg_fs_root(): FUSE_ROOT_ID */
	double timeout; /* entry, negative entry and attribute cache */
	/*
	 * The mount checks permissions in the kernel (default_permissions,
	 * as allow_other implies): the kernel may then also cache and
	 * enforce POSIX ACLs (FUSE_CAP_POSIX_ACL, which would otherwise
	 * turn that checking on by itself).
	 */
	bool kernel_permissions;
	/* -o debug: one line per request on standard error (trace.c) */
	bool trace;
	/*
	 * Set at init when the kernel takes opens without a round trip
	 * (files.c): files being read, by node; directories opened by none.
	 */
	struct fsfuse_files *files;
	bool no_opendir;
};

/* --- files read without open requests (files.c) ------------------------ */

struct fsfuse_files;
struct fsfuse_files *fsfuse_files_new(void);
void fsfuse_files_free(struct fsfuse_files *t);
/* The open file of node ino, opened if needed; give it back with put. */
int fsfuse_file_get(struct fsfuse_files *t, fsimg_fs *fs, fsimg_ino ino,
		    fsimg_file **out);
void fsfuse_file_put(struct fsfuse_files *t, fsimg_file *f);

/*
 * A FUSE node id and an fsimg_ino are the same number, except that
 * FUSE_ROOT_ID and the root handle trade places. See inode.c.
 */
fsimg_ino fsfuse_ino(const struct fsfuse *ff, fuse_ino_t nodeid);
fuse_ino_t fsfuse_nodeid(const struct fsfuse *ff, fsimg_ino ino);

void fsfuse_fill_stat(const struct fsimg_stat *s, struct stat *st);
void fsfuse_fill_entry(const struct fsfuse *ff, fsimg_ino ino,
		       const struct fsimg_stat *s, struct fuse_entry_param *e);
/* Replies -rc (a negative errno from libfsimg), kept in the valid range. */
void fsfuse_reply_err(fuse_req_t req, int rc);

/*
 * Requests traced (trace.c): the USDT probes request__start and
 * request__done (lib/probes.h) around every handler, and with -o debug a
 * line on standard error per request. The handlers reply through these,
 * which note the result (bytes, the inode found, 0, or -errno) before
 * calling libfuse's fuse_reply_*().
 */
void fsfuse_trace_result(int64_t result);
void fsfuse_reply_ok(fuse_req_t req);
int fsfuse_reply_buf(fuse_req_t req, const char *buf, size_t size);
int fsfuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
		      enum fuse_buf_copy_flags flags);
int fsfuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e);
int fsfuse_reply_attr(fuse_req_t req, const struct stat *attr, double timeout);
void fsfuse_reply_none(fuse_req_t req);
int fsfuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi);
int fsfuse_reply_readlink(fuse_req_t req, const char *link);
int fsfuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf);
int fsfuse_reply_xattr(fuse_req_t req, size_t count);
/* The operations table with every handler traced. */
extern const struct fuse_lowlevel_ops fsfuse_traced_ops;

void fsfuse_init(void *userdata, struct fuse_conn_info *conn);
void fsfuse_destroy(void *userdata);
void fsfuse_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void fsfuse_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fsfuse_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets);
void fsfuse_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsfuse_readlink(fuse_req_t req, fuse_ino_t ino);
void fsfuse_statfs(fuse_req_t req, fuse_ino_t ino);
void fsfuse_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size);
void fsfuse_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);

void fsfuse_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsfuse_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void fsfuse_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi);
void fsfuse_releasedir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi);

void fsfuse_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsfuse_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi);
void fsfuse_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

/*
 * Serves ff through the kernel connection fd until the filesystem is
 * unmounted or the daemon is told to stop. Returns 0 or -1.
 */
struct fuse_session *fsfuse_session_new(struct fsfuse *ff, bool debug);
int fsfuse_session_run(struct fuse_session *se, int fuse_fd, bool clone_fd);

#endif /* FSIMG_FSFUSE_H */
