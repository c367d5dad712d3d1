/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VHD ("vpc", Microsoft's Virtual Hard Disk Image Format Specification):
 * a 512-byte big-endian footer ("conectix") at the end of the file, copied
 * to the start of dynamic disks. A fixed disk is its data then the footer.
 * A dynamic or differencing disk has a dynamic header ("cxsparse") at the
 * footer's data offset, which places the block allocation table (BAT): one
 * 32-bit sector number per block, 0xffffffff when the block is absent.
 * A present block is a sector bitmap (one bit a sector, most significant
 * bit first: set when the sector is stored here) then the block's data.
 * What is not stored reads as zeroes, or in a differencing disk as its
 * parent, named by the parent locators.
 *
 * The disk's size is the footer's current size (the CHS geometry rounds
 * it only for Virtual PC, which qemu also writes as the current size).
 */
#include "container.h"

#include <stdio.h>
#include <stdlib.h>

#define VPC_SECTOR	 512u
#define VPC_FOOTER_SIZE	 512u
#define VPC_DYN_SIZE	 1024u
#define VPC_BAT_ABSENT	 0xffffffffu
#define VPC_BLOCK_MAX	 (256u << 20) /* the spec's default is 2 MiB */
#define VPC_TYPE_FIXED	 2
#define VPC_TYPE_DYNAMIC 3
#define VPC_TYPE_DIFF	 4
#define VPC_LOCATORS	 8
#define VPC_LOCATOR_MAX	 4096u /* bytes of a parent locator's path */
#define VPC_MERGE_MAX	 1024u /* absent blocks one map() call merges */
#define VPC_BITMAP_CHUNK 512u  /* bitmap bytes read at a time */

struct vpc {
	unsigned type;
	uint64_t data_off; /* dynamic header */
	uint64_t bat_off;  /* bytes */
	uint32_t bat_entries;
	uint32_t block_size;   /* bytes, a power of two */
	uint32_t bitmap_bytes; /* a block's bitmap, whole sectors */
	char creator[5];
	char *parent;
};

static const char *const vpc_type_names[] = {
	[VPC_TYPE_FIXED] = "fixed",
	[VPC_TYPE_DYNAMIC] = "dynamic",
	[VPC_TYPE_DIFF] = "differencing",
};

/* The ones' complement of the byte sum, without the checksum field. */
static uint32_t vpc_checksum(const uint8_t *p, size_t len, size_t field)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < field || i >= field + 4)
			sum += p[i];
	return ~sum;
}

static int vpc_probe(struct fsimg_source *file)
{
	uint8_t cookie[8];
	int rc;

	if (file->size < VPC_FOOTER_SIZE)
		return 0;
	rc = fsimg_source_read(file, file->size - VPC_FOOTER_SIZE, cookie,
			       sizeof(cookie));
	if (rc)
		return rc;
	if (!memcmp(cookie, "conectix", 8))
		return 1;
	rc = fsimg_source_read(file, 0, cookie, sizeof(cookie));
	if (rc)
		return rc;
	return !memcmp(cookie, "conectix", 8);
}

/* The BAT entry of block b: its sector, or VPC_BAT_ABSENT. */
static int vpc_bat(struct fsimg_source *s, uint64_t b, uint32_t *sector)
{
	struct vpc *v = s->priv;
	uint8_t e[4];
	uint64_t at = v->bat_off + b * 4;
	int rc = fsimg_source_read_cached(s->lower, at, e, sizeof(e));

	*sector = VPC_BAT_ABSENT;
	if (rc)
		return fsimg_serr(s, rc, "BAT entry %llu at byte %llu: %s",
				  (unsigned long long)b, (unsigned long long)at,
				  strerror(-rc));
	*sector = get_be32(e);
	return 0;
}

/*
 * Of the sectors [first, end) of the block whose bitmap is at bm: how many
 * from first have the bit first has, in *n; the bit in *set.
 */
static int vpc_bitmap_run(struct fsimg_source *s, uint64_t bm, uint32_t first,
			  uint32_t end, uint32_t *n, bool *set)
{
	uint8_t buf[VPC_BITMAP_CHUNK];
	uint32_t i = first;
	bool want = false;
	int rc;

	while (i < end) {
		uint32_t byte0 = i / 8;
		uint32_t nbytes = (end + 7) / 8 - byte0;

		if (nbytes > sizeof(buf))
			nbytes = sizeof(buf);
		rc = fsimg_source_read_cached(s->lower, bm + byte0, buf,
					      nbytes);
		if (rc)
			return fsimg_serr(s, rc,
					  "sector bitmap at byte %llu: %s",
					  (unsigned long long)(bm + byte0),
					  strerror(-rc));
		for (; i < end && i / 8 - byte0 < nbytes; i++) {
			bool bit = buf[i / 8 - byte0] >> (7 - i % 8) & 1;

			if (i == first)
				want = bit;
			else if (bit != want)
				goto out;
		}
	}
out:
	*n = i - first;
	*set = want;
	return 0;
}

static int vpc_map(struct fsimg_source *s, uint64_t off, uint64_t len,
		   struct fsimg_run *run)
{
	struct vpc *v = s->priv;
	enum fsimg_run_kind absent =
		s->backing ? FSIMG_RUN_BACKING : FSIMG_RUN_ZERO;
	uint64_t b, in, n, bm, data, end;
	uint32_t sector, first, count;
	bool set;
	int rc;

	if (v->type == VPC_TYPE_FIXED) {
		*run = (struct fsimg_run){ FSIMG_RUN_LOWER, len, off };
		return 0;
	}
	b = off / v->block_size;
	in = off % v->block_size;
	n = v->block_size - in;
	rc = vpc_bat(s, b, &sector);
	if (rc)
		return rc;
	if (n > len)
		n = len;
	if (sector == VPC_BAT_ABSENT) {
		/* merge the absent blocks that follow, a bounded number */
		for (unsigned i = 0; i < VPC_MERGE_MAX && n < len; i++) {
			rc = vpc_bat(s, b + 1 + i, &sector);
			if (rc)
				return rc;
			if (sector != VPC_BAT_ABSENT)
				break;
			n += len - n < v->block_size ? len - n : v->block_size;
		}
		*run = (struct fsimg_run){ absent, n, 0 };
		return 0;
	}
	bm = (uint64_t)sector * VPC_SECTOR;
	if (ckd_add(&data, bm, (uint64_t)v->bitmap_bytes) ||
	    ckd_add(&end, data, (uint64_t)v->block_size) ||
	    data > s->lower->size)
		return fsimg_serr(s, -EIO,
				  "BAT entry %llu (at byte %llu) places block "
				  "%llu at byte %llu, past the end of the "
				  "file (%llu bytes)",
				  (unsigned long long)b,
				  (unsigned long long)(v->bat_off + b * 4),
				  (unsigned long long)b, (unsigned long long)bm,
				  (unsigned long long)s->lower->size);
	if (bm < VPC_FOOTER_SIZE)
		return fsimg_serr(s, -EIO,
				  "BAT entry %llu (at byte %llu) places block "
				  "%llu in the footer copy at byte 0",
				  (unsigned long long)b,
				  (unsigned long long)(v->bat_off + b * 4),
				  (unsigned long long)b);
	first = (uint32_t)(in / VPC_SECTOR);
	end = (in + n + VPC_SECTOR - 1) / VPC_SECTOR;
	rc = vpc_bitmap_run(s, bm, first, (uint32_t)end, &count, &set);
	if (rc)
		return rc;
	/* count sectors from the one off is in: bytes up to their end */
	{
		uint64_t bytes = (uint64_t)(first + count) * VPC_SECTOR - in;

		if (bytes < n)
			n = bytes;
	}
	if (set)
		*run = (struct fsimg_run){ FSIMG_RUN_LOWER, n, data + in };
	else
		*run = (struct fsimg_run){ absent, n, 0 };
	return 0;
}

static int vpc_details(struct fsimg_source *s, fsimg_typed_detail_fn fn,
		       void *ctx)
{
	struct vpc *v = s->priv;
	struct fsimg_details d = { fn, ctx, 0 };

	fsimg_details_text(&d, "subformat", "%s", vpc_type_names[v->type]);
	fsimg_details_text(&d, "creator", "%s", v->creator);
	if (v->type != VPC_TYPE_FIXED)
		fsimg_details_num(&d, "block_size", v->block_size);
	if (v->parent)
		fsimg_details_text(&d, "parent", "%s", v->parent);
	return d.rc;
}

static void vpc_close(struct fsimg_source *s)
{
	struct vpc *v = s->priv;

	if (v)
		free(v->parent);
	free(v);
}

static const struct fsimg_source_ops vpc_ops = {
	.map = vpc_map,
	.details = vpc_details,
	.close = vpc_close,
};

/* The footer: the one at the end, or the copy at 0 when the end has none. */
static int vpc_footer(struct fsimg_source *s, uint8_t *f, uint64_t *at)
{
	struct fsimg_source *file = s->lower;
	uint32_t sum;
	int rc;

	*at = file->size - VPC_FOOTER_SIZE;
	rc = fsimg_source_read(file, *at, f, VPC_FOOTER_SIZE);
	if (!rc && memcmp(f, "conectix", 8)) {
		*at = 0;
		rc = fsimg_source_read(file, 0, f, VPC_FOOTER_SIZE);
	}
	if (rc)
		return fsimg_serr(s, rc, "footer at byte %llu: %s",
				  (unsigned long long)*at, strerror(-rc));
	sum = vpc_checksum(f, VPC_FOOTER_SIZE, 64);
	if (get_be32(f + 64) != sum)
		return fsimg_serr(s, -EUCLEAN,
				  "footer at byte %llu: checksum %#x, the "
				  "bytes sum to %#x",
				  (unsigned long long)*at, get_be32(f + 64),
				  sum);
	return 0;
}

/* A parent locator's path (W2ru, W2ku: UTF-16LE; Mac/MacX: UTF-8). */
static int vpc_locator(struct fsimg_source *s, const uint8_t *e, char *out,
		       size_t size)
{
	uint32_t code = get_be32(e), len = get_be32(e + 8);
	uint64_t at = get_be64(e + 16), end;
	uint8_t *buf;
	int rc;

	if (len == 0 || len > VPC_LOCATOR_MAX || ckd_add(&end, at, len) ||
	    end > s->lower->size)
		return -ENOENT;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	rc = fsimg_source_read(s->lower, at, buf, len);
	if (!rc && (code == 0x57327275 || code == 0x57326b75)) /* W2ru W2ku */
		rc = fsimg_utf16_name(buf, len, false, true, out, size);
	else if (!rc && len < size) { /* Mac OS X: a file:// URL */
		const char *p = (const char *)buf;
		size_t skip = len > 7 && !memcmp(p, "file://", 7) ? 7 : 0;

		memcpy(out, p + skip, len - skip);
		out[len - skip] = '\0';
	} else if (!rc) {
		rc = -ENOENT;
	}
	free(buf);
	return rc;
}

/* Opens the parent of a differencing disk as s->backing. */
static int vpc_parent(struct fsimg_source *s, const uint8_t *dyn)
{
	struct vpc *v = s->priv;
	static const uint32_t order[] = { 0x57327275 /* W2ru */,
					  0x4d616358 /* MacX */,
					  0x57326b75 /* W2ku */ };
	char path[VPC_LOCATOR_MAX];
	int rc = -ENOENT;

	for (unsigned o = 0; o < 3 && rc; o++)
		for (unsigned i = 0; i < VPC_LOCATORS && rc; i++) {
			const uint8_t *e = dyn + 576 + 24 * i;

			if (get_be32(e) != order[o])
				continue;
			rc = vpc_locator(s, e, path, sizeof(path));
		}
	if (rc && rc != -ENOMEM) /* the name in the header, UTF-16BE */
		rc = fsimg_utf16_name(dyn + 64, 512, true, true, path,
				      sizeof(path));
	if (rc || !path[0])
		return fsimg_serr(s, -EINVAL,
				  "differencing disk: no parent locator or "
				  "parent name in the dynamic header at byte "
				  "%llu",
				  (unsigned long long)v->data_off);
	/* a Windows path "C:/dir/name": only its name, beside the image */
	if (path[0] && path[1] == ':') {
		const char *base = strrchr(path, '/');

		memmove(path, base ? base + 1 : path + 2,
			strlen(base ? base + 1 : path + 2) + 1);
	}
	v->parent = strdup(path);
	if (!v->parent)
		return -ENOMEM;
	rc = fsimg_source_related(s, path, "parent", true, &s->backing);
	if (rc)
		return rc;
	s->depth = s->backing->depth + 1;
	return 0;
}

static int vpc_dynamic(struct fsimg_source *s)
{
	struct vpc *v = s->priv;
	uint8_t dyn[VPC_DYN_SIZE];
	uint64_t end, need;
	uint32_t sum;
	int rc;

	if (ckd_add(&end, v->data_off, (uint64_t)VPC_DYN_SIZE) ||
	    end > s->lower->size)
		return fsimg_serr(s, -EUCLEAN,
				  "the footer places the dynamic header at "
				  "byte %llu, past the end of the file (%llu "
				  "bytes)",
				  (unsigned long long)v->data_off,
				  (unsigned long long)s->lower->size);
	rc = fsimg_source_read(s->lower, v->data_off, dyn, sizeof(dyn));
	if (rc)
		return fsimg_serr(s, rc, "dynamic header at byte %llu: %s",
				  (unsigned long long)v->data_off,
				  strerror(-rc));
	if (memcmp(dyn, "cxsparse", 8))
		return fsimg_serr(s, -EUCLEAN,
				  "no dynamic header (cxsparse) at byte %llu",
				  (unsigned long long)v->data_off);
	sum = vpc_checksum(dyn, sizeof(dyn), 36);
	if (get_be32(dyn + 36) != sum)
		return fsimg_serr(s, -EUCLEAN,
				  "dynamic header at byte %llu: checksum %#x, "
				  "the bytes sum to %#x",
				  (unsigned long long)v->data_off,
				  get_be32(dyn + 36), sum);
	v->bat_off = get_be64(dyn + 16);
	v->bat_entries = get_be32(dyn + 28);
	v->block_size = get_be32(dyn + 32);
	if (v->block_size < VPC_SECTOR || v->block_size > VPC_BLOCK_MAX ||
	    !is_pow2_u64(v->block_size))
		return fsimg_serr(s, -EUCLEAN,
				  "dynamic header at byte %llu: block size "
				  "%u is not a power of two from 512 to %u",
				  (unsigned long long)v->data_off,
				  v->block_size, VPC_BLOCK_MAX);
	v->bitmap_bytes =
		((v->block_size / VPC_SECTOR + 7) / 8 + VPC_SECTOR - 1) /
		VPC_SECTOR * VPC_SECTOR;
	need = s->size / v->block_size + (s->size % v->block_size != 0);
	if (v->bat_entries < need)
		return fsimg_serr(s, -EUCLEAN,
				  "dynamic header at byte %llu: %u BAT "
				  "entries of %u bytes cannot hold a disk of "
				  "%llu bytes",
				  (unsigned long long)v->data_off,
				  v->bat_entries, v->block_size,
				  (unsigned long long)s->size);
	if (ckd_add(&end, v->bat_off, (uint64_t)v->bat_entries * 4) ||
	    end > s->lower->size)
		return fsimg_serr(s, -EUCLEAN,
				  "dynamic header at byte %llu: the BAT of %u "
				  "entries at byte %llu ends past the end of "
				  "the file (%llu bytes)",
				  (unsigned long long)v->data_off,
				  v->bat_entries,
				  (unsigned long long)v->bat_off,
				  (unsigned long long)s->lower->size);
	if (v->type == VPC_TYPE_DIFF)
		return vpc_parent(s, dyn);
	return 0;
}

static int vpc_open(struct fsimg_source *s, const struct fsimg_image_opts *o)
{
	uint8_t f[VPC_FOOTER_SIZE];
	uint64_t at;
	struct vpc *v;
	int rc;

	(void)o;
	s->ops = &vpc_ops;
	rc = vpc_footer(s, f, &at);
	if (rc)
		return rc;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->priv = v;
	v->type = get_be32(f + 60);
	v->data_off = get_be64(f + 16);
	memcpy(v->creator, f + 28, 4);
	for (int i = 0; i < 4; i++)
		if (v->creator[i] < 0x20 || v->creator[i] > 0x7e)
			v->creator[i] = '?';
	s->size = get_be64(f + 48);
	if (v->type != VPC_TYPE_FIXED && v->type != VPC_TYPE_DYNAMIC &&
	    v->type != VPC_TYPE_DIFF)
		return fsimg_serr(s, -EOPNOTSUPP,
				  "footer at byte %llu: disk type %u is not "
				  "fixed (2), dynamic (3) or differencing (4)",
				  (unsigned long long)at, v->type);
	if (v->type == VPC_TYPE_FIXED) {
		if (s->size > s->lower->size - VPC_FOOTER_SIZE)
			return fsimg_serr(s, -EUCLEAN,
					  "fixed disk of %llu bytes in a file "
					  "of %llu bytes with its footer",
					  (unsigned long long)s->size,
					  (unsigned long long)s->lower->size);
		v->block_size = 0;
		return 0;
	}
	return vpc_dynamic(s);
}

const struct fsimg_container fsimg_container_vpc = {
	.name = "vpc",
	.label = "VHD",
	.probe = vpc_probe,
	.open = vpc_open,
};
