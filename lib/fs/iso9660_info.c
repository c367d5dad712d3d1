/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660: what the volume descriptors say, for info and details: label,
 * UUID (as libblkid makes it), identifiers and dates.
 */
#include "iso9660.h"

#include <stdio.h>

/* An a- or d-character field (7.4): NUL ends it, trailing spaces go. */
static void vd_ascii(const uint8_t *p, size_t n, char *out, size_t room)
{
	size_t o = 0;

	for (size_t i = 0; i < n && p[i] && o + 1 < room; i++)
		out[o++] = (p[i] < 0x20 || p[i] == 0x7F) ? '?' : (char)p[i];
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static bool utf16_blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		if (p[i] != 0 || (p[i + 1] != ' ' && p[i + 1] != 0))
			return false;
	return true;
}

/*
 * A Joliet field holds half as many characters as the primary's. When the
 * Joliet text matches the start of the primary one ('_' standing for what
 * ASCII cannot hold, case ignored), the primary's tail is appended, so a
 * 32-character label survives: the rule libblkid applies.
 */
static void vd_joliet(const uint8_t *u, const uint8_t *a, size_t n, char *out,
		      size_t room)
{
	uint8_t merged[2 * 256];
	size_t o = 0, ai = 0, ui = 0;
	int len;

	if (utf16_blank(u, n)) {
		vd_ascii(a, n, out, room);
		return;
	}
	for (; ui + 1 < n && ai < n; ui += 2, ai++) {
		uint16_t c = get_be16(u + ui);
		uint8_t ac = a[ai];

		if (c >= 0xD800 && c <= 0xDBFF && ui + 3 < n) {
			/* a surrogate pair stands for one character */
			merged[o++] = u[ui];
			merged[o++] = u[ui + 1];
			ui += 2;
			c = get_be16(u + ui);
		}
		if (ac == '_' || (c < 0x80 && ((c | 0x20) == (ac | 0x20) &&
					       ((c >= 'A' && c <= 'Z') ||
						(c >= 'a' && c <= 'z'))))) {
			merged[o++] = u[ui];
			merged[o++] = u[ui + 1];
		} else if (c == '_' || c == ac) {
			merged[o++] = 0;
			merged[o++] = ac;
		} else {
			o = 0;
			break;
		}
	}
	if (o) {
		for (; ai < n && o + 2 <= sizeof(merged); ai++) {
			merged[o++] = 0;
			merged[o++] = a[ai];
		}
	} else {
		memcpy(merged, u, n);
		o = n;
	}
	len = fsimg_utf16_to_utf8(merged, o / 2, true, out, room);
	if (len < 0)
		len = 0;
	/* trailing blanks and NULs */
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\0'))
		len--;
	out[len] = '\0';
	len = (int)strlen(out);
}

static void vd_string(const struct iso_fs *ifs, unsigned off, size_t n,
		      char *out, size_t room)
{
	if (ifs->tree == ISO_TREE_JOLIET)
		vd_joliet(ifs->svd + off, ifs->pvd + off, n, out, room);
	else
		vd_ascii(ifs->pvd + off, n, out, room);
}

int iso_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct iso_fs *ifs = iso_of(fs);
	const char *names[3] = { "ISO9660", "Joliet", "Rock Ridge" };
	const uint8_t *date = NULL;
	size_t o;

	/* the tree in use first, then what else the image offers */
	o = (size_t)snprintf(info->version, sizeof(info->version), "%s",
			     names[ifs->tree]);
	if (ifs->tree != ISO_TREE_RR && ifs->rr_present)
		o += (size_t)snprintf(info->version + o,
				      sizeof(info->version) - o,
				      " + Rock Ridge");
	/* a Joliet descriptor; its tree is checked by iso_details() only:
	 * this is asked on every open (fs.c checks the size) */
	if (ifs->tree != ISO_TREE_JOLIET && ifs->have_joliet &&
	    o < sizeof(info->version))
		snprintf(info->version + o, sizeof(info->version) - o,
			 " + Joliet");
	vd_string(ifs, 40, 32, info->label, sizeof(info->label));
	/* libblkid's UUID: the modification date, else the creation date */
	if (iso_time17(ifs->pvd + 830, &(struct timespec){ 0 }))
		date = ifs->pvd + 830;
	else if (iso_time17(ifs->pvd + 813, &(struct timespec){ 0 }))
		date = ifs->pvd + 813;
	if (date)
		snprintf(info->uuid, sizeof(info->uuid),
			 "%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s", date, date + 4,
			 date + 6, date + 8, date + 10, date + 12, date + 14);
	info->size = (uint64_t)ifs->volume_blocks * ISO_BLOCK;
	info->block_size = ISO_BLOCK;
	return 0;
}

static void fmt_date(const uint8_t *p, char *out, size_t room)
{
	struct timespec ts;
	struct tm tm;
	time_t t;

	if (!iso_time17(p, &ts)) {
		snprintf(out, room, "%s", "");
		return;
	}
	t = ts.tv_sec;
	gmtime_r(&t, &tm);
	strftime(out, room, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int iso_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	static const struct {
		const char *key;
		unsigned off, len;
	} ids[] = {
		{ "system_id", 8, 32 },
		{ "volume_id", 40, 32 },
		{ "volume_set_id", 190, 128 },
		{ "publisher_id", 318, 128 },
		{ "data_preparer_id", 446, 128 },
		{ "application_id", 574, 128 },
		{ "copyright_file_id", 702, 37 },
		{ "abstract_file_id", 739, 37 },
		{ "bibliographic_file_id", 776, 37 },
	};
	static const struct {
		const char *key;
		unsigned off;
	} dates[] = {
		{ "creation_date", 813 },
		{ "modification_date", 830 },
		{ "expiration_date", 847 },
		{ "effective_date", 864 },
	};
	static const char *const trees[] = { "plain", "joliet", "rockridge" };
	struct iso_fs *ifs = iso_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };
	char v[3 * 256 + 1];
	bool joliet;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		vd_string(ifs, ids[i].off, ids[i].len, v, sizeof(v));
		if (*v)
			fsimg_details_text(&d, ids[i].key, "%s", v);
	}
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		fmt_date(ifs->pvd + dates[i].off, v, sizeof(v));
		if (*v)
			fsimg_details_text(&d, dates[i].key, "%s", v);
	}
	fsimg_details_bool(&d, "rock_ridge", ifs->rr_present);
	if (ifs->rr_present && *ifs->rr_id)
		fsimg_details_text(&d, "rock_ridge_id", "%s", ifs->rr_id);
	joliet = iso_joliet(ifs);
	fsimg_details_bool(&d, "joliet", joliet);
	if (joliet)
		fsimg_details_num(&d, "joliet_level", ifs->joliet_level);
	/* the session read: its number when known, and its first sector */
	if (ifs->session != UINT32_MAX)
		fsimg_details_num(&d, "session", ifs->session);
	fsimg_details_num(&d, "session_sector", ifs->session_start);
	fsimg_details_num(&d, "sessions", ifs->sessions);
	fsimg_details_text(&d, "tree", "%s", trees[ifs->tree]);
	fsimg_details_bool(&d, "el_torito", ifs->have_boot);
	return 0;
}
