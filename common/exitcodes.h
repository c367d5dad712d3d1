/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exit codes of mount.fsimg, "fsimg mount" and "fsimg umount", as mount(8)
 * documents them. The FUSE daemon's supervisor passes them on as well.
 */
#ifndef FSIMG_EXITCODES_H
#define FSIMG_EXITCODES_H

enum {
	FSM_EX_OK = 0,
	FSM_EX_USAGE = 1,  /* bad invocation or insufficient permissions */
	FSM_EX_SYSERR = 2, /* out of memory, cannot fork, ... */
	FSM_EX_FAIL = 32,  /* the mount failed */
};

#endif /* FSIMG_EXITCODES_H */
