#!/bin/bash
# The exit statuses the man page lists (EXIT STATUS): 0 on success, 1 on an
# error, 2 on a bad command line, 128 + the signal when a run is stopped by
# one.  Needs no MNIST: an empty HOME and the synthetic digits.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1
# status WANT NAME ARGS...: noisetop ARGS... exits WANT.
status() {
	local want=$1 name=$2 got
	shift 2
	"$NT" "$@" >"$tmp/out" 2>&1 </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name: $want"; else
		nok "$name: $want (got $got)"; sed 's/^/# /' "$tmp/out" | head -5; fi
}

echo "1..9"
small=(--train-limit 200 --test-limit 50 --epochs 1 --no-progress)
status 0 "help" help
status 0 "train on the synthetic digits" train "${small[@]}"
status 2 "an unknown command" frobnicate
status 2 "a value out of range" train --epochs 0
status 2 "show --index past the split" show --train-limit 10 --index 10
status 1 "a --data that holds no data set" show --data "$tmp"
status 1 "rm of a run that does not exist" rm no-such-run
status 1 "resume of a run that does not exist" resume no-such-run

# A long run stopped by SIGINT, once it has started: held at a test point
# (before epoch 2) so the signal lands in training on any CPU; polled up
# to 300 s, and a job that never reached it is killed, not signalled.
NOISETOP_TEST_STOP=1:2:0 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    "$NT" train --train-limit 3000 --epochs 200 --threads 1 --no-progress \
    >"$tmp/out" 2>&1 </dev/null &
pid=$!
for _ in $(seq 3000); do
	[ -s "$tmp/stop" ] && break
	sleep 0.1
done
if [ -s "$tmp/stop" ]; then
	kill -INT "$pid"
	rm -f "$tmp/stop"
else
	kill -KILL "$pid"
fi
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ]; then ok "stopped by SIGINT: 130"; else
	nok "stopped by SIGINT: 130 (got $rc)"; sed 's/^/# /' "$tmp/out" | tail -3; fi
exit 0
