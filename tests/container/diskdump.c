/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The disk an image holds, as fsimg reads it, for the container tests:
 *   diskdump [-o OPTIONS] IMAGE          the disk's bytes on stdout
 *   diskdump [-o OPTIONS] --plain IMAGE  the same, each run read where
 *                                        fsimg_image_plain() says it is
 *   diskdump [-o OPTIONS] --info IMAGE   format and details, key=value
 * --range=OFF,LEN before IMAGE (after --plain) dumps only those bytes of
 * the disk (clamped to its end): big sparse disks are tested in places.
 * Messages go to stderr as "IMAGE: message"; the exit status is 1 on error.
 * The tests compare the bytes with what qemu-img convert -O raw writes.
 */
#include "fsimg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void log_msg(void *ctx, int err, const char *msg)
{
	(void)err;
	fprintf(stderr, "%s: %s\n", (const char *)ctx, msg);
}

static int detail(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	printf("%s=%s\n", key, value);
	return 0;
}

/* The bytes [off, off + len) through fsimg_image_plain(). */
static int read_plain(fsimg_image *img, uint64_t off, uint8_t *buf, size_t len)
{
	while (len) {
		struct fsimg_plain p;
		int rc = fsimg_image_plain(img, off, len, &p);
		size_t n;

		if (rc < 0)
			return rc;
		if (rc == 0) /* coded: read it whole */
			return fsimg_image_read(img, off, buf, len);
		n = p.len < len ? (size_t)p.len : len;
		if (p.fd < 0)
			memset(buf, 0, n);
		else if (pread(p.fd, buf, n, (off_t)p.off) != (ssize_t)n)
			return -EIO;
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* The disk of img (or its info) on stdout; -1 on error, messages given. */
static int dump(fsimg_image *img, const char *path, const char *opts,
		bool plain, bool info, uint64_t roff, uint64_t rlen)
{
	uint64_t size, off;
	uint8_t *buf;
	int rc;

	if (opts && fsimg_image_set_options(img, opts))
		return -1;
	if (!fsimg_image_format(img))
		return -1;
	if (info) {
		printf("format=%s\nsize=%llu\n", fsimg_image_format(img),
		       (unsigned long long)fsimg_image_size(img));
		return fsimg_image_details(img, detail, NULL) ? -1 : 0;
	}
	size = fsimg_image_size(img);
	off = roff < size ? roff : size;
	if (rlen < size - off)
		size = off + rlen;
	buf = malloc(1u << 20);
	if (!buf)
		return -1;
	while (off < size) {
		size_t n = size - off < (1u << 20) ? (size_t)(size - off)
						   : (1u << 20);

		rc = plain ? read_plain(img, off, buf, n)
			   : fsimg_image_read(img, off, buf, n);
		if (rc) {
			fprintf(stderr, "%s: reading byte %llu: %s\n", path,
				(unsigned long long)off, strerror(-rc));
			free(buf);
			return -1;
		}
		if (fwrite(buf, 1, n, stdout) != n) {
			free(buf);
			return -1;
		}
		off += n;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *opts = NULL, *path;
	bool plain = false, info = false;
	fsimg_image *img;
	uint64_t roff = 0, rlen = UINT64_MAX;
	int i = 1, rc;

	if (argc > 2 && !strcmp(argv[i], "-o")) {
		opts = argv[i + 1];
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--plain"))
		plain = true, i++;
	else if (i < argc && !strcmp(argv[i], "--info"))
		info = true, i++;
	if (i < argc && !strncmp(argv[i], "--range=", 8)) {
		char *end;

		roff = strtoull(argv[i] + 8, &end, 0);
		if (*end != ',')
			i = argc; /* a usage error */
		else
			rlen = strtoull(end + 1, NULL, 0);
		i++;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: diskdump [-o OPTS] [--plain|--info] "
				"[--range=OFF,LEN] IMAGE\n");
		return 2;
	}
	path = argv[i];
	rc = fsimg_image_open(path, 0, &img);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	fsimg_image_set_log(img, log_msg, (void *)path);
	rc = dump(img, path, opts, plain, info, roff, rlen);
	fsimg_image_close(img); /* on every path: leaks are bugs */
	return rc ? 1 : fflush(stdout) ? 1 : 0;
}
