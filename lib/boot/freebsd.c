/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FreeBSD's loader: the kernel is /boot/KERNEL/kernel, where KERNEL is
 * "kernel" unless /boot/loader.conf (or loader.conf.local, read after it)
 * sets kernel="NAME"; kernel_options= are its arguments, and
 * vfs.root.mountfrom= names the root filesystem the kernel mounts, passed
 * on as an environment argument as the loader does. /boot/kernel.old is
 * offered after it when present. Modules (*_load="YES") are not initrds
 * and are not listed.
 */
#include "bootcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct boot_source boot_source_freebsd;

#define LOADER_NAME_MAX 64

struct loader_conf {
	char kernel[LOADER_NAME_MAX];
	char options[BOOT_STR_MAX];
	char root[256];
	unsigned kernel_line;
	const char *kernel_file;
};

/* value with the surrounding quotes of loader.conf removed, in out */
static void unquote(const char *v, char *out, size_t size)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n >= size)
		n = size - 1;
	memcpy(out, v, n);
	out[n] = 0;
}

/* A kernel directory name: one path component, no tricks. */
static bool plain_name(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

static int read_conf(struct boot_scan *s, struct boot_fs *fs, const char *path,
		     struct loader_conf *c)
{
	struct text_lines it;
	const char *p;
	size_t n, len;
	char *text;
	int rc;

	if (!boot_is_file(s, fs, path) || !boot_config_claim(s, fs, path))
		return 0;
	rc = boot_read_file(s, fs, path, &text, &len);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	text_lines_init(&it, text);
	while (!rc && text_next_line(&it, &p, &n)) {
		char *key, *value, *hash;

		if (!n || p[0] == '#')
			continue;
		rc = text_split_word(p, n, true, &key, &value);
		if (rc)
			break;
		/* a comment after the value */
		hash = strstr(value, " #");
		if (hash)
			*hash = 0;
		if (!strcmp(key, "kernel")) {
			char name[LOADER_NAME_MAX];

			unquote(value, name, sizeof(name));
			if (plain_name(name)) {
				memcpy(c->kernel, name, sizeof(name));
				c->kernel_line = it.line;
				c->kernel_file = path;
			} else {
				boot_warn(s, &boot_source_freebsd, fs, path,
					  it.line,
					  "kernel=\"%s\" is not a directory "
					  "name in /boot",
					  name);
			}
		} else if (!strcmp(key, "kernel_options")) {
			unquote(value, c->options, sizeof(c->options));
		} else if (!strcmp(key, "vfs.root.mountfrom")) {
			unquote(value, c->root, sizeof(c->root));
		}
		free(key);
		free(value);
	}
	free(text);
	if (!c->kernel_file)
		c->kernel_file = path;
	return rc;
}

static int add_kernel(struct boot_scan *s, struct boot_fs *fs,
		      const struct loader_conf *c, const char *name, bool deflt)
{
	char path[LOADER_NAME_MAX + 16], title[LOADER_NAME_MAX + 32];
	char args[BOOT_STR_MAX + 300];
	struct boot_entry *e;

	snprintf(path, sizeof(path), "/boot/%s/kernel", name);
	if (!boot_is_file(s, fs, path) || boot_kernel_listed(s, fs, path, NULL))
		return 0;
	e = boot_entry_new(s, &boot_source_freebsd, fs,
			   deflt && c->kernel_file ? c->kernel_file : "",
			   deflt ? c->kernel_line : 0);
	if (!e)
		return boot_menu_full(s) ? 0 : -ENOMEM;
	snprintf(title, sizeof(title), "FreeBSD (%s)", name);
	boot_entry_title(e, title);
	boot_entry_id(e, name);
	boot_entry_kind(e, "freebsd");
	boot_entry_kernel(e, fs, path);
	snprintf(args, sizeof(args), "%s%s%s%s", c->options,
		 c->options[0] && c->root[0] ? " " : "",
		 c->root[0] ? "vfs.root.mountfrom=" : "", c->root);
	boot_entry_args(e, args);
	if (deflt)
		boot_entry_default(e);
	boot_entry_done(e);
	return 0;
}

static int scan_freebsd(struct boot_scan *s, struct boot_fs *fs)
{
	struct loader_conf *c;
	int rc;

	if (!boot_is_dir(s, fs, "/boot/kernel") &&
	    !boot_is_file(s, fs, "/boot/loader.conf"))
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c->kernel, "kernel", sizeof("kernel"));
	rc = read_conf(s, fs, "/boot/loader.conf", c);
	if (!rc)
		rc = read_conf(s, fs, "/boot/loader.conf.local", c);
	if (!rc)
		rc = add_kernel(s, fs, c, c->kernel, true);
	if (!rc && strcmp(c->kernel, "kernel"))
		rc = add_kernel(s, fs, c, "kernel", false);
	if (!rc)
		rc = add_kernel(s, fs, c, "kernel.old", false);
	free(c);
	return rc;
}

const struct boot_source boot_source_freebsd = {
	"freebsd",
	"FreeBSD loader",
	scan_freebsd,
	NULL,
};
