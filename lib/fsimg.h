/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfsimg: read filesystems straight from image files.
 *
 * Conventions
 *  - Every function that can fail returns 0 (or a count) on success and a
 *    negative errno on failure. Nothing sets errno for the caller.
 *  - Handles are opaque. An fsimg_fs keeps a reference on its fsimg_image,
 *    so the image may be closed before the filesystem.
 *  - One fsimg_fs may be used from several threads at once for reading.
 *  - The library prints nothing. Diagnostics that explain a failure (which
 *    structure, where, what was wrong) go to the log callback set with
 *    fsimg_image_set_log(); debug output goes to stderr only when the
 *    FSIMG_DEBUG environment variable names a subsystem ("iso,src", "all").
 */
#ifndef FSIMG_H
#define FSIMG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fsimg_image fsimg_image;
typedef struct fsimg_fs fsimg_fs;
typedef struct fsimg_file fsimg_file;

/*
 * A node handle. It identifies one node of one open filesystem, is stable
 * for a given image (the same path yields the same handle in every run) and
 * is never 0. It is not necessarily the inode number reported in
 * fsimg_stat.ino: ISO9660 uses directory-record positions as handles but
 * may report Rock Ridge inode numbers (hard links share st.ino, not the
 * handle).
 */
typedef uint64_t fsimg_ino;

enum fsimg_stat_flags {
	FSIMG_STAT_BTIME = 1u << 0, /* btime is valid */
};

/* Format-specific attribute bits, fsimg_stat.attrs. */
enum fsimg_attrs {
	FSIMG_ATTR_READONLY = 1u << 0,	 /* FAT */
	FSIMG_ATTR_HIDDEN = 1u << 1,	 /* FAT, ISO9660 "existence" bit */
	FSIMG_ATTR_SYSTEM = 1u << 2,	 /* FAT */
	FSIMG_ATTR_ARCHIVE = 1u << 3,	 /* FAT */
	FSIMG_ATTR_ASSOCIATED = 1u << 4, /* ISO9660 associated file */
	FSIMG_ATTR_COMPRESSED = 1u << 5, /* stored compressed (zisofs) */
};

struct fsimg_stat {
	uint64_t ino;  /* inode number to report as st_ino */
	uint32_t mode; /* S_IFMT type bits and permission bits */
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint32_t rdev_major;
	uint32_t rdev_minor;
	uint64_t size;	 /* bytes as read (uncompressed) */
	uint64_t blocks; /* 512-byte units the data occupies in the image */
	struct timespec atime;
	struct timespec mtime;
	struct timespec ctime;
	struct timespec btime;
	uint32_t flags; /* enum fsimg_stat_flags */
	uint32_t attrs; /* enum fsimg_attrs */
};

struct fsimg_statfs {
	uint32_t bsize;
	uint64_t blocks;
	uint64_t bfree;
	uint64_t files;
	uint64_t ffree;
	uint32_t namemax;
};

struct fsimg_fsinfo {
	char type[16];	  /* "iso9660", "vfat", "ufs", "ext4", ... */
	char version[32]; /* "Rock Ridge", "Joliet", "FAT32", "UFS2 (BSD, LE)"
			   */
	char label[256];  /* UTF-8, may be empty */
	char uuid[64];	  /* may be empty */
	uint64_t offset;  /* byte offset of the filesystem in the image */
	uint64_t size;	  /* bytes the filesystem claims */
	uint32_t block_size;
};

/* A run of a file stored plainly in the image (see fsimg_file_map). */
enum fsimg_extent_flags {
	FSIMG_EXTENT_HOLE = 1u << 0, /* reads as zeroes, physical unused */
};

struct fsimg_extent {
	uint64_t logical;  /* file offset where the run starts */
	uint64_t physical; /* byte offset in the disk the filesystem lies
			      in: the image's disk, or its logical volume
			      (fsimg_fs_plain() finds where it is stored) */
	uint64_t length;   /* bytes */
	uint32_t flags;
};

/* An El Torito boot catalog entry. */
struct fsimg_boot_entry {
	unsigned index;	  /* 0 = default entry, then section entries */
	uint8_t platform; /* 0 x86, 1 PowerPC, 2 Mac, 0xEF EFI */
	bool bootable;
	uint8_t emulation; /* 0 none, 1 1.2M, 2 1.44M, 3 2.88M, 4 hard disk */
	uint16_t load_segment; /* 0 means the BIOS default 0x7C0 */
	uint8_t system_type;
	uint16_t sector_count; /* 512-byte virtual sectors loaded by the BIOS */
	uint32_t lba;	       /* 2048-byte block of the boot image */
	uint64_t offset;       /* byte offset of the boot image in the image */
	uint64_t length;       /* bytes extracted: see fsimg_boot_entries() */
};

typedef void (*fsimg_log_fn)(void *ctx, int err, const char *msg);

/*
 * Called for each directory entry ("." and ".." are never returned).
 * st is what fsimg_getattr() gives for ino, or NULL when the entry's node
 * cannot be read (a corrupt inode: getattr, lookup and open of it fail, and
 * the reason was logged). A driver never reports a stat that getattr would
 * not give: type, size, link count and owner agree whichever call asks.
 * next is the cookie that resumes the listing after this entry.
 * Return 0 to go on, non-zero to stop; the entry counts as consumed only
 * when 0 is returned.
 */
typedef int (*fsimg_dirent_fn)(void *ctx, const char *name, fsimg_ino ino,
			       const struct fsimg_stat *st, uint64_t next);

/* key/value pairs describing a filesystem; return non-zero to stop. */
typedef int (*fsimg_detail_fn)(void *ctx, const char *key, const char *value);
/*
 * How a detail's value (always given as text, as fsimg_detail_fn has it)
 * is meant: free text, an unsigned decimal number, or "yes"/"no". A key
 * keeps its kind from image to image, so that typed output (JSON) has one
 * type per key.
 */
enum fsimg_detail_kind {
	FSIMG_DETAIL_TEXT,
	FSIMG_DETAIL_NUMBER,
	FSIMG_DETAIL_BOOL,
};
typedef int (*fsimg_typed_detail_fn)(void *ctx, const char *key,
				     enum fsimg_detail_kind kind,
				     const char *value);

/* --- images --------------------------------------------------------- */

enum fsimg_open_flags {
	FSIMG_OPEN_RW = 1u << 0, /* open the image file read-write */
};

/* Opens a regular file or block device. *out is owned by the caller. */
int fsimg_image_open(const char *path, unsigned flags, fsimg_image **out);
/* Takes ownership of fd; name is used in messages. */
int fsimg_image_open_fd(int fd, const char *name, fsimg_image **out);
/* Drops the caller's reference; open filesystems keep theirs. */
void fsimg_image_close(fsimg_image *img);
uint64_t fsimg_image_size(const fsimg_image *img);
const char *fsimg_image_name(const fsimg_image *img);
/*
 * The image file's descriptor, owned by the image. Its bytes are the disk's
 * only for a raw image: read the disk with fsimg_image_read() and find where
 * it is stored with fsimg_image_plain().
 */
int fsimg_image_fd(const fsimg_image *img);
/* Reads exactly len bytes at off; -EIO past the end. */
int fsimg_image_read(fsimg_image *img, uint64_t off, void *buf, size_t len);
/* Diagnostics from this image and every filesystem opened on it. */
void fsimg_image_set_log(fsimg_image *img, fsimg_log_fn fn, void *ctx);
/* Where a run of the image's disk is stored: fsimg_image_plain(). */
struct fsimg_plain {
	int fd;	      /* a file of the image, owned by it; -1: zeroes */
	uint64_t off; /* bytes into fd */
	uint64_t len; /* bytes, > 0 */
};
/*
 * Where [off, off + len) of the image's disk is stored, from off on: 1 with
 * *p (a run of a file to splice or pread from, or zeroes; p->len may be
 * shorter than len), 0 when those bytes are stored coded (compressed) and
 * must be read with fsimg_image_read() or fsimg_file_read(), -errno.
 */
int fsimg_image_plain(fsimg_image *img, uint64_t off, uint64_t len,
		      struct fsimg_plain *p);
/*
 * Options of the image rather than of a filesystem, before its first read:
 * backing=yes|no (follow the files a container names: backing files,
 * parents, extents; no by default), snapshot=NAME (a qcow2 internal
 * snapshot), container=FMT|raw|auto. Other keys are left for
 * fsimg_fs_open(), which in turn ignores these. -EBUSY after the first
 * read, -EINVAL with a message for a bad value.
 */
int fsimg_image_set_options(fsimg_image *img, const char *options);
/*
 * Files a container names (backing files, parents, extents) are opened,
 * with backing=yes, by fsimg_open_related(image name, path), or by fn when
 * set: a frontend whose parser is confined hands the open to a process
 * that may open files (fsimg(1)'s broker), which applies the same rule.
 * fn returns a descriptor the image takes, or -errno.
 */
typedef int (*fsimg_opener_fn)(void *ctx, const char *path);
/* Did fsimg_image_set_options() allow them (backing=yes)? */
bool fsimg_image_backing_allowed(const fsimg_image *img);
void fsimg_image_set_opener(fsimg_image *img, fsimg_opener_fn fn, void *ctx);
/*
 * The rule for files an image names: path, relative to the directory of
 * image or absolute inside it, is opened read-only beneath that directory
 * (no "..", no symlink leading out: openat2 RESOLVE_BENEATH) and must be a
 * regular file or block device. A descriptor, -EXDEV when it lies outside,
 * -EINVAL when not a file, or -errno.
 */
int fsimg_open_related(const char *image, const char *path);
/*
 * The image's format: "raw" or its container ("qcow2", "vmdk", "vpc",
 * "vhdx"), NULL when the container could not be read (the error went to
 * the log). Sizes, partitions and filesystems are those of the disk the
 * container holds.
 */
const char *fsimg_image_format(fsimg_image *img);
/* The container's details (format, virtual_size, cluster_size, backing
 * chain...) as key/value pairs; none for a raw image. */
int fsimg_image_details(fsimg_image *img, fsimg_detail_fn fn, void *ctx);
/* The same with each value's kind. */
int fsimg_image_details_typed(fsimg_image *img, fsimg_typed_detail_fn fn,
			      void *ctx);

/*
 * Which filesystem driver recognises the byte window [offset, offset+length)
 * (length 0: to the end of the image)? Returns 1 and sets *type to a static
 * string, 0 when none does, or -errno when reading failed.
 */
int fsimg_probe(fsimg_image *img, uint64_t offset, uint64_t length,
		const char **type);

/* --- filesystems ---------------------------------------------------- */

/*
 * Opens the filesystem in [offset, offset+length) (length 0: to the end).
 * fstype NULL or "auto" probes. options is a comma-separated list
 * ("norock,session=1,uid=1000"); an option no layer understands is -EINVAL.
 * Generic options applied to every format: uid=, gid=, umask=, dmask=,
 * fmask= (octal). *out is owned by the caller (fsimg_fs_close).
 */
int fsimg_fs_open(fsimg_image *img, uint64_t offset, uint64_t length,
		  const char *fstype, const char *options, fsimg_fs **out);
void fsimg_fs_close(fsimg_fs *fs);
fsimg_image *fsimg_fs_image(const fsimg_fs *fs);
const char *fsimg_fs_type(const fsimg_fs *fs);
fsimg_ino fsimg_fs_root(const fsimg_fs *fs);

int fsimg_fs_info(fsimg_fs *fs, struct fsimg_fsinfo *info);
/* Format-specific facts (volume ids, dates, extensions in use, flavour). */
int fsimg_fs_details(fsimg_fs *fs, fsimg_detail_fn fn, void *ctx);
/* The same with each value's kind. */
int fsimg_fs_details_typed(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx);
int fsimg_statfs(fsimg_fs *fs, struct fsimg_statfs *st);

int fsimg_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st);
/* name is one path component. -ENOENT when absent. st may be NULL. */
int fsimg_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name, fsimg_ino *ino,
		 struct fsimg_stat *st);
/* Lists dir from cookie (0 = start). Returns 0 at the end or when fn stops. */
int fsimg_readdir(fsimg_fs *fs, fsimg_ino dir, uint64_t cookie,
		  fsimg_dirent_fn fn, void *ctx);
/*
 * Copies the symlink target, NUL-terminated, into buf; returns its length,
 * or -ENAMETOOLONG when it does not fit.
 */
int fsimg_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

enum fsimg_resolve_flags {
	FSIMG_NOFOLLOW =
		1u << 0, /* do not follow a symlink in the last component */
};
/*
 * Walks an absolute or root-relative path. Symlinks are followed inside the
 * image (absolute targets start at the image root, ".." stops at the root),
 * at most 40 of them (-ELOOP). st may be NULL.
 */
int fsimg_resolve(fsimg_fs *fs, const char *path, unsigned flags,
		  fsimg_ino *ino, struct fsimg_stat *st);
/*
 * The path from the root that path resolves to, as fsimg_resolve walks it
 * (symlinks followed, ".." taken after them): "/" and the names of the
 * directories gone through, in *out (free() it). With FSIMG_NOFOLLOW a
 * symlink in the last component is named, not followed.
 */
int fsimg_realpath(fsimg_fs *fs, const char *path, unsigned flags, char **out);

/* --- file data ------------------------------------------------------ */

/* Opens a regular file for reading. -EISDIR, -EINVAL for other types. */
int fsimg_file_open(fsimg_fs *fs, fsimg_ino ino, fsimg_file **out);
/* Returns bytes read (0 at or past the end of the file) or -errno. */
ssize_t fsimg_file_read(fsimg_file *f, void *buf, size_t size, uint64_t off);
/*
 * Describes the run of the file that contains off: where it is stored
 * plainly in the image file (or a hole). -EOPNOTSUPP when the data at off
 * is not stored plainly (compressed), -ENXIO when off is past the end.
 */
int fsimg_file_map(fsimg_file *f, uint64_t off, struct fsimg_extent *ext);
/*
 * fsimg_image_plain() of the disk fs lies in, where its extents' physical
 * offsets are: the image's disk for a partition, the volume for a logical
 * volume (whose runs it maps to the image's files).
 */
int fsimg_fs_plain(fsimg_fs *fs, uint64_t off, uint64_t len,
		   struct fsimg_plain *p);
uint64_t fsimg_file_size(const fsimg_file *f);
void fsimg_file_close(fsimg_file *f);

/* --- extended attributes (formats that have them) ------------------- */

/* Both follow getxattr(2)/listxattr(2): size 0 asks for the length. */
ssize_t fsimg_getxattr(fsimg_fs *fs, fsimg_ino ino, const char *name, void *buf,
		       size_t size);
ssize_t fsimg_listxattr(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size);

/* --- boot records --------------------------------------------------- */

/*
 * Fills up to max entries of the El Torito boot catalog and returns how
 * many the catalog holds (0 when there is none). length is the declared
 * size, refined where the image says more: the floppy size for floppy
 * emulation, the partition's end for hard-disk emulation, the FAT volume
 * size when a no-emulation image holds a FAT filesystem, or the size of the
 * file of the tree whose data starts at the boot image (found by a bounded
 * walk near the root); always clamped to the end of the image.
 */
int fsimg_boot_entries(fsimg_fs *fs, struct fsimg_boot_entry *entries,
		       size_t max);
const char *fsimg_boot_platform_name(uint8_t platform);
const char *fsimg_boot_emulation_name(uint8_t emulation);

/* --- boot menus: the kernels an image boots -------------------------- */

/*
 * What a guest's boot loader would boot, found by reading its
 * configuration the way the loader does: GRUB 2 (grub.cfg, grubenv,
 * blscfg), Boot Loader Specification entries and unified kernel images,
 * GRUB legacy menu.lst (with Solaris' findroot and kernel$), syslinux /
 * extlinux / isolinux, installer trees (.treeinfo, Debian, Ubuntu casper),
 * FreeBSD's loader and the Xen PV bootloader convention
 * (/boot/xen/pvboot-ARCH.elf). Configurations are hostile text: each is
 * read at most once and bounded in size, nesting, includes and entries;
 * what cannot be used is logged naming the file and line.
 */
typedef struct fsimg_bootmenu fsimg_bootmenu;

/* Where a boot file lives: a filesystem of the image and a path in it. */
struct fsimg_bootmenu_file {
	const char *part; /* its partition spec ("2", "5", "1s0"), "" when
			     the filesystem is the whole image */
	const char *path; /* absolute, in that filesystem */
};

struct fsimg_bootmenu_entry {
	unsigned index;		 /* position in the menu, from 0 */
	const char *title;	 /* as the loader shows it; submenus "A>B" */
	const char *id;		 /* what the loader selects it by: GRUB's
				    --id, a BLS file name, a LABEL; may be "" */
	const char *source;	 /* "grub2", "bls", "uki", "grub-legacy",
				    "syslinux", "treeinfo", "debian", "casper",
				    "windows", "freebsd", "pvboot" */
	const char *kind;	 /* "linux", "solaris", "freebsd", "pvboot",
				    "uki", "windows" */
	const char *config_part; /* where the configuration was read */
	const char *config;	 /* its path, "" when there is none */
	unsigned line;		 /* the line the entry starts at, 0: none */
	struct fsimg_bootmenu_file kernel;
	const struct fsimg_bootmenu_file *initrds;
	unsigned ninitrds;
	const char *args; /* kernel arguments, "" for none */
	bool is_default;  /* the one the loader boots unattended */
};

enum fsimg_bootmenu_flags {
	/* the Xen PV bootloader, when the image has one, is the default */
	FSIMG_BOOTMENU_PVBOOT = 1u << 0,
};

/*
 * Reads the boot configuration of every filesystem of img (spec NULL or
 * "all"), or of the one spec selects. Entries come in the order a loader
 * would offer them: the filesystems as pygrub visits them (the whole image
 * when a filesystem starts at 0, the active MBR partition, then table
 * order), the sources of each in priority order. The default is the
 * default of the first configuration that gives entries. Returns 0 with an
 * empty menu when nothing bootable was found; -errno when reading failed.
 */
int fsimg_bootmenu_read(fsimg_image *img, const char *spec, unsigned flags,
			fsimg_bootmenu **out);
void fsimg_bootmenu_free(fsimg_bootmenu *m);
unsigned fsimg_bootmenu_count(const fsimg_bootmenu *m);
const struct fsimg_bootmenu_entry *fsimg_bootmenu_entry(const fsimg_bootmenu *m,
							unsigned i);
/* The default entry's index, -ENOENT for an empty menu. */
int fsimg_bootmenu_default(const fsimg_bootmenu *m);
/*
 * Finds an entry the way a user names it: an index ("2"), an id, a title,
 * or a GRUB submenu path of titles or indexes ("1>2", "Advanced>Debian").
 * Returns its index, -ENOENT when none matches.
 */
int fsimg_bootmenu_find(const fsimg_bootmenu *m, const char *which);
/*
 * Opens a boot file of an entry for reading. Symlinks are followed inside
 * its filesystem. -EISDIR, -EINVAL (not a regular file), -ENOENT, with a
 * message naming the partition and path. Close files before the menu.
 */
int fsimg_bootmenu_open(fsimg_bootmenu *m, const struct fsimg_bootmenu_file *f,
			fsimg_file **out);
/*
 * A PE section (".linux", ".initrd", ".cmdline", ".osrel", ".uname") of a
 * unified kernel image (kind "uki"): its offset in the file and its size,
 * to read with fsimg_file_read() from fsimg_bootmenu_open(). -ENOENT when
 * the image has no such section; -EINVAL (logged) when the file is not a
 * PE image or the section lies outside it.
 */
int fsimg_bootmenu_section(fsimg_bootmenu *m,
			   const struct fsimg_bootmenu_file *f,
			   const char *section, uint64_t *offset,
			   uint64_t *size);
/*
 * The menu of one configuration file given as text, read by the source
 * named ("grub2", "syslinux", "grub-legacy", "bls"), or, with source
 * NULL, by the one its file name suggests (grub.cfg: GRUB 2; menu.lst,
 * grub.conf: GRUB legacy; *linux.cfg, *.conf: syslinux), as pygrub's
 * --isconfig does. No image is read: files it includes or searches for
 * are not found, and every boot file's part is "". Diagnostics go to log.
 */
int fsimg_bootmenu_parse(const char *source, const char *path, const char *text,
			 size_t len, fsimg_log_fn log, void *ctx,
			 fsimg_bootmenu **out);

/* --- partitions ----------------------------------------------------- */

/*
 * Selects a partition by the spec of fsimg(1) ("auto", "N", ...) and gives
 * its byte window. "auto" is the whole image when a filesystem starts at
 * offset 0. On failure a message naming the choices goes to the log. A
 * logical volume is no byte window of the image: selecting one fails with
 * -EMEDIUMTYPE (use fsimg_locate()).
 */
int fsimg_select(fsimg_image *img, const char *spec, uint64_t *offset,
		 uint64_t *length);

/* Where a partition spec leads: fsimg_locate(). */
struct fsimg_location {
	uint64_t offset; /* the window: bytes from the start of the image */
	uint64_t length; /* bytes */
	char type[32];	 /* the filesystem there: a type fsimg_fs_open()
			    reads ("iso9660", "ext2"), one only libblkid names
			    ("xfs"), or "" when none is known */
	bool readable;	 /* type is one to open with fsimg_fs_open() (or
			    the caller's, which it checks) */
	bool probed;	 /* type was found by probing this window */
	/*
	 * 0: offset and length are in the image's disk. Otherwise the window
	 * lies in logical volume number `volume` of the image (an LVM2 LV,
	 * fsimg_part.volume): offset is from the start of the volume.
	 */
	unsigned volume;
};

/*
 * fsimg_select() and the filesystem in the window, found by one probe:
 * frontends open it with fsimg_fs_open_location(), which does not probe
 * again, and pass the location on rather than probe again. With fstype (not
 * NULL or "auto") the caller's type is taken unprobed; fsimg_fs_open()
 * checks it. A window holding nothing libfsimg reads is located all the
 * same, with the type libblkid gives it (what a kernel mount could use);
 * "auto" on an image with no partition table and no filesystem we read
 * gives the whole image when libblkid names a type there, and fails
 * otherwise. libblkid's name is not given for a type one of our drivers
 * has and rejected.
 */
int fsimg_locate(fsimg_image *img, const char *spec, const char *fstype,
		 struct fsimg_location *loc);
/*
 * fsimg_fs_open() of a location: its window and type. A type found by a
 * probe (loc->probed) is opened without probing again; a type the caller
 * named is checked. When loc->readable is false, fails with a message:
 * -EPROTONOSUPPORT for a type only libblkid names, -EINVAL for none.
 */
int fsimg_fs_open_location(fsimg_image *img, const struct fsimg_location *loc,
			   const char *options, fsimg_fs **out);

/* Problems found with a partition, fsimg_part.state. */
enum fsimg_part_state {
	FSIMG_PART_CONTAINER = 1u << 0,	 /* extended partition: no filesystem */
	FSIMG_PART_TRUNCATED = 1u << 1,	 /* ends past the end of the image */
	FSIMG_PART_OUTSIDE = 1u << 2,	 /* starts past the end of the image */
	FSIMG_PART_OVERLAP = 1u << 3,	 /* overlaps a sibling partition */
	FSIMG_PART_DAMAGED = 1u << 4,	 /* its nested label is unusable */
	FSIMG_PART_UNREADABLE = 1u << 5, /* reading it failed (I/O error):
					    its filesystem is unknown */
	FSIMG_PART_UNSUPPORTED = 1u << 6, /* a logical volume libfsimg does
					     not read (thin, RAID, a PV
					     missing): opening it says why */
};

/*
 * One partition of the nested tree, in table order: a nested entry
 * (a VTOC slice, a BSD partition, a logical partition) follows its parent
 * with a larger depth.
 */
struct fsimg_part {
	char spec[32];	 /* how -p names it: "1", "5", "2s0", "1a" */
	int partno;	 /* the number Linux gives it, 0 for none (VTOC) */
	uint64_t start;	 /* bytes from the start of the image */
	uint64_t size;	 /* bytes, as the table declares them */
	char table[16];	 /* "dos", "gpt", "sun", "bsd", "vtoc", "mac", ... */
	char type[40];	 /* "0x83", a GPT type GUID, a VTOC tag name */
	char name[72];	 /* GPT/APM partition name, UTF-8 */
	char uuid[40];	 /* GPT partition UUID */
	unsigned flags;	 /* as stored: MBR boot flag, VTOC p_flag, GPT bits */
	unsigned state;	 /* enum fsimg_part_state */
	int depth;	 /* 0 for the outermost table */
	char fstype[16]; /* the filesystem found in it ("ext2", "vfat"), or ""
			  */
	char label[64];	 /* its label, UTF-8, may be empty */
	/*
	 * 0 for a partition. A logical volume (table "lvm2", spec "VG/LV",
	 * listed under the PV holding it) has its number here, the one
	 * fsimg_location.volume takes; its start is 0 and its size the
	 * volume's.
	 */
	unsigned volume;
};

/*
 * Lists the partitions of the image with the filesystem found in each.
 * Fills up to max entries and returns how many there are (0 when the image
 * has no partition table), or -errno. With out NULL or max 0 it only
 * counts: no filesystem is probed and no warning given. If table is not NULL it
 * receives the outermost table type ("dos", "gpt", ...; "" for none), tsize
 * bytes.
 */
int fsimg_partitions(fsimg_image *img, struct fsimg_part *out, size_t max,
		     char *table, size_t tsize);
/* The outermost partition table: its type and identifier. */
struct fsimg_ptable {
	char type[16]; /* as fsimg_partitions() names it; "" for none */
	char uuid[40]; /* PTUUID as blkid gives it (the GPT disk GUID, the
			  MBR disk signature in hex), "" when it has none */
};
/* fsimg_partitions() with the table's identifier too. */
int fsimg_partitions_table(fsimg_image *img, struct fsimg_part *out, size_t max,
			   struct fsimg_ptable *table);

const char *fsimg_version(void);
/*
 * The filesystem types fsimg_fs_open() accepts, in probe order: the i-th
 * driver's name, NULL past the last. *aliases (when not NULL) is set to
 * the other names it accepts for it, a NULL-terminated array. Help texts,
 * completions and manual pages are made or checked from this list.
 */
const char *fsimg_fs_type_name(unsigned i, const char *const **aliases);

#ifdef __cplusplus
}
#endif

#endif /* FSIMG_H */
