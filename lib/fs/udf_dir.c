/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UDF directories: the file identifier descriptors (4/14.4) of a
 * directory's data, one after the other (they may cross block ends),
 * each tag-checked (checksum and CRC over the whole descriptor; its
 * location is the block its tag starts in). Deleted identifiers and the
 * parent's are not listed. Names are OSTA compressed Unicode (UDF 2.1.1)
 * in UTF-8; a '/' or NUL in a name is shown as '_', as Linux does.
 */
#include "udf.h"

#include <stdlib.h>
#include <sys/stat.h>

/* The longest identifier: header, implementation use, name, padding. */
#define FID_MAX (38u + 65535u + 255u + 3u)

struct fid {
	uint64_t off, next; /* in the directory's data */
	uint8_t flags;	    /* 4/14.4.3 file characteristics */
	uint16_t part;
	uint32_t lbn;
	char name[UDF_NAME_MAX * 3 + 1];
};

/* Return 0 to go on, > 0 to stop, < 0 for an error. */
typedef int (*fid_cb)(void *ctx, const struct fid *f);

/* The logical block (in the ICB's partition, or the extent's) of data
   byte pos of n: where a descriptor starting there says it is. */
static uint32_t data_lbn(const struct udf_fs *u, const struct udf_node *n,
			 uint64_t pos)
{
	const struct udf_extent *e;

	if (n->inline_data)
		return n->lbn;
	e = udf_extent_at(n, pos);
	return e ? e->lbn + (uint32_t)((pos - e->logical) >> u->bshift)
		 : UINT32_MAX;
}

/* Directory data is read this much at a time (plus one identifier). */
#define FID_CHUNK (64u << 10)

struct fid_buf {
	uint8_t *p;
	uint64_t start; /* directory offset of p[0] */
	size_t len;
};

/*
 * Makes [pos, pos + need) of the directory's data available in b; returns
 * a pointer to pos, or NULL with *rc set.
 */
static const uint8_t *fid_bytes(struct udf_fs *u, const struct udf_node *dir,
				struct fid_buf *b, uint64_t pos, size_t need,
				int *rc)
{
	size_t want;
	ssize_t got;

	if (pos >= b->start && pos + need <= b->start + b->len)
		return b->p + (pos - b->start);
	want = need > FID_CHUNK ? need : FID_CHUNK;
	if (want > dir->size - pos)
		want = (size_t)(dir->size - pos);
	got = udf_read_data(u, dir, b->p, want, pos, true);
	if (got < 0) {
		*rc = (int)got;
		return NULL;
	}
	b->start = pos;
	b->len = (size_t)got;
	if (b->len < need) {
		*rc = -EIO;
		return NULL;
	}
	return b->p;
}

static int fid_walk(struct udf_fs *u, const struct udf_node *dir,
		    uint64_t cookie, fid_cb cb, void *ctx)
{
	struct fid_buf b = { 0 };
	uint64_t pos = cookie;
	int rc = 0;

	if (dir->size > UDF_DIR_MAX)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "directory at block %u has %llu bytes",
				  dir->lbn, (unsigned long long)dir->size);
	b.p = malloc(FID_CHUNK + FID_MAX);
	if (!b.p)
		return -ENOMEM;
	while (pos + 38 <= dir->size) {
		struct fid f = { .off = pos };
		const char *why = NULL;
		const uint8_t *buf;
		uint16_t l_iu;
		uint8_t l_fi;
		size_t len, have;
		int tag;

		buf = fid_bytes(u, dir, &b, pos, 38, &rc);
		if (!buf)
			break;
		l_fi = buf[19];
		l_iu = get_le16(buf + 36);
		len = (38u + l_iu + l_fi + 3u) & ~3u;
		if (pos + 38 + l_iu + l_fi > dir->size) {
			why = "it runs past the end of the directory";
			tag = -1;
		} else {
			/* the padding too, when there: the CRC may cover it */
			have = pos + len <= dir->size
				       ? len
				       : (size_t)(38u + l_iu + l_fi);
			buf = fid_bytes(u, dir, &b, pos, have, &rc);
			if (!buf)
				break;
			tag = udf_tag_check(buf, have, data_lbn(u, dir, pos),
					    &why);
		}
		if (tag != UDF_TAG_FID) {
			rc = fsimg_werr(
				&u->win, -EUCLEAN,
				"directory at block %u of partition %u, "
				"identifier at byte %llu of its data: %s",
				dir->lbn, dir->part, (unsigned long long)pos,
				tag < 0 ? why
					: "not a file identifier "
					  "descriptor");
			break;
		}
		f.next = pos + len;
		f.flags = buf[18];
		f.lbn = get_le32(buf + 20 + 4);
		f.part = get_le16(buf + 20 + 8);
		pos = f.next;
		/* 4/14.4.3: deleted, or the parent (".."): not listed */
		if (f.flags & 0x0c)
			continue;
		rc = udf_cs0_to_utf8(buf + 38 + l_iu, l_fi, f.name,
				     sizeof(f.name));
		if (rc < 0) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"directory at block %u, identifier at "
					"byte %llu of its data: a name %s",
					dir->lbn, (unsigned long long)f.off,
					rc == -ENAMETOOLONG
						? "too long"
						: "in an unknown encoding");
			break;
		}
		for (int i = 0; i < rc; i++)
			if (f.name[i] == '/' || f.name[i] == 0)
				f.name[i] = '_';
		if (rc == 0 || !strcmp(f.name, ".") || !strcmp(f.name, "..")) {
			UDF_DBG("directory at block %u: identifier at %llu "
				"named '%s': skipped",
				dir->lbn, (unsigned long long)f.off, f.name);
			rc = 0;
			continue;
		}
		if (f.part >= u->nmaps) {
			rc = fsimg_werr(&u->win, -EUCLEAN,
					"directory at block %u: '%s' is in "
					"partition reference %u, of %u",
					dir->lbn, f.name, f.part, u->nmaps);
			break;
		}
		rc = cb(ctx, &f);
		if (rc)
			break;
	}
	free(b.p);
	return rc;
}

static bool is_dir(const struct udf_node *n)
{
	return n->file_type == UDF_FT_DIR || n->file_type == UDF_FT_STREAMDIR;
}

static int dir_node(struct udf_fs *u, fsimg_ino ino, struct udf_node *n)
{
	int rc = udf_node_read(u, ino, n, true);

	if (!rc && !is_dir(n)) {
		udf_node_free(n);
		return -ENOTDIR;
	}
	/* descriptors that cannot be read: a file is still not a
	   directory, as getattr (which reads none) says (fuzz_udf) */
	if (rc && !udf_node_read(u, ino, n, false) && !is_dir(n))
		return -ENOTDIR;
	return rc;
}

struct readdir_ctx {
	struct udf_fs *u;
	fsimg_dirent_fn fn;
	void *ctx;
};

static int readdir_cb(void *priv, const struct fid *f)
{
	struct readdir_ctx *c = priv;
	uint64_t h = udf_handle(f->part, f->lbn);
	struct udf_node n;
	struct fsimg_stat st;

	/* a node that cannot be read is listed without a stat: getattr
	   reports why */
	if (udf_node_read(c->u, h, &n, false) || udf_stat_node(c->u, &n, &st))
		return c->fn(c->ctx, f->name, h, NULL, f->next) ? 1 : 0;
	if (f->flags & 0x01)
		st.attrs |= FSIMG_ATTR_HIDDEN;
	return c->fn(c->ctx, f->name, h, &st, f->next) ? 1 : 0;
}

int udf_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct udf_fs *u = udf_of(fs);
	struct readdir_ctx c = { .u = u, .fn = fn, .ctx = ctx };
	struct udf_node n;
	int rc = dir_node(u, dir, &n);

	if (rc)
		return rc;
	rc = fid_walk(u, &n, cookie, readdir_cb, &c);
	udf_node_free(&n);
	return rc > 0 ? 0 : rc;
}

struct lookup_ctx {
	const char *name;
	uint64_t found;
	uint8_t flags;
};

static int lookup_cb(void *priv, const struct fid *f)
{
	struct lookup_ctx *c = priv;

	if (strcmp(f->name, c->name))
		return 0;
	c->found = udf_handle(f->part, f->lbn);
	c->flags = f->flags;
	return 1;
}

int udf_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct udf_fs *u = udf_of(fs);
	struct lookup_ctx c = { .name = name };
	struct udf_node n;
	int rc;

	if (strlen(name) > sizeof(((struct fid *)0)->name) - 1)
		return -ENAMETOOLONG;
	rc = dir_node(u, dir, &n);
	if (rc)
		return rc;
	rc = fid_walk(u, &n, 0, lookup_cb, &c);
	udf_node_free(&n);
	if (rc < 0)
		return rc;
	if (!c.found)
		return -ENOENT;
	if (st) {
		rc = udf_node_read(u, c.found, &n, false);
		if (rc)
			return rc;
		rc = udf_stat_node(u, &n, st);
		if (rc)
			return rc;
		if (c.flags & 0x01)
			st->attrs |= FSIMG_ATTR_HIDDEN;
	}
	*ino = c.found;
	return 0;
}

/* --- named streams (4/14.17: an extended file entry's stream directory) --- */

/* Streams are shown as the extended attributes "user.NAME". */
#define UDF_XATTR_PREFIX "user."
#define UDF_XATTR_MAX	 65536u /* XATTR_SIZE_MAX and XATTR_LIST_MAX */

static int stream_dir(struct udf_fs *u, fsimg_ino ino, struct udf_node *sd)
{
	struct udf_node n;
	int rc = udf_node_read(u, ino, &n, false);

	if (rc)
		return rc;
	if (!n.efe || !n.has_streams)
		return -ENODATA;
	if (n.stream_part >= u->nmaps)
		return fsimg_werr(
			&u->win, -EUCLEAN,
			"file entry at block %u: its stream directory "
			"is in partition reference %u, of %u",
			n.lbn, n.stream_part, u->nmaps);
	rc = dir_node(u, udf_handle(n.stream_part, n.stream_lbn), sd);
	if (rc == -ENOTDIR)
		return fsimg_werr(
			&u->win, -EUCLEAN,
			"file entry at block %u: its stream directory "
			"(block %u) is not a directory",
			n.lbn, n.stream_lbn);
	return rc;
}

struct list_ctx {
	char *buf;
	size_t size, len;
};

static int list_cb(void *priv, const struct fid *f)
{
	struct list_ctx *c = priv;
	size_t n = sizeof(UDF_XATTR_PREFIX) - 1 + strlen(f->name) + 1;

	if (c->len + n > UDF_XATTR_MAX)
		return -E2BIG;
	if (c->size) {
		if (c->len + n > c->size)
			return -ERANGE;
		memcpy(c->buf + c->len, UDF_XATTR_PREFIX,
		       sizeof(UDF_XATTR_PREFIX) - 1);
		memcpy(c->buf + c->len + sizeof(UDF_XATTR_PREFIX) - 1, f->name,
		       strlen(f->name) + 1);
	}
	c->len += n;
	return 0;
}

ssize_t udf_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct udf_fs *u = udf_of(fs);
	struct list_ctx c = { .buf = buf, .size = size };
	struct udf_node sd;
	int rc = stream_dir(u, ino, &sd);

	if (rc == -ENODATA)
		return 0;
	if (rc)
		return rc;
	rc = fid_walk(u, &sd, 0, list_cb, &c);
	udf_node_free(&sd);
	return rc < 0 ? rc : (ssize_t)c.len;
}

ssize_t udf_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size)
{
	struct udf_fs *u = udf_of(fs);
	struct lookup_ctx c = { .name = name + sizeof(UDF_XATTR_PREFIX) - 1 };
	struct udf_node sd, n;
	ssize_t got;
	int rc;

	if (strncmp(name, UDF_XATTR_PREFIX, sizeof(UDF_XATTR_PREFIX) - 1))
		return -ENODATA;
	rc = stream_dir(u, ino, &sd);
	if (rc)
		return rc;
	rc = fid_walk(u, &sd, 0, lookup_cb, &c);
	udf_node_free(&sd);
	if (rc < 0)
		return rc;
	if (!c.found)
		return -ENODATA;
	rc = udf_node_read(u, c.found, &n, true);
	if (rc)
		return rc;
	if (n.size > UDF_XATTR_MAX) {
		got = -E2BIG;
	} else if (size == 0) {
		got = (ssize_t)n.size;
	} else if (size < n.size) {
		got = -ERANGE;
	} else {
		got = udf_read_data(u, &n, buf, (size_t)n.size, 0, true);
	}
	udf_node_free(&n);
	return got;
}
