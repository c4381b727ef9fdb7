#!/bin/bash
# Every row at once, and a large screen used (issue 23, items 8 and 2):
# the "all rows" view draws each row's val curve in its scale's glyph over
# the mean +- sd band of its seeds, the selected row marked; at 200x60 it
# is a pane of its own beside the heat map and the row table, and the
# panes use at least 60% of the cells (55% at 100x32, 80x24 as before)
# without one crossing another.  The synthetic digits, a 3-seed sweep of
# the 6 default scales (10 epochs, 16 hidden units): nothing needs MNIST.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init curves
mkdir -p "$OUT/home"
ENV="HOME=$OUT/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME="
LIM="--train-limit 300 --test-limit 100"

env $ENV "$NOISETOP" sweep --runs "$OUT/runs" $LIM --epochs 10 --seeds 3 \
    --hidden 16 --no-progress >"$OUT/sweep.log" 2>&1
ok $? "a 3-seed sweep of 6 scales (18 rows)"

# used PERCENT: are at least PERCENT of the screen's cells not blank?
used() {
	_n=$(tr -d ' \n' <"$OUT/screen" | LC_ALL=C.UTF-8 wc -m)
	_all=$(($($T display -p -t nt '#{pane_width}') * \
	    $($T display -p -t nt '#{pane_height}')))
	echo "# $_n of $_all cells used"
	[ $((_n * 100)) -ge $(($1 * _all)) ]
}

# ASCII at 100x32: the view's glyphs, one a scale, are the legend's.
$T new-session -d -s nt -x 100 -y 32 "env $ENV LANG=C LC_ALL=C TERM=vt100 \
    '$NOISETOP' --runs '$OUT/runs' $LIM"
wait_for 20 'showing run'
$T send-keys -t nt v v v v v v
wait_for 10 'Val acc % of 18 rows'
ok $? "v (the last view): the all-rows view counts the sweep's 18 rows"
grep -qF '* 0  o 0.1  x 0.5  + 1  % 2  & 4  . mean+-sd' "$OUT/screen" &&
    grep -qF '@ selected 0.5 s42' "$OUT/screen"
ok $? "its legend names each scale's glyph, the band and the selected row"
# the plot's own cells: the left pane, right of the y axis, down to the x
# axis
plot=$(cut -c1-49 "$OUT/screen" | sed -n '/Val acc % of/,/++--/p' |
    sed '1d;$d;s/^[^|+]*[|+]//')
# (curves at one height hide one another: the last scale's glyph shows,
# and at least five of the six)
miss=""
seen=0
for g in '*' o x + % '&'; do
	printf '%s' "$plot" | grep -qF -- "$g" && seen=$((seen + 1))
done
for g in '*' '&' . @; do
	printf '%s' "$plot" | grep -qF -- "$g" || miss="$miss $g"
done
[ -z "$miss" ] && [ "$seen" -ge 5 ]
ok $? "the scales' glyphs ($seen of 6, the last drawn among them), the band's '.' and the selected '@' are in the plot${miss:+ (missing:$miss)}"
$T send-keys -t nt j
wait_for 10 '@ selected 0.5 s43'
ok $? "j: the mark moves to the next row (seed 43)"

# 200x60: the all-rows pane of its own, the panes' frames intact.
tui_fresh
$T new-session -d -s nt -x 200 -y 60 "env $ENV LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 TERM=xterm-256color '$NOISETOP' --runs '$OUT/runs' $LIM"
wait_for 20 'showing run' && wait_for 20 '^F1Help'
grep -q '─ Val acc % of 18 rows (gaussian), by scale, mean ± sd over seeds' \
    "$OUT/screen" && grep -q '░░ mean±sd  ⠒⠒ selected 0.5 s42' "$OUT/screen"
ok $? "200x60: every row's curves in a pane of their own, with their legend"
used 60
ok $? "200x60: at least 60% of the cells used"
# the dividers: right of the samples and the ladder (column 120) down to
# the lower band; in the lower band, left of every row's curves (50) and
# of the accuracy against noise (151)
perl -CSD -Mutf8 -ne '
	$bad = 1 if $. >= 3 && $. <= 34 && substr($_, 119, 1) ne "│";
	$low = $. if /─ Val acc % of 18 rows/;
	$bad = 1 if $low && $. > $low && $. < 60 &&
	    (substr($_, 49, 1) ne "│" || substr($_, 150, 1) ne "│");
	END { $? = $bad || !$low ? 1 : 0 }' "$OUT/screen"
ok $? "200x60: no pane crosses another (every divider whole)"
grep -Ec '^ +[0-9.]+ +4[234] gaussian +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+s +10  [▁▂▃▄▅▆▇█]{10}$' \
    <(sed 's/.*│//' "$OUT/screen" | sed 's/^ *> /   /') | grep -qx 18
ok $? "200x60: the row table's 18 rows whole, each with its val curve"

tui_fresh
$T new-session -d -s nt -x 100 -y 32 "env $ENV LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 TERM=xterm-256color '$NOISETOP' --runs '$OUT/runs' $LIM"
wait_for 20 'showing run' && wait_for 20 '^F1Help' && used 55
ok $? "100x32: at least 55% of the cells used"
tui_fresh
$T new-session -d -s nt -x 80 -y 24 "env $ENV LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 TERM=xterm-256color '$NOISETOP' --runs '$OUT/runs' $LIM"
wait_for 20 'showing run' && wait_for 20 '^F1Help' && used 72
ok $? "80x24: at least 72% of the cells used, as before"
echo "1..$n"
