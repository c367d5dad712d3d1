/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: directory records, names, and nodes.
 *
 * Node handles (fsimg_ino)
 * ------------------------
 * A handle is the byte position, within the filesystem's window, of the
 * directory record that describes the node:
 *
 *  - a file (regular, symlink, device, ...) is named by the position of its
 *    record in its parent directory; for a file recorded in several extents
 *    (ECMA-119 9.1.6 bit 7) it is the first of its records;
 *  - a directory is named by the position of its own "." record, the first
 *    record of its extent: (extent + extended attribute length) * 2048. So
 *    the same directory gets the same handle whether it is reached from its
 *    parent, through a Rock Ridge CL entry (RRIP 4.1.5.1) pointing at a
 *    relocated directory, or as the root;
 *  - the root is the position of the root directory's "." record in the
 *    tree in use (primary or Joliet).
 *
 * Volume descriptors occupy blocks 16 and up, so no record lies at byte 0
 * and a handle is never 0. Directory records are at most 255 bytes and
 * never cross a block, and "." records are at block starts, so file and
 * directory handles cannot collide. Handles are stable for a given image
 * and tree: they depend on nothing but the image.
 *
 * getattr(handle) reads the record at the handle again, through the image's
 * block cache, and checks it: a "." record must be a directory; any other
 * record must not be one. A handle that points anywhere else gives
 * -EUCLEAN. A directory's attributes are then taken from its record in its
 * parent, as Linux and libarchive show them (the "." record often carries
 * the time the image was made rather than the directory's): the position of
 * that record is remembered in a small direct-mapped table filled as
 * directories are listed, and found again through ".." on a miss. So no
 * table grows with the number of nodes visited.
 *
 * st.ino is the Rock Ridge file serial number (PX, RRIP 1.12) when there is
 * a non-zero one, so that hard links share it; otherwise the handle itself,
 * which is unique within the tree.
 */
#include "iso9660.h"

#include <stdlib.h>
#include <sys/stat.h>

/* --- times ---------------------------------------------------------------- */

/* ECMA-119 9.1.5 and 8.4.26.1: offset from GMT in 15-minute units. */
static int64_t gmt_offset(uint8_t b)
{
	int v = (int8_t)b;

	/* -48 (GMT-12) to +52 (GMT+13); anything else is ignored, as Linux
	 * does, rather than shifting a stamp by days. */
	if (v < -48 || v > 52)
		return 0;
	return (int64_t)v * 15 * 60;
}

bool iso_time7(const uint8_t *p, struct timespec *ts)
{
	unsigned mon = p[1], day = p[2], hour = p[3], min = p[4], sec = p[5];
	int64_t days;

	if (!p[0] && !mon && !day && !hour && !min && !sec && !p[6])
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 60)
		return false;
	days = fsimg_days_from_civil(1900 + (int64_t)p[0], mon, day);
	ts->tv_sec = (time_t)(days * 86400 + hour * 3600 + min * 60 + sec -
			      gmt_offset(p[6]));
	ts->tv_nsec = 0;
	return true;
}

static bool digits(const uint8_t *p, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return true;
}

bool iso_time17(const uint8_t *p, struct timespec *ts)
{
	unsigned y, mon, day, hour, min, sec, cs;
	int64_t days;

	if (!digits(p, 4, &y) || !digits(p + 4, 2, &mon) ||
	    !digits(p + 6, 2, &day) || !digits(p + 8, 2, &hour) ||
	    !digits(p + 10, 2, &min) || !digits(p + 12, 2, &sec) ||
	    !digits(p + 14, 2, &cs))
		return false;
	/* 8.4.26.1: all digits zero and offset zero mean "not specified" */
	if (!y && !mon && !day && !hour && !min && !sec && !cs)
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 60)
		return false;
	days = fsimg_days_from_civil(y, mon, day);
	ts->tv_sec = (time_t)(days * 86400 + hour * 3600 + min * 60 + sec -
			      gmt_offset(p[16]));
	ts->tv_nsec = (long)cs * 10000000L;
	return true;
}

/* --- records ------------------------------------------------------------- */

int iso_rec_bounds(const uint8_t *buf, size_t avail, size_t *len,
		   size_t *su_off, const char **why)
{
	size_t n, nlen, su;

	if (avail < 1 || buf[0] == 0) {
		*why = "no record here";
		return -EUCLEAN;
	}
	n = buf[0];
	if (n < ISO_DR_MIN) {
		*why = "record length is below 34 bytes";
		return -EUCLEAN;
	}
	/* 6.8.1.1: a record never crosses a logical block */
	if (n > avail) {
		*why = "record runs past the end of its block or directory";
		return -EUCLEAN;
	}
	nlen = buf[32];
	if (nlen == 0 || 33 + nlen > n) {
		*why = "file identifier does not fit in the record";
		return -EUCLEAN;
	}
	/* 9.1.12: a padding byte follows a name of even length */
	su = 33 + nlen + !(nlen & 1);
	*len = n;
	*su_off = su < n ? su : n;
	return 0;
}

int iso_rec_decode(const uint8_t *buf, size_t avail, uint64_t pos,
		   struct iso_rec *r, const char **why)
{
	size_t len, su;
	int rc = iso_rec_bounds(buf, avail, &len, &su, why);

	if (rc)
		return rc;
	memset(r, 0, offsetof(struct iso_rec, raw));
	memcpy(r->raw, buf, len);
	r->pos = pos;
	r->len = (uint8_t)len;
	r->xa_len = buf[1];
	/*
	 * 9.1.3, 9.1.4: both-endian. Some writers (and DFTT's iso-endian
	 * test) disagree with themselves; Linux, Windows and most readers use
	 * the little-endian half, so do we, and say so in the debug log.
	 */
	r->endian_diff = !iso_get_733(buf + 2, &r->extent);
	r->endian_diff |= !iso_get_733(buf + 10, &r->size);
	memcpy(r->raw_time, buf + 18, 7);
	r->flags = buf[25];
	r->unit_size = buf[26];
	r->gap = buf[27];
	r->name_len = buf[32];
	r->name_off = 33;
	r->su_off = (uint8_t)su;
	r->su_len = (uint8_t)(len - su);
	return 0;
}

int iso_rec_read(struct iso_fs *ifs, uint64_t pos, struct iso_rec *r)
{
	uint8_t buf[255];
	size_t avail = ISO_BLOCK - pos % ISO_BLOCK;
	const char *why = NULL;
	int rc;

	if (avail > sizeof(buf))
		avail = sizeof(buf);
	if (pos >= ifs->win.len)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "directory record at byte %llu lies past the "
				  "end of the filesystem",
				  fsimg_wabs(&ifs->win, pos));
	if (avail > ifs->win.len - pos)
		avail = (size_t)(ifs->win.len - pos);
	rc = fsimg_wread_cached(&ifs->win, pos, buf, avail);
	if (rc)
		return fsimg_werr(&ifs->win, rc,
				  "directory record at byte %llu: %s",
				  fsimg_wabs(&ifs->win, pos), strerror(-rc));
	rc = iso_rec_decode(buf, avail, pos, r, &why);
	if (rc)
		return fsimg_werr(&ifs->win, rc,
				  "directory record at byte %llu: %s",
				  fsimg_wabs(&ifs->win, pos), why);
	if (r->endian_diff)
		ISO_DBG("record at %llu: both-endian halves differ, using LE "
			"(extent %u, size %u)",
			(unsigned long long)pos, r->extent, r->size);
	return 0;
}

/* --- names ------------------------------------------------------------------
 */

/* Drops a ";version" suffix (7.5.1) and then a trailing '.'. */
static size_t strip_version(char *s, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		if (s[i] == ';') {
			bool all = true;
			for (size_t j = i + 1; j < n; j++)
				all &= s[j] >= '0' && s[j] <= '9';
			if (all)
				n = i;
			break;
		}
		if (s[i] < '0' || s[i] > '9')
			break;
	}
	if (n > 1 && s[n - 1] == '.')
		n--;
	s[n] = '\0';
	return n;
}

size_t iso_name_plain(const uint8_t *in, size_t len, char *out, size_t room)
{
	size_t n = 0;

	if (room == 0)
		return 0;
	/* Like Linux with map=normal: lower case, no version, no final dot */
	for (size_t i = 0; i < len && n + 1 < room; i++) {
		char c = (char)in[i];
		if (!c)
			break;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '/')
			c = '.'; /* broken Acorn images, as Linux maps it */
		out[n++] = c;
	}
	out[n] = '\0';
	return strip_version(out, n);
}

size_t iso_name_joliet(const uint8_t *in, size_t len, char *out, size_t room)
{
	char tmp[3 * 128 + 4];
	int n;
	size_t cut;

	if (room == 0)
		return 0;
	/* Joliet names are UCS-2 (we accept UTF-16) big-endian */
	n = fsimg_utf16_to_utf8(in, len / 2, true, tmp, sizeof(tmp));
	if (n < 0)
		n = 0;
	cut = strip_version(tmp, (size_t)n);
	if (cut > room - 1) {
		cut = room - 1;
		while (cut > 0 && ((uint8_t)tmp[cut] & 0xC0) == 0x80)
			cut--;
	}
	memcpy(out, tmp, cut);
	out[cut] = '\0';
	return cut;
}

/* --- multi-extent files ------------------------------------------------------
 */

int iso_extents_walk(struct iso_fs *ifs, const struct iso_rec *first,
		     iso_extent_fn cb, void *ctx, uint32_t *count)
{
	struct iso_rec r = *first;
	uint32_t n = 0;
	int rc;

	for (;;) {
		uint64_t pos;
		uint8_t b;

		rc = cb ? cb(ctx, &r) : 0;
		if (rc)
			return rc;
		n++;
		if (!(r.flags & ISO_FF_MULTI))
			break;
		if (n == ISO_EXTENTS_MAX)
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "file at byte %llu: more than %u "
					  "extents",
					  fsimg_wabs(&ifs->win, first->pos),
					  ISO_EXTENTS_MAX);
		/*
		 * 6.5.1, 9.1.6: the next record of the same file follows; it
		 * may begin the next block when this one had no room left.
		 */
		pos = r.pos + r.len;
		if (pos % ISO_BLOCK) {
			rc = fsimg_wread_cached(&ifs->win, pos, &b, 1);
			if (rc)
				return fsimg_werr(
					&ifs->win, rc,
					"file at byte %llu: the "
					"record of extent %u cannot "
					"be read",
					fsimg_wabs(&ifs->win, first->pos),
					n + 1);
			if (b == 0)
				pos += ISO_BLOCK - pos % ISO_BLOCK;
		}
		rc = iso_rec_read(ifs, pos, &r);
		if (rc)
			return rc;
		if (r.name_len != first->name_len ||
		    memcmp(r.raw + 33, first->raw + 33, r.name_len) ||
		    (r.flags & ISO_FF_DIR))
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "file at byte %llu: extent %u is "
					  "recorded for another name (record "
					  "at byte %llu)",
					  fsimg_wabs(&ifs->win, first->pos),
					  n + 1, fsimg_wabs(&ifs->win, pos));
	}
	if (count)
		*count = n;
	return 0;
}

struct extent_sum {
	uint64_t size, blocks;
};

static int sum_extent(void *ctx, const struct iso_rec *r)
{
	struct extent_sum *s = ctx;

	/* sums of at most ISO_EXTENTS_MAX 32-bit sizes cannot overflow */
	s->size += r->size;
	s->blocks += (r->size + ISO_BLOCK - 1) / ISO_BLOCK;
	return 0;
}

/* --- nodes
 * -------------------------------------------------------------------- */

void iso_node_name(const struct iso_fs *ifs, struct iso_node *n)
{
	const struct iso_rec *r = &n->rec;

	if (ifs->tree == ISO_TREE_RR && (n->rr.have & ISO_RR_NM) &&
	    n->rr.name_len) {
		memcpy(n->name, n->rr.name, n->rr.name_len + 1);
	} else if (ifs->tree == ISO_TREE_JOLIET) {
		iso_name_joliet(r->raw + 33, r->name_len, n->name,
				sizeof(n->name));
	} else {
		iso_name_plain(r->raw + 33, r->name_len, n->name,
			       sizeof(n->name));
	}
}

int iso_dot_check(struct iso_fs *ifs, fsimg_ino h, struct iso_rec *dot)
{
	int rc = iso_rec_read(ifs, h, dot);

	if (rc)
		return rc;
	if (!iso_rec_is_dot(dot) || !(dot->flags & ISO_FF_DIR))
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "directory at block %llu does not start with "
				  "a \".\" record",
				  (unsigned long long)(h / ISO_BLOCK));
	/*
	 * The "." record should point at its own block. Where it does not
	 * (DFTT's iso-dirtree2 copies one hierarchy's root block into
	 * another), the position we came to it by is what counts, as with
	 * Linux, which never reads the "." extent.
	 */
	if (iso_rec_data(dot) != h)
		ISO_DBG("directory at %llu: \".\" points to block %u",
			(unsigned long long)h, dot->extent);
	return 0;
}

/* 1 when the record at pos is a subdirectory entry for directory d. */
static int dir_record_at(struct iso_fs *ifs, fsimg_ino d, uint64_t pos,
			 struct iso_rec *r)
{
	int rc = iso_rec_read(ifs, pos, r);

	if (rc)
		return rc;
	return (r->flags & ISO_FF_DIR) && !iso_rec_is_dot(r) &&
	       !iso_rec_is_dotdot(r) && iso_rec_data(r) == d;
}

int iso_node_load_at(struct iso_fs *ifs, fsimg_ino h, uint64_t rec, char *link,
		     size_t room, struct iso_node *n)
{
	int rc;

	n->handle = h;
	n->dir = false;
	n->size = n->blocks = 0;
	n->nextents = 0;
	n->name[0] = '\0';
	iso_rr_init(&n->rr, link, room);
	rc = iso_rec_read(ifs, h, &n->rec);
	if (rc)
		return rc;
	if (iso_rec_is_dot(&n->rec)) {
		struct iso_rec pr;

		rc = iso_dot_check(ifs, h, &n->rec);
		if (rc)
			return rc;
		n->dir = true;
		if (h != ifs->fs->root) {
			rc = rec ? dir_record_at(ifs, h, rec, &pr) : 0;
			if (rc == 0)
				rc = iso_dir_record(ifs, h, &pr);
			if (rc < 0)
				return rc;
			if (rc == 1)
				n->rec = pr;
		}
	} else if (iso_rec_is_dotdot(&n->rec) || (n->rec.flags & ISO_FF_DIR)) {
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "node handle %llu does not name a file or "
				  "directory",
				  (unsigned long long)h);
	}
	if (ifs->tree == ISO_TREE_RR) {
		rc = iso_rr_parse(ifs, &n->rec, ISO_RRW_NAME | ISO_RRW_TIMES,
				  n->rec.pos == ifs->pvd_root, &n->rr);
		if (rc)
			return rc;
	}
	if (!iso_rec_is_dot(&n->rec))
		iso_node_name(ifs, n);
	if (!n->dir && (n->rec.flags & ISO_FF_MULTI)) {
		struct extent_sum s = { 0, 0 };
		rc = iso_extents_walk(ifs, &n->rec, sum_extent, &s,
				      &n->nextents);
		if (rc)
			return rc;
		n->size = s.size;
		n->blocks = s.blocks;
	} else {
		n->size = n->rec.size;
		n->blocks = (n->size + ISO_BLOCK - 1) / ISO_BLOCK;
		n->nextents = 1;
	}
	return 0;
}

/* The file type Rock Ridge gives, kept only when it makes sense. */
static uint32_t rr_mode(const struct iso_node *n)
{
	uint32_t m = n->rr.mode;

	if (n->dir)
		return S_IFDIR | (m & 07777);
	switch (m & S_IFMT) {
	case S_IFREG:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return m & (S_IFMT | 07777);
	default:
		/* a directory type on a non-directory record, or garbage */
		return S_IFREG | (m & 07777);
	}
}

void iso_node_stat(const struct iso_fs *ifs, const struct iso_node *n,
		   struct fsimg_stat *st)
{
	const struct iso_rr *rr = &n->rr;
	bool rock = ifs->tree == ISO_TREE_RR;
	struct timespec t = { 0, 0 };

	memset(st, 0, sizeof(*st));
	st->ino = n->handle;
	/* Linux's defaults without Rock Ridge: r-x for everybody, root */
	st->mode = (n->dir ? S_IFDIR : S_IFREG) | 0555;
	st->nlink = n->dir ? 2 : 1;
	st->size = n->size;
	st->blocks = n->blocks * (ISO_BLOCK / 512);
	if (rock && (rr->have & ISO_RR_PX)) {
		st->mode = rr_mode(n);
		if (rr->nlink)
			st->nlink = rr->nlink;
		st->uid = rr->uid;
		st->gid = rr->gid;
		if (rr->serial)
			st->ino = rr->serial;
	} else if (rock && (rr->have & ISO_RR_SL) && !n->dir) {
		st->mode = S_IFLNK | 0777;
	}
	if (S_ISLNK(st->mode)) {
		st->size = rr->link_len; /* as lstat(2) reports it */
	} else if (!S_ISREG(st->mode) && !S_ISDIR(st->mode)) {
		st->size = 0;
		if (rr->have & ISO_RR_PN) {
			st->rdev_major = rr->dev_major;
			st->rdev_minor = rr->dev_minor;
		}
	}
	if (rock && (rr->have & ISO_RR_ZF) && S_ISREG(st->mode)) {
		st->size = rr->zf_size;
		st->attrs |= FSIMG_ATTR_COMPRESSED;
	}

	iso_time7(n->rec.raw_time, &t);
	st->mtime = st->atime = st->ctime = t;
	if (rock) {
		if (rr->tf & ISO_TF_MODIFY)
			st->mtime = rr->mtime;
		if (rr->tf & ISO_TF_ACCESS)
			st->atime = rr->atime;
		if (rr->tf & ISO_TF_ATTRIBUTES)
			st->ctime = rr->ctime;
		if (rr->tf & ISO_TF_CREATE) {
			st->btime = rr->btime;
			st->flags |= FSIMG_STAT_BTIME;
		}
	}
	if (n->rec.flags & ISO_FF_HIDDEN)
		st->attrs |= FSIMG_ATTR_HIDDEN;
	if (n->rec.flags & ISO_FF_ASSOCIATED)
		st->attrs |= FSIMG_ATTR_ASSOCIATED;
}

int iso_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	struct iso_fs *ifs = iso_of(fs);
	struct iso_node n;
	int rc = iso_node_load(ifs, ino, &n);

	if (rc)
		return rc;
	iso_node_stat(ifs, &n, st);
	return 0;
}

int iso_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct iso_fs *ifs = iso_of(fs);
	struct iso_node n;
	struct fsimg_stat st;
	int rc = iso_node_load_at(ifs, ino, 0, buf, size, &n);

	if (rc)
		return rc;
	iso_node_stat(ifs, &n, &st);
	if (!S_ISLNK(st.mode))
		return -EINVAL;
	if (n.rr.sl_bad)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "symlink '%s' (record at byte %llu): Rock "
				  "Ridge SL: %s",
				  n.name, fsimg_wabs(&ifs->win, ino),
				  n.rr.sl_bad);
	if (n.rr.link_len >= size || n.rr.link_len > ISO_LINK_MAX)
		return -ENAMETOOLONG;
	buf[n.rr.link_len] = '\0';
	return (int)n.rr.link_len;
}
