/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: volume descriptors (ECMA-119 8) and sessions. Everything open
 * needs to know before the first directory is read: which session, which
 * descriptors, which tree, whether Rock Ridge is there.
 */
#include "iso9660.h"

#include <stdio.h>

/* ECMA-119 8.1: volume descriptor types */
enum {
	VD_BOOT = 0,
	VD_PRIMARY = 1,
	VD_SUPPLEMENTARY = 2,
	VD_PARTITION = 3,
	VD_TERMINATOR = 255,
};

/*
 * 8.4.18: the root record is 34 bytes. Some writers put a larger length
 * there (libarchive's test_read_format_iso_3); the 34 bytes are what count.
 */
static int root_record(const uint8_t *vd, struct iso_rec *r, const char **why)
{
	uint8_t rec[34];

	memcpy(rec, vd + 156, sizeof(rec));
	if (rec[0] > 34)
		rec[0] = 34;
	return iso_rec_decode(rec, sizeof(rec), 0, r, why);
}

/*
 * Checks what we rely on in a primary or supplementary descriptor: both
 * halves of every both-endian field agree (as libarchive requires), the
 * logical block size is 2048, and the root record (8.4.18) is sane.
 */
static int vd_check(struct iso_fs *ifs, const uint8_t *vd, uint64_t block)
{
	static const struct {
		unsigned off, size;
		const char *what;
	} both[] = {
		{ 80, 4, "volume space size" },
		{ 120, 2, "volume set size" },
		{ 124, 2, "volume sequence number" },
		{ 128, 2, "logical block size" },
		{ 132, 4, "path table size" },
	};
	struct iso_rec r;
	const char *why;
	uint16_t bs;
	uint32_t v;

	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		bool ok = both[i].size == 2 ? iso_get_723(vd + both[i].off, &bs)
					    : iso_get_733(vd + both[i].off, &v);
		if (!ok)
			return fsimg_werr(&ifs->win, -EUCLEAN,
					  "volume descriptor at block %llu: "
					  "the little- and big-endian %s "
					  "disagree",
					  (unsigned long long)block,
					  both[i].what);
	}
	iso_get_723(vd + 128, &bs);
	if (bs != ISO_BLOCK)
		return fsimg_werr(&ifs->win, -EOPNOTSUPP,
				  "volume descriptor at block %llu: logical "
				  "block size %u is not supported (only 2048)",
				  (unsigned long long)block, bs);
	if (root_record(vd, &r, &why))
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "volume descriptor at block %llu: root "
				  "directory record: %s",
				  (unsigned long long)block, why);
	if (r.endian_diff || !iso_rec_is_dot(&r) || !(r.flags & ISO_FF_DIR) ||
	    r.size < ISO_DR_MIN * 2)
		return fsimg_werr(&ifs->win, -EUCLEAN,
				  "volume descriptor at block %llu: the root "
				  "directory record is not a directory of at "
				  "least two records, or its both-endian "
				  "fields disagree",
				  (unsigned long long)block);
	return 0;
}

/* 1 when a plausible primary descriptor opens a session at block start. */
static int session_at(const struct fsimg_window *w, uint64_t start,
		      uint32_t *vss, uint32_t *root)
{
	uint8_t vd[ISO_BLOCK];
	uint64_t pos = (start + 16) * ISO_BLOCK;
	uint16_t bs;
	int rc;

	if (!fsimg_window_has(w, pos, ISO_BLOCK))
		return 0;
	rc = fsimg_wread_cached(w, pos, vd, ISO_BLOCK);
	if (rc)
		return rc;
	if (!iso_vd_magic(vd) || vd[0] != VD_PRIMARY || vd[6] != 1 ||
	    !iso_get_723(vd + 128, &bs) || bs != ISO_BLOCK ||
	    !iso_get_733(vd + 80, vss) || !iso_get_733(vd + 158, root))
		return 0;
	return 1;
}

/*
 * An image file has no table of contents. Sessions are found by chaining:
 * a session's volume space size (8.4.8) ends it; mkisofs -C counts it from
 * the session's start, growisofs and libisofs from block 0, so both are
 * tried. The next session's descriptors sit 16 blocks after its start,
 * which may follow some padding (xorriso aligns to 32 blocks) or, in a
 * dump of a CD-R, the 11400 (first) or 6900 (later) blocks of lead-out,
 * lead-in and pregap. The search is bounded and must advance.
 */
static int chain_sessions(const struct fsimg_window *w, uint64_t first,
			  uint64_t *starts, uint32_t *roots, unsigned *count)
{
	static const uint64_t gaps[] = { 0, 11400, 6900 };
	uint32_t vss, root;
	unsigned n = 0;
	int rc = session_at(w, first, &vss, &root);

	if (rc <= 0)
		return rc;
	starts[n] = first;
	roots[n++] = root;
	while (n < ISO_SESSIONS_MAX) {
		uint64_t s = starts[n - 1], cand[2], next = 0;
		uint32_t nvss = 0, nroot = 0;

		cand[0] = vss > s ? vss : 0;
		cand[1] = s + vss;
		for (unsigned c = 0; c < 2 && !next; c++) {
			if (cand[c] <= s || (c == 1 && cand[1] == cand[0]))
				continue;
			for (unsigned g = 0; g < 3 && !next; g++) {
				for (uint64_t k = 0; k < 64 && !next; k++) {
					uint64_t at = cand[c] + gaps[g] + k;
					rc = session_at(w, at, &nvss, &nroot);
					if (rc < 0)
						return rc;
					if (rc)
						next = at;
				}
			}
		}
		if (!next)
			break;
		starts[n] = next;
		roots[n++] = nroot;
		vss = nvss;
	}
	*count = n;
	return 1;
}

/*
 * Which session: sbsector= names its start; otherwise session= (0-based,
 * as Linux counts) or the last one. xorriso on a plain file keeps a copy of
 * the newest session's descriptors at block 16 and the sessions from block
 * 32 on ("emulated TOC"): when the chain from 0 finds one session and a
 * chain from 32 ends with the same root, the chain from 32 is the truth.
 * A session's directories follow its descriptors, so a root at block 48
 * or before (a single session, as most images are) ends no chain from 32:
 * that chain is not read then.
 */
int iso_pick_session(struct iso_fs *ifs, bool have_sb, uint64_t sb,
		     bool have_sess, uint64_t sess)
{
	uint64_t starts[ISO_SESSIONS_MAX], s32[ISO_SESSIONS_MAX];
	uint32_t roots[ISO_SESSIONS_MAX], r32[ISO_SESSIONS_MAX];
	unsigned n = 0, n32 = 0;
	int rc;

	rc = chain_sessions(&ifs->win, 0, starts, roots, &n);
	if (rc < 0)
		return rc;
	if (rc == 0)
		n = 0;
	if (n == 1 && roots[0] > 32 + 16) {
		rc = chain_sessions(&ifs->win, 32, s32, r32, &n32);
		if (rc < 0)
			return rc;
		if (rc > 0 && r32[n32 - 1] == roots[0]) {
			memcpy(starts, s32, n32 * sizeof(*starts));
			n = n32;
		}
	}
	ifs->sessions = n;
	if (have_sb) {
		ifs->session_start = sb;
		ifs->session = UINT32_MAX;
		for (unsigned i = 0; i < n; i++)
			if (starts[i] == sb)
				ifs->session = i;
		return 0;
	}
	if (n == 0 && !fsimg_window_has(&ifs->win, 16 * ISO_BLOCK, ISO_BLOCK))
		return fsimg_werr(
			&ifs->win, -EIO,
			"the image is truncated: it ends at byte %llu, "
			"inside the volume descriptors",
			fsimg_wabs(&ifs->win, ifs->win.len));
	if (n == 0)
		return fsimg_werr(
			&ifs->win, -EUCLEAN,
			"no usable primary volume descriptor at block "
			"16");
	if (have_sess) {
		if (sess >= n)
			return fsimg_werr(&ifs->win, -EINVAL,
					  "session=%llu: the image has %u "
					  "session%s (0 to %u)",
					  (unsigned long long)sess, n,
					  n == 1 ? "" : "s", n - 1);
		ifs->session = (unsigned)sess;
	} else {
		ifs->session = n - 1;
	}
	ifs->session_start = starts[ifs->session];
	return 0;
}

static bool joliet_escape(const uint8_t *vd, unsigned *level)
{
	/* Joliet: escape sequences %/@, %/C, %/E for UCS-2 levels 1-3 */
	if (vd[88] != '%' || vd[89] != '/')
		return false;
	switch (vd[90]) {
	case '@':
		*level = 1;
		return true;
	case 'C':
		*level = 2;
		return true;
	case 'E':
		*level = 3;
		return true;
	}
	return false;
}

/* Reads the descriptor set of the session: 8.1, until the terminator. */
int iso_scan_vds(struct iso_fs *ifs, uint64_t want_svd)
{
	uint8_t vd[ISO_BLOCK];
	bool pvd = false;

	for (unsigned i = 0; i < ISO_VD_MAX; i++) {
		uint64_t block = ifs->session_start + 16 + i;
		unsigned level;
		int rc;

		if (!fsimg_window_has(&ifs->win, block * ISO_BLOCK, ISO_BLOCK))
			break;
		rc = fsimg_wread_cached(&ifs->win, block * ISO_BLOCK, vd,
					ISO_BLOCK);
		if (rc)
			return fsimg_werr(&ifs->win, rc,
					  "volume descriptor at block %llu: %s",
					  (unsigned long long)block,
					  strerror(-rc));
		if (!iso_vd_magic(vd))
			break;
		ISO_DBG("VD type %u at block %llu", vd[0],
			(unsigned long long)block);
		if (vd[0] == VD_TERMINATOR)
			break;
		if (vd[0] == VD_PRIMARY && !pvd) {
			rc = vd_check(ifs, vd, block);
			if (rc)
				return rc;
			memcpy(ifs->pvd, vd, ISO_BLOCK);
			pvd = true;
		} else if (vd[0] == VD_BOOT && !ifs->have_boot &&
			   !memcmp(vd + 7, "EL TORITO SPECIFICATION", 23)) {
			/* El Torito 2.0: catalog pointer at byte 0x47 */
			ifs->have_boot = true;
			ifs->boot_catalog = get_le32(vd + 0x47);
		} else if (vd[0] == VD_SUPPLEMENTARY &&
			   joliet_escape(vd, &level)) {
			if (ifs->joliet_count++ != want_svd)
				continue;
			if (vd_check(ifs, vd, block)) {
				ISO_DBG("Joliet VD at %llu unusable",
					(unsigned long long)block);
				continue;
			}
			memcpy(ifs->svd, vd, ISO_BLOCK);
			ifs->have_joliet = true;
			ifs->joliet_level = level;
		}
	}
	if (!pvd)
		return fsimg_werr(
			&ifs->win, -EUCLEAN,
			"no primary volume descriptor in the "
			"descriptor set at block %llu",
			(unsigned long long)(ifs->session_start + 16));
	return 0;
}

/* The root of a tree: where the descriptor's root record points. */
int iso_root_of(struct iso_fs *ifs, const uint8_t *vd, uint64_t *root)
{
	struct iso_rec vr, dot;
	const char *why;

	root_record(vd, &vr, &why);
	*root = iso_rec_data(&vr);
	return iso_dot_check(ifs, *root, &dot);
}

/*
 * A Rock Ridge image rarely needs its Joliet tree: only a caller that asks
 * about it reads its root (one more read on a cold start otherwise).
 */
bool iso_joliet(struct iso_fs *ifs)
{
	bool usable;

	if (!ifs->have_joliet)
		return false;
	pthread_mutex_lock(&ifs->lock);
	if (!ifs->joliet_root_ok) {
		ifs->joliet_root_ok =
			iso_root_of(ifs, ifs->svd, &ifs->joliet_root) ? -1 : 1;
		if (ifs->joliet_root_ok < 0)
			ISO_DBG("Joliet tree unusable");
	}
	usable = ifs->joliet_root_ok > 0;
	pthread_mutex_unlock(&ifs->lock);
	return usable;
}

/* SUSP 5.3 and RRIP 4.3: the root's "." record says whether RR is here. */
int iso_detect_rr(struct iso_fs *ifs)
{
	struct iso_rec dot;
	struct iso_rr rr;
	int rc = iso_rec_read(ifs, ifs->pvd_root, &dot);

	if (rc)
		return rc;
	iso_rr_init(&rr, NULL, 0);
	ifs->susp_skip = 0;
	rc = iso_rr_parse(ifs, &dot, 0, true, &rr);
	if (rc)
		return rc;
	if (rr.have & ISO_RR_SP)
		ifs->susp_skip = rr.sp_skip;
	if (rr.have & ISO_RR_ER)
		snprintf(ifs->rr_id, sizeof(ifs->rr_id), "%s", rr.er_id);
	ifs->rr_present = (rr.have & (ISO_RR_ANY | ISO_RR_ER)) != 0;
	ISO_DBG("Rock Ridge: %s (SP %s, skip %u, ER '%s')",
		ifs->rr_present ? "yes" : "no",
		(rr.have & ISO_RR_SP) ? "yes" : "no", ifs->susp_skip,
		ifs->rr_id);
	return 0;
}
