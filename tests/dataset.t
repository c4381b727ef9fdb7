#!/bin/bash
# --dataset mnist|fashion|kmnist end to end, on IDX sets made here: each
# set by name, its class names in the output, its own search path
# ($NOISETOP_DATA on MNIST is not taken for another set), no synthetic
# stand-in for Fashion-MNIST or KMNIST, config.txt recording the set and
# resume loading it again, and runs --json naming it.
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
check() { if eval "$2"; then ok "$1"; else nok "$1"; echo "$out" | head -5 | sed 's/^/# got: /'; fi; }
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1

# make_set DIR N: N training and 100 test images, labels 3, 4, 5, ...
make_set() {
	mkdir -p "$1"
	python3 - "$1" "$2" <<'PY'
import gzip, struct, sys
d, n = sys.argv[1], int(sys.argv[2])
for prefix, k in (("train", n), ("t10k", 100)):
    with gzip.open(d + "/" + prefix + "-images-idx3-ubyte.gz", "wb", 1) as f:
        f.write(struct.pack(">IIII", 0x803, k, 28, 28) +
                bytes((i * 7 + i // 784) % 256 for i in range(k * 784)))
    with gzip.open(d + "/" + prefix + "-labels-idx1-ubyte.gz", "wb", 1) as f:
        f.write(struct.pack(">II", 0x801, k) + bytes((i + 3) % 10 for i in range(k)))
PY
}
make_set "$tmp/sets/plain" 300
make_set "$HOME/.cache/noisetop/kmnist" 2000
make_set "$tmp/mnist-here" 300
small=(--train-limit 300 --test-limit 100 --epochs 1 --batch 50 --no-progress)

echo "1..13"

out=$("$NT" show --dataset kmnist --data "$tmp/sets/plain" --ascii 2>&1)
check "--dataset kmnist --data DIR: KMNIST, label 3 (tsu)" \
    '[[ "$out" == "KMNIST ($tmp/sets/plain)"* && "$out" == *"label 3 (tsu)"* ]]'
out=$("$NT" show --dataset fashion --data "$tmp/sets/plain" --ascii 2>&1)
check "--dataset fashion --data DIR: label 3 (Dress)" \
    '[[ "$out" == "Fashion-MNIST ("* && "$out" == *"label 3 (Dress)"* ]]'
out=$("$NT" show --data "$tmp/sets/plain" --ascii 2>&1)
check "no --dataset: MNIST, a bare label 3" \
    '[[ "$out" == "MNIST ("* && "$out" == *"label 3"* && "$out" != *"label 3 ("* ]]'
out=$("$NT" show --dataset cifar10 2>&1)
check "an unknown --dataset is a usage error (exit 2) naming the sets" \
    '[ $? -eq 2 ] && [[ "$out" == *"mnist|fashion|kmnist"* ]]'

# The search: KMNIST in the XDG cache; $NOISETOP_DATA on MNIST is not
# taken for it, nor for Fashion-MNIST.
out=$(NOISETOP_DATA=$tmp/mnist-here "$NT" show --dataset kmnist 2>&1)
check "--dataset kmnist finds ~/.cache/noisetop/kmnist past an MNIST \$NOISETOP_DATA" \
    '[[ "$out" == "KMNIST ($HOME/.cache/noisetop/kmnist)"* ]]'
out=$(NOISETOP_DATA=$tmp/mnist-here "$NT" show --dataset mnist 2>&1)
check "--dataset mnist takes \$NOISETOP_DATA" \
    '[[ "$out" == "MNIST ($tmp/mnist-here)"* ]]'
if [ -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
	out=$(NOISETOP_DATA=$tmp/mnist-here "$NT" show --dataset fashion 2>&1)
	check "--dataset fashion: Debian's copy, not \$NOISETOP_DATA's MNIST" \
	    '[[ "$out" == "Fashion-MNIST (/usr/share/datasets/fashion-mnist)"* ]]'
else
	out=$(NOISETOP_DATA=$tmp/mnist-here "$NT" show --dataset fashion 2>&1)
	check "--dataset fashion found nowhere: exit 1, every place named, no synthetic digits" \
	    '[ $? -eq 1 ] && [[ "$out" == *"Fashion-MNIST not found (looked in $tmp/mnist-here, data/fashion,"* && "$out" != *SYNTHETIC* ]]'
fi
out=$(XDG_CACHE_HOME=$tmp/none "$NT" show --dataset kmnist 2>&1)
check "--dataset kmnist found nowhere: exit 1, no synthetic digits" \
    '[ $? -eq 1 ] && [[ "$out" == *"KMNIST not found (looked in"*"make data DATASET=kmnist"* && "$out" != *SYNTHETIC* ]]'

# The run records the set; resume loads it again.  The job stops at a
# test point (before epoch 2, epoch 1 on disk): SIGINT then, whatever the
# CPU's speed.
NOISETOP_TEST_STOP=1:2:0 NOISETOP_TEST_STOP_FILE="$tmp/stop" \
    "$NT" train --dataset kmnist --train-limit 2000 --test-limit 100 \
    --epochs 20 --batch 100 --threads 1 --no-progress --runs "$tmp/runs" \
    >"$tmp/out" 2>&1 &
pid=$!
# (polls for the test point, up to 300 s; never signals a job that has
# not reached it)
for _ in $(seq 3000); do
	[ -s "$tmp/stop" ] && break
	sleep 0.1
done
out=$(cat "$tmp/out")
check "the job holds at its test point before epoch 2" '[ -s "$tmp/stop" ]'
if [ -s "$tmp/stop" ]; then
	kill -INT "$pid"
	rm -f "$tmp/stop"
else
	kill -KILL "$pid"
fi
wait "$pid"
run=$(sed -n 's|^run .*/||p' "$tmp/out")
out=$(cat "$tmp/runs/$run/config.txt" 2>&1)
check "config.txt records 'dataset = kmnist'" '[[ "$out" == *"dataset = kmnist"* ]]'
out=$("$NT" runs --json --runs "$tmp/runs" 2>&1)
check "runs --json is JSON naming the run and its set" \
    'python3 -c "import json, sys; r = json.loads(sys.argv[1])[\"runs\"][0]; sys.exit(not (r[\"id\"] == sys.argv[2] and r[\"data\"] == \"KMNIST\" and r[\"finished\"] is False))" "$out" "$run"'
# Resume from elsewhere with the cache gone from the search: the run's own
# directory and set.
out=$(cd "$tmp" && XDG_CACHE_HOME=$tmp/none timeout 120 "$NT" resume "$run" \
    --runs "$tmp/runs" --no-progress 2>&1)
check "resume reloads KMNIST from the run's directory" \
    '[[ "$out" == *"KMNIST ($HOME/.cache/noisetop/kmnist)"* && "$out" == *"Epoch 20/20"* ]]'
out=$("$NT" runs --json --runs "$tmp/runs" 2>&1)
check "runs --json: finished, best_val a fraction" \
    'python3 -c "import json, sys; r = json.loads(sys.argv[1])[\"runs\"][0]; sys.exit(not (r[\"finished\"] is True and 0 <= r[\"best_val\"] <= 1))" "$out"'
exit 0
