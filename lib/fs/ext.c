/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ext2, ext3 and ext4 through libext2fs: probe, the options, open and
 * close, the pool of libext2fs handles, statfs, the translation of
 * libext2fs errors, and the driver descriptor.
 *
 * Option: handles=N (1-64, default 16), the most libext2fs handles opened
 * on the filesystem at once, i.e. how many calls run in parallel.
 *
 * Handles are ext inode numbers (the root is 2, EXT2_ROOT_INO); they are
 * never 0, and they are what fsimg_stat.ino reports, as the kernel does.
 *
 * Opening reads the superblock and the group descriptors, as the kernel
 * does; nothing that grows with the number of files. A journal that needs
 * recovery is not replayed (the image is read-only): the filesystem is read
 * as it is on disk, and info/details say so.
 */
#include "ext.h"

#include <stdio.h>
#include <stdlib.h>

#define EXT_OPEN_FLAGS (EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP)
#define EXT_LOG_MAX    32u /* libext2fs messages logged per mount */

static int ext_probe(const struct fsimg_window *w)
{
	uint8_t sb[1024];
	int rc;

	if (!fsimg_window_has(w, SUPERBLOCK_OFFSET, sizeof(sb)))
		return 0;
	rc = fsimg_wread_cached(w, SUPERBLOCK_OFFSET, sb, sizeof(sb));
	if (rc)
		return rc;
	if (get_le16(sb + 56) != EXT2_SUPER_MAGIC)
		return 0;
	/* an external journal device carries the magic but no files */
	if (get_le32(sb + 96) & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV)
		return 0;
	return 1;
}

/* s_feature_compat, s_feature_incompat, s_feature_ro_compat */
static const char *ext_probe_type(const struct fsimg_window *w)
{
	uint8_t sb[1024];

	if (fsimg_wread_cached(w, SUPERBLOCK_OFFSET, sb, sizeof(sb)))
		return NULL;
	return ext_type_of(get_le32(sb + 92), get_le32(sb + 96),
			   get_le32(sb + 100));
}

static bool is_corruption(errcode_t err)
{
	switch (err) {
	case EXT2_ET_BAD_MAGIC:
	case EXT2_ET_REV_TOO_HIGH:
	case EXT2_ET_CORRUPT_SUPERBLOCK:
	case EXT2_ET_BAD_DESC_SIZE:
	case EXT2_ET_UNEXPECTED_BLOCK_SIZE:
	case EXT2_ET_GDESC_BAD_BLOCK_MAP:
	case EXT2_ET_GDESC_BAD_INODE_MAP:
	case EXT2_ET_GDESC_BAD_INODE_TABLE:
	case EXT2_ET_MISSING_INODE_TABLE:
	case EXT2_ET_BAD_INODE_NUM:
	case EXT2_ET_BAD_BLOCK_NUM:
	case EXT2_ET_BAD_IND_BLOCK:
	case EXT2_ET_BAD_DIND_BLOCK:
	case EXT2_ET_BAD_TIND_BLOCK:
	case EXT2_ET_DIR_CORRUPTED:
	case EXT2_ET_FILESYSTEM_CORRUPTED:
	case EXT2_ET_INODE_CORRUPTED:
	case EXT2_ET_INODE_IS_GARBAGE:
	case EXT2_ET_RESIZE_INODE_CORRUPT:
	case EXT2_ET_SB_CSUM_INVALID:
	case EXT2_ET_INODE_CSUM_INVALID:
	case EXT2_ET_INODE_BITMAP_CSUM_INVALID:
	case EXT2_ET_BLOCK_BITMAP_CSUM_INVALID:
	case EXT2_ET_EXTENT_CSUM_INVALID:
	case EXT2_ET_DIR_CSUM_INVALID:
	case EXT2_ET_EXT_ATTR_CSUM_INVALID:
	case EXT2_ET_DIR_NO_SPACE_FOR_CSUM:
	case EXT2_ET_UNKNOWN_CSUM:
	case EXT2_ET_BAD_CRC:
	case EXT2_ET_EXTENT_HEADER_BAD:
	case EXT2_ET_EXTENT_INDEX_BAD:
	case EXT2_ET_EXTENT_LEAF_BAD:
	case EXT2_ET_EXTENT_INVALID_LENGTH:
	case EXT2_ET_EXTENT_CYCLE:
	case EXT2_ET_BAD_EA_HEADER:
	case EXT2_ET_BAD_EA_BLOCK_NUM:
	case EXT2_ET_BAD_EA_HASH:
	case EXT2_ET_EA_BAD_NAME_LEN:
	case EXT2_ET_EA_BAD_VALUE_SIZE:
	case EXT2_ET_EA_BAD_VALUE_OFFSET:
	case EXT2_ET_EA_INODE_CORRUPTED:
	case EXT2_ET_INLINE_DATA_NO_BLOCK:
	case EXT2_ET_CORRUPT_JOURNAL_SB:
	case EXT2_ET_SYMLINK_LOOP:
	case EXT2_ET_MMP_MAGIC_INVALID:
	case EXT2_ET_MMP_CSUM_INVALID:
	case EXT2_ET_NO_INLINE_DATA:
		return true;
	default:
		return false;
	}
}

int ext_errno(struct ext_fs *e, errcode_t err, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	int rc;

	if (err == EXT2_ET_FILE_NOT_FOUND || err == EXT2_ET_EA_KEY_NOT_FOUND)
		return -ENOENT; /* an answer, not a failure: not logged */
	if (err == EXT2_ET_NO_MEMORY)
		rc = -ENOMEM;
	else if (err == EXT2_ET_NO_DIRECTORY)
		rc = -ENOTDIR;
	else if (is_corruption(err))
		rc = -EUCLEAN;
	else if (err > 0 && err < 4096)
		rc = -(int)err; /* libext2fs passes errno values through */
	else
		rc = -EIO;

	if (atomic_fetch_add(&e->logged, 1) < EXT_LOG_MAX) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		fsimg_werr(&e->win, rc, "%s: %s", what, error_message(err));
	}
	EXT_DBG("libext2fs error %ld -> %d", (long)err, rc);
	return rc;
}

static int open_handle(struct ext_fs *e, ext2_filsys *out)
{
	char name[64];
	errcode_t err;
	int rc;

	rc = ext_io_name(&e->win, name, sizeof(name));
	if (rc)
		return rc;
	err = ext2fs_open2(name, NULL, EXT_OPEN_FLAGS, 0, 0,
			   ext_window_io_manager, out);
	if (err) {
		*out = NULL;
		return ext_errno(e, err, "opening the filesystem at byte %llu",
				 fsimg_wabs(&e->win, 0));
	}
	EXT_DBG("opened handle %u", e->nopen);
	return 0;
}

int ext_get(struct ext_fs *e, ext2_filsys *out)
{
	int rc;

	pthread_mutex_lock(&e->lock);
	while (!e->nfree && e->nopen >= e->max)
		pthread_cond_wait(&e->cond, &e->lock);
	if (e->nfree) {
		*out = e->free[--e->nfree];
		pthread_mutex_unlock(&e->lock);
		return 0;
	}
	e->nopen++;
	pthread_mutex_unlock(&e->lock);

	/* opened outside the lock: other callers go on meanwhile */
	rc = open_handle(e, out);
	if (rc) {
		pthread_mutex_lock(&e->lock);
		e->nopen--;
		pthread_cond_signal(&e->cond);
		pthread_mutex_unlock(&e->lock);
	}
	return rc;
}

void ext_icache_drop(ext2_filsys h)
{
	if (h->icache) {
		ext2fs_free_inode_cache(h->icache);
		h->icache = NULL;
	}
}

void ext_put(struct ext_fs *e, ext2_filsys h)
{
	ext_icache_drop(h);
	pthread_mutex_lock(&e->lock);
	e->free[e->nfree++] = h;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static void ext_free(struct ext_fs *e)
{
	for (unsigned i = 0; i < e->nfree; i++)
		ext2fs_close_free(&e->free[i]);
	free(e->free);
	free(e->noxattr);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

static int ext_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct ext_fs *e;
	ext2_filsys h;
	uint64_t handles = EXT_HANDLES_DEFAULT;
	bool have;
	int rc;

	if ((rc = fsimg_opt_take_uint(opts, "handles", 10, EXT_HANDLES_MAX,
				      &handles, &have)) ||
	    handles == 0)
		return fsimg_werr(&fs->win, -EINVAL,
				  "handles= wants a number 1-%u",
				  EXT_HANDLES_MAX);

	initialize_ext2_error_table();
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->fs = fs;
	e->img = fs->img;
	e->win = fs->win;
	e->max = (unsigned)handles;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->free = calloc(e->max, sizeof(*e->free));
	if (!e->free) {
		rc = -ENOMEM;
		goto err;
	}

	e->nopen = 1;
	rc = open_handle(e, &h);
	if (rc) {
		e->nopen = 0;
		goto err;
	}
	e->sb = *h->super;
	e->blocksize = h->blocksize;
	e->inode_size = EXT2_INODE_SIZE(h->super);
	e->free[e->nfree++] = h;
	ext_noxattr_init(e);

	if (ext2fs_has_feature_journal_needs_recovery(&e->sb))
		EXT_DBG("journal needs recovery: read as is");
	fs->priv = e;
	fs->root = EXT2_ROOT_INO;
	return 0;
err:
	ext_free(e);
	return rc;
}

static void ext_close(fsimg_fs *fs)
{
	struct ext_fs *e = ext_of(fs);

	if (!e)
		return;
	ext_free(e);
	fs->priv = NULL;
}

static int ext_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct ext_fs *e = ext_of(fs);

	st->bsize = e->blocksize;
	st->blocks = ext2fs_blocks_count(&e->sb);
	st->bfree = ext2fs_free_blocks_count(&e->sb);
	if (st->bfree > st->blocks)
		st->bfree = st->blocks;
	st->files = e->sb.s_inodes_count;
	st->ffree = e->sb.s_free_inodes_count;
	if (st->ffree > st->files)
		st->ffree = st->files;
	st->namemax = EXT2_NAME_LEN;
	return 0;
}

static const char *const ext_aliases[] = { "ext2", "ext3", NULL };

const struct fsimg_driver fsimg_ext_driver = {
	.name = "ext4",
	.aliases = ext_aliases,
	.label = "ext",
	.debug = "ext",
	.probe = ext_probe,
	.probe_type = ext_probe_type,
	.open = ext_open,
	.close = ext_close,
	.info = ext_info,
	.details = ext_details,
	.statfs = ext_statfs,
	.getattr = ext_getattr,
	.lookup = ext_lookup,
	.readdir = ext_readdir,
	.readlink = ext_readlink,
	.file_open = ext_file_open,
	.file_read = ext_file_read,
	.file_map = ext_file_map,
	.file_close = ext_file_close,
	.getxattr = ext_getxattr,
	.listxattr = ext_listxattr,
};
