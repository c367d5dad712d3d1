/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Partition selection: turns a spec of fsimg(1) into a byte window and the
 * filesystem in it, probed once (fsimg_locate); the listing of partitions
 * with their filesystems (fsimg_partitions). The policy above the table
 * readers of partitions/.
 *
 * The spellings (DESIGN.md "Naming partitions") are matched against the
 * flat list of partitions/list.c, whose entries carry the spec they answer
 * to:
 *
 *   N        partition N as Linux numbers it (Sun label: slice N-1)
 *   NsK, sK  Solaris VTOC slice K in fdisk partition N; sK when only one
 *            VTOC exists, or slice K of a Sun label
 *   Nx       BSD disklabel partition x in slice N
 *   name=, uuid=   GPT/APM partition name, partition UUID
 *   label=   filesystem label
 *   type=    GPT type GUID, a short name (linux, esp, swap, ...) or an MBR
 *            type in hex ("83", "0xbf"), or a VTOC tag name ("root")
 *   auto     a filesystem at offset 0 wins (hybrid ISOs are ISOs); else the
 *            only filesystem; else the one holding boot files; else an
 *            error listing the partitions
 *   boot=N   El Torito boot image N of the ISO at offset 0
 *   VG/LV, lv=VG/LV   LVM2 logical volume LV of volume group VG
 *            (partitions/volumes.c); lvN, the N-th logical volume (the
 *            spec listed for names too long for one)
 *
 * A selected partition that runs past the end of the image is clamped with
 * a warning; one that starts past it, overlaps another or sits in a
 * damaged label is refused or warned about, never used silently.
 */
#include "tables.h"

#include <blkid.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_number(const char *spec, int *out)
{
	char *end;
	long v;

	if (*spec < '0' || *spec > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(spec, &end, 10);
	if (errno || *end || v < 1 || v > 100000)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

#define MAX_BOOT_ENTRIES 256

static int select_boot(fsimg_image *img, const char *spec,
		       struct fsimg_location *loc)
{
	struct fsimg_boot_entry *e;
	fsimg_fs *fs;
	int want, n, rc;

	if (parse_number(spec, &want) && strcmp(spec, "0"))
		return fsimg_err(img, -EINVAL,
				 "partition spec 'boot=%s': want a boot entry "
				 "number",
				 spec);
	if (!strcmp(spec, "0"))
		want = 0;
	rc = fsimg_fs_open(img, 0, 0, NULL, NULL, &fs);
	if (rc)
		return rc;
	e = calloc(MAX_BOOT_ENTRIES, sizeof(*e));
	if (!e) {
		fsimg_fs_close(fs);
		return -ENOMEM;
	}
	n = fsimg_boot_entries(fs, e, MAX_BOOT_ENTRIES);
	if (n >= 0 && (want >= n || want >= MAX_BOOT_ENTRIES))
		n = fsimg_err(img, -ENOENT,
			      "no boot entry %d: the boot catalog has %d", want,
			      n);
	else if (n >= 0 && e[want].length == 0)
		n = fsimg_err(img, -EIO,
			      "boot entry %d: its image lies outside the image "
			      "file",
			      want);
	if (n >= 0) {
		loc->offset = e[want].offset;
		loc->length = e[want].length;
		n = 0;
	}
	free(e);
	fsimg_fs_close(fs);
	return n;
}

/* Short names for type=: GPT type GUIDs and MBR types. */
static const struct {
	const char *name;
	const char *guid;
	unsigned mbr;
} type_names[] = {
	{ "linux", "0fc63daf-8483-4772-8e79-3d69d8477de4", 0x83 },
	{ "esp", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", 0xef },
	{ "swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", 0x82 },
	{ "bios", "21686148-6449-6e6f-744e-656564454649", 0 },
	{ "msdata", "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", 0x07 },
	{ "fat32", NULL, 0x0c },
	{ "fat16", NULL, 0x0e },
	{ "freebsd", "516e7cb4-6ecf-11d6-8ff8-00022d09712b", 0xa5 },
	{ "freebsd-ufs", "516e7cb6-6ecf-11d6-8ff8-00022d09712b", 0 },
	{ "solaris", "6a85cf4d-1dd2-11b2-99a6-080020736631", 0xbf },
	{ "solaris-root", "6a85cf4d-1dd2-11b2-99a6-080020736631", 0 },
	{ "solaris-usr", "6a898cc3-1dd2-11b2-99a6-080020736631", 0 },
};

static bool esp_type(const struct fsimg_part *p)
{
	return !strcasecmp(p->type, type_names[1].guid) ||
	       (!strcmp(p->table, "dos") && !strcmp(p->type, "0xef"));
}

static bool type_matches(const struct fsimg_part *p, const char *want)
{
	char *end;
	unsigned long v;

	if (!strcasecmp(p->type, want))
		return true;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++) {
		char hex[8];

		if (strcasecmp(want, type_names[i].name))
			continue;
		if (type_names[i].guid &&
		    !strcasecmp(p->type, type_names[i].guid))
			return true;
		snprintf(hex, sizeof(hex), "0x%x", type_names[i].mbr);
		if (type_names[i].mbr && !strcmp(p->table, "dos") &&
		    !strcmp(p->type, hex))
			return true;
	}
	/* an MBR type in hex, with or without 0x */
	errno = 0;
	v = strtoul(want, &end, 16);
	if (!errno && !*end && *want && v <= 0xff && strcmp(p->table, "gpt")) {
		char hex[8];

		snprintf(hex, sizeof(hex), "0x%lx", v);
		return !strcmp(p->type, hex);
	}
	return false;
}

/*
 * What a file that holds neither a filesystem nor a partition table is,
 * when its first bytes say so: compressed or archived images are a common
 * mistake, and the message should say what to do. NULL when unknown.
 */
static const char *file_hint(fsimg_image *img)
{
	static const struct {
		unsigned char magic[6];
		size_t len;
		const char *hint;
	} kinds[] = {
		{ { 0xfd, '7', 'z', 'X', 'Z', 0 },
		  6,
		  "the file is xz-compressed: decompress it first (xz -dk)" },
		{ { 0x1f, 0x8b },
		  2,
		  "the file is gzip-compressed: decompress it first "
		  "(gunzip -k)" },
		{ { 'B', 'Z', 'h' },
		  3,
		  "the file is bzip2-compressed: decompress it first "
		  "(bunzip2 -k)" },
		{ { 0x28, 0xb5, 0x2f, 0xfd },
		  4,
		  "the file is zstd-compressed: decompress it first (unzstd)" },
		{ { 0x04, 0x22, 0x4d, 0x18 },
		  4,
		  "the file is lz4-compressed: decompress it first (unlz4)" },
		{ { 'P', 'K', 3, 4 },
		  4,
		  "the file is a zip archive: extract the image from it" },
		{ { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c },
		  6,
		  "the file is a 7-Zip archive: extract the image from it" },
	};
	unsigned char head[8];

	if (fsimg_image_size(img) == 0)
		return "the file is empty";
	if (fsimg_image_size(img) < sizeof(head) ||
	    fsimg_image_read(img, 0, head, sizeof(head)))
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!memcmp(head, kinds[i].magic, kinds[i].len))
			return kinds[i].hint;
	return NULL;
}

static int list_choices(fsimg_image *img, int err, const char *why,
			const struct plist *l)
{
	char buf[1024];
	size_t used = 0;
	int shown = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->n && used < sizeof(buf) - 96; i++) {
		const struct fsimg_part *p = &l->p[i];
		int n;

		if (p->state & FSIMG_PART_CONTAINER)
			continue;
		n = snprintf(buf + used, sizeof(buf) - used,
			     "%s%s (%s, %llu MiB, %s%s%s%s)", shown ? ", " : "",
			     p->spec, p->type,
			     (unsigned long long)(p->size >> 20),
			     p->fstype[0] ? p->fstype : "no filesystem we read",
			     p->label[0] ? " '" : "", p->label,
			     p->label[0] ? "'" : "");
		if (n < 0)
			break;
		used += (size_t)n;
		if (used >= sizeof(buf))
			used = sizeof(buf) - 1;
		shown++;
	}
	return fsimg_err(img, err, "%s; partitions: %s", why,
			 shown ? buf : "none");
}

/* Sets the window of entry p, refusing what cannot be right. */
static int use_part(fsimg_image *img, const struct fsimg_part *p,
		    struct fsimg_location *loc)
{
	if (p->volume) {
		struct fsimg_source *src;
		int rc;

		/* one not read says why (lvm2.c) */
		src = fsimg_volume_source(img, p->volume, &rc);
		if (!src)
			return rc;
		loc->volume = p->volume;
		loc->offset = 0;
		loc->length = src->size;
		if (p->fstype[0]) {
			snprintf(loc->type, sizeof(loc->type), "%s", p->fstype);
			loc->readable = loc->probed = true;
		}
		DBG(PART, "part", "selected volume %u, %s", p->volume, p->spec);
		return 0;
	}
	if (p->state & FSIMG_PART_CONTAINER)
		return fsimg_err(img, -EINVAL,
				 "partition %s is an extended partition: it "
				 "holds partitions, not a filesystem",
				 p->spec);
	if (p->state & FSIMG_PART_OUTSIDE || !p->size)
		return fsimg_err(img, -ENXIO,
				 "partition %s starts past the end of the "
				 "image (byte %llu of %llu)",
				 p->spec, (unsigned long long)p->start,
				 (unsigned long long)img->size);
	loc->offset = p->start;
	loc->length = p->size;
	if (p->fstype[0]) { /* probed: a filesystem we read */
		snprintf(loc->type, sizeof(loc->type), "%s", p->fstype);
		loc->readable = loc->probed = true;
	}
	/* TRUNCATED also marks a VTOC slice past its fdisk partition (warned
	   about when listed): only the end of the image cuts the window */
	if (p->state & FSIMG_PART_TRUNCATED && p->size > img->size - p->start) {
		loc->length = img->size - p->start;
		fsimg_err(img, 0,
			  "warning: partition %s ends past the end of the "
			  "image; reading its first %llu of %llu bytes",
			  p->spec, (unsigned long long)loc->length,
			  (unsigned long long)p->size);
	}
	if (p->state & FSIMG_PART_OVERLAP)
		fsimg_err(img, 0, "warning: partition %s overlaps another",
			  p->spec);
	DBG(PART, "part", "selected %s: %llu+%llu", p->spec,
	    (unsigned long long)loc->offset, (unsigned long long)loc->length);
	return 0;
}

/*
 * The filesystem of entry p, when a driver of ours reads it: fstype (what
 * the filesystem says it is, ext2 rather than the driver) and label. An
 * I/O error is not "no filesystem": the entry says so.
 */
static void probe_entry(fsimg_image *img, struct fsimg_part *p)
{
	struct fsimg_location loc = { .readable = true, .probed = true };
	struct fsimg_window w;
	const char *type = NULL;
	fsimg_fs *fs;
	struct fsimg_fsinfo fi;
	int rc;

	if (!fsimg_plist_usable(img, p) ||
	    !fsimg_window_in(img, p->volume, p->start, p->size, &w))
		return;
	rc = fsimg_probe_in(img, p->volume, w.off, w.len, &type);
	if (rc < 0)
		p->state |= FSIMG_PART_UNREADABLE;
	if (rc <= 0)
		return;
	fsimg_strcpy_trunc(p->fstype, sizeof(p->fstype), type);
	loc.offset = w.off;
	loc.length = w.len;
	loc.volume = p->volume;
	fsimg_strcpy_trunc(loc.type, sizeof(loc.type), type);
	rc = fsimg_fs_open_location(img, &loc, NULL, &fs);
	if (rc == -EIO)
		p->state |= FSIMG_PART_UNREADABLE;
	if (rc)
		return;
	if (!fsimg_fs_info(fs, &fi)) {
		fsimg_strcpy_trunc(p->fstype, sizeof(p->fstype), fi.type);
		fsimg_strcpy_trunc(p->label, sizeof(p->label), fi.label);
	}
	fsimg_fs_close(fs);
}

static void probe_all(fsimg_image *img, struct plist *l)
{
	for (int i = 0; i < l->n; i++)
		probe_entry(img, &l->p[i]);
}

/* VTOCs in the list (for the sK shorthand): fdisk partitions with slices */
static int vtoc_count(const struct plist *l)
{
	int n = 0;

	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->p[i].table, "vtoc") &&
		    (i == 0 || strcmp(l->p[i - 1].table, "vtoc")))
			n++;
	return n;
}

static bool has_table(const struct plist *l, const char *table)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->p[i].table, table))
			return true;
	return false;
}

enum match_kind { M_SPEC, M_VOLUME, M_NAME, M_UUID, M_LABEL, M_TYPE };

static bool matches(fsimg_image *img, const struct plist *l,
		    const struct fsimg_part *p, enum match_kind k,
		    const char *v)
{
	const char *name;
	char num[16];

	switch (k) {
	case M_VOLUME: /* VG/LV in full, or lvN, its number */
		name = p->volume ? fsimg_volume_name(img, p->volume) : NULL;
		if (name && !strcmp(name, v))
			return true;
		snprintf(num, sizeof(num), "lv%u", p->volume);
		return p->volume && !strcmp(num, v);
	case M_SPEC:
		if (!strcmp(p->spec, v))
			return true;
		/* a nested BSD partition also answers to its Linux number */
		if (p->partno > 0 && v[0] >= '1' && v[0] <= '9' &&
		    strspn(v, "0123456789") == strlen(v) &&
		    atoi(v) == p->partno && strcmp(p->table, "sun"))
			return true;
		/* sK: the only VTOC's slice K, or Sun label slice K */
		if (v[0] == 's' && v[1] >= '0' && v[1] <= '9') {
			const char *s = strchr(p->spec, 's');
			char *end;
			long k2 = strtol(v + 1, &end, 10);

			if (*end || k2 < 0 || k2 > 15)
				return false;
			if (vtoc_count(l) == 1 && s &&
			    !strcmp(p->table, "vtoc"))
				return !strcmp(s, v);
			if (has_table(l, "sun") && !strcmp(p->table, "sun"))
				return atoi(p->spec) == k2 + 1;
		}
		return false;
	case M_NAME:
		return p->name[0] && !strcmp(p->name, v);
	case M_UUID:
		return p->uuid[0] && !strcasecmp(p->uuid, v);
	case M_LABEL:
		return p->label[0] && !strcmp(p->label, v);
	case M_TYPE:
		return type_matches(p, v);
	}
	return false;
}

static int select_match(fsimg_image *img, struct plist *l, enum match_kind k,
			const char *v, const char *spec, bool probed,
			struct fsimg_location *loc)
{
	int found = -1, nfound = 0;
	char why[96];

	for (int i = 0; i < l->n; i++) {
		if (!matches(img, l, &l->p[i], k, v))
			continue;
		/* type= and label= pick among entries that can be used */
		if (k >= M_LABEL && !fsimg_plist_usable(img, &l->p[i]))
			continue;
		if (found < 0)
			found = i;
		nfound++;
	}
	if (nfound == 1)
		return use_part(img, &l->p[found], loc);
	if (!probed)
		probe_all(img, l);
	snprintf(why, sizeof(why),
		 nfound ? "several partitions match '%.40s': choose one by "
			  "number"
			: "no partition matches '%.40s'",
		 spec);
	return list_choices(img, nfound ? -EINVAL : -ENOENT, why, l);
}

/* What the filesystem of p holds: a kernel in /boot, a root's /etc. */
struct boot_scan {
	bool found;
};

enum { HOLDS_KERNEL = 1, HOLDS_ROOT = 2 };

static int boot_dirent(void *ctx, const char *name, fsimg_ino ino,
		       const struct fsimg_stat *st, uint64_t next)
{
	struct boot_scan *b = ctx;

	(void)ino;
	(void)st;
	(void)next;
	if (!strncmp(name, "vmlinuz", 7)) {
		b->found = true;
		return 1;
	}
	return 0;
}

static unsigned holds(fsimg_image *img, const struct fsimg_part *p)
{
	struct boot_scan b = { false };
	struct fsimg_window w;
	fsimg_fs *fs;
	fsimg_ino dir, ino;
	unsigned what = 0;

	if (!fsimg_window_in(img, p->volume, p->start, p->size, &w) ||
	    fsimg_fs_open_in(img, p->volume, w.off, w.len, p->fstype, NULL,
			     &fs))
		return 0;
	if (!fsimg_resolve(fs, "/boot", 0, &dir, NULL))
		fsimg_readdir(fs, dir, 0, boot_dirent, &b);
	if (b.found)
		what |= HOLDS_KERNEL;
	if (!fsimg_resolve(fs, "/etc/fstab", 0, &ino, NULL) ||
	    !fsimg_resolve(fs, "/etc/os-release", 0, &ino, NULL))
		what |= HOLDS_ROOT;
	fsimg_fs_close(fs);
	return what;
}

/*
 * The only filesystem; else the VTOC root slice; else the one partition
 * with a kernel in /boot; else the one with a root's /etc (a root logical
 * volume beside a /boot partition); else the ESP. Several at one step: an
 * error.
 */
static int select_auto(fsimg_image *img, struct plist *l,
		       struct fsimg_location *loc)
{
	int nfs = 0, fs = -1, nroot = 0, root = -1, nk = 0, k = -1;
	int nesp = 0, esp = -1, netc = 0, etc = -1;

	for (int i = 0; i < l->n; i++) {
		const struct fsimg_part *p = &l->p[i];

		if (!p->fstype[0])
			continue;
		/* the backup slice repeats the whole disk */
		if (!strcmp(p->table, "vtoc") && !strcmp(p->type, "backup"))
			continue;
		nfs++;
		fs = i;
		if (!strcmp(p->table, "vtoc") && !strcmp(p->type, "root")) {
			nroot++;
			root = i;
		}
		if (esp_type(p)) {
			nesp++;
			esp = i;
		} else {
			unsigned h = holds(img, p);

			if (h & HOLDS_KERNEL) {
				nk++;
				k = i;
			}
			if (h & HOLDS_ROOT) {
				netc++;
				etc = i;
			}
		}
	}
	if (nfs == 1)
		return use_part(img, &l->p[fs], loc);
	if (nfs == 0 && l->n)
		return list_choices(img, -EINVAL,
				    "no filesystem we read in any partition",
				    l);
	if (nfs == 0) {
		const char *hint = file_hint(img);

		return fsimg_err(img, -EINVAL,
				 "no filesystem recognised and no partition "
				 "table%s%s",
				 hint ? ": " : "", hint ? hint : "");
	}
	if (nroot == 1)
		return use_part(img, &l->p[root], loc);
	if (nk == 1)
		return use_part(img, &l->p[k], loc);
	if (nk == 0 && netc == 1)
		return use_part(img, &l->p[etc], loc);
	if (nk == 0 && nesp == 1)
		return use_part(img, &l->p[esp], loc);
	return list_choices(img, -EINVAL,
			    "several partitions hold a filesystem: choose one "
			    "with -p",
			    l);
}

static const struct {
	const char *prefix;
	enum match_kind kind;
} prefixes[] = {
	{ "name=", M_NAME }, { "uuid=", M_UUID }, { "label=", M_LABEL },
	{ "type=", M_TYPE }, { "lv=", M_VOLUME },
};

/* VG/LV (one slash, neither side empty) or lvN: a logical volume. */
static bool volume_spec(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash)
		return slash != s && slash[1] && !strchr(slash + 1, '/');
	return !strncmp(s, "lv", 2) && s[2] >= '1' && s[2] <= '9' &&
	       strspn(s + 2, "0123456789") == strlen(s + 2);
}

/* N, NsK, sK, Nx: digits, then at most "s" digits or one letter. */
static bool spec_syntax_ok(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p - s > 6)
		return false;
	if (!*p)
		return p != s && strcmp(s, "0") && s[0] != '0';
	if (*p == 's' && p[1]) {
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9')
			q++;
		return !*q && q - p <= 3;
	}
	return p != s && p[0] >= 'a' && p[0] <= 'z' && !p[1];
}

/*
 * The type libblkid gives [off, off + len), when no driver of ours has that
 * name: a filesystem only the kernel reads (xfs, btrfs). A type we have a
 * driver for is not reported: our driver looked and did not accept it.
 */
static void blkid_type(fsimg_image *img, uint64_t off, uint64_t len,
		       struct fsimg_location *loc)
{
	blkid_probe pr;
	const char *v;
	int fd = loc->volume ? -1 : fsimg_image_raw_fd(img);

	if (loc->volume) { /* a logical volume: our list of signatures */
		struct fsimg_window w;

		v = fsimg_window_in(img, loc->volume, off, len, &w)
			    ? fsimg_signature_window(&w)
			    : NULL;
		if (v && !fsimg_driver_find(v))
			snprintf(loc->type, sizeof(loc->type), "%s", v);
		return;
	}
	if (fd < 0) { /* a container's disk: our short list of signatures */
		v = fsimg_signature_type(img, off, len);
		if (v && !fsimg_driver_find(v))
			snprintf(loc->type, sizeof(loc->type), "%s", v);
		return;
	}
	pr = blkid_new_probe();
	if (!pr)
		return;
	if (!blkid_probe_set_device(pr, fd, (blkid_loff_t)off,
				    (blkid_loff_t)len)) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
		if (!blkid_do_safeprobe(pr) &&
		    !blkid_probe_lookup_value(pr, "TYPE", &v, NULL) &&
		    !fsimg_driver_find(v)) {
			snprintf(loc->type, sizeof(loc->type), "%s", v);
			DBG(PROBE, "probe", "libblkid: %s at %llu", v,
			    (unsigned long long)off);
		}
	}
	blkid_free_probe(pr);
}

/* The window spec names, and its filesystem type when a probe found it. */
static int select_spec(fsimg_image *img, const char *spec, bool kernel_types,
		       struct fsimg_location *loc)
{
	struct plist *l;
	enum match_kind kind = M_SPEC;
	const char *value = spec;
	const char *type;
	bool is_auto, probe;
	int rc;

	fsimg_debug_init();
	memset(loc, 0, sizeof(*loc));
	if (!spec || !*spec)
		spec = "auto";
	if (!strncmp(spec, "boot=", 5))
		return select_boot(img, spec + 5, loc);
	is_auto = !strcmp(spec, "auto");
	value = spec;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		size_t n = strlen(prefixes[i].prefix);

		if (!strncmp(spec, prefixes[i].prefix, n)) {
			kind = prefixes[i].kind;
			value = spec + n;
		}
	}
	if (kind == M_SPEC && volume_spec(spec))
		kind = M_VOLUME;
	if (!is_auto && ((kind == M_SPEC && !spec_syntax_ok(spec)) || !*value))
		return fsimg_err(img, -EINVAL,
				 "partition spec '%s' not understood: use "
				 "auto, N, NsK, sK, Nx, VG/LV, name=, uuid=, "
				 "label=, type=, lv= or boot=N",
				 spec);

	if (is_auto) {
		/* a filesystem at offset 0 wins: hybrid ISOs are ISOs */
		rc = fsimg_probe(img, 0, 0, &type);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			loc->length = img->size;
			snprintf(loc->type, sizeof(loc->type), "%s", type);
			loc->readable = loc->probed = true;
			return 0;
		}
	}

	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = fsimg_plist_build(img, l);
	if (rc) {
		fsimg_err(img, rc, "reading the partition table: %s",
			  strerror(-rc));
		goto out;
	}
	probe = is_auto || kind == M_LABEL;
	if (probe)
		probe_all(img, l);
	if (is_auto && l->n == 0 && kernel_types) {
		/* no table: perhaps a filesystem only the kernel reads */
		blkid_type(img, 0, img->size, loc);
		if (loc->type[0]) {
			loc->length = img->size;
			goto out;
		}
	}
	if (is_auto)
		rc = select_auto(img, l, loc);
	else
		rc = select_match(img, l, kind, value, spec, probe, loc);
out:
	free(l);
	return rc;
}

int fsimg_select(fsimg_image *img, const char *spec, uint64_t *offset,
		 uint64_t *length)
{
	struct fsimg_location loc;
	int rc = select_spec(img, spec, false, &loc);

	if (!rc && loc.volume)
		return fsimg_err(img, -EMEDIUMTYPE,
				 "partition spec '%s' is a logical volume, "
				 "not a byte range of the image: open it with "
				 "fsimg_locate()",
				 spec);
	if (!rc) {
		*offset = loc.offset;
		*length = loc.length;
	}
	return rc;
}

int fsimg_locate(fsimg_image *img, const char *spec, const char *fstype,
		 struct fsimg_location *loc)
{
	const char *type;
	int rc = select_spec(img, spec, true, loc);

	if (rc)
		return rc;
	if (fstype && *fstype && strcmp(fstype, "auto")) {
		/* the caller's type: fsimg_fs_open() checks it */
		snprintf(loc->type, sizeof(loc->type), "%s", fstype);
		loc->readable = true; /* an unknown name is said so there */
		loc->probed = false;
		return 0;
	}
	if (loc->type[0])
		return 0; /* selection probed it */
	rc = fsimg_probe_in(img, loc->volume, loc->offset, loc->length, &type);
	if (rc < 0)
		return fsimg_err(img, rc,
				 "reading at byte %llu%s%s while looking for "
				 "a filesystem: %s",
				 (unsigned long long)loc->offset,
				 loc->volume ? " of logical volume " : "",
				 loc->volume ? spec : "", strerror(-rc));
	if (rc > 0) {
		snprintf(loc->type, sizeof(loc->type), "%s", type);
		loc->readable = loc->probed = true;
	} else {
		blkid_type(img, loc->offset, loc->length, loc);
	}
	return 0;
}

int fsimg_partitions(fsimg_image *img, struct fsimg_part *out, size_t max,
		     char *table, size_t tsize)
{
	struct fsimg_ptable t;
	int rc = fsimg_partitions_table(img, out, max, &t);

	if (rc >= 0 && table && tsize)
		snprintf(table, tsize, "%s", t.type);
	return rc;
}

int fsimg_partitions_table(fsimg_image *img, struct fsimg_part *out, size_t max,
			   struct fsimg_ptable *table)
{
	struct plist *l;
	int rc;

	fsimg_debug_init();
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = fsimg_plist_build(img, l);
	if (!rc && out && max) { /* not for a count: what a caller reads */
		fsimg_plist_warn(img, l);
		probe_all(img, l);
	}
	if (!rc) {
		for (int i = 0; out && i < l->n && (size_t)i < max; i++)
			out[i] = l->p[i];
		if (table) {
			snprintf(table->type, sizeof(table->type), "%s",
				 l->pttype);
			snprintf(table->uuid, sizeof(table->uuid), "%s",
				 l->ptuuid);
		}
		rc = l->n;
	}
	free(l);
	return rc;
}
