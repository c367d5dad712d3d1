/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the ISO9660 driver: the decoders on synthetic byte
 * buffers (times, both-endian fields, directory records, names, SUSP and
 * Rock Ridge entries, continuation-area bounds, zisofs headers), then an
 * end-to-end walk of an image that xorriso builds at test time (skipped
 * when xorriso is not installed).
 */
#include "tap.h"
#include "fs/iso9660.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- helpers ------------------------------------------------------------ */

static void put_733(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	p[4] = (uint8_t)(v >> 24);
	p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8);
	p[7] = (uint8_t)v;
}

/* Appends a SUSP entry; returns its length. */
static size_t entry(uint8_t *p, const char *sig, uint8_t ver, const void *data,
		    size_t n)
{
	p[0] = (uint8_t)sig[0];
	p[1] = (uint8_t)sig[1];
	p[2] = (uint8_t)(4 + n);
	p[3] = ver;
	if (n)
		memcpy(p + 4, data, n);
	return 4 + n;
}

/* Appends NM entries with the given flags and names; returns their length. */
static size_t nm_entries(uint8_t *p, const uint8_t *flags,
			 const char *const *names, size_t count)
{
	uint8_t d[256];
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(names[i]);

		d[0] = flags[i];
		memcpy(d + 1, names[i], len);
		n += entry(p + n, "NM", 1, d, 1 + len);
	}
	return n;
}

/* NM "long-" (CONTINUE) then "name": the name "long-name". */
static const uint8_t long_name_flags[] = { 1, 0 };
static const char *const long_name_parts[] = { "long-", "name" };

/* A directory record with name and system use bytes; returns its length. */
static size_t mkrec(uint8_t *p, uint32_t extent, uint32_t size, uint8_t flags,
		    const char *name, const uint8_t *su, size_t sulen)
{
	size_t nlen = strlen(name), len = 33 + nlen + !(nlen & 1) + sulen;

	memset(p, 0, len);
	p[0] = (uint8_t)len;
	put_733(p + 2, extent);
	put_733(p + 10, size);
	p[18] = 109; /* 2009-09-24 10:34:40 +02:00 */
	p[19] = 9;
	p[20] = 24;
	p[21] = 10;
	p[22] = 34;
	p[23] = 40;
	p[24] = 8;
	p[25] = flags;
	p[28] = 1;
	p[31] = 1;
	p[32] = (uint8_t)nlen;
	memcpy(p + 33, name, nlen);
	if (sulen)
		memcpy(p + 33 + nlen + !(nlen & 1), su, sulen);
	return len;
}

/* --- times and numbers ------------------------------------------------- */

static void test_times(void)
{
	struct timespec ts;
	const uint8_t t_plus2[7] = { 109, 9, 24, 10, 34, 40, 8 };
	const uint8_t t_minus5[7] = { 70, 1, 1, 0, 0, 0, (uint8_t)-20 };
	const uint8_t t_zero[7] = { 0 };
	const uint8_t t_badmon[7] = { 100, 13, 1, 0, 0, 0, 0 };
	const uint8_t t_badoff[7] = { 70, 1, 2, 0, 0, 0, 100 };
	uint8_t t17[17];

	ok(iso_time7(t_plus2, &ts) && ts.tv_sec == 1253781280,
	   "7-byte time with GMT+2 is converted to UTC");
	ok(iso_time7(t_minus5, &ts) && ts.tv_sec == 5 * 3600,
	   "7-byte time with a negative GMT offset (-5 h)");
	ok(!iso_time7(t_zero, &ts), "all-zero 7-byte time is unset");
	ok(!iso_time7(t_badmon, &ts), "month 13 is rejected");
	ok(iso_time7(t_badoff, &ts) && ts.tv_sec == 86400,
	   "an offset beyond +13 h is ignored");

	memcpy(t17, "2009092410344000", 16);
	t17[16] = 8;
	ok(iso_time17(t17, &ts) && ts.tv_sec == 1253781280 && ts.tv_nsec == 0,
	   "17-byte time with offset");
	memcpy(t17, "2000010100000050", 16);
	t17[16] = (uint8_t)-4; /* -1 h */
	ok(iso_time17(t17, &ts) && ts.tv_sec == 946684800 + 3600 &&
		   ts.tv_nsec == 500000000,
	   "17-byte time with negative offset and hundredths");
	memcpy(t17, "0000000000000000", 16);
	t17[16] = 0;
	ok(!iso_time17(t17, &ts), "17-byte zero time is unset");
	memcpy(t17, "2000ab0100000000", 16);
	ok(!iso_time17(t17, &ts), "17-byte time with non-digits is rejected");
}

static void test_both_endian(void)
{
	uint8_t b[8];
	uint32_t v;
	uint16_t w;

	put_733(b, 0x12345678);
	ok(iso_get_733(b, &v) && v == 0x12345678, "733 halves agree");
	b[7] ^= 1;
	ok(!iso_get_733(b, &v) && v == 0x12345678,
	   "733 halves disagree: rejected, LE half kept");
	b[0] = 0x00;
	b[1] = 0x08;
	b[2] = 0x08;
	b[3] = 0x00;
	ok(iso_get_723(b, &w) && w == 2048, "723 halves agree");
	b[3] = 0x01;
	ok(!iso_get_723(b, &w), "723 halves disagree");
}

/* --- directory records -----------------------------------------------------
 */

static void test_records(void)
{
	uint8_t buf[256];
	struct iso_rec r;
	const char *why = NULL;
	size_t n = mkrec(buf, 20, 4096, ISO_FF_DIR, "SUBDIR", NULL, 0);

	is_int(iso_rec_decode(buf, n, 1000, &r, &why), 0, "record decodes");
	ok(r.extent == 20 && r.size == 4096 && r.name_len == 6 &&
		   (r.flags & ISO_FF_DIR) && !r.endian_diff && r.pos == 1000,
	   "record fields");
	is_int(r.su_off, 33 + 6 + 1, "system use follows the padding byte");
	is_int(iso_rec_data(&r), 20 * 2048, "data position");

	is_int(iso_rec_decode(buf, n - 1, 0, &r, &why), -EUCLEAN,
	       "record longer than what is left of its block");
	buf[0] = 20;
	is_int(iso_rec_decode(buf, n, 0, &r, &why), -EUCLEAN,
	       "record length below 34");
	n = mkrec(buf, 20, 4096, 0, "X", NULL, 0);
	buf[32] = 200;
	is_int(iso_rec_decode(buf, n, 0, &r, &why), -EUCLEAN,
	       "name longer than the record");
	buf[0] = 0;
	is_int(iso_rec_decode(buf, 34, 0, &r, &why), -EUCLEAN,
	       "zero length byte is no record");
	n = mkrec(buf, 20, 4096, 0, "X", NULL, 0);
	buf[9] ^= 0x40; /* BE half of the extent */
	ok(!iso_rec_decode(buf, n, 0, &r, &why) && r.endian_diff &&
		   r.extent == 20,
	   "extent halves differ: flagged, little-endian used");
}

static void test_names(void)
{
	char out[300];
	/* "Hello.txt;1" in UCS-2 BE */
	const char *hello = "Hello.txt;1";
	uint8_t u[64];
	size_t i;

	iso_name_plain((const uint8_t *)"README.TXT;1", 12, out, sizeof(out));
	is_str(out, "readme.txt", "plain: lower case, version dropped");
	iso_name_plain((const uint8_t *)"FOO.;1", 6, out, sizeof(out));
	is_str(out, "foo", "plain: trailing dot dropped");
	iso_name_plain((const uint8_t *)"DIR_1", 5, out, sizeof(out));
	is_str(out, "dir_1", "plain: directory name");
	iso_name_plain((const uint8_t *)"A.B;12", 6, out, sizeof(out));
	is_str(out, "a.b", "plain: any version number");
	iso_name_plain((const uint8_t *)"AB\0CD", 5, out, sizeof(out));
	is_str(out, "ab", "plain: NUL ends the name");

	for (i = 0; hello[i]; i++) {
		u[2 * i] = 0;
		u[2 * i + 1] = (uint8_t)hello[i];
	}
	iso_name_joliet(u, 2 * i, out, sizeof(out));
	is_str(out, "Hello.txt", "Joliet: UCS-2 BE, version dropped");
	/* U+00E9, U+65E5, U+1F600 (surrogate pair) */
	{
		const uint8_t j[] = { 0x00, 0xE9, 0x65, 0xE5,
				      0xD8, 0x3D, 0xDE, 0x00 };
		iso_name_joliet(j, sizeof(j), out, sizeof(out));
		is_str(out, "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80",
		       "Joliet: non-ASCII and a surrogate pair");
	}
	{
		uint8_t big[254];
		for (i = 0; i < sizeof(big); i += 2) {
			big[i] = 0x65; /* U+65E5: 3 UTF-8 bytes each */
			big[i + 1] = 0xE5;
		}
		is_int(iso_name_joliet(big, sizeof(big), out, 256), 255,
		       "Joliet: long name cut at a character boundary");
	}
}

/* --- SUSP and Rock Ridge ------------------------------------------------- */

static void test_susp(void)
{
	uint8_t a[512], d[64];
	struct iso_rr rr;
	char link[256];
	uint64_t ceb = 0;
	uint32_t ceo = 0, cel = 0;
	size_t n = 0;

	/* PX of RRIP 1.12 (44 bytes), with a serial number */
	memset(d, 0, sizeof(d));
	put_733(d, 0100644);
	put_733(d + 8, 2);
	put_733(d + 16, 1000);
	put_733(d + 24, 100);
	put_733(d + 32, 4242);
	n += entry(a + n, "PX", 1, d, 40);
	/* NM in two parts */
	n += nm_entries(a + n, long_name_flags, long_name_parts, 2);
	/* SL: PARENT, "a", "bc" continued by "d" in the next SL, ROOT, "etc" */
	{
		const uint8_t sl1[] = { 0x01, 0x04, 0, 0x00, 1,
					'a',  0x01, 2, 'b',  'c' };
		const uint8_t sl2[] = { 0x00, 0x00, 1,	 'd', 0x08, 0,
					0x00, 3,    'e', 't', 'c' };
		n += entry(a + n, "SL", 1, sl1, sizeof(sl1));
		n += entry(a + n, "SL", 1, sl2, sizeof(sl2));
	}
	/* TF: modify + access, short form */
	{
		const uint8_t tf[] = { 0x06, 109, 9, 24, 10, 34, 40, 8,
				       70,   1,	  2, 0,	 0,  0,	 0 };
		n += entry(a + n, "TF", 1, tf, sizeof(tf));
	}
	/* PN: a 32-bit dev_t all in the low word */
	memset(d, 0, 16);
	put_733(d + 8, 0x0801);
	n += entry(a + n, "PN", 1, d, 16);

	iso_rr_init(&rr, link, sizeof(link));
	iso_susp_area(a, n, ISO_RRW_NAME, &rr, &ceb, &ceo, &cel);
	ok(!(rr.have & ISO_RR_TF) && rr.tf == 0 && rr.mtime.tv_sec == 0 &&
		   !strcmp(rr.name, "long-name"),
	   "TF not decoded unless asked");
	iso_rr_init(&rr, link, sizeof(link));
	is_int(iso_susp_area(a, n, ISO_RRW_NAME | ISO_RRW_TIMES, &rr, &ceb,
			     &ceo, &cel),
	       0, "SUSP area without CE");
	ok((rr.have & ISO_RR_PX) && rr.mode == 0100644 && rr.nlink == 2 &&
		   rr.uid == 1000 && rr.gid == 100 && rr.serial == 4242,
	   "PX with serial number");
	is_str(rr.name, "long-name", "NM continued over two entries");
	is_str(link, "../a/bcd//etc",
	       "SL: PARENT, a component continued across entries, ROOT");
	is_int(rr.link_len, 13, "SL length counted");
	ok((rr.tf & ISO_TF_MODIFY) && rr.mtime.tv_sec == 1253781280 &&
		   (rr.tf & ISO_TF_ACCESS) && rr.atime.tv_sec == 86400 &&
		   !(rr.tf & ISO_TF_CREATE),
	   "TF short form, modify and access");
	ok(rr.dev_major == 8 && rr.dev_minor == 1,
	   "PN with the device in the low word (Linux reading)");
	ok(!rr.sl_bad, "a sound SL is not flagged");
	{
		const uint8_t past[] = { 0x00, 0x00, 9, 'a', 'b' };
		const uint8_t nul[] = { 0x00, 0x00, 3, 'a', 0, 'b' };

		iso_rr_init(&rr, link, sizeof(link));
		n = entry(a, "SL", 1, past, sizeof(past));
		iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
		ok(rr.sl_bad != NULL, "SL component past its entry is flagged");
		iso_rr_init(&rr, link, sizeof(link));
		n = entry(a, "SL", 1, nul, sizeof(nul));
		iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
		ok(rr.sl_bad != NULL, "SL component with a NUL is flagged");
	}

	/* long-form TF with creation; CE; ST ends the area */
	n = 0;
	{
		uint8_t tf[1 + 17];
		tf[0] = 0x81;
		memcpy(tf + 1, "2009092410344000", 16);
		tf[17] = 8;
		n += entry(a + n, "TF", 1, tf, sizeof(tf));
	}
	memset(d, 0, 24);
	put_733(d, 30);
	put_733(d + 8, 100);
	put_733(d + 16, 50);
	n += entry(a + n, "CE", 1, d, 24);
	n += entry(a + n, "ST", 1, NULL, 0);
	n += entry(a + n, "RE", 1, NULL, 0);
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_susp_area(a, n, ISO_RRW_TIMES, &rr, &ceb, &ceo, &cel), 1,
	       "CE found");
	ok(ceb == 30 && ceo == 100 && cel == 50, "CE fields");
	ok((rr.tf & ISO_TF_CREATE) && rr.btime.tv_sec == 1253781280,
	   "TF long form, creation time");
	ok(!(rr.have & ISO_RR_RE), "ST ends the area");

	/* malformed: an entry running past the area ends the walk */
	n = entry(a, "RE", 1, NULL, 0);
	a[n] = 'P';
	a[n + 1] = 'X';
	a[n + 2] = 200;
	a[n + 3] = 1;
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_susp_area(a, n + 4, 0, &rr, &ceb, &ceo, &cel), 0,
	       "entry longer than its area: walk ends");
	ok((rr.have & ISO_RR_RE) && !(rr.have & ISO_RR_PX),
	   "entries before the bad one are kept");
	a[2] = 3; /* length below 4 */
	iso_rr_init(&rr, NULL, 0);
	iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
	ok(!(rr.have & ISO_RR_RE), "entry length below 4 ends the walk");

	/* ZF: valid v1, and one with a bad block size that is ignored */
	{
		uint8_t zf[12] = { 'p', 'z', 4, 15 };
		put_733(zf + 4, 1234567);
		iso_rr_init(&rr, NULL, 0);
		n = entry(a, "ZF", 1, zf, sizeof(zf));
		iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
		ok((rr.have & ISO_RR_ZF) && rr.zf_size == 1234567 &&
			   rr.zf_log2 == 15,
		   "ZF version 1");
		zf[3] = 2;
		iso_rr_init(&rr, NULL, 0);
		n = entry(a, "ZF", 1, zf, sizeof(zf));
		iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
		ok(!(rr.have & ISO_RR_ZF), "ZF with block size 2^2 ignored");
		iso_rr_init(&rr, NULL, 0);
		n = entry(a, "ZF", 1, zf, 1); /* 5 bytes */
		iso_susp_area(a, n, 0, &rr, &ceb, &ceo, &cel);
		ok(!(rr.have & ISO_RR_ZF), "short ZF ignored");
	}
}

/*
 * A lookup's name test over the area a[0..n): NM compared in place, nothing
 * else decoded; rr holds what it found.
 */
static int name_walk(struct iso_rr *rr, const uint8_t *a, size_t n,
		     const char *want, size_t len)
{
	uint64_t ceb = 0;
	uint32_t ceo = 0, cel = 0;

	memset(rr, 0x5a, sizeof(*rr)); /* nothing else may be relied on */
	iso_rr_init_name(rr, want, len);
	return iso_susp_area(a, n, ISO_RRW_NAME | ISO_RRW_NAME_ONLY, rr, &ceb,
			     &ceo, &cel);
}

/* want is the whole name NM gives */
static bool nm_matches(const uint8_t *a, size_t n, const char *want)
{
	struct iso_rr rr;

	name_walk(&rr, a, n, want, strlen(want));
	return (rr.have & ISO_RR_NM) && !rr.mismatch && !rr.name_truncated &&
	       rr.name_len == strlen(want);
}

static void test_nm_compare(void)
{
	uint8_t a[1024], d[300];
	struct iso_rr rr;
	uint64_t ceb = 0;
	uint32_t ceo = 0, cel = 0;
	size_t n = 0;

	memset(d, 0, sizeof(d));
	put_733(d, 0100644);
	n += entry(a + n, "PX", 1, d, 32);
	n += nm_entries(a + n, long_name_flags, long_name_parts, 2);
	/* after the end of the name: ignored, as by a whole decoding */
	{
		const uint8_t flags[] = { 0 };
		const char *const more[] = { "more" };

		n += nm_entries(a + n, flags, more, 1);
	}

	ok(nm_matches(a, n, "long-name"), "NM over two entries matches");
	ok(!nm_matches(a, n, "long-"), "its first part alone does not");
	ok(!nm_matches(a, n, "long-nam"), "a prefix does not");
	ok(!nm_matches(a, n, "long-names"), "a longer name does not");
	ok(!nm_matches(a, n, "long-Name"), "a name differing in case does not");
	ok(!nm_matches(a, n, "long-namemore"), "NM after the last is ignored");

	is_int(name_walk(&rr, a, n, "long-name", 9), 0,
	       "name-only walk of an area without CE");
	ok(!(rr.have & ISO_RR_PX) && rr.name[0] == '\0',
	   "name-only: PX not decoded, the name not copied");

	/* 300 bytes of name in two entries: cut by a whole decoding */
	n = 0;
	d[0] = 1;
	memset(d + 1, 'x', 200);
	n += entry(a + n, "NM", 1, d, 201);
	d[0] = 0;
	n += entry(a + n, "NM", 1, d, 101);
	name_walk(&rr, a, n, "x", 1);
	ok(rr.mismatch, "a long name differing early is a mismatch");
	{
		char cut[ISO_NAME_MAX + 1];

		memset(cut, 'x', ISO_NAME_MAX);
		cut[ISO_NAME_MAX] = '\0';
		name_walk(&rr, a, n, cut, ISO_NAME_MAX);
		ok(rr.name_truncated && !rr.mismatch,
		   "a name cut at 255 bytes is left to a whole decoding");
		iso_rr_init(&rr, NULL, 0);
		iso_susp_area(a, n, ISO_RRW_NAME, &rr, &ceb, &ceo, &cel);
		ok(rr.name_truncated && !strcmp(rr.name, cut),
		   "a whole decoding gives the cut name");
	}

	/* NM "." flags: no name to compare */
	n = 0;
	d[0] = 0x02;
	n += entry(a + n, "NM", 1, d, 1);
	name_walk(&rr, a, n, "a", 1);
	ok(rr.name_cur && rr.name_len == 0, "NM CURRENT compares nothing");
}

/* A scratch image file with a window, for the continuation-area tests. */
struct scratch {
	char path[64];
	fsimg_image *img;
	fsimg_fs fs;
	struct iso_fs ifs;
};

static int scratch_open(struct scratch *s, const uint8_t *data, size_t len)
{
	int fd;

	snprintf(s->path, sizeof(s->path), "/tmp/test_iso.XXXXXX");
	fd = mkstemp(s->path);
	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	if (fsimg_image_open(s->path, 0, &s->img))
		return -1;
	memset(&s->fs, 0, sizeof(s->fs));
	memset(&s->ifs, 0, sizeof(s->ifs));
	s->fs.img = s->img;
	s->fs.win = (struct fsimg_window){ .img = s->img,
					   .src = fsimg_image_top(s->img),
					   .off = 0,
					   .len = len };
	s->ifs.fs = &s->fs;
	s->ifs.img = s->img;
	s->ifs.win = s->fs.win;
	return 0;
}

static void scratch_close(struct scratch *s)
{
	fsimg_image_close(s->img);
	unlink(s->path);
}

static size_t ce_entry(uint8_t *p, uint32_t block, uint32_t off, uint32_t len)
{
	uint8_t d[24];

	put_733(d, block);
	put_733(d + 8, off);
	put_733(d + 16, len);
	return entry(p, "CE", 1, d, sizeof(d));
}

static void test_ce(void)
{
	static uint8_t img[8 * 2048];
	uint8_t su[64], rb[256];
	struct scratch s;
	struct iso_rec r;
	struct iso_rr rr;
	const char *why;
	size_t n;

	memset(img, 0, sizeof(img));
	/* block 2: NM continued from the record, then a CE to block 3 */
	{
		uint8_t nm[8] = { 0, 't', 'a', 'i', 'l' };
		size_t k = entry(img + 2 * 2048 + 16, "NM", 1, nm, 5);
		ce_entry(img + 2 * 2048 + 16 + k, 3, 0, 28);
	}
	/* block 3: a CE back to itself: a loop */
	ce_entry(img + 3 * 2048, 3, 0, 28);
	/* block 4: a CE to the next block, and so on: a long chain */
	for (uint32_t b = 4; b < 7; b++)
		ce_entry(img + b * 2048, b + 1, 0, 28);
	for (uint32_t k = 0; k < 40; k++)
		ce_entry(img + 7 * 2048 + k * 28, 7, (k + 1) * 28, 28);
	if (scratch_open(&s, img, sizeof(img))) {
		ok(0, "scratch image");
		return;
	}

	/* NM "head-" in the record, "tail" in the continuation area */
	{
		uint8_t nm[8] = { 1, 'h', 'e', 'a', 'd', '-' };
		size_t k = entry(su, "NM", 1, nm, 6);
		k += ce_entry(su + k, 2, 16, 40);
		n = mkrec(rb, 9, 0, 0, "F", su, k);
	}
	iso_rec_decode(rb, n, 100, &r, &why);
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_rr_parse(&s.ifs, &r, ISO_RRW_NAME, false, &rr), -EUCLEAN,
	       "CE chain looping back to itself is refused");
	is_str(rr.name, "head-tail", "NM continued in a continuation area");
	iso_rr_init_name(&rr, "head-tail", 9);
	is_int(iso_rr_parse(&s.ifs, &r, ISO_RRW_NAME | ISO_RRW_NAME_ONLY, false,
			    &rr),
	       -EUCLEAN, "name-only: the same CE chain is refused");
	ok(!rr.mismatch && rr.name_len == 9,
	   "name-only: NM compared in a continuation area");
	iso_rr_init_name(&rr, "head-tall", 9);
	iso_rr_parse(&s.ifs, &r, ISO_RRW_NAME | ISO_RRW_NAME_ONLY, false, &rr);
	ok(rr.mismatch, "name-only: a difference in the continuation area");

	n = mkrec(rb, 9, 0, 0, "F", su, ce_entry(su, 4, 0, 28));
	iso_rec_decode(rb, n, 100, &r, &why);
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_rr_parse(&s.ifs, &r, 0, false, &rr), -EUCLEAN,
	       "CE chain longer than the hop limit is refused");

	n = mkrec(rb, 9, 0, 0, "F", su, ce_entry(su, 2, 100, 4000));
	iso_rec_decode(rb, n, 100, &r, &why);
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_rr_parse(&s.ifs, &r, 0, false, &rr), -EUCLEAN,
	       "CE area longer than a block is rejected");

	/* makefs packs areas across block boundaries: read them */
	{
		uint8_t nm[8] = { 0, 'x', 'y' };
		size_t k = entry(img + 2048 + 2044, "NM", 1, nm, 3);
		uint8_t *p = img + 2048 + 2044;
		(void)k;
		scratch_close(&s);
		if (scratch_open(&s, img, sizeof(img))) {
			ok(0, "scratch image");
			return;
		}
		n = mkrec(rb, 9, 0, 0, "F", su,
			  ce_entry(su, 0, 2048 + 2044, 7));
		iso_rec_decode(rb, n, 100, &r, &why);
		iso_rr_init(&rr, NULL, 0);
		ok(!iso_rr_parse(&s.ifs, &r, ISO_RRW_NAME, false, &rr) &&
			   !strcmp(rr.name, "xy") && p[0] == 'N',
		   "CE area running across a block boundary is read");
	}

	n = mkrec(rb, 9, 0, 0, "F", su, ce_entry(su, 5000, 0, 28));
	iso_rec_decode(rb, n, 100, &r, &why);
	iso_rr_init(&rr, NULL, 0);
	is_int(iso_rr_parse(&s.ifs, &r, 0, false, &rr), -EIO,
	       "CE area outside the image is -EIO");
	scratch_close(&s);
}

/* --- zisofs ------------------------------------------------------------- */

static void test_zisofs(void)
{
	uint8_t h[24] = { 0x37, 0xE4, 0x53, 0x96, 0xC9, 0xDB, 0xD6, 0x07 };
	struct iso_zhdr z;

	h[8] = 0x87; /* 1234567 LE */
	h[9] = 0xD6;
	h[10] = 0x12;
	h[12] = 4;
	h[13] = 15;
	ok(!iso_zisofs_header(h, 16, &z) && z.version == 1 &&
		   z.size == 1234567 && z.hdr_size == 16 && z.log2 == 15,
	   "zisofs v1 header");
	h[13] = 18;
	is_int(iso_zisofs_header(h, 16, &z), -EUCLEAN,
	       "zisofs v1 block size 2^18 rejected");
	h[13] = 15;
	h[12] = 5;
	is_int(iso_zisofs_header(h, 16, &z), -EUCLEAN,
	       "zisofs v1 header size 20 rejected");
	h[0] = 0;
	is_int(iso_zisofs_header(h, 16, &z), -EUCLEAN, "bad magic rejected");
	{
		uint8_t v2[24] = { 0xEF, 0x22, 0x55, 0xA1, 0xBC, 0x1B,
				   0x95, 0xA0, 0,    6,	   1,	 17 };
		v2[12] = 0x00;
		v2[16] = 0x01; /* 4 GiB */
		ok(!iso_zisofs_header(v2, 24, &z) && z.version == 2 &&
			   z.size == 1ull << 32 && z.alg == 1 &&
			   z.hdr_size == 24,
		   "zisofs2 header, 4 GiB");
		v2[11] = 21;
		is_int(iso_zisofs_header(v2, 24, &z), -EUCLEAN,
		       "zisofs2 block size 2^21 rejected");
	}
	is_int(iso_zisofs_check_block(100, 200, 100, 1000, 32768), 0,
	       "block pointers in range");
	is_int(iso_zisofs_check_block(200, 100, 16, 1000, 32768), -EUCLEAN,
	       "decreasing pointers rejected");
	is_int(iso_zisofs_check_block(20, 100, 40, 1000, 32768), -EUCLEAN,
	       "block inside the pointer table rejected");
	is_int(iso_zisofs_check_block(100, 2000, 16, 1000, 32768), -EUCLEAN,
	       "block past the stored data rejected");
	is_int(iso_zisofs_check_block(100, 100 + 70000, 16, 1u << 20, 32768),
	       -EUCLEAN, "compressed block far bigger than a block rejected");
}

/* --- the directory index cache -------------------------------------------- */

static void test_dcache(void)
{
	struct iso_dcache *c;
	struct iso_dindex *x;
	fsimg_ino h = 0;
	uint64_t rec = 0;
	char name[32];
	bool all = true;

	if (iso_dcache_new(64 << 10, &c)) {
		ok(0, "dcache");
		return;
	}
	is_int(iso_dcache_find(c, 4096, "a", &h, &rec), -ENOENT,
	       "no index for an unseen directory");
	x = iso_dindex_new(4096);
	ok(x && iso_dindex_add(x, "a", 1, 100, 0, 64 << 10) &&
		   iso_dindex_add(x, "b", 1, 200, 7, 64 << 10) &&
		   iso_dindex_add(x, "a", 1, 300, 0, 64 << 10),
	   "index built");
	iso_dcache_put(c, x);
	ok(iso_dcache_find(c, 4096, "b", &h, &rec) == 1 && h == 200 && rec == 7,
	   "name found with its handle and record");
	ok(iso_dcache_find(c, 4096, "a", &h, &rec) == 1 && h == 100,
	   "the first of two equal names wins");
	is_int(iso_dcache_find(c, 4096, "c", &h, &rec), 0,
	       "a name not in the directory");

	/* an index bigger than the whole cache is not built */
	x = iso_dindex_new(8192);
	for (int i = 0; i < 10000 && all; i++) {
		snprintf(name, sizeof(name), "file-%06d", i);
		all = iso_dindex_add(x, name, strlen(name), 1, 0, 64 << 10);
	}
	ok(!all, "adding stops at the cache's limit");
	iso_dindex_free(x);
	is_int(iso_dcache_find(c, 8192, "file-000001", &h, &rec), -ENOENT,
	       "a too-big directory is not cached");

	/* least recently used indexes go first */
	for (fsimg_ino d = 1; d <= 40; d++) {
		x = iso_dindex_new(d * 2048);
		for (int i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), "entry-%d", i);
			iso_dindex_add(x, name, strlen(name), 1, 0, 64 << 10);
		}
		iso_dcache_put(c, x);
		iso_dcache_find(c, 4096, "a", &h, &rec); /* keep it warm */
	}
	is_int(iso_dcache_find(c, 2048, "entry-1", &h, &rec), -ENOENT,
	       "the oldest index was dropped");
	is_int(iso_dcache_find(c, 40 * 2048, "entry-1", &h, &rec), 1,
	       "the newest index is there");
	is_int(iso_dcache_find(c, 4096, "a", &h, &rec), 1,
	       "a recently used index survives");

	/* a directory is indexed on its second scan */
	ok(!iso_dcache_scanned(c, 2048 * 100), "a first scan: no index");
	ok(iso_dcache_scanned(c, 2048 * 100), "a second scan: index it");
	for (fsimg_ino d = 1; d <= ISO_DCACHE_SCANNED; d++)
		iso_dcache_scanned(c, 2048 * (200 + d));
	ok(!iso_dcache_scanned(c, 2048 * 100),
	   "forgotten after %u other directories", ISO_DCACHE_SCANNED);
	iso_dcache_free(c);
}

/* --- end to end with xorriso --------------------------------------------- */

static int sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_fn(void *ctx, const char *name, fsimg_ino ino,
		    const struct fsimg_stat *st, uint64_t next)
{
	unsigned *n = ctx;

	(void)name;
	(void)ino;
	(void)st;
	(void)next;
	(*n)++;
	return 0;
}

static int first_fn(void *ctx, const char *name, fsimg_ino ino,
		    const struct fsimg_stat *st, uint64_t next)
{
	uint64_t *cookie = ctx;

	(void)name;
	(void)ino;
	(void)st;
	*cookie = next;
	return 1;
}

static void e2e_check(const char *iso, const char *opts, bool rock, bool zisofs)
{
	fsimg_image *img = NULL;
	fsimg_fs *fs = NULL;
	fsimg_ino ino, sub;
	struct fsimg_stat st;
	struct fsimg_fsinfo info;
	struct fsimg_statfs sfs;
	fsimg_file *f;
	char buf[4096], want[4096];
	unsigned count = 0, rest = 0;
	uint64_t cookie = 0;
	int rc;

	rc = fsimg_image_open(iso, 0, &img);
	is_int(rc, 0, "[%s] image opens", opts);
	if (rc)
		return;
	rc = fsimg_fs_open(img, 0, 0, NULL, opts, &fs);
	is_int(rc, 0, "[%s] probed and opened as ISO9660", opts);
	if (rc)
		goto out;
	is_str(fsimg_fs_type(fs), "iso9660", "[%s] type", opts);
	fsimg_fs_info(fs, &info);
	is_str(info.label, "FSIMGTEST", "[%s] label", opts);
	is_int(info.block_size, 2048, "[%s] block size", opts);
	fsimg_statfs(fs, &sfs);
	ok(sfs.bsize == 2048 && sfs.blocks * 2048 == info.size, "[%s] statfs",
	   opts);

	rc = fsimg_resolve(fs, "/dir/sub/hello.txt", 0, &ino, &st);
	is_int(rc, 0, "[%s] resolve a nested file", opts);
	is_int(st.size, 6, "[%s] its size", opts);
	rc = fsimg_file_open(fs, ino, &f);
	is_int(rc, 0, "[%s] open it", opts);
	if (!rc) {
		ssize_t n = fsimg_file_read(f, buf, sizeof(buf), 0);
		ok(n == 6 && !memcmp(buf, "hello\n", 6), "[%s] read it", opts);
		fsimg_file_close(f);
	}

	rc = fsimg_resolve(fs, "/numbers", 0, &ino, &st);
	is_int(rc, 0, "[%s] resolve a 300 KB file", opts);
	rc = fsimg_file_open(fs, ino, &f);
	if (!rc) {
		struct fsimg_extent ext;
		ssize_t n = fsimg_file_read(f, buf, 12, 200000);
		FILE *src = fopen("/tmp/test_iso_src/numbers", "rb");
		size_t got = 0;

		if (src) {
			fseek(src, 200000, SEEK_SET);
			got = fread(want, 1, 12, src);
			fclose(src);
		}
		ok(n == 12 && got == 12 && !memcmp(buf, want, 12),
		   "[%s] read in the middle of the file", opts);
		rc = fsimg_file_map(f, 100000, &ext);
		if (zisofs) {
			is_int(rc, -EOPNOTSUPP, "[%s] compressed: no map",
			       opts);
			ok(st.attrs & FSIMG_ATTR_COMPRESSED,
			   "[%s] compressed attribute", opts);
		} else {
			ok(!rc && ext.logical == 0 && ext.length == st.size &&
				   ext.physical % 2048 == 0,
			   "[%s] map gives the plain extent", opts);
		}
		fsimg_file_close(f);
	} else {
		ok(0, "[%s] open the 300 KB file", opts);
		ok(0, "[%s] map", opts);
	}

	rc = fsimg_resolve(fs, "/dir", 0, &sub, &st);
	ok(!rc && S_ISDIR(st.mode), "[%s] a directory", opts);
	rc = fsimg_readdir(fs, sub, 0, count_fn, &count);
	ok(!rc && count == 3, "[%s] readdir lists 3 entries", opts);
	rc = fsimg_readdir(fs, sub, 0, first_fn, &cookie);
	rc = fsimg_readdir(fs, sub, cookie, count_fn, &rest);
	ok(!rc && rest == 2, "[%s] readdir resumes from a cookie", opts);
	is_int(fsimg_lookup(fs, sub, "nope", &ino, NULL), -ENOENT,
	       "[%s] lookup of a missing name", opts);
	{
		fsimg_ino again;
		fsimg_lookup(fs, fsimg_fs_root(fs), "dir", &again, NULL);
		is_int(again, sub, "[%s] same handle again", opts);
	}

	rc = fsimg_resolve(fs, "/link", FSIMG_NOFOLLOW, &ino, &st);
	if (rock) {
		ok(!rc && S_ISLNK(st.mode), "[%s] symlink", opts);
		rc = fsimg_readlink(fs, ino, buf, sizeof(buf));
		is_str(rc > 0 ? buf : "", "dir/sub/hello.txt", "[%s] readlink",
		       opts);
		rc = fsimg_resolve(fs, "/link", 0, &ino, &st);
		ok(!rc && st.size == 6, "[%s] resolve follows it", opts);
		rc = fsimg_resolve(fs, "/dir/Mixed Case.txt", 0, &ino, &st);
		is_int(rc, 0, "[%s] Rock Ridge keeps the case", opts);
	} else {
		is_int(rc, -ENOENT, "[%s] no symlinks in Joliet", opts);
		rc = fsimg_resolve(fs, "/dir/Mixed Case.txt", 0, &ino, &st);
		is_int(rc, 0, "[%s] Joliet keeps the case", opts);
	}
	fsimg_fs_close(fs);
out:
	fsimg_image_close(img);
}

/*
 * A cold start waits for each of its reads in turn: opening a Rock Ridge
 * and Joliet image and reading one file reads the descriptors, the root's
 * records and continuation area, the directory and the file, and nothing
 * else (not the Joliet tree, nor data sectors where a UDF sequence of
 * larger sectors or a second session could have been).
 */
static void open_reads(const char *iso)
{
	fsimg_image *img = NULL;
	fsimg_fs *fs = NULL;
	fsimg_file *f;
	fsimg_ino ino;
	char buf[16];
	long before = read_calls(), n;
	int rc = fsimg_image_open(iso, 0, &img);

	if (!rc)
		rc = fsimg_fs_open(img, 0, 0, NULL, NULL, &fs);
	if (!rc)
		rc = fsimg_resolve(fs, "/dir/sub/hello.txt", 0, &ino, NULL);
	if (!rc)
		rc = fsimg_file_open(fs, ino, &f);
	if (!rc) {
		rc = fsimg_file_read(f, buf, sizeof(buf), 0) == 6 ? 0 : -1;
		fsimg_file_close(f);
	}
	n = read_calls() - before;
	ok(!rc && before >= 0 && n <= 9,
	   "opening an ISO and reading a file: %ld reads", n);
	fsimg_fs_close(fs);
	fsimg_image_close(img);
}

static void test_e2e(void)
{
	const char *mk =
		"rm -rf /tmp/test_iso_src && mkdir -p "
		"/tmp/test_iso_src/dir/sub "
		"&& cd /tmp/test_iso_src && echo hello > dir/sub/hello.txt "
		"&& echo x > 'dir/Mixed Case.txt' && echo y > dir/other "
		"&& seq 1 50000 > numbers && ln -s dir/sub/hello.txt link";

	if (sh("command -v xorriso >/dev/null 2>&1") != 0) {
		printf("ok %d # SKIP xorriso is not installed\n", ++tap_n);
		return;
	}
	if (sh(mk) != 0 ||
	    sh("xorriso -as mkisofs -R -J -V FSIMGTEST -quiet "
	       "-o /tmp/test_iso_rj.iso /tmp/test_iso_src >/dev/null 2>&1") ||
	    sh("xorriso -outdev /tmp/test_iso_z.iso -blank as_needed "
	       "-volid FSIMGTEST -map /tmp/test_iso_src / "
	       "-set_filter_r --zisofs / -- -commit >/dev/null 2>&1")) {
		ok(0, "xorriso builds the test images");
		return;
	}
	open_reads("/tmp/test_iso_rj.iso");
	e2e_check("/tmp/test_iso_rj.iso", "", true, false);
	e2e_check("/tmp/test_iso_rj.iso", "norock", false, false);
	e2e_check("/tmp/test_iso_z.iso", "", true, true);
	sh("rm -rf /tmp/test_iso_src /tmp/test_iso_rj.iso /tmp/test_iso_z.iso");
}

/*
 * A directory of 3,000 entries spans many read chunks (ISO_DIR_CHUNK):
 * every name is found, by the first lookup's scan and through the index
 * the second builds, with the handle readdir gives; misses are -ENOENT
 * both ways; a listing resumed from a cookie in the middle goes on.
 */
#define BIG_N 3000

struct big_seen {
	fsimg_ino ino[BIG_N];
	unsigned n, bad;
	uint64_t mid; /* cookie after entry BIG_N / 3 */
};

static int big_fn(void *ctx, const char *name, fsimg_ino ino,
		  const struct fsimg_stat *st, uint64_t next)
{
	struct big_seen *b = ctx;
	unsigned i;

	(void)st;
	if (sscanf(name, "name-%4u", &i) != 1 || i >= BIG_N || b->ino[i])
		b->bad++;
	else
		b->ino[i] = ino;
	if (++b->n == BIG_N / 3)
		b->mid = next;
	return 0;
}

static void big_lookups(const char *iso, const char *opts)
{
	static struct big_seen b;
	fsimg_image *img = NULL;
	fsimg_fs *fs = NULL;
	fsimg_ino dir, ino;
	char name[32];
	unsigned wrong = 0, rest = 0;
	int rc;

	memset(&b, 0, sizeof(b));
	if (fsimg_image_open(iso, 0, &img) ||
	    fsimg_fs_open(img, 0, 0, NULL, opts, &fs) ||
	    fsimg_resolve(fs, "/big", 0, &dir, NULL)) {
		ok(0, "[%s] big directory opens", opts);
		goto out;
	}
	is_int(fsimg_lookup(fs, dir, "name-", &ino, NULL), -ENOENT,
	       "[%s] a miss by scan", opts);
	fsimg_fs_close(fs);
	fs = NULL;
	if (fsimg_fs_open(img, 0, 0, NULL, opts, &fs) ||
	    fsimg_resolve(fs, "/big", 0, &dir, NULL)) {
		ok(0, "[%s] big directory opens again", opts);
		goto out;
	}
	rc = fsimg_readdir(fs, dir, 0, big_fn, &b);
	ok(!rc && b.n == BIG_N && !b.bad, "[%s] readdir lists %u entries", opts,
	   b.n);
	rc = fsimg_readdir(fs, dir, b.mid, count_fn, &rest);
	ok(!rc && rest == BIG_N - BIG_N / 3,
	   "[%s] resumed from the middle: %u entries", opts, rest);
	rc = fsimg_lookup(fs, dir, "name-2999", &ino, NULL);
	ok(!rc && ino == b.ino[2999], "[%s] the last name by scan", opts);
	is_int(fsimg_lookup(fs, dir, "name-9999", &ino, NULL), -ENOENT,
	       "[%s] a miss while indexing", opts);
	for (unsigned i = 0; i < BIG_N; i++) {
		snprintf(name, sizeof(name), "name-%04u", i);
		if (fsimg_lookup(fs, dir, name, &ino, NULL) || ino != b.ino[i])
			wrong++;
	}
	is_int(wrong, 0, "[%s] every name through the index", opts);
	is_int(fsimg_lookup(fs, dir, "name-3000", &ino, NULL), -ENOENT,
	       "[%s] a miss through the index", opts);
out:
	fsimg_fs_close(fs);
	fsimg_image_close(img);
}

static void test_bigdir(void)
{
	if (sh("command -v xorriso >/dev/null 2>&1") != 0) {
		printf("ok %d # SKIP xorriso is not installed\n", ++tap_n);
		return;
	}
	if (sh("rm -rf /tmp/test_iso_big && mkdir -p /tmp/test_iso_big/big && "
	       "cd /tmp/test_iso_big/big && seq -f 'name-%04g' 0 2999 | "
	       "xargs touch && xorriso -as mkisofs -R -J -quiet "
	       "-o /tmp/test_iso_big.iso /tmp/test_iso_big >/dev/null 2>&1")) {
		ok(0, "xorriso builds the big directory image");
		return;
	}
	big_lookups("/tmp/test_iso_big.iso", "");
	big_lookups("/tmp/test_iso_big.iso", "norock");
	sh("rm -rf /tmp/test_iso_big /tmp/test_iso_big.iso");
}

int main(void)
{
	test_times();
	test_both_endian();
	test_records();
	test_names();
	test_susp();
	test_nm_compare();
	test_ce();
	test_zisofs();
	test_dcache();
	test_e2e();
	test_bigdir();
	return tap_done();
}
