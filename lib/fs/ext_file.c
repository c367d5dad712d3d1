/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File data and extended attributes.
 *
 * Data is located an extent at a time with libext2fs's extent tree walk
 * (ext2fs_extent_goto2) for extent-mapped inodes, a block at a time with
 * ext2fs_bmap2() for indirect maps, and read by us, run by run, through
 * the window: large reads do not go block by block through libext2fs's
 * file buffer, and the same mapping answers file_map. Holes and unwritten
 * (uninit) extents read as zeroes. Inline data (EXT4_INLINE_DATA_FL) lives in
 * i_block and the "system.data" attribute; libext2fs 1.47.0 hands back bytes
 * past i_size for it, so what we copy is clamped to the file size by the core
 * and to what libext2fs returned here.
 *
 * Attribute names come from libext2fs with their namespace prefix
 * ("user.", "trusted.", "security.", "system.posix_acl_access"), and ACL
 * values converted to the format of getxattr(2), as Linux gives them.
 * "system.data" is the inline-data store, hidden as Linux hides it.
 */
#include "ext.h"

#include <stdlib.h>
#include <sys/stat.h>

#define EXT_INLINE_MAX (1u << 16) /* inline data is inode + one EA value */

struct ext_file {
	struct ext2_inode_large in;
};

static ssize_t read_inline(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
			   struct ext2_inode_large *in, uint8_t *buf,
			   size_t len, uint64_t off)
{
	size_t isz = 0, n = 0;
	uint8_t *tmp;
	errcode_t err;

	err = ext2fs_inline_data_size(h, ino, &isz);
	if (err)
		return ext_errno(e, err, "sizing the inline data of inode %u",
				 ino);
	if (isz > EXT_INLINE_MAX)
		return fsimg_werr(&e->win, -EUCLEAN,
				  "inode %u: %zu bytes of inline data", ino,
				  isz);
	/* room for i_block even when the attribute is short */
	tmp = calloc(1, isz + EXT4_MIN_INLINE_DATA_SIZE + 1);
	if (!tmp)
		return -ENOMEM;
	err = ext2fs_inline_data_get(h, ino, (struct ext2_inode *)in, tmp,
				     &isz);
	if (err) {
		free(tmp);
		return ext_errno(e, err, "reading the inline data of inode %u",
				 ino);
	}
	if (off < isz) {
		n = isz - (size_t)off < len ? isz - (size_t)off : len;
		memcpy(buf, tmp + off, n);
	}
	/* i_size beyond the stored bytes reads as zeroes */
	memset(buf + n, 0, len - n);
	free(tmp);
	return (ssize_t)len;
}

/*
 * The end of a mapping of lblk: err from libext2fs, or n blocks from pblk
 * (0: a hole) that must lie inside the filesystem. 0 or -errno.
 */
static int map_result(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		      blk64_t lblk, errcode_t err, blk64_t pblk, uint64_t n)
{
	blk64_t count = ext2fs_blocks_count(h->super);

	if (err)
		return ext_errno(e, err, "mapping block %llu of inode %u",
				 (unsigned long long)lblk, ino);
	if (pblk && (pblk >= count || n > count - pblk))
		return fsimg_werr(&e->win, -EUCLEAN,
				  "inode %u: block %llu maps to %llu, "
				  "past the end of the filesystem",
				  ino, (unsigned long long)lblk,
				  (unsigned long long)pblk);
	return 0;
}

/*
 * Maps logical block lblk: *pblk 0 for a hole or unwritten extent.
 * block_buf: scratch of 3 blocks for indirect maps.
 */
static int map_block(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		     struct ext2_inode_large *in, char *block_buf, blk64_t lblk,
		     blk64_t *pblk)
{
	int flags = 0;
	errcode_t err;

	*pblk = 0;
	err = ext2fs_bmap2(h, ino, (struct ext2_inode *)in, block_buf, 0, lblk,
			   &flags, pblk);
	if (!err && (flags & BMAP_RET_UNINIT))
		*pblk = 0;
	return map_result(e, h, ino, lblk, err, *pblk, 1);
}

/* Extents stepped over looking for a hole's end (a leaf holds 340). */
#define EXT_HOLE_STEPS 1024

/*
 * map_run for an extent-mapped inode: one walk down the extent tree
 * (ext2fs_extent_goto2, as ext2fs_bmap2 does for a single block) gives
 * the whole extent that holds lblk, instead of one walk per block. A
 * block no extent holds is a hole up to the start of the next extent in
 * leaf order (or max blocks). Unwritten extents are holes.
 */
static int extent_run(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		      struct ext2_inode_large *in, blk64_t lblk, uint64_t max,
		      blk64_t *pblk, uint64_t *n)
{
	ext2_extent_handle_t eh;
	struct ext2fs_extent x;
	errcode_t err;

	*pblk = 0;
	*n = max;
	err = ext2fs_extent_open2(h, ino, (struct ext2_inode *)in, &eh);
	if (err)
		return ext_errno(e, err, "opening the extent tree of inode %u",
				 ino);
	err = ext2fs_extent_goto2(eh, 0, lblk);
	if (!err)
		err = ext2fs_extent_get(eh, EXT2_EXTENT_CURRENT, &x);
	if (!err) {
		if (x.e_lblk > lblk || lblk - x.e_lblk >= x.e_len) {
			err = EXT2_ET_EXTENT_NOT_FOUND; /* not what goto says */
		} else {
			uint64_t left = x.e_len - (lblk - x.e_lblk);

			if (!(x.e_flags & EXT2_EXTENT_FLAGS_UNINIT))
				*pblk = x.e_pblk + (lblk - x.e_lblk);
			if (left < max)
				*n = left;
		}
	} else if (err == EXT2_ET_EXTENT_NOT_FOUND) {
		/*
		 * A hole: goto leaves the handle on a neighbour; the hole
		 * ends where the first extent past lblk starts (a bounded
		 * number of steps: a corrupt tree may be out of order).
		 */
		errcode_t e2 = ext2fs_extent_get(eh, EXT2_EXTENT_CURRENT, &x);

		for (int i = 0; !e2 && x.e_lblk <= lblk && i < EXT_HOLE_STEPS;
		     i++)
			e2 = ext2fs_extent_get(eh, EXT2_EXTENT_NEXT_LEAF, &x);
		if (!e2 && x.e_lblk > lblk && x.e_lblk - lblk < max)
			*n = x.e_lblk - lblk;
		else if (e2 != EXT2_ET_EXTENT_NO_NEXT &&
			 e2 != EXT2_ET_NO_CURRENT_NODE) /* no extent at all */
			*n = 1; /* no sure answer past this block */
		err = 0;
	}
	ext2fs_extent_free(eh);
	return map_result(e, h, ino, lblk, err, *pblk, *n);
}

/*
 * The run that starts at lblk: *n blocks (at most max, at least 1) that
 * are all holes (*pblk 0) or physically contiguous from *pblk.
 */
static int map_run(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		   struct ext2_inode_large *in, char *block_buf, blk64_t lblk,
		   uint64_t max, blk64_t *pblk, uint64_t *n)
{
	blk64_t next;
	int rc;

	if (in->i_flags & EXT4_EXTENTS_FL)
		return extent_run(e, h, ino, in, lblk, max ? max : 1, pblk, n);
	rc = map_block(e, h, ino, in, block_buf, lblk, pblk);
	if (rc)
		return rc;
	for (*n = 1; *n < max; (*n)++) {
		rc = map_block(e, h, ino, in, block_buf, lblk + *n, &next);
		if (rc)
			return rc;
		if (*pblk ? next != *pblk + *n : next != 0)
			break;
	}
	return 0;
}

ssize_t ext_read_data(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		      struct ext2_inode_large *in, void *buf, size_t len,
		      uint64_t off)
{
	uint64_t bs = h->blocksize, done = 0;
	uint8_t *out = buf;
	char *block_buf;
	int rc = 0;

	if (in->i_flags & EXT4_INLINE_DATA_FL)
		return read_inline(e, h, ino, in, buf, len, off);
	block_buf = malloc(3 * bs);
	if (!block_buf)
		return -ENOMEM;
	while (done < len) {
		uint64_t pos = off + done, in_blk = pos % bs, want, nblk, n;
		blk64_t pblk;

		want = (len - done + in_blk + bs - 1) / bs;
		rc = map_run(e, h, ino, in, block_buf, pos / bs, want, &pblk,
			     &nblk);
		if (rc)
			break;
		n = nblk * bs - in_blk;
		if (n > len - done)
			n = len - done;
		if (!pblk) {
			memset(out + done, 0, (size_t)n);
		} else {
			rc = fsimg_wread(&e->win, pblk * bs + in_blk,
					 out + done, (size_t)n);
			if (rc) {
				rc = fsimg_werr(&e->win, rc,
						"inode %u: reading block "
						"%llu: %s",
						ino, (unsigned long long)pblk,
						strerror(-rc));
				break;
			}
		}
		done += n;
	}
	free(block_buf);
	return rc ? rc : (ssize_t)done;
}

int ext_file_open(fsimg_file *f)
{
	struct ext_fs *e = ext_of(f->fs);
	struct ext_file *ef;
	struct fsimg_stat st;
	ext2_filsys h;
	int rc;

	if (f->ino == 0 || f->ino > UINT32_MAX)
		return -EINVAL;
	ef = calloc(1, sizeof(*ef));
	if (!ef)
		return -ENOMEM;
	rc = ext_get(e, &h);
	if (rc)
		goto err;
	rc = ext_read_inode(e, h, (ext2_ino_t)f->ino, &ef->in);
	if (!rc)
		ext_stat_of(h, (ext2_ino_t)f->ino, &ef->in, &st);
	ext_put(e, h);
	if (rc)
		goto err;
	if (S_ISDIR(st.mode)) {
		rc = -EISDIR;
		goto err;
	}
	if (!S_ISREG(st.mode)) {
		rc = -EINVAL;
		goto err;
	}
	f->size = st.size;
	f->priv = ef;
	return 0;
err:
	free(ef);
	return rc;
}

ssize_t ext_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	struct ext_fs *e = ext_of(f->fs);
	struct ext_file *ef = f->priv;
	ext2_filsys h;
	ssize_t n;
	int rc = ext_get(e, &h);

	if (rc)
		return rc;
	n = ext_read_data(e, h, (ext2_ino_t)f->ino, &ef->in, buf, size, off);
	ext_put(e, h);
	return n;
}

int ext_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct ext_fs *e = ext_of(f->fs);
	struct ext_file *ef = f->priv;
	uint64_t bs = e->blocksize, nblk, len, lblk = off / bs;
	blk64_t pblk;
	char *block_buf;
	ext2_filsys h;
	int rc;

	if (ef->in.i_flags & EXT4_INLINE_DATA_FL)
		return -EOPNOTSUPP; /* stored inside the inode */
	if (ef->in.i_flags & EXT4_ENCRYPT_FL)
		return -EOPNOTSUPP;
	block_buf = malloc(3 * bs);
	if (!block_buf)
		return -ENOMEM;
	rc = ext_get(e, &h);
	if (rc)
		goto out;
	nblk = (f->size + bs - 1) / bs - lblk;
	rc = map_run(e, h, (ext2_ino_t)f->ino, &ef->in, block_buf, lblk,
		     nblk < EXT_MAP_SCAN ? nblk : EXT_MAP_SCAN, &pblk, &nblk);
	ext_put(e, h);
	if (rc)
		goto out;
	ext->logical = lblk * bs;
	len = nblk * bs;
	if (len > f->size - ext->logical)
		len = f->size - ext->logical;
	ext->length = len;
	ext->flags = pblk ? 0 : FSIMG_EXTENT_HOLE;
	ext->physical = 0;
	if (pblk) {
		if (!fsimg_window_has(&e->win, pblk * bs, len)) {
			rc = fsimg_werr(&e->win, -EUCLEAN,
					"inode %llu: run at block %llu "
					"leaves the filesystem",
					(unsigned long long)f->ino,
					(unsigned long long)pblk);
			goto out;
		}
		ext->physical = e->win.off + pblk * bs;
	}
out:
	free(block_buf);
	return rc;
}

void ext_file_close(fsimg_file *f)
{
	free(f->priv);
	f->priv = NULL;
}

/* --- extended attributes -------------------------------------------------- */

/*
 * libext2fs 1.47.0 converts ext4 ACLs (ext4_acl_entry_short, no e_id) to
 * the acl(5) xattr format with e_id 0, where Linux gives ACL_UNDEFINED_ID
 * (-1) for USER_OBJ, GROUP_OBJ, MASK and OTHER. Match Linux.
 */
static void acl_fix_ids(uint8_t *v, size_t len)
{
	if (len < 4 || get_le32(v) != 2)
		return;
	for (size_t o = 4; o + 8 <= len; o += 8) {
		uint16_t tag = get_le16(v + o);

		if (tag == 0x01 || tag == 0x04 || tag == 0x10 || tag == 0x20)
			memset(v + o + 4, 0xff, 4);
	}
}

/*
 * Without the ext_attr and inline_data features no inode can have an
 * attribute: -ENOTSUP, as for a format without them, which lets the FUSE
 * backend tell the kernel once to stop asking (a round trip per file that
 * ls -l looks at).
 */
static bool no_xattrs(struct ext_fs *e)
{
	return !ext2fs_has_feature_xattr(&e->sb) &&
	       !ext2fs_has_feature_inline_data(&e->sb);
}

/*
 * The image is never written, so an inode once read without attributes
 * has none for as long as it is open. The bitmap is sized by the
 * superblock's inode count, capped at EXT_NOXATTR_INODES; inodes past it
 * are read every time. Without it (no memory) nothing is remembered.
 */
void ext_noxattr_init(struct ext_fs *e)
{
	uint32_t n = e->sb.s_inodes_count;

	if (no_xattrs(e))
		return;
	if (n >= EXT_NOXATTR_INODES)
		n = EXT_NOXATTR_INODES - 1;
	e->noxattr = calloc(n / 64 + 1, sizeof(*e->noxattr));
	if (e->noxattr)
		e->noxattr_max = n + 1;
}

static bool noxattr_known(struct ext_fs *e, fsimg_ino ino)
{
	uint64_t w;

	if (!e->noxattr || ino >= e->noxattr_max)
		return false;
	w = atomic_load_explicit(&e->noxattr[ino / 64], memory_order_relaxed);
	return (w >> (ino % 64)) & 1;
}

/* Remembers ino when the attributes just read from xh are none. */
static void noxattr_note(struct ext_fs *e, fsimg_ino ino,
			 struct ext2_xattr_handle *xh)
{
	size_t count;

	if (!e->noxattr || ino >= e->noxattr_max ||
	    ext2fs_xattrs_count(xh, &count) || count)
		return;
	atomic_fetch_or_explicit(&e->noxattr[ino / 64], 1ull << (ino % 64),
				 memory_order_relaxed);
}

static int xattrs_open(struct ext_fs *e, ext2_filsys h, fsimg_ino ino,
		       struct ext2_xattr_handle **xh)
{
	errcode_t err;

	*xh = NULL;
	if (ino == 0 || ino > h->super->s_inodes_count)
		return -EINVAL;
	err = ext2fs_xattrs_open(h, (ext2_ino_t)ino, xh);
	if (err == EXT2_ET_MISSING_EA_FEATURE)
		return 1; /* no attributes on this filesystem */
	if (!err)
		err = ext2fs_xattrs_read(*xh);
	if (err) {
		if (*xh)
			ext2fs_xattrs_close(xh);
		return ext_errno(e, err, "reading the attributes of inode %llu",
				 (unsigned long long)ino);
	}
	return 0;
}

ssize_t ext_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_xattr_handle *xh;
	ext2_filsys h;
	void *val = NULL;
	size_t vlen = 0;
	errcode_t err;
	ssize_t rc;

	if (no_xattrs(e))
		return -ENOTSUP;
	if (!strcmp(name, "system.data") || noxattr_known(e, ino))
		return -ENODATA;
	rc = ext_get(e, &h);
	if (rc)
		return rc;
	rc = xattrs_open(e, h, ino, &xh);
	if (rc) {
		ext_put(e, h);
		return rc > 0 ? -ENODATA : rc;
	}
	noxattr_note(e, ino, xh);
	err = ext2fs_xattr_get(xh, name, &val, &vlen);
	if (err == EXT2_ET_EA_KEY_NOT_FOUND)
		rc = -ENODATA;
	else if (err)
		rc = ext_errno(e, err, "reading attribute %s of inode %llu",
			       name, (unsigned long long)ino);
	else if (size && vlen > size)
		rc = -ERANGE;
	else {
		if (!strncmp(name, "system.posix_acl_", 17))
			acl_fix_ids(val, vlen);
		if (size)
			memcpy(buf, val, vlen);
		rc = (ssize_t)vlen;
	}
	if (val)
		ext2fs_free_mem(&val);
	ext2fs_xattrs_close(&xh);
	ext_put(e, h);
	return rc;
}

struct list_ctx {
	char *buf;
	size_t size;
	size_t len;
	bool range;
};

static int list_cb(char *name, char *value, size_t value_len, void *priv)
{
	struct list_ctx *c = priv;
	size_t n = strlen(name) + 1;

	(void)value;
	(void)value_len;
	if (!strcmp(name, "system.data"))
		return 0;
	if (c->size) {
		if (c->len + n > c->size) {
			c->range = true;
			return XATTR_ABORT;
		}
		memcpy(c->buf + c->len, name, n);
	}
	c->len += n;
	return 0;
}

ssize_t ext_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_xattr_handle *xh;
	struct list_ctx c = { .buf = buf, .size = size };
	ext2_filsys h;
	errcode_t err;
	ssize_t rc;

	if (no_xattrs(e))
		return -ENOTSUP;
	if (noxattr_known(e, ino))
		return 0;
	rc = ext_get(e, &h);
	if (rc)
		return rc;
	rc = xattrs_open(e, h, ino, &xh);
	if (rc) {
		ext_put(e, h);
		return rc > 0 ? 0 : rc;
	}
	noxattr_note(e, ino, xh);
	err = ext2fs_xattrs_iterate(xh, list_cb, &c);
	if (c.range)
		rc = -ERANGE;
	else if (err)
		rc = ext_errno(e, err, "listing the attributes of inode %llu",
			       (unsigned long long)ino);
	else
		rc = (ssize_t)c.len;
	ext2fs_xattrs_close(&xh);
	ext_put(e, h);
	return rc;
}
