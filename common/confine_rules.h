/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp rules of confinement (confine_rules.c), for libseccomp: used
 * at build time by mkfilters.c and by the test that checks its output. The
 * confined programs themselves load the compiled BPF (confine_bpf.h).
 */
#ifndef FSIMG_CONFINE_RULES_H
#define FSIMG_CONFINE_RULES_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "confine_bpf.h"

/*
 * Adds the allow-list of variant v to ctx (made with seccomp_init() and
 * the deny action): pid is the process tgkill may signal, broker_fd the
 * socket v->broker allows. 0, or -1 when libseccomp refused a rule.
 */
int confine_rules(scmp_filter_ctx ctx, const struct confine_variant *v,
		  uint32_t pid, uint32_t broker_fd);

/*
 * Compiles the rules of v with libseccomp, denied calls taking the action
 * deny (SCMP_ACT_*), into out (max instructions): the program's length,
 * or -1 (libseccomp failed, or the program is longer than max).
 */
long confine_rules_bpf(const struct confine_variant *v, uint32_t deny,
		       uint32_t pid, uint32_t broker_fd,
		       struct sock_filter *out, size_t max);

#endif /* FSIMG_CONFINE_RULES_H */
