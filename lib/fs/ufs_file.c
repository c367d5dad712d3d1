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
		size_t n = u->bsize - boff;
		uint64_t frag, k;

		if (n > len - done)
			n = len - done;
		rc = ufs_bmap(u, in, lbn, &frag);
		if (rc)
			return rc;
		/* the blocks that follow it on disk (holes, a hole) join it:
		 * one read for the run, not one per block */
		for (k = 1; n < len - done; k++) {
			uint64_t next;

			rc = ufs_bmap(u, in, lbn + k, &next);
			if (rc)
				return rc;
			if (frag == 0 ? next != 0 : next != frag + k * u->frag)
				break;
			n += len - done - n < u->bsize ? len - done - n
						       : u->bsize;
		}
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
	uint64_t lbn, frag, next, first_lbn;
	unsigned n;
	int rc;

	if (off >= in->size)
		return -ENXIO;
	first_lbn = lbn = off >> u->bshift;
	rc = ufs_bmap(u, in, lbn, &frag);
	if (rc)
		return rc;
	/* merge the following blocks while they continue the run */
	for (n = 1; n < UFS_MAP_MERGE; n++) {
		if ((lbn + n) << u->bshift >= in->size)
			break;
		rc = ufs_bmap(u, in, lbn + n, &next);
		if (rc)
			return rc;
		if (frag == 0 ? next != 0
			      : next != frag + (uint64_t)n * u->frag)
			break;
	}
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
