/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding the container of an image (the table in containers.c, probed by
 * magic before any partition table), the image options that concern it,
 * and the files an image names (backing files, parents, extents).
 *
 * An image never makes fsimg open another file on its own: a related file
 * is opened only with backing=yes, only beneath the directory of the image
 * the caller named (openat2 RESOLVE_BENEATH: no absolute path elsewhere,
 * no "..", no symlink out), at most FSIMG_RELATED_MAX of them and
 * FSIMG_CHAIN_MAX backing files deep, never the same
 * file twice (a backing loop is an error, not a hang).
 */
#include "internal.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const image_keys[] = { "backing", "snapshot", "container",
					  NULL };

bool fsimg_image_key(const char *key)
{
	for (unsigned i = 0; image_keys[i]; i++)
		if (!strcmp(image_keys[i], key))
			return true;
	return false;
}

int fsimg_image_set_options(fsimg_image *img, const char *options)
{
	struct fsimg_opts *o = &img->opts_list;
	const char *v;
	int rc;

	if (atomic_load(&img->stacked))
		return -EBUSY;
	fsimg_opts_free(o);
	memset(&img->opts, 0, sizeof(img->opts));
	rc = fsimg_opts_parse(o, options);
	if (rc)
		return rc;
	if (fsimg_opt_take(o, "backing", &v)) {
		if (!v || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		    !strcasecmp(v, "on"))
			img->opts.backing = true;
		else if (strcasecmp(v, "no") && strcmp(v, "0") &&
			 strcasecmp(v, "off"))
			return fsimg_err(img, -EINVAL,
					 "backing= wants yes or no, not '%s'",
					 v);
	}
	if (fsimg_opt_take(o, "snapshot", &v)) {
		if (!v || !*v)
			return fsimg_err(img, -EINVAL,
					 "snapshot= wants a snapshot name or "
					 "id");
		img->opts.snapshot = v;
	}
	if (fsimg_opt_take(o, "container", &v)) {
		bool known = v && !strcmp(v, "raw");

		for (unsigned i = 0; v && fsimg_containers[i]; i++)
			known |= !strcmp(fsimg_containers[i]->name, v);
		if (!known)
			return fsimg_err(img, -EINVAL,
					 "container= wants raw or a container "
					 "format (fsimg info --help), not "
					 "'%s'",
					 v ? v : "");
		img->opts.format = strcmp(v, "auto") ? v : NULL;
	}
	return 0;
}

/* The container of file (taking file over), or file itself. */
static int detect(struct fsimg_source *file, const struct fsimg_image_opts *o,
		  struct fsimg_source **out)
{
	const struct fsimg_container *c = NULL;
	struct fsimg_source *s;
	int rc;

	*out = NULL;
	if (o->format && !strcmp(o->format, "raw")) {
		*out = file;
		return 0;
	}
	for (unsigned i = 0; fsimg_containers[i]; i++) {
		if (o->format && strcmp(o->format, fsimg_containers[i]->name))
			continue;
		rc = fsimg_containers[i]->probe(file);
		DBG(SRC, "src", "%s probe of %s: %d", fsimg_containers[i]->name,
		    file->name, rc);
		if (rc < 0) {
			fsimg_source_close(file);
			return rc;
		}
		if (rc > 0) {
			c = fsimg_containers[i];
			break;
		}
	}
	if (!c) {
		if (o->format) {
			rc = fsimg_serr(file, -EINVAL, "not a %s image",
					o->format);
			fsimg_source_close(file);
			return rc;
		}
		*out = file;
		return 0;
	}
	rc = fsimg_source_new(file->img, c->name, NULL, file, &s);
	if (rc)
		return rc;
	rc = c->open(s, o);
	if (!rc && (!s->ops || !s->ops->map))
		rc = -EIO;
	if (rc) {
		fsimg_source_close(s);
		return rc;
	}
	DBG(SRC, "src", "%s: %s of %llu bytes", file->name, c->name,
	    (unsigned long long)s->size);
	*out = s;
	return 0;
}

int fsimg_image_ready(fsimg_image *img)
{
	int rc;

	if (atomic_load_explicit(&img->stacked, memory_order_acquire))
		return img->stack_rc;
	pthread_mutex_lock(&img->stack_lock);
	if (!atomic_load_explicit(&img->stacked, memory_order_relaxed)) {
		img->file->refs++;
		rc = detect(img->file, &img->opts, &img->top);
		if (!rc)
			img->size = img->top->size;
		img->stack_rc = rc;
		atomic_store_explicit(&img->stacked, true,
				      memory_order_release);
	}
	rc = img->stack_rc;
	pthread_mutex_unlock(&img->stack_lock);
	return rc;
}

int fsimg_image_raw_fd(fsimg_image *img)
{
	return fsimg_image_ready(img) || img->top->ops ? -1 : img->top->fd;
}

int fsimg_image_plain(fsimg_image *img, uint64_t off, uint64_t len,
		      struct fsimg_plain *p)
{
	int rc = fsimg_image_ready(img);

	return rc ? rc : fsimg_source_plain(img->top, off, len, p);
}

const char *fsimg_image_format(fsimg_image *img)
{
	return fsimg_image_ready(img) ? NULL : img->top->format;
}

int fsimg_image_details_typed(fsimg_image *img, fsimg_typed_detail_fn fn,
			      void *ctx)
{
	struct fsimg_details d = { fn, ctx, 0 };
	unsigned level = 0;
	int rc = fsimg_image_ready(img);

	if (rc)
		return rc;
	/* the container, then each backing file: backing_file, _2, ... */
	for (struct fsimg_source *s = img->top; s && !d.rc;
	     s = s->backing, level++) {
		char key[32];

		if (level) {
			snprintf(key, sizeof(key),
				 level > 1 ? "backing_file_%u" : "backing_file",
				 level);
			fsimg_details_text(&d, key, "%s", s->name);
			snprintf(key, sizeof(key),
				 level > 1 ? "backing_format_%u"
					   : "backing_format",
				 level);
			fsimg_details_text(&d, key, "%s", s->format);
			continue;
		}
		fsimg_details_text(&d, "format", "%s", s->format);
		if (!s->ops)
			break;
		fsimg_details_num(&d, "virtual_size", s->size);
		if (s->ops->details && !d.rc)
			d.rc = s->ops->details(s, fn, ctx);
		if (s->backing)
			fsimg_details_num(&d, "backing_chain", s->depth);
	}
	return d.rc;
}

/* --- related files ------------------------------------------------------- */

/*
 * path as a name beneath dirfd: relative as it is, or absolute with that
 * directory's own path in front. NULL when it names something elsewhere.
 */
static const char *beneath(int dirfd, const char *path, char *buf, size_t size)
{
	char self[64];
	ssize_t n;

	if (path[0] != '/')
		return path;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd);
	n = readlink(self, buf, size - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (strcmp(buf, "/") && !strncmp(path, buf, (size_t)n) &&
	    path[n] == '/')
		return path + n + 1;
	return NULL;
}

int fsimg_open_related(const char *image, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char *dir, *slash, buf[PATH_MAX];
	const char *rel;
	struct stat st;
	int dirfd, fd, rc;

	if (!*path || strlen(path) >= PATH_MAX)
		return -EINVAL;
	dir = strdup(image);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dirfd < 0)
		return -errno;
	rel = beneath(dirfd, path, buf, sizeof(buf));
	if (!rel || !*rel) {
		close(dirfd);
		return -EXDEV;
	}
	fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	rc = fd < 0 ? -errno : 0;
	close(dirfd);
	if (rc)
		return rc;
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

bool fsimg_image_backing_allowed(const fsimg_image *img)
{
	return img->opts.backing;
}

void fsimg_image_set_opener(fsimg_image *img, fsimg_opener_fn fn, void *ctx)
{
	img->opener = fn;
	img->opener_ctx = ctx;
}

/*
 * A relative name in a file the image named is relative to that file, as
 * qemu reads it: "base.raw" in sub/mid.qcow2 is sub/base.raw. The joined
 * name is still resolved beneath the image's directory. NULL: use path.
 */
static char *relative_to_namer(fsimg_image *img, struct fsimg_source *s,
			       const char *path)
{
	const char *slash;
	char *joined;

	while (s && s->fd < 0)
		s = s->lower;
	if (!s || s == img->file || path[0] == '/' || !s->name)
		return NULL;
	slash = strrchr(s->name, '/');
	if (!slash)
		return NULL;
	if (asprintf(&joined, "%.*s/%s", (int)(slash - s->name), s->name,
		     path) < 0)
		return NULL;
	return joined;
}

static int related(struct fsimg_source *s, const char *path, const char *why,
		   bool find_container, const char *format,
		   struct fsimg_source **out)
{
	fsimg_image *img = s->img;
	struct fsimg_source *f;
	struct stat st;
	int fd, rc;

	*out = NULL;
	if (!img->opts.backing)
		return fsimg_serr(s, -EPERM,
				  "names %s '%s', which is not read unless "
				  "allowed (-o backing=yes)",
				  why, path);
	if (img->related == 0) { /* the image itself: a loop back to it */
		if (fstat(img->file->fd, &st))
			return -errno;
		img->related_id[0][0] = st.st_dev;
		img->related_id[0][1] = st.st_ino;
		img->related = 1;
	}
	if (img->related > FSIMG_RELATED_MAX)
		return fsimg_serr(s, -ELOOP, "names more than %u files",
				  FSIMG_RELATED_MAX);
	if (find_container && img->nesting >= FSIMG_CHAIN_MAX)
		return fsimg_serr(s, -ELOOP,
				  "backing chain deeper than %u files",
				  FSIMG_CHAIN_MAX);
	fd = img->opener ? img->opener(img->opener_ctx, path)
			 : fsimg_open_related(img->name, path);
	if (fd < 0)
		return fsimg_serr(s, fd, "%s '%s': %s", why, path,
				  fd == -EXDEV	  ? "outside the image's "
						    "directory: not followed"
				  : fd == -EINVAL ? "not a regular file"
						  : strerror(-fd));
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		close(fd);
		return fsimg_serr(s, -EINVAL, "%s '%s': not a regular file",
				  why, path);
	}
	for (unsigned i = 0; i < img->related; i++)
		if (img->related_id[i][0] == st.st_dev &&
		    img->related_id[i][1] == st.st_ino) {
			close(fd);
			return fsimg_serr(s, -ELOOP,
					  "%s '%s' is a file the chain "
					  "already holds: a loop",
					  why, path);
		}
	img->related_id[img->related][0] = st.st_dev;
	img->related_id[img->related][1] = st.st_ino;
	img->related++;
	rc = fsimg_source_file(img, fd, path, &f);
	if (rc)
		return rc;
	if (!find_container) {
		*out = f;
		return 0;
	}
	{
		struct fsimg_image_opts o = img->opts;

		o.format = format;
		o.snapshot = NULL;
		img->nesting++;
		rc = detect(f, &o, out);
		img->nesting--;
	}
	return rc;
}

int fsimg_source_related(struct fsimg_source *s, const char *path,
			 const char *why, bool find_container,
			 struct fsimg_source **out)
{
	char *joined = relative_to_namer(s->img, s, path);
	int rc = related(s, joined ? joined : path, why, find_container, NULL,
			 out);

	free(joined);
	return rc;
}

int fsimg_source_related_as(struct fsimg_source *s, const char *path,
			    const char *why, const char *format,
			    struct fsimg_source **out)
{
	bool known = !strcmp(format, "raw");
	char *joined;
	int rc;

	for (unsigned i = 0; !known && fsimg_containers[i]; i++)
		known = !strcmp(format, fsimg_containers[i]->name);
	*out = NULL;
	if (!known)
		return fsimg_serr(s, -EOPNOTSUPP,
				  "%s '%s' is recorded as format '%s', which "
				  "is not read",
				  why, path, format);
	joined = relative_to_namer(s->img, s, path);
	rc = related(s, joined ? joined : path, why, true, format, out);
	free(joined);
	return rc;
}
