/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of ext lookups through a directory's hash index (ext_dx.c).
 *
 * mke2fs -d writes no index; e2fsck -fD then indexes every directory, as
 * the kernel would have. Three images, each with a directory /d of NAMES
 * names (some with bytes above 0x7f, where the signed and unsigned hashes
 * differ) and /e of the first ENAMES:
 *   a  ext4, metadata_csum, half_md4 (the defaults), 1 KiB blocks: two
 *      index levels
 *   b  ext4 without metadata_csum, tea, the unsigned-hash flag set
 *   c  ext2 (block map, indirect blocks), legacy hash, 1 KiB blocks
 * Each must find every listed name as the same inode, and not find names
 * that are absent. Then damage that the index must route around, or
 * that must send the lookup back to a scan:
 *   - a leaf zeroed: the names in every other leaf are still found, which
 *     a scan (stopping at the damaged block) could not do;
 *   - the root's info made unknown: every name is found, by the scan;
 *   - every root entry made to continue one hash into one leaf: the
 *     lookup ends, absent;
 *   - an entry's hash marked as continuing the one before: the name is
 *     found in the next leaf.
 * Skips when e2fsprogs is not installed.
 */
#include "internal.h"
#include "tap.h"
#include "dirnames.h"

#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAMES  4000 /* in /d: two index levels in a */
#define ENAMES 2400 /* in /e: one level, more than 64 leaves */
#define IMGSZ  (16u << 20)

static char dir[] = "/tmp/test_ext_dx.XXXXXX";

static void name_of(unsigned i, char *buf, size_t size)
{
	/* lengths 6-40, every fifth with a two-byte UTF-8 letter */
	snprintf(buf, size, "%s%u-%.*s", i % 5 ? "n" : "\xc3\xa9t\xc3\xa9-", i,
		 (int)(i % 29), "abcdefghijklmnopqrstuvwxyz0123456789");
}

static int make(void)
{
	char p[300], n[64];

	if (src_dirs(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/src/e", dir);
	mkdir(p, 0755);
	for (unsigned i = 0; i < NAMES + ENAMES; i++) {
		int fd;

		name_of(i % NAMES, n, sizeof(n));
		snprintf(p, sizeof(p), "%s/src/%s/%s", dir,
			 i < NAMES ? "d" : "e", n);
		fd = open(p, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return sh("cd %s && exec >/dev/null 2>&1 && "
		  "mke2fs -q -F -t ext4 -b 1024 -N 7000 -d src a 16M && "
		  "e2fsck -fyD a; "
		  "mke2fs -q -F -t ext4 -b 1024 -N 7000 -O ^metadata_csum "
		  "-d src b 16M && tune2fs -E hash_alg=tea b && "
		  "debugfs -w -R 'ssv flags 2' b && e2fsck -fyD b; "
		  "mke2fs -q -F -t ext2 -b 1024 -N 7000 -d src c 16M && "
		  "tune2fs -E hash_alg=legacy c && e2fsck -fyD c; "
		  "debugfs -R 'htree_dump /d' a | grep -q 'Indirect levels: 1' "
		  "&& debugfs -R 'htree_dump /d' b | grep -q 'Hash Version: 2' "
		  "&& debugfs -R 'stats' b | grep -q 'unsigned_directory_hash' "
		  "&& debugfs -R 'htree_dump /d' c | grep -q 'Hash Version: 0'",
		  dir);
}

/* The physical block of logical block lblk of directory d in image img. */
static long long dblock(const char *img, const char *d, unsigned lblk)
{
	char cmd[400];
	long long b = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap %s %u' %s/%s 2>/dev/null",
		 d, lblk, dir, img);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &b) != 1)
		b = -1;
	pclose(f);
	return b;
}

/* Image img of the test directory, opened with flags. */
static int img_open(const char *img, int flags)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, img);
	return open(p, flags);
}

/* Overwrites len bytes at off of image img. */
static int poke(const char *img, long long off, const void *buf, size_t len)
{
	int fd = img_open(img, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pwrite(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int open_img(const char *img, fsimg_image **im, fsimg_fs **fs,
		    fsimg_ino *d)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, img);
	return open_dir(p, IMGSZ, NULL, NULL, "/d", im, fs, d);
}

static void whole(const char *img, struct names *ns)
{
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d, ino;
	char n[80];
	unsigned absent = 0;

	ns->n = 0;
	if (open_img(img, &im, &fs, &d)) {
		ok(0, "%s: opens", img);
		return;
	}
	ok(!fsimg_readdir(fs, d, 0, names_collect, ns) && ns->n == NAMES,
	   "%s: readdir lists the %u names", img, NAMES);
	is_int(names_found(fs, d, ns, 0), ns->n,
	       "%s: lookup finds each as listed", img);
	for (unsigned i = 0; i < NAMES; i += 7) {
		name_of(i, n, sizeof(n) - 2);
		strcat(n, "~");
		absent += fsimg_lookup(fs, d, n, &ino, NULL) == -ENOENT;
	}
	is_int(absent, (NAMES + 6) / 7, "%s: absent names are -ENOENT", img);
	ok(!fsimg_lookup(fs, d, "..", &ino, NULL) && ino == fsimg_fs_root(fs),
	   "%s: '..' is the root", img);
	ok(!fsimg_lookup(fs, d, ".", &ino, NULL) && ino == d, "%s: '.'", img);
	close_dir(im, fs);
}

/* Leaf 1 of a's /d zeroed: every name in another leaf is still found. */
static void zeroed_leaf(const struct names *ns)
{
	static uint8_t zero[1024];
	long long b = dblock("a", "/d", 1);
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d;
	unsigned k;

	ok(b > 0 && !poke("a", b * 1024, zero, sizeof(zero)),
	   "a: leaf 1 zeroed (block %lld)", b);
	if (open_img("a", &im, &fs, &d)) {
		ok(0, "a: opens");
		return;
	}
	/* leaf 1 is listed first; a 1 KiB leaf holds fewer than 60 names */
	k = names_found(fs, d, ns, 0);
	ok(k < ns->n && k >= ns->n - 60, "a: %u of %u found", k, ns->n);
	is_int(names_found(fs, d, ns, ns->n - 1), 1,
	       "a: the last name listed is found");
	close_dir(im, fs);
}

/* c's root info with indirect_levels 7: every name found by the scan. */
static void bad_root(const struct names *ns)
{
	uint8_t levels = 7;
	long long b = dblock("c", "/d", 0);
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d;

	ok(b > 0 && !poke("c", b * 1024 + 24 + 6, &levels, 1),
	   "c: root info made unknown");
	if (open_img("c", &im, &fs, &d)) {
		ok(0, "c: opens");
		return;
	}
	is_int(names_found(fs, d, ns, 0), ns->n,
	       "c: every name found by a scan");
	close_dir(im, fs);
}

/*
 * Image img's superblock and its 1 KiB block blk (blk > 0), and the hash
 * seed the superblock holds.
 */
static bool read_block(const char *img, long long blk, uint8_t sb[1024],
		       uint8_t buf[1024], uint32_t seed[4])
{
	int fd = img_open(img, O_RDONLY);
	bool done;

	if (fd < 0)
		return false;
	done = blk > 0 && pread(fd, sb, 1024, 1024) == 1024 &&
	       pread(fd, buf, 1024, blk * 1024) == 1024;
	close(fd);
	for (int i = 0; i < 4; i++)
		seed[i] = get_le32(sb + 0xec + 4 * i);
	return done;
}

/*
 * The root of b's /e: every entry continuing the hash of an absent name
 * into leaf 1. The lookup follows at most EXT_DX_HOPS (64) leaves, gives
 * up the index and scans: absent.
 */
static void endless_hash(void)
{
	const char *name = "absent-name";
	long long b = dblock("b", "/e", 0);
	uint8_t root[1024], sb[1024];
	uint32_t seed[4];
	ext2_dirhash_t h = 0, minor;
	unsigned count;
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d, ino;

	ok(read_block("b", b, sb, root, seed), "b: superblock and root read");
	ok(root[24 + 4] == EXT2_HASH_TEA &&
		   !ext2fs_dirhash2(EXT2_HASH_TEA_UNSIGNED, name,
				    (int)strlen(name), NULL, 0, seed, &h,
				    &minor),
	   "b: the name's hash");
	count = get_le16(root + 32 + 2);
	ok(root[24 + 6] == 0 && count > 64,
	   "b: /e's root has %u entries, one level", count);
	root[36] = 1; /* entry 0's block */
	root[37] = root[38] = root[39] = 0;
	for (unsigned i = 1; i < count; i++) {
		uint32_t v = h | 1;

		for (int k = 0; k < 4; k++)
			root[32 + 8 * i + k] = (uint8_t)(v >> (8 * k));
		root[32 + 8 * i + 4] = 1;
		root[32 + 8 * i + 5] = root[32 + 8 * i + 6] =
			root[32 + 8 * i + 7] = 0;
	}
	ok(!poke("b", b * 1024, root, sizeof(root)), "b: root rewritten");
	if (open_img("b", &im, &fs, &d) ||
	    fsimg_resolve(fs, "/e", 0, &d, NULL)) {
		ok(0, "b: opens");
		return;
	}
	is_int(fsimg_lookup(fs, d, name, &ino, NULL), -ENOENT,
	       "b: the lookup ends, absent");
	close_dir(im, fs);
}

/*
 * A collision across leaves, made on c's /e: entry i of the root gets the
 * hash of the name X with the lowest hash in its leaf, with the low bit
 * set ("continued"). X then hashes below entry i, to leaf i-1, and is
 * found only by going on into leaf i, as a name whose hash spilled over
 * would be. Every other name still hashes where it lies.
 */
static void collision(void)
{
	long long rb = dblock("c", "/e", 0), lb;
	uint8_t root[1024], leaf[1024], sb[1024];
	uint32_t seed[4], lo = UINT32_MAX;
	unsigned count, i, version, lblk;
	char x[256] = "";
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d, ino;

	ok(read_block("c", rb, sb, root, seed),
	   "c: superblock and /e's root read");
	count = get_le16(root + 32 + 2);
	i = count / 2;
	lblk = get_le32(root + 32 + 8 * i + 4);
	lb = dblock("c", "/e", lblk);
	ok(root[24 + 6] == 0 && count > 4 &&
		   read_block("c", lb, sb, leaf, seed),
	   "c: /e's leaf %u read (root entry %u of %u)", lblk, i, count);
	version = root[24 + 4];
	if (get_le32(sb + 0x160) & EXT2_FLAGS_UNSIGNED_HASH)
		version += EXT2_HASH_LEGACY_UNSIGNED;
	for (unsigned off = 0; off + 8 <= 1024;) {
		unsigned rec = get_le16(leaf + off + 4), len = leaf[off + 6];
		ext2_dirhash_t h, minor;

		if (rec < 8 || off + rec > 1024)
			break;
		if (get_le32(leaf + off) && len &&
		    !ext2fs_dirhash2((int)version, (char *)leaf + off + 8,
				     (int)len, NULL, 0, seed, &h, &minor) &&
		    h < lo) {
			lo = h;
			memcpy(x, leaf + off + 8, len);
			x[len] = '\0';
		}
		off += rec;
	}
	ok(*x && lo > get_le32(root + 32 + 8 * (i - 1)),
	   "c: '%s' has the leaf's lowest hash, %#x", x, lo);
	lo |= 1;
	for (int k = 0; k < 4; k++)
		root[32 + 8 * i + k] = (uint8_t)(lo >> (8 * k));
	ok(!poke("c", rb * 1024, root, sizeof(root)), "c: /e's root rewritten");
	if (open_img("c", &im, &fs, &d) ||
	    fsimg_resolve(fs, "/e", 0, &d, NULL)) {
		ok(0, "c: opens");
		return;
	}
	ok(!fsimg_lookup(fs, d, x, &ino, NULL),
	   "c: found by going on into the next leaf");
	close_dir(im, fs);
}

int main(void)
{
	struct names ns;

	if (names_init(&ns, NAMES + 8))
		return 1;
	if (sh("for t in mke2fs e2fsck tune2fs debugfs; do "
	       "command -v $t >/dev/null || exit 1; done")) {
		printf("1..0 # SKIP e2fsprogs (mke2fs, e2fsck, tune2fs, "
		       "debugfs) is not installed\n");
		return 0;
	}
	if (make()) {
		ok(0, "three indexed images made, /d of a with two levels");
		sh("rm -rf %s", dir);
		return tap_done();
	}
	whole("b", &ns);
	endless_hash();
	whole("c", &ns);
	bad_root(&ns);
	collision();
	whole("a", &ns);
	zeroed_leaf(&ns);
	sh("rm -rf %s", dir);
	names_free(&ns);
	return tap_done();
}
