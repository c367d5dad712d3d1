/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin interface of Xen's libxenfsimage, as this plugin uses it.
 *
 * Debian ships libxenfsimage (xen-utils-4.17, libxenmisc4.17) but no
 * header for it, so the few declarations a plugin needs are written here
 * from the published interface: Xen 4.17's
 * tools/libfsimage/common/xenfsimage_plugin.h, FSIMAGE_PLUGIN_VERSION 1,
 * unchanged since the interface was published in 2006. The handles are
 * opaque to a plugin; it keeps its own state with fsip_fs_set_data() and
 * fsip_file_alloc() and reads the partition offset with fsip_fs_offset().
 *
 * How libxenfsimage uses a plugin (tools/libfsimage/common/fsimage.c and
 * fsimage_plugin.c): it dlopen()s DIR/NAME/fsimage.so for every NAME in
 * $XEN_FSIMAGE_FSDIR (or the built-in directory), calls fsi_init_plugin()
 * and keeps the ops; fsi_open_fsimage(path, offset, options) tries each
 * plugin's mount until one returns 0; every later call goes to that
 * plugin, serialised by one global lock.
 */
#ifndef FSIMG_XENFSIMAGE_PLUGIN_H
#define FSIMG_XENFSIMAGE_PLUGIN_H

#include <stdint.h>
#include <sys/types.h>

#define FSIMAGE_PLUGIN_VERSION 1

typedef struct fsi fsi_t;
typedef struct fsi_file fsi_file_t;
typedef struct fsi_plugin fsi_plugin_t;

typedef struct fsi_plugin_ops {
	int fpo_version;
	/* 0 when the filesystem at fsip_fs_offset() is ours, -1 and errno */
	int (*fpo_mount)(fsi_t *fsi, const char *path, const char *options);
	int (*fpo_umount)(fsi_t *fsi);
	fsi_file_t *(*fpo_open)(fsi_t *fsi, const char *path);
	ssize_t (*fpo_read)(fsi_file_t *ffi, void *buf, size_t nbytes);
	ssize_t (*fpo_pread)(fsi_file_t *ffi, void *buf, size_t nbytes,
			     uint64_t off);
	int (*fpo_close)(fsi_file_t *ffi);
} fsi_plugin_ops_t;

/* What libxenfsimage looks up in each plugin. */
fsi_plugin_ops_t *fsi_init_plugin(int version, fsi_plugin_t *fp,
				  const char **name);

/* Provided by libxenfsimage. */
void fsip_fs_set_data(fsi_t *fsi, void *data);
void *fsip_fs_data(fsi_t *fsi);
uint64_t fsip_fs_offset(fsi_t *fsi);
fsi_file_t *fsip_file_alloc(fsi_t *fsi, void *data);
void fsip_file_free(fsi_file_t *ffi);
void *fsip_file_data(fsi_file_t *ffi);
fsi_t *fsip_fs(fsi_file_t *ffi);

#endif /* FSIMG_XENFSIMAGE_PLUGIN_H */
