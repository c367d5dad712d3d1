/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inode numbers, node ids and lookup counts.
 *
 * Three numbers describe a node of a mounted image:
 *
 *  - the fsimg_ino handle: libfsimg's name for the node. It is never 0 and
 *    stays valid, unchanged, for as long as the fsimg_fs is open; the same
 *    path gives the same handle in every run. ISO9660 uses the position of
 *    the node's directory record, so handles are sparse 64-bit numbers.
 *
 *  - the FUSE node id: the kernel's name for the node in every request. It
 *    must be unique among the live nodes, never 0, and the root directory
 *    is always FUSE_ROOT_ID (1).
 *
 *  - st_ino, what stat(2) reports: fsimg_stat.ino, which may differ from
 *    the handle (a Rock Ridge inode number shared by hard links). It only
 *    travels in attributes; the kernel never hands it back to us.
 *
 * The node id is the handle itself, with one exchange: the root handle
 * (fsimg_fs_root()) becomes FUSE_ROOT_ID, and the node whose handle is 1,
 * should a driver have one, becomes the root handle's number. The map is
 * its own inverse, so the same function converts both ways:
 *
 *	handle == root	->  1
 *	handle == 1	->  root
 *	otherwise	->  handle
 *
 * ISO handles are never 1 (no directory record starts at byte 1), but that
 * is a property of one driver: the exchange keeps the map a bijection for
 * any driver whose handles are non-zero, which the library guarantees.
 *
 * Lookup counts. The kernel counts, per node id, the replies that handed
 * the id out (lookup, readdirplus entries other than "." and "..") and
 * returns them through forget/batch_forget when it evicts the inode; a
 * filesystem that allocates per-node state frees it when the count drops
 * to zero. Here the node id is computed from the handle and nothing is
 * allocated per node: a handle stays valid until the filesystem is closed,
 * which happens only after the kernel has dropped every node (unmount).
 * So the counts need no bookkeeping: forget is answered with
 * fuse_reply_none() and nothing else, a failed reply_entry leaks nothing,
 * and a readdirplus buffer cut short needs no undo. The kernel may keep a
 * node id for as long as it likes and always gets the same node back.
 *
 * Open files and directories are the only per-object state; they live in
 * fuse_file_info.fh between open and release, which the kernel pairs.
 */
#include "fsfuse.h"

static uint64_t exchange(uint64_t root, uint64_t v)
{
	if (v == root)
		return FUSE_ROOT_ID;
	if (v == FUSE_ROOT_ID)
		return root;
	return v;
}

fsimg_ino fsfuse_ino(const struct fsfuse *ff, fuse_ino_t nodeid)
{
	return exchange(ff->root, nodeid);
}

fuse_ino_t fsfuse_nodeid(const struct fsfuse *ff, fsimg_ino ino)
{
	return exchange(ff->root, ino);
}
