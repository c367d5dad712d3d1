/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "fsimg mount" and "fsimg umount" subcommands, for the fsimg command's
 * dispatcher. argv[0] is the subcommand's name, the arguments follow; the
 * return value is the process exit code, as mount(8) defines them (0, 1
 * usage or permissions, 2 system error, 32 mount failure). Both print
 * their own messages. Link with the fsimg_mount_dep dependency.
 *
 *   fsimg mount [-fnv] [-o OPTIONS] IMAGE DIR
 *   fsimg umount [-lv] DIR|IMAGE
 */
#ifndef FSIMG_MOUNT_H
#define FSIMG_MOUNT_H

int fsimg_mount_main(int argc, char **argv);
int fsimg_umount_main(int argc, char **argv);

#endif /* FSIMG_MOUNT_H */
