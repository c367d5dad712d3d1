/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Privileges: what the calling process holds, and leaving them for good
 * before an image is parsed (privdrop.c). Used by the FUSE daemon and by
 * the mount helper's prober; it needs nothing but the C library, so any
 * frontend that parses an image on a privileged caller's behalf can use it.
 */
#ifndef FSIMG_PRIVDROP_H
#define FSIMG_PRIVDROP_H

#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>

bool priv_has_cap(int cap); /* in the effective set */
bool priv_held(void);	    /* euid 0 or any capability */
bool priv_in_userns(void);  /* not the initial user namespace */

/*
 * Leaves every privilege for good: root becomes uid/gid 65534 (nobody),
 * or the user FSIMG_SANDBOX_USER names when root itself set it (setgroups,
 * setresgid, setresuid); a process that cannot change its uid (a user
 * namespace without nobody mapped, or a non-root uid holding capabilities)
 * clears all its capability sets. Then no_new_privs. Returns 0, or -1 with
 * a message in err.
 */
int priv_drop(char *err, size_t errlen);

#endif /* FSIMG_PRIVDROP_H */
