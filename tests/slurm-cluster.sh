# A single-node Slurm on loopback, for tests: source this file, then
#
#	slurm_cluster_skip_reason && { echo "1..0 # SKIP $SLURM_CLUSTER_SKIP"; exit 0; }
#	slurm_cluster_start || bail out	  # exports SLURM_CONF for the clients
#	... sbatch, squeue, scontrol, scancel ...
#	slurm_cluster_stop		  # also runs on EXIT
#
# Everything lives in one temporary directory: munged with its own key,
# socket, pid, seed and log files; slurmctld and slurmd with a generated
# slurm.conf (free TCP ports picked at start, state, spool, pid and log files
# in the directory). Nothing in /etc, /run or /var is read or written, no
# systemd is needed, and a system munged or slurmd, if one runs, is left
# alone: different socket, ports and pid files. Needs root (slurmd launches
# jobs as their owner) and Debian's slurm-wlm and munge packages.
#
# The daemons run in the foreground (-F, -D) as children of the sourcing
# shell, so their PIDs are known exactly and slurm_cluster_stop can kill and
# wait for exactly them. Every wait polls a condition with a deadline; no
# fixed sleep decides anything.

SLURM_CLUSTER_DIR=
SLURM_CLUSTER_PIDS=
SLURM_CLUSTER_SKIP=
SLURM_CLUSTER_STARTUP_MS=

# slurm_cluster_skip_reason: true (0) when the cluster cannot be started here,
# with the reason in SLURM_CLUSTER_SKIP; false (1) when it can.
slurm_cluster_skip_reason() {
	local c
	if [ "$(id -u)" -ne 0 ]; then
		SLURM_CLUSTER_SKIP="slurmd needs root"
		return 0
	fi
	for c in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
		if ! command -v "$c" >/dev/null 2>&1; then
			SLURM_CLUSTER_SKIP="no $c (apt-get install slurm-wlm munge)"
			return 0
		fi
	done
	return 1
}

# slurm_until SECONDS CMD...: run CMD every 20 ms until it succeeds (0),
# returns 2 (give up at once, e.g. a daemon died) or SECONDS pass (1).
slurm_until() {
	local deadline=$((${EPOCHREALTIME/./} + $1 * 1000000)) rc
	shift
	while :; do
		"$@"
		rc=$?
		[ "$rc" -eq 0 ] && return 0
		[ "$rc" -eq 2 ] && return 1
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# _slurm_cluster_free_ports N: N distinct TCP ports that were free on
# 127.0.0.1 a moment ago, one a line (the kernel picks them; all N sockets are
# held open together so the N ports differ).
_slurm_cluster_free_ports() {
	python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

# _slurm_cluster_alive: every daemon started so far still runs.
_slurm_cluster_alive() {
	local p
	for p in $SLURM_CLUSTER_PIDS; do
		kill -0 "$p" 2>/dev/null || return 1
	done
}

_slurm_cluster_munge_up() {
	_slurm_cluster_alive || return 2
	[ -S "$SLURM_CLUSTER_DIR/munge/munge.socket" ]
}

_slurm_cluster_ctld_up() {
	_slurm_cluster_alive || return 2
	scontrol ping 2>/dev/null | grep -q 'is UP'
}

_slurm_cluster_node_idle() {
	_slurm_cluster_alive || return 2
	[ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]
}

# _slurm_cluster_fail WHAT: print why start-up failed and the daemons' logs
# as TAP comments, stop what was started, return 1.
_slurm_cluster_fail() {
	local f
	echo "# slurm cluster: $1" >&2
	for f in "$SLURM_CLUSTER_DIR"/log/*; do
		[ -s "$f" ] || continue
		echo "# --- $f" >&2
		tail -n 20 "$f" | sed 's/^/#   /' >&2
	done
	slurm_cluster_stop
	return 1
}

# slurm_cluster_start [TIMEOUT]: create the directory, start munged,
# slurmctld and slurmd, and wait (up to TIMEOUT seconds, default 30) until
# the node is idle. Exports SLURM_CONF; sets SLURM_CLUSTER_DIR, the partition
# name SLURM_CLUSTER_PARTITION, the node's CPU count SLURM_CLUSTER_CPUS, and
# SLURM_CLUSTER_STARTUP_MS (the time from nothing to an idle node).
# SLURM_CLUSTER_EXTRA_CONF, if set, is appended to slurm.conf.
# Returns 1, with the logs on stderr and everything stopped, on failure.
slurm_cluster_start() {
	local timeout=${1:-30} d t0 ports ctld_port slurmd_port node cpus mem
	t0=${EPOCHREALTIME/./}
	d=$(mktemp -d /tmp/nt-slurm.XXXXXX) || return 1
	SLURM_CLUSTER_DIR=$d
	SLURM_CLUSTER_PIDS=
	# Replaces the caller's EXIT trap; a caller with its own calls
	# slurm_cluster_stop from it.
	trap slurm_cluster_stop EXIT
	mkdir -p "$d/munge" "$d/log" "$d/state" "$d/spool" "$d/run" "$d/jobs"
	# munged wants its socket directory searchable by all, and no more.
	chmod 0755 "$d/munge"

	# munged refuses a key that others can read. --force: it would also
	# refuse a socket path whose ancestors look unsafe (a /tmp without its
	# sticky bit), which matters nothing for a private test cluster.
	dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 \
	    status=none && chmod 0400 "$d/munge/munge.key" ||
	    { _slurm_cluster_fail "cannot write the munge key"; return 1; }
	munged -F --force --socket="$d/munge/munge.socket" \
	    --key-file="$d/munge/munge.key" --pid-file="$d/run/munged.pid" \
	    --seed-file="$d/munge/munged.seed" \
	    --log-file="$d/log/munged.log" >>"$d/log/munged.out" 2>&1 &
	SLURM_CLUSTER_PIDS="$!"
	slurm_until "$timeout" _slurm_cluster_munge_up ||
	    { _slurm_cluster_fail "munged did not come up"; return 1; }

	ports=$(_slurm_cluster_free_ports 2) ||
	    { _slurm_cluster_fail "no free ports"; return 1; }
	ctld_port=${ports%%$'\n'*}
	slurmd_port=${ports##*$'\n'}
	# slurmd -C reports what the node really has; the node is named
	# ntnode whatever the host is called, and slurmd is told so (-N).
	node=$(slurmd -C 2>/dev/null | head -n 1)
	cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")
	mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
	[ -n "$cpus" ] || cpus=$(nproc)
	[ -n "$mem" ] || mem=1
	SLURM_CLUSTER_CPUS=$cpus
	SLURM_CLUSTER_PARTITION=nt
	cat >"$d/slurm.conf" <<EOF
ClusterName=noisetop
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/%n
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Schedule a batch job when it arrives, not up to 3 s later.
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
# Keep finished jobs' records for an hour: there is no accounting
# database, so scontrol is what reports a finished job's final state.
MinJobAge=3600
NodeName=ntnode NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$SLURM_CLUSTER_PARTITION Nodes=ntnode Default=YES MaxTime=INFINITE State=UP
${SLURM_CLUSTER_EXTRA_CONF:-}
EOF
	export SLURM_CONF="$d/slurm.conf"

	slurmctld -D -i >>"$d/log/slurmctld.out" 2>&1 &
	SLURM_CLUSTER_PIDS="$SLURM_CLUSTER_PIDS $!"
	slurm_until "$timeout" _slurm_cluster_ctld_up ||
	    { _slurm_cluster_fail "slurmctld did not come up"; return 1; }
	slurmd -D -N ntnode >>"$d/log/slurmd.out" 2>&1 &
	SLURM_CLUSTER_PIDS="$SLURM_CLUSTER_PIDS $!"
	slurm_until "$timeout" _slurm_cluster_node_idle ||
	    { _slurm_cluster_fail "node ntnode not idle"; return 1; }
	SLURM_CLUSTER_STARTUP_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

# slurm_cluster_stop: cancel any job still known, then SIGTERM the daemons
# (slurmd, slurmctld, munged: the reverse of start) and wait for each to exit
# (SIGKILL after 10 s). Removes the directory unless SLURM_CLUSTER_KEEP is
# set. Safe to call twice.
slurm_cluster_stop() {
	local p pids="" i
	[ -n "$SLURM_CLUSTER_DIR" ] || return 0
	if [ -n "$SLURM_CLUSTER_PIDS" ] && _slurm_cluster_ctld_up; then
		scancel --quiet "--partition=$SLURM_CLUSTER_PARTITION" \
		    2>/dev/null
		slurm_until 10 _slurm_cluster_no_jobs
	fi
	for p in $SLURM_CLUSTER_PIDS; do
		pids="$p $pids"
	done
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || continue
		for ((i = 0; i < 500; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.02
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SLURM_CLUSTER_STOPPED_PIDS=$SLURM_CLUSTER_PIDS
	SLURM_CLUSTER_PIDS=
	if [ -z "${SLURM_CLUSTER_KEEP:-}" ]; then
		rm -rf "$SLURM_CLUSTER_DIR"
	else
		echo "# slurm cluster kept in $SLURM_CLUSTER_DIR" >&2
	fi
	SLURM_CLUSTER_DIR=
}

_slurm_cluster_no_jobs() {
	[ -z "$(squeue -h -t RUNNING,COMPLETING,CONFIGURING -o %i 2>/dev/null)" ]
}

# Job helpers for tests; all need a started cluster (SLURM_CONF).

# slurm_submit SCRIPT [SBATCH-ARGS...]: submit SCRIPT (a file); print the
# job id. Returns sbatch's status.
slurm_submit() {
	local script=$1 out
	shift
	out=$(sbatch --parsable "$@" "$script") || return
	echo "${out%%;*}"
}

# slurm_submit_array SPEC SCRIPT [SBATCH-ARGS...]: submit SCRIPT as a job
# array with task ids SPEC ("1-2", "2", "1,3"); print the array's job id.
slurm_submit_array() {
	local spec=$1 script=$2
	shift 2
	slurm_submit "$script" "--array=$spec" "$@"
}

# slurm_job_state ID [TASK]: the state of job ID (or of task TASK of array
# ID) as slurmctld knows it: PENDING, RUNNING, COMPLETED, CANCELLED,
# FAILED ...; for an array without TASK, the states of all its tasks, one a
# line. Prints nothing for an unknown job.
slurm_job_state() {
	local id=$1
	[ -n "${2:-}" ] && id="${1}_$2"
	scontrol -o show job "$id" 2>/dev/null |
	    sed -n 's/.* JobState=\([A-Z_]*\).*/\1/p'
}

_slurm_job_settled() {
	local s
	s=$(slurm_job_state "$1")
	[ -n "$s" ] || return 2
	! grep -qvE '^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<<"$s"
}

# slurm_wait_job ID [SECONDS]: wait until job ID (every task of it, for an
# array) has finished, whichever way, polling slurmctld every 20 ms for up to
# SECONDS (default 60). Returns 0 when it has, 1 on time-out or an unknown
# job. A job held by an unsatisfiable dependency never finishes.
slurm_wait_job() {
	slurm_until "${2:-60}" _slurm_job_settled "$1"
}
