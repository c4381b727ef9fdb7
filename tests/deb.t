#!/bin/bash
# The Debian package: dpkg-buildpackage -us -uc -b in a scratch copy of the
# tree builds noisetop_VERSION_ARCH.deb holding the binary, the man page,
# the bash and zsh completions and the docs; lintian (when installed)
# reports no errors; the package unpacked into a scratch root (dpkg -x)
# runs from another directory with an empty HOME, says its version and
# help, and finds Debian's Fashion-MNIST with --dataset fashion when
# dataset-fashion-mnist is installed.  Skipped, with the reason, without dpkg-buildpackage.
cd "$(dirname "$0")/.." || exit 1
src=$PWD
for t in dpkg-buildpackage dh dpkg-deb; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed (apt-get install dpkg-dev debhelper)"
		exit 0
	fi
done
if ! dpkg-checkbuilddeps debian/control >/dev/null 2>&1; then
	echo "1..0 # SKIP the build dependencies are missing: $(dpkg-checkbuilddeps debian/control 2>&1 | sed 's/.*Unmet build dependencies: //')"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

echo "1..9"

# The tree as it is, without what builds leave (the build writes its .deb
# beside the tree: the scratch directory, not the checkout's parent).
mkdir -p "$tmp/src/noisetop"
tar --exclude=./build --exclude='./build-*' --exclude=./noisetop \
    --exclude=./.git --exclude=./data -cf - . | tar -xf - -C "$tmp/src/noisetop"
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg --print-architecture)
deb=$tmp/src/noisetop_${version}_$arch.deb
# Not inside make test's jobserver.
(cd "$tmp/src/noisetop" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b builds $(basename "$deb")" \
    '[ -f "$deb" ] || { tail -n 20 "$tmp/build.log" | sed "s/^/# /"; false; }'
check "the changelog's version is the VERSION file's ($version)" \
    '[ "$version" = "$(cat VERSION)" ]'

files=$(dpkg-deb -c "$deb" 2>/dev/null | awk '{ print $6 }')
have_all=1
for f in ./usr/bin/noisetop ./usr/share/man/man1/noisetop.1.gz \
    ./usr/share/bash-completion/completions/noisetop \
    ./usr/share/zsh/site-functions/_noisetop \
    ./usr/share/doc/noisetop/copyright ./usr/share/doc/noisetop/README.md.gz \
    ./usr/share/doc/noisetop/docs/first-run.md.gz; do
	grep -qxF -- "$f" <<<"$files" || { have_all=0; echo "# missing $f"; }
done
check "it holds the binary, the man page, both completions and the docs" \
    '[ $have_all -eq 1 ]'

if command -v lintian >/dev/null 2>&1; then
	lintian --allow-root "$deb" >"$tmp/lintian.log" 2>&1
	sed 's/^/# /' "$tmp/lintian.log"
	check "lintian reports no errors" '! grep -q "^E:" "$tmp/lintian.log"'
else
	skip "lintian is not installed"
fi

root=$tmp/root home=$tmp/home elsewhere=$tmp/elsewhere
mkdir -p "$root" "$home" "$elsewhere"
dpkg-deb -x "$deb" "$root" 2>/dev/null
nt=$root/usr/bin/noisetop
run() { (cd "$elsewhere" && env -u NOISETOP_DATA -u XDG_CACHE_HOME \
    -u XDG_DATA_HOME HOME="$home" "$nt" "$@"); }
out=$(run --version 2>&1)
check "the installed noisetop --version says $version" \
    '[[ "$out" == "noisetop $version"* ]]'
out=$(run help 2>&1)
check "the installed noisetop help exits 0 with the usage" \
    '[ $? -eq 0 ] && [[ "$out" == *"usage: noisetop"* ]]'
out=$(run show --count 1 --ascii 2>/dev/null)
check "from another directory, without MNIST, it says SYNTHETIC" \
    '[[ "$out" == SYNTHETIC* ]]'
check "the man page renders" \
    'zcat "$root/usr/share/man/man1/noisetop.1.gz" | man -l - >/dev/null 2>&1 ||
     ! command -v man >/dev/null'

fashion=/usr/share/datasets/fashion-mnist
if [ -r "$fashion/train-images-idx3-ubyte.gz" ]; then
	out=$(run show --dataset fashion --count 1 --ascii 2>&1)
	check "--dataset fashion finds Debian's Fashion-MNIST ($fashion) by itself" \
	    '[[ "$out" == "Fashion-MNIST ($fashion)"* && "$out" == *"label 9 (Ankle boot)"* ]]'
else
	skip "dataset-fashion-mnist is not installed"
fi
exit 0
