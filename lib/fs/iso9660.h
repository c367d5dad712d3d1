/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of the ISO9660 driver, shared by its files:
 *
 *   iso9660.c          probe, options, open, statfs, the driver descriptor
 *   iso9660_vd.c       volume descriptors and sessions
 *   iso9660_info.c     info and details from the descriptors
 *   iso9660_dir.c      directory records, names, nodes, getattr, readlink
 *   iso9660_tree.c     directory walks, a directory's own record, ancestry
 *   iso9660_readdir.c  the entries users see, readdir, lookup
 *   iso9660_dcache.c   the bounded LRU cache of per-directory name indexes
 *   iso9660_rr.c       SUSP and Rock Ridge (RRIP 1.12) entries
 *   iso9660_file.c     file data: extents, multi-extent files, map
 *   iso9660_zisofs.c   zisofs (RRIP "ZF") transparent decompression
 *   iso9660_eltorito.c the El Torito boot catalog (written separately)
 *   iso9660_bootsize.c the length of a no-emulation boot image
 *
 * Specifications cited: ECMA-119 4th edition (= ISO 9660:1988 + 2019
 * clarifications), IEEE P1281 SUSP 1.12, IEEE P1282 RRIP 1.12, Joliet
 * (Microsoft, 1995), El Torito 1.0, zisofs and zisofs2 (libisofs doc).
 */
#ifndef FSIMG_ISO9660_H
#define FSIMG_ISO9660_H

#include "internal.h"

extern const struct fsimg_driver fsimg_iso9660_driver;
#define ISO_DBG(...) DRV_DBG(fsimg_iso9660_driver, __VA_ARGS__)

#include <time.h>

/*
 * lib/fs/iso9660_eltorito.c. Parses the El Torito boot catalog at
 * catalog_lba (2048-byte blocks, relative to the window) and fills up to max
 * entries; returns how many the catalog holds, or -errno.
 */
int iso_eltorito_entries(const struct fsimg_window *w, uint32_t catalog_lba,
			 struct fsimg_boot_entry *entries, size_t max);
/*
 * lib/fs/iso9660_bootsize.c. Sets the length of each no-emulation entry
 * still at its load size to the size of the file whose data it is.
 */
void iso_boot_lengths(fsimg_fs *fs, struct fsimg_boot_entry *e, size_t n);

/* --- limits: every walk over image data has one ------------------------ */

#define ISO_BLOCK	 2048u /* the only logical block size we accept */
#define ISO_BLOCK_SHIFT	 11
#define ISO_VD_MAX	 64u /* descriptors scanned per volume descriptor set */
#define ISO_SESSIONS_MAX 99u /* a CD holds at most 99 tracks */
#define ISO_SVD_MAX	 8u  /* Joliet descriptors remembered */
#define ISO_CE_MAX	 32u /* SUSP continuation areas per record */
#define ISO_EXTENTS_MAX	 8192u /* records of one multi-extent file */
#define ISO_DEPTH_MAX	 1024u /* directory nesting */
#define ISO_NAME_MAX	 255u  /* bytes of a name we hand out (NAME_MAX) */
#define ISO_LINK_MAX	 4095u /* bytes of a symlink target (PATH_MAX - 1) */
#define ISO_DCACHE_BYTES (4u << 20) /* all directory indexes together */
#define ISO_PROBE_BLOCKS 64u /* directories probed by lookup, in blocks */

/* --- both-endian numbers and times (ECMA-119 7.2, 7.3, 8.4.26.1, 9.1.5) -- */

/* 7.2.3 / 7.3.3: LE then BE. *v gets the LE half; false when they differ. */
static inline bool iso_get_723(const uint8_t *p, uint16_t *v)
{
	*v = get_le16(p);
	return *v == get_be16(p + 2);
}

static inline bool iso_get_733(const uint8_t *p, uint32_t *v)
{
	*v = get_le32(p);
	return *v == get_be32(p + 4);
}

/* 9.1.5: 7 bytes. false when the stamp is unset (all zero) or invalid. */
bool iso_time7(const uint8_t *p, struct timespec *ts);
/* 8.4.26.1: 17 bytes of digits. false when unset or invalid. */
bool iso_time17(const uint8_t *p, struct timespec *ts);

/* --- directory records (ECMA-119 9.1) ---------------------------------- */

#define ISO_DR_MIN 34u /* 33 fixed bytes plus a one-byte name */

enum iso_file_flags {
	ISO_FF_HIDDEN = 1u << 0,     /* "existence": hide from the user */
	ISO_FF_DIR = 1u << 1,	     /* directory */
	ISO_FF_ASSOCIATED = 1u << 2, /* associated file (Mac resource fork) */
	ISO_FF_RECORD = 1u << 3,
	ISO_FF_PROTECTION = 1u << 4,
	ISO_FF_MULTI = 1u << 7, /* not the final record of the file */
};

struct iso_rec {
	uint64_t pos;	  /* window byte position of the record */
	uint8_t len;	  /* bytes of the record */
	uint8_t xa_len;	  /* blocks of extended attribute record */
	uint32_t extent;  /* first block of the extent (LE half) */
	uint32_t size;	  /* data length (LE half) */
	bool endian_diff; /* the LE and BE halves disagreed */
	uint8_t raw_time[7];
	uint8_t flags;
	uint8_t unit_size, gap; /* interleaving (9.1.7, 9.1.8) */
	uint8_t name_len;
	uint8_t name_off; /* 33 */
	uint8_t su_off;	  /* start of the system use area */
	uint8_t su_len;
	uint8_t raw[255]; /* the record itself */
};

/*
 * Decodes the record at the start of buf (avail bytes, at most what is left
 * of its block). Returns 0, or -EUCLEAN with *why set to a static reason.
 */
int iso_rec_decode(const uint8_t *buf, size_t avail, uint64_t pos,
		   struct iso_rec *r, const char **why);
/*
 * The checks of iso_rec_decode alone: the record's length, and where its
 * System Use area starts (su_off == len: none). 0 or -EUCLEAN with *why.
 */
int iso_rec_bounds(const uint8_t *buf, size_t avail, size_t *len,
		   size_t *su_off, const char **why);

static inline bool iso_rec_is_dot(const struct iso_rec *r)
{
	return r->name_len == 1 && r->raw[33] == 0;
}
static inline bool iso_rec_is_dotdot(const struct iso_rec *r)
{
	return r->name_len == 1 && r->raw[33] == 1;
}

/* Window byte position of a record's data: 9.1.2, the XAR comes first. */
static inline uint64_t iso_rec_data(const struct iso_rec *r)
{
	return ((uint64_t)r->extent + r->xa_len) * ISO_BLOCK;
}

/* --- Rock Ridge ---------------------------------------------------------- */

enum iso_rr_have {
	ISO_RR_SP = 1u << 0,
	ISO_RR_ER = 1u << 1,
	ISO_RR_PX = 1u << 2,
	ISO_RR_PN = 1u << 3,
	ISO_RR_SL = 1u << 4,
	ISO_RR_NM = 1u << 5,
	ISO_RR_CL = 1u << 6,
	ISO_RR_PL = 1u << 7,
	ISO_RR_RE = 1u << 8,
	ISO_RR_TF = 1u << 9,
	ISO_RR_ZF = 1u << 10,  /* a well-formed ZF or Z2 entry */
	ISO_RR_ANY = 1u << 11, /* some RRIP entry (RR, PX, NM, ...) */
};

/*
 * What iso_rr_parse should assemble besides the fixed-size facts. A
 * symlink target is assembled into rr->link whenever iso_rr_init was given
 * a buffer; its length is counted always.
 */
enum iso_rr_want {
	ISO_RRW_NAME = 1u << 0,	 /* the NM name into rr->name */
	ISO_RRW_TIMES = 1u << 1, /* the TF times (a lookup's scan skips them) */
	/*
	 * NM alone (CE and ST still followed, to find it): rr must have been
	 * cleared with iso_rr_init_name, and only the name fields are set. A
	 * lookup's scan tests each record's name so before decoding the rest.
	 */
	ISO_RRW_NAME_ONLY = 1u << 2,
};

enum iso_tf_bits {
	ISO_TF_CREATE = 1u << 0,
	ISO_TF_MODIFY = 1u << 1,
	ISO_TF_ACCESS = 1u << 2,
	ISO_TF_ATTRIBUTES = 1u << 3,
};

struct iso_rr {
	unsigned have;
	/* PX */
	uint32_t mode, nlink, uid, gid;
	uint64_t serial; /* RRIP 1.12 file serial number, 0 if none */
	/* PN */
	uint32_t dev_major, dev_minor;
	/* TF */
	unsigned tf; /* enum iso_tf_bits found */
	struct timespec btime, mtime, atime, ctime;
	/* CL, PL */
	uint32_t cl, pl;
	/* NM */
	char name[ISO_NAME_MAX + 1];
	size_t name_len;
	bool name_truncated, name_cur, name_parent;
	bool nm_done; /* an NM entry without CONTINUE was seen */
	/*
	 * Set by iso_rr_init_name: NM is compared with match instead of being
	 * copied; name_len counts the bytes that matched, name stays empty.
	 */
	const char *match;
	size_t match_len;
	bool mismatch;
	/* SL: assembled into link (when asked), length counted always */
	char *link;
	size_t link_room;
	size_t link_len; /* may exceed link_room - 1: then truncated */
	bool sl_done, sl_need_sep;
	const char *sl_bad; /* why the target is unusable, or NULL */
	/* ZF / Z2 */
	uint8_t zf_version; /* 1: zisofs, 2: zisofs2 */
	uint8_t zf_alg[2];
	uint8_t zf_hdr_div4, zf_log2;
	uint64_t zf_size;
	/* SP, ER */
	uint8_t sp_skip;
	char er_id[64];
};

struct iso_fs;

/*
 * Walks the System Use area of r (after the SUSP skip bytes, unless
 * at_root_dot: the SP entry sits at byte 0 of the root's "." record) and its
 * continuation areas. rr must have been cleared with iso_rr_init().
 * -EUCLEAN on a CE chain that loops, is too long or names an invalid area;
 * -EIO when a continuation area cannot be read; 0 otherwise (a malformed
 * entry ends the walk of its area).
 */
void iso_rr_init(struct iso_rr *rr, char *link, size_t link_room);
/* For ISO_RRW_NAME_ONLY: NM compared with match, which is len bytes. */
void iso_rr_init_name(struct iso_rr *rr, const char *match, size_t len);
int iso_rr_parse(struct iso_fs *ifs, const struct iso_rec *r, unsigned want,
		 bool at_root_dot, struct iso_rr *rr);
/* The same over a System Use area of len bytes, of the record at rec_pos. */
int iso_rr_parse_su(struct iso_fs *ifs, const uint8_t *area, size_t len,
		    uint64_t rec_pos, unsigned want, bool at_root_dot,
		    struct iso_rr *rr);
/* The SUSP walk over one byte area, for the unit tests. */
int iso_susp_area(const uint8_t *p, size_t len, unsigned want,
		  struct iso_rr *rr, uint64_t *ce_block, uint32_t *ce_off,
		  uint32_t *ce_len);

/* --- the filesystem ------------------------------------------------------ */

enum iso_tree {
	ISO_TREE_PLAIN, /* ECMA-119 names, mapped like Linux map=normal */
	ISO_TREE_JOLIET,
	ISO_TREE_RR, /* the primary tree with Rock Ridge */
};

struct iso_dcache;

struct iso_fs {
	fsimg_fs *fs;
	fsimg_image *img;
	struct fsimg_window win;

	/* which session */
	unsigned session, sessions;
	uint64_t session_start; /* block of the session's start */

	/* the volume (ECMA-119 8.4) */
	uint32_t volume_blocks;
	uint8_t pvd[ISO_BLOCK];
	uint8_t svd[ISO_BLOCK]; /* the Joliet descriptor in use, if any */
	bool have_joliet;	/* a usable Joliet descriptor (svd) */
	int joliet_root_ok;	/* its root: 0 not checked yet (iso_joliet()),
				 * 1 usable, -1 not; under lock */
	unsigned joliet_level;
	unsigned joliet_count;
	bool have_boot;
	uint32_t boot_catalog;

	/* trees */
	enum iso_tree tree;
	bool rr_present;   /* Rock Ridge found in the primary tree */
	uint8_t susp_skip; /* SP LEN_SKP */
	char rr_id[64];	   /* ER extension id */
	uint64_t pvd_root; /* window positions of the roots' "." records */
	uint64_t joliet_root;

	/* Rock Ridge: the root's rr_moved directory, decided once */
	pthread_mutex_t lock;
	int rr_moved_state; /* 0 unknown, 1 hidden, 2 shown/none */
	fsimg_ino rr_moved;

	struct iso_dcache *dcache;
	uint32_t probe_blocks; /* option dirprobe=N (iso9660_probe.c) */
	/* directory handle -> its record in its parent, direct-mapped */
	struct iso_posmap *posmap;
};

#define ISO_POSMAP_SLOTS 65536u
struct iso_posmap {
	fsimg_ino dir;
	uint64_t rec;
};

static inline struct iso_fs *iso_of(const fsimg_fs *fs)
{
	return fs->priv;
}

/* --- volume descriptors (iso9660_vd.c, iso9660_info.c) ------------------ */

static inline bool iso_vd_magic(const uint8_t *vd)
{
	return !memcmp(vd + 1, "CD001", 5);
}

/*
 * Finds the sessions and picks one: the one starting at block sb when
 * have_sb, else session sess when have_sess, else the last.
 */
int iso_pick_session(struct iso_fs *ifs, bool have_sb, uint64_t sb,
		     bool have_sess, uint64_t sess);
/* Reads the session's descriptor set; want_svd picks the Joliet one. */
int iso_scan_vds(struct iso_fs *ifs, uint64_t want_svd);
/* The root "." position of the tree a descriptor describes. */
int iso_root_of(struct iso_fs *ifs, const uint8_t *vd, uint64_t *root);
/* Whether the Joliet tree is usable: its root is checked when first asked. */
bool iso_joliet(struct iso_fs *ifs);
/* Looks for SUSP/Rock Ridge in the root's "." record. */
int iso_detect_rr(struct iso_fs *ifs);
int iso_info(fsimg_fs *fs, struct fsimg_fsinfo *info);
int iso_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx);

/* --- nodes (iso9660_dir.c) ------------------------------------------------ */

/*
 * A node as described by its directory record (for a directory: its
 * record in its parent, or the root's "." record), with what the Rock
 * Ridge entries say and, for a file made of several records, the total
 * size.
 */
struct iso_node {
	fsimg_ino handle;
	struct iso_rec rec;
	struct iso_rr rr;
	bool dir;
	uint64_t size;		     /* bytes stored (sum over the extents) */
	uint64_t blocks;	     /* 2048-byte blocks allocated */
	uint32_t nextents;	     /* records making up the file */
	char name[ISO_NAME_MAX + 1]; /* for messages; may be empty */
};

/*
 * Loads node h. A directory is described by its record in its parent (as
 * Linux and libarchive read it: the "." record often carries the time the
 * image was made), at window position rec when the caller knows it, else
 * found through iso_dir_record(); the root by its "." record. A Rock Ridge
 * symlink target is assembled into link when given.
 */
int iso_node_load_at(struct iso_fs *ifs, fsimg_ino h, uint64_t rec, char *link,
		     size_t room, struct iso_node *n);
static inline int iso_node_load(struct iso_fs *ifs, fsimg_ino h,
				struct iso_node *n)
{
	return iso_node_load_at(ifs, h, 0, NULL, 0, n);
}
/* Checks that h is the "." record of a directory (ECMA-119 6.8.2.2). */
int iso_dot_check(struct iso_fs *ifs, fsimg_ino h, struct iso_rec *dot);
/*
 * Finds the record naming directory d in its parent (the one its ".."
 * names): 1 found, 0 not found, -errno. Remembers what it finds.
 */
int iso_dir_record(struct iso_fs *ifs, fsimg_ino d, struct iso_rec *out);
/*
 * Remembers rec as the record of directory dir, unless one is remembered
 * already: returns the one that stands for dir from now on. A crafted
 * image can name one directory from several records (a cross-link), each
 * with its own mode, owner and times; the first one seen answers for all
 * (readdir, lookup and getattr alike), so that one node has one answer.
 */
uint64_t iso_posmap_claim(struct iso_fs *ifs, fsimg_ino dir, uint64_t rec);
/* Sets n->name from its record (Rock Ridge NM, Joliet or plain). */
void iso_node_name(const struct iso_fs *ifs, struct iso_node *n);
void iso_node_stat(const struct iso_fs *ifs, const struct iso_node *n,
		   struct fsimg_stat *st);
/* Reads the record at pos (window bytes). */
int iso_rec_read(struct iso_fs *ifs, uint64_t pos, struct iso_rec *r);

/* Maps a plain ECMA-119 name or a Joliet name to UTF-8, for the tests. */
size_t iso_name_plain(const uint8_t *in, size_t len, char *out, size_t room);
size_t iso_name_joliet(const uint8_t *in, size_t len, char *out, size_t room);

/* Follows the records of a multi-extent file: cb per record, in order. */
typedef int (*iso_extent_fn)(void *ctx, const struct iso_rec *r);
int iso_extents_walk(struct iso_fs *ifs, const struct iso_rec *first,
		     iso_extent_fn cb, void *ctx, uint32_t *count);

int iso_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
int iso_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
	       struct fsimg_stat *st);
int iso_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		fsimg_dirent_fn fn, void *ctx);
int iso_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/* --- directory walks and ancestry (iso9660_tree.c) ------------------------ */

/*
 * A directory bigger than ISO_DIR_CHUNK is read in chunks straight from the
 * image, not through the block cache: a walk reads each block once, so
 * caching it would only push out metadata that is read again, and copy a
 * big directory into as many fresh cache pages as it has blocks. A smaller
 * one, read whole by every lookup and listing, goes through the cache.
 */
#define ISO_DIR_CHUNK (16u * ISO_BLOCK)

struct iso_diter {
	struct iso_fs *ifs;
	uint64_t start, size, off;
	uint64_t blk;  /* first block of the directory held in buf */
	uint64_t nblk; /* blocks held in buf (0: none) */
	bool cont;     /* the last record said "more extents follow" */
	/*
	 * When set, asked about each record before it is decoded: 1 passes
	 * it over (its extent flags still count for cont), 0 decodes and
	 * returns it, -errno ends the walk. raw is len checked bytes, the
	 * System Use area from su_off, pos its window position.
	 */
	int (*skip)(void *ctx, const uint8_t *raw, size_t len, size_t su_off,
		    uint64_t pos);
	void *skip_ctx;
	uint8_t buf[ISO_DIR_CHUNK];
};

/*
 * iso9660_probe.c: for a lookup of name (len bytes) in the big directory
 * [start, start+size), the part [*from, *to) (offsets in the directory)
 * whose records should hold it, by the order of ISO identifiers: 0, or 1
 * when the directory is below ifs->probe_blocks, a Joliet one, or not
 * searchable.
 */
int iso_probe_window(struct iso_fs *ifs, uint64_t start, uint64_t size,
		     const char *name, size_t len, uint64_t *from,
		     uint64_t *to);

/* Walks the directory whose records are [start, start+size) from off. */
int iso_diter_init(struct iso_diter *it, struct iso_fs *ifs, uint64_t start,
		   uint64_t size, uint64_t off);
/* The next record: 1, 0 at the end, or -errno. */
int iso_diter_next(struct iso_diter *it, struct iso_rec *r);

struct iso_chain {
	unsigned n;
	fsimg_ino h[ISO_DEPTH_MAX];
};

/* The ancestors of directory d, d first, the root always last. */
int iso_dir_chain(struct iso_fs *ifs, fsimg_ino d, struct iso_chain *c);
bool iso_in_chain(const struct iso_chain *c, fsimg_ino h);

/* --- the directory index cache (iso9660_dcache.c) ------------------------- */

int iso_dcache_new(size_t limit, struct iso_dcache **out);
void iso_dcache_free(struct iso_dcache *c);

/* A name index of one directory, built by iso9660_readdir.c. */
struct iso_dindex;
struct iso_dindex *iso_dindex_new(fsimg_ino dir);
/* false when the index would grow past the cache's limit. */
bool iso_dindex_add(struct iso_dindex *x, const char *name, size_t len,
		    fsimg_ino handle, uint64_t rec, size_t limit);
void iso_dindex_free(struct iso_dindex *x);
/*
 * Looks name up in dir's index, if cached: 1 found (*h set, and *rec, the
 * position of a subdirectory's record or 0; *h == 0 means the entry is
 * known to be bad: -ELOOP), 0 not in the directory, -ENOENT when dir has no
 * cached index.
 */
int iso_dcache_find(struct iso_dcache *c, fsimg_ino dir, const char *name,
		    fsimg_ino *h, uint64_t *rec);
/*
 * Whether dir was scanned for a lookup before (true: index it now), and
 * remembers it when not. The last ISO_DCACHE_SCANNED directories are kept.
 */
#define ISO_DCACHE_SCANNED 64u
bool iso_dcache_scanned(struct iso_dcache *c, fsimg_ino dir);
/* Hands x to the cache (which may drop it at once when it is too big). */
void iso_dcache_put(struct iso_dcache *c, struct iso_dindex *x);
size_t iso_dcache_limit(const struct iso_dcache *c);

/* --- files (iso9660_file.c, iso9660_zisofs.c) ----------------------------- */

struct iso_extent {
	uint64_t logical; /* file offset */
	uint64_t pos;	  /* window byte position */
	uint64_t len;
};

struct iso_zisofs;

struct iso_file {
	struct iso_extent *ext;
	uint32_t count;	 /* extents in ext */
	uint64_t stored; /* bytes stored */
	struct iso_zisofs *z;
	char name[ISO_NAME_MAX + 1];
};

int iso_file_open(fsimg_file *f);
ssize_t iso_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
int iso_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
void iso_file_close(fsimg_file *f);
/* Reads stored bytes [off, off+len) of the file across its extents. */
int iso_file_raw_read(struct iso_fs *ifs, const struct iso_file *fp,
		      uint64_t off, void *buf, size_t len);

/*
 * zisofs: checks the ZF entry against the file header and sets up block
 * decoding. *size gets the uncompressed size. -EOPNOTSUPP for an algorithm
 * we cannot decode, -EUCLEAN for a header that disagrees.
 */
int iso_zisofs_open(struct iso_fs *ifs, struct iso_file *fp,
		    const struct iso_rr *rr, struct iso_zisofs **out);
ssize_t iso_zisofs_read(struct iso_fs *ifs, struct iso_file *fp, void *buf,
			size_t size, uint64_t off);
void iso_zisofs_free(struct iso_zisofs *z);

/* Header checks on bytes, for the unit tests. */
struct iso_zhdr {
	unsigned version; /* 1 or 2 */
	unsigned hdr_size, log2;
	uint64_t size;
	uint8_t alg;
};
int iso_zisofs_header(const uint8_t *p, size_t len, struct iso_zhdr *h);
/*
 * Checks one block's pointers: the block [start, end) must lie after the
 * pointer table (table_end) and inside the stored data.
 */
int iso_zisofs_check_block(uint64_t start, uint64_t end, uint64_t table_end,
			   uint64_t stored, uint32_t block_size);

#endif /* FSIMG_ISO9660_H */
