/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * btrfs inodes, directories, files, symlinks and extended attributes, all
 * items of a subvolume's tree keyed by the inode's object id:
 *
 *   INODE_ITEM (1)    the inode: size, bytes, link count, owner, mode,
 *                     device, times (seconds and nanoseconds)
 *   INODE_REF (12)    the parent directory (the key's offset) and name
 *   XATTR_ITEM (24)   an attribute, keyed by the name's hash
 *   DIR_ITEM (84)     an entry, keyed by the name's hash (lookup)
 *   DIR_INDEX (96)    the same entry, keyed by its index (readdir order)
 *   EXTENT_DATA (108) file data from the key's offset: inline in the item,
 *                     or a (part of a) disk extent, maybe compressed
 *                     (zlib, lzo, zstd), or preallocated; missing ranges
 *                     are holes
 *
 * A directory entry's location is an inode of the same tree, or the root
 * item of a subvolume, whose top directory is object 256 of its tree.
 */
#include "btrfs.h"

#include <lzo/lzo1x.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#define BTRFS_MAX_COMPRESSED (128u * 1024) /* per extent, either side */
#define BTRFS_MAX_INLINE     65536u
#define BTRFS_OBJ_MASK	     ((1ull << BTRFS_INO_BITS) - 1)
/*
 * What a snapshot holds where the snapshotted subvolume held another
 * subvolume: an empty directory, object 2 of no tree, as the kernel shows
 * it. Its handle is (that subvolume, 2).
 */
#define BTRFS_EMPTY_SUBVOL_DIR 2ull

enum { EXT_INLINE = 0, EXT_REG = 1, EXT_PREALLOC = 2 };
enum { COMP_NONE = 0, COMP_ZLIB = 1, COMP_LZO = 2, COMP_ZSTD = 3 };

struct btrfs_inode {
	uint64_t tree, objectid, root;
	uint8_t level;
	uint32_t mode, nlink, uid, gid;
	uint64_t size, nbytes, rdev, flags;
	struct timespec atime, ctime, mtime, otime;
};

/* The tree and object of handle h, and the tree's root. */
static int handle_tree(struct btrfs_fs *b, fsimg_ino h, uint64_t *tree,
		       uint64_t *obj, uint64_t *root, uint8_t *level)
{
	*tree = h >> BTRFS_INO_BITS;
	*obj = h & BTRFS_OBJ_MASK;
	if (*tree < BTRFS_FS_TREE_OBJECTID || *tree > BTRFS_TREE_MAX ||
	    (*obj < BTRFS_FIRST_FREE_OBJECTID &&
	     *obj != BTRFS_EMPTY_SUBVOL_DIR))
		return -ENOENT;
	if (*obj == BTRFS_EMPTY_SUBVOL_DIR)
		return 0;
	if (*tree == b->tree) {
		*root = b->tree_root;
		*level = b->tree_level;
		return 0;
	}
	return btrfs_tree_root(b, *tree, root, level);
}

static void ts_of(const uint8_t *p, struct timespec *ts)
{
	ts->tv_sec = (time_t)(int64_t)get_le64(p);
	ts->tv_nsec = (long)(get_le32(p + 8) % 1000000000u);
}

/* Decodes an INODE_ITEM (size bytes at d) into in, whose ids are set. */
static int inode_decode(struct btrfs_fs *b, const uint8_t *d, uint32_t size,
			struct btrfs_inode *in)
{
	if (size < 160)
		return fsimg_werr(&b->win, -EUCLEAN,
				  "inode %llu of tree %llu: item of %u bytes",
				  (unsigned long long)in->objectid,
				  (unsigned long long)in->tree, size);
	in->size = get_le64(d + 16);
	in->nbytes = get_le64(d + 24);
	in->nlink = get_le32(d + 40);
	in->uid = get_le32(d + 44);
	in->gid = get_le32(d + 48);
	in->mode = get_le32(d + 52);
	in->rdev = get_le64(d + 56);
	in->flags = get_le64(d + 64);
	ts_of(d + 112, &in->atime);
	ts_of(d + 124, &in->ctime);
	ts_of(d + 136, &in->mtime);
	ts_of(d + 148, &in->otime);
	if (!fsimg_mode_known(in->mode) || in->size > INT64_MAX)
		return fsimg_werr(&b->win, -EUCLEAN,
				  "inode %llu of tree %llu: mode 0%o, size "
				  "%llu",
				  (unsigned long long)in->objectid,
				  (unsigned long long)in->tree, in->mode,
				  (unsigned long long)in->size);
	return 0;
}

static int inode_read(struct btrfs_fs *b, fsimg_ino h, struct btrfs_inode *in)
{
	struct btrfs_key k;
	struct btrfs_path p;
	const uint8_t *d;
	uint32_t size;
	int rc;

	rc = handle_tree(b, h, &in->tree, &in->objectid, &in->root, &in->level);
	if (rc)
		return rc;
	if (in->objectid == BTRFS_EMPTY_SUBVOL_DIR) {
		memset(in, 0, sizeof(*in));
		in->tree = h >> BTRFS_INO_BITS;
		in->objectid = BTRFS_EMPTY_SUBVOL_DIR;
		in->mode = S_IFDIR | 0755;
		in->nlink = 1;
		return 0;
	}
	k = (struct btrfs_key){ in->objectid, BTRFS_INODE_ITEM, 0 };
	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = btrfs_search_exact(b, in->root, in->level, &k, &p, &d, &size);
	if (rc == 1)
		rc = inode_decode(b, d, size, in);
	else if (rc == 0)
		rc = -ENOENT;
	btrfs_path_free(&p);
	return rc;
}

static void stat_of(const struct btrfs_fs *b, const struct btrfs_inode *in,
		    struct fsimg_stat *st)
{
	uint64_t bytes = in->nbytes + b->sectorsize - 1;

	memset(st, 0, sizeof(*st));
	st->ino = in->tree == b->tree || in->objectid == BTRFS_EMPTY_SUBVOL_DIR
			  ? in->objectid
			  : btrfs_handle(in->tree, in->objectid);
	st->mode = in->mode;
	st->nlink = in->nlink;
	st->uid = in->uid;
	st->gid = in->gid;
	st->size = in->size;
	st->blocks =
		bytes < in->nbytes ? 0 : (bytes - bytes % b->sectorsize) >> 9;
	st->atime = in->atime;
	st->mtime = in->mtime;
	st->ctime = in->ctime;
	st->btime = in->otime;
	if (in->objectid != BTRFS_EMPTY_SUBVOL_DIR)
		st->flags |= FSIMG_STAT_BTIME;
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		/* the kernel's dev_t: 12 bits of major, 20 of minor */
		st->rdev_major = (uint32_t)(in->rdev >> 20);
		st->rdev_minor = (uint32_t)(in->rdev & 0xfffffu);
	}
	if (!S_ISREG(in->mode) && !S_ISDIR(in->mode) && !S_ISLNK(in->mode))
		st->size = 0;
}

int btrfs_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct btrfs_inode in;
	int rc = inode_read(b, ino, &in);

	if (!rc)
		stat_of(b, &in, st);
	return rc;
}

/* --- directories ------------------------------------------------------------
 */

/* One dir_item (30 bytes, then the name, then the data). */
struct dir_entry {
	struct btrfs_key loc;
	const uint8_t *name, *data;
	uint16_t name_len, data_len;
};

/* Decodes the dir_item at d (size bytes left); its length, or 0 if bad. */
static uint32_t dir_item(const uint8_t *d, uint32_t size, struct dir_entry *e)
{
	uint32_t len;

	if (size < 30)
		return 0;
	e->loc.objectid = get_le64(d);
	e->loc.type = d[8];
	e->loc.offset = get_le64(d + 9);
	e->data_len = get_le16(d + 25);
	e->name_len = get_le16(d + 27);
	len = 30u + e->name_len + e->data_len;
	if (len > size || !e->name_len)
		return 0;
	e->name = d + 30;
	e->data = d + 30 + e->name_len;
	return len;
}

/*
 * Whether subvolume id hangs at (tree, dir) under name: its ROOT_REF in
 * the root tree says so. A snapshot keeps the entries of the subvolumes
 * its source held without their references: those are not entered.
 */
static bool subvol_here(struct btrfs_fs *b, uint64_t tree, uint64_t dir,
			uint64_t id, const struct dir_entry *e)
{
	struct btrfs_key k = { tree, BTRFS_ROOT_REF, id };
	struct btrfs_path p;
	const uint8_t *d;
	uint32_t size;
	bool here = false;

	if (btrfs_path_init(b, &p))
		return false;
	if (btrfs_search_exact(b, b->root, b->root_level, &k, &p, &d, &size) ==
	    1)
		here = size >= 18 && get_le64(d) == dir &&
		       get_le16(d + 16) == e->name_len &&
		       size >= 18u + e->name_len &&
		       !memcmp(d + 18, e->name, e->name_len);
	btrfs_path_free(&p);
	return here;
}

/* The handle the entry e of directory dir names; 0 when none. */
static fsimg_ino entry_handle(struct btrfs_fs *b, const struct btrfs_inode *dir,
			      const struct dir_entry *e)
{
	const struct btrfs_key *loc = &e->loc;

	if (loc->type == BTRFS_INODE_ITEM && loc->objectid <= BTRFS_OBJ_MASK &&
	    loc->objectid >= BTRFS_FIRST_FREE_OBJECTID)
		return btrfs_handle(dir->tree, loc->objectid);
	if (loc->type == BTRFS_ROOT_ITEM &&
	    loc->objectid >= BTRFS_FIRST_FREE_OBJECTID &&
	    loc->objectid <= BTRFS_TREE_MAX)
		return btrfs_handle(loc->objectid,
				    subvol_here(b, dir->tree, dir->objectid,
						loc->objectid, e)
					    ? BTRFS_FIRST_FREE_OBJECTID
					    : BTRFS_EMPTY_SUBVOL_DIR);
	return 0;
}

static int dir_inode(struct btrfs_fs *b, fsimg_ino dir, struct btrfs_inode *in)
{
	int rc = inode_read(b, dir, in);

	if (rc)
		return rc;
	return S_ISDIR(in->mode) ? 0 : -ENOTDIR;
}

int btrfs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		  fsimg_dirent_fn fn, void *ctx)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct btrfs_inode in, child;
	struct btrfs_path p;
	struct btrfs_key k;
	int rc;

	rc = dir_inode(b, dir, &in);
	if (rc || in.objectid == BTRFS_EMPTY_SUBVOL_DIR)
		return rc;
	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	k = (struct btrfs_key){ in.objectid, BTRFS_DIR_INDEX, cookie };
	rc = btrfs_search_ge(b, in.root, in.level, &k, &p);
	while (rc == 1) {
		char name[256];
		struct dir_entry e;
		struct fsimg_stat st;
		const uint8_t *d;
		uint32_t size;
		fsimg_ino h;

		btrfs_item(b, &p, &k, &d, &size);
		if (k.objectid != in.objectid || k.type != BTRFS_DIR_INDEX) {
			rc = 0;
			break;
		}
		if (!dir_item(d, size, &e) || e.name_len > 255) {
			rc = fsimg_werr(
				&b->win, -EUCLEAN,
				"directory %llu of tree %llu: bad entry "
				"at index %llu",
				(unsigned long long)in.objectid,
				(unsigned long long)in.tree,
				(unsigned long long)k.offset);
			break;
		}
		memcpy(name, e.name, e.name_len);
		name[e.name_len] = 0;
		h = entry_handle(b, &in, &e);
		if (h && strlen(name) == e.name_len && !strchr(name, '/') &&
		    strcmp(name, ".") && strcmp(name, "..")) {
			int stop;

			if (inode_read(b, h, &child) == 0) {
				stat_of(b, &child, &st);
				stop = fn(ctx, name, h, &st, k.offset + 1);
			} else {
				stop = fn(ctx, name, h, NULL, k.offset + 1);
			}
			if (stop) {
				rc = 0;
				break;
			}
		}
		if (k.offset == UINT64_MAX) {
			rc = 0;
			break;
		}
		rc = btrfs_next(b, &p);
	}
	btrfs_path_free(&p);
	return rc < 0 ? rc : 0;
}

/* The parent of in: (tree, directory). */
static int parent_of(struct btrfs_fs *b, const struct btrfs_inode *in,
		     fsimg_ino *out)
{
	struct btrfs_key k, f;
	struct btrfs_path p;
	const uint8_t *d;
	uint32_t size;
	uint64_t root = in->root;
	uint8_t level = in->level;
	int rc;

	if (in->objectid == BTRFS_FIRST_FREE_OBJECTID) {
		if (in->tree == b->tree) {
			*out = btrfs_handle(in->tree, in->objectid);
			return 0;
		}
		/* a subvolume's top: its back reference in the root tree */
		k = (struct btrfs_key){ in->tree, BTRFS_ROOT_BACKREF, 0 };
		root = b->root;
		level = b->root_level;
	} else {
		k = (struct btrfs_key){ in->objectid, BTRFS_INODE_REF, 0 };
	}
	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = btrfs_search_ge(b, root, level, &k, &p);
	if (rc == 1) {
		btrfs_item(b, &p, &f, &d, &size);
		if (f.objectid != k.objectid || f.type != k.type) {
			rc = -ENOENT;
		} else if (k.type == BTRFS_ROOT_BACKREF) {
			rc = size >= 8 ? 0 : -EUCLEAN;
			if (!rc)
				*out = btrfs_handle(f.offset, get_le64(d));
		} else {
			*out = btrfs_handle(in->tree, f.offset);
			rc = 0;
		}
	} else if (rc == 0) {
		rc = -ENOENT;
	}
	btrfs_path_free(&p);
	return rc;
}

/*
 * The entry name of directory in, by its hash: *found, left 0 when there
 * is none. Names whose hashes collide share one DIR_ITEM.
 */
static int lookup_hashed(struct btrfs_fs *b, const struct btrfs_inode *in,
			 const char *name, size_t len, fsimg_ino *found)
{
	struct btrfs_key k = { in->objectid, BTRFS_DIR_ITEM,
			       btrfs_name_hash(name, len) };
	struct btrfs_path p;
	struct dir_entry e;
	const uint8_t *d;
	uint32_t size, pos, n;
	int rc = btrfs_path_init(b, &p);

	if (rc)
		return rc;
	rc = btrfs_search_exact(b, in->root, in->level, &k, &p, &d, &size);
	for (pos = 0; rc == 1 && pos < size; pos += n) {
		n = dir_item(d + pos, size - pos, &e);
		if (!n)
			break;
		if (e.name_len == len && !memcmp(e.name, name, len)) {
			*found = entry_handle(b, in, &e);
			break;
		}
	}
	btrfs_path_free(&p);
	return rc < 0 ? rc : 0;
}

int btrfs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
		 struct fsimg_stat *st)
{
	struct btrfs_fs *b = btrfs_of(fs);
	size_t len = strlen(name);
	struct btrfs_inode in;
	fsimg_ino found = 0;
	int rc;

	rc = dir_inode(b, dir, &in);
	if (rc)
		return rc;
	if (len > 255)
		return -ENAMETOOLONG;
	if (!strcmp(name, ".")) {
		found = dir;
	} else if (in.objectid == BTRFS_EMPTY_SUBVOL_DIR) {
		return -ENOENT;
	} else if (!strcmp(name, "..")) {
		rc = parent_of(b, &in, &found);
		if (rc)
			return rc;
	} else {
		rc = lookup_hashed(b, &in, name, len, &found);
		if (rc)
			return rc;
	}
	if (!found)
		return -ENOENT;
	if (st || found != dir) {
		struct btrfs_inode child;

		rc = inode_read(b, found, &child);
		if (rc)
			return rc;
		if (st)
			stat_of(b, &child, st);
	}
	*ino = found;
	return 0;
}

/* --- file data -------------------------------------------------------------
 */

/*
 * btrfs's lzo: the total length, then segments (length, lzo1x data) of
 * at most a sector each; a segment header never straddles a sector, so
 * fewer than 4 bytes left in one are padding.
 */
static int lzo_inflate(const struct btrfs_fs *b, const uint8_t *in,
		       size_t inlen, uint8_t *out, size_t outlen)
{
	size_t pos = 4, done = 0, total;
	const size_t sec = b->sectorsize;

	if (inlen < 4 || lzo_init() != LZO_E_OK)
		return -EUCLEAN;
	total = get_le32(in);
	if (total > inlen || total < 4)
		return -EUCLEAN;
	while (pos < total && done < outlen) {
		lzo_uint got = (lzo_uint)(outlen - done);
		size_t seg;

		if (sec - pos % sec < 4)
			pos += sec - pos % sec;
		if (pos + 4 > total)
			break;
		seg = get_le32(in + pos);
		pos += 4;
		if (seg > total - pos)
			return -EUCLEAN;
		if (got > sec)
			got = (lzo_uint)sec;
		if (lzo1x_decompress_safe(in + pos, (lzo_uint)seg, out + done,
					  &got, NULL) != LZO_E_OK)
			return -EUCLEAN;
		done += got;
		pos += seg;
	}
	if (done < outlen)
		memset(out + done, 0, outlen - done);
	return 0;
}

/*
 * Decompresses an extent into outlen bytes; what its stream does not
 * fill reads as zeroes, as the kernel has it (the last extent of a file
 * holds less than its ram_bytes).
 */
static int decompress(const struct btrfs_fs *b, unsigned type,
		      const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t outlen)
{
	size_t got = 0;
	int rc;

	switch (type) {
	case COMP_ZLIB:
		rc = fsimg_inflate_zlib(in, inlen, out, outlen, false, &got);
		break;
	case COMP_ZSTD:
		rc = fsimg_inflate_zstd(NULL, in, inlen, out, outlen, &got);
		break;
	case COMP_LZO:
		return lzo_inflate(b, in, inlen, out, outlen);
	default:
		return -EOPNOTSUPP;
	}
	if (!rc && got < outlen)
		memset(out + got, 0, outlen - got);
	return rc;
}

/* An open file: its inode, and the last compressed extent decompressed. */
struct btrfs_open {
	struct btrfs_inode in;
	pthread_mutex_t lock;
	uint64_t cached; /* disk_bytenr of buf's extent, 0 none */
	uint32_t cached_len;
	uint8_t buf[BTRFS_MAX_COMPRESSED];
	uint8_t cbuf[BTRFS_MAX_COMPRESSED];
};

/* The extent item covering pos, or the next one: what read and map need. */
struct ext {
	uint64_t start, len; /* file range it covers */
	unsigned type, comp;
	uint64_t disk, disk_len, offset, ram;
	const uint8_t *inline_data; /* in the path's leaf */
	uint32_t inline_len;
};

/*
 * Finds the extent of in covering pos: 1 (*e), 0 a hole up to *next
 * (UINT64_MAX: to the end), -errno. p holds the leaf the item is in.
 */
static int find_extent(struct btrfs_fs *b, const struct btrfs_inode *in,
		       struct btrfs_path *p, uint64_t pos, struct ext *e,
		       uint64_t *next)
{
	struct btrfs_key k = { in->objectid, BTRFS_EXTENT_DATA, pos }, f;
	const uint8_t *d;
	uint32_t size;
	int rc;

	*next = UINT64_MAX;
	memset(e, 0, sizeof(*e));
	rc = btrfs_search_le(b, in->root, in->level, &k, p);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		btrfs_item(b, p, &f, &d, &size);
		if (f.objectid == in->objectid && f.type == BTRFS_EXTENT_DATA) {
			if (size < 21)
				return -EUCLEAN;
			e->start = f.offset;
			e->ram = get_le64(d + 8);
			e->comp = d[16];
			e->type = d[20];
			if (d[17] || get_le16(d + 18))
				return fsimg_werr(
					&b->win, -EOPNOTSUPP,
					"inode %llu of tree %llu: "
					"encrypted or encoded "
					"extent",
					(unsigned long long)in->objectid,
					(unsigned long long)in->tree);
			if (e->type == EXT_INLINE) {
				e->inline_data = d + 21;
				e->inline_len = size - 21;
				e->len = e->comp ? e->ram : e->inline_len;
				if (e->len > BTRFS_MAX_INLINE)
					return -EUCLEAN;
			} else if (e->type == EXT_REG ||
				   e->type == EXT_PREALLOC) {
				if (size < 53)
					return -EUCLEAN;
				e->disk = get_le64(d + 21);
				e->disk_len = get_le64(d + 29);
				e->offset = get_le64(d + 37);
				e->len = get_le64(d + 45);
			} else {
				return -EUCLEAN;
			}
			if (e->start + e->len < e->start)
				return -EUCLEAN;
			if (pos < e->start + e->len)
				return 1;
		}
	}
	/* a hole: up to the next extent item of this inode */
	rc = btrfs_next(b, p);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		btrfs_item(b, p, &f, &d, &size);
		if (f.objectid == in->objectid && f.type == BTRFS_EXTENT_DATA &&
		    f.offset > pos)
			*next = f.offset;
	}
	return 0;
}

static int extent_bad(struct btrfs_fs *b, const struct btrfs_inode *in,
		      const struct ext *e)
{
	return fsimg_werr(&b->win, -EUCLEAN,
			  "inode %llu of tree %llu: bad extent at file "
			  "offset %llu",
			  (unsigned long long)in->objectid,
			  (unsigned long long)in->tree,
			  (unsigned long long)e->start);
}

/* Copies n bytes at offset off of extent e's data into out. */
static int extent_read(struct btrfs_fs *b, struct btrfs_open *o,
		       const struct ext *e, uint64_t off, uint8_t *out,
		       size_t n)
{
	const struct btrfs_inode *in = &o->in;
	uint64_t phys;
	int rc;

	if (e->type == EXT_INLINE) {
		if (!e->comp) {
			memcpy(out, e->inline_data + off, n);
			return 0;
		}
		if (e->ram > BTRFS_MAX_COMPRESSED)
			return extent_bad(b, in, e);
		pthread_mutex_lock(&o->lock);
		o->cached = 0;
		rc = decompress(b, e->comp, e->inline_data, e->inline_len,
				o->buf, (size_t)e->ram);
		if (!rc)
			memcpy(out, o->buf + off, n);
		pthread_mutex_unlock(&o->lock);
		return rc ? extent_bad(b, in, e) : 0;
	}
	if (e->type == EXT_PREALLOC || !e->disk) {
		memset(out, 0, n);
		return 0;
	}
	if (!e->comp) {
		if (ckd_add(&phys, e->disk, e->offset) ||
		    ckd_add(&phys, phys, off) || btrfs_map(b, phys, n, &phys))
			return extent_bad(b, in, e);
		rc = fsimg_wread(&b->win, phys, out, n);
		return rc ? fsimg_werr(&b->win, rc,
				       "inode %llu: cannot read %zu bytes at "
				       "byte %llu",
				       (unsigned long long)in->objectid, n,
				       fsimg_wabs(&b->win, phys))
			  : 0;
	}
	/* compressed: the whole extent, decompressed once and kept */
	if (e->disk_len > BTRFS_MAX_COMPRESSED ||
	    e->ram > BTRFS_MAX_COMPRESSED || e->offset > e->ram ||
	    off + n > e->ram - e->offset)
		return extent_bad(b, in, e);
	pthread_mutex_lock(&o->lock);
	rc = 0;
	if (o->cached != e->disk || o->cached_len != e->ram) {
		o->cached = 0;
		if (btrfs_map(b, e->disk, e->disk_len, &phys))
			rc = -EUCLEAN;
		else
			rc = fsimg_wread(&b->win, phys, o->cbuf,
					 (size_t)e->disk_len);
		if (!rc)
			rc = decompress(b, e->comp, o->cbuf,
					(size_t)e->disk_len, o->buf,
					(size_t)e->ram);
		if (!rc) {
			o->cached = e->disk;
			o->cached_len = (uint32_t)e->ram;
		}
	}
	if (!rc)
		memcpy(out, o->buf + e->offset + off, n);
	pthread_mutex_unlock(&o->lock);
	return rc ? extent_bad(b, in, e) : 0;
}

static ssize_t data_read(struct btrfs_fs *b, struct btrfs_open *o, void *buf,
			 size_t size, uint64_t off)
{
	const struct btrfs_inode *in = &o->in;
	uint8_t *out = buf;
	struct btrfs_path p;
	size_t done = 0;
	int rc;

	if (off >= in->size)
		return 0;
	if (size > in->size - off)
		size = (size_t)(in->size - off);
	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	while (done < size) {
		uint64_t pos = off + done, next;
		struct ext e;
		size_t n;

		rc = find_extent(b, in, &p, pos, &e, &next);
		if (rc < 0)
			break;
		if (rc == 0) {
			n = next - pos < size - done ? (size_t)(next - pos)
						     : size - done;
			memset(out + done, 0, n);
		} else {
			n = e.start + e.len - pos < size - done
				    ? (size_t)(e.start + e.len - pos)
				    : size - done;
			if (e.type == EXT_INLINE && !e.comp &&
			    pos - e.start + n > e.inline_len) {
				rc = extent_bad(b, in, &e);
				break;
			}
			rc = extent_read(b, o, &e, pos - e.start, out + done,
					 n);
			if (rc)
				break;
		}
		done += n;
		rc = 0;
	}
	btrfs_path_free(&p);
	return rc < 0 ? rc : (ssize_t)done;
}

int btrfs_file_open(fsimg_file *f)
{
	struct btrfs_fs *b = btrfs_of(f->fs);
	struct btrfs_open *o = malloc(sizeof(*o));
	int rc;

	if (!o)
		return -ENOMEM;
	rc = inode_read(b, f->ino, &o->in);
	if (!rc && S_ISDIR(o->in.mode))
		rc = -EISDIR;
	else if (!rc && !S_ISREG(o->in.mode))
		rc = -EINVAL;
	if (rc) {
		free(o);
		return rc;
	}
	pthread_mutex_init(&o->lock, NULL);
	o->cached = 0;
	f->priv = o;
	f->size = o->in.size;
	return 0;
}

void btrfs_file_close(fsimg_file *f)
{
	struct btrfs_open *o = f->priv;

	if (o)
		pthread_mutex_destroy(&o->lock);
	free(o);
	f->priv = NULL;
}

ssize_t btrfs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	return data_read(btrfs_of(f->fs), f->priv, buf, size, off);
}

int btrfs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct btrfs_fs *b = btrfs_of(f->fs);
	struct btrfs_open *o = f->priv;
	struct btrfs_path p;
	struct ext e;
	uint64_t next, phys, end;
	int rc;

	if (off >= o->in.size)
		return -ENXIO;
	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = find_extent(b, &o->in, &p, off, &e, &next);
	btrfs_path_free(&p);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		ext->logical = off;
		end = next > o->in.size ? o->in.size : next;
		ext->length = end - off;
		ext->physical = 0;
		ext->flags = FSIMG_EXTENT_HOLE;
		return 0;
	}
	if (e.type == EXT_INLINE || e.comp)
		return -EOPNOTSUPP; /* read through file_read */
	end = e.start + e.len > o->in.size ? o->in.size : e.start + e.len;
	ext->logical = e.start;
	ext->length = end - e.start;
	if (e.type == EXT_PREALLOC || !e.disk) {
		ext->physical = 0;
		ext->flags = FSIMG_EXTENT_HOLE;
		return 0;
	}
	if (ckd_add(&phys, e.disk, e.offset) ||
	    btrfs_map(b, phys, ext->length, &phys))
		return extent_bad(b, &o->in, &e);
	ext->physical = b->win.off + phys;
	ext->flags = 0;
	return 0;
}

int btrfs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct btrfs_open *o = malloc(sizeof(*o));
	ssize_t got;
	int rc;

	if (!o)
		return -ENOMEM;
	rc = inode_read(b, ino, &o->in);
	if (!rc && !S_ISLNK(o->in.mode))
		rc = -EINVAL;
	if (!rc && (o->in.size == 0 || o->in.size > 4095))
		rc = fsimg_werr(&b->win, -EUCLEAN,
				"symlink %llu: target of %llu bytes",
				(unsigned long long)o->in.objectid,
				(unsigned long long)o->in.size);
	if (!rc && o->in.size >= size)
		rc = -ENAMETOOLONG;
	if (rc) {
		free(o);
		return rc;
	}
	pthread_mutex_init(&o->lock, NULL);
	o->cached = 0;
	got = data_read(b, o, buf, (size_t)o->in.size, 0);
	pthread_mutex_destroy(&o->lock);
	free(o);
	if (got < 0)
		return (int)got;
	buf[got] = 0;
	if (strlen(buf) != (size_t)got)
		return fsimg_werr(&b->win, -EUCLEAN,
				  "symlink %llu: a NUL in its target",
				  (unsigned long long)(ino & BTRFS_OBJ_MASK));
	return (int)got;
}

/* --- extended attributes ------------------------------------------------- */

/*
 * Walks the XATTR_ITEMs of in (from the one keyed hash when only is set):
 * cb(ctx, entry) for each, which returns non-zero to stop.
 */
static int xattr_walk(struct btrfs_fs *b, const struct btrfs_inode *in,
		      bool only, uint32_t hash,
		      int (*cb)(void *, const struct dir_entry *), void *ctx)
{
	struct btrfs_key k = { in->objectid, BTRFS_XATTR_ITEM,
			       only ? hash : 0 };
	struct btrfs_path p;
	int rc;

	if (in->objectid == BTRFS_EMPTY_SUBVOL_DIR)
		return 0;

	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = btrfs_search_ge(b, in->root, in->level, &k, &p);
	while (rc == 1) {
		struct btrfs_key f;
		struct dir_entry e;
		const uint8_t *d;
		uint32_t size, pos = 0, n;

		btrfs_item(b, &p, &f, &d, &size);
		if (f.objectid != in->objectid || f.type != BTRFS_XATTR_ITEM ||
		    (only && f.offset != hash)) {
			rc = 0;
			break;
		}
		while (pos < size) {
			n = dir_item(d + pos, size - pos, &e);
			if (!n) {
				rc = fsimg_werr(
					&b->win, -EUCLEAN,
					"inode %llu: bad attribute item",
					(unsigned long long)in->objectid);
				goto out;
			}
			rc = cb(ctx, &e);
			if (rc)
				goto out;
			pos += n;
		}
		rc = btrfs_next(b, &p);
	}
out:
	btrfs_path_free(&p);
	return rc;
}

struct xlist {
	char *buf;
	size_t size, len;
	bool range;
};

static int list_cb(void *ctx, const struct dir_entry *e)
{
	struct xlist *l = ctx;

	if (memchr(e->name, 0, e->name_len))
		return 0;
	if (l->size) {
		if (l->len + e->name_len + 1 > l->size) {
			l->range = true;
			return 1;
		}
		memcpy(l->buf + l->len, e->name, e->name_len);
		l->buf[l->len + e->name_len] = 0;
	}
	l->len += e->name_len + 1u;
	return 0;
}

ssize_t btrfs_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct xlist l = { buf, size, 0, false };
	struct btrfs_inode in;
	int rc = inode_read(b, ino, &in);

	if (!rc)
		rc = xattr_walk(b, &in, false, 0, list_cb, &l);
	if (rc < 0)
		return rc;
	return l.range ? -ERANGE : (ssize_t)l.len;
}

struct xget {
	const char *name;
	size_t len;
	void *buf;
	size_t size;
	ssize_t rc;
};

static int get_cb(void *ctx, const struct dir_entry *e)
{
	struct xget *g = ctx;

	if (e->name_len != g->len || memcmp(e->name, g->name, g->len))
		return 0;
	if (g->size && e->data_len > g->size) {
		g->rc = -ERANGE;
	} else {
		if (g->size)
			memcpy(g->buf, e->data, e->data_len);
		g->rc = e->data_len;
	}
	return 1;
}

ssize_t btrfs_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		       size_t size)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct xget g = { name, strlen(name), buf, size, -ENODATA };
	struct btrfs_inode in;
	int rc = inode_read(b, ino, &in);

	if (!rc)
		rc = xattr_walk(b, &in, true, btrfs_name_hash(name, g.len),
				get_cb, &g);
	if (rc < 0)
		return rc;
	return g.rc;
}
