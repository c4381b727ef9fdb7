#!/bin/bash
# Rows side by side (--jobs N): a sweep trained two rows at a time gives
# the bits of one at a time: results.csv (every column but the seconds),
# summary.csv, matrix.csv, results.json (but the seconds) and every
# ckpt-R.bin (but the seconds fields, and the CRC that covers them); a
# --jobs 2 sweep killed with kill -9 while both of its rows are held at a
# test point (epoch 2, batch 3 of each) resumes each row from its own
# checkpoint to the same result, with --jobs 2 or 1; Ctrl-C stops both
# rows; a --jobs that does not fit in memory is refused before any run
# directory is made.  On the synthetic digits: needs no MNIST.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
unset NOISETOP_TEST_STOP NOISETOP_TEST_STOP_FILE
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
metrics() { grep -v '^#' "$1" | cut -d, -f1-3,5-; }
noseconds() { sed 's/"seconds": [0-9.]*, //' "$1"; }
# A checkpoint without its history's seconds (f64 at offset 4 of each
# 44-byte entry after the header) and its CRC: what must be the same bits.
ckbits() {
	perl -e 'local $/; my $b = <STDIN>;
	    my $nl = unpack("V", substr($b, 12, 4));
	    my $h = 16 + 4 * ($nl + 1) + 8 + 4 + 4 + 8;
	    my $nh = unpack("V", substr($b, $h, 4));
	    for my $e (0 .. $nh - 1) {
		substr($b, $h + 4 + 44 * $e + 4, 8) = "\0" x 8 }
	    print substr($b, 0, length($b) - 4)' <"$1"
}
# Every file of run $2 the same bits as run $1's (but the seconds).
same_run() {
	local a=$1 b=$2 f
	diff <(metrics "$a/results.csv") <(metrics "$b/results.csv") >&2 || return 1
	diff <(noseconds "$a/results.json") <(noseconds "$b/results.json") >&2 || return 1
	cmp "$a/summary.csv" "$b/summary.csv" >&2 || return 1
	cmp "$a/matrix.csv" "$b/matrix.csv" >&2 || return 1
	for f in "$a"/ckpt-*.bin; do
		cmp <(ckbits "$f") <(ckbits "$b/${f##*/}") >&2 || return 1
	done
	if [ -e "$a/probes.csv" ]; then
		cmp "$a/probes.csv" "$b/probes.csv" >&2 || return 1
	fi
	[ "$(ls "$a" | grep -c ckpt)" = "$(ls "$b" | grep -c ckpt)" ]
}

grid=(--train-limit 1500 --test-limit 300 --hidden 64 --epochs 3
    --scales 0,0.5 --seeds 2 --test-scales 0,1 --no-progress --threads 2)
$NT sweep "${grid[@]}" --jobs 1 --runs "$tmp/one" >"$tmp/one.log" 2>&1
r1=$?
$NT sweep "${grid[@]}" --jobs 2 --runs "$tmp/two" >"$tmp/two.log" 2>&1
r2=$?
A=$(ls -d "$tmp"/one/*)
B=$(ls -d "$tmp"/two/*)
check "a 4-row sweep with --jobs 1 and --jobs 2 (exit $r1, $r2)" \
    '[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && grep -q "2 rows at once, 1 thread each" "$tmp/two.log"'
check "--jobs 2 gives --jobs 1's results, matrix, summary and checkpoints" \
    'same_run "$A" "$B"'
check "the checkpoint comparison sees a changed weight" \
    'cp "$B/ckpt-3.bin" "$tmp/x.bin" &&
    printf "\x01" | dd of="$tmp/x.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null &&
    ! cmp -s <(ckbits "$A/ckpt-3.bin") <(ckbits "$tmp/x.bin")'
$NT sweep "${grid[@]}" --jobs 3 --threads-per-job 1 --runs "$tmp/three" \
    >"$tmp/three.log" 2>&1
C=$(ls -d "$tmp"/three/*)
check "--jobs 3 --threads-per-job 1: the same bits" \
    'grep -q "3 rows at once, 1 thread each" "$tmp/three.log" && same_run "$A" "$C"'

# Three rows at once on 2 threads (one lane gets 1 thread, the others
# share), and the last row of an odd grid trained alone: it takes the
# threads of the lanes that ran out of rows (the same bits on any team).
$NT sweep "${grid[@]}" --scales 0,0.5,1 --seeds 1 --jobs 3 --runs "$tmp/odd3" \
    >"$tmp/odd3.log" 2>&1
$NT sweep "${grid[@]}" --scales 0,0.5,1 --seeds 1 --jobs 1 --runs "$tmp/odd1" \
    >"$tmp/odd1.log" 2>&1
$NT sweep "${grid[@]}" --scales 0,0.5,1 --seeds 1 --jobs 2 --runs "$tmp/odd2" \
    >"$tmp/odd2.log" 2>&1
check "3 rows: --jobs 3 on 2 threads and --jobs 2 (its last row alone) give --jobs 1's bits" \
    'same_run "$(ls -d "$tmp"/odd1/*)" "$(ls -d "$tmp"/odd3/*)" &&
    same_run "$(ls -d "$tmp"/odd1/*)" "$(ls -d "$tmp"/odd2/*)"'

# Fresh noise every epoch, and another corruption: drawn in each lane.
fresh=(--noise-mode fresh --corruption gaussian,impulse --scales 0.5 --seeds 1)
$NT sweep "${grid[@]}" "${fresh[@]}" --jobs 1 --runs "$tmp/f1" >"$tmp/f1.log" 2>&1
$NT sweep "${grid[@]}" "${fresh[@]}" --jobs 2 --runs "$tmp/f2" >"$tmp/f2.log" 2>&1
check "fresh draws, gaussian and impulse rows: --jobs 2 gives --jobs 1's bits" \
    'same_run "$(ls -d "$tmp"/f1/*)" "$(ls -d "$tmp"/f2/*)" &&
    grep -q "2 rows at once" "$tmp/f2.log"'

# Probes and an attack, and two weight decays: each lane probes its own
# rows, the same bits.
probed=(--scales 0,1 --seeds 1 --weight-decay 0,0.001 --probes --attack fgsm:0.1)
$NT sweep "${grid[@]}" "${probed[@]}" --jobs 1 --runs "$tmp/p1" >"$tmp/p1.log" 2>&1
$NT sweep "${grid[@]}" "${probed[@]}" --jobs 2 --runs "$tmp/p2" >"$tmp/p2.log" 2>&1
P1=$(ls -d "$tmp"/p1/*)
check "probes, an attack and two decays: --jobs 2 gives --jobs 1's bits, probes.csv too" \
    '[ -s "$P1/probes.csv" ] && same_run "$P1" "$(ls -d "$tmp"/p2/*)"'

# kill -9 with both rows held at epoch 2, batch 3: each has its epoch-1
# checkpoint; resume continues each from it.
NOISETOP_TEST_STOP=1:2:3,2:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    $NT sweep "${grid[@]}" --jobs 2 --runs "$tmp/k" >"$tmp/k.log" 2>&1 &
pk=$!
wait_file "$tmp/stop"
kill -9 $pk
wait $pk 2>/dev/null
K=$(ls -d "$tmp"/k/*)
check "killed with two rows part-trained (ckpt-0 and ckpt-1, no row file)" \
    '[ -s "$K/ckpt-0.bin" ] && [ -s "$K/ckpt-1.bin" ] && [ ! -e "$K/row-0.txt" ] &&
    [ ! -e "$K/row-1.txt" ] && [ ! -e "$K/ckpt-2.bin" ]'
cp -r "$K" "$tmp/k1"
$NT resume "$K" --jobs 2 --threads 2 --no-progress >"$tmp/kr.log" 2>&1
rc=$?
check "resume --jobs 2 continues both rows after epoch 1 (exit $rc)" \
    '[ $rc -eq 0 ] && [ "$(grep -c "resuming scale 0 after epoch 1" "$tmp/kr.log")" = 2 ] &&
    [ "$(grep -c "^row [12] of 4: Epoch 1/" "$tmp/kr.log")" = 0 ]'
check "and ends with the uninterrupted run's bits" 'same_run "$A" "$K"'
$NT resume "$tmp/k1" --jobs 1 --no-progress >"$tmp/kr1.log" 2>&1
rc=$?
check "resume --jobs 1 of the same state: the same bits (exit $rc)" \
    '[ $rc -eq 0 ] && [ "$(grep -c "resuming scale 0 after epoch 1" "$tmp/kr1.log")" = 2 ] &&
    same_run "$A" "$tmp/k1"'

# Ctrl-C while both rows are held: both stop, the run is interrupted,
# and resume finishes it with the same bits.
rm -f "$tmp/stop"
NOISETOP_TEST_STOP=1:2:3,2:2:3 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    $NT sweep "${grid[@]}" --jobs 2 --runs "$tmp/c" >"$tmp/c.log" 2>&1 &
pc=$!
wait_file "$tmp/stop"
kill -INT $pc
rm -f "$tmp/stop"
wait $pc
rc=$?
I=$(ls -d "$tmp"/c/*)
check "SIGINT stops both rows: interrupted, resumable (exit $rc)" \
    '[ $rc -eq 130 ] && grep -q "state = interrupted" "$I/state.txt" &&
    grep -q "continue with .noisetop resume" "$tmp/c.log"'
$NT resume "$I" --jobs 2 --no-progress >"$tmp/cr.log" 2>&1
check "its resume ends with the same bits" 'same_run "$A" "$I"'

# Memory: a --jobs that cannot fit is refused before the run is made
# (64 rows of a 784-8192-8192-10 model: about 2.2 GB each).
out=$($NT sweep "${grid[@]}" --hidden 8192,8192 --seeds 32 --jobs 64 \
    --runs "$tmp/m" 2>&1)
rc=$?
check "--jobs 64 of a big model is refused in one line, no run made" \
    '[ $rc -ne 0 ] && [[ "$out" == *"--jobs 64 needs about"*"GB is available: use --jobs"* ]] &&
    { [ ! -e "$tmp/m" ] || [ -z "$(ls "$tmp/m")" ]; }'
echo "$out" | tail -1 | sed "s/^/# /"
echo "1..$n"
