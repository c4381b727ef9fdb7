#!/bin/bash
# The smaller defects of issue 23, each checked in tmux at 80x24 on the
# synthetic digits (three 2-epoch sweeps, nothing needs MNIST): a dialog
# blanks the column on either side of its frame, so no digit of the pane
# beneath (the screen's last column beside the run browser) reads as part
# of it; marking the run on show overlays nothing (its lines are drawn
# already); deleting run B keeps A's mark and overlay; at 80 columns the
# epoch table keeps its seconds header.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init smaller
mkdir -p "$OUT/home"
ENV="HOME=$OUT/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME="

for s in 1 2 3; do
	env $ENV "$NOISETOP" sweep --runs "$OUT/runs" --train-limit 300 \
	    --test-limit 100 --epochs 2 --scales 0,0.5,1 --seed $s \
	    --no-progress >"$OUT/sweep$s.log" 2>&1 || break
	# run ids are to the second
	until [ "$(ls "$OUT/runs" | wc -l)" -eq "$s" ] && [ "$(date +%Y%m%d-%H%M%S)" != "$(ls "$OUT/runs" | tail -1 | cut -c1-15)" ]; do sleep 0.2; done
done
[ "$(ls "$OUT/runs" | wc -l)" -eq 3 ]
ok $? "three sweeps"
ids=($(ls "$OUT/runs" | sort -r))  # newest first, as the browser lists

# The frame on screen (the lines from the one with ┌ to the one with └):
# the cell left of its left edge and right of its right edge blank (or
# past the screen's edge) on every line.
cat >"$OUT/margin.pl" <<'PERL'
use strict; use warnings;
binmode STDIN, ':encoding(UTF-8)';
my @l = map { s/\n//r } <STDIN>;
my ($top) = grep { index($l[$_], "\x{250C}") >= 0 } 0 .. $#l;
exit 2 unless defined $top;
my $x0 = index($l[$top], "\x{250C}"); my $x1 = index($l[$top], "\x{2510}");
exit 2 if $x1 < 0;
for my $i ($top .. $#l) {
	my $s = $l[$i] . (' ' x 300);
	exit 1 if $x0 > 0 && substr($s, $x0 - 1, 1) ne ' ';
	exit 1 if substr($s, $x1 + 1, 1) ne ' ';
	last if index($l[$i], "\x{2514}") >= 0;
}
exit 0;
PERL

$T new-session -d -s nt -x 80 -y 24 "env $ENV TERM=xterm-256color \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 '$NOISETOP' --runs '$OUT/runs' \
    --train-limit 300 --test-limit 100"
wait_for 20 "run ${ids[0]}" && wait_for 10 ' 0 (train|val) .*[0-9]\.[0-9]{2}$'
ok $? "80x24: the newest run on show, the chart's values against the last column"
$T send-keys -t nt o
wait_for 5 'Runs \(3\)' && wait_for 5 '└─+┘$' && perl "$OUT/margin.pl" <"$OUT/screen"
ok $? "the run browser: the columns beside its frame blank (no digit of the chart in the last column)"
$T send-keys -t nt Escape s
wait_for 5 'New sweep' && wait_for 5 'Enter starts' && perl "$OUT/margin.pl" <"$OUT/screen"
ok $? "the form: the columns beside its frame blank"
$T send-keys -t nt Escape
wait_gone 5 'New sweep'

# Space on the run on show: nothing overlaid twice.
$T send-keys -t nt o
wait_for 5 'Runs \(3\)'
$T send-keys -t nt Space
wait_for 5 'no run overlaid' && grep -q "│ A ${ids[0]}" "$OUT/screen"
ok $? "marking the run on show (${ids[0]}): marked A, no run overlaid"
$T send-keys -t nt Space Escape
wait_gone 5 'Runs \(3\)' && ! grep -q 'A val' "$OUT/screen"
ok $? "... and the chart has no overlay line of it"

# A and B marked, B deleted: A keeps its mark and its overlay.
$T send-keys -t nt o
wait_for 5 'Runs \(3\)'
$T send-keys -t nt j Space
wait_for 5 '1 run overlaid in the chart \(A\)'
$T send-keys -t nt j Space
wait_for 5 '2 runs overlaid in the chart \(A, B\)' && grep -q "│ B ${ids[2]}" "$OUT/screen"
ok $? "A (${ids[1]}) and B (${ids[2]}) marked, both overlaid"
$T send-keys -t nt d
wait_for 5 'Delete\?'
$T send-keys -t nt y
wait_for 10 'Runs \(2\)' &&
    grep -q "│ A ${ids[1]}" "$OUT/screen" && ! grep -q "│ B " "$OUT/screen" &&
    [ ! -e "$OUT/runs/${ids[2]}" ]
ok $? "deleting B: A keeps its mark"
# 80x24 has no line to spare for an overlay (it says "A needs more
# lines"); 100x32 draws it.
$T send-keys -t nt Escape
wait_gone 5 'Runs \(2\)' && wait_for 5 'A needs more lines' && ! grep -q 'A and B' "$OUT/screen"
ok $? "80x24: the chart says A needs more lines (B is gone)"
$T resize-window -t nt -x 100 -y 32
wait_for 5 'A val' && grep -q "A ${ids[1]}" "$OUT/screen" && ! grep -q 'B val' "$OUT/screen"
ok $? "100x32: the chart draws A's lines, none of B"
$T resize-window -t nt -x 80 -y 24
wait_gone 5 'A val'

# The epoch table at 80 columns: the seconds column keeps its header.
$T send-keys -t nt v
wait_for 5 ' ep +acc +loss +val +vloss +s +│' && grep -Eq '^ +2 +[0-9]+\.[0-9]{2} .* [0-9]+\.[0-9] +│' "$OUT/screen"
ok $? "80 columns: the epoch table's header ends with its seconds (s)"
echo "1..$n"
