/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XFS file data, symlinks and extended attributes.
 *
 * Data: read through the data fork's extents; holes and unwritten
 * (preallocated) extents read as zeroes. Files on the realtime device
 * (a separate device we are not given) are refused.
 *
 * Symlinks: the target is in the inode (local) or in blocks, which on V5
 * start with a "XSLM" header (offset, bytes, CRC, owner, block).
 *
 * Attributes: the attribute fork holds them in shortform (in the inode),
 * in one leaf block, or in a da B+tree of leaves. A value too large for
 * its leaf is "remote", in blocks of the fork (V5: each with a "XARM"
 * header). Names are in namespaces by flag: none user., ROOT trusted.,
 * SECURE security.; parent pointers (PARENT) are not attributes a user
 * sees. POSIX ACLs are kept as trusted.SGI_ACL_FILE and SGI_ACL_DEFAULT in
 * XFS's own format and shown, as Linux does, also as
 * system.posix_acl_access and _default in the acl(5) xattr format.
 */
#include "xfs.h"

#include <stdlib.h>
#include <sys/stat.h>

#define XFS_SYMLINK_MAGIC   0x58534c4du /* "XSLM" */
#define XFS_ATTR3_RMT_MAGIC 0x5841524du /* "XARM" */
#define XFS_RMT_HDR	    56u

#define XFS_ATTR_LOCAL	    0x01u
#define XFS_ATTR_ROOT	    0x02u
#define XFS_ATTR_SECURE	    0x04u
#define XFS_ATTR_PARENT	    0x08u
#define XFS_ATTR_INCOMPLETE 0x80u
#define XFS_ATTR_NSMASK	    (XFS_ATTR_ROOT | XFS_ATTR_SECURE | XFS_ATTR_PARENT)

/* "security." and a name of up to 255 bytes */
#define XATTR_NAME_ROOM 272u

int xfs_file_open(fsimg_file *f)
{
	struct xfs_fs *x = xfs_of(f->fs);
	struct xfs_inode *in = malloc(sizeof(*in));
	int rc;

	if (!in)
		return -ENOMEM;
	rc = xfs_inode_read(x, f->ino, in);
	if (!rc && S_ISDIR(in->mode))
		rc = -EISDIR;
	else if (!rc && !S_ISREG(in->mode))
		rc = -EINVAL;
	else if (!rc && (in->flags & XFS_DIFLAG_REALTIME))
		rc = fsimg_werr(&x->win, -EOPNOTSUPP,
				"inode %llu: its data is on the realtime "
				"device, which is not read",
				(unsigned long long)in->ino);
	if (rc) {
		free(in);
		return rc;
	}
	f->priv = in;
	f->size = in->size;
	return 0;
}

void xfs_file_close(fsimg_file *f)
{
	free(f->priv);
	f->priv = NULL;
}

ssize_t xfs_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	const struct xfs_inode *in = f->priv;
	int rc;

	if (off >= in->size)
		return 0;
	if (size > in->size - off)
		size = (size_t)(in->size - off);
	rc = xfs_fork_read(xfs_of(f->fs), in, XFS_DATA_FORK, off, buf, size,
			   false);
	return rc ? rc : (ssize_t)size;
}

int xfs_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct xfs_fs *x = xfs_of(f->fs);
	const struct xfs_inode *in = f->priv;
	uint64_t lblk = off >> x->blocklog, start, end, at;
	struct xfs_irec r;
	int rc;

	if (off >= in->size)
		return -ENXIO;
	rc = xfs_bmap(x, in, XFS_DATA_FORK, lblk, &r);
	if (rc < 0)
		return rc;
	if (rc == 0 || r.startoff > lblk) {
		/* a hole up to the next extent, or to the end */
		start = lblk << x->blocklog;
		end = rc == 0 || r.startoff > (UINT64_MAX >> 17)
			      ? in->size
			      : r.startoff << x->blocklog;
		ext->flags = FSIMG_EXTENT_HOLE;
		ext->physical = 0;
	} else {
		rc = xfs_fsb_to_off(x, r.startblock, r.blockcount, &at);
		if (rc)
			return fsimg_werr(&x->win, rc,
					  "inode %llu: extent outside the "
					  "filesystem",
					  (unsigned long long)in->ino);
		start = r.startoff << x->blocklog;
		end = (r.startoff + r.blockcount) << x->blocklog;
		ext->flags = r.unwritten ? FSIMG_EXTENT_HOLE : 0;
		ext->physical = r.unwritten ? 0 : x->win.off + at;
	}
	if (end > in->size)
		end = in->size;
	ext->logical = start;
	ext->length = end - start;
	return 0;
}

/* --- remote values and symlinks -------------------------------------- */

/* Reads a remote attribute value (V5: a header in every block). */
static int remote_read(struct xfs_fs *x, const struct xfs_inode *in,
		       enum xfs_fork fork, uint64_t first, uint8_t *out,
		       size_t len)
{
	uint8_t *b = malloc(x->blocksize);
	size_t done = 0,
	       per = x->v5 ? x->blocksize - XFS_RMT_HDR : x->blocksize;
	uint64_t lblk = first, off;
	int rc = 0;

	if (!b)
		return -ENOMEM;
	while (done < len) {
		size_t n = len - done < per ? len - done : per;

		rc = xfs_fork_block(x, in, fork, lblk, &off);
		if (rc == -ENODATA)
			rc = fsimg_werr(&x->win, -EUCLEAN,
					"inode %llu: block %llu of a remote "
					"value is not mapped",
					(unsigned long long)in->ino,
					(unsigned long long)lblk);
		if (rc)
			break;
		rc = fsimg_wread_cached(&x->win, off, b, x->blocksize);
		if (rc)
			break;
		if (x->v5) {
			if (get_be32(b) != XFS_ATTR3_RMT_MAGIC ||
			    get_be32(b + 4) != done || get_be32(b + 8) != n) {
				rc = fsimg_werr(&x->win, -EUCLEAN,
						"inode %llu: remote block at "
						"byte %llu: bad header",
						(unsigned long long)in->ino,
						fsimg_wabs(&x->win, off));
				break;
			}
			rc = xfs_check_block(x, b, x->blocksize, 12, 16, 32, 40,
					     off, in->ino, "remote block");
			if (rc)
				break;
			memcpy(out + done, b + XFS_RMT_HDR, n);
		} else {
			memcpy(out + done, b, n);
		}
		done += n;
		lblk++;
	}
	free(b);
	return rc;
}

/*
 * A symlink target in blocks: the kernel writes one buffer per extent,
 * which on V5 starts with one header and has one CRC however many blocks
 * it spans (a target is at most 1024 bytes: a few blocks).
 */
static int symlink_remote(struct xfs_fs *x, const struct xfs_inode *in,
			  uint8_t *out, size_t len)
{
	/* the blocks a target of the longest length and its header take */
	const size_t room = (size_t)((XFS_SYMLINK_MAXLEN + XFS_RMT_HDR +
				      x->blocksize - 1) >>
				     x->blocklog)
			    << x->blocklog;
	uint8_t *b = malloc(room);
	size_t done = 0;
	uint64_t lblk = 0, at;
	int rc = 0;

	if (!b)
		return -ENOMEM;
	while (done < len) {
		struct xfs_irec r;
		size_t n, blen, hdr = x->v5 ? XFS_RMT_HDR : 0;

		rc = xfs_bmap(x, in, XFS_DATA_FORK, lblk, &r);
		if (rc < 0)
			break;
		if (rc == 0 || r.startoff != lblk || r.unwritten ||
		    r.blockcount > room >> x->blocklog ||
		    xfs_fsb_to_off(x, r.startblock, r.blockcount, &at)) {
			rc = fsimg_werr(&x->win, -EUCLEAN,
					"symlink inode %llu: block %llu of its "
					"target is not mapped",
					(unsigned long long)in->ino,
					(unsigned long long)lblk);
			break;
		}
		blen = (size_t)(r.blockcount << x->blocklog);
		rc = fsimg_wread_cached(&x->win, at, b, blen);
		if (rc)
			break;
		n = blen - hdr < len - done ? blen - hdr : len - done;
		if (x->v5) {
			if (get_be32(b) != XFS_SYMLINK_MAGIC ||
			    get_be32(b + 4) != done || get_be32(b + 8) != n) {
				rc = fsimg_werr(&x->win, -EUCLEAN,
						"symlink inode %llu: block at "
						"byte %llu: bad header",
						(unsigned long long)in->ino,
						fsimg_wabs(&x->win, at));
				break;
			}
			rc = xfs_check_block(x, b, blen, 12, 16, 32, 40, at,
					     in->ino, "symlink block");
			if (rc)
				break;
		}
		memcpy(out + done, b + hdr, n);
		done += n;
		lblk += r.blockcount;
	}
	free(b);
	return rc;
}

int xfs_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct xfs_fs *x = xfs_of(fs);
	struct xfs_inode *in = malloc(sizeof(*in));
	char target[XFS_SYMLINK_MAXLEN + 1];
	size_t len;
	int rc;

	if (!in)
		return -ENOMEM;
	rc = xfs_inode_read(x, ino, in);
	if (rc)
		goto out;
	if (!S_ISLNK(in->mode)) {
		rc = -EINVAL;
		goto out;
	}
	if (!in->size || in->size > XFS_SYMLINK_MAXLEN) {
		rc = fsimg_werr(&x->win, -EUCLEAN,
				"symlink inode %llu: target of %llu bytes",
				(unsigned long long)ino,
				(unsigned long long)in->size);
		goto out;
	}
	len = (size_t)in->size;
	if (in->format == XFS_FMT_LOCAL)
		memcpy(target, in->raw + in->doff, len);
	else
		rc = symlink_remote(x, in, (uint8_t *)target, len);
	if (rc)
		goto out;
	target[len] = 0;
	len = strlen(target);
	if (len >= size) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	memcpy(buf, target, len + 1);
	rc = (int)len;
out:
	free(in);
	return rc;
}

/* --- extended attributes -------------------------------------------------- */

/* One attribute as found in the fork. */
struct xfs_attr {
	unsigned flags;
	const uint8_t *name;
	unsigned namelen;
	const uint8_t *value; /* local values; NULL when remote */
	uint32_t valuelen;
	uint32_t valueblk; /* remote values: first block in the fork */
};

/* Returns non-zero to stop (passed back when > 0). */
typedef int (*xfs_attr_cb)(void *ctx, const struct xfs_attr *a);

static int attr_bad(struct xfs_fs *x, const struct xfs_inode *in,
		    const char *what)
{
	return fsimg_werr(&x->win, -EUCLEAN, "inode %llu: attributes: %s",
			  (unsigned long long)in->ino, what);
}

static int attr_sf_walk(struct xfs_fs *x, const struct xfs_inode *in,
			xfs_attr_cb cb, void *ctx)
{
	const uint8_t *p = in->raw + in->aoff;
	unsigned size = in->asize, tot, count, pos = 4;

	if (size < 4)
		return attr_bad(x, in, "shortform header past the fork");
	tot = get_be16(p);
	count = p[2];
	if (tot > size || tot < 4)
		return attr_bad(x, in, "bad shortform size");
	for (unsigned i = 0; i < count; i++) {
		struct xfs_attr a;
		int rc;

		if (pos + 3 > tot)
			return attr_bad(x, in, "shortform entry past its end");
		a.namelen = p[pos];
		a.valuelen = p[pos + 1];
		a.flags = p[pos + 2];
		if (pos + 3 + a.namelen + a.valuelen > tot)
			return attr_bad(x, in, "shortform entry past its end");
		a.name = p + pos + 3;
		a.value = a.name + a.namelen;
		a.valueblk = 0;
		pos += 3 + a.namelen + a.valuelen;
		rc = cb(ctx, &a);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walks the entries of one attribute leaf block b. */
static int attr_leaf_walk(struct xfs_fs *x, const struct xfs_inode *in,
			  const uint8_t *b, xfs_attr_cb cb, void *ctx)
{
	unsigned bs = x->blocksize, hdr = x->v5 ? 80u : 32u;
	unsigned count = get_be16(b + (x->v5 ? 56 : 12));

	if (count > (bs - hdr) / 8)
		return attr_bad(x, in, "leaf count too large");
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *e = b + hdr + (size_t)i * 8;
		unsigned idx = get_be16(e + 4);
		struct xfs_attr a;
		int rc;

		a.flags = e[6];
		if (a.flags & XFS_ATTR_LOCAL) {
			if (idx < hdr || idx + 3 > bs)
				return attr_bad(x, in, "bad leaf entry");
			a.valuelen = get_be16(b + idx);
			a.namelen = b[idx + 2];
			a.name = b + idx + 3;
			a.value = a.name + a.namelen;
			a.valueblk = 0;
			if (idx + 3 + a.namelen + a.valuelen > bs)
				return attr_bad(x, in, "leaf entry past block");
		} else {
			if (idx < hdr || idx + 9 > bs)
				return attr_bad(x, in, "bad leaf entry");
			a.valueblk = get_be32(b + idx);
			a.valuelen = get_be32(b + idx + 4);
			a.namelen = b[idx + 8];
			a.name = b + idx + 9;
			a.value = NULL;
			if (idx + 9 + a.namelen > bs)
				return attr_bad(x, in, "leaf entry past block");
		}
		rc = cb(ctx, &a);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walks every attribute of the fork: shortform, one leaf, or a tree. */
static int attr_walk(struct xfs_fs *x, const struct xfs_inode *in,
		     xfs_attr_cb cb, void *ctx)
{
	unsigned bs = x->blocksize;
	uint64_t lblk, hops = 0;
	uint8_t *b;
	int rc;

	if (!in->asize)
		return 0;
	if (in->aformat == XFS_FMT_LOCAL)
		return attr_sf_walk(x, in, cb, ctx);
	if (in->aformat == XFS_FMT_EXTENTS && !in->anextents)
		return 0;
	b = malloc(bs);
	if (!b)
		return -ENOMEM;
	/* the leftmost leaf: hash 0 */
	rc = xfs_da_find_leaf(x, in, XFS_ATTR_FORK, 0, 0, b, bs, &lblk);
	while (!rc) {
		if (get_be16(b + XFS_DA_MAGIC_OFF) !=
		    (x->v5 ? XFS_ATTR3_LEAF : XFS_ATTR_LEAF)) {
			rc = attr_bad(x, in, "leaf block has no magic");
			break;
		}
		rc = attr_leaf_walk(x, in, b, cb, ctx);
		if (rc)
			break;
		lblk = get_be32(b); /* forw */
		if (!lblk)
			break;
		if (++hops > x->max_blocks) {
			rc = attr_bad(x, in, "leaves loop");
			break;
		}
		rc = xfs_da_read(x, in, XFS_ATTR_FORK, lblk, b, bs);
	}
	free(b);
	return rc;
}

/* The name an attribute has for getxattr(2); 0 when it has none. */
static size_t attr_name(const struct xfs_attr *a, char *out, size_t room)
{
	const char *prefix;
	size_t plen;

	if (a->flags & (XFS_ATTR_INCOMPLETE | XFS_ATTR_PARENT))
		return 0;
	switch (a->flags & XFS_ATTR_NSMASK) {
	case 0:
		prefix = "user.";
		break;
	case XFS_ATTR_ROOT:
		prefix = "trusted.";
		break;
	case XFS_ATTR_SECURE:
		prefix = "security.";
		break;
	default:
		return 0;
	}
	plen = strlen(prefix);
	if (!a->namelen || plen + a->namelen + 1 > room ||
	    memchr(a->name, 0, a->namelen))
		return 0;
	memcpy(out, prefix, plen);
	memcpy(out + plen, a->name, a->namelen);
	out[plen + a->namelen] = 0;
	return plen + a->namelen;
}

/* The system.posix_acl_* name an XFS ACL attribute is also shown as. */
static const char *acl_alias(const struct xfs_attr *a)
{
	if ((a->flags & XFS_ATTR_NSMASK) != XFS_ATTR_ROOT)
		return NULL;
	if (a->namelen == 12 && !memcmp(a->name, "SGI_ACL_FILE", 12))
		return "system.posix_acl_access";
	if (a->namelen == 15 && !memcmp(a->name, "SGI_ACL_DEFAULT", 15))
		return "system.posix_acl_default";
	return NULL;
}

struct list_ctx {
	char *buf;
	size_t size, len;
	bool range;
};

static int list_add(struct list_ctx *c, const char *name, size_t n)
{
	if (c->size) {
		if (c->len + n + 1 > c->size) {
			c->range = true;
			return 1;
		}
		memcpy(c->buf + c->len, name, n + 1);
	}
	c->len += n + 1;
	return 0;
}

static int list_cb(void *priv, const struct xfs_attr *a)
{
	struct list_ctx *c = priv;
	const char *alias = acl_alias(a);
	char name[XATTR_NAME_ROOM];
	size_t n = attr_name(a, name, sizeof(name));

	if (alias && list_add(c, alias, strlen(alias)))
		return 1;
	return n ? list_add(c, name, n) : 0;
}

ssize_t xfs_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	struct xfs_fs *x = xfs_of(fs);
	struct xfs_inode *in = malloc(sizeof(*in));
	struct list_ctx c = { .buf = buf, .size = size };
	int rc;

	if (!in)
		return -ENOMEM;
	rc = xfs_inode_read(x, ino, in);
	if (!rc)
		rc = attr_walk(x, in, list_cb, &c);
	free(in);
	if (rc < 0)
		return rc;
	return c.range ? -ERANGE : (ssize_t)c.len;
}

struct get_ctx {
	const char *name;
	bool acl; /* asked as system.posix_acl_* */
	bool hit, remote;
	uint32_t valuelen, valueblk;
	uint8_t *val; /* a local value, copied: its block is not kept */
};

static int get_cb(void *priv, const struct xfs_attr *a)
{
	struct get_ctx *c = priv;
	char name[XATTR_NAME_ROOM];
	const char *alias = acl_alias(a);

	if (c->acl) {
		if (!alias || strcmp(alias, c->name))
			return 0;
	} else if (!attr_name(a, name, sizeof(name)) || strcmp(name, c->name)) {
		return 0;
	}
	c->hit = true;
	c->valuelen = a->valuelen;
	c->valueblk = a->valueblk;
	if (a->valuelen > XFS_XATTR_MAX)
		return 1;
	c->val = malloc(a->valuelen + 1u);
	if (!c->val)
		return -ENOMEM;
	if (a->value)
		memcpy(c->val, a->value, a->valuelen);
	else
		c->remote = true;
	return 1;
}

/*
 * An XFS ACL (count, then tag, id, permissions, each 32 bits but the last
 * 16) as the acl(5) xattr Linux gives: version 2, then tag, permissions
 * (16 bits each) and id, little-endian. Returns the length, or -errno.
 */
static ssize_t acl_convert(const uint8_t *v, size_t vlen, uint8_t *out,
			   size_t room)
{
	uint32_t n;
	size_t len;

	if (vlen < 4)
		return -EUCLEAN;
	n = get_be32(v);
	if (n > 8192 || 4 + (size_t)n * 12 > vlen)
		return -EUCLEAN;
	len = 4 + (size_t)n * 8;
	if (!out)
		return (ssize_t)len;
	if (len > room)
		return -ERANGE;
	out[0] = 2;
	out[1] = out[2] = out[3] = 0;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = v + 4 + (size_t)i * 12;
		uint8_t *o = out + 4 + (size_t)i * 8;
		uint32_t tag = get_be32(e), id = get_be32(e + 4);
		uint16_t perm = get_be16(e + 8);

		/* ids have no meaning on the owner, group, mask and other
		   entries: Linux gives them as ACL_UNDEFINED_ID */
		if (tag != 2 && tag != 8)
			id = UINT32_MAX;
		o[0] = (uint8_t)tag;
		o[1] = (uint8_t)(tag >> 8);
		o[2] = (uint8_t)perm;
		o[3] = (uint8_t)(perm >> 8);
		o[4] = (uint8_t)id;
		o[5] = (uint8_t)(id >> 8);
		o[6] = (uint8_t)(id >> 16);
		o[7] = (uint8_t)(id >> 24);
	}
	return (ssize_t)len;
}

ssize_t xfs_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size)
{
	struct xfs_fs *x = xfs_of(fs);
	struct xfs_inode *in = malloc(sizeof(*in));
	struct get_ctx c = { .name = name };
	ssize_t rc;

	if (!in)
		return -ENOMEM;
	c.acl = !strncmp(name, "system.posix_acl_", 17);
	rc = xfs_inode_read(x, ino, in);
	if (!rc)
		rc = attr_walk(x, in, get_cb, &c);
	if (rc < 0)
		goto out;
	if (!c.hit) {
		rc = -ENODATA;
		goto out;
	}
	if (c.valuelen > XFS_XATTR_MAX) {
		rc = attr_bad(x, in, "value larger than 64 KiB");
		goto out;
	}
	if (c.remote) {
		rc = remote_read(x, in, XFS_ATTR_FORK, c.valueblk, c.val,
				 c.valuelen);
		if (rc)
			goto out;
	}
	if (c.acl) {
		rc = acl_convert(c.val, c.valuelen, size ? buf : NULL, size);
		if (rc == -EUCLEAN)
			rc = attr_bad(x, in, "bad ACL");
	} else if (size && c.valuelen > size) {
		rc = -ERANGE;
	} else {
		if (size)
			memcpy(buf, c.val, c.valuelen);
		rc = (ssize_t)c.valuelen;
	}
out:
	free(c.val);
	free(in);
	return rc;
}
