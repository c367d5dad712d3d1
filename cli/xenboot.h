/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg-xenboot: what the parent (xenboot.c) hands the confined child
 * (xenboot_child.c) across fork().
 */
#ifndef FSIMG_CLI_XENBOOT_H
#define FSIMG_CLI_XENBOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define XB_NAME "fsimg-xenboot"
/* pygrub's XSA-443 bound is 128 MiB; kernels with built-in initramfs and
 * installer ramdisks are larger */
#define XB_DEFAULT_LIMIT (512ULL << 20)
/* a configuration file given with --isconfig */
#define XB_CONFIG_MAX (4u << 20)

struct xb_opts {
	/* the command line */
	const char *disk;    /* DISK as given: messages, --isconfig name */
	const char *entry;   /* --entry, or NULL */
	const char *kernel;  /* --kernel, or NULL */
	const char *ramdisk; /* --ramdisk, or NULL */
	const char *args;    /* --args, or NULL */
	bool have_offset;    /* --offset */
	uint64_t offset;
	uint64_t limit; /* --output-limit */
	uid_t runas;	/* --runas, 0 for none */
	bool list, not_really, isconfig, pvboot, debug;

	/* descriptors the parent opened for the child */
	int img_fd;	/* DISK, read-only */
	int kernel_fd;	/* the kernel file, or -1 (-n, -l, --isconfig) */
	int ramdisk_fd; /* the ramdisk file, or -1 */
	int out_fd;	/* the pipe to the parent */
};

/*
 * The child: confines itself, reads the image, writes the files and
 * reports on out_fd (xenboot_wire.h). Returns its exit status.
 */
int xb_child_main(const struct xb_opts *o);

#endif
