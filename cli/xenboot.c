/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg-xenboot: Xen's pygrub, as a domain's bootloader=, without parsing
 * the guest's disk in a privileged process.
 *
 * The command line, the files and the output are pygrub's (tools/pygrub
 * of Xen 4.17, after XSA-443): libxl runs it as
 *
 *   fsimg-xenboot [--kernel=K] [--ramdisk=R] [--args=A] [--runas=UID -q]
 *       --output=FILE --output-format=simple0 --output-directory=DIR
 *       [bootloader_args...] DISK
 *
 * and reads "kernel PATH", "ramdisk PATH", "args ARGS" from FILE; the
 * kernel and ramdisk are files this program made in DIR.
 *
 * Two processes, as in "fsimg get". This one, the parent, keeps the
 * caller's rights and never reads the disk: it opens the disk read-only,
 * creates the two files (O_EXCL, mode 0600, names that cannot be
 * guessed, never through a symlink), opens FILE, then forks. The child
 * (xenboot_child.c) confines itself before its first read of the disk,
 * reads the boot menu, writes the kernel and ramdisk into the open files
 * (each bounded by --output-limit, enforced by RLIMIT_FSIZE) and reports
 * on a pipe. The parent checks that report (xenboot_wire.c), the sizes of
 * the files against it, and only then writes FILE. On any failure it
 * removes the files it made and exits 1, the child's messages relayed.
 */
#include "xenboot.h"
#include "xenboot_wire.h"
#include "size.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* pygrub's default */
#define DEFAULT_OUTPUT_DIR "/var/run/xen/pygrub"

struct tempfile {
	int fd;
	char name[32];
	bool made;
};

/* What the child reported, copied out of the reader's buffer. */
struct result {
	uint32_t index;
	uint64_t kernel_bytes, ramdisk_bytes;
	struct strbuf title, root, kernel, args, kind, initrds;
	unsigned ninitrds;
};

struct parent {
	struct xb_opts o;
	const char *output; /* --output, NULL for stdout */
	const char *outdir;
	enum xb_format format;
	bool interactive;
	int dirfd, outfd;
	char *absdir; /* the output directory as an absolute path */
	struct tempfile kernel, ramdisk;
	pid_t child;
	bool relayed; /* the child said something */
	struct result res;
	bool have_result, done;
};

static volatile sig_atomic_t got_signal;
static volatile pid_t child_pid;

static void on_signal(int sig)
{
	got_signal = sig;
	if (child_pid > 0)
		kill(child_pid, SIGKILL);
}

static void complain(const struct parent *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "fsimg-xenboot: DISK: message" */
static void complain(const struct parent *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", XB_NAME);
	if (p && p->o.disk)
		fprintf(stderr, "%s: ", p->o.disk);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-q|--quiet] [-i|--interactive] [-l|--list-entries] "
		"[-n|--not-really] [--output=] [--kernel=] [--ramdisk=] "
		"[--args=] [--entry=] [--output-directory=] "
		"[--output-format=sxp|simple|simple0] [--runas=] [--offset=] "
		"[--isconfig] [--debug] [--output-limit=] [--pvboot] <image>\n",
		XB_NAME);
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "Finds the kernel, ramdisk and arguments a Xen guest's disk "
	       "boots, as pygrub\n"
	       "does, parsing the disk only in a confined, unprivileged "
	       "process.\n"
	       "\n"
	       "  -q, --quiet             no menu (there never is one)\n"
	       "  -i, --interactive       accepted; the default entry is "
	       "booted\n"
	       "  -l, --list-entries      list the boot menu and exit\n"
	       "  -n, --not-really        name the files, copy nothing\n"
	       "  --entry=N|TITLE|ID      the entry to boot (\"A>B\": a "
	       "submenu's)\n"
	       "  --kernel=PATH           boot this file of the disk, no "
	       "menu\n"
	       "  --ramdisk=PATH          with --kernel: its ramdisk\n"
	       "  --args=ARGS             appended to the kernel arguments\n"
	       "  --offset=BYTES          only the filesystem starting there\n"
	       "  --output=FILE           where the result goes (- : standard "
	       "output)\n"
	       "  --output-format=FORMAT  sxp (default), simple, simple0\n"
	       "  --output-directory=DIR  where the kernel and ramdisk are "
	       "written\n"
	       "                          (default " DEFAULT_OUTPUT_DIR ")\n"
	       "  --output-limit=BYTES    largest kernel or ramdisk (default "
	       "512M)\n"
	       "  --runas=UID             the user that reads the disk (as "
	       "root)\n"
	       "  --pvboot                prefer /boot/xen/pvboot-ARCH.elf\n"
	       "  --isconfig              DISK is a boot configuration file\n"
	       "  --debug                 say more on standard error\n"
	       "\n"
	       "See fsimg-xenboot(1).\n");
}

/* --- the command line ----------------------------------------------------- */

enum {
	OPT_OUTPUT = 256,
	OPT_FORMAT,
	OPT_DIR,
	OPT_OFFSET,
	OPT_RUNAS,
	OPT_ENTRY,
	OPT_KERNEL,
	OPT_RAMDISK,
	OPT_ARGS,
	OPT_ISCONFIG,
	OPT_DEBUG,
	OPT_LIMIT,
	OPT_PVBOOT,
};

static const struct option options[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "list-entries", no_argument, NULL, 'l' },
	{ "not-really", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "output-format", required_argument, NULL, OPT_FORMAT },
	{ "output-directory", required_argument, NULL, OPT_DIR },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "runas", required_argument, NULL, OPT_RUNAS },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "ramdisk", required_argument, NULL, OPT_RAMDISK },
	{ "args", required_argument, NULL, OPT_ARGS },
	{ "isconfig", no_argument, NULL, OPT_ISCONFIG },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "output-limit", required_argument, NULL, OPT_LIMIT },
	{ "pvboot", no_argument, NULL, OPT_PVBOOT },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct parent *p, int argc, char **argv)
{
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "qilnh::", options, NULL)) != -1) {
		switch (c) {
		case 'q':
			p->interactive = false;
			break;
		case 'i':
			p->interactive = true;
			break;
		case 'l':
			p->o.list = true;
			break;
		case 'n':
			p->o.not_really = true;
			break;
		case 'h':
			help();
			return 0;
		case OPT_OUTPUT:
			p->output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "sxp"))
				p->format = XB_SXP;
			else if (!strcmp(optarg, "simple"))
				p->format = XB_SIMPLE;
			else if (!strcmp(optarg, "simple0"))
				p->format = XB_SIMPLE0;
			else {
				complain(NULL, "unknown output format %s",
					 optarg);
				usage(stderr);
				return 1;
			}
			break;
		case OPT_DIR:
			p->outdir = optarg;
			break;
		case OPT_OFFSET:
			if (parse_size(optarg, false, &p->o.offset)) {
				complain(NULL,
					 "offset value must be an integer");
				usage(stderr);
				return 1;
			}
			p->o.have_offset = true;
			break;
		case OPT_RUNAS:
			if (parse_size(optarg, false, &v) || v >= UINT32_MAX) {
				complain(NULL, "runas value must be an integer "
					       "user id");
				usage(stderr);
				return 1;
			}
			p->o.runas = (uid_t)v;
			break;
		case OPT_ENTRY:
			p->o.entry = optarg;
			/* naming the entry means no menu, as in pygrub */
			p->interactive = false;
			break;
		case OPT_KERNEL:
			p->o.kernel = optarg;
			break;
		case OPT_RAMDISK:
			p->o.ramdisk = optarg;
			break;
		case OPT_ARGS:
			p->o.args = optarg;
			break;
		case OPT_ISCONFIG:
			p->o.isconfig = true;
			break;
		case OPT_DEBUG:
			p->o.debug = true;
			break;
		case OPT_LIMIT:
			if (parse_size(optarg, true, &p->o.limit) ||
			    p->o.limit == 0 || p->o.limit > INT64_MAX) {
				complain(NULL,
					 "--output-limit: '%s' is not a "
					 "size in bytes",
					 optarg);
				return 1;
			}
			break;
		case OPT_PVBOOT:
			p->o.pvboot = true;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	/* libxl puts bootloader_args before the disk, which comes last */
	p->o.disk = argv[argc - 1];
	if (p->o.debug)
		for (int i = optind; i < argc - 1; i++)
			complain(p, "operand '%s' ignored", argv[i]);
	return -1;
}

/* --- files ---------------------------------------------------------------- */

/* Lexical absolute form of dir, as Python's os.path.abspath gives it. */
static char *absolute(const char *dir)
{
	struct strbuf in, out;
	char cwd[PATH_MAX];
	const char *s;

	sb_init(&in);
	if (dir[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd))) {
			sb_free(&in);
			return NULL;
		}
		sb_add(&in, cwd);
		sb_addc(&in, '/');
	}
	sb_add(&in, dir);
	sb_init(&out);
	for (s = in.oom ? "" : in.s; *s;) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = out.s ? strrchr(out.s, '/') : NULL;

			if (slash)
				sb_setlen(&out, (size_t)(slash - out.s));
		} else {
			sb_addc(&out, '/');
			sb_addn(&out, s, n);
		}
		s += n;
	}
	if (!out.len)
		sb_addc(&out, '/');
	sb_free(&in);
	if (out.oom)
		return NULL;
	return out.s;
}

/* mkdir -p, the last component 0700: pygrub's os.makedirs(dir, 0o700) */
static int make_dirs(const char *dir)
{
	char *path = strdup(dir);
	int rc = 0;

	if (!path)
		return -ENOMEM;
	for (char *s = path + 1;; s++) {
		bool last = !*s;

		if (*s != '/' && !last)
			continue;
		*s = 0;
		if (mkdir(path, last ? 0700 : 0777) && errno != EEXIST) {
			rc = -errno;
			break;
		}
		if (last)
			break;
		*s = '/';
	}
	free(path);
	return rc;
}

/* pygrub's tempfile.mkstemp(prefix=...): PREFIX and 8 random characters */
static int make_temp(struct parent *p, struct tempfile *t, const char *prefix)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_";

	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[8];
		size_t n = strlen(prefix);

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		memcpy(t->name, prefix, n);
		for (size_t i = 0; i < sizeof(rnd); i++)
			t->name[n + i] = chars[rnd[i] % (sizeof(chars) - 1)];
		t->name[n + sizeof(rnd)] = 0;
		/* O_EXCL: never an existing file, never through a symlink */
		t->fd = openat(p->dirfd, t->name,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				       O_CLOEXEC | O_NOCTTY,
			       0600);
		if (t->fd >= 0) {
			t->made = true;
			/* exactly 0600, whatever the umask */
			if (fchmod(t->fd, 0600))
				return -errno;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static char *temp_path(const struct parent *p, const struct tempfile *t)
{
	struct strbuf b;

	sb_init(&b);
	sb_add(&b, p->absdir);
	sb_addpath(&b, t->name);
	return b.oom ? NULL : b.s;
}

static void remove_temp(struct parent *p, struct tempfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->made)
		unlinkat(p->dirfd, t->name, 0);
	t->made = false;
}

static int open_disk(struct parent *p)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO must not keep us waiting here */
	fd = open(p->o.disk, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		complain(p, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) ||
	    !(S_ISREG(st.st_mode) || (S_ISBLK(st.st_mode) && !p->o.isconfig))) {
		complain(p, "not a regular file%s",
			 p->o.isconfig ? "" : " or block device");
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	p->o.img_fd = fd;
	return 0;
}

/* The output directory and the two files in it. */
static int make_files(struct parent *p)
{
	const char *dir = p->outdir ? p->outdir : DEFAULT_OUTPUT_DIR;
	int rc;

	if (!p->outdir && (rc = make_dirs(dir))) {
		complain(p, "%s: %s", dir, strerror(-rc));
		return -1;
	}
	p->absdir = absolute(dir);
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!p->absdir || p->dirfd < 0) {
		complain(p, "%s: %s", dir,
			 strerror(p->absdir ? errno : ENOMEM));
		return -1;
	}
	rc = make_temp(p, &p->kernel, "boot_kernel.");
	if (!rc)
		rc = make_temp(p, &p->ramdisk, "boot_ramdisk.");
	if (rc) {
		complain(p, "%s: creating a file: %s", dir, strerror(-rc));
		return -1;
	}
	p->o.kernel_fd = p->kernel.fd;
	p->o.ramdisk_fd = p->ramdisk.fd;
	return 0;
}

/* --- the child's report --------------------------------------------------- */

static void keep_result(struct parent *p, const struct xbw_entry *e)
{
	struct result *r = &p->res;

	r->index = e->index;
	r->kernel_bytes = e->kernel_bytes;
	r->ramdisk_bytes = e->ramdisk_bytes;
	r->ninitrds = e->ninitrds;
	sb_add(&r->title, e->title);
	sb_add(&r->root, e->root);
	sb_add(&r->kernel, e->kernel);
	sb_add(&r->args, e->args);
	sb_add(&r->kind, e->kind);
	xb_join_initrds(&r->initrds, e);
	p->have_result = true;
}

/* Reads the child's stream; 0, or -1 when it broke the protocol (said). */
static int read_report(struct parent *p, int fd)
{
	bool listing = p->o.list && !p->o.isconfig;
	struct xbw_reader r;
	struct xbw_msg m;
	struct strbuf b;
	char err[160];
	int rc;

	if (xbw_reader_init(&r, fd)) {
		complain(p, "out of memory");
		return -1;
	}
	while ((rc = xbw_read(&r, &m, err, sizeof(err))) == 1) {
		sb_init(&b);
		if (m.type == XBW_MSG) {
			xb_add_printable(&b, m.text);
			complain(p, "%s", b.oom ? "?" : b.s);
			p->relayed = true;
		} else if (m.type == XBW_ENTRY && p->o.list) {
			xb_format_entry(&b, &m.e);
			if (!b.oom)
				fputs(b.s, stdout);
		} else if (m.type == XBW_RESULT && !listing) {
			keep_result(p, &m.e);
		} else if (m.type == XBW_DONE && listing) {
			p->done = true;
		} else {
			snprintf(err, sizeof(err), "an unexpected message");
			rc = -1;
		}
		sb_free(&b);
		if (rc < 0)
			break;
	}
	xbw_reader_free(&r);
	if (rc < 0) {
		complain(p, "the confined reader broke the protocol: %s", err);
		return -1;
	}
	return 0;
}

/* The child's end; 0 when it exited 0. */
static int reap(struct parent *p, bool kill_it)
{
	int status;

	if (kill_it)
		kill(p->child, SIGKILL);
	while (waitpid(p->child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	child_pid = 0;
	if (kill_it)
		return -1;
	if (WIFSIGNALED(status)) {
		complain(p, "the confined reader was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -1;
	}
	if (WEXITSTATUS(status)) {
		if (!p->relayed)
			complain(p, "the confined reader failed (status %d)",
				 WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

static int run_child(struct parent *p)
{
	int pipefd[2], bad;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC)) {
		complain(p, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		complain(p, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(pipefd[0]);
		if (p->outfd >= 0)
			close(p->outfd);
		if (p->dirfd >= 0)
			close(p->dirfd);
		/* the child cannot write over the parent's output */
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		p->o.out_fd = pipefd[1];
		_exit(xb_child_main(&p->o));
	}
	child_pid = pid;
	p->child = pid;
	close(pipefd[1]);
	/* the parent never reads the disk */
	close(p->o.img_fd);
	p->o.img_fd = -1;
	if (got_signal)
		kill(pid, SIGKILL);
	bad = read_report(p, pipefd[0]);
	close(pipefd[0]);
	if (got_signal) {
		reap(p, true);
		complain(p, "interrupted by signal %d", (int)got_signal);
		return -1;
	}
	if (reap(p, bad != 0) || bad)
		return -1;
	if (!p->have_result && !p->done) {
		complain(p, "the confined reader ended without a result");
		return -1;
	}
	return 0;
}

/* --- the output ----------------------------------------------------------- */

/* The arguments, as pygrub builds them. */
static void final_args(struct parent *p, struct strbuf *b)
{
	if (p->res.index == XBW_NO_INDEX) {
		/* --kernel: only what the caller gave */
		sb_add(b, p->o.args ? p->o.args : "");
		return;
	}
	sb_add(b, p->res.args.s);
	if (p->o.args && *p->o.args) {
		sb_addc(b, ' ');
		sb_add(b, p->o.args);
	}
}

static int check_size(struct parent *p, struct tempfile *t, uint64_t want,
		      const char *what)
{
	struct stat st;

	if (fstat(t->fd, &st)) {
		complain(p, "the %s file: %s", what, strerror(errno));
		return -1;
	}
	if ((uint64_t)st.st_size != want || want > p->o.limit) {
		complain(p,
			 "the confined reader wrote %llu bytes of %s, but "
			 "reported %llu",
			 (unsigned long long)st.st_size, what,
			 (unsigned long long)want);
		return -1;
	}
	return 0;
}

static void say_choice(struct parent *p)
{
	struct strbuf t;

	if (p->res.index == XBW_NO_INDEX || !(p->interactive || p->o.debug))
		return;
	sb_init(&t);
	xb_add_printable(&t, p->res.title.s);
	if (p->interactive)
		complain(p, "no interactive menu: booting entry %u, '%s'",
			 (unsigned)p->res.index, t.oom ? "?" : t.s);
	else
		complain(p, "booting entry %u, '%s'", (unsigned)p->res.index,
			 t.oom ? "?" : t.s);
	sb_free(&t);
}

/* --isconfig: pygrub prints what it would boot. */
static int print_config(struct parent *p)
{
	struct strbuf b, args;

	sb_init(&b);
	sb_init(&args);
	final_args(p, &args);
	sb_add(&b, "  kernel: ");
	xb_add_printable(&b, p->res.kernel.s);
	if (p->res.ninitrds) {
		sb_add(&b, "\n  initrd: ");
		xb_add_printable(&b, p->res.initrds.s);
	}
	sb_add(&b, "\n  args: ");
	xb_add_printable(&b, args.oom ? "" : args.s);
	sb_addc(&b, '\n');
	if (!b.oom)
		fputs(b.s, stdout);
	sb_free(&b);
	sb_free(&args);
	return fflush(stdout) ? -1 : 0;
}

static int finish(struct parent *p)
{
	struct result *r = &p->res;
	struct strbuf out, args, kernel, ramdisk;
	bool has_ramdisk;
	char err[160];
	int rc = -1;

	sb_init(&out);
	sb_init(&args);
	sb_init(&kernel);
	sb_init(&ramdisk);
	final_args(p, &args);
	if (p->o.not_really) {
		has_ramdisk = r->ninitrds > 0;
		sb_addf(&kernel, "<kernel:%s>", r->kernel.s);
		sb_addf(&ramdisk, "<ramdisk:%s>", r->initrds.s);
	} else {
		char *kp, *rp;

		if (check_size(p, &p->kernel, r->kernel_bytes, "kernel") ||
		    check_size(p, &p->ramdisk, r->ramdisk_bytes, "ramdisk"))
			goto out;
		/* an entry without a ramdisk (or with an empty one) */
		has_ramdisk = r->ninitrds > 0 && r->ramdisk_bytes > 0;
		kp = temp_path(p, &p->kernel);
		rp = temp_path(p, &p->ramdisk);
		if (kp)
			sb_add(&kernel, kp);
		if (rp)
			sb_add(&ramdisk, rp);
		free(kp);
		free(rp);
		if (!kp || !rp)
			kernel.oom = true;
	}
	if (out.oom || args.oom || kernel.oom || ramdisk.oom) {
		complain(p, "out of memory");
		goto out;
	}
	if (xb_format(&out, p->format, kernel.s, has_ramdisk ? ramdisk.s : NULL,
		      args.s, err, sizeof(err))) {
		complain(p, "%s", err);
		goto out;
	}
	if (out.oom || xbw_write_all(p->outfd >= 0 ? p->outfd : STDOUT_FILENO,
				     out.s, out.len)) {
		complain(p, "writing the result to %s: %s",
			 p->output ? p->output : "standard output",
			 out.oom ? strerror(ENOMEM) : strerror(errno));
		goto out;
	}
	if (!p->o.not_really) {
		if (!has_ramdisk)
			remove_temp(p, &p->ramdisk);
		/* kept: the caller owns them now */
		p->kernel.made = false;
		p->ramdisk.made = false;
	}
	say_choice(p);
	rc = 0;
out:
	sb_free(&out);
	sb_free(&args);
	sb_free(&kernel);
	sb_free(&ramdisk);
	return rc;
}

static void free_result(struct result *r)
{
	sb_free(&r->title);
	sb_free(&r->root);
	sb_free(&r->kernel);
	sb_free(&r->args);
	sb_free(&r->kind);
	sb_free(&r->initrds);
}

int main(int argc, char **argv)
{
	struct parent p = {
		.o = { .limit = XB_DEFAULT_LIMIT,
		       .img_fd = -1,
		       .kernel_fd = -1,
		       .ramdisk_fd = -1,
		       .out_fd = -1 },
		.format = XB_SXP,
		.interactive = true, /* pygrub's default: a menu */
		.dirfd = -1,
		.outfd = -1,
		.kernel = { .fd = -1 },
		.ramdisk = { .fd = -1 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct result *r = &p.res;
	bool files;
	int rc = 1;

	sb_init(&r->title);
	sb_init(&r->root);
	sb_init(&r->kernel);
	sb_init(&r->args);
	sb_init(&r->kind);
	sb_init(&r->initrds);
	rc = parse_args(&p, argc, argv);
	if (rc >= 0)
		goto out;
	rc = 1;
	if (p.o.debug)
		setenv("FSIMG_DEBUG", "boot", 0);
	if (p.o.ramdisk && !p.o.kernel)
		complain(&p, "--ramdisk is ignored without --kernel, as pygrub "
			     "does");
	if (p.o.runas && geteuid() != 0 && p.o.debug)
		complain(&p, "--runas ignored: not run as root (the reader "
			     "leaves every privilege all the same)");
	if (p.outdir) {
		struct stat st;

		if (stat(p.outdir, &st) || !S_ISDIR(st.st_mode)) {
			complain(&p, "%s is not an existing directory",
				 p.outdir);
			goto out;
		}
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (open_disk(&p))
		goto out;
	files = !p.o.not_really && !p.o.list && !p.o.isconfig;
	if (files && make_files(&p))
		goto out;
	/* -l and --isconfig print, and leave FILE alone */
	if (p.output && !p.o.list && !p.o.isconfig) {
		p.outfd = open(p.output,
			       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
				       O_NOCTTY,
			       0600);
		if (p.outfd < 0) {
			complain(&p, "%s: %s", p.output, strerror(errno));
			goto out;
		}
	}
	if (run_child(&p))
		goto out;
	if (p.o.list && !p.o.isconfig)
		rc = 0;
	else if (p.o.isconfig)
		rc = print_config(&p) ? 1 : 0;
	else
		rc = finish(&p) ? 1 : 0;
out:
	if (p.o.img_fd >= 0)
		close(p.o.img_fd);
	remove_temp(&p, &p.kernel);
	remove_temp(&p, &p.ramdisk);
	if (p.dirfd >= 0)
		close(p.dirfd);
	if (p.outfd >= 0 && close(p.outfd) && rc == 0) {
		complain(&p, "%s: %s", p.output, strerror(errno));
		rc = 1;
	}
	free(p.absdir);
	free_result(r);
	return rc;
}
