#!/bin/bash
# One truth on screen (tmux): for the selected row of a sweep on limited
# data (300 train / 200 test images), the sample pane's test accuracy, the
# chart's val bar, the epoch table's last val and the confusion matrix's
# "all" are one number, computed on the run's own 200 test images (the
# pane says "of 200") though the dashboard has 1000 loaded; the model line names the row's seed at 80x24 and
# 100x32; a click on a chart row changes the model line in the same frame
# as the chart's marker.  The synthetic digits, so no MNIST is needed.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init truth
TUI_STRIP=1
mkdir -p "$OUT/home"
ENV="HOME=$OUT/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME="

# The sweep, headless; then the dashboard shows it.
env $ENV "$NOISETOP" sweep --runs "$OUT/runs" --train-limit 300 \
    --test-limit 200 --epochs 2 --scales 0,0.5,1 --seed 43 \
    --no-progress >"$OUT/sweep.log" 2>&1
ok $? "a 3-row sweep on 300/200 images"
for size in 100x32 80x24; do
	tui_fresh
	$T new-session -d -s nt -x "${size%x*}" -y "${size#*x}" "env $ENV \
	    TERM=xterm '$NOISETOP' --runs '$OUT/runs' --train-limit 300 \
	    --test-limit 1000 --seed 43"
	wait_for 20 'showing run' || true
	# Select scale 0.5 (the row the preview's 0.5 follows), then k, j.
	$T send-keys -t nt k j
	wait_for 10 'model .*@ 0\.5 s43$'
	ok $? "$size: the model line names the row's seed (@ 0.5 s43)"
	wait_for 10 'test acc [0-9.]+%'
	grep -Eq '(%| ) of 200' "$OUT/screen"
	of=$?
	pane=$(sed -n 's/.*test acc \([0-9.]*\)%.*/\1/p' "$OUT/screen" | head -1)
	bar=$(sed -n 's/.*0\.5 \(train\|val\) .* \([0-9.]*\)$/\1 \2/p' "$OUT/screen" |
	    awk '$1 == "val" { print $2 }' | head -1)
	if [ -z "$bar" ]; then  # at 80x24 the val bar follows the train one
		bar=$(awk '/>0\.5 train/ { getline; print $NF }' "$OUT/screen")
	fi
	[ "$of" -eq 0 ] && [ -n "$pane" ] && [ "$pane" = "$bar" ]
	ok $? "$size: sample pane ($pane, of the run's 200) = the chart's val bar ($bar)"
	$T send-keys -t nt v
	wait_for 5 'ep +acc +loss +val'
	last=$(awk '/ep +acc +loss +val/ { h = 1; next } h && $1 ~ /^[0-9]+$/ { v = $4 } END { print v }' "$OUT/screen")
	[ "$last" = "$pane" ]
	ok $? "$size: the epoch table's last val ($last) is the same number"
	$T send-keys -t nt v
	wait_for 5 ' all +[0-9.]+'
	# The training pane is left of the chart's divider.
	sed 's/│.*//' "$OUT/screen" >"$OUT/left"
	all=$(awk '$1 == "all" { print $2 }' "$OUT/left" | head -1)
	sum=$(awk '/t.p +0 +1/ { h = 1; next } h && $1 ~ /^[0-9]$/ { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s }' "$OUT/left")
	awk -v a="$all" -v p="$pane" 'BEGIN { d = a - p; exit !(d < 0.051 && d > -0.051) }' &&
	    [ "$sum" = 200 ]
	ok $? "$size: the confusion matrix's all ($all) agrees, over $sum images"
	$T send-keys -t nt v v
done

# A click on scale 0's chart row: every frame that marks it also names its
# model (at 100x32).
tui_fresh
$T new-session -d -s nt -x 100 -y 32 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/runs' --train-limit 300 --test-limit 200 --seed 43"
wait_for 20 'model .*@ 0\.5 s43$'
y=$(grep -n '[ >*x]  0 train' "$OUT/screen" | head -1 | cut -d: -f1)
$T send-keys -t nt -l "$(printf '\033[<0;70;%dM\033[<0;70;%dm' "$y" "$y")"
# Until the row is marked (10 s at most), then 20 frames more.
bad=0 seen=0 after=0 end=$(($(date +%s) + 10))
while [ "$after" -lt 20 ] && { [ "$seen" -eq 1 ] || [ "$(date +%s)" -lt "$end" ]; }; do
	cap > "$OUT/screen"
	if grep -q '>  0 train' "$OUT/screen"; then
		seen=1
		grep -Eq 'model .*@ 0 s43$' "$OUT/screen" || bad=1
	fi
	[ "$seen" -eq 1 ] && after=$((after + 1))
	sleep 0.02
done
[ "$seen" -eq 1 ] && [ "$bad" -eq 0 ]
ok $? "a click on scale 0 (line $y): the model line follows in the frame that marks the row"

# e writes the view on screen: in the confusion view the kept model's
# counts on its 200 images; in the matrix view the train x test matrix.
run=$(ls -d "$OUT"/runs/*-sweep | head -1)
$T send-keys -t nt v v
wait_for 5 ' all +[0-9.]+'
all=$(sed 's/│.*//' "$OUT/screen" | awk '$1 == "all" { print $2 }' | head -1)
$T send-keys -t nt e
wait_for 10 'exported .*-confusion\.csv'
f=$(ls "$run"/export-*-confusion.csv 2>/dev/null | head -1)
[ -n "$f" ] && [ -s "${f%.csv}.json" ] &&
    awk -F, -v a="$all" '$1 == "all" { d = $3 * 100 - a; ok = $2 == 200 && d < 0.051 && d > -0.051 } END { exit !ok }' "$f" &&
    awk -F, '$1 ~ /^[0-9]$/ { for (i = 2; i <= 11; i++) s += $i } END { exit s != 200 }' "$f"
ok $? "e in the confusion view writes its counts (200 images, all $all%) as CSV and JSON"
$T send-keys -t nt v
wait_for 5 'train x test'
$T send-keys -t nt e
wait_for 10 'exported .*-matrix\.csv'
f=$(ls "$run"/export-*-matrix.csv 2>/dev/null | head -1)
[ -n "$f" ] && [ "$(grep -c '^gaussian,' "$f")" -eq 9 ] &&
    grep -q '"view": "matrix"' "${f%.csv}.json"
ok $? "e in the matrix view writes the train x test matrix (3 rows x 3 test scales)"

# The reliability diagram (v to the calibration view): its bins hold the
# run's 200 images, and its accuracy is the sample pane's.
tui_fresh
$T new-session -d -s nt -x 100 -y 32 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/runs' --train-limit 300 --test-limit 1000 --seed 43"
wait_for 20 'model .*@ 0\.5 s43$' && wait_for 10 'test acc [0-9.]+%'
pane=$(sed -n 's/.*test acc \([0-9.]*\)%.*/\1/p' "$OUT/screen" | head -1)
$T send-keys -t nt v v v v
wait_for 5 'calibration @0\.5 s43' && wait_for 10 'at test scale 0\.5 '
sed 's/│.*//' "$OUT/screen" >"$OUT/left"
acc=$(sed -n 's/.*ECE 0\.[0-9]* *conf [0-9.]*% *acc \([0-9.]*\)% *of 200.*/\1/p' "$OUT/left")
sum=$(awk '/^ *confidence +n/ { h = 1; next } h && $1 ~ /^[0-9.]+-[0-9.]+$/ { s += $2 } END { print s }' "$OUT/left")
awk -v a="$acc" -v p="$pane" 'BEGIN { d = a - p; exit !(a != "" && d < 0.051 && d > -0.051) }' &&
    [ "$sum" = 200 ]
ok $? "the calibration view: its bins hold the 200 images ($sum), its accuracy ($acc) is the pane's ($pane)"
$T send-keys -t nt Up
wait_for 10 'at test scale 0\.75 \(Up/Down'
sum=$(sed 's/│.*//' "$OUT/screen" | awk '/^ *confidence +n/ { h = 1; next } h && $1 ~ /^[0-9.]+-[0-9.]+$/ { s += $2 } END { print s }')
[ "$sum" = 200 ]
ok $? "Up: the diagram at test scale 0.75, on the same 200 images ($sum)"
$T send-keys -t nt Down
$T send-keys -t nt v
wait_for 10 'clean @ 0 s43: 16 units'
grep -q 'model @ 0\.5 s43: 16 units with the largest' "$OUT/screen" &&
    grep -Eq 'W1 on one scale: black -[0-9.]+, grey 0' "$OUT/screen" &&
    [ "$(grep -Eo '#[0-9]+' "$OUT/screen" | wc -l)" -ge 8 ]
ok $? "the weights view: the selected model's receptive fields beside the clean row's, on one scale"

# Attack columns under the matrix (--attack): each training scale's
# accuracy under FGSM, as probes.csv has it.
env $ENV "$NOISETOP" sweep --runs "$OUT/att" --train-limit 300 \
    --test-limit 200 --epochs 1 --scales 0,0.5,1 --seed 43 \
    --attack fgsm:0.1 --no-progress >"$OUT/att.log" 2>&1
tui_fresh
$T new-session -d -s nt -x 100 -y 32 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/att' --train-limit 300 --test-limit 1000 --seed 43"
wait_for 20 'showing run'
$T send-keys -t nt v v v
wait_for 5 'train.att +fgsm:0\.1'
sed 's/│.*//' "$OUT/screen" | awk '/train.att/ { h = 1; next } h && NF == 2 { print $1, $2 }' >"$OUT/att.screen"
awk -F, '$1 == "gaussian" { printf "%g %.1f\n", $2, $NF * 100 }' "$OUT"/att/*/probes.csv >"$OUT/att.csv"
[ -s "$OUT/att.csv" ] && cmp -s "$OUT/att.screen" "$OUT/att.csv"
ok $? "the matrix view's attack columns: each training scale's FGSM accuracy, as probes.csv says"

# 200x60: the free right of the samples and the ladder holds the train x
# test heat map and the row table (layout.t sorts one).
tui_fresh
$T new-session -d -s nt -x 200 -y 60 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/runs' --train-limit 300 --test-limit 1000 --seed 43"
wait_for 20 'Rows: 3, by row'
sed 's/.*│//' "$OUT/screen" >"$OUT/right"
grep -q 'Train x test: val accuracy' "$OUT/screen" &&
    grep -Eq '^ *train.test +0 +0\.5 +1' "$OUT/right" &&
    [ "$(grep -Ec '^ *[>*x]? +(0|0\.5|1) +43 gaussian' "$OUT/right")" -eq 3 ]
ok $? "200x60: the heat map and the row table (3 rows) fill the right"
echo "1..$n"
