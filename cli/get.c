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
 *
 * Two processes do it. The image is parsed only by a confined child, the
 * reader (common/confine.c: no privilege, no file it may open, a system
 * call allow-list): it opens the filesystem, walks the operands and sends
 * what it finds down a pipe (getwire.h). The parent, the writer, keeps
 * the caller's rights (root restores owners and creates devices) and
 * never reads the image: it creates what the stream describes, checking
 * every message, its order and every name before it touches DEST. A
 * reader that lies can at most fill DEST with other files; a reader that
 * breaks the protocol is killed and the error reported.
 */
#include "get.h"
#include "getwire.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* --- directories (writer) ------------------------------------------------ */

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
	d->ipath = xstrdup(ipath);
	d->st = *st;
	return d;
}

static void finish_dir(struct get *g, struct dirstate *d)
{
	if (d->created) {
		char *shown = get_shown(g, d->rel);

		set_meta_fd(g, d->fd, &d->st, d->ipath, shown);
		free(shown);
	}
	close(d->fd);
	free(d->rel);
	free(d->ipath);
	free(d);
}

/* --- one entry (writer) --------------------------------------------------- */

static char *rel_join(const char *dir, const char *name)
{
	if (!*dir)
		return xstrdup(name);
	return path_join(dir, name);
}

/* The regular file being written, between its ENTRY and its EOF. */
struct wfile {
	bool open;	   /* between ENTRY and EOF */
	int fd;		   /* -1: its data is dropped */
	bool linkable;	   /* record it for later hard links */
	int dirfd;	   /* its directory (the parent dirstate's) */
	char *name;	   /* its name there */
	uint64_t received; /* data bytes, for the progress bar */
	uint64_t end;	   /* past the last byte written */
	struct fsimg_stat st;
	char *rel, *shown, *ipath;
};

static void wfile_reset(struct wfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->rel);
	free(f->shown);
	free(f->ipath);
	free(f->name);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/*
 * Creates the entry m describes in parent. A directory's state is returned
 * in *out for its entries; a regular file is left open in f for its data.
 */
static void extract(struct get *g, struct dirstate *parent,
		    const struct gw_msg *m, struct dirstate **out,
		    struct wfile *f)
{
	const struct fsimg_stat *st = &m->st;
	char *rel = rel_join(parent->rel, m->name);
	char *shown = get_shown(g, rel);
	bool linkable = !S_ISDIR(st->mode) && st->nlink > 1;
	int rc = 0;

	*out = NULL;
	if (linkable) {
		rc = try_link(g, parent->fd, m->name, st, m->path, shown);
		if (rc)
			goto out; /* a regular file's data is then dropped */
	}
	switch (st->mode & S_IFMT) {
	case S_IFDIR:
		*out = make_dir(g, parent->fd, m->name, rel, st, m->path,
				shown);
		break;
	case S_IFREG:
		f->fd = create_file(g, parent->fd, m->name, m->path, shown);
		if (f->fd < 0) {
			rc = -1;
			break;
		}
		f->linkable = linkable;
		f->dirfd = parent->fd;
		f->name = xstrdup(m->name);
		f->st = *st;
		f->rel = rel;
		f->shown = shown;
		f->ipath = xstrdup(m->path);
		return;
	case S_IFLNK:
		rc = write_symlink(g, parent->fd, m->name, m->target, st,
				   m->path, shown);
		break;
	default:
		rc = write_node(g, parent->fd, m->name, st, m->path, shown);
	}
	if (linkable && rc == 0)
		link_add(g, st, rel);
out:
	free(shown);
	free(rel);
}

/* EOF: the file's size, metadata, and its place among hard links. */
static void finish_file(struct get *g, struct wfile *f, bool complete)
{
	struct cli *c = g->c;

	if (f->fd >= 0 && f->st.size > f->received)
		progress_add(c->progress, f->st.size - f->received);
	if (f->fd >= 0 && !complete) {
		cli_error(c, f->ipath, "%s is incomplete", f->shown);
		cli_status(c, EXIT_PARTIAL);
	} else if (f->fd >= 0) {
		int fd = f->fd;

		f->fd = -1; /* close_file() closes it */
		if (!close_file(g, fd, &f->st, f->end, f->ipath, f->shown)) {
			g->files++;
			if (f->linkable)
				link_add(g, &f->st, f->rel);
		}
	}
	wfile_reset(f);
}

/* --- the writer: the stream from the reader ------------------------------- */

struct writer {
	struct get *g;
	struct dirstate *top;
	/* directories entered: NULL for one that is skipped */
	struct dirstate **stack;
	size_t depth;
	struct wfile f;
};

static struct dirstate *current_dir(struct writer *w, bool *skipped)
{
	*skipped = w->depth && !w->stack[w->depth - 1];
	return w->depth ? w->stack[w->depth - 1] : w->top;
}

static int on_entry(struct writer *w, const struct gw_msg *m, char *err,
		    size_t errlen)
{
	struct get *g = w->g;
	struct dirstate *parent, *d = NULL;
	bool skipped;

	if (w->f.open) {
		snprintf(err, errlen, "an entry inside a file");
		return -1;
	}
	if (S_ISDIR(m->st.mode) && w->depth >= WALK_MAX_DEPTH) {
		snprintf(err, errlen, "directories nested too deep");
		return -1;
	}
	parent = current_dir(w, &skipped);
	if (skipped) {
		/* inside a directory that could not be made: dropped */
	} else if (!name_is_safe(m->name)) {
		cli_error(g->c, m->path,
			  "refusing to create an entry named \"%s\"", m->name);
		cli_status(g->c, EXIT_PARTIAL);
	} else {
		if (g->c->verbose) {
			/* the bar (on the same terminal) never cuts a line */
			progress_clear(g->c->progress);
			print_name(stdout, m->path);
			putchar('\n');
			fflush(stdout);
		}
		extract(g, parent, m, &d, &w->f);
	}
	if (S_ISDIR(m->st.mode))
		w->stack[w->depth++] = d;
	else if (S_ISREG(m->st.mode))
		w->f.open = true; /* its data follows, written or dropped */
	return 0;
}

static int on_data(struct writer *w, const struct gw_msg *m, char *err,
		   size_t errlen)
{
	struct wfile *f = &w->f;
	int rc;

	if (!f->open) {
		snprintf(err, errlen, "data outside a file");
		return -1;
	}
	if (f->fd < 0)
		return 0;
	if (m->value + m->len > f->st.size) {
		snprintf(err, errlen, "data past the end of the file");
		return -1;
	}
	rc = write_sparse(f->fd, m->data, m->len, m->value, &f->end);
	if (rc) {
		host_error(w->g, f->ipath, "cannot write", f->shown, rc);
		close(f->fd);
		f->fd = -1;
		/* a full disk must not leave a file that looks extracted */
		if (unlinkat(f->dirfd, f->name, 0) == 0)
			cli_error(w->g->c, f->ipath, "removed the partial %s",
				  f->shown);
		return 0;
	}
	f->received += m->len;
	progress_add(w->g->c->progress, m->len);
	return 0;
}

/* 0: the stream ended well; -1: it did not (reported). */
static int write_stream(struct writer *w, int fd)
{
	struct get *g = w->g;
	struct cli *c = g->c;
	struct gw_reader r;
	struct gw_msg m;
	bool entries = false; /* a TOTAL comes before any entry */
	char err[128] = "";
	int rc = 0;

	if (gw_reader_init(&r, fd))
		cli_oom();
	while (!g->fatal && (rc = gw_read(&r, &m, err, sizeof(err))) > 0) {
		switch (m.type) {
		case GW_TOTAL:
			if (entries) {
				snprintf(err, sizeof(err), "a late total");
				rc = -1;
			} else {
				c->progress = progress_new(m.value, c->quiet);
			}
			break;
		case GW_MSG:
			cli_relay(c, m.data);
			break;
		case GW_ENTRY:
			rc = on_entry(w, &m, err, sizeof(err));
			break;
		case GW_DATA:
			rc = on_data(w, &m, err, sizeof(err));
			break;
		case GW_EOF:
			if (!w->f.open) {
				snprintf(err, sizeof(err),
					 "an end of file "
					 "outside a file");
				rc = -1;
				break;
			}
			finish_file(g, &w->f, m.value == 1);
			break;
		case GW_LEAVE:
			if (w->f.open || !w->depth) {
				snprintf(err, sizeof(err),
					 "an end of directory out of place");
				rc = -1;
				break;
			}
			if (w->stack[--w->depth])
				finish_dir(g, w->stack[w->depth]);
			break;
		}
		entries |= m.type != GW_TOTAL && m.type != GW_MSG;
		if (rc < 0)
			break;
	}
	if (rc == 0 && !g->fatal && (w->f.open || w->depth)) {
		snprintf(err, sizeof(err), "the stream ended inside %s",
			 w->f.open ? "a file" : "a directory");
		rc = -1;
	}
	if (rc < 0) {
		cli_error(c, NULL, "the confined reader broke the protocol: %s",
			  err);
		cli_status(c, EXIT_IMAGE);
	}
	/* what was begun is closed, directories get their metadata */
	if (w->f.open)
		finish_file(g, &w->f, false);
	while (w->depth)
		if (w->stack[--w->depth])
			finish_dir(g, w->stack[w->depth]);
	gw_reader_free(&r);
	return rc < 0 ? -1 : 0;
}

int get_write_stream(struct get *g, struct dirstate *top, int fd)
{
	struct writer w = { .g = g, .top = top };
	int rc;

	w.f.fd = -1;
	w.stack = xmalloc(WALK_MAX_DEPTH * sizeof(*w.stack));
	rc = write_stream(&w, fd);
	free(w.stack);
	return rc;
}

/* --- the reader: walks the image, confined -------------------------------- */

struct reader {
	struct cli *c;
	int out;
	char *buf;
	bool gone; /* the writer went away: stop */
};

static bool sent(struct reader *r, int rc)
{
	if (rc)
		r->gone = true;
	return rc == 0;
}

/* Sends the data of an open file, holes left out. */
static void send_data(struct reader *r, fsimg_file *f, const char *ipath)
{
	struct cli *c = r->c;
	uint64_t size = fsimg_file_size(f), off = 0;
	bool use_map = true;

	while (off < size) {
		uint64_t left = size - off;
		size_t want = left < CLI_BUFSIZE ? (size_t)left : CLI_BUFSIZE;
		struct fsimg_extent ext;
		unsigned logged;
		ssize_t n;

		if (use_map) {
			int rc = fsimg_file_map(f, off, &ext);
			uint64_t end = ext.logical + ext.length;

			if (rc == -EOPNOTSUPP) {
				use_map = false;
			} else if (rc == 0 && ext.logical <= off && end > off &&
				   end >= ext.logical) {
				if (ext.flags & FSIMG_EXTENT_HOLE) {
					off = end < size ? end : size;
					continue;
				}
				if (end - off < want)
					want = (size_t)(end - off);
			}
		}
		logged = c->logged;
		n = fsimg_file_read(f, r->buf, want, off);
		if (n <= 0) {
			if (c->logged == logged)
				cli_error(c, ipath, "reading at byte %llu: %s",
					  (unsigned long long)off,
					  strerror(n ? (int)-n : EIO));
			cli_status(c, EXIT_PARTIAL);
			sent(r, gw_send_eof(r->out, false));
			return;
		}
		if (!sent(r, gw_send_data(r->out, off, r->buf, (size_t)n)))
			return;
		off += (uint64_t)n;
	}
	sent(r, gw_send_eof(r->out, true));
}

/* 1: a directory was entered (send LEAVE after its entries); 0: not. */
static int send_entry(struct reader *r, const char *name, fsimg_ino ino,
		      const struct fsimg_stat *st, const char *ipath)
{
	struct cli *c = r->c;
	unsigned logged = c->logged;
	fsimg_file *f = NULL;
	char *target = NULL;
	int rc = 0;

	c->ctx_path = ipath;
	switch (st->mode & S_IFMT) {
	case S_IFREG:
		rc = fsimg_file_open(c->fs, ino, &f);
		break;
	case S_IFLNK:
		target = read_link(c, ino, &rc);
		break;
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		cli_error(c, ipath, "unknown file type (mode 0%o): skipped",
			  st->mode);
		cli_status(c, EXIT_PARTIAL);
		c->ctx_path = NULL;
		return 0;
	}
	if (rc) {
		cli_path_failed(c, ipath, rc, logged);
		cli_status(c, EXIT_PARTIAL);
		c->ctx_path = NULL;
		return 0;
	}
	rc = gw_send_entry(r->out, name, ipath, st, target);
	if (rc == -ENAMETOOLONG) {
		cli_error(c, ipath, "%s too long to be created: skipped",
			  target ? "link target" : "name");
		cli_status(c, EXIT_PARTIAL);
	} else if (sent(r, rc) && f) {
		send_data(r, f, ipath);
	}
	fsimg_file_close(f);
	free(target);
	c->ctx_path = NULL;
	return rc == 0 && S_ISDIR(st->mode);
}

static int reader_pre(void *ctx, const struct walk_node *n, void **state)
{
	struct reader *r = ctx;
	int entered;

	if (r->gone)
		return -1;
	entered = send_entry(r, n->name, n->ino, n->st, n->path);
	*state = r;
	return r->gone ? -1 : entered;
}

static void reader_post(void *ctx, const struct walk_node *n, void *state)
{
	struct reader *r = ctx;

	(void)n;
	(void)state;
	if (!r->gone)
		sent(r, gw_send_leave(r->out));
}

static const struct walk_ops reader_walk = { .pre = reader_pre,
					     .post = reader_post };

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

	/*
	 * like cp -r: a symlink operand is copied as a symlink, unless it
	 * ends in a slash or -L is given
	 */
	c->ctx_path = op->arg;
	rc = fsimg_resolve(c->fs, op->arg,
			   slash || c->dereference ? 0 : FSIMG_NOFOLLOW,
			   &op->ino, &op->st);
	c->ctx_path = NULL;
	if (rc) {
		cli_path_failed(c, op->arg, rc, logged);
		return;
	}
	op->norm = path_real(c->fs, op->arg);
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

/*
 * The reader, in the child: confined, it opens the filesystem and sends
 * each operand. arg, as: the name a single operand is created as (DEST did not
 * exist), else NULL. Returns the exit status.
 */
static int reader_main(struct cli *c, void *arg, int out)
{
	const char *as = arg;
	int npaths = c->noperands - 1;
	struct reader r = { .c = c, .out = out };
	struct operand *ops;
	char **paths;
	int rc;

	/* diagnostics go to the writer, in order with what it does */
	c->relay = true;
	c->relay_fd = out;
	rc = cli_confine(c);
	if (!rc)
		rc = cli_open_fs(c);
	if (rc)
		return rc;
	paths = glob_operands(c, c->operands, npaths, &npaths);
	if (as && npaths > 1) {
		cli_error(c, NULL,
			  "the patterns match %d paths: the destination must "
			  "be an existing directory",
			  npaths);
		glob_free(paths, npaths);
		return EXIT_DEST;
	}
	ops = xmalloc((size_t)(npaths ? npaths : 1) * sizeof(*ops));
	memset(ops, 0, (size_t)(npaths ? npaths : 1) * sizeof(*ops));
	for (int i = 0; i < npaths; i++) {
		ops[i].arg = paths[i];
		resolve_operand(c, &ops[i]);
	}
	if (progress_possible(c->quiet)) {
		/* errors are reported once, by the extraction itself */
		c->mute = true;
		sent(&r, gw_send_total(out, count_total(c, ops, npaths)));
		c->mute = false;
	}
	r.buf = xmalloc(CLI_BUFSIZE);
	for (int i = 0; i < npaths && !r.gone; i++) {
		struct operand *op = &ops[i];

		if (!op->ok)
			continue;
		if (!as && !strcmp(op->norm, "/")) {
			/* the root's entries go straight into DEST */
			walk_tree(c, op->ino, op->norm, &r, &reader_walk, &r);
			continue;
		}
		if (send_entry(&r, as ? as : path_basename(op->norm), op->ino,
			       &op->st, op->norm) == 1) {
			walk_tree(c, op->ino, op->norm, &r, &reader_walk, &r);
			if (!r.gone)
				sent(&r, gw_send_leave(out));
		}
	}
	for (int i = 0; i < npaths; i++)
		free(ops[i].norm);
	free(ops);
	glob_free(paths, npaths);
	free(r.buf);
	return c->status;
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

static int dest_error(struct cli *c, const char *dest, int err)
{
	cli_error(c, NULL, "destination %s: %s", dest, strerror(err));
	return EXIT_DEST;
}

/* The reader's end: its exit status merged into ours. */
static void reap_reader(struct cli *c, pid_t pid, bool kill_it)
{
	int status;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (kill_it)
		return;
	if (WIFSIGNALED(status)) {
		cli_error(c, NULL,
			  "the confined reader was killed by signal %d",
			  WTERMSIG(status));
		cli_status(c, EXIT_IMAGE);
	} else if (WEXITSTATUS(status) <= EXIT_DEST) {
		cli_status(c, WEXITSTATUS(status));
	} else {
		cli_status(c, EXIT_IMAGE);
	}
}

int get_run_reader(struct get *g, struct dirstate *top,
		   int (*reader)(struct cli *c, void *arg, int out), void *arg)
{
	struct cli *c = g->c;
	int p[2], rc;
	pid_t pid;

	rc = cli_open_image(c);
	if (rc)
		return rc;
	if (pipe2(p, O_CLOEXEC)) {
		cli_error(c, NULL, "pipe: %s", strerror(errno));
		return EXIT_IMAGE;
	}
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20); /* best effort: fewer switches */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_error(c, NULL, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return EXIT_IMAGE;
	}
	if (pid == 0) {
		close(p[0]);
		close(g->topfd);
		cli_status(c, reader(c, arg, p[1]));
		gw_flush(p[1]);
		_exit(c->status);
	}
	close(p[1]);
	fsimg_image_close(c->img); /* the writer never reads the image */
	c->img = NULL;
	raise_fd_limit();
	umask(0);
	rc = get_write_stream(g, top, p[0]);
	close(p[0]);
	reap_reader(c, pid, rc < 0 || g->fatal);
	progress_done(c->progress, g->files);
	c->progress = NULL;
	return 0;
}

int cmd_get(struct cli *c)
{
	int npaths = c->noperands - 1;
	char *dest = xstrdup(c->operands[npaths]);
	struct get g = { .c = c, .root = geteuid() == 0, .topfd = -1 };
	struct dirstate top = { .fd = -1, .rel = "" };
	char *as = NULL, *parent = NULL;
	struct stat ds;
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
	rc = get_run_reader(&g, &top, reader_main, as);
out:
	for (size_t i = 0; i < g.nlinks; i++)
		free(g.links[i].rel);
	free(g.links);
	free(g.hash);
	if (g.topfd >= 0)
		close(g.topfd);
	free(parent);
	free(dest);
	return rc;
}
