/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the confined reader of "fsimg get" tells the writer (getwire.c).
 *
 * One way, reader to writer, over a pipe: a stream of messages, each an
 * 8-byte header (type, payload length, little-endian) and its payload.
 * The writer trusts none of it: gw_read() checks the framing and the shape
 * of every message, and the writer (get.c) checks the order and every
 * name before it creates anything.
 *
 *   TOTAL  u64 bytes              once, first, only with a progress bar
 *   ENTRY  wire_stat, name, path, [symlink target]
 *          a directory is followed by its entries and then LEAVE;
 *          a regular file by DATA* and then EOF
 *   DATA   u64 offset, bytes      of the last regular file, in any order
 *   EOF    u32 complete (1) or not (0)
 *   LEAVE                         the last directory entered is done
 *   MSG    text                   a diagnostic, printed by the writer
 */
#ifndef FSIMG_CLI_GETWIRE_H
#define FSIMG_CLI_GETWIRE_H

#include "fsimg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gw_type {
	GW_TOTAL = 1,
	GW_ENTRY,
	GW_DATA,
	GW_EOF,
	GW_LEAVE,
	GW_MSG,
};

#define GW_HDR	       8u
#define GW_MAX_DATA    (256u << 10) /* DATA payload, past its offset */
#define GW_MAX_NAME    255u	    /* a host file name (NAME_MAX) */
#define GW_MAX_PATH    4096u	    /* image paths (messages), link targets */
#define GW_MAX_MSG     4096u
#define GW_MAX_PAYLOAD (GW_MAX_DATA + 8u)

struct gw_msg {
	enum gw_type type;
	/* ENTRY: the stat (ino, mode, nlink, uid, gid, rdev, size, times) */
	struct fsimg_stat st;
	/* ENTRY: NUL-terminated, pointing into the reader's buffer */
	const char *name, *path, *target; /* target: symlinks only */
	/* TOTAL: bytes; DATA: offset; EOF: 1 complete, 0 not */
	uint64_t value;
	/* DATA bytes, MSG text (NUL-terminated) */
	const char *data;
	size_t len;
};

/* --- the reader's side: 0 or -errno (EPIPE: the writer has gone) ------ */

int gw_send_total(int fd, uint64_t total);
int gw_send_entry(int fd, const char *name, const char *path,
		  const struct fsimg_stat *st, const char *target);
int gw_send_data(int fd, uint64_t off, const void *buf, size_t len);
int gw_send_eof(int fd, bool complete);
int gw_send_leave(int fd);
int gw_send_msg(int fd, const char *text);
/*
 * Small messages are held back and sent together: the reader flushes fd
 * before it exits. MSG and messages too big to hold flush on their own.
 */
int gw_flush(int fd);

/* --- the writer's side ------------------------------------------------- */

struct gw_reader {
	int fd;
	unsigned char *buf; /* a message's payload, then its strings */
	/*
	 * Read ahead from fd: one read(2) brings all the messages the pipe
	 * holds, not one header or payload each.
	 */
	unsigned char *ahead;
	size_t pos, len;
};

/* 0 or -ENOMEM. */
int gw_reader_init(struct gw_reader *r, int fd);
void gw_reader_free(struct gw_reader *r);

/*
 * Reads the next message into m (valid until the next call). Returns 1,
 * 0 at the end of the stream (between two messages), or -1 with what was
 * wrong in err: a short message, an unknown type, a length out of bounds,
 * a name that is empty or holds a NUL, a DATA range past 2^63.
 */
int gw_read(struct gw_reader *r, struct gw_msg *m, char *err, size_t errlen);

#endif
