/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A main() for the fuzz harnesses when libFuzzer is not available (gcc
 * builds): runs LLVMFuzzerTestOneInput once on each file named on the
 * command line, or on each file of a directory named there, the way a
 * libFuzzer binary replays a corpus. Exit status 0 when every input ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are skipped, as libFuzzer's -max_len would. */
#define REPLAY_MAX (64u << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t got;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	if (st.st_size > (off_t)REPLAY_MAX) {
		fprintf(stderr, "replay: %s: skipped, larger than %u bytes\n",
			path, REPLAY_MAX);
		fclose(f);
		return 0;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return 1;
	}
	got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, got);
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return 0;
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int n, rc = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char *p;

		if (names[i]->d_name[0] != '.' &&
		    asprintf(&p, "%s/%s", path, names[i]->d_name) >= 0) {
			struct stat fst;

			if (!stat(p, &fst) && S_ISREG(fst.st_mode) &&
			    run_file(p))
				rc = 1;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]))
			rc = 1;
	return rc;
}
