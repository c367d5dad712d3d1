/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sources: the bytes of a disk, however they are stored. A raw file, a
 * container (qcow2, VMDK, VHD, VHDX: lib/container/) or a logical volume
 * look the same to everything above: a size and bounded reads. Nothing
 * above this layer reads a file descriptor.
 *
 * A source that is not a plain file describes itself as runs (map()): each
 * run of its bytes is stored plainly in the source below it (its file), reads
 * as zeroes, comes from its backing source, or must be decoded (a compressed
 * cluster: read_other()). The core reads through those runs, checks each
 * answer (inside the asked range, progress made, inside the lower source)
 * and resolves plain runs down to a file and offset, which is what the FUSE
 * daemon splices from (fsimg_source_plain()).
 *
 * Every source may be read by several threads at once: map() and
 * read_other() must be thread-safe. Metadata a container looks up often
 * (L2 tables, grain tables, BATs) is read with fsimg_source_read_cached()
 * from its file: a bounded, direct-mapped block cache with a lock per slot,
 * so memory does not grow with what the image claims.
 */
#ifndef FSIMG_SOURCE_H
#define FSIMG_SOURCE_H

#include "fsimg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct fsimg_image fsimg_image;
struct fsimg_cache;
struct fsimg_source;

enum fsimg_run_kind {
	FSIMG_RUN_LOWER,   /* stored plainly in s->lower at .at */
	FSIMG_RUN_ZERO,	   /* reads as zeroes */
	FSIMG_RUN_BACKING, /* reads as s->backing at the same offset (zeroes
			      past its end) */
	FSIMG_RUN_OTHER,   /* decoded by read_other() (compressed, ...) */
};

/* What [off, off + len) of a source is made of, from off on. */
struct fsimg_run {
	enum fsimg_run_kind kind;
	uint64_t len; /* bytes from off: > 0 and <= the length asked */
	uint64_t at;  /* FSIMG_RUN_LOWER: the offset in s->lower */
};

struct fsimg_source_ops {
	/*
	 * The run at off, at most len bytes long. off < s->size and
	 * off + len <= s->size (checked by the core). -errno on damage
	 * (with a message through fsimg_serr()).
	 */
	int (*map)(struct fsimg_source *s, uint64_t off, uint64_t len,
		   struct fsimg_run *run);
	/* Optional: exactly len bytes of a FSIMG_RUN_OTHER run at off. */
	int (*read_other)(struct fsimg_source *s, uint64_t off, void *buf,
			  size_t len);
	/* Optional: key/value pairs for fsimg info ("cluster_size"). */
	int (*details)(struct fsimg_source *s, fsimg_typed_detail_fn fn,
		       void *ctx);
	/* Optional: frees s->priv. The core closes lower and backing. */
	void (*close)(struct fsimg_source *s);
};

struct fsimg_source {
	const struct fsimg_source_ops *ops; /* NULL for a raw file */
	const char *format;		    /* "raw", "qcow2", "vmdk", ... */
	uint64_t size;			    /* bytes */
	void *priv;
	fsimg_image *img;	      /* whose log messages go to */
	char *name;		      /* the file, or "vg/lv", for messages */
	int fd;			      /* a raw file: its descriptor, else -1 */
	struct fsimg_source *lower;   /* the source this one is stored in */
	struct fsimg_source *backing; /* where unallocated data comes from */
	unsigned depth;		      /* backing chain length below it */
	struct fsimg_cache *cache;    /* made on the first cached read */
	pthread_mutex_t cache_lock;
	uint32_t refs;
};

/* A raw file: takes fd (closed on failure too). */
int fsimg_source_file(fsimg_image *img, int fd, const char *name,
		      struct fsimg_source **out);
/*
 * A source with ops over lower (which it takes over: closed with it, also
 * when this fails). size and priv are set by the caller afterwards.
 */
int fsimg_source_new(fsimg_image *img, const char *format,
		     const struct fsimg_source_ops *ops,
		     struct fsimg_source *lower, struct fsimg_source **out);
void fsimg_source_close(struct fsimg_source *s);

/* Exactly len bytes at off; -EIO outside the source, -EFBIG past
 * FSIMG_READ_MAX. Holes read as zeroes. */
int fsimg_source_read(struct fsimg_source *s, uint64_t off, void *buf,
		      size_t len);
/* The same through the source's block cache: for metadata. */
int fsimg_source_read_cached(struct fsimg_source *s, uint64_t off, void *buf,
			     size_t len);

/*
 * Resolves [off, off + len) of s from off on down to a file: 1 with *p
 * (a plain run or zeroes), 0 when the bytes must be decoded (read them with
 * fsimg_source_read()), -errno on damage.
 */
int fsimg_source_plain(struct fsimg_source *s, uint64_t off, uint64_t len,
		       struct fsimg_plain *p);

/*
 * A message about s: "<format> <name>: ..." with offsets as the caller
 * prints them (bytes of the file the structure is in). Returns err.
 */
int fsimg_serr(const struct fsimg_source *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- container formats (lib/container/) ------------------------------- */

/* Options that concern the image rather than a filesystem. */
struct fsimg_image_opts {
	bool backing;	      /* backing=yes: follow files an image names */
	const char *snapshot; /* snapshot=NAME (qcow2), or NULL */
	const char *format;   /* container=FMT, "raw", or NULL for auto */
};

struct fsimg_container {
	const char *name;  /* "qcow2": what container= and info say */
	const char *label; /* how messages name it: "qcow2", "VMDK" */
	/* 1 mine, 0 not mine, -errno when file could not be read. */
	int (*probe)(struct fsimg_source *file);
	/*
	 * Builds s (made by the core over file, ops unset): sets s->ops,
	 * s->size, s->priv, and s->backing when the image names one (through
	 * fsimg_source_related()). -errno with a message on failure.
	 */
	int (*open)(struct fsimg_source *s, const struct fsimg_image_opts *o);
};

/* lib/container/containers.c: the table, in probe order, NULL-terminated */
extern const struct fsimg_container *const fsimg_containers[];
extern const struct fsimg_container fsimg_container_qcow2;
extern const struct fsimg_container fsimg_container_vhdx;
extern const struct fsimg_container fsimg_container_vmdk;
extern const struct fsimg_container fsimg_container_vpc;

/* Deepest backing chain; most files an image may name in all (extents). */
#define FSIMG_CHAIN_MAX	  16
#define FSIMG_RELATED_MAX 256

/*
 * Opens a file the image names (a backing file, a parent, an extent), as
 * the image's caller allowed (backing=yes, and the image's frontend hook):
 * a path relative to the directory of the file s is stored in, or absolute
 * inside it; never outside the image's directory. The file is opened as a
 * source of its own, with its container detected (depth bounded by
 * FSIMG_CHAIN_MAX, files by FSIMG_RELATED_MAX).
 * -EPERM with a message when not allowed.
 */
int fsimg_source_related(struct fsimg_source *s, const char *path,
			 const char *why, bool detect,
			 struct fsimg_source **out);
/*
 * The same for a backing file whose format the image records (a qcow2
 * backing format extension): "raw" is never probed for a container (a
 * guest could write one into its raw disk), a container name is required,
 * anything else is refused with a message.
 */
int fsimg_source_related_as(struct fsimg_source *s, const char *path,
			    const char *why, const char *format,
			    struct fsimg_source **out);

#endif /* FSIMG_SOURCE_H */
