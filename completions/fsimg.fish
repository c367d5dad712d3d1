# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for fsimg(1)

set -l cmds info ls cat get boot eltorito mount umount

# Entries of the image directory that holds the token being completed.
function __fsimg_image_paths
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l image
    set -l part
    set -l seen_cmd 0
    set -l i 2
    while test $i -le (count $tokens)
        set -l t $tokens[$i]
        switch $t
            case -p --partition
                set i (math $i + 1)
                set part $tokens[$i]
            case -t --type -o --options
                set i (math $i + 1)
            case '-*'
            case '*'
                if test $seen_cmd = 0
                    set seen_cmd 1
                else if test -z "$image"
                    set image $t
                end
        end
        set i (math $i + 1)
    end
    test -n "$image"; or return
    set -l dir (string replace -r '[^/]*$' '' -- $cur)
    string match -q '/*' -- $dir; or set dir /$dir
    set -l args
    test -n "$part"; and set args -p $part
    for line in (fsimg $args ls -l -q -- $image $dir 2>/dev/null)
        # MODE NLINK UID GID SIZE DATE TIME NAME[ -> TARGET]
        set -l name (string split -m 7 ' ' -- $line)[8]
        string match -q 'l*' -- $line; and set name (string replace -r ' -> .*$' '' -- $name)
        string match -q 'd*' -- $line; and set name $name/
        echo $dir$name
    end
end

function __fsimg_has_image
    set -l tokens (commandline -opc)
    set -l n 0
    for t in $tokens[2..-1]
        string match -q -- '-*' $t; and continue
        set n (math $n + 1)
    end
    test $n -ge 2
end

complete -c fsimg -f
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a info -d 'show the image and its filesystem'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'list a directory'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a cat -d 'write files to standard output'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a get -d 'extract files and directories'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a boot -d 'list what the image boots, or fetch an entry'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a eltorito -d 'write an El Torito boot image'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a mount -d 'mount an image'
complete -c fsimg -n "not __fish_seen_subcommand_from $cmds" -a umount -d 'unmount an image'

complete -c fsimg -s p -l partition -x -a 'auto 1 2 3 4 5 boot=0 boot=1' -d 'partition or slice'
complete -c fsimg -s t -l type -x -a 'auto (fsimg --list-types 2>/dev/null | string split " ")' -d 'filesystem type'
complete -c fsimg -s o -l options -x -a 'norock nojoliet session= sbsector= svd= codepage= tz= handles= uid= gid= umask= dmask= fmask= backing=yes snapshot= container=' -d 'filesystem options'
complete -c fsimg -s q -l quiet -d 'no warnings, no progress bar'
complete -c fsimg -s v -l verbose -d 'print each path extracted'
complete -c fsimg -s h -l help -d 'show help'
complete -c fsimg -s V -l version -d 'show version'

complete -c fsimg -n '__fish_seen_subcommand_from info ls boot' -l json -d 'print JSON'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l entry -x -d 'entry to fetch: number, id or title'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l get -x -a '(__fish_complete_directories)' -d 'fetch the entry into a directory'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l pvboot -d 'prefer a Xen PV bootloader'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -l output-limit -x -d 'largest file written'
complete -c fsimg -n '__fish_seen_subcommand_from boot' -s f -l force -d 'replace existing files'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s l -d 'long format'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s R -l recursive -d 'list everything below PATH'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s d -l directory -d 'list PATH itself'
complete -c fsimg -n '__fish_seen_subcommand_from ls' -s a -l all -d 'list all entries'
complete -c fsimg -n '__fish_seen_subcommand_from get' -s f -l force -d 'replace existing regular files'
complete -c fsimg -n '__fish_seen_subcommand_from get ls' -s L -l dereference -d 'follow symlinks inside the image'

# IMAGE is a host file; later operands are paths in the image (or DEST).
complete -c fsimg -n "__fish_seen_subcommand_from $cmds; and not __fsimg_has_image" -F
complete -c fsimg -n "__fish_seen_subcommand_from ls cat get; and __fsimg_has_image" -a '(__fsimg_image_paths)'
complete -c fsimg -n '__fish_seen_subcommand_from get; and __fsimg_has_image' -F
