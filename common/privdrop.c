/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Privileges: what the caller holds, and leaving it for good.
 *
 * Images are hostile input, so no privileged process parses one. When root
 * (or any process holding capabilities) mounts through FUSE, the daemon
 * makes the kernel mount first, then drops every privilege, sets
 * no_new_privs, and only then opens the filesystem in the image through
 * the descriptor the caller opened.
 *
 * The identity root drops to is uid and gid 65534 (nobody and nogroup on
 * Debian), or the user FSIMG_SANDBOX_USER names, with no supplementary
 * groups. Not the image's owner: a daemon running as that user could be
 * signalled, or attached to once it became dumpable again, by them, and
 * would then serve a mount that root made (and that may have been made
 * with allow_other, or suid). Changing uid away from 0 makes the kernel
 * mark the daemon non-dumpable, so other processes running as nobody
 * cannot ptrace it either. The image is never opened again after the drop;
 * the daemon needs no access rights of its own.
 *
 * This lives apart from both the FUSE server (fuse/) and the mount
 * machinery (mount/): the daemon and the mount helper's prober use it
 * today, and any frontend that parses an image for a privileged caller
 * needs the same, without reaching into either of them.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

#define NOBODY_ID 65534

static int capget_now(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

bool priv_has_cap(int cap)
{
	struct __user_cap_data_struct d[2];

	if (cap < 0 || cap >= 64 || capget_now(d))
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

bool priv_held(void)
{
	struct __user_cap_data_struct d[2];

	if (geteuid() == 0)
		return true;
	if (capget_now(d))
		return true; /* cannot tell: assume the worst */
	return d[0].effective | d[0].permitted | d[1].effective |
	       d[1].permitted;
}

bool priv_in_userns(void)
{
	unsigned long inside, outside, count;
	bool full = false;
	FILE *f;

	f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return false;
	/* The initial namespace maps every uid onto itself, in one line. */
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		full = inside == 0 && outside == 0 && count == 4294967295ul;
	fclose(f);
	return !full;
}

static int clear_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct d[2];

	/* Ambient capabilities would survive an exec; EINVAL: none exist. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		snprintf(err, errlen, "clearing ambient capabilities: %s",
			 strerror(errno));
		return -1;
	}
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d)) {
		snprintf(err, errlen, "clearing capabilities: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * FSIMG_SANDBOX_USER names another identity than nobody, when root itself
 * started us (not a set-id program run by someone else, whose environment
 * is theirs). Never root, and it must exist.
 */
static int drop_identity(uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const char *name = getenv("FSIMG_SANDBOX_USER");
	struct passwd *pw;

	/* 65534 without asking the user database: it costs a third of a
	 * millisecond (nsswitch), a tenth of "fsimg cat" */
	if (!name || !*name || getauxval(AT_SECURE))
		return 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "FSIMG_SANDBOX_USER: no user '%s'", name);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen, "FSIMG_SANDBOX_USER: '%s' is root", name);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int priv_drop(char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	uid_t uid = NOBODY_ID;
	gid_t gid = NOBODY_ID;

	if (geteuid() == 0 || getuid() == 0) {
		if (drop_identity(&uid, &gid, err, errlen))
			return -1;
		/* EPERM: a user namespace that denies setgroups */
		if (setgroups(0, NULL) && errno != EPERM) {
			snprintf(err, errlen, "setgroups: %s", strerror(errno));
			return -1;
		}
		if (setresgid(gid, gid, gid) == 0) {
			if (setresuid(uid, uid, uid)) {
				snprintf(err, errlen, "setresuid(%u): %s",
					 (unsigned)uid, strerror(errno));
				return -1;
			}
		} else if (errno != EINVAL) {
			/* EINVAL: nobody is not mapped in this namespace */
			snprintf(err, errlen, "setresgid(%u): %s",
				 (unsigned)gid, strerror(errno));
			return -1;
		}
	}
	if (clear_capabilities(err, errlen))
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* Check the result rather than trust the sequence above. */
	if (capget_now(d) || d[0].effective || d[0].permitted ||
	    d[1].effective || d[1].permitted) {
		snprintf(err, errlen, "capabilities are still held");
		return -1;
	}
	return 0;
}
