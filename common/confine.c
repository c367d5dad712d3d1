/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Confinement of the process that parses an image.
 *
 * An image is hostile input: a bug in any parser (ours, libext2fs,
 * libblkid, zlib) must not give whoever wrote the image anything beyond
 * the answers the parser already gives. So the process that parses holds
 * nothing worth taking. In this order, before its first read of the image:
 *
 *  1. privileges: root (or any capability) is left for nobody, for good
 *     (privdrop.c), and no_new_privs is set;
 *  2. rlimits: no core dumps, no locked memory, few descriptors, a bounded
 *     address space; and not dumpable (no ptrace by the same user);
 *  3. Landlock (Linux >= 5.13), where the kernel has it: no file may be
 *     opened, created, removed or executed, no TCP port bound or
 *     connected, no signal sent and no abstract socket reached outside the
 *     process. The FUSE daemon keeps the right to open /dev/fuse, for the
 *     per-thread clones of its connection;
 *  4. seccomp: an allow-list of system calls (confine_rules.c). Reading
 *     and writing descriptors already open, memory without PROT_EXEC,
 *     threads (the daemon only), time, signals to itself. Everything else
 *     fails with EPERM: open, exec, socket, connect, ptrace, setuid, mount,
 *     fork. Failing rather than killing lets a frontend report an error.
 *
 * libseccomp compiles the allow-list to BPF at build time (mkfilters.c);
 * here the program of the role is copied, its process id and broker
 * socket written in (confine_bpf.h), and loaded. Landlock has no library
 * in Debian 12; its three system calls are made directly, and its ABI
 * version decides which rights exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "confine.h"
#include "confine_bpf.h"
#include "privdrop.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_NET_BIND_TCP		      (1ULL << 0)
#define LL_NET_CONNECT_TCP	      (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL		      (1ULL << 1)

#define AS_LIMIT (8ULL << 30) /* address space of a confined process */

#ifdef FSIMG_SANITIZED
static const bool sanitized = true;
#else
static const bool sanitized = false;
#endif

bool confine_wanted(void)
{
	const char *v = getenv("FSIMG_SANDBOX");

	return !v || !(!strcmp(v, "0") || !strcasecmp(v, "no") ||
		       !strcasecmp(v, "off") || !strcasecmp(v, "false"));
}

static bool confine_logging(void)
{
	const char *v = getenv("FSIMG_SANDBOX");

	return v && !strcasecmp(v, "log");
}

/* --- rlimits -------------------------------------------------------------- */

static int lower_limit(int res, rlim_t to, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(res, &rl))
		rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < to)
		to = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = to;
	if (setrlimit(res, &rl)) {
		snprintf(err, errlen, "setrlimit(%d): %s", res,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int set_limits(const struct confine_opts *o, char *err, size_t errlen)
{
	if (lower_limit(RLIMIT_CORE, 0, err, errlen) ||
	    lower_limit(RLIMIT_MEMLOCK, 0, err, errlen) ||
	    lower_limit(RLIMIT_NOFILE, o->role == CONFINE_FUSE ? 256 : 64, err,
			errlen))
		return -1;
	/* ASan reserves terabytes of shadow address space */
	if (!sanitized && lower_limit(RLIMIT_AS, AS_LIMIT, err, errlen))
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		snprintf(err, errlen, "PR_SET_DUMPABLE: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* --- Landlock ------------------------------------------------------------- */

/* The ruleset attribute of the newest ABI; older kernels get a prefix. */
struct ll_ruleset {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

static int ll_allow_path(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int rc;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -1;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
			  LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return rc;
}

/* Returns the ABI applied, 0 when the kernel has no Landlock, or -1. */
static int apply_landlock(const struct confine_opts *o, bool *fuse_clone,
			  char *err, size_t errlen)
{
	struct ll_ruleset rs = { 0 };
	size_t size = sizeof(rs.handled_access_fs);
	uint64_t dev_rw;
	int abi, fd;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0; /* ENOSYS, EOPNOTSUPP: not built or disabled */

	rs.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		rs.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rs.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4) {
		rs.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct ll_ruleset, scoped);
	}
	if (abi >= 5)
		rs.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6) {
		rs.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(rs);
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &rs, size, 0);
	if (fd < 0) {
		snprintf(err, errlen, "landlock_create_ruleset: %s",
			 strerror(errno));
		return -1;
	}

	dev_rw = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
	if (abi >= 5)
		dev_rw |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	/* as the identity left to: clones only when it may open the node */
	*fuse_clone = o->role == CONFINE_FUSE && o->fuse_clone &&
		      access("/dev/fuse", R_OK | W_OK) == 0 &&
		      ll_allow_path(fd, "/dev/fuse", dev_rw) == 0;
	if (sanitized)
		ll_allow_path(fd, "/proc",
			      LANDLOCK_ACCESS_FS_READ_FILE |
				      LANDLOCK_ACCESS_FS_READ_DIR);

	if (syscall(SYS_landlock_restrict_self, fd, 0)) {
		snprintf(err, errlen, "landlock_restrict_self: %s",
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return abi;
}

/* --- seccomp -------------------------------------------------------------- */

int confine_bpf_program(const struct confine_variant *v, uint32_t pid,
			uint32_t broker_fd, bool trap, struct sock_filter *out,
			size_t max)
{
	const struct confine_bpf *b =
		&confine_bpf_table[confine_variant_index(v)];

	if (!b->len || b->len > max)
		return -1;
	memcpy(out, b->insn, b->len * sizeof(*out));
	for (unsigned i = 0; i < b->npid; i++)
		out[b->pid_at[i]].k = pid;
	for (unsigned i = 0; i < b->nfd; i++)
		out[b->fd_at[i]].k = broker_fd;
	for (unsigned i = 0; trap && i < b->ndeny; i++)
		out[b->deny_at[i]].k = SECCOMP_RET_TRAP;
	return b->len;
}

#if defined(__x86_64__)
#define SYSCALL_RESULT(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
#elif defined(__aarch64__)
#define SYSCALL_RESULT(uc) ((uc)->uc_mcontext.regs[0])
#endif

#ifdef SYSCALL_RESULT
/* FSIMG_SANDBOX=log: say which call was denied, then fail it. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char msg[80];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg),
		     "fsimg: sandbox: system call %d denied\n", si->si_syscall);
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0) {
		/* nothing more to do in a signal handler */
	}
	SYSCALL_RESULT((ucontext_t *)ctx) = -EPERM;
}
#endif

static int apply_seccomp(const struct confine_opts *o, bool fuse_clone,
			 char *err, size_t errlen)
{
	struct confine_variant v = { .fuse = o->role == CONFINE_FUSE,
				     .fuse_clone = fuse_clone,
				     .syslog = o->syslog,
				     .broker = o->broker };
	struct sock_filter prog[CONFINE_BPF_MAX];
	struct sock_fprog fp = { .filter = prog };
	bool trap = false;
	int len;

#ifdef SYSCALL_RESULT
	if (confine_logging()) {
		struct sigaction sa = { .sa_sigaction = on_sigsys,
					.sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		trap = sigaction(SIGSYS, &sa, NULL) == 0;
	}
#endif
	len = confine_bpf_program(&v, (uint32_t)getpid(),
				  (uint32_t)(o->broker ? o->broker_fd : 0),
				  trap, prog, CONFINE_BPF_MAX);
	if (len < 0) {
		snprintf(err, errlen, "no seccomp program for this role");
		return -1;
	}
	fp.len = (unsigned short)len;
	/* no_new_privs is set (confine_apply) */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
		snprintf(err, errlen, "loading the seccomp filter: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* --- all together --------------------------------------------------------- */

int confine_apply(const struct confine_opts *o, struct confine_state *st,
		  char *err, size_t errlen)
{
	int abi;

	memset(st, 0, sizeof(*st));
	if (priv_held()) {
		if (priv_drop(err, errlen))
			return -1;
		st->dropped = true;
		st->nnp = true;
	}
	if (!confine_wanted())
		return 0;
	if (!st->nnp) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
			snprintf(err, errlen, "no_new_privs: %s",
				 strerror(errno));
			return -1;
		}
		st->nnp = true;
	}
	if (set_limits(o, err, errlen))
		return -1;
	st->rlimits = true;
	abi = apply_landlock(o, &st->fuse_clone, err, errlen);
	if (abi < 0)
		return -1;
	st->landlock_abi = abi;
	if (apply_seccomp(o, st->fuse_clone, err, errlen))
		return -1;
	st->seccomp = true;
	return 0;
}

void confine_describe(const struct confine_state *st, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "uid %u%s", (unsigned)geteuid(),
		     st->dropped ? " (privileges left)" : "");
	if (n < 0 || (size_t)n >= len)
		return;
	if (!st->seccomp) {
		snprintf(buf + n, len - (size_t)n, "%s, sandbox off",
			 st->nnp ? ", no_new_privs" : "");
		return;
	}
	if (st->landlock_abi)
		snprintf(buf + n, len - (size_t)n,
			 ", no_new_privs, rlimits, landlock ABI %d, seccomp",
			 st->landlock_abi);
	else
		snprintf(buf + n, len - (size_t)n,
			 ", no_new_privs, rlimits, seccomp (no landlock in "
			 "this kernel)");
}
