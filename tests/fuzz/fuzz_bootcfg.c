/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the boot configuration readers (lib/boot/): the
 * first byte of the input picks a reader, the rest is the text it parses
 * as if read from that reader's usual path (fsimg_bootmenu_parse: no
 * image, so includes and searches find nothing). The menu must keep its
 * promises: bounded, a default inside it, every entry with a kernel, and
 * every entry found again by its own number.
 */
#include "fsimg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *source, *path;
} readers[] = {
	{ "grub2", "/boot/grub/grub.cfg" },
	{ "syslinux", "/isolinux/isolinux.cfg" },
	{ "grub-legacy", "/boot/grub/menu.lst" },
	{ "bls", "/loader/entries/fuzz.conf" },
	{ "treeinfo", "/.treeinfo" },
};

static void quiet_log(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static void check(const fsimg_bootmenu *m)
{
	unsigned n = fsimg_bootmenu_count(m);
	int d = fsimg_bootmenu_default(m);
	char num[16];

	if (n > 1024 || (n && (d < 0 || (unsigned)d >= n)) || (!n && d >= 0))
		abort();
	for (unsigned i = 0; i < n; i++) {
		const struct fsimg_bootmenu_entry *e =
			fsimg_bootmenu_entry(m, i);

		if (!e || e->index != i || !e->kernel.path[0] ||
		    strlen(e->args) > 4096 || strlen(e->title) > 4096 ||
		    e->is_default != ((int)i == d))
			abort();
		for (unsigned k = 0; k < e->ninitrds; k++)
			if (!e->initrds[k].path ||
			    strlen(e->initrds[k].path) > 4096)
				abort();
		snprintf(num, sizeof(num), "%u", i);
		if (fsimg_bootmenu_find(m, num) != (int)i)
			abort();
		/*
		 * an id or a title finds an entry, not necessarily this one;
		 * an id of digits only is an entry number, as in GRUB
		 */
		if (e->id[0] && e->id[strspn(e->id, "0123456789")] &&
		    fsimg_bootmenu_find(m, e->id) < 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nreaders = sizeof(readers) / sizeof(readers[0]);
	fsimg_bootmenu *m;
	char *text;
	unsigned which;

	if (size < 1 || size > (4u << 20))
		return 0;
	which = data[0] % nreaders;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	if (!fsimg_bootmenu_parse(readers[which].source, readers[which].path,
				  text, size - 1, quiet_log, NULL, &m)) {
		check(m);
		fsimg_bootmenu_free(m);
	}
	free(text);
	return 0;
}
