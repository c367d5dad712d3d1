/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UFS directories: readdir and lookup over a bounded walk of the entries.
 *
 * A directory is a sequence of DIRBLKSIZ (512-byte) chunks; entries never
 * cross a chunk (FreeBSD ufs/ufs/dir.h). BSD's struct direct is d_ino
 * (32 bits), d_reclen (16), d_type (8), d_namlen (8), then the name, NUL
 * padded to a multiple of 4; d_reclen covers the unused space after it. An
 * entry with d_ino 0 is an empty slot. Every entry is checked before use:
 * d_reclen a non-zero multiple of 4, at least DIRSIZ(d_namlen), inside its
 * chunk; so the walk always moves forward and ends.
 *
 * The Solaris flavour keeps the older entry (illumos ufs_fsdir.h struct
 * direct): d_ino (32), d_reclen (16), d_namlen (16), the name; no type
 * byte. On big-endian the high byte of d_namlen sits where BSD has d_type
 * and is zero, on little-endian the low byte does: the flavour, not the
 * bytes, decides.
 */
#include "ufs.h"

#include <stdlib.h>
#include <sys/stat.h>

struct ufs_dirent {
	uint64_t off;  /* byte offset of the entry in the directory */
	uint64_t next; /* offset of the following entry: the cookie */
	uint32_t ino;
	uint8_t type; /* dir.h DT_*, 0 when the flavour has none */
	char name[UFS_NAME_MAX + 1];
};

/* Return 0 to go on, > 0 to stop, < 0 for an error. */
typedef int (*ufs_dirent_cb)(void *ctx, const struct ufs_dirent *de);

/*
 * Decodes the entry at p (room bytes to the end of its chunk) by the
 * flavour's entry format. Returns 0 or -EUCLEAN with *why set.
 */
static int ufs_dirent_decode(const struct ufs_fs *u, const uint8_t *p,
			     size_t room, struct ufs_dirent *de,
			     uint16_t *reclen, const char **why)
{
	unsigned namlen;
	size_t need;

	if (room < 8) {
		*why = "entry header crosses its 512-byte chunk";
		return -EUCLEAN;
	}
	de->ino = ufs32(u, p);
	*reclen = ufs16(u, p + 4);
	if (u->flavour == UFS_FLAVOUR_SOLARIS) {
		de->type = 0; /* ufs_fsdir.h: no d_type */
		namlen = ufs16(u, p + 6);
	} else {
		de->type = p[6]; /* dir.h: d_type, d_namlen */
		namlen = p[7];
	}
	if (*reclen < 8 || *reclen % 4 || *reclen > room) {
		*why = "bad d_reclen";
		return -EUCLEAN;
	}
	if (de->ino == 0)
		return 0;
	need = (8 + namlen + 1 + 3) & ~(size_t)3; /* dir.h DIRSIZ */
	if (namlen == 0 || namlen > UFS_NAME_MAX || need > *reclen) {
		*why = "d_namlen does not fit d_reclen";
		return -EUCLEAN;
	}
	memcpy(de->name, p + 8, namlen);
	de->name[namlen] = 0;
	if (strlen(de->name) != namlen || strchr(de->name, '/')) {
		*why = "name holds a NUL or '/'";
		return -EUCLEAN;
	}
	return 0;
}

/*
 * Walks the entries of directory in from cookie (a byte offset; entries
 * before it are skipped). Returns 0 at the end, the callback's positive
 * value when it stopped, or -errno.
 */
static int ufs_dir_walk(struct ufs_fs *u, const struct ufs_inode *in,
			uint64_t cookie, ufs_dirent_cb cb, void *ctx)
{
	uint8_t chunk[UFS_DIRBLK];
	struct ufs_dirent de;
	uint64_t base;
	const char *why;
	ssize_t got;
	int rc;

	if (in->size % UFS_DIRBLK || in->size > UFS_DIR_MAX)
		return fsimg_werr(&u->win, -EUCLEAN,
				  "directory %u has a size of %llu bytes",
				  in->ino, (unsigned long long)in->size);
	for (base = cookie & ~(uint64_t)(UFS_DIRBLK - 1); base < in->size;
	     base += UFS_DIRBLK) {
		size_t pos = 0;

		got = ufs_read_data(u, in, chunk, sizeof(chunk), base, true);
		if (got < 0)
			return (int)got;
		while (pos < UFS_DIRBLK) {
			uint16_t reclen = 0;

			rc = ufs_dirent_decode(u, chunk + pos, UFS_DIRBLK - pos,
					       &de, &reclen, &why);
			if (rc)
				return fsimg_werr(
					&u->win, rc,
					"directory %u, entry at offset "
					"%llu of the directory: %s",
					in->ino,
					(unsigned long long)(base + pos), why);
			de.off = base + pos;
			pos += reclen;
			de.next = base + pos;
			if (de.ino == 0 || de.off < cookie)
				continue;
			if (de.ino >= u->ninodes)
				return fsimg_werr(
					&u->win, -EUCLEAN,
					"directory %u: '%s' "
					"names inode %u, out of range",
					in->ino, de.name, de.ino);
			rc = cb(ctx, &de);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static bool is_dot(const char *n)
{
	return (n[0] == '.' && n[1] == 0) ||
	       (n[0] == '.' && n[1] == '.' && n[2] == 0);
}

static int ufs_dir_inode(struct ufs_fs *u, fsimg_ino dir, struct ufs_inode *in)
{
	int rc = ufs_inode_read(u, dir, in);

	if (rc)
		return rc;
	return S_ISDIR(in->mode) ? 0 : -ENOTDIR;
}

/*
 * Subdirectory in, asked of the kernel ahead of its listing (see
 * fsimg_dir_hint()): its direct blocks, and the inodes from its own on,
 * where makefs and the allocator put its files' (in its cylinder group).
 */
static void dir_hint(struct ufs_fs *u, const struct ufs_inode *in)
{
	uint64_t left = in->size < FSIMG_DIR_HINT ? in->size : FSIMG_DIR_HINT;
	uint64_t pos;

	if (ufs_inode_pos(u, in->ino, &pos) == 0)
		fsimg_dir_hint(&u->win, pos, FSIMG_DIR_HINT);
	for (unsigned i = 0; i < UFS_NDADDR && left; i++) {
		uint64_t frag = in->db[i],
			 len = left < u->bsize ? left : u->bsize;

		if (frag == 0 || frag >= u->win.len >> u->fshift)
			return;
		fsimg_dir_hint(&u->win, frag << u->fshift, len);
		left -= len;
	}
}

struct readdir_ctx {
	struct ufs_fs *u;
	fsimg_dirent_fn fn;
	void *ctx;
};

static int readdir_cb(void *priv, const struct ufs_dirent *de)
{
	struct readdir_ctx *c = priv;
	struct ufs_inode in;
	struct fsimg_stat st;

	if (is_dot(de->name))
		return 0;
	/* An inode we cannot read is listed without a stat (getattr fails on
	 * it too): the entry's type byte alone would claim what no other call
	 * confirms (found by fuzz_ufs). */
	if (ufs_inode_read(c->u, de->ino, &in) != 0)
		return c->fn(c->ctx, de->name, de->ino, NULL, de->next) ? 1 : 0;
	ufs_stat_of(c->u, &in, &st);
	if (S_ISDIR(in.mode))
		dir_hint(c->u, &in);
	return c->fn(c->ctx, de->name, de->ino, &st, de->next) ? 1 : 0;
}

int ufs_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx)
{
	struct ufs_fs *u = ufs_of(fs);
	struct readdir_ctx c = { .u = u, .fn = fn, .ctx = ctx };
	struct ufs_inode in;
	int rc = ufs_dir_inode(u, dir, &in);

	if (rc)
		return rc;
	rc = ufs_dir_walk(u, &in, cookie, readdir_cb, &c);
	return rc > 0 ? 0 : rc;
}

struct lookup_ctx {
	const char *name;
	uint32_t found;
};

static int lookup_cb(void *priv, const struct ufs_dirent *de)
{
	struct lookup_ctx *c = priv;

	if (strcmp(de->name, c->name))
		return 0;
	c->found = de->ino;
	return 1;
}

int ufs_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st)
{
	struct ufs_fs *u = ufs_of(fs);
	struct lookup_ctx c = { .name = name };
	struct ufs_inode in;
	int rc = ufs_dir_inode(u, dir, &in);

	if (rc)
		return rc;
	if (strlen(name) > UFS_NAME_MAX)
		return -ENAMETOOLONG;
	rc = ufs_dir_walk(u, &in, 0, lookup_cb, &c);
	if (rc < 0)
		return rc;
	if (!c.found)
		return -ENOENT;
	rc = ufs_inode_read(u, c.found, &in);
	if (rc)
		return rc;
	if (st)
		ufs_stat_of(u, &in, st);
	*ino = c.found;
	return 0;
}
