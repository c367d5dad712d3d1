/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The image source: one file descriptor shared by every filesystem opened
 * on the image, byte windows over it, one bounded read primitive and a small
 * block cache for metadata.
 *
 * Reads use pread() only, never a shared file position, so any number of
 * threads may read at once. The cache is direct-mapped on absolute 4 KiB
 * blocks of the image file; each slot has its own lock, so readers of
 * different blocks do not contend.
 */
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#endif

struct cache_slot {
	pthread_mutex_t lock;
	uint64_t block; /* absolute block number + 1; 0 = empty */
	uint32_t valid; /* bytes valid (short at the end of the image) */
};

/*
 * The slots and their data are two allocations: the small slot array is
 * initialised, the data area is left untouched (malloc, not calloc), so
 * opening an image faults in only the pages it reads. Touching all 4 MiB
 * at open cost more than parsing a small image. An image smaller than the
 * cache gets a cache of its own size (rounded up to a power of two slots):
 * nothing more could ever be cached.
 */
struct fsimg_cache {
	unsigned nslots; /* a power of two, at most FSIMG_CACHE_SLOTS */
	uint8_t *data;	 /* slot i's block at data + i * FSIMG_CACHE_BLOCK */
	struct cache_slot slot[];
};

static uint8_t *slot_data(struct fsimg_cache *c, const struct cache_slot *s)
{
	return c->data + (size_t)(s - c->slot) * FSIMG_CACHE_BLOCK;
}

int fsimg_cache_new(uint64_t image_size, struct fsimg_cache **out)
{
	struct fsimg_cache *c;
	unsigned n = 1;

	while (n < FSIMG_CACHE_SLOTS &&
	       (uint64_t)n * FSIMG_CACHE_BLOCK < image_size)
		n *= 2;
	c = calloc(1, sizeof(*c) + n * sizeof(c->slot[0]));
	if (!c)
		return -ENOMEM;
	c->nslots = n;
	c->data = malloc((size_t)n * FSIMG_CACHE_BLOCK);
	if (!c->data) {
		free(c);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++)
		pthread_mutex_init(&c->slot[i].lock, NULL);
	*out = c;
	return 0;
}

void fsimg_cache_free(struct fsimg_cache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nslots; i++)
		pthread_mutex_destroy(&c->slot[i].lock);
	free(c->data);
	free(c);
}

/* pread until len bytes are in or the file ends; -EIO on a short file. */
static int pread_full(fsimg_image *img, uint64_t off, void *buf, size_t len,
		      size_t *got)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(img->fd, p + done, len - done,
				  (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (got)
		*got = done;
	return 0;
}

static int image_range_check(fsimg_image *img, uint64_t off, size_t len)
{
	uint64_t end;

	if (len > FSIMG_READ_MAX)
		return -EFBIG;
	if (ckd_add(&end, off, (uint64_t)len) || end > img->size)
		return -EIO;
	return 0;
}

int fsimg_image_read(fsimg_image *img, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;
	int rc = image_range_check(img, off, len);

	if (rc)
		return rc;
	rc = pread_full(img, off, buf, len, &got);
	if (rc)
		return rc;
	if (got != len) {
		/* The file shrank under us: report, do not invent zeroes. */
		return fsimg_err(
			img, -EIO,
			"short read at byte %llu: the image is shorter "
			"than when it was opened",
			(unsigned long long)(off + got));
	}
	return 0;
}

static int window_abs(const struct fsimg_window *w, uint64_t off, size_t len,
		      uint64_t *abs)
{
	if (len > FSIMG_READ_MAX)
		return -EFBIG;
	if (!fsimg_window_has(w, off, len))
		return -EIO;
	if (ckd_add(abs, w->off, off))
		return -EIO;
	return 0;
}

bool fsimg_window_clamp(fsimg_image *img, uint64_t start, uint64_t size,
			struct fsimg_window *w)
{
	if (start >= img->size)
		return false;
	w->img = img;
	w->off = start;
	w->len = size < img->size - start ? size : img->size - start;
	w->label = NULL;
	return true;
}

int fsimg_wread(const struct fsimg_window *w, uint64_t off, void *buf,
		size_t len)
{
	uint64_t abs;
	int rc = window_abs(w, off, len, &abs);

	if (rc) {
		DBG(SRC, "src", "read %zu at %llu outside window of %llu: %d",
		    len, (unsigned long long)off, (unsigned long long)w->len,
		    rc);
		return rc;
	}
	return fsimg_image_read(w->img, abs, buf, len);
}

static int cache_fill(fsimg_image *img, struct cache_slot *s, uint64_t block)
{
	uint64_t start = block * FSIMG_CACHE_BLOCK;
	size_t want = FSIMG_CACHE_BLOCK, got = 0;
	int rc;

	if (start >= img->size)
		return -EIO;
	if (img->size - start < want)
		want = (size_t)(img->size - start);
	rc = pread_full(img, start, slot_data(img->cache, s), want, &got);
	if (rc)
		return rc;
	s->block = block + 1;
	s->valid = (uint32_t)got;
	return 0;
}

int fsimg_wread_cached(const struct fsimg_window *w, uint64_t off, void *buf,
		       size_t len)
{
	fsimg_image *img = w->img;
	uint64_t abs;
	uint8_t *out = buf;
	int rc = window_abs(w, off, len, &abs);

	if (rc)
		return rc;
	if (!img->cache)
		return fsimg_image_read(img, abs, buf, len);
	rc = image_range_check(img, abs, len);
	if (rc)
		return rc;

	while (len) {
		uint64_t block = abs / FSIMG_CACHE_BLOCK;
		size_t in = (size_t)(abs % FSIMG_CACHE_BLOCK);
		size_t n = FSIMG_CACHE_BLOCK - in;
		struct cache_slot *s =
			&img->cache->slot[block & (img->cache->nslots - 1)];

		if (n > len)
			n = len;
		pthread_mutex_lock(&s->lock);
		if (s->block != block + 1) {
			DBG(CACHE, "cache", "miss block %llu",
			    (unsigned long long)block);
			rc = cache_fill(img, s, block);
		}
		if (!rc && s->valid < in + n)
			rc = fsimg_err(img, -EIO,
				       "short read at byte %llu: the image is "
				       "shorter than when it was opened",
				       (unsigned long long)abs);
		if (!rc)
			memcpy(out, slot_data(img->cache, s) + in, n);
		else
			s->block = 0;
		pthread_mutex_unlock(&s->lock);
		if (rc)
			return rc;
		out += n;
		abs += n;
		len -= n;
	}
	return 0;
}

/* --- image handles ------------------------------------------------------ */

static int image_size_of(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
#ifdef BLKGETSIZE64
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes;
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			return -errno;
		*size = bytes;
		return 0;
	}
#endif
	return -EINVAL;
}

int fsimg_image_open_fd(int fd, const char *name, fsimg_image **out)
{
	fsimg_image *img;
	int rc;

	fsimg_debug_init();
	img = calloc(1, sizeof(*img));
	if (!img) {
		rc = -ENOMEM;
		goto err_fd;
	}
	img->fd = fd;
	img->name = strdup(name ? name : "(image)");
	if (!img->name) {
		rc = -ENOMEM;
		goto err_img;
	}
	rc = image_size_of(fd, &img->size);
	if (rc)
		goto err_name;
	rc = fsimg_cache_new(img->size, &img->cache);
	if (rc)
		goto err_name;
	atomic_init(&img->refs, 1);
	DBG(SRC, "src", "opened %s: %llu bytes", img->name,
	    (unsigned long long)img->size);
	*out = img;
	return 0;

err_name:
	free(img->name);
err_img:
	free(img);
err_fd:
	close(fd);
	return rc;
}

int fsimg_image_open(const char *path, unsigned flags, fsimg_image **out)
{
	int fd = open(path, ((flags & FSIMG_OPEN_RW) ? O_RDWR : O_RDONLY) |
				    O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		int rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return rc;
	}
	return fsimg_image_open_fd(fd, path, out);
}

void fsimg_image_ref(fsimg_image *img)
{
	atomic_fetch_add(&img->refs, 1);
}

void fsimg_image_close(fsimg_image *img)
{
	if (!img || atomic_fetch_sub(&img->refs, 1) != 1)
		return;
	fsimg_cache_free(img->cache);
	close(img->fd);
	free(img->name);
	free(img);
}

uint64_t fsimg_image_size(const fsimg_image *img)
{
	return img->size;
}

const char *fsimg_image_name(const fsimg_image *img)
{
	return img->name;
}

int fsimg_image_fd(const fsimg_image *img)
{
	return img->fd;
}

void fsimg_image_set_log(fsimg_image *img, fsimg_log_fn fn, void *ctx)
{
	img->log_fn = fn;
	img->log_ctx = ctx;
}
