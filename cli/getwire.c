/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stream from the confined reader of "fsimg get" to the writer: the
 * encoding, and a decoder that takes nothing on trust (see getwire.h).
 */
#include "getwire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* ENTRY's fixed part: the stat fields and the three string lengths. */
#define GW_STAT	     72u
#define GW_MAX_ENTRY (GW_STAT + GW_MAX_NAME + 2 * GW_MAX_PATH)

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* --- sending ------------------------------------------------------------ */

static int writev_full(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * What the reader holds back: the messages of many small files go in one
 * write, and wake the writer once. A process sends to one stream. The
 * bytes are apart from the initialised fields, so that they take no room
 * in the executable (.bss, not .data), which a cold start reads.
 */
#define GW_OUT (64u << 10)

static unsigned char out_buf[GW_OUT];
static struct {
	int fd;
	size_t len; /* bytes held in out_buf */
} out = { .fd = -1 };

int gw_flush(int fd)
{
	struct iovec iov = { out_buf, out.len };
	int rc;

	if (fd != out.fd || !out.len)
		return 0;
	rc = writev_full(fd, &iov, 1);
	out.len = 0;
	return rc;
}

static void hold(const void *p, size_t n)
{
	if (n) {
		memcpy(out_buf + out.len, p, n);
		out.len += n;
	}
}

/*
 * A message that fits is held; one that does not goes out at once with
 * what was held before it. A diagnostic (MSG) is never held: it must
 * reach the writer even if the reader dies next.
 */
static int send_parts(int fd, enum gw_type type, const void *a, size_t alen,
		      const void *b, size_t blen)
{
	unsigned char hdr[GW_HDR] = { (unsigned char)type };
	size_t n = sizeof(hdr) + alen + blen;
	struct iovec iov[4];
	int rc;

	put32(hdr + 4, (uint32_t)(alen + blen));
	if (fd != out.fd) {
		rc = gw_flush(out.fd);
		out.fd = fd;
		out.len = 0;
		if (rc)
			return rc;
	}
	if (type != GW_MSG && n <= GW_OUT - out.len) {
		hold(hdr, sizeof(hdr));
		hold(a, alen);
		hold(b, blen);
		return 0;
	}
	iov[0] = (struct iovec){ out_buf, out.len };
	iov[1] = (struct iovec){ hdr, sizeof(hdr) };
	iov[2] = (struct iovec){ (void *)a, alen };
	iov[3] = (struct iovec){ (void *)b, blen };
	out.len = 0;
	return writev_full(fd, iov, 4);
}

int gw_send_total(int fd, uint64_t total)
{
	unsigned char p[8];

	put64(p, total);
	return send_parts(fd, GW_TOTAL, p, sizeof(p), NULL, 0);
}

int gw_send_entry(int fd, const char *name, const char *path,
		  const struct fsimg_stat *st, const char *target)
{
	size_t nl = strlen(name), pl = strlen(path), tl = 0;
	unsigned char p[GW_MAX_ENTRY];

	if (target)
		tl = strlen(target);
	if (nl > GW_MAX_NAME || tl > GW_MAX_PATH)
		return -ENAMETOOLONG;
	if (pl > GW_MAX_PATH)
		pl = GW_MAX_PATH; /* only ever shown in messages */
	put64(p, st->ino);
	put32(p + 8, st->mode);
	put32(p + 12, st->nlink);
	put32(p + 16, st->uid);
	put32(p + 20, st->gid);
	put32(p + 24, st->rdev_major);
	put32(p + 28, st->rdev_minor);
	put64(p + 32, st->size);
	put64(p + 40, (uint64_t)st->atime.tv_sec);
	put32(p + 48, (uint32_t)st->atime.tv_nsec);
	put64(p + 52, (uint64_t)st->mtime.tv_sec);
	put32(p + 60, (uint32_t)st->mtime.tv_nsec);
	put16(p + 64, (uint16_t)nl);
	put16(p + 66, (uint16_t)pl);
	put16(p + 68, (uint16_t)tl);
	put16(p + 70, 0);
	memcpy(p + GW_STAT, name, nl);
	memcpy(p + GW_STAT + nl, path, pl);
	if (tl)
		memcpy(p + GW_STAT + nl + pl, target, tl);
	return send_parts(fd, GW_ENTRY, p, GW_STAT + nl + pl + tl, NULL, 0);
}

int gw_send_data(int fd, uint64_t off, const void *buf, size_t len)
{
	unsigned char p[8];

	while (len) {
		size_t n = len < GW_MAX_DATA ? len : GW_MAX_DATA;
		int rc;

		put64(p, off);
		rc = send_parts(fd, GW_DATA, p, sizeof(p), buf, n);
		if (rc)
			return rc;
		buf = (const char *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

int gw_send_eof(int fd, bool complete)
{
	unsigned char p[4];

	put32(p, complete ? 1 : 0);
	return send_parts(fd, GW_EOF, p, sizeof(p), NULL, 0);
}

int gw_send_leave(int fd)
{
	return send_parts(fd, GW_LEAVE, NULL, 0, NULL, 0);
}

int gw_send_msg(int fd, const char *text)
{
	size_t n = strlen(text);

	return send_parts(fd, GW_MSG, text, n < GW_MAX_MSG ? n : GW_MAX_MSG,
			  NULL, 0);
}

/* --- receiving ---------------------------------------------------------- */

/* The payload, then room for the NUL-terminated strings of an ENTRY. */
#define GW_BUF (GW_MAX_PAYLOAD + 1 + GW_MAX_NAME + 2 * GW_MAX_PATH + 3)

/* what is read ahead of the messages taken: a pipe's default capacity */
#define GW_AHEAD (64u << 10)

int gw_reader_init(struct gw_reader *r, int fd)
{
	r->fd = fd;
	r->pos = r->len = 0;
	r->buf = malloc(GW_BUF);
	r->ahead = malloc(GW_AHEAD);
	if (r->buf && r->ahead)
		return 0;
	gw_reader_free(r);
	return -ENOMEM;
}

void gw_reader_free(struct gw_reader *r)
{
	free(r->buf);
	free(r->ahead);
	r->buf = r->ahead = NULL;
}

/*
 * Takes n bytes into p, from what was read ahead, then from fd: straight
 * into p for what is at least GW_AHEAD long, else through the read-ahead.
 * 1: all n bytes; 0: end of file before the first; -1: error or short.
 */
static int take(struct gw_reader *r, unsigned char *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k;

		if (r->pos < r->len) {
			size_t c = r->len - r->pos;

			if (c > n - got)
				c = n - got;
			memcpy(p + got, r->ahead + r->pos, c);
			r->pos += c;
			got += c;
			continue;
		}
		if (n - got >= GW_AHEAD)
			k = read(r->fd, p + got, n - got);
		else
			k = read(r->fd, r->ahead, GW_AHEAD);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return got == 0 && k == 0 ? 0 : -1;
		if (n - got >= GW_AHEAD) {
			got += (size_t)k;
		} else {
			r->pos = 0;
			r->len = (size_t)k;
		}
	}
	return 1;
}

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

static const char *put_string(unsigned char **to, const unsigned char *from,
			      size_t n)
{
	char *s = (char *)*to;

	memcpy(s, from, n);
	s[n] = '\0';
	*to += n + 1;
	return s;
}

static bool known_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	default:
		return false;
	}
}

static int parse_entry(struct gw_reader *r, size_t len, struct gw_msg *m,
		       char *err, size_t errlen)
{
	const unsigned char *p = r->buf;
	unsigned char *strs = r->buf + GW_MAX_PAYLOAD + 1;
	size_t nl, pl, tl;
	uint64_t sec;

	if (len < GW_STAT)
		return bad(err, errlen, "an entry shorter than its header");
	nl = get16(p + 64);
	pl = get16(p + 66);
	tl = get16(p + 68);
	if (GW_STAT + nl + pl + tl != len)
		return bad(err, errlen, "an entry whose lengths do not add up");
	if (nl == 0 || nl > GW_MAX_NAME || pl > GW_MAX_PATH || tl > GW_MAX_PATH)
		return bad(err, errlen, "an entry name of a bad length");
	if (memchr(p + GW_STAT, '\0', nl + pl + tl))
		return bad(err, errlen, "an entry name holding a NUL");
	memset(&m->st, 0, sizeof(m->st));
	m->st.ino = get64(p);
	m->st.mode = get32(p + 8);
	m->st.nlink = get32(p + 12);
	m->st.uid = get32(p + 16);
	m->st.gid = get32(p + 20);
	m->st.rdev_major = get32(p + 24);
	m->st.rdev_minor = get32(p + 28);
	m->st.size = get64(p + 32);
	if (!known_type(m->st.mode))
		return bad(err, errlen, "an entry of an unknown file type");
	if (m->st.size > (uint64_t)INT64_MAX)
		return bad(err, errlen, "an entry size past 2^63");
	if (S_ISLNK(m->st.mode) != (tl != 0))
		return bad(err, errlen, "a link target without a symlink");
	sec = get64(p + 40);
	m->st.atime.tv_sec = (time_t)(int64_t)sec;
	m->st.atime.tv_nsec = (long)get32(p + 48);
	sec = get64(p + 52);
	m->st.mtime.tv_sec = (time_t)(int64_t)sec;
	m->st.mtime.tv_nsec = (long)get32(p + 60);
	m->name = put_string(&strs, p + GW_STAT, nl);
	m->path = put_string(&strs, p + GW_STAT + nl, pl);
	m->target = tl ? put_string(&strs, p + GW_STAT + nl + pl, tl) : NULL;
	return 1;
}

int gw_read(struct gw_reader *r, struct gw_msg *m, char *err, size_t errlen)
{
	unsigned char hdr[GW_HDR];
	size_t len;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = take(r, hdr, sizeof(hdr));
	if (rc == 0)
		return 0;
	if (rc < 0)
		return bad(err, errlen, "a message cut short");
	len = get32(hdr + 4);
	if (len > GW_MAX_PAYLOAD || hdr[1] || hdr[2] || hdr[3])
		return bad(err, errlen, "a message of a bad length");
	if (len && take(r, r->buf, len) != 1)
		return bad(err, errlen, "a message cut short");
	m->type = (enum gw_type)hdr[0];
	switch (m->type) {
	case GW_TOTAL:
		if (len != 8)
			return bad(err, errlen, "a total of a bad length");
		m->value = get64(r->buf);
		return 1;
	case GW_ENTRY:
		return parse_entry(r, len, m, err, errlen);
	case GW_DATA:
		if (len < 8)
			return bad(err, errlen, "data without an offset");
		m->value = get64(r->buf);
		m->data = (const char *)r->buf + 8;
		m->len = len - 8;
		if (m->value > (uint64_t)INT64_MAX - m->len)
			return bad(err, errlen, "data past 2^63");
		return 1;
	case GW_EOF:
		if (len != 4 || get32(r->buf) > 1)
			return bad(err, errlen, "a bad end of file");
		m->value = get32(r->buf);
		return 1;
	case GW_LEAVE:
		if (len)
			return bad(err, errlen, "a bad end of directory");
		return 1;
	case GW_MSG:
		if (len > GW_MAX_MSG)
			return bad(err, errlen, "a message too long");
		r->buf[len] = '\0';
		m->data = (const char *)r->buf;
		m->len = len;
		return 1;
	}
	return bad(err, errlen, "a message of an unknown type");
}
