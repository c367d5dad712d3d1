/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the image source: windows, bounds, the block cache. */
#include "internal.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define IMG_SIZE (3 * FSIMG_CACHE_BLOCK + 1000)

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 8) * 13);
}

static int make_image(size_t size)
{
	int fd = memfd_create("img", MFD_CLOEXEC);
	uint8_t *buf = malloc(size);

	for (size_t i = 0; i < size; i++)
		buf[i] = pattern(i);
	if (write(fd, buf, size) != (ssize_t)size)
		abort();
	free(buf);
	return fd;
}

static int log_count;
static char log_last[1024];

static void log_fn(void *ctx, int err, const char *msg)
{
	(void)ctx;
	(void)err;
	log_count++;
	snprintf(log_last, sizeof(log_last), "%s", msg);
}

static bool check_bytes(const uint8_t *buf, uint64_t abs, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(abs + i))
			return false;
	return true;
}

struct thread_arg {
	struct fsimg_window *w;
	int failures;
};

static void *reader(void *p)
{
	struct thread_arg *a = p;
	uint8_t buf[3000];

	for (unsigned i = 0; i < 2000; i++) {
		uint64_t off = (i * 2654435761u) % (a->w->len - sizeof(buf));
		if (fsimg_wread_cached(a->w, off, buf, sizeof(buf)) ||
		    !check_bytes(buf, a->w->off + off, sizeof(buf)))
			a->failures++;
	}
	return NULL;
}

/* Reads 50 blocks in order from block first, twice, checking each. */
struct stream_arg {
	struct fsimg_window *w;
	uint64_t first;
	int failures;
};

static void *streamer(void *p)
{
	struct stream_arg *a = p;
	uint8_t buf[FSIMG_CACHE_BLOCK];

	for (int pass = 0; pass < 2; pass++)
		for (uint64_t b = a->first; b < a->first + 50; b++)
			if (fsimg_wread_cached(a->w, b * FSIMG_CACHE_BLOCK, buf,
					       sizeof(buf)) ||
			    !check_bytes(buf, b * FSIMG_CACHE_BLOCK,
					 sizeof(buf)))
				a->failures++;
	return NULL;
}

int main(void)
{
	fsimg_image *img;
	struct fsimg_window w;
	uint8_t buf[2 * FSIMG_CACHE_BLOCK];
	int fd = make_image(IMG_SIZE);
	int rc;

	rc = fsimg_image_open_fd(fd, "mem.img", &img);
	is_int(rc, 0, "open a memfd image");
	is_int(fsimg_image_size(img), IMG_SIZE, "image size");
	fsimg_image_set_log(img, log_fn, NULL);

	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 1000,
				   .len = 2 * FSIMG_CACHE_BLOCK };
	is_int(fsimg_wread(&w, 0, buf, 100), 0, "read at window start");
	ok(check_bytes(buf, 1000, 100), "window offset is applied");
	is_int(fsimg_wread(&w, w.len - 10, buf, 10), 0, "read the last bytes");
	is_int(fsimg_wread(&w, w.len - 10, buf, 11), -EIO,
	       "a read one byte past the window fails");
	is_int(fsimg_wread(&w, w.len, buf, 1), -EIO, "a read at the end fails");
	is_int(fsimg_wread(&w, UINT64_MAX - 2, buf, 10), -EIO,
	       "an offset that overflows fails");
	is_int(fsimg_wread(&w, 0, buf, (size_t)FSIMG_READ_MAX + 1), -EFBIG,
	       "a read over the size cap fails");
	is_int(fsimg_wread(&w, 5, buf, 0), 0, "an empty read succeeds");

	/* Cached reads that straddle cache blocks agree with direct reads. */
	{
		uint8_t a[5000], b[5000];
		bool same = true;
		for (uint64_t off = 0; off + sizeof(a) <= w.len; off += 777) {
			if (fsimg_wread(&w, off, a, sizeof(a)) ||
			    fsimg_wread_cached(&w, off, b, sizeof(b)) ||
			    memcmp(a, b, sizeof(a)))
				same = false;
		}
		ok(same, "cached reads equal direct reads across blocks");
		is_int(fsimg_wread_cached(&w, w.len - 1, a, 2), -EIO,
		       "cached read past the window fails");
	}

	/* A window at the very end of the image: the last block is short. */
	{
		struct fsimg_window tail = { .img = img,
					     .src = fsimg_image_top(img),
					     .off = IMG_SIZE - 500,
					     .len = 500 };
		is_int(fsimg_wread_cached(&tail, 0, buf, 500), 0,
		       "cached read of the short last block");
		ok(check_bytes(buf, IMG_SIZE - 500, 500),
		   "the short last block holds the right bytes");
	}

	/* Concurrent readers through the cache. */
	{
		pthread_t t[8];
		struct thread_arg args[8];
		int failures = 0;
		for (int i = 0; i < 8; i++) {
			args[i] = (struct thread_arg){ &w, 0 };
			pthread_create(&t[i], NULL, reader, &args[i]);
		}
		for (int i = 0; i < 8; i++) {
			pthread_join(t[i], NULL);
			failures += args[i].failures;
		}
		is_int(failures, 0, "8 threads read through the cache");
	}

	/*
	 * The image shrinks after opening: reads of what is gone fail with a
	 * message. (Blocks already in the cache stay as they were read, like
	 * the kernel's page cache; a fresh image handle has none.)
	 */
	{
		fsimg_image *img2;
		int fd2 = make_image(IMG_SIZE);
		struct fsimg_window all = { .img = NULL,
					    .off = 0,
					    .len = IMG_SIZE };

		fsimg_image_open_fd(fd2, "mem2.img", &img2);
		fsimg_image_set_log(img2, log_fn, NULL);
		all.img = img2;
		all.src = fsimg_image_top(img2);
		log_count = 0;
		if (ftruncate(fd2, 2 * FSIMG_CACHE_BLOCK) != 0)
			abort();
		rc = fsimg_wread(&all, IMG_SIZE - 100, buf, 50);
		is_int(rc, -EIO, "reading a truncated part fails with EIO");
		ok(log_count == 1 && strstr(log_last, "shorter"),
		   "and says the image is shorter: %s", log_last);
		rc = fsimg_wread_cached(&all, IMG_SIZE - 100, buf, 50);
		is_int(rc, -EIO, "a cached read of it fails too");
		is_int(fsimg_wread_cached(&all, 0, buf, 50), 0,
		       "what is still there reads");
		fsimg_image_close(img2);
	}

	/*
	 * Read-ahead: blocks read in order fill runs of up to 16 blocks
	 * (lib/source.c). Every byte is right, to the short last block; in
	 * parallel streams; and when the image shrank after opening, a run
	 * that reaches past its new end falls back to the block asked for.
	 */
	{
		size_t big = 200 * FSIMG_CACHE_BLOCK + 300;
		fsimg_image *img3;
		int fd3 = make_image(big);
		struct fsimg_window all = { .off = 0, .len = big };
		pthread_t t[4];
		struct stream_arg sa[4];
		bool good = true;
		int failures = 0;

		fsimg_image_open_fd(fd3, "mem3.img", &img3);
		fsimg_image_set_log(img3, log_fn, NULL);
		all.img = img3;
		all.src = fsimg_image_top(img3);
		for (uint64_t off = 0; off < big && good; off += 1000) {
			size_t n = big - off < 1000 ? big - off : 1000;
			good = !fsimg_wread_cached(&all, off, buf, n) &&
			       check_bytes(buf, off, n);
		}
		ok(good, "sequential cached reads, read ahead, are exact");
		for (int i = 0; i < 4; i++) {
			sa[i] = (struct stream_arg){ &all, (uint64_t)i * 50,
						     0 };
			pthread_create(&t[i], NULL, streamer, &sa[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			failures += sa[i].failures;
		}
		is_int(failures, 0, "4 threads streaming at once read exactly");
		fsimg_image_close(img3);

		fd3 = make_image(big);
		fsimg_image_open_fd(fd3, "mem4.img", &img3);
		fsimg_image_set_log(img3, log_fn, NULL);
		all.img = img3;
		all.src = fsimg_image_top(img3);
		if (ftruncate(fd3, 10 * FSIMG_CACHE_BLOCK + 100) != 0)
			abort();
		good = true;
		for (uint64_t b = 0; b < 10 && good; b++)
			good = !fsimg_wread_cached(&all, b * FSIMG_CACHE_BLOCK,
						   buf, FSIMG_CACHE_BLOCK) &&
			       check_bytes(buf, b * FSIMG_CACHE_BLOCK,
					   FSIMG_CACHE_BLOCK);
		ok(good, "a run past a shrunk image's end: the block alone");
		is_int(fsimg_wread_cached(&all, 10 * FSIMG_CACHE_BLOCK, buf,
					  10),
		       -EIO, "and a block cut short fails");
		fsimg_image_close(img3);
	}

	/*
	 * Read-ahead follows sequences of misses even when they interleave
	 * (a directory's blocks and its inodes' table), and goes on across
	 * a sequence's small steps. Counted in read calls (/proc/self/io).
	 */
	{
		size_t sz = 256 * FSIMG_CACHE_BLOCK;
		int fd4 = make_image(sz);
		fsimg_image *img4;
		struct fsimg_window all4;
		long before;
		bool good = true;

		fsimg_image_open_fd(fd4, "mem5.img", &img4);
		all4 = (struct fsimg_window){ .img = img4,
					      .src = fsimg_image_top(img4),
					      .len = sz };
		before = read_calls();
		for (uint64_t i = 0; i < 64 && good; i++)
			for (uint64_t b = i; b < 256 && good; b += 128)
				good = !fsimg_wread_cached(
					       &all4, b * FSIMG_CACHE_BLOCK,
					       buf, 8) &&
				       check_bytes(buf, b * FSIMG_CACHE_BLOCK,
						   8);
		ok(good, "two interleaved sequences read the right bytes");
		/* 8 runs each (1, 2, 4, 8, 16, ...); one at a time: 128 */
		ok(before >= 0 && read_calls() - before <= 24,
		   "two interleaved sequences: a read per run, not per block");

		fsimg_image_close(img4);
		fd4 = make_image(sz);
		fsimg_image_open_fd(fd4, "mem6.img", &img4);
		all4.img = img4;
		all4.src = fsimg_image_top(img4);
		before = read_calls();
		for (uint64_t b = 0; b < 256 && good; b += 3)
			good = !fsimg_wread_cached(&all4,
						   b * FSIMG_CACHE_BLOCK + 100,
						   buf, 8) &&
			       check_bytes(buf, b * FSIMG_CACHE_BLOCK + 100, 8);
		ok(good, "every third block read right");
		/* 1, 2, 4, 8 and then 16 blocks a run; a block a run: 86 */
		ok(before >= 0 && read_calls() - before <= 24,
		   "every third block: read ahead as one sequence");
		fsimg_image_close(img4);

		/* a request of several blocks that misses: one read */
		fd4 = make_image(sz);
		fsimg_image_open_fd(fd4, "mem7.img", &img4);
		all4.img = img4;
		all4.src = fsimg_image_top(img4);
		{
			size_t n = 10 * FSIMG_CACHE_BLOCK;
			uint8_t *big = malloc(n);
			uint64_t at = 100 * FSIMG_CACHE_BLOCK + 5;

			before = read_calls();
			ok(big && !fsimg_wread_cached(&all4, at, big, n) &&
				   check_bytes(big, at, n),
			   "eleven blocks in one request read right");
			/* the read, and read_calls()'s own; by runs of
			 * 1, 2, 4 and 8 blocks: 4 reads */
			ok(before >= 0 && read_calls() - before <= 2,
			   "eleven blocks that miss: one read");
			free(big);
		}
		fsimg_image_close(img4);
	}

	/* Opening things that are not images. */
	{
		fsimg_image *d;
		is_int(fsimg_image_open("/", 0, &d), -EISDIR,
		       "a directory is refused");
		is_int(fsimg_image_open("/nonexistent/x.iso", 0, &d), -ENOENT,
		       "a missing file is ENOENT");
		is_int(fsimg_image_open("/dev/null", 0, &d), -EINVAL,
		       "a character device is refused");
	}

	fsimg_image_close(img);
	return tap_done();
}
