/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg cat: file contents to standard output. Symlinks inside the image are
 * followed (within the image); a directory or a device is an error for that
 * operand and the others are still written.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Returns false when standard output is gone and nothing more can be done. */
static bool cat_one(struct cli *c, const char *path, char *buf)
{
	struct fsimg_stat st;
	unsigned logged = c->logged;
	fsimg_file *f = NULL;
	fsimg_ino ino;
	uint64_t off = 0, size;
	bool go_on = true;
	int rc;

	c->ctx_path = path;
	rc = fsimg_resolve(c->fs, path, 0, &ino, &st);
	if (rc) {
		cli_path_failed(c, path, rc, logged);
		goto out;
	}
	if (S_ISDIR(st.mode)) {
		cli_path_failed(c, path, -EISDIR, c->logged);
		goto out;
	}
	if (!S_ISREG(st.mode)) {
		cli_error(c, path, "not a regular file");
		cli_status(c, EXIT_NOTFOUND);
		goto out;
	}
	logged = c->logged;
	rc = fsimg_file_open(c->fs, ino, &f);
	if (rc) {
		cli_path_failed(c, path, rc, logged);
		cli_status(c, EXIT_PARTIAL);
		goto out;
	}
	size = fsimg_file_size(f);
	while (off < size) {
		size_t want = size - off < CLI_BUFSIZE ? (size_t)(size - off)
						       : CLI_BUFSIZE;
		ssize_t n;

		logged = c->logged;
		n = fsimg_file_read(f, buf, want, off);
		if (n <= 0) {
			if (c->logged == logged)
				cli_error(c, path, "reading at byte %llu: %s",
					  (unsigned long long)off,
					  strerror(n ? (int)-n : EIO));
			cli_status(c, EXIT_PARTIAL);
			break;
		}
		rc = write_full(STDOUT_FILENO, buf, (size_t)n);
		if (rc) {
			if (rc == -EPIPE) {
				c->stdout_broken = true;
			} else {
				cli_error(c, NULL,
					  "writing standard output: %s",
					  strerror(-rc));
				cli_status(c, EXIT_DEST);
			}
			go_on = false;
			break;
		}
		off += (uint64_t)n;
	}
out:
	fsimg_file_close(f);
	c->ctx_path = NULL;
	return go_on;
}

int cmd_cat(struct cli *c)
{
	char *buf, **paths;
	int rc, n;

	rc = cli_open(c);
	if (rc)
		return rc;
	paths = glob_operands(c, c->operands, c->noperands, &n);
	buf = xmalloc(CLI_BUFSIZE);
	for (int i = 0; i < n; i++)
		if (!cat_one(c, paths[i], buf))
			break;
	free(buf);
	glob_free(paths, n);
	return 0;
}
