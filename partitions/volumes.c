/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The logical volumes of an image, as entries of its partition list.
 *
 * The first listing of an image's partitions looks for LVM2 physical
 * volumes in every partition (or in the whole disk when there is no table;
 * lvm2.c) and numbers the visible LVs of the volume groups found: volume
 * 1, 2, ... in VG order (as the PVs come in the list), then LV order (as
 * the metadata lists them). The numbering is a function of the image
 * alone, so a number that crosses a process boundary (mount.fsimg's prober
 * to the FUSE daemon) names the same LV on both sides. Each listing then
 * shows every LV right after the partition holding its VG's first PV, one
 * level deeper, named "VG/LV".
 *
 * An LV's source (its extents mapped onto the disk) is made on first use
 * and kept until the image is closed: all filesystems opened in it share
 * it and its block cache. A window whose volume is 0 lies in the image's
 * disk (img->top) as before.
 */
#include "lvm2.h"
#include "source.h"
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>

/* Volumes numbered, all VGs together: what one listing can show. */
#define VOL_MAX FSIMG_PARTS_MAX

struct fsimg_vol {
	char name[2 * FSIMG_LVM_NAME_MAX]; /* "VG/LV" */
	char uuid[33];
	char type[32];	   /* "linear", "striped", or the first other
			      segment type ("thin", "raid1") */
	uint64_t size;	   /* bytes; 0 when the metadata's is absurd */
	uint64_t pv_start; /* the partition of its VG's first PV (bytes) */
	bool readable;	   /* linear or striped, every PV present */
	unsigned vg, lv;   /* in scan */
	struct fsimg_source *src; /* made on first use */
};

struct fsimg_volumes {
	struct fsimg_lvm_scan scan;
	bool whole_disk; /* no partition table: the disk was the one PV */
	unsigned n;
	struct fsimg_vol v[VOL_MAX];
};

void fsimg_volumes_free(fsimg_image *img)
{
	struct fsimg_volumes *vs = img->vols;

	if (!vs)
		return;
	for (unsigned i = 0; i < vs->n; i++)
		fsimg_source_close(vs->v[i].src);
	fsimg_lvm_scan_free(&vs->scan);
	free(vs);
	img->vols = NULL;
}

/* What an LV's segments are, in one word. */
static void lv_type(const struct fsimg_lvm_vg *vg,
		    const struct fsimg_lvm_lv *lv, char *out, size_t size)
{
	bool striped = false;

	for (unsigned k = 0; k < lv->nseg; k++) {
		const struct fsimg_lvm_seg *sg = &vg->seg[lv->first_seg + k];

		if (strcmp(sg->type, "striped")) {
			fsimg_strcpy_trunc(out, size, sg->type);
			return;
		}
		if (sg->stripe_count > 1)
			striped = true;
	}
	fsimg_strcpy_trunc(out, size, striped ? "striped" : "linear");
}

/* Numbers the visible LVs of the scan's VGs. */
static void number(fsimg_image *img, struct fsimg_volumes *vs)
{
	for (unsigned g = 0; g < vs->scan.nvg; g++) {
		const struct fsimg_lvm_found *f = &vs->scan.vg[g];
		uint64_t ext = fsimg_lvm_extent_bytes(&f->vg);
		char name[sizeof(vs->v[0].name)];
		int first = -1;

		for (unsigned i = 0; i < f->vg.npv && first < 0; i++)
			if (f->present[i])
				first = (int)i;
		if (first < 0)
			continue; /* cannot happen: the VG came from a PV */
		for (unsigned l = 0; l < f->vg.nlv; l++) {
			const struct fsimg_lvm_lv *lv = &f->vg.lv[l];
			struct fsimg_vol *v;

			if (!(lv->status & FSIMG_LVM_LV_VISIBLE))
				continue; /* pool data, RAID images, ... */
			if (vs->n == VOL_MAX) {
				fsimg_err(img, -E2BIG,
					  "LVM2: more than %u logical volumes; "
					  "%s/%s and later ones are not listed",
					  VOL_MAX, f->vg.name, lv->name);
				return;
			}
			v = &vs->v[vs->n++];
			/* through a local buffer: both names lie in *vs */
			snprintf(name, sizeof(name), "%s/%s", f->vg.name,
				 lv->name);
			memcpy(v->name, name, sizeof(v->name));
			memcpy(v->uuid, lv->uuid, sizeof(v->uuid));
			lv_type(&f->vg, lv, v->type, sizeof(v->type));
			if (ckd_mul(&v->size, lv->extents, ext))
				v->size = 0;
			v->pv_start = f->place[first].start;
			v->readable = !lv->unreadable[0] && v->size;
			v->vg = g;
			v->lv = l;
		}
	}
}

/* Finds the volumes, once, from the partitions of l. Under vol_lock. */
static int scan(fsimg_image *img, const struct plist *l)
{
	struct fsimg_volumes *vs;
	struct fsimg_window *wins;
	unsigned nwin = 0;
	int rc;

	vs = calloc(1, sizeof(*vs));
	wins = calloc((size_t)l->n + 1, sizeof(*wins));
	if (!vs || !wins) {
		free(vs);
		free(wins);
		return -ENOMEM;
	}
	for (int i = 0; i < l->n; i++) {
		const struct fsimg_part *p = &l->p[i];

		if (!p->volume && fsimg_plist_usable(img, p) &&
		    fsimg_window_clamp(img, p->start, p->size, &wins[nwin]))
			nwin++;
	}
	if (!l->n && fsimg_window_clamp(img, 0, UINT64_MAX, &wins[nwin]))
		nwin++;
	rc = fsimg_lvm_scan(img, wins, nwin, &vs->scan);
	free(wins);
	if (rc) {
		free(vs);
		return rc;
	}
	number(img, vs);
	vs->whole_disk = !l->n;
	DBG(PART, "part", "LVM2: %u VGs, %u LVs listed", vs->scan.nvg, vs->n);
	img->vols = vs;
	return 0;
}

/* The entry of volume i (1-based number i + 1). */
static void entry(const struct fsimg_vol *v, unsigned i, int depth,
		  struct fsimg_part *p)
{
	memset(p, 0, sizeof(*p));
	if (strlen(v->name) < sizeof(p->spec))
		fsimg_strcpy_trunc(p->spec, sizeof(p->spec), v->name);
	else /* too long to be a spec: its number is one */
		snprintf(p->spec, sizeof(p->spec), "lv%u", i + 1);
	fsimg_strcpy_trunc(p->table, sizeof(p->table), "lvm2");
	fsimg_strcpy_trunc(p->type, sizeof(p->type), v->type);
	fsimg_strcpy_trunc(p->name, sizeof(p->name), v->name);
	fsimg_strcpy_trunc(p->uuid, sizeof(p->uuid), v->uuid);
	p->size = v->size;
	p->depth = depth;
	p->volume = i + 1;
	if (!v->readable)
		p->state |= FSIMG_PART_UNSUPPORTED;
}

int fsimg_plist_add_volumes(fsimg_image *img, struct plist *l)
{
	const struct fsimg_volumes *vs;
	int rc = 0;

	pthread_mutex_lock(&img->vol_lock);
	if (!img->vols)
		rc = scan(img, l);
	pthread_mutex_unlock(&img->vol_lock);
	if (rc)
		return rc;
	/* the numbering is fixed now; only sources are added later */
	vs = img->vols;
	for (unsigned i = 0; i < vs->n && l->n < FSIMG_PARTS_MAX; i++) {
		const struct fsimg_vol *v = &vs->v[i];
		int at = l->n, depth = 0;

		if (!vs->whole_disk) {
			int pv = -1;

			for (int k = 0; k < l->n && pv < 0; k++)
				if (!l->p[k].volume &&
				    l->p[k].start == v->pv_start &&
				    fsimg_plist_usable(img, &l->p[k]))
					pv = k;
			if (pv < 0)
				continue; /* a listing without that PV */
			depth = l->p[pv].depth + 1;
			/* after the PV and the volumes already under it */
			for (at = pv + 1; at < l->n && l->p[at].volume; at++)
				;
		}
		memmove(&l->p[at + 1], &l->p[at],
			(size_t)(l->n - at) * sizeof(l->p[0]));
		entry(v, i, depth, &l->p[at]);
		l->n++;
	}
	if (vs->n && !l->pttype[0])
		fsimg_strcpy_trunc(l->pttype, sizeof(l->pttype), "lvm2");
	return 0;
}

/* The volumes, found by a listing of the image when none was made yet. */
static int volumes_ready(fsimg_image *img)
{
	struct plist *l;
	bool done;
	int rc;

	pthread_mutex_lock(&img->vol_lock);
	done = img->vols != NULL;
	pthread_mutex_unlock(&img->vol_lock);
	if (done)
		return 0;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = fsimg_plist_build(img, l);
	free(l);
	return rc;
}

const char *fsimg_volume_name(fsimg_image *img, unsigned volume)
{
	if (!volume || volumes_ready(img) || volume > img->vols->n)
		return NULL;
	return img->vols->v[volume - 1].name;
}

struct fsimg_source *fsimg_volume_source(fsimg_image *img, unsigned volume,
					 int *err)
{
	struct fsimg_volumes *vs;
	struct fsimg_vol *v;
	struct fsimg_source *src = NULL;
	int rc = fsimg_image_ready(img);

	if (!rc && volume)
		rc = volumes_ready(img);
	if (rc) {
		*err = rc;
		return NULL;
	}
	if (!volume)
		return img->top;
	vs = img->vols;
	if (volume > vs->n) {
		*err = fsimg_err(img, -ENOENT,
				 "the image has no logical volume number %u "
				 "(%u found)",
				 volume, vs->n);
		return NULL;
	}
	v = &vs->v[volume - 1];
	pthread_mutex_lock(&img->vol_lock);
	if (!v->src) /* a failure says why each time */
		rc = fsimg_lvm_scan_open(img, &vs->scan, v->vg, v->lv, &v->src);
	src = v->src;
	pthread_mutex_unlock(&img->vol_lock);
	*err = rc;
	return src;
}
