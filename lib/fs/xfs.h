/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the XFS driver (V4 and V5), shared by its files:
 *
 *   xfs.c        superblock checks, features, probe, open, info, details,
 *                statfs, the log state, the driver descriptor
 *   xfs_inode.c  inodes by number, their checks, getattr, the block map
 *                of a fork (extent list or B+tree)
 *   xfs_dir.c    directories: shortform, block, leaf and node forms;
 *                readdir, and lookup by name hash
 *   xfs_file.c   file data (holes and unwritten extents read as zeroes),
 *                the extent map, symlinks, extended attributes
 *
 * Written from the XFS Algorithms & Data Structures document (the on-disk
 * format: superblock, dinode, bmbt, directory and attribute blocks). All
 * metadata is big-endian except the CRCs, which are CRC-32C stored
 * little-endian, computed over the structure with the CRC field zeroed.
 *
 * Node handles
 * ------------
 * A handle is the XFS inode number, which encodes where the inode lives:
 * (AG << (agblklog + inopblog)) | (AG block << inopblog) | slot. It is
 * stable and the same however the node is reached, so hard links share it
 * and st_ino is the handle too. Every handle is checked against the
 * geometry before use, and getattr reads the inode afresh each time.
 *
 * Readdir cookies: for a shortform directory the index of the next entry;
 * otherwise the byte offset, in the directory's data space, of the next
 * entry (the block's offset plus the entry's offset in it).
 */
#ifndef FSIMG_XFS_H
#define FSIMG_XFS_H

#include "internal.h"

#include <limits.h>
#include <time.h>

extern const struct fsimg_driver fsimg_xfs_driver;
#define XFS_DBG(...) DRV_DBG(fsimg_xfs_driver, __VA_ARGS__)

/* --- on-disk constants ---------------------------------------------------- */

#define XFS_SB_SIZE    264u
#define XFS_SB_CRC_OFF 224u

/* Inode core: v1/v2 end at 100 bytes, v3 (V5) at 176. */
#define XFS_DINODE_V2_SIZE 100u
#define XFS_DINODE_V3_SIZE 176u
#define XFS_DINODE_CRC_OFF 100u
#define XFS_INODE_MAX	   2048u

/* di_format */
enum {
	XFS_FMT_DEV = 0,
	XFS_FMT_LOCAL = 1,
	XFS_FMT_EXTENTS = 2,
	XFS_FMT_BTREE = 3,
};

/* di_flags and di_flags2 bits we act on */
#define XFS_DIFLAG_REALTIME 0x0001u
#define XFS_DIFLAG2_BIGTIME 0x0008u
#define XFS_DIFLAG2_NREXT64 0x0010u

/* Directory address space: data blocks, then the leaf and free indexes. */
#define XFS_DIR_LEAF_OFFSET (32ull << 30)
#define XFS_DIR_FREE_OFFSET (64ull << 30)

#define XFS_NAME_MAX	   255u
#define XFS_SYMLINK_MAXLEN 1024u
#define XFS_XATTR_MAX	   65536u /* largest attribute value */

/* B+tree depth we follow at most (the format stays well below). */
#define XFS_BTREE_MAXLEVELS 9u

/* --- the mounted filesystem ----------------------------------------------- */

enum xfs_log_state {
	XFS_LOG_UNKNOWN,
	XFS_LOG_CLEAN,
	XFS_LOG_DIRTY,
	XFS_LOG_EXTERNAL,
};

struct xfs_fs {
	fsimg_fs *fs;
	struct fsimg_window win;

	uint32_t blocksize, sectsize, agblocks, agcount;
	uint16_t inodesize, inopblock, versionnum;
	uint8_t blocklog, inodelog, inopblog, agblklog, dirblklog;
	uint64_t dblocks, rblocks, rootino, icount, ifree, fdblocks;
	uint64_t logstart;
	uint32_t logblocks;
	uint32_t features2, compat, ro_compat, incompat, log_incompat;
	bool v5, ftype, ascii_ci, attr2, parent;
	uint32_t dirblksize; /* blocksize << dirblklog */
	unsigned core;	     /* inode core size: 100 or 176 */
	char label[13];
	uint8_t uuid[16];
	uint8_t meta_uuid[16]; /* what metadata blocks carry */
	enum xfs_log_state log_state;
	/* blocks one walk may visit: those the image holds */
	uint64_t max_blocks;
};

static inline struct xfs_fs *xfs_of(fsimg_fs *fs)
{
	return fs->priv;
}

/* A decoded inode, with a copy of its forks. */
struct xfs_inode {
	uint64_t ino;
	uint32_t mode;
	uint8_t version, format, aformat, forkoff;
	uint32_t nlink, uid, gid, rdev;
	uint16_t flags;
	uint64_t flags2;
	uint64_t size, nblocks, nextents;
	uint32_t anextents;
	struct timespec atime, mtime, ctime, btime;
	bool has_btime;
	/* forks: offsets and sizes in raw */
	uint16_t doff, dsize, aoff, asize;
	uint8_t raw[XFS_INODE_MAX];
};

/* Which fork of an inode. */
enum xfs_fork { XFS_DATA_FORK, XFS_ATTR_FORK };

/* One extent of a fork, block numbers in filesystem blocks. */
struct xfs_irec {
	uint64_t startoff;   /* file block */
	uint64_t startblock; /* filesystem block (AG-encoded) */
	uint64_t blockcount;
	bool unwritten;
};

/* xfs.c */
/* Window byte offset of filesystem block fsb (AG-encoded); -EUCLEAN. */
int xfs_fsb_to_off(const struct xfs_fs *x, uint64_t fsb, uint64_t count,
		   uint64_t *off);
/*
 * Checks the CRC-32C (at crc_off) of a V5 metadata block of len bytes, its
 * self-describing header (uuid at uuid_off, owner at owner_off, blkno at
 * blkno_off; UINT_MAX to skip one) against where it was read and whom it
 * belongs to. what names it in a message.
 */
int xfs_check_block(const struct xfs_fs *x, const uint8_t *b, size_t len,
		    unsigned crc_off, unsigned uuid_off, unsigned owner_off,
		    unsigned blkno_off, uint64_t off, uint64_t owner,
		    const char *what);
uint32_t xfs_da_hashname(const uint8_t *name, size_t len, bool ascii_ci);
/* The CRC-32C of len bytes at b, its own 4 bytes at crc_off as zeroes. */
uint32_t xfs_crc(const uint8_t *b, size_t len, unsigned crc_off);
/* A name byte as ASCII-CI directories compare it (xfs_ascii_ci_xfrm). */
uint8_t xfs_ci_fold(uint8_t c);

/* xfs_inode.c */
int xfs_inode_read(struct xfs_fs *x, uint64_t ino, struct xfs_inode *in);
void xfs_stat_of(const struct xfs_fs *x, const struct xfs_inode *in,
		 struct fsimg_stat *st);
int xfs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
/*
 * The extent of fork holding file block lblk, or the first one after it:
 * 1 found (*rec), 0 none at or after lblk, -errno.
 */
int xfs_bmap(struct xfs_fs *x, const struct xfs_inode *in, enum xfs_fork fork,
	     uint64_t lblk, struct xfs_irec *rec);
/*
 * Reads len bytes at byte off of fork through the block map (holes and
 * unwritten extents as zeroes); cached for metadata.
 */
int xfs_fork_read(struct xfs_fs *x, const struct xfs_inode *in,
		  enum xfs_fork fork, uint64_t off, void *buf, size_t len,
		  bool cached);
/* Window offset of file block lblk of fork, -ENODATA when unmapped. */
int xfs_fork_block(struct xfs_fs *x, const struct xfs_inode *in,
		   enum xfs_fork fork, uint64_t lblk, uint64_t *off);

/* xfs_dir.c */
int xfs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);
int xfs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
/*
 * The da B+tree (directory leaves, attribute leaves) shared with
 * xfs_file.c: finds the leaf block of fork that may hold hash (the
 * leftmost one for the first match), from the root at file block root.
 * *lblk is its file block.
 */
int xfs_da_find_leaf(struct xfs_fs *x, const struct xfs_inode *in,
		     enum xfs_fork fork, uint64_t root, uint32_t hash,
		     uint8_t *buf, size_t blksize, uint64_t *lblk);
/* Reads a da block (blksize bytes) of fork at file block lblk; checks it. */
int xfs_da_read(struct xfs_fs *x, const struct xfs_inode *in,
		enum xfs_fork fork, uint64_t lblk, uint8_t *buf,
		size_t blksize);

/* xfs_file.c */
int xfs_file_open(fsimg_file *f);
void xfs_file_close(fsimg_file *f);
ssize_t xfs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int xfs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
int xfs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);
ssize_t xfs_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size);
ssize_t xfs_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/* da block headers: v4 xfs_da_blkinfo (12 bytes), v5 xfs_da3_blkinfo */
#define XFS_DA_MAGIC_OFF 8u
#define XFS_DA3_CRC_OFF	 12u
#define XFS_DA3_BLKNO	 16u
#define XFS_DA3_UUID	 32u
#define XFS_DA3_OWNER	 48u

#define XFS_DA_NODE_MAGIC  0xfebeu
#define XFS_DA3_NODE_MAGIC 0x3ebeu
#define XFS_DIR2_LEAF1	   0xd2f1u
#define XFS_DIR3_LEAF1	   0x3df1u
#define XFS_DIR2_LEAFN	   0xd2ffu
#define XFS_DIR3_LEAFN	   0x3dffu
#define XFS_ATTR_LEAF	   0xfbeeu
#define XFS_ATTR3_LEAF	   0x3beeu

/* Size of a da node, directory leaf or attribute leaf header. */
static inline unsigned xfs_da_hdr_size(const struct xfs_fs *x)
{
	return x->v5 ? 64u : 16u;
}

#endif /* FSIMG_XFS_H */
