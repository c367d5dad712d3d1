/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Partition tables read without libblkid: the disk inside a container
 * (qcow2, VMDK, ...) is no file descriptor libblkid could be given. The
 * readers (own_dos.c, own_gpt.c, own_sun.c, own_mac.c, own_sgi.c,
 * own_atari.c, and the small ones here: AIX, Ultrix, BSD, UnixWare,
 * Solaris x86, Minix) follow libblkid 2.38 (libblkid/src/partitions/) check for
 * check, and this file its probing loop (partitions.c: partitions_probe(),
 * idinfo_probe(), blkid_partitions_do_subprobe()), so that
 * fsimg_plist_own() lists a raw disk exactly as blkid_list() does; the
 * entries are made from what they find by list.c, as libblkid's are.
 *
 * Every read is bounded: sectors and 1 KiB blocks through the image's
 * block cache, the GPT entry array in chunks, at most OWN_PARTS_MAX
 * partitions and OWN_TABS_MAX tables whatever a table claims. Past those
 * bounds (1024 partitions, a GPT array over 64 MiB) the listing may differ
 * from libblkid's; below them it may not.
 */
#include "own.h"

#include <stdio.h>
#include <stdlib.h>

/* libblkid's probe order (partitions.c idinfos[]): a GPT disk is "gpt". */
static const struct own_table *const own_tables[] = {
	&own_aix,     &own_sgi,	  &own_sun,    &own_dos, &own_gpt,
	&own_pmbr,    &own_mac,	  &own_ultrix, &own_bsd, &own_unixware,
	&own_solaris, &own_minix, &own_atari,  NULL,
};

int own_read(const struct own_probe *pr, uint64_t off, void *buf, size_t len)
{
	uint64_t end;

	/* blkid_probe_get_buffer(): outside the area is "nothing there" */
	if (!len || ckd_add(&end, off, len) || end > pr->size)
		return 0;
	if (ckd_add(&off, off, pr->off))
		return 0;
	/* the area lies inside the disk: own_subprobe() checked it */
	while (len) {
		size_t n = len > FSIMG_READ_MAX ? FSIMG_READ_MAX : len;
		int rc = fsimg_wread_cached(&pr->disk, off, buf, n);

		if (rc)
			return rc;
		off += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 1;
}

struct own_tab *own_new_table(struct own_list *ls, const char *type)
{
	struct own_tab *t;

	if (ls->ntabs >= OWN_TABS_MAX)
		return NULL;
	t = &ls->tab[ls->ntabs++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->parent = ls->next_parent;
	return t;
}

struct own_part *own_add(struct own_list *ls, const struct own_tab *tab,
			 uint64_t start, uint64_t size)
{
	struct own_part *p;

	if (ls->n >= OWN_PARTS_MAX)
		return NULL;
	p = &ls->p[ls->n++];
	memset(p, 0, sizeof(*p));
	p->tab = (int)(tab - ls->tab);
	p->partno = ls->next_partno++;
	p->start = start;
	p->size = size;
	return p;
}

int own_logical_type(const struct own_list *ls, const struct own_part *p)
{
	const struct own_tab *t = &ls->tab[p->tab];

	if (t->parent >= 0)
		return 'L'; /* nested partitions count as logical */
	if (!strcmp(t->type, "dos")) {
		if (p->partno > 4)
			return 'L';
		if (p->type == 0x05 || p->type == 0x0f || p->type == 0x85)
			return 'E';
	}
	return 'P';
}

void own_set_string(char *dst, size_t size, const uint8_t *s, size_t len)
{
	size_t n;

	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	/* blkid_rtrim_whitespace() */
	n = strlen(dst);
	while (n && (dst[n - 1] == ' ' ||
		     (dst[n - 1] >= '\t' && dst[n - 1] <= '\r')))
		dst[--n] = '\0';
}

void own_guid_str(const uint8_t *g, char *out)
{
	snprintf(out, OWN_UUID_SIZE,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 get_le32(g), get_le16(g + 4), get_le16(g + 6), g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* libblkid's idinfo_probe(): the magic, then the reader. */
static int idinfo_probe(struct own_probe *pr, const struct own_table *t)
{
	const struct own_magic *mag;
	uint8_t blk[1024];
	int rc;

	if (!pr->size || (t->minsz && t->minsz > pr->size))
		return OWN_NONE;
	if (!t->magics[0].magic)
		return t->probe(pr, NULL);
	for (mag = t->magics; mag < t->magics + 4 && mag->magic; mag++) {
		rc = own_read(pr, (uint64_t)(mag->sboff >> 10) << 10, blk,
			      sizeof(blk));
		if (rc < 0)
			return rc;
		if (rc &&
		    !memcmp(blk + (mag->sboff & 0x3ff), mag->magic, mag->len))
			return t->probe(pr, mag);
	}
	return OWN_NONE;
}

int own_subprobe(struct own_probe *pr, int parent, const struct own_table *t)
{
	const struct own_part *p = &pr->ls->p[parent];
	struct own_probe sub = *pr;
	uint64_t off = p->start << 9, sz = p->size << 9; /* as libblkid */
	int rc;

	if (!p->size)
		return -EINVAL;
	/* libblkid gives up the whole table for a nested one past the end */
	if (off < pr->off || pr->off + pr->size < off + sz)
		return -ENOSPC;
	sub.off = off;
	sub.size = sz;
	sub.tiny = sz <= 1440u * 1024;
	pr->ls->next_parent = parent;
	rc = idinfo_probe(&sub, t);
	pr->ls->next_parent = -1;
	return rc;
}

/* --- AIX: a magic number and nothing libblkid knows more ------------------ */

static int aix_probe(struct own_probe *pr, const struct own_magic *mag)
{
	(void)mag;
	return own_new_table(pr->ls, "aix") ? OWN_OK : OWN_NONE;
}

const struct own_table own_aix = {
	.name = "aix",
	.magics = { { "\xc9\xc2\xd4\xc1", 4, 0 } },
	.probe = aix_probe,
};

/* --- BSD disklabel (libblkid bsd.c): little-endian, 16 slots ------------- */

#define OWN_BSD_MAGIC_LE "\x57\x45\x56\x82"
#define OWN_BSD_NPARTS	 138u
#define OWN_BSD_PARTS	 148u
#define OWN_BSD_MAXPARTS 16u

static int bsd_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	const struct own_part *parent =
		ls->next_parent >= 0 ? &ls->p[ls->next_parent] : NULL;
	const char *name = "bsd";
	uint32_t abs_offset = 0;
	unsigned nparts = OWN_BSD_MAXPARTS, np;
	uint8_t blk[1024];
	const uint8_t *l;
	struct own_tab *tab;
	int rc;

	/* the block holding the magic: the label and its 16 slots fit in it
	   (64, 128 or 512 + 148 + 16 * 16 <= 1024) */
	rc = own_read(pr, (uint64_t)(mag->sboff >> 10) << 10, blk, sizeof(blk));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	l = blk + (mag->sboff & 0x3ff);
	if (parent) {
		switch (parent->type) {
		case 0xa5:
			name = "freebsd";
			abs_offset = (uint32_t)parent->start; /* as libblkid */
			break;
		case 0xa9:
			name = "netbsd";
			break;
		case 0xa6:
			name = "openbsd";
			break;
		default:
			break;
		}
	}
	tab = own_new_table(ls, name);
	if (!tab)
		return OWN_NONE;
	np = get_le16(l + OWN_BSD_NPARTS);
	if (np < OWN_BSD_MAXPARTS)
		nparts = np;
	for (unsigned i = 0; i < nparts; i++) {
		const uint8_t *e = l + OWN_BSD_PARTS + i * 16;
		uint32_t start = get_le32(e + 4), size = get_le32(e);
		struct own_part *p;

		if (!e[12]) /* p_fstype unused */
			continue;
		/* FreeBSD 10 on: offsets relative to the slice, told by a
		   raw partition 'c' at 0 */
		if (abs_offset && nparts >= 3 &&
		    get_le32(l + OWN_BSD_PARTS + 2 * 16 + 4) == 0)
			start += abs_offset; /* wraps as libblkid's */
		if (parent && parent->start == start && parent->size == size)
			continue;
		if (parent &&
		    (start < parent->start ||
		     (uint64_t)start + size > parent->start + parent->size))
			continue;
		p = own_add(ls, tab, start, size);
		if (!p)
			break; /* the list is full */
		p->type = e[12];
	}
	return OWN_OK;
}

const struct own_table own_bsd = {
	.name = "bsd",
	.magics = { { OWN_BSD_MAGIC_LE, 4, 512 },
		    { OWN_BSD_MAGIC_LE, 4, 64 },
		    { OWN_BSD_MAGIC_LE, 4, 128 } },
	.probe = bsd_probe,
};

/*
 * --- Solaris x86 VTOC (libblkid solaris_x86.c) ----------------------------
 * list.c drops these entries for vtoc.c's, but they use up partition
 * numbers, which the entries after them show.
 */

static int solaris_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	const struct own_part *parent =
		ls->next_parent >= 0 ? &ls->p[ls->next_parent] : NULL;
	uint8_t b[512];
	struct own_tab *tab;
	unsigned nparts;
	int rc;

	(void)mag;
	rc = own_read(pr, 512, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (get_le32(b + VTOC_OFF_VERSION) != 1)
		return OWN_NONE;
	tab = own_new_table(ls, "solaris");
	if (!tab)
		return OWN_NONE;
	nparts = get_le16(b + VTOC_OFF_NPARTS);
	if (nparts > VTOC_NPARTS)
		nparts = VTOC_NPARTS;
	/* libblkid reads slots 0 .. nparts - 2 */
	for (unsigned i = 1; i < nparts; i++) {
		const uint8_t *e = b + VTOC_OFF_PART + (i - 1) * VTOC_PART_SIZE;
		uint32_t start = get_le32(e + 4), size = get_le32(e + 8);
		struct own_part *p;

		if (!size || get_le16(e) == VTOC_TAG_BACKUP)
			continue;
		if (parent)
			start +=
				(uint32_t)parent->start; /* wraps as libblkid */
		if (parent &&
		    (start < parent->start ||
		     (uint64_t)start + size > parent->start + parent->size))
			continue;
		p = own_add(ls, tab, start, size);
		if (!p)
			break;
		p->type = get_le16(e);
		p->flags = get_le16(e + 2);
	}
	return OWN_OK;
}

const struct own_table own_solaris = {
	.name = "solaris",
	.magics = { { "\xee\xde\x0d\x60", 4, 512 + 12 } },
	.probe = solaris_probe,
};

/* --- UnixWare (libblkid unixware.c): sector 29 of an 0x63 partition ----- */

#define UW_SECTOR  29u
#define UW_VTOC	   156u /* in the sector: v_magic */
#define UW_SLICES  (UW_VTOC + 60u)
#define UW_NSLICES 16u

static int unixware_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	const struct own_part *parent =
		ls->next_parent >= 0 ? &ls->p[ls->next_parent] : NULL;
	uint8_t b[512];
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, UW_SECTOR * 512, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (get_le32(b + UW_VTOC) != 0x600DDEEEu)
		return OWN_NONE;
	tab = own_new_table(ls, "unixware");
	if (!tab)
		return OWN_NONE;
	/* slice 0 is the whole disk */
	for (unsigned i = 1; i < UW_NSLICES; i++) {
		const uint8_t *e = b + UW_SLICES + i * 12;
		unsigned tag = get_le16(e), flg = get_le16(e + 2);
		uint32_t start = get_le32(e + 4), size = get_le32(e + 8);
		struct own_part *p;

		if (!tag || tag == 5 || flg != 0x200)
			continue;
		if (parent &&
		    (start < parent->start ||
		     (uint64_t)start + size > parent->start + parent->size))
			continue;
		p = own_add(ls, tab, start, size);
		if (!p)
			break;
		p->type = (int)tag;
		p->flags = flg;
	}
	return OWN_OK;
}

const struct own_table own_unixware = {
	.name = "unixware",
	/* libblkid's kboff 14 and sboff 14838 put it here, not at d_magic */
	.magics = { { "\x0d\x60\xe5\xca", 4, 29174 } },
	.minsz = 1440u * 1024 + 1,
	.probe = unixware_probe,
};

/* --- Minix (libblkid minix.c): an MBR in an 0x81 partition --------------- */

static int minix_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	const struct own_part *parent =
		ls->next_parent >= 0 ? &ls->p[ls->next_parent] : NULL;
	uint8_t b[512];
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, 0, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (!parent || parent->type != 0x81)
		return OWN_NONE;
	tab = own_new_table(ls, "minix");
	if (!tab)
		return OWN_NONE;
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = b + 446 + i * 16;
		uint32_t start = get_le32(e + 8), size = get_le32(e + 12);
		struct own_part *p;

		if (e[4] != 0x81)
			continue;
		if (start < parent->start ||
		    (uint64_t)start + size > parent->start + parent->size)
			continue;
		p = own_add(ls, tab, start, size);
		if (!p)
			break;
		p->type = e[4];
		p->flags = e[0];
	}
	return OWN_OK;
}

const struct own_table own_minix = {
	.name = "minix",
	.magics = { { "\x55\xaa", 2, 510 } },
	.probe = minix_probe,
};

/*
 * --- Ultrix (libblkid ultrix.c): 72 bytes at the end of sector 31 ---------
 * host-endian in libblkid, so little-endian as on the machines it runs on
 */

#define ULTRIX_LABEL 31u * 512 + 440

static int ultrix_probe(struct own_probe *pr, const struct own_magic *mag)
{
	struct own_list *ls = pr->ls;
	uint8_t b[72];
	struct own_tab *tab;
	int rc;

	(void)mag;
	rc = own_read(pr, ULTRIX_LABEL, b, sizeof(b));
	if (rc <= 0)
		return rc < 0 ? rc : OWN_NONE;
	if (get_le32(b) != 0x032957 || get_le32(b + 4) != 1)
		return OWN_NONE;
	tab = own_new_table(ls, "ultrix");
	if (!tab)
		return OWN_NONE;
	for (unsigned i = 0; i < 8; i++) {
		int32_t n = (int32_t)get_le32(b + 8 + i * 8);

		if (!n) {
			own_skip_partno(ls);
			continue;
		}
		/* a negative count becomes a size list.c leaves out */
		if (!own_add(ls, tab, get_le32(b + 12 + i * 8),
			     (uint64_t)(int64_t)n))
			break;
	}
	return OWN_OK;
}

const struct own_table own_ultrix = {
	.name = "ultrix",
	.probe = ultrix_probe,
};

/* --- the entry point ------------------------------------------------------ */

static int to_plist(fsimg_image *img, const struct own_list *ls,
		    struct plist *l)
{
	int nbsd = 0;

	if (ls->ntabs) {
		fsimg_strcpy_trunc(l->pttype, sizeof(l->pttype),
				   ls->tab[0].type);
		fsimg_strcpy_trunc(l->ptuuid, sizeof(l->ptuuid), ls->tab[0].id);
	}
	for (int i = 0; i < ls->n; i++) {
		const struct own_part *p = &ls->p[i];
		const struct own_tab *t = &ls->tab[p->tab];
		struct fsimg_rawpart r = {
			.start = (int64_t)p->start,
			.size = (int64_t)p->size,
			.partno = p->partno,
			.table = t->type,
			.nested = t->parent >= 0,
			.parent_partno =
				t->parent >= 0 ? ls->p[t->parent].partno : 0,
			.name = p->name,
			.uuid = p->uuid,
			.typestr = p->typestr,
			.type = p->type,
			.flags = p->flags,
			.extended = own_logical_type(ls, p) == 'E',
		};

		if (fsimg_plist_add_raw(img, l, &r, &nbsd))
			break;
	}
	return 0;
}

int fsimg_plist_own(fsimg_image *img, struct plist *l, unsigned sectsz)
{
	struct own_list ls = { .next_partno = 1, .next_parent = -1 };
	struct own_probe pr = { .img = img, .ssz = sectsz, .ls = &ls };
	int rc = OWN_NONE;

	if (fsimg_image_ready(img) || sectsz < 512 || sectsz % 512 ||
	    !fsimg_window_clamp(img, 0, img->size, &pr.disk))
		return 0;
	pr.size = img->size;
	pr.tiny = pr.size <= 1440u * 1024;
	ls.p = malloc(OWN_PARTS_MAX * sizeof(*ls.p));
	if (!ls.p)
		return -ENOMEM;
	for (unsigned i = 0; own_tables[i]; i++) {
		rc = idinfo_probe(&pr, own_tables[i]);
		DBG(PART, "own", "%s: %d, %d partitions", own_tables[i]->name,
		    rc, ls.n);
		if (rc != OWN_NONE)
			break;
	}
	if (rc == OWN_OK)
		rc = to_plist(img, &ls, l);
	else if (rc == -EIO || rc == -ENOMEM)
		fsimg_err(img, rc, "partition table: %s",
			  rc == -EIO ? "I/O error" : "out of memory");
	else
		rc = 0; /* nothing, or a table libblkid gives up on */
	free(ls.p);
	return rc;
}
