#!/usr/bin/env bash
# TAP test for scripts/fetch-mnist. Serves IDX files that the test makes
# itself (a small MNIST-shaped set, gzipped) over a python3 HTTP server on
# 127.0.0.1, passes their SHA-256 sums through NOISETOP_MNIST_SUMS, and runs
# the real script against it: download, no-op second run, corrupt and
# truncated files, dead mirrors, no network at all, wget, interruption; then
# noisetop loads what was downloaded. Never contacts the real mirrors.
# Helpers run through check/eval/trap (SC2317), eval takes single quotes (SC2016).
# shellcheck disable=SC2317,SC2016

set -u

here=$(cd -- "$(dirname -- "$0")" && pwd)
script=$here/../scripts/fetch-mnist
NT=${NOISETOP:-$here/../noisetop}
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
	t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
small=t10k-labels-idx1-ubyte.gz # the file the corruption tests break

for t in python3 curl; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done
have_wget=0
command -v wget >/dev/null 2>&1 && have_wget=1

# --- TAP ---------------------------------------------------------------------

n=0
failed=0
ok() { # ok COND-STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
check() { # check NAME COMMAND...: ok when COMMAND succeeds
	local name=$1
	shift
	"$@"
	ok $? "$name"
}
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
diag() { sed 's/^/# /' "$@"; }

# --- fixtures ------------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-t.XXXXXX") || exit 1
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The set: 300 training and 100 test images of 28x28 in IDX, gzipped, with
# a pattern that gzip cannot shrink to nothing; and their sums.
shared=$work/set
mkdir -p "$shared"
python3 - "$shared" <<'PY'
import gzip, random, struct, sys
d = sys.argv[1]
r = random.Random(7)
def write(name, magic, dims, data):
    with gzip.open(d + "/" + name, "wb") as f:
        f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", x) for x in dims) + data)
for prefix, n in (("train", 300), ("t10k", 100)):
    write(prefix + "-images-idx3-ubyte.gz", 0x803, (n, 28, 28),
          bytes(r.randrange(256) if r.random() < 0.2 else 0 for _ in range(n * 784)))
    write(prefix + "-labels-idx1-ubyte.gz", 0x801, (n,), bytes(i % 10 for i in range(n)))
PY
(cd "$shared" && sha256sum -- "${files[@]}") >"$work/sums"
export NOISETOP_MNIST_SUMS=$work/sums

srv=$work/srv
mkdir -p "$srv/good" "$srv/corrupt" "$srv/trunc"
for f in "${files[@]}"; do
	cp -- "$shared/$f" "$srv/good/$f"
	ln -s "../good/$f" "$srv/corrupt/$f"
	ln -s "../good/$f" "$srv/trunc/$f"
done
rm -f "$srv/corrupt/$small" "$srv/trunc/$small"
cp -- "$shared/$small" "$srv/corrupt/$small"
chmod u+w "$srv/corrupt/$small"
# Change one byte in the middle.
size=$(wc -c <"$shared/$small")
printf '\xa5' | dd of="$srv/corrupt/$small" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
head -c $((size / 2)) "$shared/$small" >"$srv/trunc/$small"

# wait_port LOG: print the port the server announced in LOG (5 s at most).
wait_port() {
	local port
	for _ in $(seq 100); do
		port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
		if [ -n "$port" ]; then
			echo "$port"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# The mirror: a static server on a free loopback port chosen by the kernel.
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$srv" \
	>"$work/http.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/http.log") || {
	echo "1..0 # SKIP could not start python3 -m http.server"
	cat "$work/http.log" >&2
	exit 0
}
base=http://127.0.0.1:$port

# A loopback port with nothing listening.
dead=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dead2=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# A server that sends the headers and 4 KiB of a 9.9 MB body, then stalls.
python3 -u -c '
import socket, threading, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
print("stalling on port", s.getsockname()[1])
def serve(c):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 9912422\r\n\r\n" + b"x" * 4096)
        time.sleep(120)
    except OSError:
        pass
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' >"$work/stall.log" 2>&1 &
pids+=($!)
stall=$(wait_port "$work/stall.log") || stall=

# A server that accepts connections and never says a word.
python3 -u -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(64)
print("silent on port", s.getsockname()[1])
held = []
end = time.time() + 300
while time.time() < end:
    c, _ = s.accept()
    held.append(c)
' >"$work/silent.log" 2>&1 &
pids+=($!)
silent=$(wait_port "$work/silent.log") || silent=$dead

# A curl that records being called, to prove the wget path uses wget only.
mkdir -p "$work/stub"
printf '#!/bin/sh\ntouch "%s"\nexit 99\n' "$work/curl-called" >"$work/stub/curl"
chmod +x "$work/stub/curl"

gets() { grep -c '"GET ' "$work/http.log"; }

# run DEST MIRRORS [VAR=VALUE...]: run the script, output in $work/out, $work/err.
run() {
	local dest=$1 mirrors=$2
	shift 2
	env NOISETOP_MNIST_MIRROR="$mirrors" "$@" "$script" "$dest" \
		>"$work/out" 2>"$work/err" </dev/null
	rc=$?
}

same_as_shared() { # all four files in DIR identical to the official ones
	local f
	for f in "${files[@]}"; do
		cmp -s -- "$shared/$f" "$1/$f" || return 1
	done
}
no_temp() { # no temporary or partial files in DIR
	[ -z "$(find "$1" -mindepth 1 -name '.*' -print -quit)" ]
}
only_files() { # DIR holds exactly the files named, nothing else
	local dir=$1 f have want=
	shift
	have=$(cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
	for f in $(printf '%s\n' "$@" | LC_ALL=C sort); do want="$want$f "; done
	[ "$have" = "$want" ] || { echo "# in $dir: '$have', expected '$want'"; return 1; }
}
seed_except_small() { # DIR with the three official files other than $small
	local f
	mkdir -p "$1"
	for f in "${files[@]}"; do
		[ "$f" = "$small" ] || cp -- "$shared/$f" "$1/$f"
	done
}
others=() # the three files besides $small
for f in "${files[@]}"; do [ "$f" = "$small" ] || others+=("$f"); done

echo "1..38"

# --- 1. a fresh download ----------------------------------------------------

d=$work/d1
run "$d" "$base/good/"
ok $rc "downloads the four files into a fresh directory (exit 0)"
[ $rc -eq 0 ] || diag "$work/err"
check "the files are identical to the official ones" same_as_shared "$d"
check "no temporary files are left" no_temp "$d"
check "says where the files are and how noisetop finds them" \
	grep -q "verified in $d" "$work/out"
grep -q "noisetop" "$work/out"
ok $? "mentions noisetop in the final message"

# --- 2. a second run is a no-op --------------------------------------------

before=$(gets)
mtime=$(stat -c %Y "$d/train-images-idx3-ubyte.gz")
run "$d" "$base/good/"
ok $rc "a second run succeeds"
check "a second run downloads nothing" test "$(gets)" -eq "$before"
grep -q "already present and verified" "$work/out"
ok $? "a second run says the files are present and verified"
check "a second run leaves the files untouched" \
	test "$(stat -c %Y "$d/train-images-idx3-ubyte.gz")" -eq "$mtime"

# --- 3. a corrupt file is rejected ----------------------------------------

d=$work/d3
seed_except_small "$d"
run "$d" "$base/corrupt/"
check "a corrupt download exits non-zero" test $rc -ne 0
grep -q "fetch-mnist: $small: checksum mismatch from $base/corrupt/$small" "$work/err"
s=$?
ok $s "a corrupt download is reported as a checksum mismatch with its URL"
[ $s -eq 0 ] || diag "$work/err"
check "nothing is left of the corrupt file, no temporary files" \
	only_files "$d" "${others[@]}"

# --- 4. a truncated file is rejected ----------------------------------------

d=$work/d4
seed_except_small "$d"
run "$d" "$base/trunc/"
check "a truncated download exits non-zero" test $rc -ne 0
grep -q "$small: checksum mismatch from $base/trunc/$small" "$work/err"
ok $? "a truncated download is reported as a checksum mismatch"
check "nothing is left of the truncated file, no temporary files" \
	only_files "$d" "${others[@]}"

# --- a file present with a wrong sum is downloaded again -------------------

d=$work/dwrong
seed_except_small "$d"
cp -- "$srv/corrupt/$small" "$d/$small"
before=$(gets)
run "$d" "$base/good/"
ok $rc "a present file with a wrong checksum is downloaded again (exit 0)"
check "... only that file is fetched, and it is now the official one" \
	eval 'test "$(gets)" -eq $((before + 1)) && same_as_shared "$d" && no_temp "$d"'

# --- 5. fallback to the second mirror --------------------------------------

d=$work/d5
run "$d" "http://127.0.0.1:$dead/ $base/good/"
ok $rc "a dead first mirror falls back to the second (exit 0)"
[ $rc -eq 0 ] || diag "$work/err"
check "... and the files are the official ones" same_as_shared "$d"
grep -q "skipping http://127.0.0.1:$dead/: no answer" "$work/err"
ok $? "... and the dead mirror is reported"

d=$work/d5b
seed_except_small "$d"
run "$d" "$base/corrupt/ $base/good/"
check "a corrupt first mirror falls back to the second" \
	eval '[ $rc -eq 0 ] && same_as_shared "$d" && no_temp "$d" &&
		grep -q "checksum mismatch" "$work/err"'

# --- 6. all mirrors dead ----------------------------------------------------

d=$work/d6
run "$d" "http://127.0.0.1:$dead/ http://127.0.0.1:$dead2/"
check "all mirrors dead exits non-zero" test $rc -ne 0
grep -q "no MNIST mirror answered within 2 s (tried http://127.0.0.1:$dead/ http://127.0.0.1:$dead2/): no network?" "$work/err"
ok $? "all mirrors dead says so in one line, naming the mirrors"
check "all mirrors dead leaves no files at all" only_files "$d"
check "all mirrors dead: one line for the whole set" \
	test "$(grep -c . "$work/err")" -eq 1

# A network that swallows requests (connections accepted, never answered)
# costs the probe's 2 s once, not every file's timeouts from every mirror.
d=$work/d6b
t0=$(date +%s)
run "$d" "http://127.0.0.1:$silent/ http://127.0.0.1:$silent/b/"
t1=$(date +%s)
check "no network: gives up after the probe (took $((t1 - t0)) s, at most 10), one line" \
	eval '[ $rc -ne 0 ] && [ $((t1 - t0)) -le 10 ] && grep -q "no network" "$work/err" &&
		[ "$(grep -c . "$work/err")" -eq 1 ]'

# What was downloaded is what noisetop loads.
if [ -x "$NT" ]; then
	out=$("$NT" show --data "$work/d1" --count 1 2>&1)
	check "noisetop loads the downloaded set (300 train images)" \
		eval '[[ "$out" == MNIST* ]] && "$NT" show --data "$work/d1" --index 299 --count 1 >/dev/null 2>&1'
else
	skip "no noisetop binary at $NT"
fi

# --- 7. wget ---------------------------------------------------------------

if [ $have_wget -eq 1 ]; then
	d=$work/d7
	rm -f "$work/curl-called"
	run "$d" "http://127.0.0.1:$dead/ $base/good/" \
		NOISETOP_FETCH_TOOL=wget PATH="$work/stub:$PATH"
	ok $rc "wget: downloads via the fallback mirror (exit 0)"
	[ $rc -eq 0 ] || diag "$work/err"
	check "wget: the files are the official ones, no temporary files" \
		eval 'same_as_shared "$d" && no_temp "$d"'
	check "wget: curl was not used" test ! -e "$work/curl-called"

	d=$work/d7b
	seed_except_small "$d"
	run "$d" "$base/corrupt/" NOISETOP_FETCH_TOOL=wget
	check "wget: a corrupt download is rejected and nothing is left" \
		eval '[ $rc -ne 0 ] && grep -q "$small: checksum mismatch" "$work/err" &&
			only_files "$d" "${others[@]}"'
else
	for _ in 1 2 3 4; do skip "wget is not installed"; done
fi

# --- interruption during a stalled download ---------------------------------

# interrupt TOOL: start a download from the stalling server, TERM the script
# once the partial file has data, and check that nothing is left.
interrupt() {
	local d=$work/int-$1 rc t0 t1 part
	mkdir -p "$d"
	NOISETOP_FETCH_TOOL=$1 NOISETOP_MNIST_MIRROR="http://127.0.0.1:$stall/" \
		"$script" "$d" >/dev/null 2>"$work/err" </dev/null &
	local pid=$!
	for _ in $(seq 100); do
		part=$(find "$d" -name '.*.part.*' -size +0 -print -quit)
		[ -n "$part" ] && break
		sleep 0.05
	done
	t0=$(date +%s)
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	t1=$(date +%s)
	[ -n "$part" ] && [ "$rc" -ne 0 ] && [ $((t1 - t0)) -le 3 ] && only_files "$d"
}
if [ -n "$stall" ]; then
	check "curl: killed mid-download, it exits at once and leaves nothing" interrupt curl
	if [ $have_wget -eq 1 ]; then
		check "wget: killed mid-download, it exits at once and leaves nothing" interrupt wget
	else
		skip "wget is not installed"
	fi
else
	skip "the stalling server did not start"
	skip "the stalling server did not start"
fi

# --- other sets: --dataset fashion|kmnist ------------------------------------

d=$work/dfashion
env NOISETOP_MNIST_MIRROR="$base/good/" "$script" --dataset fashion "$d" \
	>"$work/out" 2>"$work/err" </dev/null
rc=$?
[ $rc -eq 0 ] && same_as_shared "$d" &&
	grep -q "four Fashion-MNIST files downloaded and verified" "$work/out" &&
	grep -q -- "--dataset fashion" "$work/out"
ok $? "--dataset fashion: downloads, verifies, and names the set and the option"
[ $rc -eq 0 ] || diag "$work/err"
d=$work/dkmnist
env -u NOISETOP_MNIST_SUMS NOISETOP_MNIST_MIRROR="$base/good/" "$script" \
	--dataset=kmnist "$d" >"$work/out" 2>"$work/err" </dev/null
rc=$?
[ $rc -ne 0 ] && grep -q "checksum mismatch" "$work/err" && only_files "$d"
ok $? "--dataset=kmnist checks KMNIST's own published sums (these files fail them)"
"$script" --dataset cifar10 "$work/dx" >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "mnist, fashion or kmnist" "$work/err"
ok $? "an unknown --dataset is a usage error naming the sets (exit 2)"

# --- usage -------------------------------------------------------------------

"$script" >/dev/null 2>&1
check "no argument is a usage error (exit 2)" test $? -eq 2
NOISETOP_FETCH_TOOL=ftp "$script" "$work/dx" >/dev/null 2>&1
check "an unknown NOISETOP_FETCH_TOOL is an error (exit 2)" test $? -eq 2

[ "$n" -eq 38 ] || echo "# ran $n tests, planned 38"
exit $((failed > 0))
