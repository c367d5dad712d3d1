/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XFS directories (version 2 and its V5 form, "dir3").
 *
 * Shortform: in the inode (count, 8-byte-numbers flag, the parent, then
 * entries of name length, offset, name, file type when the filesystem
 * keeps it, and a 4- or 8-byte inode number). No "." or "..".
 *
 * Otherwise the data fork maps a directory address space of directory
 * blocks (dirblksize bytes): data blocks below 32 GiB, the hash index
 * from 32 GiB, the free index from 64 GiB. Data entries are 8-byte aligned:
 * inode number, name length, name, file type, and a tag (the entry's own
 * offset); free space is marked 0xffff with its length. The index maps the
 * name hash to the entry's address (its byte offset / 8):
 *
 *   block form  one block ("XD2B"/"XDB3") holding both, the index at its
 *               end before a tail (count, stale)
 *   leaf form   data blocks and one leaf block (LEAF1) at 32 GiB
 *   node form   data blocks and a da B+tree at 32 GiB: nodes of (hash,
 *               child block) and LEAFN leaves chained left to right
 *
 * readdir walks the data blocks in order; lookup hashes the name and
 * searches the index, as the kernel does, so that a name in a directory of
 * a million entries costs a few block reads.
 */
#include "xfs.h"

#include <stdlib.h>
#include <sys/stat.h>

#define XFS_DIR2_BLOCK_MAGIC 0x58443242u /* "XD2B" */
#define XFS_DIR2_DATA_MAGIC  0x58443244u /* "XD2D" */
#define XFS_DIR3_BLOCK_MAGIC 0x58444233u /* "XDB3" */
#define XFS_DIR3_DATA_MAGIC  0x58444433u /* "XDD3" */
#define XFS_DIR_FREE_TAG     0xffffu

struct xfs_dirent {
	const uint8_t *name;
	unsigned namelen;
	uint64_t ino;
	uint64_t next; /* the cookie after this entry */
};

/* Returns non-zero to stop the walk (passed back, > 0). */
typedef int (*xfs_dirent_cb)(void *ctx, const struct xfs_dirent *de);

static int dir_bad(struct xfs_fs *x, const struct xfs_inode *in, uint64_t off,
		   const char *what)
{
	return fsimg_werr(
		&x->win, -EUCLEAN, "directory inode %llu at byte %llu: %s",
		(unsigned long long)in->ino, fsimg_wabs(&x->win, off), what);
}

static uint64_t sf_ino(const uint8_t *p, unsigned size)
{
	return size == 8 ? get_be64(p) : get_be32(p);
}

/* --- shortform ------------------------------------------------------------ */

static int sf_walk(struct xfs_fs *x, const struct xfs_inode *in,
		   uint64_t cookie, xfs_dirent_cb cb, void *ctx,
		   uint64_t *parent)
{
	const uint8_t *p = in->raw + in->doff;
	uint64_t size = in->size;
	unsigned count, isz, pos, ft = x->ftype ? 1u : 0u;

	*parent = 0;
	if (size < 6)
		return dir_bad(x, in, 0, "shortform directory too short");
	count = p[0];
	isz = p[1] ? 8u : 4u;
	pos = 2 + isz;
	if (pos > size)
		return dir_bad(x, in, 0, "shortform header past its end");
	*parent = sf_ino(p + 2, isz);
	for (unsigned i = 0; i < count; i++) {
		struct xfs_dirent de;
		unsigned len;
		int rc;

		if (pos + 3 > size)
			return dir_bad(x, in, 0,
				       "shortform entry past its end");
		len = p[pos];
		if (!len || pos + 3 + len + ft + isz > size)
			return dir_bad(x, in, 0, "bad shortform entry");
		de.name = p + pos + 3;
		de.namelen = len;
		de.ino = sf_ino(p + pos + 3 + len + ft, isz);
		de.next = i + 1;
		pos += 3 + len + ft + isz;
		if (i < cookie)
			continue;
		rc = cb(ctx, &de);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- directory blocks ----------------------------------------------------- */

int xfs_da_read(struct xfs_fs *x, const struct xfs_inode *in,
		enum xfs_fork fork, uint64_t lblk, uint8_t *buf, size_t blksize)
{
	uint64_t first = 0, off;
	size_t nfsb = blksize >> x->blocklog;
	int rc;

	for (size_t k = 0; k < nfsb; k++) {
		rc = xfs_fork_block(x, in, fork, lblk + k, &off);
		if (rc == -ENODATA)
			return fsimg_werr(&x->win, -EUCLEAN,
					  "inode %llu: block %llu of its %s "
					  "is not mapped",
					  (unsigned long long)in->ino,
					  (unsigned long long)(lblk + k),
					  fork == XFS_DATA_FORK ? "directory"
								: "attributes");
		if (rc)
			return rc;
		if (!k)
			first = off;
		rc = fsimg_wread_cached(&x->win, off, buf + (k << x->blocklog),
					x->blocksize);
		if (rc)
			return fsimg_werr(&x->win, rc,
					  "inode %llu: cannot read block at "
					  "byte %llu",
					  (unsigned long long)in->ino,
					  fsimg_wabs(&x->win, off));
	}
	if (get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DIR2_LEAF1 ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DIR3_LEAF1 ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DIR2_LEAFN ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DIR3_LEAFN ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DA_NODE_MAGIC ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_DA3_NODE_MAGIC ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_ATTR_LEAF ||
	    get_be16(buf + XFS_DA_MAGIC_OFF) == XFS_ATTR3_LEAF)
		return xfs_check_block(x, buf, blksize, XFS_DA3_CRC_OFF,
				       XFS_DA3_UUID, XFS_DA3_OWNER,
				       XFS_DA3_BLKNO, first, in->ino,
				       "index block");
	/* data blocks ("XDD3"): their own header */
	return xfs_check_block(x, buf, blksize, 4, 24, 40, 8, first, in->ino,
			       "directory block");
}

int xfs_da_find_leaf(struct xfs_fs *x, const struct xfs_inode *in,
		     enum xfs_fork fork, uint64_t root, uint32_t hash,
		     uint8_t *buf, size_t blksize, uint64_t *lblk)
{
	unsigned hdr = xfs_da_hdr_size(x), cnt_off = x->v5 ? 56u : 12u;
	unsigned level = UINT_MAX;
	uint64_t at = root;
	int rc;

	for (unsigned depth = 0;; depth++) {
		unsigned magic, n, lv, i;

		rc = xfs_da_read(x, in, fork, at, buf, blksize);
		if (rc)
			return rc;
		magic = get_be16(buf + XFS_DA_MAGIC_OFF);
		if (magic != XFS_DA_NODE_MAGIC && magic != XFS_DA3_NODE_MAGIC) {
			*lblk = at;
			return 0;
		}
		if (magic != (x->v5 ? XFS_DA3_NODE_MAGIC : XFS_DA_NODE_MAGIC) ||
		    depth >= XFS_BTREE_MAXLEVELS)
			return fsimg_werr(&x->win, -EUCLEAN,
					  "inode %llu: index node at block "
					  "%llu: bad magic or too deep",
					  (unsigned long long)in->ino,
					  (unsigned long long)at);
		n = get_be16(buf + cnt_off);
		lv = get_be16(buf + cnt_off + 2);
		if (!n || n > (blksize - hdr) / 8 || !lv ||
		    lv > XFS_BTREE_MAXLEVELS || lv >= level)
			return fsimg_werr(&x->win, -EUCLEAN,
					  "inode %llu: index node at block "
					  "%llu: %u entries at level %u",
					  (unsigned long long)in->ino,
					  (unsigned long long)at, n, lv);
		level = lv;
		/* the first entry whose hash is at least ours, or the last */
		for (i = 0; i + 1 < n; i++)
			if (get_be32(buf + hdr + (size_t)i * 8) >= hash)
				break;
		at = get_be32(buf + hdr + (size_t)i * 8 + 4);
	}
}

static bool is_data_magic(const struct xfs_fs *x, uint32_t m, bool *block)
{
	*block = m == (x->v5 ? XFS_DIR3_BLOCK_MAGIC : XFS_DIR2_BLOCK_MAGIC);
	return *block ||
	       m == (x->v5 ? XFS_DIR3_DATA_MAGIC : XFS_DIR2_DATA_MAGIC);
}

/* The end of a data block's entries: before the block form's index. */
static int data_end(struct xfs_fs *x, const struct xfs_inode *in,
		    const uint8_t *b, uint64_t db, unsigned *end)
{
	unsigned dbs = x->dirblksize, hdr = x->v5 ? 64u : 16u;
	uint64_t count;
	bool block;

	if (!is_data_magic(x, get_be32(b), &block))
		return dir_bad(x, in, db * dbs, "directory block has no magic");
	if (!block) {
		*end = dbs;
		return 0;
	}
	count = get_be32(b + dbs - 8);
	if (count > (dbs - 8 - hdr) / 8)
		return dir_bad(x, in, db * dbs, "block index count too large");
	*end = dbs - 8 - (unsigned)count * 8;
	return 0;
}

/*
 * Decodes the entry at pos of data block b (whose entries end at end):
 * 1 an entry (*de, *len), 0 free space (*len), or -EUCLEAN.
 */
static int data_entry(struct xfs_fs *x, const struct xfs_inode *in,
		      const uint8_t *b, unsigned pos, unsigned end, uint64_t db,
		      struct xfs_dirent *de, unsigned *len)
{
	unsigned ft = x->ftype ? 1u : 0u, n;

	*len = 0;
	de->ino = 0;
	de->name = NULL;
	de->namelen = 0;
	if (pos % 8 || pos + 8 > end)
		return dir_bad(x, in, db * x->dirblksize,
			       "entry past the end of its block");
	if (get_be16(b + pos) == XFS_DIR_FREE_TAG) {
		n = get_be16(b + pos + 2);
		if (n < 8 || n % 8 || n > end - pos)
			return dir_bad(x, in, db * x->dirblksize,
				       "bad free space length");
		*len = n;
		return 0;
	}
	/* the shortest entry: number, length, one byte of name, tag */
	if (end - pos < 16)
		return dir_bad(x, in, db * x->dirblksize,
			       "entry past the end of its block");
	n = b[pos + 8];
	*len = (8 + 1 + n + ft + 2 + 7) & ~7u;
	if (!n || *len > end - pos || get_be16(b + pos + *len - 2) != pos)
		return dir_bad(x, in, db * x->dirblksize, "bad entry");
	de->ino = get_be64(b + pos);
	de->name = b + pos + 9;
	de->namelen = n;
	return 1;
}

static int data_walk(struct xfs_fs *x, const struct xfs_inode *in,
		     uint64_t cookie, xfs_dirent_cb cb, void *ctx)
{
	unsigned dbs = x->dirblksize, hdr = x->v5 ? 64u : 16u;
	uint64_t db = cookie / dbs, visited = 0;
	uint8_t *b = malloc(dbs);
	int rc = 0;

	if (!b)
		return -ENOMEM;
	while (((db << x->dirblklog) << x->blocklog) < XFS_DIR_LEAF_OFFSET) {
		uint64_t lblk = db << x->dirblklog;
		struct xfs_irec r;
		unsigned pos, end = 0, len = 0;

		rc = xfs_bmap(x, in, XFS_DATA_FORK, lblk, &r);
		if (rc <= 0)
			break;
		if (r.startoff > lblk) {
			db = r.startoff >> x->dirblklog;
			continue;
		}
		if (++visited > x->max_blocks >> x->dirblklog) {
			rc = dir_bad(x, in, 0,
				     "more blocks than the image "
				     "holds");
			break;
		}
		rc = xfs_da_read(x, in, XFS_DATA_FORK, lblk, b, dbs);
		if (!rc)
			rc = data_end(x, in, b, db, &end);
		for (pos = hdr; !rc && pos < end; pos += len) {
			struct xfs_dirent de;

			rc = data_entry(x, in, b, pos, end, db, &de, &len);
			if (rc <= 0)
				continue;
			rc = 0;
			if (db * dbs + pos < cookie)
				continue;
			de.next = db * dbs + pos + len;
			rc = cb(ctx, &de);
		}
		if (rc)
			break;
		db++;
	}
	free(b);
	return rc;
}

static int dir_walk(struct xfs_fs *x, const struct xfs_inode *in,
		    uint64_t cookie, xfs_dirent_cb cb, void *ctx)
{
	uint64_t parent;

	if (in->format == XFS_FMT_LOCAL)
		return sf_walk(x, in, cookie, cb, ctx, &parent);
	return data_walk(x, in, cookie, cb, ctx);
}

static int dir_inode(struct xfs_fs *x, fsimg_ino dir, struct xfs_inode *in)
{
	int rc = xfs_inode_read(x, dir, in);

	if (rc)
		return rc;
	return S_ISDIR(in->mode) ? 0 : -ENOTDIR;
}

/* --- readdir ---------------------------------------------------------------
 */

struct readdir_ctx {
	struct xfs_fs *x;
	fsimg_dirent_fn fn;
	void *ctx;
	struct xfs_inode in;
};

static int readdir_cb(void *priv, const struct xfs_dirent *de)
{
	struct readdir_ctx *c = priv;
	char name[XFS_NAME_MAX + 1];
	struct fsimg_stat st;

	if ((de->namelen == 1 && de->name[0] == '.') ||
	    (de->namelen == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	memcpy(name, de->name, de->namelen);
	name[de->namelen] = 0;
	/* a name with a NUL or a slash cannot be given: skipped */
	if (strlen(name) != de->namelen || strchr(name, '/'))
		return 0;
	if (!de->ino)
		return 0;
	/* an entry whose inode cannot be read is listed without a stat */
	if (xfs_inode_read(c->x, de->ino, &c->in))
		return c->fn(c->ctx, name, de->ino, NULL, de->next) ? 1 : 0;
	xfs_stat_of(c->x, &c->in, &st);
	return c->fn(c->ctx, name, de->ino, &st, de->next) ? 1 : 0;
}

int xfs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct xfs_fs *x = xfs_of(fs);
	struct readdir_ctx *c = malloc(sizeof(*c));
	struct xfs_inode *in = malloc(sizeof(*in));
	int rc;

	if (!c || !in) {
		rc = -ENOMEM;
		goto out;
	}
	c->x = x;
	c->fn = fn;
	c->ctx = ctx;
	rc = dir_inode(x, dir, in);
	if (!rc)
		rc = dir_walk(x, in, cookie, readdir_cb, c);
out:
	free(c);
	free(in);
	return rc > 0 ? 0 : rc;
}

/* --- lookup -----------------------------------------------------------------
 */

struct name_match {
	const uint8_t *name;
	unsigned len;
	bool ci;
	uint64_t exact, folded; /* inode numbers found, 0 none */
};

/* Notes a match of de; 1 when the search can stop (exact match). */
static int match(struct name_match *m, const uint8_t *name, unsigned len,
		 uint64_t ino)
{
	unsigned k;

	if (len != m->len)
		return 0;
	if (!memcmp(name, m->name, len)) {
		m->exact = ino;
		return 1;
	}
	if (!m->ci || m->folded)
		return 0;
	for (k = 0; k < len && xfs_ci_fold(name[k]) == xfs_ci_fold(m->name[k]);
	     k++)
		;
	if (k == len)
		m->folded = ino;
	return 0;
}

static int sf_match_cb(void *priv, const struct xfs_dirent *de)
{
	return match(priv, de->name, de->namelen, de->ino);
}

/* Checks the entry at data address addr (bytes / 8) against m. */
static int match_addr(struct xfs_fs *x, const struct xfs_inode *in, uint8_t *b,
		      uint64_t *cur_db, uint32_t addr, struct name_match *m)
{
	uint64_t off = (uint64_t)addr * 8, db = off / x->dirblksize;
	unsigned pos = (unsigned)(off % x->dirblksize), end = 0, len = 0;
	unsigned hdr = x->v5 ? 64u : 16u;
	struct xfs_dirent de;
	int rc;

	if (db != *cur_db) {
		*cur_db = UINT64_MAX;
		rc = xfs_da_read(x, in, XFS_DATA_FORK, db << x->dirblklog, b,
				 x->dirblksize);
		if (rc)
			return rc;
		*cur_db = db;
	}
	rc = data_end(x, in, b, db, &end);
	if (rc)
		return rc;
	if (pos < hdr)
		return dir_bad(x, in, off, "index points into a header");
	rc = data_entry(x, in, b, pos, end, db, &de, &len);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return dir_bad(x, in, off, "index points to free space");
	return match(m, de.name, de.namelen, de.ino);
}

/*
 * Searches index entries (hash, address) ents[0..n) for hash; *past is
 * set when the run of equal hashes may go on in the next leaf.
 */
static int index_search(struct xfs_fs *x, const struct xfs_inode *in,
			const uint8_t *ents, unsigned n, uint32_t hash,
			uint8_t *data, uint64_t *cur_db, struct name_match *m,
			bool *past)
{
	unsigned lo = 0, hi = n;
	int rc;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (get_be32(ents + (size_t)mid * 8) < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && get_be32(ents + (size_t)lo * 8) == hash; lo++) {
		uint32_t addr = get_be32(ents + (size_t)lo * 8 + 4);

		if (!addr)
			continue; /* stale */
		rc = match_addr(x, in, data, cur_db, addr, m);
		if (rc)
			return rc;
	}
	*past = lo == n;
	return 0;
}

static int index_lookup(struct xfs_fs *x, const struct xfs_inode *in,
			struct name_match *m)
{
	unsigned dbs = x->dirblksize, hdr = xfs_da_hdr_size(x);
	unsigned cnt_off = x->v5 ? 56u : 12u, n;
	uint64_t root = XFS_DIR_LEAF_OFFSET >> x->blocklog, lblk, off;
	uint64_t cur_db = UINT64_MAX, hops = 0;
	uint32_t hash = xfs_da_hashname(m->name, m->len, x->ascii_ci);
	uint8_t *leaf = malloc(dbs), *data = malloc(dbs);
	bool past = false;
	int rc;

	if (!leaf || !data) {
		rc = -ENOMEM;
		goto out;
	}
	rc = xfs_fork_block(x, in, XFS_DATA_FORK, root, &off);
	if (rc == -ENODATA) {
		/* block form: the index is at the end of block 0 */
		unsigned end;

		rc = xfs_da_read(x, in, XFS_DATA_FORK, 0, data, dbs);
		if (!rc)
			rc = data_end(x, in, data, 0, &end);
		if (!rc && get_be32(data) != (x->v5 ? XFS_DIR3_BLOCK_MAGIC
						    : XFS_DIR2_BLOCK_MAGIC))
			rc = dir_bad(x, in, 0, "no index and no block form");
		if (rc)
			goto out;
		/*
		 * The index is searched in a copy: an address a damaged index
		 * gives past block 0 makes match_addr read that block into
		 * data, under the entries being searched.
		 */
		cur_db = 0;
		n = get_be32(data + dbs - 8);
		memcpy(leaf, data, dbs);
		rc = index_search(x, in, leaf + end, n, hash, data, &cur_db, m,
				  &past);
		goto out;
	}
	if (rc)
		goto out;
	rc = xfs_da_find_leaf(x, in, XFS_DATA_FORK, root, hash, leaf, dbs,
			      &lblk);
	while (!rc) {
		unsigned magic = get_be16(leaf + XFS_DA_MAGIC_OFF), max;
		bool one = magic == (x->v5 ? XFS_DIR3_LEAF1 : XFS_DIR2_LEAF1);

		if (!one &&
		    magic != (x->v5 ? XFS_DIR3_LEAFN : XFS_DIR2_LEAFN)) {
			rc = dir_bad(x, in, lblk << x->blocklog,
				     "index leaf has no magic");
			break;
		}
		n = get_be16(leaf + cnt_off);
		max = (dbs - hdr) / 8;
		if (one) {
			uint32_t best = get_be32(leaf + dbs - 4);

			max = best > (dbs - hdr - 4) / 2
				      ? 0
				      : (dbs - hdr - 4 - best * 2) / 8;
		}
		if (n > max) {
			rc = dir_bad(x, in, lblk << x->blocklog,
				     "index leaf count too large");
			break;
		}
		rc = index_search(x, in, leaf + hdr, n, hash, data, &cur_db, m,
				  &past);
		if (rc || m->exact || one || !past)
			break;
		/* equal hashes may go on in the next leaf */
		lblk = get_be32(leaf);
		if (!lblk)
			break;
		if (++hops > x->max_blocks >> x->dirblklog) {
			rc = dir_bad(x, in, 0, "index leaves loop");
			break;
		}
		rc = xfs_da_read(x, in, XFS_DATA_FORK, lblk, leaf, dbs);
	}
out:
	free(leaf);
	free(data);
	return rc < 0 ? rc : 0;
}

int xfs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct xfs_fs *x = xfs_of(fs);
	struct xfs_inode *in = malloc(sizeof(*in));
	struct name_match m = { .name = (const uint8_t *)name,
				.len = (unsigned)strlen(name),
				.ci = x->ascii_ci };
	uint64_t found = 0;
	int rc;

	if (!in)
		return -ENOMEM;
	rc = dir_inode(x, dir, in);
	if (rc)
		goto out;
	if (m.len > XFS_NAME_MAX) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	if (in->format == XFS_FMT_LOCAL) {
		uint64_t parent;

		if (!strcmp(name, ".")) {
			found = dir;
		} else {
			rc = sf_walk(x, in, 0, sf_match_cb, &m, &parent);
			if (rc < 0)
				goto out;
			if (!strcmp(name, ".."))
				found = parent;
		}
	} else {
		rc = index_lookup(x, in, &m);
		if (rc)
			goto out;
	}
	if (!found)
		found = m.exact ? m.exact : m.folded;
	if (!found) {
		rc = -ENOENT;
		goto out;
	}
	rc = xfs_inode_read(x, found, in);
	if (rc)
		goto out;
	if (st)
		xfs_stat_of(x, in, st);
	*ino = found;
out:
	free(in);
	return rc < 0 ? rc : 0;
}
