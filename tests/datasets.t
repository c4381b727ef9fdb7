#!/bin/bash
# The data set axis end to end (sweep --dataset mnist,fashion), on IDX
# sets made here: every row on each set, the summary a line per set and
# scale with each set's figures those of a sweep of it alone, the run's
# files naming the sets, a sweep held at a test point and interrupted,
# then resumed, to the bits of one never interrupted, shards merging to
# the same, the figures and the dashboard's chart naming each set, and a
# set unknown or not found refused by name.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is not installed (it makes the sets)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; echo "$out" | head -8 | sed 's/^/# got: /'; fi; }
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"

# make_set DIR OFFSET: 300 training and 100 test images whose label is a
# bright stripe (column band and row band by label, OFFSET apart), over
# faint texture: learnable in two epochs, and different for each OFFSET.
make_set() {
	mkdir -p "$1"
	python3 - "$1" "$2" <<'PY'
import gzip, struct, sys
d, off = sys.argv[1], int(sys.argv[2])
for prefix, k in (("train", 300), ("t10k", 100)):
    lab = [(i * 7 + off) % 10 for i in range(k)]
    pix = bytearray()
    for i, c in enumerate(lab):
        for p in range(784):
            r, q = divmod(p, 28)
            on = (q // 3) % 10 == c or (r // 3) % 10 == (c + off) % 10
            pix.append(200 if on else (i * 13 + p * 7) % 60)
    with gzip.open(d + "/" + prefix + "-images-idx3-ubyte.gz", "wb", 1) as f:
        f.write(struct.pack(">IIII", 0x803, k, 28, 28) + bytes(pix))
    with gzip.open(d + "/" + prefix + "-labels-idx1-ubyte.gz", "wb", 1) as f:
        f.write(struct.pack(">II", 0x801, k) + bytes(lab))
PY
}
make_set "$tmp/root/mnist" 0
make_set "$tmp/root/fashion" 3
common=(--data "$tmp/root" --scales 0,1 --seeds 2 --epochs 2 --batch 50
    --hidden 32,32 --threads 1 --no-progress)

echo "1..22"

# column NAME FILE: the values of the CSV column NAME, one a line.
column() {
	awk -F, -v want="$1" '/^#/ { next }
	    !h { for (i = 1; i <= NF; i++) if ($i == want) c = i; h = 1; next }
	    { print $c }' "$2"
}
run_of() { sed -n 's|^run .*/||p' "$1"; }

"$NT" sweep --dataset mnist,fashion "${common[@]}" --runs "$tmp/runs" \
    >"$tmp/out" 2>&1
rc=$?
out=$(cat "$tmp/out")
run=$(run_of "$tmp/out")
R=$tmp/runs/$run
check "two sets: the sweep finishes (exit $rc) and says what it trains on" \
    '[ $rc -eq 0 ] && [[ "$out" == *"noisetop sweep: MNIST ($tmp/root/mnist), 300 train / 100 test"* &&
       "$out" == *"noisetop sweep: Fashion-MNIST ($tmp/root/fashion), 300 train / 100 test"* ]]'
check "each row names its set: 8 rows, 4 on each" \
    '[ "$(grep -c "^-- noise .*, MNIST (. of 8) --" "$tmp/out")" -eq 4 ] &&
     [ "$(grep -c "^-- noise .*, Fashion-MNIST (. of 8) --" "$tmp/out")" -eq 4 ]'
check "the tables: a part per set, then the val accuracy side by side" \
    '[[ "$out" == *"== MNIST"*"== Fashion-MNIST"*"val accuracy by data set"* &&
       "$out" == *"val accuracy, Fashion-MNIST, gaussian: training scale down"* ]]'
out=$(cat "$R/config.txt")
check "config.txt: the sets, each one's directory and checksum" \
    '[[ "$out" == *"datasets = mnist,fashion"* && "$out" == *"data_dir.fashion = $tmp/root/fashion"* &&
       "$out" == *"data_crc.mnist = "* ]]'
# The report of a run over two sets, as of a run made before origin.txt:
# the command rebuilt with both sets, and each set's data and checksum.
cp -r "$R" "$tmp/old" && rm -f "$tmp/old/origin.txt"
out=$("$NT" report "$tmp/old" --out "$tmp/report" 2>&1 && cat "$tmp/report/README.md")
check "report: the command rebuilt with both sets, each set's data and checksum" \
    '[[ "$out" == *"noisetop sweep --dataset=mnist,fashion "* &&
       "$out" == *"MNIST ($tmp/root/mnist): 300 training and 100 test images; Fashion-MNIST ($tmp/root/fashion): 300 training"* &&
       "$out" =~ "CRC-32 "[0-9a-f]{8}", "[0-9a-f]{8}" of every image" ]]'
check "report: the epochs and the matrix of each set, named" \
    '[ -s "$tmp/report/epochs-mnist.svg" ] && [ -s "$tmp/report/matrix-fashion.svg" ] &&
     grep -q "Fashion-MNIST" "$tmp/report/matrix-fashion.svg" &&
     [[ "$out" == *"](matrix-fashion.svg)"* ]]'

# The summary: a line per set and scale, in grid order; each set's
# figures are those of a sweep of that set alone.
out=$(paste -d' ' <(column dataset "$R/summary.csv") <(column scale "$R/summary.csv") \
    <(column seeds_done "$R/summary.csv"))
check "summary.csv: a line per set and scale, both seeds done" \
    '[ "$out" = "$(printf "mnist 0 2\nmnist 1 2\nfashion 0 2\nfashion 1 2")" ]'
for set in mnist fashion; do
	"$NT" sweep --dataset $set "${common[@]}" --runs "$tmp/one-$set" \
	    >"$tmp/out-$set" 2>&1
	one=$tmp/one-$set/$(run_of "$tmp/out-$set")
	out=$(column val_accuracy_mean "$one/summary.csv")
	want=$(awk -F, -v s=$set '$NF == s' <(grep -v '^#' "$R/summary.csv") |
	    cut -d, -f13)
	check "the $set lines: the val accuracy of a sweep of $set alone" \
	    '[ -n "$out" ] && [ "$out" = "$want" ]'
done
out=$(head -c 3000 "$R/results.json")
check "results.json: the sets in its config, each row's set" \
    '[[ "$out" == *"\"datasets\": [\"mnist\", \"fashion\"]"* ]] &&
     [ "$(grep -c "\"dataset\": \"fashion\"" "$R/results.json")" -ge 6 ]'
out=$(column dataset "$R/matrix.csv" | sort | uniq -c | tr -s ' ')
check "matrix.csv: every done row at both test scales, 8 lines per set" \
    '[ "$out" = "$(printf " 8 fashion\n 8 mnist")" ]'

# Interrupted in the second set (row 6: Fashion-MNIST, scale 0, its
# second seed) before its epoch 2, then resumed: the same files, bit for
# bit, but the seconds.
NOISETOP_TEST_STOP=6:2:0 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    "$NT" sweep --dataset mnist,fashion "${common[@]}" --runs "$tmp/cut" \
    >"$tmp/out-cut" 2>&1 &
pid=$!
# (polls for the test point, up to 300 s; never signals a job that has
# not reached it)
for _ in $(seq 3000); do
	[ -s "$tmp/stop" ] && break
	sleep 0.1
done
out=$(cat "$tmp/out-cut")
check "the sweep holds at its test point in the second set" '[ -s "$tmp/stop" ]'
if [ -s "$tmp/stop" ]; then
	kill -INT "$pid"
	rm -f "$tmp/stop"
else
	kill -KILL "$pid"
fi
wait "$pid"
rc=$?
cut=$(run_of "$tmp/out-cut")
out=$(cat "$tmp/out-cut")
check "held at row 6 and interrupted: exit 130, resumable" \
    '[ $rc -eq 130 ] && [[ "$out" == *"noisetop resume $cut"* ]] &&
     grep -q "state = interrupted" "$tmp/cut/$cut/state.txt"'
out=$("$NT" resume "$cut" --runs "$tmp/cut" --no-progress 2>&1)
rc=$?
check "resume loads both sets and finishes (exit $rc)" \
    '[ $rc -eq 0 ] && [[ "$out" == *"Fashion-MNIST ($tmp/root/fashion)"* &&
       "$out" == *"resuming scale 0, Fashion-MNIST after epoch 1"* ]] &&
     grep -q "state = finished" "$tmp/cut/$cut/state.txt"'
same=1
for f in summary.csv matrix.csv; do
	cmp -s "$R/$f" "$tmp/cut/$cut/$f" || { same=0; echo "# $f differs"; }
done
cmp -s <(cut -d, -f1-3,5- "$R/results.csv") \
    <(cut -d, -f1-3,5- "$tmp/cut/$cut/results.csv") ||
    { same=0; echo "# results.csv differs"; }
out=""
check "the resumed run: summary, matrix and results (but the seconds) of the uninterrupted one" \
    '[ $same -eq 1 ]'

# Shards of a two-set sweep merge to the unsharded files.
for k in 1 2; do
	"$NT" sweep --dataset mnist,fashion "${common[@]}" --runs "$tmp/sh" \
	    --run-id two --shard $k/2 >"$tmp/out-sh$k" 2>&1 ||
	    cat "$tmp/out-sh$k" | sed 's/^/# /'
done
out=$(cat "$tmp/out-sh2")
check "two shards: the second one merges the run" \
    '[[ "$out" == *"every shard is: the run is merged"* ]] &&
     cmp -s "$R/summary.csv" "$tmp/sh/two/summary.csv" &&
     cmp -s "$R/matrix.csv" "$tmp/sh/two/matrix.csv"'

# Two rows side by side (each lane sized for the larger set) give the
# same bits.
"$NT" sweep --dataset mnist,fashion "${common[@]}" --threads 2 --jobs 2 \
    --threads-per-job 1 --runs "$tmp/lanes" >"$tmp/out-lanes" 2>&1
lanes=$tmp/lanes/$(run_of "$tmp/out-lanes")
out=$(cat "$tmp/out-lanes")
check "--jobs 2: the summary and matrix of one row at a time" \
    '[[ "$out" == *"2 rows at once"* ]] && cmp -s "$R/summary.csv" "$lanes/summary.csv" &&
     cmp -s "$R/matrix.csv" "$lanes/matrix.csv"'

# Figures: the scales figure names every set's series; a one-set figure
# draws the set --dataset names.
out=$("$NT" plot "$run" --runs "$tmp/runs" --svg "$tmp/scales.svg" 2>&1 &&
    cat "$tmp/scales.svg")
check "plot: the scales figure has a val series per set" \
    '[[ "$out" == *">val, MNIST<"* && "$out" == *">val, Fashion-MNIST<"* ]]'
out=$("$NT" plot "$run" --runs "$tmp/runs" --figure matrix --dataset fashion \
    --svg "$tmp/m.svg" 2>&1 && cat "$tmp/m.svg")
check "plot --figure matrix --dataset fashion: that set's matrix, named" \
    '[[ "$out" == *">Fashion-MNIST, 2 epochs, run $run<"* ]]'

# A set unknown, or one not found, is refused by name, and no run is made.
out=$("$NT" sweep --dataset mnist,cifar10 "${common[@]}" --runs "$tmp/bad" 2>&1)
rc=$?
check "an unknown set in the list: exit 2 naming it" \
    '[ $rc -eq 2 ] && [[ "$out" == *"data set '"'"'cifar10'"'"' unknown: must be mnist|fashion|kmnist"* ]] &&
     { [ ! -d "$tmp/bad" ] || [ -z "$(ls "$tmp/bad")" ]; }'
out=$("$NT" sweep --dataset mnist,kmnist "${common[@]}" --runs "$tmp/bad" 2>&1)
rc=$?
check "a set not found: exit 1 naming KMNIST, no synthetic stand-in" \
    '[ $rc -eq 1 ] && [[ "$out" == *KMNIST* && "$out" != *SYNTHETIC* ]] &&
     { [ ! -d "$tmp/bad" ] || [ -z "$(ls "$tmp/bad")" ]; }'

# The dashboard opens the run: the chart's bars grouped by scale, each
# set named, and the matrix of the selected row's set.
if ! command -v tmux >/dev/null 2>&1; then
	n=$((n + 1)); echo "ok $n # SKIP tmux not installed"
else
	. tests/tui.sh
	k=$n
	tui_init datasets
	n=$k
	trap '$T kill-server >/dev/null 2>&1; rm -rf "$OUT" "$tmp"' EXIT
	tui_fresh
	$T new-session -d -s nt -x 160 -y 50 \
	    "NOISETOP_DATA=$tmp/root/mnist '$NT' --runs '$tmp/runs' --train-limit 300 --test-limit 100"
	wait_for 120 'MNIST vs Fashion-MNIST' &&
	    grep -Eq '[> ]0 MNIST .*[0-9]\.[0-9]+±' "$OUT/screen" &&
	    grep -Eq '[> ]1 MNIST .*[0-9]\.[0-9]+±' "$OUT/screen" &&
	    [ "$(grep -Ec '^.*│ +Fashion-MNIST .*[0-9]\.[0-9]+±' "$OUT/screen")" -eq 2 ]
	ok $? "the dashboard's chart: a bar per set at each scale, each named"
fi
