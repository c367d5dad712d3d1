#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Field-by-field comparison of a source tree with what fsimg reports about an
# image (ls -R --json) and with what it extracts (get).
#
# Source this file (bats helpers do) or run it: compare.sh FUNCTION ARGS...
# Every function runs in a subshell with `set -euo pipefail`, so sourcing it
# does not change the caller's shell options.
#
# Both sides are turned into one canonical listing, one line per entry:
#
#   "path" type="file" size=2048 perm="0644" uid=0 ... links="hard/a"
#
# (path JSON-quoted, relative to the top, no leading "/"), sorted, and
# compared with `diff -u`, so a failure shows exactly which entry and which
# field differ. FIELDS is a comma-separated list taken from:
#
#   type    file dir symlink chardev blockdev fifo socket
#   size    size of regular files (directories and others: not compared)
#   lsize   size of symlinks (POSIX: the length of the target)
#   perm    permission bits incl. setuid/setgid/sticky, 4 octal digits
#   uid gid owners
#   mtime   modification time, whole seconds
#   atime   access time, whole seconds (only meaningful between an image
#           listing and its extraction: reading the source changes it)
#   target  symlink target
#   rdev    "major,minor" of devices
#   nlink   link count of non-directories
#   dnlink  link count of directories
#   links   hard-link group: for a regular file with nlink > 1, the smallest
#           path sharing its inode number (same ino in the JSON, same inode
#           on disk after extraction); otherwise null
#
# Presets (what each image type can represent exactly):
#   FIELDS_RR      Rock Ridge with PX serial numbers (xorriso --hardlinks).
#                  Not dnlink: xorriso records 1 as the link count of every
#                  directory (the "unknown" convention find(1) knows); makefs
#                  records the real count, so its tests add dnlink.
#   FIELDS_NAMES   Joliet / plain ISO9660: names, types, sizes only (no modes,
#                  owners, symlinks or devices in those trees)

FIELDS_RR=type,size,lsize,perm,uid,gid,mtime,target,rdev,nlink,links
FIELDS_NAMES=type,size
export FIELDS_RR FIELDS_NAMES

# jq program: turns an array of entry objects
#   {path, type, size, perm (octal string), uid, gid, mtime, target,
#    rdev ([maj,min] or null), nlink, ino}
# into canonical lines. $fields: array of field names; $flags: array of
#   "lower"    lower-case the ASCII letters of paths (plain ISO9660 names as
#              other tools read them)
#   "nosugid"  clear setuid/setgid bits (what an extraction by a user who
#              cannot restore owners keeps, as tar(1) does)
# shellcheck disable=SC2016 # jq program, not shell
_CMP_JQ_CANON='
def canon($fields; $flags):
  ( map(select(.type == "file" and (.nlink // 1) > 1))
    | group_by(.ino)
    | map({key: (.[0].ino | tostring), value: (map(.path) | min)})
    | from_entries ) as $grp
  | map(
      {path: (if $flags | index("lower") then (.path | ascii_downcase)
              else .path end),
       type,
       size: (if .type == "file" then .size else null end),
       lsize: (if .type == "symlink" then .size else null end),
       perm: (if .perm != null and ($flags | index("nosugid"))
              then ((.perm | .[0:1] | tonumber) % 2 | tostring) + .perm[1:]
              else .perm end),
       uid, gid, mtime, atime,
       target: (if .type == "symlink" then .target else null end),
       rdev: (if .type == "chardev" or .type == "blockdev"
              then (.rdev // [] | map(tostring) | join(",")) else null end),
       nlink: (if .type != "dir" then .nlink else null end),
       dnlink: (if .type == "dir" then .nlink else null end),
       links: (if .type == "file" and (.nlink // 1) > 1
               then $grp[.ino | tostring] else null end)})
  | map(. as $o
        | ([$o.path | tojson]
           + [$fields[] as $f | "\($f)=\($o[$f] | tojson)"])
        | join(" "))
  | sort | .[];
'

# canon_fs DIR [FIELDS] [FLAGS]
# Canonical listing of the tree under DIR as it is on disk (DIR itself is
# not listed). Uses find -printf; device numbers come from stat.
canon_fs() (
	set -euo pipefail
	local dir=$1 fields=${2:-$FIELDS_RR} flags=${3:-}
	local tmp
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	find "$dir" -mindepth 1 -printf \
		'%P\037%y\037%s\037%m\037%U\037%G\037%T@\037%l\037%i\037%n\037%A@\000' \
		>"$tmp/main"
	: >"$tmp/devs"
	(cd "$dir" && find . -mindepth 1 \( -type c -o -type b \) -print0) |
		while IFS= read -r -d '' p; do
			local maj min
			read -r maj min < <(stat -c '%t %T' -- "$dir/$p")
			printf '%s\037%d,%d\000' "${p#./}" "0x$maj" "0x$min"
		done >>"$tmp/devs"
	jq -nr --rawfile main "$tmp/main" --rawfile devs "$tmp/devs" \
		--arg fields "$fields" --arg flags "$flags" "$_CMP_JQ_CANON"'
	  ($devs | split("\u0000") | map(select(. != "") | split("\u001f")
	     | {key: .[0], value: (.[1] | split(",") | map(tonumber))})
	     | from_entries) as $dev
	  | {f: "file", d: "dir", l: "symlink", c: "chardev", b: "blockdev",
	     p: "fifo", s: "socket"} as $types
	  | [ $main | split("\u0000")[] | select(. != "") | split("\u001f")
	      | {path: .[0], type: ($types[.[1]] // .[1]),
	         size: (.[2] | tonumber),
	         perm: ((.[3] | tonumber) as $m | "000\($m)" | .[-4:]),
	         uid: (.[4] | tonumber), gid: (.[5] | tonumber),
	         mtime: (.[6] | split(".")[0] | tonumber),
	         target: .[7], rdev: $dev[.[0]],
	         ino: .[8], nlink: (.[9] | tonumber),
	         atime: (.[10] | split(".")[0] | tonumber)} ]
	  | canon($fields | split(","); $flags | split(","))'
)

# canon_json FILE [FIELDS] [FLAGS] [PREFIX]
# Canonical listing of `fsimg ls -R --json` output. Paths lose their
# leading "/" and PREFIX (a directory of the image, e.g. "/files"), so they
# can be compared with canon_fs of the matching source directory.
canon_json() (
	set -euo pipefail
	local file=$1 fields=${2:-$FIELDS_RR} flags=${3:-} prefix=${4:-}
	prefix=${prefix%/}
	jq -r --arg fields "$fields" --arg flags "$flags" \
		--arg prefix "$prefix" "$_CMP_JQ_CANON"'
	  def octal4: [recurse(if . >= 8 then (. / 8 | floor) else empty end)
	               | . % 8 | tostring] | reverse | join("")
	               | "000\(.)" | .[-4:];
	  map(.path |= (ltrimstr($prefix) | ltrimstr("/"))
	      | .perm = (if .mode == null then null else (.mode % 4096 | octal4) end)
	      | .ino = (.ino | tostring))
	  | canon($fields | split(","); $flags | split(","))' "$file"
)

# content_hashes DIR [lower]
# "path" sha256 for every regular file below DIR, sorted. Symlinks are
# never followed.
content_hashes() (
	set -euo pipefail
	python3 - "$1" "${2:-}" <<'EOF'
import hashlib, json, os, stat, sys
top, lower = sys.argv[1], sys.argv[2] == "lower"
out = []
for root, dirs, files in os.walk(top):
    for name in dirs + files:
        p = os.path.join(root, name)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            continue
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        rel = os.path.relpath(p, top)
        if lower:
            rel = "".join(c.lower() if c.isascii() else c for c in rel)
        out.append(json.dumps(rel, ensure_ascii=False) + " " + h.hexdigest())
for line in sorted(out):
    print(line)
EOF
)

# compare_json_tree JSON DIR [FIELDS] [FLAGS] [PREFIX]
# diff -u between the source DIR (FLAGS applied to it) and the JSON
# listing; non-zero on mismatch.
compare_json_tree() (
	set -euo pipefail
	local json=$1 dir=$2 fields=${3:-$FIELDS_RR} flags=${4:-} prefix=${5:-}
	diff -u --label "source:$dir" --label "fsimg:$json" \
		<(canon_fs "$dir" "$fields" "$flags") \
		<(canon_json "$json" "$fields" "" "$prefix")
)

# compare_trees SRC OUT [FIELDS] [FLAGS]
# Compares two trees on disk (source and extraction): the canonical listing
# and the content of every regular file. FLAGS apply to SRC: "lower" for an
# oracle extraction of plain ISO9660 names, "nosugid" for extractions by
# users who cannot restore owners.
compare_trees() (
	set -euo pipefail
	local src=$1 out=$2 fields=${3:-$FIELDS_RR} flags=${4:-} rc=0 lower=
	[[ ,$flags, == *,lower,* ]] && lower=lower
	diff -u --label "expected:$src" --label "extracted:$out" \
		<(canon_fs "$src" "$fields" "$flags") \
		<(canon_fs "$out" "$fields") || rc=1
	diff -u --label "expected-content:$src" --label "extracted-content:$out" \
		<(content_hashes "$src" "$lower") <(content_hashes "$out") || rc=1
	return $rc
)

# json_sanity JSON
# Checks the shape of an `ls --json` array: every object has the keys of
# the schema with the right JSON types, "name" is the last component of
# "path", "perm" is the octal form of "mode", "." and ".." never appear,
# symlinks have a target, devices an rdev pair. Prints offending entries.
json_sanity() (
	set -euo pipefail
	local bad
	bad=$(jq -c '
	  def octal4: [recurse(if . >= 8 then (. / 8 | floor) else empty end)
	               | . % 8 | tostring] | reverse | join("")
	               | "000\(.)" | .[-4:];
	  if type != "array" then ["top level is not an array"] else
	  map(select(
	    (.path | type) != "string" or (.path | startswith("/") | not)
	    or .name != (.path | split("/") | last)
	    or .name == "." or .name == ".." or .name == ""
	    or ([.type] | inside(["file","dir","symlink","chardev","blockdev",
	                          "fifo","socket"]) | not)
	    or ([.mode, .ino, .nlink, .uid, .gid, .size, .blocks, .atime, .mtime,
	         .ctime, .atime_ns, .mtime_ns, .ctime_ns]
	        | map(type == "number") | all | not)
	    or (.perm | type) != "string"
	    or .perm != (.mode % 4096 | octal4)
	    or .mode >= 4096
	    or ([.atime_ns, .mtime_ns, .ctime_ns]
	        | map(. >= 0 and . < 1000000000) | all | not)
	    or ((.attrs | type) != "array")
	    or (.type == "symlink" and ((.target | type) != "string"))
	    or (.type != "symlink" and has("target"))
	    or ((.type == "chardev" or .type == "blockdev")
	        and ((.rdev | type) != "array" or (.rdev | length) != 2))
	    or ((.type != "chardev" and .type != "blockdev") and has("rdev"))
	    or (has("btime") and ((.btime | type) != "number"
	                          or (.btime_ns | type) != "number"))
	  )) end | .[]' "$1")
	if [[ -n $bad ]]; then
		printf 'malformed entries in %s:\n%s\n' "$1" "$bad" >&2
		return 1
	fi
)

# is_sparse FILE: true when FILE occupies fewer bytes than its size.
is_sparse() (
	set -euo pipefail
	local blocks size
	read -r blocks size < <(stat -c '%b %s' -- "$1")
	((blocks * 512 < size))
)

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	"$@"
fi
