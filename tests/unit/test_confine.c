/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Confinement's seccomp programs, compiled at build time (common/
 * mkfilters.c): each, with a process id and a broker socket written in,
 * is the very program libseccomp compiles from the rules with those
 * values, for both deny actions; and a process confined with one can
 * read and write what it has but open nothing, nor signal another.
 */
#include "tap.h"
#include "confine.h"
#include "confine_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void same_programs(void)
{
	static struct sock_filter want[CONFINE_BPF_MAX], got[CONFINE_BPF_MAX];
	const uint32_t pids[] = { (uint32_t)getpid(), 1, 4194303 };
	const uint32_t fds[] = { 3, 0, 1023 };
	unsigned variants = 0;

	for (unsigned idx = 0; idx < 16; idx++) {
		struct confine_variant v = confine_variant_of(idx);

		if (confine_variant_index(&v) != idx) {
			ok(!confine_bpf_table[idx].len,
			   "variant %u does not exist: no program", idx);
			continue;
		}
		variants++;
		for (unsigned k = 0; k < 3; k++) {
			for (int trap = 0; trap < 2; trap++) {
				long n = confine_rules_bpf(
					&v,
					trap ? SCMP_ACT_TRAP
					     : SCMP_ACT_ERRNO(EPERM),
					pids[k], fds[k], want, CONFINE_BPF_MAX);
				int m = confine_bpf_program(&v, pids[k], fds[k],
							    trap, got,
							    CONFINE_BPF_MAX);

				ok(n > 0 && m == n &&
					   !memcmp(want, got,
						   (size_t)n * sizeof(*got)),
				   "variant %u (fuse %d, clone %d, syslog %d, "
				   "broker %d), pid %u, fd %u, %s: the "
				   "program libseccomp compiles (%ld, %d)",
				   idx, v.fuse, v.fuse_clone, v.syslog,
				   v.broker, pids[k], fds[k],
				   trap ? "trap" : "EPERM", n, m);
			}
		}
	}
	is_int(variants, 10, "two parser and eight daemon programs");
	{
		struct confine_variant v = { .fuse = false };

		is_int(confine_bpf_program(&v, 1, 0, false, got, 10), -1,
		       "a buffer too small is refused");
	}
}

/* A child confined as the parser: 0 when all it tries goes as it should. */
static int confined_child(int keep)
{
	struct confine_opts o = { .role = CONFINE_PARSE };
	struct confine_state st;
	char err[256], c = 'x';

	if (confine_apply(&o, &st, err, sizeof(err)) || !st.seccomp)
		return 10;
	if (write(keep, &c, 1) != 1) /* a descriptor it has */
		return 11;
	if (open("/etc/passwd", O_RDONLY) >= 0)
		return 12;
#ifdef FSIMG_SANITIZED /* open is allowed for ASan: Landlock refuses it */
	if (errno != EPERM && errno != EACCES)
		return 12;
#else
	if (errno != EPERM)
		return 12;
#endif
	if (syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), 0))
		return 13; /* itself: allowed */
	if (syscall(SYS_tgkill, getppid(), getppid(), 0) == 0 || errno != EPERM)
		return 14; /* another process: denied */
#ifndef FSIMG_SANITIZED	   /* LeakSanitizer's tracer is a clone */
	if (fork() >= 0 || errno != EPERM)
		return 15;
#endif
	return 0;
}

static void confined(void)
{
	int p[2], st = -1;
	pid_t pid;
	char c = 0;

	if (pipe(p)) {
		ok(0, "a pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(confined_child(p[1]));
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && c == 'x',
	   "a confined parser writes what it has, opens nothing, signals only "
	   "itself, cannot fork (exit %d)",
	   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	same_programs();
	if (getenv("FSIMG_SANDBOX") && !confine_wanted())
		printf("ok %d # SKIP FSIMG_SANDBOX turns confinement off\n",
		       ++tap_n);
	else
		confined();
	return tap_done();
}
