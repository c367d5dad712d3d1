/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp programs of confinement, compiled at build time (mkfilters.c
 * from confine_rules.c) into confine_filters.c. A program has two values
 * that only a running process knows: its process id (tgkill signals the
 * process itself) and the broker's socket. They are compiled as marks,
 * whose places in the program are listed, and written in at run time.
 */
#ifndef FSIMG_CONFINE_BPF_H
#define FSIMG_CONFINE_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What sets one program apart from another. */
struct confine_variant {
	bool fuse;	 /* the FUSE daemon's role, else the parser's */
	bool fuse_clone; /* the daemon opens /dev/fuse (fuse only) */
	bool syslog;	 /* the daemon writes to syslog (fuse only) */
	bool broker;	 /* a broker socket is kept */
};

/* The marks, each compared as the low 32 bits of an argument. */
#define CONFINE_MARK_PID 0x3c5a7f01u
#define CONFINE_MARK_FD	 0x3c5a7f02u
/* the default action: fail with EPERM (SECCOMP_RET_ERRNO | EPERM) */
#define CONFINE_RET_DENY 0x00050001u

#define CONFINE_PATCH_MAX 4
#define CONFINE_BPF_MAX	  512 /* instructions in a program, at most */

struct confine_bpf {
	const struct sock_filter *insn;
	unsigned short len;
	unsigned char npid, nfd, ndeny;
	unsigned short pid_at[CONFINE_PATCH_MAX];  /* k == CONFINE_MARK_PID */
	unsigned short fd_at[CONFINE_PATCH_MAX];   /* k == CONFINE_MARK_FD */
	unsigned short deny_at[CONFINE_PATCH_MAX]; /* return CONFINE_RET_DENY */
};

/* The index of a variant in confine_bpf_table[]. */
static inline unsigned confine_variant_index(const struct confine_variant *v)
{
	return (unsigned)v->fuse << 3 |
	       (unsigned)(v->fuse && v->fuse_clone) << 2 |
	       (unsigned)(v->fuse && v->syslog) << 1 | (unsigned)v->broker;
}

/* The variant whose bits idx holds (it exists if its index is idx). */
static inline struct confine_variant confine_variant_of(unsigned idx)
{
	return (struct confine_variant){ .fuse = idx >> 3 & 1,
					 .fuse_clone = idx >> 2 & 1,
					 .syslog = idx >> 1 & 1,
					 .broker = idx & 1 };
}

/* Generated: 16 entries, len 0 where a variant does not exist. */
extern const struct confine_bpf confine_bpf_table[16];

/*
 * The program of variant v for process pid, with broker_fd, denied calls
 * raising SIGSYS (trap) or failing with EPERM, in out (max instructions).
 * Its length, or -1 (no such program, or max too small).
 */
int confine_bpf_program(const struct confine_variant *v, uint32_t pid,
			uint32_t broker_fd, bool trap, struct sock_filter *out,
			size_t max);

#endif /* FSIMG_CONFINE_BPF_H */
