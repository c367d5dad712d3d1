/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the UDF driver: the input is the image, walked by
 * fuzz_fs.c. No options.
 */
#include "fuzz_fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fs(data, size, "udf", "");
	return 0;
}
