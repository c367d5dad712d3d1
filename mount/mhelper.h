/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interfaces of the mount machinery: option parsing (opts.c),
 * backend choice (backend.c), the kernel backend (kernel.c), FUSE mounts
 * (the daemon and its supervisor in daemon.c, the /dev/fuse mount in
 * kmount.c, removing it in unmount.c), the whole mount (mount.c) and
 * unmounting (umount.c), and the two command lines (cmdline.c). All linked
 * into mount.fsimg, which runs mount(8)'s helper contract and, for the
 * fsimg command, "fsimg mount" and "fsimg umount" (fsimg_mount.h). The
 * FUSE server itself is in fuse/; nothing there calls back into this
 * directory.
 */
#ifndef FSIMG_MHELPER_H
#define FSIMG_MHELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fsimg.h"

#include "exitcodes.h"
#include "privdrop.h"
#include "strbuf.h"

enum fsm_backend {
	FSM_BACKEND_AUTO,
	FSM_BACKEND_FUSE,
	FSM_BACKEND_KERNEL,
};

struct fsm_req {
	/* the command line */
	const char *prog;   /* "mount.fsimg", "fsimg mount": for messages */
	const char *spec;   /* the image as given */
	const char *dir;    /* the mount point as given */
	const char *optstr; /* -o, may be NULL */
	bool verbose, fake, nomtab, foreground;
	bool helper; /* run by mount(8), which always passes rw or ro */

	/* parsed options (fsm_parse_options) */
	char *partition;
	char *fstype;
	enum fsm_backend backend;
	bool allow_other, debug, debug_fuse, rw, rw_given;
	unsigned long mflags;	   /* FUSE: MS_NOSUID | MS_NODEV | ... */
	struct strbuf fs_opts;	   /* for libfsimg (FUSE backend) */
	struct strbuf kernel_opts; /* VFS and filesystem options */

	/* resolved (fsm_mount) */
	char *image;  /* canonical absolute path */
	char *target; /* canonical absolute path */
	int image_fd;
	struct stat image_st;
};

/* The backend and where the filesystem is; filled by fsm_choose(). */
struct fsm_choice {
	enum fsm_backend backend;
	char why[256];
	bool located;		   /* loc holds the probe's answer */
	struct fsimg_location loc; /* the window and its filesystem type */
};

void fsm_req_init(struct fsm_req *r, const char *prog);
void fsm_req_free(struct fsm_req *r);

/*
 * Reads a command line into r: r->helper chooses mount(8)'s helper
 * contract, otherwise "fsimg mount". -o values are joined in opts (which
 * may hold options already) and r->optstr points there; -N goes to *ns
 * (the helper only). Returns -1 to go on, or the exit code after -h or a
 * usage message.
 */
int fsm_parse_cmdline(struct fsm_req *r, struct strbuf *opts, const char **ns,
		      int argc, char **argv);

/* Splits r->optstr. Returns 0, or an FSM_EX_* code after a message. */
int fsm_parse_options(struct fsm_req *r);

/* Picks the backend (r resolved). Returns 0 or an FSM_EX_* code. */
int fsm_choose(struct fsm_req *r, struct fsm_choice *c);

/* Does /proc/filesystems list type as a block (not nodev) filesystem? */
bool fsm_kernel_knows(const char *type);

/*
 * For a loop device: its backing file (malloc'd), whether it covers the
 * whole file (no offset, no size limit) and whether it clears itself on
 * last close. Returns 0, or -1 when dev is not an attached loop device.
 */
int fsm_loop_backing(dev_t dev, char **backing, bool *whole, bool *autoclear);
/* Is dev a loop device whose backing file is path? */
bool fsm_loop_backed_by(dev_t dev, const char *path);

/* Mounts through libmount with a loop device. Returns an FSM_EX_* code. */
int fsm_kernel_mount(struct fsm_req *r, const struct fsm_choice *c);

/* A plain kernel mount of a block device, as mount(8) would make it. */
int fsm_kernel_mount_device(struct fsm_req *r, const char *type);

/* The whole mount: resolve, choose, mount. Returns an FSM_EX_* code. */
int fsm_mount(struct fsm_req *r);

/*
 * Canonical absolute form of path. Only the directory part must resolve:
 * the last component is looked at only if it can be (a mount point whose
 * daemon died answers ENOTCONN). Returns NULL with errno set.
 */
char *fsm_canonical(const char *path);

/* --- FUSE mounts (daemon.c, kmount.c, unmount.c) ----------------------- */

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
	/* where partition leads, when the caller located it already: the
	   daemon opens it rather than probe again; NULL locates */
	const struct fsimg_location *loc;
	const char *fs_options; /* for fsimg_fs_open(); may be NULL */
	unsigned long mflags;	/* MS_NOSUID, MS_NODEV, MS_NOEXEC, ... */
	bool allow_other;	/* implies default_permissions */
	bool debug;		/* a line per request; implies foreground */
	bool debug_fuse;	/* and libfuse's protocol trace (debug=fuse) */
	bool foreground;	/* stay attached until unmounted */
	bool verbose;
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

/* Path of the setuid fusermount3, or NULL (kmount.c). */
const char *fsfuse_fusermount(void);

#endif /* FSIMG_MHELPER_H */
