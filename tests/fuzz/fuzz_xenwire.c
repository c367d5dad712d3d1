/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the parent of fsimg-xenboot: the input is what
 * its confined child (possibly a compromised one) sends down the pipe
 * (cli/xenboot_wire.h). The parent must reject a broken stream instead of
 * crashing, and what it accepts must come out as pygrub's output without
 * a stray separator: every "simple" output has exactly its lines, every
 * sxp output and every listing is free of control characters (but the
 * listing's newlines). An accepted entry, sent again, reads back the same.
 */
#include "xenboot_wire.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int stream_of(const void *data, size_t size)
{
	int fd = memfd_create("fuzz-xenwire", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void no_controls(const char *s, size_t len, bool newlines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7F)
			__builtin_trap();
	}
}

/* The simple formats: the lines, in order, each holding no separator. */
static void check_simple(const struct strbuf *b, char sep, bool ramdisk,
			 bool args)
{
	const char *want[] = { "kernel ", "ramdisk ", "args " };
	bool present[] = { true, ramdisk, args };
	const char *p = b->s, *end = b->s + b->len;

	for (int i = 0; i < 3; i++) {
		const char *e;

		if (!present[i])
			continue;
		if (strncmp(p, want[i], strlen(want[i])))
			__builtin_trap();
		e = memchr(p, sep, (size_t)(end - p));
		if (!e || memchr(p, '\n', (size_t)(e - p)))
			__builtin_trap();
		p = e + 1;
	}
	if (p + 1 != end || *p != sep)
		__builtin_trap();
}

static void check_output(const struct xbw_entry *e)
{
	static const enum xb_format formats[] = { XB_SXP, XB_SIMPLE,
						  XB_SIMPLE0 };
	const char *ramdisk = e->ninitrds ? e->initrds[0] : NULL;
	char err[160];

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct strbuf b;
		int rc;

		sb_init(&b);
		rc = xb_format(&b, formats[i], e->kernel, ramdisk, e->args, err,
			       sizeof(err));
		if (!rc && !b.oom) {
			if (formats[i] == XB_SXP)
				no_controls(b.s, b.len, false);
			else
				check_simple(&b,
					     formats[i] == XB_SIMPLE ? '\n'
								     : '\0',
					     ramdisk != NULL, e->args[0] != 0);
		}
		sb_free(&b);
	}
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* Sent again and read back: the same entry. */
static void round_trip(enum xbw_type type, const struct xbw_entry *e)
{
	int p[2];
	struct xbw_reader r;
	struct xbw_msg m;
	char err[160];

	if (pipe(p))
		return;
	/* a pipe holds 64 KiB; a larger entry is written by a thread in
	 * the parent's real use, here it is simply not tried */
	if (xbw_send_entry(p[1], type, e) == 0 && !xbw_reader_init(&r, p[0])) {
		close(p[1]);
		p[1] = -1;
		if (xbw_read(&r, &m, err, sizeof(err)) != 1 || m.type != type ||
		    m.e.index != e->index || m.e.ninitrds != e->ninitrds ||
		    m.e.kernel_bytes != e->kernel_bytes ||
		    m.e.ramdisk_bytes != e->ramdisk_bytes ||
		    m.e.is_default != e->is_default ||
		    !same(m.e.title, e->title) || !same(m.e.root, e->root) ||
		    !same(m.e.kernel, e->kernel) || !same(m.e.args, e->args) ||
		    !same(m.e.kind, e->kind))
			__builtin_trap();
		for (unsigned i = 0; i < e->ninitrds; i++)
			if (!same(m.e.initrds[i], e->initrds[i]))
				__builtin_trap();
		xbw_reader_free(&r);
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

static size_t entry_size(const struct xbw_entry *e)
{
	size_t n = XBW_HDR + XBW_FIXED + strlen(e->title) + strlen(e->root) +
		   strlen(e->kernel) + strlen(e->args) + strlen(e->kind) + 5;

	for (unsigned i = 0; i < e->ninitrds; i++)
		n += strlen(e->initrds[i]) + 1;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xbw_reader r;
	struct xbw_msg m;
	char err[160];
	int fd = stream_of(data, size);

	if (fd < 0)
		return 0;
	if (xbw_reader_init(&r, fd)) {
		close(fd);
		return 0;
	}
	while (xbw_read(&r, &m, err, sizeof(err)) == 1) {
		struct strbuf b;

		sb_init(&b);
		if (m.type == XBW_MSG) {
			if (strlen(m.text) != m.len || m.len > XBW_MAX_MSG)
				__builtin_trap();
			xb_add_printable(&b, m.text);
			if (!b.oom)
				no_controls(b.s, b.len, false);
		} else if (m.type == XBW_ENTRY || m.type == XBW_RESULT) {
			xb_format_entry(&b, &m.e);
			if (!b.oom)
				no_controls(b.s, b.len, true);
			check_output(&m.e);
			if (entry_size(&m.e) <= 60000)
				round_trip(m.type, &m.e);
		}
		sb_free(&b);
	}
	xbw_reader_free(&r);
	close(fd);
	return 0;
}
