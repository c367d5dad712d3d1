/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the FAT12/16/32 driver (VFAT long names), shared
 * by its files:
 *
 *   fat.c       boot sector and BPB, probe, options, open, info, statfs,
 *               xattrs, the driver descriptor
 *   fat_file.c  the FAT itself: entries, bounded cluster-chain walks, file
 *               data (read, map)
 *   fat_dir.c   directory entries, long-name assembly, getattr, readdir,
 *               lookup, the root directory's volume label
 *   fat_name.c  code pages, short names, the long-name checksum, times
 *
 * Specification cited: Microsoft Extensible Firmware Initiative FAT32 File
 * System Specification, version 1.03 (2000), "the spec" below; its
 * sections: 3 boot sector and BPB, 3.5 FAT type determination, 4 the FAT,
 * 6 directory entries, 7 long names.
 *
 * Node handles
 * ------------
 * A handle is the window byte position of the node's short (8.3) directory
 * entry. Entries are 32 bytes and 32-byte aligned (spec 6), so positions
 * are multiples of 32, never 0 (the boot sector) and never 1. The root
 * directory has no entry (on FAT32 neither: it is only BPB_RootClus) and is
 * FAT_ROOT = 1. A directory therefore has one handle however it is reached
 * (readdir and lookup both hand out the position of its entry in its
 * parent; "." and ".." entries are never handed out, the path walk of
 * lib/path.c does ".." itself), and getattr decodes any handle by reading
 * the 32 bytes at it: no node table, nothing remembered. getattr checks
 * that the bytes there are still a live short entry (-ESTALE otherwise).
 * st_ino is the handle too (FUSE swaps 1 and the root handle, both 1 here).
 *
 * Readdir cookies are the index (in 32-byte entries) of the first entry not
 * yet returned; a directory holds at most FAT_DIR_ENTRIES_MAX entries
 * (spec 6: 65536), so cookies are small.
 */
#ifndef FSIMG_FAT_H
#define FSIMG_FAT_H

#include "internal.h"

extern const struct fsimg_driver fsimg_fat_driver;
#define FAT_DBG(...) DRV_DBG(fsimg_fat_driver, __VA_ARGS__)

#include <time.h>

/* --- limits --------------------------------------------------------------- */

#define FAT_ROOT	    1u
#define FAT_DIRENT	    32u
#define FAT_DIR_ENTRIES_MAX 65536u     /* spec 6: a directory's size limit */
#define FAT_LFN_SLOTS	    20u	       /* 20 x 13 UTF-16 units >= 255 */
#define FAT_NAME_MAX	    255u       /* UTF-16 units of a long name */
#define FAT_UTF8_MAX	    1024u      /* bytes of a name in UTF-8, with NUL */
#define FAT_DEPTH_MAX	    256u       /* ".." hops when checking ancestry */
#define FAT_RUNS_MAX	    (1u << 20) /* contiguous runs of one open file */

/* spec 6, DIR_Attr */
enum fat_attr {
	FAT_ATTR_RO = 0x01,
	FAT_ATTR_HIDDEN = 0x02,
	FAT_ATTR_SYSTEM = 0x04,
	FAT_ATTR_VOLUME = 0x08,
	FAT_ATTR_DIR = 0x10,
	FAT_ATTR_ARCHIVE = 0x20,
	FAT_ATTR_LFN = 0x0f,
	FAT_ATTR_LFN_MASK = 0x3f,
};

/* DIR_NTRes bits Windows NT sets for an all-lower-case base or extension */
#define FAT_NT_LOWER_BASE 0x08
#define FAT_NT_LOWER_EXT  0x10

/* --- the volume ------------------------------------------------------------
 */

struct fat_bpb {
	unsigned bits; /* 12, 16 or 32 */
	uint32_t bps;  /* bytes per sector */
	uint32_t spc;  /* sectors per cluster */
	uint32_t cluster_size;
	uint32_t reserved;
	uint32_t nfats;
	uint32_t root_entries; /* FAT12/16 fixed root */
	uint32_t total_sectors;
	uint32_t fat_sectors;
	uint32_t clusters;     /* data clusters: valid numbers 2..clusters+1 */
	uint32_t root_cluster; /* FAT32 */
	uint32_t active_fat;   /* FAT32 BPB_ExtFlags, when mirroring is off */
	uint64_t fat_off;      /* window byte offset of the FAT in use */
	uint64_t root_off;     /* FAT12/16: window offset of the root */
	uint64_t root_size;    /* bytes */
	uint64_t data_off;     /* window offset of cluster 2 */
	uint64_t volume_size;  /* bytes the BPB claims */
	uint8_t media;
	bool have_serial;
	uint32_t serial;
	char bs_label[12]; /* raw 11 bytes, trailing blanks kept */
	char oem[12];	   /* 8 bytes, blank-padded to 11 */
	char fstype[9];
};

/*
 * Checks a boot sector (512 bytes at least) by the spec's rules and fills
 * b. Returns 0, or -EUCLEAN with *why set to a static reason.
 */
int fat_bpb_parse(const uint8_t *bs, struct fat_bpb *b, const char **why);

struct fat_fs {
	fsimg_fs *fs;
	fsimg_image *img;
	struct fsimg_window win;
	struct fat_bpb b;
	const uint16_t *cp; /* code page bytes 0x80-0xff to Unicode */
	unsigned codepage;
	int32_t tz_off; /* seconds east of UTC the stored local times are */
};

static inline struct fat_fs *fat_of(const fsimg_fs *fs)
{
	return fs->priv;
}

/* Byte position of cluster c (2..clusters+1) in the window. */
static inline uint64_t fat_cluster_pos(const struct fat_fs *f, uint32_t c)
{
	return f->b.data_off + (uint64_t)(c - 2) * f->b.cluster_size;
}

static inline bool fat_cluster_ok(const struct fat_fs *f, uint32_t c)
{
	return c >= 2 && c <= f->b.clusters + 1;
}

/* A read of metadata through the cache that names what was read. */
int fat_read(struct fat_fs *f, uint64_t pos, void *buf, size_t len,
	     const char *what);

/* --- cluster chains (fat_file.c) --------------------------------------------
 */

/*
 * A walk along a chain. Every walk ends: after clusters+1 hops at most, and
 * a loop is caught early by Brent's cycle detection (the cluster saved at
 * each power of two is compared with the current one).
 */
struct fat_chain {
	uint32_t cur; /* current cluster, 0 after the end */
	uint32_t saved;
	uint64_t hops, power, lam;
	uint32_t first;
};

void fat_chain_start(struct fat_chain *c, uint32_t first);
/*
 * Moves to the next cluster: 1 moved (c->cur), 0 the chain ended, or
 * -EUCLEAN (loop, free or bad cluster, a number past the end), with a
 * message naming what.
 */
int fat_chain_next(struct fat_fs *f, struct fat_chain *c, const char *what);
/* Logs why the chain of `what` is broken and returns -EUCLEAN. */
int fat_err_chain(struct fat_fs *f, const struct fat_chain *c, const char *what,
		  const char *why);
/* The FAT entry of cluster n. */
int fat_entry(struct fat_fs *f, uint32_t n, uint32_t *val);

int fat_file_open(fsimg_file *file);
ssize_t fat_file_read(fsimg_file *file, void *buf, size_t size, uint64_t off);
int fat_file_map(fsimg_file *file, uint64_t off, struct fsimg_extent *ext);
void fat_file_close(fsimg_file *file);

/* --- directories (fat_dir.c) ------------------------------------------------
 */

/* One decoded short entry with the name users see. */
struct fat_dent {
	uint64_t pos;	/* window position of the short entry = handle */
	uint32_t index; /* entry index within the directory */
	uint8_t raw[FAT_DIRENT];
	uint8_t attr;
	uint32_t cluster;
	uint32_t size;
	bool has_long;
	char name[FAT_UTF8_MAX];
	char short_name[16 * 3]; /* 8.3 in UTF-8, lower-case flags applied */
};

/* Walks the entries of a directory (dir = FAT_ROOT or a cluster number). */
/* Bytes of directory entries an iterator reads at once (fat_dir.c). */
#define FAT_DIR_BUF 4096u

struct fat_diter {
	struct fat_fs *f;
	bool fixed_root;     /* FAT12/16 root region */
	uint32_t index;	     /* next entry */
	uint64_t pos;	     /* its window position, 0 at the end */
	uint32_t in_cluster; /* entries left in the current cluster */
	struct fat_chain ch;
	/* long-name assembly (spec 7) */
	uint8_t lfn_sum;
	unsigned lfn_next; /* next order number expected, 0 = none pending */
	unsigned lfn_count;
	bool lfn_done; /* order 1 seen: the name is complete */
	bool advance;  /* step past the entry at pos on the next call */
	/*
	 * A lookup's name, or NULL: a short entry without a long name whose
	 * short name is plain ASCII and is not this name is passed over
	 * without being decoded (fat_short_eq()).
	 */
	const char *want;
	uint64_t buf_pos; /* window position of buf's entries */
	uint32_t buf_len; /* bytes of them (0: none) */
	uint8_t lfn[FAT_LFN_SLOTS * 13 * 2]; /* UTF-16LE */
	uint8_t buf[FAT_DIR_BUF]; /* entries read ahead (not zeroed) */
};

/*
 * Starts at entry index `start` of the directory whose first cluster is
 * `cluster` (0: the root).
 */
int fat_diter_init(struct fat_diter *it, struct fat_fs *f, uint32_t cluster,
		   uint32_t start);
/*
 * The next live entry (not deleted, not a long-name slot): 1, 0 at the end
 * of the directory, -errno. Volume labels and "."/".." are returned too;
 * callers decide.
 */
int fat_diter_next(struct fat_diter *it, struct fat_dent *d);

/* First cluster of the directory with handle h (0 for the root). */
int fat_dir_cluster(struct fat_fs *f, fsimg_ino h, uint32_t *cluster);

int fat_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
int fat_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
int fat_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);
/* The root's volume-label entry in UTF-8: 1 found, 0 none, -errno. */
int fat_root_label(struct fat_fs *f, char *out, size_t room);
/* Decodes a short entry into st (for the entry at handle h). */
void fat_dent_stat(struct fat_fs *f, const uint8_t *raw, fsimg_ino h,
		   struct fsimg_stat *st);

/* --- names and times (fat_name.c)
 * --------------------------------------------- */

/* Looks a code page up by number: NULL when unknown. */
const uint16_t *fat_codepage(unsigned cp);
/*
 * The user-visible form of a short name (spec 6.1): blanks trimmed, "."
 * before a non-empty extension, 0x05 read as 0xE5, DIR_NTRes lower-case
 * flags applied, bytes >= 0x80 through the code page. Returns its length.
 */
size_t fat_short_name(const uint8_t *raw11, uint8_t ntres, const uint16_t *cp,
		      char *out, size_t room);
/* A volume label (11 bytes, blanks trimmed) in UTF-8. */
size_t fat_label_name(const uint8_t *raw11, const uint16_t *cp, char *out,
		      size_t room);
/* spec 7.2: the checksum of an 11-byte short name. */
uint8_t fat_lfn_checksum(const uint8_t *raw11);
/* Names compare equal ignoring case (ASCII and Latin-1 letters). */
bool fat_name_eq_nocase(const char *a, const char *b);
/*
 * Whether the short name raw11 decodes (fat_short_name()) to name, ignoring
 * case as fat_name_eq_nocase() does, without decoding it: 1 or 0, and -1
 * when raw11 holds a byte outside printable ASCII (decode and compare).
 */
int fat_short_eq(const uint8_t *raw11, const char *name);
/*
 * spec 6.3: a date and time (2 s units) plus hundredths to UTC, with the
 * local-time offset. false when the date is zero (unset).
 */
bool fat_time(uint16_t date, uint16_t time, uint8_t tenth, int32_t tz_off,
	      struct timespec *ts);

#endif /* FSIMG_FAT_H */
