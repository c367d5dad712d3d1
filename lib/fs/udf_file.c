/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UDF file data: reads through the extents of a node (recorded extents
 * through the partition maps, allocated-only extents and holes as zeroes),
 * data embedded in the ICB, file_map for the FUSE backend's splices, and
 * symlinks (4/14.16: path components).
 */
#include "udf.h"

#include <stdlib.h>
#include <sys/stat.h>

/* Blocks one file_map run covers at most. */
#define UDF_MAP_MERGE 256u

const struct udf_extent *udf_extent_at(const struct udf_node *n, uint64_t off)
{
	uint32_t lo = 0, hi = n->next;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct udf_extent *e = &n->ext[mid];

		if (off < e->logical)
			hi = mid;
		else if (off - e->logical >= e->length)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

ssize_t udf_read_data(struct udf_fs *u, const struct udf_node *n, void *buf,
		      size_t size, uint64_t off, bool cached)
{
	uint8_t *out = buf;
	size_t done = 0;

	if (off >= n->size)
		return 0;
	if (size > n->size - off)
		size = (size_t)(n->size - off);
	if (n->inline_data) {
		memcpy(out, n->inline_data + off, size);
		return (ssize_t)size;
	}
	while (done < size) {
		uint64_t pos = off + done, in_ext, block;
		const struct udf_extent *e = udf_extent_at(n, pos);
		uint32_t lbn, in_block, run;
		size_t len;
		int rc;

		if (!e)
			return fsimg_werr(&u->win, -EUCLEAN,
					  "file entry at block %u of "
					  "partition %u: its extents end at "
					  "byte %llu of %llu",
					  n->lbn, n->part,
					  (unsigned long long)pos,
					  (unsigned long long)n->size);
		in_ext = pos - e->logical;
		len = e->length - in_ext < size - done
			      ? (size_t)(e->length - in_ext)
			      : size - done;
		if (e->type != 0) {
			/* allocated but not recorded, or a hole: zeroes */
			memset(out + done, 0, len);
			done += len;
			continue;
		}
		lbn = e->lbn + (uint32_t)(in_ext >> u->bshift);
		in_block = (uint32_t)(in_ext & (u->bsize - 1));
		rc = udf_map_block(u, e->part, lbn, &block);
		if (rc)
			return rc;
		run = udf_map_run(u, e->part, lbn, block,
				  (uint32_t)((in_block + len + u->bsize - 1) >>
					     u->bshift));
		if ((uint64_t)run * u->bsize - in_block < len)
			len = (size_t)((uint64_t)run * u->bsize - in_block);
		rc = cached ? fsimg_wread_cached(
				      &u->win, (block << u->bshift) + in_block,
				      out + done, len)
			    : fsimg_wread(&u->win,
					  (block << u->bshift) + in_block,
					  out + done, len);
		if (rc)
			return fsimg_werr(
				&u->win, rc,
				"file entry at block %u: "
				"reading its data at byte %llu: %s",
				n->lbn,
				fsimg_wabs(&u->win,
					   (block << u->bshift) + in_block),
				strerror(-rc));
		done += len;
	}
	return (ssize_t)done;
}

int udf_file_open(fsimg_file *f)
{
	struct udf_fs *u = udf_of(f->fs);
	struct udf_node *n = malloc(sizeof(*n));
	struct fsimg_stat st;
	int rc;

	if (!n)
		return -ENOMEM;
	rc = udf_node_read(u, f->ino, n, true);
	if (rc) {
		free(n);
		return rc;
	}
	udf_stat_of(u, n, &st);
	if (!S_ISREG(st.mode)) {
		udf_node_free(n);
		free(n);
		return S_ISDIR(st.mode) ? -EISDIR : -EINVAL;
	}
	f->priv = n;
	f->size = n->size;
	return 0;
}

void udf_file_close(fsimg_file *f)
{
	struct udf_node *n = f->priv;

	if (n) {
		udf_node_free(n);
		free(n);
	}
	f->priv = NULL;
}

ssize_t udf_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	return udf_read_data(udf_of(f->fs), f->priv, buf, size, off, false);
}

int udf_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	struct udf_fs *u = udf_of(f->fs);
	const struct udf_node *n = f->priv;
	const struct udf_extent *e;
	uint64_t in_ext, block, end;
	uint32_t lbn, run, want;
	int rc;

	if (off >= n->size)
		return -ENXIO;
	if (n->inline_data)
		return -EOPNOTSUPP; /* in the ICB, among other bytes */
	e = udf_extent_at(n, off);
	if (!e)
		return -EUCLEAN;
	end = e->logical + e->length < n->size ? e->logical + e->length
					       : n->size;
	if (e->type != 0) {
		ext->logical = e->logical;
		ext->length = end - e->logical;
		ext->physical = 0;
		ext->flags = FSIMG_EXTENT_HOLE;
		return 0;
	}
	in_ext = (off - e->logical) & ~(uint64_t)(u->bsize - 1);
	lbn = e->lbn + (uint32_t)(in_ext >> u->bshift);
	rc = udf_map_block(u, e->part, lbn, &block);
	if (rc)
		return rc;
	want = (uint32_t)((end - e->logical - in_ext + u->bsize - 1) >>
			  u->bshift);
	run = udf_map_run(u, e->part, lbn, block,
			  want < UDF_MAP_MERGE ? want : UDF_MAP_MERGE);
	ext->logical = e->logical + in_ext;
	ext->length = (uint64_t)run << u->bshift;
	if (ext->logical + ext->length > end)
		ext->length = end - ext->logical;
	ext->physical = f->fs->win.off + (block << u->bshift);
	ext->flags = 0;
	return 0;
}

/* 4/14.16.1: path components to a path. */
static int components(struct udf_fs *u, const struct udf_node *n,
		      const uint8_t *p, size_t len, char *out, size_t room)
{
	size_t o = 0, pos = 0;
	char name[UDF_NAME_MAX * 3 + 1];

	out[0] = 0;
	while (pos + 4 <= len) {
		uint8_t type = p[pos], lci = p[pos + 1];
		const char *add = NULL;

		if (pos + 4 + lci > len)
			break;
		switch (type) {
		case 1:
			if (lci)
				break; /* a root agreed elsewhere: ignored */
			/* fall through: the root */
			__attribute__((fallthrough));
		case 2:
			o = 0;
			out[o++] = '/';
			out[o] = 0;
			break;
		case 3:
			add = "..";
			break;
		case 4:
			add = ".";
			break;
		case 5:
			if (udf_cs0_to_utf8(p + pos + 4, lci, name,
					    sizeof(name)) < 0)
				return fsimg_werr(&u->win, -EUCLEAN,
						  "symlink at block %u: a "
						  "component name it cannot "
						  "decode",
						  n->lbn);
			add = name;
			break;
		default:
			return fsimg_werr(&u->win, -EUCLEAN,
					  "symlink at block %u: component "
					  "type %u",
					  n->lbn, type);
		}
		pos += 4u + lci;
		if (!add)
			continue;
		if (o && out[o - 1] != '/') {
			if (o + 1 >= room)
				return -ENAMETOOLONG;
			out[o++] = '/';
		}
		if (o + strlen(add) >= room)
			return -ENAMETOOLONG;
		memcpy(out + o, add, strlen(add) + 1);
		o += strlen(add);
	}
	return (int)o;
}

int udf_link_target(struct udf_fs *u, uint64_t handle, char *buf, size_t size)
{
	struct udf_node n;
	uint8_t *data = NULL;
	ssize_t got;
	int rc;

	rc = udf_node_read(u, handle, &n, true);
	if (rc)
		return rc;
	if (n.file_type != UDF_FT_SYMLINK) {
		rc = -EINVAL;
		goto out;
	}
	if (n.size == 0 || n.size > UDF_LINK_MAX) {
		rc = fsimg_werr(&u->win, -EUCLEAN,
				"symlink at block %u has %llu bytes of "
				"path components",
				n.lbn, (unsigned long long)n.size);
		goto out;
	}
	data = malloc((size_t)n.size);
	if (!data) {
		rc = -ENOMEM;
		goto out;
	}
	got = udf_read_data(u, &n, data, (size_t)n.size, 0, true);
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	rc = components(u, &n, data, (size_t)got, buf, size);
out:
	free(data);
	udf_node_free(&n);
	return rc;
}

int udf_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	return udf_link_target(udf_of(fs), ino, buf, size);
}
