#!/usr/bin/zsh -f
# SPDX-License-Identifier: GPL-2.0-or-later
# zcomplete.zsh FPATH_DIR LINE: types LINE and a Tab into an interactive
# zsh (zsh -f, compinit with FPATH_DIR first on $fpath) on a pseudo
# terminal, and prints what the completion offered, one "MATCH:word" a
# line as it would be inserted (quoted), then "BUFFER:line" with the
# command line after the Tab. Exits 2 when the shell does not answer.
emulate -L zsh
zmodload zsh/zpty || exit 2
dir=$1 cmdline=$2

zpty z zsh -f -i || exit 2
init=$(mktemp) || exit 2
trap 'rm -f $init; zpty -d z 2>/dev/null' EXIT
cat >$init <<EOF
PROMPT= RPROMPT= PS2=
unsetopt zle_bracketed_paste 2>/dev/null
fpath=(${(q)dir} \$fpath)
autoload -U compinit
compinit -u -D
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' menu no
setopt nolistbeep noautomenu nomenucomplete
# every match (compadd -A gives them quoted, as inserted)
compadd() {
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
		builtin compadd "\$@"
		return
	fi
	local -a __hits
	builtin compadd -A __hits "\$@"
	local r=\$?
	builtin compadd "\$@"
	local h
	for h in \$__hits; do
		print -r -- "MATCH:\$h" >>${(q)init}.out
	done
	return r
}
dump-buffer() {
	print -r -- "BUFFER:\$BUFFER" >>${(q)init}.out
	print -r -- "DONE-DONE"
}
zle -N dump-buffer
bindkey '^X' dump-buffer
bindkey '^I' complete-word
print READY-READY
EOF
zpty -w z "source ${(q)init}"
local line out
integer ok=0
float deadline=$(( SECONDS + 30 ))
while (( SECONDS < deadline )); do
	zpty -r -t z line 2>/dev/null || { sleep 0.1; continue }
	[[ $line == READY-READY* ]] && { ok=1; break }
done
(( ok )) || { print -u2 "zcomplete: the shell did not start"; exit 2 }
zpty -w -n z "$cmdline"$'\t'$'\x18'
ok=0
deadline=$(( SECONDS + 30 ))
while (( SECONDS < deadline )); do
	zpty -r -t z line 2>/dev/null || { sleep 0.1; continue }
	[[ $line == *DONE-DONE* ]] && { ok=1; break }
done
(( ok )) || { print -u2 "zcomplete: no answer"; exit 2 }
[[ -f $init.out ]] && cat $init.out
rm -f $init.out
exit 0
