/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the unit tests of lookups in big directories (test_ext_dx,
 * test_iso_probe): a shell command made like printf, one directory of an
 * image opened, the names its listing gives and how many of them lookup
 * finds as the node listed.
 */
#ifndef FSIMG_DIRNAMES_H
#define FSIMG_DIRNAMES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAMES_LEN 80

struct names {
	char (*name)[NAMES_LEN];
	fsimg_ino *ino;
	unsigned n, cap;
};

static int names_init(struct names *ns, unsigned cap)
{
	ns->name = calloc(cap, NAMES_LEN);
	ns->ino = calloc(cap, sizeof(*ns->ino));
	ns->n = 0;
	ns->cap = cap;
	return ns->name && ns->ino ? 0 : -1;
}

static void names_free(struct names *ns)
{
	free(ns->name);
	free(ns->ino);
}

static int sh(const char *fmt, ...) FSIMG_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* mkdtemp(tmpl), then the directories tmpl/src and tmpl/src/d. */
static int src_dirs(char *tmpl)
{
	char p[300];

	if (!mkdtemp(tmpl))
		return -1;
	snprintf(p, sizeof(p), "%s/src", tmpl);
	if (mkdir(p, 0755))
		return -1;
	snprintf(p, sizeof(p), "%s/src/d", tmpl);
	return mkdir(p, 0755);
}

/* fsimg_dirent_fn: every name but "." and "..", until ns is full. */
static int names_collect(void *ctx, const char *name, fsimg_ino ino,
			 const struct fsimg_stat *st, uint64_t next)
{
	struct names *ns = ctx;

	(void)st;
	(void)next;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (ns->n == ns->cap)
		return 1;
	snprintf(ns->name[ns->n], NAMES_LEN, "%s", name);
	ns->ino[ns->n++] = ino;
	return 0;
}

/* How many of ns's names from the from-th lookup finds as listed. */
static unsigned names_found(fsimg_fs *fs, fsimg_ino d, const struct names *ns,
			    unsigned from)
{
	unsigned k = 0;

	for (unsigned i = from; i < ns->n; i++) {
		fsimg_ino ino = 0;

		if (!fsimg_lookup(fs, d, ns->name[i], &ino, NULL) &&
		    ino == ns->ino[i])
			k++;
	}
	return k;
}

/*
 * Directory dpath of the filesystem of type (NULL: probed) that fills
 * image file path (len bytes, 0: all of it), opened with opts.
 */
static int open_dir(const char *path, uint64_t len, const char *type,
		    const char *opts, const char *dpath, fsimg_image **im,
		    fsimg_fs **fs, fsimg_ino *d)
{
	if (fsimg_image_open(path, 0, im))
		return -1;
	if (fsimg_fs_open(*im, 0, len ? len : fsimg_image_size(*im), type, opts,
			  fs)) {
		fsimg_image_close(*im);
		return -1;
	}
	if (fsimg_resolve(*fs, dpath, 0, d, NULL)) {
		fsimg_fs_close(*fs);
		fsimg_image_close(*im);
		return -1;
	}
	return 0;
}

static void close_dir(fsimg_image *im, fsimg_fs *fs)
{
	fsimg_fs_close(fs);
	fsimg_image_close(im);
}

#endif /* FSIMG_DIRNAMES_H */
