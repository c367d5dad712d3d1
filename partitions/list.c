/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nested partition tree as one flat list.
 *
 * libblkid reads the tables it reads well: MBR with its extended/logical
 * chain (hop-limited, numbered as Linux numbers them), GPT (header and
 * entry-array CRCs checked, the backup header used when the primary is
 * damaged), Sun SMI labels, BSD disklabels nested in MBR slices, Apple
 * partition maps. The Solaris x86 VTOC is ours (vtoc.c): libblkid's own
 * "solaris" entries are dropped and replaced by our slices.
 *
 * Every entry keeps the geometry its table declares; what is wrong with it
 * (past the end, overlapping a sibling, a damaged nested label) goes to
 * .state, and selection refuses or clamps with a message, never silently.
 */
#include "part.h"

#include <blkid.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

static struct fsimg_part *add(struct plist *l)
{
	struct fsimg_part *p;

	if (l->n >= FSIMG_PARTS_MAX)
		return NULL;
	p = &l->p[l->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void set_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* The letter of a BSD entry: the label slot with the same geometry. */
static char bsd_letter(fsimg_image *img, const struct fsimg_part *parent,
		       const struct fsimg_part *p, int fallback)
{
	struct fsimg_window w;
	struct fsimg_bsd_label bl;

	if (!fsimg_part_window(img, parent->start, parent->size, &w))
		return (char)('a' + fallback % 26);
	if (fsimg_bsd_probe(&w, &bl) == 1) {
		for (unsigned i = 0; i < bl.n; i++) {
			uint64_t off = (uint64_t)bl.offset[i] * 512;

			if ((uint64_t)bl.size[i] * 512 != p->size)
				continue;
			/* absolute (FreeBSD, OpenBSD) or slice-relative */
			if (off == p->start || off + parent->start == p->start)
				return (char)('a' + i);
		}
	}
	return (char)('a' + fallback % 26);
}

static int find_spec_index(const struct plist *l, const char *spec)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->p[i].spec, spec))
			return i;
	return -1;
}

static int blkid_list(fsimg_image *img, struct plist *l, unsigned sectsz)
{
	blkid_probe pr;
	blkid_partlist pl;
	int n, fd, rc = 0, nbsd = 0;

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
	blkid_probe_set_sectorsize(pr, sectsz);
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	pl = blkid_probe_get_partitions(pr);
	if (!pl)
		goto out; /* no table: not an error */
	{
		blkid_parttable tab = blkid_partlist_get_table(pl);
		if (tab)
			set_str(l->pttype, sizeof(l->pttype),
				blkid_parttable_get_type(tab));
	}
	n = blkid_partlist_numof_partitions(pl);
	for (int i = 0; i < n; i++) {
		blkid_partition bp = blkid_partlist_get_partition(pl, i);
		blkid_parttable tab = blkid_partition_get_table(bp);
		blkid_partition parent =
			tab ? blkid_parttable_get_parent(tab) : NULL;
		const char *ttype = tab ? blkid_parttable_get_type(tab) : "";
		blkid_loff_t s = blkid_partition_get_start(bp);
		blkid_loff_t z = blkid_partition_get_size(bp);
		int partno = blkid_partition_get_partno(bp);
		const char *ts = blkid_partition_get_type_string(bp);
		struct fsimg_part *p;

		/* libblkid's x86 VTOC entries are replaced by ours */
		if (!strcmp(ttype, "solaris"))
			continue;
		if (s < 0 || z < 0)
			continue;
		p = add(l);
		if (!p)
			break;
		/* libblkid gives 512-byte sectors whatever the sector size */
		p->start = (uint64_t)s * 512;
		p->size = (uint64_t)z * 512;
		set_str(p->table, sizeof(p->table), ttype);
		set_str(p->name, sizeof(p->name), blkid_partition_get_name(bp));
		set_str(p->uuid, sizeof(p->uuid), blkid_partition_get_uuid(bp));
		p->flags = (unsigned)blkid_partition_get_flags(bp);
		if (ts)
			set_str(p->type, sizeof(p->type), ts);
		else
			snprintf(p->type, sizeof(p->type), "0x%x",
				 blkid_partition_get_type(bp));
		if (blkid_partition_is_extended(bp))
			p->state |= FSIMG_PART_CONTAINER;
		if (!strcmp(ttype, "sun"))
			l->sun = true;
		p->partno = partno;
		if (parent && strcmp(ttype, "dos")) {
			char pspec[16];
			int pi;

			snprintf(pspec, sizeof(pspec), "%d",
				 blkid_partition_get_partno(parent));
			pi = find_spec_index(l, pspec);
			p->depth = 1;
			if (pi >= 0)
				snprintf(p->spec, sizeof(p->spec), "%s%c",
					 pspec,
					 bsd_letter(img, &l->p[pi], p, nbsd));
			else
				snprintf(p->spec, sizeof(p->spec), "%d",
					 partno);
			nbsd++;
		} else {
			snprintf(p->spec, sizeof(p->spec), "%d", partno);
			if (!strcmp(ttype, "dos") && partno > 4)
				p->depth = 1;
			if (parent)
				p->depth = 1;
		}
	}
out:
	blkid_free_probe(pr);
	close(fd);
	return rc;
}

/*
 * A nested label that could not be read: damage (a bad checksum, a field
 * out of range) marks the entry and the listing goes on, as a warning; an
 * I/O error or a failed allocation ends the listing.
 */
static int nested_error(struct fsimg_part *p, int rc)
{
	if (rc == -EIO || rc == -ENOMEM)
		return rc;
	p->state |= FSIMG_PART_DAMAGED;
	return 0;
}

/* Adds the slices of a VTOC found in MBR entry pi right after it. */
static int add_vtoc(fsimg_image *img, struct plist *l, int pi)
{
	struct fsimg_part parent = l->p[pi];
	struct fsimg_window w;
	struct fsimg_vtoc v;
	struct fsimg_part slices[VTOC_NPARTS];
	int ns = 0, rc;

	if (!fsimg_part_window(img, parent.start, parent.size, &w))
		return 0;
	rc = fsimg_pt_vtoc.probe(&w, &v);
	if (rc < 0)
		return nested_error(&l->p[pi], rc);
	if (rc == 0)
		return 0;
	l->vtoc_count++;
	for (unsigned k = 0; k < v.nparts; k++) {
		const struct fsimg_vtoc_slice *s = &v.slice[k];
		struct fsimg_part *p = &slices[ns];
		const char *tn = fsimg_vtoc_tag_name(s->tag);

		if (!s->size)
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->spec, sizeof(p->spec), "%.20ss%u", parent.spec, k);
		p->start = parent.start + s->start; /* both < 2^42 */
		p->size = s->size;
		set_str(p->table, sizeof(p->table), "vtoc");
		if (tn)
			set_str(p->type, sizeof(p->type), tn);
		else
			snprintf(p->type, sizeof(p->type), "tag 0x%x", s->tag);
		set_str(p->name, sizeof(v.volume), v.volume);
		p->flags = s->flag;
		p->depth = parent.depth + 1;
		/* a slice must stay inside its fdisk partition */
		if (s->start + s->size > parent.size) {
			fsimg_err(img, 0,
				  "VTOC slice %s runs past the end of fdisk "
				  "partition %s",
				  p->spec, parent.spec);
			p->state |= FSIMG_PART_TRUNCATED;
		}
		ns++;
	}
	if (l->n + ns > FSIMG_PARTS_MAX)
		ns = FSIMG_PARTS_MAX - l->n;
	memmove(&l->p[pi + 1 + ns], &l->p[pi + 1],
		(size_t)(l->n - pi - 1) * sizeof(l->p[0]));
	memcpy(&l->p[pi + 1], slices, (size_t)ns * sizeof(slices[0]));
	l->n += ns;
	return ns;
}

/*
 * The letters of a BSD disklabel in MBR entry pi, when libblkid gave none
 * (it reads little-endian labels only). Unused slots (p_fstype 0) are left
 * out, as libblkid does. Offsets are absolute on the disk when the raw
 * partition 'c' starts where the slice does, slice-relative otherwise.
 */
static int add_bsd(fsimg_image *img, struct plist *l, int pi, unsigned mbr)
{
	/* named as libblkid names the table it finds in each MBR type */
	const char *table = mbr == 0xa5	  ? "freebsd"
			    : mbr == 0xa6 ? "openbsd"
					  : "netbsd";
	struct fsimg_part parent = l->p[pi];
	struct fsimg_window w;
	struct fsimg_part letters[BSD_MAXPARTS];
	struct fsimg_bsd_label bl;
	uint64_t base;
	int nl = 0, rc;

	if (pi + 1 < l->n && l->p[pi + 1].depth > parent.depth)
		return 0; /* libblkid listed them */
	if (!fsimg_part_window(img, parent.start, parent.size, &w))
		return 0;
	rc = fsimg_bsd_probe(&w, &bl);
	if (rc < 0)
		return nested_error(&l->p[pi], rc);
	if (rc == 0)
		return 0;
	base = bl.n > 2 && (uint64_t)bl.offset[2] * 512 == parent.start
		       ? 0
		       : parent.start;
	for (unsigned i = 0; i < bl.n; i++) {
		struct fsimg_part *p = &letters[nl];

		if (!bl.size[i] || !bl.fstype[i])
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->spec, sizeof(p->spec), "%.24s%c", parent.spec,
			 'a' + i);
		p->start = base + (uint64_t)bl.offset[i] * 512;
		p->size = (uint64_t)bl.size[i] * 512;
		snprintf(p->table, sizeof(p->table), "%s", table);
		snprintf(p->type, sizeof(p->type), "0x%x", bl.fstype[i]);
		p->depth = parent.depth + 1;
		nl++;
	}
	if (l->n + nl > FSIMG_PARTS_MAX)
		nl = FSIMG_PARTS_MAX - l->n;
	memmove(&l->p[pi + 1 + nl], &l->p[pi + 1],
		(size_t)(l->n - pi - 1) * sizeof(l->p[0]));
	memcpy(&l->p[pi + 1], letters, (size_t)nl * sizeof(letters[0]));
	l->n += nl;
	return nl;
}

bool fsimg_part_window(fsimg_image *img, uint64_t start, uint64_t size,
		       struct fsimg_window *w)
{
	if (start >= img->size)
		return false;
	w->img = img;
	w->off = start;
	w->len = size < img->size - start ? size : img->size - start;
	return true;
}

bool fsimg_plist_usable(const fsimg_image *img, const struct fsimg_part *p)
{
	return !(p->state & (FSIMG_PART_CONTAINER | FSIMG_PART_OUTSIDE)) &&
	       p->size && p->start < img->size;
}

static void mark_damage(fsimg_image *img, struct plist *l)
{
	for (int i = 0; i < l->n; i++) {
		struct fsimg_part *a = &l->p[i];
		uint64_t end;

		if (a->start >= img->size)
			a->state |= FSIMG_PART_OUTSIDE;
		else if (ckd_add(&end, a->start, a->size) || end > img->size)
			a->state |= FSIMG_PART_TRUNCATED;
		for (int j = 0; j < i; j++) {
			struct fsimg_part *b = &l->p[j];

			/* siblings only: same table, same depth */
			if (a->depth != b->depth ||
			    strcmp(a->table, b->table) ||
			    (a->state | b->state) & FSIMG_PART_CONTAINER)
				continue;
			/* the VTOC backup slice covers the others by design */
			if (!strcmp(a->table, "vtoc") &&
			    (!strcmp(a->type, "backup") ||
			     !strcmp(b->type, "backup")))
				continue;
			if (a->start < b->start + b->size &&
			    b->start < a->start + a->size) {
				a->state |= FSIMG_PART_OVERLAP;
				b->state |= FSIMG_PART_OVERLAP;
			}
		}
	}
}

static void probe_fs(fsimg_image *img, struct fsimg_part *p)
{
	struct fsimg_window w;
	const char *type = NULL;
	fsimg_fs *fs;
	struct fsimg_fsinfo fi;
	int rc;

	if (!fsimg_plist_usable(img, p) ||
	    !fsimg_part_window(img, p->start, p->size, &w))
		return;
	rc = fsimg_probe(img, w.off, w.len, &type);
	if (rc < 0)
		/* an I/O error is not "no filesystem": say so on the entry */
		p->state |= FSIMG_PART_UNREADABLE;
	if (rc <= 0)
		return;
	set_str(p->fstype, sizeof(p->fstype), type);
	rc = fsimg_fs_open(img, w.off, w.len, type, NULL, &fs);
	if (rc == -EIO)
		p->state |= FSIMG_PART_UNREADABLE;
	if (rc)
		return;
	if (!fsimg_fs_info(fs, &fi)) {
		/* what the filesystem says it is: ext2 rather than the driver
		 */
		set_str(p->fstype, sizeof(p->fstype), fi.type);
		set_str(p->label, sizeof(p->label), fi.label);
	}
	fsimg_fs_close(fs);
}

int fsimg_plist_build(fsimg_image *img, struct plist *l, bool probe)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = blkid_list(img, l, 512);
	/* a GPT written for 4096-byte sectors shows only its protective MBR */
	if (!rc && (l->n == 0 || !strcmp(l->pttype, "PMBR"))) {
		struct plist *l4 = malloc(sizeof(*l4));

		if (!l4)
			return -ENOMEM;
		memset(l4, 0, sizeof(*l4));
		if (!blkid_list(img, l4, 4096) && l4->n > 0)
			memcpy(l, l4, sizeof(*l));
		free(l4);
	}
	if (rc)
		return rc;
	for (int i = 0; i < l->n; i++) {
		unsigned t;

		if (strcmp(l->p[i].table, "dos") ||
		    sscanf(l->p[i].type, "0x%x", &t) != 1)
			continue;
		if (t == 0xa5 || t == 0xa6 || t == 0xa9)
			rc = add_bsd(img, l, i, t);
		else if (t == 0xbf || t == 0x82)
			rc = add_vtoc(img, l, i);
		else
			continue;
		if (rc < 0)
			return rc;
		i += rc;
	}
	mark_damage(img, l);
	if (probe) {
		for (int i = 0; i < l->n; i++)
			probe_fs(img, &l->p[i]);
		l->probed = true;
	}
	DBG(PART, "part", "%s table, %d entries, %d VTOC",
	    l->pttype[0] ? l->pttype : "no", l->n, l->vtoc_count);
	return 0;
}

/*
 * What mark_damage() found, as warnings naming the partitions: the
 * listing (fsimg info) says so on stderr, not only in its "problems".
 * Selection warns on its own, for the one entry it uses (select.c).
 */
static void warn_damage(fsimg_image *img, const struct plist *l)
{
	for (int i = 0; i < l->n; i++) {
		const struct fsimg_part *a = &l->p[i];

		if (a->state & FSIMG_PART_OUTSIDE)
			fsimg_err(img, 0,
				  "warning: partition %s starts past the end "
				  "of the image (byte %llu of %llu)",
				  a->spec, (unsigned long long)a->start,
				  (unsigned long long)img->size);
		else if (a->state & FSIMG_PART_TRUNCATED &&
			 strcmp(a->table, "vtoc")) /* add_vtoc() warned */
			fsimg_err(img, 0,
				  "warning: partition %s ends past the end of "
				  "the image (%llu + %llu > %llu)",
				  a->spec, (unsigned long long)a->start,
				  (unsigned long long)a->size,
				  (unsigned long long)img->size);
		if (!(a->state & FSIMG_PART_OVERLAP))
			continue;
		for (int j = i + 1; j < l->n; j++) {
			const struct fsimg_part *b = &l->p[j];

			if (b->state & FSIMG_PART_OVERLAP &&
			    a->depth == b->depth &&
			    !strcmp(a->table, b->table) &&
			    !(!strcmp(a->table, "vtoc") &&
			      (!strcmp(a->type, "backup") ||
			       !strcmp(b->type, "backup"))) &&
			    a->start < b->start + b->size &&
			    b->start < a->start + a->size)
				fsimg_err(img, 0,
					  "warning: partitions %s and %s "
					  "overlap",
					  a->spec, b->spec);
		}
	}
}

int fsimg_partitions(fsimg_image *img, struct fsimg_part *out, size_t max,
		     char *table, size_t tsize)
{
	struct plist *l;
	int rc;

	fsimg_debug_init();
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = fsimg_plist_build(img, l, true);
	if (!rc)
		warn_damage(img, l);
	if (!rc) {
		for (int i = 0; i < l->n && (size_t)i < max; i++)
			out[i] = l->p[i];
		if (table && tsize)
			snprintf(table, tsize, "%s", l->pttype);
		rc = l->n;
	}
	free(l);
	return rc;
}
