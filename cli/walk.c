/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Directory listings and the pre-order tree walk shared by `ls -R` and `get`.
 *
 * The walk is iterative: one frame per directory level, each holding that
 * directory's sorted entries, so memory is the sum of the directories along
 * the current path and the C stack does not grow with the image's depth.
 * A hostile image may make a directory its own descendant or list one
 * directory under many names (a tree that would blow up exponentially);
 * every directory handle is remembered and entered at most once.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- listings ----------------------------------------------------------- */

struct collect {
	struct cli *c;
	struct dirlist *l;
};

static int collect_fn(void *ctx, const char *name, fsimg_ino ino,
		      const struct fsimg_stat *st, uint64_t next)
{
	struct collect *k = ctx;
	struct dirlist *l = k->l;
	struct fsimg_stat got;
	struct dent *d;

	(void)next;
	if (!st) {
		/* An entry whose node cannot be read: ask again under its own
		 * path so the reason names it, and leave it out. */
		struct cli *c = k->c;
		const char *dir = c->ctx_path;
		char *p = path_join(dir ? dir : "/", name);
		unsigned logged = c->logged;
		int rc;

		c->ctx_path = p;
		rc = fsimg_getattr(c->fs, ino, &got);
		c->ctx_path = dir;
		if (rc) {
			cli_path_failed(c, p, rc, logged);
			cli_status(c, EXIT_PARTIAL);
			free(p);
			return 0;
		}
		free(p);
		st = &got;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = &l->v[l->n++];
	d->name = xstrdup(name);
	d->ino = ino;
	d->st = *st;
	return 0;
}

static int dent_cmp(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * -L: each symlink of the listing (of directory c->ctx_path) stands for
 * what it points to, resolved inside the image like any path (fsimg_resolve
 * bounds the hops); one that leads nowhere is reported and left out, as
 * cp -L and ls -L do. The walk never enters a link to one of the
 * directories it is in (walk_tree), so a link cannot make it loop.
 */
static void dereference(struct cli *c, struct dirlist *l)
{
	const char *dir = c->ctx_path ? c->ctx_path : "/";
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct dent *d = &l->v[i];

		if (S_ISLNK(d->st.mode)) {
			char *p = path_join(dir, d->name);
			unsigned logged = c->logged;
			int rc;

			c->ctx_path = p;
			rc = fsimg_resolve(c->fs, p, 0, &d->ino, &d->st);
			c->ctx_path = dir;
			if (rc) {
				/* an entry of the tree that failed: exit 4 */
				if (c->logged == logged)
					cli_error(c, p,
						  "following the symbolic "
						  "link: %s",
						  strerror(-rc));
				cli_status(c, EXIT_PARTIAL);
				free(p);
				free(d->name);
				continue;
			}
			free(p);
		}
		l->v[kept++] = *d;
	}
	l->n = kept;
}

int dirlist_read(struct cli *c, fsimg_ino dir, struct dirlist *l)
{
	int rc;

	l->v = NULL;
	l->n = l->cap = 0;
	rc = fsimg_readdir(c->fs, dir, 0, collect_fn,
			   &(struct collect){ .c = c, .l = l });
	if (c->dereference)
		dereference(c, l);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), dent_cmp);
	return rc < 0 ? rc : 0;
}

void dirlist_free(struct dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* --- a set of directory handles (open addressing) ------------------------- */

struct inoset {
	fsimg_ino *v; /* 0 = empty: handles are never 0 */
	size_t n, cap;
};

static size_t ino_hash(fsimg_ino ino, size_t cap)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

/* Adds ino; false when it was there already. */
static bool inoset_add(struct inoset *s, fsimg_ino ino)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct inoset big = { 0 };

		big.cap = s->cap ? s->cap * 2 : 256;
		big.v = xmalloc(big.cap * sizeof(*big.v));
		memset(big.v, 0, big.cap * sizeof(*big.v));
		for (size_t j = 0; j < s->cap; j++)
			if (s->v[j])
				inoset_add(&big, s->v[j]);
		free(s->v);
		*s = big;
	}
	for (i = ino_hash(ino, s->cap); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == ino)
			return false;
	s->v[i] = ino;
	s->n++;
	return true;
}

/* --- the walk ---------------------------------------------------------------
 */

struct frame {
	struct dirlist l;
	size_t next;
	size_t pathlen; /* length of the path buffer for this directory */
	void *state;
	/* the directory's own node, for post() */
	char *name;
	fsimg_ino ino;
	struct fsimg_stat st;
};

static void frame_read(struct cli *c, struct frame *f, fsimg_ino ino,
		       const char *path)
{
	unsigned logged = c->logged;
	const char *saved = c->ctx_path;
	int rc;

	c->ctx_path = path;
	rc = dirlist_read(c, ino, &f->l);
	if (rc) {
		cli_path_failed(c, path, rc, logged);
		/* an unreadable directory is corrupt data, never "not found" */
		cli_status(c, EXIT_PARTIAL);
	}
	c->ctx_path = saved;
	f->next = 0;
}

/* Directories -L may enter a second time, in one walk. */
#define WALK_MAX_REVISITS 4096u

/* Is ino one of the directories being walked (stack[0..depth-1])? */
static bool on_path(const struct frame *stack, size_t depth, fsimg_ino ino)
{
	for (size_t i = 0; i < depth; i++)
		if (stack[i].ino == ino)
			return true;
	return false;
}

int walk_tree(struct cli *c, fsimg_ino top, const char *top_path,
	      void *top_state, const struct walk_ops *ops, void *ctx)
{
	unsigned revisits = 0;
	bool again;
	struct inoset seen = { 0 };
	struct frame *stack = NULL;
	size_t depth = 0, cap = 0;
	struct strbuf path;
	int ret = 0;

	sb_init(&path);
	sb_add(&path, top_path);
	sb_checked(&path);
	inoset_add(&seen, top);

	cap = 16;
	stack = xmalloc(cap * sizeof(*stack));
	memset(&stack[0], 0, sizeof(stack[0]));
	stack[0].state = top_state;
	stack[0].pathlen = path.len;
	stack[0].ino = top;
	frame_read(c, &stack[0], top, path.s);
	if (ops->listed)
		ops->listed(ctx, &stack[0].l, 1);
	depth = 1;

	while (depth) {
		struct frame *f = &stack[depth - 1];
		struct walk_node n;
		struct dent *d;
		void *state = NULL;
		int rc;

		if (f->next == f->l.n) {
			if (depth > 1 && ops->post) {
				sb_setlen(&path, f->pathlen);
				n = (struct walk_node){
					.name = f->name,
					.ino = f->ino,
					.st = &f->st,
					.path = path.s,
					.depth = (unsigned)depth - 1,
					.parent_state = stack[depth - 2].state,
				};
				ops->post(ctx, &n, f->state);
			}
			dirlist_free(&f->l);
			free(f->name);
			depth--;
			if (depth)
				sb_setlen(&path, stack[depth - 1].pathlen);
			continue;
		}
		if (ret)
			goto unwind;

		d = &f->l.v[f->next++];
		sb_setlen(&path, f->pathlen);
		sb_addpath(&path, d->name);
		sb_checked(&path);
		n = (struct walk_node){
			.name = d->name,
			.ino = d->ino,
			.st = &d->st,
			.path = path.s,
			.depth = (unsigned)depth,
			.parent_state = f->state,
		};
		rc = ops->pre(ctx, &n, &state);
		if (rc < 0) {
			ret = -1;
			goto unwind;
		}
		if (rc == 0 || !S_ISDIR(d->st.mode))
			continue;
		again = !inoset_add(&seen, d->ino);
		/*
		 * -L: a directory reached again through a link is walked again
		 * (as cp -L copies it twice) unless it is one of its own
		 * ancestors, up to a budget a hostile image cannot multiply
		 */
		if (again && c->dereference && !on_path(stack, depth, d->ino) &&
		    revisits < WALK_MAX_REVISITS) {
			revisits++;
			again = false;
		}
		if (again) {
			cli_error(
				c, path.s,
				c->dereference
					? "a directory reached again (a link "
					  "to one above it, or too many "
					  "links): not entered again"
					: "directory already listed elsewhere "
					  "in the image (a loop?): not "
					  "entered again");
			cli_status(c, EXIT_PARTIAL);
		} else if (depth >= WALK_MAX_DEPTH) {
			cli_error(c, path.s,
				  "directories nested deeper than %d levels: "
				  "not entered",
				  WALK_MAX_DEPTH);
			cli_status(c, EXIT_PARTIAL);
		} else {
			struct frame *nf;

			if (depth == cap) {
				cap *= 2;
				stack = xrealloc(stack, cap * sizeof(*stack));
				f = &stack[depth - 1];
			}
			nf = &stack[depth];
			memset(nf, 0, sizeof(*nf));
			nf->state = state;
			nf->pathlen = path.len;
			nf->name = xstrdup(d->name);
			nf->ino = d->ino;
			nf->st = d->st;
			frame_read(c, nf, d->ino, path.s);
			depth++;
			if (ops->listed)
				ops->listed(ctx, &nf->l, (unsigned)depth);
			continue;
		}
		/* not entered: still give the caller its post() */
		if (ops->post)
			ops->post(ctx, &n, state);
		continue;
	unwind:
		/* pre() ended the walk: close every open directory */
		f->next = f->l.n;
	}

	sb_free(&path);
	free(stack);
	free(seen.v);
	return ret;
}
