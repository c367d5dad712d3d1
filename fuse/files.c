/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files read without open requests.
 *
 * An open(2) of a FUSE file costs two round trips to the daemon, OPEN and
 * RELEASE, even when every byte then comes from the page cache: for
 * "cat" of many small files already read once, that is all the work
 * there is. A read-only image needs nothing from an open: so the first
 * OPEN is answered ENOSYS, which a kernel that announces
 * FUSE_CAP_NO_OPEN_SUPPORT takes as success without a handle, and it
 * sends no more OPEN or RELEASE for the life of the mount. Pages are then
 * kept across opens by default (FOPEN_KEEP_CACHE), as our open asked.
 *
 * Reads then name only the node. Its fsimg_file comes from a small table
 * of files recently read, so that the requests of one sequential read do
 * not open the file again each time: FSFUSE_FILES slots, the least
 * recently used one that no thread is reading replaced. With at most
 * MAX_THREADS requests served at once (session.c), fewer than the slots,
 * a free slot always exists; a file that finds none anyway is read
 * uncached and closed after its request.
 *
 * A file that cannot be opened (a format refusing it, a damaged inode)
 * now fails at its first read instead of at open(2), with the same error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "fsfuse.h"

/* More than session.c's MAX_THREADS: see above. */
#define FSFUSE_FILES 64

struct slot {
	fsimg_ino ino;
	fsimg_file *f; /* NULL: free */
	unsigned refs; /* threads reading it now */
	uint64_t used; /* clock of the last get */
};

struct fsfuse_files {
	pthread_mutex_t lock;
	uint64_t clock;
	struct slot slot[FSFUSE_FILES];
};

struct fsfuse_files *fsfuse_files_new(void)
{
	struct fsfuse_files *t = calloc(1, sizeof(*t));

	if (t && pthread_mutex_init(&t->lock, NULL)) {
		free(t);
		t = NULL;
	}
	return t;
}

void fsfuse_files_free(struct fsfuse_files *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < FSFUSE_FILES; i++)
		if (t->slot[i].f)
			fsimg_file_close(t->slot[i].f);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct slot *find(struct fsfuse_files *t, fsimg_ino ino)
{
	for (size_t i = 0; i < FSFUSE_FILES; i++)
		if (t->slot[i].f && t->slot[i].ino == ino)
			return &t->slot[i];
	return NULL;
}

/* A free slot, else the least recently used idle one; NULL if all busy. */
static struct slot *victim(struct fsfuse_files *t)
{
	struct slot *best = NULL;

	for (size_t i = 0; i < FSFUSE_FILES; i++) {
		struct slot *s = &t->slot[i];

		if (!s->f)
			return s;
		if (!s->refs && (!best || s->used < best->used))
			best = s;
	}
	return best;
}

int fsfuse_file_get(struct fsfuse_files *t, fsimg_fs *fs, fsimg_ino ino,
		    fsimg_file **out)
{
	fsimg_file *f, *old = NULL;
	struct slot *s;
	int rc;

	pthread_mutex_lock(&t->lock);
	s = find(t, ino);
	if (s) {
		s->refs++;
		s->used = ++t->clock;
		*out = s->f;
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	pthread_mutex_unlock(&t->lock);

	/* opened outside the lock: other reads go on meanwhile */
	rc = fsimg_file_open(fs, ino, &f);
	if (rc)
		return rc;

	pthread_mutex_lock(&t->lock);
	s = find(t, ino); /* another thread may have opened it meanwhile */
	if (s) {
		old = f;
	} else {
		s = victim(t);
		if (s) {
			old = s->f;
			*s = (struct slot){ .ino = ino, .f = f };
		}
	}
	if (s) {
		s->refs++;
		s->used = ++t->clock;
		*out = s->f;
	} else {
		*out = f; /* every slot busy: read uncached */
	}
	pthread_mutex_unlock(&t->lock);
	if (old)
		fsimg_file_close(old);
	return 0;
}

void fsfuse_file_put(struct fsfuse_files *t, fsimg_file *f)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < FSFUSE_FILES && !s; i++)
		if (t->slot[i].f == f)
			s = &t->slot[i];
	if (s)
		s->refs--;
	pthread_mutex_unlock(&t->lock);
	if (!s)
		fsimg_file_close(f);
}
