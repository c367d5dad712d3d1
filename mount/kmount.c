/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Making and removing the kernel side of a FUSE mount.
 *
 * Two ways, chosen by fsfuse_pick_method():
 *
 *  - fusermount3. The setuid helper of libfuse checks that the caller may
 *    mount there, mounts, and passes the /dev/fuse descriptor back over a
 *    socket named by $_FUSE_COMMFD (SCM_RIGHTS). With auto_unmount it then
 *    stays, detached, until that socket closes, i.e. until the daemon
 *    exits, and unmounts the filesystem if the daemon died without doing
 *    so: a killed daemon leaves no dead mount point. Used by ordinary
 *    users, and by root for that clean-up.
 *
 *  - mount(2) of /dev/fuse, for a process that holds CAP_SYS_ADMIN without
 *    being root, or root of a user namespace, where fusermount3 cannot be
 *    used. Nothing stays behind to unmount after a crash: "fsimg umount"
 *    removes a mount whose daemon is gone.
 *
 * fusermount3 inherits nothing of ours: stdin and stdout are /dev/null and
 * stderr is a pipe we read only if it fails. The helper that stays behind
 * would otherwise hold the caller's terminal or pipes open for as long as
 * the filesystem is mounted.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsfuse.h"
#include "mhelper.h"
#include "strbuf.h"

#define FUSE_DEV "/dev/fuse"

const char *fsfuse_fusermount(void)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin",
					    "/sbin", "/usr/local/bin" };
	static char found[64];
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(found, sizeof(found), "%s/fusermount3", dirs[i]);
		if (!stat(found, &st) && S_ISREG(st.st_mode) &&
		    (st.st_mode & S_ISUID) && st.st_uid == 0)
			return found;
	}
	return NULL;
}

/* VFS flags as mount options fusermount3 understands. */
static const struct {
	unsigned long flag;
	const char *name;
} vfs_opts[] = {
	{ MS_NOSUID, "nosuid" },    { MS_NODEV, "nodev" },
	{ MS_NOEXEC, "noexec" },    { MS_NOATIME, "noatime" },
	{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
};

static int mount_direct(const struct fsfuse_params *p, char *err, size_t errlen)
{
	unsigned long flags = MS_RDONLY | p->mflags;
	struct strbuf o = { 0 };
	struct stat st;
	int fd, saverr;

	if (stat(p->mountpoint, &st)) {
		snprintf(err, errlen, "%s: %s", p->mountpoint, strerror(errno));
		return -1;
	}
	fd = open(FUSE_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", FUSE_DEV, strerror(errno));
		return -1;
	}
	sb_addoptf(&o, "fd=%d,rootmode=%o,user_id=%u,group_id=%u,max_read=%u",
		   fd, st.st_mode & S_IFMT, (unsigned)getuid(),
		   (unsigned)getgid(), FSFUSE_MAX_IO);
	if (p->allow_other)
		sb_addopt(&o, "allow_other,default_permissions", NULL);
	if (o.oom) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto err_fd;
	}
	if (mount(p->image_path, p->mountpoint, "fuse.fsimg", flags, o.s)) {
		saverr = errno;
		snprintf(err, errlen, "mount(2) of %s on %s: %s", FUSE_DEV,
			 p->mountpoint, strerror(saverr));
		goto err_fd;
	}
	free(o.s);
	return fd;

err_fd:
	free(o.s);
	close(fd);
	return -1;
}

/* Receives one descriptor; -1 at EOF (fusermount3 gave up) or on error. */
static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = c.buf,
		.msg_controllen = sizeof(c.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Reads fusermount3's complaint, one line, without its program prefix. */
static void read_complaint(int fd, char *err, size_t errlen)
{
	char buf[512];
	size_t used = 0;
	ssize_t n;
	char *nl;

	while (used < sizeof(buf) - 1 &&
	       (n = read(fd, buf + used, sizeof(buf) - 1 - used)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		used += (size_t)n;
	}
	buf[used] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (buf[0])
		snprintf(err, errlen, "%s", buf);
}

static int mount_fusermount(const struct fsfuse_params *p, char *err,
			    size_t errlen)
{
	const char *prog = fsfuse_fusermount();
	struct strbuf o = { 0 };
	int sv[2], ep[2], fd = -1, status;
	char env[32];
	pid_t pid;

	if (!prog) {
		snprintf(err, errlen, "fusermount3 not found");
		return -1;
	}
	sb_addopt(&o, "ro", NULL);
	for (size_t i = 0; i < sizeof(vfs_opts) / sizeof(vfs_opts[0]); i++)
		if (p->mflags & vfs_opts[i].flag)
			sb_addopt(&o, vfs_opts[i].name, NULL);
	if (!(p->mflags & MS_NOSUID))
		sb_addopt(&o, "suid", NULL);
	if (!(p->mflags & MS_NODEV))
		sb_addopt(&o, "dev", NULL);
	sb_addopt_escaped(&o, "fsname", p->image_path);
	sb_addopt(&o, "subtype", "fsimg");
	sb_addopt(&o, "auto_unmount", NULL);
	sb_addoptf(&o, "max_read=%u", FSFUSE_MAX_IO);
	if (p->allow_other)
		sb_addopt(&o, "allow_other,default_permissions", NULL);
	if (o.oom) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		goto err_opts;
	}
	if (pipe2(ep, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto err_sock;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto err_pipe;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(ep[1], 2) < 0)
			_exit(127);
		/* the one descriptor it inherits: its end of the socket */
		if (fcntl(sv[0], F_SETFD, 0))
			_exit(127);
		snprintf(env, sizeof(env), "%d", sv[0]);
		setenv("_FUSE_COMMFD", env, 1);
		execl(prog, "fusermount3", "-o", o.s, "--", p->mountpoint,
		      (char *)NULL);
		dprintf(2, "cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(ep[1]);
	close(sv[0]);
	ep[1] = sv[0] = -1;
	fd = recv_fd(sv[1]);
	if (fd < 0) {
		/* It exited: collect its message and its status. */
		snprintf(err, errlen, "fusermount3 failed");
		read_complaint(ep[0], err, errlen);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	/*
	 * On success sv[1] stays open, on purpose and without CLOEXEC
	 * mattering: fusermount3 unmounts when the last copy closes, which
	 * is when this process exits. Never closed, never passed on.
	 */
	if (fd < 0)
		close(sv[1]);
	close(ep[0]);
	free(o.s);
	return fd;

err_pipe:
	close(ep[0]);
	close(ep[1]);
err_sock:
	close(sv[0]);
	close(sv[1]);
err_opts:
	free(o.s);
	return -1;
}

int fsfuse_kmount(const struct fsfuse_params *p, char *err, size_t errlen)
{
	if (p->method == FSFUSE_DIRECT)
		return mount_direct(p, err, errlen);
	return mount_fusermount(p, err, errlen);
}

int fsfuse_pick_method(enum fsfuse_method *m, char *why, size_t whylen)
{
	bool userns = priv_in_userns();
	bool sysadmin = priv_has_cap(CAP_SYS_ADMIN);
	bool dev = access(FUSE_DEV, R_OK | W_OK) == 0;
	/* setuid programs do not gain privileges inside a user namespace */
	bool helper = !userns && fsfuse_fusermount();

	if (helper && (geteuid() == 0 || !sysadmin || !dev)) {
		*m = FSFUSE_FUSERMOUNT;
		snprintf(why, whylen, "fusermount3, auto_unmount");
		return 0;
	}
	if (sysadmin && dev) {
		*m = FSFUSE_DIRECT;
		snprintf(why, whylen, "mount(2) of %s with CAP_SYS_ADMIN%s",
			 FUSE_DEV, userns ? " in a user namespace" : "");
		return 0;
	}
	if (!dev)
		snprintf(why, whylen, "%s: %s, and %s", FUSE_DEV,
			 strerror(EACCES),
			 userns ? "fusermount3 cannot work in a user namespace"
				: "no setuid fusermount3 was found");
	else
		snprintf(why, whylen, "no CAP_SYS_ADMIN, and %s",
			 userns ? "fusermount3 cannot work in a user namespace"
				: "no setuid fusermount3 was found");
	return -1;
}
