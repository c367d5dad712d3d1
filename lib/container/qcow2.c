/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 (QEMU copy-on-write, versions 2 and 3), after qemu's
 * docs/interop/qcow2.txt: a header, a two-level table (L1 -> L2) of host
 * cluster offsets, clusters that are plain, zero, unallocated (the backing
 * file's, or zeroes) or compressed (zlib deflate or zstd), extended L2
 * entries with 32 subclusters each, internal snapshots with their own L1
 * table.
 *
 * Nothing is allocated by what the header claims: L1 and L2 entries are
 * read one at a time through the file's block cache
 * (fsimg_source_read_cached), a compressed cluster into one buffer of the
 * cluster size (at most 2 MiB). Refused with a message: encryption, an
 * external data file, the corrupt bit and incompatible features we do not
 * know. Every offset is checked against the file before it is used; the
 * core checks the runs again.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

#define QCOW2_MAGIC 0x514649fbu

/* header fields (big-endian) */
#define H_VERSION	   4
#define H_BACKING_OFF	   8
#define H_BACKING_SIZE	   16
#define H_CLUSTER_BITS	   20
#define H_SIZE		   24
#define H_CRYPT		   32
#define H_L1_SIZE	   36
#define H_L1_OFF	   40
#define H_NB_SNAPSHOTS	   60
#define H_SNAPSHOTS_OFF	   64
#define H_INCOMPAT	   72
#define H_COMPAT	   80
#define H_HEADER_LENGTH	   100
#define H_COMPRESSION_TYPE 104
#define H_V2_LENGTH	   72

enum {
	INCOMPAT_DIRTY = 1u << 0,
	INCOMPAT_CORRUPT = 1u << 1,
	INCOMPAT_DATA_FILE = 1u << 2,
	INCOMPAT_COMPRESSION = 1u << 3,
	INCOMPAT_EXTL2 = 1u << 4,
	INCOMPAT_KNOWN = (1u << 5) - 1,
};

#define L1_OFFSET_MASK 0x00fffffffffffe00ULL
#define L2_OFFSET_MASK 0x00fffffffffffe00ULL
#define L2_COMPRESSED  (1ULL << 62)
#define L2_ZERO	       1ULL
#define SNAPSHOTS_MAX  65536u
#define SNAP_TABLE_MAX (64u << 20)
#define MAP_CLUSTERS   64u /* clusters one map() call looks at */

struct qcow2 {
	unsigned cluster_bits;
	uint64_t cluster;     /* bytes */
	unsigned l2_bits;     /* log2 of the entries of an L2 table */
	bool extl2;	      /* 16-byte L2 entries, 32 subclusters */
	unsigned compression; /* 0 zlib, 1 zstd */
	uint64_t l1_off;
	uint32_t l1_size;
	uint64_t file_size;
	unsigned version;
	uint64_t incompat;
	uint32_t nb_snapshots;
	char snapshot[64]; /* the one read, or "" */
	/* the last decompressed cluster, for sequential reads */
	pthread_mutex_t lock;
	uint64_t cached_vcluster; /* + 1; 0 = none */
	uint8_t *cbuf;
	/* under lock too: the compressed bytes (2 clusters + a sector at
	 * most) and zstd's context, made once rather than per cluster */
	uint8_t *zbuf;
	ZSTD_DStream *zctx;
};

/* --- tables -------------------------------------------------------------- */

struct l2e {
	uint64_t entry;	 /* the standard 8-byte entry */
	uint64_t bitmap; /* extended L2: alloc bits 0-31, zero bits 32-63 */
	bool present;	 /* an L2 table covers it */
};

static int l2_entry(struct fsimg_source *s, uint64_t vcluster, struct l2e *e)
{
	struct qcow2 *q = s->priv;
	uint64_t l1i = vcluster >> q->l2_bits;
	uint64_t l2i = vcluster & ((1ULL << q->l2_bits) - 1);
	unsigned esize = q->extl2 ? 16 : 8;
	uint8_t b[16];
	uint64_t l1, l2off;
	int rc;

	memset(e, 0, sizeof(*e));
	if (l1i >= q->l1_size)
		return 0; /* past the L1 table: unallocated, as qemu reads */
	rc = fsimg_source_read_cached(s->lower, q->l1_off + l1i * 8, b, 8);
	if (rc)
		return fsimg_serr(s, rc,
				  "L1 entry %llu at byte %llu unreadable",
				  (unsigned long long)l1i,
				  (unsigned long long)(q->l1_off + l1i * 8));
	l1 = get_be64(b);
	l2off = l1 & L1_OFFSET_MASK;
	if (!l2off)
		return 0;
	if (l2off & (q->cluster - 1) || l2off < q->cluster ||
	    l2off > q->file_size - q->cluster)
		return fsimg_serr(
			s, -EUCLEAN,
			"L1 entry %llu at byte %llu: L2 table at %llu "
			"is not a cluster inside the file",
			(unsigned long long)l1i,
			(unsigned long long)(q->l1_off + l1i * 8),
			(unsigned long long)l2off);
	rc = fsimg_source_read_cached(s->lower, l2off + l2i * esize, b, esize);
	if (rc)
		return fsimg_serr(s, rc, "L2 entry at byte %llu unreadable",
				  (unsigned long long)(l2off + l2i * esize));
	e->entry = get_be64(b);
	e->bitmap = q->extl2 ? get_be64(b + 8) : 0;
	e->present = true;
	return 0;
}

/* --- map ----------------------------------------------------------------- */

/* What one (sub)cluster is: a run kind and, stored, its host offset. */
static int classify(struct fsimg_source *s, uint64_t off, uint64_t *unit,
		    enum fsimg_run_kind *kind, uint64_t *host)
{
	struct qcow2 *q = s->priv;
	uint64_t vcluster = off >> q->cluster_bits;
	uint64_t in = off & (q->cluster - 1);
	uint64_t hoff;
	struct l2e e;
	int rc = l2_entry(s, vcluster, &e);

	if (rc)
		return rc;
	*unit = q->cluster;
	*host = 0;
	if (!e.present || (!e.entry && !e.bitmap)) {
		*kind = s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
		return 0;
	}
	if (e.entry & L2_COMPRESSED) {
		*kind = FSIMG_RUN_OTHER;
		return 0;
	}
	hoff = e.entry & L2_OFFSET_MASK;
	if (q->extl2) {
		uint64_t sub = q->cluster / 32;
		unsigned i = (unsigned)(in / sub);
		bool alloc = e.bitmap >> i & 1, zero = e.bitmap >> (32 + i) & 1;

		*unit = sub;
		if (alloc && zero)
			return fsimg_serr(s, -EUCLEAN,
					  "cluster %llu: subcluster %u is both "
					  "allocated and zero",
					  (unsigned long long)vcluster, i);
		if (zero) {
			*kind = FSIMG_RUN_ZERO;
			return 0;
		}
		if (!alloc) {
			*kind = s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
			return 0;
		}
		if (!hoff)
			return fsimg_serr(s, -EUCLEAN,
					  "cluster %llu: allocated subcluster "
					  "%u has no host cluster",
					  (unsigned long long)vcluster, i);
	} else if (e.entry & L2_ZERO) {
		*kind = FSIMG_RUN_ZERO;
		return 0;
	} else if (!hoff) {
		*kind = s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
		return 0;
	}
	/* the file may end inside its last cluster (subclusters never
	 * written): the core checks each run against the end */
	if (hoff & (q->cluster - 1) || hoff >= q->file_size)
		return fsimg_serr(
			s, -EUCLEAN,
			"cluster %llu is stored at byte %llu, which is "
			"not a cluster inside the file",
			(unsigned long long)vcluster, (unsigned long long)hoff);
	*kind = FSIMG_RUN_LOWER;
	*host = hoff;
	return 0;
}

static int qcow2_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		     struct fsimg_run *run)
{
	struct qcow2 *q = s->priv;
	uint64_t pos = off, end = off + len;

	for (unsigned n = 0; pos < end && n < MAP_CLUSTERS; n++) {
		enum fsimg_run_kind kind = FSIMG_RUN_ZERO;
		uint64_t unit = 1, host = 0, take;
		int rc = classify(s, pos, &unit, &kind, &host);

		if (rc)
			return rc;
		take = unit - (pos & (unit - 1));
		if (take > end - pos)
			take = end - pos;
		if (kind == FSIMG_RUN_LOWER)
			host += pos & (q->cluster - 1);
		if (pos == off) {
			run->kind = kind;
			run->at = kind == FSIMG_RUN_LOWER ? host : 0;
			run->len = take;
		} else if (kind != run->kind || kind == FSIMG_RUN_OTHER ||
			   (kind == FSIMG_RUN_LOWER &&
			    host != run->at + run->len)) {
			break; /* a compressed cluster is a run of its own */
		} else {
			run->len += take;
		}
		pos += take;
		if (kind == FSIMG_RUN_OTHER)
			break;
	}
	return 0;
}

/* --- compressed clusters ----------------------------------------------- */

/* Cluster vcluster, compressed, into out (cluster bytes). */
static int decompress(struct fsimg_source *s, uint64_t vcluster, uint8_t *out)
{
	struct qcow2 *q = s->priv;
	unsigned x = 62 - (q->cluster_bits - 8);
	uint64_t hoff, nsect, clen;
	uint8_t *in;
	struct l2e e;
	int rc = l2_entry(s, vcluster, &e);

	if (rc)
		return rc;
	if (!(e.entry & L2_COMPRESSED))
		return -EIO; /* changed under us: cannot be */
	hoff = e.entry & ((1ULL << x) - 1);
	nsect = (e.entry & ~L2_COMPRESSED & ((1ULL << 62) - 1)) >> x;
	clen = (nsect + 1) * 512 - (hoff & 511);
	if (clen > 2 * q->cluster + 512 || hoff >= q->file_size)
		return fsimg_serr(s, -EUCLEAN,
				  "compressed cluster %llu: %llu bytes at %llu "
				  "is not a cluster's worth inside the file",
				  (unsigned long long)vcluster,
				  (unsigned long long)clen,
				  (unsigned long long)hoff);
	if (clen > q->file_size - hoff)
		clen = q->file_size - hoff; /* the last one may be short */
	in = q->zbuf;
	rc = fsimg_source_read(s->lower, hoff, in, (size_t)clen);
	if (!rc)
		rc = q->compression
			     ? fsimg_inflate_zstd(q->zctx, in, clen, out,
						  q->cluster, NULL)
			     : fsimg_inflate_zlib(in, clen, out, q->cluster,
						  true, NULL);
	if (rc == -EUCLEAN)
		return fsimg_serr(s, rc,
				  "compressed cluster %llu at byte %llu does "
				  "not decompress to %llu bytes (%s)",
				  (unsigned long long)vcluster,
				  (unsigned long long)hoff,
				  (unsigned long long)q->cluster,
				  q->compression ? "zstd" : "zlib");
	return rc;
}

static int qcow2_read_other(struct fsimg_source *s, uint64_t off, void *buf,
			    size_t len)
{
	struct qcow2 *q = s->priv;
	uint8_t *p = buf;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	while (len && !rc) {
		uint64_t vc = off >> q->cluster_bits;
		size_t in = (size_t)(off & (q->cluster - 1));
		size_t n = (size_t)q->cluster - in;

		if (n > len)
			n = len;
		if (q->cached_vcluster != vc + 1) {
			q->cached_vcluster = 0;
			rc = decompress(s, vc, q->cbuf);
			if (rc)
				break;
			q->cached_vcluster = vc + 1;
		}
		memcpy(p, q->cbuf + in, n);
		p += n;
		off += n;
		len -= n;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

/* --- details, close ------------------------------------------------------ */

static int qcow2_details(struct fsimg_source *s, fsimg_typed_detail_fn fn,
			 void *ctx)
{
	struct qcow2 *q = s->priv;
	struct fsimg_details d = { fn, ctx, 0 };

	fsimg_details_num(&d, "cluster_size", q->cluster);
	fsimg_details_text(&d, "compat", "%s",
			   q->version == 2 ? "0.10" : "1.1");
	fsimg_details_text(&d, "compression_type", "%s",
			   q->compression ? "zstd" : "zlib");
	fsimg_details_bool(&d, "extended_l2", q->extl2);
	fsimg_details_num(&d, "snapshots", q->nb_snapshots);
	if (q->snapshot[0])
		fsimg_details_text(&d, "snapshot", "%s", q->snapshot);
	/* refcounts not rebuilt: reading is unaffected */
	fsimg_details_bool(&d, "dirty", q->incompat & INCOMPAT_DIRTY);
	return d.rc;
}

static void qcow2_close(struct fsimg_source *s)
{
	struct qcow2 *q = s->priv;

	if (!q)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q->cbuf);
	free(q->zbuf);
	if (q->zctx)
		ZSTD_freeDStream(q->zctx);
	free(q);
}

static const struct fsimg_source_ops qcow2_ops = {
	.map = qcow2_map,
	.read_other = qcow2_read_other,
	.details = qcow2_details,
	.close = qcow2_close,
};

/* --- open ------------------------------------------------------------------
 */

static int qcow2_probe(struct fsimg_source *file)
{
	uint8_t b[8];
	int rc;

	if (file->size < H_V2_LENGTH)
		return 0;
	rc = fsimg_source_read(file, 0, b, sizeof(b));
	if (rc)
		return rc;
	return get_be32(b) == QCOW2_MAGIC &&
	       (get_be32(b + 4) == 2 || get_be32(b + 4) == 3);
}

/* The snapshot named o->snapshot (name or id): its L1 table and size. */
static int select_snapshot(struct fsimg_source *s, const char *want,
			   uint64_t snap_off, uint64_t *disk_size)
{
	struct qcow2 *q = s->priv;
	uint64_t pos = snap_off;
	char names[256] = "";

	if (snap_off & 7 || snap_off >= q->file_size)
		return fsimg_serr(s, -EUCLEAN,
				  "snapshot table at byte %llu is outside the "
				  "file",
				  (unsigned long long)snap_off);
	for (uint32_t i = 0; i < q->nb_snapshots; i++) {
		uint8_t h[40], extra[16] = { 0 };
		/* longer ids and names are listed cut, and match nothing */
		char id[128], name[1024];
		uint32_t extra_size, l1_size;
		uint16_t id_size, name_size, id_read, name_read;
		uint64_t l1_off, next;

		if (pos - snap_off > SNAP_TABLE_MAX ||
		    fsimg_source_read(s->lower, pos, h, sizeof(h)))
			return fsimg_serr(s, -EUCLEAN,
					  "snapshot %u at byte %llu is "
					  "unreadable",
					  i, (unsigned long long)pos);
		l1_off = get_be64(h);
		l1_size = get_be32(h + 8);
		id_size = get_be16(h + 12);
		name_size = get_be16(h + 14);
		extra_size = get_be32(h + 36);
		if (extra_size > 1024)
			return fsimg_serr(s, -EUCLEAN,
					  "snapshot %u at byte %llu: %u bytes "
					  "of extra data",
					  i, (unsigned long long)pos,
					  extra_size);
		if (pos + sizeof(h) + extra_size + id_size + name_size >
		    q->file_size)
			return fsimg_serr(s, -EUCLEAN,
					  "snapshot %u at byte %llu runs past "
					  "the end of the file",
					  i, (unsigned long long)pos);
		id_read = id_size < sizeof(id) ? id_size : sizeof(id) - 1;
		name_read =
			name_size < sizeof(name) ? name_size : sizeof(name) - 1;
		pos += sizeof(h);
		if (fsimg_source_read(s->lower, pos, extra,
				      extra_size < 16 ? extra_size : 16) ||
		    fsimg_source_read(s->lower, pos + extra_size, id,
				      id_read) ||
		    fsimg_source_read(s->lower, pos + extra_size + id_size,
				      name, name_read))
			return fsimg_serr(s, -EUCLEAN,
					  "snapshot %u at byte %llu is "
					  "unreadable",
					  i, (unsigned long long)pos);
		id[id_read] = name[name_read] = '\0';
		next = pos + extra_size + id_size + name_size;
		next = (next + 7) & ~7ULL;
		if (strlen(names) + strlen(name) + 3 < sizeof(names))
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s",
				 names[0] ? ", " : "", name);
		if ((name_read < name_size || strcmp(want, name)) &&
		    (id_read < id_size || strcmp(want, id))) {
			pos = next;
			continue;
		}
		if (l1_off & (q->cluster - 1) || !l1_off ||
		    l1_off > q->file_size ||
		    (uint64_t)l1_size * 8 > q->file_size - l1_off)
			return fsimg_serr(s, -EUCLEAN,
					  "snapshot '%s': its L1 table (%u "
					  "entries at %llu) is not inside the "
					  "file",
					  name, l1_size,
					  (unsigned long long)l1_off);
		q->l1_off = l1_off;
		q->l1_size = l1_size;
		if (extra_size >= 16)
			*disk_size = get_be64(extra + 8);
		fsimg_strcpy_trunc(q->snapshot, sizeof(q->snapshot), name);
		return 0;
	}
	return fsimg_serr(s, -ENOENT, "no snapshot '%s' (snapshots: %s)", want,
			  names[0] ? names : "none");
}

#define EXT_BACKING_FORMAT 0xe2792acau
#define L1_MAX_ENTRIES	   ((32u << 20) / 8u) /* qemu's QCOW_MAX_L1_SIZE */
#define EXT_MAX		   64u		      /* header extensions looked at */

/*
 * The header extensions, from byte hlen up to end (the backing file name,
 * or the end of the header cluster), each checked to lie there; the
 * backing format is kept: 1 with fmt set, 0 when there is none, -errno.
 */
static int header_extensions(struct fsimg_source *s, uint32_t hlen,
			     uint64_t end, char *fmt, size_t size)
{
	uint64_t pos = hlen;

	for (unsigned n = 0; n < EXT_MAX && pos + 8 <= end; n++) {
		uint8_t e[8];
		uint32_t type, len;
		int rc = fsimg_source_read(s->lower, pos, e, sizeof(e));

		if (rc)
			return rc;
		type = get_be32(e);
		len = get_be32(e + 4);
		if (type == 0)
			return 0;
		if (len > end - pos - 8)
			return fsimg_serr(s, -EUCLEAN,
					  "header extension 0x%08x at byte "
					  "%llu: its %u bytes run past the "
					  "header (byte %llu)",
					  type, (unsigned long long)pos, len,
					  (unsigned long long)end);
		if (type == EXT_BACKING_FORMAT) {
			if (len == 0 || len >= size)
				return fsimg_serr(s, -EUCLEAN,
						  "backing format extension "
						  "at byte %llu: %u bytes",
						  (unsigned long long)pos, len);
			rc = fsimg_source_read(s->lower, pos + 8, fmt, len);
			if (rc)
				return rc;
			fmt[len] = '\0';
			if (strlen(fmt) != len)
				return fsimg_serr(s, -EUCLEAN,
						  "backing format holds a NUL "
						  "byte");
			return 1;
		}
		pos += 8 + (((uint64_t)len + 7) & ~7ULL);
	}
	return 0;
}

static int open_backing(struct fsimg_source *s, uint64_t off, uint32_t size,
			const char *fmt)
{
	struct qcow2 *q = s->priv;
	char name[1024];
	int rc;

	if (size == 0 || size > 1023 || off > q->cluster ||
	    size > q->cluster - off)
		return fsimg_serr(s, -EUCLEAN,
				  "backing file name (%u bytes at %llu) is not "
				  "in the header cluster",
				  size, (unsigned long long)off);
	rc = fsimg_source_read(s->lower, off, name, size);
	if (rc)
		return rc;
	name[size] = '\0';
	if (strlen(name) != size)
		return fsimg_serr(s, -EUCLEAN,
				  "backing file name holds a NUL byte");
	/* a recorded format is obeyed: a raw base is never probed */
	rc = fmt ? fsimg_source_related_as(s, name, "backing file", fmt,
					   &s->backing)
		 : fsimg_source_related(s, name, "backing file", true,
					&s->backing);
	if (rc)
		return rc;
	s->depth = s->backing->depth + 1;
	return 0;
}

static int qcow2_open(struct fsimg_source *s, const struct fsimg_image_opts *o)
{
	uint8_t h[112] = { 0 };
	struct fsimg_source *f = s->lower;
	struct qcow2 *q;
	uint64_t size, backing_off, snap_off, need, l2_span;
	uint32_t hlen, backing_size, crypt;
	char fmt[32];
	int rc;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	s->priv = q;
	s->ops = &qcow2_ops;
	q->file_size = f->size;
	rc = fsimg_source_read(f, 0, h, f->size < 112 ? H_V2_LENGTH : 112);
	if (rc)
		return rc;
	q->version = get_be32(h + H_VERSION);
	hlen = q->version == 2 ? H_V2_LENGTH : get_be32(h + H_HEADER_LENGTH);
	if (q->version == 3 && (hlen < 104 || hlen > f->size))
		return fsimg_serr(s, -EUCLEAN, "header length %u is wrong",
				  hlen);
	q->cluster_bits = get_be32(h + H_CLUSTER_BITS);
	if (q->cluster_bits < 9 || q->cluster_bits > 21)
		return fsimg_serr(s, -EUCLEAN,
				  "cluster_bits %u (at byte 20) is outside "
				  "9..21",
				  q->cluster_bits);
	q->cluster = 1ULL << q->cluster_bits;
	if (q->version == 3) {
		q->incompat = get_be64(h + H_INCOMPAT);
		if (hlen > H_COMPRESSION_TYPE)
			q->compression = h[H_COMPRESSION_TYPE];
	}
	crypt = get_be32(h + H_CRYPT);
	if (crypt)
		return fsimg_serr(s, -EOPNOTSUPP,
				  "the disk is encrypted (%s): not read",
				  crypt == 1   ? "AES"
				  : crypt == 2 ? "LUKS"
					       : "unknown");
	if (q->incompat & INCOMPAT_CORRUPT)
		return fsimg_serr(s, -EUCLEAN,
				  "marked corrupt by qemu (incompatible bit "
				  "1): not read; qemu-img check -r all repairs "
				  "it");
	if (q->incompat & INCOMPAT_DATA_FILE)
		return fsimg_serr(s, -EOPNOTSUPP,
				  "its data is in an external data file: not "
				  "read (it would make fsimg open a file the "
				  "image names)");
	if (q->incompat & ~(uint64_t)INCOMPAT_KNOWN)
		return fsimg_serr(
			s, -EOPNOTSUPP,
			"incompatible features 0x%llx are unknown",
			(unsigned long long)(q->incompat &
					     ~(uint64_t)INCOMPAT_KNOWN));
	if (q->compression > 1 ||
	    !!(q->incompat & INCOMPAT_COMPRESSION) != (q->compression != 0))
		return fsimg_serr(s, -EUCLEAN,
				  "compression type %u does not match its "
				  "feature bit",
				  q->compression);
	q->extl2 = q->incompat & INCOMPAT_EXTL2;
	if (q->extl2 && q->cluster_bits < 14)
		return fsimg_serr(s, -EUCLEAN,
				  "extended L2 entries need clusters of 16 KiB "
				  "or more");
	q->l2_bits = q->cluster_bits - (q->extl2 ? 4 : 3);

	size = get_be64(h + H_SIZE);
	q->l1_size = get_be32(h + H_L1_SIZE);
	q->l1_off = get_be64(h + H_L1_OFF);
	q->nb_snapshots = get_be32(h + H_NB_SNAPSHOTS);
	snap_off = get_be64(h + H_SNAPSHOTS_OFF);
	if (q->nb_snapshots > SNAPSHOTS_MAX)
		return fsimg_serr(s, -EUCLEAN, "%u snapshots: too many",
				  q->nb_snapshots);
	if (o->snapshot) {
		rc = select_snapshot(s, o->snapshot, snap_off, &size);
		if (rc)
			return rc;
	}
	/* qemu's bounds: a disk offset fits off_t, the L1 table 32 MiB */
	if (size > (uint64_t)INT64_MAX || q->l1_size > L1_MAX_ENTRIES)
		return fsimg_serr(s, -EUCLEAN,
				  "a %llu-byte disk with %u L1 entries: "
				  "larger than qcow2 allows (2^63 - 1 bytes, "
				  "%u entries)",
				  (unsigned long long)size, q->l1_size,
				  L1_MAX_ENTRIES);
	/* the L1 table must cover the disk, and lie inside the file */
	l2_span = 1ULL << (q->l2_bits + q->cluster_bits);
	need = size / l2_span + !!(size % l2_span);
	if (need > q->l1_size)
		return fsimg_serr(s, -EUCLEAN,
				  "%llu-byte disk needs %llu L1 entries, the "
				  "table has %u",
				  (unsigned long long)size,
				  (unsigned long long)need, q->l1_size);
	if (q->l1_size && (q->l1_off & (q->cluster - 1) ||
			   q->l1_off < q->cluster || q->l1_off > f->size ||
			   (uint64_t)q->l1_size * 8 > f->size - q->l1_off))
		return fsimg_serr(s, -EUCLEAN,
				  "L1 table (%u entries at byte %llu) is not "
				  "inside the file",
				  q->l1_size, (unsigned long long)q->l1_off);
	s->size = size;
	q->cbuf = malloc(q->cluster);
	q->zbuf = malloc(2 * q->cluster + 512);
	if (q->compression)
		q->zctx = ZSTD_createDStream();
	if (!q->cbuf || !q->zbuf || (q->compression && !q->zctx))
		return -ENOMEM;
	backing_off = get_be64(h + H_BACKING_OFF);
	backing_size = get_be32(h + H_BACKING_SIZE);
	rc = header_extensions(s, hlen,
			       backing_off && backing_off < q->cluster
				       ? backing_off
				       : q->cluster,
			       fmt, sizeof(fmt));
	if (rc < 0)
		return rc;
	if (backing_off)
		return open_backing(s, backing_off, backing_size,
				    rc ? fmt : NULL);
	return 0;
}

const struct fsimg_container fsimg_container_qcow2 = {
	.name = "qcow2",
	.label = "qcow2",
	.probe = qcow2_probe,
	.open = qcow2_open,
};
