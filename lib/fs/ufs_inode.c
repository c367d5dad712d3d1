/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UFS inodes: where an inode lives, its decoding through a per-flavour
 * layout table, getattr, and the logical-to-physical block map.
 *
 * Inode location (fs.h ino_to_cg, cgimin, cgstart): inode i lives in
 * cylinder group c = i / fs_ipg, whose inode table starts at fragment
 * cgstart(c) + fs_iblkno, where cgstart(c) = c * fs_fpg, plus on UFS1 the
 * old rotational staggering fs_old_cgoffset * (c & ~fs_old_cgmask). The
 * table is fs_ipg inodes back to back (fs_ipg is a multiple of fs_inopb).
 *
 * Block map (dinode.h): UFS_NDADDR direct pointers, then one single, one
 * double and one triple indirect block of fs_nindir pointers each.
 * Pointers are fragment addresses (32-bit on UFS1, 64-bit on UFS2), 0 for
 * a hole. The last block of a file smaller than UFS_NDADDR blocks may be a
 * run of fragments: the read never goes past the file size, so it stays
 * inside them.
 */
#include "ufs.h"

#include <sys/stat.h>

/* dinode.h struct ufs1_dinode (4.4BSD, 128 bytes) */
const struct ufs_inode_layout ufs1_bsd_layout = {
	.size = 128,
	.ptr_size = 4,
	.mode = 0,
	.nlink = 2,
	.dsize = 8,
	.atime = 16,
	.atime_ns = 20,
	.mtime = 24,
	.mtime_ns = 28,
	.ctime = 32,
	.ctime_ns = 36,
	.time_size = 4,
	.db = 40,
	.ib = 88,
	.flags = 100,
	.blocks = 104,
	.gen = 108,
	.uid = 112,
	.gid = 116,
	.has_btime = false,
};

/*
 * illumos ufs_inode.h struct icommon (128 bytes), the Solaris dinode:
 * ic_smode 0, ic_nlink 2, ic_suid/ic_sgid 4/6 (16 bits), ic_lsize 8 (64
 * bits: large files), ic_atime/ic_mtime/ic_ctime 16/24/32 (struct
 * timeval32: seconds, then microseconds), ic_db 40, ic_ib 88, ic_flags
 * 100, ic_blocks 104, ic_gen 108, ic_shadow 112, ic_uid/ic_gid 116/120
 * (the EFT ids), ic_oeftflag 124 (extended attribute directory, unread).
 */
const struct ufs_inode_layout ufs1_sun_layout = {
	.size = 128,
	.ptr_size = 4,
	.mode = 0,
	.nlink = 2,
	.suid = 4,
	.sgid = 6,
	.dsize = 8,
	.atime = 16,
	.atime_ns = 20,
	.mtime = 24,
	.mtime_ns = 28,
	.ctime = 32,
	.ctime_ns = 36,
	.time_size = 4,
	.db = 40,
	.ib = 88,
	.flags = 100,
	.blocks = 104,
	.gen = 108,
	.shadow = 112,
	.uid = 116,
	.gid = 120,
	.has_btime = false,
	.time_usec = true,
};

/* dinode.h struct ufs2_dinode (256 bytes) */
const struct ufs_inode_layout ufs2_bsd_layout = {
	.size = 256,
	.ptr_size = 8,
	.mode = 0,
	.nlink = 2,
	.uid = 4,
	.gid = 8,
	.dsize = 16,
	.blocks = 24,
	.atime = 32,
	.mtime = 40,
	.ctime = 48,
	.btime = 56,
	.mtime_ns = 64,
	.atime_ns = 68,
	.ctime_ns = 72,
	.btime_ns = 76,
	.time_size = 8,
	.gen = 80,
	.flags = 88,
	.db = 112,
	.ib = 208,
	.has_btime = true,
};

/* A field as wide as the layout says (4 or 8 bytes). */
static uint64_t ufs_word(const struct ufs_fs *u, const uint8_t *p,
			 unsigned width)
{
	return width == 8 ? ufs64(u, p) : ufs32(u, p);
}

static struct timespec ufs_time(const struct ufs_fs *u, const uint8_t *d,
				unsigned sec, unsigned nsec)
{
	const struct ufs_inode_layout *il = u->il;
	struct timespec ts;
	uint32_t ns = ufs32(u, d + nsec);

	/* struct timeval32 tv_usec (Solaris): at most 999999 */
	if (il->time_usec)
		ns = ns < 1000000u ? ns * 1000u : 0;
	ts.tv_sec = il->time_size == 8 ? (time_t)(int64_t)ufs64(u, d + sec)
				       : (time_t)(int32_t)ufs32(u, d + sec);
	ts.tv_nsec = ns < 1000000000u ? (long)ns : 0;
	return ts;
}

int ufs_inode_pos(struct ufs_fs *u, uint64_t ino, uint64_t *pos)
{
	uint64_t cg, idx, frag, off, end;

	if (ino == 0 || ino >= u->ninodes)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "inode %llu is out of range (1-%llu)",
				  (unsigned long long)ino,
				  (unsigned long long)(u->ninodes - 1));
	cg = ino / u->ipg;
	idx = ino % u->ipg;
	/* all factors were validated: ncg * fpg <= size + fpg < 2^64 */
	frag = cg * u->fpg + u->iblkno;
	if (u->version == 1)
		frag += (uint64_t)u->cgoffset *
			(cg & ~(uint64_t)u->cgmask & 0xffffffffu);
	if (ckd_mul(&off, frag, (uint64_t)u->fsize) ||
	    ckd_add(&off, off, idx * u->il->size) ||
	    ckd_add(&end, off, (uint64_t)u->il->size) ||
	    end > u->size * u->fsize)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "inode %llu lies outside the filesystem",
				  (unsigned long long)ino);
	*pos = off;
	return 0;
}

int ufs_inode_read(struct ufs_fs *u, uint64_t ino, struct ufs_inode *in)
{
	const struct ufs_inode_layout *il = u->il;
	uint8_t d[256];
	uint64_t pos = 0;
	unsigned i, area;
	int rc;

	memset(in, 0, sizeof(*in));
	rc = ufs_inode_pos(u, ino, &pos);
	if (rc)
		return rc;
	rc = fsimg_wread_cached(&u->win, pos, d, il->size);
	if (rc)
		return fsimg_werr(&u->win, rc, "cannot read inode %llu",
				  (unsigned long long)ino);
	in->ino = (uint32_t)ino;
	in->mode = ufs16(u, d + il->mode);
	if (in->mode == 0)
		return fsimg_werr(&u->win, -EUCLEAN, "inode %llu is not in use",
				  (unsigned long long)ino);
	in->nlink = ufs16(u, d + il->nlink);
	in->uid = ufs32(u, d + il->uid);
	in->gid = ufs32(u, d + il->gid);
	/*
	 * Solaris: ic_suid/ic_sgid hold the owner unless it does not fit 16
	 * bits, when they are UID_LONG/GID_LONG (65535) and ic_uid/ic_gid
	 * hold it (ufs_inode.h EFT support; Linux ufs_get_inode_uid()).
	 */
	if (il->suid) {
		uint16_t suid = ufs16(u, d + il->suid);
		uint16_t sgid = ufs16(u, d + il->sgid);

		if (suid != 0xffffu)
			in->uid = suid;
		if (sgid != 0xffffu)
			in->gid = sgid;
	}
	if (il->shadow)
		in->shadow = ufs32(u, d + il->shadow);
	in->size = ufs64(u, d + il->dsize);
	if (in->size > u->maxfile)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "inode %llu: size %llu is beyond what its "
				  "block map can address",
				  (unsigned long long)ino,
				  (unsigned long long)in->size);
	in->blocks = ufs_word(u, d + il->blocks, il->ptr_size);
	in->flags = ufs32(u, d + il->flags);
	in->atime = ufs_time(u, d, il->atime, il->atime_ns);
	in->mtime = ufs_time(u, d, il->mtime, il->mtime_ns);
	in->ctime = ufs_time(u, d, il->ctime, il->ctime_ns);
	if (il->has_btime) {
		in->btime = ufs_time(u, d, il->btime, il->btime_ns);
		in->has_btime = true;
	}
	for (i = 0; i < UFS_NDADDR; i++)
		in->db[i] = ufs_word(u, d + il->db + i * il->ptr_size,
				     il->ptr_size);
	for (i = 0; i < UFS_NIADDR; i++)
		in->ib[i] = ufs_word(u, d + il->ib + i * il->ptr_size,
				     il->ptr_size);
	area = (UFS_NDADDR + UFS_NIADDR) * il->ptr_size;
	memcpy(in->inline_data, d + il->db, area);
	in->inline_len = area;
	return 0;
}

/*
 * The device number of a Solaris inode, i_ordev (ufs_inode.h): ic_db[1]
 * on little-endian (USL SVR4 compatibility), ic_db[0] on big-endian. An
 * old 16-bit number (high half all zeroes or all ones) is 7-bit major,
 * 8-bit minor; otherwise it is an SVR4 dev32: 14-bit major above an
 * 18-bit minor (sys/mkdev.h L_BITSMINOR32), as Linux ufs_get_inode_dev()
 * reads it.
 */
static void ufs_sun_rdev(const struct ufs_fs *u, const struct ufs_inode *in,
			 struct fsimg_stat *st)
{
	uint32_t dev = (uint32_t)in->db[u->be ? 0 : 1];

	if ((dev & 0xffff0000u) == 0 || (dev & 0xffff0000u) == 0xffff0000u) {
		st->rdev_major = (dev >> 8) & 0x7f;
		st->rdev_minor = dev & 0xff;
	} else {
		st->rdev_major = (dev >> 18) & 0x3fff;
		st->rdev_minor = dev & 0x3ffff;
	}
}

void ufs_stat_of(const struct ufs_fs *u, const struct ufs_inode *in,
		 struct fsimg_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = in->ino;
	st->mode = in->mode;
	st->nlink = in->nlink;
	st->uid = in->uid;
	st->gid = in->gid;
	st->size = in->size;
	st->blocks = in->blocks;
	st->atime = in->atime;
	st->mtime = in->mtime;
	st->ctime = in->ctime;
	if (in->has_btime) {
		st->btime = in->btime;
		st->flags |= FSIMG_STAT_BTIME;
	}
	if ((S_ISCHR(in->mode) || S_ISBLK(in->mode)) &&
	    u->flavour == UFS_FLAVOUR_SOLARIS) {
		ufs_sun_rdev(u, in, st);
	} else if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		/*
		 * The device number is kept in di_db[0] (di_rdev). NetBSD
		 * encodes major in bits 8-19 and minor in bits 0-7 and 20-31,
		 * as Linux's new_encode_dev() does; the high half of a UFS2
		 * 64-bit word extends both the way glibc's dev_t does.
		 */
		uint64_t dev = in->db[0];

		st->rdev_major = (uint32_t)(((dev >> 8) & 0xfff) |
					    ((dev >> 32) & ~0xfffull));
		st->rdev_minor =
			(uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull));
	}
	if (!S_ISREG(in->mode) && !S_ISDIR(in->mode) && !S_ISLNK(in->mode))
		st->size = 0;
}

int ufs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct ufs_fs *u = ufs_of(fs);
	struct ufs_inode in;
	int rc = ufs_inode_read(u, ino, &in);

	if (!rc)
		ufs_stat_of(u, &in, st);
	return rc;
}

/* true when fragments [frag, frag+n) are inside the filesystem */
static bool ufs_frags_ok(const struct ufs_fs *u, uint64_t frag, uint64_t n)
{
	uint64_t end;

	return !ckd_add(&end, frag, n) && end <= u->size;
}

int ufs_bmap(struct ufs_fs *u, const struct ufs_inode *in, uint64_t lbn,
	     uint64_t *frag)
{
	const unsigned psz = u->il->ptr_size;
	uint64_t span = 1, ptr, first = lbn;
	uint8_t raw[8];
	unsigned level, d;
	int rc;

	*frag = 0;
	if (lbn < UFS_NDADDR) {
		ptr = in->db[lbn];
		goto data;
	}
	lbn -= UFS_NDADDR;
	for (level = 0; level < UFS_NIADDR; level++) {
		span *= u->nindir; /* nindir^(level+1), at most 2^42 */
		if (lbn < span)
			break;
		lbn -= span;
	}
	if (level == UFS_NIADDR)
		return fsimg_werr(&u->win, -EFBIG,
				  "inode %u: block %llu is beyond the "
				  "triple indirect block",
				  in->ino, (unsigned long long)first);
	ptr = in->ib[level];
	for (d = level + 1; d-- > 0;) {
		uint64_t idx;

		if (ptr == 0)
			return 0; /* hole */
		if (!ufs_frags_ok(u, ptr, u->frag))
			return fsimg_werr(&u->win, -EUCLEAN,
					  "inode %u: indirect block %llu "
					  "lies outside the filesystem",
					  in->ino, (unsigned long long)ptr);
		span /= u->nindir;
		idx = lbn / span;
		lbn %= span;
		rc = fsimg_wread_cached(&u->win, (ptr << u->fshift) + idx * psz,
					raw, psz);
		if (rc)
			return fsimg_werr(&u->win, rc,
					  "inode %u: cannot read indirect "
					  "block %llu",
					  in->ino, (unsigned long long)ptr);
		ptr = psz == 8 ? ufs64(u, raw) : ufs32(u, raw);
	}
data:
	if (ptr && !ufs_frags_ok(u, ptr, 1))
		return fsimg_werr(&u->win, -EUCLEAN,
				  "inode %u: block %llu points outside the "
				  "filesystem (fragment %llu)",
				  in->ino, (unsigned long long)first,
				  (unsigned long long)ptr);
	*frag = ptr;
	return 0;
}
