/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Path walk inside an image. Symlinks are resolved against the image's own
 * root, never the host's: an absolute target starts again at the image root
 * and ".." never climbs above it. The walk keeps the chain of directories it
 * went through (the library has no ".." entries), bounded in depth, and
 * follows at most FSIMG_MAX_SYMLINKS links, as the kernel's path walk does.
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FSIMG_MAX_SYMLINKS 40
#define FSIMG_MAX_DEPTH	   4096
#define FSIMG_MAX_PATHBUF  (64u << 10)

struct walk {
	fsimg_ino *stack; /* stack[0] is the root */
	size_t depth;
	char *rest; /* what remains to walk, heap, NUL-terminated */
	/* fsimg_realpath: the names of the stack, "/a/b"; end[i] is the
	   length of real up to stack[i]'s name */
	char *real;
	size_t *end;
};

/* Replaces w->rest with target + "/" + tail; tail points into w->rest. */
static int splice_link(struct walk *w, const char *target, const char *tail)
{
	size_t tl = strlen(target), rl = strlen(tail);
	char *n;

	if (tl + rl + 2 > FSIMG_MAX_PATHBUF)
		return -ENAMETOOLONG;
	n = malloc(tl + rl + 2);
	if (!n)
		return -ENOMEM;
	memcpy(n, target, tl);
	if (rl) {
		n[tl++] = '/';
	}
	memcpy(n + tl, tail, rl + 1);
	free(w->rest);
	w->rest = n;
	return 0;
}

static int resolve(fsimg_fs *fs, const char *path, unsigned flags,
		   fsimg_ino *ino, struct fsimg_stat *st, char **real)
{
	struct walk w = { 0 };
	struct fsimg_stat cur;
	unsigned links = 0;
	bool trailing_slash = false;
	char *link = NULL;
	size_t pos = 0;
	int rc;

	if (strlen(path) >= FSIMG_MAX_PATHBUF)
		return -ENAMETOOLONG;
	w.stack = malloc(sizeof(*w.stack) * FSIMG_MAX_DEPTH);
	w.rest = strdup(path);
	link = malloc(PATH_MAX);
	if (real) {
		w.real = malloc(FSIMG_MAX_PATHBUF);
		w.end = malloc(sizeof(*w.end) * FSIMG_MAX_DEPTH);
	}
	if (!w.stack || !w.rest || !link || (real && (!w.real || !w.end))) {
		rc = -ENOMEM;
		goto out;
	}
	w.stack[0] = fs->root;
	w.depth = 1;
	if (real) {
		w.real[0] = 0;
		w.end[0] = 0;
	}
	rc = fsimg_getattr(fs, fs->root, &cur);
	if (rc)
		goto out;

	for (;;) {
		char *comp, *p = w.rest + pos;
		size_t n;
		bool last, slash;
		fsimg_ino next;
		struct fsimg_stat nst;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		n = strcspn(p, "/");
		p += n;
		slash = *p == '/';
		while (*p == '/')
			p++;
		last = !*p;
		/* "link/" names what the link points to, which must be a dir.
		 */
		if (last && slash) {
			last = false;
			trailing_slash = true;
		}
		pos = (size_t)(p - w.rest);

		if (!S_ISDIR(cur.mode)) {
			rc = -ENOTDIR;
			goto out;
		}
		if (n == 1 && comp[0] == '.')
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			if (w.depth > 1)
				w.depth--;
			rc = fsimg_getattr(fs, w.stack[w.depth - 1], &cur);
			if (rc)
				goto out;
			continue;
		}
		if (n > NAME_MAX) {
			rc = -ENAMETOOLONG;
			goto out;
		}
		{
			char name[NAME_MAX + 1];
			memcpy(name, comp, n);
			name[n] = '\0';
			rc = fsimg_lookup(fs, w.stack[w.depth - 1], name, &next,
					  &nst);
		}
		if (rc)
			goto out;

		if (S_ISLNK(nst.mode) && (!last || !(flags & FSIMG_NOFOLLOW))) {
			if (++links > FSIMG_MAX_SYMLINKS) {
				rc = -ELOOP;
				goto out;
			}
			rc = fsimg_readlink(fs, next, link, PATH_MAX);
			if (rc < 0)
				goto out;
			if (rc == 0) {
				rc = -ENOENT;
				goto out;
			}
			rc = splice_link(&w, link, w.rest + pos);
			if (rc)
				goto out;
			pos = 0;
			if (link[0] == '/') {
				w.depth = 1;
				rc = fsimg_getattr(fs, fs->root, &cur);
				if (rc)
					goto out;
			}
			continue;
		}
		if (w.depth == FSIMG_MAX_DEPTH) {
			rc = -ELOOP;
			goto out;
		}
		if (real) {
			size_t at = w.end[w.depth - 1];

			if (at + 1 + n + 1 > FSIMG_MAX_PATHBUF) {
				rc = -ENAMETOOLONG;
				goto out;
			}
			w.real[at] = '/';
			memcpy(w.real + at + 1, comp, n);
			w.real[at + 1 + n] = 0;
			w.end[w.depth] = at + 1 + n;
		}
		w.stack[w.depth++] = next;
		cur = nst;
	}
	if (trailing_slash && !S_ISDIR(cur.mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	*ino = w.stack[w.depth - 1];
	if (st)
		*st = cur;
	if (real) {
		w.real[w.end[w.depth - 1]] = 0;
		if (w.depth == 1)
			strcpy(w.real, "/");
		*real = w.real;
		w.real = NULL;
	}
	rc = 0;
out:
	free(link);
	free(w.rest);
	free(w.stack);
	free(w.real);
	free(w.end);
	return rc;
}

int fsimg_resolve(fsimg_fs *fs, const char *path, unsigned flags,
		  fsimg_ino *ino, struct fsimg_stat *st)
{
	return resolve(fs, path, flags, ino, st, NULL);
}

int fsimg_realpath(fsimg_fs *fs, const char *path, unsigned flags, char **out)
{
	fsimg_ino ino;

	return resolve(fs, path, flags, &ino, NULL, out);
}
