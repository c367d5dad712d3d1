/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UFS1 and UFS2 (BSD), UFS1 (Solaris): the superblock search, geometry
 * checks, the flavour decision, probe, open, info, details, statfs and the
 * driver descriptor.
 *
 * Superblock offsets are those of FreeBSD ufs/ffs/fs.h struct fs; the
 * fields this driver reads are listed at ufs_sb_parse(). Every geometry
 * field is checked against the others before any arithmetic uses it, as
 * GRUB's ufs.c and FreeBSD's ffs_sbget()/validate_sblock() do.
 */
#include "ufs.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * Where a superblock may sit, in the order FreeBSD's SBLOCKSEARCH tries
 * them (fs.h): SBLOCK_UFS2 (64 KiB), SBLOCK_UFS1 (8 KiB), SBLOCK_FLOPPY
 * (0), SBLOCK_PIGGY (256 KiB). NetBSD makefs writes UFS2 at 8 KiB, which
 * is valid: fs_sblockloc says where the copy belongs.
 */
static const uint64_t ufs_sb_locs[] = { 65536, 8192, 0, 262144 };

/* fs.h: fs_old_inodefmt value of 4.4BSD inodes (FS_44INODEFMT). */
#define UFS_44INODEFMT 2

static unsigned log2_u32(uint32_t v)
{
	return (unsigned)__builtin_ctz(v);
}

/*
 * The flavour decision, in this one place.
 *
 * - FS_UFS2_MAGIC: BSD. Only FreeBSD-derived systems wrote UFS2.
 * - FS_UFS1_MAGIC with fs_old_inodefmt (offset 1324) == FS_44INODEFMT (2)
 *   and a non-zero fs_maxsymlinklen (offset 1320): the 4.4BSD dinode and
 *   struct direct with d_type (FreeBSD fs.h, dinode.h, dir.h).
 * - Otherwise old-format inodes and directory entries: Solaris. illumos
 *   sys/fs/ufs_fs.h puts fs_version at 1320 (0, 1 or 2) and fs_logbno at
 *   1324: zero unless logging, else the log's disk sector, never 2 (the
 *   boot block), so a Solaris superblock never looks like 4.4BSD. The
 *   old 4.2BSD and SunOS 4 formats are read the same way: their dinode is
 *   Solaris's with ic_suid/ic_sgid always below 65535, and their entries
 *   have the same 16-bit d_namlen.
 *
 * The Solaris fields read beside the common ones (ufs_fs.h struct fs):
 * fs_rolled 4, fs_clean 209 (FSCLEAN, FSSTABLE, FSLOG...), fs_flags 211
 * (FSLARGEFILES), fs_version 1320, fs_logbno 1324, fs_reclaim 1328,
 * fs_postblformat 1356, and fs_state: the USL SVR4 compatibility swap puts
 * it at 132 on little-endian (x86) and 1336 on big-endian (SPARC), fs_npsect
 * taking the other slot. fs_clean is trusted only when fs_state == FSOKAY
 * (0x7c269d38) - fs_time, as Solaris and Linux ufs_fill_super() do.
 */
static enum ufs_flavour ufs_flavour_of(unsigned version, uint32_t inodefmt,
				       uint32_t maxsymlinklen)
{
	if (version == 2)
		return UFS_FLAVOUR_BSD;
	if (inodefmt == UFS_44INODEFMT && maxsymlinklen)
		return UFS_FLAVOUR_BSD;
	return UFS_FLAVOUR_SOLARIS;
}

#define UFS_FSOKAY 0x7c269d38u /* ufs_fs.h FSOKAY */

/* Reads the Solaris-only superblock fields (see above). */
static void ufs_sun_parse(struct ufs_fs *u, const uint8_t *sb)
{
	u->rolled = ufs32(u, sb + 4);
	u->sun_version = ufs32(u, sb + 1320);
	u->logbno = ufs32(u, sb + 1324);
	u->reclaim = ufs32(u, sb + 1328);
	u->state = (int32_t)ufs32(u, sb + (u->be ? 1336 : 132));
	u->postblformat = (int32_t)ufs32(u, sb + 1356);
	u->state_ok = (uint32_t)u->state == UFS_FSOKAY - (uint32_t)u->time;
	u->flags = sb[211]; /* char fs_flags */
	/*
	 * A fast symlink keeps its target in ic_db/ic_ib when it has no
	 * blocks (Linux ufs_iget(); sunx86 writes up to FSL_SIZE, 56 bytes):
	 * the whole pointer area is the limit.
	 */
	u->maxsymlinklen = (UFS_NDADDR + UFS_NIADDR) * 4;
}

static const char *ufs_flavour_name(enum ufs_flavour f)
{
	return f == UFS_FLAVOUR_BSD ? "BSD" : "Solaris";
}

#define BAD(reason)              \
	do {                     \
		*why = reason;   \
		return -EUCLEAN; \
	} while (0)

int ufs_sb_parse(struct ufs_fs *u, const uint8_t *sb, uint64_t loc,
		 const char **why)
{
	uint32_t le = get_le32(sb + UFS_SB_MAGIC_OFF);
	uint32_t be = get_be32(sb + UFS_SB_MAGIC_OFF);
	uint64_t t, sbloc;
	uint32_t fsbtodb;

	*why = NULL;
	if (le == UFS1_MAGIC || le == UFS2_MAGIC) {
		u->be = false;
		u->version = le == UFS2_MAGIC ? 2 : 1;
	} else if (be == UFS1_MAGIC || be == UFS2_MAGIC) {
		u->be = true;
		u->version = be == UFS2_MAGIC ? 2 : 1;
	} else {
		return -ENOENT;
	}
	sbloc = ufs64(u, sb + 1000); /* fs_sblockloc (UFS2) */
	/*
	 * FreeBSD's rules: a UFS2 superblock is read only where it says it
	 * belongs (a copy elsewhere is a cylinder group's spare); a UFS1
	 * superblock is never at SBLOCK_UFS2, where it would be a spare.
	 */
	if (u->version == 2 && sbloc != loc)
		return -ENOENT;
	if (u->version == 1 && loc == 65536)
		return -ENOENT;
	u->sb_off = loc;

	u->sblkno = ufs32(u, sb + 8);
	u->cblkno = ufs32(u, sb + 12);
	u->iblkno = ufs32(u, sb + 16);
	u->dblkno = ufs32(u, sb + 20);
	u->cgoffset = ufs32(u, sb + 24);
	u->cgmask = ufs32(u, sb + 28);
	u->ncg = ufs32(u, sb + 44);
	u->bsize = ufs32(u, sb + 48);
	u->fsize = ufs32(u, sb + 52);
	u->frag = ufs32(u, sb + 56);
	u->bshift = ufs32(u, sb + 80);
	u->fshift = ufs32(u, sb + 84);
	u->fragshift = ufs32(u, sb + 96);
	fsbtodb = ufs32(u, sb + 100);
	u->sbsize = ufs32(u, sb + 104);
	u->nindir = ufs32(u, sb + 116);
	u->inopb = ufs32(u, sb + 120);
	u->id[0] = ufs32(u, sb + 144);
	u->id[1] = ufs32(u, sb + 148);
	u->cgsize = ufs32(u, sb + 160);
	u->ipg = ufs32(u, sb + 184);
	u->fpg = ufs32(u, sb + 188);
	u->fmod = sb[208];
	u->clean = sb[209];
	u->ronly = sb[210];
	memcpy(u->fsmnt, sb + 212, sizeof(u->fsmnt) - 1);
	u->fsmnt[sizeof(u->fsmnt) - 1] = 0;
	u->flags = ufs32(u, sb + 1312);
	u->maxsymlinklen = ufs32(u, sb + 1320);
	u->old_inodefmt = ufs32(u, sb + 1324);
	if (u->version == 2) {
		memcpy(u->volname, sb + 680, 32);
		u->volname[32] = 0;
		u->ndir = ufs64(u, sb + 1008);
		u->nbfree = ufs64(u, sb + 1016);
		u->nifree = ufs64(u, sb + 1024);
		u->nffree = ufs64(u, sb + 1032);
		u->time = (int64_t)ufs64(u, sb + 1072);
		u->size = ufs64(u, sb + 1080);
		u->dsize = ufs64(u, sb + 1088);
	} else {
		u->volname[0] = 0;
		u->ndir = ufs32(u, sb + 192);
		u->nbfree = ufs32(u, sb + 196);
		u->nifree = ufs32(u, sb + 200);
		u->nffree = ufs32(u, sb + 204);
		u->time = (int32_t)ufs32(u, sb + 32);
		u->size = ufs32(u, sb + 36);
		u->dsize = ufs32(u, sb + 40);
	}
	u->flavour =
		ufs_flavour_of(u->version, u->old_inodefmt, u->maxsymlinklen);
	if (u->version == 2)
		u->il = &ufs2_bsd_layout;
	else if (u->flavour == UFS_FLAVOUR_BSD)
		u->il = &ufs1_bsd_layout;
	else
		u->il = &ufs1_sun_layout;
	if (u->flavour == UFS_FLAVOUR_SOLARIS)
		ufs_sun_parse(u, sb);

	/* sizes: powers of two, in range, consistent with their shifts */
	if (!is_pow2_u64(u->bsize) || u->bsize < UFS_MINBSIZE ||
	    u->bsize > UFS_MAXBSIZE)
		BAD("fs_bsize is not a power of two from 4096 to 65536");
	if (!is_pow2_u64(u->fsize) || u->fsize < UFS_DEV_BSIZE ||
	    u->fsize > u->bsize)
		BAD("fs_fsize is not a power of two from 512 to fs_bsize");
	if (u->frag != u->bsize / u->fsize || u->frag > 8)
		BAD("fs_frag is not fs_bsize / fs_fsize (at most 8)");
	if (u->bshift != log2_u32(u->bsize) ||
	    u->fshift != log2_u32(u->fsize) ||
	    u->fragshift != log2_u32(u->frag) ||
	    fsbtodb != log2_u32(u->fsize / UFS_DEV_BSIZE))
		BAD("a shift (fs_bshift, fs_fshift, fs_fragshift, fs_fsbtodb) "
		    "disagrees with its size");
	if (ufs32(u, sb + 72) != ~(u->bsize - 1) ||
	    ufs32(u, sb + 76) != ~(u->fsize - 1))
		BAD("fs_bmask or fs_fmask disagrees with its size");
	if (u->inopb != u->bsize / u->il->size)
		BAD("fs_inopb is not fs_bsize / the inode size");
	if (u->nindir != u->bsize / u->il->ptr_size)
		BAD("fs_nindir is not fs_bsize / the pointer size");
	if (u->sbsize < UFS_SB_MAGIC_OFF + 4 || u->sbsize > UFS_MAXBSIZE)
		BAD("fs_sbsize is out of range");

	/* cylinder groups */
	if (u->ncg == 0 || u->ipg == 0 || u->fpg == 0)
		BAD("fs_ncg, fs_ipg or fs_fpg is zero");
	if (u->ipg % u->inopb)
		BAD("fs_ipg is not a multiple of fs_inopb");
	if (u->fpg % u->frag)
		BAD("fs_fpg is not a multiple of fs_frag");
	if (u->cgsize == 0 || u->cgsize > UFS_MAXBSIZE)
		BAD("fs_cgsize is out of range");
	u->ninodes = (uint64_t)u->ncg * u->ipg;
	if (u->ninodes > UINT32_MAX)
		BAD("fs_ncg * fs_ipg exceeds 2^32 inodes");
	if (!(u->sblkno < u->cblkno && u->cblkno < u->iblkno &&
	      u->iblkno < u->dblkno && u->dblkno <= u->fpg))
		BAD("fs_sblkno, fs_cblkno, fs_iblkno, fs_dblkno out of order");
	if ((uint64_t)u->iblkno + (uint64_t)(u->ipg / u->inopb) * u->frag >
	    u->dblkno)
		BAD("the inode table overlaps the data area");
	if (u->size == 0 || u->dsize > u->size)
		BAD("fs_size or fs_dsize is out of range");
	if ((u->size + u->fpg - 1) / u->fpg != u->ncg)
		BAD("fs_ncg disagrees with fs_size / fs_fpg");
	if (ckd_mul(&t, u->size, (uint64_t)u->fsize))
		BAD("fs_size overflows");
	if (u->version == 1 && u->cgoffset >= u->fpg)
		BAD("fs_old_cgoffset is out of range");
	if (u->maxsymlinklen > (UFS_NDADDR + UFS_NIADDR) * u->il->ptr_size)
		BAD("fs_maxsymlinklen exceeds the inode's pointer area");
	/* 12 + n + n^2 + n^3 blocks; n <= 16384, so this fits 2^58 bytes */
	t = (uint64_t)u->nindir;
	u->maxfile = (UFS_NDADDR + t + t * t + t * t * t) << u->bshift;
	return 0;
}
#undef BAD

/* Finds the first valid superblock of the search order. */
static int ufs_find_sb(const struct fsimg_window *w, struct ufs_fs *u,
		       const char **why, uint64_t *bad_loc)
{
	uint8_t sb[UFS_SB_READ];
	int rc, result = -ENOENT;
	size_t i;

	*why = NULL;
	for (i = 0; i < sizeof(ufs_sb_locs) / sizeof(ufs_sb_locs[0]); i++) {
		const char *w_why;

		if (!fsimg_window_has(w, ufs_sb_locs[i], sizeof(sb)))
			continue;
		rc = fsimg_wread_cached(w, ufs_sb_locs[i], sb, sizeof(sb));
		if (rc)
			return rc;
		rc = ufs_sb_parse(u, sb, ufs_sb_locs[i], &w_why);
		if (rc == 0)
			return 0;
		if (rc == -EUCLEAN && !*why) {
			*why = w_why;
			*bad_loc = ufs_sb_locs[i];
			result = -EUCLEAN;
		}
	}
	return result;
}

/*
 * Mine when a superblock magic sits at one of the search locations (and a
 * UFS2 one says it belongs there); a bad geometry is then reported by
 * open, clearly, rather than as an unknown format.
 */
static int ufs_probe(const struct fsimg_window *w)
{
	struct ufs_fs u = { 0 };
	const char *why;
	uint64_t loc = 0;
	int rc = ufs_find_sb(w, &u, &why, &loc);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0 && rc != -EUCLEAN)
		return rc;
	UFS_DBG("probe: %s", rc ? why : "superblock found");
	return 1;
}

static int ufs_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct ufs_fs *u;
	const char *why;
	uint64_t loc = 0;
	int rc;

	(void)opts;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->fs = fs;
	u->img = fs->img;
	u->win = fs->win;
	rc = ufs_find_sb(&fs->win, u, &why, &loc);
	if (rc == -ENOENT) {
		rc = fsimg_werr(&fs->win, -EINVAL, "no superblock found");
		goto err;
	}
	if (rc == -EUCLEAN) {
		rc = fsimg_werr(&fs->win, rc, "bad superblock at byte %llu: %s",
				fsimg_wabs(&fs->win, loc), why);
		goto err;
	}
	if (rc) {
		rc = fsimg_werr(&fs->win, rc, "cannot read the superblock");
		goto err;
	}
	if (u->flavour == UFS_FLAVOUR_SOLARIS && u->logbno)
		/* read as it is: the log is not replayed (see details) */
		UFS_DBG("Solaris log at sector %u, fs_clean 0x%x", u->logbno,
			u->clean);
	if (u->size * u->fsize > fs->win.len)
		UFS_DBG("fs of %llu bytes in a window of %llu",
			(unsigned long long)(u->size * u->fsize),
			(unsigned long long)fs->win.len);
	UFS_DBG("UFS%u %s, sb at %llu, bsize %u fsize %u ncg %u", u->version,
		u->be ? "BE" : "LE", (unsigned long long)u->sb_off, u->bsize,
		u->fsize, u->ncg);
	fs->priv = u;
	fs->root = UFS_ROOTINO;
	return 0;
err:
	free(u);
	return rc;
}

static void ufs_close(fsimg_fs *fs)
{
	free(fs->priv);
	fs->priv = NULL;
}

static int ufs_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct ufs_fs *u = ufs_of(fs);

	/*
	 * "UFS1 (Solaris, big-endian)": fsimg_fsinfo.version has 32 bytes,
	 * so the machine (SPARC or x86) is in the details' flavour.
	 */
	snprintf(info->version, sizeof(info->version), "UFS%u (%s, %s)",
		 u->version, ufs_flavour_name(u->flavour),
		 u->be ? "big-endian" : "little-endian");
	/* blkid: LABEL is fs_volname (UFS2 only), UUID fs_id as %08x%08x */
	snprintf(info->label, sizeof(info->label), "%s", u->volname);
	if (u->id[0] || u->id[1])
		snprintf(info->uuid, sizeof(info->uuid), "%08x%08x", u->id[0],
			 u->id[1]);
	info->size = u->size * u->fsize;
	info->block_size = u->bsize;
	return 0;
}

/*
 * fs.h fs_clean is a flag on BSD: 1 after a clean unmount. On Solaris it
 * is a state (ufs_fs.h FSACTIVE...FSFIX), trusted only when fs_state
 * matches fs_time; otherwise the filesystem needs fsck.
 */
static const char *ufs_clean_name(const struct ufs_fs *u)
{
	if (u->flavour == UFS_FLAVOUR_BSD)
		return u->clean ? "clean" : "dirty";
	if (!u->state_ok)
		return "dirty (fs_state does not match fs_time: needs fsck)";
	switch (u->clean) {
	case 0x00:
		return "dirty (FSACTIVE: mounted or crashed)";
	case 0x01:
		return "clean";
	case 0x02:
		return "stable";
	case 0xfd:
		return "logging (FSLOG)";
	case 0xfe:
		return "dirty (FSSUSPEND)";
	case 0xfc:
		return "dirty (FSFIX: being repaired)";
	case 0xff:
		return "dirty (FSBAD)";
	default:
		return "dirty (unknown fs_clean)";
	}
}

static int ufs_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct ufs_fs *u = ufs_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };

	if (u->flavour == UFS_FLAVOUR_SOLARIS)
		/* Solaris wrote big-endian on SPARC, little-endian on x86 */
		fsimg_details_text(&d, "flavour", "Solaris (%s)",
				   u->be ? "SPARC" : "x86");
	else
		fsimg_details_text(&d, "flavour", "%s",
				   ufs_flavour_name(u->flavour));
	fsimg_details_text(&d, "byte_order", "%s",
			   u->be ? "big-endian" : "little-endian");
	fsimg_details_num(&d, "superblock", u->sb_off);
	fsimg_details_num(&d, "block_size", u->bsize);
	fsimg_details_num(&d, "fragment_size", u->fsize);
	fsimg_details_num(&d, "cylinder_groups", u->ncg);
	fsimg_details_num(&d, "inodes_per_group", u->ipg);
	fsimg_details_num(&d, "fragments_per_group", u->fpg);
	fsimg_details_text(&d, "clean", "%s", ufs_clean_name(u));
	fsimg_details_text(&d, "flags", "0x%x", u->flags);
	fsimg_details_num(&d, "max_symlink_inline", u->maxsymlinklen);
	if (u->flavour == UFS_FLAVOUR_SOLARIS) {
		fsimg_details_text(&d, "fs_clean", "0x%02x", u->clean);
		fsimg_details_text(&d, "fs_state", "%s",
				   u->state_ok ? "valid" : "invalid");
		fsimg_details_num(&d, "fs_version", u->sun_version);
		fsimg_details_bool(&d, "large_files", u->flags & 1);
		/* read as it is: the log is not replayed */
		fsimg_details_bool(&d, "logging", u->logbno);
		if (u->logbno) {
			fsimg_details_num(&d, "log_sector", u->logbno);
			fsimg_details_text(&d, "log_state", "%s",
					   u->rolled == 1 ? "fully rolled"
					   : u->rolled == 2
						   ? "needs rolling"
						   : "roll state unknown");
		}
		if (u->reclaim)
			fsimg_details_text(&d, "reclaim", "0x%x", u->reclaim);
	}
	if (u->fsmnt[0])
		fsimg_details_text(&d, "last_mounted", "%s", u->fsmnt);
	if (u->volname[0])
		fsimg_details_text(&d, "volume_name", "%s", u->volname);
	fsimg_details_text(&d, "id", "%08x%08x", u->id[0], u->id[1]);
	/* seconds since the epoch, as stored */
	fsimg_details_text(&d, "time", "%lld", (long long)u->time);
	return 0;
}

static int ufs_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct ufs_fs *u = ufs_of(fs);
	uint64_t bfree;

	st->bsize = u->fsize;
	st->blocks = u->dsize;
	if (ckd_mul(&bfree, u->nbfree, (uint64_t)u->frag) ||
	    ckd_add(&bfree, bfree, u->nffree) || bfree > u->dsize)
		bfree = 0;
	st->bfree = bfree;
	st->files = u->ninodes;
	st->ffree = u->nifree <= u->ninodes ? u->nifree : 0;
	st->namemax = UFS_NAME_MAX;
	return 0;
}

/* Other names users know it by (mount -t ffs on the BSDs). */
static const char *const ufs_aliases[] = { "ffs", "ufs1", "ufs2", NULL };

const struct fsimg_driver fsimg_ufs_driver = {
	.name = "ufs",
	.aliases = ufs_aliases,
	.label = "UFS",
	.debug = "ufs",
	.probe = ufs_probe,
	.open = ufs_open,
	.close = ufs_close,
	.info = ufs_info,
	.details = ufs_details,
	.statfs = ufs_statfs,
	.getattr = ufs_getattr,
	.lookup = ufs_lookup,
	.readdir = ufs_readdir,
	.readlink = ufs_readlink,
	.file_open = ufs_file_open,
	.file_read = ufs_file_read,
	.file_map = ufs_file_map,
	.file_close = ufs_file_close,
};
