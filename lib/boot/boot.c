/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Boot menus: the scan that visits the image's filesystems and asks each
 * source of boot entries (sources[] below) what it would boot, and the
 * public fsimg_bootmenu_* API over the result.
 *
 * Order. Filesystems are visited as pygrub visits them: a filesystem at
 * offset 0 first (hybrid ISOs are ISOs), then the partitions with the MBR
 * boot flag, then the others in table order, then the El Torito boot
 * images of an ISO that hold a filesystem. On each, the sources run in
 * table order, which is the order pygrub looks for configuration files
 * (grub.cfg, then extlinux/isolinux, then menu.lst), followed by what
 * pygrub does not read. Each run of a source on a filesystem is one
 * "configuration": the default of the menu is the default of the first
 * configuration that gives entries, so the first entries of the menu are
 * the ones pygrub would offer, numbered as pygrub numbers them.
 *
 * Bounds: BOOT_MAX_FS filesystems, BOOT_MAX_ENTRIES entries,
 * BOOT_MAX_CONFIGS configuration files, each read once and at most
 * BOOT_FILE_MAX bytes, strings at most BOOT_STR_MAX, and a bounded number
 * of warnings per scan.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define BOOT_MAX_WARNINGS 64
#define BOOT_ELTORITO_MAX 64 /* boot catalog entries looked into */

extern const struct boot_source boot_source_grub2;
extern const struct boot_source boot_source_syslinux;
extern const struct boot_source boot_source_grub_legacy;
extern const struct boot_source boot_source_bls;
extern const struct boot_source boot_source_uki;
extern const struct boot_source boot_source_treeinfo;
extern const struct boot_source boot_source_debian;
extern const struct boot_source boot_source_casper;
extern const struct boot_source boot_source_windows;
extern const struct boot_source boot_source_freebsd;
extern const struct boot_source boot_source_pvboot;

/* In priority order: pygrub's three first, in pygrub's order. */
static const struct boot_source *const sources[] = {
	&boot_source_grub2,   &boot_source_syslinux, &boot_source_grub_legacy,
	&boot_source_bls,     &boot_source_uki,	     &boot_source_treeinfo,
	&boot_source_debian,  &boot_source_casper,   &boot_source_windows,
	&boot_source_freebsd, &boot_source_pvboot,
};

struct boot_entry {
	struct fsimg_bootmenu_entry pub;
	struct boot_scan *s;
	unsigned group; /* the configuration it came from */
	bool cfg_default;
	bool has_kernel;
	char *title, *id, *kind, *args, *config, *pos, *ids;
	char *kpath;
	char *ipaths[BOOT_MAX_INITRDS];
	struct fsimg_bootmenu_file kernel;
	struct fsimg_bootmenu_file initrds[BOOT_MAX_INITRDS];
	unsigned ninitrds;
	bool initrds_cut;
	bool kept;
};

struct claimed {
	unsigned fs;
	char *path;
};

struct boot_scan {
	fsimg_image *img;
	unsigned flags;
	struct boot_fs fs[BOOT_MAX_FS];
	unsigned nfs;

	struct boot_entry **ents; /* kept entries, in menu order */
	unsigned nents, cap;
	struct boot_entry *building;
	unsigned group; /* the configuration being read */
	int deflt;

	struct claimed claims[BOOT_MAX_CONFIGS];
	unsigned nclaims;
	unsigned warnings;
	fsimg_log_fn log; /* when there is no image (boot_parse_text) */
	void *logctx;
	bool full_logged, claims_logged, oom;
};

/* --- messages --------------------------------------------------------------
 */

void boot_debug(const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (!(fsimg_debug_mask & FSIMG_DBG_BOOT))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fsimg_debug_print("boot", "%s", buf);
}

static void where(char *buf, size_t size, const struct boot_fs *fs,
		  const char *config, unsigned line)
{
	int n = 0;

	buf[0] = 0;
	if (fs && fs->spec[0])
		n = snprintf(buf, size, "partition %s ", fs->spec);
	if (n < 0 || (size_t)n >= size)
		return;
	if (config && config[0] && line)
		snprintf(buf + n, size - n, "%s:%u: ", config, line);
	else if (config && config[0])
		snprintf(buf + n, size - n, "%s: ", config);
}

static void say(struct boot_scan *s, const char *msg)
{
	if (s->img)
		fsimg_err(s->img, 0, "%s", msg);
	else if (s->log)
		s->log(s->logctx, 0, msg);
}

void boot_warn(struct boot_scan *s, const struct boot_source *src,
	       const struct boot_fs *fs, const char *config, unsigned line,
	       const char *fmt, ...)
{
	char at[BOOT_STR_MAX / 4 + 64], msg[1024], line_[2200];
	va_list ap;

	if (s->warnings >= BOOT_MAX_WARNINGS) {
		if (s->warnings++ == BOOT_MAX_WARNINGS)
			say(s, "boot: more problems in the boot "
			       "configuration were not reported");
		return;
	}
	s->warnings++;
	where(at, sizeof(at), fs, config, line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line_, sizeof(line_), "%s: %s%s", src ? src->label : "boot",
		 at, msg);
	say(s, line_);
}

/* --- strings ---------------------------------------------------------------
 */

static char *keep(struct boot_scan *s, const char *what, const char *str)
{
	size_t n = strnlen(str, BOOT_STR_MAX + 1);
	char *p;

	if (n > BOOT_STR_MAX) {
		boot_warn(s, NULL, NULL, NULL, 0,
			  "%s longer than %u bytes: cut", what, BOOT_STR_MAX);
		n = BOOT_STR_MAX;
	}
	p = text_dup(str, n);
	if (!p)
		s->oom = true;
	return p;
}

static void replace(struct boot_scan *s, char **slot, const char *what,
		    const char *str)
{
	char *p = keep(s, what, str ? str : "");

	if (!p)
		return;
	free(*slot);
	*slot = p;
}

/* --- the image's files ------------------------------------------------------
 */

int boot_read_file(struct boot_scan *s, struct boot_fs *fs, const char *path,
		   char **buf, size_t *len)
{
	struct fsimg_stat st;
	fsimg_file *f;
	fsimg_ino ino;
	uint64_t done = 0;
	char *b;
	int rc;

	*buf = NULL;
	*len = 0;
	if (!fs->fs)
		return -ENOENT;
	rc = fsimg_resolve(fs->fs, path, 0, &ino, &st);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return rc;
	if (rc) {
		boot_warn(s, NULL, fs, path, 0, "cannot read it: %s",
			  strerror(-rc));
		return rc;
	}
	if (!S_ISREG(st.mode)) {
		boot_debug("%s %s: not a regular file", fs->spec, path);
		return S_ISDIR(st.mode) ? -EISDIR : -EINVAL;
	}
	if (st.size > BOOT_FILE_MAX) {
		boot_warn(s, NULL, fs, path, 0,
			  "%llu bytes, more than a boot configuration may "
			  "hold (%u): not read",
			  (unsigned long long)st.size, BOOT_FILE_MAX);
		return -EFBIG;
	}
	rc = fsimg_file_open(fs->fs, ino, &f);
	if (rc) {
		boot_warn(s, NULL, fs, path, 0, "cannot open it: %s",
			  strerror(-rc));
		return rc;
	}
	b = malloc(st.size + 1);
	if (!b) {
		fsimg_file_close(f);
		return -ENOMEM;
	}
	while (done < st.size) {
		ssize_t n = fsimg_file_read(f, b + done, st.size - done, done);

		if (n <= 0) {
			rc = n ? (int)n : -EIO;
			boot_warn(s, NULL, fs, path, 0, "reading byte %llu: %s",
				  (unsigned long long)done, strerror(-rc));
			fsimg_file_close(f);
			free(b);
			return rc;
		}
		done += (uint64_t)n;
	}
	fsimg_file_close(f);
	b[done] = 0;
	*buf = b;
	*len = done;
	return 0;
}

int boot_read_first(struct boot_scan *s, const struct boot_source *src,
		    struct boot_fs *fs, const char *const *paths, size_t n)
{
	const char *path = NULL;
	char *buf;
	size_t len;
	int rc;

	for (size_t i = 0; !path && i < n; i++)
		if (boot_is_file(s, fs, paths[i]))
			path = paths[i];
	if (!path || !boot_config_claim(s, fs, path))
		return 0;
	rc = boot_read_file(s, fs, path, &buf, &len);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	rc = src->parse(s, fs, path, buf, len);
	free(buf);
	return rc;
}

static bool is_type(struct boot_fs *fs, const char *path, mode_t type)
{
	struct fsimg_stat st;
	fsimg_ino ino;

	return fs->fs && !fsimg_resolve(fs->fs, path, 0, &ino, &st) &&
	       (st.mode & S_IFMT) == type;
}

bool boot_is_file(struct boot_scan *s, struct boot_fs *fs, const char *path)
{
	(void)s;
	return is_type(fs, path, S_IFREG);
}

bool boot_is_dir(struct boot_scan *s, struct boot_fs *fs, const char *path)
{
	(void)s;
	return is_type(fs, path, S_IFDIR);
}

struct listing {
	char **names;
	size_t n;
	bool files_only, cut, oom;
};

static int list_one(void *ctx, const char *name, fsimg_ino ino,
		    const struct fsimg_stat *st, uint64_t next)
{
	struct listing *l = ctx;

	(void)ino;
	(void)next;
	if (l->files_only &&
	    (!st || (!S_ISREG(st->mode) && !S_ISLNK(st->mode))))
		return 0;
	if (l->n == BOOT_MAX_DIRENTS) {
		l->cut = true;
		return 1;
	}
	l->names[l->n] = strdup(name);
	if (!l->names[l->n]) {
		l->oom = true;
		return 1;
	}
	l->n++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int boot_list_dir(struct boot_scan *s, struct boot_fs *fs, const char *dir,
		  bool files_only, char ***names, size_t *count)
{
	struct listing l = { .files_only = files_only };
	struct fsimg_stat st;
	fsimg_ino ino;
	int rc;

	*names = NULL;
	*count = 0;
	if (!fs->fs)
		return -ENOENT;
	rc = fsimg_resolve(fs->fs, dir, 0, &ino, &st);
	if (rc)
		return rc;
	if (!S_ISDIR(st.mode))
		return -ENOTDIR;
	l.names = calloc(BOOT_MAX_DIRENTS, sizeof(*l.names));
	if (!l.names)
		return -ENOMEM;
	rc = fsimg_readdir(fs->fs, ino, 0, list_one, &l);
	if (l.oom) {
		boot_free_names(l.names, l.n);
		return -ENOMEM;
	}
	if (rc)
		boot_warn(s, NULL, fs, dir, 0, "listing it: %s", strerror(-rc));
	if (l.cut)
		boot_warn(s, NULL, fs, dir, 0,
			  "more than %u names: the rest are not read",
			  BOOT_MAX_DIRENTS);
	qsort(l.names, l.n, sizeof(*l.names), cmp_names);
	*names = l.names;
	*count = l.n;
	return 0;
}

void boot_free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

bool boot_config_claim(struct boot_scan *s, struct boot_fs *fs,
		       const char *path)
{
	char *p;

	for (unsigned i = 0; i < s->nclaims; i++)
		if (s->claims[i].fs == fs->index &&
		    !strcmp(s->claims[i].path, path))
			return false;
	if (s->nclaims == BOOT_MAX_CONFIGS) {
		if (!s->claims_logged)
			boot_warn(s, NULL, fs, path, 0,
				  "more than %u configuration files: the "
				  "rest are not read",
				  BOOT_MAX_CONFIGS);
		s->claims_logged = true;
		return false;
	}
	p = strdup(path);
	if (!p) {
		s->oom = true;
		return false;
	}
	s->claims[s->nclaims].fs = fs->index;
	s->claims[s->nclaims++].path = p;
	boot_debug("reading %s%s%s", fs->spec, fs->spec[0] ? ":" : "", path);
	return true;
}

/* --- filesystems ------------------------------------------------------------
 */

unsigned boot_fs_count(const struct boot_scan *s)
{
	return s->nfs;
}

struct boot_fs *boot_fs_at(struct boot_scan *s, unsigned i)
{
	return i < s->nfs ? &s->fs[i] : NULL;
}

struct boot_fs *boot_fs_by_uuid(struct boot_scan *s, const char *uuid)
{
	for (unsigned i = 0; i < s->nfs; i++)
		if (s->fs[i].uuid[0] && !strcasecmp(s->fs[i].uuid, uuid))
			return &s->fs[i];
	return NULL;
}

struct boot_fs *boot_fs_by_label(struct boot_scan *s, const char *label)
{
	for (unsigned i = 0; i < s->nfs; i++)
		if (s->fs[i].label[0] && !strcmp(s->fs[i].label, label))
			return &s->fs[i];
	return NULL;
}

struct boot_fs *boot_fs_by_spec(struct boot_scan *s, const char *spec)
{
	for (unsigned i = 0; i < s->nfs; i++)
		if (!strcmp(s->fs[i].spec, spec))
			return &s->fs[i];
	return NULL;
}

struct boot_fs *boot_fs_by_file(struct boot_scan *s, const char *path)
{
	for (unsigned i = 0; i < s->nfs; i++)
		if (boot_is_file(s, &s->fs[i], path))
			return &s->fs[i];
	return NULL;
}

/* --- entries -----------------------------------------------------------------
 */

static void entry_free(struct boot_entry *e)
{
	if (!e)
		return;
	free(e->title);
	free(e->id);
	free(e->kind);
	free(e->args);
	free(e->config);
	free(e->pos);
	free(e->ids);
	free(e->kpath);
	for (unsigned i = 0; i < e->ninitrds; i++)
		free(e->ipaths[i]);
	free(e);
}

bool boot_menu_full(const struct boot_scan *s)
{
	return s->nents >= BOOT_MAX_ENTRIES || s->oom;
}

bool boot_kernel_listed(const struct boot_scan *s, const struct boot_fs *fs,
			const char *path, const char *initrd)
{
	for (unsigned i = 0; i < s->nents; i++) {
		const struct boot_entry *e = s->ents[i];

		if (strcmp(e->kernel.part, fs->spec) || strcmp(e->kpath, path))
			continue;
		if (!initrd || (e->ninitrds && !strcmp(e->ipaths[0], initrd) &&
				!strcmp(e->initrds[0].part, fs->spec)))
			return true;
	}
	return false;
}

unsigned boot_entry_count(const struct boot_scan *s)
{
	return s->nents;
}

struct boot_entry *boot_entry_new(struct boot_scan *s,
				  const struct boot_source *src,
				  struct boot_fs *cfgfs, const char *config,
				  unsigned line)
{
	struct boot_entry *e;

	if (boot_menu_full(s)) {
		if (!s->full_logged && !s->oom)
			boot_warn(s, src, cfgfs, config, line,
				  "more than %u boot entries: the rest are "
				  "left out",
				  BOOT_MAX_ENTRIES);
		s->full_logged = true;
		return NULL;
	}
	/* an entry a source forgot to end is dropped */
	entry_free(s->building);
	s->building = NULL;
	e = calloc(1, sizeof(*e));
	if (!e) {
		s->oom = true;
		return NULL;
	}
	e->s = s;
	e->group = s->group;
	e->pub.source = src->name;
	e->pub.config_part = cfgfs->spec;
	e->pub.line = line;
	e->config = keep(s, "a path", config ? config : "");
	e->kernel.part = cfgfs->spec;
	s->building = e;
	return e;
}

void boot_entry_title(struct boot_entry *e, const char *title)
{
	replace(e->s, &e->title, "a title", title);
}

void boot_entry_id(struct boot_entry *e, const char *id)
{
	replace(e->s, &e->id, "an id", id);
}

void boot_entry_kind(struct boot_entry *e, const char *kind)
{
	replace(e->s, &e->kind, "a kind", kind);
}

void boot_entry_args(struct boot_entry *e, const char *args)
{
	replace(e->s, &e->args, "the kernel arguments", args);
}

void boot_entry_menu_path(struct boot_entry *e, const char *pos,
			  const char *ids)
{
	replace(e->s, &e->pos, "a menu path", pos);
	replace(e->s, &e->ids, "a menu path", ids);
}

static const char *fs_spec(struct boot_entry *e, struct boot_fs *fs)
{
	return fs ? fs->spec : e->pub.config_part;
}

void boot_entry_kernel(struct boot_entry *e, struct boot_fs *fs,
		       const char *path)
{
	replace(e->s, &e->kpath, "a path", path);
	e->kernel.part = fs_spec(e, fs);
	e->has_kernel = e->kpath && e->kpath[0];
}

void boot_entry_initrd(struct boot_entry *e, struct boot_fs *fs,
		       const char *path)
{
	char *p;

	if (e->ninitrds == BOOT_MAX_INITRDS) {
		if (!e->initrds_cut)
			boot_warn(e->s, NULL, NULL, e->config, e->pub.line,
				  "more than %u initrds: the rest are left "
				  "out",
				  BOOT_MAX_INITRDS);
		e->initrds_cut = true;
		return;
	}
	p = keep(e->s, "a path", path);
	if (!p)
		return;
	e->ipaths[e->ninitrds] = p;
	e->initrds[e->ninitrds++].part = fs_spec(e, fs);
}

void boot_entry_default(struct boot_entry *e)
{
	e->cfg_default = true;
}

static void group_default(struct boot_scan *s, struct boot_entry *e)
{
	for (unsigned i = 0; i < s->nents; i++)
		if (s->ents[i]->group == e->group)
			s->ents[i]->cfg_default = false;
	e->cfg_default = true;
}

void boot_default_index(struct boot_scan *s, unsigned index)
{
	if (index < s->nents)
		group_default(s, s->ents[index]);
}

int boot_entry_done(struct boot_entry *e)
{
	struct boot_scan *s = e->s;
	struct fsimg_bootmenu_entry *p = &e->pub;

	if (s->building == e)
		s->building = NULL;
	if (!e->has_kernel || s->oom || !e->config) {
		boot_debug("entry '%s' (%s line %u) dropped: %s",
			   e->title ? e->title : "", e->config ? e->config : "",
			   p->line,
			   e->has_kernel ? "out of memory" : "no kernel");
		entry_free(e);
		return -1;
	}
	if (s->nents == s->cap) {
		unsigned cap = s->cap ? s->cap * 2 : 16;
		struct boot_entry **n = realloc(s->ents, cap * sizeof(*n));

		if (!n) {
			s->oom = true;
			entry_free(e);
			return -1;
		}
		s->ents = n;
		s->cap = cap;
	}
	p->index = s->nents;
	p->title = e->title ? e->title : "";
	p->id = e->id ? e->id : "";
	p->kind = e->kind ? e->kind : "linux";
	p->args = e->args ? e->args : "";
	p->config = e->config;
	e->kernel.path = e->kpath;
	p->kernel = e->kernel;
	for (unsigned i = 0; i < e->ninitrds; i++)
		e->initrds[i].path = e->ipaths[i];
	p->initrds = e->initrds;
	p->ninitrds = e->ninitrds;
	e->kept = true;
	s->ents[s->nents++] = e;
	if (e->cfg_default)
		group_default(s, e);
	return (int)p->index;
}

/* --- finding an entry --------------------------------------------------------
 */

/* Level k of a '>'-separated path: [*p, *p + *n); false past the last. */
static bool level(const char *path, unsigned k, const char **p, size_t *n)
{
	const char *s = path;

	for (unsigned i = 0; i < k; i++) {
		s = strchr(s, '>');
		if (!s)
			return false;
		s++;
	}
	*p = s;
	*n = strcspn(s, ">");
	return true;
}

static unsigned levels(const char *path)
{
	unsigned n = 1;

	for (; *path; path++)
		n += *path == '>';
	return n;
}

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && !memcmp(a, b, an);
}

static bool path_match(const struct boot_entry *e, const char *which)
{
	unsigned depth = levels(which);

	if (!e->pos || levels(e->pos) != depth)
		return false;
	for (unsigned k = 0; k < depth; k++) {
		const char *w = which, *v;
		size_t wn = 0, vn;
		bool ok = false;

		level(which, k, &w, &wn);
		if (level(e->pos, k, &v, &vn) && same(w, wn, v, vn))
			ok = true;
		if (!ok && e->ids && level(e->ids, k, &v, &vn) && vn &&
		    same(w, wn, v, vn))
			ok = true;
		if (!ok && e->title && depth == levels(e->title) &&
		    level(e->title, k, &v, &vn) && same(w, wn, v, vn))
			ok = true;
		if (!ok)
			return false;
	}
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int boot_find(const struct boot_scan *s, unsigned from, const char *which)
{
	if (!which || !*which)
		return -ENOENT;
	if (all_digits(which)) {
		unsigned long v = strtoul(which, NULL, 10);

		if (from >= s->nents || strlen(which) > 6 ||
		    v >= s->nents - from)
			return -ENOENT;
		return (int)(from + v);
	}
	for (unsigned i = from; i < s->nents; i++)
		if (s->ents[i]->id && !strcmp(s->ents[i]->id, which))
			return (int)i;
	for (unsigned i = from; i < s->nents; i++)
		if (s->ents[i]->title && !strcmp(s->ents[i]->title, which))
			return (int)i;
	if (strchr(which, '>'))
		for (unsigned i = from; i < s->nents; i++)
			if (path_match(s->ents[i], which))
				return (int)i;
	return -ENOENT;
}

/* --- the scan ----------------------------------------------------------------
 */

static void add_fs(struct boot_scan *s, const char *spec,
		   const struct fsimg_part *p, unsigned volume, uint64_t off,
		   uint64_t len, const char *type)
{
	struct boot_fs *f;
	struct fsimg_fsinfo info;
	int rc;

	if (s->nfs == BOOT_MAX_FS) {
		boot_debug("more than %u filesystems: %s left out", BOOT_MAX_FS,
			   spec);
		return;
	}
	f = &s->fs[s->nfs];
	memset(f, 0, sizeof(*f));
	rc = fsimg_fs_open_in(s->img, volume, off, len, type, NULL, &f->fs);
	if (rc) {
		boot_debug("%s: %s not opened: %s", spec[0] ? spec : "image",
			   type, strerror(-rc));
		return;
	}
	f->index = s->nfs++;
	fsimg_strcpy_trunc(f->spec, sizeof(f->spec), spec);
	f->offset = off;
	f->length = len;
	f->volume = volume;
	fsimg_strcpy_trunc(f->type, sizeof(f->type), fsimg_fs_type(f->fs));
	if (p) {
		f->partno = p->partno;
		f->active = p->depth == 0 && !strcmp(p->table, "dos") &&
			    (p->flags & 0x80);
		fsimg_strcpy_trunc(f->table, sizeof(f->table), p->table);
	}
	if (!fsimg_fs_info(f->fs, &info)) {
		fsimg_strcpy_trunc(f->uuid, sizeof(f->uuid), info.uuid);
		fsimg_strcpy_trunc(f->label, sizeof(f->label), info.label);
	}
	boot_debug("filesystem %u: %s %s at %llu uuid '%s' label '%s'",
		   f->index, f->spec[0] ? f->spec : "(image)", f->type,
		   (unsigned long long)off, f->uuid, f->label);
}

static bool usable_part(const struct fsimg_part *p)
{
	if (!p->fstype[0] ||
	    p->state & (FSIMG_PART_CONTAINER | FSIMG_PART_OUTSIDE |
			FSIMG_PART_UNREADABLE))
		return false;
	/* the backup slice repeats the whole disk */
	return strcmp(p->table, "vtoc") || strcmp(p->type, "backup");
}

static uint64_t part_length(fsimg_image *img, const struct fsimg_part *p)
{
	uint64_t size = fsimg_image_size(img);

	if (p->volume) /* the whole logical volume */
		return p->size;
	if (p->start >= size)
		return 0;
	return p->size > size - p->start ? size - p->start : p->size;
}

static int find_all(struct boot_scan *s)
{
	struct fsimg_part *parts;
	const char *type;
	bool at0 = false;
	int n, rc;

	rc = fsimg_probe(s->img, 0, 0, &type);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		add_fs(s, "", NULL, 0, 0, 0, type);
		at0 = true;
	}
	n = fsimg_partitions(s->img, NULL, 0, NULL, 0);
	if (n <= 0)
		return n < 0 && !at0 ? n : 0;
	parts = calloc((size_t)n, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	n = fsimg_partitions(s->img, parts, (size_t)n, NULL, 0);
	/* active partitions first, as pygrub visits them */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			const struct fsimg_part *p = &parts[i];
			bool act = p->depth == 0 && !strcmp(p->table, "dos") &&
				   (p->flags & 0x80);

			if (act != (pass == 0) || !usable_part(p))
				continue;
			if (at0 && p->start == 0 && !p->volume)
				continue;
			add_fs(s, p->spec, p, p->volume, p->start,
			       part_length(s->img, p), p->fstype);
		}
	free(parts);
	return 0;
}

/* Is a filesystem of the scan already at byte off? */
static bool fs_at(const struct boot_scan *s, uint64_t off)
{
	for (unsigned i = 0; i < s->nfs; i++)
		if (!s->fs[i].volume && s->fs[i].offset == off)
			return true;
	return false;
}

/*
 * The El Torito boot images of an ISO at byte 0 that hold a filesystem
 * (an installer's EFI system partition image, a floppy image): named
 * "boot=N" as -p names them. Some media keep their only GRUB
 * configuration there; a hybrid ISO's ESP partition that is the same
 * image is not visited twice.
 */
static void find_eltorito(struct boot_scan *s)
{
	struct fsimg_boot_entry *e;
	fsimg_fs *iso = NULL;
	char spec[32];
	int n;

	if (!s->nfs || s->fs[0].offset || strcmp(s->fs[0].type, "iso9660"))
		return;
	iso = s->fs[0].fs;
	e = calloc(BOOT_ELTORITO_MAX, sizeof(*e));
	if (!e)
		return;
	n = fsimg_boot_entries(iso, e, BOOT_ELTORITO_MAX);
	for (int i = 0; i < n && i < BOOT_ELTORITO_MAX; i++) {
		const char *type;

		if (!e[i].length || fs_at(s, e[i].offset) ||
		    fsimg_probe(s->img, e[i].offset, e[i].length, &type) != 1)
			continue;
		snprintf(spec, sizeof(spec), "boot=%u", e[i].index);
		add_fs(s, spec, NULL, 0, e[i].offset, e[i].length, type);
	}
	free(e);
}

static int find_one(struct boot_scan *s, const char *spec)
{
	struct fsimg_location loc;
	struct fsimg_part *parts;
	char name[32];
	int n, rc;

	rc = fsimg_locate(s->img, spec, NULL, &loc);
	if (rc)
		return rc;
	if (!loc.readable)
		return fsimg_err(s->img, -EPROTONOSUPPORT,
				 "boot: partition %s holds %s, which libfsimg "
				 "does not read",
				 spec,
				 loc.type[0] ? loc.type : "no filesystem");
	/* name it as fsimg info does */
	fsimg_strcpy_trunc(name, sizeof(name),
			   loc.offset || loc.volume ? spec : "");
	n = fsimg_partitions(s->img, NULL, 0, NULL, 0);
	parts = n > 0 ? calloc((size_t)n, sizeof(*parts)) : NULL;
	if (parts)
		n = fsimg_partitions(s->img, parts, (size_t)n, NULL, 0);
	for (int i = 0; parts && (loc.offset || loc.volume) && i < n; i++)
		if (parts[i].start == loc.offset &&
		    parts[i].volume == loc.volume && usable_part(&parts[i])) {
			add_fs(s, parts[i].spec, &parts[i], loc.volume,
			       loc.offset, loc.length, loc.type);
			free(parts);
			return 0;
		}
	free(parts);
	add_fs(s, name, NULL, loc.volume, loc.offset, loc.length, loc.type);
	return 0;
}

static void pick_default(struct boot_scan *s)
{
	s->deflt = -ENOENT;
	if (!s->nents)
		return;
	if (s->flags & FSIMG_BOOTMENU_PVBOOT)
		for (unsigned i = 0; i < s->nents; i++)
			if (!strcmp(s->ents[i]->pub.kind, "pvboot")) {
				s->deflt = (int)i;
				goto done;
			}
	s->deflt = 0;
	for (unsigned i = 0; i < s->nents; i++) {
		if (s->ents[i]->group != s->ents[0]->group)
			break;
		if (s->ents[i]->cfg_default) {
			s->deflt = (int)i;
			break;
		}
	}
done:
	s->ents[s->deflt]->pub.is_default = true;
}

int fsimg_bootmenu_read(fsimg_image *img, const char *spec, unsigned flags,
			fsimg_bootmenu **out)
{
	struct boot_scan *s;
	int rc;

	*out = NULL;
	fsimg_debug_init();
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	fsimg_image_ref(img);
	s->img = img;
	s->flags = flags;
	if (!spec || !strcmp(spec, "all")) {
		rc = find_all(s);
		if (!rc)
			find_eltorito(s);
	} else
		rc = find_one(s, spec);
	for (unsigned i = 0; !rc && i < s->nfs; i++)
		for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]);
		     k++) {
			s->group++;
			rc = sources[k]->scan(s, &s->fs[i]);
			entry_free(s->building);
			s->building = NULL;
			if (!rc && s->oom)
				rc = -ENOMEM;
			if (rc)
				break;
		}
	if (rc) {
		fsimg_bootmenu_free(s);
		return rc;
	}
	pick_default(s);
	*out = s;
	return 0;
}

void fsimg_bootmenu_free(fsimg_bootmenu *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nents; i++)
		entry_free(m->ents[i]);
	free(m->ents);
	entry_free(m->building);
	for (unsigned i = 0; i < m->nclaims; i++)
		free(m->claims[i].path);
	for (unsigned i = 0; i < m->nfs; i++)
		fsimg_fs_close(m->fs[i].fs);
	if (m->img)
		fsimg_image_close(m->img);
	free(m);
}

unsigned fsimg_bootmenu_count(const fsimg_bootmenu *m)
{
	return m->nents;
}

const struct fsimg_bootmenu_entry *fsimg_bootmenu_entry(const fsimg_bootmenu *m,
							unsigned i)
{
	return i < m->nents ? &m->ents[i]->pub : NULL;
}

int fsimg_bootmenu_default(const fsimg_bootmenu *m)
{
	return m->deflt;
}

int fsimg_bootmenu_find(const fsimg_bootmenu *m, const char *which)
{
	return boot_find(m, 0, which);
}

int fsimg_bootmenu_open(fsimg_bootmenu *m, const struct fsimg_bootmenu_file *f,
			fsimg_file **out)
{
	struct boot_fs *fs = boot_fs_by_spec(m, f->part ? f->part : "");
	const char *in = f->part && f->part[0] ? f->part : NULL;
	struct fsimg_stat st;
	fsimg_ino ino;
	int rc;

	*out = NULL;
	if (!fs || !fs->fs)
		return fsimg_err(m->img, -ENOENT,
				 "boot: no filesystem '%s' in the image",
				 f->part ? f->part : "");
	rc = fsimg_resolve(fs->fs, f->path, 0, &ino, &st);
	if (!rc && S_ISDIR(st.mode))
		rc = -EISDIR;
	else if (!rc && !S_ISREG(st.mode))
		rc = -EINVAL;
	if (!rc)
		rc = fsimg_file_open(fs->fs, ino, out);
	if (rc)
		return fsimg_err(m->img, rc, "boot: %s%s%s%s: %s",
				 in ? "partition " : "", in ? in : "",
				 in ? " " : "", f->path,
				 rc == -EINVAL ? "not a regular file"
					       : strerror(-rc));
	return 0;
}

fsimg_bootmenu *boot_parse_text(const char *source, const char *path,
				const char *text, size_t len, fsimg_log_fn log,
				void *ctx)
{
	const struct boot_source *src = NULL;
	struct boot_scan *s;

	for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]); k++)
		if (!strcmp(sources[k]->name, source) && sources[k]->parse)
			src = sources[k];
	if (!src)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->log = log;
	s->logctx = ctx;
	s->nfs = 1; /* fs[0]: no filesystem behind it */
	s->group = 1;
	if (boot_config_claim(s, &s->fs[0], path))
		src->parse(s, &s->fs[0], path, text, len);
	entry_free(s->building);
	s->building = NULL;
	if (s->oom) {
		fsimg_bootmenu_free(s);
		return NULL;
	}
	pick_default(s);
	return s;
}

static const char *source_for(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (!strcmp(base, "menu.lst") || !strcmp(base, "grub.conf"))
		return "grub-legacy";
	if ((n >= 9 && !strcmp(base + n - 9, "linux.cfg")) ||
	    (n >= 10 && !strcmp(base + n - 10, "linux.conf")) ||
	    !strcmp(base, "syslinux.cfg"))
		return "syslinux";
	if (n >= 5 && !strcmp(base + n - 5, ".conf"))
		return "bls";
	return "grub2";
}

int fsimg_bootmenu_parse(const char *source, const char *path, const char *text,
			 size_t len, fsimg_log_fn log, void *ctx,
			 fsimg_bootmenu **out)
{
	fsimg_debug_init();
	*out = boot_parse_text(source ? source : source_for(path), path, text,
			       len, log, ctx);
	if (*out)
		return 0;
	if (!source)
		return -ENOMEM;
	for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]); k++)
		if (!strcmp(sources[k]->name, source) && sources[k]->parse)
			return -ENOMEM;
	return -EINVAL;
}

int fsimg_bootmenu_section(fsimg_bootmenu *m,
			   const struct fsimg_bootmenu_file *f,
			   const char *section, uint64_t *offset,
			   uint64_t *size)
{
	fsimg_file *file;
	int rc = fsimg_bootmenu_open(m, f, &file);

	if (rc)
		return rc;
	rc = uki_section(m, boot_fs_by_spec(m, f->part ? f->part : ""), f->path,
			 file, section, offset, size);
	fsimg_file_close(file);
	return rc;
}
