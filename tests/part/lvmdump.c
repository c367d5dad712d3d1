/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LVM2 volumes of an image as partitions/lvm2.c reads them, for the
 * LVM tests:
 *   lvmdump IMAGE           the VGs, their PVs and LVs, one per line
 *   lvmdump IMAGE VG/LV     the LV's bytes on stdout, read through its
 *                           source (every run checked by the core)
 *   lvmdump --text FILE     parses a metadata text file and lists it
 * The PVs are looked for in the partitions of the image, or in the whole
 * disk when it has no partition table. Messages go to stderr as
 * "IMAGE: message"; the exit status is 1 on error.
 */
#include "lvm2.h"
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>

static void log_msg(void *ctx, int err, const char *msg)
{
	(void)err;
	fprintf(stderr, "%s: %s\n", (const char *)ctx, msg);
}

static void list_vg(const struct fsimg_lvm_vg *vg, const bool *present,
		    const struct fsimg_lvm_pv_place *place)
{
	printf("vg %s uuid=%s seqno=%llu extent_size=%llu pvs=%u lvs=%u\n",
	       vg->name, vg->uuid, (unsigned long long)vg->seqno,
	       (unsigned long long)vg->extent_size, vg->npv, vg->nlv);
	for (unsigned i = 0; i < vg->npv; i++) {
		printf("pv %s uuid=%s pe_start=%llu pe_count=%llu",
		       vg->pv[i].name, vg->pv[i].uuid,
		       (unsigned long long)vg->pv[i].pe_start,
		       (unsigned long long)vg->pv[i].pe_count);
		if (present && present[i])
			printf(" at=%llu", (unsigned long long)place[i].start);
		else if (present)
			printf(" missing");
		printf("\n");
	}
	for (unsigned l = 0; l < vg->nlv; l++) {
		const struct fsimg_lvm_lv *lv = &vg->lv[l];

		printf("lv %s/%s size=%llu segments=%u visible=%s", vg->name,
		       lv->name,
		       (unsigned long long)(lv->extents * vg->extent_size *
					    512),
		       lv->nseg,
		       lv->status & FSIMG_LVM_LV_VISIBLE ? "yes" : "no");
		for (unsigned k = 0; k < lv->nseg; k++) {
			const struct fsimg_lvm_seg *sg =
				&vg->seg[lv->first_seg + k];

			printf(" [%llu+%llu %s",
			       (unsigned long long)sg->start_extent,
			       (unsigned long long)sg->extent_count, sg->type);
			if (!strcmp(sg->type, "striped") &&
			    !lv->unreadable[0]) {
				printf(" x%u/%llu", sg->stripe_count,
				       (unsigned long long)sg->stripe_size);
				for (unsigned j = 0; j < sg->stripe_count; j++)
					printf(" %s:%llu",
					       vg->pv[vg->stripe
							      [sg->first_stripe +
							       j]
								      .pv]
						       .name,
					       (unsigned long long)vg
						       ->stripe[sg->first_stripe +
								j]
						       .start_pe);
			}
			printf("]");
		}
		if (lv->unreadable[0])
			printf(" unreadable=\"%s\"", lv->unreadable);
		printf("\n");
	}
}

static int text_mode(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(FSIMG_LVM_TEXT_MAX + 2);
	struct fsimg_lvm_vg vg;
	fsimg_image *img = NULL;
	size_t n;
	int rc;

	/* an image of the file only for its log: messages name the text */
	if (!fsimg_image_open(path, 0, &img))
		fsimg_image_set_log(img, log_msg, (void *)path);
	if (!f || !buf) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, FSIMG_LVM_TEXT_MAX + 1, f);
	fclose(f);
	rc = fsimg_lvm_parse(img, "LVM2 metadata", buf, n, &vg);
	free(buf);
	if (img)
		fsimg_image_close(img);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	list_vg(&vg, NULL, NULL);
	fsimg_lvm_vg_free(&vg);
	return 0;
}

static int dump(fsimg_image *img, const char *path, struct fsimg_lvm_scan *sc,
		const char *spec)
{
	for (unsigned v = 0; v < sc->nvg; v++) {
		const struct fsimg_lvm_vg *vg = &sc->vg[v].vg;
		size_t vl = strlen(vg->name);

		if (strncmp(spec, vg->name, vl) || spec[vl] != '/')
			continue;
		for (unsigned l = 0; l < vg->nlv; l++) {
			struct fsimg_source *s;
			uint8_t *buf;
			uint64_t off = 0;
			int rc;

			if (strcmp(spec + vl + 1, vg->lv[l].name))
				continue;
			rc = fsimg_lvm_scan_open(img, sc, v, l, &s);
			if (rc) {
				fprintf(stderr, "%s: %s: %s\n", path, spec,
					strerror(-rc));
				return 1;
			}
			buf = malloc(1u << 20);
			if (!buf)
				return 1;
			while (off < s->size) {
				size_t n = s->size - off < (1u << 20)
						   ? (size_t)(s->size - off)
						   : (1u << 20);

				rc = fsimg_source_read(s, off, buf, n);
				if (rc) {
					fprintf(stderr,
						"%s: reading byte %llu of %s: "
						"%s\n",
						path, (unsigned long long)off,
						spec, strerror(-rc));
					return 1;
				}
				if (fwrite(buf, 1, n, stdout) != n)
					return 1;
				off += n;
			}
			free(buf);
			fsimg_source_close(s);
			return fflush(stdout) ? 1 : 0;
		}
	}
	fprintf(stderr, "%s: no LV %s\n", path, spec);
	return 1;
}

int main(int argc, char **argv)
{
	static struct plist l;
	static struct fsimg_lvm_scan sc;
	struct fsimg_window w[FSIMG_PARTS_MAX];
	unsigned nw = 0;
	fsimg_image *img;
	const char *path;
	int rc, ret = 0;

	if (argc == 3 && !strcmp(argv[1], "--text"))
		return text_mode(argv[2]);
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: lvmdump IMAGE [VG/LV] | --text FILE\n");
		return 2;
	}
	path = argv[1];
	rc = fsimg_image_open(path, 0, &img);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	fsimg_image_set_log(img, log_msg, (void *)path);
	rc = fsimg_plist_build(img, &l);
	if (rc) {
		fprintf(stderr, "%s: partitions: %s\n", path, strerror(-rc));
		return 1;
	}
	/* the partitions, not the volumes the listing found in them */
	for (int i = 0; i < l.n; i++)
		if (!l.p[i].volume &&
		    fsimg_window_clamp(img, l.p[i].start, l.p[i].size, &w[nw]))
			nw++;
	if (!nw && fsimg_window_clamp(img, 0, UINT64_MAX, &w[nw]))
		nw++;
	rc = fsimg_lvm_scan(img, w, nw, &sc);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	if (argc == 3)
		ret = dump(img, path, &sc, argv[2]);
	else
		for (unsigned v = 0; v < sc.nvg; v++)
			list_vg(&sc.vg[v].vg, sc.vg[v].present, sc.vg[v].place);
	fsimg_lvm_scan_free(&sc);
	fsimg_image_close(img);
	return ret;
}
