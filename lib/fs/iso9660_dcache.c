/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: a cache of per-directory name indexes, so that looking names up
 * in a big directory is not a scan of the directory every time.
 *
 * ISO9660 directories are unsorted for our purposes (ECMA-119 9.3 sorts by
 * the raw identifier, not by the Rock Ridge or Joliet name the user sees),
 * so a lookup reads the directory. The first lookup in a directory stops
 * at the name; the second builds a hash table of name -> handle, so that
 * a one-off lookup (fsimg cat, a path walk) costs a scan to the name only,
 * and a directory looked up again and again is scanned twice. The indexes of
 * all directories together stay under a byte limit: the least recently used are
 * dropped first, and a directory whose index alone would not fit is not indexed
 * at all (lookup then scans it, as readdir does). Memory therefore never grows
 * with what the image claims. One mutex guards the cache; indexes are built
 * without it and only probed under it.
 */
#include "iso9660.h"

#include <stdlib.h>

struct dslot {
	uint32_t hash;
	uint32_t name_len;
	size_t name_off;
	fsimg_ino handle;
	uint64_t rec;
};

struct iso_dindex {
	struct iso_dindex *prev, *next; /* LRU, head = most recent */
	struct iso_dindex *hnext;	/* hash bucket chain */
	fsimg_ino dir;
	struct dslot *ents;
	uint32_t count, cap;
	uint32_t *table; /* ents index + 1; 0 = empty slot */
	uint32_t mask;
	char *names;
	size_t names_len, names_cap;
	size_t bytes;
};

struct iso_dcache {
	pthread_mutex_t lock;
	size_t limit, bytes;
	struct iso_dindex *head, *tail;
	struct iso_dindex **buckets;
	size_t nbuckets, count;
	/* directories scanned once without an index, most recent last */
	fsimg_ino scanned[ISO_DCACHE_SCANNED];
	unsigned scanned_next;
};

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static size_t bucket_of(const struct iso_dcache *c, fsimg_ino dir)
{
	uint64_t h = dir * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (c->nbuckets - 1);
}

int iso_dcache_new(size_t limit, struct iso_dcache **out)
{
	struct iso_dcache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->nbuckets = 256;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return -ENOMEM;
	}
	c->limit = limit;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void iso_dindex_free(struct iso_dindex *x)
{
	if (!x)
		return;
	free(x->ents);
	free(x->table);
	free(x->names);
	free(x);
}

void iso_dcache_free(struct iso_dcache *c)
{
	if (!c)
		return;
	for (struct iso_dindex *x = c->head, *n; x; x = n) {
		n = x->next;
		iso_dindex_free(x);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

size_t iso_dcache_limit(const struct iso_dcache *c)
{
	return c->limit;
}

struct iso_dindex *iso_dindex_new(fsimg_ino dir)
{
	struct iso_dindex *x = calloc(1, sizeof(*x));

	if (x)
		x->dir = dir;
	return x;
}

static size_t dindex_bytes(const struct iso_dindex *x, uint32_t count)
{
	/* the entries, the names, a table of twice the entries */
	return sizeof(*x) + (size_t)x->cap * sizeof(struct dslot) +
	       x->names_cap + (size_t)count * 2 * sizeof(uint32_t);
}

bool iso_dindex_add(struct iso_dindex *x, const char *name, size_t len,
		    fsimg_ino handle, uint64_t rec, size_t limit)
{
	if (x->count == UINT32_MAX / 4)
		return false;
	if (x->count == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 64;
		struct dslot *n;

		if (sizeof(*x) + (size_t)cap * sizeof(*n) + x->names_cap >
		    limit)
			return false;
		n = realloc(x->ents, (size_t)cap * sizeof(*n));
		if (!n)
			return false;
		x->ents = n;
		x->cap = cap;
	}
	if (x->names_len + len > x->names_cap) {
		size_t cap = x->names_cap ? x->names_cap : 4096;
		char *n;

		while (cap < x->names_len + len)
			cap *= 2;
		if (sizeof(*x) + (size_t)x->cap * sizeof(struct dslot) + cap >
		    limit)
			return false;
		n = realloc(x->names, cap);
		if (!n)
			return false;
		x->names = n;
		x->names_cap = cap;
	}
	if (dindex_bytes(x, x->count + 1) > limit)
		return false;
	memcpy(x->names + x->names_len, name, len);
	x->ents[x->count].hash = name_hash(name, len);
	x->ents[x->count].name_len = (uint32_t)len;
	x->ents[x->count].name_off = x->names_len;
	x->ents[x->count].handle = handle;
	x->ents[x->count].rec = rec;
	x->names_len += len;
	x->count++;
	return true;
}

static bool slot_is(const struct iso_dindex *x, const struct dslot *s,
		    uint32_t hash, const char *name, size_t len)
{
	return s->hash == hash && s->name_len == len &&
	       !memcmp(x->names + s->name_off, name, len);
}

/* Builds the open-addressing table; the first of equal names wins. */
static bool dindex_finish(struct iso_dindex *x)
{
	uint32_t size = 8;

	while (size < x->count * 2u)
		size *= 2;
	x->table = calloc(size, sizeof(*x->table));
	if (!x->table)
		return false;
	x->mask = size - 1;
	for (uint32_t i = 0; i < x->count; i++) {
		const struct dslot *s = &x->ents[i];
		uint32_t j = s->hash & x->mask;
		bool dup = false;

		for (; x->table[j]; j = (j + 1) & x->mask) {
			if (slot_is(x, &x->ents[x->table[j] - 1], s->hash,
				    x->names + s->name_off, s->name_len)) {
				dup = true;
				break;
			}
		}
		if (!dup)
			x->table[j] = i + 1;
	}
	x->bytes = dindex_bytes(x, x->count);
	return true;
}

static void lru_unlink(struct iso_dcache *c, struct iso_dindex *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		c->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		c->tail = x->prev;
	x->prev = x->next = NULL;
}

static void lru_push(struct iso_dcache *c, struct iso_dindex *x)
{
	x->prev = NULL;
	x->next = c->head;
	if (c->head)
		c->head->prev = x;
	c->head = x;
	if (!c->tail)
		c->tail = x;
}

static struct iso_dindex *bucket_find(struct iso_dcache *c, fsimg_ino dir)
{
	for (struct iso_dindex *x = c->buckets[bucket_of(c, dir)]; x;
	     x = x->hnext)
		if (x->dir == dir)
			return x;
	return NULL;
}

static void bucket_remove(struct iso_dcache *c, struct iso_dindex *x)
{
	struct iso_dindex **pp = &c->buckets[bucket_of(c, x->dir)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == x) {
			*pp = x->hnext;
			break;
		}
	}
}

static void buckets_grow(struct iso_dcache *c)
{
	size_t n = c->nbuckets * 2;
	struct iso_dindex **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
	for (struct iso_dindex *x = c->head; x; x = x->next) {
		size_t i = bucket_of(c, x->dir);
		x->hnext = b[i];
		b[i] = x;
	}
}

void iso_dcache_put(struct iso_dcache *c, struct iso_dindex *x)
{
	size_t i;

	if (!dindex_finish(x) || x->bytes > c->limit) {
		iso_dindex_free(x);
		return;
	}
	pthread_mutex_lock(&c->lock);
	if (bucket_find(c, x->dir)) {
		/* another thread indexed it meanwhile */
		pthread_mutex_unlock(&c->lock);
		iso_dindex_free(x);
		return;
	}
	while (c->tail && c->bytes + x->bytes > c->limit) {
		struct iso_dindex *old = c->tail;
		lru_unlink(c, old);
		bucket_remove(c, old);
		c->bytes -= old->bytes;
		c->count--;
		ISO_DBG("dcache: dropped index of dir %llu",
			(unsigned long long)old->dir);
		iso_dindex_free(old);
	}
	if (c->count + 1 > c->nbuckets)
		buckets_grow(c);
	i = bucket_of(c, x->dir);
	x->hnext = c->buckets[i];
	c->buckets[i] = x;
	lru_push(c, x);
	c->bytes += x->bytes;
	c->count++;
	pthread_mutex_unlock(&c->lock);
}

bool iso_dcache_scanned(struct iso_dcache *c, fsimg_ino dir)
{
	bool again = false;

	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < ISO_DCACHE_SCANNED && !again; i++)
		again = c->scanned[i] == dir + 1;
	if (!again) {
		c->scanned[c->scanned_next] = dir + 1;
		c->scanned_next = (c->scanned_next + 1) % ISO_DCACHE_SCANNED;
	}
	pthread_mutex_unlock(&c->lock);
	return again;
}

int iso_dcache_find(struct iso_dcache *c, fsimg_ino dir, const char *name,
		    fsimg_ino *h, uint64_t *rec)
{
	size_t len = strlen(name);
	uint32_t hash = name_hash(name, len);
	struct iso_dindex *x;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	x = bucket_find(c, dir);
	if (!x) {
		pthread_mutex_unlock(&c->lock);
		return -ENOENT;
	}
	for (uint32_t j = hash & x->mask; x->table[j]; j = (j + 1) & x->mask) {
		const struct dslot *s = &x->ents[x->table[j] - 1];
		if (slot_is(x, s, hash, name, len)) {
			*h = s->handle;
			*rec = s->rec;
			rc = 1;
			break;
		}
	}
	lru_unlink(c, x);
	lru_push(c, x);
	pthread_mutex_unlock(&c->lock);
	return rc;
}
