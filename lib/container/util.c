/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers the container readers share: UTF-16 names (VHD parent
 * locators, VHDX metadata) and CRC-32C (VHDX headers and tables).
 */
#include "container.h"

int fsimg_utf16_name(const uint8_t *in, size_t len, bool be, bool slashes,
		     char *out, size_t size)
{
	size_t units = 0;
	int rc;

	while (units < len / 2 && (in[2 * units] || in[2 * units + 1]))
		units++;
	rc = fsimg_utf16_to_utf8(in, units, be, out, size);
	if (rc < 0)
		return -EINVAL;
	for (char *p = out; slashes && *p; p++)
		if (*p == '\\')
			*p = '/';
	return 0;
}

/* The reflected Castagnoli polynomial. */
#define CRC32C_POLY 0x82f63b78u

static uint32_t crc32c_table[256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc32c_table[i] = c;
	}
}

uint32_t fsimg_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc32c_once, crc32c_init);
	crc = ~crc;
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
