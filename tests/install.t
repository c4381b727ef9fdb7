#!/bin/bash
# make install / uninstall into a DESTDIR: the installed binary runs from
# another directory with an empty HOME, the man page renders without
# warnings and agrees with `noisetop help` and the README's key table, the
# bash and zsh completions answer, uninstall leaves no file behind, and the
# version object is rebuilt when the version changes.
cd "$(dirname "$0")/.." || exit 1
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }
# make from inside `make test` without its jobserver or a user's PREFIX.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u PREFIX -u DESTDIR \
    make --no-print-directory -s "$@"; }

dest=$tmp/dest
mkdir -p "$dest"
mk install DESTDIR="$dest" >"$tmp/install.log" 2>&1
check "make install DESTDIR=... exits 0" '[ $? -eq 0 ] || { sed "s/^/# /" "$tmp/install.log"; false; }'
p=$dest/usr/local
check "binary in PREFIX/bin (default /usr/local)" '[ -x "$p/bin/noisetop" ]'
check "man page in share/man/man1" '[ -f "$p/share/man/man1/noisetop.1" ]'
check "bash completion in share/bash-completion/completions" \
    '[ -f "$p/share/bash-completion/completions/noisetop" ]'
check "zsh completion in share/zsh/site-functions" \
    '[ -f "$p/share/zsh/site-functions/_noisetop" ]'
docs_ok=1
for f in README.md docs/*.md; do
	[ -f "$p/share/doc/noisetop/$f" ] || { docs_ok=0; echo "# missing doc $f"; }
done
check "README and docs/*.md in share/doc/noisetop, in their layout" '[ $docs_ok -eq 1 ]'

# The installed binary, from an empty directory with an empty HOME and no
# NOISETOP_DATA: nothing may come from the source tree.
home=$tmp/home elsewhere=$tmp/elsewhere
mkdir -p "$home" "$elsewhere"
inst() { (cd "$elsewhere" && env -i HOME="$home" PATH="$p/bin:/usr/bin:/bin" \
    LANG=C.UTF-8 "$@"); }

if [ -e .git ]; then
	want=$(git describe --tags --always --dirty 2>/dev/null)
else
	want=$(cat VERSION)
fi
out=$(inst noisetop --version)
check "--version exits 0, first line 'noisetop $want'" \
    '[ $? -eq 0 ] && [ "$(echo "$out" | head -1)" = "noisetop $want" ]'
check "--version names the compiler, OpenMP and the kernels compiled in" \
    '[[ $out == *"compiler  "[a-z]* ]] && [[ $out == *"openmp    "[0-9]* ]] &&
     [[ $out == *"kernels   portable"* ]]'
out=$(inst env NOISETOP_SIMD=portable noisetop version)
check "version: NOISETOP_SIMD=portable -> this CPU uses the portable kernels" \
    '[[ $out == *"this cpu  "*"using portable (gemm portable, adam portable, rng portable), NOISETOP_SIMD=portable"* ]]'
out=$(inst noisetop help)
check "installed 'noisetop help' exits 0" \
    '[ $? -eq 0 ] && [[ $out == "usage: noisetop"* ]]'
out=$(inst noisetop show --count 1 2>"$tmp/show.err")
check "installed 'noisetop show --count 1' runs on synthetic digits" \
    '[ $? -eq 0 ] && [[ $out == SYNTHETIC* ]] && [[ $out == *"label"* ]] &&
     [ "$(echo "$out" | wc -l)" -ge 15 ]'
check "no files appeared in the working directory" \
    '[ -z "$(ls -A "$elsewhere")" ]'

# A real run in a temporary XDG_DATA_HOME, plus a directory that is not a
# run, for the completion of run names.
xdg=$tmp/xdg
mkdir -p "$xdg"
inst env XDG_DATA_HOME="$xdg" noisetop train --epochs 1 --train-limit 64 \
    --test-limit 32 --hidden 8 --threads 1 --no-progress >/dev/null 2>&1
runs=$(cd "$xdg/noisetop/runs" 2>/dev/null && ls -d -- */ | tr -d /)
check "a short train left one run under \$XDG_DATA_HOME/noisetop/runs" \
    '[ -n "$runs" ] && [ "$(echo "$runs" | wc -l)" -eq 1 ]'
mkdir -p "$xdg/noisetop/runs/not-a-run" "$tmp/other-runs/20990101-000000-sweep"
touch "$tmp/other-runs/20990101-000000-sweep/config.txt"

# ---- the man page ----
man1=$p/share/man/man1/noisetop.1
if command -v mandoc >/dev/null; then
	lint=$(mandoc -Tlint -W warning "$man1" 2>&1)
	check "mandoc -Tlint: no warnings" '[ -z "$lint" ] || { echo "$lint" | sed "s/^/# /"; false; }'
else
	skip "mandoc not installed"
fi
if command -v man >/dev/null && man --help 2>&1 | grep -q -- --warnings; then
	warn=$(man --warnings -E UTF-8 -l "$man1" 2>&1 >/dev/null | grep -v 'mandoc.db')
	check "man --warnings -l: no warnings" '[ -z "$warn" ] || { echo "$warn" | sed "s/^/# /"; false; }'
else
	skip "man-db not installed"
fi

if command -v mandoc >/dev/null; then
	mandoc -Tascii -O width=78 "$man1" | col -bx >"$tmp/page.txt"
	inst noisetop help >"$tmp/help.txt"
	# `noisetop help CMD`, where it exists, may list more options.
	for c in train compare sweep show runs resume; do
		inst noisetop help "$c" >>"$tmp/help.txt" 2>/dev/null
	done
	# One line per problem; the checks below fail on any.
	perl - "$tmp/help.txt" "$tmp/page.txt" README.md >"$tmp/agree" <<'PERL'
use strict; use warnings;
my ($helpf, $pagef, $readme) = @ARGV;
sub slurp { local $/; open my $f, '<', $_[0] or die "$_[0]: $!"; <$f> }
my $help = slurp($helpf);
my @page = split /\n/, slurp($pagef);
# The page's sections, by their headings at column 0.
my (%sec, $cur);
for (@page) {
	if (/^([A-Z][A-Z ]+)$/) { $cur = $1; next }
	push @{$sec{$cur}}, $_ if defined $cur;
}
# Tags of a section's lists: text at indent 5 up to two spaces or the end.
sub tags { map { /^     (\S.*?)(?:\s{2,}|$)/ ? ($1) : () } @{$sec{$_[0]} || []} }

my %hopt = map { $_ => 1 } $help =~ /(--[a-z][a-z0-9-]*)/g;
my %popt = map { /^(--[a-z][a-z0-9-]*)/ ? ($1 => 1) : () } tags('OPTIONS');
my %pany = map { $_ => 1 } join("\n", @page) =~ /(?<![\w-])(--[a-z][a-z0-9-]*)/g;
print "option $_ is in noisetop help but not in OPTIONS\n"
    for grep { !$popt{$_} } sort keys %hopt;
# --help and --version are the commands help and version, which help lists.
print "option $_ is in the page but not in noisetop help\n"
    for grep { !$hopt{$_} && $_ ne '--help' && $_ ne '--version' } sort keys %pany;

my ($cmds) = $help =~ /^Commands:\n(.*?)\n(?:\S|\n|\z)/ms;
my %hcmd;
for (split /\n/, $cmds // '') {
	my ($names) = /^\s+(.*?)(?:\s{2,}|$)/ or next;
	$hcmd{$_} = 1 for grep { /^[a-z][a-z-]*$/ } split /[\s,]+/, $names;
}
my %pcmd = map { /^([a-z][a-z-]*)/ ? ($1 => 1) : () } tags('COMMANDS');
print "no commands found in noisetop help\n" unless %hcmd;
print "command $_ is in noisetop help but not in COMMANDS\n"
    for grep { !$pcmd{$_} } sort keys %hcmd;
print "command $_ is in COMMANDS but not in noisetop help\n"
    for grep { !$hcmd{$_} } sort keys %pcmd;

# The README's dashboard key table: "| Left / Right, h / l | ... |".
my ($table) = slurp($readme) =~ /^\| key \| does \|\n\|[-|]+\|\n((?:\|.*\n)+)/m;
my @keys;
for (split /\n/, $table // '') {
	my ($k) = /^\|\s*(.*?)\s*\|/ or next;
	push @keys, split /\s*[\/,]\s+|\s+\/\s*/, $k;
}
my %pkey = map { $_ => 1 } map { split /,\s+/ } tags('KEYS');
print "no key table found in the README\n" unless @keys;
print "key '$_' is in the README's table but not in KEYS\n"
    for grep { !$pkey{$_} } @keys;
printf "# %d options, %d commands, %d keys compared\n", scalar(keys %hopt),
    scalar(keys %hcmd), scalar(@keys);
PERL
	grep '^# ' "$tmp/agree"
	check "every option of 'noisetop help' is in OPTIONS" \
	    '! grep -q "not in OPTIONS" "$tmp/agree" || { grep "not in OPTIONS" "$tmp/agree" | sed "s/^/# /"; false; }'
	check "every option the page names is in 'noisetop help'" \
	    '! grep -q "in the page but not" "$tmp/agree" || { grep "in the page but not" "$tmp/agree" | sed "s/^/# /"; false; }'
	check "the commands of 'noisetop help' and COMMANDS agree" \
	    '! grep -q "^command \|^no commands" "$tmp/agree" || { grep "^command \|^no commands" "$tmp/agree" | sed "s/^/# /"; false; }'
	check "every key of the README's key table is in KEYS" \
	    '! grep -q "^key\|key table" "$tmp/agree" || { grep "key" "$tmp/agree" | sed "s/^/# /"; false; }'
	check "the agreement check ran (it found options and keys)" \
	    'grep -q "^# [1-9][0-9]* options, [1-9][0-9]* commands, [1-9][0-9]* keys" "$tmp/agree"'
else
	for i in 1 2 3 4 5; do skip "mandoc not installed: no page to compare"; done
fi

# ---- bash completion ----
# bash-completion loads it lazily from XDG_DATA_DIRS/bash-completion/
# completions, which proves the install location; without the package the
# file is sourced directly.
bc=/usr/share/bash-completion/bash_completion
cat >"$tmp/complete.bash" <<'EOF'
comp() {	# comp WORD... -> the completions of the last word, sorted
	COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMPREPLY=()
	COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
	$func noisetop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
	echo
}
if [ -f "$BC" ]; then
	. "$BC"
	__load_completion noisetop || echo "LOAD FAILED"
else
	. "$PREFIXDIR/share/bash-completion/completions/noisetop"
fi
func=$(complete -p noisetop | sed -n 's/.*-F \([^ ]*\).*/\1/p')
echo "sw: $(comp noisetop sw)"
echo "empty: $(comp noisetop '')"
echo "resume: $(comp noisetop resume '')"
echo "resume-runs: $(comp noisetop resume --runs "$OTHER" '')"
echo "rm: $(comp noisetop rm '')"
echo "split: $(comp noisetop show --split '')"
echo "precision: $(comp noisetop train --precision '')"
echo "figure: $(comp noisetop plot --figure '')"
echo "opt: $(comp noisetop train --no-p)"
echo "csv: $(comp noisetop train --csv "$CSVDIR/")"
EOF
mkdir -p "$tmp/csvdir" && touch "$tmp/csvdir/a.csv"
bout=$(cd "$elsewhere" && env -i HOME="$home" PATH="$p/bin:/usr/bin:/bin" \
    XDG_DATA_HOME="$xdg" XDG_DATA_DIRS="$p/share" BC="$bc" PREFIXDIR="$p" \
    OTHER="$tmp/other-runs" CSVDIR="$tmp/csvdir" \
    bash --norc --noprofile "$tmp/complete.bash" 2>&1)
bout=$'\n'$bout
echo "$bout" | sed 's/^/# /'
[ -f "$bc" ] || echo "# bash-completion not installed: sourced the file directly"
check "bash: the completion loads from the installed place" \
    '[[ $bout != *"LOAD FAILED"* ]]'
check "bash: 'noisetop sw' completes to sweep" \
    '[[ $bout == *$'\''\nsw: sweep \n'\''* ]]'
check "bash: 'noisetop ' offers every command" \
    '[[ $bout == *"empty: compare help merge plot report resume rm runs show slurm sweep train version "* ]]'
check "bash: 'noisetop resume ' completes to the run in \$XDG_DATA_HOME (not other dirs)" \
    '[ -n "$runs" ] && [[ $bout == *$'\''\nresume: '\''"$runs"$'\'' \n'\''* ]]'
check "bash: 'noisetop resume --runs DIR ' completes to the runs in DIR" \
    '[[ $bout == *$'\''\nresume-runs: 20990101-000000-sweep \n'\''* ]]'
check "bash: 'noisetop rm ' completes run names too" \
    '[ -n "$runs" ] && [[ $bout == *$'\''\nrm: '\''"$runs"$'\'' \n'\''* ]]'
check "bash: '--split ' offers train and test" \
    '[[ $bout == *$'\''\nsplit: test train \n'\''* ]]'
check "bash: '--precision ' offers bf16 and fp32, '--figure ' the six figures" \
    '[[ $bout == *$'\''\nprecision: bf16 fp32 \n'\''* ]] && [[ $bout == *$'\''\nfigure: calibration epochs matrix scales sensitivity weights \n'\''* ]]'
check "bash: '--no-p' completes to --no-progress" \
    '[[ $bout == *$'\''\nopt: --no-progress \n'\''* ]]'
check "bash: '--csv DIR/' completes files" \
    '[[ $bout == *"csv: $tmp/csvdir/a.csv "* ]]'

# ---- zsh completion, with compadd and _files stubbed to print ----
if command -v zsh >/dev/null; then
	cat >"$tmp/complete.zsh" <<'EOF'
compadd() { shift $(( ${@[(i)--]} )); local a; for a in "$@"; do [[ $a == ${PREFIX}* ]] && print -r -- $a; done }
_files() { print -r -- "_files $*" }
_message() { :; }
fpath=($PREFIXDIR/share/zsh/site-functions $fpath)
autoload -Uz _noisetop
comp() { local -a words; words=("$@"); CURRENT=$#words PREFIX=$words[-1]; print -r -- ${(o)${(f)"$(_noisetop)"}} }
print -r -- "sw: $(comp noisetop sw)"
print -r -- "resume: $(comp noisetop resume '')"
print -r -- "split: $(comp noisetop show --split '')"
print -r -- "csv: $(comp noisetop train --csv '')"
EOF
	zout=$(cd "$elsewhere" && env -i HOME="$home" PATH="$p/bin:/usr/bin:/bin" \
	    XDG_DATA_HOME="$xdg" PREFIXDIR="$p" zsh -f "$tmp/complete.zsh" 2>&1)
	echo "$zout" | sed 's/^/# /'
	check "zsh: 'noisetop sw' completes to sweep" \
	    '[[ $zout == *"sw: sweep"$'\''\n'\''* ]]'
	check "zsh: 'noisetop resume ' completes to the run" \
	    '[ -n "$runs" ] && [[ $zout == *"resume: $runs"$'\''\n'\''* ]]'
	check "zsh: '--split ' offers train and test, '--csv ' files" \
	    '[[ $zout == *"split: test train"* ]] && [[ $zout == *"csv: _files"* ]]'
else
	for i in 1 2 3; do skip "zsh not installed"; done
fi

# ---- uninstall ----
mk uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1
check "make uninstall exits 0" '[ $? -eq 0 ]'
left=$(find "$dest" ! -type d)
check "uninstall leaves no file behind" \
    '[ -z "$left" ] || { echo "$left" | sed "s/^/# left: /"; false; }'

# PREFIX is honoured (and uninstall finds the files there).
dest2=$tmp/dest2
mk install DESTDIR="$dest2" PREFIX=/opt/nt >/dev/null 2>&1
check "PREFIX=/opt/nt: binary and man page under /opt/nt" \
    '[ -x "$dest2/opt/nt/bin/noisetop" ] && [ -f "$dest2/opt/nt/share/man/man1/noisetop.1" ] && [ ! -e "$dest2/usr" ]'
mk uninstall DESTDIR="$dest2" PREFIX=/opt/nt >/dev/null 2>&1
check "PREFIX=/opt/nt: uninstall leaves no file behind" \
    '[ -z "$(find "$dest2" ! -type d)" ]'

# ---- the version object follows the version ----
b=$tmp/b
vo=$b/obj/base/version.o
mk B="$b" NOISETOP_VERSION=test-one "$vo" >/dev/null 2>&1
check "version.o carries NOISETOP_VERSION" 'grep -q test-one "$vo"'
t1=$(stat -c %y "$vo")
mk B="$b" NOISETOP_VERSION=test-one "$vo" >/dev/null 2>&1
check "same version: version.o is not rebuilt" '[ "$(stat -c %y "$vo")" = "$t1" ]'
mk B="$b" NOISETOP_VERSION=test-two "$vo" >/dev/null 2>&1
check "new version: version.o is rebuilt with it" \
    'grep -q test-two "$vo" && ! grep -q test-one "$vo"'

echo "1..$n"
