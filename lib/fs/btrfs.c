/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * btrfs: the superblock and its mirrors, the chunk map, B-tree search,
 * subvolume roots; probe, open, info, details, statfs.
 *
 * Superblock (at 64 KiB; copies at 64 MiB and 256 GiB, used when the
 * first fails its checks): a CRC-32C of bytes 32..4095 in its first four
 * bytes; the root tree, the chunk tree and their levels; the sector and
 * node sizes; the system chunk array, which maps the chunk tree's own
 * addresses. Every tree node starts with a header (checksum, fsid, its own
 * address, owner tree, item count, level); leaves hold (key, offset,
 * size) items whose data sits at the end of the leaf, nodes hold (key,
 * child address, generation) pointers.
 */
#include "btrfs.h"
#include "container/container.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BTRFS_MAGIC "_BHRfS_M"

#define BTRFS_BLOCK_GROUP_DATA	   0x001u
#define BTRFS_BLOCK_GROUP_SYSTEM   0x002u
#define BTRFS_BLOCK_GROUP_METADATA 0x004u
#define BTRFS_BLOCK_GROUP_RAID0	   0x008u
#define BTRFS_BLOCK_GROUP_RAID1	   0x010u
#define BTRFS_BLOCK_GROUP_DUP	   0x020u
#define BTRFS_BLOCK_GROUP_RAID10   0x040u
#define BTRFS_BLOCK_GROUP_RAID5	   0x080u
#define BTRFS_BLOCK_GROUP_RAID6	   0x100u
#define BTRFS_BLOCK_GROUP_RAID1C3  0x200u
#define BTRFS_BLOCK_GROUP_RAID1C4  0x400u
/* profiles whose every stripe holds all of the data */
#define BTRFS_MIRRORED                                     \
	(BTRFS_BLOCK_GROUP_RAID1 | BTRFS_BLOCK_GROUP_DUP | \
	 BTRFS_BLOCK_GROUP_RAID1C3 | BTRFS_BLOCK_GROUP_RAID1C4)
#define BTRFS_STRIPED                                         \
	(BTRFS_BLOCK_GROUP_RAID0 | BTRFS_BLOCK_GROUP_RAID10 | \
	 BTRFS_BLOCK_GROUP_RAID5 | BTRFS_BLOCK_GROUP_RAID6)

/* incompat features */
#define BTRFS_INCOMPAT_MIXED_BACKREF	0x0001u
#define BTRFS_INCOMPAT_DEFAULT_SUBVOL	0x0002u
#define BTRFS_INCOMPAT_MIXED_GROUPS	0x0004u
#define BTRFS_INCOMPAT_COMPRESS_LZO	0x0008u
#define BTRFS_INCOMPAT_COMPRESS_ZSTD	0x0010u
#define BTRFS_INCOMPAT_BIG_METADATA	0x0020u
#define BTRFS_INCOMPAT_EXTENDED_IREF	0x0040u
#define BTRFS_INCOMPAT_RAID56		0x0080u
#define BTRFS_INCOMPAT_SKINNY_METADATA	0x0100u
#define BTRFS_INCOMPAT_NO_HOLES		0x0200u
#define BTRFS_INCOMPAT_METADATA_UUID	0x0400u
#define BTRFS_INCOMPAT_RAID1C34		0x0800u
#define BTRFS_INCOMPAT_ZONED		0x1000u
#define BTRFS_INCOMPAT_EXTENT_TREE_V2	0x2000u
#define BTRFS_INCOMPAT_RAID_STRIPE_TREE 0x4000u
#define BTRFS_INCOMPAT_SIMPLE_QUOTA	0x10000u
/* what we read: the others change how trees or extents are laid out */
#define BTRFS_INCOMPAT_KNOWN                                            \
	(BTRFS_INCOMPAT_MIXED_BACKREF | BTRFS_INCOMPAT_DEFAULT_SUBVOL | \
	 BTRFS_INCOMPAT_MIXED_GROUPS | BTRFS_INCOMPAT_COMPRESS_LZO |    \
	 BTRFS_INCOMPAT_COMPRESS_ZSTD | BTRFS_INCOMPAT_BIG_METADATA |   \
	 BTRFS_INCOMPAT_EXTENDED_IREF | BTRFS_INCOMPAT_RAID56 |         \
	 BTRFS_INCOMPAT_SKINNY_METADATA | BTRFS_INCOMPAT_NO_HOLES |     \
	 BTRFS_INCOMPAT_METADATA_UUID | BTRFS_INCOMPAT_RAID1C34 |       \
	 BTRFS_INCOMPAT_SIMPLE_QUOTA)

#define BTRFS_CHUNKS_MAX 65536u

static const uint64_t sb_copies[] = { 64ull << 10, 64ull << 20, 256ull << 30 };

int btrfs_key_cmp(const struct btrfs_key *a, const struct btrfs_key *b)
{
	if (a->objectid != b->objectid)
		return a->objectid < b->objectid ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return 0;
}

static void key_of(const uint8_t *p, struct btrfs_key *k)
{
	k->objectid = get_le64(p);
	k->type = p[8];
	k->offset = get_le64(p + 9);
}

uint32_t btrfs_name_hash(const char *name, size_t len)
{
	/* the kernel's crc32c(~1, ...), without the final inversion */
	return ~fsimg_crc32c(1, name, len);
}

/* --- superblock ------------------------------------------------------------
 */

static bool pow2_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

/* Reads and checks superblock copy i; quiet: no message. */
static int sb_read(struct btrfs_fs *b, unsigned i, uint8_t *sb, bool quiet)
{
	const struct fsimg_window *w = &b->win;
	unsigned long long at = fsimg_wabs(w, sb_copies[i]);
	uint32_t want, got;
	int rc;

	if (!fsimg_window_has(w, sb_copies[i], BTRFS_SB_SIZE))
		return -EINVAL;
	rc = fsimg_wread(w, sb_copies[i], sb, BTRFS_SB_SIZE);
	if (rc)
		return rc;
#define BAD(...) (quiet ? -EUCLEAN : fsimg_werr(w, -EUCLEAN, __VA_ARGS__))
	if (memcmp(sb + 0x40, BTRFS_MAGIC, 8))
		return BAD("superblock at byte %llu: no magic", at);
	if (get_le64(sb + 0x30) != sb_copies[i])
		return BAD("superblock at byte %llu: says it is at byte %llu",
			   at, (unsigned long long)get_le64(sb + 0x30));
	if (get_le16(sb + 0xc4) == 0) {
		want = get_le32(sb);
		got = fsimg_crc32c(0, sb + BTRFS_CSUM_SIZE,
				   BTRFS_SB_SIZE - BTRFS_CSUM_SIZE);
		if (want != got)
			return BAD("superblock at byte %llu: checksum %08x, "
				   "computed %08x",
				   at, want, got);
	}
#undef BAD
	return 0;
}

static const char *csum_name(uint16_t t)
{
	switch (t) {
	case 0:
		return "crc32c";
	case 1:
		return "xxhash64";
	case 2:
		return "sha256";
	case 3:
		return "blake2b";
	default:
		return "unknown";
	}
}

static int sb_parse(struct btrfs_fs *b, const uint8_t *sb)
{
	const struct fsimg_window *w = &b->win;
	unsigned long long at = fsimg_wabs(w, sb_copies[b->sb_copy]);
	uint32_t unknown;

	memcpy(b->fsid, sb + 0x20, 16);
	b->generation = get_le64(sb + 0x48);
	b->root = get_le64(sb + 0x50);
	b->chunk_root = get_le64(sb + 0x58);
	b->total_bytes = get_le64(sb + 0x70);
	b->bytes_used = get_le64(sb + 0x78);
	b->num_devices = get_le64(sb + 0x88);
	b->sectorsize = get_le32(sb + 0x90);
	b->nodesize = get_le32(sb + 0x94);
	b->compat_ro = get_le64(sb + 0xb4);
	b->incompat = get_le64(sb + 0xbc);
	b->csum_type = get_le16(sb + 0xc4);
	b->root_level = sb[0xc6];
	b->chunk_root_level = sb[0xc7];
	b->devid = get_le64(sb + 0xc9);
	memcpy(b->dev_uuid, sb + 0xc9 + 66, 16);
	memcpy(b->label, sb + 0x12b, 256);
	b->label[256] = 0;
	memcpy(b->metadata_uuid,
	       b->incompat & BTRFS_INCOMPAT_METADATA_UUID ? sb + 0x23b
							  : sb + 0x20,
	       16);
	if (!pow2_in(b->sectorsize, 4096, 65536) ||
	    !pow2_in(b->nodesize, b->sectorsize, 65536) || b->nodesize < 4096)
		return fsimg_werr(w, -EUCLEAN,
				  "superblock at byte %llu: sector size %u, "
				  "node size %u",
				  at, b->sectorsize, b->nodesize);
	if (b->root_level >= BTRFS_MAX_LEVEL ||
	    b->chunk_root_level >= BTRFS_MAX_LEVEL)
		return fsimg_werr(w, -EUCLEAN,
				  "superblock at byte %llu: tree levels %u "
				  "and %u",
				  at, b->root_level, b->chunk_root_level);
	if (b->csum_type != 0)
		return fsimg_werr(w, -EOPNOTSUPP,
				  "superblock at byte %llu: %s checksums are "
				  "not read (only crc32c)",
				  at, csum_name(b->csum_type));
	unknown = (uint32_t)(b->incompat & ~(uint64_t)BTRFS_INCOMPAT_KNOWN);
	if (unknown || b->incompat >> 32)
		return fsimg_werr(
			w, -EOPNOTSUPP,
			"superblock at byte %llu: incompatible "
			"features 0x%llx are not read",
			at,
			(unsigned long long)(b->incompat &
					     ~(uint64_t)BTRFS_INCOMPAT_KNOWN));
	if (b->num_devices != 1)
		return fsimg_werr(w, -EOPNOTSUPP,
				  "superblock at byte %llu: the filesystem "
				  "spans %llu devices; only one is read",
				  at, (unsigned long long)b->num_devices);
	return 0;
}

/* --- chunks ------------------------------------------------------------------
 */

int btrfs_map(const struct btrfs_fs *b, uint64_t logical, uint64_t len,
	      uint64_t *physical)
{
	return btrfs_map_copy(b, logical, len, 0, physical);
}

int btrfs_map_copy(const struct btrfs_fs *b, uint64_t logical, uint64_t len,
		   unsigned copy, uint64_t *physical)
{
	size_t lo = 0, hi = b->nchunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct btrfs_chunk *c = &b->chunks[mid];

		if (logical < c->logical) {
			hi = mid;
		} else if (logical - c->logical >= c->length) {
			lo = mid + 1;
		} else {
			if (len > c->length - (logical - c->logical))
				return -EUCLEAN;
			if (copy >= c->copies)
				return -ENOENT;
			*physical = c->physical[copy] + (logical - c->logical);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Adds the chunk item (at p, size bytes) starting at logical: the stripe
 * on our device. The map stays sorted; a chunk overlapping one already
 * there is refused.
 */
static int chunk_add(struct btrfs_fs *b, uint64_t logical, const uint8_t *p,
		     uint32_t size)
{
	const struct fsimg_window *w = &b->win;
	struct btrfs_chunk c = { .logical = logical };
	uint64_t type, end;
	unsigned n, i;
	size_t pos;

	if (size < 48 + 32)
		return fsimg_werr(w, -EUCLEAN, "chunk at %llu: truncated",
				  (unsigned long long)logical);
	c.length = get_le64(p);
	type = get_le64(p + 24);
	n = get_le16(p + 44);
	if (!n || size < 48 + (size_t)n * 32 || !c.length ||
	    ckd_add(&end, logical, c.length))
		return fsimg_werr(w, -EUCLEAN,
				  "chunk at %llu: %u stripes, length %llu",
				  (unsigned long long)logical, n,
				  (unsigned long long)c.length);
	if (type & BTRFS_STRIPED)
		return fsimg_werr(w, -EOPNOTSUPP,
				  "chunk at %llu: a striped or parity profile "
				  "(0x%llx) needs other devices",
				  (unsigned long long)logical,
				  (unsigned long long)type);
	if (n > 1 && !(type & BTRFS_MIRRORED))
		return fsimg_werr(w, -EUCLEAN,
				  "chunk at %llu: %u stripes in a single "
				  "profile",
				  (unsigned long long)logical, n);
	for (i = 0; i < n && c.copies < BTRFS_COPIES_MAX; i++) {
		const uint8_t *s = p + 48 + (size_t)i * 32;

		if (get_le64(s) == b->devid)
			c.physical[c.copies++] = get_le64(s + 8);
	}
	if (!c.copies)
		return fsimg_werr(w, -EOPNOTSUPP,
				  "chunk at %llu: no copy on this device",
				  (unsigned long long)logical);
	if (b->nchunks >= BTRFS_CHUNKS_MAX)
		return fsimg_werr(w, -EUCLEAN, "more than %u chunks",
				  BTRFS_CHUNKS_MAX);
	/* insertion point; the chunk tree gives chunks in order */
	pos = b->nchunks;
	while (pos > 0 && b->chunks[pos - 1].logical > logical)
		pos--;
	if ((pos > 0 && b->chunks[pos - 1].logical + b->chunks[pos - 1].length >
				logical) ||
	    (pos < b->nchunks && b->chunks[pos].logical < end)) {
		/* the system chunks are in the tree as well: the same one */
		if (pos > 0 && b->chunks[pos - 1].logical == logical &&
		    b->chunks[pos - 1].length == c.length &&
		    b->chunks[pos - 1].physical[0] == c.physical[0])
			return 0;
		return fsimg_werr(w, -EUCLEAN, "chunk at %llu overlaps another",
				  (unsigned long long)logical);
	}
	if (b->nchunks == b->chunks_cap) {
		size_t cap = b->chunks_cap ? b->chunks_cap * 2 : 16;
		struct btrfs_chunk *grown =
			realloc(b->chunks, cap * sizeof(*b->chunks));

		if (!grown)
			return -ENOMEM;
		b->chunks = grown;
		b->chunks_cap = cap;
	}
	memmove(&b->chunks[pos + 1], &b->chunks[pos],
		(b->nchunks - pos) * sizeof(*b->chunks));
	b->chunks[pos] = c;
	b->nchunks++;
	return 0;
}

static int sys_chunks(struct btrfs_fs *b, const uint8_t *sb)
{
	uint32_t size = get_le32(sb + 0xa0), pos = 0;
	const uint8_t *a = sb + 0x32b;
	int rc;

	if (size > 2048)
		return fsimg_werr(&b->win, -EUCLEAN,
				  "superblock: system chunk array of %u bytes",
				  size);
	while (pos < size) {
		struct btrfs_key k;
		uint32_t len;

		if (size - pos < 17 + 48)
			return fsimg_werr(&b->win, -EUCLEAN,
					  "superblock: system chunk array "
					  "truncated");
		key_of(a + pos, &k);
		len = 48 + (uint32_t)get_le16(a + pos + 17 + 44) * 32;
		if (k.type != BTRFS_CHUNK_ITEM || len > size - pos - 17)
			return fsimg_werr(&b->win, -EUCLEAN,
					  "superblock: bad system chunk array");
		rc = chunk_add(b, k.offset, a + pos + 17, len);
		if (rc)
			return rc;
		pos += 17 + len;
	}
	return 0;
}

/* --- trees -------------------------------------------------------------------
 */

/* Reads copy copy of the node at logical; why says what was wrong. */
static int node_copy(struct btrfs_fs *b, uint64_t logical, unsigned copy,
		     uint8_t *buf, uint64_t *phys, char *why, size_t room)
{
	uint32_t want, got;
	int rc;

	rc = btrfs_map_copy(b, logical, b->nodesize, copy, phys);
	if (rc) {
		snprintf(why, room, "not in any chunk");
		return rc == -ENOENT && copy ? -ENOENT : -EUCLEAN;
	}
	rc = fsimg_wread_cached(&b->win, *phys, buf, b->nodesize);
	if (rc) {
		snprintf(why, room, "cannot read: %s", strerror(-rc));
		return rc;
	}
	want = get_le32(buf);
	got = fsimg_crc32c(0, buf + BTRFS_CSUM_SIZE,
			   b->nodesize - BTRFS_CSUM_SIZE);
	if (want != got) {
		snprintf(why, room, "checksum %08x, computed %08x", want, got);
		return -EUCLEAN;
	}
	if (get_le64(buf + 0x30) != logical ||
	    memcmp(buf + 0x20, b->metadata_uuid, 16)) {
		snprintf(why, room,
			 "not the node of this filesystem at logical %llu",
			 (unsigned long long)logical);
		return -EUCLEAN;
	}
	return 0;
}

/*
 * Reads and checks the node at logical into buf; its level must be level.
 * Only the root of a tree may be an empty leaf: an empty node or leaf
 * below a node is refused, so that walking a tree always finds an item
 * (and a walk over many pointers to empty leaves cannot go on).
 * A copy that fails its checks is passed over for the next one (DUP
 * metadata keeps two), as the kernel does; the first one's failure is
 * said either way.
 */
static int node_read(struct btrfs_fs *b, uint64_t logical, unsigned level,
		     bool root, uint8_t *buf)
{
	const struct fsimg_window *w = &b->win;
	uint64_t phys, first = 0;
	uint32_t n, max;
	char why[96], first_why[96];
	int rc, first_rc = 0;

	for (unsigned copy = 0;; copy++) {
		rc = node_copy(b, logical, copy, buf, &phys, why, sizeof(why));
		if (!rc)
			break;
		if (!copy) {
			first_rc = rc;
			first = phys;
			memcpy(first_why, why, sizeof(why));
			if (rc == -EUCLEAN && !strcmp(why, "not in any chunk"))
				return fsimg_werr(w, -EUCLEAN,
						  "tree node at logical %llu: "
						  "not in any chunk",
						  (unsigned long long)logical);
		}
		if (rc == -ENOENT || copy + 1 >= BTRFS_COPIES_MAX)
			return fsimg_werr(w, first_rc,
					  "tree node at byte %llu: %s",
					  fsimg_wabs(w, first), first_why);
	}
	/* said once: a damaged node is read again and again */
	if (phys != first && first_rc && !atomic_exchange(&b->noted_copy, true))
		fsimg_werr(w, 0,
			   "tree node at byte %llu: %s; its copy at byte %llu "
			   "read instead",
			   fsimg_wabs(w, first), first_why,
			   fsimg_wabs(w, phys));
	n = get_le32(buf + 0x60);
	max = level ? (b->nodesize - BTRFS_HDR_SIZE) / BTRFS_KEYPTR_SIZE
		    : (b->nodesize - BTRFS_HDR_SIZE) / BTRFS_ITEM_SIZE;
	if (buf[0x64] != level || n > max || (!n && (level || !root)))
		return fsimg_werr(w, -EUCLEAN,
				  "tree node at byte %llu: level %u with %u "
				  "items (want level %u)",
				  fsimg_wabs(w, phys), buf[0x64], n, level);
	if (!level) {
		/* every item's data inside the leaf */
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *it = buf + BTRFS_HDR_SIZE +
					    (size_t)i * BTRFS_ITEM_SIZE;
			uint64_t end =
				(uint64_t)get_le32(it + 17) + get_le32(it + 21);

			if (end > b->nodesize - BTRFS_HDR_SIZE ||
			    get_le32(it + 17) < (uint64_t)n * BTRFS_ITEM_SIZE)
				return fsimg_werr(w, -EUCLEAN,
						  "leaf at byte %llu: item %u "
						  "outside the leaf",
						  fsimg_wabs(w, phys), i);
		}
	}
	return 0;
}

int btrfs_path_init(struct btrfs_fs *b, struct btrfs_path *p)
{
	memset(p, 0, sizeof(*p));
	p->leaf = malloc(b->nodesize);
	return p->leaf ? 0 : -ENOMEM;
}

void btrfs_path_free(struct btrfs_path *p)
{
	free(p->leaf);
	p->leaf = NULL;
}

void btrfs_item(const struct btrfs_fs *b, const struct btrfs_path *p,
		struct btrfs_key *k, const uint8_t **data, uint32_t *size)
{
	const uint8_t *it =
		p->leaf + BTRFS_HDR_SIZE + (size_t)p->slot[0] * BTRFS_ITEM_SIZE;

	(void)b;
	key_of(it, k);
	*data = p->leaf + BTRFS_HDR_SIZE + get_le32(it + 17);
	*size = get_le32(it + 21);
}

/* Index of the last entry (of n, stride bytes apart) with key <= k, or -1. */
static long last_le(const uint8_t *ents, unsigned n, size_t stride,
		    const struct btrfs_key *k)
{
	long lo = 0, hi = (long)n;

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		struct btrfs_key m;

		key_of(ents + (size_t)mid * stride, &m);
		if (btrfs_key_cmp(&m, k) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

int btrfs_search_le(struct btrfs_fs *b, uint64_t root, uint8_t level,
		    const struct btrfs_key *k, struct btrfs_path *p)
{
	uint8_t *buf = p->leaf;
	uint64_t at = root;
	int lv = level;
	long i;
	int rc;

	if (level >= BTRFS_MAX_LEVEL)
		return -EUCLEAN;
	p->levels = level + 1u;
	p->valid = false;
	for (; lv >= 0; lv--) {
		rc = node_read(b, at, (unsigned)lv, lv == level, buf);
		if (rc)
			return rc;
		p->node[lv] = at;
		p->nritems[lv] = get_le32(buf + 0x60);
		i = last_le(buf + BTRFS_HDR_SIZE, p->nritems[lv],
			    lv ? BTRFS_KEYPTR_SIZE : BTRFS_ITEM_SIZE, k);
		if (lv == 0) {
			p->slot[0] = i < 0 ? 0 : (unsigned)i;
			p->valid = i >= 0 && p->nritems[0] > 0;
			if (p->valid) {
				const uint8_t *d;
				uint32_t n;

				btrfs_item(b, p, &p->key, &d, &n);
			}
			return p->valid ? 1 : 0;
		}
		if (i < 0)
			i = 0;
		p->slot[lv] = (unsigned)i;
		at = get_le64(buf + BTRFS_HDR_SIZE +
			      (size_t)i * BTRFS_KEYPTR_SIZE + 17);
	}
	return 0;
}

/* Moves to the next leaf (never empty): 1, 0 at the end of the tree, -errno. */
static int next_leaf(struct btrfs_fs *b, struct btrfs_path *p)
{
	uint8_t *buf = p->leaf;
	unsigned lv;
	uint64_t at;
	int rc;

	/* up to the first level with a next child, then leftmost down */
	for (lv = 1; lv < p->levels; lv++)
		if (p->slot[lv] + 1 < p->nritems[lv])
			break;
	if (lv >= p->levels)
		return 0;
	p->slot[lv]++;
	/* that node is read again (buf holds a leaf); those below it once */
	rc = node_read(b, p->node[lv], lv, lv + 1 == p->levels, buf);
	if (rc)
		return rc;
	if (get_le32(buf + 0x60) != p->nritems[lv])
		return -EUCLEAN;
	for (;;) {
		at = get_le64(buf + BTRFS_HDR_SIZE +
			      (size_t)p->slot[lv] * BTRFS_KEYPTR_SIZE + 17);
		lv--;
		rc = node_read(b, at, lv, false, buf);
		if (rc)
			return rc;
		p->node[lv] = at;
		p->nritems[lv] = get_le32(buf + 0x60);
		p->slot[lv] = 0;
		if (lv == 0)
			break;
	}
	return 1;
}

int btrfs_next(struct btrfs_fs *b, struct btrfs_path *p)
{
	struct btrfs_key prev = p->key, k;
	bool had = p->valid;
	const uint8_t *d;
	uint32_t n;
	int rc;

	if (p->valid && p->slot[0] + 1 < p->nritems[0]) {
		p->slot[0]++;
	} else if (!p->valid && p->nritems[0] > 0 && p->slot[0] == 0) {
		/* positioned before the first item of this leaf */
		had = false;
	} else {
		rc = next_leaf(b, p);
		if (rc <= 0) {
			p->valid = false;
			return rc;
		}
	}
	p->valid = true;
	btrfs_item(b, p, &k, &d, &n);
	/*
	 * Keys only grow: a tree whose nodes point back at what was read
	 * (a cycle, or one leaf under many pointers) ends here.
	 */
	if (had && btrfs_key_cmp(&k, &prev) <= 0) {
		p->valid = false;
		return fsimg_werr(&b->win, -EUCLEAN,
				  "tree node at logical %llu: keys out of "
				  "order",
				  (unsigned long long)p->node[0]);
	}
	p->key = k;
	return 1;
}

int btrfs_search_ge(struct btrfs_fs *b, uint64_t root, uint8_t level,
		    const struct btrfs_key *k, struct btrfs_path *p)
{
	struct btrfs_key f;
	const uint8_t *d;
	uint32_t n;
	int rc = btrfs_search_le(b, root, level, k, p);

	if (rc < 0)
		return rc;
	if (rc == 1) {
		btrfs_item(b, p, &f, &d, &n);
		if (!btrfs_key_cmp(&f, k))
			return 1;
	}
	return btrfs_next(b, p);
}

int btrfs_search_exact(struct btrfs_fs *b, uint64_t root, uint8_t level,
		       const struct btrfs_key *k, struct btrfs_path *p,
		       const uint8_t **data, uint32_t *size)
{
	struct btrfs_key f;
	int rc = btrfs_search_le(b, root, level, k, p);

	if (rc != 1)
		return rc;
	btrfs_item(b, p, &f, data, size);
	return btrfs_key_cmp(&f, k) ? 0 : 1;
}

static int chunk_tree(struct btrfs_fs *b)
{
	struct btrfs_key k = { BTRFS_FIRST_CHUNK_TREE, BTRFS_CHUNK_ITEM, 0 };
	struct btrfs_path p;
	unsigned long n = 0;
	int rc;

	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = btrfs_search_ge(b, b->chunk_root, b->chunk_root_level, &k, &p);
	while (rc == 1) {
		struct btrfs_key f;
		const uint8_t *d;
		uint32_t size;

		btrfs_item(b, &p, &f, &d, &size);
		if (f.objectid != BTRFS_FIRST_CHUNK_TREE ||
		    f.type != BTRFS_CHUNK_ITEM)
			break;
		rc = chunk_add(b, f.offset, d, size);
		if (rc)
			break;
		if (++n > BTRFS_CHUNKS_MAX) {
			rc = -EUCLEAN;
			break;
		}
		rc = btrfs_next(b, &p);
	}
	btrfs_path_free(&p);
	return rc < 0 ? rc : 0;
}

int btrfs_tree_root(struct btrfs_fs *b, uint64_t tree, uint64_t *root,
		    uint8_t *level)
{
	struct btrfs_key k = { tree, BTRFS_ROOT_ITEM, UINT64_MAX }, f;
	struct btrfs_path p;
	const uint8_t *d;
	uint32_t size;
	int rc;

	rc = btrfs_path_init(b, &p);
	if (rc)
		return rc;
	rc = btrfs_search_le(b, b->root, b->root_level, &k, &p);
	if (rc == 1) {
		btrfs_item(b, &p, &f, &d, &size);
		if (f.objectid != tree || f.type != BTRFS_ROOT_ITEM)
			rc = -ENOENT;
		else if (size < 239 || d[238] >= BTRFS_MAX_LEVEL)
			rc = fsimg_werr(&b->win, -EUCLEAN,
					"root item of tree %llu: bad",
					(unsigned long long)tree);
		else {
			*root = get_le64(d + 176);
			*level = d[238];
			rc = 0;
		}
	} else if (rc == 0) {
		rc = -ENOENT;
	}
	btrfs_path_free(&p);
	return rc;
}

/* The default subvolume: the root tree's "default" entry in dir 6. */
static uint64_t default_subvol(struct btrfs_fs *b)
{
	struct btrfs_key k = { BTRFS_ROOT_TREE_DIR_OBJECTID, BTRFS_DIR_ITEM,
			       btrfs_name_hash("default", 7) };
	struct btrfs_path p;
	const uint8_t *d;
	uint32_t size;
	uint64_t id = BTRFS_FS_TREE_OBJECTID;

	if (btrfs_path_init(b, &p))
		return id;
	if (btrfs_search_exact(b, b->root, b->root_level, &k, &p, &d, &size) ==
		    1 &&
	    size >= 30 + 7 && get_le16(d + 27) == 7 &&
	    !memcmp(d + 30, "default", 7))
		id = get_le64(d);
	btrfs_path_free(&p);
	return id;
}

/* --- driver --------------------------------------------------------------- */

static int btrfs_probe(const struct fsimg_window *w)
{
	uint8_t m[8];

	if (!fsimg_window_has(w, BTRFS_SB_OFF, BTRFS_SB_SIZE) ||
	    fsimg_wread(w, BTRFS_SB_OFF + 0x40, m, 8) < 0)
		return 0;
	return !memcmp(m, BTRFS_MAGIC, 8);
}

/* subvol=PATH: the tree of the subvolume at PATH from the top level. */
static int subvol_by_path(struct btrfs_fs *b, const char *path, uint64_t *id)
{
	fsimg_ino ino;
	int rc;

	b->tree = BTRFS_FS_TREE_OBJECTID;
	rc = btrfs_tree_root(b, b->tree, &b->tree_root, &b->tree_level);
	if (rc)
		return rc;
	b->fs->root = btrfs_handle(b->tree, BTRFS_FIRST_FREE_OBJECTID);
	rc = fsimg_resolve(b->fs, path, 0, &ino, NULL);
	if (rc)
		return fsimg_werr(&b->win, rc, "subvol=%s: %s", path,
				  strerror(-rc));
	if ((ino & (((fsimg_ino)1 << BTRFS_INO_BITS) - 1)) !=
	    BTRFS_FIRST_FREE_OBJECTID)
		return fsimg_werr(&b->win, -EINVAL,
				  "subvol=%s: not a subvolume", path);
	*id = ino >> BTRFS_INO_BITS;
	return 0;
}

static int btrfs_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct btrfs_fs *b = calloc(1, sizeof(*b));
	uint8_t *sb = malloc(BTRFS_SB_SIZE);
	const char *subvol = NULL;
	uint64_t id = 0;
	bool have_id = false;
	int rc = -ENOMEM, first = 0;

	if (!b || !sb)
		goto err;
	b->fs = fs;
	b->win = fs->win;
	rc = fsimg_opt_take_uint(opts, "subvolid", 0, BTRFS_TREE_MAX, &id,
				 &have_id);
	if (rc)
		goto err;
	if (fsimg_opt_take(opts, "subvol", &subvol) && !subvol) {
		rc = fsimg_werr(&fs->win, -EINVAL, "subvol= needs a path");
		goto err;
	}
	/* the first copy whose checks pass; the first one's error stays */
	for (unsigned i = 0; i < 3; i++) {
		rc = sb_read(b, i, sb, i > 0);
		if (i == 0)
			first = rc;
		if (!rc) {
			b->sb_copy = i;
			break;
		}
	}
	if (rc) {
		rc = first ? first : rc;
		goto err;
	}
	if (b->sb_copy)
		fsimg_werr(&fs->win, 0,
			   "superblock copy %u at byte %llu read instead",
			   b->sb_copy,
			   fsimg_wabs(&fs->win, sb_copies[b->sb_copy]));
	rc = sb_parse(b, sb);
	if (!rc)
		rc = sys_chunks(b, sb);
	if (!rc)
		rc = chunk_tree(b);
	if (rc)
		goto err;
	fs->priv = b;
	if (subvol && !have_id) {
		rc = subvol_by_path(b, subvol, &id);
		if (rc)
			goto err_priv;
		have_id = true;
	}
	b->tree = have_id ? id : default_subvol(b);
	rc = btrfs_tree_root(b, b->tree, &b->tree_root, &b->tree_level);
	if (rc == -ENOENT)
		rc = fsimg_werr(&fs->win, -ENOENT, "no subvolume %llu",
				(unsigned long long)b->tree);
	if (rc)
		goto err_priv;
	fs->root = btrfs_handle(b->tree, BTRFS_FIRST_FREE_OBJECTID);
	free(sb);
	return 0;
err_priv:
	fs->priv = NULL;
err:
	if (b)
		free(b->chunks);
	free(b);
	free(sb);
	return rc;
}

static void btrfs_close(fsimg_fs *fs)
{
	struct btrfs_fs *b = btrfs_of(fs);

	if (b)
		free(b->chunks);
	free(b);
	fs->priv = NULL;
}

static void uuid_text(const uint8_t *u, char *out, size_t size)
{
	snprintf(out, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int btrfs_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct btrfs_fs *b = btrfs_of(fs);

	fsimg_strcpy_trunc(info->label, sizeof(info->label), b->label);
	uuid_text(b->fsid, info->uuid, sizeof(info->uuid));
	info->size = b->total_bytes;
	info->block_size = b->sectorsize;
	return 0;
}

static int btrfs_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct btrfs_fs *b = btrfs_of(fs);
	struct fsimg_details d = { fn, ctx, 0 };
	static const struct {
		uint32_t bit;
		const char *name;
	} feat[] = {
		{ BTRFS_INCOMPAT_MIXED_BACKREF, "mixed_backref" },
		{ BTRFS_INCOMPAT_DEFAULT_SUBVOL, "default_subvol" },
		{ BTRFS_INCOMPAT_MIXED_GROUPS, "mixed_groups" },
		{ BTRFS_INCOMPAT_COMPRESS_LZO, "compress_lzo" },
		{ BTRFS_INCOMPAT_COMPRESS_ZSTD, "compress_zstd" },
		{ BTRFS_INCOMPAT_BIG_METADATA, "big_metadata" },
		{ BTRFS_INCOMPAT_EXTENDED_IREF, "extended_iref" },
		{ BTRFS_INCOMPAT_RAID56, "raid56" },
		{ BTRFS_INCOMPAT_SKINNY_METADATA, "skinny_metadata" },
		{ BTRFS_INCOMPAT_NO_HOLES, "no_holes" },
		{ BTRFS_INCOMPAT_METADATA_UUID, "metadata_uuid" },
		{ BTRFS_INCOMPAT_RAID1C34, "raid1c34" },
		{ BTRFS_INCOMPAT_SIMPLE_QUOTA, "simple_quota" },
	};
	char v[256];
	size_t n = 0;

	v[0] = 0;
	for (size_t k = 0; k < sizeof(feat) / sizeof(feat[0]); k++)
		if ((b->incompat & feat[k].bit) && n < sizeof(v))
			n += (size_t)snprintf(v + n, sizeof(v) - n, "%s%s",
					      n ? " " : "", feat[k].name);
	fsimg_details_num(&d, "node_size", b->nodesize);
	fsimg_details_num(&d, "sector_size", b->sectorsize);
	fsimg_details_num(&d, "generation", b->generation);
	fsimg_details_num(&d, "bytes_used", b->bytes_used);
	fsimg_details_text(&d, "checksum", "%s", csum_name(b->csum_type));
	fsimg_details_text(&d, "features", "%s", v);
	fsimg_details_num(&d, "subvolume", b->tree);
	fsimg_details_num(&d, "chunks", b->nchunks);
	fsimg_details_num(&d, "superblock_copy", b->sb_copy);
	return d.rc;
}

static int btrfs_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct btrfs_fs *b = btrfs_of(fs);

	st->bsize = b->sectorsize;
	st->blocks = b->total_bytes / b->sectorsize;
	st->bfree = b->bytes_used < b->total_bytes
			    ? (b->total_bytes - b->bytes_used) / b->sectorsize
			    : 0;
	st->files = 0;
	st->ffree = 0;
	st->namemax = 255;
	return 0;
}

const struct fsimg_driver fsimg_btrfs_driver = {
	.name = "btrfs",
	.label = "btrfs",
	.debug = "btrfs",
	.probe = btrfs_probe,
	.open = btrfs_open,
	.close = btrfs_close,
	.info = btrfs_info,
	.details = btrfs_details,
	.statfs = btrfs_statfs,
	.getattr = btrfs_getattr,
	.lookup = btrfs_lookup,
	.readdir = btrfs_readdir,
	.readlink = btrfs_readlink,
	.file_open = btrfs_file_open,
	.file_read = btrfs_file_read,
	.file_map = btrfs_file_map,
	.file_close = btrfs_file_close,
	.getxattr = btrfs_getxattr,
	.listxattr = btrfs_listxattr,
};
