/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stream of "fsimg get" (cli/getwire.c): small messages held back and
 * sent together, diagnostics never held, and a writer that reads ahead and
 * takes the same messages whatever sizes the stream arrives in.
 */
#include "getwire.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG (256u << 10) /* GW_MAX_DATA: past the read-ahead, sent at once */

static unsigned char big[BIG];

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

static int tmp_fd(void)
{
	char path[] = "/tmp/test_getwire.XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

static struct fsimg_stat file_stat(uint64_t size)
{
	struct fsimg_stat st;

	memset(&st, 0, sizeof(st));
	st.ino = 7;
	st.mode = 0100644;
	st.nlink = 1;
	st.size = size;
	return st;
}

/* The messages of three files, the middle one big, and a diagnostic. */
static int send_all(int fd)
{
	struct fsimg_stat a = file_stat(5), b = file_stat(BIG);
	int rc = 0;

	rc |= gw_send_entry(fd, "a", "/a", &a, NULL);
	rc |= gw_send_data(fd, 0, "hello", 5);
	rc |= gw_send_eof(fd, true);
	rc |= gw_send_entry(fd, "b", "/b", &b, NULL);
	rc |= gw_send_data(fd, 0, big, BIG);
	rc |= gw_send_eof(fd, true);
	rc |= gw_send_entry(fd, "c", "/c", &a, NULL);
	rc |= gw_send_data(fd, 0, "world", 5);
	rc |= gw_send_eof(fd, false);
	rc |= gw_send_msg(fd, "a diagnostic");
	rc |= gw_send_leave(fd);
	rc |= gw_flush(fd);
	return rc;
}

/* Reads back what send_all sent: the number of checks that failed. */
static int check_all(int fd)
{
	struct gw_reader r;
	struct gw_msg m;
	char err[128];
	int bad = 0;

	if (gw_reader_init(&r, fd))
		return 1;
#define NEXT(t) (gw_read(&r, &m, err, sizeof(err)) == 1 && m.type == (t))
	bad += !(NEXT(GW_ENTRY) && !strcmp(m.name, "a") && m.st.size == 5);
	bad += !(NEXT(GW_DATA) && m.len == 5 && !memcmp(m.data, "hello", 5));
	bad += !(NEXT(GW_EOF) && m.value == 1);
	bad += !(NEXT(GW_ENTRY) && !strcmp(m.name, "b") &&
		 !strcmp(m.path, "/b") && m.st.size == BIG);
	bad += !(NEXT(GW_DATA) && m.value == 0 && m.len == BIG &&
		 !memcmp(m.data, big, BIG));
	bad += !(NEXT(GW_EOF) && m.value == 1);
	bad += !(NEXT(GW_ENTRY) && !strcmp(m.name, "c"));
	bad += !(NEXT(GW_DATA) && m.len == 5 && !memcmp(m.data, "world", 5));
	bad += !(NEXT(GW_EOF) && m.value == 0);
	bad += !(NEXT(GW_MSG) && !strcmp(m.data, "a diagnostic"));
	bad += !NEXT(GW_LEAVE);
	bad += gw_read(&r, &m, err, sizeof(err)) != 0;
#undef NEXT
	gw_reader_free(&r);
	return bad;
}

static void test_held(void)
{
	struct fsimg_stat a = file_stat(5);
	int fd = tmp_fd();
	off_t n;

	if (fd < 0) {
		ok(0, "a scratch file");
		return;
	}
	gw_send_entry(fd, "a", "/a", &a, NULL);
	gw_send_data(fd, 0, "hello", 5);
	gw_send_eof(fd, true);
	is_int((int)size_of(fd), 0, "small messages are held back");
	gw_send_msg(fd, "now");
	n = size_of(fd);
	ok(n > 0, "a diagnostic goes out at once, with what was held");
	gw_send_leave(fd);
	is_int((int)size_of(fd), (int)n, "held again after it");
	is_int(gw_flush(fd), 0, "flush");
	is_int((int)size_of(fd), (int)n + 8, "flushed: LEAVE is 8 bytes");
	close(fd);

	fd = tmp_fd();
	if (fd < 0)
		return;
	is_int(send_all(fd), 0, "a stream with a big message in it is sent");
	lseek(fd, 0, SEEK_SET);
	is_int(check_all(fd), 0, "read back in order, the big message whole");
	close(fd);
}

struct feeder {
	int fd;
	const unsigned char *p;
	size_t n;
};

/* Writes the stream in pieces of awkward sizes, then closes the pipe. */
static void *feed(void *arg)
{
	static const size_t sizes[] = { 1, 7, 8, 9, 13, 4096, 65535, 65537 };
	struct feeder *f = arg;
	size_t off = 0, i = 0;

	while (off < f->n) {
		size_t k = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];
		ssize_t w;

		if (k > f->n - off)
			k = f->n - off;
		w = write(f->fd, f->p + off, k);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static void test_read_ahead(void)
{
	int fd = tmp_fd(), p[2];
	struct feeder f;
	pthread_t t;
	unsigned char *stream;
	off_t n;

	if (fd < 0 || send_all(fd)) {
		ok(0, "a stream to replay");
		return;
	}
	n = size_of(fd);
	stream = malloc((size_t)n);
	if (!stream || pread(fd, stream, (size_t)n, 0) != n || pipe(p)) {
		ok(0, "the stream in memory");
		free(stream);
		return;
	}
	close(fd);
	f = (struct feeder){ p[1], stream, (size_t)n };
	pthread_create(&t, NULL, feed, &f);
	is_int(check_all(p[0]), 0,
	       "the same messages from a pipe written in odd pieces");
	pthread_join(t, NULL);
	close(p[0]);

	/* cut inside the big message: an error, not the end */
	if (!pipe(p)) {
		struct gw_reader r;
		struct gw_msg m;
		char err[128] = "";
		int rc;

		f = (struct feeder){ p[1], stream, (size_t)n / 2 };
		pthread_create(&t, NULL, feed, &f);
		gw_reader_init(&r, p[0]);
		while ((rc = gw_read(&r, &m, err, sizeof(err))) == 1)
			;
		is_int(rc, -1, "a stream cut inside a message is an error");
		is_str(err, "a message cut short", "and says so");
		gw_reader_free(&r);
		pthread_join(t, NULL);
		close(p[0]);
	}
	free(stream);
}

int main(void)
{
	for (size_t i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 131 + (i >> 9));
	test_held();
	test_read_ahead();
	return tap_done();
}
