/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XFS, read-only: the superblock (probe, sanity checks, V5 CRC), info,
 * details and statfs. The tree (inodes, directories, files) is to come.
 */
#include "internal.h"
#include "container/container.h"

#include <stdio.h>
#include <stdlib.h>

#define XFS_SB_SIZE    264u
#define XFS_SB_CRC_OFF 224u

struct xfs_fs {
	uint32_t blocksize, sectsize, agblocks, agcount;
	uint16_t inodesize, inopblock, versionnum;
	uint8_t blocklog, inodelog, inopblog, agblklog, dirblklog;
	uint64_t dblocks, rootino, icount, ifree, fdblocks;
	uint32_t features2, compat, ro_compat, incompat;
	bool v5;
	char label[13];
	uint8_t uuid[16];
};

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

/* Parses and checks the superblock in sb (sectsize bytes read). */
static int xfs_sb_parse(const struct fsimg_window *w, const uint8_t *sb,
			size_t have, struct xfs_fs *x, bool quiet)
{
#define BAD(...) (quiet ? -EINVAL : fsimg_werr(w, -EUCLEAN, __VA_ARGS__))
	unsigned long long at = fsimg_wabs(w, 0);
	uint64_t total;

	if (memcmp(sb, "XFSB", 4))
		return quiet ? -EINVAL
			     : fsimg_werr(
				       w, -EINVAL,
				       "no XFS superblock magic at byte %llu",
				       at);
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
	x->v5 = (x->versionnum & 0xf) == 5;

	if ((x->versionnum & 0xf) != 4 && !x->v5)
		return BAD(
			"XFS superblock at byte %llu: version %u unsupported",
			at, x->versionnum & 0xf);
	if (x->blocksize < 512 || x->blocksize > 65536 ||
	    !log2_of(x->blocksize, x->blocklog))
		return BAD("XFS superblock at byte %llu: bad block size %u "
			   "(log %u)",
			   at, x->blocksize, x->blocklog);
	if (x->sectsize < 512 || x->sectsize > x->blocksize ||
	    x->sectsize > 32768 || !is_pow2_u64(x->sectsize) ||
	    !log2_of(x->sectsize, sb[121]))
		return BAD("XFS superblock at byte %llu: bad sector size %u",
			   at, x->sectsize);
	if (x->inodesize < 256 || x->inodesize > 2048 ||
	    !log2_of(x->inodesize, x->inodelog) ||
	    x->inodesize > x->blocksize ||
	    x->inopblock != x->blocksize / x->inodesize ||
	    !log2_of(x->inopblock, x->inopblog))
		return BAD("XFS superblock at byte %llu: bad inode size %u "
			   "(%u per block)",
			   at, x->inodesize, x->inopblock);
	if (!x->agblocks || !x->agcount || x->agblklog > 31 ||
	    x->agblklog != ceil_log2(x->agblocks))
		return BAD("XFS superblock at byte %llu: bad allocation group "
			   "geometry (%u groups of %u blocks, log %u)",
			   at, x->agcount, x->agblocks, x->agblklog);
	if (!x->dblocks || x->dblocks > (uint64_t)x->agcount * x->agblocks ||
	    x->dblocks <= (uint64_t)(x->agcount - 1) * x->agblocks)
		return BAD("XFS superblock at byte %llu: %llu blocks do not "
			   "fit %u groups of %u",
			   at, (unsigned long long)x->dblocks, x->agcount,
			   x->agblocks);
	if (x->dirblklog > 8 || x->blocklog + x->dirblklog > 16)
		return BAD("XFS superblock at byte %llu: bad directory block "
			   "log %u",
			   at, x->dirblklog);
	if (ckd_mul(&total, x->dblocks, (uint64_t)x->blocksize))
		return BAD("XFS superblock at byte %llu: size overflows", at);
	if (x->v5) {
		uint8_t tmp[32768];
		uint32_t want = get_le32(sb + XFS_SB_CRC_OFF), got;

		if (have < x->sectsize)
			return BAD("XFS superblock at byte %llu: truncated",
				   at);
		memcpy(tmp, sb, x->sectsize);
		memset(tmp + XFS_SB_CRC_OFF, 0, 4);
		got = fsimg_crc32c(0, tmp, x->sectsize);
		if (got != want)
			return BAD("XFS superblock at byte %llu: CRC %08x, "
				   "computed %08x",
				   at, want, got);
	}
	return 0;
#undef BAD
}

static int xfs_read_sb(const struct fsimg_window *w, struct xfs_fs *x,
		       bool quiet)
{
	uint8_t sb[32768];
	size_t n = w->len < sizeof(sb) ? (size_t)w->len : sizeof(sb);
	int rc;

	if (n < 512)
		return -EINVAL;
	rc = fsimg_wread(w, 0, sb, n);
	if (rc < 0)
		return rc;
	return xfs_sb_parse(w, sb, n, x, quiet);
}

static int xfs_probe(const struct fsimg_window *w)
{
	uint8_t m[4];
	struct xfs_fs x;

	if (w->len < 512 || fsimg_wread(w, 0, m, 4) < 0 || memcmp(m, "XFSB", 4))
		return 0;
	return xfs_read_sb(w, &x, true) == 0;
}

static int xfs_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct xfs_fs *x = calloc(1, sizeof(*x));
	int rc;

	(void)opts;
	if (!x)
		return -ENOMEM;
	rc = xfs_read_sb(&fs->win, x, false);
	if (rc < 0) {
		free(x);
		return rc;
	}
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
	struct xfs_fs *x = fs->priv;
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

static int xfs_details(fsimg_fs *fs, fsimg_detail_fn fn, void *ctx)
{
	struct xfs_fs *x = fs->priv;
	char v[160];
	size_t n = 0;
	static const struct {
		int word; /* 0 incompat, 1 ro_compat, 2 features2 */
		uint32_t bit;
		const char *name;
	} feat[] = {
		{ 0, 1u << 0, "ftype" },       { 0, 1u << 1, "spinodes" },
		{ 0, 1u << 2, "meta_uuid" },   { 0, 1u << 3, "bigtime" },
		{ 0, 1u << 4, "needsrepair" }, { 0, 1u << 5, "nrext64" },
		{ 1, 1u << 0, "finobt" },      { 1, 1u << 1, "rmapbt" },
		{ 1, 1u << 2, "reflink" },     { 1, 1u << 3, "inobtcount" },
		{ 2, 1u << 3, "attr2" },       { 2, 1u << 9, "ftype" },
	};

#define DETAIL(k, ...)                               \
	do {                                         \
		snprintf(v, sizeof(v), __VA_ARGS__); \
		if (fn(ctx, k, v))                   \
			return 0;                    \
	} while (0)

	DETAIL("agcount", "%u", x->agcount);
	DETAIL("agblocks", "%u", x->agblocks);
	DETAIL("inode_size", "%u", x->inodesize);
	DETAIL("sector_size", "%u", x->sectsize);
	DETAIL("dir_block_size", "%u", x->blocksize << x->dirblklog);
	DETAIL("root_inode", "%llu", (unsigned long long)x->rootino);
	v[0] = 0;
	for (size_t k = 0; k < sizeof(feat) / sizeof(feat[0]); k++) {
		uint32_t word = feat[k].word == 0   ? x->incompat
				: feat[k].word == 1 ? x->ro_compat
						    : x->features2;
		if (feat[k].word < 2 && !x->v5)
			continue;
		if ((word & feat[k].bit) && !strstr(v, feat[k].name))
			n += (size_t)snprintf(v + n, sizeof(v) - n, "%s%s",
					      n ? " " : "", feat[k].name);
		if (n >= sizeof(v))
			break;
	}
	if (v[0] && fn(ctx, "features", v))
		return 0;
#undef DETAIL
	return 0;
}

static int xfs_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct xfs_fs *x = fs->priv;

	st->bsize = x->blocksize;
	st->blocks = x->dblocks;
	st->bfree = x->fdblocks < x->dblocks ? x->fdblocks : 0;
	st->files = x->icount;
	st->ffree = x->ifree <= x->icount ? x->ifree : 0;
	st->namemax = 255;
	return 0;
}

/* The tree is not read yet: every call says so rather than guess. */
static int xfs_no_tree(fsimg_fs *fs)
{
	return fsimg_werr(
		&fs->win, -EOPNOTSUPP,
		"filesystem at byte %llu: reading inodes is not implemented",
		fsimg_wabs(&fs->win, 0));
}

static int xfs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	(void)ino;
	(void)st;
	return xfs_no_tree(fs);
}

static int xfs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name,
		      fsimg_ino *ino, struct fsimg_stat *st)
{
	(void)dir;
	(void)name;
	(void)ino;
	(void)st;
	return xfs_no_tree(fs);
}

static int xfs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		       fsimg_dirent_fn fn, void *ctx)
{
	(void)dir;
	(void)cookie;
	(void)fn;
	(void)ctx;
	return xfs_no_tree(fs);
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
};
