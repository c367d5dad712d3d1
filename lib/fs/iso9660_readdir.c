/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: walking directories. readdir streams the records of a directory
 * from a cookie (the byte offset of the next record within the directory,
 * 0 = the start; "." and ".." are never returned). lookup scans the
 * directory the first time and builds a name index the second, kept in a
 * bounded LRU cache (iso9660_dcache.c); a directory too big for the cache
 * is scanned every time. In a big directory, lookup first reads the few
 * blocks where the records' order says the name should be
 * (iso9660_probe.c), and scans only when the name is not there.
 *
 * What the user sees is one entry per file: the "." and ".." records,
 * associated files (ECMA-119 9.1.6 bit 2), the continuation records of a
 * multi-extent file, directories relocated by Rock Ridge (RE, shown where
 * their CL entry is instead) and, when all it holds is relocated
 * directories, the root's rr_moved directory are not listed.
 *
 * Loops in the directory graph are refused with the ancestor chains of
 * iso9660_tree.c.
 */
#include "iso9660.h"

#include <stdlib.h>
#include <sys/stat.h>

/* --- entries -------------------------------------------------------------- */

struct ent {
	struct iso_node n; /* the first record, its RR, size, name */
	fsimg_ino handle;
	size_t nlen; /* strlen(n.name) */
	bool dir;
	uint64_t next; /* cookie after this entry */
};

struct ext_last {
	uint64_t size, blocks, end;
};

static int track_extent(void *ctx, const struct iso_rec *r)
{
	struct ext_last *l = ctx;

	l->size += r->size;
	l->blocks += (r->size + ISO_BLOCK - 1) / ISO_BLOCK;
	l->end = r->pos + r->len;
	return 0;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	return !memchr(s, '/', n);
}

static bool rr_moved_hidden(struct iso_fs *ifs, fsimg_ino h);

/*
 * Whether a directory record in rr_moved is a relocated directory: RE says
 * so (RRIP 4.1.5.3); some writers (NetBSD makefs) omit RE, but the
 * relocated directory's ".." then still carries PL (RRIP 4.1.5.2), which
 * nothing else has.
 */
static bool relocated(struct iso_fs *ifs, const struct iso_rec *r,
		      const struct iso_rr *rr)
{
	struct iso_rec dot, dd;
	struct iso_rr prr;
	uint64_t d = iso_rec_data(r);

	if (rr->have & ISO_RR_RE)
		return true;
	if (!(r->flags & ISO_FF_DIR) || iso_rec_read(ifs, d, &dot) ||
	    iso_rec_read(ifs, d + dot.len, &dd) || !iso_rec_is_dotdot(&dd))
		return false;
	iso_rr_init(&prr, NULL, 0);
	return !iso_rr_parse(ifs, &dd, 0, false, &prr) &&
	       (prr.have & ISO_RR_PL);
}

static bool in_rr_moved(struct iso_fs *ifs, uint64_t dir)
{
	bool yes;

	pthread_mutex_lock(&ifs->lock);
	yes = ifs->rr_moved_state && ifs->rr_moved == dir;
	pthread_mutex_unlock(&ifs->lock);
	return yes;
}

/*
 * A lookup's scan of a Rock Ridge directory (iso_diter's skip): passes
 * over, undecoded, a record whose NM name is not the one looked for. Only
 * NM is parsed, and compared where it lies. A record is decoded when it
 * has the name, or when only a whole decoding can tell: no NM name (the
 * ISO name is used), or a name long enough to be cut. Errors of its
 * continuation areas are those a whole decoding would meet.
 */
struct name_skip {
	struct iso_fs *ifs;
	const char *name;
	size_t len;
	struct iso_rr rr;
};

static int skip_other_name(void *ctx, const uint8_t *raw, size_t len,
			   size_t su_off, uint64_t pos)
{
	struct name_skip *k = ctx;
	struct iso_rr *rr = &k->rr;
	int rc;

	iso_rr_init_name(rr, k->name, k->len);
	rc = iso_rr_parse_su(k->ifs, raw + su_off, len - su_off, pos,
			     ISO_RRW_NAME | ISO_RRW_NAME_ONLY, false, rr);
	if (rc)
		return rc;
	if (rr->mismatch)
		return 1;
	if (!(rr->have & ISO_RR_NM) || !rr->name_len || rr->name_truncated)
		return 0;
	return rr->name_len != k->len;
}

/* A plain scan (no index being built) of a Rock Ridge tree skips so. */
static void scan_for_name(struct iso_diter *it, struct name_skip *k)
{
	if (k->ifs->tree == ISO_TREE_RR) {
		it->skip = skip_other_name;
		it->skip_ctx = k;
	}
}

/*
 * The next entry the user sees: 1, 0 at the end, or -errno. want is what
 * iso_rr_parse assembles besides the name: a lookup's scan needs no times.
 */
static int next_entry(struct iso_diter *it, struct ent *e, unsigned want)
{
	struct iso_fs *ifs = it->ifs;
	struct iso_rec *r = &e->n.rec;
	bool rock = ifs->tree == ISO_TREE_RR;
	int rc;

	for (;;) {
		bool cont;
		size_t nlen;

		rc = iso_diter_next(it, r);
		if (rc <= 0)
			return rc;
		cont = it->cont;
		it->cont =
			!(r->flags & ISO_FF_DIR) && (r->flags & ISO_FF_MULTI);
		if (cont || iso_rec_is_dot(r) || iso_rec_is_dotdot(r) ||
		    (r->flags & ISO_FF_ASSOCIATED))
			continue;
		e->n.dir = false;
		e->n.name[0] = '\0';
		iso_rr_init(&e->n.rr, NULL, 0);
		if (rock) {
			rc = iso_rr_parse(ifs, r, ISO_RRW_NAME | want, false,
					  &e->n.rr);
			if (rc)
				return rc;
			if ((e->n.rr.have & ISO_RR_RE) ||
			    ((r->flags & ISO_FF_DIR) &&
			     in_rr_moved(ifs, it->start) &&
			     relocated(ifs, r, &e->n.rr)))
				continue;
		}
		iso_node_name(ifs, &e->n);
		nlen = e->nlen = strlen(e->n.name);
		if (!name_ok(e->n.name, nlen) ||
		    (rock && (e->n.rr.name_cur || e->n.rr.name_parent))) {
			ISO_DBG("record at %llu: unusable name '%s'",
				(unsigned long long)r->pos, e->n.name);
			continue;
		}
		e->dir = r->flags & ISO_FF_DIR;
		if (rock && (e->n.rr.have & ISO_RR_CL)) {
			/* RRIP 4.1.5.1: the directory lives elsewhere */
			e->dir = true;
			e->handle = (uint64_t)e->n.rr.cl * ISO_BLOCK;
		} else if (e->dir) {
			uint64_t own;

			e->handle = iso_rec_data(r);
			own = iso_posmap_claim(ifs, e->handle, r->pos);
			/* a cross-link: the attributes of the record
			 * first seen, under this record's name */
			if (own != r->pos) {
				rc = iso_rec_read(ifs, own, r);
				if (!rc && !(r->flags & ISO_FF_DIR))
					rc = -EUCLEAN;
				if (rc)
					return rc;
				iso_rr_init(&e->n.rr, NULL, 0);
				if (rock &&
				    (rc = iso_rr_parse(ifs, r, want, false,
						       &e->n.rr)))
					return rc;
			}
		} else {
			e->handle = r->pos;
		}
		e->n.handle = e->handle;
		e->n.size = r->size;
		e->n.blocks = (r->size + ISO_BLOCK - 1) / ISO_BLOCK;
		e->n.nextents = 1;
		if (!e->dir && (r->flags & ISO_FF_MULTI)) {
			struct ext_last l = { 0, 0, 0 };
			rc = iso_extents_walk(ifs, r, track_extent, &l,
					      &e->n.nextents);
			if (rc)
				return rc;
			if (l.end > it->start + it->size)
				return fsimg_werr(
					&ifs->win, -EUCLEAN,
					"file '%s' at byte %llu: its "
					"extents run past the end of "
					"the directory",
					e->n.name,
					fsimg_wabs(&ifs->win, r->pos));
			it->off = l.end - it->start;
			it->cont = false;
			e->n.size = l.size;
			e->n.blocks = l.blocks;
		}
		if (rock && e->dir && it->start == ifs->pvd_root &&
		    (!strcmp(e->n.name, "rr_moved") ||
		     !strcmp(e->n.name, ".rr_moved")) &&
		    rr_moved_hidden(ifs, e->handle))
			continue;
		e->next = it->off;
		return 1;
	}
}

/*
 * Like libarchive: the root's rr_moved is hidden when everything in it was
 * relocated (has RE), so the tree looks like the one the image was made
 * from. Decided once per filesystem; a directory we cannot read is shown.
 */
static bool rr_moved_hidden(struct iso_fs *ifs, fsimg_ino h)
{
	struct iso_node dir;
	struct iso_diter *it;
	struct iso_rec r;
	bool hidden = true;
	int state, rc;

	pthread_mutex_lock(&ifs->lock);
	state = ifs->rr_moved == h ? ifs->rr_moved_state : 0;
	pthread_mutex_unlock(&ifs->lock);
	if (state)
		return state == 1;

	it = malloc(sizeof(*it));
	if (!it)
		return false;
	rc = iso_node_load(ifs, h, &dir);
	if (!rc && dir.dir)
		rc = iso_diter_init(it, ifs, h, dir.rec.size, 0);
	else if (!rc)
		rc = -ENOTDIR;
	while (!rc && (rc = iso_diter_next(it, &r)) == 1) {
		struct iso_rr rr;

		rc = 0;
		if (iso_rec_is_dot(&r) || iso_rec_is_dotdot(&r))
			continue;
		iso_rr_init(&rr, NULL, 0);
		rc = iso_rr_parse(ifs, &r, 0, false, &rr);
		if (!rc && !relocated(ifs, &r, &rr)) {
			hidden = false;
			break;
		}
	}
	free(it);
	if (rc < 0)
		hidden = false;
	pthread_mutex_lock(&ifs->lock);
	ifs->rr_moved = h;
	ifs->rr_moved_state = hidden ? 1 : 2;
	pthread_mutex_unlock(&ifs->lock);
	ISO_DBG("rr_moved at %llu: %s", (unsigned long long)h,
		hidden ? "hidden" : "shown");
	return hidden;
}

static int loop_err(struct iso_fs *ifs, const struct ent *e, fsimg_ino dir)
{
	return fsimg_werr(&ifs->win, -EUCLEAN,
			  "directory entry '%s' in the directory at block %llu "
			  "points back to an enclosing directory (block %llu)",
			  e->n.name, (unsigned long long)(dir / ISO_BLOCK),
			  (unsigned long long)(e->handle / ISO_BLOCK));
}

/* Opens directory dir for walking, with its ancestry. */
static int dir_open(struct iso_fs *ifs, fsimg_ino dir, uint64_t off,
		    struct iso_diter **it, struct iso_chain **c)
{
	struct iso_node n;
	int rc = iso_node_load(ifs, dir, &n);

	if (rc)
		return rc;
	if (!n.dir)
		return -ENOTDIR;
	*it = malloc(sizeof(**it));
	*c = malloc(sizeof(**c));
	if (!*it || !*c) {
		rc = -ENOMEM;
		goto err;
	}
	rc = iso_diter_init(*it, ifs, dir, n.rec.size, off);
	if (!rc)
		rc = iso_dir_chain(ifs, dir, *c);
	if (!rc)
		return 0;
err:
	free(*it);
	free(*c);
	*it = NULL;
	*c = NULL;
	return rc;
}

int iso_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct iso_fs *ifs = iso_of(fs);
	struct iso_diter *it;
	struct iso_chain *c;
	struct ent *e = malloc(sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	rc = dir_open(ifs, dir, cookie, &it, &c);
	if (rc)
		goto out_e;
	while ((rc = next_entry(it, e, ISO_RRW_TIMES)) == 1) {
		struct fsimg_stat st;

		if (e->dir && iso_in_chain(c, e->handle)) {
			rc = loop_err(ifs, e, dir);
			break;
		}
		if (e->dir && (e->n.rr.have & ISO_RR_CL)) {
			/* attributes from the relocated directory's record */
			struct iso_node d;

			rc = iso_node_load(ifs, e->handle, &d);
			if (rc)
				break;
			if (!d.dir) {
				rc = -EUCLEAN;
				break;
			}
			iso_node_stat(ifs, &d, &st);
		} else if (e->dir) {
			struct iso_rec dot;

			rc = iso_dot_check(ifs, e->handle, &dot);
			if (rc)
				break;
			e->n.dir = true;
			iso_node_stat(ifs, &e->n, &st);
		} else {
			iso_node_stat(ifs, &e->n, &st);
		}
		if (fn(ctx, e->n.name, e->handle, &st, e->next)) {
			rc = 0;
			break;
		}
	}
	free(it);
	free(c);
out_e:
	free(e);
	return rc < 0 ? rc : 0;
}

/*
 * A lookup in the part of a big directory where the name's record should
 * be, by the records' order (iso9660_probe.c), with the caller's iterator
 * of the whole directory (it), its ancestry (c) and entry (e): 1 with *h
 * and *hrec when a record there has the name; 0 when none does, the part
 * is in doubt or the directory is too small to probe, it then walking the
 * whole directory again from the start for the caller's scan (which also
 * reports what is wrong); -errno when it cannot be set back.
 *
 * The part's first record is not accepted: whether it continues a
 * multi-extent file (9.1.6 bit 7 of the record before it) cannot be told
 * from there. The part starts a block before the one probed, so that
 * record is not where the name was expected. What goes wrong in the part
 * is not reported here (fsimg_quiet): the scan that follows meets it too,
 * and reports it if it matters (a multi-extent file whose records run past
 * the part only sends its name to the scan).
 */
static int probe_lookup(struct iso_fs *ifs, fsimg_ino dir, struct iso_diter *it,
			const struct iso_chain *c, struct ent *e,
			const char *name, size_t want, fsimg_ino *h,
			uint64_t *hrec)
{
	struct name_skip skip = { .ifs = ifs, .name = name, .len = want };
	uint64_t from, to, size = it->size;
	int rc = 0;

	fsimg_quiet(true); /* the scan reports what is wrong */
	if (iso_probe_window(ifs, dir, size, name, want, &from, &to)) {
		fsimg_quiet(false);
		return 0;
	}
	if (iso_diter_init(it, ifs, dir, to, from))
		goto out;
	scan_for_name(it, &skip);
	while ((rc = next_entry(it, e, 0)) == 1) {
		if (e->nlen != want || memcmp(e->n.name, name, want))
			continue;
		rc = 0;
		if ((from && e->n.rec.pos == dir + from) ||
		    (e->dir && iso_in_chain(c, e->handle)))
			break; /* for the scan to decide */
		*h = e->handle;
		*hrec = e->dir && !(e->n.rr.have & ISO_RR_CL) ? e->n.rec.pos
							      : 0;
		rc = 1;
		break;
	}
	if (rc < 0)
		rc = 0;
out:
	fsimg_quiet(false);
	if (rc == 1)
		return 1;
	/* back to the whole directory, for the scan: as dir_open set it */
	return iso_diter_init(it, ifs, dir, size, 0);
}

int iso_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct iso_fs *ifs = iso_of(fs);
	size_t limit = iso_dcache_limit(ifs->dcache);
	struct iso_dindex *x = NULL;
	struct iso_diter *it = NULL;
	struct iso_chain *c = NULL;
	struct ent *e = NULL;
	struct iso_node n;
	struct name_skip skip;
	fsimg_ino h = 0;
	uint64_t hrec = 0;
	size_t want = strlen(name);
	bool found = false;
	int rc;

	rc = iso_dcache_find(ifs->dcache, dir, name, &h, &hrec);
	if (rc == 1) {
		found = true;
		goto found;
	}
	if (rc == 0)
		return -ENOENT;

	rc = dir_open(ifs, dir, 0, &it, &c);
	if (rc)
		return rc;
	e = malloc(sizeof(*e));
	if (!e) {
		rc = -ENOMEM;
		goto out;
	}
	rc = probe_lookup(ifs, dir, it, c, e, name, want, &h, &hrec);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		found = true;
		goto found;
	}
	if (iso_dcache_scanned(ifs->dcache, dir))
		x = iso_dindex_new(dir);
	skip.ifs = ifs;
	skip.name = name;
	skip.len = want;
	if (!x)
		scan_for_name(it, &skip);
	while ((rc = next_entry(it, e, 0)) == 1) {
		fsimg_ino eh = e->handle;
		uint64_t erec = 0;

		if (e->dir && iso_in_chain(c, eh))
			eh = 0; /* remembered as bad */
		if (e->dir && !(e->n.rr.have & ISO_RR_CL))
			erec = e->n.rec.pos;
		if (x &&
		    !iso_dindex_add(x, e->n.name, e->nlen, eh, erec, limit)) {
			/* too big to cache: a plain scan from here on */
			iso_dindex_free(x);
			x = NULL;
			scan_for_name(it, &skip);
		}
		if (!found && e->nlen == want &&
		    !memcmp(e->n.name, name, want)) {
			found = true;
			h = eh;
			hrec = erec;
			if (!eh)
				loop_err(ifs, e, dir);
			if (!x)
				break;
		}
	}
	if (rc < 0)
		goto out;
	if (x) {
		iso_dcache_put(ifs->dcache, x);
		x = NULL;
	}
found:
	if (!found) {
		rc = -ENOENT;
		goto out;
	}
	if (!h) {
		rc = -EUCLEAN;
		goto out;
	}
	rc = iso_node_load_at(ifs, h, hrec, NULL, 0, &n);
	if (rc)
		goto out;
	*ino = h;
	if (st)
		iso_node_stat(ifs, &n, st);
out:
	iso_dindex_free(x);
	free(e);
	free(it);
	free(c);
	return rc;
}
