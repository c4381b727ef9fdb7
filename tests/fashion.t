#!/bin/bash
# Fashion-MNIST from Debian's dataset-fashion-mnist: one epoch on its first
# 10,000 training images reaches at least 75% on its 10,000 test images
# (Keras's MLP gets about 82%), every output names the set, and labels
# carry their class names.  Skipped, with the reason, when the package is
# not installed (apt-get install dataset-fashion-mnist).
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
FASHION=${NOISETOP_FASHION:-/usr/share/datasets/fashion-mnist}
if [ ! -r "$FASHION/train-images-idx3-ubyte.gz" ]; then
	echo "1..0 # SKIP no Fashion-MNIST at $FASHION (apt-get install dataset-fashion-mnist)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; echo "# got: $out" | head -20; fi; }
# No MNIST anywhere, and not run from the tree: only what is asked for.
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1

echo "1..4"

# Debian's copy is found by name; another (NOISETOP_FASHION) by --data.
where=(--dataset fashion)
[ "$FASHION" = /usr/share/datasets/fashion-mnist ] || where+=(--data "$FASHION")
out=$("$NT" train "${where[@]}" --train-limit 10000 --epochs 1 \
    --no-progress 2>&1)
check "one epoch on Fashion-MNIST trains" '[ $? -eq 0 ]'
check "the output names the set: Fashion-MNIST ($FASHION)" \
    '[[ "$out" == *"Fashion-MNIST ($FASHION), 10000 train / 10000 test"* ]]'
acc=$(sed -n 's/.*test accuracy: \([0-9.]*\).*/\1/p' <<<"$out")
check "at least 75% validation accuracy after one epoch (got ${acc:-none})" \
    'awk -v a="${acc:-0}" "BEGIN { exit !(a >= 0.75) }"'

out=$("$NT" show "${where[@]}" --count 2 --ascii 2>&1)
check "show names each label's class (label 9 (Ankle boot), label 0 (T-shirt/top))" \
    '[[ "$out" == *"#0  label 9 (Ankle boot)"* && "$out" == *"#1  label 0 (T-shirt/top)"* ]]'
exit 0
