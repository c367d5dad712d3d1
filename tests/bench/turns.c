/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * turns: times commands in turns, cold or warm, and compares each with the
 * first run by run. On a machine whose speed drifts (a shared virtual
 * machine) the median of the differences within a turn is steadier than
 * the difference of the medians.
 *
 *   turns N cold|warm CMD [ARG...] [-- CMD [ARG...]]...
 *
 * A command is a path, run directly (no shell, no PATH search); leading
 * NAME=VALUE words are set in its environment. Cold: "sync" and
 * "echo 3 > /proc/sys/vm/drop_caches" before every run (root). The time
 * is from fork to the end of waitpid, in microseconds; output goes to
 * /dev/null. Prints, per command, the median and quartiles, and the
 * median and quartiles of its difference from the first command in the
 * same turn ("vs 1").
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CMDS_MAX 8

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "3", 1) != 1) {
		perror("turns: /proc/sys/vm/drop_caches");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static double run(char **argv, int devnull)
{
	double start = now_us();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		while (*argv && strchr(*argv, '=') && **argv != '/')
			putenv(*argv++);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) == 127)
		return -1;
	return now_us() - start;
}

/* median and quartiles of v[0..n) (sorted in place) */
static void quart(double *v, size_t n, double q[3])
{
	qsort(v, n, sizeof(*v), cmp_double);
	q[0] = v[n / 4];
	q[1] = v[n / 2];
	q[2] = v[3 * n / 4];
}

int main(int argc, char **argv)
{
	char **cmd[CMDS_MAX];
	size_t ncmd = 0, n;
	double *t, *col, *diff;
	int cold, devnull;

	if (argc < 4 || atoi(argv[1]) < 1 ||
	    (strcmp(argv[2], "cold") && strcmp(argv[2], "warm"))) {
		fprintf(stderr, "usage: turns N cold|warm CMD [ARG...] "
				"[-- CMD [ARG...]]...\n");
		return 2;
	}
	n = (size_t)atoi(argv[1]);
	cold = !strcmp(argv[2], "cold");
	cmd[ncmd++] = &argv[3];
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		if (ncmd == CMDS_MAX || i + 1 == argc) {
			fprintf(stderr, "turns: 1 to %d commands\n", CMDS_MAX);
			return 2;
		}
		argv[i] = NULL;
		cmd[ncmd++] = &argv[i + 1];
	}
	devnull = open("/dev/null", O_WRONLY);
	t = calloc(n * ncmd, sizeof(*t));
	col = calloc(n, sizeof(*col));
	diff = calloc(n, sizeof(*diff));
	if (devnull < 0 || !t || !col || !diff) {
		perror("turns");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncmd; c++) {
			if (cold && drop_caches())
				return 1;
			t[i * ncmd + c] = run(cmd[c], devnull);
			if (t[i * ncmd + c] < 0) {
				fprintf(stderr, "turns: %s failed\n",
					cmd[c][0]);
				return 1;
			}
		}
	}
	for (size_t c = 0; c < ncmd; c++) {
		double q[3], d[3];
		char **a = cmd[c];

		for (size_t i = 0; i < n; i++) {
			col[i] = t[i * ncmd + c];
			diff[i] = t[i * ncmd + c] - t[i * ncmd];
		}
		quart(col, n, q);
		quart(diff, n, d);
		printf("%zu: median %7.0f us (%7.0f-%7.0f)  vs 1: %+6.0f "
		       "(%+6.0f to %+6.0f) ",
		       c + 1, q[1], q[0], q[2], d[1], d[0], d[2]);
		for (; *a; a++)
			printf(" %s", *a);
		printf("\n");
	}
	free(t);
	free(col);
	free(diff);
	return 0;
}
