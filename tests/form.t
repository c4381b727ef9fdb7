#!/bin/bash
# The job form and the status line as a person uses them, in tmux at
# 80x24: the scales of a sweep survive
# a restart of the dashboard (form.conf) and a train form in between; an
# error shown stays only while the field is wrong; Left/Right cycle the
# fields with a fixed set of values and name the choices.  Runs on the
# synthetic digits (an empty HOME, no data anywhere): nothing here needs
# MNIST, and no job is trained.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init form
mkdir -p "$OUT/home"
start() {
	tui_fresh
	rm -f "$OUT/stop"
	$T new-session -d -s nt -x 80 -y 24 "env HOME='$OUT/home' \
	    NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME= \
	    NOISETOP_TEST_STOP=1:1:1 NOISETOP_TEST_STOP_FILE='$OUT/stop' \
	    TERM=xterm '$NOISETOP' --runs '$OUT/runs' --train-limit 300 \
	    --test-limit 100"
	wait_for 20 'Samples'
}
conf=$OUT/home/.config/noisetop/form.conf

# A sweep's scales typed in the form, remembered when it starts; the job
# holds at a test point (each dashboard's first job, epoch 1, batch 1)
# until x cancels it, whatever the CPU's speed.
start
$T send-keys -t nt s
wait_for 5 'New sweep'
$T send-keys -t nt C-u 0 , 0 . 5 , 2 Down C-u 1 Enter
wait_file 30 "$OUT/stop" && wait_for 10 'training sweep 1/3'
ok $? "the form starts a sweep of the scales typed (0,0.5,2)"
$T send-keys -t nt x
wait_for 20 'cancelled' && [ -s "$conf" ]
grep -q '^sweep_scales = 0,0.5,2$' "$conf"
ok $? "form.conf remembers the sweep's scales"
# At 80 columns the status line keeps the run id and the sentence's end:
# the path gives way in the middle.
id=$(ls "$OUT/runs" | head -1)
grep -Eq "saved in …/runs/$id: r resumes\$|saved in …/$id: r resumes\$" "$OUT/screen"
ok $? "the 80-column status line names run $id whole and ends the sentence"

# A train form in between keeps them (its own scale is the preview's): a
# new dashboard, whose first job holds at the point too.
$T send-keys -t nt q
wait_for 5 'quit' && $T send-keys -t nt y
start
$T send-keys -t nt t
wait_for 5 'New train'
$T send-keys -t nt Enter
wait_file 30 "$OUT/stop" && wait_for 10 'train at scale'
$T send-keys -t nt x
wait_for 20 'cancelled'
grep -q '^sweep_scales = 0,0.5,2$' "$conf"
ok $? "a train form started in between keeps the sweep's scales"

# A restart: the next s shows them.
$T send-keys -t nt q
wait_for 5 'quit' && $T send-keys -t nt y
start
$T send-keys -t nt s
wait_for 5 'New sweep' && grep -Eq 'scales +0,0\.5,2_' "$OUT/screen"
ok $? "after a restart the sweep form shows the remembered scales"

# An error shown goes once the field is fixed.
$T send-keys -t nt Down C-u 0 Enter
wait_for 5 "epochs '0': not a number from 1"
ok $? "a bad field (epochs 0) is refused with its error"
$T send-keys -t nt C-u 2
wait_gone 5 "epochs '0': not a number"
ok $? "the error goes once the field is valid"

# Left/Right cycle a field of fixed values, and the choices are named.
for _ in 1 2 3 4 5 6 7; do $T send-keys -t nt Down; done
wait_for 5 'Left/Right: fixed fresh'
ok $? "on the noise mode field the choices are listed"
$T send-keys -t nt Right
wait_for 5 'noise mode +fresh_'
ok $? "Right cycles fixed to fresh"
$T send-keys -t nt Down Left
wait_for 5 'corruption +blur_' && grep -q 'Left/Right: gaussian shot impulse speckle blur' "$OUT/screen"
ok $? "Left cycles gaussian back to blur, the families listed"
$T send-keys -t nt Escape
echo "1..$n"
