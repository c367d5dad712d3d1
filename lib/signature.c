/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names for what fsimg does not read, found by signature: for the disk
 * inside a container, which libblkid cannot be given (it reads only file
 * descriptors). A raw image's windows are named by libblkid itself
 * (lib/select.c). Each entry is a magic at a fixed offset; the first match
 * in table order wins.
 */
#include "internal.h"

struct signature {
	const char *type; /* as libblkid names it */
	uint64_t off;
	const char *magic;
	size_t len;
};

#define SIG(t, o, m)                   \
	{                              \
		t, o, m, sizeof(m) - 1 \
	}

static const struct signature signatures[] = {
	SIG("xfs", 0, "XFSB"),
	SIG("squashfs", 0, "hsqs"),
	SIG("crypto_LUKS", 0, "LUKS\xba\xbe"),
	SIG("erofs", 1024, "\xe2\xe1\xf5\xe0"),
	SIG("btrfs", 65536 + 64, "_BHRfS_M"),
	SIG("ntfs", 3, "NTFS    "),
	SIG("exfat", 3, "EXFAT   "),
	SIG("LVM2_member", 512 + 24, "LVM2 001"),
	SIG("LVM2_member", 24, "LVM2 001"),
	SIG("LVM2_member", 1024 + 24, "LVM2 001"),
	SIG("LVM2_member", 1536 + 24, "LVM2 001"),
	SIG("swap", 4096 - 10, "SWAPSPACE2"),
	SIG("swap", 4096 - 10, "SWAP-SPACE"),
	SIG("swap", 65536 - 10, "SWAPSPACE2"),
	SIG("zfs_member", 0x2000 + 0x10, "\x0c\xb1\xba\x00"),
};

const char *fsimg_signature_type(fsimg_image *img, uint64_t off, uint64_t len)
{
	struct fsimg_window w;

	if (!fsimg_window_clamp(img, off, len, &w))
		return NULL;
	return fsimg_signature_window(&w);
}

const char *fsimg_signature_window(const struct fsimg_window *wp)
{
	struct fsimg_window w = *wp;

	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]);
	     i++) {
		const struct signature *g = &signatures[i];
		uint8_t buf[16];

		if (fsimg_wread_cached(&w, g->off, buf, g->len) == 0 &&
		    !memcmp(buf, g->magic, g->len))
			return g->type;
	}
	return NULL;
}
