/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg info: the image, its partitions, the filesystems in it (the one -p
 * selects, or every one of a partitioned image), their format-specific
 * details and El Torito boot entries, as text or JSON. The JSON is a
 * stable interface, versioned by schema_version and described by
 * man/fsimg-info.schema.json: names as lsblk(8) has them (pttype, ptuuid,
 * parttype, partlabel, partuuid, partflags, fstype, fsver), numbers as
 * numbers, null for what is absent.
 */
#include "cli.h"
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A boot catalog holds few entries; this bounds what we ask for. */
#define BOOT_ENTRIES_MAX 4096
/* The version of the JSON shape: raised when a member changes meaning. */
#define INFO_SCHEMA_VERSION 1

struct info {
	struct cli *c;
	struct json j;
	const struct fsimg_part *parts;
	int np;
};

static int detail_fn(void *ctx, const char *key, enum fsimg_detail_kind kind,
		     const char *value)
{
	struct info *x = ctx;

	if (x->c->json) {
		char *end;
		unsigned long long n;

		json_key(&x->j, key);
		switch (kind) {
		case FSIMG_DETAIL_NUMBER:
			errno = 0;
			n = strtoull(value, &end, 10);
			if (*value >= '0' && *value <= '9' && !*end && !errno)
				json_uint(&x->j, n);
			else
				json_text(&x->j, value);
			break;
		case FSIMG_DETAIL_BOOL:
			json_bool(&x->j, !strcmp(value, "yes"));
			break;
		default:
			json_text(&x->j, value);
			break;
		}
	} else {
		printf("    %s: ", key);
		print_clean(stdout, value);
		putchar('\n');
	}
	return 0;
}

static void text_field(const char *key, const char *value)
{
	printf("  %s: ", key);
	print_clean(stdout, value);
	putchar('\n');
}

/* Fills *out with the boot entries; returns the count, or -errno. */
static int boot_entries(struct cli *c, struct fsimg_boot_entry **out)
{
	size_t cap = 16;
	struct fsimg_boot_entry *e = NULL;
	int n;

	for (;;) {
		e = xrealloc(e, cap * sizeof(*e));
		memset(e, 0, cap * sizeof(*e));
		n = fsimg_boot_entries(c->fs, e, cap);
		if (n < 0 || (size_t)n <= cap || cap >= BOOT_ENTRIES_MAX)
			break;
		cap = (size_t)n < BOOT_ENTRIES_MAX ? (size_t)n
						   : BOOT_ENTRIES_MAX;
	}
	if (n > 0 && (size_t)n > cap)
		n = (int)cap;
	*out = e;
	return n;
}

static void boot_json(struct json *j, const struct fsimg_boot_entry *e)
{
	char seg[8];

	snprintf(seg, sizeof(seg), "0x%04x", e->load_segment);
	json_begin_object(j);
	json_key(j, "index");
	json_uint(j, e->index);
	json_key(j, "bootable");
	json_bool(j, e->bootable);
	json_key(j, "platform");
	json_string(j, fsimg_boot_platform_name(e->platform));
	json_key(j, "platform_id");
	json_uint(j, e->platform);
	json_key(j, "emulation");
	json_string(j, fsimg_boot_emulation_name(e->emulation));
	json_key(j, "emulation_id");
	json_uint(j, e->emulation);
	json_key(j, "load_segment");
	json_string(j, seg);
	json_key(j, "system_type");
	json_uint(j, e->system_type);
	json_key(j, "sector_count");
	json_uint(j, e->sector_count);
	json_key(j, "lba");
	json_uint(j, e->lba);
	json_key(j, "offset");
	json_uint(j, e->offset);
	json_key(j, "length");
	json_uint(j, e->length);
	json_end_object(j);
}

static void boot_text(const struct fsimg_boot_entry *e)
{
	printf("    %u: %s, platform %s, emulation %s, load segment 0x%04x, "
	       "%u sectors, lba %" PRIu32 ", offset %" PRIu64
	       ", length %" PRIu64 "\n",
	       e->index, e->bootable ? "bootable" : "not bootable",
	       fsimg_boot_platform_name(e->platform),
	       fsimg_boot_emulation_name(e->emulation), e->load_segment,
	       e->sector_count, e->lba, e->offset, e->length);
}

/*
 * The -p spec of the partition fs lies in: the one typed when it names
 * one, else the deepest whose window starts where fs does; NULL for the
 * whole image.
 */
static const char *spec_of(const struct info *x)
{
	const struct cli *c = x->c;
	const char *spec = NULL;
	int depth = -1;

	for (int i = 0; i < x->np; i++)
		if (!strcmp(x->parts[i].spec, c->partition))
			return x->parts[i].spec;
	for (int i = 0; i < x->np; i++) {
		const struct fsimg_part *p = &x->parts[i];
		bool here = c->part_volume
				    ? p->volume == c->part_volume
				    : !p->volume && p->start == c->part_offset;

		if (here && p->depth > depth) {
			spec = p->spec;
			depth = p->depth;
		}
	}
	return spec;
}

/* The filesystem open in x->c->fs; selected: the one commands read. */
static void show_fs(struct info *x, const char *spec, bool selected)
{
	struct cli *c = x->c;
	struct fsimg_fsinfo fi;
	struct fsimg_boot_entry *be = NULL;
	unsigned logged = c->logged;
	int rc, nboot;

	rc = fsimg_fs_info(c->fs, &fi);
	if (rc) {
		cli_path_failed(c, NULL, rc, logged);
		cli_status(c, EXIT_PARTIAL);
		memset(&fi, 0, sizeof(fi));
		snprintf(fi.type, sizeof(fi.type), "%s", fsimg_fs_type(c->fs));
		fi.offset = c->part_offset;
	}
	if (c->json) {
		struct json *j = &x->j;

		json_begin_object(j);
		json_key(j, "partition");
		json_text(j, spec);
		json_key(j, "selected");
		json_bool(j, selected);
		json_key(j, "offset");
		json_uint(j, fi.offset);
		json_key(j, "size");
		json_uint(j, fi.size);
		json_key(j, "fstype");
		json_text(j, fi.type);
		json_key(j, "fsver");
		json_text(j, fi.version);
		json_key(j, "label");
		json_text(j, fi.label);
		json_key(j, "uuid");
		json_text(j, fi.uuid);
		json_key(j, "block_size");
		json_uint(j, fi.block_size);
		json_key(j, "details");
		json_begin_object(j);
	} else {
		printf("filesystem%s:\n", selected ? " (selected)" : "");
		text_field("partition", spec ? spec : "none (the whole image)");
		text_field("type", fi.type);
		text_field("version", fi.version);
		text_field("label", fi.label);
		text_field("uuid", fi.uuid);
		printf("  offset: %" PRIu64 "\n", fi.offset);
		printf("  size: %" PRIu64 "\n", fi.size);
		printf("  block size: %" PRIu32 "\n", fi.block_size);
		printf("  details:\n");
	}

	logged = c->logged;
	rc = fsimg_fs_details_typed(c->fs, detail_fn, x);
	if (rc < 0) {
		cli_path_failed(c, NULL, rc, logged);
		cli_status(c, EXIT_PARTIAL);
	}
	if (c->json) {
		json_end_object(&x->j);
		json_key(&x->j, "boot_entries");
		json_begin_array(&x->j);
	}

	logged = c->logged;
	nboot = boot_entries(c, &be);
	if (nboot < 0) {
		if (c->logged == logged)
			cli_error(c, NULL, "El Torito boot catalog: %s",
				  strerror(-nboot));
		cli_status(c, EXIT_PARTIAL);
	} else if (!c->json && nboot > 0) {
		printf("  boot entries:\n");
	}
	for (int i = 0; i < nboot; i++) {
		if (c->json)
			boot_json(&x->j, &be[i]);
		else
			boot_text(&be[i]);
	}
	free(be);
	if (c->json) {
		json_end_array(&x->j);
		json_end_object(&x->j);
	}
}

/* Partitions listed at most; libfsimg considers no more. */
#define PARTS_MAX 256

static const struct {
	unsigned bit;
	const char *name;
} problems[] = {
	{ FSIMG_PART_CONTAINER, "container" },
	{ FSIMG_PART_TRUNCATED, "past-end" },
	{ FSIMG_PART_OUTSIDE, "outside" },
	{ FSIMG_PART_OVERLAP, "overlap" },
	{ FSIMG_PART_DAMAGED, "damaged" },
	{ FSIMG_PART_UNREADABLE, "unreadable" },
	{ FSIMG_PART_UNSUPPORTED, "unsupported" },
};

static void state_text(unsigned st, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (st & problems[i].bit && n < size)
			n += (size_t)snprintf(buf + n, size - n, " %s",
					      problems[i].name);
}

static void part_json(struct json *j, const struct fsimg_part *p)
{
	char flags[16];

	snprintf(flags, sizeof(flags), "0x%x", p->flags);
	json_begin_object(j);
	json_key(j, "spec");
	json_string(j, p->spec);
	json_key(j, "partn");
	json_count(j, p->partno > 0 ? (uint64_t)p->partno : 0);
	json_key(j, "start");
	json_uint(j, p->start);
	json_key(j, "size");
	json_uint(j, p->size);
	json_key(j, "pttype");
	json_text(j, p->table);
	json_key(j, "parttype");
	json_text(j, p->type);
	json_key(j, "partlabel");
	json_text(j, p->name);
	json_key(j, "partuuid");
	json_text(j, p->uuid);
	json_key(j, "partflags");
	json_text(j, p->flags ? flags : NULL);
	json_key(j, "depth");
	json_int(j, p->depth);
	json_key(j, "problems");
	json_begin_array(j);
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (p->state & problems[i].bit)
			json_string(j, problems[i].name);
	json_end_array(j);
	json_key(j, "fstype");
	json_text(j, p->fstype);
	json_key(j, "label");
	json_text(j, p->label);
	json_key(j, "volume");
	json_count(j, p->volume);
	json_end_object(j);
}

static void part_text(const struct fsimg_part *p)
{
	char st[96];

	state_text(p->state, st, sizeof(st));
	printf("  %*s%-6s %s start %" PRIu64 " size %" PRIu64 " type ",
	       2 * p->depth, "", p->spec, p->table, p->start, p->size);
	print_clean(stdout, p->type);
	if (p->name[0]) {
		printf(" name '");
		print_clean(stdout, p->name);
		putchar('\'');
	}
	if (p->flags)
		printf(" flags 0x%x", p->flags);
	if (st[0])
		printf(" [%s]", st + 1);
	if (p->fstype[0]) {
		printf(": %s", p->fstype);
		if (p->label[0]) {
			printf(" '");
			print_clean(stdout, p->label);
			putchar('\'');
		}
	}
	putchar('\n');
}

/*
 * Every filesystem of a partitioned image, when -p is not given; the one
 * commands read without -p is marked selected.
 */
static void show_all(struct info *x)
{
	struct cli *c = x->c;
	const char *chosen = NULL;
	struct fsimg_location sel;
	bool mute = c->mute;

	c->mute = true; /* its messages come when a command reads it */
	if (!fsimg_locate(c->img, "auto", c->fstype, &sel)) {
		c->part_offset = sel.offset;
		c->part_volume = sel.volume;
		chosen = spec_of(x);
	}
	c->mute = mute;
	for (int i = 0; i < x->np; i++) {
		const struct fsimg_part *p = &x->parts[i];
		/* the type the listing found, checked by its driver */
		struct fsimg_location loc = { .offset = p->start,
					      .length = p->size,
					      .readable = true,
					      .volume = p->volume };
		uint64_t isz = fsimg_image_size(c->img);

		if (!p->fstype[0] || (!p->volume && p->start >= isz))
			continue;
		if (!p->volume && loc.length > isz - p->start)
			loc.length = isz - p->start;
		snprintf(loc.type, sizeof(loc.type), "%s", p->fstype);
		if (fsimg_fs_open_location(c->img, &loc, c->options, &c->fs))
			continue;
		c->part_offset = p->start;
		c->part_volume = p->volume;
		show_fs(x, p->spec, chosen && !strcmp(chosen, p->spec));
		fsimg_fs_close(c->fs);
		c->fs = NULL;
	}
}

/*
 * A bridge disc holds ISO 9660 beside the UDF filesystem read by default:
 * shown after it, as -t iso9660 reads it.
 */
static void show_bridge(struct info *x)
{
	struct cli *c = x->c;
	fsimg_fs *udf = c->fs, *iso = NULL;
	bool mute = c->mute;
	int rc;

	if (c->fstype || strcmp(fsimg_fs_type(udf), "udf"))
		return;
	c->mute = true; /* no ISO 9660 there is no news */
	rc = fsimg_fs_open(c->img, c->part_offset, c->part_length, "iso9660",
			   c->options, &iso);
	c->mute = mute;
	if (rc)
		return;
	if (!c->json)
		printf("also (-t iso9660):\n");
	c->fs = iso;
	show_fs(x, spec_of(x), false);
	c->fs = udf;
	fsimg_fs_close(iso);
}

int cmd_info(struct cli *c)
{
	struct info x = { .c = c };
	struct fsimg_part *parts;
	struct fsimg_ptable table = { "", "" };
	const char *type, *format;
	int rc, np;
	bool all = false, raw;

	rc = cli_open_image(c);
	if (rc)
		return rc;
	format = fsimg_image_format(c->img);
	raw = !format || !strcmp(format, "raw");
	parts = xmalloc(PARTS_MAX * sizeof(*parts));
	np = fsimg_partitions_table(c->img, parts, PARTS_MAX, &table);
	if (np < 0) {
		cli_warn(c, NULL, "partition table: %s", strerror(-np));
		np = 0;
	}
	if (np > PARTS_MAX)
		np = PARTS_MAX;
	x.parts = parts;
	x.np = np;
	/* no -p, a partitioned image and no filesystem at offset 0 */
	if (!strcmp(c->partition, "auto") && np > 0 &&
	    fsimg_probe(c->img, 0, 0, &type) == 0)
		all = true;
	rc = all ? 0 : cli_open_fs(c);

	/* The image facts are shown even when no filesystem was found. */
	if (c->json) {
		json_init(&x.j, stdout, JSON_MAX_DEPTH);
		json_begin_object(&x.j);
		json_key(&x.j, "schema_version");
		json_uint(&x.j, INFO_SCHEMA_VERSION);
		json_key(&x.j, "image");
		json_string(&x.j, c->image_path);
		json_key(&x.j, "size");
		json_uint(&x.j, fsimg_image_size(c->img));
		json_key(&x.j, "format");
		json_text(&x.j, format);
		json_key(&x.j, "container");
		if (raw) {
			json_null(&x.j);
		} else {
			json_begin_object(&x.j);
			fsimg_image_details_typed(c->img, detail_fn, &x);
			json_end_object(&x.j);
		}
		json_key(&x.j, "pttype");
		json_text(&x.j, table.type);
		json_key(&x.j, "ptuuid");
		json_text(&x.j, table.uuid);
		json_key(&x.j, "partitions");
		json_begin_array(&x.j);
		for (int i = 0; i < np; i++)
			part_json(&x.j, &parts[i]);
		json_end_array(&x.j);
		json_key(&x.j, "filesystems");
		json_begin_array(&x.j);
	} else {
		printf("image: ");
		print_clean(stdout, c->image_path);
		printf("\nsize: %" PRIu64 "\n", fsimg_image_size(c->img));
		if (!raw) {
			printf("container:\n");
			fsimg_image_details_typed(c->img, detail_fn, &x);
		}
		if (np > 0) {
			printf("table: %s\n", table.type);
			if (table.uuid[0])
				printf("table uuid: %s\n", table.uuid);
			printf("partitions:\n");
			for (int i = 0; i < np; i++)
				part_text(&parts[i]);
		}
	}
	if (all) {
		show_all(&x);
	} else if (!rc) {
		show_fs(&x, spec_of(&x), true);
		show_bridge(&x);
	}
	if (c->json) {
		json_end_array(&x.j);
		json_end_object(&x.j);
		json_finish(&x.j);
	}
	free(parts);
	return rc;
}
