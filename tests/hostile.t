#!/bin/bash
# Hostile files and full disks: a FIFO, a character device, a socket or a
# directory in place of a data file is refused at once with one line; a
# runs directory that cannot be written is refused before training; a disk
# that fills up mid-run (a small tmpfs) keeps the last complete files, ends
# the job as interrupted, and the run resumes once there is room; a full
# disk under --csv keeps the previous export.  Needs no MNIST: the data set
# is made here, or the synthetic digits are used.
cd "$(dirname "$0")/.." || exit 1
NT=$(realpath "${NOISETOP:-./noisetop}")
tmp=$(mktemp -d)
mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; echo "# got: $out"; fi; }
# Every run starts from an empty HOME with no MNIST anywhere.
export HOME=$tmp/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME=
mkdir -p "$HOME"
cd "$HOME" || exit 1
small=(--train-limit 300 --test-limit 100 --epochs 1 --no-progress)

# A small MNIST-shaped set in IDX, gzipped.
set=$tmp/set
mkdir -p "$set"
python3 - "$set" <<'PY'
import gzip, struct, sys
d = sys.argv[1]
for prefix, n in (("train", 300), ("t10k", 100)):
    with gzip.open(d + "/" + prefix + "-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + bytes((i * 7) % 256 for i in range(n * 784)))
    with gzip.open(d + "/" + prefix + "-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n)))
PY
out=$("$NT" show --data "$set" --count 1 2>&1)
check "the made set loads" '[[ "$out" == MNIST* ]]'

# hostile KIND MAKE-COMMAND: the training images replaced by KIND.
hostile() {
	local kind=$1 make=$2 d=$tmp/h-${1// /-} rc
	mkdir -p "$d"
	cp "$set"/t10k-* "$set"/train-labels-* "$d"/
	eval "$make $d/train-images-idx3-ubyte"
	out=$(timeout 10 "$NT" train --data "$d/" "${small[@]}" --runs "$tmp/r" 2>&1)
	rc=$?
	check "$kind as a data file: exit 1 at once, one line naming it" \
	    '[ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
	    [[ "$out" == "noisetop: $d/train-images-idx3-ubyte: is $kind, not a data file" ]]'
}
hostile "a FIFO" mkfifo
if [ "$(id -u)" -eq 0 ]; then
	mkchr() { mknod -m 666 "$1" c 1 3; }   # /dev/null's numbers
	hostile "a character device" mkchr
else
	skip "a character device needs root for mknod"
fi
hostile "a socket" "python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])'"
hostile "a directory" "mkdir"

# Runs directories that cannot be written: refused before any training.
touch "$tmp/afile"
out=$("$NT" train "${small[@]}" --runs "$tmp/afile/runs" 2>&1)
rc=$?
check "runs under a file: refused with the path and the reason" \
    '[ $rc -ne 0 ] && [[ "$out" == *"$tmp/afile/runs"*"Not a directory"* ]] && [[ "$out" != *Epoch* ]]'
can_mount=0
mkdir -p "$tmp/ro" "$tmp/full" "$tmp/exp"
if mount -t tmpfs -o ro,size=1m tmpfs "$tmp/ro" 2>/dev/null; then
	mounts+=("$tmp/ro")
	can_mount=1
fi
if [ $can_mount -eq 1 ]; then
	out=$("$NT" train "${small[@]}" --runs "$tmp/ro/runs" 2>&1)
	rc=$?
	check "a read-only runs directory: refused before training, path and reason" \
	    '[ $rc -ne 0 ] && [[ "$out" == *"$tmp/ro/runs"*"Read-only file system"* ]] && [[ "$out" != *Epoch* ]]'
elif [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$tmp/ro/runs" && chmod 555 "$tmp/ro/runs"
	out=$("$NT" train "${small[@]}" --runs "$tmp/ro/runs" 2>&1)
	rc=$?
	check "an unwritable runs directory: refused before training, path and reason" \
	    '[ $rc -ne 0 ] && [[ "$out" == *"$tmp/ro/runs"*"Permission denied"* ]] && [[ "$out" != *Epoch* ]]'
else
	skip "root without mount(2) here: no way to make an unwritable directory"
fi

# A disk that fills up: one checkpoint (about 8 MB) fits in 12 MB, the next
# one's temporary file does not.
if [ $can_mount -eq 1 ] && mount -t tmpfs -o size=12m tmpfs "$tmp/full"; then
	mounts+=("$tmp/full")
	out=$("$NT" train --train-limit 300 --test-limit 100 --epochs 3 \
	    --no-progress --runs "$tmp/full/runs" 2>&1)
	rc=$?
	d=$(ls -d "$tmp"/full/runs/*-train | head -1)
	check "ENOSPC: the job stops with exit 1, naming the file and the reason" \
	    '[ $rc -eq 1 ] && [[ "$out" == *"$d/ckpt-0.bin: cannot write: No space left on device"* ]]'
	check "ENOSPC: the epoch before is complete on disk, nothing half-written" \
	    '[[ "$out" == *"Epoch 1/3"* ]] && [ "$(grep -c "^0," "$d/results.csv")" -eq 1 ] &&
	    [ -z "$(ls "$d" | grep tmp)" ]'
	out=$("$NT" runs --runs "$tmp/full/runs" 2>&1)
	check "ENOSPC: the run is interrupted after epoch 1" \
	    '[[ "$out" == *"interrupted at scale 0 (1 of 1), epoch 1/3"* ]]'
	mount -o remount,size=64m "$tmp/full"
	out=$("$NT" resume --runs "$tmp/full/runs" --no-progress 2>&1)
	rc=$?
	check "with room again, resume finishes it" \
	    '[ $rc -eq 0 ] && [[ "$out" == *"Epoch 3/3"* ]] && grep -q "state = finished" "$d/state.txt"'
else
	for _ in 1 2 3 4; do skip "mounting a tmpfs is not allowed here"; done
fi

# The same in the dashboard: the job stops, says why, and the run is left
# interrupted at its last saved epoch.
mkdir -p "$tmp/fulld"
if [ $can_mount -eq 1 ] && command -v tmux >/dev/null 2>&1 &&
    mount -t tmpfs -o size=12m tmpfs "$tmp/fulld"; then
	mounts+=("$tmp/fulld")
	T="tmux -L nt-hostile-$$ -f /dev/null"
	$T new-session -d -x 200 -y 40 -s f "'$NT' --train-limit 300 \
	    --test-limit 100 --epochs 3 --runs '$tmp/fulld/runs'; sleep 600"
	seen() {  # seen REGEX: until the screen shows it (at most 60 s)
		local i
		for ((i = 0; i < 600; i++)); do
			$T capture-pane -p -t f | grep -Eq -- "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	seen "Samples" && $T send-keys -t f t && seen "Enter" &&
	    $T send-keys -t f Enter
	seen "run not saved: .*ckpt-0.bin: cannot write"
	rc=$?
	d=$(ls -d "$tmp"/fulld/runs/*-train 2>/dev/null | head -1)
	check "dashboard on a full disk: the job stops, names the file, run interrupted at epoch 1" \
	    '[ $rc -eq 0 ] && grep -q "state = interrupted" "$d/state.txt" && grep -q "epoch = 1" "$d/state.txt"'
	$T kill-server 2>/dev/null
else
	skip "mounting a tmpfs is not allowed here (or no tmux)"
fi

# A full disk under --csv: the previous export stays as it was.
if [ $can_mount -eq 1 ] && mount -t tmpfs -o size=256k tmpfs "$tmp/exp"; then
	mounts+=("$tmp/exp")
	echo "old export" >"$tmp/exp/x.csv"
	dd if=/dev/zero of="$tmp/exp/fill" bs=4k 2>/dev/null
	out=$("$NT" train "${small[@]}" --runs "$tmp/r" --csv "$tmp/exp/x.csv" 2>&1)
	rc=$?
	check "a full disk under --csv: exit 1, names the file, the old export intact" \
	    '[ $rc -eq 1 ] && [[ "$out" == *"$tmp/exp/x.csv: cannot"*"No space left on device"* ]] &&
	    [ "$(cat "$tmp/exp/x.csv")" = "old export" ]'
else
	skip "mounting a tmpfs is not allowed here"
fi

# --csv naming a directory: the rename over it fails; exit 1 naming it, no
# "Wrote", and no temporary file left beside it.
mkdir -p "$tmp/csvdir/out.csv"
out=$("$NT" train "${small[@]}" --runs "$tmp/r" --csv "$tmp/csvdir/out.csv" 2>&1)
rc=$?
check "--csv naming a directory: exit 1, names it, nothing left beside it" \
    '[ $rc -eq 1 ] && [[ "$out" == *"$tmp/csvdir/out.csv: cannot write"* ]] &&
    [[ "$out" != *Wrote* ]] && [ "$(ls "$tmp/csvdir")" = "out.csv" ]'
echo "1..$n"
