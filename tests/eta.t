#!/bin/bash
# Honest estimates (runs/eta.h), against the time a job really takes.  A
# sweep of about a minute (6 scales x 4 epochs on the 60,000/10,000
# synthetic digits, one thread): the estimate before it starts
# (--estimate-only, the form's) within 30% of its duration, and the ETA it
# prints a quarter of the way (held at a test point before row 2's epoch
# 3: 6 of its 24 epochs done) within 25% of the time it then takes.  Then
# the dashboard's form, in tmux, shows the same estimate, and scales it by
# the epochs typed.
#
# Both sides of every comparison are read from the same clock, this
# process's CPU time (NOISETOP_TEST_CLOCK=cpu, base/clock.h), on one thread,
# so that other processes on a shared machine do not move either: the test
# holds the estimator to the work a job does (every epoch, evaluation,
# matrix and record counted), not to the machine's load.  The time a
# checkpoint's fsync waits on the disk is not CPU time, so it is left out
# of both sides alike; on the wall clock (the default) the same code times
# it, and the probe's checkpoint write includes it.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= \
    XDG_CONFIG_HOME= NOISETOP_TEST_CLOCK=cpu OMP_NUM_THREADS=1
unset NOISETOP_TEST_STOP NOISETOP_TEST_STOP_FILE
mkdir -p "$HOME"
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
wait_file() {
	local i
	for ((i = 0; i < 6000; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# Seconds of a duration as render_duration writes it: 9.8s, 54s, 1m02s,
# 1h02m.
secs() {
	awk -v d="$1" 'BEGIN {
		if (match(d, /^[0-9]+h[0-9]+m$/)) { split(d, a, /[hm]/); print a[1] * 3600 + a[2] * 60 }
		else if (match(d, /^[0-9]+m[0-9]+s$/)) { split(d, a, /[ms]/); print a[1] * 60 + a[2] }
		else if (match(d, /^[0-9.]+s$/)) { print substr(d, 1, length(d) - 1) }
		else print -1 }'
}
# The middle of an estimate "A-B" or "A", in seconds.
mid() {
	local lo=${1%%-*} hi=${1##*-}
	awk -v a="$(secs "$lo")" -v b="$(secs "$hi")" \
	    'BEGIN { print (a < 0 || b < 0) ? -1 : (a + b) / 2 }'
}
# within X Y F: |X - Y| <= F Y
within() {
	awk -v x="$1" -v y="$2" -v f="$3" \
	    'BEGIN { d = x - y; if (d < 0) d = -d; exit !(x >= 0 && y > 0 && d <= f * y) }'
}

job=(sweep --scales 0,0.1,0.5,1,2,4 --epochs 4 --threads 1 --no-progress
    --runs "$tmp/runs")
"$NT" "${job[@]}" --estimate-only >"$tmp/est.log" 2>&1
rc=$?
est=$(sed -n 's/^estimate: .* (\([0-9.]*\) s) for 6 rows of 4 epochs on 60000\/10000 images.*/\1/p' "$tmp/est.log")
check "--estimate-only: $(grep '^estimate' "$tmp/est.log") (exit $rc)" \
    '[ $rc -eq 0 ] && [ -n "$est" ]'
check "it trains nothing, and leaves nothing in the runs root" \
    '[ -z "$(ls -A "$tmp/runs")" ]'

NOISETOP_TEST_STOP=2:3:0 NOISETOP_TEST_STOP_FILE=$tmp/stop \
    "$NT" "${job[@]}" >"$tmp/run.log" 2>&1 &
pid=$!
wait_file "$tmp/stop"
# The sixth epoch line (row 2's second) is the last before the stop.
q=$(grep -c '^Epoch' "$tmp/run.log")
line=$(grep '^Epoch' "$tmp/run.log" | tail -1)
at=$(sed -n 's/.* - job \([^,]*\), ETA \(.*\)$/\1/p' <<<"$line")
eta=$(sed -n 's/.* - job \([^,]*\), ETA \(.*\)$/\2/p' <<<"$line")
rm -f "$tmp/stop"
wait $pid
rc=$?
took=$(sed -n 's/^sweep done in \(.*\)$/\1/p' "$tmp/run.log")
T=$(secs "$took")
A=$(secs "$at")
left=$(awk -v t="$T" -v a="$A" 'BEGIN { print t - a }')
E=$(mid "$eta")
echo "# estimate $est s before; took $T s; at a quarter ($A s in): ETA $eta ($E s), $left s left"
check "the sweep ran to the end (exit $rc), held after $q epochs of 24" \
    '[ $rc -eq 0 ] && [ "$q" = 6 ] && [ -n "$took" ]'
check "the estimate before it started, $est s, is within 30% of its $T s" \
    'within "$est" "$T" 0.30'
check "the ETA a quarter of the way, $eta, is within 25% of the $left s left" \
    'within "$E" "$left" 0.25'
first=$(grep -m1 '^Epoch' "$tmp/run.log" | sed -n 's/.*, ETA \(.*\)$/\1/p')
last=$(grep '^Epoch' "$tmp/run.log" | sed -n '20p' | sed -n 's/.*, ETA \(.*\)$/\1/p')
check "a range after one epoch ($first), one value once many are measured ($last)" \
    '[[ $first == *-* ]] && [[ $last != *-* ]] && [ -n "$last" ]'

# The form shows the same estimate: the dashboard's default sweep (6
# scales x 20 epochs, all 60,000/10,000 images, one thread), against
# --estimate-only of the same job; then 2 epochs typed scale it down.
. tests/tui.sh
ok_base=$n
tui_init eta
n=$ok_base
trap '$T kill-server >/dev/null 2>&1; rm -rf "$OUT" "$tmp"' EXIT
"$NT" sweep --threads 1 --runs "$tmp/runs2" --estimate-only >"$tmp/est2.log" 2>&1
est2=$(sed -n 's/^estimate: .* (\([0-9.]*\) s) for 6 rows of 20 epochs.*/\1/p' "$tmp/est2.log")
$T new-session -d -s nt -x 100 -y 32 "env HOME='$HOME' NOISETOP_DATA= \
    XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME= NOISETOP_TEST_CLOCK=cpu \
    OMP_NUM_THREADS=1 TERM=xterm '$NT' --threads 1 --runs '$tmp/runs2'"
wait_for 60 'Samples'
$T send-keys -t nt s
wait_for 60 'est\. [0-9][^ ]* here'
r=$?
form=$(sed -n 's/.*est\. \([^ ]*\) here.*/\1/p' "$OUT/screen" | head -1)
F=$(mid "$form")
echo "# the form: est. $form ($F s); --estimate-only: $est2 s"
[ $r -eq 0 ] && within "$F" "$est2" 0.30
ok $? "the form's estimate ($form) is --estimate-only's ($est2 s) within 30%"
$T send-keys -t nt Down C-u 2
# The same frame draws the field and the estimate.
wait_for 10 'epochs +2_'
form2=$(sed -n 's/.*est\. \([^ ]*\) here.*/\1/p' "$OUT/screen" | head -1)
F2=$(mid "$form2")
awk -v a="$F" -v b="$F2" 'BEGIN { exit !(b > 0 && a / b > 5 && a / b < 11) }'
ok $? "2 epochs instead of 20: $form2, between a fifth and an eleventh (the rows' fixed parts)"
$T send-keys -t nt Escape q
echo "1..$n"
