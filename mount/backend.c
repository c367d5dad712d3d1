/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which backend mounts the image.
 *
 * The kernel backend is chosen when backend=auto|kernel and
 *  - the caller can make a kernel mount of a block filesystem: it holds
 *    CAP_SYS_ADMIN in the initial user namespace;
 *  - and it can reach loop devices (read-write access to /dev/loop-control;
 *    a block device whose window is the whole device needs none);
 *  - and the kernel knows the filesystem type (/proc/filesystems).
 * Otherwise FUSE; -v says which and why, and backend=kernel that cannot be
 * honoured fails with the reason.
 *
 * Learning the type means reading the image: fsimg_locate() reads the
 * partition table and probes the window once (libblkid names the types
 * libfsimg does not read, such as xfs). Every caller does that in a
 * confined child (common/confine.c: no privilege, no file opened, a
 * system call allow-list), like the FUSE daemon: the image is hostile
 * input until the kernel takes it. The child hands back
 * the location over a pipe; the FUSE daemon reuses it rather than probe
 * the image again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "fsimg.h"
#include "logjoin.h"
#include "mhelper.h"

struct probe_result {
	int rc; /* 0 or -errno */
	struct fsimg_location loc;
	char format[16]; /* "raw", or the container the disk is in */
	bool backing;	 /* backing=yes: not probed (see probe()) */
	char msg[512];
};

static void probe(const struct fsm_req *r, struct probe_result *pr)
{
	struct logjoin log = { pr->msg, sizeof(pr->msg) };
	fsimg_image *img;
	int fd, rc;

	fd = fcntl(r->image_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		pr->rc = -errno;
		return;
	}
	rc = fsimg_image_open_fd(fd, r->image, &img);
	if (rc) {
		pr->rc = rc;
		return;
	}
	fsimg_image_set_log(img, logjoin_cb, &log);
	rc = fsimg_image_set_options(img, r->fs_opts.s);
	if (!rc && fsimg_image_backing_allowed(img)) {
		/*
		 * Files a container names are opened for the FUSE daemon by
		 * its broker; this prober has none, and only a container
		 * names files: FUSE it is, and the daemon locates.
		 */
		pr->backing = true;
		fsimg_image_close(img);
		return;
	}
	if (!rc && !fsimg_image_format(img))
		rc = -EIO;
	if (rc) {
		pr->rc = rc;
		fsimg_image_close(img);
		return;
	}
	snprintf(pr->format, sizeof(pr->format), "%s", fsimg_image_format(img));
	pr->rc = fsimg_locate(img, r->partition, r->fstype, &pr->loc);
	fsimg_image_close(img);
}

/* probe(), in a confined child (common/confine.c), whoever the caller. */
static int probe_sandboxed(const struct fsm_req *r, struct probe_result *pr)
{
	struct confine_opts o = { .role = CONFINE_PARSE };
	struct confine_state st;
	char err[256];
	int p[2], status;
	size_t got = 0;
	pid_t pid;

	memset(pr, 0, sizeof(*pr));
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		if (confine_apply(&o, &st, err, sizeof(err))) {
			pr->rc = -EPERM;
			snprintf(pr->msg, sizeof(pr->msg),
				 "cannot confine the prober: %s", err);
		} else {
			probe(r, pr);
		}
		_exit(write(p[1], pr, sizeof(*pr)) == sizeof(*pr) ? 0 : 1);
	}
	close(p[1]);
	while (got < sizeof(*pr)) {
		ssize_t n = read(p[0], (char *)pr + got, sizeof(*pr) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got < sizeof(*pr))
		return -EIO; /* the prober crashed: report, never trust */
	pr->loc.type[sizeof(pr->loc.type) - 1] = '\0';
	pr->format[sizeof(pr->format) - 1] = '\0';
	pr->msg[sizeof(pr->msg) - 1] = '\0';
	return 0;
}

bool fsm_kernel_knows(const char *type)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t');

		if (!name || !strncmp(line, "nodev", 5))
			continue;
		name++;
		name[strcspn(name, "\n")] = '\0';
		found = !strcmp(name, type);
	}
	fclose(f);
	return found;
}

/* Can this caller make a loop-backed kernel mount? why says if not. */
static bool kernel_reachable(const struct fsm_req *r, char *why, size_t whylen)
{
	if (priv_in_userns()) {
		snprintf(why, whylen,
			 "in a user namespace, where block filesystems "
			 "cannot be mounted");
		return false;
	}
	if (!priv_has_cap(CAP_SYS_ADMIN)) {
		snprintf(why, whylen,
			 "not root: kernel mounts and loop devices need "
			 "CAP_SYS_ADMIN");
		return false;
	}
	if (!S_ISBLK(r->image_st.st_mode) &&
	    access("/dev/loop-control", R_OK | W_OK)) {
		snprintf(why, whylen,
			 "loop devices are not reachable "
			 "(/dev/loop-control: %s)",
			 strerror(errno));
		return false;
	}
	return true;
}

static int fail_kernel(const struct fsm_req *r, const char *why)
{
	fprintf(stderr, "%s: %s: backend=kernel cannot be used: %s\n", r->prog,
		r->image, why);
	return FSM_EX_FAIL;
}

int fsm_choose(struct fsm_req *r, struct fsm_choice *c)
{
	struct probe_result pr;
	int rc;

	memset(c, 0, sizeof(*c));
	c->backend = FSM_BACKEND_FUSE;
	if (r->backend == FSM_BACKEND_FUSE) {
		snprintf(c->why, sizeof(c->why), "backend=fuse");
		return 0;
	}
	if (!kernel_reachable(r, c->why, sizeof(c->why)))
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;

	rc = probe_sandboxed(r, &pr);
	if (!rc)
		rc = pr.rc;
	if (rc) {
		/* FUSE would fail the same way: say why now */
		fprintf(stderr, "%s: %s: %s\n", r->prog, r->image,
			pr.msg[0] ? pr.msg : strerror(-rc));
		return FSM_EX_FAIL;
	}
	if (pr.backing) {
		snprintf(c->why, sizeof(c->why),
			 "backing=yes: only the FUSE daemon reads the files a "
			 "container names");
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;
	}
	/*
	 * The daemon, if FUSE serves it, reuses the location; a type the
	 * child says it probed is still checked by that driver's probe: what
	 * crosses from the child is not trusted as far as that.
	 */
	c->loc = pr.loc;
	c->loc.probed = false;
	c->located = true;
	if (strcmp(pr.format, "raw")) {
		snprintf(c->why, sizeof(c->why),
			 "the disk is inside a %s image: a loop device would "
			 "show the container, not the disk",
			 pr.format);
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;
	}
	if (pr.loc.volume) {
		snprintf(c->why, sizeof(c->why),
			 "the filesystem is in an LVM2 logical volume: the "
			 "kernel reads one only through device-mapper, which "
			 "mount.fsimg does not set up");
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;
	}
	if (!pr.loc.type[0]) {
		snprintf(c->why, sizeof(c->why),
			 "the filesystem type is not known");
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;
	}
	if (!fsm_kernel_knows(pr.loc.type)) {
		snprintf(c->why, sizeof(c->why),
			 "the kernel has no %s driver (/proc/filesystems)",
			 pr.loc.type);
		return r->backend == FSM_BACKEND_KERNEL ? fail_kernel(r, c->why)
							: 0;
	}
	c->backend = FSM_BACKEND_KERNEL;
	snprintf(c->why, sizeof(c->why),
		 "%s is known to the kernel and loop devices are reachable",
		 pr.loc.type);
	return 0;
}
