/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interfaces of the FUSE frontend: the request handlers
 * (ops_*.c), the session (session.c), how the kernel mount is made
 * (kmount.c), the daemon and its supervisor (daemon.c) and the privilege
 * helpers (privdrop.c). The frontend uses only the public libfsimg API.
 */
#ifndef FSIMG_FSFUSE_H
#define FSIMG_FSFUSE_H

#include <fuse_lowlevel.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>

#include "fsimg.h"

/* Exit codes, as mount(8) documents them. */
enum {
	FSM_EX_OK = 0,
	FSM_EX_USAGE = 1,  /* bad invocation or insufficient permissions */
	FSM_EX_SYSERR = 2, /* out of memory, cannot fork, ... */
	FSM_EX_FAIL = 32,  /* the mount failed */
};

/*
 * Largest request: max_read and readahead of 1 MiB; read requests stop a
 * few pages short of it so that every reply can still be spliced (see
 * splice_max_io() in ops_node.c).
 */
#define FSFUSE_MAX_IO (1u << 20)

/* --- how the FUSE mount is made (kmount.c) ------------------------------ */

enum fsfuse_method {
	/*
	 * The setuid fusermount3 mounts and hands back the /dev/fuse
	 * descriptor; with auto_unmount it stays behind and unmounts when
	 * the daemon dies. Ordinary users and root.
	 */
	FSFUSE_FUSERMOUNT,
	/*
	 * mount(2) of /dev/fuse by this process: needs CAP_SYS_ADMIN in the
	 * mount's user namespace and a /dev/fuse it can open. A process that
	 * holds only the capability, or root of a user namespace.
	 */
	FSFUSE_DIRECT,
};

struct fsfuse_params {
	const char *prog;	/* for messages */
	int image_fd;		/* read-only, opened as the caller; not taken */
	const char *image_path; /* canonical absolute path: fsname= */
	const char *mountpoint; /* canonical absolute path */
	const char *partition;	/* fsimg_select() spec; NULL is "auto" */
	const char *fstype;	/* NULL probes */
	const char *fs_options; /* for fsimg_fs_open(); may be NULL */
	unsigned long mflags;	/* MS_NOSUID, MS_NODEV, MS_NOEXEC, ... */
	bool allow_other;	/* implies default_permissions */
	bool debug;		/* libfuse request trace; implies foreground */
	bool foreground;	/* stay attached until unmounted */
	bool verbose;
	bool drop; /* privileged caller: drop before parsing */
	enum fsfuse_method method;
};

/*
 * Mounts p->image_path on p->mountpoint through FUSE: forks the daemon and
 * returns when the mount is live (0) or has failed (a message was printed;
 * the FSM_EX_* code is returned). With p->foreground, returns when the
 * filesystem is unmounted.
 */
int fsfuse_mount(const struct fsfuse_params *p);

/*
 * Makes the kernel mount and returns its /dev/fuse descriptor, or -1 with
 * a message in err.
 */
int fsfuse_kmount(const struct fsfuse_params *p, char *err, size_t errlen);

/*
 * Picks the mount method for this caller. Returns 0, or -1 with the
 * reason in why when no method can work.
 */
int fsfuse_pick_method(enum fsfuse_method *m, char *why, size_t whylen);

/*
 * Removes a mount of ours that lost its daemon (or never got one): only
 * when mountinfo shows a fuse.fsimg mount of image at mountpoint. lazy
 * detaches it even when busy. Returns 0 or -errno.
 */
int fsfuse_cleanup_mount(const char *image, const char *mountpoint, bool lazy);

/* Runs fusermount3 -u [-z] [-q] -- mountpoint; returns its exit status. */
int fsfuse_fusermount_unmount(const char *mountpoint, bool lazy, bool quiet);

/* --- privileges (privdrop.c) -------------------------------------------- */

bool fsfuse_has_cap(int cap);	     /* in the effective set */
bool fsfuse_privileged(void);	     /* euid 0 or any capability */
bool fsfuse_in_userns(void);	     /* not the initial user namespace */
const char *fsfuse_fusermount(void); /* path of fusermount3, or NULL */

/*
 * Leaves every privilege for good: root becomes nobody (setgroups,
 * setresgid, setresuid); a process that cannot change its uid (a user
 * namespace without nobody mapped, or a non-root uid holding capabilities)
 * clears all its capability sets. Then no_new_privs. Returns 0, or -1 with
 * a message in err.
 */
int fsfuse_drop_privileges(char *err, size_t errlen);

/* --- the mounted filesystem (ops_*.c, session.c) ------------------------ */

struct fsfuse {
	fsimg_fs *fs;
	fsimg_ino root; /* fsimg_fs_root(): FUSE_ROOT_ID */
	int image_fd;	/* fsimg_image_fd(): spliced from */
	double timeout; /* entry, negative entry and attribute cache */
};

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

void fsfuse_init(void *userdata, struct fuse_conn_info *conn);
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
int fsfuse_session_run(struct fuse_session *se, int fuse_fd);

#endif /* FSIMG_FSFUSE_H */
