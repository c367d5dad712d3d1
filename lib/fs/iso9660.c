/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO9660 (ECMA-119) with Rock Ridge, Joliet, zisofs and El Torito: probe,
 * the options, open, statfs, and the driver descriptor.
 *
 * Options: norock, nojoliet (use a lesser tree), session=N (0-based, as
 * Linux counts; default the last), sbsector=N (the session whose volume
 * descriptors are at block N + 16, as with Linux), svd=N (the Nth Joliet
 * descriptor instead of the first: images may carry several hierarchies),
 * dirprobe=N (a lookup in a directory of at least N blocks first reads
 * where the records' order puts the name, iso9660_probe.c; default
 * ISO_PROBE_BLOCKS, 0 = never).
 *
 * Opening reads the volume descriptors of one session and the root
 * directory's first record, nothing else: the cost does not depend on the
 * number of files. Directories are read when first visited.
 *
 * Which names: Rock Ridge in the primary tree wins over Joliet, Joliet over
 * plain ECMA-119 names, as with Linux (options norock and nojoliet step
 * down). The tree in use decides the handles (see iso9660_dir.c).
 */
#include "iso9660.h"

#include <stdlib.h>

static int iso_probe(const struct fsimg_window *w)
{
	uint8_t vd[8];
	int rc;

	/* only the identifier: a truncated image is still recognised, and
	 * open says what is missing */
	if (!fsimg_window_has(w, 16 * ISO_BLOCK, sizeof(vd)))
		return 0;
	rc = fsimg_wread_cached(w, 16 * ISO_BLOCK, vd, sizeof(vd));
	if (rc)
		return rc;
#ifdef FSIMG_ESCAPE_TEST
	if (iso_vd_magic(vd) && (rc = fsimg_escape_hook(w, false)))
		return rc;
#endif
	/* 8.1: standard identifier and descriptor version 1 */
	return iso_vd_magic(vd) && vd[6] == 1;
}

static int iso_open(fsimg_fs *fs, struct fsimg_opts *opts)
{
	struct iso_fs *ifs;
	uint64_t sb = 0, sess = 0, svd = 0, probe = ISO_PROBE_BLOCKS;
	bool have_sb, have_sess, have_svd, have_probe, norock, nojoliet;
	int rc;

#ifdef FSIMG_ESCAPE_TEST
	if ((rc = fsimg_escape_hook(&fs->win, true)))
		return rc;
#endif
	norock = fsimg_opt_take(opts, "norock", NULL);
	nojoliet = fsimg_opt_take(opts, "nojoliet", NULL);
	if ((rc = fsimg_opt_take_uint(opts, "session", 10, ISO_SESSIONS_MAX - 1,
				      &sess, &have_sess)))
		return fsimg_werr(&fs->win, rc, "session= wants a number 0-%u",
				  ISO_SESSIONS_MAX - 1);
	if ((rc = fsimg_opt_take_uint(opts, "sbsector", 0, UINT32_MAX, &sb,
				      &have_sb)))
		return fsimg_werr(&fs->win, rc,
				  "sbsector= wants a block number");
	if ((rc = fsimg_opt_take_uint(opts, "svd", 10, ISO_SVD_MAX - 1, &svd,
				      &have_svd)))
		return fsimg_werr(&fs->win, rc,
				  "svd= wants the index of a Joliet volume "
				  "descriptor (0-%u)",
				  ISO_SVD_MAX - 1);
	if ((rc = fsimg_opt_take_uint(opts, "dirprobe", 10, UINT32_MAX, &probe,
				      &have_probe)))
		return fsimg_werr(&fs->win, rc,
				  "dirprobe= wants a number of blocks");

	ifs = calloc(1, sizeof(*ifs));
	if (!ifs)
		return -ENOMEM;
	ifs->fs = fs;
	ifs->img = fs->img;
	ifs->win = fs->win;
	ifs->probe_blocks = (uint32_t)probe;
	pthread_mutex_init(&ifs->lock, NULL);
	rc = iso_dcache_new(ISO_DCACHE_BYTES, &ifs->dcache);
	if (rc)
		goto err;
	ifs->posmap = calloc(ISO_POSMAP_SLOTS, sizeof(*ifs->posmap));
	if (!ifs->posmap) {
		rc = -ENOMEM;
		goto err;
	}
	rc = iso_pick_session(ifs, have_sb, sb, have_sess, sess);
	if (rc)
		goto err;
	rc = iso_scan_vds(ifs, svd);
	if (rc)
		goto err;
	iso_get_733(ifs->pvd + 80, &ifs->volume_blocks);
	rc = iso_root_of(ifs, ifs->pvd, &ifs->pvd_root);
	if (rc)
		goto err;
	rc = iso_detect_rr(ifs);
	if (rc)
		goto err;
	if (ifs->rr_present && !norock) {
		ifs->tree = ISO_TREE_RR;
		fs->root = ifs->pvd_root;
	} else if (!nojoliet && iso_joliet(ifs)) {
		ifs->tree = ISO_TREE_JOLIET;
		fs->root = ifs->joliet_root;
	} else {
		ifs->tree = ISO_TREE_PLAIN;
		fs->root = ifs->pvd_root;
	}
	ISO_DBG("session %u of %u at block %llu, tree %d, root %llu",
		ifs->session, ifs->sessions,
		(unsigned long long)ifs->session_start, ifs->tree,
		(unsigned long long)fs->root);
	fs->priv = ifs;
	return 0;
err:
	free(ifs->posmap);
	iso_dcache_free(ifs->dcache);
	pthread_mutex_destroy(&ifs->lock);
	free(ifs);
	return rc;
}

static void iso_close(fsimg_fs *fs)
{
	struct iso_fs *ifs = iso_of(fs);

	if (!ifs)
		return;
	iso_dcache_free(ifs->dcache);
	free(ifs->posmap);
	pthread_mutex_destroy(&ifs->lock);
	free(ifs);
	fs->priv = NULL;
}

static int iso_statfs(fsimg_fs *fs, struct fsimg_statfs *st)
{
	struct iso_fs *ifs = iso_of(fs);

	st->bsize = ISO_BLOCK;
	st->blocks = ifs->volume_blocks;
	st->bfree = 0;
	st->files = 0;
	st->ffree = 0;
	st->namemax = ISO_NAME_MAX;
	return 0;
}

static int iso_boot_entries(fsimg_fs *fs, struct fsimg_boot_entry *entries,
			    size_t max)
{
	struct iso_fs *ifs = iso_of(fs);
	int n;

	if (!ifs->have_boot)
		return 0;
	n = iso_eltorito_entries(&ifs->win, ifs->boot_catalog, entries, max);
	if (n > 0)
		iso_boot_lengths(fs, entries,
				 (size_t)n < max ? (size_t)n : max);
	return n;
}

/* BSD and Solaris call it cd9660 and hsfs. */
static const char *const iso9660_aliases[] = { "cd9660", "hsfs", NULL };

const struct fsimg_driver fsimg_iso9660_driver = {
	.name = "iso9660",
	.aliases = iso9660_aliases,
	.label = "ISO 9660",
	.debug = "iso",
	.probe = iso_probe,
	.open = iso_open,
	.close = iso_close,
	.info = iso_info,
	.details = iso_details,
	.statfs = iso_statfs,
	.getattr = iso_getattr,
	.lookup = iso_lookup,
	.readdir = iso_readdir,
	.readlink = iso_readlink,
	.file_open = iso_file_open,
	.file_read = iso_file_read,
	.file_map = iso_file_map,
	.file_close = iso_file_close,
	.boot_entries = iso_boot_entries,
};
