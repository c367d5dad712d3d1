/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the ISO9660 driver: the input is the image, walked by
 * fuzz_fs.c. Byte 0 lies in the ISO system area, which the driver never reads,
 * so it chooses the options: bit 0 norock, bit 1 nojoliet, bit 2 dirprobe=2
 * (lookups probe every directory of two blocks or more: inputs are too
 * small for the default's 128 KiB directories).
 */
#include "fuzz_fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = {
		"",
		"norock",
		"nojoliet",
		"norock,nojoliet",
		"dirprobe=2",
		"norock,dirprobe=2",
		"nojoliet,dirprobe=2",
		"norock,nojoliet,dirprobe=2",
	};

	fuzz_fs(data, size, "iso9660", opts[size ? data[0] & 7 : 0]);
	return 0;
}
