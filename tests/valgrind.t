#!/bin/sh
# valgrind on a short headless run: no invalid reads or writes, no leaks
# (libgomp's thread pool keeps a "possibly lost" block per thread: not ours).
cd "$(dirname "$0")/.." || exit 1
NT=${NOISETOP:-./noisetop}
DATA=${NOISETOP_DATA:-../shared/data/mnist}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..2"
n=0
for args in "--data $DATA" "--data /nonexistent-on-purpose"; do
	n=$((n + 1))
	GOMP_SPINCOUNT=10000 valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=3 $NT train $args --train-limit 256 \
	    --test-limit 64 --hidden 32 --epochs 1 --no-progress \
	    --runs "$tmp/runs" >"$tmp/log" 2>&1
	rc=$?
	# The second run fails on purpose (a bad --data): exit 1, no errors.
	want=0
	[ $n -eq 2 ] && want=1
	if [ $rc -eq $want ] && grep -q "ERROR SUMMARY: 0 errors" "$tmp/log"; then
		echo "ok $n - valgrind clean: noisetop train $args (exit $rc)"
	else
		echo "not ok $n - valgrind: noisetop train $args (exit $rc)"
		sed 's/^/# /' "$tmp/log" | tail -30
	fi
done
