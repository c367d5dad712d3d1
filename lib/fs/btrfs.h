/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the btrfs driver, shared by its files:
 *
 *   btrfs.c       superblock (and its mirrors), the chunk map (system
 *                 chunk array, chunk tree), B-tree search, subvolumes;
 *                 probe, open, info, details, statfs, the descriptor
 *   btrfs_file.c  inodes, directories (DIR_INDEX for readdir, DIR_ITEM
 *                 by name hash for lookup), file extents (inline,
 *                 regular, preallocated, holes; zlib, lzo and zstd),
 *                 symlinks, extended attributes
 *
 * Written from the btrfs on-disk format documentation. Everything is
 * little-endian. Metadata is found by logical address, which the chunk map
 * turns into a byte offset on the one device we read: single and DUP
 * chunks (any mirror of RAID1/RAID1C3/RAID1C4 would do as well); striped
 * and parity profiles, which need other devices, are refused.
 *
 * Node handles
 * ------------
 * An inode is named by its tree (subvolume) and its object id; a handle
 * is (tree << 40) | objectid, which is never 0 (object ids of inodes
 * start at 256, trees at 5). st_ino is the object id inside the subvolume
 * that was opened, as the kernel shows it; inodes of other subvolumes,
 * whose object ids repeat, get the whole handle so that they never share
 * one with an inode of the opened subvolume.
 */
#ifndef FSIMG_BTRFS_H
#define FSIMG_BTRFS_H

#include "internal.h"

#include <stdatomic.h>

extern const struct fsimg_driver fsimg_btrfs_driver;
#define BTRFS_DBG(...) DRV_DBG(fsimg_btrfs_driver, __VA_ARGS__)

#define BTRFS_SB_OFF	  65536u
#define BTRFS_SB_SIZE	  4096u
#define BTRFS_CSUM_SIZE	  32u
#define BTRFS_HDR_SIZE	  101u
#define BTRFS_ITEM_SIZE	  25u
#define BTRFS_KEYPTR_SIZE 33u
#define BTRFS_MAX_LEVEL	  8u

/* object ids */
#define BTRFS_ROOT_TREE_OBJECTID     1ull
#define BTRFS_CHUNK_TREE_OBJECTID    3ull
#define BTRFS_FS_TREE_OBJECTID	     5ull
#define BTRFS_ROOT_TREE_DIR_OBJECTID 6ull
#define BTRFS_FIRST_FREE_OBJECTID    256ull
#define BTRFS_LAST_FREE_OBJECTID     (UINT64_MAX - 256)
#define BTRFS_FIRST_CHUNK_TREE	     256ull

/* key types */
#define BTRFS_INODE_ITEM   1u
#define BTRFS_INODE_REF	   12u
#define BTRFS_XATTR_ITEM   24u
#define BTRFS_DIR_ITEM	   84u
#define BTRFS_DIR_INDEX	   96u
#define BTRFS_EXTENT_DATA  108u
#define BTRFS_ROOT_ITEM	   132u
#define BTRFS_ROOT_BACKREF 144u
#define BTRFS_ROOT_REF	   156u
#define BTRFS_CHUNK_ITEM   228u

/* handles */
#define BTRFS_INO_BITS 40u
#define BTRFS_TREE_MAX ((1ull << 24) - 1)

static inline fsimg_ino btrfs_handle(uint64_t tree, uint64_t objectid)
{
	return (tree << BTRFS_INO_BITS) | objectid;
}

struct btrfs_key {
	uint64_t objectid;
	uint8_t type;
	uint64_t offset;
};

/* copies of a chunk on the one device we read (DUP: 2) */
#define BTRFS_COPIES_MAX 4u

struct btrfs_chunk {
	uint64_t logical, length;
	uint64_t physical[BTRFS_COPIES_MAX];
	unsigned copies;
};

struct btrfs_fs {
	fsimg_fs *fs;
	struct fsimg_window win;

	uint8_t fsid[16], metadata_uuid[16], dev_uuid[16];
	char label[257];
	uint64_t generation, root, chunk_root, total_bytes, bytes_used;
	uint64_t num_devices, devid, incompat, compat_ro;
	uint32_t sectorsize, nodesize;
	uint16_t csum_type;
	uint8_t root_level, chunk_root_level;
	unsigned sb_copy;	/* which superblock copy was used: 0, 1, 2 */
	atomic_bool noted_copy; /* a node's second copy was read: said */

	struct btrfs_chunk *chunks; /* sorted by logical */
	size_t nchunks, chunks_cap;

	uint64_t tree;	    /* the subvolume opened */
	uint64_t tree_root; /* its root node */
	uint8_t tree_level;
};

static inline struct btrfs_fs *btrfs_of(fsimg_fs *fs)
{
	return fs->priv;
}

/* A position in a tree: the leaf's copy and the slot at each level. */
struct btrfs_path {
	uint64_t node[BTRFS_MAX_LEVEL];
	unsigned slot[BTRFS_MAX_LEVEL];
	unsigned nritems[BTRFS_MAX_LEVEL];
	unsigned levels;      /* 1 + root level */
	uint8_t *leaf;	      /* nodesize bytes: the leaf at node[0] */
	bool valid;	      /* slot[0] names an item */
	struct btrfs_key key; /* its key */
};

/* btrfs.c */
int btrfs_path_init(struct btrfs_fs *b, struct btrfs_path *p);
void btrfs_path_free(struct btrfs_path *p);
/*
 * Positions p at the last item whose key is at most k in the tree whose
 * root node is at root (of level): 1 found, 0 when every key is greater
 * (p is then before the first item), -errno.
 */
int btrfs_search_le(struct btrfs_fs *b, uint64_t root, uint8_t level,
		    const struct btrfs_key *k, struct btrfs_path *p);
/* The first item whose key is at least k: 1, 0 when none, -errno. */
int btrfs_search_ge(struct btrfs_fs *b, uint64_t root, uint8_t level,
		    const struct btrfs_key *k, struct btrfs_path *p);
/* The item whose key is k: 1 (*data, *size), 0 when none, -errno. */
int btrfs_search_exact(struct btrfs_fs *b, uint64_t root, uint8_t level,
		       const struct btrfs_key *k, struct btrfs_path *p,
		       const uint8_t **data, uint32_t *size);
/* Moves to the next item: 1, 0 at the end, -errno. */
int btrfs_next(struct btrfs_fs *b, struct btrfs_path *p);
/* The current item: its key, its data and size (checked in the leaf). */
void btrfs_item(const struct btrfs_fs *b, const struct btrfs_path *p,
		struct btrfs_key *k, const uint8_t **data, uint32_t *size);
int btrfs_key_cmp(const struct btrfs_key *a, const struct btrfs_key *b);
/* The device offset of logical bytes [logical, logical + len). */
int btrfs_map(const struct btrfs_fs *b, uint64_t logical, uint64_t len,
	      uint64_t *physical);
/* The same in copy number copy: -ENOENT past the last copy. */
int btrfs_map_copy(const struct btrfs_fs *b, uint64_t logical, uint64_t len,
		   unsigned copy, uint64_t *physical);
/* The root node (and level) of tree id; -ENOENT when there is none. */
int btrfs_tree_root(struct btrfs_fs *b, uint64_t tree, uint64_t *root,
		    uint8_t *level);
/* btrfs_name_hash(): the key offset of DIR_ITEM and XATTR_ITEM */
uint32_t btrfs_name_hash(const char *name, size_t len);

/* btrfs_file.c */
int btrfs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
int btrfs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
		 struct fsimg_stat *st);
int btrfs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		  fsimg_dirent_fn fn, void *ctx);
int btrfs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);
int btrfs_file_open(fsimg_file *f);
void btrfs_file_close(fsimg_file *f);
ssize_t btrfs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int btrfs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
ssize_t btrfs_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		       size_t size);
ssize_t btrfs_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

#endif /* FSIMG_BTRFS_H */
