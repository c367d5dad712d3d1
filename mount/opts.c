/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mount options. One -o string serves three readers:
 *
 *  - ours: partition=, fstype=, backend=, allow_other (which implies
 *    default_permissions), debug; and the image's own, which go to
 *    libfsimg only (backing=, snapshot=, container=);
 *  - the VFS: ro, rw, nosuid, nodev, noexec, noatime, ... For FUSE they
 *    become mount flags; FUSE mounts are always read-only and, unless
 *    suid/dev are given by a caller allowed to, nosuid and nodev. For the
 *    kernel backend they are passed on as written;
 *  - the filesystem: everything else (uid=, gid=, umask=, dmask=, fmask=,
 *    norock, nojoliet, session=, ...) goes to libfsimg, which rejects what
 *    no layer understands, or to the kernel.
 *
 * Options that only mean something to mount(8) and fstab (noauto, user,
 * user=NAME, nofail, _netdev, x-*, comment=, ...) are dropped.
 *
 * offset= and sizelimit= are refused: mount(8) keeps them for its own loop
 * setup. A partition is chosen with partition=.
 */
#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mhelper.h"

enum opt_class {
	OPT_OURS,
	OPT_IMAGE, /* the image's (fsimg_image_set_options): libfsimg only */
	OPT_VFS,   /* mount flag; also passed to the kernel backend */
	OPT_DROP,  /* meaningful to mount(8) only */
	OPT_BAD,
};

static const struct {
	const char *name;
	enum opt_class cls;
	unsigned long set;   /* FUSE mount flags this option sets */
	unsigned long clear; /* ... and clears */
} known[] = {
	{ "partition", OPT_OURS, 0, 0 },
	{ "fstype", OPT_OURS, 0, 0 },
	{ "backend", OPT_OURS, 0, 0 },
	{ "allow_other", OPT_OURS, 0, 0 },
	{ "default_permissions", OPT_OURS, 0, 0 },
	{ "debug", OPT_OURS, 0, 0 },
	{ "ro", OPT_OURS, 0, 0 },
	{ "rw", OPT_OURS, 0, 0 },
	{ "backing", OPT_IMAGE, 0, 0 },
	{ "snapshot", OPT_IMAGE, 0, 0 },
	{ "container", OPT_IMAGE, 0, 0 },

	{ "nosuid", OPT_VFS, MS_NOSUID, 0 },
	{ "suid", OPT_VFS, 0, MS_NOSUID },
	{ "nodev", OPT_VFS, MS_NODEV, 0 },
	{ "dev", OPT_VFS, 0, MS_NODEV },
	{ "noexec", OPT_VFS, MS_NOEXEC, 0 },
	{ "exec", OPT_VFS, 0, MS_NOEXEC },
	{ "noatime", OPT_VFS, MS_NOATIME, 0 },
	{ "atime", OPT_VFS, 0, MS_NOATIME },
	{ "sync", OPT_VFS, MS_SYNCHRONOUS, 0 },
	{ "async", OPT_VFS, 0, MS_SYNCHRONOUS },
	{ "dirsync", OPT_VFS, MS_DIRSYNC, 0 },
	{ "relatime", OPT_VFS, 0, 0 },
	{ "norelatime", OPT_VFS, 0, 0 },
	{ "strictatime", OPT_VFS, 0, 0 },
	{ "nostrictatime", OPT_VFS, 0, 0 },
	{ "diratime", OPT_VFS, 0, 0 },
	{ "nodiratime", OPT_VFS, 0, 0 },
	{ "lazytime", OPT_VFS, 0, 0 },
	{ "nolazytime", OPT_VFS, 0, 0 },
	{ "silent", OPT_VFS, 0, 0 },
	{ "loud", OPT_VFS, 0, 0 },
	{ "symfollow", OPT_VFS, 0, 0 },
	{ "nosymfollow", OPT_VFS, 0, 0 },

	{ "defaults", OPT_DROP, 0, 0 },
	{ "auto", OPT_DROP, 0, 0 },
	{ "noauto", OPT_DROP, 0, 0 },
	{ "user", OPT_DROP, 0, 0 },
	{ "users", OPT_DROP, 0, 0 },
	{ "nouser", OPT_DROP, 0, 0 },
	{ "owner", OPT_DROP, 0, 0 },
	{ "group", OPT_DROP, 0, 0 },
	{ "nofail", OPT_DROP, 0, 0 },
	{ "_netdev", OPT_DROP, 0, 0 },
	{ "comment", OPT_DROP, 0, 0 },
	{ "helper", OPT_DROP, 0, 0 },
	{ "uhelper", OPT_DROP, 0, 0 },
	{ "loop", OPT_DROP, 0, 0 },

	{ "offset", OPT_BAD, 0, 0 },
	{ "sizelimit", OPT_BAD, 0, 0 },
};

void fsm_req_init(struct fsm_req *r, const char *prog)
{
	memset(r, 0, sizeof(*r));
	r->prog = prog;
	r->image_fd = -1;
	r->mflags = MS_NOSUID | MS_NODEV;
}

void fsm_req_free(struct fsm_req *r)
{
	free(r->partition);
	free(r->fstype);
	free(r->fs_opts.s);
	free(r->kernel_opts.s);
	free(r->image);
	free(r->target);
	if (r->image_fd >= 0)
		close(r->image_fd);
}

static bool name_is(const char *name, size_t namesz, const char *s)
{
	return strlen(s) == namesz && !memcmp(name, s, namesz);
}

/* A value as a string, without the quotes mount(8) allows around it. */
static char *value_dup(const char *v, size_t n)
{
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	return strndup(v, n);
}

static int take_ours(struct fsm_req *r, const char *name, size_t namesz,
		     const char *value, size_t valuesz)
{
	char **slot = NULL;

	if (name_is(name, namesz, "partition"))
		slot = &r->partition;
	else if (name_is(name, namesz, "fstype"))
		slot = &r->fstype;
	if (slot) {
		if (!value || !valuesz) {
			fprintf(stderr, "%s: option %.*s= needs a value\n",
				r->prog, (int)namesz, name);
			return FSM_EX_USAGE;
		}
		free(*slot);
		*slot = value_dup(value, valuesz);
		return *slot ? 0 : FSM_EX_SYSERR;
	}
	if (name_is(name, namesz, "backend")) {
		if (value && name_is(value, valuesz, "auto"))
			r->backend = FSM_BACKEND_AUTO;
		else if (value && name_is(value, valuesz, "fuse"))
			r->backend = FSM_BACKEND_FUSE;
		else if (value && name_is(value, valuesz, "kernel"))
			r->backend = FSM_BACKEND_KERNEL;
		else {
			fprintf(stderr,
				"%s: backend= takes auto, fuse or kernel\n",
				r->prog);
			return FSM_EX_USAGE;
		}
		return 0;
	}
	if (name_is(name, namesz, "debug")) {
		/* debug: our requests; debug=fuse: libfuse's protocol too */
		if (value && !name_is(value, valuesz, "fuse")) {
			fprintf(stderr, "%s: debug= takes fuse\n", r->prog);
			return FSM_EX_USAGE;
		}
		r->debug = true;
		r->debug_fuse = value != NULL;
		return 0;
	}
	if (value) {
		fprintf(stderr, "%s: option %.*s takes no value\n", r->prog,
			(int)namesz, name);
		return FSM_EX_USAGE;
	}
	if (name_is(name, namesz, "allow_other"))
		r->allow_other = true;
	else if (name_is(name, namesz, "ro"))
		r->rw = false;
	else if (name_is(name, namesz, "rw"))
		r->rw = r->rw_given = true;
	/* default_permissions: implied by allow_other, harmless alone */
	return 0;
}

int fsm_parse_options(struct fsm_req *r)
{
	char *copy, *next, *name, *value;
	size_t namesz, valuesz;
	int rc = 0;

	if (!r->optstr || !*r->optstr)
		return 0;
	copy = strdup(r->optstr);
	if (!copy)
		return FSM_EX_SYSERR;
	next = copy;
	while (!rc && !mnt_optstr_next_option(&next, &name, &namesz, &value,
					      &valuesz)) {
		size_t i, n = sizeof(known) / sizeof(known[0]);

		for (i = 0; i < n; i++)
			if (name_is(name, namesz, known[i].name))
				break;
		if (i == n && namesz > 2 &&
		    (!strncmp(name, "x-", 2) || !strncmp(name, "X-", 2)))
			continue; /* x-systemd.*, X-mount.*, ...: fstab only */
		if (i == n) {
			sb_addoptn(&r->fs_opts, name, namesz, value, valuesz);
			sb_addoptn(&r->kernel_opts, name, namesz, value,
				   valuesz);
			continue;
		}
		switch (known[i].cls) {
		case OPT_OURS:
			rc = take_ours(r, name, namesz, value, valuesz);
			break;
		case OPT_IMAGE:
			sb_addoptn(&r->fs_opts, name, namesz, value, valuesz);
			break;
		case OPT_VFS:
			r->mflags =
				(r->mflags | known[i].set) & ~known[i].clear;
			sb_addoptn(&r->kernel_opts, name, namesz, value,
				   valuesz);
			break;
		case OPT_DROP:
			break;
		case OPT_BAD:
			fprintf(stderr,
				"%s: option %.*s= is mount(8)'s own (it would "
				"set up a loop device first); select a "
				"partition with partition=\n",
				r->prog, (int)namesz, name);
			rc = FSM_EX_USAGE;
			break;
		}
	}
	free(copy);
	if (!rc && (r->fs_opts.oom || r->kernel_opts.oom))
		rc = FSM_EX_SYSERR;
	return rc;
}
