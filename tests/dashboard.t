#!/bin/sh
# End-to-end: drive the real dashboard in a private tmux server and read the
# screen back with capture-pane.  Runs the same script twice: UTF-8 with
# xterm-256color, then LANG=C TERM=vt100 (which must put only ASCII on
# screen).  Every wait polls with a timeout; no fixed sleeps decide a result.
#
# Needs tmux.  Uses MNIST from ../shared/data/mnist beside the repository
# (or $NOISETOP_TEST_DATA) when it is there, else the built-in synthetic
# digits (an empty HOME, no NOISETOP_DATA); the labels it expects are read
# from 'noisetop show' on the same data.  Jobs that must still be running
# when the test acts on them stop at a test point (src/base/testpoint.h)
# instead of racing the machine's speed.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
NOISETOP=${NOISETOP:-$root/noisetop}
DATA=${NOISETOP_TEST_DATA:-$root/../shared/data/mnist}

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
if [ ! -x "$NOISETOP" ]; then
	echo "1..0 # SKIP no binary at $NOISETOP"
	exit 0
fi

# A private server per run (a fresh socket name each time: a server being
# killed can still hold the old one).
runs=0
T=true
OUT=$(mktemp -d)
trap '$T kill-server >/dev/null 2>&1; rm -rf "$OUT"' EXIT
trap 'exit 1' INT TERM

# The data: real MNIST, or the synthetic digits as a fresh machine has them.
mkdir -p "$OUT/home"
if [ -e "$DATA/train-images-idx3-ubyte.gz" ] ||
    [ -e "$DATA/train-images-idx3-ubyte" ]; then
	DARGS="--data '$DATA'"
	DENV="HOME='$OUT/home'"
	TITLE=MNIST
else
	DARGS=
	DENV="HOME='$OUT/home' NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME="
	TITLE=SYNTHETIC
fi
echo "# data: $TITLE"
LIMITS="--train-limit 2000 --test-limit 500"
# label_of SPLIT INDEX: the label noisetop show gives that image.
label_of() {
	(cd "$OUT" && eval "env $DENV '$NOISETOP' show $DARGS $LIMITS \
	    --split $1 --index $2 --count 1" 2>/dev/null) |
	    sed -n 's/^#[0-9]* *label \([0-9]\).*/\1/p'
}
L0=$(label_of train 0)
L1=$(label_of train 1)
L3=$(label_of train 3)
L4=$(label_of train 4)
T0=$(label_of test 0)
if [ -z "$L0" ] || [ -z "$L4" ] || [ -z "$T0" ]; then
	echo "1..1"
	echo "not ok 1 - noisetop show gives the labels ($L0 $L4 $T0)"
	exit 1
fi

n=0
failed=0
ok() {  # ok STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		echo "# screen at failure:"
		cap | sed 's/^/#   /'
	fi
}

cap() { $T capture-pane -p -t nt 2>/dev/null; }
capc() { $T capture-pane -e -p -t nt 2>/dev/null; }

# settle: $OUT/screen becomes a frame drawn whole (tmux may be caught
# between the chunks of one redraw): two captures alike, at most ~1 s.
settle() {
	_k=0
	while [ $_k -lt 20 ]; do
		sleep 0.05
		cap > "$OUT/screen.2"
		cmp -s "$OUT/screen" "$OUT/screen.2" && return 0
		mv "$OUT/screen.2" "$OUT/screen"
		_k=$((_k + 1))
	done
}

# wait_for SECONDS EXTENDED-REGEX: poll the screen until the pattern shows;
# then the screen file holds a settled frame for the checks that follow.
wait_for() {
	_end=$(($(date +%s) + $1))
	while :; do
		cap > "$OUT/screen"
		if grep -Eq -- "$2" "$OUT/screen"; then
			settle
			return 0
		fi
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

# wait_gone SECONDS EXTENDED-REGEX
wait_gone() {
	_end=$(($(date +%s) + $1))
	while :; do
		cap > "$OUT/screen"
		grep -Eq -- "$2" "$OUT/screen" || return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

# wait_file SECONDS GLOB: until a file matching GLOB exists and is not empty.
wait_file() {
	_end=$(($(date +%s) + $1))
	while :; do
		for _f in $2; do
			[ -s "$_f" ] && return 0
		done
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

# The pid of the dashboard in the pane (env execs it under the shell).
dash_pid() {
	_shell=$($T display -p -t nt '#{pane_pid}')
	ps -o pid= --ppid "$_shell" | tr -d ' ' | head -1
}

# Screen lines 10-15 hold only the two digits before a model exists.
digits() { capc | sed -n '10,15p'; }

# wait_digits_change SECONDS FILE: until those lines differ from FILE.
wait_digits_change() {
	_end=$(($(date +%s) + $1))
	while :; do
		digits > "$OUT/digits.now"
		cmp -s "$OUT/digits.now" "$2" || return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

# wait_digits_same SECONDS FILE: until those lines are FILE's.
wait_digits_same() {
	_end=$(($(date +%s) + $1))
	while :; do
		digits > "$OUT/digits.now"
		cmp -s "$OUT/digits.now" "$2" && return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

ascii_only() {  # no byte above 0x7F on screen
	! cap | LC_ALL=C grep -q "$(printf '[\200-\377]')"
}

# glyph_set ASCII(0/1): the screen is all ASCII in the ASCII pass, and has
# UTF-8 glyphs (shades, blocks, box drawing) in the UTF-8 pass.
glyph_set() {
	if [ "$1" -eq 0 ]; then
		! ascii_only
	else
		ascii_only
	fi
}

# start LABEL ENV...: a fresh server with the dashboard in it, recording
# its runs in $OUT/runs-LABEL (never in ~/.local); $XARGS is appended to
# the options.
XARGS=
start() {
	$T kill-server >/dev/null 2>&1
	runs=$((runs + 1))
	T="tmux -L noisetop-test-$$-$runs -f /dev/null"
	label=$1
	shift
	rm -f "$OUT/stop"
	$T new-session -d -x 100 -y 30 -s nt -c "$OUT" \
	    "env $DENV NOISETOP_TEST_STOP_FILE='$OUT/stop' $* '$NOISETOP' \
	    $DARGS $LIMITS --epochs 2 --scales 0,1 --threads 2 \
	    --runs '$OUT/runs-$label' $XARGS; \
	    echo NOISETOP-EXIT=\$?; sleep 600"
}

suite() {  # suite LABEL ASCII(0/1) ENV...
	label=$1
	ascii=$2
	shift 2
	start "$label" "$@"

	wait_for 20 'Samples' && wait_for 5 'Training' && wait_for 5 'Accuracy vs noise' \
	    && grep -q "$TITLE" "$OUT/screen"
	ok $? "$label: start screen shows title and the three panes"
	grep -Eq 'train #0' "$OUT/screen" && grep -Eq "label +$L0" "$OUT/screen"
	ok $? "$label: first train image is #0, label $L0"
	glyph_set "$ascii"
	ok $? "$label: start screen glyph set"

	$T send-keys -t nt Right
	wait_for 5 'train #1' && grep -Eq "label +$L1" "$OUT/screen"
	ok $? "$label: Right shows #1, label $L1"
	$T send-keys -t nt Right Right Right
	wait_for 5 'train #4' && grep -Eq "label +$L4" "$OUT/screen"
	ok $? "$label: three more Rights show #4, label $L4"
	$T send-keys -t nt Left
	wait_for 5 'train #3' && grep -Eq "label +$L3" "$OUT/screen"
	ok $? "$label: Left goes back to #3, label $L3"

	digits > "$OUT/digits.before"
	cap | cut -c1-30 | sed -n '3,16p' > "$OUT/clean.before"
	$T send-keys -t nt Up
	wait_for 5 'noisy, scale 0\.75' && wait_digits_change 5 "$OUT/digits.before"
	ok $? "$label: Up raises the scale to 0.75 and the noisy view changes"
	cap | cut -c1-30 | sed -n '3,16p' > "$OUT/clean.after"
	cmp -s "$OUT/clean.before" "$OUT/clean.after"
	ok $? "$label: the original stays as it was"
	# The preview steps are 0.2, 0.3, 0.5, 0.75 here; each scale's noise
	# is drawn the same way every time, so 0.5 again is the first view.
	digits > "$OUT/digits.up"
	$T send-keys -t nt Down
	wait_for 5 'noisy, scale 0\.5 ' && wait_digits_same 5 "$OUT/digits.before"
	ok $? "$label: Down lowers the scale to 0.5, the noisy view as before"
	$T send-keys -t nt -- -
	wait_for 5 'noisy, scale 0\.3 '
	ok $? "$label: - lowers it to 0.3"
	$T send-keys -t nt _
	wait_for 5 'noisy, scale 0\.2 '
	ok $? "$label: _ lowers it to 0.2"
	$T send-keys -t nt + = Up
	wait_for 5 'noisy, scale 0\.75 ' && wait_digits_same 5 "$OUT/digits.up"
	ok $? "$label: +, = and Up raise it back to 0.75, the view as it was"

	# The form: s opens it with the command line's values, Esc closes it
	# without a job, s and Enter start the sweep.
	$T send-keys -t nt s
	wait_for 5 'New sweep' && wait_for 5 'Enter starts, Esc cancels' &&
	    wait_for 5 'scales +0,1' && grep -Eq 'epochs +2' "$OUT/screen" &&
	    grep -q 'est\. ' "$OUT/screen"
	ok $? "$label: s opens the job form (scales 0,1, epochs 2, an estimate)"
	$T send-keys -t nt Escape
	wait_gone 5 'New sweep' && wait_for 5 'sweep not started'
	ok $? "$label: Esc closes the form without a job"
	$T send-keys -t nt s
	wait_for 5 'New sweep'
	$T send-keys -t nt Enter
	wait_for 90 'sweep done'
	ok $? "$label: s Enter runs the two-scale sweep to the end"
	cap > "$OUT/screen"
	grep -Eq '[ >*]0 train .*[0-9]+\.[0-9][0-9]' "$OUT/screen" &&
	    grep -Eq '[ >*]1 train .*[0-9]+\.[0-9][0-9]' "$OUT/screen" &&
	    grep -Eq ' val .*[0-9]+\.[0-9][0-9]' "$OUT/screen"
	ok $? "$label: sweep pane has train and val values for scales 0 and 1"
	if [ "$ascii" -eq 0 ]; then
		grep -q '1 train █' "$OUT/screen" && grep -q '┤' "$OUT/screen" &&
		    grep -q '└┬' "$OUT/screen"
	else
		grep -q '1 train #' "$OUT/screen" && grep -Eq '^ *[0-9.]+\+[ *o]' "$OUT/screen" &&
		    grep -Eq '^ +\+\+-+\+' "$OUT/screen"
	fi
	ok $? "$label: bars and the epoch plot with its axes drawn"
	glyph_set "$ascii"
	ok $? "$label: sweep screen glyph set"

	# Selecting a row: its model is the sample pane's (the model line).
	$T send-keys -t nt k
	wait_for 10 'model [0-9]{8}-[0-9]{6}-sweep @ 0 s[0-9]+$' &&
	    grep -Eq 'curves @0 s[0-9]+ ' "$OUT/screen"
	ok $? "$label: k selects scale 0: its curves and its model"
	$T send-keys -t nt j
	wait_for 10 'model [0-9]{8}-[0-9]{6}-sweep @ 1 s[0-9]+$' &&
	    grep -Eq 'curves @1 s[0-9]+ ' "$OUT/screen" && grep -q '>1 train' "$OUT/screen"
	ok $? "$label: j selects scale 1: the model line changes"
	if [ "$ascii" -eq 0 ]; then
		# A click (xterm's SGR mouse report) on scale 0's row.
		_y=$(grep -n '[ >*x]0 train' "$OUT/screen" | head -1 | cut -d: -f1)
		$T send-keys -t nt -l "$(printf '\033[<0;70;%dM\033[<0;70;%dm' "$_y" "$_y")"
		wait_for 10 'model [0-9]{8}-[0-9]{6}-sweep @ 0 s[0-9]+$' &&
		    grep -q '>0 train' "$OUT/screen"
		ok $? "$label: a click on scale 0's row selects it (line $_y)"
		$T send-keys -t nt j
		wait_for 10 'model [0-9]{8}-[0-9]{6}-sweep @ 1 s[0-9]+$'
	fi

	# v: the per-epoch table, the confusion matrix, the train x test
	# matrix, the reliability diagram, the weights, every row's curves,
	# then the selected row's curves again.
	$T send-keys -t nt v
	wait_for 5 ' ep +acc +loss +val +vloss' && grep -Eq '^ +2 +[0-9]+\.[0-9]{2} ' "$OUT/screen"
	ok $? "$label: v shows the per-epoch table"
	$T send-keys -t nt v
	wait_for 5 'confusion @1' && grep -Eq 't.p +0 +1 +2 .* 9 +acc' "$OUT/screen" &&
	    grep -Eq '^ +all +[0-9]+\.[0-9]' "$OUT/screen"
	ok $? "$label: v again shows the confusion matrix with per-class accuracy"
	$T send-keys -t nt j
	wait_for 5 'true [0-9] as [0-9]: [0-9]+, m shows them'
	ok $? "$label: j chooses the biggest confusion"
	$T send-keys -t nt v
	wait_for 5 'train x test' && grep -Eq 'train.test +0 +1' "$OUT/screen"
	ok $? "$label: v again shows the train x test matrix"
	$T send-keys -t nt v
	wait_for 5 'calibration @1' && grep -Eq 'ECE 0\.[0-9]{3} +conf .* of 500' "$OUT/screen"
	ok $? "$label: v again shows the reliability diagram (ECE, on the run's 500 images)"
	$T send-keys -t nt v
	wait_for 10 'weights @1' && grep -q 'units with the largest' "$OUT/screen"
	ok $? "$label: v again shows the first layer's receptive fields"
	$T send-keys -t nt v
	wait_for 5 'Val acc % of 2 rows'
	ok $? "$label: v again shows every row's curves"
	$T send-keys -t nt v
	wait_for 5 'curves @'
	ok $? "$label: and v goes back to the curves"

	# The run browser lists the sweep, and Esc closes it.
	$T send-keys -t nt o
	wait_for 5 'Runs \(1\)' && grep -Eq '[0-9]{8}-[0-9]{6}-sweep +[A-Z]+' "$OUT/screen" &&
	    grep -q 'finished' "$OUT/screen" && grep -q '2000/500' "$OUT/screen"
	ok $? "$label: o lists the sweep run (data, limits, status)"
	$T send-keys -t nt Escape
	wait_gone 5 'Runs \('
	ok $? "$label: Esc closes the run browser"

	# e writes into the run's directory, and never over an export; the
	# status line names both files, the paths shortened to fit (the ls
	# below checks where they are).
	$T send-keys -t nt e
	wait_for 5 'exported .*/export-[0-9]{8}-[0-9]{6}\.csv \(and \.json\); report in .*-sweep/report$' &&
	    ls "$OUT/runs-$label"/*-sweep/export-*.csv >/dev/null 2>&1 &&
	    ls "$OUT/runs-$label"/*-sweep/export-*.json >/dev/null 2>&1 &&
	    grep -q 'train 2000 test 500' "$OUT/runs-$label"/*-sweep/export-*.csv
	ok $? "$label: e exports CSV and JSON into the run's directory, with the limits"
	$T send-keys -t nt e
	wait_for 5 'export-[0-9]{8}-[0-9]{6}-2\.csv|export-[0-9]{8}-[0-9]{6}\.csv' &&
	    _end=$(($(date +%s) + 5)) &&
	    until [ "$(ls "$OUT/runs-$label"/*-sweep/export-*.csv | wc -l)" -ge 2 ] ||
	        [ "$(date +%s)" -ge "$_end" ]; do sleep 0.1; done &&
	    [ "$(ls "$OUT/runs-$label"/*-sweep/export-*.csv | wc -l)" -eq 2 ]
	ok $? "$label: a second e writes a second file, not over the first"
	wait_file 10 "$OUT/runs-$label/*-sweep/report-2/report.html" &&
	    [ -s "$(echo "$OUT/runs-$label"/*-sweep/report/README.md)" ] &&
	    grep -q '<table class="summary">' "$OUT/runs-$label"/*-sweep/report/report.html &&
	    grep -q '!\[.*\](scales.svg)' "$OUT/runs-$label"/*-sweep/report-2/README.md
	ok $? "$label: and each e writes the run's report, report/ then report-2/"

	$T send-keys -t nt Tab
	wait_for 5 'test #0$' && grep -Eq "label +$T0" "$OUT/screen"
	ok $? "$label: Tab shows the test split (#0, label $T0)"
	$T send-keys -t nt End
	wait_for 5 'test #499'
	ok $? "$label: End goes to the last test image"
	$T send-keys -t nt g 1 2 Enter
	wait_for 5 'test #12$'
	ok $? "$label: g 12 Enter goes to test #12"
	$T send-keys -t nt 7
	wait_gone 5 'test #12$' && grep -Eq 'label +7' "$OUT/screen"
	ok $? "$label: 7 jumps to the next test image labelled 7"
	$T send-keys -t nt m
	wait_for 5 '[0-9]+ of [0-9]+' && wait_for 5 'MISS'
	ok $? "$label: m browses the model's misclassified test images"
	$T send-keys -t nt m Tab
	wait_for 5 'train #' && wait_gone 5 '[0-9]+ of [0-9]+'
	ok $? "$label: m again and Tab: back to all training images"

	# m from the matrix browses the chosen (true, predicted) cell.
	$T send-keys -t nt v v
	wait_for 5 'true [0-9] as [0-9]: [0-9]+, m shows them'
	pair=$(sed -n 's/.*true \([0-9]\) as \([0-9]\): .*/\1 \2/p' "$OUT/screen" | head -1)
	$T send-keys -t nt m
	wait_for 5 "true ${pair% *} as ${pair#* }\$" && grep -Eq "label +${pair% *}" "$OUT/screen" &&
	    grep -q 'test #' "$OUT/screen"
	ok $? "$label: m from the matrix browses that cell's images ($pair)"
	$T send-keys -t nt m Tab
	wait_for 5 'train #' && wait_gone 5 '[0-9]+ of [0-9]+'

	# A compare job (the process's runs 3 and 4, after the sweep's two),
	# held at its test point and paused, then cancelled.
	$T send-keys -t nt c
	wait_for 5 'New compare'
	$T send-keys -t nt Enter
	wait_file 60 "$OUT/stop" && wait_for 20 'training compare'
	ok $? "$label: c Enter starts the comparison"
	$T send-keys -t nt p
	wait_for 5 'PAUSED'
	ok $? "$label: p pauses"
	$T send-keys -t nt q
	wait_for 5 'quit and cancel it\?'
	ok $? "$label: q while a job runs asks first"
	$T send-keys -t nt n
	wait_gone 5 'quit and cancel it\?' && grep -q 'PAUSED' "$OUT/screen"
	ok $? "$label: n keeps the dashboard and the job"
	$T send-keys -t nt x
	wait_for 10 'compare cancelled'
	ok $? "$label: x cancels the paused job"
	grep -Eq '[ >x]0 train +-$' "$OUT/screen"
	ok $? "$label: the chart shows the compare's rows (none finished), not the older sweep's"

	# A grid of two seeds from the form: whiskers (mean +- sd) in the
	# chart, the seed of the selected row, the grid in the run browser.
	$T send-keys -t nt s
	wait_for 5 'New sweep' && wait_for 5 'Enter starts'
	$T send-keys -t nt Up Up Up C-u 2 Enter
	wait_for 60 'sweep done'
	if [ "$ascii" -eq 0 ]; then _pm='±'; else _pm='\+-'; fi
	wait_for 5 "[0-9]+\.[0-9][0-9]${_pm}[0-9]+\.[0-9][0-9]" &&
	    grep -q 'selected: gaussian, seed [12] of 2' "$OUT/screen"
	ok $? "$label: a two-seed sweep: whiskers with mean${_pm}sd, the selected seed"
	$T send-keys -t nt o
	wait_for 5 'Runs \(' && grep -q 'gaussian fixed, 2 seeds' "$OUT/screen"
	ok $? "$label: the run browser shows the grid (gaussian fixed, 2 seeds)"
	$T send-keys -t nt Escape
	wait_gone 5 'Runs \('
	$T send-keys -t nt s
	wait_for 5 'New sweep' && wait_for 5 'seeds +2' &&
	    grep -q '^seeds = 2$' "$OUT/home/.config/noisetop/form.conf"
	ok $? "$label: the form remembers the last values (form.conf)"
	$T send-keys -t nt Escape
	wait_gone 5 'New sweep'
	# Later suites start from the command line again.
	rm -f "$OUT/home/.config/noisetop/form.conf"

	if [ "$ascii" -eq 0 ]; then
		$T send-keys -t nt F1
		_h=F1
	else
		$T send-keys -t nt '?'
		_h='?'
	fi
	wait_for 5 'any key closes this help' && grep -q 'noisetop keys' "$OUT/screen" &&
	    grep -q 'F10' "$OUT/screen"
	ok $? "$label: $_h opens the framed help"
	if [ "$ascii" -eq 0 ]; then
		grep -q '┌─ noisetop keys' "$OUT/screen" && grep -q '└─' "$OUT/screen"
	else
		grep -q '+- noisetop keys' "$OUT/screen" && ascii_only
	fi
	ok $? "$label: help overlay framed in the glyph set"
	$T send-keys -t nt Escape
	wait_gone 5 'any key closes this help'
	ok $? "$label: a key closes the help"
	$T send-keys -t nt Z
	wait_for 5 '\? for help'
	ok $? "$label: an unknown key says ? for help"

	# 80x24: nothing cut mid-number.
	$T resize-window -t nt -x 80 -y 24
	wait_for 5 'train 2000  test 500' && [ "$(cap | wc -l)" -eq 24 ] &&
	    ! grep -Eq '[0-9]\.[0-9]*[0-9]{3}[0-9]+\.' "$OUT/screen" &&
	    ! grep -Eq 'pred [0-9] +[0-9.]+% (MIS|MI|M)$' "$OUT/screen"
	ok $? "$label: 80x24 keeps the sizes and predictions whole"

	# 200x60: the ladder and taller charts use most of the lines.
	$T resize-window -t nt -x 200 -y 60
	wait_for 5 'Noise ladder' && [ "$(cap | wc -l)" -eq 60 ] &&
	    [ "$(cap | grep -c '[^ ]')" -ge 50 ] && grep -Eq 'pred [0-9] (ok|MISS)' "$OUT/screen"
	ok $? "$label: 200x60 shows the noise ladder with predictions, $(cap | grep -c '[^ ]') of 60 lines used"

	$T resize-window -t nt -x 120 -y 40
	wait_for 5 "$(printf '.{%d}' 118)" && [ "$(cap | wc -l)" -eq 40 ] &&
	    wait_for 5 'Accuracy( vs noise| \()'
	ok $? "$label: resize to 120x40 redraws at the new size"
	$T resize-window -t nt -x 40 -y 10
	wait_for 5 'enlarge the terminal'
	ok $? "$label: 40x10 says to enlarge the terminal"
	$T resize-window -t nt -x 100 -y 30
	wait_for 5 'Samples' && wait_gone 5 'enlarge the terminal'
	ok $? "$label: back to 100x30 shows the panes again"

	if [ "$ascii" -eq 0 ]; then
		$T send-keys -t nt F10
		_q=F10
	else
		$T send-keys -t nt q
		_q=q
	fi
	wait_for 10 'NOISETOP-EXIT=0'
	ok $? "$label: $_q quits with status 0"
	flags=$($T display -p -t nt '#{alternate_on}#{keypad_cursor_flag}#{cursor_flag}')
	[ "$flags" = "001" ]
	ok $? "$label: terminal restored (alternate screen off, keypad off, cursor on: $flags)"
}

suite "utf8" 0 NOISETOP_TEST_STOP=3:1:2 TERM=xterm-256color LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
suite "vt100" 1 NOISETOP_TEST_STOP=3:1:2 TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1

# SIGTERM while training: the worker is joined and the terminal restored.
start sigterm NOISETOP_TEST_STOP=1:1:2 TERM=screen-256color LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
wait_for 20 'Samples'
$T send-keys -t nt c
wait_for 5 'New compare' && $T send-keys -t nt Enter
wait_file 60 "$OUT/stop" && wait_for 20 'training compare'
pid=$(dash_pid)
[ -n "$pid" ] && kill -TERM "$pid"
wait_for 10 'NOISETOP-EXIT=143'
ok $? "sigterm: SIGTERM during a job exits with 143"
flags=$($T display -p -t nt '#{alternate_on}#{keypad_cursor_flag}#{cursor_flag}')
[ "$flags" = "001" ]
ok $? "sigterm: terminal restored ($flags)"

# Runs on disk: every dashboard job records one, quitting leaves it
# interrupted, a restart shows it, r resumes it, and so does the headless
# 'noisetop resume'.
R="$OUT/runs-runs"
epochs_in() { grep -c '^[0-9]' "$1/results.csv" 2>/dev/null; }
# The sweep after t is runs 2 and 3: it stops before its second epoch.
start runs NOISETOP_TEST_STOP=2:2:0 TERM=xterm-256color LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
wait_for 20 'Samples' && wait_for 5 'Training: no job yet'
ok $? "runs: nothing to show in an empty runs directory"
$T send-keys -t nt t
wait_for 5 'New train' && $T send-keys -t nt Enter
wait_for 60 'train done in [0-9]+ s: run .*/runs-runs/[0-9]{8}-[0-9]{6}-train'
ok $? "runs: t records a run; the status line names its directory"
d=$(ls -d "$R"/*-train 2>/dev/null | head -1)
[ -n "$d" ] && [ -s "$d/config.txt" ] && [ -s "$d/ckpt-0.bin" ] &&
    grep -q 'state = finished' "$d/state.txt" && [ "$(epochs_in "$d")" -eq 2 ]
ok $? "runs: config.txt, state.txt (finished), results.csv (2 epochs), ckpt-0.bin"
grep -q '^kind = train$' "$d/config.txt" &&
    grep -q '^train_limit = 2000$' "$d/config.txt" &&
    grep -Eq '^data_crc = [0-9a-f]{8}$' "$d/config.txt" &&
    { [ "$TITLE" = SYNTHETIC ] && grep -q "^synthetic = 1$" "$d/config.txt" ||
    grep -q "^data_dir = /" "$d/config.txt"; }
ok $? "runs: config.txt has the kind, the limits, the data (absolute dir or synthetic), the checksum"
grep -q "model $(basename "$d") @ 0.5" "$OUT/screen"
ok $? "runs: the sample pane names the run's model"

$T send-keys -t nt s
wait_for 5 'New sweep' && $T send-keys -t nt Enter
wait_file 60 "$OUT/stop" && wait_file 60 "$R/*-sweep/ckpt-0.bin"
$T send-keys -t nt p
wait_for 5 'PAUSED' && $T send-keys -t nt q && wait_for 5 'quit and cancel' &&
    $T send-keys -t nt y && wait_for 10 'NOISETOP-EXIT=0'
ok $? "runs: q y after a sweep's first epoch quits with 0"
d=$(ls -d "$R"/*-sweep 2>/dev/null | head -1)
id=$(basename "$d")
grep -q 'state = interrupted' "$d/state.txt" && [ -s "$d/ckpt-0.bin" ]
ok $? "runs: the quit sweep is interrupted, its first epoch on disk"
"$NOISETOP" runs --runs "$R" > "$OUT/runs.txt" 2>&1 &&
    grep -Eq "^$id +sweep .*interrupted at scale [01] \([12] of 2\), epoch [12]/2" "$OUT/runs.txt"
ok $? "runs: 'noisetop runs' lists it as interrupted"

# r resumes the sweep's two rows (runs 1 and 2); then c's first model
# (run 3) stops after its first epoch is on disk.
start runs NOISETOP_TEST_STOP=3:2:0 TERM=xterm-256color LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
wait_for 20 "(Training: loaded run|Loaded) $id" && wait_for 5 'interrupted at scale' &&
    grep -q '┤' "$OUT/screen" &&
    grep -Eq '[ >x]0 train .*\([0-9]+\.[0-9][0-9]\)' "$OUT/screen" &&
    grep -Eq 'Accuracy.*\(loaded' "$OUT/screen" &&
    grep -q 'train 2000 test 500' "$OUT/screen"
ok $? "runs: a restart shows the interrupted sweep's curves and chart, labelled $id, the cut row's value in parentheses (not final)"
$T send-keys -t nt r
wait_for 10 "resumed run $id at scale [01] \([12] of 2\), epoch [0-2]/2"
ok $? "runs: r resumes it and says where"
wait_for 60 "sweep done in [0-9]+ s: run $d"
ok $? "runs: the resumed sweep finishes; the status line names its directory"
grep -q 'state = finished' "$d/state.txt" && [ "$(epochs_in "$d")" -eq 4 ] &&
    [ -s "$d/ckpt-1.bin" ]
ok $? "runs: state finished, results.csv has all 4 epochs"
$T send-keys -t nt r
wait_for 10 'nothing resumed: no interrupted run'
ok $? "runs: r with nothing interrupted says so"

# A compare stopped by SIGTERM, refused on other data, then finished by
# the headless resume.
$T send-keys -t nt c
wait_for 5 'New compare' && $T send-keys -t nt Enter
wait_file 60 "$OUT/stop" && wait_file 60 "$R/*-compare/ckpt-0.bin"
pid=$(dash_pid)
[ -n "$pid" ] && kill -TERM "$pid"
wait_for 10 'NOISETOP-EXIT=143'
ok $? "runs: SIGTERM during a compare exits with 143"
d=$(ls -d "$R"/*-compare 2>/dev/null | head -1)
id=$(basename "$d")
grep -q 'state = interrupted' "$d/state.txt"
ok $? "runs: the compare is interrupted"
XARGS="--train-limit 1000"
start runs TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
XARGS=
wait_for 20 "(Training: loaded run|Loaded) $id" && wait_for 5 'on other data'
ok $? "runs: on other data the run is shown as such"
$T send-keys -t nt r
wait_for 10 "run $id not resumed: it was trained on other data" &&
    grep -q 'state = interrupted' "$d/state.txt"
ok $? "runs: r refuses it on other data, naming the run"
# The browser: marking overlays a run, d asks, n keeps, y deletes.
$T send-keys -t nt o
wait_for 5 'Runs \(3\)' && grep -q 'on other data\|interrupted' "$OUT/screen"
ok $? "runs: o lists the three runs"
$T send-keys -t nt j Space
wait_for 5 '1 run overlaid'
$T send-keys -t nt Escape
wait_for 5 'A val' && grep -Eq 'A [0-9]{8}-[0-9]{6}-sweep' "$OUT/screen"
ok $? "runs: a marked run is overlaid in the chart (A val)"
$T send-keys -t nt o
wait_for 5 'Runs \(3\)'
$T send-keys -t nt j j d
wait_for 5 'delete run [0-9]{8}-[0-9]{6}-train and its files\? \(y/n\)'
asked=$?
$T send-keys -t nt n
[ $asked -eq 0 ] && wait_gone 5 'and its files\?' &&
    [ -d "$(ls -d "$R"/*-train | head -1)" ]
ok $? "runs: d asks first, and n keeps the run"
$T send-keys -t nt d
wait_for 5 'and its files\?'
$T send-keys -t nt y
wait_for 5 'deleted run [0-9]{8}-[0-9]{6}-train' && wait_for 5 'Runs \(2\)' &&
    [ -z "$(ls -d "$R"/*-train 2>/dev/null)" ]
ok $? "runs: y deletes it, files and directory"
sid=$(basename "$(ls -d "$R"/*-sweep | head -1)")
$T send-keys -t nt Home j Enter
wait_gone 5 'Runs \(' && wait_for 10 "(Training: loaded run|Loaded) $sid" &&
    wait_for 10 'Accuracy.*loaded 2000/500' && ! grep -q "model $sid" "$OUT/screen"
ok $? "runs: Enter loads the chosen run ($sid), its limits shown, its model not used on other data"
$T send-keys -t nt q
wait_for 10 'NOISETOP-EXIT=0'
(cd "$OUT" && eval "env $DENV '$NOISETOP'" resume --runs "$R" --no-progress \
    > "$OUT/resume.log" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q 'state = finished' "$d/state.txt" &&
    [ "$(epochs_in "$d")" -eq 4 ]
ok $? "runs: 'noisetop resume' finishes the dashboard's compare (rc $rc)"

# An unknown terminal type is refused with a pointer to the headless mode.
msg=$(cd "$OUT" && eval "env $DENV TERM=no-such-term '$NOISETOP' $DARGS \
    --train-limit 100 --test-limit 100" 2>&1 </dev/null)
rc=$?
[ $rc -ne 0 ] && echo "$msg" | grep -q 'noisetop train'
ok $? "no terminal: non-zero ($rc) and points to the headless subcommands"

echo "1..$n"
[ "$failed" -eq 0 ]
