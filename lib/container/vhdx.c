/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VHDX ([MS-VHDX]): a file identifier ("vhdxfile"), two headers at 64 and
 * 128 KiB (CRC-32C; the valid one with the higher sequence number
 * counts), a region table at 192 KiB (and its copy at 256 KiB) placing the
 * BAT and the metadata region, little-endian throughout. The metadata
 * gives the block size, the virtual disk size, the sector sizes and, for
 * a differencing disk, the parent locator. The BAT has an entry per
 * payload block (state in bits 0-2, file offset in MiB from bit 20), and
 * after every chunk ratio of them an entry for the sector bitmap of that
 * chunk (one bit a logical sector, least significant bit first: set when
 * the sector is in this file rather than the parent).
 *
 * A header naming a log (LogGuid not zero) may have writes not yet in
 * place: replaying it would be writing, so such a file is refused.
 */
#include "container.h"

#include <stdio.h>
#include <stdlib.h>

#define KiB		 1024ull
#define MiB		 (1024ull * 1024)
#define VHDX_HEADER_SIZE (4 * KiB)
#define VHDX_REGION_SIZE (64 * KiB)
#define VHDX_TABLE_MAX	 2047u
#define VHDX_BLOCK_MIN	 MiB
#define VHDX_BLOCK_MAX	 (256 * MiB)
#define VHDX_MERGE_MAX	 1024u
#define VHDX_LOCATOR_MAX (64 * KiB)

enum {
	PAYLOAD_NOT_PRESENT = 0,
	PAYLOAD_UNDEFINED = 1,
	PAYLOAD_ZERO = 2,
	PAYLOAD_UNMAPPED = 3,
	PAYLOAD_FULLY_PRESENT = 6,
	PAYLOAD_PARTIALLY_PRESENT = 7,
	SB_PRESENT = 6,
};

#define GUID_BAT	   "2DC27766-F623-4200-9D64-115E9BFD4A08"
#define GUID_METADATA	   "8B7CA206-4790-4B9A-B8FE-575F050F886E"
#define GUID_FILE_PARAMS   "CAA16737-FA36-4D43-B3B6-33F0AA44E76B"
#define GUID_DISK_SIZE	   "2FA54224-CD1B-4876-B211-5DBED83BF4B8"
#define GUID_PAGE83	   "BECA12AB-B2E6-4523-93EF-C309E000C746"
#define GUID_LOGICAL_SECT  "8141BF1D-A96F-4709-BA47-F233A8FAAB5F"
#define GUID_PHYSICAL_SECT "CDA348C7-445D-4471-9CC9-E9885251C556"
#define GUID_PARENT	   "A8D35F2D-B30B-454D-ABF7-D3D84834AB0C"

struct vhdx {
	uint64_t block_size;
	uint32_t lss, pss; /* logical and physical sector sizes */
	uint64_t bat_off, bat_len;
	uint64_t chunk_ratio; /* payload blocks per sector bitmap block */
	uint64_t bat_entries;
	uint64_t seq;
	unsigned header; /* 1 or 2 */
	bool has_parent, leave_allocated;
	char *parent;
};

/* A GUID as text, the first three fields little-endian on disk. */
static void guid_str(const uint8_t *g, char out[37])
{
	snprintf(out, 37, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 get_le32(g), get_le16(g + 4), get_le16(g + 6), g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

static bool guid_is(const uint8_t *g, const char *want)
{
	char s[37];

	guid_str(g, s);
	return !strcmp(s, want);
}

static bool zero16(const uint8_t *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

/* CRC-32C of a structure whose checksum field is at byte 4. */
static bool crc_ok(uint8_t *p, size_t len)
{
	uint32_t want = get_le32(p + 4), got;

	memset(p + 4, 0, 4);
	got = fsimg_crc32c(0, p, len);
	p[4] = (uint8_t)want;
	p[5] = (uint8_t)(want >> 8);
	p[6] = (uint8_t)(want >> 16);
	p[7] = (uint8_t)(want >> 24);
	return got == want;
}

static int vhdx_probe(struct fsimg_source *file)
{
	uint8_t b[8];
	int rc;

	if (file->size < 1 * MiB)
		return 0;
	rc = fsimg_source_read(file, 0, b, sizeof(b));
	if (rc)
		return rc;
	return !memcmp(b, "vhdxfile", 8);
}

/* --- reading ------------------------------------------------------------ */

static int bat_entry(struct fsimg_source *s, uint64_t i, uint64_t *e)
{
	struct vhdx *v = s->priv;
	uint64_t at = v->bat_off + i * 8;
	uint8_t b[8];
	int rc = fsimg_source_read_cached(s->lower, at, b, sizeof(b));

	if (rc)
		return fsimg_serr(s, rc, "BAT entry %llu at byte %llu: %s",
				  (unsigned long long)i, (unsigned long long)at,
				  strerror(-rc));
	*e = get_le64(b);
	return 0;
}

/* The kind of run a payload block's state stands for; -1 stored here. */
static int state_kind(const struct fsimg_source *s, unsigned state)
{
	switch (state) {
	case PAYLOAD_NOT_PRESENT:
		return s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
	case PAYLOAD_UNDEFINED:
	case PAYLOAD_ZERO:
	case PAYLOAD_UNMAPPED:
		return FSIMG_RUN_ZERO;
	default:
		return -1;
	}
}

static int bad_state(struct fsimg_source *s, uint64_t i, uint64_t e)
{
	struct vhdx *v = s->priv;

	return fsimg_serr(
		s, -EUCLEAN, "BAT entry %llu at byte %llu: block state %u%s",
		(unsigned long long)i, (unsigned long long)(v->bat_off + i * 8),
		(unsigned)(e & 7),
		(e & 7) == PAYLOAD_PARTIALLY_PRESENT
			? " (partially present) in a disk without "
			  "a parent"
			: " is not a payload block state");
}

/* The payload block's offset in the file, checked. */
static int block_at(struct fsimg_source *s, uint64_t i, uint64_t e,
		    uint64_t *at)
{
	struct vhdx *v = s->priv;
	uint64_t end;

	*at = e & ~(MiB - 1);
	if (*at < MiB || ckd_add(&end, *at, v->block_size) ||
	    *at >= s->lower->size)
		return fsimg_serr(s, -EUCLEAN,
				  "BAT entry %llu at byte %llu places its "
				  "block at byte %llu, %s",
				  (unsigned long long)i,
				  (unsigned long long)(v->bat_off + i * 8),
				  (unsigned long long)*at,
				  *at < MiB ? "in the headers"
					    : "past the end of the file");
	return 0;
}

/*
 * Partially present block: of the n bytes at off, the run present (LOWER)
 * or not (BACKING) from off, by the chunk's sector bitmap.
 */
static int partial_run(struct fsimg_source *s, uint64_t b, uint64_t off,
		       uint64_t n, uint64_t data, struct fsimg_run *run)
{
	struct vhdx *v = s->priv;
	uint64_t chunk = b / v->chunk_ratio;
	uint64_t si = chunk * (v->chunk_ratio + 1) + v->chunk_ratio;
	uint64_t e, sb, chunk_bytes = (1ull << 23) * v->lss;
	uint64_t first = off % chunk_bytes / v->lss;
	uint64_t last = (off % chunk_bytes + n + v->lss - 1) / v->lss;
	uint64_t i = first, bytes;
	uint8_t buf[512];
	bool want = false;
	int rc;

	if (si >= v->bat_entries)
		return fsimg_serr(s, -EUCLEAN,
				  "block %llu: no sector bitmap entry",
				  (unsigned long long)b);
	rc = bat_entry(s, si, &e);
	if (rc)
		return rc;
	if ((e & 7) != SB_PRESENT)
		return fsimg_serr(s, -EUCLEAN,
				  "BAT entry %llu at byte %llu: a sector "
				  "bitmap in state %u for partially present "
				  "block %llu",
				  (unsigned long long)si,
				  (unsigned long long)(v->bat_off + si * 8),
				  (unsigned)(e & 7), (unsigned long long)b);
	sb = e & ~(MiB - 1);
	if (sb < MiB || sb > s->lower->size || s->lower->size - sb < MiB)
		return fsimg_serr(s, -EUCLEAN,
				  "BAT entry %llu at byte %llu: sector bitmap "
				  "at byte %llu is %s",
				  (unsigned long long)si,
				  (unsigned long long)(v->bat_off + si * 8),
				  (unsigned long long)sb,
				  sb < MiB ? "in the headers"
					   : "past the end of the file");
	while (i < last) {
		uint64_t byte0 = i / 8, nb = (last + 7) / 8 - byte0;

		if (nb > sizeof(buf))
			nb = sizeof(buf);
		rc = fsimg_source_read_cached(s->lower, sb + byte0, buf,
					      (size_t)nb);
		if (rc)
			return fsimg_serr(s, rc,
					  "sector bitmap at byte %llu: %s",
					  (unsigned long long)(sb + byte0),
					  strerror(-rc));
		for (; i < last && i / 8 - byte0 < nb; i++) {
			bool bit = buf[i / 8 - byte0] >> (i % 8) & 1;

			if (i == first)
				want = bit;
			else if (bit != want)
				goto out;
		}
	}
out:
	bytes = i * v->lss - off % chunk_bytes;
	if (bytes < n)
		n = bytes;
	if (want)
		*run = (struct fsimg_run){ FSIMG_RUN_LOWER, n,
					   data + off % v->block_size };
	else
		*run = (struct fsimg_run){ FSIMG_RUN_BACKING, n, 0 };
	return 0;
}

static int vhdx_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		    struct fsimg_run *run)
{
	struct vhdx *v = s->priv;
	uint64_t b = off / v->block_size, in = off % v->block_size;
	uint64_t n = v->block_size - in < len ? v->block_size - in : len;
	uint64_t i = b + b / v->chunk_ratio, e, at, next;
	int kind, rc;

	rc = bat_entry(s, i, &e);
	if (rc)
		return rc;
	kind = state_kind(s, e & 7);
	if (kind >= 0) {
		for (unsigned k = 0; k < VHDX_MERGE_MAX && n < len; k++) {
			uint64_t nb = b + 1 + k;

			rc = bat_entry(s, nb + nb / v->chunk_ratio, &next);
			if (rc)
				return rc;
			if (state_kind(s, next & 7) != kind)
				break;
			n += len - n < v->block_size ? len - n : v->block_size;
		}
		*run = (struct fsimg_run){ (enum fsimg_run_kind)kind, n, 0 };
		return 0;
	}
	if ((e & 7) == PAYLOAD_PARTIALLY_PRESENT && v->has_parent) {
		rc = block_at(s, i, e, &at);
		return rc ? rc : partial_run(s, b, off, n, at, run);
	}
	if ((e & 7) != PAYLOAD_FULLY_PRESENT)
		return bad_state(s, i, e);
	rc = block_at(s, i, e, &at);
	if (rc)
		return rc;
	/* the blocks that follow it in the file */
	for (unsigned k = 0; k < VHDX_MERGE_MAX && n < len; k++) {
		uint64_t nb = b + 1 + k;

		rc = bat_entry(s, nb + nb / v->chunk_ratio, &next);
		if (rc)
			return rc;
		if ((next & 7) != PAYLOAD_FULLY_PRESENT ||
		    (next & ~(MiB - 1)) != at + (k + 1) * v->block_size)
			break;
		n += len - n < v->block_size ? len - n : v->block_size;
	}
	*run = (struct fsimg_run){ FSIMG_RUN_LOWER, n, at + in };
	return 0;
}

static int vhdx_details(struct fsimg_source *s, fsimg_typed_detail_fn fn,
			void *ctx)
{
	struct vhdx *v = s->priv;
	struct fsimg_details d = { fn, ctx, 0 };

	fsimg_details_num(&d, "block_size", v->block_size);
	fsimg_details_num(&d, "logical_sector_size", v->lss);
	fsimg_details_num(&d, "physical_sector_size", v->pss);
	fsimg_details_bool(&d, "leave_blocks_allocated", v->leave_allocated);
	fsimg_details_num(&d, "header", v->header);
	fsimg_details_num(&d, "sequence_number", v->seq);
	if (v->parent)
		fsimg_details_text(&d, "parent", "%s", v->parent);
	return d.rc;
}

static void vhdx_close(struct fsimg_source *s)
{
	struct vhdx *v = s->priv;

	if (v)
		free(v->parent);
	free(v);
}

static const struct fsimg_source_ops vhdx_ops = {
	.map = vhdx_map,
	.details = vhdx_details,
	.close = vhdx_close,
};

/* --- opening ------------------------------------------------------------ */

static int read_headers(struct fsimg_source *s)
{
	struct vhdx *v = s->priv;
	uint8_t h[2][VHDX_HEADER_SIZE];
	bool ok[2];
	int best = -1, rc;

	for (int i = 0; i < 2; i++) {
		uint64_t at = (uint64_t)(i + 1) * 64 * KiB;

		rc = fsimg_source_read(s->lower, at, h[i], VHDX_HEADER_SIZE);
		if (rc)
			return fsimg_serr(s, rc, "header at byte %llu: %s",
					  (unsigned long long)at,
					  strerror(-rc));
		ok[i] = !memcmp(h[i], "head", 4) &&
			crc_ok(h[i], VHDX_HEADER_SIZE) &&
			get_le16(h[i] + 66) == 1;
		if (ok[i] &&
		    (best < 0 || get_le64(h[i] + 8) > get_le64(h[best] + 8)))
			best = i;
	}
	if (best < 0)
		return fsimg_serr(s, -EUCLEAN,
				  "neither header (at bytes 65536 and 131072) "
				  "has a valid signature, CRC-32C and version "
				  "1");
	v->header = (unsigned)best + 1;
	v->seq = get_le64(h[best] + 8);
	if (!zero16(h[best] + 48)) {
		char g[37];

		guid_str(h[best] + 48, g);
		return fsimg_serr(s, -EOPNOTSUPP,
				  "header at byte %llu names log %s: writes "
				  "may be waiting in the log, and replaying it "
				  "is writing (open the image read-write once "
				  "with qemu-img check -r all or Hyper-V)",
				  (unsigned long long)(v->header * 64 * KiB),
				  g);
	}
	return 0;
}

/* A region's place in the file, checked. */
static int region(struct fsimg_source *s, const uint8_t *r, uint64_t at,
		  const char *what, uint64_t *off, uint64_t *len)
{
	uint64_t end;

	*off = get_le64(r + 16);
	*len = get_le32(r + 24);
	if (*off < MiB || *off % MiB || *len == 0 ||
	    ckd_add(&end, *off, *len) || end > s->lower->size)
		return fsimg_serr(s, -EUCLEAN,
				  "region table entry at byte %llu: the %s "
				  "region of %llu bytes at byte %llu is %s",
				  (unsigned long long)at, what,
				  (unsigned long long)*len,
				  (unsigned long long)*off,
				  *off < MiB || *off % MiB || *len == 0
					  ? "misplaced"
					  : "past the end of the file");
	return 0;
}

static int read_regions(struct fsimg_source *s, uint64_t *meta_off,
			uint64_t *meta_len)
{
	struct vhdx *v = s->priv;
	uint8_t *t = malloc(VHDX_REGION_SIZE);
	uint64_t at = 0;
	bool bat = false, meta = false;
	uint32_t count;
	int rc = 0;

	if (!t)
		return -ENOMEM;
	for (int i = 0; i < 2; i++) {
		at = (uint64_t)(192 + 64 * i) * KiB;
		rc = fsimg_source_read(s->lower, at, t, VHDX_REGION_SIZE);
		if (rc) {
			rc = fsimg_serr(s, rc, "region table at byte %llu: %s",
					(unsigned long long)at, strerror(-rc));
			goto out;
		}
		if (!memcmp(t, "regi", 4) && crc_ok(t, VHDX_REGION_SIZE) &&
		    get_le32(t + 8) <= VHDX_TABLE_MAX)
			break;
		at = 0;
	}
	if (!at) {
		rc = fsimg_serr(s, -EUCLEAN,
				"neither region table (at bytes 196608 and "
				"262144) has a valid signature and CRC-32C");
		goto out;
	}
	count = get_le32(t + 8);
	for (uint32_t i = 0; i < count && !rc; i++) {
		const uint8_t *r = t + 16 + 32 * i;
		uint64_t rat = at + 16 + 32 * i;

		if (guid_is(r, GUID_BAT) && !bat) {
			bat = true;
			rc = region(s, r, rat, "BAT", &v->bat_off, &v->bat_len);
		} else if (guid_is(r, GUID_METADATA) && !meta) {
			meta = true;
			rc = region(s, r, rat, "metadata", meta_off, meta_len);
		} else if (get_le32(r + 28) & 1) {
			char g[37];

			guid_str(r, g);
			rc = fsimg_serr(s, -EOPNOTSUPP,
					"region table entry at byte %llu: "
					"required region %s is not known",
					(unsigned long long)rat, g);
		}
	}
	if (!rc && (!bat || !meta))
		rc = fsimg_serr(
			s, -EUCLEAN, "region table at byte %llu: no %s region",
			(unsigned long long)at, bat ? "metadata" : "BAT");
out:
	free(t);
	return rc;
}

/* The parent locator item (len bytes at at): the parent's path. */
static int parent_locator(struct fsimg_source *s, uint64_t at, uint32_t len)
{
	struct vhdx *v = s->priv;
	static const char *const keys[] = { "relative_path",
					    "absolute_win32_path",
					    "volume_path" };
	char found[3][1024] = { "", "", "" };
	uint8_t *p;
	uint16_t count;
	int rc;

	if (len < 20 || len > VHDX_LOCATOR_MAX)
		return fsimg_serr(s, -EUCLEAN,
				  "parent locator of %u bytes at byte %llu",
				  len, (unsigned long long)at);
	p = malloc(len);
	if (!p)
		return -ENOMEM;
	rc = fsimg_source_read(s->lower, at, p, len);
	if (rc) {
		free(p);
		return rc;
	}
	count = get_le16(p + 18);
	for (uint32_t i = 0; i < count && 20 + 12 * (i + 1) <= len; i++) {
		const uint8_t *e = p + 20 + 12 * i;
		uint32_t ko = get_le32(e), vo = get_le32(e + 4);
		uint16_t kl = get_le16(e + 8), vl = get_le16(e + 10);
		char key[64];

		if ((uint64_t)ko + kl > len || (uint64_t)vo + vl > len ||
		    fsimg_utf16_name(p + ko, kl, false, false, key,
				     sizeof(key)))
			continue;
		for (int k = 0; k < 3; k++)
			if (!strcmp(key, keys[k]) &&
			    fsimg_utf16_name(p + vo, vl, false, true, found[k],
					     sizeof(found[k])))
				found[k][0] = '\0';
	}
	free(p);
	for (int k = 0; k < 3; k++) {
		char *path = found[k];

		if (!path[0])
			continue;
		if (path[0] && path[1] == ':') { /* C:/dir/name: the name */
			char *base = strrchr(path, '/');

			path = base ? base + 1 : path + 2;
		}
		if (!strncmp(path, "./", 2))
			path += 2;
		v->parent = strdup(path);
		if (!v->parent)
			return -ENOMEM;
		rc = fsimg_source_related(s, path, "parent", true, &s->backing);
		if (rc)
			return rc;
		s->depth = s->backing->depth + 1;
		return 0;
	}
	return fsimg_serr(s, -EUCLEAN,
			  "parent locator at byte %llu: no relative_path or "
			  "absolute_win32_path",
			  (unsigned long long)at);
}

static int read_metadata(struct fsimg_source *s, uint64_t moff, uint64_t mlen)
{
	struct vhdx *v = s->priv;
	uint8_t *t, item[8];
	uint64_t parent_at = 0, end;
	uint32_t parent_len = 0;
	unsigned seen = 0;
	uint16_t count;
	int rc = 0;

	if (mlen < VHDX_REGION_SIZE)
		return fsimg_serr(s, -EUCLEAN,
				  "metadata region at byte %llu: %llu bytes, "
				  "less than its table",
				  (unsigned long long)moff,
				  (unsigned long long)mlen);
	t = malloc(VHDX_REGION_SIZE);
	if (!t)
		return -ENOMEM;
	rc = fsimg_source_read(s->lower, moff, t, VHDX_REGION_SIZE);
	if (rc)
		goto out;
	count = get_le16(t + 10);
	if (memcmp(t, "metadata", 8) || count > VHDX_TABLE_MAX) {
		rc = fsimg_serr(s, -EUCLEAN, "no metadata table at byte %llu",
				(unsigned long long)moff);
		goto out;
	}
	for (unsigned i = 0; i < count && !rc; i++) {
		const uint8_t *e = t + 32 + 32 * i;
		uint64_t eat = moff + 32 + 32 * i, at;
		uint32_t o = get_le32(e + 16), l = get_le32(e + 20);
		uint32_t flags = get_le32(e + 24);
		int which = -1;
		size_t want = 0;

		if (guid_is(e, GUID_FILE_PARAMS))
			which = 0, want = 8;
		else if (guid_is(e, GUID_DISK_SIZE))
			which = 1, want = 8;
		else if (guid_is(e, GUID_LOGICAL_SECT))
			which = 2, want = 4;
		else if (guid_is(e, GUID_PHYSICAL_SECT))
			which = 3, want = 4;
		else if (guid_is(e, GUID_PARENT))
			which = 4;
		else if (guid_is(e, GUID_PAGE83))
			continue;
		else if (flags & 4) {
			char g[37];

			guid_str(e, g);
			rc = fsimg_serr(s, -EOPNOTSUPP,
					"metadata entry at byte %llu: "
					"required item %s is not known",
					(unsigned long long)eat, g);
			break;
		} else {
			continue;
		}
		if (o < VHDX_REGION_SIZE || l < want ||
		    ckd_add(&end, (uint64_t)o, (uint64_t)l) || end > mlen) {
			rc = fsimg_serr(s, -EUCLEAN,
					"metadata entry at byte %llu: item of "
					"%u bytes at %u is outside the "
					"metadata region",
					(unsigned long long)eat, l, o);
			break;
		}
		at = moff + o;
		seen |= 1u << which;
		if (which == 4) {
			parent_at = at;
			parent_len = l;
			continue;
		}
		rc = fsimg_source_read(s->lower, at, item, want);
		if (rc)
			break;
		switch (which) {
		case 0:
			v->block_size = get_le32(item);
			v->leave_allocated = get_le32(item + 4) & 1;
			v->has_parent = get_le32(item + 4) & 2;
			break;
		case 1:
			s->size = get_le64(item);
			break;
		case 2:
			v->lss = get_le32(item);
			break;
		case 3:
			v->pss = get_le32(item);
			break;
		}
	}
out:
	free(t);
	if (rc)
		return rc;
	if ((seen & 7) != 7)
		return fsimg_serr(s, -EUCLEAN, "metadata at byte %llu: no %s",
				  (unsigned long long)moff,
				  !(seen & 1)	? "file parameters"
				  : !(seen & 2) ? "virtual disk size"
						: "logical sector size");
	if (v->block_size < VHDX_BLOCK_MIN || v->block_size > VHDX_BLOCK_MAX ||
	    !is_pow2_u64(v->block_size))
		return fsimg_serr(s, -EUCLEAN,
				  "file parameters: block size %llu is not a "
				  "power of two from 1 MiB to 256 MiB",
				  (unsigned long long)v->block_size);
	if (v->lss != 512 && v->lss != 4096)
		return fsimg_serr(s, -EUCLEAN,
				  "logical sector size %u (512 or 4096)",
				  v->lss);
	if (v->has_parent && !parent_at)
		return fsimg_serr(s, -EUCLEAN,
				  "a differencing disk without a parent "
				  "locator");
	v->chunk_ratio = (1ull << 23) * v->lss / v->block_size;
	{
		uint64_t blocks = s->size / v->block_size +
				  (s->size % v->block_size != 0);
		uint64_t chunks = blocks / v->chunk_ratio +
				  (blocks % v->chunk_ratio != 0);

		v->bat_entries =
			v->has_parent ? chunks * (v->chunk_ratio + 1)
			: blocks      ? blocks + (blocks - 1) / v->chunk_ratio
				      : 0;
		if (chunks > UINT64_MAX / (v->chunk_ratio + 1) / 8 ||
		    v->bat_entries * 8 > v->bat_len)
			return fsimg_serr(s, -EUCLEAN,
					  "a disk of %llu bytes in blocks of "
					  "%llu needs %llu BAT entries; the "
					  "BAT region at byte %llu has room "
					  "for %llu",
					  (unsigned long long)s->size,
					  (unsigned long long)v->block_size,
					  (unsigned long long)v->bat_entries,
					  (unsigned long long)v->bat_off,
					  (unsigned long long)(v->bat_len / 8));
	}
	if (v->has_parent)
		return parent_locator(s, parent_at, parent_len);
	return 0;
}

static int vhdx_open(struct fsimg_source *s, const struct fsimg_image_opts *o)
{
	struct vhdx *v;
	uint64_t moff, mlen;
	int rc;

	(void)o;
	s->ops = &vhdx_ops;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->priv = v;
	rc = read_headers(s);
	if (!rc)
		rc = read_regions(s, &moff, &mlen);
	if (!rc)
		rc = read_metadata(s, moff, mlen);
	return rc;
}

const struct fsimg_container fsimg_container_vhdx = {
	.name = "vhdx",
	.label = "VHDX",
	.probe = vhdx_probe,
	.open = vhdx_open,
};
