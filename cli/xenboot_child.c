/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsimg-xenboot, the child: the only process that reads the guest's disk.
 *
 * It starts with what the parent opened for it (the image read-only, the
 * kernel and ramdisk files, the pipe back) and, before the first byte of
 * the image is read, leaves every privilege for good: the --runas user
 * or nobody, no_new_privs, rlimits (the size of every file it writes is
 * bounded by RLIMIT_FSIZE, so not even a compromised child can write
 * more than --output-limit), Landlock and the seccomp allow-list
 * (common/confine.c). Then it reads the boot menu, picks the entry,
 * copies its kernel and initrds into the open files and reports what it
 * did on the pipe (xenboot_wire.h). Every diagnostic goes there too.
 */
#include "xenboot.h"
#include "xenboot_wire.h"

#include "confine.h"
#include "fsimg.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUF    (1u << 20)
#define CPU_SECONDS 300 /* a parser that spins is killed */
#define MAX_PARTS   256

struct child {
	const struct xb_opts *o;
	fsimg_image *img;
	fsimg_bootmenu *m;
	unsigned logged; /* messages the library logged so far */
	bool mute;	 /* while looking for --kernel: no messages */
	char *buf;
	uint64_t room; /* bytes the file being written may still take */
};

static void say(struct child *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct child *c, const char *fmt, ...)
{
	char msg[XBW_MAX_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xbw_send_msg(c->o->out_fd, msg);
}

static void log_cb(void *ctx, int err, const char *msg)
{
	struct child *c = ctx;

	(void)err;
	c->logged++;
	if (!c->mute)
		xbw_send_msg(c->o->out_fd, msg);
}

/* --- confinement ---------------------------------------------------------- */

static int lower_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl;

	if (getrlimit(res, &rl))
		return -1;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < hard)
		hard = rl.rlim_max;
	rl.rlim_max = hard;
	rl.rlim_cur = soft < hard ? soft : hard;
	return setrlimit(res, &rl);
}

/* pygrub's --runas: root leaves for that user (and a group of that id). */
static int become(struct child *c, uid_t uid)
{
	gid_t gid = (gid_t)uid;

	if (setgroups(0, NULL) && errno != EPERM) {
		say(c, "--runas: setgroups: %s", strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		say(c, "--runas=%u: %s", (unsigned)uid, strerror(errno));
		return -1;
	}
	return 0;
}

static int confine(struct child *c)
{
	const struct xb_opts *o = c->o;
	struct confine_opts co = { .role = CONFINE_PARSE };
	struct confine_state st;
	char err[256];

	/* a write past the limit fails with EFBIG instead of a signal */
	signal(SIGXFSZ, SIG_IGN);
	if ((o->kernel_fd >= 0 &&
	     lower_limit(RLIMIT_FSIZE, (rlim_t)o->limit, (rlim_t)o->limit)) ||
	    lower_limit(RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 5)) {
		say(c, "cannot confine the parser: setrlimit: %s",
		    strerror(errno));
		return -1;
	}
	if (o->runas && geteuid() == 0 && become(c, o->runas))
		return -1;
	if (confine_apply(&co, &st, err, sizeof(err))) {
		say(c, "cannot confine the parser: %s", err);
		return -1;
	}
	if (o->debug) {
		confine_describe(&st, err, sizeof(err));
		say(c, "sandbox: %s", err);
	}
	return 0;
}

/* --- filesystems ---------------------------------------------------------- */

static bool usable(const struct fsimg_part *p)
{
	if (!p->fstype[0] ||
	    p->state & (FSIMG_PART_CONTAINER | FSIMG_PART_OUTSIDE |
			FSIMG_PART_UNREADABLE))
		return false;
	/* the backup slice of a VTOC repeats the whole disk */
	return strcmp(p->table, "vtoc") || strcmp(p->type, "backup");
}

static bool active(const struct fsimg_part *p)
{
	return p->depth == 0 && !strcmp(p->table, "dos") && (p->flags & 0x80);
}

/* The partitions, or NULL (none, or an error: logged). */
static struct fsimg_part *partitions(struct child *c, int *n)
{
	struct fsimg_part *parts;

	*n = fsimg_partitions(c->img, NULL, 0, NULL, 0);
	if (*n <= 0)
		return NULL;
	if (*n > MAX_PARTS)
		*n = MAX_PARTS;
	parts = calloc((size_t)*n, sizeof(*parts));
	if (!parts)
		return NULL;
	*n = fsimg_partitions(c->img, parts, (size_t)*n, NULL, 0);
	if (*n > MAX_PARTS)
		*n = MAX_PARTS;
	if (*n <= 0) {
		free(parts);
		return NULL;
	}
	return parts;
}

/*
 * --offset: the partition spec of the filesystem that starts at byte off
 * ("auto" for one at 0), as fsimg_bootmenu_read() takes it.
 */
static int spec_at(struct child *c, uint64_t off, char *spec, size_t size)
{
	struct fsimg_part *parts;
	struct strbuf starts;
	const char *type;
	int n, rc = -1;

	if (off == 0 && fsimg_probe(c->img, 0, 0, &type) == 1) {
		snprintf(spec, size, "auto");
		return 0;
	}
	parts = partitions(c, &n);
	/* a byte offset names a partition, never a logical volume */
	for (int i = 0; parts && i < n; i++)
		if (parts[i].start == off && !parts[i].volume &&
		    usable(&parts[i])) {
			snprintf(spec, size, "%s", parts[i].spec);
			free(parts);
			return 0;
		}
	sb_init(&starts);
	for (int i = 0; parts && i < n; i++)
		if (usable(&parts[i]) && !parts[i].volume)
			sb_addf(&starts, "%s%llu", starts.len ? ", " : "",
				(unsigned long long)parts[i].start);
	say(c, "no filesystem starts at byte %llu%s%s%s",
	    (unsigned long long)off,
	    starts.len ? " (filesystems start at " : "",
	    starts.len && !starts.oom ? starts.s : "", starts.len ? ")" : "");
	sb_free(&starts);
	free(parts);
	return rc;
}

static uint64_t part_length(struct child *c, const struct fsimg_part *p)
{
	uint64_t size = fsimg_image_size(c->img);

	if (p->volume) /* the whole logical volume */
		return p->size;
	if (p->start >= size)
		return 0;
	return p->size > size - p->start ? size - p->start : p->size;
}

/*
 * Opens the filesystem in the window (of the image's disk, or of logical
 * volume `volume`) and keeps it if path is a file in it.
 */
static fsimg_fs *try_fs(struct child *c, unsigned volume, uint64_t off,
			uint64_t len, const char *type, const char *path)
{
	struct fsimg_location loc = {
		.offset = off, .length = len, .readable = true, .volume = volume
	};
	struct fsimg_stat st;
	fsimg_ino ino;
	fsimg_fs *fs;

	snprintf(loc.type, sizeof(loc.type), "%s", type ? type : "");
	if (fsimg_fs_open_location(c->img, &loc, NULL, &fs))
		return NULL;
	if (!fsimg_resolve(fs, path, 0, &ino, &st) && S_ISREG(st.mode))
		return fs;
	fsimg_fs_close(fs);
	return NULL;
}

/*
 * --kernel: the first filesystem, in pygrub's order (one at byte 0, the
 * active MBR partition, the others in table order), that holds it.
 */
static fsimg_fs *kernel_fs(struct child *c, char *spec, size_t size)
{
	const char *path = c->o->kernel, *type;
	struct fsimg_part *parts;
	fsimg_fs *fs = NULL;
	bool at0;
	int n;

	spec[0] = 0;
	c->mute = true;
	if (c->o->have_offset) {
		fs = try_fs(c, 0, c->o->offset, 0, NULL, path);
		c->mute = false;
		return fs;
	}
	at0 = fsimg_probe(c->img, 0, 0, &type) == 1;
	if (at0)
		fs = try_fs(c, 0, 0, 0, type, path);
	parts = fs ? NULL : partitions(c, &n);
	for (int pass = 0; parts && !fs && pass < 2; pass++)
		for (int i = 0; !fs && i < n; i++) {
			const struct fsimg_part *p = &parts[i];

			if (active(p) != (pass == 0) || !usable(p) ||
			    (at0 && p->start == 0 && !p->volume))
				continue;
			fs = try_fs(c, p->volume, p->start, part_length(c, p),
				    p->fstype, path);
			if (fs)
				snprintf(spec, size, "%s", p->spec);
		}
	free(parts);
	c->mute = false;
	return fs;
}

/* --- copying -------------------------------------------------------------- */

/*
 * Copies [off, off+size) of f, the file what/path of the image, to fd,
 * within the room left in the output file. Returns 0 or -1 (said).
 */
static int copy_range(struct child *c, fsimg_file *f, uint64_t off,
		      uint64_t size, int fd, const char *what, const char *path)
{
	uint64_t done = 0;

	if (size > c->room) {
		say(c,
		    "%s %s: %llu bytes, more than the output limit allows "
		    "(--output-limit=%llu)",
		    what, path, (unsigned long long)size,
		    (unsigned long long)c->o->limit);
		return -1;
	}
	while (done < size) {
		size_t want = size - done < COPY_BUF ? (size_t)(size - done)
						     : COPY_BUF;
		unsigned logged = c->logged;
		ssize_t n = fsimg_file_read(f, c->buf, want, off + done);
		int rc;

		if (n <= 0) {
			if (c->logged == logged)
				say(c, "%s %s: reading byte %llu: %s", what,
				    path, (unsigned long long)(off + done),
				    n ? strerror((int)-n)
				      : "the file ends before its size");
			return -1;
		}
		rc = xbw_write_all(fd, c->buf, (size_t)n);
		if (rc) {
			say(c, "writing the %s: %s", what,
			    rc == -EFBIG ? "larger than the output limit"
					 : strerror(-rc));
			return -1;
		}
		done += (uint64_t)n;
	}
	c->room -= size;
	return 0;
}

/* Opens a boot file of the menu, or says why not. */
static fsimg_file *open_file(struct child *c,
			     const struct fsimg_bootmenu_file *bf,
			     const char *what)
{
	unsigned logged = c->logged;
	fsimg_file *f;
	int rc = fsimg_bootmenu_open(c->m, bf, &f);

	if (rc) {
		if (c->logged == logged)
			say(c, "the %s %s: %s", what, bf->path, strerror(-rc));
		return NULL;
	}
	return f;
}

static int copy_file(struct child *c, fsimg_file *f, int fd, const char *what,
		     const char *path)
{
	if (c->o->not_really)
		return 0;
	return copy_range(c, f, 0, fsimg_file_size(f), fd, what, path);
}

/* --- the result ----------------------------------------------------------- */

static void fill(struct xbw_entry *w, const struct fsimg_bootmenu_entry *e)
{
	memset(w, 0, sizeof(*w));
	w->index = e->index;
	w->is_default = e->is_default;
	w->title = e->title;
	w->root = e->kernel.part;
	w->kernel = e->kernel.path;
	w->args = e->args;
	w->kind = e->kind;
	w->ninitrds =
		e->ninitrds < XBW_MAX_INITRDS ? e->ninitrds : XBW_MAX_INITRDS;
	for (unsigned i = 0; i < w->ninitrds; i++)
		w->initrds[i] = e->initrds[i].path;
}

static int send(struct child *c, enum xbw_type type, const struct xbw_entry *w)
{
	int rc = xbw_send_entry(c->o->out_fd, type, w);

	if (rc == -E2BIG)
		say(c, "entry '%.200s': a string longer than %u bytes",
		    w->title, XBW_MAX_STR);
	return rc ? -1 : 0;
}

/* Says why a section of a unified kernel image cannot be used. */
static int section(struct child *c, const struct fsimg_bootmenu_entry *e,
		   const char *name, uint64_t *off, uint64_t *size)
{
	unsigned logged = c->logged;
	int rc = fsimg_bootmenu_section(c->m, &e->kernel, name, off, size);

	if (rc && rc != -ENOENT && c->logged == logged)
		say(c, "the kernel %s: section %s: %s", e->kernel.path, name,
		    strerror(-rc));
	return rc;
}

/*
 * A unified kernel image: its .linux section is the kernel, .initrd (when
 * it has one) the ramdisk; the arguments are the entry's, which the
 * library took from .cmdline (or a BLS entry's options).
 */
static int boot_uki(struct child *c, const struct fsimg_bootmenu_entry *e,
		    struct xbw_entry *w)
{
	const struct xb_opts *o = c->o;
	uint64_t off, size, ioff, isize;
	fsimg_file *f;
	int rc, irc;

	rc = section(c, e, ".linux", &off, &size);
	if (rc == -ENOENT)
		say(c,
		    "the kernel %s: a unified kernel image without a "
		    ".linux section",
		    e->kernel.path);
	if (rc)
		return -1;
	irc = section(c, e, ".initrd", &ioff, &isize);
	if (irc && irc != -ENOENT)
		return -1;
	f = open_file(c, &e->kernel, "kernel");
	if (!f)
		return -1;
	rc = 0;
	w->ninitrds = 0;
	if (!o->not_really) {
		rc = copy_range(c, f, off, size, o->kernel_fd, "kernel",
				e->kernel.path);
		w->kernel_bytes = size;
	}
	if (!rc && !irc) {
		w->ninitrds = 1;
		w->initrds[0] = e->kernel.path;
		c->room = o->limit;
		if (!o->not_really) {
			rc = copy_range(c, f, ioff, isize, o->ramdisk_fd,
					"ramdisk", e->kernel.path);
			w->ramdisk_bytes = isize;
		}
	}
	fsimg_file_close(f);
	return rc ? -1 : 0;
}

static int boot_entry(struct child *c, const struct fsimg_bootmenu_entry *e)
{
	const struct xb_opts *o = c->o;
	struct xbw_entry w;
	fsimg_file *f;
	int rc;

	fill(&w, e);
	c->room = o->limit;
	if (!strcmp(e->kind, "uki")) {
		if (boot_uki(c, e, &w))
			return -1;
		return send(c, XBW_RESULT, &w);
	}
	f = open_file(c, &e->kernel, "kernel");
	if (!f)
		return -1;
	rc = copy_file(c, f, o->kernel_fd, "kernel", e->kernel.path);
	if (!o->not_really)
		w.kernel_bytes = fsimg_file_size(f);
	fsimg_file_close(f);
	if (rc)
		return -1;
	/* several initrds are loaded one after the other, as GRUB does */
	c->room = o->limit;
	for (unsigned i = 0; i < w.ninitrds; i++) {
		f = open_file(c, &e->initrds[i], "ramdisk");
		if (!f)
			return -1;
		rc = copy_file(c, f, o->ramdisk_fd, "ramdisk",
			       e->initrds[i].path);
		if (!o->not_really)
			w.ramdisk_bytes += fsimg_file_size(f);
		fsimg_file_close(f);
		if (rc)
			return -1;
	}
	return send(c, XBW_RESULT, &w);
}

/* --kernel (and --ramdisk): those files, no menu. */
static int boot_given(struct child *c)
{
	const struct xb_opts *o = c->o;
	struct xbw_entry w = { .index = XBW_NO_INDEX,
			       .title = "",
			       .kernel = o->kernel,
			       .args = "",
			       .kind = "linux" };
	const char *paths[2] = { o->kernel, o->ramdisk };
	char spec[32];
	fsimg_fs *fs = kernel_fs(c, spec, sizeof(spec));
	int rc = 0;

	if (!fs) {
		if (o->have_offset)
			say(c,
			    "the kernel %s (--kernel) is not in the "
			    "filesystem at byte %llu",
			    o->kernel, (unsigned long long)o->offset);
		else
			say(c,
			    "the kernel %s (--kernel) is in no filesystem "
			    "of the image",
			    o->kernel);
		return -1;
	}
	w.root = spec;
	if (o->ramdisk) {
		w.ninitrds = 1;
		w.initrds[0] = o->ramdisk;
	}
	for (int i = 0; i < 1 + (int)w.ninitrds && !rc; i++) {
		const char *what = i ? "ramdisk" : "kernel";
		struct fsimg_stat st;
		fsimg_file *f;
		fsimg_ino ino;

		c->room = o->limit;
		rc = fsimg_resolve(fs, paths[i], 0, &ino, &st);
		if (!rc && !S_ISREG(st.mode))
			rc = -EINVAL;
		if (!rc)
			rc = fsimg_file_open(fs, ino, &f);
		if (rc) {
			say(c, "the requested %s file %s: %s", what, paths[i],
			    rc == -EINVAL ? "not a regular file"
					  : strerror(-rc));
			break;
		}
		rc = copy_file(c, f, i ? o->ramdisk_fd : o->kernel_fd, what,
			       paths[i]);
		if (!o->not_really)
			*(i ? &w.ramdisk_bytes : &w.kernel_bytes) =
				fsimg_file_size(f);
		fsimg_file_close(f);
	}
	fsimg_fs_close(fs);
	return rc ? -1 : send(c, XBW_RESULT, &w);
}

/* --- the menu ------------------------------------------------------------- */

static const char looked_for[] =
	"looked for GRUB 2, syslinux, GRUB legacy and Boot Loader "
	"Specification configurations, unified kernel images, installer "
	"trees, FreeBSD's loader and /boot/xen/pvboot-ARCH.elf";

static int read_config(struct child *c)
{
	const struct xb_opts *o = c->o;
	char *text = malloc(XB_CONFIG_MAX + 1);
	size_t len = 0;
	int rc;

	if (!text) {
		say(c, "out of memory");
		return -1;
	}
	for (;;) {
		ssize_t n =
			read(o->img_fd, text + len, XB_CONFIG_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(c, "reading it: %s", strerror(errno));
			free(text);
			return -1;
		}
		if (n == 0 || (len += (size_t)n) > XB_CONFIG_MAX)
			break;
	}
	if (len > XB_CONFIG_MAX) {
		say(c, "more than %u bytes: not a boot configuration",
		    XB_CONFIG_MAX);
		free(text);
		return -1;
	}
	text[len] = 0;
	rc = fsimg_bootmenu_parse(NULL, o->disk, text, len, log_cb, c, &c->m);
	free(text);
	if (rc) {
		say(c, "reading it: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

static int read_menu(struct child *c)
{
	const struct xb_opts *o = c->o;
	char spec[32];
	unsigned logged = c->logged;
	int rc;

	if (o->have_offset && spec_at(c, o->offset, spec, sizeof(spec)))
		return -1;
	rc = fsimg_bootmenu_read(c->img, o->have_offset ? spec : NULL,
				 o->pvboot ? FSIMG_BOOTMENU_PVBOOT : 0, &c->m);
	if (rc) {
		if (c->logged == logged)
			say(c, "reading the boot configuration: %s",
			    strerror(-rc));
		return -1;
	}
	return 0;
}

static int run(struct child *c)
{
	const struct xb_opts *o = c->o;
	unsigned n;
	int idx;

	if (o->isconfig) {
		if (read_config(c))
			return -1;
	} else {
		int rc = fsimg_image_open_fd(o->img_fd, o->disk, &c->img);

		if (rc) {
			say(c, "%s", strerror(-rc));
			return -1;
		}
		fsimg_image_set_log(c->img, log_cb, c);
		if (o->kernel && !o->list)
			return boot_given(c);
		if (read_menu(c))
			return -1;
	}
	n = fsimg_bootmenu_count(c->m);
	for (unsigned i = 0; o->list && i < n; i++) {
		struct xbw_entry w;

		fill(&w, fsimg_bootmenu_entry(c->m, i));
		if (send(c, XBW_ENTRY, &w))
			return -1;
	}
	if (n == 0) {
		if (o->isconfig)
			say(c, "no bootable entry found");
		else if (o->have_offset)
			say(c,
			    "no bootable entry found (%s in the filesystem "
			    "at byte %llu)",
			    looked_for, (unsigned long long)o->offset);
		else
			say(c,
			    "no bootable entry found (%s in every "
			    "filesystem of the image)",
			    looked_for);
		if (o->list && !o->isconfig)
			return xbw_send_done(o->out_fd) ? -1 : 0;
		return -1;
	}
	if (o->list && !o->isconfig)
		return xbw_send_done(o->out_fd) ? -1 : 0;
	idx = fsimg_bootmenu_default(c->m);
	if (o->entry) {
		int want = fsimg_bootmenu_find(c->m, o->entry);

		if (want < 0)
			say(c,
			    "no entry '%s' in the boot menu: booting the "
			    "default, as pygrub does",
			    o->entry);
		else
			idx = want;
	}
	if (idx < 0)
		idx = 0;
	if (o->isconfig) {
		struct xbw_entry w;

		fill(&w, fsimg_bootmenu_entry(c->m, (unsigned)idx));
		return send(c, XBW_RESULT, &w);
	}
	return boot_entry(c, fsimg_bootmenu_entry(c->m, (unsigned)idx));
}

int xb_child_main(const struct xb_opts *o)
{
	struct child c = { .o = o };
	int rc;

	if (confine(&c)) {
		close(o->img_fd);
		return 1;
	}
	c.buf = malloc(COPY_BUF);
	if (!c.buf) {
		say(&c, "out of memory");
		return 1;
	}
	rc = run(&c);
	fsimg_bootmenu_free(c.m);
	if (c.img)
		fsimg_image_close(c.img);
	else if (o->isconfig)
		close(o->img_fd);
	free(c.buf);
	return rc ? 1 : 0;
}
