/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg info: the image, the filesystem selected by -p, its format-specific
 * details and its El Torito boot entries, as text or JSON. "filesystems" is
 * an array so that listing every partition later keeps the same shape.
 */
#include "cli.h"
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A boot catalog holds few entries; this bounds what we ask for. */
#define BOOT_ENTRIES_MAX 4096

struct info {
	struct cli *c;
	struct json j;
};

static int detail_fn(void *ctx, const char *key, const char *value)
{
	struct info *x = ctx;

	if (x->c->json) {
		json_key(&x->j, key);
		json_string(&x->j, value);
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

static void show_fs(struct info *x)
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
		json_string(j, c->partition);
		json_key(j, "offset");
		json_uint(j, fi.offset);
		json_key(j, "size");
		json_uint(j, fi.size);
		json_key(j, "type");
		json_string(j, fi.type);
		json_key(j, "version");
		json_string(j, fi.version);
		json_key(j, "label");
		json_string(j, fi.label);
		json_key(j, "uuid");
		json_string(j, fi.uuid);
		json_key(j, "block_size");
		json_uint(j, fi.block_size);
		json_key(j, "details");
		json_begin_object(j);
	} else {
		printf("filesystem:\n");
		text_field("partition", c->partition);
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
	rc = fsimg_fs_details(c->fs, detail_fn, x);
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

static void state_text(unsigned st, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s%s%s",
		 st & FSIMG_PART_CONTAINER ? " container" : "",
		 st & FSIMG_PART_TRUNCATED ? " past-end" : "",
		 st & FSIMG_PART_OUTSIDE ? " outside" : "",
		 st & FSIMG_PART_OVERLAP ? " overlap" : "",
		 st & FSIMG_PART_DAMAGED ? " damaged" : "",
		 st & FSIMG_PART_UNREADABLE ? " unreadable" : "",
		 st & FSIMG_PART_UNSUPPORTED ? " unsupported" : "");
}

static void part_json(struct json *j, const struct fsimg_part *p)
{
	char st[96];

	state_text(p->state, st, sizeof(st));
	json_begin_object(j);
	json_key(j, "spec");
	json_string(j, p->spec);
	json_key(j, "partno");
	json_int(j, p->partno);
	json_key(j, "start");
	json_uint(j, p->start);
	json_key(j, "size");
	json_uint(j, p->size);
	json_key(j, "table");
	json_string(j, p->table);
	json_key(j, "type");
	json_string(j, p->type);
	json_key(j, "name");
	json_string(j, p->name);
	json_key(j, "uuid");
	json_string(j, p->uuid);
	json_key(j, "flags");
	json_uint(j, p->flags);
	json_key(j, "depth");
	json_int(j, p->depth);
	json_key(j, "problems");
	json_string(j, st[0] ? st + 1 : "");
	json_key(j, "fstype");
	if (p->fstype[0])
		json_string(j, p->fstype);
	else
		json_null(j);
	json_key(j, "label");
	json_string(j, p->label);
	json_key(j, "volume");
	json_uint(j, p->volume);
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

/* Every filesystem of a partitioned image, when -p is not given. */
static void show_all(struct info *x, const struct fsimg_part *parts, int n)
{
	struct cli *c = x->c;
	const char *saved = c->partition;

	for (int i = 0; i < n; i++) {
		const struct fsimg_part *p = &parts[i];
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
		c->partition = p->spec;
		c->part_offset = p->start;
		show_fs(x);
		fsimg_fs_close(c->fs);
		c->fs = NULL;
	}
	c->partition = saved;
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
	show_fs(x);
	c->fs = udf;
	fsimg_fs_close(iso);
}

int cmd_info(struct cli *c)
{
	struct info x = { .c = c };
	struct fsimg_part *parts;
	char table[16] = "";
	const char *type;
	int rc, np;
	bool all = false, raw;

	rc = cli_open_image(c);
	if (rc)
		return rc;
	raw = !strcmp(fsimg_image_format(c->img), "raw");
	parts = xmalloc(PARTS_MAX * sizeof(*parts));
	np = fsimg_partitions(c->img, parts, PARTS_MAX, table, sizeof(table));
	if (np < 0) {
		cli_warn(c, NULL, "partition table: %s", strerror(-np));
		np = 0;
	}
	if (np > PARTS_MAX)
		np = PARTS_MAX;
	/* no -p, a partitioned image and no filesystem at offset 0 */
	if (!strcmp(c->partition, "auto") && np > 0 &&
	    fsimg_probe(c->img, 0, 0, &type) == 0)
		all = true;
	rc = all ? 0 : cli_open_fs(c);

	/* The image facts are shown even when no filesystem was found. */
	if (c->json) {
		json_init(&x.j, stdout, JSON_MAX_DEPTH);
		json_begin_object(&x.j);
		json_key(&x.j, "image");
		json_string(&x.j, c->image_path);
		json_key(&x.j, "size");
		json_uint(&x.j, fsimg_image_size(c->img));
		json_key(&x.j, "container");
		if (raw) {
			json_null(&x.j);
		} else {
			json_begin_object(&x.j);
			fsimg_image_details(c->img, detail_fn, &x);
			json_end_object(&x.j);
		}
		json_key(&x.j, "table");
		json_string(&x.j, table);
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
			fsimg_image_details(c->img, detail_fn, &x);
		}
		if (np > 0) {
			printf("table: %s\npartitions:\n", table);
			for (int i = 0; i < np; i++)
				part_text(&parts[i]);
		}
	}
	if (all)
		show_all(&x, parts, np);
	else if (!rc) {
		show_fs(&x);
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
