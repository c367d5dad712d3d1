/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.fsimg: the helper mount(8) runs for "mount -t fsimg" and for fstab
 * entries of type fsimg, with mount(8)'s argument contract:
 *
 *	mount.fsimg SPEC DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t TYPE]
 *
 * -s sloppy (accepted), -f fake (everything but the mount), -n no utab,
 * -v verbose, -N the mount namespace to work in (a path such as
 * /proc/PID/ns/mnt or /proc/PID/fd/N). For a user's fstab mount, mount(8)
 * has already checked the fstab entry and runs this helper with the
 * user's own uid and gid.
 *
 * The fsimg command runs its "mount" and "umount" subcommands here, with
 * argv[0] "fsimg" (see fsimg_mount.h).
 *
 * Installed also as mount.iso9660 and mount.ufs (a build option),
 * it mounts image files of that type, and leaves block devices to a plain
 * kernel mount made exactly as mount(8) would have made it (see
 * alias_device() for the loop devices mount(8) attaches to image files).
 */
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsimg_mount.h"
#include "mhelper.h"

static int enter_namespace(const char *prog, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNS)) {
		fprintf(stderr, "%s: mount namespace %s: %m\n", prog, path);
		if (fd >= 0)
			close(fd);
		return FSM_EX_SYSERR;
	}
	close(fd);
	return 0;
}

/*
 * mount.iso9660 (or .udf, .ufs) given a block device. What mount(8) would
 * do without us, a plain kernel mount with the options as given, except
 * for one case: a loop device mount(8) attached to a whole image file
 * (it does that, with autoclear, for every regular file of a type libblkid
 * knows) when the kernel lacks the type, where plain mount(8) could only
 * fail. Then the image file is mounted through FUSE instead, and the
 * unused loop device goes away when mount(8) closes it (autoclear).
 *
 * Returns an exit code, or -1 with *backing set to go on with the file.
 */
static int alias_device(struct fsm_req *r, const char *type,
			const struct stat *st, char *opts, char **backing)
{
	bool whole = false, autoclear = false;

	if (!fsm_kernel_knows(type) &&
	    !fsm_loop_backing(st->st_rdev, backing, &whole, &autoclear) &&
	    whole && autoclear && !strstr(*backing, " (deleted)"))
		return -1;
	free(*backing);
	*backing = NULL;
	/* the options as given: without the fstype= we put first */
	r->optstr = opts ? strchr(opts, ',') : NULL;
	if (r->optstr)
		r->optstr++;
	r->target = strdup(r->dir);
	return r->target ? fsm_kernel_mount_device(r, type) : FSM_EX_SYSERR;
}

int main(int argc, char **argv)
{
	const char *alias = NULL, *ns = NULL;
	struct strbuf opts = { 0 };
	struct fsm_req r;
	struct stat st;
	char *self, *backing = NULL;
	const char *prog;
	int ex;

	if (argc > 1 && argv[0] && !strcmp(argv[0], FSIMG_MOUNT_ARGV0)) {
		if (!strcmp(argv[1], "mount"))
			return fsimg_mount_main(argc - 1, argv + 1);
		if (!strcmp(argv[1], "umount"))
			return fsimg_umount_main(argc - 1, argv + 1);
	}
	self = strdup(argv[0] ? argv[0] : "mount.fsimg");
	prog = self ? basename(self) : "mount.fsimg";
	/* mount.iso9660 and friends: the name is the type */
	if (!strncmp(prog, "mount.", 6) && strcmp(prog + 6, "fsimg") && prog[6])
		alias = prog + 6;
	fsm_req_init(&r, prog);
	r.helper = true;
	if (alias) {
		sb_addopt(&opts, "fstype", alias);
		r.optstr = opts.s;
	}
	ex = fsm_parse_cmdline(&r, &opts, &ns, argc, argv);
	if (ex >= 0)
		goto out;
	if (ns) {
		ex = enter_namespace(prog, ns);
		if (ex)
			goto out;
	}
	if (alias && !stat(r.spec, &st) && S_ISBLK(st.st_mode)) {
		ex = alias_device(&r, alias, &st, opts.s, &backing);
		if (ex >= 0)
			goto out;
		r.spec = backing; /* the image behind mount(8)'s loop device */
	}
	ex = fsm_mount(&r);
out:
	fsm_req_free(&r);
	free(backing);
	free(opts.s);
	free(self);
	return ex;
}
