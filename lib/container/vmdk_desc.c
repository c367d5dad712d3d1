/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMDK descriptors: the text ("# Disk DescriptorFile") either alone in a
 * file naming the extent files, or embedded in a sparse extent. Lines are
 * key=value pairs (createType, parentCID, parentFileNameHint, ddb.*) and
 * extent lines: ACCESS SECTORS TYPE ["FILE" [OFFSET]]. Bounded: at most
 * VMDK_DESC_MAX bytes, VMDK_EXTENTS_MAX extents, names of VMDK_NAME_MAX.
 */
#include "vmdk.h"

#include <stdlib.h>

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The word at p (up to a blank), in w; returns its end. */
static const char *word(const char *p, const char *end, char *w, size_t size)
{
	size_t n = 0;

	p = skip_space(p, end);
	while (p < end && *p != ' ' && *p != '\t') {
		if (n + 1 < size)
			w[n++] = *p;
		p++;
	}
	w[n] = '\0';
	return p;
}

/* A decimal number, all of w. */
static bool number(const char *w, uint64_t *v)
{
	uint64_t n = 0;

	if (!*w)
		return false;
	for (; *w; w++) {
		if (*w < '0' || *w > '9' || ckd_mul(&n, n, 10u) ||
		    ckd_add(&n, n, (uint64_t)(*w - '0')))
			return false;
	}
	*v = n;
	return true;
}

/* The value of key=value without quotes or blanks around it, in out. */
static void value(const char *p, const char *end, char *out, size_t size)
{
	size_t n;

	p = skip_space(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static int extent_line(struct fsimg_source *s, const char *p, const char *end,
		       uint64_t at, struct vmdk_desc *d)
{
	struct vmdk_desc_extent *e;
	char w[32];
	const char *q;
	size_t n;

	if (d->n_ext >= VMDK_EXTENTS_MAX)
		return fsimg_serr(s, -E2BIG,
				  "descriptor line at byte %llu: more than "
				  "%u extents",
				  (unsigned long long)at, VMDK_EXTENTS_MAX);
	e = &d->ext[d->n_ext];
	memset(e, 0, sizeof(*e));
	p = word(p, end, w, sizeof(w)); /* RW, RDONLY, NOACCESS */
	p = word(p, end, w, sizeof(w));
	if (!number(w, &e->sectors) || e->sectors == 0)
		return fsimg_serr(s, -EUCLEAN,
				  "descriptor line at byte %llu: extent size "
				  "'%s' is not a number of sectors",
				  (unsigned long long)at, w);
	p = word(p, end, w, sizeof(w));
	if (!strcmp(w, "FLAT") || !strcmp(w, "VMFS"))
		e->type = VMDK_EXT_FLAT;
	else if (!strcmp(w, "SPARSE"))
		e->type = VMDK_EXT_SPARSE;
	else if (!strcmp(w, "ZERO"))
		e->type = VMDK_EXT_ZERO;
	else
		return fsimg_serr(s, -EOPNOTSUPP,
				  "descriptor line at byte %llu: extent type "
				  "'%s' is not read (FLAT, VMFS, SPARSE, "
				  "ZERO are)",
				  (unsigned long long)at, w);
	d->n_ext++;
	if (e->type == VMDK_EXT_ZERO)
		return 0;
	p = skip_space(p, end);
	if (p >= end || *p != '"' ||
	    !(q = memchr(p + 1, '"', (size_t)(end - p - 1))))
		return fsimg_serr(s, -EUCLEAN,
				  "descriptor line at byte %llu: no quoted "
				  "file name",
				  (unsigned long long)at);
	n = (size_t)(q - p - 1);
	if (n == 0 || n >= sizeof(e->name) || memchr(p + 1, '\0', n))
		return fsimg_serr(s, -EUCLEAN,
				  "descriptor line at byte %llu: bad file "
				  "name",
				  (unsigned long long)at);
	memcpy(e->name, p + 1, n);
	e->name[n] = '\0';
	p = word(q + 1, end, w, sizeof(w));
	if (e->type == VMDK_EXT_FLAT && *w && !number(w, &e->offset))
		return fsimg_serr(s, -EUCLEAN,
				  "descriptor line at byte %llu: offset '%s' "
				  "is not a number",
				  (unsigned long long)at, w);
	return 0;
}

int vmdk_desc_parse(struct fsimg_source *s, const char *text, size_t len,
		    uint64_t at, bool want_extents, struct vmdk_desc *d)
{
	const char *p = text, *end = text + len;
	int rc;

	memset(d, 0, sizeof(*d));
	if (want_extents) {
		d->ext = calloc(VMDK_EXTENTS_MAX, sizeof(*d->ext));
		if (!d->ext)
			return -ENOMEM;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *eq, *k, *nul;
		uint64_t line_at = at + (uint64_t)(p - text);

		if (le > p && le[-1] == '\r')
			le--;
		nul = memchr(p, '\0', le > p ? (size_t)(le - p) : 0);
		if (nul) /* the padding after an embedded descriptor */
			le = nul;
		k = skip_space(p, le);
		eq = memchr(k, '=', (size_t)(le - k));
		if (k == le || *k == '#') {
			/* blank or a comment */
		} else if (eq) {
			const char *ke = eq;

			while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
#define KEY(name) \
	((size_t)(ke - k) == strlen(name) && !memcmp(k, name, strlen(name)))
			if (KEY("createType"))
				value(eq + 1, le, d->create_type,
				      sizeof(d->create_type));
			else if (KEY("parentFileNameHint"))
				value(eq + 1, le, d->parent_hint,
				      sizeof(d->parent_hint));
			else if (KEY("parentCID")) {
				char v[16];

				value(eq + 1, le, v, sizeof(v));
				d->has_parent = strcmp(v, "ffffffff") != 0;
			}
#undef KEY
		} else if (want_extents &&
			   ((le - k > 3 && !memcmp(k, "RW ", 3)) ||
			    (le - k > 7 && !memcmp(k, "RDONLY ", 7)) ||
			    (le - k > 9 && !memcmp(k, "NOACCESS ", 9)))) {
			rc = extent_line(s, k, le, line_at, d);
			if (rc)
				return rc;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
