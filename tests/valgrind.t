#!/bin/sh
# valgrind on short headless runs: no invalid reads or writes, no leaks
# (libgomp's thread pool keeps a "possibly lost" block per thread: not ours).
# Always on the synthetic digits (an empty HOME, no MNIST anywhere), on real
# MNIST when it is beside the repository, and on a bad --data on purpose.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
DATA=$(realpath -m "${NOISETOP_DATA:-../shared/data/mnist}")
if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
echo "1..4"
n=0
# check NAME WANT-EXIT ARGS...: one run under valgrind, from an empty dir
# (the command: $CMD, train by default).
check() {
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	(cd "$tmp/home" && HOME="$tmp/home" NOISETOP_DATA= XDG_CACHE_HOME= \
	    GOMP_SPINCOUNT=10000 valgrind --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
	    "$NT" "${CMD:-train}" "$@" --train-limit 256 --test-limit 64 --hidden 32 \
	    --epochs 1 --no-progress --runs "$tmp/runs" >"$tmp/log" 2>&1)
	rc=$?
	if [ $rc -eq "$want" ] && grep -q "ERROR SUMMARY: 0 errors" "$tmp/log"
	then
		echo "ok $n - valgrind clean: $name (exit $rc)"
	else
		echo "not ok $n - valgrind: $name (exit $rc, want $want)"
		sed 's/^/# /' "$tmp/log" | tail -30
	fi
}
check "noisetop train on the synthetic digits" 0
grep -q "SYNTHETIC" "$tmp/log" || echo "# warning: not synthetic?"
CMD=sweep check "noisetop sweep --jobs 2: two rows at a time, 3 rows" 0 \
    --jobs 2 --threads 2 --scales 0,0.5,1
if [ -e "$DATA/train-images-idx3-ubyte.gz" ] ||
    [ -e "$DATA/train-images-idx3-ubyte" ]; then
	check "noisetop train --data $DATA" 0 --data "$DATA"
else
	n=$((n + 1))
	echo "ok $n # skip no MNIST at $DATA"
fi
# A bad --data fails on purpose: exit 1, no errors.
check "noisetop train --data /nonexistent-on-purpose" 1 \
    --data /nonexistent-on-purpose
