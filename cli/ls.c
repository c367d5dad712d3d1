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
#include <time.h>

struct ls {
	struct cli *c;
	struct json j;
	bool full_paths;       /* -R: print paths from the root */
	struct widths *widths; /* -lR: per depth, the directory being listed */
	size_t nwidths;
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

/* --- the long format ------------------------------------------------------ */

/* Column widths of one directory's -l lines, as ls(1) aligns them. */
struct widths {
	int nlink, uid, gid, size;
};

/* SIZE as -l shows it: a device's numbers, or the size (-h: 1.5K). */
static void size_field(const struct cli *c, const struct fsimg_stat *st,
		       char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t div = 1024, tenths, whole, rem;
	unsigned u = 0;

	if (S_ISCHR(st->mode) || S_ISBLK(st->mode)) {
		snprintf(buf, len, "%" PRIu32 ", %" PRIu32, st->rdev_major,
			 st->rdev_minor);
		return;
	}
	if (!c->human || st->size < 1024) {
		snprintf(buf, len, "%" PRIu64, st->size);
		return;
	}
	/* ls -h: powers of 1024, rounded up, one decimal below 10 */
	while (st->size / div >= 1024 && u < sizeof(units) - 2) {
		div *= 1024;
		u++;
	}
	rem = st->size % div;
	tenths = st->size / div * 10 + (rem * 10 + div - 1) / div;
	whole = st->size / div + (rem != 0);
	if (tenths < 100)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", tenths / 10,
			 tenths % 10, units[u]);
	else if (whole < 1024 || u == sizeof(units) - 2)
		snprintf(buf, len, "%" PRIu64 "%c", whole, units[u]);
	else
		snprintf(buf, len, "1.0%c", units[u + 1]);
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void widths_add(const struct cli *c, struct widths *w,
		       const struct fsimg_stat *st)
{
	char size[48];
	int n;

	if ((n = digits(st->nlink)) > w->nlink)
		w->nlink = n;
	if ((n = digits(st->uid)) > w->uid)
		w->uid = n;
	if ((n = digits(st->gid)) > w->gid)
		w->gid = n;
	size_field(c, st, size, sizeof(size));
	if ((n = (int)strlen(size)) > w->size)
		w->size = n;
}

static struct widths widths_of(const struct cli *c, const struct dirlist *l)
{
	struct widths w = { 0 };

	for (size_t i = 0; i < l->n; i++)
		widths_add(c, &w, &l->v[i].st);
	return w;
}

bool time_style_valid(const char *style)
{
	return !strcmp(style, "full-iso") || !strcmp(style, "long-iso") ||
	       !strcmp(style, "iso") || !strcmp(style, "locale") ||
	       style[0] == '+';
}

/*
 * MTIME as --time-style says, in local time as ls(1) shows it; without
 * the option, "YYYY-MM-DD HH:MM:SS" in UTC. Styles that differ for recent
 * times (iso, locale, "+OLD\nRECENT") take recent as ls(1) does: within
 * the last six months.
 */
static void time_field(const struct cli *c, const struct timespec *ts,
		       char *buf, size_t len)
{
	const char *style = c->time_style, *fmt;
	char custom[256], *nl;
	time_t t = ts->tv_sec, now = time(NULL);
	bool recent = t <= now && now - t < 31556952 / 2;
	struct tm tm;

	if (!style) {
		time_string(ts, buf, len);
		return;
	}
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, len, "@%lld", (long long)t);
		return;
	}
	if (!strcmp(style, "full-iso")) {
		char date[32], zone[16];

		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		snprintf(buf, len, "%s.%09ld %s", date, (long)ts->tv_nsec,
			 zone);
		return;
	}
	if (!strcmp(style, "long-iso"))
		fmt = "%Y-%m-%d %H:%M";
	else if (!strcmp(style, "iso"))
		fmt = recent ? "%m-%d %H:%M" : "%Y-%m-%d ";
	else if (!strcmp(style, "locale"))
		fmt = recent ? "%b %e %H:%M" : "%b %e  %Y";
	else {
		snprintf(custom, sizeof(custom), "%s", style + 1);
		nl = strchr(custom, '\n');
		if (nl) {
			*nl = '\0';
			fmt = recent ? nl + 1 : custom;
		} else {
			fmt = custom;
		}
	}
	/* the format is the user's own (+FORMAT) or one of the above */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (!*fmt || !strftime(buf, len, fmt, &tm))
		buf[0] = '\0';
#pragma GCC diagnostic pop
}

/*
 * MODE NLINK UID GID SIZE MTIME NAME[ -> TARGET], the numbers right-aligned
 * in the widths of the directory's entries, as ls -l aligns them. Owners
 * are the image's numbers: its users are not the host's.
 */
static void print_long(const struct cli *c, const struct widths *w,
		       const char *shown, const struct fsimg_stat *st,
		       const char *target)
{
	char mode[11], when[256], size[48];

	mode_string(st->mode, mode);
	time_field(c, &st->mtime, when, sizeof(when));
	size_field(c, st, size, sizeof(size));
	printf("%s %*" PRIu32 " %*" PRIu32 " %*" PRIu32 " %*s %s ", mode,
	       w->nlink, st->nlink, w->uid, st->uid, w->gid, st->gid, w->size,
	       size, when);
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
static void print_entry(struct ls *x, const struct widths *w, const char *path,
			const char *name, const char *shown, fsimg_ino ino,
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
		print_long(c, w, shown, st, target);
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
	const struct widths none = { 0 };

	(void)state;
	if (ferror(stdout))
		return -1;
	print_entry(x,
		    n->depth <= x->nwidths ? &x->widths[n->depth - 1] : &none,
		    n->path, n->name, n->path, n->ino, n->st);
	return S_ISDIR(n->st->mode) ? 1 : 0;
}

/* -lR: each directory's lines aligned among themselves. */
static void walk_listed(void *ctx, const struct dirlist *l, unsigned depth)
{
	struct ls *x = ctx;

	if (!x->c->long_fmt)
		return;
	if (depth > x->nwidths) {
		x->widths = xrealloc(x->widths, depth * sizeof(*x->widths));
		x->nwidths = depth;
	}
	x->widths[depth - 1] = widths_of(x->c, l);
}

static const struct walk_ops ls_walk = { .pre = walk_pre,
					 .listed = walk_listed };

static void list_dir(struct ls *x, const char *norm, fsimg_ino ino)
{
	struct cli *c = x->c;
	struct dirlist l;
	struct widths w;
	unsigned logged = c->logged;
	int rc;

	c->ctx_path = norm;
	rc = dirlist_read(c, ino, &l);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, norm, rc, logged);
		cli_status(c, EXIT_PARTIAL);
	}
	w = widths_of(c, &l);
	for (size_t i = 0; i < l.n && !ferror(stdout); i++) {
		char *p = path_join(norm, l.v[i].name);

		print_entry(x, &w, p, l.v[i].name, l.v[i].name, l.v[i].ino,
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
	norm = path_real(c->fs, op);
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
		struct widths w = { 0 };

		widths_add(c, &w, &st);
		print_entry(&x, &w, norm, path_basename(norm), op, ino, &st);
	}
	if (c->json) {
		json_end_array(&x.j);
		json_finish(&x.j);
	}
	free(x.widths);
	free(norm);
	return 0;
}
