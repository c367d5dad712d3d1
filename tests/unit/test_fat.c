/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the FAT driver's pure parts: BPB validation and FAT type
 * by cluster count (spec 3, 3.5), short names with the NT lower-case flags
 * and code pages (spec 6.1), the long-name checksum (spec 7.2), times
 * (spec 6.3) and case-insensitive name comparison.
 */
#include "internal.h"
#include "tap.h"
#include "fs/fat.h"

#include <ctype.h>
#include <stdio.h>

/* A FAT12/16 boot sector: sectors, reserved, fats, root entries, fat size */
static void bs_make(uint8_t *bs, uint32_t total, unsigned spc, unsigned fatsz,
		    unsigned root)
{
	memset(bs, 0, 512);
	bs[0] = 0xeb, bs[1] = 0x3c, bs[2] = 0x90;
	bs[11] = 0x00, bs[12] = 0x02; /* 512 */
	bs[13] = (uint8_t)spc;
	bs[14] = 1;
	bs[16] = 2;
	bs[17] = (uint8_t)root, bs[18] = (uint8_t)(root >> 8);
	if (total < 65536) {
		bs[19] = (uint8_t)total, bs[20] = (uint8_t)(total >> 8);
	} else {
		bs[32] = (uint8_t)total, bs[33] = (uint8_t)(total >> 8);
		bs[34] = (uint8_t)(total >> 16),
		bs[35] = (uint8_t)(total >> 24);
	}
	bs[21] = 0xf8;
	bs[22] = (uint8_t)fatsz, bs[23] = (uint8_t)(fatsz >> 8);
	bs[38] = 0x29;
	bs[39] = 0x78, bs[40] = 0x56, bs[41] = 0x34, bs[42] = 0x12;
	bs[510] = 0x55, bs[511] = 0xaa;
}

static void test_bpb(void)
{
	uint8_t bs[512];
	struct fat_bpb b;
	const char *why = NULL;

	bs_make(bs, 2880, 1, 9, 224);
	is_int(fat_bpb_parse(bs, &b, &why), 0, "1.44 MB floppy BPB");
	is_int(b.bits, 12, "FAT12 by cluster count");
	is_int(b.clusters, 2847, "2847 clusters");
	is_int(b.data_off, 33 * 512, "data at sector 33");
	is_int(b.serial, 0x12345678, "serial");

	/* 4084 clusters: FAT12; 4085: FAT16 (spec 3.5) */
	bs_make(bs, 1 + 2 * 12 + 32 + 4084, 1, 12, 512);
	fat_bpb_parse(bs, &b, &why);
	is_int(b.bits, 12, "4084 clusters are FAT12");
	bs_make(bs, 1 + 2 * 16 + 32 + 4085, 1, 16, 512);
	fat_bpb_parse(bs, &b, &why);
	is_int(b.bits, 16, "4085 clusters are FAT16");
	bs_make(bs, 1 + 2 * 256 + 32 + 65524, 1, 256, 512);
	fat_bpb_parse(bs, &b, &why);
	is_int(b.bits, 16, "65524 clusters are FAT16");
	bs_make(bs, 1 + 2 * 257 + 32 + 65525, 1, 257, 512);
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN,
	   "65525 clusters with a FAT16 BPB refused: %s", why);

	bs_make(bs, 2880, 3, 9, 224);
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN && strstr(why, "SecPerClus"),
	   "sectors per cluster not a power of two: %s", why);
	bs_make(bs, 2880, 1, 9, 224);
	bs[11] = 44, bs[12] = 1; /* 300 */
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "300-byte sectors: %s",
	   why);
	bs_make(bs, 2880, 1, 9, 224);
	bs[16] = 0;
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "no FATs: %s", why);
	bs_make(bs, 2880, 1, 9, 224);
	bs[21] = 0x12;
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "bad media byte: %s", why);
	bs_make(bs, 2880, 1, 9, 224);
	bs[0] = 0;
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "no jump: %s", why);
	bs_make(bs, 2880, 1, 2000, 224);
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "FATs fill it: %s", why);
	bs_make(bs, 2880, 1, 9, 224);
	memcpy(bs + 3, "NTFS    ", 8);
	ok(fat_bpb_parse(bs, &b, &why) == -EUCLEAN, "NTFS OEM id: %s", why);
	/* a FAT too small for the clusters: clamped as Linux does */
	bs_make(bs, 2880, 1, 2, 224);
	is_int(fat_bpb_parse(bs, &b, &why), 0, "small FAT accepted");
	is_int(b.clusters, 2 * 512 * 8 / 12 - 2, "clusters clamped to the FAT");
}

static void test_names(void)
{
	const uint16_t *cp437 = fat_codepage(437), *cp850 = fat_codepage(850);
	char out[64];

	/* raw 8.3 bytes (11, NULs included), NT flags, code page, name */
	static const struct {
		const char raw[12];
		uint8_t ntres;
		unsigned cp;
		const char *want, *what;
	} shorts[] = {
		{ "README  TXT", 0, 437, "README.TXT", "8.3" },
		{ "README  TXT", FAT_NT_LOWER_BASE, 437, "readme.TXT",
		  "NT lower-case base" },
		{ "README  TXT", FAT_NT_LOWER_EXT, 437, "README.txt",
		  "NT lower-case extension" },
		{ "MAKEFILE   ", 0x18, 437, "makefile",
		  "no extension, no dot" },
		{ "\x05\x9b      TXT", 0, 437, "σ¢.TXT",
		  "0x05 is 0xE5; cp437" },
		{ "\x05\x9b      TXT", 0, 850, "Õø.TXT", "cp850" },
		/* the lower-case flags reach accented capitals, as in Linux
		 * (tests/diff: mtools writes "ck6ü" as CK6\x9A + flag 0x08) */
		{ "CK6\x9a    \x90 A", 0x18, 437, "ck6ü.é a",
		  "NT lower case of Ü and É (cp437)" },
		{ "\x9dX      \x9e  ", 0x18, 850, "øx.×",
		  "cp850: Ø lowered, × has no small letter" },
		{ "BQSDFWB~ \0\0", 0, 437, "BQSDFWB~",
		  "a NUL ends the extension (mtools, Linux)" },
		{ "AB\0DE   TXT", 0, 437, "AB.TXT", "a NUL ends the base" },
	};

	ok(cp437 && cp850 && !fat_codepage(1252), "code pages 437, 850 only");
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		fat_short_name((const uint8_t *)shorts[i].raw, shorts[i].ntres,
			       fat_codepage(shorts[i].cp), out, sizeof(out));
		is_str(out, shorts[i].want, "%s", shorts[i].what);
	}
	fat_label_name((const uint8_t *)"NO NAME    ", cp437, out, sizeof(out));
	is_str(out, "NO NAME", "label trimmed");
	/* spec 7.2: the checksum of a known name */
	is_int(fat_lfn_checksum((const uint8_t *)"README  TXT"), 0x73,
	       "LFN checksum");
	ok(fat_name_eq_nocase("Grüße.TXT", "GRÜßE.txt"), "case-insensitive");
	ok(!fat_name_eq_nocase("abc", "abcd"), "different lengths");
}

/* A fixed-seed generator: the same cases on every run. */
static uint32_t lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/*
 * fat_short_eq() against decoding and comparing (fat_short_name(),
 * fat_name_eq_nocase()), for short names of blanks, dots, letters of both
 * cases, control and code-page bytes, and names made from what they
 * decode to: case flipped, a character added, dropped or changed.
 */
static void test_short_eq(void)
{
	static const char pool[] = "AB Zaz.~09",
			  odd[] = "\x05\x1f\x7f\x80\xe5\x9a";
	const uint16_t *cp = fat_codepage(437);
	uint32_t seed = 42;
	unsigned wrong = 0, decided = 0, same = 0, plain = 0, undecided = 0;

	for (int i = 0; i < 20000; i++) {
		uint8_t raw[11];
		char dec[64], name[68];
		size_t n;
		int got;
		bool want, ascii = true;

		for (int j = 0; j < 11; j++) {
			/* mostly printable ASCII, blanks at the ends */
			raw[j] = (uint8_t)pool[lcg(&seed) % (sizeof(pool) - 1)];
			if (lcg(&seed) % 3 == 0)
				raw[j] = ' ';
			if (lcg(&seed) % 64 == 0)
				raw[j] = (uint8_t)
					odd[lcg(&seed) % (sizeof(odd) - 1)];
			if (raw[j] < 0x20 || raw[j] > 0x7e)
				ascii = false;
		}
		n = fat_short_name(raw, (uint8_t)(lcg(&seed) % 2 ? 0x18 : 0),
				   cp, dec, sizeof(dec));
		memcpy(name, dec, n + 1);
		switch (lcg(&seed) % 6) {
		case 0: /* the name as decoded */
			break;
		case 1: /* case flipped */
			for (size_t k = 0; k < n; k++)
				if (isalpha((unsigned char)name[k]))
					name[k] ^= 0x20;
			break;
		case 2: /* one more character */
			name[n] = 'A';
			name[n + 1] = 0;
			break;
		case 3: /* one fewer */
			if (n)
				name[n - 1] = 0;
			break;
		case 4: /* one changed, maybe to a byte beyond ASCII */
			if (n)
				name[lcg(&seed) % n] =
					lcg(&seed) % 2 ? 'Q' : (char)0xc3;
			break;
		default: /* the ASCII folding of a Latin-1 letter */
			memcpy(name + n, "\xc3\xa0", 3);
			break;
		}
		want = fat_name_eq_nocase(dec, name);
		got = fat_short_eq(raw, name);
		if (got < 0) {
			undecided++;
			if (ascii)
				wrong++;
			continue;
		}
		decided++;
		same += got == 1;
		plain += ascii;
		if (!ascii || got != (int)want)
			wrong++;
	}
	ok(wrong == 0 && decided > 5000 && same > 1000 && undecided > 1000,
	   "fat_short_eq agrees with decoding: %u wrong of %u decided (%u "
	   "equal), %u left to decoding",
	   wrong, decided, same, undecided);
	is_int(fat_short_eq((const uint8_t *)"F49999  TXT", "f49999.txt"), 1,
	       "short name, other case");
	is_int(fat_short_eq((const uint8_t *)"F49999  TXT", "F4999.TXT"), 0,
	       "a name one shorter");
	is_int(fat_short_eq((const uint8_t *)"MAKEFILE   ", "makefile."), 0,
	       "no extension, no dot");
	is_int(fat_short_eq((const uint8_t *)"\x05\x9b      TXT", "x"), -1,
	       "0x05 and code-page bytes are left to decoding");
}

static void test_times(void)
{
	struct timespec ts;
	/* 2021-03-04 05:06:08 */
	uint16_t date = (41 << 9) | (3 << 5) | 4,
		 time = (5 << 11) | (6 << 5) | 4;

	ok(fat_time(date, time, 0, 0, &ts) && ts.tv_sec == 1614834368,
	   "date and time in UTC");
	ok(fat_time(date, time, 0, 3600, &ts) && ts.tv_sec == 1614834368 - 3600,
	   "tz=+01:00");
	ok(fat_time(date, time, 150, 0, &ts) && ts.tv_sec == 1614834369 &&
		   ts.tv_nsec == 500000000,
	   "hundredths");
	ok(!fat_time(0, 0, 0, 0, &ts), "date 0 is unset");
}

int main(void)
{
	test_bpb();
	test_names();
	test_short_eq();
	test_times();
	return tap_done();
}
