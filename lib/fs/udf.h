/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the UDF driver (ECMA-167 3rd edition as profiled
 * by OSTA UDF 1.02 to 2.60), shared by its files:
 *
 *   udf.c       volume recognition (VRS), anchors, the volume descriptor
 *               sequence, partition maps, the file set descriptor; probe,
 *               open, info, details, statfs, the driver descriptor
 *   udf_map.c   logical blocks of each partition map to blocks of the
 *               volume: type 1, sparable (sparing tables), virtual (VAT)
 *               and metadata (the metadata file, its mirror as fallback)
 *   udf_node.c  descriptor tags (checksum, CRC, location), file entries and
 *               extended file entries, ICB strategy 4096, allocation
 *               descriptors with their continuation extents, getattr
 *   udf_dir.c   file identifier descriptors, OSTA compressed Unicode,
 *               readdir, lookup; named streams as extended attributes
 *   udf_file.c  file data: open, read, map, readlink
 *
 * Section numbers "4/14.9" are ECMA-167 part/clause; "UDF 2.2.13" are the
 * OSTA UDF 2.60 specification's.
 *
 * Node handles
 * ------------
 * A handle is the address of a file's ICB: (partition reference + 1) << 32
 * | logical block. It is stable, never 0 or 1, and the same however the
 * file is reached, so hard links (several identifiers naming one ICB)
 * share it; st_ino is the handle too. The root is the file set
 * descriptor's root ICB.
 *
 * Readdir cookies are byte offsets in the directory's data of the first
 * identifier not yet returned. Every identifier is checked (tag, lengths)
 * before use and the walk only moves forward, so a listing always ends.
 *
 * Bounds a hostile image cannot push past: volume descriptor pointers
 * followed (16), descriptors read in a sequence (4096), ICB hops of
 * strategy 4096 (1024, as Linux), continuation extents of allocation
 * descriptors (4096) and extents per file (1 << 20), directory size
 * (256 MiB), symlink size (4096 bytes), sparing table entries (65535,
 * what its 16-bit count can say).
 */
#ifndef FSIMG_UDF_H
#define FSIMG_UDF_H

#include "internal.h"

#include <stdbool.h>

extern const struct fsimg_driver fsimg_udf_driver;
#define UDF_DBG(...) DRV_DBG(fsimg_udf_driver, __VA_ARGS__)

/* 3/7.2.1 tag identifiers */
enum {
	UDF_TAG_PVD = 1,
	UDF_TAG_AVDP = 2,
	UDF_TAG_VDP = 3,
	UDF_TAG_IUVD = 4,
	UDF_TAG_PD = 5,
	UDF_TAG_LVD = 6,
	UDF_TAG_USD = 7,
	UDF_TAG_TD = 8,
	UDF_TAG_LVID = 9,
	UDF_TAG_FSD = 256,
	UDF_TAG_FID = 257,
	UDF_TAG_AED = 258,
	UDF_TAG_IE = 259,
	UDF_TAG_TE = 260,
	UDF_TAG_FE = 261,
	UDF_TAG_EAHD = 262,
	UDF_TAG_EFE = 266,
};

/* 4/14.6.6 file types */
enum {
	UDF_FT_IE = 3,
	UDF_FT_DIR = 4,
	UDF_FT_FILE = 5,
	UDF_FT_BLOCK = 6,
	UDF_FT_CHAR = 7,
	UDF_FT_EA = 8,
	UDF_FT_FIFO = 9,
	UDF_FT_SOCKET = 10,
	UDF_FT_TE = 11,
	UDF_FT_SYMLINK = 12,
	UDF_FT_STREAMDIR = 13,
	UDF_FT_VAT20 = 248,
	UDF_FT_REALTIME = 249,
	UDF_FT_METADATA = 250,
	UDF_FT_METAMIRROR = 251,
	UDF_FT_METABITMAP = 252,
};

#define UDF_MAX_PARTMAPS 16u
#define UDF_MAX_VDP	 16u
#define UDF_MAX_VDS_DESC 4096u
#define UDF_MAX_ICB_HOPS 1024u
#define UDF_MAX_AED	 4096u
#define UDF_MAX_EXTENTS	 (1u << 20)
#define UDF_DIR_MAX	 (256ull << 20)
#define UDF_LINK_MAX	 4096u
#define UDF_NAME_MAX	 255u /* UTF-8 bytes a name may take, as NAME_MAX */

enum udf_map_type {
	UDF_MAP_PHYSICAL, /* type 1 */
	UDF_MAP_SPARABLE, /* type 2, "*UDF Sparable Partition" */
	UDF_MAP_VIRTUAL,  /* type 2, "*UDF Virtual Partition" */
	UDF_MAP_METADATA, /* type 2, "*UDF Metadata Partition" */
};

struct udf_sparing_entry {
	uint32_t orig, mapped;
};

/* A run of a file's data: what one allocation descriptor says. */
struct udf_extent {
	uint64_t logical; /* byte offset in the file */
	uint32_t length;  /* bytes */
	uint32_t lbn;	  /* first logical block, in partition part */
	uint16_t part;	  /* partition reference */
	uint8_t type;	  /* 0 recorded, 1 allocated only, 2 hole */
};

struct udf_node;

struct udf_partmap {
	enum udf_map_type type;
	uint16_t number; /* the partition number it maps */
	/* the partition descriptor's extent, in blocks of the volume */
	uint32_t start, length;
	bool have_pd;
	/* virtual and metadata: the type 1 or sparable map of the same
	   partition number, where their files are */
	uint16_t phys;
	/* sparable */
	uint16_t packet;
	uint8_t ntables;
	uint32_t table_size;
	uint32_t table_loc[4];
	struct udf_sparing_entry *sparing;
	uint32_t nsparing;
	/* virtual: the VAT file, read entry by entry through the cache */
	struct udf_node *vat;
	uint64_t vat_off; /* byte offset of entry 0 in it */
	uint32_t nvat;
	/* metadata: the metadata file (or its mirror when it is unreadable) */
	struct udf_node *meta;
	uint32_t meta_lbn, mirror_lbn; /* their ICBs, in the physical map */
	bool use_mirror;
};

struct udf_fs {
	fsimg_fs *fs;
	fsimg_image *img;
	struct fsimg_window win;

	uint32_t bsize;
	unsigned bshift;
	uint64_t nblocks; /* blocks of the window */
	uint32_t anchor;  /* block of the anchor used */
	uint16_t udf_rev; /* from the domain identifier, BCD: 0x0250 */
	bool nsr03;

	struct udf_partmap map[UDF_MAX_PARTMAPS];
	unsigned nmaps;

	/* the file set descriptor and the root */
	uint16_t fsd_part;
	uint32_t fsd_lbn;
	uint64_t root;

	/* descriptive, for info and details */
	char volume_id[128]; /* PVD, UTF-8 */
	char volume_set_id[512];
	char uuid[17];		  /* as blkid makes it of the volume set id */
	char lv_id[512];	  /* LVD */
	char fileset_id[128];	  /* FSD */
	char app_id[32];	  /* PVD application identifier */
	char impl_id[32];	  /* LVD implementation identifier */
	struct timespec recorded; /* PVD recording time */
	bool have_recorded;
	uint16_t min_read_rev, min_write_rev, max_write_rev; /* LVID */
	bool have_lvid;
	uint32_t lvid_files, lvid_dirs;
	bool lvid_open;	     /* integrity type 0: not closed */
	uint64_t volume_end; /* bytes the volume claims (partition ends) */

	/* uid=/gid= for ids recorded as -1 (4294967295) */
	uint32_t uid_unset, gid_unset;
};

static inline struct udf_fs *udf_of(const fsimg_fs *fs)
{
	return fs->priv;
}

/* --- udf.c ------------------------------------------------------------- */

/* Reads block lbn of the volume (absolute) through the cache. */
int udf_read_block(struct udf_fs *u, uint64_t block, void *buf,
		   const char *what);

/* --- descriptor tags (udf_node.c) ---------------------------------------- */

/* 3/7.2.6 CRC-CCITT (x^16 + x^12 + x^5 + 1, initial 0) of p[0..len-1] */
uint16_t udf_crc(const uint8_t *p, size_t len);
/*
 * Checks the tag of a descriptor in buf (size bytes): checksum, CRC over
 * its CRC length (which must fit in size), and that it was written at
 * location (its logical block in the partition it is addressed in; pass
 * UINT32_MAX to skip). Returns the tag identifier, or -EUCLEAN with *why.
 */
int udf_tag_check(const uint8_t *buf, size_t size, uint32_t location,
		  const char **why);

/* 1/7.3 timestamp to UTC */
void udf_timestamp(const uint8_t *p, struct timespec *ts);
/*
 * OSTA compressed Unicode (UDF 2.1.1) of len bytes to UTF-8 in out (room
 * bytes). Returns the length, or -EUCLEAN (an unknown compression id),
 * -ENAMETOOLONG.
 */
int udf_cs0_to_utf8(const uint8_t *p, size_t len, char *out, size_t room);
/* A dstring (1/7.2.12) of size bytes to UTF-8; empty when unreadable. */
void udf_dstring(const uint8_t *p, size_t size, char *out, size_t room);

/* --- mapping (udf_map.c) -------------------------------------------------- */

/*
 * The block of the volume that logical block lbn of partition reference
 * part is stored in. -EUCLEAN with a message when it lies outside.
 */
int udf_map_block(struct udf_fs *u, uint16_t part, uint32_t lbn,
		  uint64_t *block);
/* How many blocks from lbn on map to consecutive volume blocks (>= 1). */
uint32_t udf_map_run(struct udf_fs *u, uint16_t part, uint32_t lbn,
		     uint64_t block, uint32_t max);
/* After the partition maps are read: sparing tables, VAT, metadata. */
int udf_maps_load(struct udf_fs *u);
void udf_maps_free(struct udf_fs *u);

/* --- nodes (udf_node.c) -----------------------------------------------------
 */

struct udf_node {
	uint64_t handle;
	uint16_t part; /* where the ICB is */
	uint32_t lbn;
	uint8_t file_type;
	uint16_t icb_flags;
	bool efe;
	uint32_t uid, gid, perm;
	uint16_t nlink;
	uint64_t size;	 /* information length */
	uint64_t blocks; /* logical blocks recorded */
	struct timespec atime, mtime, ctime, btime;
	bool has_btime;
	uint32_t rdev_major, rdev_minor;
	bool has_rdev;
	/* data: embedded in the ICB, or extents */
	uint8_t *inline_data;
	uint32_t inline_len;
	struct udf_extent *ext;
	uint32_t next;
	uint16_t stream_part; /* EFE stream directory ICB, 0/0 = none */
	uint32_t stream_lbn;
	bool has_streams;
};

/*
 * Reads the node at handle (the newest entry of its ICB), decoding the
 * allocation descriptors into n->ext when want_data (free with
 * udf_node_free). Errors name the block and the structure.
 */
int udf_node_read(struct udf_fs *u, uint64_t handle, struct udf_node *n,
		  bool want_data);
void udf_node_free(struct udf_node *n);
void udf_stat_of(const struct udf_fs *u, const struct udf_node *n,
		 struct fsimg_stat *st);
/* udf_stat_of, and a symlink's size the length of its target */
int udf_stat_node(struct udf_fs *u, const struct udf_node *n,
		  struct fsimg_stat *st);
int udf_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);

static inline uint64_t udf_handle(uint16_t part, uint32_t lbn)
{
	return ((uint64_t)part + 1) << 32 | lbn;
}

/* --- data (udf_file.c)
 * -------------------------------------------------------- */

/* The extent holding byte off of n (a binary search), or NULL. */
const struct udf_extent *udf_extent_at(const struct udf_node *n, uint64_t off);
/* Reads size bytes of n's data at off (inside its size). */
ssize_t udf_read_data(struct udf_fs *u, const struct udf_node *n, void *buf,
		      size_t size, uint64_t off, bool cached);
int udf_file_open(fsimg_file *f);
ssize_t udf_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int udf_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
void udf_file_close(fsimg_file *f);
int udf_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);
/* The target of the symlink at handle, as readlink gives it. */
int udf_link_target(struct udf_fs *u, uint64_t handle, char *buf, size_t size);

/* --- directories (udf_dir.c)
 * --------------------------------------------------- */

int udf_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);
int udf_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
/* Named streams as the extended attributes "user.NAME". */
ssize_t udf_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);
ssize_t udf_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		     size_t size);

#endif /* FSIMG_UDF_H */
