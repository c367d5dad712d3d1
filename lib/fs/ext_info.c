/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * info and details: what the superblock says (ext4 "The Super Block").
 *
 * The flavour is named as libblkid names it: ext2 when only features ext2
 * and ext3 kernels both read are set and there is no journal, ext3 with a
 * journal, ext4 as soon as any later feature is set.
 */
#include "ext.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

struct feature {
	int kind; /* 0 compat, 1 incompat, 2 ro_compat */
	uint32_t mask;
	const char *name;
};

/* names as dumpe2fs prints them */
static const struct feature features[] = {
	{ 0, 0x0001, "dir_prealloc" },	  { 0, 0x0002, "imagic_inodes" },
	{ 0, 0x0004, "has_journal" },	  { 0, 0x0008, "ext_attr" },
	{ 0, 0x0010, "resize_inode" },	  { 0, 0x0020, "dir_index" },
	{ 0, 0x0040, "lazy_bg" },	  { 0, 0x0100, "snapshot_bitmap" },
	{ 0, 0x0200, "sparse_super2" },	  { 0, 0x0400, "fast_commit" },
	{ 0, 0x0800, "stable_inodes" },	  { 0, 0x1000, "orphan_file" },
	{ 1, 0x0001, "compression" },	  { 1, 0x0002, "filetype" },
	{ 1, 0x0004, "needs_recovery" },  { 1, 0x0008, "journal_dev" },
	{ 1, 0x0010, "meta_bg" },	  { 1, 0x0040, "extent" },
	{ 1, 0x0080, "64bit" },		  { 1, 0x0100, "mmp" },
	{ 1, 0x0200, "flex_bg" },	  { 1, 0x0400, "ea_inode" },
	{ 1, 0x1000, "dirdata" },	  { 1, 0x2000, "metadata_csum_seed" },
	{ 1, 0x4000, "large_dir" },	  { 1, 0x8000, "inline_data" },
	{ 1, 0x10000, "encrypt" },	  { 1, 0x20000, "casefold" },
	{ 2, 0x0001, "sparse_super" },	  { 2, 0x0002, "large_file" },
	{ 2, 0x0004, "btree_dir" },	  { 2, 0x0008, "huge_file" },
	{ 2, 0x0010, "uninit_bg" },	  { 2, 0x0020, "dir_nlink" },
	{ 2, 0x0040, "extra_isize" },	  { 2, 0x0080, "snapshot" },
	{ 2, 0x0100, "quota" },		  { 2, 0x0200, "bigalloc" },
	{ 2, 0x0400, "metadata_csum" },	  { 2, 0x0800, "replica" },
	{ 2, 0x1000, "read-only" },	  { 2, 0x2000, "project" },
	{ 2, 0x4000, "shared_blocks" },	  { 2, 0x8000, "verity" },
	{ 2, 0x10000, "orphan_present" },
};

#define EXT3_RO_COMPAT_KNOWN 0x0007u /* sparse_super large_file btree_dir */
#define EXT3_INCOMPAT_KNOWN  0x0016u /* filetype needs_recovery meta_bg */

const char *ext_type_of(uint32_t compat, uint32_t incompat, uint32_t ro)
{
	if ((ro & ~EXT3_RO_COMPAT_KNOWN) || (incompat & ~EXT3_INCOMPAT_KNOWN))
		return "ext4";
	if (compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
		return "ext3";
	return "ext2";
}

const char *ext_type_name(const struct ext2_super_block *sb)
{
	return ext_type_of(sb->s_feature_compat, sb->s_feature_incompat,
			   sb->s_feature_ro_compat);
}

static void copy_label(char *dst, size_t room,
		       const struct ext2_super_block *sb)
{
	size_t n = strnlen((const char *)sb->s_volume_name,
			   sizeof(sb->s_volume_name));

	if (n >= room)
		n = room - 1;
	memcpy(dst, sb->s_volume_name, n);
	dst[n] = '\0';
}

static void fmt_uuid(char *dst, size_t room, const uint8_t *u)
{
	snprintf(dst, room,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

int ext_info(fsimg_fs *fs, struct fsimg_fsinfo *info)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_super_block *sb = &e->sb;
	uint64_t size;

	snprintf(info->type, sizeof(info->type), "%s", ext_type_name(sb));
	snprintf(info->version, sizeof(info->version), "rev %u.%u%s",
		 sb->s_rev_level, sb->s_minor_rev_level,
		 ext2fs_has_feature_journal_needs_recovery(sb)
			 ? ", needs_recovery"
			 : "");
	copy_label(info->label, sizeof(info->label), sb);
	fmt_uuid(info->uuid, sizeof(info->uuid), sb->s_uuid);
	info->block_size = e->blocksize;
	if (!ckd_mul(&size, ext2fs_blocks_count(sb), (uint64_t)e->blocksize))
		info->size = size;
	return 0;
}

static void emit_time(struct fsimg_details *d, const char *key, uint32_t lo,
		      uint8_t hi)
{
	time_t t = (time_t)((int64_t)lo | (int64_t)hi << 32);
	struct tm tm;
	char buf[64];

	if (!lo && !hi)
		buf[0] = 0;
	else if (!gmtime_r(&t, &tm) ||
		 !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	fsimg_details_text(d, key, "%s", buf[0] ? buf : "never");
}

int ext_details(fsimg_fs *fs, fsimg_typed_detail_fn fn, void *ctx)
{
	struct ext_fs *e = ext_of(fs);
	struct ext2_super_block *sb = &e->sb;
	struct fsimg_details d = { fn, ctx, 0 };
	const uint32_t words[3] = { sb->s_feature_compat,
				    sb->s_feature_incompat,
				    sb->s_feature_ro_compat };
	char v[1024], label[20];
	size_t n = 0;

	v[0] = '\0';
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (words[features[i].kind] & features[i].mask)
			n += (size_t)snprintf(v + n, sizeof(v) - n, "%s%s",
					      n ? " " : "", features[i].name);
	fsimg_details_text(&d, "features", "%s", v);
	fsimg_details_text(&d, "state", "%s%s",
			   sb->s_state & EXT2_VALID_FS ? "clean" : "not clean",
			   sb->s_state & EXT2_ERROR_FS ? " with errors" : "");
	/* a journal not replayed: read as on disk */
	fsimg_details_bool(&d, "needs_recovery",
			   ext2fs_has_feature_journal_needs_recovery(sb));
	if (ext2fs_has_feature_journal(sb)) {
		if (sb->s_journal_inum)
			fsimg_details_text(&d, "journal", "internal, inode %u",
					   sb->s_journal_inum);
		else
			fsimg_details_text(&d, "journal", "external");
	} else {
		fsimg_details_text(&d, "journal", "none");
	}
	copy_label(label, sizeof(label), sb);
	fsimg_details_text(&d, "label", "%s", label);
	fsimg_details_text(&d, "revision", "%u.%u", sb->s_rev_level,
			   sb->s_minor_rev_level);
	fsimg_details_num(&d, "block_size", e->blocksize);
	fsimg_details_num(&d, "inode_size", e->inode_size);
	fsimg_details_num(&d, "blocks", ext2fs_blocks_count(sb));
	fsimg_details_num(&d, "free_blocks", ext2fs_free_blocks_count(sb));
	fsimg_details_num(&d, "inodes", sb->s_inodes_count);
	fsimg_details_num(&d, "free_inodes", sb->s_free_inodes_count);
	fsimg_details_num(&d, "mount_count", sb->s_mnt_count);
	fsimg_details_text(&d, "last_mounted_on", "%.*s",
			   (int)sizeof(sb->s_last_mounted),
			   (const char *)sb->s_last_mounted);
	emit_time(&d, "created", sb->s_mkfs_time, sb->s_mkfs_time_hi);
	emit_time(&d, "last_mount_time", sb->s_mtime, sb->s_mtime_hi);
	emit_time(&d, "last_write_time", sb->s_wtime, sb->s_wtime_hi);
	emit_time(&d, "last_check_time", sb->s_lastcheck, sb->s_lastcheck_hi);
	fsimg_details_text(&d, "creator_os", "%s",
			   sb->s_creator_os == EXT2_OS_LINUX	 ? "Linux"
			   : sb->s_creator_os == EXT2_OS_HURD	 ? "GNU/Hurd"
			   : sb->s_creator_os == EXT2_OS_FREEBSD ? "FreeBSD"
								 : "other");
	fsimg_details_num(&d, "handles", e->max);
	return d.rc;
}
