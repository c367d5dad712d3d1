/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FAT: directories. A directory is a run of 32-byte entries (spec 6): the
 * fixed root region of FAT12/16, or a cluster chain (every subdirectory,
 * and the FAT32 root from BPB_RootClus). Long names (spec 7) are slots
 * stored just before their short entry, last part first, each carrying its
 * order number and the checksum of the short name; a set whose order runs
 * or checksum disagree is dropped and the short name used instead, as
 * Windows and Linux do.
 *
 * Handles and cookies: see fat.h. A subdirectory entry whose cluster is
 * the directory's own or one of its ancestors' (found through ".."
 * entries) makes readdir and lookup fail with -EUCLEAN: the image's
 * directory graph is not a tree.
 */
#include "fat.h"

#include <stdio.h>
#include <sys/stat.h>

/* --- iteration ------------------------------------------------------------ */

static uint32_t dent_cluster(const struct fat_fs *f, const uint8_t *e)
{
	uint32_t c = get_le16(e + 26);

	/* DIR_FstClusHI only means something on FAT32 (spec 6) */
	if (f->b.bits == 32)
		c |= (uint32_t)get_le16(e + 20) << 16;
	return c;
}

int fat_diter_init(struct fat_diter *it, struct fat_fs *f, uint32_t cluster,
		   uint32_t start)
{
	uint32_t epc = f->b.cluster_size / FAT_DIRENT;
	int rc;

	memset(it, 0, offsetof(struct fat_diter, lfn));
	it->f = f;
	it->index = start;
	if (cluster == 0 && f->b.bits != 32) {
		it->fixed_root = true;
		if (start < f->b.root_entries)
			it->pos = f->b.root_off + (uint64_t)start * FAT_DIRENT;
		return 0;
	}
	if (cluster == 0)
		cluster = f->b.root_cluster;
	if (!fat_cluster_ok(f, cluster))
		return fsimg_werr(&f->win, -EUCLEAN,
				  "directory starts at invalid cluster %u",
				  cluster);
	if (start >= FAT_DIR_ENTRIES_MAX)
		return 0;
	fat_chain_start(&it->ch, cluster);
	for (uint32_t skip = start / epc; skip > 0; skip--) {
		rc = fat_chain_next(f, &it->ch, "a directory");
		if (rc <= 0)
			return rc;
	}
	it->pos = fat_cluster_pos(f, it->ch.cur) +
		  (uint64_t)(start % epc) * FAT_DIRENT;
	it->in_cluster = epc - start % epc;
	return 0;
}

static int diter_advance(struct fat_diter *it)
{
	int rc;

	it->index++;
	if (it->index >= FAT_DIR_ENTRIES_MAX) {
		it->pos = 0;
		return 0;
	}
	if (it->fixed_root) {
		it->pos = it->index < it->f->b.root_entries
				  ? it->pos + FAT_DIRENT
				  : 0;
		return 0;
	}
	if (--it->in_cluster > 0) {
		it->pos += FAT_DIRENT;
		return 0;
	}
	rc = fat_chain_next(it->f, &it->ch, "a directory");
	if (rc <= 0) {
		it->pos = 0;
		return rc;
	}
	it->pos = fat_cluster_pos(it->f, it->ch.cur);
	it->in_cluster = it->f->b.cluster_size / FAT_DIRENT;
	return 0;
}

/*
 * The entry at it->pos, from a buffer of the entries that follow it in
 * its cluster (or the fixed root), FAT_DIR_BUF bytes read at once. A
 * lookup in a big directory reads every entry, and one cached read each
 * cost more than decoding the entry. Where the bigger read fails (an
 * image cut short), the entry alone is read, with that read's error.
 */
static int diter_read(struct fat_diter *it, uint8_t *e)
{
	uint32_t n;

	if (it->pos >= it->buf_pos && it->pos - it->buf_pos < it->buf_len) {
		memcpy(e, it->buf + (it->pos - it->buf_pos), FAT_DIRENT);
		return 0;
	}
	n = it->fixed_root ? it->f->b.root_entries - it->index : it->in_cluster;
	if (n > FAT_DIR_BUF / FAT_DIRENT)
		n = FAT_DIR_BUF / FAT_DIRENT;
	it->buf_len = 0;
	if (n > 1 && !fsimg_wread_cached(&it->f->win, it->pos, it->buf,
					 n * FAT_DIRENT)) {
		it->buf_pos = it->pos;
		it->buf_len = n * FAT_DIRENT;
		memcpy(e, it->buf, FAT_DIRENT);
		return 0;
	}
	return fat_read(it->f, it->pos, e, FAT_DIRENT, "directory entry");
}

/* spec 7: the 13 UTF-16 units of a slot, at bytes 1, 14 and 28 */
static void lfn_store(struct fat_diter *it, unsigned slot, const uint8_t *e)
{
	uint8_t *p = it->lfn + slot * 26;

	memcpy(p, e + 1, 10);
	memcpy(p + 10, e + 14, 12);
	memcpy(p + 22, e + 28, 4);
}

static void lfn_slot(struct fat_diter *it, const uint8_t *e)
{
	unsigned ord = e[0] & 0x3f;

	if (e[0] & 0x40) { /* the last slot, stored first */
		it->lfn_next = 0;
		it->lfn_done = false;
		if (ord == 0 || ord > FAT_LFN_SLOTS)
			return;
		it->lfn_count = ord;
		it->lfn_sum = e[13];
	} else if (!it->lfn_next || ord != it->lfn_next ||
		   e[13] != it->lfn_sum) {
		it->lfn_next = 0;
		it->lfn_done = false;
		return;
	}
	lfn_store(it, ord - 1, e);
	it->lfn_next = ord - 1;
	it->lfn_done = ord == 1;
}

static bool long_name(struct fat_diter *it, struct fat_dent *d)
{
	size_t units = 0, max = it->lfn_count * 13;
	int n;

	if (!it->lfn_done || it->lfn_sum != fat_lfn_checksum(d->raw))
		return false;
	while (units < max && get_le16(it->lfn + 2 * units) != 0)
		units++;
	if (units == 0 || units > FAT_NAME_MAX)
		return false;
	n = fsimg_utf16_to_utf8(it->lfn, units, false, d->name,
				sizeof(d->name));
	if (n <= 0 || memchr(d->name, '/', (size_t)n) ||
	    !strcmp(d->name, ".") || !strcmp(d->name, ".."))
		return false;
	return true;
}

static bool is_dot(const struct fat_dent *d)
{
	return !memcmp(d->raw, ".          ", 11) ||
	       !memcmp(d->raw, "..         ", 11);
}

int fat_diter_next(struct fat_diter *it, struct fat_dent *d)
{
	uint8_t *e = d->raw;
	int rc;

	for (;;) {
		if (it->advance) {
			it->advance = false;
			rc = diter_advance(it);
			if (rc < 0)
				return rc;
		}
		if (it->pos == 0)
			return 0;
		rc = diter_read(it, e);
		if (rc)
			return rc;
		it->advance = true;
		if (e[0] == 0) { /* spec 6.1: no entry follows */
			it->pos = 0;
			return 0;
		}
		if (e[0] == 0xe5) { /* deleted */
			it->lfn_next = 0;
			it->lfn_done = false;
			continue;
		}
		if ((e[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN) {
			lfn_slot(it, e);
			continue;
		}
		if (it->want && fat_short_eq(e, it->want) == 0 &&
		    !(it->lfn_done && it->lfn_sum == fat_lfn_checksum(e))) {
			it->lfn_next = 0;
			it->lfn_done = false;
			continue;
		}
		d->pos = it->pos;
		d->index = it->index;
		d->attr = e[11];
		d->cluster = dent_cluster(it->f, e);
		d->size = get_le32(e + 28);
		fat_short_name(e, e[12], it->f->cp, d->short_name,
			       sizeof(d->short_name));
		d->has_long = long_name(it, d);
		if (!d->has_long)
			fsimg_strcpy_trunc(d->name, sizeof(d->name),
					   d->short_name);
		it->lfn_next = 0;
		it->lfn_done = false;
		/*
		 * A short name with a '/' or a NUL in its first byte is no
		 * name a path can hold, nor is "." or ".." other than the two
		 * entries that start a directory (a NUL ends a short name, so
		 * ".\0" reads as "."): skip the entry (a corrupt image), as
		 * Linux's vfat cannot reach it either.
		 */
		if (!d->name[0] || strchr(d->name, '/') ||
		    (!is_dot(d) &&
		     (!strcmp(d->name, ".") || !strcmp(d->name, "..")))) {
			fsimg_werr(&it->f->win, -EUCLEAN,
				   "directory entry at byte %llu has a "
				   "name no path can hold: skipped",
				   fsimg_wabs(&it->f->win, d->pos));
			continue;
		}
		return 1;
	}
}

static bool is_label(const struct fat_dent *d)
{
	return (d->attr & (FAT_ATTR_VOLUME | FAT_ATTR_DIR)) == FAT_ATTR_VOLUME;
}

/* --- nodes ---------------------------------------------------------------- */

/* Checks that handle h can be a short entry and reads it. */
static int dent_at(struct fat_fs *f, fsimg_ino h, uint8_t *e)
{
	int rc;

	if (h % FAT_DIRENT || h < (uint64_t)f->b.reserved * f->b.bps ||
	    !fsimg_window_has(&f->win, h, FAT_DIRENT))
		return -ESTALE;
	rc = fat_read(f, h, e, FAT_DIRENT, "directory entry");
	if (rc)
		return rc;
	if (e[0] == 0 || e[0] == 0xe5 ||
	    (e[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN ||
	    (e[11] & (FAT_ATTR_VOLUME | FAT_ATTR_DIR)) == FAT_ATTR_VOLUME)
		return -ESTALE;
	return 0;
}

int fat_dir_cluster(struct fat_fs *f, fsimg_ino h, uint32_t *cluster)
{
	uint8_t e[FAT_DIRENT];
	int rc;

	if (h == FAT_ROOT) {
		*cluster = 0;
		return 0;
	}
	rc = dent_at(f, h, e);
	if (rc)
		return rc;
	if (!(e[11] & FAT_ATTR_DIR))
		return -ENOTDIR;
	*cluster = dent_cluster(f, e);
	/* cluster 0 names the root, which no entry but ".." may do */
	if (!fat_cluster_ok(f, *cluster))
		return fsimg_werr(&f->win, -EUCLEAN,
				  "directory entry at byte %llu has an "
				  "invalid first cluster %u",
				  fsimg_wabs(&f->win, h), *cluster);
	return 0;
}

/* Bytes of a directory's chain, for st_size (bounded like every walk). */
static uint64_t dir_bytes(struct fat_fs *f, uint32_t cluster)
{
	struct fat_chain ch;
	uint64_t n = 1;

	if (cluster == 0 && f->b.bits != 32)
		return f->b.root_size;
	if (cluster == 0)
		cluster = f->b.root_cluster;
	if (!fat_cluster_ok(f, cluster))
		return 0;
	fat_chain_start(&ch, cluster);
	while (n * f->b.cluster_size < FAT_DIR_ENTRIES_MAX * FAT_DIRENT &&
	       fat_chain_next(f, &ch, "a directory") > 0)
		n++;
	return n * f->b.cluster_size;
}

void fat_dent_stat(struct fat_fs *f, const uint8_t *e, fsimg_ino h,
		   struct fsimg_stat *st)
{
	uint8_t attr = e[11];
	uint64_t alloc;

	st->ino = h;
	if (attr & FAT_ATTR_DIR) {
		st->mode = S_IFDIR | 0755;
		st->nlink = 2;
		st->size = dir_bytes(f, dent_cluster(f, e));
	} else {
		/* as Linux: read-only files lose their write bits */
		st->mode = S_IFREG | ((attr & FAT_ATTR_RO) ? 0444 : 0644);
		st->nlink = 1;
		st->size = get_le32(e + 28);
	}
	alloc = (st->size + f->b.cluster_size - 1) / f->b.cluster_size *
		f->b.cluster_size;
	st->blocks = alloc / 512;
	/* spec 6: write time, last access date, creation time + tenths */
	fat_time(get_le16(e + 24), get_le16(e + 22), 0, f->tz_off, &st->mtime);
	st->ctime = st->mtime;
	if (!fat_time(get_le16(e + 18), 0, 0, f->tz_off, &st->atime))
		st->atime = st->mtime;
	if (fat_time(get_le16(e + 16), get_le16(e + 14), e[13], f->tz_off,
		     &st->btime))
		st->flags |= FSIMG_STAT_BTIME;
	if (attr & FAT_ATTR_RO)
		st->attrs |= FSIMG_ATTR_READONLY;
	if (attr & FAT_ATTR_HIDDEN)
		st->attrs |= FSIMG_ATTR_HIDDEN;
	if (attr & FAT_ATTR_SYSTEM)
		st->attrs |= FSIMG_ATTR_SYSTEM;
	if (attr & FAT_ATTR_ARCHIVE)
		st->attrs |= FSIMG_ATTR_ARCHIVE;
}

static void root_stat(struct fat_fs *f, struct fsimg_stat *st)
{
	st->ino = FAT_ROOT;
	st->mode = S_IFDIR | 0755;
	st->nlink = 2;
	st->size = dir_bytes(f, 0);
	st->blocks = st->size / 512;
}

int fat_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct fat_fs *f = fat_of(fs);
	uint8_t e[FAT_DIRENT];
	int rc;

	if (ino == FAT_ROOT) {
		root_stat(f, st);
		return 0;
	}
	rc = dent_at(f, ino, e);
	if (rc)
		return rc;
	fat_dent_stat(f, e, ino, st);
	return 0;
}

/* --- loops ---------------------------------------------------------------- */

struct ancestry {
	unsigned n;
	bool done;
	uint32_t c[FAT_DEPTH_MAX];
};

/* The clusters of dir and its ancestors, through the ".." entries. */
static void ancestry_fill(struct fat_fs *f, uint32_t dir, struct ancestry *a)
{
	uint8_t e[FAT_DIRENT];

	a->done = true;
	a->n = 0;
	while (dir && fat_cluster_ok(f, dir) && a->n < FAT_DEPTH_MAX) {
		uint32_t up;

		for (unsigned i = 0; i < a->n; i++)
			if (a->c[i] == dir)
				return;
		a->c[a->n++] = dir;
		/* spec 6.4: ".." is the second entry, 0 for the root */
		if (fat_read(f, fat_cluster_pos(f, dir) + FAT_DIRENT, e,
			     FAT_DIRENT, "directory entry") ||
		    memcmp(e, "..         ", 11))
			return;
		up = dent_cluster(f, e);
		if (up == f->b.root_cluster)
			return;
		dir = up;
	}
}

static int loop_check(struct fat_fs *f, uint32_t dir, struct ancestry *a,
		      const struct fat_dent *d)
{
	bool bad = d->cluster == 0 ||
		   (f->b.bits == 32 && d->cluster == f->b.root_cluster);

	if (!bad) {
		if (!a->done)
			ancestry_fill(f, dir, a);
		for (unsigned i = 0; i < a->n && !bad; i++)
			bad = a->c[i] == d->cluster;
	}
	if (!bad)
		return 0;
	return fsimg_werr(&f->win, -EUCLEAN,
			  "directory '%s' (entry at byte %llu) is its own "
			  "parent or ancestor (cluster %u): the directory "
			  "graph loops",
			  d->name, fsimg_wabs(&f->win, d->pos), d->cluster);
}

/* --- readdir and lookup --------------------------------------------------- */

int fat_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct fat_fs *f = fat_of(fs);
	struct ancestry a = { 0 };
	struct fat_diter it;
	struct fat_dent d;
	struct fsimg_stat st;
	uint32_t cl;
	int rc;

	rc = fat_dir_cluster(f, dir, &cl);
	if (rc)
		return rc;
	if (cookie >= FAT_DIR_ENTRIES_MAX)
		return 0;
	rc = fat_diter_init(&it, f, cl, (uint32_t)cookie);
	while (!rc && (rc = fat_diter_next(&it, &d)) > 0) {
		rc = 0;
		if (is_label(&d) || is_dot(&d))
			continue;
		if ((d.attr & FAT_ATTR_DIR) && (rc = loop_check(f, cl, &a, &d)))
			break;
		memset(&st, 0, sizeof(st));
		fat_dent_stat(f, d.raw, d.pos, &st);
		/* its first cluster: see fsimg_dir_hint() */
		if ((d.attr & FAT_ATTR_DIR) && fat_cluster_ok(f, d.cluster))
			fsimg_dir_hint(&f->win, fat_cluster_pos(f, d.cluster),
				       f->b.cluster_size);
		if (fn(ctx, d.name, d.pos, &st, (uint64_t)d.index + 1))
			return 0;
	}
	return rc < 0 ? rc : 0;
}

int fat_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct fat_fs *f = fat_of(fs);
	struct ancestry a = { 0 };
	struct fat_diter it;
	struct fat_dent d, found;
	bool have = false;
	uint32_t cl;
	int rc;

	rc = fat_dir_cluster(f, dir, &cl);
	if (rc)
		return rc;
	rc = fat_diter_init(&it, f, cl, 0);
	it.want = name;
	while (!rc && (rc = fat_diter_next(&it, &d)) > 0) {
		rc = 0;
		if (is_label(&d) || is_dot(&d))
			continue;
		if (!strcmp(d.name, name)) {
			found = d;
			have = true;
			break;
		}
		/* FAT names are case-insensitive; the short name works too */
		if (!have &&
		    (fat_name_eq_nocase(d.name, name) ||
		     (d.has_long && fat_name_eq_nocase(d.short_name, name)))) {
			found = d;
			have = true;
		}
	}
	if (rc < 0)
		return rc;
	if (!have)
		return -ENOENT;
	if ((found.attr & FAT_ATTR_DIR) && (rc = loop_check(f, cl, &a, &found)))
		return rc;
	*ino = found.pos;
	fat_dent_stat(f, found.raw, found.pos, st);
	return 0;
}

int fat_root_label(struct fat_fs *f, char *out, size_t room)
{
	struct fat_diter it;
	struct fat_dent d;
	int rc;

	rc = fat_diter_init(&it, f, 0, 0);
	while (!rc && (rc = fat_diter_next(&it, &d)) > 0) {
		rc = 0;
		/* spec 6: ATTR_VOLUME_ID, only in the root */
		if (is_label(&d)) {
			fat_label_name(d.raw, f->cp, out, room);
			return 1;
		}
	}
	return rc;
}
