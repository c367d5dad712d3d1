/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unified kernel images: the PE section table, for the UKI entries of
 * uki.c and, through uki_section, for the boot menu's files. Every header
 * and section is checked against the file size before it is read.
 */
#include "bls.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- type 2: the PE section table ----------------------------------------- */

/*
 * PE/COFF: "MZ" and e_lfanew (le32 at 0x3c) in the DOS header; there
 * "PE\0\0" and the COFF header (NumberOfSections le16 at 2,
 * SizeOfOptionalHeader le16 at 16); the section table follows the
 * optional header, 40 bytes a section: Name[8], VirtualSize le32 at 8,
 * SizeOfRawData le32 at 16, PointerToRawData le32 at 20.
 */
#define PE_DOS_LFANEW 0x3c
#define PE_COFF_SIZE  20
#define PE_SECT_SIZE  40

/* Exactly size bytes at off: 0, -EIO for a short file, or -errno. */
static int read_full(fsimg_file *f, void *buf, size_t size, uint64_t off)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = fsimg_file_read(f, (char *)buf + done, size - done,
					    off + done);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* [off, off+len) inside a file of size bytes, without overflow. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int pe_bad(struct boot_scan *s, struct boot_fs *fs, const char *path,
		  const char *why)
{
	boot_warn(s, &boot_source_uki, fs, path, 0,
		  "not a unified kernel image: %s", why);
	return -EINVAL;
}

/* The section table of the PE file f into t: 0 or -EINVAL (logged). */
int uki_pe_read(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, struct pe_table *t)
{
	uint8_t dos[64], pe[4 + PE_COFF_SIZE];
	uint8_t raw[PE_MAX_SECTIONS * PE_SECT_SIZE];
	uint64_t lfanew, table;
	unsigned n;

	t->n = 0;
	t->file_size = fsimg_file_size(f);
	if (t->file_size < sizeof(dos) || read_full(f, dos, sizeof(dos), 0) ||
	    memcmp(dos, "MZ", 2))
		return pe_bad(s, fs, path, "no MZ header");
	lfanew = get_le32(dos + PE_DOS_LFANEW);
	if (!inside(lfanew, sizeof(pe), t->file_size) ||
	    read_full(f, pe, sizeof(pe), lfanew) || memcmp(pe, "PE\0\0", 4))
		return pe_bad(s, fs, path, "no PE header");
	n = get_le16(pe + 4 + 2);
	if (n > PE_MAX_SECTIONS) {
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "%u PE sections, more than %u: not read", n,
			  PE_MAX_SECTIONS);
		return -EINVAL;
	}
	table = lfanew + sizeof(pe) + get_le16(pe + 4 + 16);
	if (!inside(table, (uint64_t)n * PE_SECT_SIZE, t->file_size))
		return pe_bad(s, fs, path, "the section table lies outside it");
	if (read_full(f, raw, (size_t)n * PE_SECT_SIZE, table))
		return pe_bad(s, fs, path, "unreadable section table");
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *r = raw + (size_t)i * PE_SECT_SIZE;
		struct pe_section *p = &t->sec[i];
		uint32_t vsize = get_le32(r + 8), rsize = get_le32(r + 16);

		memcpy(p->name, r, 8);
		p->name[8] = 0;
		/* raw data is padded to the file alignment */
		p->size = vsize && vsize < rsize ? vsize : rsize;
		p->off = get_le32(r + 20);
	}
	t->n = n;
	return 0;
}

/* Section name of t, checked to lie in the file: 0, -ENOENT or -EINVAL. */
int uki_pe_find(struct boot_scan *s, struct boot_fs *fs, const char *path,
		const struct pe_table *t, const char *name,
		const struct pe_section **out)
{
	*out = NULL;
	/* the first: the base profile of a multi-profile UKI */
	for (unsigned i = 0; i < t->n; i++) {
		const struct pe_section *p = &t->sec[i];

		if (strlen(name) > 8 || strcmp(p->name, name))
			continue;
		if (!inside(p->off, p->size, t->file_size)) {
			boot_warn(s, &boot_source_uki, fs, path, 0,
				  "section %s (%llu bytes at %llu) lies "
				  "outside the file (%llu bytes)",
				  name, (unsigned long long)p->size,
				  (unsigned long long)p->off,
				  (unsigned long long)t->file_size);
			return -EINVAL;
		}
		*out = p;
		return 0;
	}
	return -ENOENT;
}

int uki_section(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, const char *name, uint64_t *off, uint64_t *size)
{
	struct pe_table *t = malloc(sizeof(*t));
	const struct pe_section *p;
	int rc;

	*off = *size = 0;
	if (!t)
		return -ENOMEM;
	rc = uki_pe_read(s, fs, path, f, t);
	if (!rc)
		rc = uki_pe_find(s, fs, path, t, name, &p);
	if (!rc) {
		*off = p->off;
		*size = p->size;
	}
	free(t);
	return rc;
}

/* At most max bytes of section p, NUL-terminated, into *buf. */
int uki_pe_load(struct boot_scan *s, struct boot_fs *fs, const char *path,
		fsimg_file *f, const struct pe_section *p, size_t max,
		char **buf)
{
	size_t n = p->size > max ? max : (size_t)p->size;
	int rc;

	*buf = malloc(n + 1);
	if (!*buf)
		return -ENOMEM;
	rc = read_full(f, *buf, n, p->off);
	if (rc) {
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "reading section %s: %s", p->name, strerror(-rc));
		free(*buf);
		*buf = NULL;
		return rc;
	}
	(*buf)[n] = 0;
	return 0;
}

/* Opens the regular file at path of fs; logged unless absent. */
int uki_open_file(struct boot_scan *s, struct boot_fs *fs, const char *path,
		  fsimg_file **f)
{
	struct fsimg_stat st;
	fsimg_ino ino;
	int rc;

	*f = NULL;
	if (!fs->fs)
		return -ENOENT;
	rc = fsimg_resolve(fs->fs, path, 0, &ino, &st);
	if (!rc && !S_ISREG(st.mode))
		rc = -EINVAL;
	if (!rc)
		rc = fsimg_file_open(fs->fs, ino, f);
	if (rc && rc != -ENOENT)
		boot_warn(s, &boot_source_uki, fs, path, 0,
			  "cannot open it: %s",
			  rc == -EINVAL ? "not a regular file" : strerror(-rc));
	return rc;
}
