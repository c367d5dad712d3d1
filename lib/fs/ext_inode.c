/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ext inodes as fsimg nodes: getattr, lookup, readdir, readlink.
 *
 * Times (ext4 inode, "Inode Timestamps"): the 32-bit fields are signed
 * seconds since 1970; when the large inode has room for the *_extra field
 * (i_extra_isize covers it), its low 2 bits extend the seconds (epoch bits,
 * added as bits 32-33, as Linux does) and its upper 30 bits are the
 * nanoseconds. i_crtime is the birth time, present only in large inodes.
 *
 * Device numbers: the old encoding in i_block[0] (8-bit major and minor)
 * when it is non-zero, otherwise the new one in i_block[1] (12-bit major,
 * 20-bit minor, split as Linux's new_encode_dev()).
 */
#include "ext.h"

#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>

/* true when the large inode's extra area holds the whole field */
#define EXT_FITS(in, field)                                                \
	(offsetof(struct ext2_inode_large, field) + sizeof((in)->field) <= \
	 EXT2_GOOD_OLD_INODE_SIZE + (size_t)(in)->i_extra_isize)

int ext_read_inode(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		   struct ext2_inode_large *in)
{
	errcode_t err;

	memset(in, 0, sizeof(*in));
	if (ino == 0 || ino > h->super->s_inodes_count)
		return fsimg_werr(&e->win, -EUCLEAN,
				  "inode %u is out of range (1-%u)", ino,
				  h->super->s_inodes_count);
	err = ext2fs_read_inode_full(h, ino, (struct ext2_inode *)in,
				     sizeof(*in));
	if (err) {
		ext_icache_drop(h); /* a failed read may have poisoned it */
		return ext_errno(e, err, "reading inode %u", ino);
	}
	if (EXT2_INODE_SIZE(h->super) <= EXT2_GOOD_OLD_INODE_SIZE ||
	    in->i_extra_isize >
		    EXT2_INODE_SIZE(h->super) - EXT2_GOOD_OLD_INODE_SIZE)
		in->i_extra_isize = 0;
	return 0;
}

static struct timespec ext_time(int32_t base, const uint32_t *extra)
{
	struct timespec ts = { .tv_sec = base, .tv_nsec = 0 };

	if (extra) {
		ts.tv_sec += (time_t)((int64_t)(*extra & 3) << 32);
		ts.tv_nsec = (long)(*extra >> 2);
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_nsec = 0;
	}
	return ts;
}

void ext_stat_of(ext2_filsys h, ext2_ino_t ino,
		 const struct ext2_inode_large *in, struct fsimg_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ino;
	st->mode = in->i_mode;
	st->nlink = in->i_links_count;
	st->uid = inode_uid(*in);
	st->gid = inode_gid(*in);
	st->size = EXT2_I_SIZE(in);
	st->blocks = ext2fs_get_stat_i_blocks(h, (struct ext2_inode *)in);
	/* Linux counts a file's inline data as sectors (ext4_file_getattr),
	 * lest tools think it sparse */
	if ((in->i_flags & EXT4_INLINE_DATA_FL) && LINUX_S_ISREG(in->i_mode))
		st->blocks += (EXT2_I_SIZE(in) + 511) >> 9;
	st->atime = ext_time((int32_t)in->i_atime, EXT_FITS(in, i_atime_extra)
							   ? &in->i_atime_extra
							   : NULL);
	st->mtime = ext_time((int32_t)in->i_mtime, EXT_FITS(in, i_mtime_extra)
							   ? &in->i_mtime_extra
							   : NULL);
	st->ctime = ext_time((int32_t)in->i_ctime, EXT_FITS(in, i_ctime_extra)
							   ? &in->i_ctime_extra
							   : NULL);
	if (EXT_FITS(in, i_crtime)) {
		st->btime = ext_time((int32_t)in->i_crtime,
				     EXT_FITS(in, i_crtime_extra)
					     ? &in->i_crtime_extra
					     : NULL);
		st->flags |= FSIMG_STAT_BTIME;
	}
	if (S_ISCHR(in->i_mode) || S_ISBLK(in->i_mode)) {
		uint32_t old = in->i_block[0], dev = in->i_block[1];

		if (old) {
			st->rdev_major = (old >> 8) & 0xff;
			st->rdev_minor = old & 0xff;
		} else {
			st->rdev_major = (dev & 0xfff00) >> 8;
			st->rdev_minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		}
	}
	if (!S_ISREG(in->i_mode) && !S_ISDIR(in->i_mode) &&
	    !S_ISLNK(in->i_mode))
		st->size = 0;
}

/* Reads ino and checks it is in use; h is checked out by the caller. */
static int node_stat(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		     struct ext2_inode_large *in, struct fsimg_stat *st)
{
	int rc = ext_read_inode(e, h, ino, in);

	if (rc)
		return rc;
	if (!in->i_links_count && !in->i_mode)
		return fsimg_werr(&e->win, -EUCLEAN, "inode %u is not in use",
				  ino);
	if (st)
		ext_stat_of(h, ino, in, st);
	return 0;
}

static int ino_of(struct ext_fs *e, fsimg_ino ino, ext2_ino_t *out)
{
	if (ino == 0 || ino > UINT32_MAX)
		return fsimg_werr(&e->win, -EINVAL, "bad handle %llu",
				  (unsigned long long)ino);
	*out = (ext2_ino_t)ino;
	return 0;
}

int ext_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_inode_large in;
	ext2_filsys h;
	ext2_ino_t i = 0;
	int rc;

	if ((rc = ino_of(e, ino, &i)) || (rc = ext_get(e, &h)))
		return rc;
	rc = node_stat(e, h, i, &in, st);
	ext_put(e, h);
	return rc;
}

int ext_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_inode_large in;
	ext2_filsys h;
	ext2_ino_t d = 0, found = 0;
	errcode_t err;
	bool big;
	int rc;

	if ((rc = ino_of(e, dir, &d)) || (rc = ext_get(e, &h)))
		return rc;
	rc = node_stat(e, h, d, &in, NULL);
	if (rc)
		goto out;
	if (!S_ISDIR(in.i_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	rc = ext_dx_lookup(h, d, &in, name, strlen(name), &found);
	if (rc < 0)
		goto out;
	if (rc == 1) { /* no index to follow: scan */
		/* only a big directory streams; a small one stays cached */
		big = EXT2_I_SIZE(&in) > EXT_IO_STREAM_MAX;
		if (big)
			ext_io_stream(h->io, true);
		err = ext2fs_lookup(h, d, name, (int)strlen(name), NULL,
				    &found);
		if (big)
			ext_io_stream(h->io, false);
		if (err) {
			rc = ext_errno(e, err,
				       "looking up '%s' in directory %u", name,
				       d);
			goto out;
		}
	}
	rc = node_stat(e, h, found, &in, st);
	if (!rc)
		*ino = found;
out:
	ext_put(e, h);
	return rc;
}

/*
 * Subdirectory ino, asked of the kernel ahead of its listing (see
 * fsimg_dir_hint()): the inode table from its own inode on, where
 * mke2fs -d and the allocator put its files' (in its group), and the
 * blocks the inode alone names: its direct blocks, or the extents of a
 * tree held whole in the inode. A deeper tree is left alone: its blocks
 * would have to be read for a hint.
 */
static void dir_hint(struct ext_fs *e, ext2_filsys h, ext2_ino_t ino,
		     const struct ext2_inode_large *in)
{
	const struct ext3_extent_header *eh = (const void *)in->i_block;
	const struct ext3_extent *ex = (const void *)(eh + 1);
	/* block numbers are checked against the window before they are
	 * multiplied: the superblock's count is the image's word */
	const uint64_t bs = h->blocksize, count = e->win.len / bs;
	const uint32_t ipg = h->super->s_inodes_per_group;
	const dgrp_t g = (dgrp_t)((ino - 1) / ipg);
	uint64_t left = EXT2_I_SIZE(in), blk, len;
	unsigned n = EXT2_NDIR_BLOCKS;
	bool extents = in->i_flags & EXT4_EXTENTS_FL;

	blk = g < h->group_desc_count ? ext2fs_inode_table_loc(h, g) : 0;
	if (blk && blk < count)
		fsimg_dir_hint(&e->win,
			       blk * bs + (uint64_t)((ino - 1) % ipg) *
						  EXT2_INODE_SIZE(h->super),
			       FSIMG_DIR_HINT);
	if (in->i_flags & EXT4_INLINE_DATA_FL)
		return;
	if (extents) {
		n = ext2fs_le16_to_cpu(eh->eh_entries);
		if (ext2fs_le16_to_cpu(eh->eh_magic) != EXT3_EXT_MAGIC ||
		    eh->eh_depth != 0 || n > 4)
			return;
	}
	if (left > FSIMG_DIR_HINT)
		left = FSIMG_DIR_HINT;
	for (unsigned i = 0; i < n && left; i++) {
		len = 1;
		if (!extents) {
			blk = in->i_block[i];
		} else {
			blk = (uint64_t)ext2fs_le16_to_cpu(ex[i].ee_start_hi)
				      << 32 |
			      ext2fs_le32_to_cpu(ex[i].ee_start);
			len = ext2fs_le16_to_cpu(ex[i].ee_len);
		}
		/* an uninitialised extent (longer than EXT_INIT_MAX_LEN)
		 * reads as zeroes */
		if (blk == 0 || blk >= count || len > EXT_INIT_MAX_LEN ||
		    len > count - blk)
			return;
		len = len * bs < left ? len * bs : left;
		fsimg_dir_hint(&e->win, blk * bs, len);
		left -= len;
	}
}

struct readdir_ctx {
	struct ext_fs *e;
	ext2_filsys h;
	fsimg_dirent_fn fn;
	void *ctx;
	uint64_t cookie; /* entries already consumed */
	uint64_t index;	 /* entries seen */
	bool stopped;
};

static int readdir_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *de,
		      int offset, int blocksize, char *buf, void *priv)
{
	struct readdir_ctx *c = priv;
	struct ext2_inode_large in;
	struct fsimg_stat st;
	char name[EXT2_NAME_LEN + 1];
	int len = ext2fs_dirent_name_len(de);
	bool ok;

	(void)entry;
	(void)offset;
	(void)blocksize;
	(void)buf;
	if (len == 0 || (len == 1 && de->name[0] == '.') ||
	    (len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	memcpy(name, de->name, (size_t)len);
	name[len] = '\0';
	if (strlen(name) != (size_t)len || strchr(name, '/')) {
		fsimg_werr(&c->e->win, -EUCLEAN,
			   "directory %u: entry with a '/' or NUL in its "
			   "name skipped",
			   dir);
		return 0;
	}
	if (c->index++ < c->cookie)
		return 0;
	/* An inode we cannot read is listed without a stat: getattr fails on
	 * it too, and the entry's file type alone would claim a type that no
	 * other call confirms. */
	ok = node_stat(c->e, c->h, de->inode, &in, &st) == 0;
	if (ok && S_ISDIR(st.mode))
		dir_hint(c->e, c->h, de->inode, &in);
	if (c->fn(c->ctx, name, de->inode, ok ? &st : NULL, c->index)) {
		c->stopped = true;
		return DIRENT_ABORT;
	}
	return 0;
}

int ext_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct ext_fs *e = ext_of(fs);
	struct readdir_ctx c = {
		.e = e, .fn = fn, .ctx = ctx, .cookie = cookie
	};
	struct ext2_inode_large in;
	ext2_ino_t d = 0;
	errcode_t err;
	int rc;

	if ((rc = ino_of(e, dir, &d)) || (rc = ext_get(e, &c.h)))
		return rc;
	rc = node_stat(e, c.h, d, &in, NULL);
	if (rc)
		goto out;
	if (!S_ISDIR(in.i_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	err = ext2fs_dir_iterate2(c.h, d, 0, NULL, readdir_cb, &c);
	if (err && !c.stopped)
		rc = ext_errno(e, err, "reading directory %u", d);
out:
	ext_put(e, c.h);
	return rc;
}

int ext_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_inode_large in;
	ext2_filsys h;
	ext2_ino_t i = 0;
	uint64_t len;
	char *target = NULL;
	ssize_t got;
	int rc;

	if ((rc = ino_of(e, ino, &i)) || (rc = ext_get(e, &h)))
		return rc;
	rc = node_stat(e, h, i, &in, NULL);
	if (rc)
		goto out;
	if (!S_ISLNK(in.i_mode)) {
		rc = -EINVAL;
		goto out;
	}
	len = EXT2_I_SIZE(&in);
	if (len == 0 || len >= EXT_LINK_MAX) {
		rc = fsimg_werr(&e->win, -EUCLEAN,
				"symlink %u has a size of %llu bytes", i,
				(unsigned long long)len);
		goto out;
	}
	target = calloc(1, (size_t)len + 1);
	if (!target) {
		rc = -ENOMEM;
		goto out;
	}
	/*
	 * Three places a target lives: inline data (system.data xattr and
	 * i_block), a fast symlink's i_block (no data blocks, as Linux's
	 * ext4_inode_is_fast_symlink() decides), or data blocks.
	 */
	if (!(in.i_flags & EXT4_INLINE_DATA_FL) &&
	    ext2fs_inode_data_blocks2(h, (struct ext2_inode *)&in) == 0) {
		if (len >= sizeof(in.i_block)) {
			rc = fsimg_werr(&e->win, -EUCLEAN,
					"fast symlink %u claims %llu bytes", i,
					(unsigned long long)len);
			goto out;
		}
		memcpy(target, in.i_block, (size_t)len);
	} else {
		got = ext_read_data(e, h, i, &in, target, (size_t)len, 0);
		if (got < 0) {
			rc = (int)got;
			goto out;
		}
	}
	len = strlen(target);
	if (len >= size) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	memcpy(buf, target, (size_t)len + 1);
	rc = (int)len;
out:
	free(target);
	ext_put(e, h);
	return rc;
}
