/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The filesystem driver table, in probe order. Formats whose signature is
 * far into the image (ISO9660 at 32 KiB) come before formats found in the
 * first sector, so that a hybrid ISO, which also carries an MBR or a FAT
 * boot record in its system area, is read as the ISO it is. UDF comes
 * first of all: a bridge disc (ISO 9660 and UDF, as Windows and DVD media
 * are made) is read as UDF, as blkid reports it and as those media need;
 * -t iso9660 reads its ISO 9660 tree.
 */
#include "internal.h"

extern const struct fsimg_driver fsimg_udf_driver;
extern const struct fsimg_driver fsimg_iso9660_driver;
extern const struct fsimg_driver fsimg_fat_driver;
extern const struct fsimg_driver fsimg_ext_driver;
extern const struct fsimg_driver fsimg_xfs_driver;
extern const struct fsimg_driver fsimg_ufs_driver;
extern const struct fsimg_driver fsimg_btrfs_driver;

const struct fsimg_driver *const fsimg_drivers[] = {
	&fsimg_udf_driver,   &fsimg_iso9660_driver,
	&fsimg_fat_driver,   &fsimg_ext_driver,
	&fsimg_xfs_driver,   &fsimg_ufs_driver,
	&fsimg_btrfs_driver, NULL,
};
