/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Confinement of the process that parses an image (confine.c): after
 * confine_apply() it holds no privilege, cannot open, create or execute
 * anything, cannot connect anywhere, and can only read and write the
 * descriptors it already has. Every frontend calls it after opening the
 * image and before the first read of it.
 */
#ifndef FSIMG_CONFINE_H
#define FSIMG_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

enum confine_role {
	CONFINE_PARSE, /* one thread: reads the image, writes stdout/pipes */
	CONFINE_FUSE,  /* the FUSE daemon: worker threads, /dev/fuse, splice */
};

struct confine_opts {
	enum confine_role role;
	bool fuse_clone; /* the daemon wants to open /dev/fuse (clone_fd) */
	bool syslog;	 /* a connected syslog socket is kept and written */
	bool broker;	 /* broker_fd (broker.h) is kept: send and receive */
	int broker_fd;	 /* on it only, descriptors included */
};

struct confine_state {
	bool dropped;	  /* root or capabilities left for nobody */
	bool nnp;	  /* no_new_privs */
	bool seccomp;	  /* the system call allow-list is installed */
	int landlock_abi; /* 0: Landlock is not available or not applied */
	bool rlimits;
	bool fuse_clone; /* /dev/fuse may still be opened: only where
			  * Landlock keeps every other path closed */
};

/*
 * False when FSIMG_SANDBOX is 0, no, off or false: confine_apply() then
 * only leaves the privileges of a privileged caller (debugging only).
 */
bool confine_wanted(void);

/*
 * Leaves privileges (priv_drop()), then, when confine_wanted(): no core
 * dumps, not dumpable, rlimits, Landlock where the kernel has it, and the
 * seccomp allow-list of the role. A kernel feature that is missing
 * (Landlock) is skipped and left out of the state; anything else that
 * fails is an error: -1 with a message in err.
 *
 * FSIMG_SANDBOX=log reports each denied system call on standard error
 * (by number) instead of failing it silently; it is still denied.
 */
int confine_apply(const struct confine_opts *o, struct confine_state *st,
		  char *err, size_t errlen);

/* "uid 65534, no_new_privs, seccomp, landlock ABI 6, rlimits" */
void confine_describe(const struct confine_state *st, char *buf, size_t len);

#endif /* FSIMG_CONFINE_H */
