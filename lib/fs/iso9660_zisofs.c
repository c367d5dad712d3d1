/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: zisofs, transparent per-file compression marked by a Rock Ridge
 * ZF entry, and zisofs2 (ZF or Z2 entry of version 2), as libisofs'
 * doc/zisofs_format.txt and doc/zisofs2_format.txt describe them.
 *
 * The stored file is: a header, a table of block pointers, and the
 * compressed blocks. Block i of block_size uncompressed bytes is stored in
 * [ptr[i], ptr[i+1]) of the stored data; an empty range means a block of
 * zeroes. Version 1: 16-byte header, 32-bit pointers. Version 2: 24-byte
 * header, 64-bit pointers, an algorithm byte (1 = zlib; others need
 * libraries we do not link: -EOPNOTSUPP).
 *
 * Nothing read from the image sizes an allocation: the pointer table is
 * read two pointers at a time, buffers are sized by the block size, which
 * is at most 1 MiB, and each block must decompress to exactly its size.
 */
#include "iso9660.h"

#include <limits.h>
#include <stdlib.h>
#include <zlib.h>

static const uint8_t magic_v1[8] = { 0x37, 0xE4, 0x53, 0x96,
				     0xC9, 0xDB, 0xD6, 0x07 };
static const uint8_t magic_v2[8] = { 0xEF, 0x22, 0x55, 0xA1,
				     0xBC, 0x1B, 0x95, 0xA0 };

struct iso_zisofs {
	struct iso_zhdr h;
	uint32_t block_size;
	uint64_t nblocks;
	unsigned ptr_size;
	uint64_t table_end;
	pthread_mutex_t lock; /* guards the buffers and the cached block */
	uint64_t cached;      /* block in ubuf, UINT64_MAX: none */
	uint32_t cached_len;
	uint8_t *cbuf, *ubuf;
	size_t cbuf_size;
};

int iso_zisofs_header(const uint8_t *p, size_t len, struct iso_zhdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len >= 16 && !memcmp(p, magic_v1, 8)) {
		h->version = 1;
		h->size = get_le32(p + 8);
		h->hdr_size = p[12] * 4u;
		h->log2 = p[13];
		h->alg = 1;
		if (h->hdr_size != 16 || h->log2 < 15 || h->log2 > 17)
			return -EUCLEAN;
		return 0;
	}
	if (len >= 24 && !memcmp(p, magic_v2, 8)) {
		h->version = 2;
		h->hdr_size = p[9] * 4u;
		h->alg = p[10];
		h->log2 = p[11];
		h->size = get_le64(p + 12);
		if (p[8] != 0 || h->hdr_size != 24 || h->log2 < 15 ||
		    h->log2 > 20)
			return -EUCLEAN;
		return 0;
	}
	return -EUCLEAN;
}

int iso_zisofs_check_block(uint64_t start, uint64_t end, uint64_t table_end,
			   uint64_t stored, uint32_t block_size)
{
	if (start > end || start < table_end || end > stored)
		return -EUCLEAN;
	/* deflate expands incompressible data by a few bytes per block */
	if (end - start > (uint64_t)block_size * 2 + 1024)
		return -EUCLEAN;
	return 0;
}

static const char *alg_name(uint8_t alg)
{
	static const char *const names[] = { "?",   "zlib", "xz",
					     "lz4", "zstd", "bzip2" };
	return alg < 6 ? names[alg] : "unknown";
}

int iso_zisofs_open(struct iso_fs *ifs, struct iso_file *fp,
		    const struct iso_rr *rr, struct iso_zisofs **out)
{
	uint8_t hb[24];
	struct iso_zisofs *z;
	struct iso_zhdr h;
	uint64_t nblocks, table;
	int rc;

	if (fp->stored < 16)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': Rock Ridge says zisofs but only "
				  "%llu bytes are stored",
				  fp->name, (unsigned long long)fp->stored);
	rc = iso_file_raw_read(ifs, fp, 0, hb,
			       fp->stored < sizeof(hb) ? 16 : sizeof(hb));
	if (rc)
		return rc;
	if (iso_zisofs_header(hb, fp->stored < sizeof(hb) ? 16 : sizeof(hb),
			      &h))
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': zisofs header is missing or "
				  "invalid",
				  fp->name);
	if (h.version != rr->zf_version || h.log2 != rr->zf_log2 ||
	    h.hdr_size != rr->zf_hdr_div4 * 4u || h.size != rr->zf_size)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': zisofs header (version %u, block "
				  "2^%u, %llu bytes) disagrees with its ZF "
				  "entry (version %u, block 2^%u, %llu bytes)",
				  fp->name, h.version, h.log2,
				  (unsigned long long)h.size, rr->zf_version,
				  rr->zf_log2, (unsigned long long)rr->zf_size);
	if (h.alg != 1)
		return fsimg_werr(&ifs->win, -EOPNOTSUPP,
				  "file '%s' is compressed with zisofs2 "
				  "algorithm %u (%s, ZF \"%c%c\"), which this "
				  "reader does not decode",
				  fp->name, h.alg, alg_name(h.alg),
				  rr->zf_alg[0], rr->zf_alg[1]);
	nblocks = (h.size >> h.log2) + !!(h.size & ((1ull << h.log2) - 1));
	/* (nblocks + 1) pointers after the header, all inside the file */
	if (ckd_add(&table, nblocks, 1) ||
	    ckd_mul(&table, table, h.version == 1 ? 4u : 8u) ||
	    ckd_add(&table, table, h.hdr_size) || table > fp->stored)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': zisofs block pointers for %llu "
				  "bytes do not fit in the %llu bytes stored",
				  fp->name, (unsigned long long)h.size,
				  (unsigned long long)fp->stored);
	z = calloc(1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	z->h = h;
	z->block_size = 1u << h.log2;
	z->nblocks = nblocks;
	z->ptr_size = h.version == 1 ? 4 : 8;
	z->table_end = table;
	z->cached = UINT64_MAX;
	z->cbuf_size = (size_t)z->block_size * 2 + 1024;
	z->cbuf = malloc(z->cbuf_size);
	z->ubuf = malloc(z->block_size);
	if (!z->cbuf || !z->ubuf) {
		iso_zisofs_free(z);
		return -ENOMEM;
	}
	pthread_mutex_init(&z->lock, NULL);
	*out = z;
	return 0;
}

void iso_zisofs_free(struct iso_zisofs *z)
{
	if (!z)
		return;
	if (z->cbuf && z->ubuf)
		pthread_mutex_destroy(&z->lock);
	free(z->cbuf);
	free(z->ubuf);
	free(z);
}

/* Decodes block i into z->ubuf; called with z->lock held. */
static int load_block(struct iso_fs *ifs, struct iso_file *fp,
		      struct iso_zisofs *z, uint64_t i)
{
	uint8_t pb[16];
	uint64_t start, end, want;
	z_stream s;
	int rc, zrc;

	if (z->cached == i)
		return 0;
	want = z->h.size - i * z->block_size;
	if (want > z->block_size)
		want = z->block_size;
	rc = iso_file_raw_read(ifs, fp, z->h.hdr_size + i * z->ptr_size, pb,
			       2 * z->ptr_size);
	if (rc)
		return rc;
	start = z->ptr_size == 4 ? get_le32(pb) : get_le64(pb);
	end = z->ptr_size == 4 ? get_le32(pb + 4) : get_le64(pb + 8);
	if (iso_zisofs_check_block(start, end, z->table_end, fp->stored,
				   z->block_size))
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': zisofs block %llu has bad "
				  "pointers [%llu, %llu) (data is %llu bytes)",
				  fp->name, (unsigned long long)i,
				  (unsigned long long)start,
				  (unsigned long long)end,
				  (unsigned long long)fp->stored);
	z->cached = UINT64_MAX;
	if (start == end) {
		memset(z->ubuf, 0, (size_t)want);
		goto done;
	}
	rc = iso_file_raw_read(ifs, fp, start, z->cbuf, (size_t)(end - start));
	if (rc)
		return rc;
	memset(&s, 0, sizeof(s));
	if (inflateInit(&s) != Z_OK)
		return -ENOMEM;
	s.next_in = z->cbuf;
	s.avail_in = (uInt)(end - start);
	s.next_out = z->ubuf;
	s.avail_out = (uInt)want;
	zrc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	if (zrc != Z_STREAM_END || s.total_out != want)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "file '%s': zisofs block %llu does not "
				  "decompress to %llu bytes (zlib: %d)",
				  fp->name, (unsigned long long)i,
				  (unsigned long long)want, zrc);
done:
	z->cached = i;
	z->cached_len = (uint32_t)want;
	return 0;
}

ssize_t iso_zisofs_read(struct iso_fs *ifs, struct iso_file *fp, void *buf,
			size_t size, uint64_t off)
{
	struct iso_zisofs *z = fp->z;
	uint8_t *out = buf;
	size_t done = 0;
	int rc = 0;

	if (off >= z->h.size)
		return 0;
	if (size > z->h.size - off)
		size = (size_t)(z->h.size - off);
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	pthread_mutex_lock(&z->lock);
	while (done < size) {
		uint64_t i = off >> z->h.log2;
		uint32_t in = (uint32_t)(off & (z->block_size - 1));
		size_t n;

		rc = load_block(ifs, fp, z, i);
		if (rc)
			break;
		if (in >= z->cached_len) {
			rc = -EIO;
			break;
		}
		n = z->cached_len - in;
		if (n > size - done)
			n = size - done;
		memcpy(out + done, z->ubuf + in, n);
		done += n;
		off += n;
	}
	pthread_mutex_unlock(&z->lock);
	return rc ? rc : (ssize_t)done;
}
