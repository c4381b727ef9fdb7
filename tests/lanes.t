#!/bin/bash
# The dashboard trains a sweep's rows side by side (--jobs 2), in tmux: two
# rows held at a test point (epoch 1, batch 5) are on screen at once, each
# with its own progress, under the job's line; then the sweep goes on and
# x cancels it, leaving a run that resumes.  The synthetic digits: nothing
# needs MNIST, and nothing waits on the machine's speed.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init lanes
mkdir -p "$OUT/home"

$T new-session -d -s nt -x 100 -y 32 "env HOME='$OUT/home' \
    NOISETOP_DATA= XDG_DATA_HOME= XDG_CONFIG_HOME= \
    NOISETOP_TEST_STOP=1:1:5,2:1:5 NOISETOP_TEST_STOP_FILE='$OUT/stop' \
    TERM=xterm '$NOISETOP' --jobs 2 --train-limit 1000 --test-limit 100 \
    --runs '$OUT/runs'"
wait_for 20 'Samples'
$T send-keys -t nt s
wait_for 5 'New sweep'
$T send-keys -t nt Enter
# Both rows reach their point (the file is written when the last does).
wait_file 60 "$OUT/stop" && wait_for 10 '2 rows at once, 0 of 6 done'
ok $? "--jobs 2: the dashboard trains two rows at once and says so"
grep -Eq '1/6 s0 e1/20' "$OUT/screen" && grep -Eq '2/6 s0\.1 e1/20' "$OUT/screen"
ok $? "each row in training has its own progress (rows 1 and 2, epoch 1)"
rm -f "$OUT/stop"
wait_for 300 '2 rows at once, [1-9] of 6 done'
ok $? "the rows go on, side by side, as others finish"
# q asks first, in a framed dialog; n keeps the job.
$T send-keys -t nt q
wait_for 30 '┌─ Quit\? ' && grep -q 'quit and cancel it? (y/n' "$OUT/screen" &&
    grep -q '└─' "$OUT/screen"
ok $? "q while the rows train asks in a framed dialog"
$T send-keys -t nt n
# (the job goes on: two rows side by side, or its last row alone when
# the others have finished meanwhile on a fast CPU)
wait_gone 30 'quit and cancel it' &&
    wait_for 30 'rows at once|[1-6]/6 s[0-9.]+ e[0-9]' &&
    ! grep -q 'sweep cancelled' "$OUT/screen"
ok $? "n closes it and the job goes on"
$T send-keys -t nt x
wait_for 30 'sweep cancelled; saved in .*: r resumes'
ok $? "x cancels both rows; the run is saved to resume"
grep -q 'state = interrupted' "$OUT"/runs/*/state.txt
ok $? "the run is interrupted on disk"
echo "1..$n"
