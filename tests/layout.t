#!/bin/bash
# The layout at 80x24 (tmux): a 14-scale sweep keeps its chart, a window
# of its rows that scrolls with the selection and says which rows it
# shows ("rows 3-7 of 14"), instead of giving the chart up.  The
# synthetic digits, one epoch on 300/100 images: nothing needs MNIST.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init layout
mkdir -p "$OUT/home"
ENV="HOME=$OUT/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME="

scales=0,0.1,0.2,0.3,0.5,0.75,1,1.5,2,3,4,5,6,8
env $ENV "$NOISETOP" sweep --runs "$OUT/runs" --train-limit 300 \
    --test-limit 100 --epochs 1 --scales $scales --no-progress \
    >"$OUT/sweep.log" 2>&1
ok $? "a 14-scale sweep"
$T new-session -d -s nt -x 80 -y 24 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/runs' --train-limit 300 --test-limit 100"
wait_for 20 'showing run'
wait_for 10 'rows [0-9]+-[0-9]+ of 14' && grep -Eq '^ *> *0\.5 val .*[0-9]\.[0-9]{2}' \
    <(sed 's/.*│//' "$OUT/screen") && ! grep -q 'need' "$OUT/screen"
ok $? "80x24: the chart shows a window of its 14 rows with the selected one (0.5), and says so"
$T send-keys -t nt j j j j j j j j j j j j
wait_for 10 'rows [0-9]+-14 of 14' && grep -Eq '^ *> *8 val' <(sed 's/.*│//' "$OUT/screen")
ok $? "80x24: j to the last scale scrolls the window with it (rows ...-14 of 14)"
$T send-keys -t nt k k k k k k k k k k k k k
wait_for 10 'rows 1-[0-9]+ of 14' && grep -Eq '^ *> *0 val' <(sed 's/.*│//' "$OUT/screen")
ok $? "80x24: k back to the first scale scrolls back (rows 1-... of 14)"

# The function-key bar, htop's, from the key table: the keys that act now
# in order, and they act.
# (once the status line's last message has gone: 8 s at most)
wait_for 30 '^F1Help F2Setup F3Goto F4View F5Runs F6Sort F10Quit'
ok $? "the bottom line is the function-key bar (F1Help F2Setup ... F6Sort F10Quit)"
$T send-keys -t nt F5
wait_for 30 'Runs \(1\)'
ok $? "F5 opens the run browser"
$T send-keys -t nt Escape F2
wait_for 30 'New sweep'
ok $? "F2 opens the sweep's form (setup)"

# 200x60: the row table right of the samples; F6 sorts it.  By val acc
# the column is non-increasing, and (one epoch on 300 images: noisy) no
# longer in the order of the scales.
tui_fresh
$T new-session -d -s nt -x 200 -y 60 "env $ENV TERM=xterm '$NOISETOP' \
    --runs '$OUT/runs' --train-limit 300 --test-limit 100"
wait_for 20 'Rows: 14, by row'
ok $? "200x60: the row table lists the 14 rows"
$T send-keys -t nt F6 F6 F6 F6
# sorted_ok: the rows on screen by val accuracy, best first, and no longer
# in the order of the scales; checked again until the frame is whole (a
# capture can fall between the title and the rows of one redraw)
sorted_ok() {
	sed 's/.*│//' "$OUT/screen" | awk '/^ *[>*x]? +[0-9.]+ +42 gaussian/ {
		for (i = 1; i <= NF; i++) if ($i == "gaussian") break
		v = $(i + 2); s = ($1 ~ /^[>*x]$/) ? $2 : $1
		if (n++ && v > last) bad = 1
		if (n > 1 && s + 0 < ls + 0) moved = 1
		last = v; ls = s
	} END { exit !(n == 14 && !bad && moved) }'
}
end=$(($(date +%s) + 30))
until wait_for 30 'Rows: 14, by val acc' && sorted_ok; do
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.2
done
wait_for 1 'Rows: 14, by val acc' && sorted_ok
ok $? "F6 to 'val acc': the rows by val accuracy, best first"
echo "1..$n"
