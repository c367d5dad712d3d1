/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Filesystems: probing the driver table, opening, the generic options, and
 * the dispatch of every call to the driver, with the ownership and mode
 * overrides applied on the way out.
 */
#include "internal.h"
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

const struct fsimg_driver *fsimg_driver_find(const char *name)
{
	for (unsigned i = 0; fsimg_drivers[i]; i++) {
		const struct fsimg_driver *d = fsimg_drivers[i];

		if (!strcmp(d->name, name))
			return d;
		for (unsigned a = 0; d->aliases && d->aliases[a]; a++)
			if (!strcmp(d->aliases[a], name))
				return d;
	}
	return NULL;
}

/* "byte N", in the image's disk or in a logical volume, for messages */
static const char *where(fsimg_image *img, unsigned volume, uint64_t off,
			 char *buf, size_t size)
{
	const char *v = volume ? fsimg_volume_name(img, volume) : NULL;

	if (v)
		snprintf(buf, size, "byte %llu of logical volume %s",
			 (unsigned long long)off, v);
	else
		snprintf(buf, size, "byte %llu", (unsigned long long)off);
	return buf;
}

static int window_make(fsimg_image *img, unsigned volume, uint64_t offset,
		       uint64_t length, struct fsimg_window *w)
{
	struct fsimg_source *src;
	const char *what = volume ? "logical volume" : "image";
	uint64_t end, size;
	int rc = fsimg_image_ready(img);

	if (rc)
		return rc;
	src = fsimg_volume_source(img, volume, &rc);
	if (!src)
		return rc;
	size = src->size;
	if (offset > size)
		return fsimg_err(img, -EINVAL,
				 "offset %llu is past the end of the %s "
				 "(%llu bytes)",
				 (unsigned long long)offset, what,
				 (unsigned long long)size);
	if (length == 0)
		length = size - offset;
	if (ckd_add(&end, offset, length) || end > size)
		return fsimg_err(img, -EINVAL,
				 "window of %llu bytes at %llu runs past the "
				 "end of the %s (%llu bytes)",
				 (unsigned long long)length,
				 (unsigned long long)offset, what,
				 (unsigned long long)size);
	*w = (struct fsimg_window){
		.img = img, .src = src, .off = offset, .len = length
	};
	return 0;
}

/* The one probe loop: 1 and *drv, 0 when no driver recognises w, -errno. */
static int probe_drivers(const struct fsimg_window *w,
			 const struct fsimg_driver **drv)
{
	for (unsigned i = 0; fsimg_drivers[i]; i++) {
		int rc = fsimg_drivers[i]->probe(w);

		FSIMG_PROBE3(probe, fsimg_drivers[i]->name, w->off, rc);
		DBG(PROBE, "probe", "%s at %llu: %d", fsimg_drivers[i]->name,
		    (unsigned long long)w->off, rc);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*drv = fsimg_drivers[i];
			return 1;
		}
	}
	return 0;
}

int fsimg_probe(fsimg_image *img, uint64_t offset, uint64_t length,
		const char **type)
{
	return fsimg_probe_in(img, 0, offset, length, type);
}

int fsimg_probe_in(fsimg_image *img, unsigned volume, uint64_t offset,
		   uint64_t length, const char **type)
{
	const struct fsimg_driver *d = NULL;
	struct fsimg_window w;
	const char *t;
	int rc = window_make(img, volume, offset, length, &w);

	if (rc)
		return rc;
	rc = probe_drivers(&w, &d);
	if (rc <= 0)
		return rc;
	t = d->probe_type ? d->probe_type(&w) : NULL;
	*type = t ? t : d->name;
	return 1;
}

const char *fsimg_fs_type_name(unsigned i, const char *const **aliases)
{
	static const char *const none[] = { NULL };
	unsigned n = 0;

	while (fsimg_drivers[n] && n < i)
		n++;
	if (!fsimg_drivers[n])
		return NULL;
	if (aliases)
		*aliases = fsimg_drivers[n]->aliases ? fsimg_drivers[n]->aliases
						     : none;
	return fsimg_drivers[n]->name;
}

static int generic_options(fsimg_fs *fs, struct fsimg_opts *o)
{
	uint64_t v;
	bool present;
	int rc;

	fs->umask = 0;
	fs->dmask = fs->fmask = 07777u + 1; /* unset */
	if ((rc = fsimg_opt_take_uint(o, "uid", 10, UINT32_MAX, &v, &present)))
		return fsimg_err(fs->img, rc, "uid= wants a number");
	if (present) {
		fs->force_uid = true;
		fs->uid = (uint32_t)v;
	}
	if ((rc = fsimg_opt_take_uint(o, "gid", 10, UINT32_MAX, &v, &present)))
		return fsimg_err(fs->img, rc, "gid= wants a number");
	if (present) {
		fs->force_gid = true;
		fs->gid = (uint32_t)v;
	}
	if ((rc = fsimg_opt_take_uint(o, "umask", 8, 07777, &v, &present)))
		return fsimg_err(fs->img, rc, "umask= wants an octal mode");
	if (present)
		fs->umask = (uint32_t)v;
	if ((rc = fsimg_opt_take_uint(o, "dmask", 8, 07777, &v, &present)))
		return fsimg_err(fs->img, rc, "dmask= wants an octal mode");
	if (present)
		fs->dmask = (uint32_t)v;
	if ((rc = fsimg_opt_take_uint(o, "fmask", 8, 07777, &v, &present)))
		return fsimg_err(fs->img, rc, "fmask= wants an octal mode");
	if (present)
		fs->fmask = (uint32_t)v;
	/* Handled by the frontends; accepted here so one string serves all. */
	fsimg_opt_take(o, "ro", NULL);
	return 0;
}

static void apply_overrides(const fsimg_fs *fs, struct fsimg_stat *st)
{
	uint32_t mask = fs->umask;

	if (fs->force_uid)
		st->uid = fs->uid;
	if (fs->force_gid)
		st->gid = fs->gid;
	if (S_ISDIR(st->mode) && fs->dmask <= 07777)
		mask = fs->dmask;
	else if (!S_ISDIR(st->mode) && fs->fmask <= 07777)
		mask = fs->fmask;
	if (!S_ISLNK(st->mode))
		st->mode &= ~mask;
}

static int open_with(fsimg_fs *fs, const struct fsimg_driver *drv,
		     struct fsimg_opts *o)
{
	int rc;

	fs->drv = drv;
	fs->win.label = drv->label;
	rc = drv->open(fs, o);
	if (rc)
		fs->drv = NULL;
	return rc;
}

/*
 * Media holding two filesystems (a bridge disc: UDF and ISO 9660) stay
 * readable when the one probing chose cannot be opened: its driver's
 * fallback is opened instead, after its error and a message saying so.
 * Returns rc when there is none, or it fails too.
 */
static int open_fallback(fsimg_fs *fs, const struct fsimg_driver **drv,
			 struct fsimg_opts *o, int rc)
{
	const struct fsimg_driver *alt =
		(*drv)->fallback ? fsimg_driver_find((*drv)->fallback) : NULL;

	if (!alt || alt->probe(&fs->win) != 1)
		return rc;
	fsimg_err(fs->img, rc,
		  "the %s filesystem cannot be read: reading the %s one "
		  "beside it instead",
		  (*drv)->label, alt->label);
	if (open_with(fs, alt, o))
		return rc;
	*drv = alt;
	return 0;
}

/*
 * A filesystem that claims more bytes than its place in the image holds
 * was cut short (a partial download or copy, a partition too small): say
 * so when it is opened, or every later failure would blame the filesystem.
 */
static void short_warning(fsimg_fs *fs, unsigned volume, uint64_t offset)
{
	struct fsimg_fsinfo fi;
	char at[192];

	if (!fs->drv->info)
		return;
	memset(&fi, 0, sizeof(fi));
	fi.size = fs->win.len;
	if (fs->drv->info(fs, &fi) || fi.size <= fs->win.len)
		return;
	fsimg_err(fs->img, 0,
		  "warning: the %s filesystem at %s claims %llu bytes, but "
		  "%s only %llu: the image looks truncated, and what lies "
		  "past its end cannot be read",
		  fs->drv->name, where(fs->img, volume, offset, at, sizeof(at)),
		  (unsigned long long)fi.size,
		  volume ? "its logical volume holds"
		  : fs->win.off + fs->win.len >= fsimg_image_size(fs->img)
			  ? "the image holds"
			  : "its partition holds",
		  (unsigned long long)fs->win.len);
}

/*
 * Opens the filesystem of type fstype (NULL or "auto": probe) in the window.
 * A type that came from a probe of this window (probed) is not probed
 * again; one the caller named is checked with its driver's probe.
 */
static int open_fs(fsimg_image *img, unsigned volume, uint64_t offset,
		   uint64_t length, const char *fstype, bool probed,
		   const char *options, fsimg_fs **out)
{
	struct fsimg_opts o;
	const struct fsimg_driver *drv = NULL;
	const char *left;
	char at[192];
	fsimg_fs *fs;
	int rc;

	fsimg_debug_init();
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	rc = window_make(img, volume, offset, length, &fs->win);
	if (rc)
		goto err_fs;
	fs->img = img;
	rc = fsimg_opts_parse(&o, options);
	if (rc) {
		fsimg_err(img, rc, "too many options (at most %d)",
			  FSIMG_OPTS_MAX);
		goto err_fs;
	}
	rc = generic_options(fs, &o);
	if (rc)
		goto err_opts;
	/* the image's options (fsimg_image_set_options) are not ours */
	for (unsigned i = 0; i < o.count; i++)
		if (fsimg_image_key(o.opt[i].key))
			o.opt[i].taken = true;

	if (fstype && *fstype && strcmp(fstype, "auto")) {
		drv = fsimg_driver_find(fstype);
		if (!drv) {
			rc = fsimg_err(img, -EPROTONOSUPPORT,
				       "unknown filesystem type '%s'", fstype);
			goto err_opts;
		}
		rc = probed ? 1 : drv->probe(&fs->win);
		if (rc == 0)
			rc = fsimg_err(
				img, -EINVAL, "no %s filesystem at %s", fstype,
				where(img, volume, offset, at, sizeof(at)));
		if (rc < 0)
			goto err_opts;
	} else {
		rc = probe_drivers(&fs->win, &drv);
		if (rc < 0) {
			fsimg_err(img, rc,
				  "reading at %s while looking for a "
				  "filesystem: %s",
				  where(img, volume, offset, at, sizeof(at)),
				  strerror(-rc));
			goto err_opts;
		}
		if (!drv) {
			rc = fsimg_err(
				img, -EINVAL, "no filesystem recognised at %s",
				where(img, volume, offset, at, sizeof(at)));
			goto err_opts;
		}
	}

	rc = open_with(fs, drv, &o);
	if (rc && (!fstype || !strcmp(fstype, "auto") || probed))
		rc = open_fallback(fs, &drv, &o, rc);
	if (rc)
		goto err_opts;
	left = fsimg_opts_untaken(&o);
	if (left) {
		rc = fsimg_err(img, -EINVAL, "option '%s' is not known to %s",
			       left, drv->name);
		goto err_close;
	}
	fsimg_opts_free(&o);
	short_warning(fs, volume, offset);
	fsimg_image_ref(img);
	*out = fs;
	return 0;

err_close:
	drv->close(fs);
err_opts:
	fsimg_opts_free(&o);
err_fs:
	free(fs);
	return rc;
}

int fsimg_fs_open(fsimg_image *img, uint64_t offset, uint64_t length,
		  const char *fstype, const char *options, fsimg_fs **out)
{
	return open_fs(img, 0, offset, length, fstype, false, options, out);
}

int fsimg_fs_open_in(fsimg_image *img, unsigned volume, uint64_t offset,
		     uint64_t length, const char *fstype, const char *options,
		     fsimg_fs **out)
{
	return open_fs(img, volume, offset, length, fstype, false, options,
		       out);
}

int fsimg_fs_open_location(fsimg_image *img, const struct fsimg_location *loc,
			   const char *options, fsimg_fs **out)
{
	char at[192];

	if (!loc->readable)
		return loc->type[0]
			       ? fsimg_err(img, -EPROTONOSUPPORT,
					   "a %s filesystem is at %s: "
					   "libfsimg has no driver for %s",
					   loc->type,
					   where(img, loc->volume, loc->offset,
						 at, sizeof(at)),
					   loc->type)
			       : fsimg_err(img, -EINVAL,
					   "no filesystem recognised at %s",
					   where(img, loc->volume, loc->offset,
						 at, sizeof(at)));
	return open_fs(img, loc->volume, loc->offset, loc->length, loc->type,
		       loc->probed, options, out);
}

void fsimg_fs_close(fsimg_fs *fs)
{
	if (!fs)
		return;
	fs->drv->close(fs);
	fsimg_image_close(fs->img);
	free(fs);
}

fsimg_image *fsimg_fs_image(const fsimg_fs *fs)
{
	return fs->img;
}

const char *fsimg_fs_type(const fsimg_fs *fs)
{
	return fs->drv->name;
}

fsimg_ino fsimg_fs_root(const fsimg_fs *fs)
{
	return fs->root;
}

int fsimg_fs_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->type, sizeof(info->type), "%s", fs->drv->name);
	info->offset = fs->win.off;
	info->size = fs->win.len;
	return fs->drv->info ? fs->drv->info(fs, info) : 0;
}

int fsimg_fs_details_typed(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	return fs->drv->details ? fs->drv->details(fs, fn, ctx) : 0;
}

int fsimg_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->namemax = 255;
	return fs->drv->statfs ? fs->drv->statfs(fs, st) : 0;
}

int fsimg_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = fs->drv->getattr(fs, ino, st);
	if (!rc)
		apply_overrides(fs, st);
	return rc;
}

int fsimg_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
		 struct fsimg_stat *st)
{
	struct fsimg_stat tmp;
	int rc;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	if (!st)
		st = &tmp;
	memset(st, 0, sizeof(*st));
	rc = fs->drv->lookup(fs, dir, name, ino, st);
	if (!rc)
		apply_overrides(fs, st);
	return rc;
}

struct readdir_tramp {
	fsimg_fs *fs;
	fsimg_dirent_fn fn;
	void *ctx;
};

static int readdir_tramp_fn(void *ctx, const char *name, fsimg_ino ino,
			    const struct fsimg_stat *st, uint64_t next)
{
	struct readdir_tramp *t = ctx;
	struct fsimg_stat copy;

	if (!st)
		return t->fn(t->ctx, name, ino, NULL, next);
	copy = *st;
	apply_overrides(t->fs, &copy);
	return t->fn(t->ctx, name, ino, &copy, next);
}

int fsimg_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		  fsimg_dirent_fn fn, void *ctx)
{
	struct readdir_tramp t = { fs, fn, ctx };

	return fs->drv->readdir(fs, dir, cookie, readdir_tramp_fn, &t);
}

int fsimg_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	if (size == 0)
		return -ENAMETOOLONG;
	return fs->drv->readlink ? fs->drv->readlink(fs, ino, buf, size)
				 : -EINVAL;
}

/* --- file data ------------------------------------------------------------ */

int fsimg_file_open(fsimg_fs *fs, fsimg_ino ino, fsimg_file **out)
{
	fsimg_file *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	f->fs = fs;
	f->ino = ino;
	rc = fs->drv->file_open(f);
	if (rc) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

ssize_t fsimg_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	if (off >= f->size || size == 0)
		return 0;
	if (size > f->size - off)
		size = (size_t)(f->size - off);
	return f->fs->drv->file_read(f, buf, size, off);
}

int fsimg_fs_plain(fsimg_fs *fs, uint64_t off, uint64_t len,
		   struct fsimg_plain *p)
{
	return fsimg_source_plain(fs->win.src, off, len, p);
}

int fsimg_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext)
{
	if (off >= f->size)
		return -ENXIO;
	if (!f->fs->drv->file_map)
		return -EOPNOTSUPP;
	return f->fs->drv->file_map(f, off, ext);
}

uint64_t fsimg_file_size(const fsimg_file *f)
{
	return f->size;
}

void fsimg_file_close(fsimg_file *f)
{
	if (!f)
		return;
	if (f->fs->drv->file_close)
		f->fs->drv->file_close(f);
	free(f);
}

/* --- xattrs and boot records --------------------------------------------- */

ssize_t fsimg_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		       size_t size)
{
	return fs->drv->getxattr ? fs->drv->getxattr(fs, ino, name, buf, size)
				 : -ENOTSUP;
}

ssize_t fsimg_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	return fs->drv->listxattr ? fs->drv->listxattr(fs, ino, buf, size) : 0;
}

int fsimg_boot_entries(fsimg_fs *fs, struct fsimg_boot_entry *entries,
		       size_t max)
{
	return fs->drv->boot_entries ? fs->drv->boot_entries(fs, entries, max)
				     : 0;
}

const char *fsimg_boot_platform_name(uint8_t platform)
{
	switch (platform) {
	case 0x00:
		return "x86";
	case 0x01:
		return "ppc";
	case 0x02:
		return "mac";
	case 0xEF:
		return "efi";
	default:
		return "unknown";
	}
}

const char *fsimg_boot_emulation_name(uint8_t emulation)
{
	static const char *const names[] = { "none", "floppy-1.2M",
					     "floppy-1.44M", "floppy-2.88M",
					     "hard-disk" };
	return emulation < 5 ? names[emulation] : "unknown";
}
