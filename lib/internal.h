/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces of libfsimg: the image source, byte decoders, option
 * parsing, diagnostics and the filesystem driver descriptor.
 */
#ifndef FSIMG_INTERNAL_H
#define FSIMG_INTERNAL_H

#include "fsimg.h"
#include "source.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#ifndef EUCLEAN
#define EUCLEAN 117
#endif

#define FSIMG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define FSIMG_UNUSED	   __attribute__((unused))

/* --- byte decoders: decode, don't cast --------------------------------- */

static inline uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static inline uint64_t get_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}
static inline uint16_t get_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}
static inline uint64_t get_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_be32(b) << 32 | (uint64_t)get_be32(b + 4);
}

/* --- overflow-checked arithmetic ---------------------------------------- */

#define ckd_add(r, a, b) __builtin_add_overflow((a), (b), (r))
#define ckd_mul(r, a, b) __builtin_mul_overflow((a), (b), (r))

static inline bool is_pow2_u64(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* --- debug output: FSIMG_DEBUG=iso,src,part,... ------------------------- */

/*
 * The layers have a bit each; each driver has the bit of its place in the
 * driver table (FSIMG_DBG_DRIVER0 << i), turned on by its debug tag or any
 * of its names.
 */
enum fsimg_debug_mask {
	FSIMG_DBG_SRC = 1u << 0,
	FSIMG_DBG_PROBE = 1u << 1,
	FSIMG_DBG_CACHE = 1u << 2,
	FSIMG_DBG_PART = 1u << 3,
	FSIMG_DBG_BOOT = 1u << 4,
	FSIMG_DBG_DRIVER0 = 1u << 8,
	FSIMG_DBG_ALL = 0xffffffffu,
};

extern unsigned fsimg_debug_mask;
void fsimg_debug_init(void);
void fsimg_debug_print(const char *sub, const char *fmt, ...)
	FSIMG_PRINTF(2, 3);

#define DBG(mask, sub, ...)                                                   \
	do {                                                                  \
		if (__builtin_expect(fsimg_debug_mask & FSIMG_DBG_##mask, 0)) \
			fsimg_debug_print(sub, __VA_ARGS__);                  \
	} while (0)

struct fsimg_driver;
/* Is FSIMG_DEBUG on for driver d? */
bool fsimg_debug_driver(const struct fsimg_driver *d);

/* A driver's debug message, tagged with its debug tag. */
#define DRV_DBG(drv, ...)                                            \
	do {                                                         \
		if (__builtin_expect(fsimg_debug_mask != 0, 0) &&    \
		    fsimg_debug_driver(&(drv)))                      \
			fsimg_debug_print((drv).debug, __VA_ARGS__); \
	} while (0)

/* --- options ------------------------------------------------------------ */

#define FSIMG_OPTS_MAX 32

struct fsimg_opt {
	char *key;
	char *value; /* NULL for a flag */
	bool taken;
};

struct fsimg_opts {
	char *buf;
	unsigned count;
	struct fsimg_opt opt[FSIMG_OPTS_MAX];
};

int fsimg_opts_parse(struct fsimg_opts *o, const char *s);
void fsimg_opts_free(struct fsimg_opts *o);
/* Marks key taken; true when present. *value may be NULL for a flag. */
bool fsimg_opt_take(struct fsimg_opts *o, const char *key, const char **value);
/* Parses a taken key's value as an unsigned number in base (0: auto). */
int fsimg_opt_take_uint(struct fsimg_opts *o, const char *key, int base,
			uint64_t max, uint64_t *out, bool *present);
/* First key nobody took, or NULL. */
const char *fsimg_opts_untaken(const struct fsimg_opts *o);

/* --- the image source --------------------------------------------------- */

/* Largest single read a driver may ask for. */
#define FSIMG_READ_MAX (16u << 20)

/* Block cache geometry: metadata reads go through it. */
#define FSIMG_CACHE_BLOCK   4096u
#define FSIMG_CACHE_SLOTS   1024u /* 4 MiB per image */
#define FSIMG_CACHE_STREAMS 8u	  /* sequences of misses read ahead */

struct fsimg_cache;

struct fsimg_image {
	atomic_int refs;
	char *name;
	fsimg_log_fn log_fn;
	void *log_ctx;
	struct fsimg_source *file; /* the image file as opened */
	/*
	 * The disk: file, or the container found in it. Made on first use
	 * (fsimg_image_ready()), after the frontend confined itself: finding
	 * a container is parsing the image.
	 */
	struct fsimg_source *top;
	uint64_t size; /* top->size */
	pthread_mutex_t stack_lock;
	atomic_bool stacked; /* top and stack_rc are set */
	int stack_rc;
	/* image options (fsimg_image_set_options) */
	struct fsimg_opts opts_list;
	struct fsimg_image_opts opts;
	/* files an image names: fsimg_image_set_opener, or opened here */
	fsimg_opener_fn opener;
	void *opener_ctx;
	unsigned related; /* opened so far, at most FSIMG_RELATED_MAX */
	unsigned nesting; /* backing files being opened, FSIMG_CHAIN_MAX */
	uint64_t related_id[FSIMG_RELATED_MAX + 1][2]; /* st_dev, st_ino */
	/* logical volumes (partitions/volumes.c): found by the first
	   partition listing, each opened on first use, under vol_lock */
	struct fsimg_volumes *vols;
	pthread_mutex_t vol_lock;
};

/*
 * Finds the image's container, once: 0, or the error (with its message
 * the first time) on every call. Every entry point that reads calls it.
 */
int fsimg_image_ready(fsimg_image *img);
/*
 * The image file's descriptor when the disk is the file itself (no
 * container): what libblkid may be given. -1 for a container's disk.
 */
int fsimg_image_raw_fd(fsimg_image *img);
/*
 * The type of a filesystem or volume fsimg names but does not read (xfs,
 * btrfs, swap, LVM2_member, ...), found by its signature in
 * [off, off + len) of the image's disk, or NULL: what libblkid tells for a
 * raw image, for the disk inside a container (lib/signature.c).
 */
const char *fsimg_signature_type(fsimg_image *img, uint64_t off, uint64_t len);
struct fsimg_window;
/* The same in any window (a logical volume's). */
const char *fsimg_signature_window(const struct fsimg_window *w);
/* The image's disk, found on the first call: NULL when unreadable. */
static inline struct fsimg_source *fsimg_image_top(fsimg_image *img)
{
	return fsimg_image_ready(img) ? NULL : img->top;
}
/*
 * The disk a window may lie in: 0, the image's disk (img->top); n, the
 * image's logical volume n (fsimg_part.volume), opened on first use. NULL
 * with a message when it cannot be read (the reason: *err).
 */
struct fsimg_source *fsimg_volume_source(fsimg_image *img, unsigned volume,
					 int *err);
/* "VG/LV" of volume n, or NULL when there is none. */
const char *fsimg_volume_name(fsimg_image *img, unsigned volume);
void fsimg_volumes_free(fsimg_image *img);
/* fsimg_probe() and fsimg_fs_open() of a window of any disk. */
int fsimg_probe_in(fsimg_image *img, unsigned volume, uint64_t offset,
		   uint64_t length, const char **type);
int fsimg_fs_open_in(fsimg_image *img, unsigned volume, uint64_t offset,
		     uint64_t length, const char *fstype, const char *options,
		     fsimg_fs **out);
/* Is key an image option (fsimg_image_set_options), not a filesystem's? */
bool fsimg_image_key(const char *key);

/*
 * A byte window of an image: a partition, a session, a boot image. Every
 * read a driver makes goes through a window, so it can never reach outside
 * the filesystem it was given.
 */
struct fsimg_window {
	fsimg_image *img;
	struct fsimg_source *src; /* the disk it is a window of */
	uint64_t off;		  /* absolute start in the source */
	uint64_t len;		  /* bytes */
	/* the driver label its messages start with, or NULL (lib/fs.c) */
	const char *label;
};

/*
 * Reads exactly len bytes at window offset off. -EIO when the range is not
 * inside the window (or the image is shorter than it claims), -EFBIG when
 * len exceeds FSIMG_READ_MAX. Bulk file data: no caching.
 */
int fsimg_wread(const struct fsimg_window *w, uint64_t off, void *buf,
		size_t len);
/* The same through the image's block cache: for metadata. */
int fsimg_wread_cached(const struct fsimg_window *w, uint64_t off, void *buf,
		       size_t len);
/*
 * Where [off, off + len) of the window is stored plainly in a file, from
 * off on (fsimg_source_plain()): 1, 0 when it must be read, -errno.
 */
int fsimg_wplain(const struct fsimg_window *w, uint64_t off, uint64_t len,
		 struct fsimg_plain *p);
/*
 * What a listing's subdirectory is likely to need next (len bytes at
 * off): a walk (find, ls -R, get, the FUSE readdirplus the kernel
 * follows) lists each directory it is shown, and then reads its entries'
 * inodes. The kernel is asked to start reading it now
 * (POSIX_FADV_WILLNEED, where the window is stored plainly in a file;
 * whole blocks of the image's cache), so that the walk finds it in the
 * page cache instead of waiting for one random read after another.
 * Drivers hint the runs of the directory the inode alone names, up to
 * FSIMG_DIR_HINT bytes, and as much of the inode table from the
 * directory's own inode on, where allocators put its files' inodes. A
 * hint: it returns at once, reads nothing itself and fails silently.
 */
#define FSIMG_DIR_HINT (64u << 10)
void fsimg_dir_hint(const struct fsimg_window *w, uint64_t off, uint64_t len);
/* true when [off, off+len) lies inside the window. */
static inline bool fsimg_window_has(const struct fsimg_window *w, uint64_t off,
				    uint64_t len)
{
	uint64_t end;
	return !ckd_add(&end, off, len) && end <= w->len;
}

/*
 * The window of [start, start + size) that lies inside the image: what a
 * partition running past the end can still be read through. false when it
 * starts at or past the end.
 */
bool fsimg_window_clamp(fsimg_image *img, uint64_t start, uint64_t size,
			struct fsimg_window *w);
/* The same in the disk volume names (fsimg_volume_source()). */
bool fsimg_window_in(fsimg_image *img, unsigned volume, uint64_t start,
		     uint64_t size, struct fsimg_window *w);

int fsimg_cache_new(uint64_t image_size, struct fsimg_cache **out);
void fsimg_cache_free(struct fsimg_cache *c);

void fsimg_image_ref(fsimg_image *img);

/* --- diagnostics ---------------------------------------------------------- */

/*
 * Sends a message to the image's log callback and returns err (a negative
 * errno), so that a driver can write `return fsimg_err(img, -EUCLEAN, ...)`.
 * The message names the structure and what was wrong; the frontend adds the
 * image path.
 */
int fsimg_err(fsimg_image *img, int err, const char *fmt, ...)
	FSIMG_PRINTF(3, 4);
/*
 * Messages of speculative work, which on any failure gives way to a path
 * that meets and reports the same problem (a lookup's probe before its
 * scan, iso9660_probe.c): between fsimg_quiet(true) and fsimg_quiet(false)
 * this thread's messages are dropped; the errors are still returned.
 */
void fsimg_quiet(bool on);
int fsimg_verr(fsimg_image *img, int err, const char *fmt, va_list ap)
	FSIMG_PRINTF(3, 0);

/*
 * A driver's message: fsimg_werr starts it with "<label>: " of the driver
 * reading w (drivers never write it). A byte offset in it is absolute in
 * the image file (fsimg_wabs), so dd skip= finds it whatever partition the
 * filesystem is in; block numbers stay filesystem-relative: "block N".
 */
int fsimg_werr(const struct fsimg_window *w, int err, const char *fmt, ...)
	FSIMG_PRINTF(3, 4);

#ifdef FSIMG_ESCAPE_TEST
/*
 * Test builds only: when the image asks for it, acts as an exploited
 * parser would and returns -EACCES; else 0 (fs/escape_test.c).
 */
int fsimg_escape_hook(const struct fsimg_window *w, bool open);
#endif

/* The image byte of window position off, as messages print it. */
static inline unsigned long long fsimg_wabs(const struct fsimg_window *w,
					    uint64_t off)
{
	return (unsigned long long)(w->off + off);
}

/* --- filesystems -------------------------------------------------------- */

struct fsimg_driver;

struct fsimg_fs {
	const struct fsimg_driver *drv;
	fsimg_image *img;
	struct fsimg_window win;
	void *priv;
	fsimg_ino root;

	/* generic ownership and mode overrides (uid=, gid=, *mask=) */
	bool force_uid, force_gid;
	uint32_t uid, gid;
	uint32_t umask, dmask, fmask;
};

struct fsimg_file {
	fsimg_fs *fs;
	fsimg_ino ino;
	uint64_t size;
	void *priv;
};

/*
 * A filesystem driver. Probe is three-valued: 1 mine, 0 not mine, -errno
 * when the window could not be read. Only 0 moves on to the next driver.
 * Optional callbacks may be NULL: the core answers -ENOTSUP (xattrs),
 * -EOPNOTSUPP (map), 0 (boot entries, details).
 *
 * open() parses the options it knows with fsimg_opt_take(), sets fs->priv
 * and fs->root. The core rejects options nobody took afterwards.
 * file_open() sets f->priv and f->size.
 */
struct fsimg_driver {
	const char *name;
	/* other names -t accepts for this driver (NULL-terminated), or NULL */
	const char *const *aliases;
	/* how messages name the format: "ISO 9660", "FAT" */
	const char *label;
	/* the FSIMG_DEBUG tag of its debug messages ("iso"); names work too */
	const char *debug;
	int (*probe)(const struct fsimg_window *w);
	/*
	 * Optional: the precise type of a window probe() accepted, when the
	 * driver reads several (ext2, ext3 or ext4); NULL or a NULL answer
	 * means name. Reads only what probe() read.
	 */
	const char *(*probe_type)(const struct fsimg_window *w);
	int (*open)(fsimg_fs *fs, struct fsimg_opts *opts);
	void (*close)(fsimg_fs *fs);

	int (*info)(fsimg_fs *fs, struct fsimg_fsinfo *info);
	int (*details)(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx);
	int (*statfs)(fsimg_fs *fs, struct fsimg_statfs *st);

	int (*getattr)(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
	int (*lookup)(fsimg_fs *fs, fsimg_ino dir, const char *name,
		      fsimg_ino *ino, struct fsimg_stat *st);
	int (*readdir)(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		       fsimg_dirent_fn fn, void *ctx);
	int (*readlink)(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

	int (*file_open)(fsimg_file *f);
	ssize_t (*file_read)(fsimg_file *f, void *buf, size_t size,
			     uint64_t off);
	int (*file_map)(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
	void (*file_close)(fsimg_file *f);

	ssize_t (*getxattr)(fsimg_fs *fs, fsimg_ino ino, const char *name,
			    void *buf, size_t size);
	ssize_t (*listxattr)(fsimg_fs *fs, fsimg_ino ino, char *buf,
			     size_t size);
	int (*boot_entries)(fsimg_fs *fs, struct fsimg_boot_entry *entries,
			    size_t max);
	/*
	 * Optional: the driver of a second filesystem the same media may
	 * hold beside this one (UDF bridge discs: "iso9660"), opened instead
	 * when probing chose this driver and its open failed.
	 */
	const char *fallback;
};

/* lib/fs/drivers.c: the driver table, in probe order. */
extern const struct fsimg_driver *const fsimg_drivers[];
const struct fsimg_driver *fsimg_driver_find(const char *name);

/* --- text helpers shared by drivers -------------------------------------- */

/* Copies at most size - 1 bytes of src (NULL: "") and a NUL. */
void fsimg_strcpy_trunc(char *dst, size_t size, const char *src);
/* Appends the UTF-8 encoding of cp; returns bytes written (0 if no room). */
size_t fsimg_utf8_put(char *dst, size_t room, uint32_t cp);
/*
 * Converts UTF-16 (big- or little-endian) code units to UTF-8. Unpaired
 * surrogates become U+FFFD. Returns the length written (NUL-terminated) or
 * -ENAMETOOLONG.
 */
int fsimg_utf16_to_utf8(const uint8_t *src, size_t units, bool big_endian,
			char *dst, size_t room);

/*
 * A driver's details written one after the other: once fn answers
 * non-zero (stop), the later calls do nothing and rc keeps the answer.
 */
struct fsimg_details {
	fsimg_typed_detail_fn fn;
	void *ctx;
	int rc;
};
void fsimg_details_text(struct fsimg_details *d, const char *key,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fsimg_details_num(struct fsimg_details *d, const char *key,
		       uint64_t value);
void fsimg_details_bool(struct fsimg_details *d, const char *key, bool value);

/*
 * lib/inflate.c: decompresses a whole block into out (the input may be
 * padded past the stream's end): 0, -EUCLEAN, -ENOMEM. Without produced,
 * the stream must fill all outlen bytes; with it, *produced says how many
 * it filled. zlib with its header, or raw deflate; zstd through stream
 * (a ZSTD_DStream the caller keeps for many blocks) or, when NULL, its
 * own.
 */
int fsimg_inflate_zlib(const void *in, size_t inlen, void *out, size_t outlen,
		       bool raw, size_t *produced);
int fsimg_inflate_zstd(void *stream, const void *in, size_t inlen, void *out,
		       size_t outlen, size_t *produced);

/* Whether mode's type is one of the seven a file can have. */
bool fsimg_mode_known(uint32_t mode);

/* Days since the epoch of a proleptic Gregorian date (UTC). */
int64_t fsimg_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif /* FSIMG_INTERNAL_H */
