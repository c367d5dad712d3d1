# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for fsimg(1)

# Entries of the image directory holding $cur, directories with a slash.
_fsimg_image_paths()
{
	local image=$1 part=$2 cur=$3 dir line name
	local -a args=() all=()
	[[ $cur == /* ]] || cur=/$cur
	dir=${cur%/*}/
	[[ -n $part ]] && args=(-p "$part")
	while IFS= read -r line; do
		# MODE NLINK UID GID SIZE DATE TIME NAME[ -> TARGET]
		read -r _ _ _ _ _ _ _ name <<<"$line"
		[[ $line == l* ]] && name=${name% -> *}
		[[ $line == d* ]] && name+=/
		all+=("$dir$name")
	done < <(fsimg "${args[@]}" ls -l -q -- "$image" "$dir" 2>/dev/null)
	for name in "${all[@]}"; do
		[[ $name == "$cur"* ]] && COMPREPLY+=("$name")
	done
	compopt -o nospace -o filenames 2>/dev/null
}

_fsimg()
{
	local cur prev cmd= image= part= i nops=0
	local -a words
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	local opts_common="-p --partition -t --type -o --options -q --quiet
		-v --verbose -h --help -V --version"
	local cmds="info ls cat get boot eltorito mount umount"

	case $prev in
	-p | --partition)
		COMPREPLY=($(compgen -W "auto 1 2 3 4 5 boot=0 boot=1" -- "$cur"))
		return
		;;
	--get)
		COMPREPLY=($(compgen -d -S / -- "$cur"))
		compopt -o nospace -o filenames 2>/dev/null
		return
		;;
	-t | --type)
		# the types and their other names, from the driver table
		COMPREPLY=($(compgen -W "auto $(fsimg --list-types 2>/dev/null)" \
			-- "$cur"))
		return
		;;
	-o | --options)
		COMPREPLY=($(compgen -W "norock nojoliet session= sbsector= svd=
			codepage= tz= handles= uid= gid= umask= dmask= fmask=
			backing=yes snapshot= container=" -- "${cur##*,}"))
		[[ $cur == *,* ]] &&
			COMPREPLY=("${COMPREPLY[@]/#/${cur%,*},}")
		compopt -o nospace 2>/dev/null
		return
		;;
	esac

	# Find the command and the operands typed so far.
	local dashdash=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) dashdash=1 ;;
		-p | --partition)
			part=${COMP_WORDS[i + 1]}
			((i++))
			;;
		-t | --type | -o | --options | --get | --entry) ((i++)) ;;
		--partition=*) part=${COMP_WORDS[i]#*=} ;;
		-*) [[ -n $dashdash ]] || continue ;;&
		*)
			if [[ -z $cmd ]]; then
				cmd=${COMP_WORDS[i]}
			else
				[[ -z $image ]] && image=${COMP_WORDS[i]}
				((nops++))
			fi
			;;
		esac
	done

	if [[ $cur == -* && -z $dashdash ]]; then
		local extra=
		case $cmd in
		info) extra="--json" ;;
		ls) extra="-l -R --recursive -d --directory -a --all -L --dereference --json" ;;
		get) extra="-f --force -L --dereference" ;;
		boot) extra="--json --entry= --get= --pvboot --output-limit= -f --force" ;;
		esac
		COMPREPLY=($(compgen -W "$opts_common $extra" -- "$cur"))
		return
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
	fi
	if ((nops == 0)); then
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return
	fi
	case $cmd in
	info) ;;
	ls | cat)
		_fsimg_image_paths "$image" "$part" "$cur"
		;;
	get)
		# the first PATH is in the image; later words may be DEST
		_fsimg_image_paths "$image" "$part" "$cur"
		if ((nops > 1)); then
			COMPREPLY+=($(compgen -d -S / -- "$cur"))
		fi
		;;
	esac
}
complete -F _fsimg fsimg
