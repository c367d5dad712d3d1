/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootdump: prints a boot menu in a stable line format for the tests.
 *
 *   bootdump IMAGE [SPEC]               fsimg_bootmenu_read() of the image
 *   bootdump --text SOURCE PATH FILE    fsimg_bootmenu_parse() of FILE's
 *                                       text as if read from PATH (no image;
 *                                       SOURCE auto: chosen from PATH)
 *
 * Each entry prints as
 *   entry N[*] SOURCE KIND
 *   title TITLE / id ID / config PART:PATH:LINE / kernel PART:PATH /
 *   initrd PART:PATH (each) / args ARGS
 * with '*' on the default. Diagnostics go to stderr as "log: ...".
 */
#include "bootcfg.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void log_fn(void *ctx, int err, const char *msg)
{
	(void)ctx;
	(void)err;
	fprintf(stderr, "log: %s\n", msg);
}

static void dump(const fsimg_bootmenu *m)
{
	for (unsigned i = 0; i < fsimg_bootmenu_count(m); i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(m, i);

		printf("entry %u%s %s %s\n", e->index, e->is_default ? "*" : "",
		       e->source, e->kind);
		printf("  title %s\n", e->title);
		if (e->id[0])
			printf("  id %s\n", e->id);
		printf("  config %s:%s:%u\n", e->config_part, e->config,
		       e->line);
		printf("  kernel %s:%s\n", e->kernel.part, e->kernel.path);
		for (unsigned k = 0; k < e->ninitrds; k++)
			printf("  initrd %s:%s\n", e->initrds[k].part,
			       e->initrds[k].path);
		printf("  args %s\n", e->args);
	}
	printf("default %d\n", fsimg_bootmenu_default(m));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(BOOT_FILE_MAX + 1);
	size_t n;

	if (!f || !buf) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, BOOT_FILE_MAX, f);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	fsimg_image *img;
	fsimg_bootmenu *m;
	int rc;

	if (argc == 5 && !strcmp(argv[1], "--text")) {
		size_t len;
		char *text = slurp(argv[4], &len);

		img = NULL;
		rc = fsimg_bootmenu_parse(strcmp(argv[2], "auto") ? argv[2]
								  : NULL,
					  argv[3], text, len, log_fn, NULL, &m);
		free(text);
		if (rc) {
			fprintf(stderr, "parse: %s\n", strerror(-rc));
			return 2;
		}
	} else if (argc == 2 || argc == 3) {
		rc = fsimg_image_open(argv[1], 0, &img);
		if (rc) {
			fprintf(stderr, "%s: %s\n", argv[1], strerror(-rc));
			return 2;
		}
		fsimg_image_set_log(img, log_fn, NULL);
		rc = fsimg_bootmenu_read(img, argc == 3 ? argv[2] : NULL, 0,
					 &m);
		if (rc) {
			fprintf(stderr, "bootmenu: %s\n", strerror(-rc));
			return 1;
		}
	} else {
		fprintf(stderr, "usage: bootdump IMAGE [SPEC] | --text SOURCE "
				"PATH FILE\n");
		return 2;
	}
	dump(m);
	fsimg_bootmenu_free(m);
	if (img)
		fsimg_image_close(img);
	return 0;
}
