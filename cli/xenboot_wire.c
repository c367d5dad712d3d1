/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg-xenboot: the stream from the confined child to the parent, and
 * the output the parent writes (see xenboot_wire.h). The parent reads
 * what a possibly compromised process sends: every length is checked
 * before it is used, every string is bounded and terminated, and the
 * stream has one shape (messages, entries in order, one last message).
 * Fuzzed by tests/fuzz/fuzz_xenwire.c.
 */
#include "xenboot_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

int xbw_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* --- the child's side ----------------------------------------------------- */

static int send_msg(int fd, enum xbw_type type, const void *payload, size_t len)
{
	unsigned char *buf;
	int rc;

	if (len > XBW_MAX_PAYLOAD)
		return -E2BIG;
	buf = malloc(XBW_HDR + len);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, XBW_HDR);
	buf[0] = (unsigned char)type;
	put_le32(buf + 4, (uint32_t)len);
	if (len)
		memcpy(buf + XBW_HDR, payload, len);
	rc = xbw_write_all(fd, buf, XBW_HDR + len);
	free(buf);
	return rc;
}

int xbw_send_msg(int fd, const char *text)
{
	size_t n = strnlen(text, XBW_MAX_MSG);

	return n ? send_msg(fd, XBW_MSG, text, n) : 0;
}

int xbw_send_done(int fd)
{
	return send_msg(fd, XBW_DONE, NULL, 0);
}

int xbw_send_entry(int fd, enum xbw_type type, const struct xbw_entry *e)
{
	const char *strs[5 + XBW_MAX_INITRDS];
	unsigned char fixed[XBW_FIXED] = { 0 };
	struct strbuf b;
	unsigned n = 0;
	int rc;

	if (e->ninitrds > XBW_MAX_INITRDS)
		return -E2BIG;
	strs[n++] = e->title;
	strs[n++] = e->root;
	strs[n++] = e->kernel;
	strs[n++] = e->args;
	strs[n++] = e->kind;
	for (unsigned i = 0; i < e->ninitrds; i++)
		strs[n++] = e->initrds[i];
	put_le32(fixed, e->index);
	put_le32(fixed + 4, e->is_default ? XBW_FLAG_DEFAULT : 0);
	put_le32(fixed + 8, e->ninitrds);
	put_le64(fixed + 16, e->kernel_bytes);
	put_le64(fixed + 24, e->ramdisk_bytes);
	sb_init(&b);
	sb_addn(&b, (const char *)fixed, sizeof(fixed));
	for (unsigned i = 0; i < n; i++) {
		const char *s = strs[i] ? strs[i] : "";

		if (strlen(s) > XBW_MAX_STR) {
			sb_free(&b);
			return -E2BIG;
		}
		sb_addn(&b, s, strlen(s) + 1);
	}
	rc = b.oom ? -ENOMEM : send_msg(fd, type, b.s, b.len);
	sb_free(&b);
	return rc;
}

/* --- the parent's side ---------------------------------------------------- */

int xbw_reader_init(struct xbw_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->buf = malloc(XBW_MAX_PAYLOAD + 1);
	return r->buf ? 0 : -ENOMEM;
}

void xbw_reader_free(struct xbw_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Reads exactly len bytes: len, 0 at once at the end, or a short count. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The next NUL-terminated string of [*p, end), at most XBW_MAX_STR. */
static const char *take_str(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	const unsigned char *nul;
	size_t room = (size_t)(end - s);

	nul = memchr(s, 0, room < XBW_MAX_STR + 1 ? room : XBW_MAX_STR + 1);
	if (!nul)
		return NULL;
	*p = nul + 1;
	return (const char *)s;
}

static int decode_entry(const unsigned char *p, size_t len, struct xbw_entry *e,
			char *err, size_t errlen)
{
	const unsigned char *end = p + len;
	const char **slots[5];
	uint32_t flags;

	memset(e, 0, sizeof(*e));
	if (len < XBW_FIXED) {
		snprintf(err, errlen, "an entry of %zu bytes", len);
		return -1;
	}
	e->index = get_le32(p);
	flags = get_le32(p + 4);
	e->ninitrds = get_le32(p + 8);
	e->kernel_bytes = get_le64(p + 16);
	e->ramdisk_bytes = get_le64(p + 24);
	if (flags & ~XBW_FLAG_DEFAULT || get_le32(p + 12)) {
		snprintf(err, errlen, "unknown flags in an entry");
		return -1;
	}
	e->is_default = flags & XBW_FLAG_DEFAULT;
	if (e->ninitrds > XBW_MAX_INITRDS) {
		snprintf(err, errlen, "an entry with %u initrds", e->ninitrds);
		return -1;
	}
	slots[0] = &e->title;
	slots[1] = &e->root;
	slots[2] = &e->kernel;
	slots[3] = &e->args;
	slots[4] = &e->kind;
	p += XBW_FIXED;
	for (unsigned i = 0; i < 5 + e->ninitrds; i++) {
		const char *s = take_str(&p, end);

		if (!s) {
			snprintf(err, errlen,
				 "string %u of an entry is too long or not "
				 "terminated",
				 i);
			return -1;
		}
		if (i < 5)
			*slots[i] = s;
		else
			e->initrds[i - 5] = s;
	}
	if (p != end) {
		snprintf(err, errlen, "%zu bytes after an entry",
			 (size_t)(end - p));
		return -1;
	}
	if (!e->kernel[0]) {
		snprintf(err, errlen, "an entry without a kernel");
		return -1;
	}
	return 0;
}

static int check_entry(struct xbw_reader *r, enum xbw_type type,
		       const struct xbw_entry *e, char *err, size_t errlen)
{
	if (type == XBW_ENTRY) {
		if (r->entries == XBW_MAX_ENTRIES) {
			snprintf(err, errlen, "more than %u entries",
				 XBW_MAX_ENTRIES);
			return -1;
		}
		if (e->index >= XBW_MAX_ENTRIES || e->index < r->next_index) {
			snprintf(err, errlen, "entry %u out of order",
				 (unsigned)e->index);
			return -1;
		}
		if (e->kernel_bytes || e->ramdisk_bytes) {
			snprintf(err, errlen, "an entry with file sizes");
			return -1;
		}
		r->entries++;
		r->next_index = e->index + 1;
		return 0;
	}
	if (e->index >= XBW_MAX_ENTRIES && e->index != XBW_NO_INDEX) {
		snprintf(err, errlen, "a result naming entry %u",
			 (unsigned)e->index);
		return -1;
	}
	if (e->kernel_bytes > INT64_MAX || e->ramdisk_bytes > INT64_MAX) {
		snprintf(err, errlen, "a result with impossible file sizes");
		return -1;
	}
	return 0;
}

int xbw_read(struct xbw_reader *r, struct xbw_msg *m, char *err, size_t errlen)
{
	unsigned char hdr[XBW_HDR];
	uint32_t len;
	ssize_t n;

	memset(m, 0, sizeof(*m));
	n = read_full(r->fd, hdr, sizeof(hdr));
	if (n == 0)
		return 0;
	if (n < 0) {
		snprintf(err, errlen, "reading: %s", strerror(errno));
		return -1;
	}
	if ((size_t)n < sizeof(hdr)) {
		snprintf(err, errlen, "a message cut short");
		return -1;
	}
	if (r->ended) {
		snprintf(err, errlen, "a message after the last one");
		return -1;
	}
	len = get_le32(hdr + 4);
	if (hdr[1] || hdr[2] || hdr[3] || hdr[0] < XBW_MSG ||
	    hdr[0] > XBW_DONE) {
		snprintf(err, errlen, "an unknown message");
		return -1;
	}
	m->type = (enum xbw_type)hdr[0];
	if (len > XBW_MAX_PAYLOAD ||
	    (m->type == XBW_MSG && (len == 0 || len > XBW_MAX_MSG)) ||
	    (m->type == XBW_DONE && len)) {
		snprintf(err, errlen, "a message of %u bytes", (unsigned)len);
		return -1;
	}
	n = read_full(r->fd, r->buf, len);
	if (n < 0 || (size_t)n != len) {
		snprintf(err, errlen, "a message cut short");
		return -1;
	}
	r->buf[len] = 0;
	switch (m->type) {
	case XBW_MSG:
		if (memchr(r->buf, 0, len)) {
			snprintf(err, errlen, "a message holding a NUL");
			return -1;
		}
		if (++r->msgs > XBW_MAX_MSGS) {
			snprintf(err, errlen, "more than %u messages",
				 XBW_MAX_MSGS);
			return -1;
		}
		m->text = (const char *)r->buf;
		m->len = len;
		return 1;
	case XBW_ENTRY:
	case XBW_RESULT:
		if (decode_entry(r->buf, len, &m->e, err, errlen) ||
		    check_entry(r, m->type, &m->e, err, errlen))
			return -1;
		r->ended = m->type == XBW_RESULT;
		return 1;
	case XBW_DONE:
		r->ended = true;
		return 1;
	}
	return -1;
}

/* --- text ----------------------------------------------------------------- */

/*
 * Decodes one UTF-8 character at s (strict: no overlong forms, no
 * surrogates, nothing past U+10FFFF). Returns its length, or 0 when the
 * byte at s does not start a valid sequence.
 */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		*cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		*cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		unsigned char t = s[i];

		if (t < (i == 1 ? lo : 0x80) || t > (i == 1 ? hi : 0xBF))
			return 0;
		*cp = *cp << 6 | (t & 0x3F);
	}
	return n;
}

/*
 * Characters above U+007F that Python's str.isprintable() rejects, as far
 * as a short table goes: controls, format characters, separators other
 * than the space, surrogates, private use and noncharacters. Unassigned
 * code points elsewhere are taken as printable.
 */
static const struct {
	uint32_t lo, hi;
} unprintable[] = {
	{ 0x0080, 0x00A0 },   { 0x00AD, 0x00AD },    { 0x0600, 0x0605 },
	{ 0x061C, 0x061C },   { 0x06DD, 0x06DD },    { 0x070F, 0x070F },
	{ 0x0890, 0x0891 },   { 0x08E2, 0x08E2 },    { 0x180E, 0x180E },
	{ 0x1680, 0x1680 },   { 0x2000, 0x200F },    { 0x2028, 0x202F },
	{ 0x205F, 0x2064 },   { 0x2066, 0x206F },    { 0x3000, 0x3000 },
	{ 0xD800, 0xF8FF },   { 0xFEFF, 0xFEFF },    { 0xFFF0, 0xFFFB },
	{ 0xFFFE, 0xFFFF },   { 0x110BD, 0x110BD },  { 0x110CD, 0x110CD },
	{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 },  { 0x1D173, 0x1D17A },
	{ 0xE0000, 0xE00FF }, { 0xE01F0, 0x10FFFF },
};

static bool py_printable(uint32_t cp)
{
	if ((cp & 0xFFFE) == 0xFFFE)
		return false; /* the noncharacters of every plane */
	for (size_t i = 0; i < sizeof(unprintable) / sizeof(unprintable[0]);
	     i++)
		if (cp >= unprintable[i].lo && cp <= unprintable[i].hi)
			return false;
	return true;
}

void xb_py_repr(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char quote = '\'';

	if (strchr(str, '\'') && !strchr(str, '"'))
		quote = '"';
	sb_addc(b, quote);
	while (*s) {
		uint32_t cp;
		size_t n = utf8_char(s, &cp);

		if (n == 0) {
			/* not UTF-8: the byte, as a sxp reader reads it */
			sb_addf(b, "\\x%02x", *s);
			s++;
			continue;
		}
		if (cp == (uint32_t)quote || cp == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)cp);
		} else if (cp == '\t') {
			sb_add(b, "\\t");
		} else if (cp == '\n') {
			sb_add(b, "\\n");
		} else if (cp == '\r') {
			sb_add(b, "\\r");
		} else if (cp < 0x20 || cp == 0x7F) {
			sb_addf(b, "\\x%02x", (unsigned)cp);
		} else if (cp < 0x7F || py_printable(cp)) {
			sb_addn(b, (const char *)s, n);
		} else if (cp <= 0xFF) {
			sb_addf(b, "\\x%02x", (unsigned)cp);
		} else if (cp <= 0xFFFF) {
			sb_addf(b, "\\u%04x", (unsigned)cp);
		} else {
			sb_addf(b, "\\U%08x", (unsigned)cp);
		}
		s += n;
	}
	sb_addc(b, quote);
}

int xb_format(struct strbuf *b, enum xb_format f, const char *kernel,
	      const char *ramdisk, const char *args, char *err, size_t errlen)
{
	const char *vals[3] = { kernel, ramdisk, args };
	const char *names[3] = { "kernel", "ramdisk", "args" };
	char sep = f == XB_SIMPLE0 ? '\0' : '\n';

	if (args && !*args)
		args = NULL;
	if (f == XB_SXP) {
		sb_add(b, "linux (kernel ");
		xb_py_repr(b, kernel);
		sb_addc(b, ')');
		if (ramdisk) {
			sb_add(b, "(ramdisk ");
			xb_py_repr(b, ramdisk);
			sb_addc(b, ')');
		}
		if (args) {
			sb_add(b, "(args ");
			xb_py_repr(b, args);
			sb_addc(b, ')');
		}
		return 0;
	}
	/* the separators; and NUL cannot be in a C string */
	for (int i = 0; i < 3; i++)
		if (vals[i] && strchr(vals[i], '\n')) {
			snprintf(err, errlen,
				 "the %s holds a newline, which the simple "
				 "output formats cannot represent",
				 names[i]);
			return -1;
		}
	sb_add(b, "kernel ");
	sb_add(b, kernel);
	sb_addc(b, sep);
	if (ramdisk) {
		sb_add(b, "ramdisk ");
		sb_add(b, ramdisk);
		sb_addc(b, sep);
	}
	if (args) {
		sb_add(b, "args ");
		sb_add(b, args);
		sb_addc(b, sep);
	}
	sb_addc(b, sep);
	return 0;
}

void xb_add_printable(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		uint32_t cp;
		size_t n = utf8_char(s, &cp);

		if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
			sb_addc(b, '?');
			s += n ? n : 1;
			continue;
		}
		sb_addn(b, (const char *)s, n);
		s += n;
	}
}

void xb_join_initrds(struct strbuf *b, const struct xbw_entry *e)
{
	for (unsigned i = 0; i < e->ninitrds; i++) {
		if (i)
			sb_addc(b, ' ');
		sb_add(b, e->initrds[i]);
	}
}

/* pygrub prints Python's None for what an entry lacks */
static void field(struct strbuf *b, const char *name, const char *value,
		  bool none)
{
	sb_add(b, name);
	xb_add_printable(b, value && (*value || !none) ? value : "None");
	sb_addc(b, '\n');
}

void xb_format_entry(struct strbuf *b, const struct xbw_entry *e)
{
	struct strbuf initrds;

	sb_init(&initrds);
	xb_join_initrds(&initrds, e);
	field(b, "title: ", e->title, false);
	field(b, "  root: ", e->root, true);
	field(b, "  kernel: ", e->kernel, false);
	field(b, "  args: ", e->args, true);
	field(b, "  initrd: ", initrds.oom ? NULL : initrds.s, true);
	sb_free(&initrds);
}
