/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libxenfsimage plugin backed by libfsimg: Xen's pygrub (and anything
 * else that reads guest disks through libxenfsimage) reads every
 * filesystem fsimg reads, with fsimg's bounded readers.
 *
 * libxenfsimage passes the image path, the byte offset of the partition
 * pygrub chose (fsip_fs_offset) and an option string (pygrub's
 * "zfs-bootfs=" value, meaningless here and ignored). mount probes the
 * window from that offset to the end of the image with every fsimg driver
 * and fails with ENOTSUP when none recognises it, so that libxenfsimage
 * tries its next plugin; open resolves the path inside the image,
 * following symlinks there as the GRUB-based plugins did; read and pread
 * read the file.
 *
 * Everything the plugin needs is mapped when libxenfsimage loads it
 * (fsi_init, before pygrub's chroot and change of user): libfsimg and its
 * libraries are linked, nothing is dlopen()ed or read from the filesystem
 * later except the image path pygrub hands over.
 *
 * libxenfsimage serialises every call with one lock, and pygrub forks
 * before it opens an image: the plugin keeps no global state.
 */
#include "xenfsimage_plugin.h"

#include "fsimg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PLUGIN_EXPORT __attribute__((visibility("default")))

struct plug_fs {
	fsimg_image *img;
	fsimg_fs *fs;
};

struct plug_file {
	fsimg_file *f;
	uint64_t pos; /* for fpo_read */
};

/* Library messages (a corrupt structure, with its offset) go to stderr,
 * where libxl keeps pygrub's diagnostics. */
static void log_stderr(void *ctx, int err, const char *msg)
{
	(void)err;
	fprintf(stderr, "fsimg: %s: %s\n", (const char *)ctx, msg);
}

static int plug_mount(fsi_t *fsi, const char *path, const char *options)
{
	struct plug_fs *p = calloc(1, sizeof(*p));
	int rc;

	(void)options; /* pygrub's zfs-bootfs value: not ours to use */
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	rc = fsimg_image_open(path, 0, &p->img);
	if (rc)
		goto fail;
	if (fsip_fs_offset(fsi) >= fsimg_image_size(p->img)) {
		rc = -ENOTSUP;
		goto fail;
	}
	/* messages only once the filesystem is ours: probing the partitions
	 * of other plugins' formats stays quiet */
	rc = fsimg_fs_open(p->img, fsip_fs_offset(fsi), 0, NULL, NULL, &p->fs);
	if (rc)
		goto fail;
	fsimg_image_set_log(p->img, log_stderr,
			    (void *)fsimg_image_name(p->img));
	fsip_fs_set_data(fsi, p);
	return 0;
fail:
	if (p->img)
		fsimg_image_close(p->img);
	free(p);
	/* "not ours" for every failure: libxenfsimage tries the next plugin */
	errno = rc == -ENOMEM ? ENOMEM : ENOTSUP;
	return -1;
}

static int plug_umount(fsi_t *fsi)
{
	struct plug_fs *p = fsip_fs_data(fsi);

	if (p) {
		fsimg_fs_close(p->fs);
		fsimg_image_close(p->img);
		free(p);
	}
	fsip_fs_set_data(fsi, NULL);
	return 0;
}

static fsi_file_t *plug_open(fsi_t *fsi, const char *path)
{
	struct plug_fs *p = fsip_fs_data(fsi);
	struct plug_file *pf;
	struct fsimg_stat st;
	fsi_file_t *ffi;
	fsimg_ino ino;
	int rc;

	rc = fsimg_resolve(p->fs, path, 0, &ino, &st);
	if (!rc && !S_ISREG(st.mode))
		rc = S_ISDIR(st.mode) ? -EISDIR : -EINVAL;
	if (rc) {
		errno = -rc;
		return NULL;
	}
	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		errno = ENOMEM;
		return NULL;
	}
	rc = fsimg_file_open(p->fs, ino, &pf->f);
	if (rc) {
		free(pf);
		errno = -rc;
		return NULL;
	}
	ffi = fsip_file_alloc(fsi, pf);
	if (!ffi) {
		fsimg_file_close(pf->f);
		free(pf);
		errno = ENOMEM;
		return NULL;
	}
	return ffi;
}

static ssize_t plug_pread(fsi_file_t *ffi, void *buf, size_t nbytes,
			  uint64_t off)
{
	struct plug_file *pf = fsip_file_data(ffi);
	size_t done = 0;

	if (nbytes > SSIZE_MAX)
		nbytes = SSIZE_MAX;
	/* a driver may return less than asked: fill the buffer or reach the
	 * end, as pread(2) on a regular file does */
	while (done < nbytes) {
		ssize_t n = fsimg_file_read(pf->f, (char *)buf + done,
					    nbytes - done, off + done);

		if (n < 0) {
			if (done)
				break;
			errno = (int)-n;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static ssize_t plug_read(fsi_file_t *ffi, void *buf, size_t nbytes)
{
	struct plug_file *pf = fsip_file_data(ffi);
	ssize_t n = plug_pread(ffi, buf, nbytes, pf->pos);

	if (n > 0)
		pf->pos += (uint64_t)n;
	return n;
}

static int plug_close(fsi_file_t *ffi)
{
	struct plug_file *pf = fsip_file_data(ffi);

	fsimg_file_close(pf->f);
	free(pf);
	fsip_file_free(ffi);
	return 0;
}

static fsi_plugin_ops_t ops = {
	.fpo_version = FSIMAGE_PLUGIN_VERSION,
	.fpo_mount = plug_mount,
	.fpo_umount = plug_umount,
	.fpo_open = plug_open,
	.fpo_read = plug_read,
	.fpo_pread = plug_pread,
	.fpo_close = plug_close,
};

PLUGIN_EXPORT fsi_plugin_ops_t *fsi_init_plugin(int version, fsi_plugin_t *fp,
						const char **name)
{
	(void)fp;
	if (version != FSIMAGE_PLUGIN_VERSION) {
		errno = EINVAL;
		return NULL;
	}
	*name = "fsimg";
	return &ops;
}
