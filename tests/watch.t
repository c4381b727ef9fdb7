#!/bin/bash
# The dashboard follows a runs directory that other processes write: the
# shards of one sweep (as on a cluster's shared filesystem), seen from a
# dashboard in tmux.  It shows the run as soon as a shard has written
# rows, the running shard's place while it is held at a test point, and
# the bars filling in and the run finished once the last shard merges it;
# idle, it costs no measurable CPU.  On the synthetic digits.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
tmp=$(mktemp -d)
T="tmux -L nt-watch-$$ -f /dev/null"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		$T capture-pane -p -t w 2>/dev/null | sed 's/^/#   /'
	fi
}
# wait_for SECONDS REGEX: until the screen shows it.
wait_for() {
	local end=$(($(date +%s) + $1))
	while :; do
		$T capture-pane -p -t w 2>/dev/null | grep -Eq -- "$2" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
wait_file() {
	local i
	for ((i = 0; i < 1200; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
R=$tmp/runs
mkdir -p "$R"
opts=(--train-limit 1000 --test-limit 200 --hidden 32 --epochs 2
    --scales 0,1 --no-progress --runs "$R" --run-id W)
$T new-session -d -x 100 -y 30 -s w \
    "TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '$NT' --runs '$R' \
    --train-limit 1000 --test-limit 200; sleep 600"
check "the dashboard starts on an empty runs directory" \
    'wait_for 20 "Samples"'

# Shard 1 of 2 trains scale 0 and waits for the other.
"$NT" sweep "${opts[@]}" --shard 1/2 >"$tmp/s1.log" 2>&1
check "shard 1 done: the dashboard shows the sharded run and scale 0's bars" \
    'wait_for 20 "loaded run W" && wait_for 10 "[ >*x]0 train .*[0-9]+\.[0-9][0-9]" &&
     wait_for 10 "sharded, followed live"'

# Shard 2, held before batch 3 of its second epoch.
NOISETOP_TEST_STOP=1:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    "$NT" sweep "${opts[@]}" --shard 2/2 >"$tmp/s2.log" 2>&1 &
p2=$!
wait_file "$tmp/stop"
check "while shard 2 runs: its place (scale 1, epoch 1 of 2) is shown" \
    'wait_for 20 "followed live: at scale 1 \(2 of 2\), epoch 1/2"'
pid=$($T display -p -t w '#{pane_pid}')
dash=$(ps -o pid= --ppid "$pid" | tr -d ' ' | head -1)
ticks() { awk '{ print $14 + $15 }' "/proc/$dash/stat"; }
c0=$(ticks)
sleep 5
c1=$(ticks)
check "idle while following: $((c1 - c0)) CPU ticks in 5 s (at most 5)" \
    '[ -n "$dash" ] && [ $((c1 - c0)) -le 5 ]'
rm -f "$tmp/stop"
wait $p2
check "the last shard finishes and merges the run" \
    'grep -q "the run is merged" "$tmp/s2.log"'
check "the dashboard fills in scale 1 and shows the run finished" \
    'wait_for 20 "[ >*x]1 train .*[0-9]+\.[0-9][0-9]" && wait_for 10 "W \(finished\)"'
$T send-keys -t w q
gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -e "/proc/$dash" ] || return 0
		sleep 0.1
	done
	return 1
}
check "q quits the dashboard" 'gone'
echo "1..$n"
