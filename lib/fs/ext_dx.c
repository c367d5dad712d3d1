/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lookup through a directory's hash index (ext3/ext4 "htree", dir_index).
 *
 * libext2fs's ext2fs_lookup() finds a name by reading the whole directory,
 * block after block. The kernel follows the directory's index instead,
 * which every directory it grows past one block carries (and which
 * e2fsck -D writes): the name's hash leads from the root block through at
 * most two further index blocks to the one leaf that holds it. For the
 * last name of a 50,000-entry directory that is three or four block reads
 * instead of a megabyte.
 *
 * On-disk facts (ext4 documentation, "Hash Tree Directories"; the kernel's
 * fs/ext4/namei.c dx_probe):
 *  - The directory inode has EXT2_INDEX_FL and the filesystem dir_index.
 *  - Logical block 0 is the root: a "." entry of 12 bytes, a ".." entry
 *    whose rec_len covers the rest of the block, then at byte 24 the root
 *    info { le32 reserved_zero; u8 hash_version; u8 info_length (8);
 *    u8 indirect_levels; u8 unused_flags }, then the index entries at
 *    24 + info_length.
 *  - An interior index block is one empty entry (inode 0, rec_len the
 *    block size) with the index entries at byte 8.
 *  - Index entries are { le32 hash; le32 block }, 8 bytes. The first
 *    entry's hash field holds { le16 limit; le16 count } instead: entry 0
 *    covers every hash below entry 1's. limit is what the block has room
 *    for, less the 8-byte checksum tail with metadata_csum; count is in
 *    1..limit. block is a logical block of the directory (low 28 bits).
 *  - indirect_levels is below 2, or below 3 with largedir.
 *  - A leaf is an ordinary directory block. Names whose hashes collide may
 *    go on in the next leaf; the next index entry's hash then has its low
 *    bit set (the name's hash | 1), and a lookup goes on there.
 *  - hash_version 0-2 (legacy, half_md4, tea) are the signed variants;
 *    the superblock's EXT2_FLAGS_UNSIGNED_HASH selects the unsigned ones
 *    (+3). The seed is the superblock's s_hash_seed. The hash itself is
 *    libext2fs's (ext2fs_dirhash2).
 *
 * Trust. The index answers only when every block the walk reads is well
 * formed: the root info as above, each index block's limit exactly what
 * its size gives, count within it, every block it names inside the
 * directory and mapped, its checksum good with metadata_csum, and the
 * leaf's entries inside the block. On any doubt (or an index this code
 * does not read: casefolded, encrypted or inline directories, and "."
 * and "..", which live in block 0) ext_dx_lookup() says so and the caller
 * scans the directory as before. A well-formed index that does not lead
 * to a name is an answer, as it is for the kernel; e2fsck would rebuild
 * it. Nothing the walk meets is reported (fsimg_quiet): the scan reads
 * the same blocks and reports what is wrong with them.
 *
 * Bounds. The descent reads at most three index blocks and a leaf, into
 * one buffer of four blocks. Collisions are followed for at most
 * EXT_DX_HOPS leaves: a real directory would need that many blocks of
 * names with the same 31-bit hash, while a crafted index can point every
 * entry at the same leaf.
 */
#include "ext.h"

#include <stdlib.h>

#define DX_LEVELS    EXT4_HTREE_LEVEL /* index blocks on a path, at most */
#define DX_ROOT_INFO 24u	      /* the root info's offset in block 0 */
#define DX_NODE_BASE 8u		      /* entries' offset in an interior block */
#define DX_ENTRY     8u		      /* bytes of an index entry */
#define DX_TAIL	     8u		      /* the checksum tail (metadata_csum) */
#define EXT_DX_HOPS  64u	      /* leaves a lookup follows, at most */

struct dx_frame {
	const uint8_t *blk; /* the index block */
	unsigned base;	    /* offset of its entries */
	unsigned count;	    /* entries in use */
	unsigned at;	    /* the entry followed */
};

struct dx_walk {
	ext2_filsys h;
	ext2_ino_t dir;
	struct ext2_inode_large in; /* ext2fs_bmap2 wants it writable */
	uint64_t nblocks;	    /* the directory's size in blocks */
	const char *why;	    /* why the index was not used */
};

static uint32_t dx_hash(const struct dx_frame *f, unsigned i)
{
	return get_le32(f->blk + f->base + DX_ENTRY * i);
}

static uint32_t dx_block(const struct dx_frame *f, unsigned i)
{
	return get_le32(f->blk + f->base + DX_ENTRY * i + 4) &
	       EXT4_DX_BLOCK_MASK;
}

/* Logical block lblk of the directory into buf, its checksum checked. */
static bool dx_read(struct dx_walk *w, uint32_t lblk, uint8_t *buf)
{
	blk64_t pblk = 0;

	if (lblk >= w->nblocks) {
		w->why =
			"an index entry names a block past the directory's end";
		return false;
	}
	if (ext2fs_bmap2(w->h, w->dir, (struct ext2_inode *)&w->in, NULL, 0,
			 lblk, NULL, &pblk) ||
	    !pblk) {
		w->why = "an indexed block is not mapped";
		return false;
	}
	if (io_channel_read_blk64(w->h->io, pblk, 1, buf)) {
		w->why = "an indexed block could not be read";
		return false;
	}
	if (ext2fs_has_feature_metadata_csum(w->h->super) &&
	    !(w->h->flags & EXT2_FLAG_IGNORE_CSUM_ERRORS) &&
	    !ext2fs_dir_block_csum_verify(w->h, w->dir, (void *)buf)) {
		w->why = "an indexed block fails its checksum";
		return false;
	}
	return true;
}

/* The index entries at base of blk, if their limit and count are sound. */
static bool dx_entries(struct dx_walk *w, struct dx_frame *f,
		       const uint8_t *blk, unsigned base)
{
	unsigned room = w->h->blocksize - base, limit, count;

	if (ext2fs_has_feature_metadata_csum(w->h->super))
		room -= DX_TAIL;
	limit = get_le16(blk + base);
	count = get_le16(blk + base + 2);
	if (limit != room / DX_ENTRY || count == 0 || count > limit) {
		w->why = "an index block's limit or count is wrong";
		return false;
	}
	*f = (struct dx_frame){ .blk = blk, .base = base, .count = count };
	return true;
}

/* The last entry whose hash is at most hash (entry 0 covers the rest). */
static void dx_find(struct dx_frame *f, uint32_t hash)
{
	unsigned lo = 1, hi = f->count;

	/* entries below lo hash at most hash, those from hi on above it */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (dx_hash(f, mid) > hash)
			hi = mid;
		else
			lo = mid + 1;
	}
	f->at = lo - 1;
}

/* A rec_len as stored: 64 KiB blocks keep their top bits in the low two. */
static unsigned dx_rec_len(unsigned blocksize, unsigned v)
{
	if (blocksize < 65536)
		return v;
	if (v == 65535 || v == 0)
		return 65536;
	return (v & 65532) | (v & 3) << 16;
}

/* 0 and *found, -ENOENT when the leaf lacks the name, 1 when malformed. */
static int dx_leaf(struct dx_walk *w, const uint8_t *blk, const char *name,
		   size_t len, ext2_ino_t *found)
{
	unsigned bs = w->h->blocksize, off = 0;

	while (off < bs) {
		unsigned rec, nlen;

		if (bs - off < 8)
			goto bad;
		rec = dx_rec_len(bs, get_le16(blk + off + 4));
		nlen = blk[off + 6];
		if (rec < 8 || rec % 4 || rec > bs - off || nlen + 8u > rec)
			goto bad;
		if (get_le32(blk + off) && nlen == len &&
		    !memcmp(blk + off + 8, name, len)) {
			*found = get_le32(blk + off);
			return 0;
		}
		off += rec;
	}
	return -ENOENT;
bad:
	w->why = "a leaf's entries overrun its block";
	return 1;
}

/*
 * After a leaf without the name: the next leaf, when the next entry (on
 * the deepest level that has one) continues the name's hash. 0 and the
 * frames moved there, -ENOENT when it does not, 1 when malformed.
 */
static int dx_next(struct dx_walk *w, struct dx_frame *fr, unsigned levels,
		   uint32_t hash, uint8_t *buf)
{
	unsigned d = levels;

	while (fr[d].at + 1 >= fr[d].count) {
		if (d == 0)
			return -ENOENT;
		d--;
	}
	fr[d].at++;
	if ((dx_hash(&fr[d], fr[d].at) & ~1u) != hash)
		return -ENOENT;
	for (; d < levels; d++) {
		uint8_t *blk = buf + (size_t)(d + 1) * w->h->blocksize;

		if (!dx_read(w, dx_block(&fr[d], fr[d].at), blk) ||
		    !dx_entries(w, &fr[d + 1], blk, DX_NODE_BASE))
			return 1;
	}
	return 0;
}

/* May the index be used for this name in this directory? */
static bool dx_usable(ext2_filsys h, const struct ext2_inode_large *in,
		      const char *name, size_t len)
{
	if (!ext2fs_has_feature_dir_index(h->super) ||
	    !(in->i_flags & EXT2_INDEX_FL) ||
	    (in->i_flags &
	     (EXT4_INLINE_DATA_FL | EXT4_ENCRYPT_FL | EXT4_CASEFOLD_FL)))
		return false;
	/* "." and ".." are in block 0, which the hash never leads to */
	if (len == 0 || len > EXT2_NAME_LEN ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return false;
	return EXT2_I_SIZE(in) / h->blocksize >= 2;
}

int ext_dx_lookup(ext2_filsys h, ext2_ino_t dir,
		  const struct ext2_inode_large *in, const char *name,
		  size_t len, ext2_ino_t *found)
{
	struct dx_walk w = { .h = h, .dir = dir, .in = *in };
	struct dx_frame fr[DX_LEVELS];
	unsigned bs = h->blocksize, levels, version;
	ext2_dirhash_t hash, minor;
	uint8_t *buf, *leaf, *root;
	const uint8_t *info;
	int rc = 1;

	if (!dx_usable(h, in, name, len))
		return 1;
	w.nblocks = EXT2_I_SIZE(in) / bs;
	buf = malloc((size_t)(DX_LEVELS + 1) * bs);
	if (!buf)
		return 1;
	root = buf;
	leaf = buf + (size_t)DX_LEVELS * bs;
	fsimg_quiet(true); /* the scan reports what is wrong */
	if (!dx_read(&w, 0, root))
		goto out;
	info = root + DX_ROOT_INFO;
	levels = info[6];
	version = info[4];
	if (get_le32(info) != 0 || info[5] != 8 || (info[7] & 1) ||
	    levels >= ext2_dir_htree_level(h) || version > EXT2_HASH_TEA) {
		w.why = "the root's info is not a known index";
		goto out;
	}
	if (h->super->s_flags & EXT2_FLAGS_UNSIGNED_HASH)
		version += EXT2_HASH_LEGACY_UNSIGNED;
	if (ext2fs_dirhash2((int)version, name, (int)len, NULL, 0,
			    h->super->s_hash_seed, &hash, &minor)) {
		w.why = "the name cannot be hashed";
		goto out;
	}
	if (!dx_entries(&w, &fr[0], root, DX_ROOT_INFO + 8))
		goto out;
	for (unsigned d = 0;; d++) {
		uint8_t *blk = buf + (size_t)(d + 1) * bs;

		dx_find(&fr[d], hash);
		if (d == levels)
			break;
		if (!dx_read(&w, dx_block(&fr[d], fr[d].at), blk) ||
		    !dx_entries(&w, &fr[d + 1], blk, DX_NODE_BASE))
			goto out;
	}
	for (unsigned hop = 0; hop < EXT_DX_HOPS; hop++) {
		if (!dx_read(&w, dx_block(&fr[levels], fr[levels].at), leaf))
			goto out;
		rc = dx_leaf(&w, leaf, name, len, found);
		if (rc != -ENOENT)
			goto out;
		rc = dx_next(&w, fr, levels, hash, buf);
		if (rc)
			goto out;
	}
	rc = 1;
	w.why = "the name's hash goes on for too many leaves";
out:
	fsimg_quiet(false);
	if (rc == 1 && w.why)
		EXT_DBG("directory %u: index not used (%s); scanning", dir,
			w.why);
	free(buf);
	return rc;
}
