/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nested partition tree as one flat list.
 *
 * libblkid reads the tables it reads well: MBR with its extended/logical
 * chain (hop-limited, numbered as Linux numbers them), GPT (header and
 * entry-array CRCs checked, the backup header used when the primary is
 * damaged), Sun SMI labels, BSD disklabels nested in MBR slices, Apple
 * partition maps. The labels nested in MBR partitions that libblkid does
 * not read, or not fully, are ours, one descriptor each in nested_tables[]:
 * the Solaris x86 VTOC (vtoc.c; libblkid's own "solaris" entries are
 * dropped and replaced by our slices) and big-endian BSD disklabels
 * (bsd.c).
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

/* The letter of a BSD entry: the label slot with the same geometry. */
static char bsd_letter(fsimg_image *img, const struct fsimg_part *parent,
		       const struct fsimg_part *p, int fallback)
{
	struct fsimg_window w;
	struct fsimg_bsd_label bl;

	if (!fsimg_window_clamp(img, parent->start, parent->size, &w))
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

int fsimg_plist_add_raw(fsimg_image *img, struct plist *l,
			const struct fsimg_rawpart *r, int *nbsd)
{
	struct fsimg_part *p;

	/* libblkid's x86 VTOC entries are replaced by ours */
	if (!strcmp(r->table, "solaris"))
		return 0;
	if (r->start < 0 || r->size < 0)
		return 0;
	p = add(l);
	if (!p)
		return 1;
	/* libblkid gives 512-byte sectors whatever the sector size */
	p->start = (uint64_t)r->start * 512;
	p->size = (uint64_t)r->size * 512;
	fsimg_strcpy_trunc(p->table, sizeof(p->table), r->table);
	fsimg_strcpy_trunc(p->name, sizeof(p->name), r->name);
	fsimg_strcpy_trunc(p->uuid, sizeof(p->uuid), r->uuid);
	p->flags = (unsigned)r->flags;
	if (r->typestr && *r->typestr)
		fsimg_strcpy_trunc(p->type, sizeof(p->type), r->typestr);
	else
		snprintf(p->type, sizeof(p->type), "0x%x", r->type);
	if (r->extended)
		p->state |= FSIMG_PART_CONTAINER;
	p->partno = r->partno;
	if (r->nested && strcmp(r->table, "dos")) {
		char pspec[16];
		int pi;

		snprintf(pspec, sizeof(pspec), "%d", r->parent_partno);
		pi = find_spec_index(l, pspec);
		p->depth = 1;
		if (pi >= 0)
			snprintf(p->spec, sizeof(p->spec), "%s%c", pspec,
				 bsd_letter(img, &l->p[pi], p, *nbsd));
		else
			snprintf(p->spec, sizeof(p->spec), "%d", r->partno);
		(*nbsd)++;
	} else {
		snprintf(p->spec, sizeof(p->spec), "%d", r->partno);
		if (!strcmp(r->table, "dos") && r->partno > 4)
			p->depth = 1;
		if (r->nested)
			p->depth = 1;
	}
	return 0;
}

static int blkid_list(fsimg_image *img, struct plist *l, unsigned sectsz)
{
	blkid_probe pr;
	blkid_partlist pl;
	int n, fd, rc = 0, nbsd = 0;

	fd = fsimg_image_raw_fd(img);
	if (fd < 0) /* a container's disk: libblkid reads only files */
		return fsimg_plist_own(img, l, sectsz);
	fd = dup(fd);
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
		if (tab) {
			fsimg_strcpy_trunc(l->pttype, sizeof(l->pttype),
					   blkid_parttable_get_type(tab));
			fsimg_strcpy_trunc(l->ptuuid, sizeof(l->ptuuid),
					   blkid_parttable_get_id(tab));
		}
	}
	n = blkid_partlist_numof_partitions(pl);
	for (int i = 0; i < n; i++) {
		blkid_partition bp = blkid_partlist_get_partition(pl, i);
		blkid_parttable tab = blkid_partition_get_table(bp);
		blkid_partition parent =
			tab ? blkid_parttable_get_parent(tab) : NULL;
		struct fsimg_rawpart r = {
			.start = blkid_partition_get_start(bp),
			.size = blkid_partition_get_size(bp),
			.partno = blkid_partition_get_partno(bp),
			.table = tab ? blkid_parttable_get_type(tab) : "",
			.nested = parent != NULL,
			.parent_partno =
				parent ? blkid_partition_get_partno(parent) : 0,
			.name = blkid_partition_get_name(bp),
			.uuid = blkid_partition_get_uuid(bp),
			.typestr = blkid_partition_get_type_string(bp),
			.type = blkid_partition_get_type(bp),
			.flags = blkid_partition_get_flags(bp),
			.extended = blkid_partition_is_extended(bp),
		};

		if (fsimg_plist_add_raw(img, l, &r, &nbsd))
			break;
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

/* The nested labels we read, looked for in the MBR types they name. */
static const struct fsimg_nested *const nested_tables[] = {
	&fsimg_nested_bsd,
	&fsimg_nested_vtoc,
	NULL,
};

static const struct fsimg_nested *nested_for(const struct fsimg_part *p,
					     unsigned *mbr_type)
{
	unsigned t;

	if (strcmp(p->table, "dos") || sscanf(p->type, "0x%x", &t) != 1)
		return NULL;
	for (unsigned i = 0; nested_tables[i]; i++)
		for (size_t k = 0; k < nested_tables[i]->n_mbr_types; k++)
			if (nested_tables[i]->mbr_types[k] == t) {
				*mbr_type = t;
				return nested_tables[i];
			}
	return NULL;
}

/*
 * Did libblkid list entries of a label in entry pi? They may stand
 * anywhere after it (libblkid lists logical partitions first): they are
 * the deeper entries named after it with one letter.
 */
static bool listed_below(const struct plist *l, int pi)
{
	size_t n = strlen(l->p[pi].spec);

	for (int i = pi + 1; i < l->n; i++)
		if (l->p[i].depth > l->p[pi].depth &&
		    !strncmp(l->p[i].spec, l->p[pi].spec, n) &&
		    l->p[i].spec[n] >= 'a' && l->p[i].spec[n] <= 'z' &&
		    !l->p[i].spec[n + 1])
			return true;
	return false;
}

/*
 * Adds the entries of a label nested in entry pi right after it; returns
 * how many, or -errno.
 */
static int add_nested(fsimg_image *img, struct plist *l, int pi)
{
	const struct fsimg_nested *t;
	struct fsimg_part kids[NESTED_MAX];
	struct fsimg_window w;
	unsigned mbr_type, n;
	int rc;

	t = nested_for(&l->p[pi], &mbr_type);
	if (!t)
		return 0;
	if (t->blkid_lists && listed_below(l, pi))
		return 0;
	if (!fsimg_window_clamp(img, l->p[pi].start, l->p[pi].size, &w))
		return 0;
	rc = t->list(&w, &l->p[pi], mbr_type, kids, NESTED_MAX, &n);
	DBG(PART, "part", "%s in %s: %d, %u entries", t->name, l->p[pi].spec,
	    rc, n);
	if (rc < 0)
		return nested_error(&l->p[pi], rc);
	if (n > (unsigned)(FSIMG_PARTS_MAX - l->n))
		n = (unsigned)(FSIMG_PARTS_MAX - l->n);
	memmove(&l->p[pi + 1 + n], &l->p[pi + 1],
		(size_t)(l->n - pi - 1) * sizeof(l->p[0]));
	memcpy(&l->p[pi + 1], kids, (size_t)n * sizeof(kids[0]));
	l->n += (int)n;
	return (int)n;
}

bool fsimg_plist_usable(const fsimg_image *img, const struct fsimg_part *p)
{
	if (p->volume) /* its size is the volume's */
		return !(p->state & FSIMG_PART_UNSUPPORTED) && p->size;
	return !(p->state & (FSIMG_PART_CONTAINER | FSIMG_PART_OUTSIDE)) &&
	       p->size && p->start < img->size;
}

/*
 * Siblings (same table, same depth, neither an extended partition) whose
 * ranges meet. The VTOC backup slice covers the others by design.
 */
static bool siblings_overlap(const struct fsimg_part *a,
			     const struct fsimg_part *b)
{
	if (a->depth != b->depth || strcmp(a->table, b->table) ||
	    (a->state | b->state) & FSIMG_PART_CONTAINER)
		return false;
	if (!strcmp(a->table, "vtoc") &&
	    (!strcmp(a->type, "backup") || !strcmp(b->type, "backup")))
		return false;
	return a->start < b->start + b->size && b->start < a->start + a->size;
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

			if (siblings_overlap(a, b)) {
				a->state |= FSIMG_PART_OVERLAP;
				b->state |= FSIMG_PART_OVERLAP;
			}
		}
	}
}

/* The outermost tables with sectsz-byte sectors, by libblkid or ours. */
static int list_tables(fsimg_image *img, struct plist *l, unsigned sectsz,
		       bool own)
{
	return own ? fsimg_plist_own(img, l, sectsz)
		   : blkid_list(img, l, sectsz);
}

int fsimg_plist_build(fsimg_image *img, struct plist *l)
{
	return fsimg_plist_build_with(img, l, false);
}

int fsimg_plist_build_with(fsimg_image *img, struct plist *l, bool own)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = list_tables(img, l, 512, own);
	/* a GPT written for 4096-byte sectors shows only its protective MBR */
	if (!rc && (l->n == 0 || !strcmp(l->pttype, "PMBR"))) {
		struct plist *l4 = malloc(sizeof(*l4));

		if (!l4)
			return -ENOMEM;
		memset(l4, 0, sizeof(*l4));
		if (!list_tables(img, l4, 4096, own) && l4->n > 0)
			memcpy(l, l4, sizeof(*l));
		free(l4);
	}
	if (rc)
		return rc;
	for (int i = 0; i < l->n; i++) {
		rc = add_nested(img, l, i);
		if (rc < 0)
			return rc;
		i += rc;
	}
	mark_damage(img, l);
	rc = fsimg_plist_add_volumes(img, l);
	if (rc)
		return rc;
	DBG(PART, "part", "%s table, %d entries",
	    l->pttype[0] ? l->pttype : "no", l->n);
	return 0;
}

/*
 * What mark_damage() found, as warnings naming the partitions: the
 * listing (fsimg info) says so on stderr, not only in its "problems".
 * Selection warns on its own, for the one entry it uses (lib/select.c).
 */
void fsimg_plist_warn(fsimg_image *img, const struct plist *l)
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
			 strcmp(a->table, "vtoc")) /* vtoc_list() warned */
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
			    siblings_overlap(a, b))
				fsimg_err(img, 0,
					  "warning: partitions %s and %s "
					  "overlap",
					  a->spec, b->spec);
		}
	}
}
