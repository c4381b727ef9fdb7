# bash completion for noisetop(1).
#
# The commands, the options, which options take a value and the values of
# a choice like "--split train|test" are read from `noisetop help` (once
# per binary and shell), so the completion follows the program's own usage
# text.  Run names for resume, rm, plot, report and merge come from the runs directory:
# --runs DIR on the line, else $XDG_DATA_HOME/noisetop/runs (when
# absolute), else ~/.local/share/noisetop/runs.

# Parse `$1 help` into _noisetop_cmds, _noisetop_opts (every option) and
# _noisetop_args ("--opt=ARG" for each option that takes a value).
_noisetop_parse()
{
	local prog=$1 help line field w opt arg
	[[ $_noisetop_parsed == "$prog" ]] && return 0
	help=$("$prog" help 2>/dev/null) || return 1
	_noisetop_cmds=() _noisetop_opts=(--help --version) _noisetop_args=()
	local in_cmds=0 re='(--[a-z][a-z0-9-]*)( ([A-Za-z][A-Za-z0-9_.,|-]*))?'
	while IFS= read -r line; do
		if [[ $line == Commands:* ]]; then
			in_cmds=1
			continue
		fi
		if ((in_cmds)); then
			if [[ -z $line || $line != " "* ]]; then
				in_cmds=0
			else
				# The command names precede the first run of two spaces.
				field=${line#"${line%%[! ]*}"}
				field=${field%%  *}
				for w in ${field//,/ }; do
					[[ $w =~ ^[a-z][a-z-]*$ ]] && _noisetop_cmds+=("$w")
				done
				continue
			fi
		fi
		# "--opt" or "--opt ARG", where ARG is NAME or a|b|c.
		while [[ $line =~ $re ]]; do
			opt=${BASH_REMATCH[1]} arg=${BASH_REMATCH[3]}
			line=${line#*"${BASH_REMATCH[0]}"}
			arg=${arg%,}
			_noisetop_opts+=("$opt")
			if [[ $arg == *[A-Z]* || $arg == *"|"* ]]; then
				_noisetop_args+=("$opt=$arg")
			fi
		done
	done <<<"$help"
	_noisetop_parsed=$prog
}

# The runs root for the words on the line.
_noisetop_runs_root()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --runs ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]/#\~/$HOME}"
			return
		fi
	done
	if [[ $XDG_DATA_HOME == /* ]]; then
		printf '%s\n' "$XDG_DATA_HOME/noisetop/runs"
	else
		printf '%s\n' "$HOME/.local/share/noisetop/runs"
	fi
}

_noisetop()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= a arg root d
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	_noisetop_parse "${COMP_WORDS[0]}" || return 0
	[[ ${COMP_WORDS[1]} != -* ]] && ((COMP_CWORD > 1)) && cmd=${COMP_WORDS[1]}

	# The value of the option before the cursor.
	for a in "${_noisetop_args[@]}"; do
		[[ ${a%%=*} == "$prev" ]] || continue
		arg=${a#*=}
		case $arg in
		*"|"*)
			mapfile -t COMPREPLY < <(compgen -W "${arg//|/ }" -- "$cur") ;;
		DIR)
			if [[ $prev == --data ]]; then   # a directory or a .npz
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			fi
			compopt -o filenames 2>/dev/null ;;
		FILE | PATH)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null ;;
		esac
		return 0
	done

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${_noisetop_opts[*]}" -- "$cur")
	elif ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "${_noisetop_cmds[*]}" -- "$cur")
	elif [[ $cmd == resume || $cmd == rm || $cmd == plot || $cmd == report || $cmd == merge ]]; then
		root=$(_noisetop_runs_root)
		for d in "$root"/*/config.txt; do
			[[ -e $d ]] || continue
			d=${d%/config.txt}
			d=${d##*/}
			[[ $d == "$cur"* ]] && COMPREPLY+=("$d")
		done
	fi
	return 0
}

complete -F _noisetop noisetop
