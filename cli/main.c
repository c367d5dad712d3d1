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
	"  ls [-lRdLhn] [--json] IMAGE [PATH]\n"
	"                                list a directory (default /)\n"
	"  cat IMAGE PATH...             write files to standard output\n"
	"  get [-f] [-L] IMAGE PATH... DEST\n"
	"                                extract files and directories\n"
	"  find IMAGE [PATH]... [EXPRESSION]\n"
	"                                list the entries below PATH that\n"
	"                                match (-name, -type, -size, ...)\n"
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
	"  help [COMMAND]                this help, or a command's\n"
	"\n"
	"Options of every command (before or after the command and its\n"
	"operands):\n"
	"  -p, --partition=SPEC  partition or slice to read (default auto)\n"
	"  -t, --type=FSTYPE     filesystem type (default: probe); the types\n"
	"                        are listed below\n"
	"  -o, --options=OPTS    filesystem options (norock, nojoliet,\n"
	"                        session=N, uid=, gid=, umask=, ...);\n"
	"                        partition= and fstype= mean -p and -t\n"
	"  -q, --quiet           no warnings, no progress bar\n"
	"  -v, --verbose         say how the parser is confined; get: print\n"
	"                        each path extracted\n"
	"      --no-sandbox      parse without the sandbox (debugging only;\n"
	"                        privileges are left all the same)\n"
	"  -h, --help            show this help; after a command, that\n"
	"                        command's help ('fsimg ls --help')\n"
	"  -V, --version         show the version\n"
	"      --list-types      print each filesystem type and its other\n"
	"                        names, one type a line\n"
	"\n"
	"In PATH operands of cat and get, * ? and [...] match names inside\n"
	"the image as the shell does (quote them from the shell).\n"
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
	OPT_HELP,
	OPT_HUMAN,
	OPT_TIME_STYLE,
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
	{ "human-readable", no_argument, NULL, OPT_HUMAN },
	{ "numeric-uid-gid", no_argument, NULL, 'n' },
	{ "time-style", required_argument, NULL, OPT_TIME_STYLE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ "list-types", no_argument, NULL, OPT_LIST_TYPES },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "get", required_argument, NULL, OPT_GET },
	{ "pvboot", no_argument, NULL, OPT_PVBOOT },
	{ "output-limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 },
};

/*
 * The options of one command are letters: its own short options, and
 * J --json, E --entry, G --get, P --pvboot, O --output-limit, H -h or
 * --human-readable (ls), T --time-style.
 */
struct command {
	const char *name;
	int (*run)(struct cli *c);
	const char *options; /* the command's own option letters */
	int min_operands;    /* after IMAGE */
	int max_operands;    /* -1: any number */
	bool confined;	     /* parses inside the sandbox (confine.h) */
	bool expression;     /* find: options stop at IMAGE, which is
				followed by operands and tests of its own */
	const char *help;
};

static const struct command commands[] = {
	{ "info", cmd_info, "J", 0, 0, true, false,
	  "Usage: fsimg info [--json] IMAGE\n"
	  "Show the image: its container, partition table, partitions,\n"
	  "filesystems (type, label, size, details) and El Torito boot\n"
	  "images.\n"
	  "\n"
	  "      --json      print JSON (its schema is in fsimg(1))\n" },
	{ "ls", cmd_ls, "lRdaJLHnT", 0, 1, true, false,
	  "Usage: fsimg ls [OPTION]... IMAGE [PATH]\n"
	  "List the directory PATH of the image (default /), or PATH\n"
	  "itself when it is not a directory.\n"
	  "\n"
	  "  -l                    long format: mode, links, owner, group,\n"
	  "                        size, time and name\n"
	  "  -h, --human-readable  sizes as 1.5K, 23M, 4.0G (powers of 1024)\n"
	  "  -n, --numeric-uid-gid long format; owners are always shown as\n"
	  "                        the image's numbers, never host names\n"
	  "      --time-style=STYLE  full-iso, long-iso, iso, locale or\n"
	  "                        +FORMAT (strftime), in the local time\n"
	  "                        zone as ls(1); the default is\n"
	  "                        YYYY-MM-DD HH:MM:SS in UTC\n"
	  "  -R, --recursive       list every entry below PATH, by full path\n"
	  "  -d, --directory       list PATH itself, not its entries\n"
	  "  -a, --all             accepted: every entry is always listed\n"
	  "  -L, --dereference     show what symlinks point to (resolved\n"
	  "                        inside the image)\n"
	  "      --json            print JSON (its schema is in fsimg(1))\n" },
	{ "cat", cmd_cat, "", 1, -1, true, false,
	  "Usage: fsimg cat IMAGE PATH...\n"
	  "Write the files PATH of the image to standard output, in order.\n"
	  "Symlinks are followed inside the image; * ? and [...] in PATH\n"
	  "match names as the shell does.\n" },
	{ "get", cmd_get, "fL", 2, -1, false, false,
	  "Usage: fsimg get [-f] [-L] IMAGE PATH... DEST\n"
	  "Extract files and directories from the image: into DEST when it\n"
	  "is a directory, else as the new name DEST of a single PATH.\n"
	  "* ? and [...] in PATH match names as the shell does.\n"
	  "\n"
	  "  -f, --force        replace existing regular files\n"
	  "  -L, --dereference  extract what symlinks point to (resolved\n"
	  "                     inside the image) under the links' names\n"
	  "  -v, --verbose      print each path extracted\n" },
	{ "find", cmd_find, "L", 0, -1, true, true,
	  "Usage: fsimg find [-L] IMAGE [PATH]... [EXPRESSION]\n"
	  "Print PATH (default /) and every entry below it that passes all\n"
	  "the tests of EXPRESSION, one path a line, as find(1) does.\n"
	  "\n"
	  "Tests (all must pass):\n"
	  "  -name GLOB         the name matches GLOB (* ? [...])\n"
	  "  -iname GLOB        the same, ignoring case\n"
	  "  -path GLOB         the whole path matches (* matches / too)\n"
	  "  -type T            f d l b c p s, or several: -type f,l\n"
	  "  -size [+-]N[bckMG] the size in units, rounded up (b: 512\n"
	  "                     bytes, the default): +N more, -N less\n"
	  "  -empty             an empty file or directory\n"
	  "  -not, !            the next test must fail\n"
	  "Options:\n"
	  "  -maxdepth N        descend at most N levels below PATH\n"
	  "  -mindepth N        print nothing above level N\n"
	  "  -print0            end each path with a NUL, not a newline\n"
	  "  -L                 follow symlinks (inside the image)\n" },
	{ "boot", cmd_boot, "JEGPOf", 0, 1, true, false,
	  "Usage: fsimg boot [--json] IMAGE\n"
	  "       fsimg boot [--entry=E] [--pvboot] --get=DIR IMAGE\n"
	  "List what the image boots (kernels, initrds, arguments, the\n"
	  "default), from GRUB, BLS, menu.lst, extlinux and installer\n"
	  "trees, or fetch one entry's files.\n"
	  "\n"
	  "      --json       print JSON (its schema is in fsimg(1))\n"
	  "      --entry=E    the entry to fetch: its number, id, title or\n"
	  "                   GRUB menu path (default: the default entry)\n"
	  "      --get=DIR    write the entry's kernel, initrd and cmdline\n"
	  "                   into the existing directory DIR\n"
	  "      --pvboot     a Xen PV bootloader in the image\n"
	  "                   (/boot/xen/pvboot-ARCH.elf) is the default\n"
	  "      --output-limit=SIZE  the largest file written (K, M, G\n"
	  "                   suffixes; default 512M)\n"
	  "  -f, --force      replace existing files in DIR\n" },
	{ "eltorito", cmd_eltorito, "", 1, 1, true, false,
	  "Usage: fsimg eltorito IMAGE N\n"
	  "Write El Torito boot image N (as numbered by 'fsimg info') to\n"
	  "standard output.\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void command_help(const struct command *cmd)
{
	fputs(cmd->help, stdout);
	fputs("\nOptions of every command: -p SPEC, -t TYPE, -o OPTS, -q, -v,\n"
	      "--no-sandbox (see 'fsimg --help'). See fsimg(1).\n",
	      stdout);
}

static void global_help(void)
{
	fputs(usage_text, stdout);
	putchar('\n');
	print_types(stdout, false);
}

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

/* The option a letter of struct command stands for, for messages. */
static const char *option_name(char letter)
{
	static const struct {
		char letter;
		const char *name;
	} names[] = {
		{ 'l', "-l" },
		{ 'R', "-R" },
		{ 'd', "-d" },
		{ 'a', "-a" },
		{ 'f', "-f" },
		{ 'L', "-L" },
		{ 'n', "-n" },
		{ 'H', "-h (--human-readable)" },
		{ 'J', "--json" },
		{ 'E', "--entry" },
		{ 'G', "--get" },
		{ 'P', "--pvboot" },
		{ 'O', "--output-limit" },
		{ 'T', "--time-style" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].letter == letter)
			return names[i].name;
	return "?";
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

/* What parsing the options found, beyond struct cli. */
struct parse {
	struct cli *c;
	struct strbuf options;	   /* -o values */
	const struct command *cmd; /* NULL before the command word */
	char used[24];		   /* letters of command options given */
	size_t nused;
};

static void mark_used(struct parse *ps, char letter)
{
	if (ps->nused < sizeof(ps->used) - 1 && !strchr(ps->used, letter))
		ps->used[ps->nused++] = letter;
}

static int show_help(const struct parse *ps)
{
	if (ps->cmd)
		command_help(ps->cmd);
	else
		global_help();
	return EXIT_OK;
}

/*
 * One option from getopt_long(). Returns -1 to go on, or the exit status
 * when the option ends the program (help, version, a usage error).
 */
static int take_option(struct parse *ps, int opt, char **argv)
{
	struct cli *c = ps->c;

	switch (opt) {
	case 'p':
		c->partition = optarg;
		return -1;
	case 't':
		c->fstype = optarg;
		return -1;
	case 'o':
		add_options(c, &ps->options, optarg);
		return -1;
	case 'q':
		c->quiet = true;
		return -1;
	case 'v':
		c->verbose = true;
		return -1;
	case 'h':
		/* ls -h is ls(1)'s: sizes; elsewhere it is help */
		if (ps->cmd && !strcmp(ps->cmd->name, "ls")) {
			opt = OPT_HUMAN;
			break;
		}
		return show_help(ps);
	case OPT_HELP:
		return show_help(ps);
	case 'V':
		printf("fsimg %s (libfsimg %s)\n", FSIMG_VERSION,
		       fsimg_version());
		return EXIT_OK;
	case OPT_LIST_TYPES:
		print_types(stdout, true);
		return EXIT_OK;
	case OPT_NO_SANDBOX:
		setenv("FSIMG_SANDBOX", "0", 1);
		return -1;
	case ':':
		return usage_error("option '%s' needs an argument",
				   argv[optind - 1]);
	case '?':
		if (optopt)
			return usage_error("unknown option '-%c'", optopt);
		return usage_error("unknown option '%s'", argv[optind - 1]);
	default:
		break;
	}

	/* the options of one command or another */
	switch (opt) {
	case 'l':
	case 'R':
	case 'd':
	case 'a':
	case 'f':
	case 'L':
	case 'n':
		mark_used(ps, (char)opt);
		c->long_fmt |= opt == 'l' || opt == 'n';
		c->recursive |= opt == 'R';
		c->directory |= opt == 'd';
		c->force |= opt == 'f';
		c->dereference |= opt == 'L';
		break;
	case OPT_JSON:
		mark_used(ps, 'J');
		c->json = true;
		break;
	case OPT_HUMAN:
		mark_used(ps, 'H');
		c->human = true;
		break;
	case OPT_TIME_STYLE:
		mark_used(ps, 'T');
		if (!time_style_valid(optarg))
			return usage_error(
				"--time-style: '%s' is not full-iso, long-iso, "
				"iso, locale or +FORMAT",
				optarg);
		c->time_style = optarg;
		break;
	case OPT_ENTRY:
		mark_used(ps, 'E');
		c->boot_entry = optarg;
		break;
	case OPT_GET:
		mark_used(ps, 'G');
		c->boot_get = optarg;
		break;
	case OPT_PVBOOT:
		mark_used(ps, 'P');
		c->pvboot = true;
		break;
	case OPT_LIMIT:
		mark_used(ps, 'O');
		if (parse_size(optarg, true, &c->boot_limit) || !c->boot_limit)
			return usage_error("--output-limit: '%s' is not a size",
					   optarg);
		break;
	default:
		return usage_error("unknown option '%s'", argv[optind - 1]);
	}
	return -1;
}

/* "fsimg help [COMMAND]" */
static int run_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 3) {
		global_help();
		return EXIT_OK;
	}
	if (argc > 3)
		return usage_error("help: too many operands");
	if (!strcmp(argv[2], "mount") || !strcmp(argv[2], "umount")) {
		char *args[] = { argv[0], argv[2], (char *)"--help", NULL };

		return run_mount(args);
	}
	cmd = find_command(argv[2]);
	if (!cmd)
		return usage_error("help: unknown command '%s'", argv[2]);
	command_help(cmd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli c = { .partition = "auto",
			 .relay_fd = -1,
			 .boot_limit = CLI_BOOT_LIMIT };
	struct parse ps = { .c = &c };
	const struct command *cmd;
	char **sub;
	int opt, rc, first, nsub;

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
	if (argc > 1 && !strcmp(argv[1], "help"))
		return run_help(argc, argv);

	/* A reader that goes away early is not an error (cli_flush_stdout). */
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Two passes. Options before the command word (any command's, with
	 * -h meaning help), up to that word; then the command's own, which
	 * may follow its operands too, with -h meaning what it means there.
	 */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:p:t:o:lRdafLnqvhV",
				  long_options, NULL)) != -1) {
		rc = take_option(&ps, opt, argv);
		if (rc >= 0)
			return rc;
	}
	first = optind;
	if (first >= argc)
		return usage_error("no command given");
	cmd = find_command(argv[first]);
	if (!cmd) {
		if (!strcmp(argv[first], "mount") ||
		    !strcmp(argv[first], "umount"))
			return usage_error("only -p, -t, -o and -v may come "
					   "before '%s'",
					   argv[first]);
		return usage_error("unknown command '%s'", argv[first]);
	}
	ps.cmd = cmd;
	sub = argv + first;
	nsub = argc - first;
	optind = 0; /* restart getopt on sub, from sub[1] */
	while ((opt = getopt_long(nsub, sub,
				  cmd->expression ? "+:p:t:o:lRdafLnqvhV"
						  : ":p:t:o:lRdafLnqvhV",
				  long_options, NULL)) != -1) {
		rc = take_option(&ps, opt, sub);
		if (rc >= 0)
			return rc;
	}

	c.options = ps.options.s; /* NULL when no -o was given */
	for (size_t i = 0; i < ps.nused; i++)
		if (!strchr(cmd->options, ps.used[i]))
			return usage_error("option '%s' does not apply to '%s'",
					   option_name(ps.used[i]), cmd->name);
	if (c.boot_get && !*c.boot_get)
		return usage_error("--get wants a directory");
	if (optind >= nsub)
		return usage_error("%s: no image given", cmd->name);
	c.command = cmd->name;
	c.confine = cmd->confined;
	c.broker = -1;
	c.image_path = sub[optind];
	c.operands = sub + optind + 1;
	c.noperands = nsub - optind - 1;
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
