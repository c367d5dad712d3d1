/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fsimg command's shared state: diagnostics, exit status, memory
 * helpers and opening the image, for every subcommand (and for both
 * processes of "get", see get.c).
 */
#include "cli.h"
#include "broker.h"
#include "confine.h"
#include "getwire.h"
#include "progress.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- diagnostics ------------------------------------------------------ */

static int status_rank(int status)
{
	switch (status) {
	case EXIT_OK:
		return 0;
	case EXIT_PARTIAL:
		return 1;
	case EXIT_NOTFOUND:
		return 2;
	case EXIT_DEST:
		return 3;
	case EXIT_IMAGE:
		return 4;
	default:
		return 5;
	}
}

void cli_status(struct cli *c, int status)
{
	if (c->mute)
		return;
	if (status_rank(status) > status_rank(c->status))
		c->status = status;
}

/* Control characters from hostile images must not reach the terminal. */
static void put_sanitized(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, stderr);
	}
}

static void vmessage(struct cli *c, const char *path, const char *fmt,
		     va_list ap) CLI_PRINTF(3, 0);

static void vmessage(struct cli *c, const char *path, const char *fmt,
		     va_list ap)
{
	char *msg = NULL;

	if (c && c->mute)
		return;
	if (c && c->progress)
		progress_clear(c->progress);
	fflush(stdout);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (c && c->relay) {
		char *line = NULL;

		/* the writer prints it: "fsimg: " and sanitized there */
		if (asprintf(&line, "%s: %s%s%s", c->image_path,
			     path ? path : "", path ? ": " : "",
			     msg ? msg : fmt) >= 0) {
			if (gw_send_msg(c->relay_fd, line))
				c->relay = false; /* the writer is gone */
			free(line);
		}
		free(msg);
		return;
	}
	fputs("fsimg: ", stderr);
	if (c && c->image_path) {
		put_sanitized(c->image_path);
		fputs(": ", stderr);
	}
	if (path) {
		put_sanitized(path);
		fputs(": ", stderr);
	}
	put_sanitized(msg ? msg : fmt);
	fputc('\n', stderr);
	free(msg);
}

void cli_relay(struct cli *c, const char *text)
{
	if (c->mute)
		return;
	if (c->progress)
		progress_clear(c->progress);
	fflush(stdout);
	fputs("fsimg: ", stderr);
	put_sanitized(text);
	fputc('\n', stderr);
}

void cli_error(struct cli *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, path, fmt, ap);
	va_end(ap);
}

void cli_warn(struct cli *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vmessage(c, path, fmt, ap);
	va_end(ap);
}

int cli_path_status(int rc)
{
	switch (-rc) {
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return EXIT_NOTFOUND;
	default:
		return EXIT_PARTIAL;
	}
}

void cli_path_failed(struct cli *c, const char *path, int rc, unsigned logged)
{
	if (c->logged == logged)
		cli_error(c, path, "%s", strerror(-rc));
	cli_status(c, cli_path_status(rc));
}

static void log_cb(void *ctx, int err, const char *msg)
{
	struct cli *c = ctx;

	if (!err) { /* a warning: the operation goes on */
		cli_warn(c, c->ctx_path, "%s", msg);
		return;
	}
	c->logged++;
	cli_error(c, c->ctx_path, "%s", msg);
}

void cli_oom(void)
{
	fputs("fsimg: out of memory\n", stderr);
	exit(EXIT_PARTIAL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cli_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cli_oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		cli_oom();
	return p;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void cli_flush_stdout(struct cli *c)
{
	int err;

	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	err = errno;
	if (err == EPIPE) {
		c->stdout_broken = true;
		return;
	}
	cli_error(c, NULL, "writing standard output: %s",
		  strerror(err ? err : EIO));
	cli_status(c, EXIT_DEST);
}

/* --- opening ------------------------------------------------------------ */

/*
 * Between opening the image and reading it: from here on this process
 * holds no privilege and can only read the image and write its output
 * (common/confine.c). It needs no file after that: times are printed in
 * UTC, so not even the time zone.
 */
int cli_confine(struct cli *c)
{
	struct confine_opts o = { .role = CONFINE_PARSE };
	struct confine_state st;
	char err[256];
	int rc;

	if (c->broker < 0 && fsimg_image_backing_allowed(c->img)) {
		/* files the image names are opened by a parent left as is */
		rc = broker_fork(c->image_path, true, &c->broker);
		if (rc) {
			cli_error(c, NULL, "cannot start the broker: %s",
				  strerror(-rc));
			return EXIT_IMAGE;
		}
		fsimg_image_set_opener(c->img, broker_open,
				       (void *)(intptr_t)c->broker);
		o.broker = true;
		o.broker_fd = c->broker;
	}
	if (confine_apply(&o, &st, err, sizeof(err))) {
		cli_error(c, NULL, "cannot confine the parser: %s", err);
		return EXIT_IMAGE;
	}
	if (c->verbose) {
		confine_describe(&st, err, sizeof(err));
		fprintf(stderr, "fsimg: %s: sandbox: %s\n", c->image_path, err);
	}
	return 0;
}

int cli_open_image(struct cli *c)
{
	int rc = fsimg_image_open(c->image_path, 0, &c->img);

	if (rc) {
		if (rc == -EISDIR)
			cli_error(c, NULL, "is a directory, not an image file");
		else if (rc == -EINVAL)
			cli_error(c, NULL,
				  "not a regular file or block device");
		else
			cli_error(c, NULL, "%s", strerror(-rc));
		return EXIT_IMAGE;
	}
	fsimg_image_set_log(c->img, log_cb, c);
	if (fsimg_image_set_options(c->img, c->options))
		return EXIT_USAGE;
	if (!c->confine) /* get's writer: it never reads the image */
		return 0;
	rc = cli_confine(c);
	/* a container is found (parsed) only now, confined */
	if (!rc && !fsimg_image_format(c->img))
		rc = EXIT_IMAGE;
	return rc;
}

int cli_open_fs(struct cli *c)
{
	struct fsimg_location loc;
	unsigned logged = c->logged;
	int rc;

	rc = fsimg_locate(c->img, c->partition, c->fstype, &loc);
	if (rc) {
		if (c->logged == logged)
			cli_error(c, NULL, "partition '%s': %s", c->partition,
				  strerror(-rc));
		return EXIT_IMAGE;
	}
	c->part_offset = loc.offset;
	c->part_length = loc.length;
	c->part_volume = loc.volume;
	logged = c->logged;
	rc = fsimg_fs_open_location(c->img, &loc, c->options, &c->fs);
	if (rc) {
		if (c->logged == logged)
			cli_error(c, NULL,
				  "cannot open the filesystem at byte %llu: %s",
				  (unsigned long long)c->part_offset,
				  strerror(-rc));
		return EXIT_IMAGE;
	}
	return 0;
}

int cli_open(struct cli *c)
{
	int rc = cli_open_image(c);

	return rc ? rc : cli_open_fs(c);
}
