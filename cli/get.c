/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg get IMAGE PATH... DEST: extraction, with cp -r semantics for DEST.
 *
 *  - DEST is an existing directory: each PATH is created inside it under
 *    its last component; a PATH naming the image root puts the root's
 *    entries straight into DEST (DEST's own mode and times are left alone).
 *  - otherwise, with a single PATH: DEST is the name PATH is created as.
 *
 * Nothing is written outside DEST: every entry is created relative to its
 * parent's directory descriptor, names from the image that could climb
 * ("..", anything with a "/") are refused, and no symlink is followed (see
 * extract.c). Directories are made 0700 and given their own mode, owner and
 * times after their entries are in (so a 0555 directory still gets filled).
 * Files with several links in the image are written once and linked.
 */
#include "get.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- hard links ----------------------------------------------------------- */

/*
 * Files written so far that have more links in the image, hashed on their
 * inode number (open addressing over indices into g->links). Type and size
 * must match too, as a guard against an image whose inode numbers lie.
 */
static size_t link_slot(const struct get *g, uint64_t ino)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ull) >> 20) & (g->caphash - 1);
}

static struct link_rec *link_find(struct get *g, const struct fsimg_stat *st)
{
	if (!g->caphash)
		return NULL;
	for (size_t i = link_slot(g, st->ino); g->hash[i];
	     i = (i + 1) & (g->caphash - 1)) {
		struct link_rec *l = &g->links[g->hash[i] - 1];

		if (l->ino == st->ino && l->type == (st->mode & S_IFMT) &&
		    l->size == st->size)
			return l;
	}
	return NULL;
}

static void link_hash(struct get *g, size_t idx)
{
	size_t i = link_slot(g, g->links[idx].ino);

	while (g->hash[i])
		i = (i + 1) & (g->caphash - 1);
	g->hash[i] = idx + 1;
}

static void link_add(struct get *g, const struct fsimg_stat *st,
		     const char *rel)
{
	struct link_rec *l;

	if (g->nlinks == g->caplinks) {
		g->caplinks = g->caplinks ? g->caplinks * 2 : 64;
		g->links = xrealloc(g->links, g->caplinks * sizeof(*g->links));
		free(g->hash);
		g->caphash = g->caplinks * 2;
		g->hash = xmalloc(g->caphash * sizeof(*g->hash));
		memset(g->hash, 0, g->caphash * sizeof(*g->hash));
		for (size_t i = 0; i < g->nlinks; i++)
			link_hash(g, i);
	}
	l = &g->links[g->nlinks];
	l->ino = st->ino;
	l->type = st->mode & S_IFMT;
	l->size = st->size;
	l->rel = xstrdup(rel);
	link_hash(g, g->nlinks++);
}

/*
 * Opens the directory that holds rel (relative to topfd) one component at
 * a time, never following a symlink, and points *last at rel's last
 * component. Returns a descriptor or -errno.
 */
static int open_parent(struct get *g, const char *rel, const char **last)
{
	const char *p = rel, *slash;
	int fd = dup(g->topfd);

	if (fd < 0)
		return -errno;
	while ((slash = strchr(p, '/'))) {
		char *comp = strndup(p, (size_t)(slash - p));
		int next;

		if (!comp)
			cli_oom();
		next = openat(fd, comp,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(comp);
		close(fd);
		if (next < 0)
			return -errno;
		fd = next;
		p = slash + 1;
	}
	*last = p;
	return fd;
}

/* 1: linked to an earlier copy; 0: not linked, write the data. */
static int try_link(struct get *g, int dirfd, const char *name,
		    const struct fsimg_stat *st, const char *ipath,
		    const char *shown)
{
	struct link_rec *l = link_find(g, st);
	const char *last = NULL;
	int fd, err = 0;

	if (!l)
		return 0;
	if (make_room(g, dirfd, name, ipath, shown))
		return -1;
	fd = open_parent(g, l->rel, &last);
	if (fd < 0) {
		err = -fd;
	} else {
		if (linkat(fd, last, dirfd, name, 0) < 0)
			err = errno;
		close(fd);
	}
	if (!err)
		return 1;
	cli_warn(g->c, ipath, "cannot link %s to %s (%s): writing a copy",
		 shown, l->rel, strerror(err));
	return 0;
}

/* --- directories ---------------------------------------------------------- */

static struct dirstate *make_dir(struct get *g, int dirfd, const char *name,
				 const char *rel, const struct fsimg_stat *st,
				 const char *ipath, const char *shown)
{
	struct dirstate *d;
	bool created = true;
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0) {
		if (errno != EEXIST) {
			host_error(g, ipath, "cannot create", shown, errno);
			return NULL;
		}
		created = false; /* merge into the directory already there */
	}
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (!created && (errno == ENOTDIR || errno == ELOOP)) {
			cli_error(g->c, ipath,
				  "%s exists and is not a directory", shown);
			cli_status(g->c, EXIT_PARTIAL);
		} else {
			host_error(g, ipath, "cannot open", shown, errno);
		}
		return NULL;
	}
	d = xmalloc(sizeof(*d));
	d->fd = fd;
	d->created = created;
	d->rel = xstrdup(rel);
	d->st = *st;
	return d;
}

static void finish_dir(struct get *g, struct dirstate *d, const char *ipath)
{
	if (d->created) {
		char *shown = get_shown(g, d->rel);

		set_meta_fd(g, d->fd, &d->st, ipath, shown);
		free(shown);
	}
	close(d->fd);
	free(d->rel);
	free(d);
}

/* --- one entry --------------------------------------------------------------
 */

static char *rel_join(const char *dir, const char *name)
{
	if (!*dir)
		return xstrdup(name);
	return path_join(dir, name);
}

/*
 * Creates name in parent for the image entry (ino, st) found at ipath.
 * For a directory, returns its state in *out so that the caller fills it.
 */
static void extract(struct get *g, struct dirstate *parent, const char *name,
		    fsimg_ino ino, const struct fsimg_stat *st,
		    const char *ipath, struct dirstate **out)
{
	struct cli *c = g->c;
	char *rel = rel_join(parent->rel, name);
	char *shown = get_shown(g, rel);
	bool linkable = !S_ISDIR(st->mode) && st->nlink > 1;
	int rc = 0;

	*out = NULL;
	c->ctx_path = ipath;
	if (c->verbose) {
		print_name(stdout, ipath);
		putchar('\n');
	}
	if (linkable) {
		rc = try_link(g, parent->fd, name, st, ipath, shown);
		if (rc)
			goto out;
	}
	switch (st->mode & S_IFMT) {
	case S_IFDIR:
		*out = make_dir(g, parent->fd, name, rel, st, ipath, shown);
		break;
	case S_IFREG:
		rc = write_file(g, parent->fd, name, ino, st, ipath, shown);
		break;
	case S_IFLNK:
		rc = write_symlink(g, parent->fd, name, ino, st, ipath, shown);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		rc = write_node(g, parent->fd, name, st, ipath, shown);
		break;
	default:
		cli_error(c, ipath, "unknown file type (mode 0%o): skipped",
			  st->mode);
		cli_status(c, EXIT_PARTIAL);
		rc = -1;
	}
	if (linkable && rc == 0)
		link_add(g, st, rel);
out:
	c->ctx_path = NULL;
	free(shown);
	free(rel);
}

static int get_pre(void *ctx, const struct walk_node *n, void **state)
{
	struct get *g = ctx;
	struct dirstate *d;

	if (g->fatal)
		return -1;
	if (!name_is_safe(n->name)) {
		cli_error(g->c, n->path,
			  "refusing to create an entry named \"%s\"", n->name);
		cli_status(g->c, EXIT_PARTIAL);
		return 0;
	}
	extract(g, n->parent_state, n->name, n->ino, n->st, n->path, &d);
	*state = d;
	return d ? 1 : 0;
}

static void get_post(void *ctx, const struct walk_node *n, void *state)
{
	if (state)
		finish_dir(ctx, state, n->path);
}

static const struct walk_ops get_walk = { .pre = get_pre, .post = get_post };

/* --- the total, for the progress bar -------------------------------------- */

static int count_pre(void *ctx, const struct walk_node *n, void **state)
{
	uint64_t *total = ctx;

	(void)state;
	if (S_ISREG(n->st->mode))
		*total += n->st->size;
	return S_ISDIR(n->st->mode) ? 1 : 0;
}

static const struct walk_ops count_walk = { .pre = count_pre };

/* --- the command ---------------------------------------------------------- */

struct operand {
	const char *arg;
	char *norm;
	fsimg_ino ino;
	struct fsimg_stat st;
	bool ok;
};

static void resolve_operand(struct cli *c, struct operand *op)
{
	size_t len = strlen(op->arg);
	bool slash = len && op->arg[len - 1] == '/';
	unsigned logged = c->logged;
	int rc;

	/* like cp -r: a symlink operand is copied as a symlink */
	c->ctx_path = op->arg;
	rc = fsimg_resolve(c->fs, op->arg, slash ? 0 : FSIMG_NOFOLLOW, &op->ino,
			   &op->st);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, op->arg, rc, logged);
		return;
	}
	op->norm = path_normalize(op->arg);
	op->ok = true;
}

static uint64_t count_total(struct cli *c, struct operand *ops, int n)
{
	uint64_t total = 0;

	for (int i = 0; i < n; i++) {
		if (!ops[i].ok)
			continue;
		if (S_ISREG(ops[i].st.mode))
			total += ops[i].st.size;
		else if (S_ISDIR(ops[i].st.mode))
			walk_tree(c, ops[i].ino, ops[i].norm, NULL, &count_walk,
				  &total);
	}
	return total;
}

/* Directory nesting costs one descriptor per level: allow plenty. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < WALK_MAX_DEPTH + 64) {
		rl.rlim_cur = rl.rlim_max < WALK_MAX_DEPTH + 64
				      ? rl.rlim_max
				      : WALK_MAX_DEPTH + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void extract_operand(struct get *g, struct operand *op,
			    struct dirstate *into, const char *as)
{
	struct dirstate *d = NULL;

	if (!as) {
		/* the root's entries go straight into DEST */
		walk_tree(g->c, op->ino, op->norm, into, &get_walk, g);
		return;
	}
	extract(g, into, as, op->ino, &op->st, op->norm, &d);
	if (d) {
		walk_tree(g->c, op->ino, op->norm, d, &get_walk, g);
		finish_dir(g, d, op->norm);
	}
}

static int dest_error(struct cli *c, const char *dest, int err)
{
	cli_error(c, NULL, "destination %s: %s", dest, strerror(err));
	return EXIT_DEST;
}

int cmd_get(struct cli *c)
{
	int npaths = c->noperands - 1;
	char *dest = xstrdup(c->operands[npaths]);
	struct operand *ops = NULL;
	struct get g = { .c = c, .root = geteuid() == 0, .topfd = -1 };
	struct dirstate top = { .fd = -1, .rel = "" };
	char *as = NULL, *parent = NULL;
	struct stat ds;
	uint64_t total;
	bool into;
	int rc, err;

	/* DEST as typed, less trailing slashes */
	for (size_t n = strlen(dest); n > 1 && dest[n - 1] == '/'; n--)
		dest[n - 1] = '\0';
	err = stat(dest, &ds) < 0 ? errno : 0;
	into = !err && S_ISDIR(ds.st_mode);
	if (into) {
		g.topfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (g.topfd < 0) {
			rc = dest_error(c, dest, errno);
			goto out;
		}
		g.top_shown = dest;
	} else {
		char *slash = strrchr(dest, '/');

		if (npaths > 1) {
			rc = dest_error(c, dest, err ? err : ENOTDIR);
			goto out;
		}
		as = slash ? slash + 1 : dest;
		if (!name_is_safe(as)) {
			rc = dest_error(c, dest, EINVAL);
			goto out;
		}
		if (slash == dest)
			parent = xstrdup("/");
		else if (slash)
			parent = strndup(dest, (size_t)(slash - dest));
		else
			parent = xstrdup("");
		if (!parent)
			cli_oom();
		g.topfd = open(*parent ? parent : ".",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (g.topfd < 0) {
			rc = dest_error(c, dest, errno);
			goto out;
		}
		g.top_shown = parent;
	}
	top.fd = g.topfd;

	rc = cli_open(c);
	if (rc)
		goto out;
	ops = xmalloc((size_t)npaths * sizeof(*ops));
	memset(ops, 0, (size_t)npaths * sizeof(*ops));
	for (int i = 0; i < npaths; i++) {
		ops[i].arg = c->operands[i];
		resolve_operand(c, &ops[i]);
	}

	if (progress_possible(c->quiet)) {
		/* errors are reported once, by the extraction itself */
		c->mute = true;
		total = count_total(c, ops, npaths);
		c->mute = false;
		c->progress = progress_new(total, c->quiet);
	}
	g.buf = xmalloc(CLI_BUFSIZE);
	raise_fd_limit();
	umask(0);
	for (int i = 0; i < npaths && !g.fatal; i++) {
		const char *name;

		if (!ops[i].ok)
			continue;
		if (as)
			name = as;
		else if (!strcmp(ops[i].norm, "/"))
			name = NULL;
		else
			name = path_basename(ops[i].norm);
		extract_operand(&g, &ops[i], &top, name);
	}
	progress_free(c->progress);
	c->progress = NULL;
	rc = 0;
out:
	if (ops)
		for (int i = 0; i < npaths; i++)
			free(ops[i].norm);
	free(ops);
	for (size_t i = 0; i < g.nlinks; i++)
		free(g.links[i].rel);
	free(g.links);
	free(g.hash);
	free(g.buf);
	if (g.topfd >= 0)
		close(g.topfd);
	free(parent);
	free(dest);
	return rc;
}
