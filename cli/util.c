/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers: image path strings, growable strings, symlink targets and
 * the text forms of modes and times. Nothing here has a fixed-size buffer
 * for a name or a path.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* --- growable strings ----------------------------------------------------- */

char *sb_checked(struct strbuf *b)
{
	if (b->oom || !b->s)
		cli_oom();
	return b->s;
}

/* --- image paths ---------------------------------------------------------- */

char *path_normalize(const char *path)
{
	struct strbuf b;
	const char *p = path;

	sb_init(&b);
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(sb_checked(&b), '/');

			if (slash)
				sb_setlen(&b, (size_t)(slash - b.s));
		} else {
			sb_addc(&b, '/');
			sb_addn(&b, p, n);
		}
		p += n;
	}
	if (!b.len)
		sb_addc(&b, '/');
	return sb_checked(&b);
}

char *path_real(fsimg_fs *fs, const char *path)
{
	char *dir = xstrdup(path), *real = NULL, *slash;
	const char *name;
	size_t len = strlen(dir);
	int rc;

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = 0;
	slash = strrchr(dir, '/');
	name = slash ? slash + 1 : dir;
	if (*name && strcmp(name, ".") && strcmp(name, "..")) {
		/* the directories as walked, the last component as typed */
		if (slash)
			*slash = 0;
		rc = fsimg_realpath(fs, slash && *dir ? dir : "/", 0, &real);
		if (!rc) {
			char *joined = path_join(real, name);

			free(real);
			real = joined;
		}
	} else {
		rc = fsimg_realpath(fs, *dir ? dir : "/", 0, &real);
	}
	free(dir);
	if (rc) {
		free(real);
		return path_normalize(path);
	}
	return real;
}

const char *path_basename(const char *norm)
{
	const char *slash = strrchr(norm, '/');

	if (!slash || !slash[1])
		return norm;
	return slash + 1;
}

char *path_join(const char *dir, const char *name)
{
	struct strbuf b;

	sb_init(&b);
	sb_add(&b, dir);
	sb_addpath(&b, name);
	return sb_checked(&b);
}

bool name_is_safe(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* The library caps targets at what fits; grow until it fits or is absurd. */
#define LINK_MAX_BYTES (1u << 20)

char *read_link(struct cli *c, fsimg_ino ino, int *rc)
{
	size_t size = 256;
	char *buf = NULL;

	for (;;) {
		buf = xrealloc(buf, size);
		*rc = fsimg_readlink(c->fs, ino, buf, size);
		if (*rc >= 0) {
			*rc = 0;
			return buf;
		}
		if (*rc != -ENAMETOOLONG || size >= LINK_MAX_BYTES)
			break;
		size *= 4;
	}
	free(buf);
	return NULL;
}

/* --- text forms ----------------------------------------------------------- */

void mode_string(uint32_t mode, char buf[static 11])
{
	static const char rwx[] = "rwxrwxrwx";

	switch (mode & S_IFMT) {
	case S_IFREG:
		buf[0] = '-';
		break;
	case S_IFDIR:
		buf[0] = 'd';
		break;
	case S_IFLNK:
		buf[0] = 'l';
		break;
	case S_IFCHR:
		buf[0] = 'c';
		break;
	case S_IFBLK:
		buf[0] = 'b';
		break;
	case S_IFIFO:
		buf[0] = 'p';
		break;
	case S_IFSOCK:
		buf[0] = 's';
		break;
	default:
		buf[0] = '?';
		break;
	}
	for (int i = 0; i < 9; i++)
		buf[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		buf[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		buf[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		buf[9] = (mode & S_IXOTH) ? 't' : 'T';
	buf[10] = '\0';
}

void time_string(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "@%lld", (long long)ts->tv_sec);
}

void print_clean(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
	}
}

void print_name(FILE *f, const char *s)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(fileno(f));
	if (tty)
		print_clean(f, s);
	else
		fputs(s, f);
}
