/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp allow-list of the process that parses an image (confine.c),
 * as libseccomp rules. libseccomp knows every architecture's system call
 * numbers and compiles argument checks (no PROT_EXEC, only CLONE_THREAD,
 * only the ioctls listed), which hand-written BPF gets wrong easily.
 *
 * It does so at build time: mkfilters.c compiles each variant to BPF
 * (confine_bpf.h), so a confined process loads a finished program instead
 * of linking libseccomp and building one rule by rule on every start
 * (about 1 ms of a 10 ms "fsimg cat"). A unit test compiles the rules
 * again with a process's real values and compares the two programs.
 *
 * Sanitizer builds (tests only) also allow what ASan and LeakSanitizer
 * need at exit: reading /proc/self, ptrace of the process's own threads
 * from LSan's tracer, prctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "confine_rules.h"

#ifndef FUSE_DEV_IOC_CLONE
#define FUSE_DEV_IOC_CLONE _IOR(229, 0, uint32_t)
#endif

#ifdef FSIMG_SANITIZED
static const bool sanitized = true;
#else
static const bool sanitized = false;
#endif

/* Both roles: descriptors already open, memory, time, leaving. */
static const char *const allow_common[] = {
	"read",
	"readv",
	"pread64",
	"preadv",
	"preadv2",
	"write",
	"writev",
	"lseek",
	"fadvise64",
	"close",
	"fstat",
	"fcntl",
	"dup",
	"dup2",
	"dup3",
	"brk",
	"munmap",
	"mremap",
	"madvise",
	"futex",
	"set_robust_list",
	"rseq",
	"sched_yield",
	"sched_getaffinity",
	"nanosleep",
	"clock_nanosleep",
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"getpid",
	"gettid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getrandom",
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"sigaltstack",
	"exit",
	"exit_group",
	"restart_syscall",
	"getrlimit",
	"prlimit64",
	"uname",
};

/* The FUSE daemon: its connection, splice pipes, waits. */
static const char *const allow_fuse[] = {
	"splice", "vmsplice", "tee", "pipe2", "poll", "ppoll",
};

/* What ASan, UBSan and LeakSanitizer do at exit, in test builds only. */
static const char *const allow_sanitizer[] = {
	"open",	       "openat",     "getdents",       "getdents64",
	"readlink",    "readlinkat", "ptrace",	       "prctl",
	"clone",       "wait4",	     "waitid",	       "getppid",
	"kill",	       "tgkill",     "sched_getparam", "sched_getscheduler",
	"sigaltstack",
};

/* ioctls that report sizes and terminals; TIOCSTI and the rest fail */
static const unsigned long allow_ioctl[] = {
	TCGETS,
	TIOCGWINSZ,
	BLKGETSIZE64,
	BLKGETSIZE,
	BLKSSZGET,
	BLKPBSZGET,
	BLKIOMIN,
	BLKIOOPT,
	BLKALIGNOFF,
	BLKRAGET,
	CDROM_GET_CAPABILITY,
	CDROMMULTISESSION,
	CDROM_LAST_WRITTEN,
};

/* libseccomp's SCMP_A* macros leave a field out: clang warns */
static struct scmp_arg_cmp arg_eq(unsigned arg, scmp_datum_t v)
{
	return (struct scmp_arg_cmp){
		.arg = arg, .op = SCMP_CMP_EQ, .datum_a = v, .datum_b = 0
	};
}

/* (argument & mask) == v */
static struct scmp_arg_cmp arg_masked(unsigned arg, scmp_datum_t mask,
				      scmp_datum_t v)
{
	return (struct scmp_arg_cmp){ .arg = arg,
				      .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = mask,
				      .datum_b = v };
}

static int allow_names(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0))
			return -1;
	}
	return 0;
}

int confine_rules(scmp_filter_ctx ctx, const struct confine_variant *v,
		  uint32_t pid, uint32_t broker_fd)
{
	int rc = 0;

	if (allow_names(ctx, allow_common,
			sizeof(allow_common) / sizeof(allow_common[0])))
		return -1;
	/* memory, never executable */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			       arg_masked(2, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			       arg_masked(2, PROT_EXEC, 0));
	/* fstat() is fstatat(fd, "", AT_EMPTY_PATH) in the C library */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
			       arg_masked(3, AT_EMPTY_PATH, AT_EMPTY_PATH));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(statx), 1,
			       arg_masked(2, AT_EMPTY_PATH, AT_EMPTY_PATH));
	/* abort() and raise() signal the process itself */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       arg_eq(0, pid));
	for (size_t i = 0; i < sizeof(allow_ioctl) / sizeof(allow_ioctl[0]);
	     i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       arg_eq(1, allow_ioctl[i]));
	if (v->fuse) {
		if (allow_names(ctx, allow_fuse,
				sizeof(allow_fuse) / sizeof(allow_fuse[0])))
			return -1;
		/* threads, not processes; clone3's flags are out of reach,
		 * so the C library is told it does not exist and falls back
		 */
		rc |= seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			arg_masked(0, CLONE_THREAD, CLONE_THREAD));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
		if (v->fuse_clone) {
			/* Landlock lets only /dev/fuse be opened */
			rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					       SCMP_SYS(openat), 0);
			rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					       SCMP_SYS(ioctl), 1,
					       arg_eq(1, FUSE_DEV_IOC_CLONE));
		}
		if (v->syslog) /* on the socket connected before; no address */
			rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					       SCMP_SYS(sendto), 1,
					       arg_eq(4, 0));
	} else if (!sanitized) {
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	}
	if (v->broker) { /* requests and descriptors on that socket only */
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendto), 1,
				       arg_eq(0, broker_fd));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvmsg),
				       1, arg_eq(0, broker_fd));
	}
	if (sanitized &&
	    allow_names(ctx, allow_sanitizer,
			sizeof(allow_sanitizer) / sizeof(allow_sanitizer[0])))
		return -1;
	return rc ? -1 : 0;
}

long confine_rules_bpf(const struct confine_variant *v, uint32_t deny,
		       uint32_t pid, uint32_t broker_fd,
		       struct sock_filter *out, size_t max)
{
	scmp_filter_ctx ctx = seccomp_init(deny);
	FILE *t = tmpfile(); /* libseccomp exports to a descriptor */
	long len = -1, size;

	if (ctx && t && !confine_rules(ctx, v, pid, broker_fd) &&
	    !seccomp_export_bpf(ctx, fileno(t))) {
		size = lseek(fileno(t), 0, SEEK_END);
		if (size > 0 && size % (long)sizeof(*out) == 0 &&
		    (size_t)size <= max * sizeof(*out) &&
		    lseek(fileno(t), 0, SEEK_SET) == 0 &&
		    read(fileno(t), out, (size_t)size) == size)
			len = size / (long)sizeof(*out);
	}
	if (t)
		fclose(t);
	if (ctx)
		seccomp_release(ctx);
	return len;
}
