/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the broker's side of fsimg's parent/child protocol
 * (common/broker.c): the input is a request as a hostile child could send
 * it. The image lies in DIR/inner, beside a secret file DIR/secret, with
 * one file DIR/inner/ok it may name: a descriptor the parent hands back
 * must be that file, never the secret, the directory or anything else.
 */
#include "broker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char image[4096];
static struct stat ok_st;

/*
 * The directory has a fixed name, not a mkdtemp() one: libFuzzer traces the
 * broker's string comparisons against it, and a random name would make two
 * runs of one seed mutate differently. Parallel jobs share it, so every
 * step accepts what an earlier job already made.
 */
#define DIR "/tmp/fsimg-fuzz-broker"

static void make_file(const char *path, const char *content)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 ||
	    write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
}

static void make_link(const char *target, const char *path)
{
	char buf[64];
	ssize_t n;

	if (!symlink(target, path))
		return;
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0 || (buf[n] = '\0', strcmp(buf, target)))
		abort();
}

static void setup(void)
{
	struct stat st;

	if ((mkdir(DIR, 0700) && errno != EEXIST) || lstat(DIR, &st) ||
	    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		abort();
	if ((mkdir(DIR "/inner", 0700) && errno != EEXIST))
		abort();
	make_file(DIR "/secret", "secret");
	make_file(DIR "/inner/ok", "");
	if (stat(DIR "/inner/ok", &ok_st))
		abort();
	make_link("secret", DIR "/secret-link");
	make_link("../secret", DIR "/inner/up");
	snprintf(image, sizeof(image), "%s", DIR "/inner/disk.qcow2");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stat st;
	int fd = -1, err;

	if (!image[0])
		setup();
	err = broker_serve_one(image, (const char *)data, size, &fd);
	if (err < 0 || (err && fd >= 0) || (!err && fd < 0))
		__builtin_trap();
	if (fd >= 0) {
		if (fstat(fd, &st) || st.st_dev != ok_st.st_dev ||
		    st.st_ino != ok_st.st_ino)
			__builtin_trap(); /* opened something else */
		close(fd);
	}
	return 0;
}
