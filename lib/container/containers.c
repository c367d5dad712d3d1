/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container formats, in probe order: each is found by its magic
 * before any partition table is looked for.
 */
#include "internal.h"

const struct fsimg_container *const fsimg_containers[] = {
	&fsimg_container_qcow2,
	&fsimg_container_vhdx,
	&fsimg_container_vmdk,
	&fsimg_container_vpc,
	NULL,
};
