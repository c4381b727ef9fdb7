#!/bin/bash
# A real Slurm on loopback (tests/slurm-cluster.sh): a job array with an
# afterok job that gathers its tasks, a cancelled task and its resubmission,
# and a shutdown that leaves no daemon behind. Skips, with the reason, only
# when the daemons cannot start here (not root, slurm-wlm or munge missing).
cd "$(dirname "$0")/.." || exit 1
. tests/slurm-cluster.sh

if slurm_cluster_skip_reason; then
	echo "1..0 # SKIP $SLURM_CLUSTER_SKIP"
	exit 0
fi

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

if ! slurm_cluster_start 30; then
	echo "Bail out! the single-node Slurm did not start"
	exit 1
fi
ok "slurmctld, slurmd and munged up, node idle in ${SLURM_CLUSTER_STARTUP_MS} ms"
dir=$SLURM_CLUSTER_DIR
work=$dir/jobs
conf=$SLURM_CONF

# The job scripts. Each array task leaves a file named after its task id
# (written and renamed, as a shard would); the gather job needs every one of
# them. The task numbered $BLOCK waits until it is cancelled.
cat >"$work/task.sh" <<'EOF'
#!/bin/bash
[ "$SLURM_ARRAY_TASK_ID" = "${BLOCK:-}" ] && exec sleep 600
echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID" \
    >"$OUT/part.$SLURM_ARRAY_TASK_ID.tmp" &&
    mv "$OUT/part.$SLURM_ARRAY_TASK_ID.tmp" "$OUT/part.$SLURM_ARRAY_TASK_ID"
EOF
cat >"$work/gather.sh" <<'EOF'
#!/bin/bash
cat "$OUT/part.1" "$OUT/part.2" >"$OUT/all"
EOF
chmod +x "$work/task.sh" "$work/gather.sh"

# 1. A 2-task array and an afterok job that gathers its output.
out1=$work/run1
mkdir -p "$out1"
opts=(--chdir="$work" --output="$work/%x-%A_%a.out" --export=ALL,OUT="$out1")
arr=$(slurm_submit_array 1-2 "$work/task.sh" "${opts[@]}" -J arr1)
check "sbatch --array=1-2 gives a job id ($arr)" '[[ "$arr" =~ ^[0-9]+$ ]]'
gather=$(slurm_submit "$work/gather.sh" "${opts[@]}" -J gather1 \
    --dependency="afterok:$arr")
check "sbatch --dependency=afterok:$arr gives a job id ($gather)" \
    '[[ "$gather" =~ ^[0-9]+$ ]]'
t0=${EPOCHREALTIME/./}
check "the gather job finishes" 'slurm_wait_job "$gather" 60'
echo "# array + afterok job done in $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
check "both tasks COMPLETED" \
    '[ "$(slurm_job_state "$arr" 1) $(slurm_job_state "$arr" 2)" = "COMPLETED COMPLETED" ]'
check "the gather job COMPLETED" \
    '[ "$(slurm_job_state "$gather")" = COMPLETED ]'
check "each task wrote its own SLURM_ARRAY_TASK_ID" \
    '[ "$(cat "$out1/part.1" 2>/dev/null)" = "task 1 of $arr" ] &&
     [ "$(cat "$out1/part.2" 2>/dev/null)" = "task 2 of $arr" ]'
check "the afterok job ran after both and gathered them" \
    '[ "$(cat "$out1/all" 2>/dev/null)" = "task 1 of $arr
task 2 of $arr" ]'

# 2. A second array whose task 2 is cancelled while it runs: task 1
# completes, task 2 leaves nothing, and the afterok job can never start.
out2=$work/run2
mkdir -p "$out2"
opts=(--chdir="$work" --output="$work/%x-%A_%a.out" --export=ALL,OUT="$out2")
arr2=$(slurm_submit_array 1-2 "$work/task.sh" "${opts[@]}" -J arr2 \
    --export=ALL,OUT="$out2",BLOCK=2)
gather2=$(slurm_submit "$work/gather.sh" "${opts[@]}" -J gather2 \
    --dependency="afterok:$arr2")
task2_running() { [ "$(slurm_job_state "$arr2" 2)" = RUNNING ]; }
check "task 2 of the second array runs" 'slurm_until 60 task2_running'
scancel "${arr2}_2"
check "the second array settles" 'slurm_wait_job "$arr2" 60'
check "its task 1 COMPLETED" '[ "$(slurm_job_state "$arr2" 1)" = COMPLETED ]'
check "its cancelled task 2 is CANCELLED" \
    '[ "$(slurm_job_state "$arr2" 2)" = CANCELLED ]'
check "task 2 wrote nothing" '[ -e "$out2/part.1" ] && [ ! -e "$out2/part.2" ]'
never() {
	scontrol -o show job "$gather2" |
	    grep -q 'JobState=PENDING Reason=DependencyNeverSatisfied'
}
check "its afterok job is stranded (DependencyNeverSatisfied)" \
    'slurm_until 60 never'

# 3. Resubmission: only the unfinished task, and a new afterok job in place
# of the stranded one.
scancel "$gather2"
arr3=$(slurm_submit_array 2 "$work/task.sh" "${opts[@]}" -J arr2-again)
gather3=$(slurm_submit "$work/gather.sh" "${opts[@]}" -J gather2-again \
    --dependency="afterok:$arr3")
check "the resubmitted gather job finishes" 'slurm_wait_job "$gather3" 60'
check "the resubmitted array ran task 2 only" \
    '[ "$(slurm_job_state "$arr3")" = COMPLETED ] &&
     [ "$(slurm_job_state "$arr3" 1)" = "" ]'
check "the run is complete: task 1 of the first try, task 2 of the second" \
    '[ "$(cat "$out2/all" 2>/dev/null)" = "task 1 of $arr2
task 2 of $arr3" ]'

# 4. The scripts src/runs/slurm.c writes (tests/test_slurm write), run by this
# Slurm with a stand-in noisetop in a directory with a space in its name:
# each task records its arguments in RUN/shard.K, merge concatenates them.
gen=${TEST_SLURM:-build/tests/test_slurm}
[ -x "$gen" ] || make -s "$gen" >/dev/null
mkdir -p "$work/fake bin" "$work/gen" "$work/runs"
fake="$work/fake bin/noisetop"
cat >"$fake" <<'EOF'
#!/bin/bash
cmd=$1 run=
[ "$cmd" = merge ] && { cat "$2"/shard.* >"$2/merged.tmp" &&
    mv "$2/merged.tmp" "$2/merged"; exit; }
[ "$cmd" = resume ] && run=$2
all=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2 ;;
	--run-id) run=$runs/$2 ;;
	--shard) k=${2%/*} ;;
	esac
	shift
done
mkdir -p "$run" && printf '%s\n' "${all[@]}" >"$run/shard.$k.tmp" &&
    mv "$run/shard.$k.tmp" "$run/shard.$k"
EOF
chmod +x "$fake"
"$gen" write "$work/gen" "$fake" "$work/runs" 2
jid=$(cd "$work" && sh "$work/gen/submit.sh")
check "the generated submit script submits the array ($jid)" \
    '[[ "$jid" =~ ^[0-9]+$ ]]'
merge_done() { [ -e "$work/runs/$jid/merged" ]; }
check "the generated merge job runs after the array" 'slurm_until 60 merge_done'
want1=$(printf '%s\n' sweep --scales 0,0.5 --note "it's \$HOME" \
    --runs "$work/runs" --run-id "$jid" --shard 1/2 --threads 1)
check "task 1 ran sweep --shard 1/2 with the job's id, quoted words intact" \
    '[ "$(cat "$work/runs/$jid/shard.1")" = "$want1" ]'
want2=${want1/--shard
1\/2/--shard
2/2}
check "task 2 ran sweep --shard 2/2" \
    '[ "$(cat "$work/runs/$jid/shard.2")" = "$want2" ]'
check "merge saw both shards" \
    '[ "$(cat "$work/runs/$jid/merged" 2>/dev/null)" = "$want1
$want2" ]'
# A resubmission of shard 2 alone, by resume, into the same run.
rm "$work/runs/$jid/shard.2" "$work/runs/$jid/merged"
"$gen" write "$work/gen" "$fake" "$work/runs" 2 "$jid" 2
jid2=$(cd "$work" && sh "$work/gen/submit.sh")
check "the resubmission ran shard 2 only and merged again" \
    'slurm_until 60 merge_done && slurm_wait_job "$jid2" &&
     [ "$(slurm_job_state "$jid2" 2)" = COMPLETED ] &&
     [ -z "$(slurm_job_state "$jid2" 1)" ]'
check "shard 2 was resumed in the first run's directory" \
    '[ "$(cat "$work/runs/$jid/shard.2" 2>/dev/null)" = "$(printf "%s\n" \
        resume "$work/runs/$jid" --shard 2/2 --threads 1)" ]'

# 6. The real thing: noisetop slurm --submit runs a tiny sweep as a 2-task
# array of shards and a merge job; the merged run equals the unsharded
# sweep (summary and matrix bit for bit, the history but for seconds).
NT=$(realpath "${NOISETOP:-./noisetop}")
set6=$work/set
mkdir -p "$set6" "$work/ngen" "$work/ngen2"
python3 - "$set6" <<'PY'
import gzip, struct, sys
d = sys.argv[1]
for prefix, n in (("train", 400), ("t10k", 100)):
    with gzip.open(d + "/" + prefix + "-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) +
                bytes(((i * 7919) % 251) if (i // 28) % 3 else 0 for i in range(n * 784)))
    with gzip.open(d + "/" + prefix + "-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n)))
PY
nopts=(--data "$set6" --hidden 32 --epochs 2 --scales 0,1 --seeds 2)
metrics() { grep -v '^#' "$1" | cut -d, -f1-3,5-; }
"$NT" sweep "${nopts[@]}" --no-progress --runs "$work/whole" >/dev/null 2>&1
W=$(ls -d "$work"/whole/*)
sub=$(cd "$work" && "$NT" slurm "${nopts[@]}" --runs "$work/nruns" \
    --array-size 2 --cpus-per-task 1 --out "$work/ngen" --submit 2>&1)
njid=$(sed -n 's/^submitted array job \([0-9]*\).*/\1/p' <<<"$sub")
check "noisetop slurm --submit submits the array ($njid)" \
    '[[ "$njid" =~ ^[0-9]+$ ]]'
# (slurm_until gives up on status 2, grep's for a missing file.)
nmerged() { [ -e "$work/nruns/$njid/state.txt" ] &&
    grep -q "state = finished" "$work/nruns/$njid/state.txt"; }
check "its shards run and the merge job assembles the run" \
    'slurm_until 120 nmerged'
check "the merged run equals the unsharded sweep (summary, matrix; history but seconds)" \
    'cmp "$W/summary.csv" "$work/nruns/$njid/summary.csv" &&
     cmp "$W/matrix.csv" "$work/nruns/$njid/matrix.csv" &&
     diff <(metrics "$W/results.csv") <(metrics "$work/nruns/$njid/results.csv") >&2'

# A second array whose task 2 is cancelled: both tasks are held at a test
# point (testpoint.h, a file per process) until task 2 is cancelled, then
# released; task 1 finishes, the merge is stranded, and --resubmit sends
# shard 2 alone, which resumes and merges.
mkdir -p "$work/hold"
sub=$(cd "$work" && NOISETOP_TEST_STOP=1:2:1 \
    NOISETOP_TEST_STOP_FILE="$work/hold/" "$NT" slurm "${nopts[@]}" \
    --runs "$work/nruns" --array-size 2 --cpus-per-task 1 \
    --out "$work/ngen2" --submit 2>&1)
njid2=$(sed -n 's/^submitted array job \([0-9]*\).*/\1/p' <<<"$sub")
held() { [ "$(ls "$work/hold" | grep -c '^stop\.[0-9]*$')" -eq 2 ]; }
check "second array ($njid2): both tasks held at the test point" \
    'slurm_until 120 held'
scancel "${njid2}_2"
cancelled() { [ "$(slurm_job_state "$njid2" 2)" = CANCELLED ]; }
check "task 2 of the second array is CANCELLED" 'slurm_until 60 cancelled'
rm -f "$work/hold"/stop.*
task1_done() { [ "$(slurm_job_state "$njid2" 1)" = COMPLETED ]; }
check "task 1 completes; the run is not merged" \
    'slurm_until 120 task1_done && [ ! -e "$work/nruns/$njid2/state.txt" ]'
sub=$(cd "$work" && "$NT" slurm --resubmit "$work/nruns/$njid2" \
    --cpus-per-task 1 --out "$work/ngen2" --submit 2>&1)
check "--resubmit writes an array of shard 2 only" \
    'grep -q "^#SBATCH --array=2$" "$work/ngen2/noisetop.sbatch" &&
     grep -q "resume" "$work/ngen2/noisetop.sbatch"'
nmerged2() { [ -e "$work/nruns/$njid2/state.txt" ] &&
    grep -q "state = finished" "$work/nruns/$njid2/state.txt"; }
check "the resubmitted shard finishes and the run merges, equal to the unsharded one" \
    'slurm_until 120 nmerged2 && cmp "$W/summary.csv" "$work/nruns/$njid2/summary.csv"'

# 5. Shutdown: every daemon started is gone, and no process is left that
# carries this cluster's SLURM_CONF (a job or a slurmstepd would), not even
# of a job that was still running.
# A job still running when the cluster stops must not outlive it.
last=$(slurm_submit_array 1 "$work/task.sh" "${opts[@]}" -J left-running \
    --export=ALL,OUT="$out2",BLOCK=1)
last_running() { [ "$(slurm_job_state "$last" 1)" = RUNNING ]; }
check "a job is running as the cluster stops" 'slurm_until 60 last_running'
pids=$SLURM_CLUSTER_PIDS
check "three daemons were running (pids $pids)" \
    '[ "$(wc -w <<<"$pids")" -eq 3 ] && kill -0 $pids'
SLURM_CLUSTER_KEEP=1 slurm_cluster_stop 2>/dev/null
left=""
for p in $pids; do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
check "slurm_cluster_stop ended every daemon by pid" '[ -z "$left" ]'
unset SLURM_CONF # so this shell's own children do not match
strays=$(grep -lsF "SLURM_CONF=$conf" /proc/[0-9]*/environ |
    sed 's|/proc/\([0-9]*\)/environ|\1|' | tr '\n' ' ')
check "no process of this cluster left ($strays)" '[ -z "$strays" ]'
[ -n "${SLURM_CLUSTER_KEEP:-}" ] || rm -rf "$dir"

echo "1..$n"
