/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Our own partition-table readers (own.c and own_*.c), for the disk inside
 * a container, which libblkid cannot read. They read what libblkid 2.38
 * reads and as it reads it, so that a disk lists the same whether libblkid
 * or they read it: the same probe order, the same checks, the same
 * partition numbers, even its arithmetic where it wraps (marked so).
 *
 * The state is libblkid's: a list of partitions and of tables, the number
 * the next partition gets, the parent of the next nested table, and a
 * probing area (the disk, or a partition for a nested table).
 */
#ifndef FSIMG_OWN_H
#define FSIMG_OWN_H

#include "part.h"

/* Partitions one reading may find: past this, the tables are not read on. */
#define OWN_PARTS_MAX 1024
#define OWN_TABS_MAX  16
/* libblkid's string sizes: partition name, UUID or type string */
#define OWN_NAME_SIZE 128
#define OWN_UUID_SIZE 37

struct own_part {
	uint64_t start, size; /* 512-byte sectors */
	int partno;
	int tab; /* index in own_list.tab */
	int type;
	unsigned long long flags;
	char typestr[OWN_UUID_SIZE];
	char name[OWN_NAME_SIZE];
	char uuid[OWN_UUID_SIZE];
};

struct own_tab {
	const char *type;
	int parent; /* index of the partition it lies in, or -1 */
	char id[OWN_UUID_SIZE];
};

struct own_list {
	struct own_part *p;
	int n;
	int next_partno;
	int next_parent; /* -1: none */
	int ntabs;
	struct own_tab tab[OWN_TABS_MAX];
};

/* A probing area: the disk, or the partition a nested table is in. */
struct own_probe {
	fsimg_image *img;
	struct fsimg_window disk; /* the whole disk */
	uint64_t off, size;	  /* the area, bytes */
	unsigned ssz;		  /* sector size */
	bool tiny;		  /* <= 1440 KiB: no nested tables */
	struct own_list *ls;
};

/* A probe's answer, libblkid's: found, not found, or -errno. */
#define OWN_OK	 0
#define OWN_NONE 1

struct own_magic {
	const char *magic;
	unsigned len;
	unsigned sboff; /* bytes from the start of the area */
};

/*
 * One table format. With magics, the area must hold one of them (the
 * first 1 KiB block holding it is read, as libblkid does) and probe is
 * given which; without, probe is always called.
 */
struct own_table {
	const char *name;
	struct own_magic magics[4]; /* up to the first with magic NULL */
	uint64_t minsz;		    /* smaller areas are not probed */
	int (*probe)(struct own_probe *pr, const struct own_magic *mag);
};

extern const struct own_table own_dos, own_gpt, own_pmbr, own_sun, own_mac,
	own_bsd, own_aix, own_solaris, own_sgi, own_unixware, own_minix,
	own_atari, own_ultrix;

/*
 * Reads len bytes at off of the area: 1, 0 when they are not all inside it
 * (libblkid's "nothing there", not an error), -errno.
 */
int own_read(const struct own_probe *pr, uint64_t off, void *buf, size_t len);
/* A new table of the list, nested in next_parent; NULL when full. */
struct own_tab *own_new_table(struct own_list *ls, const char *type);
/* A new partition of table tab; NULL when the list is full. */
struct own_part *own_add(struct own_list *ls, const struct own_tab *tab,
			 uint64_t start, uint64_t size);
/* The partition number an empty slot uses up. */
static inline void own_skip_partno(struct own_list *ls)
{
	ls->next_partno++;
}
/* libblkid's partition_get_logical_type(): 'P', 'E' or 'L'. */
int own_logical_type(const struct own_list *ls, const struct own_part *p);
/* Probes a nested table in partition parent (libblkid's subprobe). */
int own_subprobe(struct own_probe *pr, int parent, const struct own_table *t);
/* Copies len bytes of s, up to a NUL, and trims trailing whitespace. */
void own_set_string(char *dst, size_t size, const uint8_t *s, size_t len);
/* The UUID string of 16 bytes stored as a GUID (first fields LE). */
void own_guid_str(const uint8_t *g, char *out);

#endif /* FSIMG_OWN_H */
