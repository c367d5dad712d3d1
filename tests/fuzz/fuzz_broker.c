/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the broker's side of fsimg's parent/child protocol
 * (common/broker.c): the input is a request as a hostile child could send
 * it. The image lies in DIR/inner, beside a secret file DIR/secret, with
 * one file DIR/inner/ok it may name: a descriptor the parent hands back
 * must be that file, never the secret, the directory or anything else.
 */
#include "broker.h"

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

static void setup(void)
{
	char dir[] = "/tmp/fuzz-broker.XXXXXX", path[4200];
	int fd;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/secret", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "secret", 6) != 6)
		abort();
	close(fd);
	snprintf(path, sizeof(path), "%s/inner", dir);
	if (mkdir(path, 0700))
		abort();
	snprintf(path, sizeof(path), "%s/inner/ok", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &ok_st))
		abort();
	close(fd);
	snprintf(path, sizeof(path), "%s/inner/../secret-link", dir);
	if (symlink("secret", path))
		abort();
	snprintf(path, sizeof(path), "%s/inner/up", dir);
	if (symlink("../secret", path))
		abort();
	snprintf(image, sizeof(image), "%s/inner/disk.qcow2", dir);
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
