/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMDK (VMware's Virtual Disk Format 5.0): a disk made of extents. A
 * hosted sparse extent starts with a little-endian header ("KDMV"); its
 * grain directory (GD) holds the sectors of grain tables (GT), whose
 * entries (GTE) hold the sectors of grains: 0 absent (zeroes, or the
 * parent's bytes), 1 a zeroed grain (version 2 on), else the grain's
 * sector. In a streamOptimized extent grains are compressed (deflate,
 * zlib format) behind a marker (LBA, size), and the GD may be placed only
 * in the footer copy of the header at the end of the file.
 *
 * A monolithicSparse or streamOptimized image is one such extent with the
 * descriptor embedded in it. Other images are a descriptor alone
 * (vmdk_desc.c) naming extent files, opened only with backing=yes. One
 * extent file becomes the source's lower file (its bytes are plain runs);
 * with several, the bytes of those not in the lower file are decoded runs
 * read through read_other().
 */
#include "vmdk.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#define VMDK_MAGIC	    0x564d444bu /* "KDMV" */
#define VMDK_SECTOR	    512u
#define VMDK_GD_AT_END	    0xffffffffffffffffull
#define VMDK_GRAIN_MAX	    4096u /* sectors: 2 MiB */
#define VMDK_GTES_MAX	    512u
#define VMDK_FLAG_ZERO_GTE  (1u << 2)
#define VMDK_FLAG_COMPRESS  (1u << 16)
#define VMDK_FLAG_MARKERS   (1u << 17)
#define VMDK_MARKER_FOOTER  3u
#define VMDK_MERGE_MAX	    1024u /* grains one map() call merges */
#define VMDK_COMPRESS_SLACK 4096u /* deflate's worst case over a grain */

/* Messages name the file a structure is in when it is not the image. */
#define FILE_FMT "%s%s"
#define FILE_ARG(s, f)                                 \
	strcmp((f)->name, (s)->name) ? (f)->name : "", \
		strcmp((f)->name, (s)->name) ? ": " : ""

struct vmdk_extent {
	enum vmdk_extent_type type;
	struct fsimg_source *file; /* s->lower, or an extent file we own */
	uint64_t start, len;	   /* bytes of the disk */
	uint64_t flat_off;	   /* FLAT: bytes into file */
	/* SPARSE */
	uint32_t version, flags;
	uint64_t grain;	 /* bytes */
	uint32_t gtes;	 /* entries per grain table */
	uint64_t gd_off; /* bytes */
	uint64_t gd_entries;
	bool compressed, zero_gte;
};

/*
 * The last grains inflated: a filesystem reads a grain in several pieces,
 * each of which would otherwise inflate it whole again. Bounded: a few
 * grains of at most 2 MiB; one lock, held only to look up and copy.
 */
#define VMDK_GRAIN_CACHE 4

struct grain_slot {
	const struct vmdk_extent *e; /* NULL: empty */
	uint64_t sector;	     /* where the grain's marker is */
	uint64_t used;		     /* for LRU */
	uint8_t *data;		     /* e->grain bytes */
};

struct vmdk {
	unsigned n_ext;
	struct vmdk_extent *ext;
	char create_type[64];
	char *parent;
	pthread_mutex_t lock;
	uint64_t tick;
	struct grain_slot slot[VMDK_GRAIN_CACHE];
};

static int vmdk_probe(struct fsimg_source *file)
{
	static const char desc[] = "# Disk DescriptorFile";
	uint8_t b[sizeof(desc) - 1];
	int rc;

	if (file->size < sizeof(b))
		return 0;
	rc = fsimg_source_read(file, 0, b, sizeof(b));
	if (rc)
		return rc;
	return get_le32(b) == VMDK_MAGIC || !memcmp(b, "COWD", 4) ||
	       !memcmp(b, desc, sizeof(b));
}

/* --- sparse extents -------------------------------------------------- */

/* The header of the sparse extent in file (512 bytes at at) into e. */
static int sparse_header(struct fsimg_source *s, struct fsimg_source *file,
			 const uint8_t *h, uint64_t at, struct vmdk_extent *e,
			 uint64_t *capacity)
{
	uint64_t grain = get_le64(h + 20), cap = get_le64(h + 12);
	uint64_t grains, end;

	e->version = get_le32(h + 4);
	e->flags = get_le32(h + 8);
	e->gtes = get_le32(h + 44);
	e->gd_off = get_le64(h + 56);
	if (e->version < 1 || e->version > 3)
		return fsimg_serr(
			s, -EOPNOTSUPP,
			FILE_FMT "sparse header at byte %llu: version "
				 "%u (1 to 3 are read)",
			FILE_ARG(s, file), (unsigned long long)at, e->version);
	if (!is_pow2_u64(grain) || grain > VMDK_GRAIN_MAX)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "sparse header at byte %llu: grain of "
				  "%llu sectors, not a power of two up to %u",
				  FILE_ARG(s, file), (unsigned long long)at,
				  (unsigned long long)grain, VMDK_GRAIN_MAX);
	if (e->gtes == 0 || e->gtes > VMDK_GTES_MAX)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "sparse header at byte %llu: %u entries "
				  "per grain table (1 to %u)",
				  FILE_ARG(s, file), (unsigned long long)at,
				  e->gtes, VMDK_GTES_MAX);
	if (ckd_mul(capacity, cap, (uint64_t)VMDK_SECTOR))
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "sparse header at byte %llu: capacity "
				  "of %llu sectors overflows",
				  FILE_ARG(s, file), (unsigned long long)at,
				  (unsigned long long)cap);
	e->grain = grain * VMDK_SECTOR;
	e->compressed = e->flags & VMDK_FLAG_COMPRESS;
	e->zero_gte = e->version >= 2 || (e->flags & VMDK_FLAG_ZERO_GTE);
	if (e->compressed && get_le16(h + 77) != 1)
		return fsimg_serr(s, -EOPNOTSUPP,
				  FILE_FMT
				  "sparse header at byte %llu: "
				  "compression algorithm %u (1, deflate, is "
				  "read)",
				  FILE_ARG(s, file), (unsigned long long)at,
				  get_le16(h + 77));
	grains = cap / grain + (cap % grain != 0);
	e->gd_entries = grains / e->gtes + (grains % e->gtes != 0);
	if (ckd_mul(&e->gd_off, e->gd_off, (uint64_t)VMDK_SECTOR) ||
	    ckd_add(&end, e->gd_off, e->gd_entries * 4) || end > file->size)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "sparse header at byte %llu: the grain "
				  "directory of %llu entries at sector %llu "
				  "ends past the end of the file (%llu bytes)",
				  FILE_ARG(s, file), (unsigned long long)at,
				  (unsigned long long)e->gd_entries,
				  (unsigned long long)get_le64(h + 56),
				  (unsigned long long)file->size);
	if (e->gd_off < VMDK_SECTOR)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "sparse header at byte %llu: the grain "
				  "directory is in the header",
				  FILE_ARG(s, file), (unsigned long long)at);
	return 0;
}

/*
 * Reads the sparse header of file into e (its capacity in *capacity);
 * the one in the footer when the header places the GD at the end.
 */
static int sparse_open(struct fsimg_source *s, struct fsimg_source *file,
		       struct vmdk_extent *e, uint8_t *h, uint64_t *capacity)
{
	uint64_t at = 0;
	int rc;

	if (file->size < VMDK_SECTOR)
		return fsimg_serr(s, -EUCLEAN, FILE_FMT "shorter than a header",
				  FILE_ARG(s, file));
	rc = fsimg_source_read(file, 0, h, VMDK_SECTOR);
	if (rc)
		return fsimg_serr(s, rc, FILE_FMT "header: %s",
				  FILE_ARG(s, file), strerror(-rc));
	if (!memcmp(h, "COWD", 4))
		return fsimg_serr(s, -EOPNOTSUPP,
				  FILE_FMT
				  "an ESX vmfsSparse (COWD) extent, not "
				  "read",
				  FILE_ARG(s, file));
	if (get_le32(h) != VMDK_MAGIC)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "no sparse extent header (KDMV) at byte 0",
				  FILE_ARG(s, file));
	if (get_le64(h + 56) == VMDK_GD_AT_END) {
		uint8_t m[VMDK_SECTOR];

		/* footer marker, footer (a header), end-of-stream marker */
		if (file->size < 4 * VMDK_SECTOR)
			return fsimg_serr(s, -EUCLEAN,
					  FILE_FMT
					  "the grain directory is in the "
					  "footer, and the file is too short "
					  "for one",
					  FILE_ARG(s, file));
		at = file->size - 3 * VMDK_SECTOR;
		rc = fsimg_source_read(file, at, m, sizeof(m));
		if (!rc)
			rc = fsimg_source_read(file, at + VMDK_SECTOR, h,
					       VMDK_SECTOR);
		if (rc)
			return fsimg_serr(
				s, rc, FILE_FMT "footer at byte %llu: %s",
				FILE_ARG(s, file), (unsigned long long)at,
				strerror(-rc));
		if (get_le32(m + 12) != VMDK_MARKER_FOOTER ||
		    get_le32(h) != VMDK_MAGIC)
			return fsimg_serr(
				s, -EUCLEAN,
				FILE_FMT "the grain directory is in the "
					 "footer, and there is no footer "
					 "marker at byte %llu",
				FILE_ARG(s, file), (unsigned long long)at);
		at += VMDK_SECTOR;
		if (get_le64(h + 56) == VMDK_GD_AT_END)
			return fsimg_serr(
				s, -EUCLEAN,
				FILE_FMT "footer at byte %llu: the grain "
					 "directory is at the end again",
				FILE_ARG(s, file), (unsigned long long)at);
	}
	e->type = VMDK_EXT_SPARSE;
	e->file = file;
	return sparse_header(s, file, h, at, e, capacity);
}

/*
 * The GTE of grain g of sparse extent e: 0 absent, 1 zeroed, else the
 * sector of the grain, checked to be in the file past the header.
 */
static int sparse_gte(struct fsimg_source *s, const struct vmdk_extent *e,
		      uint64_t g, uint32_t *gte)
{
	struct fsimg_source *f = e->file;
	uint64_t gi = g / e->gtes, gd_at = e->gd_off + gi * 4;
	uint64_t gt_at, gt_end, gte_at, gd_end = e->gd_off + e->gd_entries * 4;
	uint8_t b[4];
	int rc;

	if (gi >= e->gd_entries)
		return fsimg_serr(s, -EIO,
				  FILE_FMT "grain %llu is past the grain "
					   "directory",
				  FILE_ARG(s, f), (unsigned long long)g);
	rc = fsimg_source_read_cached(f, gd_at, b, 4);
	if (rc)
		return fsimg_serr(s, rc,
				  FILE_FMT "grain directory entry at byte "
					   "%llu: %s",
				  FILE_ARG(s, f), (unsigned long long)gd_at,
				  strerror(-rc));
	*gte = 0;
	if (get_le32(b) == 0)
		return 0;
	gt_at = (uint64_t)get_le32(b) * VMDK_SECTOR;
	gt_end = gt_at + (uint64_t)e->gtes * 4;
	if (gt_end > f->size)
		return fsimg_serr(
			s, -EUCLEAN,
			FILE_FMT "grain directory entry at byte %llu: "
				 "grain table at byte %llu ends past the end "
				 "of the file (%llu bytes)",
			FILE_ARG(s, f), (unsigned long long)gd_at,
			(unsigned long long)gt_at, (unsigned long long)f->size);
	if (gt_at < VMDK_SECTOR || (gt_at < gd_end && gt_end > e->gd_off))
		return fsimg_serr(
			s, -EUCLEAN,
			FILE_FMT "grain directory entry at byte %llu: "
				 "grain table at byte %llu overlaps the %s",
			FILE_ARG(s, f), (unsigned long long)gd_at,
			(unsigned long long)gt_at,
			gt_at < VMDK_SECTOR ? "header" : "grain directory");
	gte_at = gt_at + (g % e->gtes) * 4;
	rc = fsimg_source_read_cached(f, gte_at, b, 4);
	if (rc)
		return fsimg_serr(s, rc,
				  FILE_FMT "grain table entry at byte %llu: "
					   "%s",
				  FILE_ARG(s, f), (unsigned long long)gte_at,
				  strerror(-rc));
	*gte = get_le32(b);
	if (*gte == 1 && e->zero_gte)
		return 0;
	if (*gte != 0 && (*gte == 1 || (uint64_t)*gte * VMDK_SECTOR >= f->size))
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT
				  "grain table entry at byte %llu: grain "
				  "%llu at sector %u is %s",
				  FILE_ARG(s, f), (unsigned long long)gte_at,
				  (unsigned long long)g, *gte,
				  *gte == 1 ? "in the header"
					    : "past the end of the file");
	return 0;
}

enum { RUN_COMPRESSED = 100 }; /* an extent run: one compressed grain */

/*
 * The run of extent e at rel (bytes into it), at most len: kinds as
 * fsimg_run, LOWER meaning e->file, or RUN_COMPRESSED with .at the
 * grain's sector.
 */
static int extent_map(struct fsimg_source *s, const struct vmdk_extent *e,
		      uint64_t rel, uint64_t len, int *kind, uint64_t *n,
		      uint64_t *at)
{
	int absent = s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
	uint64_t g, in, room;
	uint32_t gte, next;
	int rc;

	switch (e->type) {
	case VMDK_EXT_ZERO:
		*kind = FSIMG_RUN_ZERO;
		*n = len;
		return 0;
	case VMDK_EXT_FLAT:
		*kind = FSIMG_RUN_LOWER;
		*n = len;
		*at = e->flat_off + rel;
		return 0;
	case VMDK_EXT_SPARSE:
		break;
	}
	g = rel / e->grain;
	in = rel % e->grain;
	room = e->grain - in < len ? e->grain - in : len;
	rc = sparse_gte(s, e, g, &gte);
	if (rc)
		return rc;
	if (gte == 0 || (gte == 1 && e->zero_gte)) {
		int k = gte == 0 ? absent : FSIMG_RUN_ZERO;

		for (unsigned i = 0; i < VMDK_MERGE_MAX && room < len; i++) {
			rc = sparse_gte(s, e, g + 1 + i, &next);
			if (rc)
				return rc;
			if ((next == 0			? absent
			     : next == 1 && e->zero_gte ? FSIMG_RUN_ZERO
							: -1) != k)
				break;
			room += len - room < e->grain ? len - room : e->grain;
		}
		*kind = k;
		*n = room;
		return 0;
	}
	if (e->compressed) {
		*kind = RUN_COMPRESSED;
		*n = room;
		*at = gte;
		return 0;
	}
	*kind = FSIMG_RUN_LOWER;
	*at = (uint64_t)gte * VMDK_SECTOR + in;
	/* the grains that follow it in the file */
	for (unsigned i = 0; i < VMDK_MERGE_MAX && room < len; i++) {
		rc = sparse_gte(s, e, g + 1 + i, &next);
		if (rc)
			return rc;
		if ((uint64_t)next * VMDK_SECTOR !=
		    (uint64_t)gte * VMDK_SECTOR + (i + 1) * e->grain)
			break;
		room += len - room < e->grain ? len - room : e->grain;
	}
	*n = room;
	return 0;
}

/* The extent off is in (extents are sorted and cover the disk). */
static const struct vmdk_extent *find_extent(const struct vmdk *v, uint64_t off)
{
	unsigned lo = 0, hi = v->n_ext;

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (v->ext[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &v->ext[lo];
}

static int vmdk_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		    struct fsimg_run *run)
{
	const struct vmdk_extent *e = find_extent(s->priv, off);
	uint64_t rel = off - e->start, n, at = 0;
	int kind, rc;

	if (len > e->len - rel)
		len = e->len - rel;
	rc = extent_map(s, e, rel, len, &kind, &n, &at);
	if (rc)
		return rc;
	if (kind == RUN_COMPRESSED ||
	    (kind == FSIMG_RUN_LOWER && e->file != s->lower))
		kind = FSIMG_RUN_OTHER;
	*run = (struct fsimg_run){ (enum fsimg_run_kind)kind, n, at };
	return 0;
}

/* Grain g of e, compressed at sector, inflated into out (e->grain bytes). */
static int inflate_grain(struct fsimg_source *s, const struct vmdk_extent *e,
			 uint64_t g, uint64_t sector, uint8_t *out,
			 uint64_t want)
{
	struct fsimg_source *f = e->file;
	uint64_t at = sector * VMDK_SECTOR, lba, end;
	uint8_t m[12], *in;
	uint32_t size;
	z_stream z;
	int rc, zr;

	rc = fsimg_source_read(f, at, m, sizeof(m));
	if (rc)
		return fsimg_serr(
			s, rc, FILE_FMT "grain marker at byte %llu: %s",
			FILE_ARG(s, f), (unsigned long long)at, strerror(-rc));
	lba = get_le64(m);
	size = get_le32(m + 8);
	if (lba != g * (e->grain / VMDK_SECTOR))
		return fsimg_serr(
			s, -EUCLEAN,
			FILE_FMT "grain marker at byte %llu is for "
				 "sector %llu, not %llu",
			FILE_ARG(s, f), (unsigned long long)at,
			(unsigned long long)lba,
			(unsigned long long)(g * (e->grain / VMDK_SECTOR)));
	if (size == 0 || size > 2 * e->grain + VMDK_COMPRESS_SLACK ||
	    ckd_add(&end, at + sizeof(m), (uint64_t)size) || end > f->size)
		return fsimg_serr(
			s, -EUCLEAN,
			FILE_FMT "grain marker at byte %llu: %u "
				 "compressed bytes, %s",
			FILE_ARG(s, f), (unsigned long long)at, size,
			size == 0 || size > 2 * e->grain + VMDK_COMPRESS_SLACK
				? "not a size a grain compresses to"
				: "past the end of the file");
	in = malloc(size);
	if (!in)
		return -ENOMEM;
	rc = fsimg_source_read(f, at + sizeof(m), in, size);
	if (rc) {
		free(in);
		return fsimg_serr(s, rc, FILE_FMT "grain at byte %llu: %s",
				  FILE_ARG(s, f), (unsigned long long)at,
				  strerror(-rc));
	}
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(in);
		return -ENOMEM;
	}
	z.next_in = in;
	z.avail_in = size;
	z.next_out = out;
	z.avail_out = (uInt)e->grain;
	zr = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	free(in);
	if (zr != Z_STREAM_END || z.total_out < want)
		return fsimg_serr(s, -EUCLEAN,
				  FILE_FMT "compressed grain at byte %llu: %s "
					   "(%lu bytes of %llu)",
				  FILE_ARG(s, f), (unsigned long long)at,
				  zr == Z_BUF_ERROR && z.avail_out == 0
					  ? "inflates to more than a grain"
				  : zr == Z_STREAM_END ? "inflates to too few "
							 "bytes"
						       : "bad deflate data",
				  (unsigned long)z.total_out,
				  (unsigned long long)want);
	return 0;
}

/* n bytes at in of the cached grain at sector of e: true when cached. */
static bool cached_grain(struct vmdk *v, const struct vmdk_extent *e,
			 uint64_t sector, uint64_t in, uint8_t *p, size_t n)
{
	bool hit = false;

	pthread_mutex_lock(&v->lock);
	for (unsigned i = 0; i < VMDK_GRAIN_CACHE && !hit; i++) {
		struct grain_slot *sl = &v->slot[i];

		if (sl->e == e && sl->sector == sector) {
			memcpy(p, sl->data + in, n);
			sl->used = ++v->tick;
			hit = true;
		}
	}
	pthread_mutex_unlock(&v->lock);
	return hit;
}

/* Hands the inflated grain (data, malloc'd) over to the cache. */
static void cache_grain(struct vmdk *v, const struct vmdk_extent *e,
			uint64_t sector, uint8_t *data)
{
	struct grain_slot *lru = &v->slot[0];
	uint8_t *old;

	pthread_mutex_lock(&v->lock);
	for (unsigned i = 1; i < VMDK_GRAIN_CACHE; i++)
		if (v->slot[i].used < lru->used)
			lru = &v->slot[i];
	old = lru->data;
	*lru = (struct grain_slot){ e, sector, ++v->tick, data };
	pthread_mutex_unlock(&v->lock);
	free(old);
}

/* Decoded bytes: compressed grains, and extents in files other than lower. */
static int vmdk_read_other(struct fsimg_source *s, uint64_t off, void *buf,
			   size_t len)
{
	uint8_t *p = buf, *grain = NULL;
	int rc = 0;

	while (len && !rc) {
		const struct vmdk_extent *e = find_extent(s->priv, off);
		uint64_t rel = off - e->start, n, at = 0, want = len, in, g;
		int kind;

		if (want > e->len - rel)
			want = e->len - rel;
		rc = extent_map(s, e, rel, want, &kind, &n, &at);
		if (rc)
			break;
		switch (kind) {
		case FSIMG_RUN_LOWER:
			rc = fsimg_source_read(e->file, at, p, (size_t)n);
			break;
		case FSIMG_RUN_ZERO:
			memset(p, 0, (size_t)n);
			break;
		case FSIMG_RUN_BACKING: {
			struct fsimg_source *b = s->backing;
			size_t have = 0;

			if (off < b->size)
				have = b->size - off < n
					       ? (size_t)(b->size - off)
					       : (size_t)n;
			memset(p + have, 0, (size_t)n - have);
			if (have)
				rc = fsimg_source_read(b, off, p, have);
			break;
		}
		case RUN_COMPRESSED:
			g = rel / e->grain;
			in = rel % e->grain;
			if (cached_grain(s->priv, e, at, in, p, (size_t)n))
				break;
			grain = malloc(e->grain);
			if (!grain) {
				rc = -ENOMEM;
				break;
			}
			/* the grain's bytes inside the extent */
			want = e->len - g * e->grain < e->grain
				       ? e->len - g * e->grain
				       : e->grain;
			rc = inflate_grain(s, e, g, at, grain, want);
			if (!rc) {
				memcpy(p, grain + in, (size_t)n);
				cache_grain(s->priv, e, at, grain);
			} else {
				free(grain);
			}
			grain = NULL;
			break;
		default:
			rc = -EIO;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	free(grain);
	return rc;
}

static int vmdk_details(struct fsimg_source *s, fsimg_typed_detail_fn fn,
			void *ctx)
{
	struct vmdk *v = s->priv;
	struct fsimg_details d = { fn, ctx, 0 };
	const struct vmdk_extent *sp = NULL;

	for (unsigned i = 0; i < v->n_ext && !sp; i++)
		if (v->ext[i].type == VMDK_EXT_SPARSE)
			sp = &v->ext[i];
	if (v->create_type[0])
		fsimg_details_text(&d, "create_type", "%s", v->create_type);
	fsimg_details_num(&d, "extents", v->n_ext);
	if (sp) {
		fsimg_details_num(&d, "grain_size", sp->grain);
		fsimg_details_num(&d, "version", sp->version);
		fsimg_details_bool(&d, "compressed", sp->compressed);
	}
	if (v->parent)
		fsimg_details_text(&d, "parent", "%s", v->parent);
	return d.rc;
}

static void vmdk_close(struct fsimg_source *s)
{
	struct vmdk *v = s->priv;

	if (!v)
		return;
	for (unsigned i = 0; i < v->n_ext; i++)
		if (v->ext[i].file && v->ext[i].file != s->lower)
			fsimg_source_close(v->ext[i].file);
	for (unsigned i = 0; i < VMDK_GRAIN_CACHE; i++)
		free(v->slot[i].data);
	pthread_mutex_destroy(&v->lock);
	free(v->ext);
	free(v->parent);
	free(v);
}

static const struct fsimg_source_ops vmdk_ops = {
	.map = vmdk_map,
	.read_other = vmdk_read_other,
	.details = vmdk_details,
	.close = vmdk_close,
};

/* --- opening --------------------------------------------------------- */

/* The parent a descriptor names, as s->backing. */
static int open_parent(struct fsimg_source *s, const struct vmdk_desc *d)
{
	struct vmdk *v = s->priv;
	int rc;

	if (!d->has_parent)
		return 0;
	if (!d->parent_hint[0])
		return fsimg_serr(s, -EINVAL,
				  "a differencing disk (parentCID) with no "
				  "parentFileNameHint");
	v->parent = strdup(d->parent_hint);
	if (!v->parent)
		return -ENOMEM;
	rc = fsimg_source_related(s, d->parent_hint, "parent", true,
				  &s->backing);
	if (rc)
		return rc;
	s->depth = s->backing->depth + 1;
	return 0;
}

/* monolithicSparse, streamOptimized: one sparse extent, s->lower. */
static int open_sparse(struct fsimg_source *s, struct vmdk *v)
{
	struct vmdk_extent *e = &v->ext[0];
	uint8_t h[VMDK_SECTOR];
	struct vmdk_desc d;
	uint64_t cap, doff, dlen, end;
	char *text;
	int rc;

	rc = sparse_open(s, s->lower, e, h, &cap);
	if (rc)
		return rc;
	v->n_ext = 1;
	e->start = 0;
	e->len = cap;
	s->size = cap;
	doff = get_le64(h + 28);
	dlen = get_le64(h + 36);
	if (doff == 0 || dlen == 0)
		return 0;
	if (ckd_mul(&doff, doff, (uint64_t)VMDK_SECTOR) ||
	    ckd_mul(&dlen, dlen, (uint64_t)VMDK_SECTOR) ||
	    dlen > VMDK_DESC_MAX || ckd_add(&end, doff, dlen) ||
	    end > s->lower->size)
		return fsimg_serr(s, -EUCLEAN,
				  "embedded descriptor of %llu sectors at "
				  "sector %llu: too large or past the end",
				  (unsigned long long)get_le64(h + 36),
				  (unsigned long long)get_le64(h + 28));
	text = malloc(dlen);
	if (!text)
		return -ENOMEM;
	rc = fsimg_source_read(s->lower, doff, text, dlen);
	if (!rc)
		rc = vmdk_desc_parse(s, text, dlen, doff, false, &d);
	free(text);
	if (rc)
		return rc;
	snprintf(v->create_type, sizeof(v->create_type), "%s", d.create_type);
	return open_parent(s, &d);
}

/* One extent line: its file opened and checked. */
static int open_extent(struct fsimg_source *s, const struct vmdk_desc_extent *x,
		       uint64_t start, struct vmdk_extent *e)
{
	struct fsimg_source *f;
	uint8_t h[VMDK_SECTOR];
	uint64_t cap, end;
	int rc;

	e->start = start;
	e->type = x->type;
	if (ckd_mul(&e->len, x->sectors, (uint64_t)VMDK_SECTOR))
		return fsimg_serr(s, -EUCLEAN,
				  "extent '%s' of %llu sectors: more than "
				  "2^64 bytes",
				  x->type == VMDK_EXT_ZERO ? "ZERO" : x->name,
				  (unsigned long long)x->sectors);
	if (x->type == VMDK_EXT_ZERO)
		return 0;
	rc = fsimg_source_related(s, x->name, "extent", false, &f);
	if (rc)
		return rc;
	e->file = f;
	if (x->type == VMDK_EXT_FLAT) {
		if (ckd_mul(&e->flat_off, x->offset, (uint64_t)VMDK_SECTOR) ||
		    ckd_add(&end, e->flat_off, e->len) || end > f->size)
			return fsimg_serr(s, -EUCLEAN,
					  "extent '%s' of %llu sectors at "
					  "sector %llu: the file has %llu "
					  "bytes",
					  x->name,
					  (unsigned long long)x->sectors,
					  (unsigned long long)x->offset,
					  (unsigned long long)f->size);
		return 0;
	}
	rc = sparse_open(s, f, e, h, &cap);
	if (rc)
		return rc;
	e->type = VMDK_EXT_SPARSE;
	if (cap < e->len)
		return fsimg_serr(s, -EUCLEAN,
				  "extent '%s': %llu sectors in the "
				  "descriptor, %llu in its header",
				  x->name, (unsigned long long)x->sectors,
				  (unsigned long long)(cap / VMDK_SECTOR));
	return 0;
}

/* A descriptor file naming extent files. */
static int open_descriptor(struct fsimg_source *s, struct vmdk *v)
{
	struct vmdk_desc d;
	uint64_t start = 0;
	char *text;
	int rc;

	if (s->lower->size > VMDK_DESC_MAX)
		return fsimg_serr(s, -EFBIG,
				  "a descriptor of %llu bytes (at most %u are "
				  "read)",
				  (unsigned long long)s->lower->size,
				  VMDK_DESC_MAX);
	text = malloc(s->lower->size ? s->lower->size : 1);
	if (!text)
		return -ENOMEM;
	rc = fsimg_source_read(s->lower, 0, text, s->lower->size);
	if (!rc)
		rc = vmdk_desc_parse(s, text, s->lower->size, 0, true, &d);
	free(text);
	if (rc) {
		free(d.ext);
		return rc;
	}
	snprintf(v->create_type, sizeof(v->create_type), "%s", d.create_type);
	if (d.n_ext == 0) {
		free(d.ext);
		return fsimg_serr(s, -EUCLEAN,
				  "the descriptor names no extent");
	}
	v->ext = calloc(d.n_ext, sizeof(*v->ext));
	if (!v->ext) {
		free(d.ext);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < d.n_ext && !rc; i++) {
		v->n_ext = i + 1;
		rc = open_extent(s, &d.ext[i], start, &v->ext[i]);
		if (!rc && ckd_add(&start, start, v->ext[i].len))
			rc = fsimg_serr(s, -EUCLEAN,
					"the extents add up to more than 2^64 "
					"bytes");
	}
	if (!rc) {
		s->size = start;
		rc = open_parent(s, &d);
	}
	free(d.ext);
	if (rc)
		return rc;
	/* one extent file: it is what the source is stored in */
	if (v->n_ext == 1 && v->ext[0].file) {
		fsimg_source_close(s->lower);
		s->lower = v->ext[0].file;
	}
	return 0;
}

static int vmdk_open(struct fsimg_source *s, const struct fsimg_image_opts *o)
{
	struct vmdk *v;
	uint8_t m[4];
	int rc;

	(void)o;
	s->ops = &vmdk_ops;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	pthread_mutex_init(&v->lock, NULL);
	s->priv = v;
	rc = fsimg_source_read(s->lower, 0, m, sizeof(m));
	if (rc)
		return rc;
	if (get_le32(m) == VMDK_MAGIC || !memcmp(m, "COWD", 4)) {
		v->ext = calloc(1, sizeof(*v->ext));
		if (!v->ext)
			return -ENOMEM;
		return open_sparse(s, v);
	}
	return open_descriptor(s, v);
}

const struct fsimg_container fsimg_container_vmdk = {
	.name = "vmdk",
	.label = "VMDK",
	.probe = vmdk_probe,
	.open = vmdk_open,
};
