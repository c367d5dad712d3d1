/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XFS superblock: probe, the checks made before any arithmetic uses its
 * geometry, the V5 CRC, the features we read and those we refuse; open,
 * info, details, statfs; whether the log is clean; the helpers every
 * part of the driver shares (block addresses, V5 block checks, the name
 * hash).
 */
#include "xfs.h"
#include "container/container.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* sb_versionnum bits (V4) */
#define XFS_SB_VERSION_NLINKBIT	 0x0020u
#define XFS_SB_VERSION_DIRV2BIT	 0x2000u
#define XFS_SB_VERSION_BORGBIT	 0x4000u /* ASCII case-insensitive names */
#define XFS_SB_VERSION_MOREBITS	 0x8000u
#define XFS_SB_VERSION2_ATTR2BIT 0x0008u
#define XFS_SB_VERSION2_PARENT	 0x0010u
#define XFS_SB_VERSION2_FTYPE	 0x0200u

/* V5 feature words */
#define XFS_INCOMPAT_FTYPE	 0x01u
#define XFS_INCOMPAT_SPINODES	 0x02u
#define XFS_INCOMPAT_META_UUID	 0x04u
#define XFS_INCOMPAT_BIGTIME	 0x08u
#define XFS_INCOMPAT_NEEDSREPAIR 0x10u
#define XFS_INCOMPAT_NREXT64	 0x20u
#define XFS_INCOMPAT_EXCHRANGE	 0x40u
#define XFS_INCOMPAT_PARENT	 0x80u
/* what we read; the log-only ones change nothing for a reader */
#define XFS_INCOMPAT_KNOWN                                                     \
	(XFS_INCOMPAT_FTYPE | XFS_INCOMPAT_SPINODES | XFS_INCOMPAT_META_UUID | \
	 XFS_INCOMPAT_BIGTIME | XFS_INCOMPAT_NEEDSREPAIR |                     \
	 XFS_INCOMPAT_NREXT64 | XFS_INCOMPAT_EXCHRANGE | XFS_INCOMPAT_PARENT)

static bool log2_of(uint64_t v, unsigned lg)
{
	return lg < 64 && v == (uint64_t)1 << lg;
}

static unsigned ceil_log2(uint64_t v)
{
	unsigned l = 0;

	while (l < 64 && ((uint64_t)1 << l) < v)
		l++;
	return l;
}

uint32_t xfs_crc(const uint8_t *b, size_t len, unsigned crc_off)
{
	static const uint8_t zero[4];
	uint32_t c = fsimg_crc32c(0, b, crc_off);

	c = fsimg_crc32c(c, zero, 4);
	return fsimg_crc32c(c, b + crc_off + 4, len - crc_off - 4);
}

/* Parses and checks the superblock in sb (sectsize bytes read). */
static int xfs_sb_parse(const struct fsimg_window *w, const uint8_t *sb,
			size_t have, struct xfs_fs *x)
{
#define BAD(...) fsimg_werr(w, -EUCLEAN, __VA_ARGS__)
	unsigned long long at = fsimg_wabs(w, 0);
	uint64_t total;

	if (memcmp(sb, "XFSB", 4))
		return fsimg_werr(w, -EINVAL,
				  "no XFS superblock magic at byte %llu", at);
	x->blocksize = get_be32(sb + 4);
	x->dblocks = get_be64(sb + 8);
	memcpy(x->uuid, sb + 32, 16);
	x->rootino = get_be64(sb + 56);
	x->agblocks = get_be32(sb + 84);
	x->agcount = get_be32(sb + 88);
	x->versionnum = get_be16(sb + 100);
	x->sectsize = get_be16(sb + 102);
	x->inodesize = get_be16(sb + 104);
	x->inopblock = get_be16(sb + 106);
	memcpy(x->label, sb + 108, 12);
	x->label[12] = 0;
	x->blocklog = sb[120];
	x->inodelog = sb[122];
	x->inopblog = sb[123];
	x->agblklog = sb[124];
	x->icount = get_be64(sb + 128);
	x->ifree = get_be64(sb + 136);
	x->fdblocks = get_be64(sb + 144);
	x->dirblklog = sb[192];
	x->features2 = get_be32(sb + 200);
	x->compat = get_be32(sb + 208);
	x->ro_compat = get_be32(sb + 212);
	x->incompat = get_be32(sb + 216);
	x->log_incompat = get_be32(sb + 220);
	x->rblocks = get_be64(sb + 16);
	x->logstart = get_be64(sb + 48);
	x->logblocks = get_be32(sb + 96);
	x->v5 = (x->versionnum & 0xf) == 5;
	memcpy(x->meta_uuid,
	       x->v5 && (x->incompat & XFS_INCOMPAT_META_UUID) ? sb + 248
							       : sb + 32,
	       16);

	if ((x->versionnum & 0xf) != 4 && !x->v5)
		return BAD("superblock at byte %llu: version %u unsupported",
			   at, x->versionnum & 0xf);
	if (x->blocksize < 512 || x->blocksize > 65536 ||
	    !log2_of(x->blocksize, x->blocklog))
		return BAD("superblock at byte %llu: bad block size %u "
			   "(log %u)",
			   at, x->blocksize, x->blocklog);
	if (x->sectsize < 512 || x->sectsize > x->blocksize ||
	    x->sectsize > 32768 || !is_pow2_u64(x->sectsize) ||
	    !log2_of(x->sectsize, sb[121]))
		return BAD("superblock at byte %llu: bad sector size %u", at,
			   x->sectsize);
	if (x->inodesize < 256 || x->inodesize > 2048 ||
	    !log2_of(x->inodesize, x->inodelog) ||
	    x->inodesize > x->blocksize ||
	    x->inopblock != x->blocksize / x->inodesize ||
	    !log2_of(x->inopblock, x->inopblog))
		return BAD("superblock at byte %llu: bad inode size %u "
			   "(%u per block)",
			   at, x->inodesize, x->inopblock);
	if (!x->agblocks || !x->agcount || x->agblklog > 31 ||
	    x->agblklog != ceil_log2(x->agblocks))
		return BAD("superblock at byte %llu: bad allocation group "
			   "geometry (%u groups of %u blocks, log %u)",
			   at, x->agcount, x->agblocks, x->agblklog);
	if (!x->dblocks || x->dblocks > (uint64_t)x->agcount * x->agblocks ||
	    x->dblocks <= (uint64_t)(x->agcount - 1) * x->agblocks)
		return BAD("superblock at byte %llu: %llu blocks do not "
			   "fit %u groups of %u",
			   at, (unsigned long long)x->dblocks, x->agcount,
			   x->agblocks);
	if (x->dirblklog > 8 || x->blocklog + x->dirblklog > 16)
		return BAD("superblock at byte %llu: bad directory block "
			   "log %u",
			   at, x->dirblklog);
	if (ckd_mul(&total, x->dblocks, (uint64_t)x->blocksize))
		return BAD("superblock at byte %llu: size overflows", at);
	if (x->v5) {
		uint32_t want = get_le32(sb + XFS_SB_CRC_OFF), got;

		if (have < x->sectsize)
			return BAD("superblock at byte %llu: truncated", at);
		got = xfs_crc(sb, x->sectsize, XFS_SB_CRC_OFF);
		if (got != want)
			return BAD("superblock at byte %llu: CRC %08x, "
				   "computed %08x",
				   at, want, got);
	}
	return 0;
#undef BAD
}

static int xfs_read_sb(const struct fsimg_window *w, struct xfs_fs *x)
{
	uint8_t sb[32768];
	size_t n = w->len < sizeof(sb) ? (size_t)w->len : sizeof(sb);
	int rc;

	if (n < 512)
		return -EINVAL;
	rc = fsimg_wread(w, 0, sb, n);
	if (rc < 0)
		return rc;
	return xfs_sb_parse(w, sb, n, x);
}

/*
 * The magic and a version we know are enough to say the image is XFS:
 * a superblock that fails its checks is then refused by open, with what
 * was wrong, rather than reported as no filesystem at all.
 */
static int xfs_probe(const struct fsimg_window *w)
{
	uint8_t sb[104];

	if (w->len < 512 || fsimg_wread(w, 0, sb, sizeof(sb)) < 0 ||
	    memcmp(sb, "XFSB", 4))
		return 0;
	return (get_be16(sb + 100) & 0xf) == 4 ||
	       (get_be16(sb + 100) & 0xf) == 5;
}

/*
 * The features this driver reads, decided after the checks: what it does
 * not know how to read is refused here, with what it is.
 */
static int xfs_features(struct xfs_fs *x)
{
	const struct fsimg_window *w = &x->win;
	unsigned long long at = fsimg_wabs(w, 0);

	if (x->v5) {
		uint32_t unknown = x->incompat & ~XFS_INCOMPAT_KNOWN;

		if (unknown)
			return fsimg_werr(w, -EOPNOTSUPP,
					  "superblock at byte %llu: "
					  "incompatible features 0x%x are not "
					  "read",
					  at, unknown);
		if (x->incompat & XFS_INCOMPAT_NEEDSREPAIR)
			return fsimg_werr(w, -EUCLEAN,
					  "superblock at byte %llu: the "
					  "filesystem is marked as needing "
					  "xfs_repair",
					  at);
		x->ftype = x->incompat & XFS_INCOMPAT_FTYPE;
		x->parent = x->incompat & XFS_INCOMPAT_PARENT;
		x->attr2 = true;
		x->core = XFS_DINODE_V3_SIZE;
	} else {
		if (!(x->versionnum & XFS_SB_VERSION_DIRV2BIT))
			return fsimg_werr(w, -EOPNOTSUPP,
					  "superblock at byte %llu: version 1 "
					  "directories are not read",
					  at);
		if (x->versionnum & XFS_SB_VERSION_MOREBITS) {
			x->ftype = x->features2 & XFS_SB_VERSION2_FTYPE;
			x->attr2 = x->features2 & XFS_SB_VERSION2_ATTR2BIT;
			if (x->features2 & XFS_SB_VERSION2_PARENT)
				return fsimg_werr(w, -EOPNOTSUPP,
						  "superblock at byte %llu: "
						  "old parent pointers are "
						  "not read",
						  at);
		}
		x->core = XFS_DINODE_V2_SIZE;
	}
	x->ascii_ci = x->versionnum & XFS_SB_VERSION_BORGBIT;
	x->dirblksize = x->blocksize << x->dirblklog;
	/*
	 * What one walk of a directory or of chained leaves may visit: the
	 * blocks the image holds (a hostile superblock may claim far more),
	 * so that a walk always ends, even around a cycle.
	 */
	x->max_blocks = x->win.len >> x->blocklog;
	if (x->max_blocks > x->dblocks)
		x->max_blocks = x->dblocks;
	if (x->inodesize <= x->core)
		return fsimg_werr(w, -EUCLEAN,
				  "superblock at byte %llu: %u-byte inodes "
				  "cannot hold a V%u inode core",
				  at, x->inodesize, x->v5 ? 5 : 4);
	if (!x->rootino)
		return fsimg_werr(w, -EUCLEAN,
				  "superblock at byte %llu: no root inode", at);
	return 0;
}

int xfs_fsb_to_off(const struct xfs_fs *x, uint64_t fsb, uint64_t count,
		   uint64_t *off)
{
	uint64_t agno = fsb >> x->agblklog;
	uint64_t agbno = fsb & (((uint64_t)1 << x->agblklog) - 1);

	if (agno >= x->agcount || agbno >= x->agblocks ||
	    count > x->agblocks - agbno)
		return -EUCLEAN;
	*off = (agno * x->agblocks + agbno) << x->blocklog;
	return 0;
}

int xfs_check_block(const struct xfs_fs *x, const uint8_t *b, size_t len,
		    unsigned crc_off, unsigned uuid_off, unsigned owner_off,
		    unsigned blkno_off, uint64_t off, uint64_t owner,
		    const char *what)
{
	const struct fsimg_window *w = &x->win;
	unsigned long long at = fsimg_wabs(w, off);
	uint64_t fsb = off >> x->blocklog;
	unsigned ag = (unsigned)(fsb / x->agblocks);
	unsigned agbno = (unsigned)(fsb % x->agblocks);
	uint32_t want, got;

	if (!x->v5)
		return 0;
	want = get_le32(b + crc_off);
	got = xfs_crc(b, len, crc_off);
	/* where, both ways: the byte in the image, the block in its AG */
#define WHERE "%s at byte %llu (AG %u block %u): "
	if (got != want)
		return fsimg_werr(w, -EUCLEAN, WHERE "CRC %08x, computed %08x",
				  what, at, ag, agbno, want, got);
	if (uuid_off != UINT_MAX && memcmp(b + uuid_off, x->meta_uuid, 16))
		return fsimg_werr(w, -EUCLEAN,
				  WHERE "belongs to another filesystem (uuid)",
				  what, at, ag, agbno);
	if (owner_off != UINT_MAX && get_be64(b + owner_off) != owner)
		return fsimg_werr(w, -EUCLEAN,
				  WHERE "owner %llu, not inode %llu", what, at,
				  ag, agbno,
				  (unsigned long long)get_be64(b + owner_off),
				  (unsigned long long)owner);
	if (blkno_off != UINT_MAX && get_be64(b + blkno_off) != off >> 9)
		return fsimg_werr(w, -EUCLEAN,
				  WHERE "says it is at sector %llu", what, at,
				  ag, agbno,
				  (unsigned long long)get_be64(b + blkno_off));
#undef WHERE
	return 0;
}

static uint32_t rol32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

uint8_t xfs_ci_fold(uint8_t c)
{
	/* the kernel's xfs_ascii_ci_xfrm: ASCII and Latin-1 capitals */
	if ((c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xd6) ||
	    (c >= 0xd8 && c <= 0xde))
		return (uint8_t)(c + 0x20);
	return c;
}

uint32_t xfs_da_hashname(const uint8_t *name, size_t len, bool ci)
{
	uint32_t h = 0;
	uint8_t c[4];

	for (; len >= 4; len -= 4, name += 4) {
		for (unsigned k = 0; k < 4; k++)
			c[k] = ci ? xfs_ci_fold(name[k]) : name[k];
		h = ((uint32_t)c[0] << 21) ^ ((uint32_t)c[1] << 14) ^
		    ((uint32_t)c[2] << 7) ^ c[3] ^ rol32(h, 28);
	}
	for (unsigned k = 0; k < len; k++)
		c[k] = ci ? xfs_ci_fold(name[k]) : name[k];
	switch (len) {
	case 3:
		return ((uint32_t)c[0] << 14) ^ ((uint32_t)c[1] << 7) ^ c[2] ^
		       rol32(h, 21);
	case 2:
		return ((uint32_t)c[0] << 7) ^ c[1] ^ rol32(h, 14);
	case 1:
		return c[0] ^ rol32(h, 7);
	default:
		return h;
	}
}

/* --- the log ------------------------------------------------------------ */

#define XLOG_MAGIC	   0xfeedbabeu
#define XLOG_UNMOUNT_TRANS 0x20u
#define XLOG_HDR_CYCLE	   32768u /* bytes one header block covers */
#define XLOG_SCAN_BACK	   4096u  /* sectors searched back for a header */

/* The cycle number stamped on log sector bb (0 when unreadable). */
static int xlog_cycle(struct xfs_fs *x, uint64_t base, uint64_t bb,
		      uint32_t *cycle, uint8_t *sec)
{
	int rc = fsimg_wread_cached(&x->win, base + (bb << 9), sec, 512);

	if (rc)
		return rc;
	*cycle =
		get_be32(sec) == XLOG_MAGIC ? get_be32(sec + 4) : get_be32(sec);
	return 0;
}

/*
 * Whether the internal log is clean: its head (where the cycle number
 * stamped on each sector drops) follows an unmount record, as the kernel
 * finds it at mount (xlog_find_head, xlog_check_unmount_rec). Torn writes
 * at the head, which the kernel also looks for, are not: a log they left
 * reads as dirty, which it is.
 */
static enum xfs_log_state xfs_log_state(struct xfs_fs *x)
{
	uint8_t sec[512];
	uint64_t base, nbb, lo, hi, head, bb;
	uint32_t c0, cl, c, hsize, hblks;
	unsigned k;

	if (!x->logstart)
		return XFS_LOG_EXTERNAL;
	if (!x->logblocks ||
	    xfs_fsb_to_off(x, x->logstart, x->logblocks, &base))
		return XFS_LOG_UNKNOWN;
	nbb = (uint64_t)x->logblocks << (x->blocklog - 9);
	if (xlog_cycle(x, base, 0, &c0, sec) ||
	    xlog_cycle(x, base, nbb - 1, &cl, sec))
		return XFS_LOG_UNKNOWN;
	if (c0 == 0)
		return XFS_LOG_UNKNOWN; /* never written */
	if (c0 == cl) {
		head = nbb; /* the whole log is of one cycle: head wraps */
	} else {
		/* first sector whose cycle is not c0: [lo, hi) search */
		lo = 0;
		hi = nbb - 1;
		while (hi - lo > 1) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (xlog_cycle(x, base, mid, &c, sec))
				return XFS_LOG_UNKNOWN;
			if (c == c0)
				lo = mid;
			else
				hi = mid;
		}
		head = hi;
	}
	/* the last record header before the head */
	for (k = 1; k <= XLOG_SCAN_BACK && k <= nbb; k++) {
		bb = (head + nbb - k) % nbb;
		if (fsimg_wread_cached(&x->win, base + (bb << 9), sec, 512))
			return XFS_LOG_UNKNOWN;
		if (get_be32(sec) == XLOG_MAGIC)
			break;
	}
	if (k > XLOG_SCAN_BACK || k > nbb)
		return XFS_LOG_UNKNOWN;
	hsize = get_be32(sec + 320);
	hblks = get_be32(sec + 8) == 2 && hsize > XLOG_HDR_CYCLE
			? (hsize + XLOG_HDR_CYCLE - 1) / XLOG_HDR_CYCLE
			: 1;
	if (hblks > 8 || get_be32(sec + 40) != 1)
		return XFS_LOG_DIRTY;
	/* the one operation's header: its flags byte is the 10th */
	bb = (bb + hblks) % nbb;
	if (fsimg_wread_cached(&x->win, base + (bb << 9), sec, 512))
		return XFS_LOG_UNKNOWN;
	return sec[9] & XLOG_UNMOUNT_TRANS ? XFS_LOG_CLEAN : XFS_LOG_DIRTY;
}

static const char *xfs_log_name(enum xfs_log_state s)
{
	switch (s) {
	case XFS_LOG_CLEAN:
		return "clean";
	case XFS_LOG_DIRTY:
		return "dirty";
	case XFS_LOG_EXTERNAL:
		return "external";
	default:
		return "unknown";
	}
}

/* --- the driver ------------------------------------------------------------
 */

static int xfs_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct xfs_fs *x = calloc(1, sizeof(*x));
	int rc;

	(void)opts;
	if (!x)
		return -ENOMEM;
	x->fs = fs;
	x->win = fs->win;
	rc = xfs_read_sb(&fs->win, x);
	if (!rc)
		rc = xfs_features(x);
	if (rc < 0) {
		free(x);
		return rc;
	}
	x->log_state = xfs_log_state(x);
	if (x->log_state == XFS_LOG_DIRTY)
		XFS_DBG("log is dirty: read as it is, not replayed");
	fs->priv = x;
	fs->root = x->rootino;
	return 0;
}

static void xfs_close(fsimg_fs *fs)
{
	free(fs->priv);
	fs->priv = NULL;
}

static int xfs_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct xfs_fs *x = xfs_of(fs);
	const uint8_t *u = x->uuid;

	snprintf(info->version, sizeof(info->version), "%s",
		 x->v5 ? "V5" : "V4");
	snprintf(info->label, sizeof(info->label), "%s", x->label);
	snprintf(info->uuid, sizeof(info->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	info->size = x->dblocks * x->blocksize;
	info->block_size = x->blocksize;
	return 0;
}

static int xfs_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct xfs_fs *x = xfs_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };
	char v[200];
	size_t n = 0;
	static const struct {
		int word; /* 0 incompat, 1 ro_compat, 2 features2 (V4) */
		uint32_t bit;
		const char *name;
	} feat[] = {
		{ 0, XFS_INCOMPAT_FTYPE, "ftype" },
		{ 0, XFS_INCOMPAT_SPINODES, "sparse_inodes" },
		{ 0, XFS_INCOMPAT_META_UUID, "meta_uuid" },
		{ 0, XFS_INCOMPAT_BIGTIME, "bigtime" },
		{ 0, XFS_INCOMPAT_NREXT64, "nrext64" },
		{ 0, XFS_INCOMPAT_EXCHRANGE, "exchange_range" },
		{ 0, XFS_INCOMPAT_PARENT, "parent" },
		{ 1, 1u << 0, "finobt" },
		{ 1, 1u << 1, "rmapbt" },
		{ 1, 1u << 2, "reflink" },
		{ 1, 1u << 3, "inobtcount" },
		{ 2, XFS_SB_VERSION2_ATTR2BIT, "attr2" },
		{ 2, XFS_SB_VERSION2_FTYPE, "ftype" },
	};

	fsimg_details_num(&d, "agcount", x->agcount);
	fsimg_details_num(&d, "agblocks", x->agblocks);
	fsimg_details_num(&d, "inode_size", x->inodesize);
	fsimg_details_num(&d, "sector_size", x->sectsize);
	fsimg_details_num(&d, "dir_block_size", x->dirblksize);
	fsimg_details_num(&d, "root_inode", x->rootino);
	v[0] = 0;
	for (size_t k = 0; k < sizeof(feat) / sizeof(feat[0]); k++) {
		uint32_t word = feat[k].word == 0   ? x->incompat
				: feat[k].word == 1 ? x->ro_compat
						    : x->features2;
		if ((feat[k].word < 2) != x->v5)
			continue;
		if ((word & feat[k].bit) && n < sizeof(v))
			n += (size_t)snprintf(v + n, sizeof(v) - n, "%s%s",
					      n ? " " : "", feat[k].name);
	}
	if (x->ascii_ci && n < sizeof(v))
		n += (size_t)snprintf(v + n, sizeof(v) - n, "%sascii_ci",
				      n ? " " : "");
	fsimg_details_text(&d, "features", "%s", v);
	fsimg_details_text(&d, "log", "%s", xfs_log_name(x->log_state));
	if (x->logstart)
		fsimg_details_num(&d, "log_blocks", x->logblocks);
	if (x->rblocks)
		fsimg_details_text(
			&d, "realtime",
			"%llu blocks on a separate device (not read)",
			(unsigned long long)x->rblocks);
	return d.rc;
}

static int xfs_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct xfs_fs *x = xfs_of(fs);

	st->bsize = x->blocksize;
	st->blocks = x->dblocks;
	st->bfree = x->fdblocks < x->dblocks ? x->fdblocks : 0;
	st->files = x->icount;
	st->ffree = x->ifree <= x->icount ? x->ifree : 0;
	st->namemax = XFS_NAME_MAX;
	return 0;
}

const struct fsimg_driver fsimg_xfs_driver = {
	.name = "xfs",
	.label = "XFS",
	.debug = "xfs",
	.probe = xfs_probe,
	.open = xfs_open,
	.close = xfs_close,
	.info = xfs_info,
	.details = xfs_details,
	.statfs = xfs_statfs,
	.getattr = xfs_getattr,
	.lookup = xfs_lookup,
	.readdir = xfs_readdir,
	.readlink = xfs_readlink,
	.file_open = xfs_file_open,
	.file_read = xfs_file_read,
	.file_map = xfs_file_map,
	.file_close = xfs_file_close,
	.getxattr = xfs_getxattr,
	.listxattr = xfs_listxattr,
};
