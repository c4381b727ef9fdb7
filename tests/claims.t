#!/bin/bash
# One writer per run, and per shard, on any host (src/runs/claim.h): two
# resumes of one run started at once, one trains and the other names it;
# the same shard started twice likewise; a killed holder's claim is taken
# over, and says so; a run directory removed under its writer is named as
# such, not as a full disk; and a sweep under another host name (unshare
# -u, as a compute node sharing the runs directory) shows as running
# there, is refused to resume and rm, and once killed and its lease run
# out is taken over and finished.  Jobs are held at test points
# (testpoint.h), never timed.  On the synthetic digits.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
bg=()
trap 'for p in "${bg[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
unset NOISETOP_CLAIM_TIMEOUT NOISETOP_TEST_STOP NOISETOP_TEST_STOP_FILE
mkdir -p "$HOME"
cd "$HOME" || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# until SECONDS COMMAND: poll COMMAND every 0.1 s until it succeeds.
until_ok() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		eval "$2" && return 0
		sleep 0.1
	done
	return 1
}
# The stop files (stop.PID) in a test point directory.
stops() { ls "$1" 2>/dev/null | grep -c '^stop\.[0-9]*$'; }
alive() { kill -0 "$1" 2>/dev/null; }

small=(--train-limit 1500 --test-limit 300 --hidden 32 --epochs 2
    --no-progress)

# An interrupted sweep of two scales: stopped in its first row by SIGINT.
NOISETOP_TEST_STOP=1:2:1 NOISETOP_TEST_STOP_FILE="$tmp/stop-a" \
    "$NT" sweep "${small[@]}" --scales 0,1 --runs "$tmp/a" \
    >"$tmp/a.log" 2>&1 &
p=$!
until_ok 120 '[ -e "$tmp/stop-a" ]'
A=$(ls "$tmp/a")
check "a job holds claim.txt while it runs, naming its host and pid" \
    'grep -qx "pid = $p" "$tmp/a/$A/claim.txt" &&
    grep -qx "host = $(hostname)" "$tmp/a/$A/claim.txt"'
kill -INT $p
rm -f "$tmp/stop-a"
wait $p
rc=$?
check "interrupted (exit $rc): its claim is given up" \
    '[ $rc -eq 130 ] && [ ! -e "$tmp/a/$A/claim.txt" ]'

# 1. Two resumes of it at once: exactly one trains; the other exits at
# once, non-zero, naming the one that holds the run.
mkdir "$tmp/stops"
for i in 1 2; do
	NOISETOP_TEST_STOP=2:1:1 NOISETOP_TEST_STOP_FILE="$tmp/stops/" \
	    "$NT" resume "$A" --runs "$tmp/a" --no-progress \
	    >"$tmp/r$i.log" 2>&1 &
	rp[$i]=$!
	bg+=($!)
done
until_ok 120 '[ "$(stops "$tmp/stops")" -ge 1 ] &&
    { ! alive ${rp[1]} || ! alive ${rp[2]}; }'
w=$(ls "$tmp/stops" | sed -n 's/^stop\.\([0-9]*\)$/\1/p')
if [ "$w" = "${rp[1]}" ]; then l=2; else l=1; fi
wait ${rp[$l]}
rc=$?
out=$(cat "$tmp/r$l.log")
check "two resumes at once: the second exits $rc, naming the first: '$out'" \
    '[ $rc -ne 0 ] && [[ "$out" == *"run $A is being trained by pid $w on this host"* ]] &&
    [[ "$out" != *Epoch* ]]'
check "two resumes at once: one holds the test point, and the claim" \
    '[ "$(stops "$tmp/stops")" -eq 1 ] && grep -qx "pid = $w" "$tmp/a/$A/claim.txt"'
out=$("$NT" runs --runs "$tmp/a" 2>&1)
check "runs: the resumed run is running, by that pid" \
    '[[ "$out" == *"running (pid $w)"* ]]'
out=$("$NT" rm "$A" --runs "$tmp/a" 2>&1)
rc=$?
check "rm refuses it, naming the holder (exit $rc)" \
    '[ $rc -ne 0 ] && [[ "$out" == *"run $A is still running (pid $w on this host)"* ]] && [ -e "$tmp/a/$A/config.txt" ]'
rm -f "$tmp/stops/stop.$w"
wait "$w"
rc=$?
check "the one that holds it finishes the run (exit $rc), and gives the claim up" \
    '[ $rc -eq 0 ] && grep -q "Epoch 2/2" "$tmp/r$((3 - l)).log" &&
    grep -q "state = finished" "$tmp/a/$A/state.txt" && [ ! -e "$tmp/a/$A/claim.txt" ]'

# 2. One shard started twice at once: one trains it, the other names it.
rm -rf "$tmp/stops" && mkdir "$tmp/stops"
for i in 1 2; do
	NOISETOP_TEST_STOP=1:1:1 NOISETOP_TEST_STOP_FILE="$tmp/stops/" \
	    "$NT" sweep "${small[@]}" --scales 0,1 --runs "$tmp/s" --run-id S \
	    --shard 1/2 >"$tmp/s$i.log" 2>&1 &
	sp[$i]=$!
	bg+=($!)
done
until_ok 120 '[ "$(stops "$tmp/stops")" -ge 1 ] &&
    { ! alive ${sp[1]} || ! alive ${sp[2]}; }'
w=$(ls "$tmp/stops" | sed -n 's/^stop\.\([0-9]*\)$/\1/p')
if [ "$w" = "${sp[1]}" ]; then l=2; else l=1; fi
wait ${sp[$l]}
rc=$?
out=$(cat "$tmp/s$l.log")
check "one shard twice: the second exits $rc, naming the first: '$out'" \
    '[ $rc -ne 0 ] && [[ "$out" == *"shard 1 of run S is being trained by pid $w on this host"* ]] &&
    [[ "$out" != *Epoch* ]]'
check "the shard's claim is claim-1.txt, the holder's" \
    'grep -qx "pid = $w" "$tmp/s/S/claim-1.txt" && [ ! -e "$tmp/s/S/claim.txt" ]'
out=$("$NT" resume S --shard 1/2 --runs "$tmp/s" --no-progress 2>&1)
rc=$?
check "resume of that shard is refused, naming it (exit $rc)" \
    '[ $rc -ne 0 ] && [[ "$out" == *"shard 1 of run S is being trained by pid $w on this host"* ]] &&
    [[ "$out" != *Epoch* ]]'
out=$("$NT" resume S --runs "$tmp/s" --no-progress 2>&1)
rc=$?
check "resuming the whole run while a shard runs is refused (exit $rc)" \
    '[ $rc -ne 0 ] && [[ "$out" == *"shard 1 of run S is being trained by pid $w"* ]]'
# Shard 2 is another shard: it trains beside shard 1.
"$NT" sweep "${small[@]}" --scales 0,1 --runs "$tmp/s" --run-id S \
    --shard 2/2 >"$tmp/s2b.log" 2>&1
rc=$?
check "the other shard runs beside it (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "waiting for the other shards" "$tmp/s2b.log"'
rm -f "$tmp/stops/stop.$w"
wait "$w"
rc=$?
check "the first finishes its shard and merges the run (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "state = finished" "$tmp/s/S/state.txt" &&
    [ -z "$(ls "$tmp/s/S" | grep "^claim")" ]'

# 3. A killed holder: its claim is stale, and is taken over.
NOISETOP_TEST_STOP=1:2:1 NOISETOP_TEST_STOP_FILE="$tmp/stop-k" \
    "$NT" sweep "${small[@]}" --scales 0 --runs "$tmp/k" \
    >"$tmp/k.log" 2>&1 &
p=$!
bg+=($p)
until_ok 120 '[ -e "$tmp/stop-k" ]'
K=$(ls "$tmp/k")
kill -9 $p
{ wait $p; } 2>/dev/null
out=$("$NT" runs --runs "$tmp/k" 2>&1)
check "killed: runs says its process is gone" '[[ "$out" == *"(process gone)"* ]]'
"$NT" resume --runs "$tmp/k" --no-progress >"$tmp/k2.log" 2>&1
rc=$?
check "resume takes the stale claim over, says so, and finishes (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "took over run $K from pid $p on this host (that process is gone)" "$tmp/k2.log" &&
    grep -q "Epoch 2/2" "$tmp/k2.log" && [ ! -e "$tmp/k/$K/claim.txt" ]'

# 4. The run directory removed under its writer (by hand: rm refuses): the
# writer names that, not a full disk.
NOISETOP_TEST_STOP=1:1:1 NOISETOP_TEST_STOP_FILE="$tmp/stop-g" \
    "$NT" sweep "${small[@]}" --scales 0 --runs "$tmp/g" \
    >"$tmp/g.log" 2>&1 &
p=$!
bg+=($p)
until_ok 120 '[ -e "$tmp/stop-g" ]'
G=$(ls "$tmp/g")
rm -rf "${tmp:?}/g/$G"
rm -f "$tmp/stop-g"
wait $p
rc=$?
out=$(cat "$tmp/g.log")
check "a removed run directory: exit $rc, named as removed, no 'make room'" \
    '[ $rc -eq 1 ] && [[ "$out" == *"run directory $tmp/g/$G was removed"* ]] &&
    [[ "$out" != *"make room"* ]] && [[ "$out" != *"No such file"* ]]'

# 5. Another host: a sweep under the host name node17 (unshare -u, root).
if ! unshare -u sh -c 'hostname node17 && [ "$(hostname)" = node17 ]' \
    >/dev/null 2>&1; then
	for _ in 1 2 3 4 5; do
		skip "unshare -u cannot give a process another host name here (needs root)"
	done
	echo "1..$n"
	exit 0
fi
unshare -u sh -c 'hostname node17 && exec "$0" "$@"' env \
    NOISETOP_TEST_STOP=1:1:1 NOISETOP_TEST_STOP_FILE="$tmp/stop-n" \
    "$NT" sweep "${small[@]}" --epochs 3 --scales 0,1 --runs "$tmp/n" \
    >"$tmp/n.log" 2>&1 &
p=$!
bg+=($p)
until_ok 120 '[ -e "$tmp/stop-n" ]'
N=$(ls "$tmp/n")
np=$(cat "$tmp/stop-n")
out=$("$NT" runs --runs "$tmp/n" 2>&1)
check "runs here: running on node17, seen seconds ago: '$(echo "$out" | tail -1)'" \
    '[[ "$out" =~ "running on node17 (seen "[0-9]+" s ago)" ]] && [[ "$out" != *"process gone"* ]]'
out=$("$NT" resume "$N" --runs "$tmp/n" --no-progress 2>&1)
rc=$?
check "resume here refuses it, naming node17 (exit $rc)" \
    '[ $rc -ne 0 ] && [[ "$out" == *"run $N is being trained by pid $np on node17, seen"* ]] && [[ "$out" != *Epoch* ]]'
out=$("$NT" rm "$N" --runs "$tmp/n" 2>&1)
rc=$?
check "rm here refuses it, naming node17 (exit $rc)" \
    '[ $rc -ne 0 ] && [[ "$out" == *"run $N is still running (pid $np on node17"* ]] && [ -e "$tmp/n/$N/config.txt" ]'
# Killed, it is silent: after the (here 1 s) timeout its lease runs out.
kill -9 "$np"
{ wait $p; } 2>/dev/null
export NOISETOP_CLAIM_TIMEOUT=1
until_ok 30 '"$NT" runs --runs "$tmp/n" 2>&1 | grep -q "no word from node17"'
out=$("$NT" runs --runs "$tmp/n" 2>&1)
check "its lease run out: interrupted, no word from node17, not 'process gone'" \
    '[[ "$out" == *"interrupted at scale 0 (1 of 2), epoch 0/3 (no word from node17 for "* ]] &&
    [[ "$out" != *"process gone"* ]]'
"$NT" resume "$N" --runs "$tmp/n" --no-progress >"$tmp/n2.log" 2>&1
rc=$?
check "resume takes it over from node17, says so, and finishes it (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "took over run $N from pid $np on node17, seen [0-9]* s ago (its lease ran out)" "$tmp/n2.log" &&
    grep -q "Epoch 3/3" "$tmp/n2.log" && grep -q "state = finished" "$tmp/n/$N/state.txt" &&
    [ ! -e "$tmp/n/$N/claim.txt" ]'
unset NOISETOP_CLAIM_TIMEOUT
echo "1..$n"
