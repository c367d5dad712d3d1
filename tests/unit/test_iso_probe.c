/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lookups in big ISO9660 directories, which read first the
 * blocks where the records' order puts the name (iso9660_probe.c).
 *
 * One directory /d of NAMES entries, more than the 128 KiB from which
 * lookups probe: names that are ISO identifiers already (F00042.TXT,
 * NOEXT7, DIR3), and names the mastering tool has to change (lower case,
 * spaces, several dots, non-ASCII letters, long names), so that probes
 * both hit and miss. Images by xorriso and by genisoimage, which change
 * names each its own way, read as Rock Ridge, as plain ECMA-119 names and
 * as Joliet (which does not probe). Every listed name must be found as
 * the node readdir gave, and absent names must not be.
 *
 * Then an early block of the directory is given a record that cannot be
 * decoded: the directory can no longer be listed, while the names beyond
 * it are still found, which a scan (dirprobe=0) cannot do.
 * Skips when xorriso is not installed.
 */
#include "tap.h"
#include "fs/iso9660.h"
#include "dirnames.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAMES 3000

static char dir[] = "/tmp/test_iso_probe.XXXXXX";

static void name_of(unsigned i, char *buf, size_t size)
{
	switch (i % 6) {
	case 0:
	case 1:
		snprintf(buf, size, "F%05u.TXT", i);
		break;
	case 2:
		snprintf(buf, size, "lower-%u.txt", i);
		break;
	case 3:
		snprintf(buf, size, "Mixed Case %u.tar.gz", i);
		break;
	case 4:
		snprintf(buf, size, "\xc3\xa9t\xc3\xa9-%u", i);
		break;
	default:
		snprintf(buf, size, i % 12 == 5 ? "NOEXT%u" : "DIR%u", i);
		break;
	}
}

static int make(void)
{
	char p[300], n[NAMES_LEN];

	if (src_dirs(dir))
		return -1;
	for (unsigned i = 0; i < NAMES; i++) {
		FILE *f;

		name_of(i, n, sizeof(n));
		snprintf(p, sizeof(p), "%s/src/d/%s", dir, n);
		if (!strncmp(n, "DIR", 3)) {
			if (mkdir(p, 0755))
				return -1;
			continue;
		}
		f = fopen(p, "w");
		if (!f)
			return -1;
		fprintf(f, "%u\n", i); /* sizes differ */
		fclose(f);
	}
	return sh("cd %s && exec >/dev/null 2>&1 && "
		  "xorriso -as mkisofs -R -J -quiet -o x.iso src && "
		  "{ ! command -v genisoimage || "
		  "genisoimage -R -J -quiet -o g.iso src; }",
		  dir);
}

static int open_img(const char *img, const char *opts, fsimg_image **im,
		    fsimg_fs **fs, fsimg_ino *d)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, img);
	return open_dir(p, 0, "iso9660", opts, "/d", im, fs, d);
}

static void whole(const char *img, const char *opts, struct names *ns)
{
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d, ino;
	char n[NAMES_LEN + 2];
	unsigned absent = 0, want = 0;

	ns->n = 0;
	if (open_img(img, opts, &im, &fs, &d)) {
		ok(0, "%s (%s): opens", img, opts ? opts : "rock");
		return;
	}
	ok(!fsimg_readdir(fs, d, 0, names_collect, ns) && ns->n == NAMES,
	   "%s (%s): readdir lists the %u names (%u)", img,
	   opts ? opts : "rock", NAMES, ns->n);
	is_int(names_found(fs, d, ns, 0), ns->n,
	       "%s (%s): lookup finds each as listed", img,
	       opts ? opts : "rock");
	for (unsigned i = 0; i < ns->n; i += 7, want++) {
		snprintf(n, sizeof(n), "%s~", ns->name[i]);
		absent += fsimg_lookup(fs, d, n, &ino, NULL) == -ENOENT;
	}
	is_int(absent, want, "%s (%s): absent names are -ENOENT", img,
	       opts ? opts : "rock");
	close_dir(im, fs);
}

static int count(void *ctx, const char *name, fsimg_ino ino,
		 const struct fsimg_stat *st, uint64_t next)
{
	(void)name;
	(void)ino;
	(void)st;
	(void)next;
	++*(unsigned *)ctx;
	return 0;
}

static void log_count(void *ctx, int err, const char *msg)
{
	(void)msg;
	if (err)
		++*(unsigned *)ctx;
}

/*
 * x.iso's /d with the first record of its second block made undecodable.
 * That block holds DIR names, which sort first; each F name's probe reads
 * blocks far beyond it, where a scan would never arrive.
 */
static void bad_block(const struct names *ns)
{
	fsimg_image *im;
	fsimg_fs *fs;
	fsimg_ino d, ino;
	struct iso_node n;
	uint64_t blk = 0, nblk = 0;
	uint8_t bad = 20; /* shorter than any record (34 bytes) */
	unsigned listed = 0, want = 0, k = 0, logged = 0;
	char p[300];
	int fd;

	if (open_img("x.iso", NULL, &im, &fs, &d)) {
		ok(0, "x.iso: opens");
		return;
	}
	if (!iso_node_load(iso_of(fs), d, &n)) {
		nblk = n.rec.size / ISO_BLOCK;
		blk = n.rec.extent + 1;
	}
	close_dir(im, fs);
	ok(nblk > 64, "x.iso: /d has %llu blocks, more than the 64 that probe",
	   (unsigned long long)nblk);
	snprintf(p, sizeof(p), "%s/x.iso", dir);
	fd = open(p, O_WRONLY);
	ok(fd >= 0 && pwrite(fd, &bad, 1, (off_t)(blk * ISO_BLOCK)) == 1,
	   "x.iso: block %llu damaged", (unsigned long long)blk);
	if (fd >= 0)
		close(fd);
	if (open_img("x.iso", NULL, &im, &fs, &d)) {
		ok(0, "x.iso: opens");
		return;
	}
	fsimg_image_set_log(im, log_count, &logged);
	ok(fsimg_readdir(fs, d, 0, count, &listed) < 0 && logged == 1,
	   "x.iso: /d can no longer be listed (%u names before the error)",
	   listed);
	logged = 0;
	for (unsigned i = 0; i < ns->n; i++) {
		fsimg_ino want_ino = ns->ino[i];

		if (strncmp(ns->name[i], "F", 1))
			continue;
		want++;
		k += !fsimg_lookup(fs, d, ns->name[i], &ino, NULL) &&
		     ino == want_ino;
	}
	is_int(k, want, "x.iso: the %u F names are found by their probes",
	       want);
	is_int(logged, 0, "x.iso: and nothing is reported");
	/* the names after the listing's error, up to the F names: those of
	 * the damaged block and of the next (whose probes read the damaged
	 * one first, quietly) are errors, each reported once by its scan */
	k = 0;
	for (unsigned i = listed; i < ns->n && i < listed + 80; i++)
		k += fsimg_lookup(fs, d, ns->name[i], &ino, NULL) < 0;
	ok(k >= 17, "x.iso: %u names near the damage are errors", k);
	is_int(logged, k, "x.iso: each reported once");
	close_dir(im, fs);
	/* without probes, the scan meets the damage first */
	if (open_img("x.iso", "dirprobe=0", &im, &fs, &d)) {
		ok(0, "x.iso (dirprobe=0): opens");
		return;
	}
	ok(fsimg_lookup(fs, d, "F00042.TXT", &ino, NULL) < 0 &&
		   fsimg_lookup(fs, d, "F00042.TXT", &ino, NULL) != -ENOENT,
	   "x.iso (dirprobe=0): F00042.TXT is an error");
	close_dir(im, fs);
}

int main(void)
{
	struct names ns;
	char p[300];

	if (names_init(&ns, NAMES + 8))
		return 1;
	if (sh("command -v xorriso >/dev/null 2>&1")) {
		printf("1..0 # SKIP xorriso is not installed\n");
		return 0;
	}
	if (make()) {
		ok(0, "the images are made");
		sh("rm -rf %s", dir);
		return tap_done();
	}
	whole("x.iso", NULL, &ns);
	whole("x.iso", "norock", &ns);
	whole("x.iso", "norock,nojoliet", &ns);
	whole("x.iso", "dirprobe=1", &ns); /* every probe a window */
	snprintf(p, sizeof(p), "%s/g.iso", dir);
	if (access(p, F_OK) == 0) {
		whole("g.iso", NULL, &ns);
		whole("g.iso", "norock,nojoliet", &ns);
	} else {
		printf("ok %d # SKIP genisoimage is not installed\n", ++tap_n);
	}
	whole("x.iso", NULL, &ns); /* ns: the Rock Ridge names again */
	bad_block(&ns);
	sh("rm -rf %s", dir);
	names_free(&ns);
	return tap_done();
}
