#!/bin/bash
# Shards of one run: --shard 1/2 and 2/2 into the same run directory, run
# at the same time; the last to finish merges, and the merged tables are
# those of the unsharded sweep (bit for bit but for the wall-clock seconds
# column); a shard killed mid-way shows as gone and resumes with
# 'resume RUN --shard K/N'; 'merge' refuses a run with rows missing.
# On the synthetic digits: needs no MNIST.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
wait_file() {
	local i
	for ((i = 0; i < 1200; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# Columns but the seconds (4th) of a results.csv; JSON without seconds.
metrics() { grep -v '^#' "$1" | cut -d, -f1-3,5-; }
noseconds() { sed 's/"seconds": [0-9.]*, //' "$1"; }

grid=(--train-limit 1500 --test-limit 300 --hidden 64 --epochs 2
    --scales 0,0.5,1 --seeds 2 --test-scales 0,1 --no-progress)
$NT sweep "${grid[@]}" --runs "$tmp/whole" >"$tmp/whole.log" 2>&1
W=$(ls -d "$tmp"/whole/*)

# Two shards at once, into one directory.
$NT sweep "${grid[@]}" --runs "$tmp/s" --run-id R --shard 1/2 --threads 1 \
    >"$tmp/s1.log" 2>&1 &
p1=$!
$NT sweep "${grid[@]}" --runs "$tmp/s" --run-id R --shard 2/2 --threads 1 \
    >"$tmp/s2.log" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check "two shards run at once (exit $r1, $r2)" '[ $r1 -eq 0 ] && [ $r2 -eq 0 ]'
check "each shard wrote only its own rows and state" \
    '[ -e "$tmp/s/R/ckpt-0.bin" ] && [ -e "$tmp/s/R/ckpt-5.bin" ] &&
    [ -e "$tmp/s/R/state-1.txt" ] && [ -e "$tmp/s/R/state-2.txt" ] &&
    grep -q "rows 0, 2, ... of 6" "$tmp/s1.log" && grep -q "rows 1, 3, ... of 6" "$tmp/s2.log"'
check "the last shard to finish merged the run" \
    'grep -q "state = finished" "$tmp/s/R/state.txt" &&
    grep -q "the run is merged" "$tmp/s1.log" "$tmp/s2.log"'
check "merged summary.csv and matrix.csv are the unsharded run's, bit for bit" \
    'cmp "$W/summary.csv" "$tmp/s/R/summary.csv" && cmp "$W/matrix.csv" "$tmp/s/R/matrix.csv"'
check "merged results.csv and .json equal the unsharded run's but for seconds" \
    'diff <(metrics "$W/results.csv") <(metrics "$tmp/s/R/results.csv") >&2 &&
    diff <(noseconds "$W/results.json") <(noseconds "$tmp/s/R/results.json") >&2'
$NT merge R --runs "$tmp/s" >"$tmp/m.log" 2>&1
check "merge again: the same bytes" \
    'grep -q "merged run R: 6 rows" "$tmp/m.log" && cmp "$W/summary.csv" "$tmp/s/R/summary.csv"'
out=$($NT sweep "${grid[@]}" --epochs 3 --runs "$tmp/s" --run-id R --shard 1/2 2>&1)
check "a shard with other options is refused from the run" \
    '[[ "$out" == *"run R exists with other options"* ]]'

# A shard killed mid-way: runs shows it gone; merge refuses; resume of
# that shard finishes the run.
NOISETOP_TEST_STOP=2:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    $NT sweep "${grid[@]}" --runs "$tmp/k" --run-id K --shard 2/2 \
    >"$tmp/k2.log" 2>&1 &
pk=$!
wait_file "$tmp/stop"
kill -9 $pk
wait $pk 2>/dev/null
$NT sweep "${grid[@]}" --runs "$tmp/k" --run-id K --shard 1/2 >/dev/null 2>&1
out=$($NT runs --runs "$tmp/k" 2>&1)
check "runs: one shard done, one gone, 4 of 6 rows" \
    '[[ "$out" == *"shards 1/2 done, 0 running, 0 elsewhere, 1 gone"*"rows 4/6"* ]]'
out=$($NT merge K --runs "$tmp/k" 2>&1)
check "merge refuses while rows are missing" \
    '[[ "$out" == *"2 of 6 rows are not done"* ]] && [ ! -e "$tmp/k/K/state.txt" ]'
$NT resume K --runs "$tmp/k" --shard 2/2 --no-progress >"$tmp/k3.log" 2>&1
rc=$?
check "resume K --shard 2/2 finishes and merges (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "state = finished" "$tmp/k/K/state.txt" &&
    cmp "$W/summary.csv" "$tmp/k/K/summary.csv"'
# A row whose last checkpoint is written but not yet its matrix file (a
# kill between the two, or a merge while another shard finishes) is not
# done: merge waits, and resuming its shard only evaluates it.
rm "$tmp/k/K/row-3.txt"
out=$($NT merge K --runs "$tmp/k" 2>&1)
check "a row without its row file is not done: merge waits" \
    '[[ "$out" == *"1 of 6 rows are not done"* ]]'
$NT resume K --runs "$tmp/k" --shard 2/2 --no-progress >"$tmp/k4.log" 2>&1
check "resume --shard evaluates it without training, and merges the same bytes" \
    '! grep -q "^Epoch" "$tmp/k4.log" && [ -e "$tmp/k/K/row-3.txt" ] &&
    cmp "$W/summary.csv" "$tmp/k/K/summary.csv" && cmp "$W/matrix.csv" "$tmp/k/K/matrix.csv"'

# Probes and the weight-decay axis: two shards on one thread each equal
# the whole grid on all cores, byte for byte in every file that has no
# seconds, probes.csv included; a row re-evaluated on resume (its row file
# lost) gives the same probes.
pgrid=(--train-limit 1000 --test-limit 200 --hidden 32 --epochs 1
    --scales 0,1 --weight-decay 0,0.001 --attack fgsm:0.1,pgd:0.1:3
    --no-progress)
$NT sweep "${pgrid[@]}" --runs "$tmp/pw" >"$tmp/pw.log" 2>&1
PW=$(ls -d "$tmp"/pw/*)
$NT sweep "${pgrid[@]}" --runs "$tmp/ps" --run-id P --shard 1/2 \
    --threads 1 >/dev/null 2>&1
$NT sweep "${pgrid[@]}" --runs "$tmp/ps" --run-id P --shard 2/2 \
    --threads 1 >/dev/null 2>&1
check "probed shards with decays merge to the whole run's files" \
    'grep -q "weight_decays = 0,0.001" "$PW/config.txt" &&
    grep -q "^gaussian,1,42,0.001," "$PW/probes.csv" &&
    grep -q "pgd:0.1:3" "$tmp/pw.log" &&
    cmp "$PW/probes.csv" "$tmp/ps/P/probes.csv" &&
    cmp "$PW/summary.csv" "$tmp/ps/P/summary.csv" &&
    cmp "$PW/matrix.csv" "$tmp/ps/P/matrix.csv"'
rm "$tmp/ps/P/row-3.txt"
$NT resume P --runs "$tmp/ps" --shard 2/2 --no-progress >"$tmp/p4.log" 2>&1
check "a probed row re-evaluated on resume: the same probes" \
    '! grep -q "^Epoch" "$tmp/p4.log" && cmp "$PW/probes.csv" "$tmp/ps/P/probes.csv"'
echo "1..$n"
