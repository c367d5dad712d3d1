/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the helpers shared by drivers (options, UTF-16, dates) and
 * of the path walk, run over a small in-memory filesystem driver.
 */
#include "internal.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>

/* --- a tiny in-memory tree for the path walk ------------------------------ */

struct node {
	fsimg_ino ino, parent;
	const char *name;
	uint32_t mode;
	const char *target;
};

static const struct node tree[] = {
	{ 1, 0, "", S_IFDIR | 0755, NULL },
	{ 2, 1, "etc", S_IFDIR | 0755, NULL },
	{ 3, 2, "passwd", S_IFREG | 0644, NULL },
	{ 4, 1, "boot", S_IFDIR | 0755, NULL },
	{ 5, 4, "vmlinuz", S_IFLNK | 0777, "vmlinuz-6.1" },
	{ 6, 4, "vmlinuz-6.1", S_IFREG | 0644, NULL },
	{ 7, 1, "abs", S_IFLNK | 0777, "/etc/passwd" },
	{ 8, 1, "escape", S_IFLNK | 0777, "../../../../etc" },
	{ 9, 1, "loop1", S_IFLNK | 0777, "loop2" },
	{ 10, 1, "loop2", S_IFLNK | 0777, "loop1" },
	{ 11, 1, "dangling", S_IFLNK | 0777, "nowhere" },
	{ 12, 4, "up", S_IFLNK | 0777, ".." },
	{ 13, 1, "empty", S_IFLNK | 0777, "" },
	{ 14, 1, "self", S_IFLNK | 0777, "self/x" },
};
#define NNODES (sizeof(tree) / sizeof(tree[0]))

static const struct node *node_of(fsimg_ino ino)
{
	for (size_t i = 0; i < NNODES; i++)
		if (tree[i].ino == ino)
			return &tree[i];
	return NULL;
}

static int mem_getattr(fsimg_fs *fs, fsimg_ino ino, struct fsimg_stat *st)
{
	const struct node *n = node_of(ino);

	(void)fs;
	if (!n)
		return -ENOENT;
	st->ino = n->ino;
	st->mode = n->mode;
	st->nlink = 1;
	return 0;
}

static int mem_lookup(fsimg_fs *fs, fsimg_ino dir, const char *name,
		      fsimg_ino *ino, struct fsimg_stat *st)
{
	for (size_t i = 0; i < NNODES; i++)
		if (tree[i].parent == dir && !strcmp(tree[i].name, name)) {
			*ino = tree[i].ino;
			return mem_getattr(fs, *ino, st);
		}
	return -ENOENT;
}

static int mem_readlink(fsimg_fs *fs, fsimg_ino ino, char *buf, size_t size)
{
	const struct node *n = node_of(ino);
	size_t len;

	(void)fs;
	if (!n || !n->target)
		return -EINVAL;
	len = strlen(n->target);
	if (len + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, n->target, len + 1);
	return (int)len;
}

static const struct fsimg_driver mem_driver = {
	.name = "mem",
	.getattr = mem_getattr,
	.lookup = mem_lookup,
	.readlink = mem_readlink,
};

static fsimg_ino walk(fsimg_fs *fs, const char *path, unsigned flags, int *rc)
{
	fsimg_ino ino = 0;

	*rc = fsimg_resolve(fs, path, flags, &ino, NULL);
	return *rc ? 0 : ino;
}

static void test_resolve(void)
{
	fsimg_fs fs = {
		.drv = &mem_driver, .root = 1, .dmask = 010000, .fmask = 010000
	};
	int rc;

	is_int(walk(&fs, "/", 0, &rc), 1, "/ is the root");
	is_int(walk(&fs, "", 0, &rc), 1, "the empty path is the root");
	is_int(walk(&fs, "/etc/passwd", 0, &rc), 3, "plain path");
	is_int(walk(&fs, "etc//passwd/", 0, &rc), 0,
	       "a trailing slash on a file");
	is_int(rc, -ENOTDIR, "is ENOTDIR");
	is_int(walk(&fs, "/boot/vmlinuz", 0, &rc), 6,
	       "relative symlink followed");
	is_int(walk(&fs, "/boot/vmlinuz", FSIMG_NOFOLLOW, &rc), 5,
	       "NOFOLLOW stops at the last component");
	is_int(walk(&fs, "/abs", 0, &rc), 3,
	       "absolute target starts at the image root");
	is_int(walk(&fs, "/escape/passwd", 0, &rc), 3,
	       "'..' never climbs above the image root");
	is_int(walk(&fs, "/../../etc/./passwd", 0, &rc), 3,
	       "leading '..' stays at the root");
	is_int(walk(&fs, "/boot/up/etc/passwd", 0, &rc), 3,
	       "a '..' target returns to the link's parent's parent");
	walk(&fs, "/loop1", 0, &rc);
	is_int(rc, -ELOOP, "a symlink loop is ELOOP");
	walk(&fs, "/self", 0, &rc);
	is_int(rc, -ELOOP, "a self-referencing link is ELOOP");
	walk(&fs, "/dangling", 0, &rc);
	is_int(rc, -ENOENT, "a dangling link is ENOENT");
	is_int(walk(&fs, "/dangling", FSIMG_NOFOLLOW, &rc), 11,
	       "a dangling link itself with NOFOLLOW");
	walk(&fs, "/empty", 0, &rc);
	is_int(rc, -ENOENT, "an empty target is ENOENT");
	walk(&fs, "/etc/passwd/x", 0, &rc);
	is_int(rc, -ENOTDIR, "a file in the middle is ENOTDIR");
	{
		char *deep = malloc(70000);
		memset(deep, 'a', 69999);
		deep[69999] = '\0';
		walk(&fs, deep, 0, &rc);
		is_int(rc, -ENAMETOOLONG, "an absurdly long path is refused");
		free(deep);
	}
}

static void test_opts(void)
{
	struct fsimg_opts o;
	const char *v = NULL;
	uint64_t n = 0;
	bool present;

	is_int(fsimg_opts_parse(&o, "norock,session=2,,uid=1000,mode=0x"), 0,
	       "parse an option string");
	is_int(o.count, 4, "empty items are skipped");
	ok(fsimg_opt_take(&o, "norock", &v) && v == NULL,
	   "a flag has no value");
	is_int(fsimg_opt_take_uint(&o, "session", 10, 99, &n, &present), 0,
	       "a number");
	ok(present && n == 2, "session=2");
	is_str(fsimg_opts_untaken(&o), "uid", "the first untaken option");
	is_int(fsimg_opt_take_uint(&o, "mode", 8, 07777, &n, &present), -EINVAL,
	       "a malformed number is EINVAL");
	fsimg_opts_free(&o);

	is_int(fsimg_opts_parse(&o, "uid=5,uid=7"), 0, "repeated key");
	fsimg_opt_take_uint(&o, "uid", 10, UINT32_MAX, &n, &present);
	is_int(n, 7, "the last occurrence wins");
	ok(fsimg_opts_untaken(&o) == NULL, "both occurrences are taken");
	fsimg_opts_free(&o);

	is_int(fsimg_opts_parse(&o, "uid=-1"), 0, "negative number parses");
	is_int(fsimg_opt_take_uint(&o, "uid", 10, UINT32_MAX, &n, &present),
	       -EINVAL, "but is refused");
	fsimg_opts_free(&o);
	{
		char many[200] = "";
		for (int i = 0; i < 40; i++)
			strcat(many, "a,");
		is_int(fsimg_opts_parse(&o, many), -E2BIG,
		       "more than FSIMG_OPTS_MAX options are refused");
	}
}

static void test_text(void)
{
	/* "aé€😀" in UTF-16BE: 0061 00E9 20AC D83D DE00 */
	static const uint8_t be[] = { 0x00, 0x61, 0x00, 0xE9, 0x20,
				      0xAC, 0xD8, 0x3D, 0xDE, 0x00 };
	static const uint8_t lone[] = { 0xD8, 0x3D, 0x00, 0x41 };
	uint8_t le[sizeof(be)];
	char out[64];

	is_int(fsimg_utf16_to_utf8(be, 5, true, out, sizeof(out)), 10,
	       "UTF-16BE with a surrogate pair");
	is_str(out, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "decoded right");
	for (size_t i = 0; i < sizeof(be); i += 2) {
		le[i] = be[i + 1];
		le[i + 1] = be[i];
	}
	fsimg_utf16_to_utf8(le, 5, false, out, sizeof(out));
	is_str(out, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "UTF-16LE too");
	fsimg_utf16_to_utf8(lone, 2, true, out, sizeof(out));
	is_str(out,
	       "\xef\xbf\xbd"
	       "A",
	       "an unpaired surrogate becomes U+FFFD");
	is_int(fsimg_utf16_to_utf8(be, 5, true, out, 10), -ENAMETOOLONG,
	       "no room for the terminator is ENAMETOOLONG");

	is_int(fsimg_days_from_civil(1970, 1, 1), 0, "epoch");
	is_int(fsimg_days_from_civil(2000, 3, 1), 11017, "2000-03-01");
	is_int(fsimg_days_from_civil(1900, 1, 1), -25567, "1900-01-01");
	is_int(fsimg_days_from_civil(2155, 12, 31), 67934, "2155-12-31");
}

int main(void)
{
	test_text();
	test_opts();
	test_resolve();
	return tap_done();
}
