/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decompression of whole blocks, shared by the readers whose formats
 * store them compressed (qcow2 clusters, btrfs extents): zlib and zstd,
 * through their libraries. The input is padded to a sector, so the
 * stream may end before it; the output must be filled exactly.
 */
#include "internal.h"

#include <zlib.h>
#include <zstd.h>

int fsimg_inflate_zlib(const void *in, size_t inlen, void *out, size_t outlen,
		       bool raw, size_t *produced)
{
	z_stream z;
	int rc;

	if (inlen > UINT_MAX || outlen > UINT_MAX)
		return -EUCLEAN;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, raw ? -15 : 15) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	z.next_out = out;
	z.avail_out = (uInt)outlen;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR)
		return -EUCLEAN;
	if (produced)
		*produced = outlen - z.avail_out;
	else if (z.avail_out)
		return -EUCLEAN;
	return 0;
}

int fsimg_inflate_zstd(void *stream, const void *in, size_t inlen, void *out,
		       size_t outlen, size_t *produced)
{
	ZSTD_DStream *d = stream ? stream : ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob = { out, outlen, 0 };
	int rc = 0;

	if (!d)
		return -ENOMEM;
	ZSTD_initDStream(d);
	while (ob.pos < ob.size) {
		size_t r = ZSTD_decompressStream(d, &ob, &ib);

		if (ZSTD_isError(r)) {
			rc = -EUCLEAN;
			break;
		}
		if (r == 0 || ib.pos == ib.size)
			break;
	}
	if (!stream)
		ZSTD_freeDStream(d);
	if (rc)
		return rc;
	if (produced)
		*produced = ob.pos;
	return produced || ob.pos == ob.size ? 0 : -EUCLEAN;
}
