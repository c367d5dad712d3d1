/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: devices and file names. GRUB's device names ("hd0,gpt2",
 * "hd0,msdos1,bsd1", "cd0") both ways: the name of a filesystem of the
 * image (for $root and search --set), and the filesystem a name stands
 * for; then "(device)/path" file names, or "/path" on $root.
 */
#include "grub2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- devices and paths ---------------------------------------------------- */

/* GRUB's name of the device holding fs: "hd0,gpt2", "hd0,msdos1,bsd1". */
void grub2_device_name(const struct boot_fs *fs, char *buf, size_t size)
{
	const char *sp = fs->spec, *scheme = "";
	size_t n = strspn(sp, "0123456789");

	if (!strcmp(fs->table, "gpt"))
		scheme = "gpt";
	else if (!strcmp(fs->table, "dos"))
		scheme = "msdos";
	else if (!strcmp(fs->table, "sun"))
		scheme = "sun";
	else if (!strcmp(fs->table, "mac"))
		scheme = "apple";
	if (!sp[0])
		snprintf(buf, size, "hd0");
	else if (n && !sp[n])
		snprintf(buf, size, "hd0,%s%s", scheme, sp);
	else if (n && sp[n] >= 'a' && sp[n] <= 'z' && !sp[n + 1])
		snprintf(buf, size, "hd0,msdos%.*s,bsd%d", (int)n, sp,
			 sp[n] - 'a' + 1);
	else
		snprintf(buf, size, "hd0,%s", sp);
}

/* Reads "[scheme]N" at *p: N, or 0 when there is no number. */
static unsigned long part_number(const char **p)
{
	const char *q = *p;
	unsigned long v = 0;

	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
		q++;
	if (!grub2_is_digit(*q))
		return 0;
	for (; grub2_is_digit(*q) && v < 1000000; q++)
		v = v * 10 + (unsigned long)(*q - '0');
	*p = q;
	return v;
}

/*
 * The filesystem a GRUB device names: "hd0" (the whole image), "hd0,N",
 * "hd0,msdosN", "hd0,gptN", "hd0,msdosN,bsdM" (spec "Na"), "cd0"; NULL
 * for another disk or a device this image does not have.
 */
static struct boot_fs *device_fs(struct g2 *c, const char *dev)
{
	char d[64], spec[32];
	const char *p, *rest;
	unsigned long n1, n2;
	size_t n = strlen(dev);

	if (n >= 2 && dev[0] == '(' && dev[n - 1] == ')') {
		dev++;
		n -= 2;
	}
	if (n >= sizeof(d))
		return NULL;
	memcpy(d, dev, n);
	d[n] = 0;
	if (!strcmp(d, "cd") || !strcmp(d, "cd0"))
		return boot_fs_by_spec(c->s, "");
	if (strncmp(d, "hd0", 3) || grub2_is_digit(d[3]))
		return NULL;
	if (!d[3])
		return boot_fs_by_spec(c->s, "");
	if (d[3] != ',')
		return NULL;
	p = rest = d + 4;
	n1 = part_number(&p);
	if (!n1)
		return boot_fs_by_spec(c->s, rest);
	if (!*p || (*p == ',' && !p[1])) {
		snprintf(spec, sizeof(spec), "%lu", n1);
		return boot_fs_by_spec(c->s, spec);
	}
	if (*p++ != ',')
		return boot_fs_by_spec(c->s, rest);
	if (*p >= 'a' && *p <= 'z' && !p[1]) { /* old style: hd0,1,a */
		snprintf(spec, sizeof(spec), "%lu%c", n1, *p);
		return boot_fs_by_spec(c->s, spec);
	}
	if (strncmp(p, "bsd", 3))
		return boot_fs_by_spec(c->s, rest);
	n2 = part_number(&p);
	if (!n2 || n2 > 26 || *p)
		return NULL;
	snprintf(spec, sizeof(spec), "%lu%c", n1, (char)('a' + n2 - 1));
	return boot_fs_by_spec(c->s, spec);
}

/*
 * The filesystem of a device for a command at line: an unknown device is
 * reported once and stands for the filesystem of the file being read.
 */
struct boot_fs *grub2_resolve_device(struct rd *r, const char *dev,
				     unsigned line)
{
	struct g2 *c = r->c;
	struct boot_fs *fs;

	if (!dev || !dev[0])
		return r->fs;
	fs = device_fs(c, dev);
	if (fs)
		return fs;
	for (unsigned i = 0; i < c->nbad; i++)
		if (!strcmp(c->bad_devs[i], dev))
			return r->fs;
	if (c->nbad < G2_MAX_BAD_DEVS) {
		c->bad_devs[c->nbad] = strdup(dev);
		if (c->bad_devs[c->nbad])
			c->nbad++;
	}
	grub2_warn(r, line,
		   "device '%.100s' is not in this image: the filesystem of %s "
		   "is used instead",
		   dev, r->path);
	return r->fs;
}

/*
 * A GRUB file name: "(device)/path", or "/path" on $root. Gives the
 * filesystem and the path in it (pointing into name). False, with a
 * message unless quiet, when it is not one.
 */
bool grub2_resolve_path(struct rd *r, const char *name, unsigned line,
			bool quiet, struct boot_fs **fs, const char **path)
{
	const char *rest = name;

	if (name[0] == '(') {
		const char *close = strchr(name, ')');
		char *dev;

		if (!close) {
			if (!quiet)
				grub2_warn(r, line,
					   "'%.200s': no ')' after the device",
					   name);
			return false;
		}
		dev = text_dup(name + 1, (size_t)(close - name - 1));
		if (!dev) {
			grub2_out_of_memory(r->c);
			return false;
		}
		*fs = grub2_resolve_device(r, dev, line);
		free(dev);
		rest = close + 1;
	} else {
		*fs = grub2_resolve_device(r, grub2_var_get(r->c, "root"),
					   line);
	}
	if (rest[0] != '/') {
		if (!quiet)
			grub2_warn(r, line,
				   "'%.200s' is not a GRUB file name (no '/')",
				   name);
		return false;
	}
	*path = rest;
	return true;
}
