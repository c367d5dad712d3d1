/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg eltorito IMAGE N: the raw bytes of El Torito boot image N (as numbered
 * by 'fsimg info') to standard output. The length is the one fsimg info
 * shows: the declared load size, refined from the floppy size, the
 * hard-disk image's MBR or the FAT volume a no-emulation image holds.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOOT_MAX_ENTRIES 256

static int parse_index(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= BOOT_MAX_ENTRIES)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static void copy_out(struct cli *c, const struct fsimg_boot_entry *e)
{
	char *buf = xmalloc(CLI_BUFSIZE);
	uint64_t done = 0;

	while (done < e->length) {
		size_t n = e->length - done < CLI_BUFSIZE
				   ? (size_t)(e->length - done)
				   : CLI_BUFSIZE;
		unsigned logged = c->logged;
		int rc = fsimg_image_read(c->img, e->offset + done, buf, n);

		if (rc) {
			if (c->logged == logged)
				cli_error(
					c, NULL,
					"boot image %u: reading byte %llu: "
					"%s",
					e->index,
					(unsigned long long)(e->offset + done),
					strerror(-rc));
			cli_status(c, EXIT_PARTIAL);
			break;
		}
		rc = write_full(STDOUT_FILENO, buf, n);
		if (rc == -EPIPE) {
			c->stdout_broken = true;
			break;
		}
		if (rc) {
			cli_error(c, NULL, "writing standard output: %s",
				  strerror(-rc));
			cli_status(c, EXIT_DEST);
			break;
		}
		done += n;
	}
	free(buf);
}

int cmd_eltorito(struct cli *c)
{
	struct fsimg_boot_entry *entries;
	unsigned want;
	int n, rc;

	if (parse_index(c->operands[0], &want)) {
		cli_error(c, NULL, "'%s' is not a boot entry number",
			  c->operands[0]);
		return EXIT_USAGE;
	}
	if (isatty(STDOUT_FILENO)) {
		cli_error(c, NULL,
			  "refusing to write a boot image to a "
			  "terminal: redirect standard output");
		return EXIT_USAGE;
	}
	rc = cli_open(c);
	if (rc)
		return rc;
	entries = xmalloc(sizeof(*entries) * BOOT_MAX_ENTRIES);
	n = fsimg_boot_entries(c->fs, entries, BOOT_MAX_ENTRIES);
	if (n < 0) {
		cli_error(c, NULL, "reading the boot catalog: %s",
			  strerror(-n));
		rc = EXIT_IMAGE;
	} else if (n == 0) {
		cli_error(c, NULL, "no El Torito boot catalog");
		rc = EXIT_NOTFOUND;
	} else if ((unsigned)n <= want || want >= BOOT_MAX_ENTRIES) {
		cli_error(c, NULL, "no boot entry %u (the catalog has %d)",
			  want, n);
		rc = EXIT_NOTFOUND;
	} else if (entries[want].length == 0) {
		cli_error(c, NULL,
			  "boot entry %u: its image lies outside the image "
			  "file",
			  want);
		rc = EXIT_PARTIAL;
	} else {
		copy_out(c, &entries[want]);
	}
	free(entries);
	return rc;
}
