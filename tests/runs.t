#!/bin/bash
# Runs on disk: interrupt and resume, kill -9 and resume, SIGHUP in tmux,
# damaged run files, listing, rm and prune, and malformed options.  On
# MNIST beside the repository when it is there, else on the synthetic
# digits (an empty HOME, no NOISETOP_DATA): nothing here needs real data.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
DATA=$(realpath -m "${NOISETOP_DATA:-../shared/data/mnist}")
tmp=$(mktemp -d)
sock="nt-runs-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# wait_for FILE REGEX [SECONDS]: poll until FILE matches
wait_for() {
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# wait_file FILE [SECONDS]: poll until FILE exists (a job's test stop point)
wait_file() {
	local i
	for ((i = 0; i < ${2:-120} * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# The metrics of a results.csv, without the seconds column and comments.
metrics() { grep -v '^#' "$1" | cut -d, -f1-3,5-; }

# Malformed options: each gives its message and exit status 2.
while IFS='|' read -r args want; do
	out=$($NT $args 2>&1 >/dev/null)
	rc=$?
	check "'noisetop $args' -> exit 2, '$want'" \
	    '[ $rc -eq 2 ] && [[ "$out" == *"$want"* ]]'
done <<'TABLE'
train --noise -1|--noise -1: must be at least 0
train --noise abc|--noise 'abc': not a number
train --noise nan|--noise 'nan': not a number
train --epochs 0|--epochs 0: must be from 1 to 1000
train --epochs 2x|--epochs '2x': not a whole number
train --batch 0|--batch 0: must be from 1 to 65536
train --threads 0|--threads 0: must be from 1 to 1024
train --hidden 0|--hidden 0: must be from 1 to 8192
train --hidden 512,0|--hidden 0: must be from 1 to 8192
train --hidden 100000|--hidden 100000: must be from 1 to 8192
train --lr 0|--lr 0: must be above 0
train --dropout 1|--dropout 1: must be at least 0 and at most 0.95
sweep --scales 0,-1|scale -1: must be between 0 and 100
sweep --scales 0,,1|not a list of numbers
sweep --scales 101|scale 101: must be between 0 and 100
train --epochs|--epochs needs a value
train --lr --train-limit 600|--lr needs a value
sweep --scales 0,1,1|scale 1 is given twice
help nosuch|help: unknown command 'nosuch'
rm|rm needs the name of a run
train --frobnicate|unknown option '--frobnicate'
frobnicate|unknown command 'frobnicate'
train extra|unexpected argument 'extra'
show --split val|--split 'val': must be train or test
train --precision fp16|--precision 'fp16': must be fp32 or bf16
TABLE

# bf16 needs AVX512-BF16 (or AMX): elsewhere a one-line refusal.  Its
# kernel is an AVX-512 one, so NOISETOP_SIMD below avx512 refuses it too
# (as a CPU without it would), which lets a CPU with it test the refusal.
if ! $NT version | grep -q '^kernels .*avx512'; then
	out=$($NT train --precision bf16 2>&1 >/dev/null)
	rc=$?
	check "--precision bf16 in a build without it -> exit 2, '$out'" \
	    '[ $rc -eq 2 ] && [[ "$out" == *"this build has no bf16 kernel"* ]]'
elif grep -qw avx512_bf16 /proc/cpuinfo; then
	ok "# SKIP --precision bf16 refusal: this CPU has AVX512-BF16"
	out=$(NOISETOP_SIMD=avx2 $NT train --precision bf16 2>&1 >/dev/null)
	rc=$?
	check "--precision bf16 under NOISETOP_SIMD=avx2 -> exit 2, '$out'" \
	    '[ $rc -eq 2 ] && [ $(echo "$out" | wc -l) -eq 1 ] &&
	    [[ "$out" == *"NOISETOP_SIMD=avx2 rules AVX-512 out"* ]]'
else
	out=$($NT train --precision bf16 2>&1 >/dev/null)
	rc=$?
	check "--precision bf16 without AVX512-BF16 -> exit 2, '$out'" \
	    '[ $rc -eq 2 ] && [[ "$out" == *"neither AMX-BF16 nor AVX512-BF16"* ]]'
fi

mkdir -p "$tmp/home"
if [ -e "$DATA/train-images-idx3-ubyte.gz" ] ||
    [ -e "$DATA/train-images-idx3-ubyte" ]; then
	dargs=(--data "$DATA")
	echo "# data: MNIST at $DATA"
else
	dargs=()
	export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME=
	echo "# data: the synthetic digits (no MNIST at $DATA)"
fi
check "a batch larger than the data is refused" \
    '$NT train "${dargs[@]}" --train-limit 100 --batch 128 --runs "$tmp/x" 2>&1 | grep -q "batch 128 is larger than the 100 training images"'

common=("${dargs[@]}" --train-limit 4000 --test-limit 500 --no-progress)

# Small defects a user met.
out=$($NT help train 2>&1)
check "help train: that command's options" \
    '[[ "$out" == "usage: noisetop train"* ]] && [[ "$out" == *--epochs* ]] && [[ "$out" != *--split* ]]'
out=$($NT show "${dargs[@]}" --train-limit 10 --test-limit 10 --index 10 2>&1)
rc=$?
check "show --index past the end: exit 2 (got $rc)" '[ $rc -eq 2 ] && [[ "$out" == *"--index 10"* ]]'
out=$($NT train "${common[@]}" --train-limit 300 --epochs 1 --threads 64 --runs "$tmp/c" 2>&1)
check "--threads above the cores: a warning, then it runs" \
    '[[ "$out" == *"--threads 64 is more than the"* ]] && [[ "$out" == *"Epoch 1/1"* ]]'
check "header says '1 epoch', not '1 epochs'" '[[ "$out" == *", 1 epoch, "* ]]'
check "config.txt writes dropout = 0.2 and lr = 0.001" \
    'grep -qx "dropout = 0.2" "$tmp"/c/*/config.txt && grep -qx "lr = 0.001" "$tmp"/c/*/config.txt'
$NT compare "${common[@]}" --train-limit 300 --epochs 2 --runs "$tmp/c" >"$tmp/cmp.log" 2>&1
check "compare table: the column bars line up" \
    '[ "$(sed -n "/^ *| clean/,\$p" "$tmp/cmp.log" | awk -F"|" "{ print length(\$1) \" \" length(\$2) }" | sort -u | wc -l)" -eq 1 ]'
out=$($NT show "${dargs[@]}" --train-limit 10 --test-limit 10 --corruption impulse --noise 0.2 --ascii 2>&1)
g=$($NT show "${dargs[@]}" --train-limit 10 --test-limit 10 --noise 0.2 --ascii 2>&1)
check "show --corruption impulse shows that family, not Gaussian noise" \
    '[[ "$out" == *", impulse p=0.2, seed 42"* ]] && [ "$(echo "$out" | tail -14)" != "$(echo "$g" | tail -14)" ]'
out=$($NT show --data "$tmp/nonexistent/" 2>&1)
check "--data DIR/: no DIR// in messages" '[[ "$out" != *//* ]]'

# Listing, rm and prune: a live run is never deleted.
NOISETOP_TEST_STOP=1:1:1 NOISETOP_TEST_STOP_FILE="$tmp/stop-l" \
    $NT train "${common[@]}" --epochs 1 --runs "$tmp/l" >/dev/null 2>&1 &
lpid=$!
wait_file "$tmp/stop-l"
live=$(ls "$tmp/l")
$NT train "${common[@]}" --train-limit 300 --epochs 1 --runs "$tmp/l" >/dev/null 2>&1
$NT train "${common[@]}" --train-limit 300 --epochs 1 --runs "$tmp/l" >/dev/null 2>&1
out=$($NT runs --runs "$tmp/l" 2>&1)
check "runs: a header, then kind, date, data, limits, best val, size, status" \
    '[[ "$(echo "$out" | head -1)" == "RUN "*KIND*DATE*DATA*TRAIN/TEST*"BEST VAL"*SIZE*STATUS ]] &&
    [ "$(echo "$out" | grep -c " train .* 300/500 .*%.*finished (1 scale, 1 epoch)")" -eq 2 ] &&
    echo "$out" | grep -q "^$live .*running (pid $lpid)"'
out=$($NT rm --runs "$tmp/l" "$live" 2>&1)
rc=$?
check "rm refuses a run a live process writes" \
    '[ $rc -ne 0 ] && [[ "$out" == *"run $live is still running"* ]] && [ -d "$tmp/l/$live" ]'
out=$($NT runs --runs "$tmp/l" --prune 1 2>&1)
check "runs --prune 1: keeps the newest finished run and the live one" \
    '[ "$(ls "$tmp/l" | wc -l)" -eq 2 ] && [ -d "$tmp/l/$live" ] && [[ "$out" == *"removed 1"* ]]'
kill -INT $lpid
rm -f "$tmp/stop-l"
wait $lpid
old=$(ls "$tmp/l" | grep -v "^$live$")
out=$($NT rm --runs "$tmp/l" "$old" nosuchrun 2>&1)
rc=$?
check "rm deletes a finished run, and names a missing one" \
    '[ $rc -eq 1 ] && [ ! -e "$tmp/l/$old" ] && [[ "$out" == *"removed $old"* ]] && [[ "$out" == *"no run named nosuchrun in $tmp/l"* ]]'
out=$($NT rm --runs "$tmp/l" ../x 2>&1)
check "rm refuses a path that is not a run name" '[[ "$out" == *"not the name of a run"* ]]'


# 1. Interrupt at epoch 2 of 4, resume: the same history as never stopped.
$NT sweep "${common[@]}" --epochs 4 --scales 0.5 --runs "$tmp/a" >"$tmp/a.log" 2>&1
# The job stops before batch 3 of epoch 2 (testpoint.h) until signalled.
NOISETOP_TEST_STOP=1:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop-b" \
    $NT sweep "${common[@]}" --epochs 4 --scales 0.5 --runs "$tmp/b" >"$tmp/b.log" 2>&1 &
pid=$!
wait_file "$tmp/stop-b"
kill -INT $pid
rm -f "$tmp/stop-b"
wait $pid
rc=$?
check "SIGINT: exit status 130 (got $rc)" '[ $rc -eq 130 ]'
check "SIGINT: says how to resume" 'grep -q "noisetop resume" "$tmp/b.log"'
check "runs lists it as interrupted" \
    '$NT runs --runs "$tmp/b" | grep -q "interrupted at scale 0.5 (1 of 1), epoch 1/4"'
check "the interrupted run has a checkpoint" '[ -s "$tmp"/b/*/ckpt-0.bin ]'
(cd "$tmp" && $NT resume --runs "$tmp/b" --no-progress >"$tmp/b2.log" 2>&1)
rc=$?
check "resume finishes (exit $rc)" '[ $rc -eq 0 ] && grep -q "Epoch 4/4" "$tmp/b2.log"'
check "resumed history == uninterrupted history" \
    'diff <(metrics "$tmp"/a/*/results.csv) <(metrics "$tmp"/b/*/results.csv) >&2'
check "runs lists it as finished" '$NT runs --runs "$tmp/b" | grep -q finished'
check "resume of a finished run says so" \
    '$NT resume --runs "$tmp/b" "$(ls "$tmp/b")" | grep -q "already finished"'

# 2. kill -9 in the second scale of a sweep, then resume.
# It stops in the second scale, before batch 5 of epoch 1, until killed.
NOISETOP_TEST_STOP=2:1:5 NOISETOP_TEST_STOP_FILE="$tmp/stop-k" \
    $NT sweep "${common[@]}" --epochs 2 --scales 0,1 --runs "$tmp/k" >"$tmp/k.log" 2>&1 &
pid=$!
wait_file "$tmp/stop-k"
kill -9 $pid
wait $pid 2>/dev/null
before=$(metrics "$tmp"/k/*/results.csv | grep '^0,')
check "kill -9: runs says the process is gone" \
    '$NT runs --runs "$tmp/k" | grep -q "process gone"'
$NT resume --runs "$tmp/k" --no-progress >"$tmp/k2.log" 2>&1
rc=$?
after=$(metrics "$tmp"/k/*/results.csv | grep '^0,')
check "kill -9 then resume completes the sweep (exit $rc)" \
    '[ $rc -eq 0 ] && grep -q "done earlier" "$tmp/k2.log" && [ $(metrics "$tmp"/k/*/results.csv | grep -c ",done,") -eq 4 ]'
check "the scale finished before the kill is kept as it was" \
    '[ -n "$before" ] && [ "$before" = "$after" ]'

# 2b. The grid in every mode: 2 seeds, fresh noise, impulse corruption,
# interrupted inside the third row (scale 0.2, seed 42) and resumed: the
# same history, matrix and summary as never stopped.
grid=(--corruption impulse --scales 0,0.2 --seeds 2 --noise-mode fresh
    --test-scales 0,0.2,0.4 --epochs 2 --train-limit 2000)
$NT sweep "${common[@]}" "${grid[@]}" --runs "$tmp/g1" >"$tmp/g1.log" 2>&1
NOISETOP_TEST_STOP=3:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop-g" \
    $NT sweep "${common[@]}" "${grid[@]}" --runs "$tmp/g2" >"$tmp/g2.log" 2>&1 &
pid=$!
wait_file "$tmp/stop-g"
kill -INT $pid
rm -f "$tmp/stop-g"
wait $pid
rc=$?
g2=$(ls -d "$tmp"/g2/*)
check "grid: config.txt records seeds, corruption, test scales, noise mode" \
    'grep -qx "seeds = 2" "$g2/config.txt" && grep -qx "corruption = impulse" "$g2/config.txt" &&
    grep -qx "test_scales = 0,0.2,0.4" "$g2/config.txt" && grep -qx "noise_mode = fresh" "$g2/config.txt"'
check "grid: interrupted in its third row (exit $rc)" \
    '[ $rc -eq 130 ] && $NT runs --runs "$tmp/g2" | grep -q "interrupted at scale 0.2 (3 of 4), epoch 1/2"'
$NT resume --runs "$tmp/g2" --no-progress >"$tmp/g3.log" 2>&1
rc=$?
check "grid: resume finishes it (exit $rc)" '[ $rc -eq 0 ] && grep -q "state = finished" "$g2/state.txt"'
check "grid: resumed history == uninterrupted history" \
    'diff <(metrics "$tmp"/g1/*/results.csv) <(metrics "$g2/results.csv") >&2'
check "grid: resumed matrix and summary == uninterrupted ones" \
    'diff "$tmp"/g1/*/matrix.csv "$g2/matrix.csv" >&2 && diff "$tmp"/g1/*/summary.csv "$g2/summary.csv" >&2'

# 3. SIGHUP to a headless job in tmux leaves a resumable run.
tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 \
    "NOISETOP_TEST_STOP=1:2:0 NOISETOP_TEST_STOP_FILE=$tmp/stop-h $NT sweep ${common[*]} --epochs 3 --scales 0 --runs $tmp/h > $tmp/h.log 2>&1; echo exit \$? >> $tmp/h.log"
wait_file "$tmp/stop-h"
pid=$(cat "$tmp/stop-h")
kill -HUP "$pid"
rm -f "$tmp/stop-h"
wait_for "$tmp/h.log" "^exit" 20
check "SIGHUP in tmux: exit 129" 'grep -q "^exit 129" "$tmp/h.log"'
$NT resume --runs "$tmp/h" --no-progress >"$tmp/h2.log" 2>&1
check "SIGHUP in tmux: the run resumes to the end" \
    'grep -q "Epoch 3/3" "$tmp/h2.log"'

# 4. Damaged run files give one-line errors naming the file.
run=$(ls -d "$tmp"/a/*)
cp -r "$run" "$tmp/a/bad1"
printf 'kind = sweep\nepochs = many\n' >"$tmp/a/bad1/config.txt"
out=$($NT resume --runs "$tmp/a" bad1 2>&1)
check "a corrupt config.txt: '$out'" \
    '[[ "$out" == *"bad1/config.txt: line 2: epochs"* ]]'
cp -r "$run" "$tmp/a/bad2"
printf 'state = interrupted\nrow = 0\nnrows = 1\nepoch = 2\nepochs = 4\npid = 1\n' >"$tmp/a/bad2/state.txt"
printf 'XXXX' | dd of="$tmp/a/bad2/ckpt-0.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null
out=$($NT resume --runs "$tmp/a" bad2 2>&1)
check "a corrupt checkpoint: '$out'" \
    '[[ "$out" == *"bad2/ckpt-0.bin: checksum mismatch"* ]]'
cp -r "$run" "$tmp/a/bad3"
truncate -s 100000 "$tmp/a/bad3/ckpt-0.bin"
out=$($NT resume --runs "$tmp/a" bad3 2>&1)
check "a truncated checkpoint: '$out'" \
    '[[ "$out" == *"bad3/ckpt-0.bin: checksum mismatch"* ]]'
check "config.txt and the results record the precision" \
    'grep -q "^precision = fp32$" "$run/config.txt" && grep -q "precision=fp32" "$run/results.csv" && grep -q "\"precision\": \"fp32\"" "$run/results.json"'
cp -r "$run" "$tmp/a/mixed"
sed -i 's/^precision = fp32$/precision = bf16/' "$tmp/a/mixed/config.txt"
out=$($NT resume --runs "$tmp/a" --precision fp32 mixed 2>&1)
rc=$?
check "resume refuses to mix precisions (exit $rc): '$out'" \
    '[ $rc -ne 0 ] && [[ "$out" == *"mixed trained in bf16: resuming it in fp32 would mix precisions"* ]]'
out=$($NT resume --runs "$tmp/a" nosuchrun 2>&1)
check "a missing run: '$out'" '[[ "$out" == *"no run named nosuchrun in $tmp/a"* ]]'
echo "1..$n"
