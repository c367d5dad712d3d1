/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg boot: what the image boots (fsimg_bootmenu_read), listed, or the
 * files of one entry fetched.
 *
 *   fsimg boot [-p SPEC] [--json] [--pvboot] IMAGE
 *   fsimg boot [-p SPEC] [--entry=N|ID|TITLE] [--pvboot] --get=DIR IMAGE
 *
 * Without -p every filesystem of the image is read. --get writes three
 * files into the existing directory DIR: kernel, initrd (the entry's
 * initrds concatenated, as GRUB loads several; absent when it has none)
 * and cmdline (the arguments and a newline). A unified kernel image gives
 * its .linux and .initrd sections and the arguments of its .cmdline.
 * Nothing is replaced without
 * -f, and none larger than --output-limit (512 MiB by default: a
 * compressed image could expand far beyond its own size). The files come
 * through get's writer (get.c): the image is parsed
 * only by the confined reader, and the writer checks what it is sent.
 */
#include "get.h"
#include "getwire.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* "2:/boot/vmlinuz", or "/boot/vmlinuz" for the whole image */
static void print_file(const struct fsimg_bootmenu_file *f)
{
	if (f->part[0])
		printf("%s:", f->part);
	fputs(f->path, stdout);
}

static void print_text(const fsimg_bootmenu *m)
{
	unsigned n = fsimg_bootmenu_count(m);

	for (unsigned i = 0; i < n; i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(m, i);

		printf("%s%-3u %s\n", e->is_default ? "*" : " ", e->index,
		       e->title[0] ? e->title : "(untitled)");
		if (e->id[0])
			printf("      id      %s\n", e->id);
		printf("      from    %s", e->source);
		if (e->config[0]) {
			fputs(", ", stdout);
			if (e->config_part[0])
				printf("%s:", e->config_part);
			printf("%s", e->config);
			if (e->line)
				printf(" line %u", e->line);
		}
		putchar('\n');
		if (strcmp(e->kind, "linux"))
			printf("      kind    %s\n", e->kind);
		printf("      kernel  ");
		print_file(&e->kernel);
		putchar('\n');
		for (unsigned k = 0; k < e->ninitrds; k++) {
			printf("      initrd  ");
			print_file(&e->initrds[k]);
			putchar('\n');
		}
		if (e->args[0])
			printf("      args    %s\n", e->args);
	}
}

static void json_file(struct json *j, const struct fsimg_bootmenu_file *f)
{
	json_begin_object(j);
	json_key(j, "partition");
	json_text(j, f->part);
	json_key(j, "path");
	json_string(j, f->path);
	json_end_object(j);
}

static void print_json(const fsimg_bootmenu *m)
{
	unsigned n = fsimg_bootmenu_count(m);
	int d = fsimg_bootmenu_default(m);
	struct json j;

	json_init(&j, stdout, 2);
	json_begin_object(&j);
	json_key(&j, "default");
	if (d >= 0)
		json_int(&j, d);
	else
		json_null(&j);
	json_key(&j, "entries");
	json_begin_array(&j);
	for (unsigned i = 0; i < n; i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(m, i);

		json_begin_object(&j);
		json_key(&j, "index");
		json_uint(&j, e->index);
		json_key(&j, "default");
		json_bool(&j, e->is_default);
		json_key(&j, "title");
		json_string(&j, e->title);
		json_key(&j, "id");
		json_text(&j, e->id);
		json_key(&j, "source");
		json_string(&j, e->source);
		json_key(&j, "kind");
		json_string(&j, e->kind);
		json_key(&j, "config");
		if (e->config[0]) {
			json_begin_object(&j);
			json_key(&j, "partition");
			json_text(&j, e->config_part);
			json_key(&j, "path");
			json_string(&j, e->config);
			json_key(&j, "line");
			json_count(&j, e->line);
			json_end_object(&j);
		} else {
			json_null(&j);
		}
		json_key(&j, "kernel");
		json_file(&j, &e->kernel);
		json_key(&j, "initrds");
		json_begin_array(&j);
		for (unsigned k = 0; k < e->ninitrds; k++)
			json_file(&j, &e->initrds[k]);
		json_end_array(&j);
		json_key(&j, "args");
		json_string(&j, e->args);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

/* -p: one filesystem; none: all of them */
static const char *menu_spec(const struct cli *c)
{
	return strcmp(c->partition, "auto") ? c->partition : NULL;
}

static int read_menu(struct cli *c, fsimg_bootmenu **m)
{
	unsigned logged = c->logged;
	int rc = fsimg_bootmenu_read(c->img, menu_spec(c),
				     c->pvboot ? FSIMG_BOOTMENU_PVBOOT : 0, m);

	if (rc) {
		if (c->logged == logged)
			cli_error(c, NULL, "reading the boot configuration: %s",
				  strerror(-rc));
		return EXIT_IMAGE;
	}
	return 0;
}

static int list_menu(struct cli *c)
{
	fsimg_bootmenu *m;
	int rc = cli_open_image(c);

	if (!rc)
		rc = read_menu(c, &m);
	if (rc)
		return rc;
	if (c->json)
		print_json(m);
	else if (fsimg_bootmenu_count(m))
		print_text(m);
	if (!fsimg_bootmenu_count(m)) {
		cli_error(c, NULL, "no boot entry found");
		rc = EXIT_NOTFOUND;
	}
	fsimg_bootmenu_free(m);
	return rc;
}

/* --- --get: the confined reader ---------------------------------------------
 */

struct boot_get {
	uid_t uid;
	gid_t gid;
	struct timespec mtime; /* of the image file */
	char *buf;
	int out;
	bool gone;
};

/* One part of what a file is made of: a file of the image, or a window. */
struct piece {
	fsimg_file *f;
	uint64_t off, size;
	const char *shown;
};

static bool sent(struct boot_get *b, int rc)
{
	if (rc)
		b->gone = true;
	return !rc;
}

/*
 * Is the file made of pieces larger than --output-limit? Checked for every
 * file of an entry before any is sent: all of them, or none.
 */
static bool too_big(struct cli *c, const char *name, const struct piece *p,
		    unsigned n)
{
	uint64_t size = 0;

	for (unsigned i = 0; i < n; i++)
		size += p[i].size;
	if (size <= c->boot_limit)
		return false;
	cli_error(c, NULL,
		  "%s: %llu bytes, more than --output-limit (%llu): nothing "
		  "written",
		  name, (unsigned long long)size,
		  (unsigned long long)c->boot_limit);
	cli_status(c, EXIT_PARTIAL);
	return true;
}

/* Sends host file name, made of pieces, read in turn. */
static void send_file(struct cli *c, struct boot_get *b, const char *name,
		      const struct piece *p, unsigned n)
{
	struct fsimg_stat st = { 0 };
	uint64_t at = 0;

	st.mode = S_IFREG | 0600;
	st.nlink = 1;
	st.uid = b->uid;
	st.gid = b->gid;
	st.atime = st.mtime = st.ctime = b->mtime;
	for (unsigned i = 0; i < n; i++)
		st.size += p[i].size;
	if (!sent(b, gw_send_entry(b->out, name, name, &st, NULL)))
		return;
	for (unsigned i = 0; i < n && !b->gone; i++) {
		uint64_t done = 0;

		while (done < p[i].size) {
			uint64_t left = p[i].size - done;
			size_t want =
				left < CLI_BUFSIZE ? (size_t)left : CLI_BUFSIZE;
			unsigned logged = c->logged;
			ssize_t got = fsimg_file_read(p[i].f, b->buf, want,
						      p[i].off + done);

			if (got <= 0) {
				if (c->logged == logged)
					cli_error(c, p[i].shown,
						  "reading at byte %llu: %s",
						  (unsigned long long)done,
						  strerror(got ? (int)-got
							       : EIO));
				cli_status(c, EXIT_PARTIAL);
				sent(b, gw_send_eof(b->out, false));
				return;
			}
			if (!sent(b, gw_send_data(b->out, at, b->buf,
						  (size_t)got)))
				return;
			done += (uint64_t)got;
			at += (uint64_t)got;
		}
	}
	sent(b, gw_send_eof(b->out, true));
}

static void send_args(struct boot_get *b, const char *args, size_t len)
{
	struct fsimg_stat st = { 0 };

	st.mode = S_IFREG | 0600;
	st.nlink = 1;
	st.uid = b->uid;
	st.gid = b->gid;
	st.atime = st.mtime = st.ctime = b->mtime;
	st.size = len + 1;
	if (sent(b, gw_send_entry(b->out, "cmdline", "cmdline", &st, NULL)) &&
	    sent(b, gw_send_data(b->out, 0, args, len)) &&
	    sent(b, gw_send_data(b->out, len, "\n", 1)))
		sent(b, gw_send_eof(b->out, true));
}

static int open_piece(struct cli *c, fsimg_bootmenu *m,
		      const struct fsimg_bootmenu_file *f, struct piece *p)
{
	unsigned logged = c->logged;
	int rc = fsimg_bootmenu_open(m, f, &p->f);

	p->shown = f->path;
	if (rc) {
		if (c->logged == logged)
			cli_error(c, f->path, "%s", strerror(-rc));
		return EXIT_NOTFOUND;
	}
	p->off = 0;
	p->size = fsimg_file_size(p->f);
	return 0;
}

/* A section of a unified kernel image; -ENOENT when it has none. */
static int uki_piece(struct cli *c, fsimg_bootmenu *m,
		     const struct fsimg_bootmenu_file *f, const char *section,
		     struct piece *p)
{
	uint64_t off, size;
	int rc = fsimg_bootmenu_section(m, f, section, &off, &size);

	if (rc)
		return rc;
	if (open_piece(c, m, f, p))
		return -EIO;
	p->off = off; /* the section, not the whole file */
	p->size = size;
	return 0;
}

static void send_uki(struct cli *c, struct boot_get *b, fsimg_bootmenu *m,
		     const struct fsimg_bootmenu_entry *e)
{
	struct piece k = { 0 }, r = { 0 };
	unsigned logged = c->logged;
	int rc = uki_piece(c, m, &e->kernel, ".linux", &k);

	if (rc) {
		if (c->logged == logged)
			cli_error(c, e->kernel.path,
				  "no .linux section in this unified kernel "
				  "image");
		cli_status(c, EXIT_IMAGE);
		goto out;
	}
	if (uki_piece(c, m, &e->kernel, ".initrd", &r)) {
		fsimg_file_close(r.f);
		r.f = NULL;
		r.size = 0;
	}
	if (too_big(c, "kernel", &k, 1) || too_big(c, "initrd", &r, 1))
		goto out;
	send_file(c, b, "kernel", &k, 1);
	if (!b->gone && r.f)
		send_file(c, b, "initrd", &r, 1);
	/* the reader took them from .cmdline (or the BLS entry's options) */
	if (!b->gone)
		send_args(b, e->args, strlen(e->args));
out:
	fsimg_file_close(k.f);
	fsimg_file_close(r.f);
}

static void send_entry(struct cli *c, struct boot_get *b, fsimg_bootmenu *m,
		       const struct fsimg_bootmenu_entry *e)
{
	struct piece k = { 0 }, r[64];
	unsigned nr = 0;
	int rc;

	memset(r, 0, sizeof(r));
	rc = open_piece(c, m, &e->kernel, &k);
	for (unsigned i = 0; !rc && i < e->ninitrds && i < 64; i++) {
		rc = open_piece(c, m, &e->initrds[i], &r[i]);
		nr = i + 1;
	}
	if (rc) {
		cli_status(c, rc);
	} else if (!too_big(c, "kernel", &k, 1) &&
		   !too_big(c, "initrd", r, nr)) {
		send_file(c, b, "kernel", &k, 1);
		if (nr && !b->gone)
			send_file(c, b, "initrd", r, nr);
		if (!b->gone)
			send_args(b, e->args, strlen(e->args));
	}
	fsimg_file_close(k.f);
	for (unsigned i = 0; i < nr; i++)
		fsimg_file_close(r[i].f);
}

static int get_reader(struct cli *c, void *arg, int out)
{
	struct boot_get *b = arg;
	const struct fsimg_bootmenu_entry *e;
	fsimg_bootmenu *m;
	int rc, i;

	c->relay = true;
	c->relay_fd = out;
	b->out = out;
	rc = cli_confine(c);
	if (!rc)
		rc = read_menu(c, &m);
	if (rc)
		return rc;
	if (!fsimg_bootmenu_count(m)) {
		cli_error(c, NULL, "no boot entry found");
		fsimg_bootmenu_free(m);
		return EXIT_NOTFOUND;
	}
	i = c->boot_entry ? fsimg_bootmenu_find(m, c->boot_entry)
			  : fsimg_bootmenu_default(m);
	if (i < 0) {
		cli_error(c, NULL, "no boot entry '%s' (see 'fsimg boot %s')",
			  c->boot_entry, c->image_path);
		fsimg_bootmenu_free(m);
		return EXIT_NOTFOUND;
	}
	e = fsimg_bootmenu_entry(m, (unsigned)i);
	if (c->verbose)
		fprintf(stderr, "fsimg: %s: boot entry %d: %s\n", c->image_path,
			i, e->title);
	b->buf = xmalloc(CLI_BUFSIZE);
	if (!strcmp(e->kind, "uki"))
		send_uki(c, b, m, e);
	else
		send_entry(c, b, m, e);
	free(b->buf);
	fsimg_bootmenu_free(m);
	return c->status;
}

static int get_entry(struct cli *c)
{
	struct get g = { .c = c, .root = geteuid() == 0, .topfd = -1 };
	struct dirstate top = { .fd = -1, .rel = "" };
	struct boot_get b = { .uid = geteuid(), .gid = getegid() };
	struct rlimit lim, old;
	struct stat st;
	int rc;

	g.topfd = open(c->boot_get, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g.topfd < 0) {
		cli_error(c, NULL, "destination %s: %s", c->boot_get,
			  strerror(errno));
		return EXIT_DEST;
	}
	if (!stat(c->image_path, &st))
		b.mtime = st.st_mtim;
	g.top_shown = c->boot_get;
	top.fd = g.topfd;
	/*
	 * The reader checks sizes against --output-limit; the writer does
	 * not take its word for it: a longer write fails with EFBIG.
	 */
	lim.rlim_cur = lim.rlim_max = c->boot_limit + 1;
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &old) || old.rlim_max > lim.rlim_max)
		setrlimit(RLIMIT_FSIZE, &lim);
	/* the writer parses nothing: the reader confines itself */
	c->confine = false;
	rc = get_run_reader(&g, &top, get_reader, &b);
	free(g.links);
	free(g.hash);
	close(g.topfd);
	return rc;
}

int cmd_boot(struct cli *c)
{
	if (c->noperands == 1 && c->operands[0][0] >= '0' &&
	    c->operands[0][0] <= '9') {
		cli_error(c, NULL,
			  "El Torito boot images are written by 'fsimg "
			  "eltorito %s %s' now",
			  c->image_path, c->operands[0]);
		return EXIT_USAGE;
	}
	if (c->noperands) {
		cli_error(c, NULL, "boot: unexpected operand '%s'",
			  c->operands[0]);
		return EXIT_USAGE;
	}
	if (c->boot_get)
		return get_entry(c);
	if (c->boot_entry) {
		cli_error(c, NULL, "--entry chooses what --get=DIR fetches");
		return EXIT_USAGE;
	}
	return list_menu(c);
}
