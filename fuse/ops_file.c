/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File data. Where the kernel allows it, open() is answered once, with
 * ENOSYS, and never again: reads then name only the node, whose fsimg_file
 * comes from the table of files.c. Otherwise open() gives each open file
 * an fsimg_file in fi->fh. Either way the page cache is kept across opens
 * (keep_cache): the image does not change.
 *
 * read() answers with data spliced straight from the image file when the
 * requested range is stored plainly (fsimg_file_map() and
 * fsimg_fs_plain() describe it as runs of the image file, or of a
 * container's clusters): a fuse_bufvec of FUSE_BUF_IS_FD |
 * FUSE_BUF_FD_SEEK buffers goes to fuse_reply_data(), which splices it
 * into /dev/fuse through a pipe (FUSE_CAP_SPLICE_WRITE) without copying
 * through user memory. Holes, compressed data and ranges made of many
 * small runs are read into memory with fsimg_file_read().
 *
 * A short reply would tell the kernel the file ends early (it trims the
 * cached size), so a read is always answered in full up to the end of the
 * file, or with an error. A splice cannot report that the image file was
 * truncated under us (it just returns less), so the spliced runs are first
 * checked against the image's current size: truncation gives EIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsfuse.h"

/* At most this many runs per spliced reply; more goes through memory. */
#define SPLICE_RUNS 8

void fsfuse_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	fsimg_file *f;
	int rc;

	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		fsfuse_reply_err(req, -EROFS);
		return;
	}
	if (ff->files) {
		/* "opened, no handle, no release": see files.c */
		fsfuse_reply_err(req, -ENOSYS);
		return;
	}
	rc = fsimg_file_open(ff->fs, fsfuse_ino(ff, ino), &f);
	if (rc) {
		fsfuse_reply_err(req, rc);
		return;
	}
	fi->fh = (uintptr_t)f;
	fi->keep_cache = 1;
	fi->noflush = 1;
	if (fsfuse_reply_open(req, fi))
		fsimg_file_close(f); /* interrupted: release will not come */
}

void fsfuse_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	if (fi->fh)
		fsimg_file_close((fsimg_file *)(uintptr_t)fi->fh);
	fsfuse_reply_ok(req);
}

/*
 * Describes [off, off + size) of f as plain runs of files in bv: the
 * driver maps the file to its disk (fsimg_file_map()), the image's source
 * maps the disk to the files it is stored in (fsimg_fs_plain(): the
 * image file itself, or a container's clusters). Returns 1 when it fits in
 * SPLICE_RUNS runs, 0 when it must go through memory (holes, compressed
 * data, many small runs), -errno on failure.
 */
static int map_runs(const struct fsfuse *ff, fsimg_file *f, uint64_t off,
		    size_t size, struct fuse_bufvec *bv)
{
	uint64_t pos = off, end = off + size;
	struct fsimg_extent ext;
	struct fsimg_plain p;
	size_t n = 0;
	int rc;

	while (pos < end) {
		uint64_t run, in;

		rc = fsimg_file_map(f, pos, &ext);
		if (rc == -EOPNOTSUPP)
			return 0;
		if (rc)
			return rc;
		if (ext.flags & FSIMG_EXTENT_HOLE)
			return 0;
		/* The driver's answer must contain pos and make progress. */
		if (ext.logical > pos || ext.length == 0 ||
		    ext.length - 1 < pos - ext.logical)
			return -EIO;
		in = pos - ext.logical;
		run = ext.length - in;
		if (run > end - pos)
			run = end - pos;
		if (ext.physical > UINT64_MAX - ext.length)
			return -EIO;
		/* the disk's run, as the files it is stored in */
		while (run) {
			if (n == SPLICE_RUNS)
				return 0;
			rc = fsimg_fs_plain(ff->fs, ext.physical + in, run, &p);
			if (rc <= 0)
				return rc;
			if (p.fd < 0 || p.len == 0)
				return 0; /* zeroes: through memory */
			if (p.len > run)
				p.len = run;
			bv->buf[n++] = (struct fuse_buf){
				.size = (size_t)p.len,
				.flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK,
				.fd = p.fd,
				.pos = (off_t)p.off,
			};
			in += p.len;
			pos += p.len;
			run -= p.len;
		}
	}
	bv->count = n;

	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (fstat(bv->buf[i].fd, &st))
			return -errno;
		if (S_ISREG(st.st_mode) &&
		    (uint64_t)bv->buf[i].pos + bv->buf[i].size >
			    (uint64_t)st.st_size)
			return -EIO; /* the image shrank under us */
	}
	return 1;
}

static void read_copy(fuse_req_t req, fsimg_file *f, size_t size, uint64_t off)
{
	size_t done = 0;
	char *buf;
	int saverr = 0;

	buf = malloc(size);
	if (!buf) {
		fsfuse_reply_err(req, -ENOMEM);
		return;
	}
	while (done < size) {
		ssize_t n =
			fsimg_file_read(f, buf + done, size - done, off + done);
		if (n < 0) {
			saverr = (int)n;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done < size && !saverr)
		saverr = -EIO; /* the file ended before its size said */
	if (saverr)
		fsfuse_reply_err(req, saverr);
	else
		fsfuse_reply_buf(req, buf, done);
	free(buf);
}

static void read_file(fuse_req_t req, fsimg_file *f, size_t size, off_t off)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	uint64_t fsize = fsimg_file_size(f);
	/* a fuse_bufvec whose buf[] holds SPLICE_RUNS entries */
	_Alignas(struct fuse_bufvec) unsigned char
		raw[sizeof(struct fuse_bufvec) +
		    (SPLICE_RUNS - 1) * sizeof(struct fuse_buf)];
	struct fuse_bufvec *bv = (struct fuse_bufvec *)raw;
	int rc;

	if (off < 0) {
		fsfuse_reply_err(req, -EINVAL);
		return;
	}
	if ((uint64_t)off >= fsize || size == 0) {
		fsfuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > fsize - (uint64_t)off)
		size = (size_t)(fsize - (uint64_t)off);

	memset(raw, 0, sizeof(raw));
	rc = map_runs(ff, f, (uint64_t)off, size, bv);
	if (rc < 0) {
		fsfuse_reply_err(req, rc);
		return;
	}
	if (rc == 0) {
		read_copy(req, f, size, (uint64_t)off);
		return;
	}
	fsfuse_reply_data(req, bv, 0);
}

void fsfuse_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct fsfuse *ff = fuse_req_userdata(req);
	fsimg_file *f;
	int rc;

	if (fi->fh) { /* opened by open() */
		read_file(req, (fsimg_file *)(uintptr_t)fi->fh, size, off);
		return;
	}
	if (!ff->files) {
		fsfuse_reply_err(req, -EBADF);
		return;
	}
	rc = fsfuse_file_get(ff->files, ff->fs, fsfuse_ino(ff, ino), &f);
	if (rc) {
		fsfuse_reply_err(req, rc);
		return;
	}
	read_file(req, f, size, off);
	fsfuse_file_put(ff->files, f);
}
