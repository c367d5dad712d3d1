/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An io_manager for libext2fs that reads through the fsimg window.
 *
 * libext2fs does its own I/O through an io_manager. Handing it the
 * unix_io_manager with "offset=N" would let it read anywhere in the image
 * file (it does not know where the partition ends) and open the file once
 * more per handle. This manager instead turns every block read into
 * fsimg_wread() on the filesystem's window: a read that would leave the
 * partition fails with EXT2_ET_SHORT_READ, and every handle shares the
 * image descriptor and its block cache. Writes are refused.
 *
 * The channel name carries the window's address ("fsimg-window:0x...");
 * only this driver makes such names, for a window that outlives every
 * handle opened on it.
 *
 * A lookup reads a whole directory once, block by block (libext2fs has no
 * other way to find a name in a directory without an htree). Through the
 * block cache that would push the metadata read again and again out for
 * blocks read once, and copy the directory into as many cache pages. While
 * a handle streams (ext_io_stream), single-block reads go instead through
 * a buffer of the channel's own: a read that continues the last one reads
 * twice as far ahead, up to EXT_IO_STREAM_MAX, straight from the image.
 * A handle is used by one thread at a time, so the buffer needs no lock.
 */
#include "ext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define EXT_IO_PREFIX "fsimg-window:"
/* Reads up to this size go through the image's metadata cache. */
#define EXT_IO_CACHED_MAX (16u << 10)

struct eio {
	const struct fsimg_window *w;
	bool stream;
	uint8_t *buf; /* EXT_IO_STREAM_MAX bytes, made on first use */
	uint64_t at;  /* window offset of buf's bytes */
	size_t len;   /* bytes valid in buf */
	size_t ahead; /* the last read-ahead's size */
};

int ext_io_name(const struct fsimg_window *w, char *buf, size_t size)
{
	int n = snprintf(buf, size, EXT_IO_PREFIX "%" PRIxPTR, (uintptr_t)w);

	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static errcode_t io_errcode(int rc)
{
	if (rc == -EIO || rc == -EFBIG)
		return EXT2_ET_SHORT_READ;
	return (errcode_t)-rc;
}

static struct struct_io_manager ext_io_mgr;
io_manager ext_window_io_manager = &ext_io_mgr;

static errcode_t eio_open(const char *name, int flags, io_channel *out)
{
	struct fsimg_window *w;
	struct eio *io;
	uintptr_t addr;
	io_channel ch = NULL;
	char *end;
	errcode_t err;

	if (!name || strncmp(name, EXT_IO_PREFIX, strlen(EXT_IO_PREFIX)))
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EROFS;
	addr = (uintptr_t)strtoull(name + strlen(EXT_IO_PREFIX), &end, 16);
	if (*end || !addr)
		return EXT2_ET_BAD_DEVICE_NAME;
	w = (struct fsimg_window *)addr;

	err = ext2fs_get_memzero(sizeof(*ch), &ch);
	if (err)
		return err;
	err = ext2fs_get_memzero(sizeof(*io), &io);
	if (err) {
		ext2fs_free_mem(&ch);
		return err;
	}
	io->w = w;
	err = ext2fs_get_mem(strlen(name) + 1, &ch->name);
	if (err) {
		ext2fs_free_mem(&io);
		ext2fs_free_mem(&ch);
		return err;
	}
	strcpy(ch->name, name);
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = ext_window_io_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->private_data = io;
	*out = ch;
	return 0;
}

static errcode_t eio_close(io_channel ch)
{
	struct eio *io = ch->private_data;

	if (--ch->refcount > 0)
		return 0;
	free(io->buf);
	ext2fs_free_mem(&io);
	ext2fs_free_mem(&ch->name);
	ext2fs_free_mem(&ch);
	return 0;
}

static errcode_t eio_set_blksize(io_channel ch, int blksize)
{
	if (blksize <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	ch->block_size = blksize;
	return 0;
}

void ext_io_stream(io_channel ch, bool on)
{
	struct eio *io = ch->private_data;

	io->stream = on;
	io->len = 0;
	io->ahead = 0;
}

/*
 * One block of a streamed walk: from the buffer, or read into it with what
 * follows. 1 when served, 0 when the caller should read it the usual way.
 */
static int stream_read(struct eio *io, uint64_t off, size_t size, void *data)
{
	uint64_t room;
	size_t want;

	if (off >= io->at && off - io->at <= io->len &&
	    size <= io->len - (off - io->at)) {
		memcpy(data, io->buf + (off - io->at), size);
		return 1;
	}
	if (!io->buf && !(io->buf = malloc(EXT_IO_STREAM_MAX)))
		return 0;
	want = off == io->at + io->len && io->ahead ? 2 * io->ahead : size;
	if (want > EXT_IO_STREAM_MAX)
		want = EXT_IO_STREAM_MAX;
	room = io->w->len - off;
	if (want > room)
		want = (size_t)room;
	io->len = 0;
	if (want < size || fsimg_wread(io->w, off, io->buf, want))
		return 0;
	io->at = off;
	io->len = want;
	io->ahead = want;
	memcpy(data, io->buf, size);
	return 1;
}

static errcode_t eio_read_blk64(io_channel ch, unsigned long long block,
				int count, void *data)
{
	struct eio *io = ch->private_data;
	const struct fsimg_window *w = io->w;
	uint64_t off, size;
	uint8_t *p = data;
	int rc;

	if (count < 0)
		size = (uint64_t) - (int64_t)count;
	else if (ckd_mul(&size, (uint64_t)count, (uint64_t)ch->block_size))
		return EXT2_ET_SHORT_READ;
	if (ckd_mul(&off, (uint64_t)block, (uint64_t)ch->block_size) ||
	    !fsimg_window_has(w, off, size)) {
		EXT_DBG("read of %llu bytes at block %llu leaves the "
			"window",
			(unsigned long long)size, block);
		return EXT2_ET_SHORT_READ;
	}
	if (io->stream && size <= (uint64_t)ch->block_size &&
	    stream_read(io, off, (size_t)size, p))
		return 0;
	if (size <= EXT_IO_CACHED_MAX) {
		rc = fsimg_wread_cached(w, off, p, (size_t)size);
		return rc ? io_errcode(rc) : 0;
	}
	while (size) {
		size_t n =
			size > FSIMG_READ_MAX ? FSIMG_READ_MAX : (size_t)size;

		rc = fsimg_wread(w, off, p, n);
		if (rc)
			return io_errcode(rc);
		p += n;
		off += n;
		size -= n;
	}
	return 0;
}

static errcode_t eio_read_blk(io_channel ch, unsigned long block, int count,
			      void *data)
{
	return eio_read_blk64(ch, block, count, data);
}

static errcode_t eio_write_blk64(io_channel ch, unsigned long long block,
				 int count, const void *data)
{
	(void)ch;
	(void)block;
	(void)count;
	(void)data;
	return EROFS;
}

static errcode_t eio_write_blk(io_channel ch, unsigned long block, int count,
			       const void *data)
{
	return eio_write_blk64(ch, block, count, data);
}

static errcode_t eio_write_byte(io_channel ch, unsigned long offset, int count,
				const void *data)
{
	return eio_write_blk64(ch, offset, count, data);
}

static errcode_t eio_flush(io_channel ch)
{
	(void)ch;
	return 0;
}

static errcode_t eio_set_option(io_channel ch, const char *option,
				const char *arg)
{
	(void)ch;
	(void)option;
	(void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager ext_io_mgr = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "fsimg window I/O manager",
	.open = eio_open,
	.close = eio_close,
	.set_blksize = eio_set_blksize,
	.read_blk = eio_read_blk,
	.write_blk = eio_write_blk,
	.flush = eio_flush,
	.write_byte = eio_write_byte,
	.set_option = eio_set_option,
	.read_blk64 = eio_read_blk64,
	.write_blk64 = eio_write_blk64,
};
