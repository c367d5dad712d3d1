/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sources (source.h) and the image over them: a raw file, or the container
 * found in it, read in bounded runs; byte windows over the image's disk;
 * a small block cache per source for metadata.
 *
 * Reads use pread() only, never a shared file position, so any number of
 * threads may read at once. A cache is direct-mapped on 4 KiB blocks of
 * its source; each slot has its own lock, so readers of different blocks do
 * not contend.
 */
#include "internal.h"
#include "probes.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#endif

struct cache_slot {
	pthread_mutex_t lock;
	uint64_t block; /* absolute block number + 1; 0 = empty */
	uint32_t valid; /* bytes valid (short at the end of the image) */
	bool touched;	/* its data page has been written once */
};

/*
 * The slots and their data are mapped but left untouched, so opening an
 * image faults in only the pages it reads. Touching all 4 MiB at open cost
 * more than parsing a small image. An image smaller than the cache gets a
 * cache of its own size (rounded up to a power of two slots): nothing more
 * could ever be cached.
 */
struct fsimg_cache {
	unsigned nslots; /* a power of two, at most FSIMG_CACHE_SLOTS */
	uint8_t *data;	 /* slot i's block at data + i * FSIMG_CACHE_BLOCK */
	/*
	 * Readahead: for each of the last few sequences of misses, the block
	 * after its last run and that run's length (see cache_fill). Hints
	 * only (read and written without a lock): a stale value costs one
	 * run of the wrong length, never wrong data.
	 */
	struct {
		_Atomic uint64_t next;
		_Atomic unsigned len;
		_Atomic unsigned used; /* ra_clock when last continued */
	} ra[FSIMG_CACHE_STREAMS];
	_Atomic unsigned ra_clock;
	struct cache_slot slot[];
};

static uint8_t *slot_data(struct fsimg_cache *c, const struct cache_slot *s)
{
	return c->data + (size_t)(s - c->slot) * FSIMG_CACHE_BLOCK;
}

/*
 * Where PTHREAD_MUTEX_INITIALIZER is all zero bytes (glibc, musl), the
 * zeroes of fresh anonymous memory are initialised mutexes already: the
 * slots need no write that would fault in every page of them (14 pages,
 * some 0.2 ms of a one-file fsimg cat).
 */
static bool mutex_zero_ready(void)
{
	static const pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	static const unsigned char zero[sizeof(m)];

	return !memcmp(&m, zero, sizeof(m));
}

static size_t cache_head(unsigned nslots)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n =
		sizeof(struct fsimg_cache) + nslots * sizeof(struct cache_slot);

	return (n + page - 1) / page * page;
}

int fsimg_cache_new(uint64_t image_size, struct fsimg_cache **out)
{
	struct fsimg_cache *c;
	unsigned n = 1;
	size_t head;
	void *p;

	while (n < FSIMG_CACHE_SLOTS &&
	       (uint64_t)n * FSIMG_CACHE_BLOCK < image_size)
		n *= 2;
	/* one mapping: the slots, then the data, each page as first used */
	head = cache_head(n);
	p = mmap(NULL, head + (size_t)n * FSIMG_CACHE_BLOCK,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	c = p;
	c->nslots = n;
	c->data = (uint8_t *)p + head;
	if (!mutex_zero_ready())
		for (unsigned i = 0; i < n; i++)
			pthread_mutex_init(&c->slot[i].lock, NULL);
	*out = c;
	return 0;
}

void fsimg_cache_free(struct fsimg_cache *c)
{
	size_t head;

	if (!c)
		return;
	head = cache_head(c->nslots);
	/*
	 * Where the initialiser is zeroes (glibc, musl), destroying an unlocked
	 * mutex releases nothing: the pages of slots never used stay unread.
	 */
	if (!mutex_zero_ready())
		for (unsigned i = 0; i < c->nslots; i++)
			pthread_mutex_destroy(&c->slot[i].lock);
	munmap(c, head + (size_t)c->nslots * FSIMG_CACHE_BLOCK);
}

/* --- sources ------------------------------------------------------------- */

static int source_alloc(fsimg_image *img, const char *format, const char *name,
			struct fsimg_source **out)
{
	struct fsimg_source *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->name = strdup(name ? name : "(image)");
	if (!s->name) {
		free(s);
		return -ENOMEM;
	}
	s->format = format;
	s->img = img;
	s->fd = -1;
	s->refs = 1;
	pthread_mutex_init(&s->cache_lock, NULL);
	*out = s;
	return 0;
}

static int file_size_of(int fd, uint64_t *size)
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

int fsimg_source_file(fsimg_image *img, int fd, const char *name,
		      struct fsimg_source **out)
{
	struct fsimg_source *s;
	int rc = source_alloc(img, "raw", name, &s);

	if (rc) {
		close(fd);
		return rc;
	}
	s->fd = fd;
	rc = file_size_of(fd, &s->size);
	if (rc) {
		fsimg_source_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int fsimg_source_new(fsimg_image *img, const char *format,
		     const struct fsimg_source_ops *ops,
		     struct fsimg_source *lower, struct fsimg_source **out)
{
	struct fsimg_source *s;
	int rc = source_alloc(img, format, lower ? lower->name : NULL, &s);

	if (rc) {
		fsimg_source_close(lower);
		return rc;
	}
	s->ops = ops;
	s->lower = lower;
	*out = s;
	return 0;
}

void fsimg_source_close(struct fsimg_source *s)
{
	if (!s || --s->refs)
		return;
	if (s->ops && s->ops->close)
		s->ops->close(s);
	fsimg_source_close(s->backing);
	fsimg_source_close(s->lower);
	if (s->fd >= 0)
		close(s->fd);
	fsimg_cache_free(s->cache);
	pthread_mutex_destroy(&s->cache_lock);
	free(s->name);
	free(s);
}

int fsimg_serr(const struct fsimg_source *s, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!s->img || !s->img->log_fn)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fsimg_err(s->img, err, "%s %s: %s", s->format, s->name, msg);
}

/* pread until len bytes are in or the file ends. */
static int pread_full(int fd, uint64_t off, void *buf, size_t len, size_t *got)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n =
			pread(fd, p + done, len - done, (off_t)(off + done));
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

static int range_check(const struct fsimg_source *s, uint64_t off, size_t len)
{
	uint64_t end;

	if (len > FSIMG_READ_MAX)
		return -EFBIG;
	if (ckd_add(&end, off, (uint64_t)len) || end > s->size)
		return -EIO;
	return 0;
}

static int file_read(struct fsimg_source *s, uint64_t off, void *buf,
		     size_t len)
{
	size_t got = 0;
	int rc;

	FSIMG_PROBE3(image__read__start, s->name, off, len);
	rc = pread_full(s->fd, off, buf, len, &got);
	FSIMG_PROBE4(image__read__done, s->name, off, len,
		     rc		  ? rc
		     : got != len ? -EIO
				  : 0);
	if (rc)
		return rc;
	if (got != len) /* the file shrank under us: do not invent zeroes */
		return fsimg_err(s->img, -EIO,
				 "short read at byte %llu of %s: the file is "
				 "shorter than when it was opened",
				 (unsigned long long)(off + got), s->name);
	return 0;
}

/*
 * The run of s at off asked of its map(), checked: it starts at off, makes
 * progress, stays inside what was asked and, stored below, inside lower.
 */
static int source_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		      struct fsimg_run *run)
{
	uint64_t end;
	int rc;

	memset(run, 0, sizeof(*run));
	rc = s->ops->map(s, off, len, run);
	if (rc)
		return rc;
	if (run->len == 0 || run->len > len)
		return fsimg_serr(s, -EIO, "bad run of %llu bytes at %llu",
				  (unsigned long long)run->len,
				  (unsigned long long)off);
	switch (run->kind) {
	case FSIMG_RUN_LOWER:
		if (!s->lower || ckd_add(&end, run->at, run->len) ||
		    end > s->lower->size)
			return fsimg_serr(s, -EIO,
					  "data of byte %llu is stored at "
					  "%llu, past the end of the file",
					  (unsigned long long)off,
					  (unsigned long long)run->at);
		return 0;
	case FSIMG_RUN_ZERO:
		return 0;
	case FSIMG_RUN_BACKING:
		return s->backing ? 0
				  : fsimg_serr(s, -EIO,
					       "byte %llu is in a backing "
					       "file, and there is none",
					       (unsigned long long)off);
	case FSIMG_RUN_OTHER:
		return s->ops->read_other
			       ? 0
			       : fsimg_serr(s, -EIO, "byte %llu: no decoder",
					    (unsigned long long)off);
	}
	return -EIO;
}

/* The backing source's bytes at off, zeroes past its end. */
static int backing_read(struct fsimg_source *b, uint64_t off, uint8_t *buf,
			size_t len)
{
	size_t in = 0;

	if (off < b->size)
		in = b->size - off < len ? (size_t)(b->size - off) : len;
	memset(buf + in, 0, len - in);
	return in ? fsimg_source_read(b, off, buf, in) : 0;
}

int fsimg_source_read(struct fsimg_source *s, uint64_t off, void *buf,
		      size_t len)
{
	uint8_t *p = buf;
	int rc = range_check(s, off, len);

	if (rc)
		return rc;
	if (!s->ops)
		return file_read(s, off, buf, len);
	while (len) {
		struct fsimg_run run;
		size_t n;

		rc = source_map(s, off, len, &run);
		if (rc)
			return rc;
		n = (size_t)run.len;
		switch (run.kind) {
		case FSIMG_RUN_LOWER:
			rc = fsimg_source_read(s->lower, run.at, p, n);
			break;
		case FSIMG_RUN_ZERO:
			memset(p, 0, n);
			break;
		case FSIMG_RUN_BACKING:
			rc = backing_read(s->backing, off, p, n);
			break;
		case FSIMG_RUN_OTHER:
			rc = s->ops->read_other(s, off, p, n);
			break;
		}
		if (rc)
			return rc;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int fsimg_source_plain(struct fsimg_source *s, uint64_t off, uint64_t len,
		       struct fsimg_plain *p)
{
	struct fsimg_run run;
	int rc;

	if (len == 0 || off >= s->size)
		return -EIO;
	if (len > s->size - off)
		len = s->size - off;
	for (unsigned depth = 0;; depth++) {
		if (!s->ops) {
			*p = (struct fsimg_plain){ .fd = s->fd,
						   .off = off,
						   .len = len };
			return 1;
		}
		if (depth > 2 * FSIMG_CHAIN_MAX)
			return -ELOOP;
		rc = source_map(s, off, len, &run);
		if (rc)
			return rc;
		switch (run.kind) {
		case FSIMG_RUN_ZERO:
			*p = (struct fsimg_plain){ .fd = -1, .len = run.len };
			return 1;
		case FSIMG_RUN_OTHER:
			return 0;
		case FSIMG_RUN_LOWER:
			off = run.at;
			len = run.len;
			s = s->lower;
			break;
		case FSIMG_RUN_BACKING:
			len = run.len;
			if (off >= s->backing->size) {
				*p = (struct fsimg_plain){ .fd = -1,
							   .len = len };
				return 1;
			}
			s = s->backing;
			if (len > s->size - off)
				len = s->size - off;
			break;
		}
	}
}

/*
 * A miss reads its block and the rest of the request's blocks (up to
 * FSIMG_CACHE_RA): a directory asked for whole is one read, not one per
 * block. When the misses run in sequence (a directory, an inode table, a
 * chain of blocks walked in order) the blocks after it are read too: the
 * run doubles on each miss that continues a sequence, up to
 * FSIMG_CACHE_RA blocks, so a metadata walk costs one read per run instead
 * of one per block. The run's slots are consecutive (slot = block modulo
 * nslots), so it is one read into the data area. Its other slots are taken
 * with trylock only: a slot in use, or already holding its block, ends the
 * run there. The caller holds the lock of the first slot.
 *
 * Walks interleave sequences: ls -l of an ext4 or UFS directory reads its
 * blocks and, between them, the inode table, each in order. One remembered
 * sequence would be broken by every read of the other (a cold ls -lR of
 * 20,000 files: 1,144 reads, 846 of one block); a few are kept, and a miss
 * that continues none of them replaces the one continued longest ago.
 * A miss a little past where a sequence was expected continues it too: a
 * run ends at a block already cached, and a walk may step over blocks (the
 * inodes of a directory's subdirectories, a few blocks apart in a table
 * whose blocks in between are read soon after).
 */
#define FSIMG_CACHE_RA 16u

/*
 * The data area is mapped but not touched until used (see above). A run
 * read into fresh pages would take a page fault per block inside pread;
 * asking the kernel to populate them first is one call for the run, and a
 * fault costs more than a block's copy (12 against 1 us per page on the
 * machine of tests/bench/RESULTS.md). Best effort: without
 * MADV_POPULATE_WRITE (Linux 5.14) the pages fault in as before.
 */
static void populate(struct fsimg_cache *c, struct cache_slot *slot,
		     unsigned run)
{
	unsigned fresh = 0;

	for (unsigned i = 0; i < run; i++) {
		fresh += !slot[i].touched;
		slot[i].touched = true;
	}
#ifdef MADV_POPULATE_WRITE
	if (fresh > 1)
		(void)madvise(slot_data(c, slot),
			      (size_t)run * FSIMG_CACHE_BLOCK,
			      MADV_POPULATE_WRITE);
#else
	(void)c;
	(void)fresh;
#endif
}

/*
 * The sequence a miss at block continues (*len: twice its last run), or
 * else the least recently continued one, which the miss's run replaces
 * (*len unchanged).
 */
static unsigned ra_stream(struct fsimg_cache *c, uint64_t block, unsigned *len)
{
	unsigned now = atomic_fetch_add_explicit(&c->ra_clock, 1,
						 memory_order_relaxed) +
		       1;
	unsigned pick = 0, oldest = 0;

	for (unsigned i = 0; i < FSIMG_CACHE_STREAMS; i++) {
		uint64_t next = atomic_load_explicit(&c->ra[i].next,
						     memory_order_relaxed);
		unsigned age = now - atomic_load_explicit(&c->ra[i].used,
							  memory_order_relaxed);

		if (next && block >= next && block - next < FSIMG_CACHE_RA) {
			*len = 2 * atomic_load_explicit(&c->ra[i].len,
							memory_order_relaxed);
			pick = i;
			break;
		}
		if (age > oldest) {
			oldest = age;
			pick = i;
		}
	}
	atomic_store_explicit(&c->ra[pick].used, now, memory_order_relaxed);
	return pick;
}

static int cache_fill(struct fsimg_source *s, struct fsimg_cache *c,
		      struct cache_slot *slot, uint64_t block, unsigned need)
{
	uint64_t start = block * FSIMG_CACHE_BLOCK;
	size_t first = (size_t)(slot - c->slot), want;
	unsigned run = 1, len = 1, ra;
	int rc;

	if (start >= s->size)
		return -EIO;
	ra = ra_stream(c, block, &len);
	if (len < need)
		len = need;
	if (len > FSIMG_CACHE_RA)
		len = FSIMG_CACHE_RA;
	if (len > c->nslots - first)
		len = (unsigned)(c->nslots - first);
	while (run < len &&
	       start + (uint64_t)run * FSIMG_CACHE_BLOCK < s->size) {
		struct cache_slot *x = slot + run;

		if (pthread_mutex_trylock(&x->lock))
			break;
		if (x->block == block + run + 1) {
			pthread_mutex_unlock(&x->lock);
			break;
		}
		run++;
	}
	want = (size_t)run * FSIMG_CACHE_BLOCK;
	if (s->size - start < want)
		want = (size_t)(s->size - start);
	populate(c, slot, run);
	rc = fsimg_source_read(s, start, slot_data(c, slot), want);
	if (rc && run > 1) {
		/* the run may reach what cannot be read; the block alone */
		want = s->size - start < FSIMG_CACHE_BLOCK
			       ? (size_t)(s->size - start)
			       : FSIMG_CACHE_BLOCK;
		rc = fsimg_source_read(s, start, slot_data(c, slot), want);
		for (unsigned i = 1; i < run; i++) {
			slot[i].block = 0;
			pthread_mutex_unlock(&slot[i].lock);
		}
		run = 1;
	}
	for (unsigned i = 1; i < run; i++) {
		size_t at = (size_t)i * FSIMG_CACHE_BLOCK;

		slot[i].block = block + i + 1;
		slot[i].valid = (uint32_t)(want - at < FSIMG_CACHE_BLOCK
						   ? want - at
						   : FSIMG_CACHE_BLOCK);
		pthread_mutex_unlock(&slot[i].lock);
	}
	atomic_store_explicit(&c->ra[ra].next, block + run,
			      memory_order_relaxed);
	atomic_store_explicit(&c->ra[ra].len, run, memory_order_relaxed);
	if (rc)
		return rc;
	slot->block = block + 1;
	slot->valid =
		(uint32_t)(want < FSIMG_CACHE_BLOCK ? want : FSIMG_CACHE_BLOCK);
	return 0;
}

/* The blocks a read of len bytes at off touches (len > 0), at most 2^31. */
static unsigned blocks_to(uint64_t off, size_t len)
{
	uint64_t n = (off % FSIMG_CACHE_BLOCK + len + FSIMG_CACHE_BLOCK - 1) /
		     FSIMG_CACHE_BLOCK;

	return n > (1u << 31) ? 1u << 31 : (unsigned)n;
}

static struct fsimg_cache *source_cache(struct fsimg_source *s)
{
	struct fsimg_cache *c;

	pthread_mutex_lock(&s->cache_lock);
	if (!s->cache && fsimg_cache_new(s->size, &s->cache))
		s->cache = NULL;
	c = s->cache;
	pthread_mutex_unlock(&s->cache_lock);
	return c;
}

int fsimg_source_read_cached(struct fsimg_source *s, uint64_t off, void *buf,
			     size_t len)
{
	struct fsimg_cache *c;
	uint8_t *out = buf;
	int rc = range_check(s, off, len);

	if (rc)
		return rc;
	c = source_cache(s);
	if (!c)
		return fsimg_source_read(s, off, buf, len);
	while (len) {
		uint64_t block = off / FSIMG_CACHE_BLOCK;
		size_t in = (size_t)(off % FSIMG_CACHE_BLOCK);
		size_t n = FSIMG_CACHE_BLOCK - in;
		struct cache_slot *slot = &c->slot[block & (c->nslots - 1)];

		if (n > len)
			n = len;
		pthread_mutex_lock(&slot->lock);
		if (slot->block != block + 1) {
			FSIMG_PROBE2(cache__miss, s->format, block);
			DBG(CACHE, "cache", "%s: miss block %llu", s->format,
			    (unsigned long long)block);
			rc = cache_fill(s, c, slot, block, blocks_to(off, len));
		} else {
			FSIMG_PROBE2(cache__hit, s->format, block);
		}
		if (!rc && slot->valid < in + n)
			rc = -EIO;
		if (!rc)
			memcpy(out, slot_data(c, slot) + in, n);
		else
			slot->block = 0;
		pthread_mutex_unlock(&slot->lock);
		if (rc)
			return rc;
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* --- windows ---------------------------------------------------------------
 */

int fsimg_image_read(fsimg_image *img, uint64_t off, void *buf, size_t len)
{
	int rc = fsimg_image_ready(img);

	return rc ? rc : fsimg_source_read(img->top, off, buf, len);
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

bool fsimg_window_in(fsimg_image *img, unsigned volume, uint64_t start,
		     uint64_t size, struct fsimg_window *w)
{
	struct fsimg_source *src;
	int err;

	src = fsimg_volume_source(img, volume, &err);
	if (!src || start >= src->size)
		return false;
	w->img = img;
	w->src = src;
	w->off = start;
	w->len = size < src->size - start ? size : src->size - start;
	w->label = NULL;
	return true;
}

bool fsimg_window_clamp(fsimg_image *img, uint64_t start, uint64_t size,
			struct fsimg_window *w)
{
	return fsimg_window_in(img, 0, start, size, w);
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
	return fsimg_source_read(w->src, abs, buf, len);
}

int fsimg_wread_cached(const struct fsimg_window *w, uint64_t off, void *buf,
		       size_t len)
{
	uint64_t abs;
	int rc = window_abs(w, off, len, &abs);

	return rc ? rc : fsimg_source_read_cached(w->src, abs, buf, len);
}

int fsimg_wplain(const struct fsimg_window *w, uint64_t off, uint64_t len,
		 struct fsimg_plain *p)
{
	uint64_t abs;

	if (len == 0 || !fsimg_window_has(w, off, len) ||
	    ckd_add(&abs, w->off, off))
		return -EIO;
	return fsimg_source_plain(w->src, abs, len, p);
}

void fsimg_dir_hint(const struct fsimg_window *w, uint64_t off, uint64_t len)
{
	struct fsimg_plain p;
	uint64_t start, end;

	if (len > FSIMG_DIR_HINT)
		len = FSIMG_DIR_HINT;
	if (len == 0 || fsimg_wplain(w, off, len, &p) != 1 || p.fd < 0)
		return;
	/* the cache reads whole blocks: a directory block that starts or
	 * ends inside one makes it read all of it */
	start = p.off - p.off % FSIMG_CACHE_BLOCK;
	end = p.off + p.len;
	end += (FSIMG_CACHE_BLOCK - end % FSIMG_CACHE_BLOCK) %
	       FSIMG_CACHE_BLOCK;
	(void)posix_fadvise(p.fd, (off_t)start, (off_t)(end - start),
			    POSIX_FADV_WILLNEED);
}

/* --- image handles ------------------------------------------------------ */

/*
 * Recognising an image reads its first blocks and its last: partition
 * tables and their backups, containers' headers and footers, filesystems'
 * superblocks and descriptors. Asked for at open, they are read while the
 * caller goes on (confinement, the first allocations) instead of one
 * cold read after another later. A hint: the kernel may ignore it.
 */
#define PREFETCH_HEAD (128u << 10)
#define PREFETCH_TAIL (64u << 10)

static void prefetch_ends(int fd, uint64_t size)
{
	uint64_t tail = size > PREFETCH_TAIL ? size - PREFETCH_TAIL : 0;

	(void)posix_fadvise(fd, 0, PREFETCH_HEAD, POSIX_FADV_WILLNEED);
	if (tail > PREFETCH_HEAD)
		(void)posix_fadvise(fd, (off_t)tail, PREFETCH_TAIL,
				    POSIX_FADV_WILLNEED);
}

int fsimg_image_open_fd(int fd, const char *name, fsimg_image **out)
{
	fsimg_image *img;
	int rc;

	fsimg_debug_init();
	img = calloc(1, sizeof(*img));
	if (!img) {
		close(fd);
		return -ENOMEM;
	}
	img->name = strdup(name ? name : "(image)");
	if (!img->name) {
		close(fd);
		free(img);
		return -ENOMEM;
	}
	rc = fsimg_source_file(img, fd, img->name, &img->file);
	if (rc) {
		free(img->name);
		free(img);
		return rc;
	}
	prefetch_ends(fd, img->file->size);
	pthread_mutex_init(&img->stack_lock, NULL);
	pthread_mutex_init(&img->vol_lock, NULL);
	atomic_init(&img->refs, 1);
	DBG(SRC, "src", "opened %s: %llu bytes", img->name,
	    (unsigned long long)img->file->size);
	*out = img;
	return 0;
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
	fsimg_volumes_free(img); /* its sources read through top */
	fsimg_source_close(img->top);
	fsimg_source_close(img->file);
	pthread_mutex_destroy(&img->stack_lock);
	pthread_mutex_destroy(&img->vol_lock);
	fsimg_opts_free(&img->opts_list);
	free(img->name);
	free(img);
}

uint64_t fsimg_image_size(const fsimg_image *img)
{
	return fsimg_image_ready((fsimg_image *)img) ? 0 : img->size;
}

const char *fsimg_image_name(const fsimg_image *img)
{
	return img->name;
}

int fsimg_image_fd(const fsimg_image *img)
{
	return img->file->fd;
}

void fsimg_image_set_log(fsimg_image *img, fsimg_log_fn fn, void *ctx)
{
	img->log_fn = fn;
	img->log_ctx = ctx;
}
