/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Partition selection: turns a spec from fsimg(1) into a byte window.
 *
 * This file reads partition tables through libblkid, which walks MBR (with
 * extended/logical chains, numbered as Linux numbers them), GPT and the
 * other tables it knows. Specs understood here:
 *
 *   auto  a filesystem at offset 0 wins (hybrid ISOs are ISOs); otherwise
 *         the only partition that holds a filesystem we read; otherwise an
 *         error that lists the partitions.
 *   N     partition N as Linux numbers it.
 *   boot=N  El Torito boot image N of the ISO at offset 0, numbered as
 *         fsimg info lists them: the FAT image an EFI entry points to, or
 *         a floppy or hard-disk emulation image.
 *
 * The other spellings of DESIGN.md (NsK, Nx, name=, uuid=, label=, type=)
 * are refused with a message naming the ones that work.
 */
#include "internal.h"

#include <blkid.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct part {
	int partno;
	uint64_t start; /* bytes */
	uint64_t size;	/* bytes */
	const char *fstype;
};

/* At most this many partitions are considered; blkid's own limits are larger.
 */
#define MAX_PARTS 256

static int list_parts(fsimg_image *img, struct part *parts, int *count,
		      char *pttype, size_t ptsize)
{
	blkid_probe pr;
	blkid_partlist pl;
	int n, fd, rc = 0;

	*count = 0;
	pttype[0] = '\0';
	fd = dup(img->fd);
	if (fd < 0)
		return -errno;
	pr = blkid_new_probe();
	if (!pr) {
		close(fd);
		return -ENOMEM;
	}
	if (blkid_probe_set_device(pr, fd, 0, (blkid_loff_t)img->size)) {
		rc = -EIO;
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	pl = blkid_probe_get_partitions(pr);
	if (!pl)
		goto out; /* no table: not an error */
	{
		blkid_parttable tab = blkid_partlist_get_table(pl);
		if (tab)
			snprintf(pttype, ptsize, "%s",
				 blkid_parttable_get_type(tab));
	}
	n = blkid_partlist_numof_partitions(pl);
	for (int i = 0; i < n && *count < MAX_PARTS; i++) {
		blkid_partition p = blkid_partlist_get_partition(pl, i);
		blkid_loff_t s = blkid_partition_get_start(p);
		blkid_loff_t z = blkid_partition_get_size(p);
		struct part *d = &parts[*count];

		if (s < 0 || z <= 0)
			continue;
		d->partno = blkid_partition_get_partno(p);
		d->start = (uint64_t)s * 512;
		d->size = (uint64_t)z * 512;
		/* Extended partition containers hold no filesystem. */
		if (blkid_partition_is_extended(p))
			continue;
		if (d->start >= img->size) {
			DBG(PART, "part", "partition %d starts past the end",
			    d->partno);
			continue;
		}
		if (d->size > img->size - d->start)
			d->size = img->size - d->start;
		(*count)++;
	}
out:
	blkid_free_probe(pr);
	close(fd);
	return rc;
}

static int probe_parts(fsimg_image *img, struct part *parts, int count)
{
	for (int i = 0; i < count; i++) {
		const char *type = NULL;
		int rc = fsimg_probe(img, parts[i].start, parts[i].size, &type);

		if (rc < 0)
			return rc;
		parts[i].fstype = rc > 0 ? type : NULL;
	}
	return 0;
}

static int list_choices(fsimg_image *img, int err, const char *why,
			const struct part *parts, int count)
{
	char buf[768];
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < count && used < sizeof(buf) - 64; i++) {
		int n = snprintf(buf + used, sizeof(buf) - used,
				 "%s%d (%llu MiB, %s)", i ? ", " : "",
				 parts[i].partno,
				 (unsigned long long)(parts[i].size >> 20),
				 parts[i].fstype ? parts[i].fstype
						 : "no filesystem we read");
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return fsimg_err(img, err, "%s; partitions: %s", why,
			 count ? buf : "none");
}

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

static int select_boot(fsimg_image *img, const char *spec, uint64_t *offset,
		       uint64_t *length)
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
		*offset = e[want].offset;
		*length = e[want].length;
		n = 0;
	}
	free(e);
	fsimg_fs_close(fs);
	return n;
}

int fsimg_select(fsimg_image *img, const char *spec, uint64_t *offset,
		 uint64_t *length)
{
	struct part *parts;
	char pttype[32];
	const char *type;
	int count, rc, want = 0;

	fsimg_debug_init();
	if (!spec || !*spec)
		spec = "auto";
	if (!strncmp(spec, "boot=", 5))
		return select_boot(img, spec + 5, offset, length);
	if (strcmp(spec, "auto") && parse_number(spec, &want))
		return fsimg_err(img, -EINVAL,
				 "partition spec '%s' is not supported: use "
				 "'auto', a partition number or boot=N",
				 spec);

	if (!want) {
		rc = fsimg_probe(img, 0, 0, &type);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*offset = 0;
			*length = img->size;
			return 0;
		}
	}

	parts = calloc(MAX_PARTS, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	rc = list_parts(img, parts, &count, pttype, sizeof(pttype));
	if (rc) {
		fsimg_err(img, rc, "reading the partition table: %s",
			  strerror(-rc));
		goto out;
	}
	DBG(PART, "part", "%s table, %d partitions", pttype[0] ? pttype : "no",
	    count);

	if (want) {
		rc = -ENOENT;
		for (int i = 0; i < count; i++) {
			if (parts[i].partno != want)
				continue;
			*offset = parts[i].start;
			*length = parts[i].size;
			rc = 0;
		}
		if (rc) {
			probe_parts(img, parts, count);
			list_choices(img, rc, "no such partition", parts,
				     count);
		}
		goto out;
	}

	rc = probe_parts(img, parts, count);
	if (rc)
		goto out;
	{
		int found = -1, nfs = 0;
		for (int i = 0; i < count; i++)
			if (parts[i].fstype) {
				nfs++;
				found = i;
			}
		if (nfs == 1) {
			*offset = parts[found].start;
			*length = parts[found].size;
			rc = 0;
		} else if (nfs == 0) {
			rc = count ? list_choices(img, -EINVAL,
						  "no filesystem we read in "
						  "any partition",
						  parts, count)
				   : fsimg_err(img, -EINVAL,
					       "no filesystem recognised and "
					       "no partition table");
		} else {
			rc = list_choices(img, -EINVAL,
					  "several partitions hold a "
					  "filesystem: choose one with -p",
					  parts, count);
		}
	}
out:
	free(parts);
	return rc;
}
