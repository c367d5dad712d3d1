/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LVM2 metadata text: a bounded recursive-descent parser and the volume
 * group read from its tree.
 *
 * The text (LVM2 lib/format_text/export.c writes it, import_vsn1.c reads
 * it; lib/config/config.c is its grammar) is a list of items: either
 * `name { items }`, a section, or `name = value`, where a value is a
 * quoted string ("\" and \\ escaped), an integer, or an array
 * `[ value, ... ]` of strings and integers. `#` starts a comment to the end
 * of the line. The volume group is the one top-level section:
 *
 *   vg0 { id = "..." seqno = 3 extent_size = 8192
 *         physical_volumes { pv0 { id = "..." pe_start = 2048
 *                                  pe_count = 255 } }
 *         logical_volumes { root { status = ["READ", "WRITE", "VISIBLE"]
 *                                  segment_count = 1
 *                                  segment1 { start_extent = 0
 *                                      extent_count = 64 type = "striped"
 *                                      stripe_count = 1
 *                                      stripes = [ "pv0", 0 ] } } } }
 *
 * Everything is bounded: nesting (FSIMG_LVM_DEPTH_MAX), tree entries
 * (FSIMG_LVM_NODES_MAX), one string (FSIMG_LVM_STR_MAX), and what the
 * VG may hold (PVs, LVs, segments, stripes). A text that exceeds a bound
 * is refused with a message naming it; nothing grows with what the image
 * claims beyond those.
 */
#include "lvm2.h"

#include <stdio.h>
#include <stdlib.h>

#define STRIPES_TOTAL_MAX (4u * FSIMG_LVM_SEG_MAX)

enum nkind { N_SECTION, N_STRING, N_NUMBER, N_ARRAY };

struct node {
	enum nkind kind;
	const char *key; /* in the text; NULL for an array element */
	uint32_t key_len;
	const char *str; /* N_STRING: decoded, NUL-terminated, in the arena */
	uint32_t str_len;
	uint64_t num;  /* N_NUMBER */
	bool neg;      /* N_NUMBER below zero */
	int32_t child; /* first child (section, array), -1 none */
	int32_t next;  /* next sibling, -1 none */
	unsigned line; /* for messages */
};

struct parser {
	fsimg_image *img;
	const char *where;
	const char *p, *end;
	unsigned line;
	struct node *n;
	uint32_t nn, cap;
	char *arena; /* decoded strings; never longer than the text */
	size_t arena_used;
};

static int perr(struct parser *ps, const char *what)
{
	return fsimg_err(ps->img, -EUCLEAN, "%s: line %u: %s", ps->where,
			 ps->line, what);
}

static int new_node(struct parser *ps, enum nkind kind, int32_t *idx)
{
	if (ps->nn >= FSIMG_LVM_NODES_MAX)
		return fsimg_err(ps->img, -EUCLEAN,
				 "%s: line %u: more than %u entries", ps->where,
				 ps->line, FSIMG_LVM_NODES_MAX);
	if (ps->nn == ps->cap) {
		uint32_t cap = ps->cap ? ps->cap * 2 : 256;
		struct node *n;

		if (cap > FSIMG_LVM_NODES_MAX)
			cap = FSIMG_LVM_NODES_MAX;
		n = realloc(ps->n, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		ps->n = n;
		ps->cap = cap;
	}
	*idx = (int32_t)ps->nn;
	ps->n[ps->nn++] = (struct node){
		.kind = kind, .child = -1, .next = -1, .line = ps->line
	};
	return 0;
}

/* Skips blanks and comments; stops at a NUL (the text ends there). */
static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n') {
			ps->line++;
			ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
			   c == '\v') {
			ps->p++;
		} else if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
	if (ps->p < ps->end && *ps->p == '\0')
		ps->end = ps->p;
}

static bool name_char(char c)
{
	/* LVM's names: letters, digits, + _ . - (never /) */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == '+';
}

static int parse_string(struct parser *ps, int32_t *idx)
{
	char *out = ps->arena + ps->arena_used;
	size_t len = 0;
	int rc;

	ps->p++; /* the opening quote */
	for (;;) {
		char c;

		if (ps->p >= ps->end || *ps->p == '\0')
			return perr(ps, "unterminated string");
		c = *ps->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (ps->p >= ps->end || *ps->p == '\0')
				return perr(ps, "unterminated string");
			c = *ps->p++;
		}
		if (c == '\n')
			ps->line++;
		if (len >= FSIMG_LVM_STR_MAX)
			return perr(ps, "string longer than 4096 bytes");
		out[len++] = c;
	}
	out[len] = '\0';
	rc = new_node(ps, N_STRING, idx);
	if (rc)
		return rc;
	ps->n[*idx].str = out;
	ps->n[*idx].str_len = (uint32_t)len;
	ps->arena_used += len + 1;
	return 0;
}

static int parse_number(struct parser *ps, int32_t *idx)
{
	uint64_t v = 0;
	bool neg = false, any = false;
	int rc;

	if (*ps->p == '-' || *ps->p == '+') {
		neg = *ps->p == '-';
		ps->p++;
	}
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		if (ckd_mul(&v, v, 10u) ||
		    ckd_add(&v, v, (uint64_t)(*ps->p - '0')))
			return perr(ps, "number out of range");
		ps->p++;
		any = true;
	}
	if (!any || (ps->p < ps->end && (name_char(*ps->p) || *ps->p == '.')))
		return perr(ps, "malformed number");
	rc = new_node(ps, N_NUMBER, idx);
	if (rc)
		return rc;
	ps->n[*idx].num = v;
	ps->n[*idx].neg = neg && v;
	return 0;
}

static int parse_scalar(struct parser *ps, int32_t *idx)
{
	char c = *ps->p;

	if (c == '"')
		return parse_string(ps, idx);
	if ((c >= '0' && c <= '9') || c == '-' || c == '+')
		return parse_number(ps, idx);
	return perr(ps, "expected a string or a number");
}

static int parse_value(struct parser *ps, unsigned depth, int32_t *idx)
{
	int32_t last = -1, el;
	int rc;

	skip_space(ps);
	if (ps->p >= ps->end)
		return perr(ps, "value missing at the end of the text");
	if (*ps->p != '[')
		return parse_scalar(ps, idx);
	if (depth + 1 > FSIMG_LVM_DEPTH_MAX)
		return perr(ps, "nested more than 16 deep");
	rc = new_node(ps, N_ARRAY, idx);
	if (rc)
		return rc;
	ps->p++;
	for (;;) {
		skip_space(ps);
		if (ps->p >= ps->end)
			return perr(ps, "unterminated array");
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (*ps->p == '[')
			return perr(ps, "nested arrays are not allowed");
		rc = parse_scalar(ps, &el);
		if (rc)
			return rc;
		if (last < 0)
			ps->n[*idx].child = el;
		else
			ps->n[last].next = el;
		last = el;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',')
			ps->p++;
		else if (ps->p < ps->end && *ps->p != ']')
			return perr(ps, "expected , or ] in an array");
	}
}

/* Items up to '}' (depth > 0) or the end of the text (depth 0). */
static int parse_items(struct parser *ps, unsigned depth, int32_t *first)
{
	int32_t last = -1, idx;
	int rc;

	*first = -1;
	for (;;) {
		const char *key;
		uint32_t key_len;
		unsigned line;

		skip_space(ps);
		if (ps->p >= ps->end) {
			if (depth)
				return perr(ps, "section not closed with }");
			return 0;
		}
		if (*ps->p == '}') {
			if (!depth)
				return perr(ps, "} without a section");
			ps->p++;
			return 0;
		}
		if (!name_char(*ps->p))
			return perr(ps, "expected a name");
		key = ps->p;
		while (ps->p < ps->end && name_char(*ps->p))
			ps->p++;
		if (ps->p - key >= (ptrdiff_t)FSIMG_LVM_NAME_MAX)
			return perr(ps, "name longer than 127 bytes");
		key_len = (uint32_t)(ps->p - key);
		line = ps->line;
		skip_space(ps);
		if (ps->p >= ps->end)
			return perr(ps, "name without a value");
		if (*ps->p == '{') {
			int32_t kids;

			if (depth + 1 > FSIMG_LVM_DEPTH_MAX)
				return perr(ps, "nested more than 16 deep");
			ps->p++;
			rc = new_node(ps, N_SECTION, &idx);
			if (rc)
				return rc;
			rc = parse_items(ps, depth + 1, &kids);
			if (rc)
				return rc;
			ps->n[idx].child = kids;
		} else if (*ps->p == '=') {
			ps->p++;
			rc = parse_value(ps, depth, &idx);
			if (rc)
				return rc;
		} else {
			return perr(ps, "expected = or { after a name");
		}
		ps->n[idx].key = key;
		ps->n[idx].key_len = key_len;
		ps->n[idx].line = line;
		if (last < 0)
			*first = idx;
		else
			ps->n[last].next = idx;
		last = idx;
	}
}

#define lv_bad(lv, ...) lv_bad_err(lv, -EUCLEAN, __VA_ARGS__)

/* --- the tree ---------------------------------------------------------- */

static bool key_is(const struct node *n, const char *k)
{
	return n->key && strlen(k) == n->key_len &&
	       !memcmp(n->key, k, n->key_len);
}

static const struct node *child(const struct parser *ps, const struct node *s,
				const char *k)
{
	for (int32_t i = s->child; i >= 0; i = ps->n[i].next)
		if (key_is(&ps->n[i], k))
			return &ps->n[i];
	return NULL;
}

static bool get_num(const struct parser *ps, const struct node *s,
		    const char *k, uint64_t *v)
{
	const struct node *n = child(ps, s, k);

	if (!n || n->kind != N_NUMBER || n->neg)
		return false;
	*v = n->num;
	return true;
}

static const char *get_str(const struct parser *ps, const struct node *s,
			   const char *k)
{
	const struct node *n = child(ps, s, k);

	return n && n->kind == N_STRING ? n->str : NULL;
}

static bool array_has(const struct parser *ps, const struct node *s,
		      const char *k, const char *flag)
{
	const struct node *a = child(ps, s, k);

	if (!a || a->kind != N_ARRAY)
		return false;
	for (int32_t i = a->child; i >= 0; i = ps->n[i].next)
		if (ps->n[i].kind == N_STRING && !strcmp(ps->n[i].str, flag))
			return true;
	return false;
}

static void copy_key(char *dst, const struct node *n)
{
	memcpy(dst, n->key, n->key_len); /* key_len < FSIMG_LVM_NAME_MAX */
	dst[n->key_len] = '\0';
}

/* An LVM UUID ("xxxxxx-xxxx-...", 32 alphanumerics) without its dashes. */
static bool uuid_strip(const char *id, char out[33])
{
	unsigned n = 0;

	if (!id)
		return false;
	for (; *id; id++) {
		if (*id == '-')
			continue;
		/* LVM's UUID characters (lib/uuid/uuid.c) */
		if (n == 32 ||
		    !((*id >= '0' && *id <= '9') ||
		      (*id >= 'a' && *id <= 'z') ||
		      (*id >= 'A' && *id <= 'Z') || *id == '!' || *id == '#'))
			return false;
		out[n++] = *id;
	}
	out[n] = '\0';
	return n == 32;
}

static void lv_bad_err(struct fsimg_lvm_lv *lv, int err, const char *fmt, ...)
	FSIMG_PRINTF(3, 4);
static void lv_bad_err(struct fsimg_lvm_lv *lv, int err, const char *fmt, ...)
{
	va_list ap;

	if (lv->unreadable[0]) /* the first reason stays */
		return;
	lv->unreadable_err = err;
	va_start(ap, fmt);
	vsnprintf(lv->unreadable, sizeof(lv->unreadable), fmt, ap);
	va_end(ap);
}

static const char *type_reason(const char *type)
{
	static const struct {
		const char *prefix, *why;
	} t[] = {
		{ "thin", "thin volumes are not read" },
		{ "raid", "RAID volumes are not read" },
		{ "mirror", "mirrored volumes are not read" },
		{ "cache", "cached volumes are not read" },
		{ "writecache", "cached volumes are not read" },
		{ "snapshot", "snapshots are not read" },
		{ "vdo", "VDO volumes are not read" },
		{ "integrity", "integrity volumes are not read" },
		{ "error", "an error segment has no data" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strncmp(type, t[i].prefix, strlen(t[i].prefix)))
			return t[i].why;
	return NULL;
}

static int pv_by_name(const struct fsimg_lvm_vg *vg, const char *name)
{
	for (unsigned i = 0; i < vg->npv; i++)
		if (!strcmp(vg->pv[i].name, name))
			return (int)i;
	return -1;
}

static int vgerr(struct parser *ps, const struct node *n, const char *what)
{
	return fsimg_err(ps->img, -EUCLEAN, "%s: line %u: %s", ps->where,
			 n ? n->line : ps->line, what);
}

/* A segment of lv: its type, stripes, and whether it can be read. */
static int read_segment(struct parser *ps, struct fsimg_lvm_vg *vg,
			struct fsimg_lvm_lv *lv, const struct node *sn,
			unsigned segno)
{
	struct fsimg_lvm_seg *sg = &vg->seg[vg->nseg++];
	const char *type = get_str(ps, sn, "type");
	const struct node *a;
	uint64_t sc = 0, per;
	char name[FSIMG_LVM_NAME_MAX];

	copy_key(name, sn);
	sg->first_stripe = vg->nstripe;
	if (!get_num(ps, sn, "start_extent", &sg->start_extent) ||
	    !get_num(ps, sn, "extent_count", &sg->extent_count) || !type) {
		lv_bad(lv, "%s lacks start_extent, extent_count or type", name);
		return 0;
	}
	fsimg_strcpy_trunc(sg->type, sizeof(sg->type), type);
	if (!strcmp(type, "zero"))
		return 0;
	if (strcmp(type, "striped")) {
		const char *why = type_reason(type);

		if (why)
			lv_bad_err(lv, -EOPNOTSUPP, "%s", why);
		else
			lv_bad_err(lv, -EOPNOTSUPP,
				   "segment type \"%.32s\" is not read", type);
		return 0;
	}
	if (!get_num(ps, sn, "stripe_count", &sc) || sc == 0 ||
	    sc > FSIMG_LVM_STRIPE_MAX) {
		lv_bad(lv, "%s: stripe_count missing or not in 1..%u", name,
		       FSIMG_LVM_STRIPE_MAX);
		return 0;
	}
	if (sc > 1 &&
	    (!get_num(ps, sn, "stripe_size", &sg->stripe_size) ||
	     sg->stripe_size == 0 || sg->stripe_size > (UINT64_MAX >> 9))) {
		lv_bad(lv, "%s: stripe_size missing or zero", name);
		return 0;
	}
	if (sg->extent_count % sc) {
		lv_bad(lv, "%s: %llu extents do not divide into %u stripes",
		       name, (unsigned long long)sg->extent_count,
		       (unsigned)sc);
		return 0;
	}
	per = sg->extent_count / sc;
	a = child(ps, sn, "stripes");
	if (!a || a->kind != N_ARRAY) {
		lv_bad(lv, "%s has no stripes", name);
		return 0;
	}
	if (vg->nstripe + sc > STRIPES_TOTAL_MAX)
		return vgerr(ps, sn, "more than 4096 stripes in all");
	{
		int32_t i = a->child;
		unsigned k;

		for (k = 0; k < sc && i >= 0; k++) {
			const struct node *pn = &ps->n[i];
			const struct node *en =
				pn->next >= 0 ? &ps->n[pn->next] : NULL;
			struct fsimg_lvm_stripe *st = &vg->stripe[vg->nstripe];
			uint64_t end;
			int pv;

			if (pn->kind != N_STRING || !en ||
			    en->kind != N_NUMBER || en->neg) {
				lv_bad(lv,
				       "%s: stripes are not \"pv\", "
				       "extent pairs",
				       name);
				return 0;
			}
			pv = pv_by_name(vg, pn->str);
			if (pv < 0) {
				lv_bad(lv,
				       "%s names PV \"%.64s\" that the VG "
				       "does not list",
				       name, pn->str);
				return 0;
			}
			if (ckd_add(&end, en->num, per) ||
			    end > vg->pv[pv].pe_count) {
				lv_bad(lv,
				       "%s: extents %llu..%llu of %s are "
				       "past its %llu extents",
				       name, (unsigned long long)en->num,
				       (unsigned long long)(en->num + per - 1),
				       vg->pv[pv].name,
				       (unsigned long long)vg->pv[pv].pe_count);
				return 0;
			}
			st->pv = (unsigned)pv;
			st->start_pe = en->num;
			vg->nstripe++;
			i = en->next;
		}
		if (k < sc || i >= 0) {
			lv_bad(lv, "%s: %u stripes declared, the list differs",
			       name, (unsigned)sc);
			return 0;
		}
	}
	/* only a segment read whole has stripes: first_stripe.. in range */
	sg->stripe_count = (unsigned)sc;
	(void)segno;
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct fsimg_lvm_seg *x = a, *y = b;

	return x->start_extent < y->start_extent   ? -1
	       : x->start_extent > y->start_extent ? 1
						   : 0;
}

static int read_lv(struct parser *ps, struct fsimg_lvm_vg *vg,
		   const struct node *ln)
{
	struct fsimg_lvm_lv *lv = &vg->lv[vg->nlv++];
	uint64_t count = 0, next = 0;
	unsigned segno = 0;
	int rc;

	copy_key(lv->name, ln);
	if (!uuid_strip(get_str(ps, ln, "id"), lv->uuid))
		lv->uuid[0] = '\0';
	if (array_has(ps, ln, "status", "VISIBLE"))
		lv->status |= FSIMG_LVM_LV_VISIBLE;
	if (array_has(ps, ln, "status", "READ"))
		lv->status |= FSIMG_LVM_LV_READ;
	if (array_has(ps, ln, "status", "WRITE"))
		lv->status |= FSIMG_LVM_LV_WRITE;
	if (!get_num(ps, ln, "segment_count", &count))
		lv_bad(lv, "no segment_count");
	else if (count > FSIMG_LVM_SEG_MAX - vg->nseg)
		return vgerr(ps, ln, "more than 1024 segments in the VG");
	lv->first_seg = vg->nseg;
	for (int32_t i = ln->child; i >= 0; i = ps->n[i].next) {
		const struct node *sn = &ps->n[i];

		if (sn->kind != N_SECTION)
			continue;
		if (vg->nseg >= FSIMG_LVM_SEG_MAX)
			return vgerr(ps, sn,
				     "more than 1024 segments in the VG");
		rc = read_segment(ps, vg, lv, sn, ++segno);
		if (rc)
			return rc;
		lv->nseg++;
	}
	if (lv->nseg != count)
		lv_bad(lv, "segment_count is %llu, %u segments found",
		       (unsigned long long)count, lv->nseg);
	qsort(vg->seg + lv->first_seg, lv->nseg, sizeof(vg->seg[0]), seg_cmp);
	for (unsigned k = 0; k < lv->nseg; k++) {
		const struct fsimg_lvm_seg *sg = &vg->seg[lv->first_seg + k];

		if (sg->start_extent != next || sg->extent_count == 0) {
			lv_bad(lv,
			       "segments overlap, leave a gap or are "
			       "empty at extent %llu",
			       (unsigned long long)next);
			break;
		}
		if (ckd_add(&next, next, sg->extent_count)) {
			lv_bad(lv, "segments too large");
			break;
		}
	}
	lv->extents = next;
	if (!lv->nseg)
		lv_bad(lv, "no segments");
	return 0;
}

static int read_vg(struct parser *ps, const struct node *vn,
		   struct fsimg_lvm_vg *vg)
{
	const struct node *pvs, *lvs;

	copy_key(vg->name, vn);
	if (!uuid_strip(get_str(ps, vn, "id"), vg->uuid))
		return vgerr(ps, vn, "the VG has no valid id");
	if (!get_num(ps, vn, "seqno", &vg->seqno))
		vg->seqno = 0;
	if (!get_num(ps, vn, "extent_size", &vg->extent_size) ||
	    !vg->extent_size || !fsimg_lvm_extent_bytes(vg))
		return vgerr(ps, vn, "extent_size missing or not usable");
	vg->pv = calloc(FSIMG_LVM_PV_MAX, sizeof(*vg->pv));
	vg->lv = calloc(FSIMG_LVM_LV_MAX, sizeof(*vg->lv));
	vg->seg = calloc(FSIMG_LVM_SEG_MAX, sizeof(*vg->seg));
	vg->stripe = calloc(STRIPES_TOTAL_MAX, sizeof(*vg->stripe));
	if (!vg->pv || !vg->lv || !vg->seg || !vg->stripe)
		return -ENOMEM;
	pvs = child(ps, vn, "physical_volumes");
	if (!pvs || pvs->kind != N_SECTION)
		return vgerr(ps, vn, "the VG has no physical_volumes");
	for (int32_t i = pvs->child; i >= 0; i = ps->n[i].next) {
		const struct node *pn = &ps->n[i];
		struct fsimg_lvm_vg_pv *pv;

		if (pn->kind != N_SECTION)
			continue;
		if (vg->npv >= FSIMG_LVM_PV_MAX)
			return vgerr(ps, pn, "more than 64 PVs in the VG");
		pv = &vg->pv[vg->npv++];
		copy_key(pv->name, pn);
		if (!uuid_strip(get_str(ps, pn, "id"), pv->uuid) ||
		    !get_num(ps, pn, "pe_start", &pv->pe_start) ||
		    !get_num(ps, pn, "pe_count", &pv->pe_count))
			return vgerr(ps, pn,
				     "a PV lacks a valid id, pe_start or "
				     "pe_count");
	}
	lvs = child(ps, vn, "logical_volumes");
	if (!lvs)
		return 0; /* a VG without LVs */
	if (lvs->kind != N_SECTION)
		return vgerr(ps, lvs, "logical_volumes is not a section");
	for (int32_t i = lvs->child; i >= 0; i = ps->n[i].next) {
		const struct node *ln = &ps->n[i];
		int rc;

		if (ln->kind != N_SECTION)
			continue;
		if (vg->nlv >= FSIMG_LVM_LV_MAX)
			return vgerr(ps, ln, "more than 256 LVs in the VG");
		rc = read_lv(ps, vg, ln);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t fsimg_lvm_extent_bytes(const struct fsimg_lvm_vg *vg)
{
	uint64_t b;

	return ckd_mul(&b, vg->extent_size, 512u) ? 0 : b;
}

void fsimg_lvm_vg_free(struct fsimg_lvm_vg *vg)
{
	free(vg->pv);
	free(vg->lv);
	free(vg->seg);
	free(vg->stripe);
	memset(vg, 0, sizeof(*vg));
}

int fsimg_lvm_parse(fsimg_image *img, const char *where, const char *text,
		    size_t len, struct fsimg_lvm_vg *vg)
{
	struct parser ps = {
		.img = img,
		.where = where,
		.p = text,
		.end = text + len,
		.line = 1,
	};
	const struct node *vn = NULL;
	int32_t first;
	int rc;

	memset(vg, 0, sizeof(*vg));
	if (len > FSIMG_LVM_TEXT_MAX)
		return fsimg_err(img, -EUCLEAN,
				 "%s: text of %zu bytes, more "
				 "than 1 MiB",
				 where, len);
	ps.arena = malloc(len + 1);
	if (!ps.arena)
		return -ENOMEM;
	rc = parse_items(&ps, 0, &first);
	if (rc)
		goto out;
	for (int32_t i = first; i >= 0; i = ps.n[i].next) {
		if (ps.n[i].kind != N_SECTION)
			continue;
		if (vn) {
			rc = vgerr(&ps, &ps.n[i], "a second volume group");
			goto out;
		}
		vn = &ps.n[i];
	}
	if (!vn) {
		rc = fsimg_err(img, -EUCLEAN, "%s: no volume group in it",
			       where);
		goto out;
	}
	rc = read_vg(&ps, vn, vg);
out:
	if (rc)
		fsimg_lvm_vg_free(vg);
	free(ps.n);
	free(ps.arena);
	return rc;
}
