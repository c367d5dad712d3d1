# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for fsimg(1)

# The word being completed without its shell quoting: a leading quote is
# dropped, backslashes escape the next character.
_fsimg_dequote()
{
	local s=$1 out= c i
	case $s in
	\'*) s=${s#\'}; REPLY=${s%\'}; return ;;
	\"*) s=${s#\"}; REPLY=${s%\"}; return ;;
	esac
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		if [[ $c == \\ ]]; then
			((i++))
			c=${s:i:1}
		fi
		out+=$c
	done
	REPLY=$out
}

# Add words to COMPREPLY, quoted for the shell (the words are paths
# inside the image, not host files, so -o filenames must not be used:
# it would append a second slash to names that are also host directories).
_fsimg_add_quoted()
{
	local w q
	for w; do
		printf -v q '%q' "$w"
		COMPREPLY+=("$q")
	done
}

# Entries of the image directory holding $cur, directories with a slash.
_fsimg_image_paths()
{
	local image=$1 part=$2 cur=$3 dir line name lead=
	local re='^([^ ]+ +){6}[^ ]+ (.+)$'
	local -a args=() all=()
	local REPLY
	_fsimg_dequote "$cur"
	cur=$REPLY
	# the reply keeps the leading slash only when the word has one
	[[ $cur == /* ]] && lead=/
	cur=${cur#/}
	dir=
	[[ $cur == */* ]] && dir=${cur%/*}/
	[[ -n $part ]] && args=(-p "$part")
	while IFS= read -r line; do
		# MODE NLINK UID GID SIZE DATE TIME NAME[ -> TARGET]
		[[ $line =~ $re ]] || continue
		name=${BASH_REMATCH[2]}
		[[ $line == l* ]] && name=${name% -> *}
		[[ $line == d* ]] && name+=/
		all+=("$dir$name")
	done < <(fsimg "${args[@]}" ls -l -q -- "$image" "/$dir" 2>/dev/null)
	for name in "${all[@]}"; do
		[[ $name == "$cur"* ]] && _fsimg_add_quoted "$lead$name"
	done
	compopt -o nospace 2>/dev/null
}

# Host directories for $cur, quoted, with a slash.
_fsimg_host_dirs()
{
	local d REPLY
	_fsimg_dequote "$1"
	while IFS= read -r d; do
		_fsimg_add_quoted "${d%/}/"
	done < <(compgen -d -- "$REPLY")
	compopt -o nospace 2>/dev/null
}

# The partitions of the image, as -p takes them: the first word of each
# line of the partitions: list that `fsimg info` prints.
_fsimg_partitions()
{
	[[ -n $1 ]] || return
	fsimg -q info -- "$1" 2>/dev/null | sed -n '/^partitions:/,/^[^ ]/{
		s/^  \([^ ][^ ]*\) .*/\1/p
	}'
}

# The mount points of fsimg's FUSE mounts (mountinfo escapes blanks
# and backslashes as \ooo).
_fsimg_mounts()
{
	local _id _pid _dev _root mp rest
	while read -r _id _pid _dev _root mp rest; do
		[[ " $rest " == *" - fuse.fsimg "* ]] || continue
		printf '%b\n' "$mp"
	done </proc/self/mountinfo 2>/dev/null
}

_fsimg()
{
	local cur prev cmd= image= part= i nops=0
	local -a operands=()
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	local opts_common="-p --partition -t --type -o --options -q --quiet
		-v --verbose -h --help --no-sandbox"
	local cmds="info ls cat get find boot eltorito mount umount help"

	# Find the command, the partition and the operands typed so far.
	local dashdash=
	for ((i = 1; i < COMP_CWORD; i++)); do
		local w=${COMP_WORDS[i]}
		if [[ -z $dashdash ]]; then
			case $w in
			--) dashdash=1; continue ;;
			-p | --partition)
				part=${COMP_WORDS[i + 1]}
				((i++))
				continue
				;;
			-t | --type | -o | --options | --get | --entry | --output-limit)
				((i++))
				continue
				;;
			-name | -iname | -path | -type | -size | -maxdepth | -mindepth)
				[[ $cmd == find ]] && ((i++))
				continue
				;;
			--partition=*) part=${w#*=}; continue ;;
			-p?*) [[ $cmd == find ]] || part=${w#-p}; continue ;;
			-* | !) continue ;;
			esac
		fi
		if [[ -z $cmd ]]; then
			cmd=$w
		else
			operands+=("$w")
		fi
	done
	nops=${#operands[@]}
	local REPLY
	if ((nops > 0)); then
		_fsimg_dequote "${operands[0]}"
		image=$REPLY
	fi

	case $prev in
	-p | --partition)
		[[ $cmd == umount ]] && return
		COMPREPLY=($(compgen -W "auto $(_fsimg_partitions "$image")" \
			-- "$cur"))
		return
		;;
	--get)
		_fsimg_host_dirs "$cur"
		return
		;;
	-t | --type)
		# the types and their other names, from the driver table
		COMPREPLY=($(compgen -W "auto $(fsimg --list-types 2>/dev/null)" \
			-- "$cur"))
		return
		;;
	-o | --options)
		local extra=
		[[ $cmd == mount ]] && extra="partition= fstype= backend=auto
			backend=fuse backend=kernel allow_other debug debug=fuse ro rw"
		COMPREPLY=($(compgen -W "norock nojoliet session= sbsector= svd= dirprobe=
			codepage= tz= handles= uid= gid= umask= dmask= fmask=
			backing=yes snapshot= container= $extra" -- "${cur##*,}"))
		[[ $cur == *,* ]] &&
			COMPREPLY=("${COMPREPLY[@]/#/${cur%,*},}")
		compopt -o nospace 2>/dev/null
		return
		;;
	--entry | --output-limit) return ;;
	esac
	if [[ $cmd == find && -z $dashdash ]]; then
		case $prev in
		-type)
			COMPREPLY=($(compgen -W "f d l b c p s" -- "$cur"))
			return
			;;
		-name | -iname | -path | -size | -maxdepth | -mindepth) return ;;
		esac
	fi
	if [[ $cur == --*=* && $cmd == ls ]]; then
		case $cur in
		--time-style=*)
			COMPREPLY=($(compgen -P --time-style= -W "full-iso long-iso
				iso locale +" -- "${cur#*=}"))
			compopt -o nospace 2>/dev/null
			return
			;;
		esac
	fi
	if [[ $cur == --get=* && $cmd == boot ]]; then
		local d
		_fsimg_dequote "${cur#--get=}"
		while IFS= read -r d; do
			printf -v d '%q' "$d"
			COMPREPLY+=("--get=$d/")
		done < <(compgen -d -- "$REPLY")
		compopt -o nospace 2>/dev/null
		return
	fi

	if [[ ($cur == -* || $cur == !) && -z $dashdash ]]; then
		local extra=
		case $cmd in
		'') extra="-V --version --list-types" ;;
		info) extra="--json" ;;
		ls) extra="-l -R --recursive -d --directory -a --all -L --dereference
			--human-readable -n --numeric-uid-gid --time-style= --json" ;;
		get) extra="-f --force -L --dereference" ;;
		find)
			# the expression comes after IMAGE
			((nops > 0)) && extra="-name -iname -path -type -size -empty
				-not ! -maxdepth -mindepth -print0"
			extra+=" -L"
			;;
		boot) extra="--json --entry= --get= --pvboot --output-limit= -f --force" ;;
		mount) extra="-f -n" ;;
		umount)
			COMPREPLY=($(compgen -W "-l -v -h --help" -- "$cur"))
			return
			;;
		esac
		COMPREPLY=($(compgen -W "$opts_common $extra" -- "$cur"))
		[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
	fi
	case $cmd in
	help)
		((nops == 0)) && COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
		;;
	umount)
		if ((nops == 0)); then
			local m
			_fsimg_dequote "$cur"
			while IFS= read -r m; do
				[[ $m == "$REPLY"* ]] && COMPREPLY+=("$m")
			done < <(_fsimg_mounts)
			local -A seen=()
			for m in "${COMPREPLY[@]}"; do seen[$m]=1; done
			while IFS= read -r m; do
				[[ -n ${seen[$m]} ]] || COMPREPLY+=("$m")
			done < <(compgen -f -- "$REPLY")
			compopt -o filenames 2>/dev/null
		fi
		return
		;;
	esac
	if ((nops == 0)); then
		_fsimg_dequote "$cur"
		mapfile -t COMPREPLY < <(compgen -f -- "$REPLY")
		compopt -o filenames 2>/dev/null
		return
	fi
	case $cmd in
	info | boot) ;;
	ls)
		((nops == 1)) && _fsimg_image_paths "$image" "$part" "$cur"
		;;
	cat | find)
		_fsimg_image_paths "$image" "$part" "$cur"
		;;
	get)
		# the first PATH is in the image; later words may be DEST
		_fsimg_image_paths "$image" "$part" "$cur"
		((nops > 1)) && _fsimg_host_dirs "$cur"
		;;
	mount)
		((nops == 1)) && _fsimg_host_dirs "$cur"
		;;
	esac
}
complete -F _fsimg fsimg
