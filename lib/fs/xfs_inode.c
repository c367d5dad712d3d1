/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XFS inodes: where inode N lives, the checks of its core and forks,
 * getattr, and the block map of a fork.
 *
 * A fork's extents are 128-bit big-endian records (xfs_bmbt_rec): the
 * unwritten flag (bit 127), the file block (54 bits), the filesystem
 * block (52 bits, AG-encoded) and the length (21 bits), sorted by file
 * block. A fork in extents format holds them in the inode; one in btree
 * format holds the root of a B+tree (xfs_bmdr_block: level, count, keys
 * then pointers) whose lower blocks are "BMAP" (V4) or "BMA3" (V5, with a
 * CRC, the owner inode and the block's own address) blocks of keys and
 * pointers, or of records at level 0.
 */
#include "xfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define XFS_BMAP_MAGIC	0x424d4150u /* "BMAP" */
#define XFS_BMAP3_MAGIC 0x424d4133u /* "BMA3" */
#define XFS_NULLFSBLOCK UINT64_MAX

/* Seconds between the bigtime epoch and 1970 (-INT32_MIN). */
#define XFS_BIGTIME_OFFSET 2147483648ll

static void xfs_time(const struct xfs_inode *in, const uint8_t *p,
		     struct timespec *ts)
{
	if (in->flags2 & XFS_DIFLAG2_BIGTIME) {
		uint64_t t = get_be64(p);

		ts->tv_sec = (time_t)(t / 1000000000u) - XFS_BIGTIME_OFFSET;
		ts->tv_nsec = (long)(t % 1000000000u);
	} else {
		ts->tv_sec = (int32_t)get_be32(p);
		ts->tv_nsec = (long)get_be32(p + 4);
		if (ts->tv_nsec >= 1000000000)
			ts->tv_nsec = 999999999;
	}
}

/* Window offset of inode ino; -EINVAL when it cannot be one. */
static int xfs_ino_off(const struct xfs_fs *x, uint64_t ino, uint64_t *off)
{
	unsigned shift = x->agblklog + x->inopblog;
	uint64_t agno = shift < 64 ? ino >> shift : 0;
	uint64_t agbno =
		(ino >> x->inopblog) & (((uint64_t)1 << x->agblklog) - 1);
	uint64_t slot = ino & (x->inopblock - 1u);

	if (agno >= x->agcount || agbno >= x->agblocks ||
	    agno * x->agblocks + agbno >= x->dblocks)
		return -EINVAL;
	*off = ((agno * x->agblocks + agbno) << x->blocklog) +
	       (slot << x->inodelog);
	return 0;
}

static bool format_ok(uint32_t mode, uint8_t fmt)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return fmt == XFS_FMT_EXTENTS || fmt == XFS_FMT_BTREE;
	case S_IFDIR:
	case S_IFLNK:
		return fmt == XFS_FMT_LOCAL || fmt == XFS_FMT_EXTENTS ||
		       fmt == XFS_FMT_BTREE;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return fmt == XFS_FMT_DEV;
	default:
		return false;
	}
}

int xfs_inode_read(struct xfs_fs *x, uint64_t ino, struct xfs_inode *in)
{
	const struct fsimg_window *w = &x->win;
	uint64_t off;
	const uint8_t *r = in->raw;
	unsigned lit;
	int rc;

	if (xfs_ino_off(x, ino, &off))
		return -ENOENT;
	rc = fsimg_wread_cached(w, off, in->raw, x->inodesize);
	if (rc)
		return fsimg_werr(w, rc, "inode %llu at byte %llu: cannot read",
				  (unsigned long long)ino, fsimg_wabs(w, off));
#define BAD(...) \
	fsimg_werr(w, -EUCLEAN, "inode %llu at byte %llu: " __VA_ARGS__)

	if (get_be16(r) != 0x494e) /* "IN" */
		return BAD("no inode magic", (unsigned long long)ino,
			   fsimg_wabs(w, off));
	in->ino = ino;
	in->mode = get_be16(r + 2);
	in->version = r[4];
	in->format = r[5];
	if (x->v5 ? in->version != 3 : in->version != 1 && in->version != 2)
		return BAD("version %u", (unsigned long long)ino,
			   fsimg_wabs(w, off), in->version);
	if (x->v5) {
		char what[32];

		snprintf(what, sizeof(what), "inode %llu",
			 (unsigned long long)ino);
		rc = xfs_check_block(x, r, x->inodesize, XFS_DINODE_CRC_OFF,
				     160, UINT_MAX, UINT_MAX, off, 0, what);
		if (rc)
			return rc;
		if (get_be64(r + 152) != ino)
			return BAD("says it is inode %llu",
				   (unsigned long long)ino, fsimg_wabs(w, off),
				   (unsigned long long)get_be64(r + 152));
		in->flags2 = get_be64(r + 120);
	} else {
		in->flags2 = 0;
	}
	if (!in->mode)
		return -ENOENT; /* a free inode */
	if (!format_ok(in->mode, in->format))
		return BAD("mode 0%o with data fork format %u",
			   (unsigned long long)ino, fsimg_wabs(w, off),
			   in->mode, in->format);
	in->uid = get_be32(r + 8);
	in->gid = get_be32(r + 12);
	in->nlink = in->version == 1 ? get_be16(r + 6) : get_be32(r + 16);
	xfs_time(in, r + 32, &in->atime);
	xfs_time(in, r + 40, &in->mtime);
	xfs_time(in, r + 48, &in->ctime);
	in->has_btime = x->v5;
	if (x->v5)
		xfs_time(in, r + 144, &in->btime);
	in->size = get_be64(r + 56);
	in->nblocks = get_be64(r + 64);
	if (in->flags2 & XFS_DIFLAG2_NREXT64) {
		in->nextents = get_be64(r + 24);
		in->anextents = get_be32(r + 76);
	} else {
		in->nextents = get_be32(r + 76);
		in->anextents = get_be16(r + 80);
	}
	in->forkoff = r[82];
	in->aformat = r[83];
	in->flags = get_be16(r + 90);
	if (in->size > INT64_MAX)
		return BAD("size %llu", (unsigned long long)ino,
			   fsimg_wabs(w, off), (unsigned long long)in->size);

	lit = x->inodesize - x->core;
	in->doff = (uint16_t)x->core;
	if (in->forkoff) {
		if ((unsigned)in->forkoff * 8 >= lit)
			return BAD("attribute fork offset %u past the inode",
				   (unsigned long long)ino, fsimg_wabs(w, off),
				   in->forkoff * 8u);
		in->dsize = (uint16_t)(in->forkoff * 8u);
		in->aoff = (uint16_t)(x->core + in->dsize);
		in->asize = (uint16_t)(lit - in->dsize);
		if (in->aformat != XFS_FMT_LOCAL &&
		    in->aformat != XFS_FMT_EXTENTS &&
		    in->aformat != XFS_FMT_BTREE)
			return BAD("attribute fork format %u",
				   (unsigned long long)ino, fsimg_wabs(w, off),
				   in->aformat);
	} else {
		in->dsize = (uint16_t)lit;
		in->aoff = in->asize = 0;
	}
	if (in->format == XFS_FMT_EXTENTS && in->nextents > in->dsize / 16u)
		return BAD("%llu extents do not fit its data fork",
			   (unsigned long long)ino, fsimg_wabs(w, off),
			   (unsigned long long)in->nextents);
	if (in->asize && in->aformat == XFS_FMT_EXTENTS &&
	    in->anextents > in->asize / 16u)
		return BAD("%u attribute extents do not fit its fork",
			   (unsigned long long)ino, fsimg_wabs(w, off),
			   in->anextents);
	if (in->format == XFS_FMT_LOCAL && in->size > in->dsize)
		return BAD("%llu bytes of local data in a %u-byte fork",
			   (unsigned long long)ino, fsimg_wabs(w, off),
			   (unsigned long long)in->size, in->dsize);
	in->rdev = in->format == XFS_FMT_DEV ? get_be32(r + in->doff) : 0;
#undef BAD
	return 0;
}

void xfs_stat_of(const struct xfs_fs *x, const struct xfs_inode *in,
		 struct fsimg_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = in->ino;
	st->mode = in->mode;
	st->nlink = in->nlink;
	st->uid = in->uid;
	st->gid = in->gid;
	st->size = in->size;
	st->blocks = in->nblocks << (x->blocklog - 9);
	st->atime = in->atime;
	st->mtime = in->mtime;
	st->ctime = in->ctime;
	if (in->has_btime) {
		st->btime = in->btime;
		st->flags |= FSIMG_STAT_BTIME;
	}
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		/* xfs_dev_t: major in the top 14 bits, minor in 18 */
		st->rdev_major = in->rdev >> 18;
		st->rdev_minor = in->rdev & 0x3ffffu;
	}
	if (!S_ISREG(in->mode) && !S_ISDIR(in->mode) && !S_ISLNK(in->mode))
		st->size = 0;
}

int xfs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct xfs_fs *x = xfs_of(fs);
	struct xfs_inode in;
	int rc = xfs_inode_read(x, ino, &in);

	if (!rc)
		xfs_stat_of(x, &in, st);
	return rc;
}

static void irec_of(const uint8_t *p, struct xfs_irec *r)
{
	uint64_t l0 = get_be64(p), l1 = get_be64(p + 8);

	r->unwritten = l0 >> 63;
	r->startoff = (l0 & ~((uint64_t)1 << 63)) >> 9;
	r->startblock = ((l0 & 0x1ffu) << 43) | (l1 >> 21);
	r->blockcount = l1 & 0x1fffffu;
}

/* The fork's bytes in the inode, its format and its extent count. */
static void fork_of(const struct xfs_inode *in, enum xfs_fork fork,
		    const uint8_t **p, unsigned *size, uint8_t *fmt,
		    uint64_t *nrecs)
{
	if (fork == XFS_DATA_FORK) {
		*p = in->raw + in->doff;
		*size = in->dsize;
		*fmt = in->format;
		*nrecs = in->nextents;
	} else {
		*p = in->raw + in->aoff;
		*size = in->asize;
		*fmt = in->asize ? in->aformat : XFS_FMT_EXTENTS;
		*nrecs = in->asize ? in->anextents : 0;
	}
}

/*
 * In n sorted records at recs, the one holding lblk or the first after:
 * 1 (*rec), 0 when all end before lblk. Each record is checked.
 */
static int irec_search(struct xfs_fs *x, const struct xfs_inode *in,
		       const uint8_t *recs, uint64_t n, uint64_t lblk,
		       struct xfs_irec *rec)
{
	uint64_t lo = 0, hi = n, off;

	/* last record starting at or before lblk */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		struct xfs_irec m;

		irec_of(recs + mid * 16, &m);
		if (m.startoff <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint64_t i = lo ? lo - 1 : 0; i < n && i <= lo; i++) {
		irec_of(recs + i * 16, rec);
		if (!rec->blockcount ||
		    xfs_fsb_to_off(x, rec->startblock, rec->blockcount, &off))
			return fsimg_werr(&x->win, -EUCLEAN,
					  "inode %llu: extent of %llu blocks "
					  "at block %llu is outside the "
					  "filesystem",
					  (unsigned long long)in->ino,
					  (unsigned long long)rec->blockcount,
					  (unsigned long long)rec->startblock);
		if (rec->startoff + rec->blockcount > lblk)
			return 1;
	}
	return 0;
}

/* Reads and checks bmbt block fsb at level; returns its header size. */
static int bmbt_read(struct xfs_fs *x, const struct xfs_inode *in, uint64_t fsb,
		     unsigned level, uint8_t *b, unsigned *hdr)
{
	const struct fsimg_window *w = &x->win;
	uint64_t off;
	unsigned maxrecs;
	int rc;

	if (xfs_fsb_to_off(x, fsb, 1, &off))
		return fsimg_werr(w, -EUCLEAN,
				  "inode %llu: extent tree block %llu is "
				  "outside the filesystem",
				  (unsigned long long)in->ino,
				  (unsigned long long)fsb);
	rc = fsimg_wread_cached(w, off, b, x->blocksize);
	if (rc)
		return fsimg_werr(w, rc,
				  "inode %llu: cannot read extent tree block "
				  "at byte %llu",
				  (unsigned long long)in->ino,
				  fsimg_wabs(w, off));
	if (get_be32(b) != (x->v5 ? XFS_BMAP3_MAGIC : XFS_BMAP_MAGIC))
		return fsimg_werr(w, -EUCLEAN,
				  "inode %llu: extent tree block at byte %llu "
				  "has no magic",
				  (unsigned long long)in->ino,
				  fsimg_wabs(w, off));
	rc = xfs_check_block(x, b, x->blocksize, 64, 40, 56, 24, off, in->ino,
			     "extent tree block");
	if (rc)
		return rc;
	*hdr = x->v5 ? 72u : 24u;
	maxrecs = (x->blocksize - *hdr) / 16u;
	if (get_be16(b + 4) != level || !get_be16(b + 6) ||
	    get_be16(b + 6) > maxrecs)
		return fsimg_werr(w, -EUCLEAN,
				  "inode %llu: extent tree block at byte %llu: "
				  "level %u with %u records (want level %u, "
				  "at most %u)",
				  (unsigned long long)in->ino,
				  fsimg_wabs(w, off), get_be16(b + 4),
				  get_be16(b + 6), level, maxrecs);
	return 0;
}

/* In n keys, the index of the last one at or before lblk (0 if none). */
static unsigned key_search(const uint8_t *keys, unsigned n, uint64_t lblk)
{
	unsigned lo = 0, hi = n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (get_be64(keys + (size_t)mid * 8) <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

static int bmbt_lookup(struct xfs_fs *x, const struct xfs_inode *in,
		       const uint8_t *root, unsigned rsize, uint64_t lblk,
		       struct xfs_irec *rec)
{
	unsigned level = get_be16(root), n = get_be16(root + 2), hdr, maxrecs;
	uint64_t ptr, right;
	uint8_t *b;
	int rc;

	maxrecs = (rsize - 4) / 16u;
	if (level == 0 || level > XFS_BTREE_MAXLEVELS || n == 0 || n > maxrecs)
		return fsimg_werr(&x->win, -EUCLEAN,
				  "inode %llu: extent tree root of level %u "
				  "with %u keys",
				  (unsigned long long)in->ino, level, n);
	b = malloc(x->blocksize);
	if (!b)
		return -ENOMEM;
	ptr = get_be64(root + 4 + (size_t)maxrecs * 8 +
		       (size_t)key_search(root + 4, n, lblk) * 8);
	while (level-- > 0) {
		rc = bmbt_read(x, in, ptr, level, b, &hdr);
		if (rc)
			goto out;
		n = get_be16(b + 6);
		if (level == 0)
			break;
		maxrecs = (x->blocksize - hdr) / 16u;
		ptr = get_be64(b + hdr + (size_t)maxrecs * 8 +
			       (size_t)key_search(b + hdr, n, lblk) * 8);
	}
	rc = irec_search(x, in, b + hdr, n, lblk, rec);
	if (rc)
		goto out;
	/* everything here ends before lblk: the next leaf starts after */
	right = get_be64(b + 16);
	if (right == XFS_NULLFSBLOCK)
		goto out;
	rc = bmbt_read(x, in, right, 0, b, &hdr);
	if (!rc)
		rc = irec_search(x, in, b + hdr, 1, lblk, rec);
out:
	free(b);
	return rc;
}

int xfs_bmap(struct xfs_fs *x, const struct xfs_inode *in, enum xfs_fork fork,
	     uint64_t lblk, struct xfs_irec *rec)
{
	const uint8_t *p;
	unsigned size;
	uint8_t fmt;
	uint64_t n;

	fork_of(in, fork, &p, &size, &fmt, &n);
	switch (fmt) {
	case XFS_FMT_EXTENTS:
		return irec_search(x, in, p, n, lblk, rec);
	case XFS_FMT_BTREE:
		if (size < 4 + 16)
			return -EUCLEAN;
		return bmbt_lookup(x, in, p, size, lblk, rec);
	default:
		return -EINVAL;
	}
}

int xfs_fork_block(struct xfs_fs *x, const struct xfs_inode *in,
		   enum xfs_fork fork, uint64_t lblk, uint64_t *off)
{
	struct xfs_irec r;
	int rc = xfs_bmap(x, in, fork, lblk, &r);

	if (rc < 0)
		return rc;
	if (rc == 0 || r.startoff > lblk || r.unwritten)
		return -ENODATA;
	return xfs_fsb_to_off(x, r.startblock + (lblk - r.startoff), 1, off);
}

int xfs_fork_read(struct xfs_fs *x, const struct xfs_inode *in,
		  enum xfs_fork fork, uint64_t off, void *buf, size_t len,
		  bool cached)
{
	uint8_t *out = buf;
	size_t done = 0;
	int rc;

	while (done < len) {
		uint64_t pos = off + done, lblk = pos >> x->blocklog;
		uint64_t in_blk = pos & (x->blocksize - 1u), avail, at;
		struct xfs_irec r;
		size_t n;

		rc = xfs_bmap(x, in, fork, lblk, &r);
		if (rc < 0)
			return rc;
		if (rc == 0 || r.startoff > lblk) {
			/* a hole: zeroes up to the next extent */
			avail = rc == 0 || r.startoff - lblk >
							(UINT64_MAX >> 17)
					? UINT64_MAX
					: ((r.startoff - lblk) << x->blocklog) -
						  in_blk;
			n = avail < len - done ? (size_t)avail : len - done;
			memset(out + done, 0, n);
			done += n;
			continue;
		}
		avail = ((r.startoff + r.blockcount - lblk) << x->blocklog) -
			in_blk;
		n = avail < len - done ? (size_t)avail : len - done;
		if (n > FSIMG_READ_MAX)
			n = FSIMG_READ_MAX;
		if (r.unwritten) {
			memset(out + done, 0, n);
		} else {
			rc = xfs_fsb_to_off(x, r.startblock, r.blockcount, &at);
			if (rc)
				return rc;
			at += ((lblk - r.startoff) << x->blocklog) + in_blk;
			rc = cached ? fsimg_wread_cached(&x->win, at,
							 out + done, n)
				    : fsimg_wread(&x->win, at, out + done, n);
			if (rc)
				return fsimg_werr(&x->win, rc,
						  "inode %llu: cannot read "
						  "%zu bytes at byte %llu",
						  (unsigned long long)in->ino,
						  n, fsimg_wabs(&x->win, at));
		}
		done += n;
	}
	return 0;
}
