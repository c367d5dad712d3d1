/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the ext driver: a small ext4 made by mke2fs at an offset
 * of 1 MiB in the image file, opened through its window; lookups, data,
 * holes, symlinks, file_map, xattrs, the window bound, and parallel
 * readers sharing the handle pool. Skips when mke2fs is missing.
 */
#include "internal.h"
#include "tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define OFF   (1u << 20)
#define FSLEN (8u << 20)
#define BIG   (3u << 20)

static char dir[] = "/tmp/test_ext.XXXXXX";
static char path[256];

static uint8_t pat(uint64_t i)
{
	return (uint8_t)(i * 31 + (i >> 12));
}

static int sh(const char *fmt, const char *a)
{
	char cmd[1024], *p = cmd;

	/* every %s of fmt is the test directory */
	for (const char *s = fmt; *s && p < cmd + sizeof(cmd) - 256; s++) {
		if (s[0] == '%' && s[1] == 's') {
			p += snprintf(p, 256, "%s", a);
			s++;
		} else if (s[0] == '%' && s[1] == '%') {
			*p++ = '%';
			s++;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return system(cmd);
}

static int make(void)
{
	char p[300];
	uint8_t *buf = malloc(BIG);
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/src", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/src/big", dir);
	f = fopen(p, "w");
	for (size_t i = 0; i < BIG; i++)
		buf[i] = pat(i);
	fwrite(buf, 1, BIG, f);
	fclose(f);
	free(buf);
	snprintf(p, sizeof(p), "%s/src/holey", dir);
	f = fopen(p, "w");
	fseek(f, 100000, SEEK_SET);
	fputs("end", f);
	fclose(f);
	setxattr(p, "user.k", "v1", 2, 0);
	if (sh("ln -s big %s/src/fast && ln -s $(printf 'x%%.0s' $(seq 1 300)) "
	       "%s/src/slow",
	       dir))
		return -1;
	snprintf(path, sizeof(path), "%s/img", dir);
	return sh("truncate -s 16M %s/img && mke2fs -q -F -t ext4 -b 1024 "
		  "-E offset=1048576 -d %s/src %s/img 8M >/dev/null 2>&1",
		  dir);
}

struct par {
	fsimg_fs *fs;
	fsimg_ino ino;
	int bad;
};

static void *reader(void *arg)
{
	struct par *p = arg;
	uint8_t *buf = malloc(65536);
	fsimg_file *f;

	for (int round = 0; round < 4; round++) {
		if (fsimg_file_open(p->fs, p->ino, &f)) {
			p->bad++;
			break;
		}
		for (uint64_t off = 0; off < BIG; off += 65536) {
			ssize_t n = fsimg_file_read(f, buf, 65536, off);

			if (n != 65536)
				p->bad++;
			for (ssize_t i = 0; i < n; i += 997)
				if (buf[i] != pat(off + (uint64_t)i))
					p->bad++;
		}
		fsimg_file_close(f);
	}
	free(buf);
	return NULL;
}

int main(void)
{
	fsimg_image *img;
	fsimg_fs *fs;
	fsimg_file *f;
	struct fsimg_stat st;
	struct fsimg_fsinfo info;
	struct fsimg_extent ext;
	fsimg_ino ino, big;
	char buf[512];
	const char *type;
	pthread_t th[8];
	struct par par[8];
	int bad = 0;

	if (make()) {
		printf("1..0 # SKIP mke2fs -d could not make an image\n");
		return 0;
	}
	ok(!fsimg_image_open(path, 0, &img), "image opens");
	is_int(fsimg_probe(img, OFF, FSLEN, &type), 1, "probe at the offset");
	is_str(type, "ext4", "driver name");
	is_int(fsimg_probe(img, 0, OFF, &type), 0, "nothing at 0");
	is_int(fsimg_fs_open(img, OFF, FSLEN, NULL, "handles=0", &fs), -EINVAL,
	       "handles=0 refused");
	ok(!fsimg_fs_open(img, OFF, FSLEN, NULL, "handles=4", &fs), "opens");
	is_int((int)fsimg_fs_root(fs), 2, "root is inode 2");
	fsimg_fs_info(fs, &info);
	is_str(info.type, "ext4", "info type");
	is_int((int)info.block_size, 1024, "block size");

	ok(!fsimg_resolve(fs, "/big", 0, &big, &st), "resolve /big");
	is_int((int)st.size, (int)BIG, "size");
	ok(S_ISREG(st.mode) && st.nlink == 1, "regular, one link");
	is_int(fsimg_lookup(fs, fsimg_fs_root(fs), "nope", &ino, NULL), -ENOENT,
	       "missing name: -ENOENT");
	is_int(fsimg_lookup(fs, big, "x", &ino, NULL), -ENOTDIR,
	       "lookup in a file: -ENOTDIR");

	ok(!fsimg_resolve(fs, "/fast", FSIMG_NOFOLLOW, &ino, NULL), "fast");
	is_int(fsimg_readlink(fs, ino, buf, sizeof(buf)), 3, "fast target");
	is_str(buf, "big", "fast symlink");
	ok(!fsimg_resolve(fs, "/slow", FSIMG_NOFOLLOW, &ino, NULL), "slow");
	is_int(fsimg_readlink(fs, ino, buf, sizeof(buf)), 300, "slow target");
	is_int(fsimg_readlink(fs, ino, buf, 100), -ENAMETOOLONG, "too long");

	ok(!fsimg_resolve(fs, "/holey", 0, &ino, NULL), "holey");
	ok(!fsimg_file_open(fs, ino, &f), "open holey");
	is_int((int)fsimg_file_read(f, buf, 10, 50000), 10, "hole read");
	for (int i = 0; i < 10; i++)
		bad |= buf[i];
	is_int(bad, 0, "hole reads as zeroes");
	is_int((int)fsimg_file_read(f, buf, 100, 100000), 3, "clamped");
	ok(!memcmp(buf, "end", 3), "tail data");
	ok(!fsimg_file_map(f, 0, &ext) && (ext.flags & FSIMG_EXTENT_HOLE),
	   "map: hole");
	is_int(fsimg_file_map(f, 100003, &ext), -ENXIO, "map past end");
	fsimg_file_close(f);
	is_int((int)fsimg_getxattr(fs, ino, "user.k", buf, sizeof(buf)), 2,
	       "xattr value");
	is_int((int)fsimg_getxattr(fs, ino, "user.none", buf, sizeof(buf)),
	       -ENODATA, "no such xattr");
	is_int((int)fsimg_getxattr(fs, ino, "user.k", buf, 1), -ERANGE,
	       "xattr buffer too small");
	/* a missing name does not make an inode with attributes look bare */
	is_int((int)fsimg_getxattr(fs, ino, "security.selinux", buf,
				   sizeof(buf)),
	       -ENODATA, "no security.selinux");
	is_int((int)fsimg_getxattr(fs, ino, "user.k", buf, sizeof(buf)), 2,
	       "xattr value after a missing name");
	is_int((int)fsimg_listxattr(fs, ino, buf, sizeof(buf)), 7,
	       "listxattr after a missing name");
	/* an inode without attributes, asked twice (the second remembered) */
	for (int i = 0; i < 2; i++) {
		is_int((int)fsimg_getxattr(fs, big, "security.selinux", buf,
					   sizeof(buf)),
		       -ENODATA, "no attribute on big");
		is_int((int)fsimg_listxattr(fs, big, buf, sizeof(buf)), 0,
		       "big lists none");
	}
	is_int((int)fsimg_getxattr(fs, 0, "user.k", buf, sizeof(buf)), -EINVAL,
	       "inode 0");

	ok(!fsimg_file_open(fs, big, &f), "open big");
	ok(!fsimg_file_map(f, 5000, &ext) && !ext.flags && ext.logical <= 5000,
	   "map: data run");
	ok(ext.physical >= OFF && ext.physical + ext.length <= OFF + FSLEN,
	   "the run is inside the window");
	ok(!fsimg_image_read(img, ext.physical, buf, 16), "read the run");
	ok(buf[0] == (char)pat(ext.logical), "the run holds the data");
	fsimg_file_close(f);

	for (int i = 0; i < 8; i++) {
		par[i] = (struct par){ fs, big, 0 };
		pthread_create(&th[i], NULL, reader, &par[i]);
	}
	bad = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		bad += par[i].bad;
	}
	is_int(bad, 0, "8 threads on a 4-handle pool read the right bytes");
	fsimg_fs_close(fs);

	/* a window that ends before the filesystem does: reads stop there */
	ok(!fsimg_fs_open(img, OFF, 2u << 20, NULL, NULL, &fs) || true,
	   "a short window opens or fails");
	if (fs && !fsimg_file_open(fs, big, &f)) {
		ssize_t n = 0;
		uint64_t off;

		for (off = 0; off < BIG; off += 65536) {
			n = fsimg_file_read(f, buf, 512, off);
			if (n < 0)
				break;
		}
		ok(n == -EIO, "data beyond the window is -EIO, never read");
		fsimg_file_close(f);
	} else {
		ok(1, "short window refused");
	}
	fsimg_fs_close(fs);
	fsimg_image_close(img);
	sh("rm -rf %s", dir);
	return tap_done();
}
