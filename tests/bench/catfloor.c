/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catfloor: the floor of a one-file "cat" from an image, for bench.sh.
 *
 *   catfloor IMAGE OFFSET LENGTH
 *
 * Opens IMAGE and writes LENGTH bytes from OFFSET to standard output: what
 * any reader that already knew where the file lies would have to do (exec,
 * the lookup of the image's own path, one read of the file's bytes). Run
 * cold, it is what no reader of the image can go below; bench.sh finds the
 * offset by looking for the file's first bytes in the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEN_MAX (1 << 20)

static char buf[LEN_MAX];

static int parse(const char *s, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || end == s || *end || *out < 0 || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	long long off, len;
	ssize_t n;
	int fd;

	if (argc != 4 || parse(argv[2], 1LL << 62, &off) ||
	    parse(argv[3], LEN_MAX, &len)) {
		fprintf(stderr, "usage: catfloor IMAGE OFFSET LENGTH (<= %d)\n",
			LEN_MAX);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "catfloor: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = pread(fd, buf, (size_t)len, off);
	if (n != len) {
		fprintf(stderr, "catfloor: %s: short read at %lld\n", argv[1],
			off);
		return 1;
	}
	return write(STDOUT_FILENO, buf, (size_t)n) == n ? 0 : 1;
}
