#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Demo: read the bundled installer-like ISO as a virt-install would, without
# root, loop devices or FUSE: show what it is, list it, fetch kernel+initrd.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fsimg=${1:-$top/build/cli/fsimg}
iso=$top/tests/data/sample.iso
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { printf '\n$ %s\n' "$*"; "$@"; }
run "$fsimg" info "$iso"
run "$fsimg" ls -l "$iso" /images/pxeboot
run "$fsimg" cat "$iso" /.treeinfo
run "$fsimg" get "$iso" /images/pxeboot/vmlinuz /images/pxeboot/initrd.img "$out"
run ls -l "$out"
printf '\nFetched the kernel and initrd of %s.\n' "$(basename "$iso")"
