/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "fsimg mount" and "fsimg umount" run in mount.fsimg, so that the fsimg
 * command itself links neither libfuse nor libmount. The fsimg command
 * execs mount.fsimg (the one next to it, else the installed one) with its
 * own arguments from the subcommand on and argv[0] set to
 * FSIMG_MOUNT_ARGV0:
 *
 *   argv = { "fsimg", "mount", [-fnv] [-o OPTIONS] IMAGE DIR }
 *   argv = { "fsimg", "umount", [-lv] DIR|IMAGE }
 *
 * mount(8) never runs a helper so: it passes mount.TYPE as argv[0].
 * mount.fsimg then reads the command line, prints its messages and
 * returns the exit code exactly as those subcommands document them
 * (mount(8)'s codes: 0, 1 usage or permissions, 2 system error, 32 mount
 * failure). argv[0] of each function below is the subcommand's name.
 */
#ifndef FSIMG_MOUNT_H
#define FSIMG_MOUNT_H

#define FSIMG_MOUNT_ARGV0 "fsimg"

int fsimg_mount_main(int argc, char **argv);
int fsimg_umount_main(int argc, char **argv);

#endif /* FSIMG_MOUNT_H */
