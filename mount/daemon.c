/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon and its supervisor.
 *
 * This is mount machinery, not part of the FUSE server: it makes the
 * kernel mount (kmount.c), confines itself (common/confine.c), removes
 * a dead mount (unmount.c), and only then hands the open filesystem and the
 * /dev/fuse descriptor to the server in fuse/ (fsfuse_session_new/run),
 * which knows nothing of how its mount was made.
 *
 * fsfuse_mount() forks. The child becomes the daemon: it makes the kernel
 * mount, confines itself (leaving the caller's privileges, if any), opens
 * the filesystem in the image, and serves it. The parent, still the caller
 * with the caller's rights, waits on a status pipe and returns only when
 * the mount is live (the daemon said READY) or has failed; if it failed
 * after the kernel mount existed (or the daemon died), the parent removes
 * that mount, which the daemon, unprivileged by then, may not be able to.
 * No sleeping, no polling: the pipe says what happened, and its end of
 * file says the daemon is gone.
 *
 * Order in the daemon, and why:
 *  1. the session is created first, so its failures leave nothing behind;
 *  2. the kernel mount (kmount.c), as the caller;
 *  3. a watcher forked (see below); what the daemon will need from the
 *     filesystem is opened (/dev/null, the syslog socket, the time zone);
 *     then it confines itself (confine.c): privileges left, no file may
 *     be opened (but /dev/fuse, for clones), a system call allow-list;
 *  4. the filesystem opened: the first time the image is parsed, always
 *     in the confined daemon, whoever the caller. The mount helper's
 *     probe (backend.c), confined too, has usually rejected a bad image
 *     before any mount; one that passes the probe and fails here is
 *     unmounted again by the parent;
 *  5. READY, stdio to /dev/null (unless foreground), the loop.
 *
 * The watcher keeps the caller's identity and does nothing but wait for
 * the daemon to exit (end of file on a pipe only the daemon holds). If the
 * mount is then still there and dead (the daemon was killed, or crashed),
 * it detaches it. fusermount3's auto_unmount does the same for root, but
 * the one in libfuse 3.14 gives up on other users' mounts (it checks as
 * root, and a mount without allow_other answers root EACCES, and it does
 * not know ECONNABORTED), and a direct mount(2) has no such helper at all.
 *
 * With -f the parent stays in the foreground until the daemon exits,
 * forwarding SIGINT/SIGTERM/SIGHUP to it, and then removes the mount if
 * the (unprivileged) daemon could not.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "confine.h"
#include "fsfuse.h"
#include "logjoin.h"
#include "mhelper.h"

/* Attributes and entries are cached this long: the image is immutable. */
#define CACHE_SECONDS (365.0 * 86400.0)

enum stage {
	ST_MOUNTED = 1, /* the kernel mount exists */
	ST_READY,	/* the filesystem is open and about to be served */
	ST_FAILED,	/* msg says why; mounted says whether to clean up */
	ST_NOTE,	/* msg is for -v */
};

struct status {
	int stage;
	int excode;
	int mounted;
	char msg[1024];
};

/*
 * Library diagnostics. Until READY they are collected to be sent to the
 * caller with the failure; afterwards they go to stderr in the foreground
 * and to syslog otherwise. One filesystem per process: a static is enough.
 */
static struct {
	char buf[768];
	bool ready;
	bool to_stderr;
	const char *image;
} logst;

static void lib_log(void *ctx, int err, const char *msg)
{
	(void)ctx;
	(void)err;
	if (!logst.ready) {
		logjoin_add(logst.buf, sizeof(logst.buf), msg);
		return;
	}
	if (logst.to_stderr)
		fprintf(stderr, "fsimg: %s: %s\n", logst.image, msg);
	else
		syslog(LOG_WARNING, "%s: %s", logst.image, msg);
}

/*
 * The image handle, before confinement: opening it reads nothing. With
 * backing=yes the files a container names are opened by a broker, the
 * parent left behind by a fork (common/broker.c), which exits once the
 * daemon has opened what it needs; *broker is the daemon's socket to it.
 */
static int open_image(const struct fsfuse_params *p, fsimg_image **out,
		      int *broker, char *msg, size_t msglen)
{
	fsimg_image *img;
	int fd, rc;

	logst.image = p->image_path;
	logst.buf[0] = '\0';
	*broker = -1;
	fd = fcntl(p->image_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		rc = -errno;
		goto err;
	}
	rc = fsimg_image_open_fd(fd, p->image_path, &img); /* takes fd */
	if (rc)
		goto err;
	fsimg_image_set_log(img, lib_log, NULL);
	rc = fsimg_image_set_options(img, p->fs_options);
	if (!rc && fsimg_image_backing_allowed(img)) {
		rc = broker_fork(p->image_path, false, broker);
		if (!rc)
			fsimg_image_set_opener(img, broker_open,
					       (void *)(intptr_t)*broker);
	}
	if (!rc) {
		*out = img;
		return 0;
	}
	fsimg_image_close(img);
err:
	snprintf(msg, msglen, "%s: %s", p->image_path,
		 logst.buf[0] ? logst.buf : strerror(-rc));
	return rc;
}

/* The filesystem, once confined; the image's reference goes to it. */
static int open_fs(const struct fsfuse_params *p, fsimg_image *img,
		   fsimg_fs **out, char *msg, size_t msglen)
{
	struct fsimg_location loc;
	int rc = 0;

	logst.buf[0] = '\0';
	if (p->loc)
		loc = *p->loc; /* the mount helper's probe: not done again */
	else
		rc = fsimg_locate(img, p->partition, p->fstype, &loc);
	if (!rc)
		rc = fsimg_fs_open_location(img, &loc, p->fs_options, out);
	fsimg_image_close(img); /* the filesystem keeps its reference */
	if (!rc)
		return 0;
	snprintf(msg, msglen, "%s: %s", p->image_path,
		 logst.buf[0] ? logst.buf : strerror(-rc));
	return rc;
}

static void send_status(int fd, int stage, int excode, bool mounted,
			const char *msg)
{
	struct status st;
	ssize_t n;

	memset(&st, 0, sizeof(st));
	st.stage = stage;
	st.excode = excode;
	st.mounted = mounted;
	snprintf(st.msg, sizeof(st.msg), "%s", msg ? msg : "");
	/* one write below PIPE_BUF: atomic; EPIPE: the caller is gone */
	do
		n = write(fd, &st, sizeof(st));
	while (n < 0 && errno == EINTR);
}

/* Closes every descriptor but stdio and the ones in keep[]. */
static void close_others(const int *keep, size_t n)
{
	unsigned lo = 3;

	for (;;) {
		unsigned next = ~0u;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next > lo)
			close_range(lo, next - 1, 0);
		if (next == ~0u)
			break;
		lo = next + 1;
	}
}

static void null_stdio(int null)
{
	if (null < 0)
		return;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
}

/* Waits for the daemon to go away, then removes its mount if it died. */
static void watcher_main(const struct fsfuse_params *p, int rfd)
{
	char c;
	int fd;

	close_others(&rfd, 1);
	null_stdio(open("/dev/null", O_RDWR));
	signal(SIGINT, SIG_IGN); /* a terminal's ^C is for the daemon */
	signal(SIGHUP, SIG_IGN);
	while (read(rfd, &c, 1) < 0 && errno == EINTR)
		;
	/*
	 * Dead, not merely unmounted and mounted again: opening the root
	 * sends a request (stat could be answered from the attribute cache)
	 * and a connection without a daemon answers ENOTCONN, or
	 * ECONNABORTED when requests were in flight as the daemon died.
	 */
	fd = open(p->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	else if (errno == ENOTCONN || errno == ECONNABORTED)
		fsfuse_cleanup_mount(p->image_path, p->mountpoint, true);
	_exit(0);
}

/* Returns the descriptor whose closing wakes the watcher, or -1. */
static int spawn_watcher(const struct fsfuse_params *p)
{
	int wp[2];
	pid_t pid;

	if (pipe2(wp, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(wp[1]);
		watcher_main(p, wp[0]);
	}
	close(wp[0]);
	if (pid < 0) {
		close(wp[1]);
		return -1;
	}
	return wp[1]; /* held until the daemon exits; never written */
}

/*
 * Opens what the daemon needs once confined, then confines it. Returns the
 * /dev/null descriptor for null_stdio() (or -1, in the foreground).
 */
static int confine_daemon(const struct fsfuse_params *p, int broker,
			  struct confine_state *st, char *err, size_t errlen)
{
	struct confine_opts o = { .role = CONFINE_FUSE,
				  .fuse_clone = true,
				  .broker = broker >= 0,
				  .broker_fd = broker };
	int null = -1;

	if (chdir("/") < 0) {
		/* not fatal: only keeps the daemon off the caller's cwd */
	}
	tzset();
	if (!p->foreground) {
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		openlog("fsimg", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		o.syslog = true;
	}
	if (confine_apply(&o, st, err, errlen)) {
		if (null >= 0)
			close(null);
		return -2;
	}
	return null;
}

static int daemon_main(const struct fsfuse_params *p, int sfd)
{
	struct fsfuse ff = { .timeout = CACHE_SECONDS,
			     .kernel_permissions = p->allow_other,
			     .trace = p->debug };
	struct confine_state cst;
	struct fuse_session *se;
	fsimg_fs *fs = NULL;
	fsimg_image *img = NULL;
	char err[1024];
	int keep[2] = { sfd, p->image_fd };
	int fuse_fd, null, broker = -1, rc;

	close_others(keep, 2);
	signal(SIGPIPE, SIG_IGN);
	if (!p->foreground)
		setsid();

	se = fsfuse_session_new(&ff, p->debug_fuse);
	if (!se) {
		send_status(sfd, ST_FAILED, FSM_EX_SYSERR, false,
			    "cannot create the FUSE session");
		return 1;
	}
	fuse_fd = fsfuse_kmount(p, err, sizeof(err));
	if (fuse_fd < 0) {
		send_status(sfd, ST_FAILED, FSM_EX_FAIL, false, err);
		goto err_session;
	}
	send_status(sfd, ST_MOUNTED, 0, true, NULL);
	if (spawn_watcher(p) < 0) {
		send_status(sfd, ST_FAILED, FSM_EX_SYSERR, true,
			    "cannot start the watcher process");
		goto err_fuse;
	}

	if (open_image(p, &img, &broker, err, sizeof(err))) {
		send_status(sfd, ST_FAILED, FSM_EX_FAIL, true, err);
		goto err_fuse;
	}
	/*
	 * libfuse cancels its workers when the mount goes; glibc loads the
	 * unwinder (libgcc_s) for that on first use, and aborts when it
	 * cannot: confined, it could not open the file. Loaded now, that
	 * later load finds it in memory.
	 */
	if (!dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE) && p->verbose) {
		snprintf(err, sizeof(err),
			 "cannot load libgcc_s.so.1 (%s): the daemon may "
			 "abort when unmounted",
			 dlerror());
		send_status(sfd, ST_NOTE, 0, true, err);
	}
	null = confine_daemon(p, broker, &cst, err, sizeof(err));
	if (null == -2) {
		fsimg_image_close(img);
		send_status(sfd, ST_FAILED, FSM_EX_SYSERR, true, err);
		goto err_fuse;
	}
	if (p->verbose) {
		char what[256];

		confine_describe(&cst, what, sizeof(what));
		snprintf(err, sizeof(err), "sandbox: %s", what);
		send_status(sfd, ST_NOTE, 0, true, err);
	}
	rc = open_fs(p, img, &fs, err, sizeof(err));
	if (broker >= 0)
		close(broker); /* the broker exits: nothing more to open */
	if (rc) {
		send_status(sfd, ST_FAILED, FSM_EX_FAIL, true, err);
		goto err_fuse;
	}
	ff.fs = fs;
	ff.root = fsimg_fs_root(fs);
	if (fuse_set_signal_handlers(se)) {
		send_status(sfd, ST_FAILED, FSM_EX_SYSERR, true,
			    "cannot set signal handlers");
		goto err_fs;
	}

	logst.to_stderr = p->foreground;
	send_status(sfd, ST_READY, 0, true, NULL);
	logst.ready = true;
	close(sfd);
	close(p->image_fd);
	null_stdio(null);

	/* the session owns fuse_fd now */
	fsfuse_session_run(se, fuse_fd, cst.fuse_clone);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	fsimg_fs_close(fs);
	return 0;

err_fs:
	fsimg_fs_close(fs);
err_fuse:
	close(fuse_fd);
err_session:
	fuse_session_destroy(se);
	return 1;
}

static int reap(pid_t pid, char *why, size_t whylen)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(status))
		snprintf(why, whylen, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(status));
	return status;
}

static void cleanup(const struct fsfuse_params *p)
{
	int rc = fsfuse_cleanup_mount(p->image_path, p->mountpoint, true);

	if (rc)
		fprintf(stderr, "%s: %s: could not remove the dead mount: %s\n",
			p->prog, p->mountpoint, strerror(-rc));
}

/*
 * The kernel caps readahead on a new FUSE mount at its default (128 KiB),
 * whatever max_readahead the daemon accepts; sequential reads then arrive
 * as 128-256 KiB requests. Root may raise the mount's readahead (its
 * backing device info, named after the anonymous device) to 1 MiB, so
 * that sequential reads come as 1 MiB requests. Best effort.
 */
static void tune_readahead(const struct fsfuse_params *p)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	char path[64];
	int fd;

	if (geteuid() != 0 || priv_in_userns())
		return;
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return;
	fs = mnt_table_find_target(tb, p->mountpoint, MNT_ITER_BACKWARD);
	if (fs && !strcmp(mnt_fs_get_fstype(fs) ?: "", "fuse.fsimg")) {
		dev_t dev = mnt_fs_get_devno(fs);

		snprintf(path, sizeof(path),
			 "/sys/class/bdi/%u:%u/read_ahead_kb", major(dev),
			 minor(dev));
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dprintf(fd, "%u\n", FSFUSE_MAX_IO / 1024);
			close(fd);
		}
	}
	mnt_unref_table(tb);
}

static volatile sig_atomic_t daemon_pid;

static void forward_signal(int sig)
{
	if (daemon_pid > 0)
		kill((pid_t)daemon_pid, sig);
}

static int wait_foreground(const struct fsfuse_params *p, pid_t pid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = forward_signal };
	char why[64];
	int status;

	daemon_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	status = reap(pid, why, sizeof(why));
	cleanup(p);
	if (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status))) {
		fprintf(stderr, "%s: the daemon ended: %s\n", p->prog, why);
		return FSM_EX_FAIL;
	}
	return FSM_EX_OK;
}

static int supervise(const struct fsfuse_params *p, pid_t pid, int rfd)
{
	struct status st;
	bool mounted = false;
	char why[64];

	for (;;) {
		size_t got = 0;

		while (got < sizeof(st)) {
			ssize_t n =
				read(rfd, (char *)&st + got, sizeof(st) - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < sizeof(st))
			break; /* end of file: the daemon is gone */
		st.msg[sizeof(st.msg) - 1] = '\0';
		switch (st.stage) {
		case ST_MOUNTED:
			mounted = true;
			continue;
		case ST_NOTE:
			fprintf(stderr, "%s: %s\n", p->prog, st.msg);
			continue;
		case ST_READY:
			close(rfd);
			tune_readahead(p);
			if (p->verbose)
				fprintf(stderr,
					"%s: %s mounted on %s (FUSE, "
					"daemon pid %d)\n",
					p->prog, p->image_path, p->mountpoint,
					(int)pid);
			return p->foreground ? wait_foreground(p, pid)
					     : FSM_EX_OK;
		case ST_FAILED:
			close(rfd);
			fprintf(stderr, "%s: %s\n", p->prog, st.msg);
			reap(pid, why, sizeof(why));
			if (st.mounted)
				cleanup(p);
			return st.excode ? st.excode : FSM_EX_FAIL;
		default:
			break;
		}
	}
	close(rfd);
	reap(pid, why, sizeof(why));
	fprintf(stderr,
		"%s: the FUSE daemon ended before the mount was ready: %s\n",
		p->prog, why);
	if (mounted)
		cleanup(p);
	return FSM_EX_FAIL;
}

int fsfuse_mount(const struct fsfuse_params *p)
{
	int sp[2];
	pid_t pid;

	if (pipe2(sp, O_CLOEXEC)) {
		fprintf(stderr, "%s: pipe: %s\n", p->prog, strerror(errno));
		return FSM_EX_SYSERR;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", p->prog, strerror(errno));
		close(sp[0]);
		close(sp[1]);
		return FSM_EX_SYSERR;
	}
	if (pid == 0) {
		close(sp[0]);
		_exit(daemon_main(p, sp[1]));
	}
	close(sp[1]);
	return supervise(p, pid, sp[0]);
}
