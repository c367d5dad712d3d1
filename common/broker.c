/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The broker: see broker.h. One request is one SOCK_SEQPACKET message, the
 * path (no NUL, 1..PATH_MAX-1 bytes); one reply is a 4-byte errno (0 or a
 * positive error number) with the descriptor as SCM_RIGHTS when 0.
 */
#include "broker.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsimg.h"

int broker_serve_one(const char *image, const char *req, size_t len, int *fd)
{
	char path[PATH_MAX];
	int rc;

	*fd = -1;
	if (len == 0 || len >= sizeof(path) || memchr(req, '\0', len))
		return EINVAL;
	memcpy(path, req, len);
	path[len] = '\0';
	rc = fsimg_open_related(image, path);
	if (rc < 0)
		return -rc;
	*fd = rc;
	return 0;
}

static int send_reply(int sock, int err, int fd)
{
	int32_t e = err;
	struct iovec iov = { .iov_base = &e, .iov_len = sizeof(e) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(e) ? 0 : -1;
}

static void serve(const char *image, int sock)
{
	char req[PATH_MAX];
	unsigned served = 0;

	for (;;) {
		ssize_t n = recv(sock, req, sizeof(req), 0);
		int fd = -1, err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the child is done, or gone */
		err = ++served > BROKER_MAX
			      ? ELOOP
			      : broker_serve_one(image, req, (size_t)n, &fd);
		n = send_reply(sock, err, fd);
		if (fd >= 0)
			close(fd);
		if (n)
			return;
	}
}

int broker_fork(const char *image, bool wait, int *sock)
{
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		close(sv[0]);
		close(sv[1]);
		return rc;
	}
	if (pid == 0) {
		close(sv[0]);
		*sock = sv[1];
		return 0;
	}
	close(sv[1]);
	/* the terminal's signals reach both; the child decides */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	serve(image, sv[0]);
	close(sv[0]);
	if (!wait)
		_exit(0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(2);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
}

int broker_open(void *ctx, const char *path)
{
	int sock = (int)(intptr_t)ctx;
	size_t len = strlen(path);
	int32_t err = EIO;
	struct iovec iov = { .iov_base = &err, .iov_len = sizeof(err) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd = -1;
	ssize_t n;

	if (len == 0 || len >= PATH_MAX)
		return -EINVAL;
	if (send(sock, path, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -EIO;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(err))
		return -EIO;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (err) {
		if (fd >= 0)
			close(fd);
		return err > 0 && err < 4096 ? -err : -EIO;
	}
	return fd >= 0 ? fd : -EIO;
}
