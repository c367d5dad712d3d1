/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg-xenboot: what the confined child tells the parent, and the text
 * the parent makes of it (xenboot_wire.c).
 *
 * One way, child to parent, over a pipe: messages of an 8-byte header
 * (type, three zero bytes, payload length as little-endian u32) and a
 * payload. The parent trusts none of it: xbw_read() checks the framing,
 * the shape of every message and the order of the stream, every string
 * against a bound, and rejects what it does not know.
 *
 *   MSG     text                   a diagnostic, printed with the image
 *                                  name (at most XBW_MAX_MSGS of them)
 *   ENTRY   entry                  one entry of the menu (-l), in order
 *   RESULT  entry                  what to boot; the last message
 *   DONE                           the listing is complete; the last message
 *
 * An entry is u32 index, u32 flags, u32 number of initrds, u32 zero, u64
 * kernel bytes written, u64 ramdisk bytes written, then NUL-terminated
 * strings: title, root, kernel, args, kind, and each initrd.
 */
#ifndef FSIMG_CLI_XENBOOT_WIRE_H
#define FSIMG_CLI_XENBOOT_WIRE_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xbw_type {
	XBW_MSG = 1,
	XBW_ENTRY,
	XBW_RESULT,
	XBW_DONE,
};

#define XBW_HDR		 8u
#define XBW_FIXED	 32u   /* the numbers that start an entry */
#define XBW_MAX_STR	 4096u /* a title, a path, the arguments */
#define XBW_MAX_INITRDS	 16u
#define XBW_MAX_MSG	 4096u
#define XBW_MAX_MSGS	 256u
#define XBW_MAX_ENTRIES	 1024u
#define XBW_NO_INDEX	 UINT32_MAX /* RESULT of --kernel: no menu entry */
#define XBW_FLAG_DEFAULT 1u	    /* ENTRY: the default entry */
#define XBW_MAX_PAYLOAD \
	(XBW_FIXED + (5u + XBW_MAX_INITRDS) * (XBW_MAX_STR + 1u))

struct xbw_entry {
	uint32_t index;
	bool is_default;
	uint64_t kernel_bytes;	/* RESULT: written to the kernel file */
	uint64_t ramdisk_bytes; /* RESULT: written to the ramdisk file */
	const char *title;
	const char *root; /* partition spec of the kernel, "" whole image */
	const char *kernel;
	const char *args;
	const char *kind;
	const char *initrds[XBW_MAX_INITRDS];
	unsigned ninitrds;
};

/* --- the child's side: 0 or -errno (EPIPE: the parent has gone) ------- */

/* A diagnostic; longer text is cut at XBW_MAX_MSG bytes. */
/* Writes all of buf to fd, again after EINTR: 0 or -errno (-EIO). */
int xbw_write_all(int fd, const void *buf, size_t len);
int xbw_send_msg(int fd, const char *text);
/* type XBW_ENTRY or XBW_RESULT; -E2BIG when a string is too long. */
int xbw_send_entry(int fd, enum xbw_type type, const struct xbw_entry *e);
int xbw_send_done(int fd);

/* --- the parent's side ------------------------------------------------ */

struct xbw_reader {
	int fd;
	unsigned char *buf; /* XBW_MAX_PAYLOAD + 1 bytes */
	unsigned msgs, entries;
	uint32_t next_index; /* ENTRY indexes only grow */
	bool ended;	     /* RESULT or DONE was read */
};

struct xbw_msg {
	enum xbw_type type;
	const char *text; /* MSG, NUL-terminated, in the reader's buffer */
	size_t len;
	struct xbw_entry e; /* ENTRY, RESULT: strings in the buffer */
};

/* 0 or -ENOMEM. */
int xbw_reader_init(struct xbw_reader *r, int fd);
void xbw_reader_free(struct xbw_reader *r);

/*
 * Reads the next message into m (valid until the next call). Returns 1,
 * 0 at the end of the stream (between two messages), or -1 with what was
 * wrong in err: a short message, an unknown type, a length or a count out
 * of bounds, a string that is too long or not terminated, anything after
 * RESULT or DONE.
 */
int xbw_read(struct xbw_reader *r, struct xbw_msg *m, char *err, size_t errlen);

/* --- what the parent prints ------------------------------------------- */

enum xb_format {
	XB_SXP,
	XB_SIMPLE,
	XB_SIMPLE0,
};

/* s as Python 3's repr() of the str decoded from UTF-8 shows it. */
void xb_py_repr(struct strbuf *b, const char *s);

/*
 * pygrub's output for the bootloader's caller: kernel, ramdisk (NULL:
 * none) and args (NULL or "": none) in format f. The simple formats cannot
 * carry a value holding a newline or a NUL: -1 with the reason in err.
 */
int xb_format(struct strbuf *b, enum xb_format f, const char *kernel,
	      const char *ramdisk, const char *args, char *err, size_t errlen);

/* Appends s with control characters shown as '?' (for a terminal). */
void xb_add_printable(struct strbuf *b, const char *s);

/* pygrub's --list-entries record of one entry (printable). */
void xb_format_entry(struct strbuf *b, const struct xbw_entry *e);

/* The initrds of e, space-separated ("" for none). */
void xb_join_initrds(struct strbuf *b, const struct xbw_entry *e);

#endif
