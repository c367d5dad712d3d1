#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Confinement (common/confine.c): whoever runs fsimg, the image is read
# only by a process that has left every privilege and installed its
# seccomp filter first, and that process is the one -v describes.

load helpers

setup() {
	common_setup
	make_tree "$T/src"
	make_iso "$T/src" "$T/img.iso"
	chmod 644 "$T/img.iso"
	mkdir "$T/mnt" "$T/out"
	chown $USER_ID:$USER_ID "$T/mnt" "$T/out"
}

teardown() {
	common_teardown
}

# Runs "$@" under strace -ff, then checks every process's trace: each read
# of the image comes after no_new_privs, the seccomp filter and (as root)
# the change to nobody, in that process. At least one read must be seen.
reads_confined() { # ROOT(0|1) CMD...
	local root=$1
	shift
	rm -rf "$T/tr" && mkdir "$T/tr"
	# LeakSanitizer cannot work under ptrace (sanitizer builds)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -qq -ff -y -o "$T/tr/t" \
		-e trace=read,pread64,readv,preadv,preadv2,seccomp,prctl,setresuid \
		"$@" >/dev/null
	python3 - "$T/tr" "$T/img.iso" "$root" <<'PY'
import os, re, sys
d, img, root = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
reads = 0
for f in sorted(os.listdir(d)):
    nnp = filt = uid = False
    for line in open(os.path.join(d, f), errors="replace"):
        ok = re.search(r"\) += 0\b", line) is not None
        if line.startswith("prctl(PR_SET_NO_NEW_PRIVS, 1") and ok:
            nnp = True
        elif line.startswith("seccomp(SECCOMP_SET_MODE_FILTER") and ok:
            filt = True
        elif line.startswith("setresuid(65534, 65534, 65534") and ok:
            uid = True
        elif re.match(r"(p?read(v|64)?|preadv2)\(\d+<" + re.escape(img) + ">", line):
            reads += 1
            if not (nnp and filt and (uid or not root)):
                sys.exit("unconfined read in %s (nnp=%s seccomp=%s uid=%s): %s"
                         % (f, nnp, filt, uid, line.strip()))
if reads == 0:
    sys.exit("no read of the image seen")
print("%d reads, all confined" % reads)
PY
}

@test "as root: info, ls, cat read the image only after leaving root and installing the filter" {
	reads_confined 1 "$FSIMG" info "$T/img.iso"
	reads_confined 1 "$FSIMG" ls -lR "$T/img.iso"
	reads_confined 1 "$FSIMG" cat "$T/img.iso" /hello.txt
}

@test "as root: get reads in a confined child; the parent never reads the image" {
	reads_confined 1 "$FSIMG" get "$T/img.iso" / "$T/out"
	# and still restores what only root can: owners and modes
	[ "$(stat -c %u:%a "$T/out/secret")" = "0:600" ]
	diff <(tree_sums "$T/src") <(tree_sums "$T/out")
}

@test "as a user and with only CAP_SYS_ADMIN: the same filter before any read" {
	local user=(setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups)
	reads_confined 0 "${user[@]}" "$FSIMG" ls -R "$T/img.iso"
	reads_confined 0 "${user[@]}" --inh-caps=+sys_admin \
		--ambient-caps=+sys_admin "$FSIMG" info "$T/img.iso"
	reads_confined 0 "${user[@]}" "$FSIMG" get "$T/img.iso" /dir "$T/out"
}

@test "-v says how the parser is confined; --no-sandbox and FSIMG_SANDBOX=0 turn it off" {
	run "$FSIMG" -v ls "$T/img.iso"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox: uid $USER_ID (privileges left), no_new_privs, rlimits, "*"seccomp"* ]]
	run as_user "$FSIMG" -v ls "$T/img.iso"
	[[ "$output" == *"sandbox: uid $USER_ID, no_new_privs, rlimits, "*"seccomp"* ]]
	run as_user "$FSIMG" -v --no-sandbox ls "$T/img.iso"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox: uid $USER_ID, sandbox off"* ]]
	FSIMG_SANDBOX=0 run "$FSIMG" -v ls "$T/img.iso"
	# root still leaves its privileges
	[[ "$output" == *"sandbox: uid $USER_ID (privileges left), no_new_privs, sandbox off"* ]]
}

@test "FSIMG_SANDBOX_USER picks the identity root leaves for, never root itself" {
	run env FSIMG_SANDBOX_USER=daemon "$FSIMG" -v cat "$T/img.iso" /hello.txt
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox: uid $(id -u daemon) (privileges left)"* ]]
	[[ "$output" == *hello* ]]
	run env FSIMG_SANDBOX_USER=root "$FSIMG" ls "$T/img.iso"
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot confine the parser: FSIMG_SANDBOX_USER: 'root' is root"* ]]
	run env FSIMG_SANDBOX_USER=no-such-user "$FSIMG" ls "$T/img.iso"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no user 'no-such-user'"* ]]
}

# Seccomp 2 (filter) and no_new_privs in the daemon and each of its threads.
daemon_confined() { # PID UID
	local pid=$1 uid=$2 n=0 st
	for st in /proc/$pid/task/*/status; do
		grep -q "^Seccomp:[[:space:]]*2$" "$st"
		grep -q "^NoNewPrivs:[[:space:]]*1$" "$st"
		grep -q "^Uid:[[:space:]]*$uid[[:space:]]" "$st"
		grep -q "^CapEff:[[:space:]]*0000000000000000$" "$st"
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "FUSE daemon started by root: Seccomp 2, NoNewPrivs 1, nobody, in every thread" {
	run "$FSIMG" mount -v -o backend=fuse "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sandbox: uid $USER_ID (privileges left)"*"seccomp"* ]]
	pid=$(daemon_pid_of "$output")
	# make it start worker threads
	for i in 1 2 3 4; do cat "$T/mnt/dir/sub/big.bin" >/dev/null & done
	wait
	daemon_confined "$pid" $USER_ID
	same_tree "$T/src" "$T/mnt"
	"$FSIMG" umount "$T/mnt"
}

@test "FUSE daemon of a user: the same, and every file still exact" {
	run as_user "$FSIMG" mount -v "$T/img.iso" "$T/mnt"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid_of "$output")
	for i in 1 2 3 4; do as_user cat "$T/mnt/dir/sub/big.bin" >/dev/null & done
	wait
	daemon_confined "$pid" $USER_ID
	same_tree "$T/src" "$T/mnt" as_user
	as_user "$FSIMG" umount "$T/mnt"
}
