# The harness the tmux scripts (form.t, layout.t, lanes.t, truth.t) share:
# sourced, not run.  It skips the script when tmux is missing, makes $OUT
# (removed at exit with the tmux server), and gives a private server $T
# per script (tui_fresh: a new socket, as one being killed can still hold
# the old), TAP's ok, and waits on the screen or a file, never on time.
#   tui_init NAME      before anything else
#   ok STATUS TEXT     "ok N - TEXT" or "not ok", with the screen
#   cap                the pane's text ($TUI_STRIP=1: image glyphs as blanks)
#   wait_for S RE      until RE shows (at most S s); $OUT/screen holds it
#   wait_gone S RE     until RE is gone
#   wait_file S F      until file F exists and is not empty

tui_init() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "1..0 # SKIP tmux not installed"
		exit 0
	fi
	OUT=$(mktemp -d)
	TUI_NAME=$1
	TUI_K=0
	T="tmux -L nt-$TUI_NAME-$$-$TUI_K"
	n=0
	trap '$T kill-server >/dev/null 2>&1; rm -rf "$OUT"' EXIT
}

tui_fresh() {
	$T kill-server >/dev/null 2>&1
	TUI_K=$((TUI_K + 1))
	T="tmux -L nt-$TUI_NAME-$$-$TUI_K"
}

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$OUT/screen" 2>/dev/null
	fi
}

cap() {
	if [ "${TUI_STRIP:-0}" = 1 ]; then
		$T capture-pane -p -t nt 2>/dev/null | sed 's/[▀▄█▓▒░]/ /g'
	else
		$T capture-pane -p -t nt 2>/dev/null
	fi
}

wait_for() {
	_end=$(($(date +%s) + $1))
	while :; do
		cap > "$OUT/screen"
		grep -Eq -- "$2" "$OUT/screen" && return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

wait_gone() {
	_end=$(($(date +%s) + $1))
	while :; do
		cap > "$OUT/screen"
		grep -Eq -- "$2" "$OUT/screen" || return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

wait_file() {
	_end=$(($(date +%s) + $1))
	while [ ! -s "$2" ]; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}
