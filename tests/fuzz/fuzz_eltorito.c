/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the El Torito boot catalog parser alone.
 *
 * The input is a little image whose block 0 is the catalog and whose
 * further blocks hold the boot images it points to. The parser runs on the
 * whole input and again on a window cut short by a length taken from the
 * input, with a few sizes of the entries array. Every entry must lie inside
 * its window and be numbered in order.
 */
#include "internal.h"
#include "fs/iso9660.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_log(void *ctx, int err, const char *msg)
{
	volatile size_t n = strlen(msg);

	(void)ctx;
	(void)err;
	(void)n;
}

static void check(const struct fsimg_window *w, size_t max)
{
	struct fsimg_boot_entry *e = calloc(max ? max : 1, sizeof(*e));
	int n;

	if (!e)
		return;
	n = iso_eltorito_entries(w, 0, e, max);
	if (n > 4096)
		__builtin_trap(); /* the walk is bounded to 64 sectors */
	for (int i = 0; i < n && (size_t)i < max; i++) {
		uint64_t end = w->off + w->len;

		if (e[i].index != (unsigned)i)
			__builtin_trap();
		if (e[i].offset != w->off + (uint64_t)e[i].lba * 2048)
			__builtin_trap();
		if (e[i].length && e[i].offset + e[i].length > end)
			__builtin_trap();
		if (e[i].emulation > 15)
			__builtin_trap();
	}
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsimg_image *img;
	struct fsimg_window w;
	int fd;

	fd = memfd_create("fuzz-eltorito", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (fsimg_image_open_fd(fd, "fuzz-eltorito", &img))
		return 0;
	fsimg_image_set_log(img, quiet_log, NULL);

	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 0,
				   .len = fsimg_image_size(img) };
	if (!w.src) { /* a container that cannot be read: no disk */
		fsimg_image_close(img);
		return 0;
	}
	check(&w, 16);
	check(&w, 1);
	check(&w, 0);
	/* A window shorter than the image: bytes 4..5 of the id string. */
	if (size >= 6) {
		w.len = size - (get_le16(data + 4) % size);
		check(&w, 8);
	}
	/* A window that claims more than the image holds. */
	w.len = (uint64_t)size + 1000000;
	check(&w, 8);
	fsimg_image_close(img);
	return 0;
}
