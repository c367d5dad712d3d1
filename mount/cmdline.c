/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two command lines of a mount: mount(8)'s helper contract
 *
 *	mount.fsimg SPEC DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t TYPE]
 *
 * and the fsimg command's
 *
 *	fsimg mount [-fnv] [-p SPEC] [-t TYPE] [-o OPTIONS] IMAGE DIR
 *
 * They differ in -f (mount(8)'s fake, fsimg's foreground), in what only
 * mount(8) passes (-s, -N, -t), in -p and -t (fsimg's spelling of
 * partition= and fstype=, as its other commands take them), in long
 * options and in where -h prints; one parser reads both.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsimg_mount.h"
#include "mhelper.h"

static void usage(const struct fsm_req *r, FILE *out)
{
	if (r->helper) {
		fprintf(out,
			"Usage: %s IMAGE DIR [-sfnv] [-N NAMESPACE] "
			"[-o OPTIONS] [-t TYPE]\n"
			"Normally run by mount(8): mount -t fsimg IMAGE DIR. "
			"See mount.fsimg(8).\n",
			r->prog);
		return;
	}
	fputs("Usage: fsimg mount [-fnv] [-p SPEC] [-t TYPE] [-o OPTIONS] "
	      "IMAGE DIR\n"
	      "Mount a filesystem image (or one partition of it) on DIR.\n"
	      "\n"
	      "  -p SPEC     the partition, as -o partition=SPEC\n"
	      "  -t TYPE     the filesystem type, as -o fstype=TYPE\n"
	      "  -o OPTIONS  comma-separated: partition=, fstype=,\n"
	      "              backend=auto|fuse|kernel, uid=, gid=, umask=,\n"
	      "              dmask=, fmask=, norock, nojoliet, session=,\n"
	      "              allow_other, debug, ro, rw (kernel only), ...\n"
	      "  -f          stay in the foreground until unmounted\n"
	      "  -n          do not record the mount in utab (kernel)\n"
	      "  -v          say which backend is used and why\n"
	      "\n"
	      "See mount.fsimg(8).\n",
	      out);
}

int fsm_parse_cmdline(struct fsm_req *r, struct strbuf *opts, const char **ns,
		      int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "options", required_argument, NULL, 'o' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "partition", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = r->helper ? "sfnvN:o:t:h" : "o:fnvp:t:h";
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts,
				r->helper ? NULL : longopts, NULL)) != -1) {
		switch (c) {
		case 's': /* sloppy: accepted, unknown options still fail */
			break;
		case 'f':
			if (r->helper)
				r->fake = true;
			else
				r->foreground = true;
			break;
		case 'n':
			r->nomtab = true;
			break;
		case 'v':
			r->verbose = true;
			break;
		case 'N':
			*ns = optarg;
			break;
		case 'o': /* repeated -o options add up, as in mount(8) */
			sb_addopt(opts, optarg, NULL);
			r->optstr = opts->s;
			break;
		case 't':
		case 'p':
			/* mount(8) passes -t only for TYPE.SUBTYPE: unused */
			if (c == 't' && r->helper)
				break;
			if (strpbrk(optarg, ",\"")) {
				fprintf(stderr,
					"%s: -%c %s: no comma or quote "
					"allowed\n",
					r->prog, c, optarg);
				return FSM_EX_USAGE;
			}
			sb_addopt(opts, c == 'p' ? "partition" : "fstype",
				  optarg);
			r->optstr = opts->s;
			break;
		case 'h':
			/* mount(8) owns the helper's stdout */
			usage(r, r->helper ? stderr : stdout);
			return FSM_EX_OK;
		default:
			usage(r, stderr);
			return FSM_EX_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(r, stderr);
		return FSM_EX_USAGE;
	}
	if (opts->oom)
		return FSM_EX_SYSERR;
	r->spec = argv[optind];
	r->dir = argv[optind + 1];
	return -1;
}

int fsimg_mount_main(int argc, char **argv)
{
	struct strbuf opts = { 0 };
	struct fsm_req r;
	int ex;

	fsm_req_init(&r, "fsimg mount");
	ex = fsm_parse_cmdline(&r, &opts, NULL, argc, argv);
	if (ex < 0)
		ex = fsm_mount(&r);
	fsm_req_free(&r);
	free(opts.s);
	return ex;
}
