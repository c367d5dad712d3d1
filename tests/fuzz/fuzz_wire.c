/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the writer of "fsimg get": the input is what a
 * confined reader (possibly a compromised one) sends down the pipe
 * (cli/getwire.h). The writer must create files only below its
 * destination, whatever the stream says, and report a broken stream
 * instead of crashing. Each input is written into a fresh directory that
 * is emptied afterwards; anything that appears beside it fails the run.
 */
#include "get.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64]; /* holds only "dest" between runs */
static int basefd = -1;

/* Removes everything below the directory dfd (taken), however deep. */
static void empty_dir(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	rewinddir(d); /* a dup()ed descriptor shares its offset */
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		sub = openat(dirfd(d), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		fchmod(sub, 0700);
		empty_dir(sub);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Only "dest" may be in base: a stream cannot reach beside it. */
static void check_base(void)
{
	DIR *d = fdopendir(dup(basefd));
	struct dirent *e;

	if (!d)
		return;
	rewinddir(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "dest"))
			__builtin_trap();
	closedir(d);
}

static void remove_base(void)
{
	empty_dir(dup(basefd));
	close(basefd);
	rmdir(base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli c = { .image_path = "fuzz-wire",
			 .mute = true,
			 .quiet = true,
			 .relay_fd = -1 };
	struct get g = { .c = &c, .top_shown = "dest" };
	struct dirstate top = { .rel = "" };
	int fd;

	if (basefd < 0) {
		snprintf(base, sizeof(base), "/tmp/fsimg-fuzz-wire-XXXXXX");
		if (!mkdtemp(base))
			abort();
		basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (basefd < 0 || mkdirat(basefd, "dest", 0700))
			abort();
		atexit(remove_base);
	}
	fd = memfd_create("fuzz-wire", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	g.topfd = openat(basefd, "dest", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g.topfd < 0)
		abort();
	top.fd = g.topfd;
	get_write_stream(&g, &top, fd);
	close(fd);
	for (size_t i = 0; i < g.nlinks; i++)
		free(g.links[i].rel);
	free(g.links);
	free(g.hash);
	check_base();
	if (getenv("FSIMG_FUZZ_KEEP"))
		abort(); /* leaves the tree to look at (debugging) */
	empty_dir(g.topfd);
	return 0;
}
