/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen PV bootloader convention (x86 xenpv-bootloader spec): a guest
 * that ships its own PV bootloader keeps it at /boot/xen/pvboot-ARCH.elf,
 * else /xen/pvboot-ARCH.elf, where ARCH is the first element of the GNU
 * triplet of the guest (i386, x86_64, arm, aarch64). The toolstack loads it
 * as the kernel, with no initrd and no arguments, and it reads the guest's
 * own configuration. It is offered as an entry, and is the default only
 * when the caller asks for it (FSIMG_BOOTMENU_PVBOOT, fsimg-xenboot
 * --pvboot).
 */
#include "bootcfg.h"

#include <stdio.h>

extern const struct boot_source boot_source_pvboot;

/* The guests this host runs: its own architecture. */
#if defined(__x86_64__)
#define PVBOOT_ARCH "x86_64"
#elif defined(__i386__)
#define PVBOOT_ARCH "i386"
#elif defined(__aarch64__)
#define PVBOOT_ARCH "aarch64"
#elif defined(__arm__)
#define PVBOOT_ARCH "arm"
#else
#define PVBOOT_ARCH "x86_64"
#endif

static int scan_pvboot(struct boot_scan *s, struct boot_fs *fs)
{
	static const char *const paths[] = {
		"/boot/xen/pvboot-" PVBOOT_ARCH ".elf",
		"/xen/pvboot-" PVBOOT_ARCH ".elf",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct boot_entry *e;

		if (!boot_is_file(s, fs, paths[i]))
			continue;
		e = boot_entry_new(s, &boot_source_pvboot, fs, "", 0);
		if (!e)
			return boot_menu_full(s) ? 0 : -ENOMEM;
		boot_entry_title(e, "Xen PV bootloader (pvboot-" PVBOOT_ARCH
				    ".elf)");
		boot_entry_id(e, "pvboot-" PVBOOT_ARCH);
		boot_entry_kind(e, "pvboot");
		boot_entry_kernel(e, fs, paths[i]);
		boot_entry_done(e);
		return 0;
	}
	return 0;
}

const struct boot_source boot_source_pvboot = {
	"pvboot",
	"Xen PV bootloader",
	scan_pvboot,
	NULL,
};
