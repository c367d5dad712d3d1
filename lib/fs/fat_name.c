/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FAT: names and times. Short names are 8.3 bytes in an OEM code page
 * (spec 6.1; which one is not recorded on disk, hence codepage=, 437 by
 * default as with Linux); long names are UTF-16 (spec 7) and converted by
 * fat_dir.c. Times are local time of an unknown zone (spec 6.3), hence tz=.
 */
#include "fat.h"

/* IBM PC code page 437, bytes 0x80-0xff. */
static const uint16_t cp437[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea,
	0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6,
	0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc,
	0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
	0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc,
	0x00a1, 0x00ab, 0x00bb, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561,
	0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b,
	0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568,
	0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518,
	0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, 0x03b1, 0x00df, 0x0393,
	0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
	0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320,
	0x2321, 0x00f7, 0x2248, 0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2,
	0x25a0, 0x00a0,
};

/* Code page 850 (Multilingual Latin 1), bytes 0x80-0xff. */
static const uint16_t cp850[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea,
	0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6,
	0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc,
	0x00f8, 0x00a3, 0x00d8, 0x00d7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
	0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x00ae, 0x00ac, 0x00bd, 0x00bc,
	0x00a1, 0x00ab, 0x00bb, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1,
	0x00c2, 0x00c0, 0x00a9, 0x2563, 0x2551, 0x2557, 0x255d, 0x00a2, 0x00a5,
	0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x00e3, 0x00c3,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4, 0x00f0,
	0x00d0, 0x00ca, 0x00cb, 0x00c8, 0x0131, 0x00cd, 0x00ce, 0x00cf, 0x2518,
	0x250c, 0x2588, 0x2584, 0x00a6, 0x00cc, 0x2580, 0x00d3, 0x00df, 0x00d4,
	0x00d2, 0x00f5, 0x00d5, 0x00b5, 0x00fe, 0x00de, 0x00da, 0x00db, 0x00d9,
	0x00fd, 0x00dd, 0x00af, 0x00b4, 0x00ad, 0x00b1, 0x2017, 0x00be, 0x00b6,
	0x00a7, 0x00f7, 0x00b8, 0x00b0, 0x00a8, 0x00b7, 0x00b9, 0x00b3, 0x00b2,
	0x25a0, 0x00a0,
};

const uint16_t *fat_codepage(unsigned cp)
{
	switch (cp) {
	case 437:
		return cp437;
	case 850:
		return cp850;
	default:
		return NULL;
	}
}

/*
 * The NT lower-case flags apply to the whole short name, as Linux applies
 * its code page's lower-case table (fat_short2lower_uni): the accented
 * capitals of code pages 437 and 850 are Latin-1's, and each has its
 * small letter in the same page.
 */
static uint16_t fat_lower(uint16_t u, bool lower)
{
	if (lower && u >= 0x00c0 && u <= 0x00de && u != 0x00d7)
		return (uint16_t)(u + 0x20);
	return u;
}

static size_t put_byte(uint8_t c, bool lower, const uint16_t *cp, char *out,
		       size_t room)
{
	if (c < 0x80) {
		if (lower && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		/* control bytes are invalid in names (spec 6.1) */
		return fsimg_utf8_put(out, room, c < 0x20 ? 0xfffd : c);
	}
	return fsimg_utf8_put(out, room, fat_lower(cp[c - 0x80], lower));
}

size_t fat_short_name(const uint8_t *raw, uint8_t ntres, const uint16_t *cp,
		      char *out, size_t room)
{
	size_t n = 0;
	int blen, elen;

	if (room == 0)
		return 0;
	/* A NUL ends the base or the extension, as in Linux's
	 * fat_parse_short() and mtools (some mtools versions write
	 * " \0\0" as the extension of a name they mangled). */
	blen = (int)strnlen((const char *)raw, 8);
	elen = (int)strnlen((const char *)raw + 8, 3);
	while (blen > 0 && raw[blen - 1] == ' ')
		blen--;
	while (elen > 0 && raw[8 + elen - 1] == ' ')
		elen--;
	for (int i = 0; i < blen; i++) {
		/* spec 6.1: 0x05 in the first byte stands for 0xE5 */
		uint8_t c = (i == 0 && raw[0] == 0x05) ? 0xe5 : raw[i];

		n += put_byte(c, ntres & FAT_NT_LOWER_BASE, cp, out + n,
			      room - 1 - n);
	}
	if (elen > 0 && n + 1 < room - 1)
		out[n++] = '.';
	for (int i = 0; i < elen; i++)
		n += put_byte(raw[8 + i], ntres & FAT_NT_LOWER_EXT, cp, out + n,
			      room - 1 - n);
	out[n] = 0;
	return n;
}

size_t fat_label_name(const uint8_t *raw, const uint16_t *cp, char *out,
		      size_t room)
{
	size_t n = 0;
	int len = 11;

	if (room == 0)
		return 0;
	while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == 0))
		len--;
	for (int i = 0; i < len; i++) {
		uint8_t c = (i == 0 && raw[0] == 0x05) ? 0xe5 : raw[i];

		n += put_byte(c, false, cp, out + n, room - 1 - n);
	}
	out[n] = 0;
	return n;
}

uint8_t fat_lfn_checksum(const uint8_t *raw)
{
	uint8_t sum = 0;

	/* spec 7.2: rotate right by one, add the next byte */
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + raw[i]);
	return sum;
}

/* Next code point of UTF-8 s (invalid bytes taken one by one). */
static uint32_t utf8_next(const char **s)
{
	const uint8_t *p = (const uint8_t *)*s;
	uint32_t cp = p[0];
	int n = 0;

	if (cp >= 0xf0 && cp < 0xf8)
		cp &= 0x07, n = 3;
	else if (cp >= 0xe0)
		cp &= 0x0f, n = 2;
	else if (cp >= 0xc0)
		cp &= 0x1f, n = 1;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += 1;
			return p[0] | 0x80000000u;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return cp;
}

static uint32_t fold(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 'A';
	/* Latin-1 small letters, except the division sign and y-diaeresis */
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 0x20;
	return c;
}

int fat_short_eq(const uint8_t *raw, const char *name)
{
	int blen = 8, elen = 3, i;

	for (i = 0; i < 11; i++)
		if (raw[i] < 0x20 || raw[i] > 0x7e)
			return -1;
	while (blen > 0 && raw[blen - 1] == ' ')
		blen--;
	while (elen > 0 && raw[8 + elen - 1] == ' ')
		elen--;
	/* what fat_short_name() gives, compared as fat_name_eq_nocase() does:
	 * ASCII letters fold to ASCII, and nothing else folds to ASCII */
	for (i = 0; i < blen; i++, name++)
		if (fold((uint8_t)*name) != fold(raw[i]))
			return 0;
	if (elen > 0 && *name++ != '.')
		return 0;
	for (i = 0; i < elen; i++, name++)
		if (fold((uint8_t)*name) != fold(raw[8 + i]))
			return 0;
	return !*name;
}

bool fat_name_eq_nocase(const char *a, const char *b)
{
	while (*a && *b) {
		if (fold(utf8_next(&a)) != fold(utf8_next(&b)))
			return false;
	}
	return !*a && !*b;
}

bool fat_time(uint16_t date, uint16_t time, uint8_t tenth, int32_t tz_off,
	      struct timespec *ts)
{
	unsigned y, m, d, hh, mm, ss;
	int64_t t;

	if (date == 0) {
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		return false;
	}
	/* spec 6.3: bits 15-9 years since 1980, 8-5 month, 4-0 day */
	y = 1980 + (date >> 9);
	m = (date >> 5) & 15;
	d = date & 31;
	/* out-of-range fields clamped, as Linux does */
	if (m < 1)
		m = 1;
	if (m > 12)
		m = 12;
	if (d < 1)
		d = 1;
	/* bits 15-11 hours, 10-5 minutes, 4-0 seconds / 2 */
	hh = time >> 11;
	mm = (time >> 5) & 63;
	ss = (time & 31) * 2;
	if (hh > 23)
		hh = 23;
	if (mm > 59)
		mm = 59;
	if (ss > 59)
		ss = 59;
	t = fsimg_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	/* DIR_CrtTimeTenth: hundredths of a second, 0-199 */
	if (tenth > 199)
		tenth = 0;
	t += tenth / 100;
	ts->tv_sec = (time_t)(t - tz_off);
	ts->tv_nsec = (long)(tenth % 100) * 10000000L;
	return true;
}
