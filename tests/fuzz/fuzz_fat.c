/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the FAT driver: the input is the image, walked by
 * fuzz_fs.c. The last byte chooses the options: bit 0 codepage=850,
 * bit 1 tz=+05:30.
 */
#include "fuzz_fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = { "", "codepage=850", "tz=+05:30",
					    "codepage=850,tz=+05:30" };

	if (size < 512)
		return 0;
	fuzz_fs(data, size, "vfat", opts[data[size - 1] & 3]);
	return 0;
}
