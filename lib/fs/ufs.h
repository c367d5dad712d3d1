/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the UFS driver (UFS1 and UFS2 of the BSD flavour,
 * UFS1 of the Solaris flavour, both byte orders), shared by its files:
 *
 *   ufs.c        superblock search, geometry checks, the flavour decision,
 *                probe, open, info, details, statfs, the driver descriptor
 *   ufs_inode.c  inode location and decoding (per-flavour layout tables),
 *                getattr, the logical-to-physical block map
 *   ufs_dir.c    directory entries: readdir, lookup
 *   ufs_file.c   file data: open, read, map, readlink
 *
 * Headers followed (FreeBSD): ufs/ffs/fs.h (struct fs, SBLOCKSEARCH, the
 * cylinder-group address macros), ufs/ufs/dinode.h (struct ufs1_dinode,
 * struct ufs2_dinode), ufs/ufs/dir.h (struct direct, DIRBLKSIZ); for the
 * Solaris flavour illumos usr/src/uts/common/sys/fs/ufs_fs.h (struct fs),
 * ufs_inode.h (struct icommon) and ufs_fsdir.h (struct direct with a
 * 16-bit d_namlen). Field offsets below are byte offsets in those on-disk
 * structures; every field is decoded from the byte buffer in the byte
 * order of the magic.
 *
 * Node handles
 * ------------
 * A handle is the UFS inode number: stable, and the same however the node
 * is reached, so hard links share it and st_ino is the handle too. The
 * root directory is UFS_ROOTINO (2). Inode 0 means "no inode" in directory
 * entries and inode 1 is the historical bad-block inode: neither is ever
 * handed out, so no handle is 0 (and 1, which FUSE reserves for its root,
 * never collides). A handle is checked against ncg * ipg before use, and
 * getattr reads the inode afresh each time: no node table to go stale.
 *
 * Readdir cookies are byte offsets in the directory of the first entry not
 * yet returned. Entries are walked in order, each one advancing by its
 * d_reclen (checked non-zero), so a listing always ends; a directory cycle
 * (a subdirectory entry naming an ancestor) does not matter to inode-number
 * handles, and the path walk of lib/path.c bounds its own depth.
 */
#ifndef FSIMG_UFS_H
#define FSIMG_UFS_H

#include "internal.h"

extern const struct fsimg_driver fsimg_ufs_driver;
#define UFS_DBG(...) DRV_DBG(fsimg_ufs_driver, __VA_ARGS__)

/* --- on-disk constants ----------------------------------------------------
 */

#define UFS1_MAGIC 0x011954u   /* fs.h FS_UFS1_MAGIC */
#define UFS2_MAGIC 0x19540119u /* fs.h FS_UFS2_MAGIC */

#define UFS_SB_MAGIC_OFF 1372u /* fs.h: fs_magic */
#define UFS_SB_READ	 2048u /* bytes of struct fs we decode */

#define UFS_NDADDR   12u /* dinode.h: direct block pointers */
#define UFS_NIADDR   3u	 /* dinode.h: single, double, triple indirect */
#define UFS_ROOTINO  2u
#define UFS_DIRBLK   512u /* dir.h DIRBLKSIZ: entries never cross one */
#define UFS_NAME_MAX 255u
#define UFS_LINK_MAX 4096u /* longest symlink target we read (PATH_MAX) */

#define UFS_MAXBSIZE  65536u /* fs.h MAXBSIZE */
#define UFS_MINBSIZE  4096u  /* fs.h MINBSIZE */
#define UFS_DEV_BSIZE 512u

/* Directories we read: beyond this a directory is reported as corrupt. */
#define UFS_DIR_MAX (256ull << 20)

enum ufs_flavour {
	UFS_FLAVOUR_BSD,     /* 4.4BSD and later: FreeBSD, NetBSD, OpenBSD */
	UFS_FLAVOUR_SOLARIS, /* SunOS/Solaris/illumos, old-format UFS1 */
};

/*
 * Where a flavour keeps the inode fields that differ (byte offsets in the
 * dinode). UFS1 BSD (dinode.h struct ufs1_dinode) keeps 32-bit uid/gid at
 * 112/116; Solaris (ufs_inode.h struct icommon) keeps 16-bit ic_suid/
 * ic_sgid at 4/6, ic_shadow at 112 and the 32-bit EFT ic_uid/ic_gid at
 * 116/120, used only when the short one is UID_LONG/GID_LONG (65535); its
 * times are struct timeval32 (microseconds after the seconds, not
 * nanoseconds). UFS2 has its own layout (struct ufs2_dinode).
 */
struct ufs_inode_layout {
	unsigned size;	   /* bytes of one dinode: 128 or 256 */
	unsigned ptr_size; /* block pointers: 4 or 8 bytes */
	unsigned mode, nlink, uid, gid, dsize, blocks;
	unsigned atime, mtime, ctime, btime; /* seconds */
	unsigned atime_ns, mtime_ns, ctime_ns, btime_ns;
	unsigned time_size; /* 4 (UFS1) or 8 (UFS2) */
	unsigned db, ib;    /* direct and indirect pointer arrays */
	unsigned flags, gen;
	unsigned suid, sgid; /* 16-bit short ids (Solaris), 0 = none */
	unsigned shadow;     /* ic_shadow (Solaris), 0 = none */
	bool has_btime;
	bool time_usec; /* the sub-second field counts microseconds */
};

struct ufs_fs {
	fsimg_fs *fs;
	fsimg_image *img;
	struct fsimg_window win;
	const struct ufs_inode_layout *il;

	enum ufs_flavour flavour;
	unsigned version; /* 1 or 2 */
	bool be;	  /* big-endian */
	uint64_t sb_off;  /* window offset of the superblock used */

	/* geometry, validated in ufs.c before anything uses it */
	uint32_t bsize, fsize, frag;
	unsigned bshift, fshift, fragshift;
	uint32_t ncg, ipg, fpg, inopb, nindir;
	uint32_t iblkno, dblkno, sblkno, cblkno;
	uint32_t cgoffset, cgmask; /* UFS1 rotational staggering */
	uint32_t cgsize, sbsize;
	uint32_t maxsymlinklen; /* bytes of target kept in the inode */
	uint64_t size;		/* fragments */
	uint64_t dsize;		/* data fragments */
	uint64_t ninodes;	/* ncg * ipg */
	uint64_t maxfile;	/* bytes the block map can address */
	uint64_t nbfree, nffree, nifree, ndir;
	int64_t time;
	uint8_t clean, fmod, ronly;
	uint32_t flags;
	uint32_t old_inodefmt;
	uint32_t id[2];
	/* Solaris (ufs_fs.h): state, logging and large-file fields */
	uint32_t sun_version; /* fs_version (1320) */
	uint32_t logbno;  /* fs_logbno (1324): sector of the log, 0 = none */
	uint32_t rolled;  /* fs_rolled (4): FS_ALL_ROLLED, FS_NEED_ROLL */
	uint32_t reclaim; /* fs_reclaim (1328) */
	int32_t state;	  /* fs_state: 132 little-endian, 1336 big */
	int32_t postblformat; /* fs_postblformat (1356) */
	bool state_ok;	      /* fs_state == FSOKAY - fs_time */
	char volname[33];
	char fsmnt[64];
};

static inline struct ufs_fs *ufs_of(const fsimg_fs *fs)
{
	return fs->priv;
}

/* Byte-order-aware decoders: the order is the magic's. */
static inline uint16_t ufs16(const struct ufs_fs *u, const uint8_t *p)
{
	return u->be ? get_be16(p) : get_le16(p);
}
static inline uint32_t ufs32(const struct ufs_fs *u, const uint8_t *p)
{
	return u->be ? get_be32(p) : get_le32(p);
}
static inline uint64_t ufs64(const struct ufs_fs *u, const uint8_t *p)
{
	return u->be ? get_be64(p) : get_le64(p);
}

/* --- inodes (ufs_inode.c) ------------------------------------------------
 */

struct ufs_inode {
	uint32_t ino;
	uint16_t mode;
	uint16_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks; /* DEV_BSIZE units */
	uint32_t flags;
	uint32_t shadow; /* Solaris ic_shadow: ACL shadow inode, 0 = none */
	struct timespec atime, mtime, ctime, btime;
	bool has_btime;
	uint64_t db[UFS_NDADDR]; /* fragment addresses, 0 = hole */
	uint64_t ib[UFS_NIADDR];
	uint8_t inline_data[120]; /* the pointer area, for fast symlinks */
	unsigned inline_len;
};

/* The flavour-and-version dinode layouts (chosen in ufs.c). */
extern const struct ufs_inode_layout ufs1_bsd_layout, ufs2_bsd_layout,
	ufs1_sun_layout;

/* Window byte offset of inode ino, or -EUCLEAN. */
int ufs_inode_pos(struct ufs_fs *u, uint64_t ino, uint64_t *pos);
/*
 * Reads inode ino, checks that it is in use (non-zero mode: -EUCLEAN
 * naming the inode otherwise) and decodes it.
 */
int ufs_inode_read(struct ufs_fs *u, uint64_t ino, struct ufs_inode *in);
void ufs_stat_of(const struct ufs_fs *u, const struct ufs_inode *in,
		 struct fsimg_stat *st);
int ufs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);

/*
 * Maps logical block lbn of in to a fragment address (*frag, 0 for a hole)
 * through the direct and indirect pointers. Indirect blocks are read
 * through the cache. A pointer outside the filesystem is -EUCLEAN with a
 * message naming the inode.
 */
int ufs_bmap(struct ufs_fs *u, const struct ufs_inode *in, uint64_t lbn,
	     uint64_t *frag);

/* --- file data (ufs_file.c) ----------------------------------------------
 */

/*
 * Reads len bytes of in's data at off (clipped to the size by the caller),
 * holes as zeroes; cached for metadata (directories, symlinks). Returns
 * bytes read or -errno.
 */
ssize_t ufs_read_data(struct ufs_fs *u, const struct ufs_inode *in, void *buf,
		      size_t len, uint64_t off, bool cached);

int ufs_file_open(fsimg_file *f);
ssize_t ufs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int ufs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
void ufs_file_close(fsimg_file *f);
int ufs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/* --- directories (ufs_dir.c) ---------------------------------------------
 */

int ufs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
int ufs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);

/* --- superblock (ufs.c), exposed for the unit tests ----------------------
 */

/*
 * Decodes and validates the superblock in sb (UFS_SB_READ bytes read at
 * window offset loc) into u. Returns 0 when valid, -ENOENT when the
 * magic is absent or the copy does not belong at loc, -EUCLEAN with *why
 * set to a static reason when a field is inconsistent.
 */
int ufs_sb_parse(struct ufs_fs *u, const uint8_t *sb, uint64_t loc,
		 const char **why);

#endif /* FSIMG_UFS_H */
