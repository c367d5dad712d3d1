/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the UFS superblock parser: both magics in both byte
 * orders, FreeBSD's placement rules (a UFS2 superblock only where
 * fs_sblockloc says, never a UFS1 one at 64 KiB), the flavour decision
 * and each geometry check (FreeBSD ufs/ffs/fs.h offsets), and the Solaris
 * state fields (illumos sys/fs/ufs_fs.h: fs_state at 132 little-endian,
 * 1336 big-endian; fs_logbno 1324; fs_clean 209; fs_flags 211).
 */
#include "internal.h"
#include "tap.h"
#include "fs/ufs.h"

#include <stdio.h>

static void put32(uint8_t *sb, bool be, unsigned off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		sb[off + (be ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *sb, bool be, unsigned off, uint64_t v)
{
	put32(sb, be, off + (be ? 4 : 0), (uint32_t)v);
	put32(sb, be, off + (be ? 0 : 4), (uint32_t)(v >> 32));
}

/* A valid superblock like makefs writes: 4 KiB blocks, 512 B fragments */
static void sb_make(uint8_t *sb, unsigned version, bool be)
{
	unsigned isz = version == 2 ? 256 : 128, psz = version == 2 ? 8 : 4;

	memset(sb, 0, UFS_SB_READ);
	put32(sb, be, 8, 16);  /* sblkno */
	put32(sb, be, 12, 24); /* cblkno */
	put32(sb, be, 16, 32); /* iblkno */
	put32(sb, be, 20, 96); /* dblkno: 64 inodes of 256 B = 16 KiB */
	put32(sb, be, 28, 0xffffffffu);
	put32(sb, be, 44, 2); /* ncg */
	put32(sb, be, 48, 4096);
	put32(sb, be, 52, 512);
	put32(sb, be, 56, 8);
	put32(sb, be, 72, ~4095u);
	put32(sb, be, 76, ~511u);
	put32(sb, be, 80, 12);
	put32(sb, be, 84, 9);
	put32(sb, be, 96, 3);
	put32(sb, be, 100, 0);
	put32(sb, be, 104, 4096);
	put32(sb, be, 116, 4096 / psz);
	put32(sb, be, 120, 4096 / isz);
	put32(sb, be, 160, 4096);
	put32(sb, be, 184, 64);
	put32(sb, be, 188, 1024);
	put32(sb, be, 36, 2000); /* UFS1 size */
	put32(sb, be, 40, 1800);
	put64(sb, be, 1000, 8192);
	put64(sb, be, 1080, 2000);
	put64(sb, be, 1088, 1800);
	put32(sb, be, 1320, 15 * psz);
	put32(sb, be, 1324, 2);
	put32(sb, be, UFS_SB_MAGIC_OFF, version == 2 ? UFS2_MAGIC : UFS1_MAGIC);
}

static void test_valid(void)
{
	uint8_t sb[UFS_SB_READ];
	struct ufs_fs u;
	const char *why;

	for (unsigned v = 1; v <= 2; v++) {
		for (int be = 0; be <= 1; be++) {
			sb_make(sb, v, be);
			memset(&u, 0, sizeof(u));
			is_int(ufs_sb_parse(&u, sb, 8192, &why), 0,
			       "UFS%u %s: valid at 8 KiB", v, be ? "BE" : "LE");
			is_int(u.version, v, "version decoded");
			ok(u.be == (bool)be, "byte order from the magic");
			ok(u.flavour == UFS_FLAVOUR_BSD, "BSD flavour");
			is_int(u.ninodes, 128, "ncg * ipg");
		}
	}
	sb_make(sb, 2, false);
	is_int(ufs_sb_parse(&u, sb, 65536, &why), -ENOENT,
	       "UFS2 not where fs_sblockloc says: a spare copy");
	sb_make(sb, 1, true);
	is_int(ufs_sb_parse(&u, sb, 65536, &why), -ENOENT,
	       "UFS1 at 64 KiB: a spare copy");
	sb_make(sb, 1, false);
	put32(sb, false, 1324, 0);
	put32(sb, false, 1320, 0);
	is_int(ufs_sb_parse(&u, sb, 8192, &why), 0, "old-format UFS1 parses");
	ok(u.flavour == UFS_FLAVOUR_SOLARIS, "and is not the BSD flavour");
	memset(sb, 0, sizeof(sb));
	is_int(ufs_sb_parse(&u, sb, 8192, &why), -ENOENT, "no magic");
}

static void test_bad(void)
{
	static const struct {
		unsigned off;
		uint32_t value;
		const char *what;
	} cases[] = {
		{ 48, 3000, "fs_bsize not a power of two" },
		{ 48, 1u << 17, "fs_bsize above MAXBSIZE" },
		{ 52, 8192, "fs_fsize above fs_bsize" },
		{ 56, 4, "fs_frag" },
		{ 80, 13, "fs_bshift" },
		{ 84, 10, "fs_fshift" },
		{ 96, 2, "fs_fragshift" },
		{ 100, 1, "fs_fsbtodb" },
		{ 72, 0, "fs_bmask" },
		{ 120, 7, "fs_inopb" },
		{ 116, 100, "fs_nindir" },
		{ 44, 0, "fs_ncg zero" },
		{ 44, 3, "fs_ncg disagrees with fs_size" },
		{ 184, 0, "fs_ipg zero" },
		{ 184, 60, "fs_ipg not a multiple of fs_inopb" },
		{ 188, 1001, "fs_fpg not a multiple of fs_frag" },
		{ 160, 0, "fs_cgsize zero" },
		{ 16, 200, "fs_iblkno past fs_dblkno" },
		{ 20, 40, "inode table overlaps the data" },
		{ 1320, 1000, "fs_maxsymlinklen" },
	};
	uint8_t sb[UFS_SB_READ];
	struct ufs_fs u;
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sb_make(sb, 2, true);
		put32(sb, true, cases[i].off, cases[i].value);
		why = NULL;
		is_int(ufs_sb_parse(&u, sb, 8192, &why), -EUCLEAN, "%s",
		       cases[i].what);
		ok(why != NULL, "  with a reason (%s)", why ? why : "none");
	}
	sb_make(sb, 2, false);
	put64(sb, false, 1080, UINT64_MAX / 2);
	is_int(ufs_sb_parse(&u, sb, 8192, &why), -EUCLEAN, "absurd fs_size");
}

/* A Solaris superblock: sb_make's UFS1 with old-format fields */
static void sb_make_sun(uint8_t *sb, bool be, int32_t time, uint32_t state)
{
	sb_make(sb, 1, be);
	put32(sb, be, 1320, 2); /* fs_version */
	put32(sb, be, 1324, 0); /* fs_logbno */
	put32(sb, be, 32, (uint32_t)time);
	put32(sb, be, be ? 1336 : 132, state);
	put32(sb, be, be ? 132 : 1336, 32); /* fs_npsect */
	sb[209] = 1;			    /* FSCLEAN */
	sb[211] = 1;			    /* FSLARGEFILES */
}

static void test_solaris(void)
{
	uint8_t sb[UFS_SB_READ];
	struct ufs_fs u;
	const char *why;

	for (int be = 0; be <= 1; be++) {
		const char *o = be ? "BE" : "LE";

		sb_make_sun(sb, be, 1000, 0x7c269d38u - 1000);
		memset(&u, 0, sizeof(u));
		is_int(ufs_sb_parse(&u, sb, 8192, &why), 0, "Solaris %s parses",
		       o);
		ok(u.flavour == UFS_FLAVOUR_SOLARIS, "  Solaris flavour");
		ok(u.il == &ufs1_sun_layout, "  Solaris inode layout");
		ok(u.state_ok, "  fs_state == FSOKAY - fs_time at %u",
		   be ? 1336 : 132);
		is_int(u.clean, 1, "  fs_clean");
		is_int(u.flags, 1, "  fs_flags FSLARGEFILES (char at 211)");
		is_int(u.logbno, 0, "  no log");
		is_int(u.maxsymlinklen, 60,
		       "  symlinks inline up to ic_db+ic_ib");

		/* fs_state in the other byte order's slot: not trusted */
		sb_make_sun(sb, be, 1000, 32);
		put32(sb, be, be ? 132 : 1336, 0x7c269d38u - 1000);
		memset(&u, 0, sizeof(u));
		is_int(ufs_sb_parse(&u, sb, 8192, &why), 0, "  npsect/state");
		ok(!u.state_ok, "  fs_state read from the %s slot only", o);

		/* logging: fs_logbno is a sector, never 2 */
		sb_make_sun(sb, be, 1000, 0x7c269d38u - 1000);
		put32(sb, be, 1324, 4096);
		sb[209] = 0xfd;
		memset(&u, 0, sizeof(u));
		is_int(ufs_sb_parse(&u, sb, 8192, &why), 0, "  logging parses");
		ok(u.flavour == UFS_FLAVOUR_SOLARIS && u.logbno == 4096,
		   "  fs_logbno decoded, still Solaris");
	}
	/* negative fs_time wraps as Solaris computes it (int32) */
	sb_make_sun(sb, true, -5, 0x7c269d38u + 5);
	memset(&u, 0, sizeof(u));
	is_int(ufs_sb_parse(&u, sb, 8192, &why), 0, "negative fs_time parses");
	ok(u.state_ok, "  fs_state matches FSOKAY - fs_time");
}

int main(void)
{
	test_valid();
	test_bad();
	test_solaris();
	return tap_done();
}
