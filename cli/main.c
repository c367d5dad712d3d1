/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg: the command line. Option parsing, subcommand dispatch, opening the
 * image and its filesystem, and every diagnostic the command prints.
 *
 * Messages read "fsimg: IMAGE: PATH: what went wrong". The library explains
 * its own failures through the log callback; the callback adds the image and
 * the path being worked on (c->ctx_path). When a call fails and the library
 * said nothing, cli_path_failed() prints strerror() instead, so every
 * failure is reported exactly once and always names the image and the path.
 */
#include "cli.h"
#include "progress.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "size.h"
#include "fsimg_mount.h"

static const char usage_text[] =
	"Usage: fsimg [OPTION]... COMMAND [OPTION]... IMAGE [ARG]...\n"
	"Read filesystem images straight from image files.\n"
	"\n"
	"Commands:\n"
	"  info [--json] IMAGE           show the image, its filesystem and "
	"boot entries\n"
	"  ls [-l] [-R] [-d] [-L] [--json] IMAGE [PATH]\n"
	"                                list a directory (default /)\n"
	"  cat IMAGE PATH...             write files to standard output\n"
	"  get [-f] [-L] IMAGE PATH... DEST\n"
	"                                extract files and directories\n"
	"  boot [--json] IMAGE           list what the image boots: kernels,\n"
	"                                initrds, arguments, the default\n"
	"  boot [--entry=E] --get=DIR IMAGE\n"
	"                                write that entry's kernel, initrd "
	"and\n"
	"                                cmdline into DIR\n"
	"  eltorito IMAGE N              write El Torito boot image N (as\n"
	"                                numbered by info) to standard output\n"
	"  mount [-p SPEC] [-t TYPE] [-o OPTS] IMAGE DIR\n"
	"                                mount through FUSE or a kernel loop\n"
	"                                mount (see 'fsimg mount --help')\n"
	"  umount DIR|IMAGE              unmount what 'fsimg mount' mounted\n"
	"\n"
	"Options (accepted before or after the command and its operands):\n"
	"  -p, --partition=SPEC  partition or slice to read (default auto)\n"
	"  -t, --type=FSTYPE     filesystem type (default: probe); the types\n"
	"                        are listed below\n"
	"  -o, --options=OPTS    filesystem options (norock, nojoliet,\n"
	"                        session=N, uid=, gid=, umask=, ...)\n"
	"  -l                    ls: long format\n"
	"  -R, --recursive       ls: list every entry below PATH\n"
	"  -d, --directory       ls: list PATH itself, not its entries\n"
	"  -a, --all             ls: accepted; every entry is always listed\n"
	"      --json            info, ls, boot: print JSON\n"
	"  -f, --force           get, boot: replace existing regular files\n"
	"  -L, --dereference     get, ls: follow symlinks (inside the image):\n"
	"                        get writes what they point to under their\n"
	"                        names, ls shows it\n"
	"      --entry=E         boot: the entry to fetch: its number, id,\n"
	"                        title or GRUB menu path (default: the\n"
	"                        default entry)\n"
	"      --get=DIR         boot: fetch the entry's files into DIR\n"
	"      --pvboot          boot: a Xen PV bootloader in the image\n"
	"                        (/boot/xen/pvboot-ARCH.elf) is the default\n"
	"      --output-limit=SIZE  boot --get: the largest file written\n"
	"                        (K, M, G suffixes; default 512M)\n"
	"  -q, --quiet           no warnings, no progress bar\n"
	"  -v, --verbose         say how the parser is confined; get: print\n"
	"                        each path extracted\n"
	"      --no-sandbox      parse without the sandbox (debugging only;\n"
	"                        privileges are left all the same)\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"      --list-types      print each filesystem type and its other\n"
	"                        names, one type a line\n"
	"\n"
	"Exit status: 0 ok, 1 usage, 2 image or filesystem unreadable,\n"
	"3 path not found or of the wrong type, 4 some entries failed,\n"
	"5 destination or output not writable. See fsimg(1).\n";

enum {
	OPT_JSON = 256,
	OPT_LIST_TYPES,
	OPT_NO_SANDBOX,
	OPT_ENTRY,
	OPT_GET,
	OPT_PVBOOT,
	OPT_LIMIT,
};

/* From the driver table: what -t accepts, for --help and --list-types. */
static void print_types(FILE *f, bool list)
{
	const char *const *aliases;
	const char *name;

	if (!list)
		fputs("Filesystem types (-t):\n", f);
	for (unsigned i = 0; (name = fsimg_fs_type_name(i, &aliases)); i++) {
		if (list) {
			fputs(name, f);
			for (unsigned a = 0; aliases[a]; a++)
				fprintf(f, " %s", aliases[a]);
			fputc('\n', f);
			continue;
		}
		fprintf(f, "  %-10s", name);
		for (unsigned a = 0; aliases[a]; a++)
			fprintf(f, "%s%s", a ? ", " : "also ", aliases[a]);
		fputc('\n', f);
	}
}

static const struct option long_options[] = {
	{ "partition", required_argument, NULL, 'p' },
	{ "type", required_argument, NULL, 't' },
	{ "options", required_argument, NULL, 'o' },
	{ "recursive", no_argument, NULL, 'R' },
	{ "directory", no_argument, NULL, 'd' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force", no_argument, NULL, 'f' },
	{ "dereference", no_argument, NULL, 'L' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "list-types", no_argument, NULL, OPT_LIST_TYPES },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "get", required_argument, NULL, OPT_GET },
	{ "pvboot", no_argument, NULL, OPT_PVBOOT },
	{ "output-limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 },
};

struct command {
	const char *name;
	int (*run)(struct cli *c);
	const char *options; /* command-specific option letters; J: --json,
				E: --entry, G: --get, P: --pvboot,
				O: --output-limit */
	int min_operands;    /* after IMAGE */
	int max_operands;    /* -1: any number */
	bool confined;	     /* parses inside the sandbox (confine.h) */
};

static const struct command commands[] = {
	{ "info", cmd_info, "J", 0, 0, true },
	{ "ls", cmd_ls, "lRdaJL", 0, 1, true },
	{ "cat", cmd_cat, "", 1, -1, true },
	{ "get", cmd_get, "fL", 2, -1, false },
	{ "boot", cmd_boot, "JEGPOf", 0, 1, true },
	{ "eltorito", cmd_eltorito, "", 1, 1, true },
};

/* --- command line --------------------------------------------------------- */

static int usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("fsimg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'fsimg --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/*
 * -o OPTS: values add up, joined by commas (an empty one adds nothing).
 * They are the filesystem's options, except partition= and fstype= (or
 * type=), which mount(8) users write there and which mean -p and -t, as
 * in "fsimg mount -o partition=2".
 */
static void add_options(struct cli *c, struct strbuf *b, char *opts)
{
	char *save = NULL;

	/* opts is an argv string, cut in place: what it names stays valid */
	for (char *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "partition=", 10))
			c->partition = o + 10;
		else if (!strncmp(o, "fstype=", 7))
			c->fstype = o + 7;
		else if (!strncmp(o, "type=", 5))
			c->fstype = o + 5;
		else
			sb_addopt(b, o, NULL);
	}
	if (b->len)
		sb_checked(b);
}

/*
 * "fsimg mount" and "fsimg umount" are run by mount.fsimg, which links
 * libfuse and libmount so that this program does not (the calling
 * convention is in mount/fsimg_mount.h). The one next to this program
 * comes first: the build tree keeps a link to it there, and an install
 * that puts both in one directory finds its own. Otherwise the one in
 * the configured mount helper directory. exec keeps the caller's
 * identity and ambient capabilities, and the exit code is the helper's.
 */
static int run_mount(char **argv)
{
#ifdef FSIMG_MOUNT_HELPER
	char self[PATH_MAX], *slash, *near = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int saverr;

	argv[0] = (char *)FSIMG_MOUNT_ARGV0;
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash &&
		    asprintf(&near, "%.*s/mount.fsimg", (int)(slash - self),
			     self) > 0 &&
		    !access(near, X_OK))
			execv(near, argv);
		free(near);
	}
	execv(FSIMG_MOUNT_HELPER, argv);
	saverr = errno;
	fprintf(stderr, "fsimg %s: cannot run %s: %s\n", argv[1],
		FSIMG_MOUNT_HELPER, strerror(saverr));
	return FSM_EX_SYSERR;
#else
	fprintf(stderr,
		"fsimg %s: this fsimg was built without mount support "
		"(FUSE and libmount)\n",
		argv[1]);
	return FSM_EX_USAGE;
#endif
}

static const char *option_name(int opt)
{
	switch (opt) {
	case 'l':
		return "-l";
	case 'R':
		return "-R";
	case 'd':
		return "-d";
	case 'a':
		return "-a";
	case 'f':
		return "-f";
	case 'E':
		return "--entry";
	case 'G':
		return "--get";
	case 'P':
		return "--pvboot";
	case 'L':
		return "-L";
	case 'O':
		return "--output-limit";
	default:
		return "--json";
	}
}

/*
 * "fsimg -p 2 mount IMAGE DIR": -p, -t, -o and -v given before mount are
 * the same options of mount (and -v of umount).
 * When argv is of that form, moves the command word to argv[1] and
 * returns true; otherwise leaves argv alone.
 */
static bool mount_after_options(int argc, char **argv)
{
	int i = 1;

	while (i < argc) {
		const char *a = argv[i];

		if (!strcmp(a, "mount") || !strcmp(a, "umount"))
			break;
		if (!strcmp(a, "-p") || !strcmp(a, "-t") || !strcmp(a, "-o"))
			i += 2;
		else if ((a[0] == '-' && strchr("pto", a[1]) && a[1] && a[2]) ||
			 !strncmp(a, "--partition=", 12) ||
			 !strncmp(a, "--type=", 7) ||
			 !strncmp(a, "--options=", 10) || !strcmp(a, "-v") ||
			 !strcmp(a, "--verbose"))
			i++;
		else
			return false;
	}
	if (i >= argc || i == 1)
		return false;
	/* umount takes -v only (its -l is not ours) */
	if (!strcmp(argv[i], "umount"))
		for (int k = 1; k < i; k++)
			if (strcmp(argv[k], "-v") &&
			    strcmp(argv[k], "--verbose"))
				return false;
	/* the command word first, the options after it, in their order */
	char *cmd = argv[i];

	for (; i > 1; i--)
		argv[i] = argv[i - 1];
	argv[1] = cmd;
	return true;
}

int main(int argc, char **argv)
{
	struct cli c = { .partition = "auto",
			 .relay_fd = -1,
			 .boot_limit = CLI_BOOT_LIMIT };
	struct strbuf options = { 0 };
	const struct command *cmd = NULL;
	char used[16] = "";
	size_t nused = 0;
	int opt, rc, first;

	/*
	 * mount and umount take mount(8)'s options (-o, -v, -f mean other
	 * things there) and return mount(8)'s exit codes: hand them over
	 * before our own option parsing.
	 */
	if (argc > 1 &&
	    (!strcmp(argv[1], "mount") || !strcmp(argv[1], "umount")))
		return run_mount(argv);
	if (mount_after_options(argc, argv))
		return run_mount(argv);

	/* A reader that goes away early is not an error (cli_flush_stdout). */
	signal(SIGPIPE, SIG_IGN);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:t:o:lRdafLqvhV", long_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
			c.partition = optarg;
			break;
		case 't':
			c.fstype = optarg;
			break;
		case 'o':
			add_options(&c, &options, optarg);
			break;
		case 'l':
		case 'R':
		case 'd':
		case 'a':
		case 'f':
		case 'L':
		case OPT_JSON:
			if (nused < sizeof(used) - 1 &&
			    !strchr(used, opt == OPT_JSON ? 'J' : opt))
				used[nused++] =
					opt == OPT_JSON ? 'J' : (char)opt;
			c.long_fmt |= opt == 'l';
			c.recursive |= opt == 'R';
			c.directory |= opt == 'd';
			c.force |= opt == 'f';
			c.dereference |= opt == 'L';
			c.json |= opt == OPT_JSON;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'v':
			c.verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			putchar('\n');
			print_types(stdout, false);
			return EXIT_OK;
		case OPT_NO_SANDBOX:
			setenv("FSIMG_SANDBOX", "0", 1);
			break;
		case OPT_ENTRY:
		case OPT_GET:
		case OPT_PVBOOT:
		case OPT_LIMIT: {
			char letter = opt == OPT_ENTRY	 ? 'E'
				      : opt == OPT_GET	 ? 'G'
				      : opt == OPT_LIMIT ? 'O'
							 : 'P';

			if (nused < sizeof(used) - 1 && !strchr(used, letter))
				used[nused++] = letter;
			if (opt == OPT_LIMIT &&
			    (parse_size(optarg, true, &c.boot_limit) ||
			     !c.boot_limit))
				return usage_error("--output-limit: '%s' is "
						   "not a size",
						   optarg);
			if (opt == OPT_ENTRY)
				c.boot_entry = optarg;
			else if (opt == OPT_GET)
				c.boot_get = optarg;
			else if (opt == OPT_PVBOOT)
				c.pvboot = true;
			break;
		}
		case OPT_LIST_TYPES:
			print_types(stdout, true);
			return EXIT_OK;
		case 'V':
			printf("fsimg %s (libfsimg %s)\n", FSIMG_VERSION,
			       fsimg_version());
			return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'",
						   optopt);
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}

	c.options = options.s; /* NULL when no -o was given */
	first = optind;
	if (first >= argc)
		return usage_error("no command given");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[first], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", argv[first]);
	for (size_t i = 0; i < nused; i++)
		if (!strchr(cmd->options, used[i]))
			return usage_error("option '%s' does not apply to '%s'",
					   option_name(used[i] == 'J'
							       ? OPT_JSON
							       : used[i]),
					   cmd->name);
	if (c.boot_get && !*c.boot_get)
		return usage_error("--get wants a directory");
	if (first + 1 >= argc)
		return usage_error("%s: no image given", cmd->name);
	c.command = cmd->name;
	c.confine = cmd->confined;
	c.broker = -1;
	c.image_path = argv[first + 1];
	c.operands = argv + first + 2;
	c.noperands = argc - first - 2;
	if (c.noperands < cmd->min_operands)
		return usage_error("%s: missing operand", cmd->name);
	if (cmd->max_operands >= 0 && c.noperands > cmd->max_operands)
		return usage_error("%s: too many operands", cmd->name);
	if (!*c.partition)
		return usage_error("-p wants a partition spec");

	rc = cmd->run(&c);
	cli_status(&c, rc);
	cli_flush_stdout(&c);
	if (c.fs)
		fsimg_fs_close(c.fs);
	if (c.img)
		fsimg_image_close(c.img);
	free(c.options);
	return c.status;
}
