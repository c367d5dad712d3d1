/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the ISO9660 driver: the input is the image, walked by
 * fuzz_fs.c. Byte 0 lies in the ISO system area, which the driver never reads,
 * so it chooses the options: bit 0 norock, bit 1 nojoliet.
 */
#include "fuzz_fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = { "", "norock", "nojoliet",
					    "norock,nojoliet" };

	fuzz_fs(data, size, "iso9660", opts[size ? data[0] & 3 : 0]);
	return 0;
}
