/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UDF descriptors and file entries: tag checks (3/7.2), timestamps (1/7.3),
 * OSTA compressed Unicode (UDF 2.1.1), file entries and extended file
 * entries (4/14.9, 4/14.17) with ICB strategy 4096 (4/A.6), allocation
 * descriptors (4/14.14) with their continuation extents (4/14.5),
 * extended attributes for device numbers (4/14.10.7), getattr.
 */
#include "udf.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

/* --- tags ------------------------------------------------------------------
 */

static uint16_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);

		for (int b = 0; b < 8; b++)
			c = (uint16_t)(c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1);
		crc_table[i] = c;
	}
}

uint16_t udf_crc(const uint8_t *p, size_t len)
{
	uint16_t crc = 0;

	pthread_once(&crc_once, crc_init);
	for (size_t i = 0; i < len; i++)
		crc = (uint16_t)(crc << 8) ^ crc_table[(crc >> 8) ^ p[i]];
	return crc;
}

int udf_tag_check(const uint8_t *buf, size_t size, uint32_t location,
		  const char **why)
{
	uint8_t sum = 0;
	uint16_t crclen;

	if (size < 16) {
		*why = "descriptor shorter than its tag";
		return -EUCLEAN;
	}
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum = (uint8_t)(sum + buf[i]);
	if (sum != buf[4]) {
		*why = "bad tag checksum";
		return -EUCLEAN;
	}
	crclen = get_le16(buf + 10);
	if ((size_t)crclen > size - 16) {
		*why = "the descriptor CRC length runs past the block";
		return -EUCLEAN;
	}
	if (udf_crc(buf + 16, crclen) != get_le16(buf + 8)) {
		*why = "bad descriptor CRC";
		return -EUCLEAN;
	}
	if (location != UINT32_MAX && get_le32(buf + 12) != location) {
		*why = "the tag location is not where the descriptor is";
		return -EUCLEAN;
	}
	return get_le16(buf);
}

/* --- timestamps and names
 * ----------------------------------------------------- */

void udf_timestamp(const uint8_t *p, struct timespec *ts)
{
	uint16_t tt = get_le16(p);
	int16_t year = (int16_t)get_le16(p + 2);
	int tz = tt & 0x0fff;
	int64_t secs;

	if (tz & 0x0800)
		tz -= 0x1000; /* 12-bit two's complement, minutes east */
	if (p[4] < 1 || p[4] > 12 || p[5] < 1 || p[5] > 31 || p[6] > 23 ||
	    p[7] > 59 || p[8] > 60) {
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		return;
	}
	secs = fsimg_days_from_civil(year, p[4], p[5]) * 86400 + p[6] * 3600 +
	       p[7] * 60 + p[8];
	/* type 1 is local time at offset tz; -2047 means no offset known */
	if ((tt >> 12) == 1 && tz != -2047 && tz >= -1440 && tz <= 1440)
		secs -= (int64_t)tz * 60;
	ts->tv_sec = (time_t)secs;
	ts->tv_nsec = (p[9] % 100) * 10000000L + (p[10] % 100) * 100000L +
		      (p[11] % 100) * 1000L;
}

int udf_cs0_to_utf8(const uint8_t *p, size_t len, char *out, size_t room)
{
	size_t o = 0, n;

	if (room == 0)
		return -ENAMETOOLONG;
	out[0] = 0;
	if (len == 0)
		return 0;
	switch (p[0]) {
	case 8:
	case 254:
		for (size_t i = 1; i < len; i++) {
			n = fsimg_utf8_put(out + o, room - o - 1, p[i]);
			if (!n)
				return -ENAMETOOLONG;
			o += n;
		}
		out[o] = 0;
		return (int)o;
	case 16:
	case 255:
		if ((len - 1) % 2)
			len--; /* a stray last byte: ignored, as Linux does */
		return fsimg_utf16_to_utf8(p + 1, (len - 1) / 2, true, out,
					   room);
	default:
		return -EUCLEAN;
	}
}

void udf_dstring(const uint8_t *p, size_t size, char *out, size_t room)
{
	size_t len = p[size - 1];

	/* 1/7.2.12: the last byte is the length used, compression id too */
	if (len == 0 || len > size - 1 ||
	    udf_cs0_to_utf8(p, len, out, room) < 0)
		out[0] = 0;
	/* trailing blanks, as blkid and Linux show the identifiers */
	for (size_t n = strlen(out); n && out[n - 1] == ' '; n--)
		out[n - 1] = 0;
}

/* --- file entries -----------------------------------------------------------
 */

void udf_node_free(struct udf_node *n)
{
	free(n->inline_data);
	free(n->ext);
	n->inline_data = NULL;
	n->ext = NULL;
	n->next = 0;
}

/* The block of an ICB, read and tag-checked. */
static int read_icb(struct udf_fs *u, uint16_t part, uint32_t lbn, uint8_t *buf,
		    int *tag, const char **why)
{
	uint64_t block;
	int rc;

	rc = udf_map_block(u, part, lbn, &block);
	if (rc)
		return rc;
	rc = udf_read_block(u, block, buf, "file entry");
	if (rc)
		return rc;
	*tag = udf_tag_check(buf, u->bsize, lbn, why);
	return 0;
}

static int add_extent(struct udf_fs *u, struct udf_node *n, uint32_t *cap,
		      const struct udf_extent *e)
{
	if (n->next == UDF_MAX_EXTENTS)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "file entry at block %u of partition "
				  "%u has more than %u extents",
				  n->lbn, n->part, UDF_MAX_EXTENTS);
	if (n->next == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct udf_extent *v =
			realloc(n->ext, (size_t)ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		n->ext = v;
		*cap = ncap;
	}
	n->ext[n->next++] = *e;
	return 0;
}

/*
 * 4/14.14: the allocation descriptors of kind adtype in p[0..len-1], and
 * those of every continuation extent they lead to (an allocation extent
 * descriptor, 4/14.5), into n->ext.
 */
static int parse_ads(struct udf_fs *u, struct udf_node *n, const uint8_t *p,
		     uint32_t len, unsigned adtype)
{
	unsigned adsize = adtype == 0 ? 8 : adtype == 1 ? 16 : 20;
	uint8_t *aed = NULL;
	uint64_t logical = 0;
	uint32_t cap = 0, pos = 0, hops = 0;
	int rc = 0;

	for (;;) {
		struct udf_extent e = { 0 };
		uint32_t raw, elen;

		if (pos + adsize > len)
			break;
		raw = get_le32(p + pos);
		elen = raw & 0x3fffffffu;
		e.type = (uint8_t)(raw >> 30);
		if (elen == 0)
			break; /* 4/14.14.1.1: the end of the descriptors */
		if (adtype == 0) {
			e.lbn = get_le32(p + pos + 4);
			e.part = n->part;
		} else if (adtype == 1) {
			e.lbn = get_le32(p + pos + 4);
			e.part = get_le16(p + pos + 8);
		} else {
			e.lbn = get_le32(p + pos + 12);
			e.part = get_le16(p + pos + 16);
		}
		pos += adsize;
		if (e.type == 3) {
			/* the next descriptors are in the extent it names */
			const char *why = NULL;
			uint64_t block;
			uint32_t l_ad;
			int tag;

			if (++hops > UDF_MAX_AED) {
				rc = fsimg_werr(&u->win, -EUCLEAN,
						"file entry at block %u: "
						"more than %u allocation "
						"extents (a loop?)",
						n->lbn, UDF_MAX_AED);
				break;
			}
			if (!aed && !(aed = malloc(u->bsize))) {
				rc = -ENOMEM;
				break;
			}
			rc = udf_map_block(u, e.part, e.lbn, &block);
			if (!rc)
				rc = udf_read_block(u, block, aed,
						    "allocation extent");
			if (rc)
				break;
			tag = udf_tag_check(aed, u->bsize, e.lbn, &why);
			if (tag != UDF_TAG_AED) {
				rc = fsimg_werr(
					&u->win, -EUCLEAN,
					"allocation extent at block "
					"%u of partition %u (byte "
					"%llu): %s",
					e.lbn, e.part,
					fsimg_wabs(&u->win, block << u->bshift),
					tag < 0 ? why
						: "not an allocation "
						  "extent descriptor");
				break;
			}
			l_ad = get_le32(aed + 20);
			if (l_ad > u->bsize - 24 || l_ad > elen) {
				rc = fsimg_werr(&u->win, -EUCLEAN,
						"allocation extent at block "
						"%u: %u bytes of descriptors "
						"do not fit",
						e.lbn, l_ad);
				break;
			}
			p = aed + 24;
			len = l_ad;
			pos = 0;
			continue;
		}
		if (e.part >= u->nmaps) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"file entry at block %u: an extent "
					"in partition reference %u, of %u",
					n->lbn, e.part, u->nmaps);
			break;
		}
		/* its blocks must be numbers: lbn + n never wraps */
		if (e.type == 0 &&
		    (uint64_t)e.lbn + ((elen + u->bsize - 1) >> u->bshift) >
			    UINT32_MAX) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"file entry at block %u: an extent of "
					"%u bytes at block %u runs past block "
					"number 2^32",
					n->lbn, elen, e.lbn);
			break;
		}
		e.logical = logical;
		e.length = elen;
		rc = add_extent(u, n, &cap, &e);
		if (rc)
			break;
		logical += elen;
	}
	free(aed);
	return rc;
}

/* 4/14.10.7: the device specification among the extended attributes. */
static void parse_eas(struct udf_fs *u, struct udf_node *n, const uint8_t *p,
		      uint32_t len)
{
	const char *why;
	uint32_t pos = 24, end = len;

	(void)u;
	if (len < 24 || udf_tag_check(p, len, UINT32_MAX, &why) != UDF_TAG_EAHD)
		return;
	if (get_le32(p + 16) < end)
		end = get_le32(p + 16); /* the implementation attributes */
	while (pos + 12 <= end) {
		uint32_t type = get_le32(p + pos);
		uint32_t alen = get_le32(p + pos + 8);

		if (alen < 12 || alen > end - pos)
			return;
		if (type == 12 && alen >= 24) {
			n->rdev_major = get_le32(p + pos + 16);
			n->rdev_minor = get_le32(p + pos + 20);
			n->has_rdev = true;
		}
		pos += alen;
	}
}

static int node_decode(struct udf_fs *u, struct udf_node *n, const uint8_t *b,
		       bool efe, bool want_data)
{
	uint32_t hdr = efe ? 216 : 176, l_ea, l_ad;

	n->efe = efe;
	n->file_type = b[16 + 11];
	n->icb_flags = get_le16(b + 16 + 18);
	n->uid = get_le32(b + 36);
	n->gid = get_le32(b + 40);
	n->perm = get_le32(b + 44);
	n->nlink = get_le16(b + 48);
	n->size = get_le64(b + 56);
	if (efe) {
		n->blocks = get_le64(b + 72);
		udf_timestamp(b + 80, &n->atime);
		udf_timestamp(b + 92, &n->mtime);
		udf_timestamp(b + 104, &n->btime);
		udf_timestamp(b + 116, &n->ctime);
		n->has_btime = true;
		n->stream_lbn = get_le32(b + 152 + 4);
		n->stream_part = get_le16(b + 152 + 8);
		n->has_streams = (get_le32(b + 152) & 0x3fffffffu) != 0;
		l_ea = get_le32(b + 208);
		l_ad = get_le32(b + 212);
	} else {
		n->blocks = get_le64(b + 64);
		udf_timestamp(b + 72, &n->atime);
		udf_timestamp(b + 84, &n->mtime);
		udf_timestamp(b + 96, &n->ctime);
		l_ea = get_le32(b + 168);
		l_ad = get_le32(b + 172);
	}
	if ((uint64_t)hdr + l_ea + l_ad > u->bsize)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "file entry at block %u of partition "
				  "%u: %u bytes of attributes and %u of "
				  "allocation descriptors do not fit a "
				  "%u-byte block",
				  n->lbn, n->part, l_ea, l_ad, u->bsize);
	if (n->size > INT64_MAX)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "file entry at block %u of partition "
				  "%u: an information length of %llu bytes",
				  n->lbn, n->part, (unsigned long long)n->size);
	parse_eas(u, n, b + hdr, l_ea);
	if (!want_data)
		return 0;
	if ((n->icb_flags & 7) == 3) {
		/* 4/14.6.8: the data is the descriptor area itself */
		if (n->size > l_ad)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "file entry at block %u: %llu "
					  "bytes embedded in %u",
					  n->lbn, (unsigned long long)n->size,
					  l_ad);
		n->inline_len = (uint32_t)n->size;
		n->inline_data = malloc(n->inline_len ? n->inline_len : 1);
		if (!n->inline_data)
			return -ENOMEM;
		memcpy(n->inline_data, b + hdr + l_ea, n->inline_len);
		return 0;
	}
	if ((n->icb_flags & 7) > 3)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "file entry at block %u: allocation "
				  "descriptor type %u",
				  n->lbn, n->icb_flags & 7);
	return parse_ads(u, n, b + hdr + l_ea, l_ad, n->icb_flags & 7);
}

int udf_node_read(struct udf_fs *u, uint64_t handle, struct udf_node *n,
		  bool want_data)
{
	uint16_t part = (uint16_t)((handle >> 32) - 1);
	uint32_t lbn = (uint32_t)handle;
	const char *why = NULL;
	uint8_t *buf, *next;
	int tag, rc, ntag;
	unsigned hops = 0;

	memset(n, 0, sizeof(*n));
	if ((handle >> 32) == 0 || (handle >> 32) > u->nmaps)
		return -ESTALE;
	n->handle = handle;
	buf = malloc((size_t)u->bsize * 2);
	if (!buf)
		return -ENOMEM;
	next = buf + u->bsize;
	rc = read_icb(u, part, lbn, buf, &tag, &why);
	if (rc)
		goto out;
	/* 4/A.6 strategy 4096: an indirect entry after it leads on */
	while (tag >= 0 && (tag == UDF_TAG_FE || tag == UDF_TAG_EFE) &&
	       get_le16(buf + 16 + 4) == 4096) {
		uint64_t block;

		if (udf_map_block(u, part, lbn + 1, &block) ||
		    udf_read_block(u, block, next, "indirect entry") ||
		    udf_tag_check(next, u->bsize, lbn + 1, &why) != UDF_TAG_IE)
			break;
		if (++hops > UDF_MAX_ICB_HOPS) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"ICB at block %u of partition %u: "
					"more than %u indirect entries (a "
					"loop?)",
					(uint32_t)handle,
					(unsigned)((handle >> 32) - 1),
					UDF_MAX_ICB_HOPS);
			goto out;
		}
		part = get_le16(next + 36 + 8);
		lbn = get_le32(next + 36 + 4);
		if (part >= u->nmaps ||
		    read_icb(u, part, lbn, next, &ntag, &why) || ntag < 0 ||
		    (ntag != UDF_TAG_FE && ntag != UDF_TAG_EFE))
			break; /* nothing newer there: keep this one */
		memcpy(buf, next, u->bsize);
		tag = ntag;
	}
	n->part = part;
	n->lbn = lbn;
	if (tag < 0 || (tag != UDF_TAG_FE && tag != UDF_TAG_EFE)) {
		uint64_t block = 0;

		udf_map_block(u, part, lbn, &block);
		rc = fsimg_werr(&u->win, -EUCLEAN,
				"no file entry at block %u of partition "
				"%u (byte %llu): %s",
				lbn, part,
				fsimg_wabs(&u->win, block << u->bshift),
				tag < 0 ? why : "another descriptor is there");
		goto out;
	}
	{
		uint16_t strategy = get_le16(buf + 16 + 4);

		if (strategy != 4 && strategy != 4096) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"file entry at block %u of "
					"partition %u: ICB strategy %u is not "
					"read (4 and 4096 are)",
					lbn, part, strategy);
			goto out;
		}
	}
	rc = node_decode(u, n, buf, tag == UDF_TAG_EFE, want_data);
	if (rc)
		udf_node_free(n);
out:
	free(buf);
	return rc;
}

void udf_stat_of(const struct udf_fs *u, const struct udf_node *n,
		 struct fsimg_stat *st)
{
	uint32_t p = n->perm, mode;

	memset(st, 0, sizeof(*st));
	switch (n->file_type) {
	case UDF_FT_DIR:
	case UDF_FT_STREAMDIR:
		mode = S_IFDIR;
		break;
	case UDF_FT_SYMLINK:
		mode = S_IFLNK;
		break;
	case UDF_FT_BLOCK:
		mode = S_IFBLK;
		break;
	case UDF_FT_CHAR:
		mode = S_IFCHR;
		break;
	case UDF_FT_FIFO:
		mode = S_IFIFO;
		break;
	case UDF_FT_SOCKET:
		mode = S_IFSOCK;
		break;
	default:
		mode = S_IFREG;
	}
	/* 4/14.9.5: other in bits 0-4, group 5-9, owner 10-14 */
	mode |= (p & 7) | ((p >> 5) & 7) << 3 | ((p >> 10) & 7) << 6;
	/* 4/14.6.8: setuid, setgid, sticky */
	if (n->icb_flags & 0x40)
		mode |= S_ISUID;
	if (n->icb_flags & 0x80)
		mode |= S_ISGID;
	if (n->icb_flags & 0x100)
		mode |= S_ISVTX;
	st->mode = mode;
	st->ino = n->handle;
	st->nlink = n->nlink ? n->nlink : 1;
	/* UDF 3.3.3.1/2: 4294967295 means no owner was recorded */
	st->uid = n->uid == UINT32_MAX ? u->uid_unset : n->uid;
	st->gid = n->gid == UINT32_MAX ? u->gid_unset : n->gid;
	st->size = n->size;
	st->blocks = n->blocks << u->bshift >> 9;
	st->atime = n->atime;
	st->mtime = n->mtime;
	st->ctime = n->ctime;
	if (n->has_btime) {
		st->btime = n->btime;
		st->flags |= FSIMG_STAT_BTIME;
	}
	if (n->has_rdev) {
		st->rdev_major = n->rdev_major;
		st->rdev_minor = n->rdev_minor;
	}
}

int udf_stat_node(struct udf_fs *u, const struct udf_node *n,
		  struct fsimg_stat *st)
{
	udf_stat_of(u, n, st);
	if (S_ISLNK(st->mode)) {
		/* the target's length, as Linux's udf_symlink_getattr gives
		   it, not the bytes of its path components */
		char target[UDF_LINK_MAX + 1];
		int rc = udf_link_target(u, n->handle, target, sizeof(target));

		if (rc < 0)
			return rc;
		st->size = (uint64_t)rc;
	}
	return 0;
}

int udf_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct udf_fs *u = udf_of(fs);
	struct udf_node n;
	int rc = udf_node_read(u, ino, &n, false);

	if (rc)
		return rc;
	return udf_stat_node(u, &n, st);
}
