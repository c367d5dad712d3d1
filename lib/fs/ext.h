/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the ext2/ext3/ext4 driver, shared by its files:
 *
 *   ext.c        probe, options, open/close, the handle pool, statfs,
 *                error translation, the driver descriptor
 *   ext_io.c     the io_manager that reads through the fsimg window
 *   ext_inode.c  getattr, lookup, readdir, readlink
 *   ext_dx.c     lookup through a directory's hash index (htree)
 *   ext_file.c   file data (read, map) and extended attributes
 *   ext_info.c   info and details from the superblock
 *
 * The parsing is libext2fs's: this driver never decodes on-disk structures
 * itself except the inode fields libext2fs leaves to its callers (times
 * with their extra bits, device numbers).
 *
 * Concurrency. libext2fs keeps caches and scratch buffers inside each
 * ext2_filsys and is not thread-safe, so every call runs on a handle it
 * has checked out of a pool (ext_get/ext_put). The pool opens a further
 * handle on the same window lazily when all are busy, up to a limit
 * (option handles=N, default EXT_HANDLES_DEFAULT); past the limit a caller
 * waits. handles=1 is the classic single global lock. All handles share
 * the image descriptor and its block cache through the window.
 */
#ifndef FSIMG_EXT_H
#define FSIMG_EXT_H

#include "internal.h"

extern const struct fsimg_driver fsimg_ext_driver;
#define EXT_DBG(...) DRV_DBG(fsimg_ext_driver, __VA_ARGS__)

#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#define EXT_HANDLES_DEFAULT 16u
#define EXT_HANDLES_MAX	    64u
#define EXT_LINK_MAX	    65536u /* bytes of a symlink target we read */
#define EXT_MAP_SCAN	    4096u  /* blocks examined per file_map call */

struct ext_fs {
	fsimg_fs *fs;
	fsimg_image *img;
	struct fsimg_window win;

	pthread_mutex_t lock; /* guards the pool */
	pthread_cond_t cond;
	ext2_filsys *free; /* handles not in use */
	unsigned nfree;
	unsigned nopen; /* handles opened */
	unsigned max;	/* handles allowed */

	/* the superblock as read at open, for info/details/statfs */
	struct ext2_super_block sb;
	unsigned blocksize;
	unsigned inode_size;
	atomic_uint logged; /* libext2fs messages logged (rate limit) */

	/*
	 * Inodes found to have no attributes, a bit each (ext_file.c), for
	 * inode numbers below noxattr_max; NULL when the image can have none
	 * or the bitmap could not be had. ls -l asks every file for
	 * security.selinux on every walk: a second ask is answered from here.
	 */
	_Atomic uint64_t *noxattr;
	uint32_t noxattr_max;
};

/* The bitmap covers at most this many inodes (128 KiB), whatever the image. */
#define EXT_NOXATTR_INODES (1u << 20)

static inline struct ext_fs *ext_of(fsimg_fs *fs)
{
	return fs->priv;
}

/*
 * ext.c: one handle per call; ext_get fails only when opening one fails.
 *
 * ext_put empties the handle's inode cache (ext_icache_drop), and so does a
 * failed inode read. libext2fs 1.47's ext2fs_read_inode2() reads an inode
 * into the cache slot after the last one filled and only then checks its
 * checksum; on a mismatch it returns an error but leaves the slot's old
 * inode number in place, so the next lookup of that number returns the
 * rejected inode's bytes. On a corrupt image the same inode then had one
 * size for getattr and another for open (tests/crafted/ext: icache_*).
 * The cache is rebuilt on the next read, through our block cache.
 */
int ext_get(struct ext_fs *e, ext2_filsys *out);
void ext_put(struct ext_fs *e, ext2_filsys h);
void ext_icache_drop(ext2_filsys h);

/*
 * The one place libext2fs error codes become negative errnos: corruption
 * -EUCLEAN, a missing name -ENOENT, memory -ENOMEM, a plain errno passes,
 * anything else -EIO. The libext2fs message goes to the log, with what we
 * were doing, once per failure (and at most a bounded number per mount).
 */
int ext_errno(struct ext_fs *e, errcode_t err, const char *fmt, ...)
	FSIMG_PRINTF(3, 4);

/* ext_io.c: the io_manager; the name passed to ext2fs_open2 encodes w. */
extern io_manager ext_window_io_manager;
int ext_io_name(const struct fsimg_window *w, char *buf, size_t size);
/*
 * Single-block reads of ch stream through its own buffer, of
 * EXT_IO_STREAM_MAX bytes, while on (ext_lookup: directories bigger than it).
 */
#define EXT_IO_STREAM_MAX (64u << 10)
void ext_io_stream(io_channel ch, bool on);

/* ext_inode.c */
int ext_read_inode(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		   struct ext2_inode_large *in);
void ext_stat_of(ext2_filsys h, ext2_ino_t ino,
		 const struct ext2_inode_large *in, struct fsimg_stat *st);
int ext_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
int ext_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
int ext_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);
int ext_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/*
 * ext_dx.c: name (len bytes) in directory dir, whose inode is in, through
 * the directory's hash index. 0 and *found, -ENOENT when the index says
 * the name is not there, 1 when the index cannot be used (none, or one in
 * doubt): then the caller scans the directory.
 */
int ext_dx_lookup(ext2_filsys h, ext2_ino_t dir,
		  const struct ext2_inode_large *in, const char *name,
		  size_t len, ext2_ino_t *found);

/* ext_file.c */
/* Reads [off, off+len) of an inode's data (clamped by the caller). */
ssize_t ext_read_data(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		      struct ext2_inode_large *in, void *buf, size_t len,
		      uint64_t off);
int ext_file_open(fsimg_file *f);
ssize_t ext_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int ext_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
void ext_file_close(fsimg_file *f);
void ext_noxattr_init(struct ext_fs *e); /* at open: the bitmap, if any */
ssize_t ext_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size);
ssize_t ext_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/* ext_info.c */
/* ext2, ext3 or ext4, as blkid names them, from the feature words */
const char *ext_type_of(uint32_t compat, uint32_t incompat, uint32_t ro);
const char *ext_type_name(const struct ext2_super_block *sb);
int ext_info(fsimg_fs *fs, struct fsimg_fsinfo *info);
int ext_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx);

#endif /* FSIMG_EXT_H */
