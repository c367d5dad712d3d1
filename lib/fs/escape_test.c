/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test builds only (-Descape_test=true): an image whose ISO9660 volume
 * identifier is FSIMG_ESCAPE_PROBE makes the ISO9660 probe, and one named
 * FSIMG_ESCAPE_OPEN makes the ISO9660 open (which the FUSE daemon reaches
 * after the mount helper's probe passed), act as an exploited parser would,
 * from inside whatever process parses it: open a file, create one, execute,
 * connect, trace, raise privileges, fork, map executable memory. Each attempt
 * is reported, "denied (reason)" or "ALLOWED", and the probe or open then
 * fails, so every frontend shows the report as its error.
 * tests/mount/escape.bats checks that every attempt is denied in every
 * frontend. Never built otherwise.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const struct fsimg_window *w, const char *what, int rc,
		   int err)
{
	if (rc < 0)
		fsimg_werr(w, -EACCES, "escape: %s: denied (%s)", what,
			   strerrorname_np(err));
	else
		fsimg_werr(w, -EACCES, "escape: %s: ALLOWED", what);
}

static int escape(const struct fsimg_window *w)
{
	char path[64], *argv[] = { "fsimg-escape", NULL }, *envp[] = { NULL };
	void *p;
	pid_t pid;
	int fd, rc;

	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	report(w, "open", fd, errno);
	if (fd >= 0)
		close(fd);

	snprintf(path, sizeof(path), "/tmp/fsimg-escape-%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	report(w, "create", fd, errno);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}

	/* ENOENT means the kernel looked for the program: not denied */
	execve("/nonexistent/fsimg-escape", argv, envp);
	report(w, "execve", errno == ENOENT ? 0 : -1, errno);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	report(w, "socket", fd, errno);
	if (fd >= 0)
		close(fd);

	rc = setuid(0);
	report(w, "setuid(0)", rc, errno);

	pid = fork();
	if (pid == 0)
		_exit(0);
	report(w, "fork", pid < 0 ? -1 : 0, errno);
	if (pid > 0)
		waitpid(pid, NULL, 0);

	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	report(w, "mmap exec", p == MAP_FAILED ? -1 : 0, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);

	/* last: once traced, any signal stops the process */
	rc = (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	report(w, "ptrace", rc, errno);

	return fsimg_werr(w, -EACCES, "escape: done");
}

int fsimg_escape_hook(const struct fsimg_window *w, bool open)
{
	const char *id = open ? "FSIMG_ESCAPE_OPEN " : "FSIMG_ESCAPE_PROBE";
	char vol[18];

	/* the primary volume descriptor's identifier (ECMA-119 8.4.6) */
	if (fsimg_wread_cached(w, 16 * 2048 + 40, vol, sizeof(vol)) ||
	    memcmp(vol, id, sizeof(vol)))
		return 0;
	return escape(w);
}
