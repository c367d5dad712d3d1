/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the ext driver (libext2fs through the window I/O
 * manager): the input is the image, walked by fuzz_fs.c. Two libext2fs handles,
 * so the pool is exercised.
 */
#include "fuzz_fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fs(data, size, "ext4", "handles=2");
	return 0;
}
