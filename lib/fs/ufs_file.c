/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UFS file data: reads through the block map (holes read as zeroes), the
 * extent map, and symlink targets (fast ones kept in the inode's pointer
 * area when shorter than fs_maxsymlinklen, slow ones in data blocks).
 */
#include "ufs.h"

#include <stdlib.h>
#include <sys/stat.h>

/* Contiguous blocks file_map merges into one extent at most. */
#define UFS_MAP_MERGE 1024u

/*
 * The run of blocks from lbn (at most max, at least 1): *n blocks that
 * are all holes (*frag 0) or follow each other on disk from *frag.
 */
static int ufs_run(struct ufs_fs *u, const struct ufs_inode *in, uint64_t lbn,
		   uint64_t max, uint64_t *frag, uint64_t *n)
{
	uint64_t next;
	int rc = ufs_bmap(u, in, lbn, frag);

	for (*n = 1; !rc && *n < max; (*n)++) {
		rc = ufs_bmap(u, in, lbn + *n, &next);
		if (!rc &&
		    (*frag == 0 ? next != 0 : next != *frag + *n * u->frag))
			break;
	}
	return rc;
}

ssize_t ufs_read_data(struct ufs_fs *u, const struct ufs_inode *in, void *buf,
		      size_t len, uint64_t off, bool cached)
{
	uint8_t *out = buf;
	size_t done = 0;
	int rc;

	while (done < len) {
		uint64_t pos = off + done;
		uint64_t lbn = pos >> u->bshift;
		uint32_t boff = (uint32_t)(pos & (u->bsize - 1));
		uint64_t frag, k;
		size_t n;

		/* the blocks that follow it on disk (holes, a hole) join it:
		 * one read for the run, not one per block */
		rc = ufs_run(u, in, lbn,
			     (boff + (len - done) + u->bsize - 1) >> u->bshift,
			     &frag, &k);
		if (rc)
			return rc;
		n = (size_t)(k << u->bshift) - boff;
		if (n > len - done)
			n = len - done;
		if (frag == 0) {
			memset(out + done, 0, n);
		} else {
			uint64_t at = (frag << u->fshift) + boff;

			rc = cached ? fsimg_wread_cached(&u->win, at,
							 out + done, n)
				    : fsimg_wread(&u->win, at, out + done, n);
			if (rc)
				return fsimg_werr(&u->win, rc,
						  "inode %u: cannot read "
						  "block %llu",
						  in->ino,
						  (unsigned long long)lbn);
		}
		done += n;
	}
	return (ssize_t)done;
}

int ufs_file_open(fsimg_file *f)
{
	struct ufs_fs *u = ufs_of(f->fs);
	struct ufs_inode *in;
	int rc;

	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = ufs_inode_read(u, f->ino, in);
	if (rc)
		goto err;
	if (S_ISDIR(in->mode)) {
		rc = -EISDIR;
		goto err;
	}
	if (!S_ISREG(in->mode)) {
		rc = -EINVAL;
		goto err;
	}
	f->priv = in;
	f->size = in->size;
	return 0;
err:
	free(in);
	return rc;
}

void ufs_file_close(fsimg_file *f)
{
	free(f->priv);
	f->priv = NULL;
}

ssize_t ufs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	struct ufs_fs *u = ufs_of(f->fs);
	const struct ufs_inode *in = f->priv;

	if (off >= in->size)
		return 0;
	if (size > in->size - off)
		size = (size_t)(in->size - off);
	return ufs_read_data(u, in, buf, size, off, false);
}

int ufs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct ufs_fs *u = ufs_of(f->fs);
	const struct ufs_inode *in = f->priv;
	uint64_t frag, first_lbn, max, n;
	int rc;

	if (off >= in->size)
		return -ENXIO;
	first_lbn = off >> u->bshift;
	/* the following blocks while they continue the run, to the end */
	max = ((in->size - 1) >> u->bshift) - first_lbn + 1;
	rc = ufs_run(u, in, first_lbn,
		     max < UFS_MAP_MERGE ? max : UFS_MAP_MERGE, &frag, &n);
	if (rc)
		return rc;
	ext->logical = first_lbn << u->bshift;
	ext->length = (uint64_t)n << u->bshift;
	if (ext->logical + ext->length > in->size)
		ext->length = in->size - ext->logical;
	if (frag == 0) {
		ext->physical = 0;
		ext->flags = FSIMG_EXTENT_HOLE;
	} else {
		ext->physical = f->fs->win.off + (frag << u->fshift);
		ext->flags = 0;
	}
	return 0;
}

int ufs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct ufs_fs *u = ufs_of(fs);
	struct ufs_inode in;
	char *target = NULL;
	size_t len;
	ssize_t got;
	int rc;

	rc = ufs_inode_read(u, ino, &in);
	if (rc)
		return rc;
	if (!S_ISLNK(in.mode))
		return -EINVAL;
	if (in.size == 0 || in.size >= UFS_LINK_MAX)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "symlink %u has a size of %llu bytes", in.ino,
				  (unsigned long long)in.size);
	len = (size_t)in.size;
	target = calloc(1, len + 1);
	if (!target)
		return -ENOMEM;
	/*
	 * A fast symlink (FreeBSD ufs_readlink: shorter than
	 * fs_maxsymlinklen, no blocks) lives in the pointer area. Solaris
	 * keeps targets in a data block; one without blocks is the in-inode
	 * form Linux writes for ufstype=sunx86 (up to FSL_SIZE, 56 bytes),
	 * read here as Linux ufs_iget() does (ufs.c sets the limit to the
	 * whole pointer area).
	 */
	if (len < u->maxsymlinklen && in.blocks == 0) {
		memcpy(target, in.inline_data, len);
	} else {
		got = ufs_read_data(u, &in, target, len, 0, true);
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
	memcpy(buf, target, len + 1);
	rc = (int)len;
out:
	free(target);
	return rc;
}
