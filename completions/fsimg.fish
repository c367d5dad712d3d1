# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for fsimg(1)

set -l cmds info ls cat get find boot eltorito mount umount help

# Prints the command, the partition (or an empty line) and the operands
# typed before the token being completed, one a line.
function __fsimg_parse
    set -l tokens (commandline -opc)
    set -l cmd
    set -l part
    set -l operands
    set -l dashdash 0
    set -l i 2
    while test $i -le (count $tokens)
        set -l t $tokens[$i]
        set -l operand 1
        if test $dashdash = 0
            set operand 0
            switch $t
                case --
                    set dashdash 1
                case -p --partition
                    set i (math $i + 1)
                    set part $tokens[$i]
                case -t --type -o --options --get --entry --output-limit
                    set i (math $i + 1)
                case -name -iname -path -type -size -maxdepth -mindepth
                    test "$cmd" = find; and set i (math $i + 1)
                case '--partition=*'
                    set part (string replace -r '^[^=]*=' '' -- $t)
                case '-p?*'
                    test "$cmd" = find; or set part (string sub -s 3 -- $t)
                case '-*' '!'
                case '*'
                    set operand 1
            end
        end
        if test $operand = 1
            if test -z "$cmd"
                set cmd $t
            else
                set -a operands $t
            end
        end
        set i (math $i + 1)
    end
    printf '%s\n' "$cmd" "$part" $operands
end

# The number of operands after the command.
function __fsimg_nops
    set -l p (__fsimg_parse)
    math (count $p) - 2
end

# Whether the command is one of the arguments and has N operands.
function __fsimg_at
    set -l n $argv[1]
    set -l p (__fsimg_parse)
    contains -- "$p[1]" $argv[2..-1]; or return 1
    set -l nops (math (count $p) - 2)
    switch $n
        case '+*'
            test $nops -ge (string sub -s 2 -- $n)
        case '*'
            test $nops -eq $n
    end
end

# Entries of the image directory that holds the token being completed.
function __fsimg_image_paths
    set -l p (__fsimg_parse)
    set -l part $p[2]
    set -l image $p[3]
    test -n "$image"; or return
    set -l cur (commandline -ct)
    set -l lead ''
    string match -q '/*' -- $cur; and set lead /
    set cur (string replace -r '^/+' '' -- $cur)
    set -l dir (string replace -r '[^/]*$' '' -- $cur)
    set -l args
    test -n "$part"; and set args -p $part
    for line in (fsimg $args ls -l -q -- $image /$dir 2>/dev/null)
        # MODE NLINK UID GID SIZE DATE TIME NAME[ -> TARGET]
        set -l name (string match -r -- '^(?:\S+ +){6}\S+ (.+)$' $line)[2]
        test -n "$name"; or continue
        string match -q 'l*' -- $line; and set name (string replace -r ' -> .*$' '' -- $name)
        string match -q 'd*' -- $line; and set name $name/
        echo $lead$dir$name
    end
end

# The partitions of the image, as -p takes them: the first word of each
# line of the partitions: list that `fsimg info` prints.
function __fsimg_partitions
    echo auto
    set -l p (__fsimg_parse)
    test -n "$p[3]"; or return
    fsimg -q info -- $p[3] 2>/dev/null | sed -n '/^partitions:/,/^[^ ]/{
        s/^  \([^ ][^ ]*\) .*/\1/p
    }'
end

# The mount points of fsimg's FUSE mounts (mountinfo escapes blanks as \ooo).
function __fsimg_mount_points
    while read -l line
        string match -q -- '* - fuse.fsimg *' $line; or continue
        set -l mp (string split ' ' -- $line)[5]
        printf '%b\n' $mp
    end </proc/self/mountinfo
end

complete -c fsimg -f
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a info -d 'show the image, its filesystem and boot entries'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'list a directory'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a cat -d 'write files to standard output'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a get -d 'extract files and directories'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a find -d 'list the entries that match an expression'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a boot -d 'list what the image boots, or fetch an entry'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a eltorito -d 'write an El Torito boot image'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a mount -d 'mount an image'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a umount -d 'unmount an image'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a help -d 'show the help of a command'
complete -c fsimg -n '__fsimg_at 0 help' -a "$cmds"

complete -c fsimg -n 'not __fish_seen_subcommand_from umount help' -s p -l partition -x -a '(__fsimg_partitions)' -d 'partition or slice'
complete -c fsimg -n 'not __fish_seen_subcommand_from umount help' -s t -l type -x -a 'auto (fsimg --list-types 2>/dev/null | string split " ")' -d 'filesystem type'
complete -c fsimg -n 'not __fish_seen_subcommand_from umount help' -s o -l options -x -a 'norock nojoliet session= sbsector= svd= codepage= tz= handles= uid= gid= umask= dmask= fmask= backing=yes snapshot= container=' -d 'filesystem options'
complete -c fsimg -n 'not __fish_seen_subcommand_from umount help' -s q -l quiet -d 'no warnings, no progress bar'
complete -c fsimg -n 'not __fish_seen_subcommand_from help' -s v -l verbose -d 'say more'
complete -c fsimg -n 'not __fish_seen_subcommand_from umount help' -l no-sandbox -d 'parse without the sandbox (debugging only)'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'show help'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'show version'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -l list-types -d 'print the filesystem types'

complete -c fsimg -n '__fish_seen_subcommand_from info ls boot' -l json -d 'print JSON'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l entry -x -d 'entry to fetch: number, id or title'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l get -x -a '(__fish_complete_directories)' -d 'fetch the entry into a directory'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l pvboot -d 'prefer a Xen PV bootloader'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l output-limit -x -d 'largest file written'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -s f -l force -d 'replace existing files'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s l -d 'long format'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s h -l human-readable -d 'sizes as 1.5K, 23M, 4.0G'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s n -l numeric-uid-gid -d 'long format, numeric owners'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -l time-style -x -a 'full-iso long-iso iso locale +' -d 'time style'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s R -l recursive -d 'list everything below PATH'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s d -l directory -d 'list PATH itself'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s a -l all -d 'list all entries'
complete -c fsimg -n '__fish_seen_subcommand_from get' -s f -l force -d 'replace existing regular files'
complete -c fsimg -n '__fish_seen_subcommand_from get ls find' -s L -l dereference -d 'follow symlinks inside the image'
complete -c fsimg -n '__fish_seen_subcommand_from mount' -s o -l options -x -a 'partition= fstype= backend=auto backend=fuse backend=kernel allow_other debug debug=fuse ro rw' -d 'mount options'
complete -c fsimg -n '__fish_seen_subcommand_from mount' -s f -d 'stay in the foreground'
complete -c fsimg -n '__fish_seen_subcommand_from mount' -s n -d 'do not record the mount in utab'
complete -c fsimg -n '__fish_seen_subcommand_from umount' -s l -d 'lazy unmount'

# find: the expression after IMAGE (fish completes -name as -n ame, so
# the tests are offered as arguments when the token starts with a dash)
function __fsimg_find_expr
    __fsimg_at +1 find; or return 1
    string match -qr -- '^(-|!)' (commandline -ct)
end
complete -c fsimg -n '__fsimg_find_expr' -a '-name -iname -path -type -size -empty -not -maxdepth -mindepth -print0' -d 'find expression'
complete -c fsimg -n '__fsimg_at +1 find; and __fish_prev_arg_in -type' -x -a 'f d l b c p s'

# IMAGE is a host file; later operands are paths in the image (or DEST,
# or the mount point).
complete -c fsimg -n "__fsimg_at 0 info ls cat get find boot eltorito mount" -F
complete -c fsimg -n '__fsimg_at 0 umount' -x -a '(__fsimg_mount_points)' -d 'fsimg mount'
complete -c fsimg -n '__fsimg_at 0 umount' -F
complete -c fsimg -n '__fsimg_at 1 ls; or __fsimg_at +1 cat get find' -x -a '(__fsimg_image_paths)'
complete -c fsimg -n '__fsimg_at +2 get' -x -a '(__fish_complete_directories)'
complete -c fsimg -n '__fsimg_at 1 mount' -x -a '(__fish_complete_directories)'
