/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: the System Use Sharing Protocol (SUSP 1.12) and the Rock Ridge
 * Interchange Protocol (RRIP 1.12) entries of a directory record.
 *
 * The System Use area of a record (ECMA-119 9.1.13) holds a sequence of
 * entries: two signature bytes, a length byte (the whole entry), a version
 * byte, then data (SUSP 4.1). An area may end in a CE entry naming a
 * continuation area elsewhere (SUSP 5.1), which can in turn name another.
 * Everything here is image data: each entry's length is checked against
 * what is left of its area before any field is read, a malformed entry ends
 * the walk of its area, and the continuation chain is bounded both by a hop
 * limit and by remembering where it has been.
 */
#include "iso9660.h"

#include <stddef.h>

#include <stdio.h>
#include <sys/stat.h>

void iso_rr_init(struct iso_rr *rr, char *link, size_t link_room)
{
	/* every field but the name buffer: a scan inits one per record */
	memset(rr, 0, offsetof(struct iso_rr, name));
	rr->name[0] = '\0';
	memset((char *)rr + offsetof(struct iso_rr, name_len), 0,
	       sizeof(*rr) - offsetof(struct iso_rr, name_len));
	rr->link = link;
	rr->link_room = link_room;
	if (link && link_room)
		link[0] = '\0';
}

void iso_rr_init_name(struct iso_rr *rr, const char *match, size_t len)
{
	rr->have = 0;
	rr->name[0] = '\0';
	rr->name_len = 0;
	rr->name_truncated = rr->name_cur = rr->name_parent = false;
	rr->nm_done = false;
	rr->match = match;
	rr->match_len = len;
	rr->mismatch = false;
}

/*
 * NM compared in place. A name that would be cut (past ISO_NAME_MAX) is
 * marked truncated and no longer compared: its cut form is left to a
 * whole decoding.
 */
static void nm_compare(struct iso_rr *rr, const uint8_t *p, size_t n)
{
	const char *m = rr->match + rr->name_len;

	if (rr->mismatch || rr->name_truncated)
		return;
	if (n > ISO_NAME_MAX - rr->name_len) {
		rr->name_truncated = true;
		return;
	}
	if (n > rr->match_len - rr->name_len) {
		rr->mismatch = true;
		return;
	}
	/* names in one directory differ within a few bytes: no call */
	for (size_t i = 0; i < n; i++) {
		if (p[i] != (uint8_t)m[i]) {
			rr->mismatch = true;
			return;
		}
	}
	rr->name_len += n;
}

/* Appends to the NM name, cutting at a UTF-8 boundary when it overflows. */
static void nm_append(struct iso_rr *rr, const uint8_t *p, size_t n)
{
	size_t room = ISO_NAME_MAX - rr->name_len;

	if (n > room) {
		n = room;
		/* do not split a multi-byte character */
		while (n > 0 && (p[n] & 0xC0) == 0x80)
			n--;
		rr->name_truncated = true;
	}
	memcpy(rr->name + rr->name_len, p, n);
	rr->name_len += n;
	rr->name[rr->name_len] = '\0';
}

/* RRIP 4.1.4: NM, possibly continued over several entries. */
static void parse_nm(struct iso_rr *rr, const uint8_t *e, size_t len)
{
	uint8_t flags = e[4];

	if (rr->nm_done)
		return;
	if (flags & 0x02)
		rr->name_cur = true;
	else if (flags & 0x04)
		rr->name_parent = true;
	else if (rr->match)
		nm_compare(rr, e + 5, len - 5);
	else if (!rr->name_truncated)
		nm_append(rr, e + 5, len - 5);
	rr->have |= ISO_RR_NM;
	if (!(flags & 0x01))
		rr->nm_done = true;
}

static void sl_put(struct iso_rr *rr, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rr->link && rr->link_len + 1 < rr->link_room) {
			rr->link[rr->link_len] = s[i];
			rr->link[rr->link_len + 1] = '\0';
		}
		/* counted even when it no longer fits: readlink says so */
		if (rr->link_len < SIZE_MAX / 2)
			rr->link_len++;
	}
}

/*
 * RRIP 4.1.3.1: SL. Component records: flags, length, content. CURRENT,
 * PARENT and ROOT components have no content; a component with CONTINUE
 * goes on in the next component record, which may be in the next SL entry.
 * Separators go between complete components only.
 */
static void parse_sl(struct iso_rr *rr, const uint8_t *e, size_t len)
{
	size_t off = 5;

	if (rr->sl_done)
		return;
	rr->have |= ISO_RR_SL;
	while (off + 2 <= len) {
		uint8_t cflags = e[off], clen = e[off + 1];

		if (clen > len - off - 2) {
			rr->sl_bad = "a component runs past its SL entry";
			break;
		}
		if (memchr(e + off + 2, 0, clen))
			rr->sl_bad = "a component holds a NUL byte";
		/*
		 * A separator follows every complete component but ROOT,
		 * whose own "/" is one (so ROOT after a component gives
		 * "//", as Linux and libarchive read it).
		 */
		if (rr->sl_need_sep)
			sl_put(rr, "/", 1);
		if (cflags & 0x08) {
			sl_put(rr, "/", 1);
			rr->sl_need_sep = false;
		} else {
			if (cflags & 0x02)
				sl_put(rr, ".", 1);
			else if (cflags & 0x04)
				sl_put(rr, "..", 2);
			else if (!(cflags & 0x30)) /* VOLROOT, HOST: nothing */
				sl_put(rr, (const char *)e + off + 2, clen);
			rr->sl_need_sep = !(cflags & 0x01);
		}
		off += 2u + clen;
	}
	if (!(e[4] & 0x01))
		rr->sl_done = true;
}

/* RRIP 4.1.6: TF, stamps in the order of their flag bits. */
static void parse_tf(struct iso_rr *rr, const uint8_t *e, size_t len)
{
	uint8_t flags = e[4];
	size_t sz = (flags & 0x80) ? 17 : 7, off = 5;
	struct timespec *dst[] = { &rr->btime, &rr->mtime, &rr->atime,
				   &rr->ctime };

	rr->have |= ISO_RR_TF;
	for (unsigned bit = 0; bit < 7; bit++) {
		struct timespec ts;
		bool ok;

		if (!(flags & (1u << bit)))
			continue;
		if (off + sz > len)
			break;
		ok = sz == 17 ? iso_time17(e + off, &ts)
			      : iso_time7(e + off, &ts);
		if (bit < 4 && ok) {
			*dst[bit] = ts;
			rr->tf |= 1u << bit;
		}
		off += sz;
	}
}

/*
 * zisofs (RRIP extension by H. Peter Anvin) and zisofs2 (libisofs
 * doc/zisofs2_format.txt). A ZF entry whose fields are out of range is
 * ignored, so the file reads as what is stored (as libarchive does).
 */
static void parse_zf(struct iso_rr *rr, const uint8_t *e, size_t len)
{
	uint8_t ver = e[3], div4, log2;

	if (len < 16)
		return;
	div4 = e[6];
	log2 = e[7];
	if (ver == 1 && e[0] == 'Z' && e[1] == 'F') {
		if (e[4] != 'p' || e[5] != 'z' || div4 != 4 || log2 < 15 ||
		    log2 > 17)
			return;
		rr->zf_size = get_le32(e + 8);
	} else if (ver == 2) {
		if (div4 != 6 || log2 < 15 || log2 > 20)
			return;
		rr->zf_size = get_le64(e + 8);
	} else {
		return;
	}
	rr->zf_version = ver;
	rr->zf_alg[0] = e[4];
	rr->zf_alg[1] = e[5];
	rr->zf_hdr_div4 = div4;
	rr->zf_log2 = log2;
	rr->have |= ISO_RR_ZF;
}

#define SIG(a, b) ((unsigned)(a) << 8 | (unsigned)(b))

int iso_susp_area(const uint8_t *p, size_t len, unsigned want,
		  struct iso_rr *rr, uint64_t *ce_block, uint32_t *ce_off,
		  uint32_t *ce_len)
{
	size_t off = 0;
	int ce = 0;

	/* SUSP 4.1: at least the 4-byte header must fit */
	while (off + 4 <= len) {
		const uint8_t *e = p + off;
		size_t elen = e[2];
		uint32_t v;

		if (elen < 4 || elen > len - off)
			break; /* malformed: the rest of the area is unusable */
		if ((want & ISO_RRW_NAME_ONLY) &&
		    SIG(e[0], e[1]) != SIG('N', 'M') &&
		    SIG(e[0], e[1]) != SIG('C', 'E') &&
		    SIG(e[0], e[1]) != SIG('S', 'T')) {
			off += elen;
			continue;
		}
		switch (SIG(e[0], e[1])) {
		case SIG('S', 'T'): /* SUSP 5.4: end of the area */
			return ce;
		case SIG('C', 'E'): /* SUSP 5.1 */
			if (elen >= 28) {
				iso_get_733(e + 4, &v);
				*ce_block = v;
				iso_get_733(e + 12, ce_off);
				iso_get_733(e + 20, ce_len);
				ce = 1;
			}
			break;
		case SIG('S', 'P'): /* SUSP 5.3 */
			if (elen >= 7 && e[4] == 0xBE && e[5] == 0xEF) {
				rr->have |= ISO_RR_SP;
				rr->sp_skip = e[6];
			}
			break;
		case SIG('E', 'R'): /* SUSP 5.5 */
			if (elen >= 8 && !(rr->have & ISO_RR_ER) &&
			    8u + e[4] + e[5] + e[6] <= elen) {
				size_t n = e[4];
				if (n >= sizeof(rr->er_id))
					n = sizeof(rr->er_id) - 1;
				memcpy(rr->er_id, e + 8, n);
				rr->er_id[n] = '\0';
				rr->have |= ISO_RR_ER;
			}
			break;
		case SIG('R', 'R'): /* RRIP 1.09 flags: informative */
			rr->have |= ISO_RR_ANY;
			break;
		case SIG('P', 'X'): /* RRIP 4.1.1 */
			if (elen >= 36) {
				iso_get_733(e + 4, &rr->mode);
				iso_get_733(e + 12, &rr->nlink);
				iso_get_733(e + 20, &rr->uid);
				iso_get_733(e + 28, &rr->gid);
				if (elen >= 44) {
					iso_get_733(e + 36, &v);
					rr->serial = v;
				}
				rr->have |= ISO_RR_PX | ISO_RR_ANY;
			}
			break;
		case SIG('P', 'N'): /* RRIP 4.1.2 */
			if (elen >= 20) {
				uint32_t high, low;
				iso_get_733(e + 4, &high);
				iso_get_733(e + 12, &low);
				/*
				 * As Linux reads it: a writer with a 32-bit
				 * dev_t may have put the whole number in the
				 * low word, major in bits 8 and up.
				 */
				if ((low & ~0xffu) && high == 0) {
					rr->dev_major = low >> 8;
					rr->dev_minor = low & 0xff;
				} else {
					rr->dev_major = high;
					rr->dev_minor = low;
				}
				rr->have |= ISO_RR_PN | ISO_RR_ANY;
			}
			break;
		case SIG('S', 'L'):
			if (elen >= 5) {
				parse_sl(rr, e, elen);
				rr->have |= ISO_RR_ANY;
			}
			break;
		case SIG('N', 'M'):
			if (elen >= 5 && (want & ISO_RRW_NAME))
				parse_nm(rr, e, elen);
			rr->have |= ISO_RR_ANY;
			break;
		case SIG('C', 'L'): /* RRIP 4.1.5.1 */
			if (elen >= 12) {
				iso_get_733(e + 4, &rr->cl);
				rr->have |= ISO_RR_CL | ISO_RR_ANY;
			}
			break;
		case SIG('P', 'L'): /* RRIP 4.1.5.2 */
			if (elen >= 12) {
				iso_get_733(e + 4, &rr->pl);
				rr->have |= ISO_RR_PL | ISO_RR_ANY;
			}
			break;
		case SIG('R', 'E'): /* RRIP 4.1.5.3 */
			rr->have |= ISO_RR_RE | ISO_RR_ANY;
			break;
		case SIG('T', 'F'):
			if (elen >= 5 && (want & ISO_RRW_TIMES)) {
				parse_tf(rr, e, elen);
				rr->have |= ISO_RR_ANY;
			} else if (elen >= 5) {
				rr->have |= ISO_RR_ANY;
			}
			break;
		case SIG('Z', 'F'):
		case SIG('Z', '2'):
			parse_zf(rr, e, elen);
			break;
		default: /* PD, ES, SF, AA, AL, ...: not ours */
			break;
		}
		off += elen;
	}
	return ce;
}

int iso_rr_parse(struct iso_fs *ifs, const struct iso_rec *r, unsigned want,
		 bool at_root_dot, struct iso_rr *rr)
{
	return iso_rr_parse_su(ifs, r->raw + r->su_off, r->su_len, r->pos, want,
			       at_root_dot, rr);
}

int iso_rr_parse_su(struct iso_fs *ifs, const uint8_t *area, size_t len,
		    uint64_t rec_pos, unsigned want, bool at_root_dot,
		    struct iso_rr *rr)
{
	uint8_t buf[ISO_BLOCK];
	uint64_t seen[ISO_CE_MAX];
	size_t skip = at_root_dot ? 0 : ifs->susp_skip;
	unsigned hops = 0;

	if (len <= skip)
		return 0;
	area += skip;
	len -= skip;
	for (;;) {
		uint64_t ce_block = 0, pos;
		uint32_t ce_off = 0, ce_len = 0;
		int rc;

		if (!iso_susp_area(area, len, want, rr, &ce_block, &ce_off,
				   &ce_len))
			return 0;
		if (ce_len == 0)
			return 0;
		if (hops == ISO_CE_MAX)
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "directory record at byte %llu: more "
					  "than %u SUSP continuation areas",
					  fsimg_wabs(&ifs->win, rec_pos),
					  ISO_CE_MAX);
		/*
		 * SUSP 5.1 puts a continuation area inside one block, but
		 * NetBSD makefs packs them one after another across block
		 * boundaries (offsets past 2048). Any area of at most one
		 * block's size inside the image is read.
		 */
		if (ce_len > ISO_BLOCK ||
		    ckd_mul(&pos, ce_block, (uint64_t)ISO_BLOCK) ||
		    ckd_add(&pos, pos, ce_off))
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "directory record at byte %llu: SUSP "
					  "continuation area of %u bytes at "
					  "block %llu offset %u is invalid",
					  fsimg_wabs(&ifs->win, rec_pos),
					  ce_len, (unsigned long long)ce_block,
					  ce_off);
		for (unsigned i = 0; i < hops; i++)
			if (seen[i] == pos)
				return fsimg_werr(
					&ifs->win, -EUCLEAN,
					"directory record at byte %llu: SUSP "
					"continuation areas loop back to "
					"block %llu offset %u",
					fsimg_wabs(&ifs->win, rec_pos),
					(unsigned long long)ce_block, ce_off);
		seen[hops++] = pos;
		rc = fsimg_wread_cached(&ifs->win, pos, buf, ce_len);
		if (rc)
			return fsimg_werr(&ifs->win, rc,
					  "directory record at byte %llu: SUSP "
					  "continuation area at block %llu "
					  "cannot be read: %s",
					  fsimg_wabs(&ifs->win, rec_pos),
					  (unsigned long long)ce_block,
					  strerror(-rc));
		area = buf;
		len = ce_len;
	}
}
