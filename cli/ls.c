/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg ls: list a directory of the image, a single entry, or (-R) a whole
 * tree, as names, as `-l` lines or as JSON (the schema is in fsimg(1)).
 *
 * Entries are shown as stored (lstat semantics): symlinks are not followed
 * while listing or recursing, except with -L (inside the image: what a
 * link points to is shown under its name, as ls -L does). PATH itself is
 * followed when it is a symlink, except in its last component with -l, -d
 * or --json and no -L; a trailing slash always follows, as with ls(1).
 */
#include "cli.h"
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ls {
	struct cli *c;
	struct json j;
	bool full_paths; /* -R: print paths from the root */
};

static const char *type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "chardev";
	case S_IFBLK:
		return "blockdev";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

static const struct {
	uint32_t bit;
	const char *name;
} attr_names[] = {
	{ FSIMG_ATTR_HIDDEN, "hidden" },
	{ FSIMG_ATTR_READONLY, "readonly" },
	{ FSIMG_ATTR_SYSTEM, "system" },
	{ FSIMG_ATTR_ARCHIVE, "archive" },
	{ FSIMG_ATTR_ASSOCIATED, "associated" },
	{ FSIMG_ATTR_COMPRESSED, "compressed" },
};

static void json_time(struct json *j, const char *key, const char *nskey,
		      const struct timespec *ts)
{
	json_key(j, key);
	json_int(j, (int64_t)ts->tv_sec);
	json_key(j, nskey);
	json_int(j, (int64_t)ts->tv_nsec);
}

/*
 * "xattrs": {"name": "text"} for values that are printable UTF-8, else
 * "base64:..." (also for text that itself starts with "base64:").
 */
static void json_xattrs(struct ls *x, const char *path, fsimg_ino ino)
{
	struct cli *c = x->c;
	unsigned logged = c->logged;
	ssize_t len = fsimg_listxattr(c->fs, ino, NULL, 0);
	char *names = NULL;
	bool open = false;

	if (len == -ENOTSUP || len == -EOPNOTSUPP || len == 0)
		return;
	if (len > 0) {
		names = xmalloc((size_t)len);
		len = fsimg_listxattr(c->fs, ino, names, (size_t)len);
	}
	if (len < 0) {
		cli_path_failed(c, path, (int)len, logged);
		cli_status(c, EXIT_PARTIAL);
		goto out;
	}
	for (char *n = names; n < names + len; n += strlen(n) + 1) {
		ssize_t vlen;
		char *val;

		if (!*n)
			continue;
		logged = c->logged;
		vlen = fsimg_getxattr(c->fs, ino, n, NULL, 0);
		val = xmalloc(vlen > 0 ? (size_t)vlen : 1);
		if (vlen > 0)
			vlen = fsimg_getxattr(c->fs, ino, n, val, (size_t)vlen);
		if (vlen < 0) {
			cli_path_failed(c, path, (int)vlen, logged);
			cli_status(c, EXIT_PARTIAL);
			free(val);
			continue;
		}
		if (!open) {
			json_key(&x->j, "xattrs");
			json_begin_object(&x->j);
			open = true;
		}
		json_key(&x->j, n);
		if (utf8_is_text(val, (size_t)vlen) &&
		    !(vlen >= 7 && !memcmp(val, "base64:", 7))) {
			json_string_n(&x->j, val, (size_t)vlen);
		} else {
			char *b64 = base64_encode(val, (size_t)vlen);
			char *s = xmalloc(strlen(b64) + 8);

			strcpy(s, "base64:");
			strcat(s, b64);
			json_string(&x->j, s);
			free(s);
			free(b64);
		}
		free(val);
	}
	if (open)
		json_end_object(&x->j);
out:
	free(names);
}

static void print_json(struct ls *x, const char *path, const char *name,
		       fsimg_ino ino, const struct fsimg_stat *st,
		       const char *target)
{
	struct json *j = &x->j;
	char perm[8];

	snprintf(perm, sizeof(perm), "%04o", st->mode & 07777);
	json_begin_object(j);
	json_key(j, "path");
	json_string(j, path);
	json_key(j, "name");
	json_string(j, name);
	json_key(j, "type");
	json_string(j, type_name(st->mode));
	json_key(j, "mode");
	json_uint(j, st->mode & 07777);
	json_key(j, "perm");
	json_string(j, perm);
	json_key(j, "ino");
	json_uint(j, st->ino);
	json_key(j, "nlink");
	json_uint(j, st->nlink);
	json_key(j, "uid");
	json_uint(j, st->uid);
	json_key(j, "gid");
	json_uint(j, st->gid);
	json_key(j, "size");
	json_uint(j, st->size);
	json_key(j, "blocks");
	json_uint(j, st->blocks);
	json_key(j, "atime");
	json_int(j, (int64_t)st->atime.tv_sec);
	json_key(j, "mtime");
	json_int(j, (int64_t)st->mtime.tv_sec);
	json_key(j, "ctime");
	json_int(j, (int64_t)st->ctime.tv_sec);
	json_key(j, "mtime_ns");
	json_int(j, (int64_t)st->mtime.tv_nsec);
	json_key(j, "atime_ns");
	json_int(j, (int64_t)st->atime.tv_nsec);
	json_key(j, "ctime_ns");
	json_int(j, (int64_t)st->ctime.tv_nsec);
	if (st->flags & FSIMG_STAT_BTIME)
		json_time(j, "btime", "btime_ns", &st->btime);
	if (target) {
		json_key(j, "target");
		json_string(j, target);
	}
	if (S_ISCHR(st->mode) || S_ISBLK(st->mode)) {
		json_key(j, "rdev");
		json_begin_array(j);
		json_uint(j, st->rdev_major);
		json_uint(j, st->rdev_minor);
		json_end_array(j);
	}
	json_key(j, "attrs");
	json_begin_array(j);
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (st->attrs & attr_names[i].bit)
			json_string(j, attr_names[i].name);
	json_end_array(j);
	json_xattrs(x, path, ino);
	json_end_object(j);
}

/* MODE NLINK UID GID SIZE MTIME NAME[ -> TARGET], one space apart. */
static void print_long(const char *shown, const struct fsimg_stat *st,
		       const char *target)
{
	char mode[11], when[64];

	mode_string(st->mode, mode);
	time_string(&st->mtime, when, sizeof(when));
	printf("%s %" PRIu32 " %" PRIu32 " %" PRIu32 " ", mode, st->nlink,
	       st->uid, st->gid);
	if (S_ISCHR(st->mode) || S_ISBLK(st->mode))
		printf("%" PRIu32 ",%" PRIu32, st->rdev_major, st->rdev_minor);
	else
		printf("%" PRIu64, st->size);
	printf(" %s ", when);
	print_name(stdout, shown);
	if (target) {
		fputs(" -> ", stdout);
		print_name(stdout, target);
	}
	putchar('\n');
}

/*
 * One entry. path is its full image path, name its last component, shown
 * what the text formats print for it.
 */
static void print_entry(struct ls *x, const char *path, const char *name,
			const char *shown, fsimg_ino ino,
			const struct fsimg_stat *st)
{
	struct cli *c = x->c;
	char *target = NULL;

	if (S_ISLNK(st->mode) && (c->json || c->long_fmt)) {
		unsigned logged = c->logged;
		int rc;

		c->ctx_path = path;
		target = read_link(c, ino, &rc);
		c->ctx_path = NULL;
		if (!target) {
			cli_path_failed(c, path, rc, logged);
			cli_status(c, EXIT_PARTIAL);
		}
	}
	c->ctx_path = path;
	if (c->json) {
		print_json(x, path, name, ino, st, target);
	} else if (c->long_fmt) {
		print_long(shown, st, target);
	} else {
		print_name(stdout, shown);
		putchar('\n');
	}
	c->ctx_path = NULL;
	free(target);
}

static int walk_pre(void *ctx, const struct walk_node *n, void **state)
{
	struct ls *x = ctx;

	(void)state;
	if (ferror(stdout))
		return -1;
	print_entry(x, n->path, n->name, n->path, n->ino, n->st);
	return S_ISDIR(n->st->mode) ? 1 : 0;
}

static const struct walk_ops ls_walk = { .pre = walk_pre };

static void list_dir(struct ls *x, const char *norm, fsimg_ino ino)
{
	struct cli *c = x->c;
	struct dirlist l;
	unsigned logged = c->logged;
	int rc;

	c->ctx_path = norm;
	rc = dirlist_read(c, ino, &l);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, norm, rc, logged);
		cli_status(c, EXIT_PARTIAL);
	}
	for (size_t i = 0; i < l.n && !ferror(stdout); i++) {
		char *p = path_join(norm, l.v[i].name);

		print_entry(x, p, l.v[i].name, l.v[i].name, l.v[i].ino,
			    &l.v[i].st);
		free(p);
	}
	dirlist_free(&l);
}

int cmd_ls(struct cli *c)
{
	const char *op = c->noperands ? c->operands[0] : "/";
	size_t oplen = strlen(op);
	bool slash = oplen && op[oplen - 1] == '/';
	bool follow = slash || c->dereference ||
		      !(c->long_fmt || c->json || c->directory);
	struct fsimg_stat st;
	struct ls x = { .c = c };
	unsigned logged;
	fsimg_ino ino;
	char *norm;
	int rc;

	rc = cli_open(c);
	if (rc)
		return rc;
	logged = c->logged;
	c->ctx_path = op;
	rc = fsimg_resolve(c->fs, op, follow ? 0 : FSIMG_NOFOLLOW, &ino, &st);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, op, rc, logged);
		return cli_path_status(rc);
	}
	norm = path_normalize(op);
	if (c->json) {
		json_init(&x.j, stdout, 1);
		json_begin_array(&x.j);
	}
	if (S_ISDIR(st.mode) && !c->directory) {
		if (c->recursive) {
			x.full_paths = true;
			walk_tree(c, ino, norm, NULL, &ls_walk, &x);
		} else {
			list_dir(&x, norm, ino);
		}
	} else {
		print_entry(&x, norm, path_basename(norm), op, ino, &st);
	}
	if (c->json) {
		json_end_array(&x.j);
		json_finish(&x.j);
	}
	free(norm);
	return 0;
}
