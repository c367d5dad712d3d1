/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Installer trees: where an installation medium keeps the kernel and
 * initrd that start its installer, as virt-install --location finds them.
 *
 *   treeinfo  Fedora, RHEL, CentOS, Rocky, SUSE: /.treeinfo (or /treeinfo),
 *             an INI file; each [images-ARCH] section (and [images-xen],
 *             for Xen PV guests) names kernel= and initrd= relative to the
 *             tree. The section of the tree's own arch ([general] or
 *             [tree] arch=) is the default.
 *   debian    Debian installer media: install.amd/ (install.386/,
 *             install.a64/, install/) with vmlinuz and initrd.gz, and the
 *             gtk/ and xen/ flavours beside them; the title comes from
 *             .disk/info.
 *   casper    Ubuntu live media: casper/vmlinuz with casper/initrd (.gz,
 *             .lz), booted with boot=casper.
 *   windows   Windows install media (their files are in the UDF tree):
 *             the boot manager, /bootmgr for BIOS and
 *             /efi/boot/bootx64.efi for UEFI, loads the WinPE image
 *             /sources/boot.wim; entries of kind "windows", the boot
 *             manager as the kernel and boot.wim as the initrd.
 *
 * Trees hold no boot menu of their own that we have not read already:
 * what the medium's grub.cfg or isolinux.cfg offered comes first, and a
 * kernel such a configuration lists is not offered again.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct boot_source boot_source_treeinfo;
extern const struct boot_source boot_source_debian;
extern const struct boot_source boot_source_casper;
extern const struct boot_source boot_source_windows;

#define TREEINFO_MAX_SECTIONS 64

/* --- .treeinfo ------------------------------------------------------------ */

struct ini_image {
	char *section; /* "images-x86_64" */
	char *kernel, *initrd;
	unsigned line;
};

struct treeinfo {
	char *family, *version, *arch;
	struct ini_image img[TREEINFO_MAX_SECTIONS];
	unsigned nimg;
	bool cut;
};

static void treeinfo_free(struct treeinfo *t)
{
	free(t->family);
	free(t->version);
	free(t->arch);
	for (unsigned i = 0; i < t->nimg; i++) {
		free(t->img[i].section);
		free(t->img[i].kernel);
		free(t->img[i].initrd);
	}
}

/* Sets *slot to value (a copy) unless it is set already. */
static int take(char **slot, const char *value)
{
	if (*slot)
		return 0;
	*slot = strdup(value);
	return *slot ? 0 : -ENOMEM;
}

static int treeinfo_key(struct treeinfo *t, const char *section,
			struct ini_image *img, const char *key,
			const char *value)
{
	if (img) {
		if (!strcmp(key, "kernel"))
			return take(&img->kernel, value);
		if (!strcmp(key, "initrd"))
			return take(&img->initrd, value);
		return 0;
	}
	if (!strcmp(section, "general") || !strcmp(section, "release") ||
	    !strcmp(section, "tree")) {
		if (!strcmp(key, "family") || !strcmp(key, "name"))
			return take(&t->family, value);
		if (!strcmp(key, "version"))
			return take(&t->version, value);
		if (!strcmp(key, "arch"))
			return take(&t->arch, value);
	}
	return 0;
}

static int treeinfo_parse(struct treeinfo *t, const char *text)
{
	struct text_lines it;
	struct ini_image *img = NULL;
	char section[64] = "";
	const char *p;
	size_t n;
	int rc = 0;

	text_lines_init(&it, text);
	while (!rc && text_next_line(&it, &p, &n)) {
		char *key, *value;

		if (!n || p[0] == '#' || p[0] == ';')
			continue;
		if (p[0] == '[') {
			size_t len = 1;

			while (len < n && p[len] != ']')
				len++;
			img = NULL;
			fsimg_strcpy_trunc(section, sizeof(section), "");
			if (len == n || len - 1 >= sizeof(section))
				continue;
			memcpy(section, p + 1, len - 1);
			section[len - 1] = 0;
			if (strncmp(section, "images-", 7))
				continue;
			if (t->nimg == TREEINFO_MAX_SECTIONS) {
				t->cut = true;
				continue;
			}
			img = &t->img[t->nimg++];
			img->line = it.line;
			img->section = strdup(section);
			if (!img->section)
				return -ENOMEM;
			continue;
		}
		rc = text_split_word(p, n, true, &key, &value);
		if (rc)
			break;
		rc = treeinfo_key(t, section, img, key, value);
		free(key);
		free(value);
	}
	return rc;
}

static int treeinfo_add(struct boot_scan *s, struct boot_fs *fs,
			const char *path, struct treeinfo *t)
{
	const char *arch = t->arch ? t->arch : "x86_64";
	char title[256];

	for (unsigned i = 0; i < t->nimg; i++) {
		struct ini_image *img = &t->img[i];
		const char *which = img->section + 7;
		struct boot_entry *e;
		char *k, *r = NULL;

		if (!img->kernel)
			continue;
		k = text_join_path("/", img->kernel);
		if (img->initrd)
			r = text_join_path("/", img->initrd);
		if (!k || (img->initrd && !r)) {
			free(k);
			free(r);
			return -ENOMEM;
		}
		e = boot_entry_new(s, &boot_source_treeinfo, fs, path,
				   img->line);
		if (!e) {
			free(k);
			free(r);
			break;
		}
		snprintf(title, sizeof(title), "%s%s%s (%s)",
			 t->family ? t->family : "installer",
			 t->version ? " " : "", t->version ? t->version : "",
			 which);
		boot_entry_title(e, title);
		boot_entry_id(e, img->section);
		boot_entry_kernel(e, fs, k);
		if (r)
			boot_entry_initrd(e, fs, r);
		/* the tree's own arch boots by default; [images-xen] is for
		   Xen PV guests of it */
		if (!strcmp(which, arch))
			boot_entry_default(e);
		boot_entry_done(e);
		free(k);
		free(r);
	}
	if (t->cut)
		boot_warn(s, &boot_source_treeinfo, fs, path, 0,
			  "more than %u image sections: the rest are not "
			  "read",
			  TREEINFO_MAX_SECTIONS);
	return 0;
}

static int parse_treeinfo(struct boot_scan *s, struct boot_fs *fs,
			  const char *path, const char *text, size_t len)
{
	struct treeinfo t = { 0 };
	int rc;

	(void)len;
	rc = treeinfo_parse(&t, text);
	if (!rc)
		rc = treeinfo_add(s, fs, path, &t);
	treeinfo_free(&t);
	return rc;
}

static int scan_treeinfo(struct boot_scan *s, struct boot_fs *fs)
{
	static const char *const paths[] = { "/.treeinfo", "/treeinfo" };

	return boot_read_first(s, &boot_source_treeinfo, fs, paths,
			       sizeof(paths) / sizeof(paths[0]));
}

const struct boot_source boot_source_treeinfo = {
	"treeinfo",
	"treeinfo",
	scan_treeinfo,
	parse_treeinfo,
};

/* --- layouts of known files ------------------------------------------------
 */

/*
 * The first line of .disk/info ("Debian GNU/Linux 12.8.0 "Bookworm" -
 * Official amd64 NETINST with firmware 20241109-11:04"), or fallback.
 */
static void disk_info(struct boot_scan *s, struct boot_fs *fs, char *out,
		      size_t size, const char *fallback)
{
	struct text_lines it;
	const char *p;
	size_t n;
	char *text;
	size_t len;

	fsimg_strcpy_trunc(out, size, fallback);
	if (!boot_is_file(s, fs, "/.disk/info") ||
	    boot_read_file(s, fs, "/.disk/info", &text, &len))
		return;
	text_lines_init(&it, text);
	if (text_next_line(&it, &p, &n) && n) {
		if (n >= size)
			n = size - 1;
		for (size_t i = 0; i < n; i++)
			out[i] = p[i] >= 0x20 && p[i] != 0x7f ? p[i] : ' ';
		out[n] = 0;
	}
	free(text);
}

/* A kernel and the first of its initrds that exists, under dir. */
struct layout {
	const char *dir;    /* "/install.amd" */
	const char *kernel; /* "vmlinuz" */
	const char *initrd[3];
	const char *what; /* " (text installer)" */
	const char *id;
	const char *args;
	bool deflt;
	const char *kind; /* NULL: "linux" */
};

static int add_layout(struct boot_scan *s, const struct boot_source *src,
		      struct boot_fs *fs, const struct layout *l,
		      const char *title)
{
	char kernel[128], initrd[128], full[512];
	struct boot_entry *e;

	snprintf(kernel, sizeof(kernel), "%s/%s", l->dir, l->kernel);
	if (!boot_is_file(s, fs, kernel))
		return 0;
	initrd[0] = 0;
	for (size_t i = 0; i < 3 && l->initrd[i]; i++) {
		snprintf(initrd, sizeof(initrd), "%s/%s", l->dir, l->initrd[i]);
		if (boot_is_file(s, fs, initrd))
			break;
		initrd[0] = 0;
	}
	if (!initrd[0] || boot_kernel_listed(s, fs, kernel, initrd))
		return 0;
	e = boot_entry_new(s, src, fs, "", 0);
	if (!e)
		return boot_menu_full(s) ? 0 : -ENOMEM;
	snprintf(full, sizeof(full), "%s%s", title, l->what);
	boot_entry_title(e, full);
	boot_entry_id(e, l->id);
	boot_entry_kernel(e, fs, kernel);
	boot_entry_initrd(e, fs, initrd);
	if (l->args)
		boot_entry_args(e, l->args);
	if (l->kind)
		boot_entry_kind(e, l->kind);
	if (l->deflt)
		boot_entry_default(e);
	boot_entry_done(e);
	return 0;
}

static int add_layouts(struct boot_scan *s, const struct boot_source *src,
		       struct boot_fs *fs, const struct layout *l, size_t n,
		       const char *fallback)
{
	char title[256];
	bool any = false;
	int rc = 0;

	for (size_t i = 0; i < n && !any; i++) {
		char k[128];

		snprintf(k, sizeof(k), "%s/%s", l[i].dir, l[i].kernel);
		any = boot_is_file(s, fs, k);
	}
	if (!any)
		return 0;
	disk_info(s, fs, title, sizeof(title), fallback);
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_layout(s, src, fs, &l[i], title);
	return rc;
}

#define DI(arch, dflt)                                                       \
	{ "/install." arch,                                                  \
	  "vmlinuz",                                                         \
	  { "initrd.gz" },                                                   \
	  " (text installer)",                                               \
	  "install." arch,                                                   \
	  NULL,                                                              \
	  dflt,                                                              \
	  NULL },                                                            \
		{ "/install." arch,                                          \
		  "vmlinuz",                                                 \
		  { "gtk/initrd.gz" },                                       \
		  " (graphical installer)",                                  \
		  "install." arch "-gtk",                                    \
		  NULL,                                                      \
		  false,                                                     \
		  NULL },                                                    \
	{                                                                    \
		"/install." arch "/xen", "vmlinuz", { "initrd.gz" },         \
			" (Xen PV installer)", "install." arch "-xen", NULL, \
			false, NULL                                          \
	}

static const struct layout debian_layouts[] = {
	DI("amd", true),
	DI("386", false),
	DI("a64", false),
	{ "/install",
	  "vmlinuz",
	  { "initrd.gz" },
	  " (installer)",
	  "install",
	  NULL,
	  false,
	  NULL },
	{ "/debian-installer/amd64",
	  "linux",
	  { "initrd.gz" },
	  " (netboot installer)",
	  "netboot-amd64",
	  NULL,
	  false,
	  NULL },
};

static int scan_debian(struct boot_scan *s, struct boot_fs *fs)
{
	return add_layouts(s, &boot_source_debian, fs, debian_layouts,
			   sizeof(debian_layouts) / sizeof(debian_layouts[0]),
			   "Debian installer");
}

const struct boot_source boot_source_debian = {
	"debian",
	"Debian installer tree",
	scan_debian,
	NULL,
};

static const struct layout casper_layouts[] = {
	{ "/casper",
	  "vmlinuz",
	  { "initrd", "initrd.gz", "initrd.lz" },
	  " (live)",
	  "casper",
	  "boot=casper",
	  true,
	  NULL },
	{ "/casper",
	  "vmlinuz.efi",
	  { "initrd", "initrd.gz", "initrd.lz" },
	  " (live)",
	  "casper-efi",
	  "boot=casper",
	  false,
	  NULL },
};

static int scan_casper(struct boot_scan *s, struct boot_fs *fs)
{
	return add_layouts(s, &boot_source_casper, fs, casper_layouts,
			   sizeof(casper_layouts) / sizeof(casper_layouts[0]),
			   "Ubuntu live system");
}

const struct boot_source boot_source_casper = {
	"casper",
	"casper live tree",
	scan_casper,
	NULL,
};

static const struct layout windows_layouts[] = {
	{ "",
	  "bootmgr",
	  { "sources/boot.wim" },
	  " (BIOS)",
	  "windows-bios",
	  NULL,
	  true,
	  "windows" },
	{ "",
	  "efi/boot/bootx64.efi",
	  { "sources/boot.wim" },
	  " (UEFI x64)",
	  "windows-efi-x64",
	  NULL,
	  false,
	  "windows" },
	{ "",
	  "efi/boot/bootaa64.efi",
	  { "sources/boot.wim" },
	  " (UEFI ARM64)",
	  "windows-efi-aa64",
	  NULL,
	  false,
	  "windows" },
};

static int scan_windows(struct boot_scan *s, struct boot_fs *fs)
{
	if (!boot_is_file(s, fs, "/sources/boot.wim"))
		return 0;
	return add_layouts(s, &boot_source_windows, fs, windows_layouts,
			   sizeof(windows_layouts) / sizeof(windows_layouts[0]),
			   "Windows installer");
}

const struct boot_source boot_source_windows = {
	"windows",
	"Windows install medium",
	scan_windows,
	NULL,
};
