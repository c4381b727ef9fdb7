#!/bin/sh
# A short libFuzzer run of each reader of untrusted files (IDX/gzip,
# checkpoints, Keras npz, the runs' key = value files) on its seed corpus;
# make fuzz runs them longer.
cd "$(dirname "$0")/.." || exit 1
seconds=${NOISETOP_FUZZ_SECONDS:-15}
if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang not installed (apt-get install clang)"
	exit 0
fi
echo "1..4"
n=0
for f in idx checkpoint npz kv; do
	n=$((n + 1))
	log=$(mktemp)
	if make -s fuzz-build >"$log" 2>&1 &&
	    rm -rf "build/fuzz/corpus-$f" && mkdir -p "build/fuzz/corpus-$f" &&
	    cp tests/fuzz/corpus/$f/* "build/fuzz/corpus-$f/" &&
	    "build/fuzz/fuzz_$f" -max_total_time="$seconds" \
	        -rss_limit_mb=4096 -print_final_stats=1 \
	        "build/fuzz/corpus-$f" >>"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $n - fuzz_$f: $runs inputs in ${seconds}s, no crash"
	else
		echo "not ok $n - fuzz_$f failed"
		sed 's/^/# /' "$log" | tail -40
	fi
	rm -f "$log"
done
