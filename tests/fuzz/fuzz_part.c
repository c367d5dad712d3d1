/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the partition layer: the Solaris x86 VTOC reader
 * on the input as an fdisk partition, then the whole list (libblkid tables
 * with our VTOC slices, the LVM2 volumes in them) and selection with every
 * spelling of the grammar. Whatever is selected must lie inside the image,
 * or inside the logical volume it names, which is read at both ends.
 */
#include "internal.h"
#include "../../partitions/part.h"

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

static const char *const specs[] = {
	"auto",
	"1",
	"2",
	"5",
	"1s0",
	"s0",
	"s8",
	"2s15",
	"1a",
	"2e",
	"name=EFI",
	"uuid=x",
	"label=ROOT",
	"type=linux",
	"type=esp",
	"type=0xbf",
	"type=root",
	"0",
	"1q",
	"boot=0",
	"vgc/lin",
	"vgc/str",
	"lv=vgc/multi",
	"lv1",
	"lv3",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsimg_image *img;
	struct fsimg_window w;
	struct fsimg_vtoc v;
	struct fsimg_part *parts;
	uint64_t disk;
	int fd, n;

	fd = memfd_create("fuzz-part", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (fsimg_image_open_fd(fd, "fuzz-part", &img))
		return 0;
	fsimg_image_set_log(img, quiet_log, NULL);

	w = (struct fsimg_window){ .img = img,
				   .src = fsimg_image_top(img),
				   .off = 0,
				   .len = fsimg_image_size(img) };
	/* no disk when the image is a container that cannot be read */
	if (w.src && fsimg_vtoc_probe(&w, &v) == 1) {
		if (v.nparts > VTOC_NPARTS)
			__builtin_trap();
		for (unsigned k = 0; k < v.nparts; k++)
			if (v.slice[k].start > (uint64_t)INT32_MAX * 512 ||
			    v.slice[k].size > (uint64_t)INT32_MAX * 512)
				__builtin_trap();
	}

	parts = calloc(FSIMG_PARTS_MAX, sizeof(*parts));
	if (parts) {
		n = fsimg_partitions(img, parts, FSIMG_PARTS_MAX, NULL, 0);
		if (n > FSIMG_PARTS_MAX)
			__builtin_trap();
		free(parts);
	}
	disk = fsimg_image_size(img);
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		struct fsimg_location loc;
		struct fsimg_source *src;
		uint8_t buf[512];
		int err;

		if (fsimg_locate(img, specs[i], NULL, &loc))
			continue;
		if (!loc.volume) {
			/* inside the disk: the file's, or a container's */
			if (loc.offset > disk || loc.length > disk - loc.offset)
				__builtin_trap();
			continue;
		}
		/* a logical volume: the whole of it, readable at both ends */
		src = fsimg_volume_source(img, loc.volume, &err);
		if (!src || loc.offset || loc.length != src->size)
			__builtin_trap();
		if (src->size >= sizeof(buf)) {
			fsimg_source_read(src, 0, buf, sizeof(buf));
			fsimg_source_read(src, src->size - sizeof(buf), buf,
					  sizeof(buf));
		}
	}
	fsimg_image_close(img);
	return 0;
}
