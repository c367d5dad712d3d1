#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed corpus and test driver for the fuzz harnesses.

Inputs, per kind (iso, eltorito, ext, fat, ufs, udf, part, wire, bootcfg,
xenwire, container, broker, lvm, xfs, btrfs):
    generated   crafted images of our own generators and small images made
                by the real tools (mkcrafted.py, xorriso, mke2fs, mkfs.fat,
                makefs); they differ from run to run (times, UUIDs)
    committed   tests/fuzz/corpus/KIND/: a minimised corpus kept by
                scripts/fuzz.sh --save, byte for byte the same in every run
    findings    tests/fuzz/findings/KIND/: every input that ever crashed or
                tripped a harness, fixed since; and ../shared/findings/KIND-*

    run_fuzz.py corpus DIR --KIND [--max-size N] [--public]
        Writes generated + committed + findings of KIND into DIR; with
        --public also the public test images of ../shared/corpus.
    run_fuzz.py replay BINARY --KIND
        Runs BINARY (a *_replay build or a libFuzzer build) once on every
        input of KIND and on the committed inputs and findings of every
        other kind (an ext image must not crash the ISO reader either).
    run_fuzz.py fuzz BINARY --KIND [--runs N] [--seed S]
        A deterministic libFuzzer run for CI: a fixed seed, a fixed number
        of runs, and only the committed inputs and findings as seeds, in a
        fixed order; the same commit gives the same result on every run.
        A crash is kept in $FSIMG_BUILDDIR/tests/fuzz/artifacts/.

Open-ended fuzzing is scripts/fuzz.sh.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("FSIMG_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(SRCDIR, "tests", "crafted"))

import mkcrafted  # noqa: E402

BLOCK = 2048


def xorriso_isos(out):
    """A few small valid ISOs made by the real tool, if it is there."""
    xorriso = shutil.which("xorriso")
    if not xorriso:
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "dir", "deeper"))
        with open(os.path.join(src, "hello.txt"), "w") as f:
            f.write("hello, world\n")
        with open(os.path.join(src, "dir", "deeper", "big.txt"), "w") as f:
            f.write("a fairly compressible line of text\n" * 2000)
        with open(os.path.join(src, "Long Mixed-Case Name.txt"), "w") as f:
            f.write("joliet\n")
        os.symlink("dir/deeper/big.txt", os.path.join(src, "link"))
        boot = bytearray(BLOCK)
        boot[510:512] = b"\x55\xAA"
        with open(os.path.join(src, "boot.img"), "wb") as f:
            f.write(boot)
        # a FAT12 BPB of 64 KiB, as an EFI image would carry
        efi = bytearray(64 * 1024)
        efi[0:3] = b"\xEB\x3C\x90"
        struct.pack_into("<HBHBHHB", efi, 11, 512, 1, 1, 2, 64, 128, 0xF8)
        efi[510:512] = b"\x55\xAA"
        with open(os.path.join(src, "efi.img"), "wb") as f:
            f.write(efi)
        runs = {
            "xorriso_rr_joliet.iso": ["-R", "-J"],
            "xorriso_plain.iso": [],
            "xorriso_eltorito.iso": [
                "-R", "-b", "boot.img", "-no-emul-boot", "-boot-load-size",
                "4", "-eltorito-alt-boot", "-e", "efi.img", "-no-emul-boot"],
        }
        for name, args in runs.items():
            subprocess.run([xorriso, "-as", "mkisofs", "-quiet", "-no-pad",
                            "-o", os.path.join(out, name)] + args + [src],
                           check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        subprocess.run([xorriso, "-abort_on", "FAILURE", "-outdev",
                        os.path.join(out, "xorriso_zisofs.iso"),
                        "-padding", "0", "-rockridge", "on",
                        "-map", src, "/",
                        "-set_filter_r", "--zisofs", "/", "--",
                        "-commit"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def eltorito_seeds(out):
    """Catalogs at block 0 followed by the boot images they name."""
    v = mkcrafted.et_validation
    b = mkcrafted.et_boot
    h = mkcrafted.et_header

    def image(cat, extra):
        data = bytearray(cat.ljust(BLOCK, b"\0"))
        for lba, content in extra:
            end = lba * BLOCK + len(content)
            if len(data) < end:
                data += bytes(end - len(data))
            data[lba * BLOCK:end] = content
        return bytes(data)

    fat = bytearray(512)
    fat[0:3] = b"\xEB\x3C\x90"
    struct.pack_into("<HBHBHHB", fat, 11, 512, 4, 1, 2, 512, 64, 0xF8)
    mbr = bytearray(512)
    struct.pack_into("<BBBBBBBBII", mbr, 446, 0x80, 0, 0, 0, 0x06, 0, 0, 0,
                     1, 40)
    mbr[510:512] = b"\x55\xAA"
    seeds = {
        "default_only": image(v() + b(1), [(1, b"\xFA" * 16)]),
        "sections": image(v() + b(1) + h(False, 0xEF, 1) + b(2) +
                          h(True, 1, 2) + b(3, media=4) + b(4, media=2),
                          [(2, fat), (3, mbr)]),
        "extension": image(v() + b(1) + h(True, 0xEF, 1) +
                           b(2, media=0x20) + b"\x44" + bytes(31), []),
        "bad_checksum": image(v(good=False) + b(1), []),
        "unterminated": image(v() + b(1) + (h(False, 0, 1) + b(1)) * 40,
                              []),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, "et_" + name + ".bin"), "wb") as f:
            f.write(data)


def fat_seeds(out, max_size):
    """FAT seeds: the crafted images of tests/fat/mkcrafted.py and, when
    dosfstools and mtools are installed, small mkfs.fat images."""
    # tests/fat/mkcrafted.py shares its module name with the ISO one
    # imported above: load it by path under a name of its own
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "fat_mkcrafted", os.path.join(HERE, "..", "fat", "mkcrafted.py"))
    fat_crafted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fat_crafted)
    with tempfile.TemporaryDirectory(prefix="fsimg-fat-") as tmp:
        fat_crafted.main(tmp)
        for name in sorted(os.listdir(tmp)):
            shutil.copy(os.path.join(tmp, name),
                        os.path.join(out, "crafted_" + name))
        mkfs, mcopy = shutil.which("mkfs.fat"), shutil.which("mcopy")
        if not (mkfs and mcopy):
            return
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "Long Directory Name"))
        for i in range(20):
            with open(os.path.join(src, "Long Directory Name",
                                   "file number %d.txt" % i), "w") as f:
                f.write("x" * (i * 300))
        with open(os.path.join(src, "short.txt"), "w") as f:
            f.write("hello")
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        for name, kib, args in [("fat12", 360, ["-F", "12"]),
                                ("fat16", 4200, ["-F", "16", "-s", "1"]),
                                ("fat32", 34000, ["-F", "32", "-s", "1"])]:
            img = os.path.join(out, "mkfs_" + name + ".img")
            if os.path.exists(img):
                os.unlink(img)
            subprocess.run([mkfs, "-C"] + args + [img, str(kib)],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([mcopy, "-s", "-i", img,
                            os.path.join(src, "Long Directory Name"),
                            os.path.join(src, "short.txt"), "::/"],
                           check=True, env=env)
            if max_size and os.path.getsize(img) > max_size:
                # keep the metadata only: the FAT driver reads lazily
                with open(img, "r+b") as f:
                    f.truncate(max_size)


def ext_seeds(out):
    """Tiny mke2fs -d images (ext2, ext3, ext4 with inline data, no
    extents, metadata_csum), when mke2fs is installed, and two with an
    indexed directory (ext2, ext4 with metadata_csum) when e2fsck is."""
    mke2fs = shutil.which("mke2fs") or shutil.which("/sbin/mke2fs")
    if not mke2fs:
        return
    with tempfile.TemporaryDirectory(prefix="fsimg-ext-") as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "dir", "sub"))
        for i in range(12):
            with open(os.path.join(src, "dir", "f%d" % i), "w") as f:
                f.write("x" * (i * 700))
        with open(os.path.join(src, "sparse"), "wb") as f:
            f.seek(40000)
            f.write(b"end")
        os.symlink("dir/f1", os.path.join(src, "fast"))
        os.symlink("y" * 200, os.path.join(src, "slow"))
        os.mkfifo(os.path.join(src, "fifo"))
        for name, args in [("ext2", ["-t", "ext2"]),
                           ("ext3", ["-t", "ext3", "-J", "size=1"]),
                           ("ext4_inline", ["-t", "ext4", "-O",
                                            "inline_data,^has_journal"]),
                           ("ext4_noextent", ["-t", "ext4", "-O",
                                              "^extent,^64bit,^has_journal"]),
                           ("ext4_csum", ["-t", "ext4", "-O",
                                          "metadata_csum,^has_journal"])]:
            img = os.path.join(out, "mke2fs_" + name + ".img")
            if os.path.exists(img):
                os.unlink(img)
            # small images run faster; ext3's journal needs 1024 blocks
            blocks = "1024" if name == "ext3" else "128"
            subprocess.run([mke2fs, "-q", "-F", "-b", "1024", "-N", "32"] +
                           args + ["-d", src, img, blocks], check=True,
                           stdout=subprocess.DEVNULL)
        # directories with a hash index (ext_dx.c): mke2fs -d writes none,
        # e2fsck -D indexes every directory of more than one block
        e2fsck = shutil.which("e2fsck") or shutil.which("/sbin/e2fsck")
        if not e2fsck:
            return
        idx = os.path.join(tmp, "idx")
        os.makedirs(os.path.join(idx, "d"))
        # 160 links to one file: an index, but few inodes to read
        open(os.path.join(idx, "d", "name0"), "w").close()
        for i in range(1, 160):
            os.link(os.path.join(idx, "d", "name0"),
                    os.path.join(idx, "d", "name%d" % i))
        for name, args in [("ext2_htree", ["-t", "ext2"]),
                           ("ext4_htree", ["-t", "ext4", "-O",
                                           "metadata_csum,^has_journal"])]:
            img = os.path.join(out, "mke2fs_" + name + ".img")
            if os.path.exists(img):
                os.unlink(img)
            subprocess.run([mke2fs, "-q", "-F", "-b", "1024", "-I", "128",
                            "-N", "32"] +
                           args + ["-d", idx, img, "128"], check=True,
                           stdout=subprocess.DEVNULL)
            # 0: nothing to do, 1: directories optimized
            if subprocess.run([e2fsck, "-fyD", img], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode > 1:
                raise RuntimeError("e2fsck -fD failed on " + img)


def ufs_seeds(out):
    """Small Solaris UFS images written by tests/ufs/mksolufs.py (both byte
    orders, one logging), and small makefs -t ffs images (UFS1 and UFS2,
    both byte orders) when NetBSD makefs is installed."""
    sys.path.insert(0, os.path.join(HERE, "..", "ufs"))
    import mksolufs
    entries = mksolufs.default_entries(large=False)
    for endian in ("big", "little"):
        for logging in (False, True):
            img = os.path.join(out, "solaris_%s%s.img" % (
                endian, "_log" if logging else ""))
            with open(img, "wb") as f:
                f.write(mksolufs.build(entries, endian, logging=logging,
                                       clean="log" if logging else "clean",
                                       fpg=512))
    makefs = shutil.which("makefs")
    if not makefs:
        return
    with tempfile.TemporaryDirectory(prefix="fsimg-ufs-") as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "dir", "sub"))
        with open(os.path.join(src, "dir", "file"), "w") as f:
            f.write("hello\n")
        with open(os.path.join(src, "indirect"), "wb") as f:
            f.write(bytes(range(256)) * 256)
        os.symlink("dir/file", os.path.join(src, "fast"))
        os.symlink("x" * 150, os.path.join(src, "slow"))
        os.link(os.path.join(src, "dir", "file"), os.path.join(src, "hard"))
        for v in ("1", "2"):
            for order in ("le", "be"):
                img = os.path.join(out, "makefs_ufs%s%s.img" % (v, order))
                if os.path.exists(img):
                    os.unlink(img)
                subprocess.run([makefs, "-t", "ffs", "-o",
                                "version=%s,bsize=4096,fsize=512" % v, "-s", "1m",
                                "-B", order, img, src], check=True,
                               stdout=subprocess.DEVNULL)


SEED_UUID = "0f5e7a3c-9b1d-4e2f-8a6b-1c2d3e4f5a6b"


def xfs_tree(top):
    """A small tree with a shortform, a block and a leaf directory, files
    of one and several blocks, a hole, a local symlink, a FIFO."""
    os.makedirs(os.path.join(top, "sf"))
    os.makedirs(os.path.join(top, "blk"))
    os.makedirs(os.path.join(top, "leaf"))
    for n in ("a", "bb", "ccc"):
        open(os.path.join(top, "sf", n), "w").write(n)
    for i in range(12):
        open(os.path.join(top, "blk", "entry_%d" % i), "w").write("%d" % i)
    # long names: a few inodes (each is 512 bytes of input) fill blocks
    for i in range(40):
        open(os.path.join(top, "leaf", "%03d" % i + "n" * 180), "w").close()
    with open(os.path.join(top, "file"), "wb") as f:
        f.write(b"fsimg xfs " * 700)
    os.symlink("sf/a", os.path.join(top, "link"))
    os.mkfifo(os.path.join(top, "fifo"))


def xfs_seeds(out):
    """Small XFS images (16 MiB, sparse-encoded with the CRC fix bit) made
    by mkfs.xfs from a prototype file: V5 and V4, 1 KiB and 512-byte
    blocks, 64 KiB directory blocks, ASCII-CI; one allocation group but
    in the first. mkfs.xfs makes filesystems this small only for fstests,
    whose variables say so."""
    mkfs = shutil.which("mkfs.xfs")
    if not mkfs:
        return
    env = dict(os.environ, TEST_DIR="/tmp", TEST_DEV="/dev/null",
               QA_CHECK_FS="1")
    with tempfile.TemporaryDirectory(prefix="fsimg-xfs-") as tmp:
        src = os.path.join(tmp, "src")
        xfs_tree(src)
        proto = os.path.join(tmp, "proto")
        with open(proto, "w") as f:
            subprocess.run([sys.executable,
                            os.path.join(HERE, "..", "xfs", "mkproto.py"),
                            src], stdout=f, check=True)
        one = ["-d", "agcount=1"]
        for name, opts in (("xfs_v5", []),
                           ("xfs_v4", ["-m", "crc=0"] + one),
                           ("xfs_v5_1k", ["-b", "size=1024"] + one),
                           ("xfs_v4_512", ["-m", "crc=0", "-b", "size=512"] +
                            one),
                           ("xfs_v5_dir64k", ["-n", "size=65536"] + one),
                           ("xfs_ci", ["-n", "version=ci"] + one)):
            img = os.path.join(tmp, name + ".img")
            with open(img, "wb") as f:
                f.truncate(16 << 20)
            uuid = [] if "crc=0" in opts else ["-m", "uuid=" + SEED_UUID]
            r = subprocess.run([mkfs, "-q", "-f", "-p", proto] + uuid +
                               opts + [img], env=env,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                continue
            with open(img, "rb") as f:
                data = f.read()
            with open(os.path.join(out, name + ".fzs"), "wb") as f:
                f.write(sparse_encode(data))
        xfs_kernel_seed(out, tmp, env)


XFS_KERNEL_TREE = r"""
set -e
cd "$1"
: >f
mkdir node
# hard links: the entries of a node-form directory, one inode
for i in $(seq 1 260); do ln f "node/$(printf '%04d' $i)_$(printf 'n%.0s' $(seq 1 40))"; done
python3 -c '
import os
fd = os.open("frag", os.O_WRONLY | os.O_CREAT, 0o644)
for i in reversed(range(0, 300, 2)):
    os.pwrite(fd, bytes(1024), i * 1024)
    os.fsync(fd)
os.close(fd)'
: >attrs
for i in $(seq 1 60); do setfattr -n "user.attribute_$i" -v "$i" attrs; done
: >remote
setfattr -n user.big -v "$(head -c 2500 /dev/zero | tr '\0' r)" remote
setfacl -m u:1000:rw remote 2>/dev/null || true
ln -s "$(printf 'x%.0s' $(seq 1 1000))" longlink
"""


def through_kernel(img, mnt, script):
    """Runs script (bash, the mount point as $1) on a loop mount of img at
    mnt, made first; unmounts whatever happens. True when all went well."""
    os.makedirs(mnt, exist_ok=True)
    if subprocess.run(["mount", "-o", "loop", img, mnt],
                      stderr=subprocess.DEVNULL).returncode != 0:
        return False
    try:
        r = subprocess.run(["bash", "-c", script, "-", mnt],
                           stdout=subprocess.DEVNULL)
    finally:
        subprocess.run(["umount", mnt], check=True)
    return r.returncode == 0


def xfs_kernel_seed(out, tmp, env):
    """As root, with the kernel's XFS: a 1 KiB-block V5 image written
    through a loop mount, for the forms a prototype file cannot make: a
    node-form directory, an extent B+tree, attribute leaves and nodes, a
    remote attribute value, an ACL, a remote symlink."""
    if os.geteuid() != 0 or not shutil.which("setfattr"):
        return
    img = os.path.join(tmp, "kernel.img")
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    if subprocess.run(["mkfs.xfs", "-q", "-f", "-b", "size=1024", "-d",
                       "agcount=1", img], env=env, stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return
    ok = through_kernel(img, os.path.join(tmp, "mnt"), XFS_KERNEL_TREE)
    # the mount wrote megabytes of log: formatted afresh (clean, at cycle
    # 1), as mkfs leaves it, the seed is a few KiB of it
    if not ok or subprocess.run(
            ["xfs_db", "-x", "-c", "logformat", img],
            stdout=subprocess.DEVNULL).returncode != 0:
        return
    with open(img, "rb") as f:
        data = f.read()
    with open(os.path.join(out, "xfs_kernel_1k.fzs"), "wb") as f:
        f.write(sparse_encode(data))


BTRFS_KERNEL_TREE = r"""
set -e
cd "$1"
for alg in zstd lzo zlib; do
    mount -o remount,compress-force=$alg "$1"
    python3 -c 'import sys; sys.stdout.write("compressible %s " * 3000)' >"$alg"
    echo small >"$alg-inline"
done
mount -o remount,compress=no "$1"
btrfs -q subvolume create sub
echo insub >sub/file
ln sub/file sub/hard
btrfs -q subvolume create sub/nested
btrfs -q subvolume snapshot sub snap
setfattr -n user.a -v 1 sub/file
fallocate -l 64K prealloc
"""


def btrfs_seeds(out):
    """Small btrfs images (24 MiB, mixed block groups so that one chunk
    holds data and metadata, sparse-encoded with the checksum fix bit):
    one made by mkfs.btrfs --rootdir; as root with the kernel's btrfs,
    one written through a loop mount with zstd, lzo and zlib extents,
    subvolumes, a snapshot, an xattr and a preallocated file."""
    mkfs = shutil.which("mkfs.btrfs")
    if not mkfs:
        return
    with tempfile.TemporaryDirectory(prefix="fsimg-btrfs-") as tmp:
        src = os.path.join(tmp, "src")
        xfs_tree(src)
        os.unlink(os.path.join(src, "fifo"))
        for name, extra, kernel in (("btrfs_rootdir", ["--rootdir", src],
                                     False),
                                    ("btrfs_kernel", [], True)):
            img = os.path.join(tmp, name + ".img")
            with open(img, "wb") as f:
                f.truncate(24 << 20)
            if subprocess.run([mkfs, "-q", "-f", "--mixed", "-U", SEED_UUID] +
                              extra + [img], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode != 0:
                continue
            if kernel:
                if os.geteuid() != 0 or not shutil.which("setfattr"):
                    continue
                if not through_kernel(img, os.path.join(tmp, "mnt"),
                                      BTRFS_KERNEL_TREE):
                    continue
            with open(img, "rb") as f:
                data = f.read()
            with open(os.path.join(out, name + ".fzs"), "wb") as f:
                f.write(sparse_encode(data))


def udf_seeds(out):
    """Small UDF images: mkudffs (udftools) for each revision and media
    type it writes with 512-byte blocks, and genisoimage -udf bridge
    discs, when those tools are installed."""
    mkudffs = shutil.which("mkudffs") or shutil.which("/sbin/mkudffs")
    if mkudffs:
        for name, args in [("hd102", ["-m", "hd", "--udfrev=1.02"]),
                           ("hd150", ["-m", "hd", "--udfrev=1.50"]),
                           ("hd201", ["-m", "hd", "--udfrev=2.01"]),
                           ("hd201_noefe", ["-m", "hd", "--noefe"]),
                           ("hd201_long", ["-m", "hd", "--ad=long"]),
                           ("hd201_inicb", ["-m", "hd", "--ad=inicb"]),
                           ("hd201_s4096", ["-m", "hd", "--strategy=4096"]),
                           ("cdrw201", ["-m", "cdrw", "--udfrev=2.01"]),
                           ("cdr150", ["-m", "cdr", "--udfrev=1.50"]),
                           ("bdr250", ["-m", "bdr", "--udfrev=2.50"]),
                           ("bdr260", ["-m", "bdr", "--udfrev=2.60"])]:
            img = os.path.join(out, "mkudffs_" + name + ".img")
            if os.path.exists(img):
                os.unlink(img)
            blocks = "700"
            if name.startswith(("cd", "bd")):
                args = args + ["-b", "2048"]
                blocks = "2000"
            else:
                args = args + ["-b", "512"]
            r = subprocess.run([mkudffs] + args + [img, blocks],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode != 0 and os.path.exists(img):
                os.unlink(img)
    # our generator: revisions, layouts and a metadata partition that
    # mkudffs does not write, with a small tree, 512-byte blocks
    with tempfile.TemporaryDirectory(prefix="fsimg-udf-") as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "dir", "sub"))
        with open(os.path.join(src, "dir", "file"), "w") as f:
            f.write("hello\n")
        with open(os.path.join(src, "multi"), "wb") as f:
            f.write(bytes(range(256)) * 40)
        os.symlink("../dir/file", os.path.join(src, "dir", "sub", "up"))
        os.link(os.path.join(src, "dir", "file"), os.path.join(src, "hard"))
        mkudf = os.path.join(HERE, "..", "udf", "mkudf.py")
        for name, args in [("102", ["--revision", "1.02"]),
                           ("201_long_inline", ["--ad", "long", "--inline"]),
                           ("250_meta", ["--revision", "2.50",
                                         "--meta-blocks", "32"]),
                           ("260_aed", ["--revision", "2.60",
                                        "--meta-blocks", "32",
                                        "--max-extent", "512"])]:
            subprocess.run([sys.executable, mkudf, "--block-size", "512"] +
                           args + [src, os.path.join(out, "mkudf_" + name +
                                                     ".img")],
                           check=True, stdout=subprocess.DEVNULL)
    genisoimage = shutil.which("genisoimage")
    if genisoimage:
        with tempfile.TemporaryDirectory(prefix="fsimg-udf-") as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(os.path.join(src, "dir", "sub"))
            with open(os.path.join(src, "dir", "file"), "w") as f:
                f.write("hello\n")
            with open(os.path.join(src, "big"), "wb") as f:
                f.write(bytes(range(256)) * 64)
            with open(os.path.join(src, "Long Name \u00e9t\u00e9.txt"),
                      "w") as f:
                f.write("x")
            subprocess.run([genisoimage, "-quiet", "-udf", "-R", "-J", "-o",
                            os.path.join(out, "genisoimage_udf.iso"), src],
                           check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def part_seeds(out):
    """Solaris x86 VTOCs (tests/part/mkvtoc.py), MBR/EBR tables, LVM2."""
    sys.path.insert(0, os.path.join(HERE, "..", "part"))
    import mkvtoc
    slices = {8: (1, 1, 0, 16), 0: (2, 0, 16, 64), 1: (3, 1, 80, 16),
              2: (5, 1, 0, 128), 15: (0x0c, 0x10, 96, 32)}
    for name, ptype, bad in (("vtoc_bf", 0xBF, False),
                             ("vtoc_82", 0x82, False),
                             ("vtoc_badsum", 0xBF, True)):
        img = bytearray(64 * 1024)
        struct.pack_into("<B3sB3sII", img, 446, 0x80, b"\xfe\xff\xff", ptype,
                         b"\xfe\xff\xff", 1, 127)
        img[510:512] = b"\x55\xaa"
        img[1024:1536] = mkvtoc.label(slices, bad)
        with open(os.path.join(out, name + ".img"), "wb") as f:
            f.write(img)
    # an extended partition whose EBR points at itself
    img = bytearray(64 * 1024)
    struct.pack_into("<B3sB3sII", img, 446, 0, b"\0\0\0", 0x05, b"\0\0\0",
                     8, 100)
    img[510:512] = b"\x55\xaa"
    e = 8 * 512
    struct.pack_into("<B3sB3sII", img, e + 446, 0, b"\0\0\0", 0x83,
                     b"\0\0\0", 1, 10)
    struct.pack_into("<B3sB3sII", img, e + 462, 0, b"\0\0\0", 0x05,
                     b"\0\0\0", 0, 100)
    img[e + 510:e + 512] = b"\x55\xaa"
    with open(os.path.join(out, "ebr_loop.img"), "wb") as f:
        f.write(img)
    # LVM2 PVs of 144 KiB (tests/part/mklvm.py --small): whole-disk, and
    # its text wrapped around the metadata area's circular buffer
    mklvm = os.path.join(HERE, "..", "part", "mklvm.py")
    for name, extra in (("lvm_pv", []), ("lvm_pv_wrap", ["--wrap"])):
        subprocess.run([sys.executable, mklvm,
                        os.path.join(out, name + ".img"), "--small"] + extra,
                       check=True)


def sparse_encode(data):
    """data in fuzz_container.c's sparse encoding ("FZSPARSE"): its size
    in sectors (top bit set: the harness fixes checksums), then each run
    of non-zero sectors as (offset, length, bytes), so that an 8 MiB VHDX
    is a few KiB of input."""
    sectors = (len(data) + 511) // 512
    out = bytearray(b"FZSPARSE" + struct.pack("<I", sectors | 1 << 31))
    zero = bytes(512)
    s = 0
    while s < sectors:
        if data[s * 512:(s + 1) * 512].rstrip(b"\0") == b"":
            s += 1
            continue
        e = s
        # runs of at most 127 sectors: the length is a u16
        while e < sectors and e - s < 127 and \
                data[e * 512:(e + 1) * 512] != zero[:len(data[e * 512:])]:
            e += 1
        chunk = data[s * 512:e * 512]
        out += struct.pack("<IH", s * 512, len(chunk)) + chunk
        s = e
    return bytes(out)


def container_seeds(out):
    """A small MBR disk in every container qemu-img writes, if it is there.

    The disk has two partitions with data and holes, so that the seeds have
    allocated, unallocated and (with -c) compressed clusters. Each seed
    larger than the committed corpus keeps (SAVE_MAX_LEN) is also written
    sparse-encoded (.fzs), whole in a few KiB.
    """
    qemu = shutil.which("qemu-img")
    if not qemu:
        return
    disk = bytearray(1024 * 1024)
    struct.pack_into("<B3sB3sII", disk, 446, 0x80, b"\0\0\0", 0x83,
                     b"\0\0\0", 64, 512)
    struct.pack_into("<B3sB3sII", disk, 462, 0, b"\0\0\0", 0x0c,
                     b"\0\0\0", 1024, 1024)
    disk[510:512] = b"\x55\xaa"
    for i in range(64 * 512, 96 * 512, 97):
        disk[i] = (i * 7) & 0xff
    disk[600 * 512:601 * 512] = b"fsimg" * 102 + b"xx"
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "disk.raw")
        with open(raw, "wb") as f:
            f.write(disk)
        for name, args in (
                ("qcow2v2", ["-O", "qcow2", "-o", "compat=0.10"]),
                ("qcow2v3", ["-O", "qcow2", "-o", "cluster_size=4096"]),
                ("qcow2zlib", ["-c", "-O", "qcow2", "-o",
                               "cluster_size=4096"]),
                ("qcow2zstd", ["-c", "-O", "qcow2", "-o",
                               "cluster_size=4096,compression_type=zstd"]),
                ("qcow2l2", ["-O", "qcow2", "-o",
                             "cluster_size=16384,extended_l2=on"]),
                ("vmdk", ["-O", "vmdk"]),
                ("vmdkstream", ["-O", "vmdk", "-o",
                                "subformat=streamOptimized"]),
                ("vpcdyn", ["-O", "vpc"]),
                ("vpcfixed", ["-O", "vpc", "-o", "subformat=fixed"]),
                ("vhdx", ["-O", "vhdx", "-o", "block_size=1048576"])):
            dst = os.path.join(out, name + ".img")
            r = subprocess.run([qemu, "convert", "-f", "raw"] + args +
                               [raw, dst], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode != 0 and os.path.exists(dst):
                os.unlink(dst)
            elif os.path.getsize(dst) > SAVE_MAX_LEN["container"]:
                with open(dst, "rb") as f:
                    data = f.read()
                with open(os.path.join(out, name + ".fzs"), "wb") as f:
                    f.write(sparse_encode(data))


def lvm_seeds(out):
    """LVM2 metadata texts: mklvm.py's VG of three LVs and its variants."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "mklvm", os.path.join(HERE, "..", "part", "mklvm.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    t = m.default_text().decode()
    second_pv = ('\t\tpv1 {\n\t\t\tid = "%s"\n\t\t\tpe_start = 2048\n'
                 '\t\t\tpe_count = 48\n\t\t}\n' % m.dashed("Q" * 32))
    seeds = {
        "default": t,
        "thin": t.replace('type = "striped"', 'type = "thin"', 1),
        "raid": t.replace('type = "striped"', 'type = "raid1"', 1),
        "two-pvs": t.replace("\t\tpv0 {", second_pv + "\t\tpv0 {", 1)
                    .replace('"pv0", 6', '"pv1", 6', 1),
        "hidden": t.replace('"VISIBLE"', '"READ"', 1),
    }
    for name, text in seeds.items():
        with open(os.path.join(out, name + ".lvm"), "wb") as f:
            f.write(text.encode())


def wire_msg(kind, payload):
    return struct.pack("<B3xI", kind, len(payload)) + payload


def wire_entry(name, path, mode, size=0, nlink=1, ino=1, target=b""):
    st = struct.pack("<QIIIIIIQqIqIHHHH", ino, mode, nlink, 0, 0, 0, 0, size,
                     1700000000, 5, 1700000000, 7, len(name), len(path),
                     len(target), 0)
    return wire_msg(2, st + name + path + target)


def wire_data(off, data):
    return wire_msg(3, struct.pack("<Q", off) + data)


def wire_seeds(out):
    """Streams of the reader of "fsimg get" (cli/getwire.h), written here
    independently of the C encoder: a tree with every entry type, holes,
    hard links, messages, refused names and broken protocol."""
    DIR, REG, LNK, FIFO = 0o40755, 0o100644, 0o120777, 0o10644
    eof = wire_msg(4, struct.pack("<I", 1))
    leave = wire_msg(5, b"")
    tree = (wire_msg(1, struct.pack("<Q", 5000)) +
            wire_msg(6, b"img: /x: a message") +
            wire_entry(b"d", b"/d", DIR) +
            wire_entry(b"f", b"/d/f", REG, 11) + wire_data(0, b"hello") +
            wire_data(6, b"world") + eof +
            wire_entry(b"h1", b"/d/h1", REG, 4096 * 3, 2, 7) +
            wire_data(8192, b"x" * 4096) + eof +
            wire_entry(b"h2", b"/d/h2", REG, 4096 * 3, 2, 7) +
            wire_data(8192, b"x" * 4096) + eof +
            wire_entry(b"l", b"/d/l", LNK, 1, target=b"f") +
            wire_entry(b"p", b"/d/p", FIFO) +
            wire_entry(b"e", b"/d/e", DIR) + leave + leave +
            wire_entry(b"top", b"/top", REG, 3) + wire_data(0, b"abc") +
            eof)
    seeds = {
        "tree": tree,
        "incomplete": (wire_entry(b"f", b"/f", REG, 100) +
                       wire_data(0, b"a" * 10) +
                       wire_msg(4, struct.pack("<I", 0))),
        "unsafe_names": (wire_entry(b"..", b"/..", DIR) +
                         wire_entry(b"a", b"/../a", REG, 1) +
                         wire_data(0, b"a") + eof + leave +
                         wire_entry(b"x/y", b"/x/y", REG, 0) + eof),
        "escape_link": (wire_entry(b"l", b"/l", LNK, 1, target=b"/etc") +
                        wire_entry(b"l", b"/l", DIR) +
                        wire_entry(b"f", b"/l/f", REG, 0) + eof + leave),
        "leave_at_top": leave,
        "data_outside": wire_data(0, b"abc"),
        "cut_short": tree[:-5],
        "deep": (wire_entry(b"n", b"/n", DIR) * 64) + leave * 64,
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".wire"), "wb") as f:
            f.write(data)


def xenwire_entry(kind, index, strs, initrds=(), flags=0, kbytes=0,
                  rbytes=0):
    fixed = struct.pack("<IIIIQQ", index, flags, len(initrds), 0, kbytes,
                        rbytes)
    body = b"".join(s + b"\0" for s in list(strs) + list(initrds))
    return wire_msg(kind, fixed + body)


def xenwire_seeds(out):
    """Streams of the child of fsimg-xenboot (cli/xenboot_wire.h)."""
    msg = wire_msg(1, b"grub2: partition 2 /boot/grub/grub.cfg:3: odd")
    done = wire_msg(4, b"")
    e0 = xenwire_entry(2, 0, [b"Debian GNU/Linux, rescue", b"2",
                              b"/boot/vmlinuz", b"root=/dev/xvda1 single",
                              b"linux"], [b"/boot/initrd.img"])
    e1 = xenwire_entry(2, 1, [b"Debian GNU/Linux", b"2",
                              b"/boot/vmlinuz-6.1", b"ro quiet", b"linux"],
                       [b"/boot/initrd.img"], flags=1)
    res = xenwire_entry(3, 1, [b"Debian GNU/Linux", b"2",
                               b"/boot/vmlinuz-6.1", b"ro quiet", b"linux"],
                        [b"/boot/intel-ucode.img", b"/boot/initrd.img"],
                        kbytes=1500000, rbytes=3000000)
    seeds = {
        "boot": msg + res,
        "list": msg + e0 + e1 + done,
        "isconfig": e0 + e1 + res,
        "kernel_only": xenwire_entry(3, 0xFFFFFFFF, [b"", b"", b"/vmlinuz",
                                                    b"", b"linux"],
                                     kbytes=10),
        "quotes": xenwire_entry(3, 0, [b"t", b"", b"/k", b"it's \"q\" \\ "
                                       b"\t\x1b[31m caf\xc3\xa9 \xe2\x80\x8b "
                                       b"\xff\xfe", b"uki"]),
        "newline": xenwire_entry(3, 0, [b"t", b"", b"/k", b"a\nb", b"linux"]),
        "out_of_order": e1 + e0,
        "after_end": res + msg,
        "short": (msg + res)[:-3],
        "empty_kernel": xenwire_entry(3, 0, [b"t", b"", b"", b"", b"linux"]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".xenwire"), "wb") as f:
            f.write(data)


KINDS = ("iso", "eltorito", "ext", "fat", "ufs", "part", "wire", "bootcfg",
         "xenwire", "container", "broker", "lvm", "udf", "xfs", "btrfs")
# libFuzzer's -max_len for each kind: the metadata the harness walks
# lies in the first few hundred KiB of every seed
MAX_LEN = {"iso": 524288, "eltorito": 131072, "ext": 262144,
           "fat": 262144, "ufs": 262144, "part": 131072, "wire": 65536,
           "bootcfg": 65536, "xenwire": 65536, "container": 262144,
           "broker": 8192, "lvm": 65536, "udf": 1048576, "xfs": 262144,
           "btrfs": 262144}
# what scripts/fuzz.sh --save keeps of an input in tests/fuzz/corpus/: the
# committed corpus stays small, and CI's fixed-seed run starts from it
SAVE_MAX_LEN = {"iso": 131072, "eltorito": 16384, "ext": 65536,
                "fat": 65536, "ufs": 65536, "part": 65536, "wire": 16384,
                "bootcfg": 16384, "xenwire": 16384, "container": 65536,
                "broker": 4096, "lvm": 16384, "udf": 262144, "xfs": 262144,
                "btrfs": 262144}


# Boot configurations (tests/fuzz/fuzz_bootcfg.c): the first byte picks
# the reader (0 GRUB 2, 1 syslinux, 2 GRUB legacy, 3 BLS, 4 .treeinfo).
BOOTCFG_SEEDS = {
    "grub2-debian": (0, """\
if [ -s $prefix/grubenv ]; then
  set have_grubenv=true
  load_env
fi
if [ "${next_entry}" ] ; then
   set default="${next_entry}"
   set next_entry=
   save_env next_entry
else
   set default="0"
fi
function load_video {
  insmod all_video
}
set timeout=5
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-0a1b' {
\tload_video
\tinsmod part_gpt
\tset root='hd0,gpt2'
\tif [ x$feature_platform_search_hint = xy ]; then
\t  search --no-floppy --fs-uuid --set=root --hint='hd0,gpt2'  0a1b
\telse
\t  search --no-floppy --fs-uuid --set=root 0a1b
\tfi
\techo\t'Loading Linux 6.1.0-28-amd64 ...'
\tlinux\t/vmlinuz-6.1.0-28-amd64 root=UUID=0a1b ro  quiet
\tinitrd\t/initrd.img-6.1.0-28-amd64
}
submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-0a1b' {
\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-28-amd64' $menuentry_id_option 'gnulinux-6.1.0-28-amd64-advanced-0a1b' {
\t\tlinux\t/vmlinuz-6.1.0-28-amd64 root=UUID=0a1b ro  quiet
\t\tinitrd\t/initrd.img-6.1.0-28-amd64 /microcode.img
\t}
\tmenuentry "Debian, recovery \\"mode\\"" --id rec {
\t\tlinux ($root)/vmlinuz single \\
\t\t  ${kernel_args}
\t}
}
configfile /boot/grub/custom.cfg
blscfg
"""),
    "grub2-default-path": (0, "set default='1>0'\nset timeout=1\n"
                          "menuentry a {\n linux /a\n}\nsubmenu s {\n"
                          " menuentry b {\n  linux (hd0,msdos5)/b x=y\n"
                          "  initrd /i1 /i2\n }\n}\n"),
    "syslinux": (1, """\
default install
prompt 0
timeout 50
include menu.cfg
label install
\tmenu label ^Install
\tmenu default
\tkernel /install.amd/vmlinuz
\tappend vga=788 initrd=/install.amd/initrd.gz --- quiet
label rescue
  linux vmlinuz
  initrd initrd.gz,extra.gz
  append rescue/enable=true
menu begin advanced
  menu label Advanced options
  label expert
    kernel /install.amd/vmlinuz
    append priority=low initrd=/install.amd/initrd.gz
menu end
label hd
  localboot 0x80
"""),
    "grub-legacy": (2, """\
default 1
timeout 5
title Debian
root (hd0,0)
kernel /boot/vmlinuz-6.1.0 root=/dev/xvda1 ro
initrd /boot/initrd.img-6.1.0
title Solaris xVM
findroot (pool_rpool,0,a)
kernel$ /platform/i86xpv/kernel/$ISADIR/unix -B $ZFS-BOOTFS,console=text
module$ /platform/i86pc/$ISADIR/boot_archive
title Xen dom0
kernel /boot/xen.gz dom0_mem=512M
module /boot/vmlinuz root=/dev/sda1
module /boot/initrd
"""),
    "bls": (3, """\
title Fedora Linux (6.11.4-301.fc41.x86_64) 41 (Workstation Edition)
version 6.11.4-301.fc41.x86_64
linux /vmlinuz-6.11.4-301.fc41.x86_64
initrd /initramfs-6.11.4-301.fc41.x86_64.img
options root=UUID=0a1b ro rhgb quiet
options $kernelopts
grub_users $grub_users
grub_arg --unrestricted
grub_class fedora
sort-key fedora
"""),
    "treeinfo": (4, """\
[general]
family = Fedora
version = 41
arch = x86_64
[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
[images-xen]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
"""),
}


def bootcfg_seeds(out):
    for name, (which, text) in BOOTCFG_SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([which]) + text.encode())


def committed(kind):
    """The committed corpus and findings of kind, sorted by path."""
    out = []
    for sub in ("corpus", "findings"):
        d = os.path.join(HERE, sub, kind)
        if os.path.isdir(d):
            out += [os.path.join(d, n) for n in sorted(os.listdir(d))
                    if not n.startswith(".") and n != "README"]
    return out


def shared_findings(kind):
    """../shared/findings/KIND-*, where a checkout has it beside it."""
    d = os.path.join(SRCDIR, "..", "shared", "findings")
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, n) for n in sorted(os.listdir(d))
            if n.startswith(kind + "-")]


# Public test images (../shared/corpus, when a checkout has it beside it)
# that seed an open-ended campaign: (directory, file-name pattern). The
# AGPL and GPL-3 sets are left out: what the campaign finds may be
# committed.
CORPUS_SEEDS = {
    "ext": [("e2fsprogs", "image.*"),
            ("util-linux/blkid/images-fs", "ext*.img.xz")],
    "iso": [("libarchive", "*.iso.gz"), ("libcdio", "*.iso*"),
            ("util-linux/blkid/images-fs", "iso*.img.xz")],
    "fat": [("util-linux/blkid/images-fs", "*fat*.img.xz")],
    "ufs": [("util-linux/blkid/images-fs", "ufs*.img.xz")],
    "part": [("util-linux/blkid/images-pt", "*.img.xz"),
             ("jhermsmeier", "*.bin"), ("util-linux/fdisk-bsd", "*")],
}


def corpus_seeds(out, kind, max_size):
    """Decompressed public test images for kind, at most max_size bytes."""
    import bz2
    import fnmatch
    import gzip
    import lzma
    top = os.path.join(SRCDIR, "..", "shared", "corpus")
    for sub, pat in CORPUS_SEEDS.get(kind, []):
        for root, _, files in os.walk(os.path.join(top, sub)):
            for name in sorted(files):
                if not fnmatch.fnmatch(name, pat) or name.endswith(".txt"):
                    continue
                path = os.path.join(root, name)
                opener = {".gz": gzip.open, ".bz2": bz2.open,
                          ".xz": lzma.open}.get(os.path.splitext(name)[1],
                                                open)
                try:
                    with opener(path, "rb") as f:
                        data = f.read(max_size + 1)
                except (OSError, EOFError, lzma.LZMAError):
                    continue
                if len(data) > max_size:
                    data = data[:max_size]  # the metadata comes first
                rel = os.path.relpath(path, top).replace("/", "_")
                with open(os.path.join(out, "pub_" + rel), "wb") as f:
                    f.write(data)


def generated(out, kind, max_size):
    if kind == "eltorito":
        eltorito_seeds(out)
    elif kind == "ext":
        ext_seeds(out)
    elif kind == "fat":
        fat_seeds(out, max_size)
    elif kind == "ufs":
        ufs_seeds(out)
    elif kind == "udf":
        udf_seeds(out)
    elif kind == "xfs":
        xfs_seeds(out)
    elif kind == "btrfs":
        btrfs_seeds(out)
    elif kind == "part":
        part_seeds(out)
    elif kind == "wire":
        wire_seeds(out)
    elif kind == "bootcfg":
        bootcfg_seeds(out)
    elif kind == "xenwire":
        xenwire_seeds(out)
    elif kind == "container":
        container_seeds(out)
    elif kind == "lvm":
        lvm_seeds(out)
    elif kind == "broker":
        for name, req in (("ok", b"ok"), ("dotdot", b"../secret"),
                          ("abs", b"/etc/passwd"), ("link", b"up"),
                          ("nul", b"ok\0x"), ("dir", b"."),
                          ("long", b"a/" * 3000)):
            with open(os.path.join(out, name + ".req"), "wb") as f:
                f.write(req)
    elif kind == "iso":
        for name, fn in mkcrafted.CASES.items():
            data = fn().data
            if max_size and len(data) > max_size:
                continue
            with open(os.path.join(out, name + ".iso"), "wb") as f:
                f.write(data)
        try:
            xorriso_isos(out)
        except (subprocess.CalledProcessError, OSError) as e:
            sys.stderr.write("run_fuzz.py: xorriso seeds skipped: %s\n" % e)


def corpus(out, kind, max_size):
    os.makedirs(out, exist_ok=True)
    generated(out, kind, max_size)
    for path in committed(kind) + shared_findings(kind):
        shutil.copy(path, os.path.join(out, kind + "_" +
                                       os.path.basename(path)))


def status(rc):
    """The exit status for meson: a signal is reported and fails."""
    if rc < 0:
        sys.stderr.write("run_fuzz.py: the harness was killed by signal %d "
                         "(a crash: see the input named last above)\n" % -rc)
        return 1
    return rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["corpus", "replay", "fuzz"])
    ap.add_argument("target")
    kind = ap.add_mutually_exclusive_group()
    for k in KINDS:
        kind.add_argument("--" + k, dest="kind", action="store_const",
                          const=k)
    ap.add_argument("--runs", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-size", type=int, default=0)
    ap.add_argument("--public", action="store_true",
                    help="corpus: add the public test images of ../shared")
    ap.set_defaults(kind="iso")
    a = ap.parse_args()

    if a.mode == "corpus":
        corpus(a.target, a.kind, a.max_size)
        if a.public:
            corpus_seeds(a.target, a.kind, a.max_size or 1 << 20)
        return 0

    with tempfile.TemporaryDirectory(prefix="fsimg-fuzz-") as tmp:
        if a.mode == "replay":
            seeds = os.path.join(tmp, "seeds")
            corpus(seeds, a.kind, 0)
            for other in KINDS:
                if other == a.kind:
                    continue
                for path in committed(other) + shared_findings(other):
                    shutil.copy(path, os.path.join(
                        seeds, "x" + other + "_" + os.path.basename(path)))
            return status(subprocess.run([a.target, seeds]).returncode)

        # Deterministic: committed inputs only, listed in a fixed order
        # (libFuzzer would otherwise take a directory's readdir order),
        # a fixed seed and run count, no time limit, one process, a fixed
        # address-space layout.
        inputs = committed(a.kind)
        listing = os.path.join(tmp, "seeds.txt")
        with open(listing, "w") as f:
            f.write(",".join(inputs))
        seed_flag = ["-seed_inputs=@" + listing] if inputs else []
        work = os.path.join(tmp, "corpus")
        os.makedirs(work)
        build = os.environ.get("FSIMG_BUILDDIR", os.getcwd())
        artifacts = os.path.join(build, "tests", "fuzz", "artifacts")
        os.makedirs(artifacts, exist_ok=True)
        cmd = [a.target, "-seed=%d" % a.seed, "-runs=%d" % a.runs,
               "-rss_limit_mb=1024", "-timeout=30",
               "-max_len=%d" % MAX_LEN[a.kind], "-print_final_stats=1",
               # libFuzzer's default error status, 77, means "skipped"
               # to meson: a crash must fail the test
               "-error_exitcode=1", "-timeout_exitcode=1",
               "-artifact_prefix=" + artifacts + "/" + a.kind + "-"]
        dict_path = os.path.join(HERE, a.kind + ".dict")
        if os.path.exists(dict_path):
            cmd.append("-dict=" + dict_path)
        cmd += seed_flag + [work]
        # Without address-space randomisation: comparison tracing feeds the
        # pointers the harness compares into the mutations, so a random
        # layout would make two runs of one seed diverge.
        setarch = shutil.which("setarch")
        if setarch:
            cmd = [setarch, os.uname().machine, "-R"] + cmd
        print(" ".join(cmd), flush=True)
        return status(subprocess.run(cmd).returncode)


if __name__ == "__main__":
    sys.exit(main())
