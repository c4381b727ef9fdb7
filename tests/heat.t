#!/bin/bash
# The train x test matrix as a heat map (tmux), and a cancelled row's
# value marked as not final.  In a 256-colour terminal (tmux -2,
# TERM=tmux-256color) every value sits on its level of the viridis-like
# ramp (render/ramp.c): the lowest on purple (53, white text), the highest
# on yellow (220, black text), a higher value never on a lower level; the
# legend under the matrix shows the 11 colours between the lowest and the
# highest value.  Without colours (NO_COLOR) and in ASCII (LANG=C,
# TERM=vt100) each value follows a shade glyph and the legend shows the
# glyphs.  The selected row is marked '>' in the matrix and j moves the
# mark.  The synthetic digits, one epoch on 300/100 images: nothing needs
# MNIST.
cd "$(dirname "$0")/.." || exit 1
NOISETOP=${NOISETOP:-$PWD/noisetop}
. tests/tui.sh
tui_init heat
mkdir -p "$OUT/home"
ENV="HOME=$OUT/home NOISETOP_DATA= XDG_CACHE_HOME= XDG_DATA_HOME= XDG_CONFIG_HOME="

# The cells of the matrix whose header is the line with 'train\test',
# from the -e capture on stdin (the plain one in $1): one line per value,
# "row value bg fg" (bg, fg: xterm colours, "-" for the default), then
# "legend BG BG ..." for the line under the rows.  Columns count glyphs,
# not bytes or escapes, so the matrix is found wherever the layout put it.
cat >"$OUT/cells.pl" <<'PERL'
use strict; use warnings; use utf8;
binmode STDIN, ':encoding(UTF-8)'; binmode STDOUT, ':encoding(UTF-8)';
open my $pf, '<:encoding(UTF-8)', $ARGV[0] or die;
my @plain = <$pf>; my @esc = <STDIN>;
my ($h, $c0);
for my $i (0 .. $#plain) {
	my $k = index($plain[$i], 'train\\test');
	if ($k >= 0) { ($h, $c0) = ($i, $k); last; }
}
exit 1 unless defined $h;
# Each visible glyph of line $l from column $c0 on, with its bg and fg.
sub cells {
	my ($l) = @_;
	my ($bg, $fg, $col, @out) = ('-', '-', 0);
	while ($l =~ /\G(?:\e\[([0-9;]*)m|(\e\[[0-9;]*[A-Za-z])|(.))/gs) {
		if (defined $1) {
			my @p = split /;/, ($1 eq '' ? '0' : $1);
			while (@p) {
				my $q = shift @p;
				if ($q == 0) { ($bg, $fg) = ('-', '-') }
				elsif ($q == 49) { $bg = '-' }
				elsif ($q == 39) { $fg = '-' }
				elsif ($q == 48 && @p >= 2 && $p[0] == 5) { shift @p; $bg = shift @p }
				elsif ($q == 38 && @p >= 2 && $p[0] == 5) { shift @p; $fg = shift @p }
				elsif ($q >= 40 && $q <= 47) { $bg = $q - 40 }
				elsif ($q >= 30 && $q <= 37) { $fg = $q - 30 }
			}
		} elsif (defined $3) {
			next if $3 eq "\n";
			push @out, [$3, $bg, $fg] if $col >= $c0;
			$col++;
		}
	}
	return @out;
}
for my $i ($h + 1 .. $#esc) {
	my @c = cells($esc[$i]);
	my $text = join '', map { $_->[0] } @c;
	if ($text =~ /^\s*>?\s*[0-9.]+\s/ && $text !~ /test acc/) {
		# the row label, then each value with the colours of its cells
		my ($lab) = $text =~ /^\s*>?\s*([0-9.]+)/;
		my $pos = length($&);
		while (substr($text, $pos) =~ /([0-9]+\.[0-9])/) {
			my $at = $pos + $-[1];
			print "$lab $1 $c[$at][1] $c[$at][2]\n";
			$pos = $at + length($1);
		}
	} else {
		my %seen; my @bg;
		for (@c) { next if $_->[1] eq '-'; push @bg, $_->[1] unless $seen{$_->[1]}++ }
		print "legend @bg\n";
		last;
	}
}
PERL

env $ENV "$NOISETOP" sweep --runs "$OUT/runs" --train-limit 300 \
    --test-limit 100 --epochs 1 --scales 0,1,2,4 --no-progress \
    >"$OUT/sweep.log" 2>&1
ok $? "a 4-scale sweep (a 4x4 matrix)"

# show [tmux options] ENV...: the dashboard at 200x60 on that run.
show() {
	tui_fresh
	local topt=$1
	shift
	$T $topt new-session -d -s nt -x 200 -y 60 "env $ENV $* '$NOISETOP' \
	    --runs '$OUT/runs' --train-limit 300 --test-limit 100"
	wait_for 20 'train.test +0 +1 +2 +4'
}

show -2 TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
ok $? "256 colours: the matrix shows"
$T capture-pane -p -e -t nt >"$OUT/esc"
perl "$OUT/cells.pl" "$OUT/screen" <"$OUT/esc" >"$OUT/cells"
grep -c -v legend "$OUT/cells" | grep -qx 16
ok $? "256 colours: 16 values found with their colours ($(grep -c -v legend "$OUT/cells"))"
ramp="53 55 24 30 36 71 77 113 149 184 220"
lo=$(grep -v legend "$OUT/cells" | cut -d' ' -f2 | sort -n | head -1)
hi=$(grep -v legend "$OUT/cells" | cut -d' ' -f2 | sort -n | tail -1)
[ "$(sed -n 's/^legend //p' "$OUT/cells")" = "$ramp" ] &&
    grep -Eq "(^|[ │])$lo {10,}$hi  test acc %" "$OUT/screen"
ok $? "256 colours: the legend shows the 11 colours of the ramp from the min ($lo) to the max ($hi)"
# The lowest value on purple with white text, the highest on yellow with
# black; a higher value never on a lower level; several levels used.
awk -v ramp="$ramp" '
BEGIN { n = split(ramp, r, " "); for (i = 1; i <= n; i++) lev[r[i]] = i }
$1 != "legend" { k++; v[k] = $2 + 0; b[k] = $3; f[k] = $4; used[$3] = 1 }
END {
	lo = hi = 1
	for (i = 1; i <= k; i++) {
		if (!(b[i] in lev)) exit 1
		if (v[i] < v[lo]) lo = i
		if (v[i] > v[hi]) hi = i
		for (j = 1; j <= k; j++)
			if (v[i] < v[j] && lev[b[i]] > lev[b[j]]) exit 2
	}
	for (c in used) nu++
	exit !(b[lo] == 53 && f[lo] == 231 && b[hi] == 220 && f[hi] == 16 && nu >= 3)
}' "$OUT/cells"
ok $? "256 colours: min on 53 (white text), max on 220 (black), the order kept, $(cut -d' ' -f3 "$OUT/cells" | grep -v legend | sort -u | wc -l) colours used"

# The selected row is marked in the matrix, and j moves the mark.
m1=$(sed -n 's/.*> *\([0-9.]*\) .*[0-9]\.[0-9].*/\1/p' <(grep -A5 'train.test' "$OUT/screen") | head -1)
$T send-keys -t nt j
case $m1 in 0) m2=1 ;; 1) m2=2 ;; 2) m2=4 ;; *) m2=none ;; esac
wait_for 10 "^.*> +$m2 +[0-9]+\.[0-9] "
ok $? "the selected row is marked in the matrix ($m1), and j moves the mark ($m2)"

show "" TERM=xterm-256color NO_COLOR=1 LANG=C.UTF-8 LC_ALL=C.UTF-8
ok $? "no colours: the matrix shows"
[ "$(grep -Ec ' [░▒▓█] ?[0-9]+\.[0-9] [░▒▓█] ?[0-9]+\.[0-9] ' "$OUT/screen")" -eq 4 ] &&
    grep -q '░░▒▒▓▓██' "$OUT/screen" && grep -q '█' <(grep -A5 'train.test' "$OUT/screen") &&
    ! $T capture-pane -p -e -t nt | grep -q '48;5;'
ok $? "no colours: each value after its shade glyph, the legend of glyphs, no colour sent"

show "" TERM=vt100 LANG=C LC_ALL=C
ok $? "ASCII: the matrix shows"
[ "$(grep -Ec ' [.:+#@] ?[0-9]+\.[0-9] [.:+#@] ?[0-9]+\.[0-9] ' "$OUT/screen")" -eq 4 ] &&
    grep -q '\.\.::++##@@' "$OUT/screen" && ! grep -q '[^ -~]' "$OUT/screen"
ok $? "ASCII: values after ASCII shades, the legend .:+#@, nothing but ASCII"

# A cancelled row: the sweep from the form holds at its second row's
# second epoch (its first is done), x cancels; that row's value is in
# parentheses and dim, the finished row's bare.
tui_fresh
rm -rf "$OUT/runs2" "$OUT/stop"
$T -2 new-session -d -s nt -x 100 -y 32 "env $ENV TERM=tmux-256color \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 NOISETOP_TEST_STOP=2:2:0 \
    NOISETOP_TEST_STOP_FILE='$OUT/stop' '$NOISETOP' --runs '$OUT/runs2' \
    --train-limit 300 --test-limit 100"
wait_for 20 'Samples'
$T send-keys -t nt s
wait_for 5 'New sweep'
$T send-keys -t nt C-u 0 , 0 . 5 , 1 Down C-u 2 Enter
wait_file 60 "$OUT/stop" && wait_for 10 'training sweep 2/3'
ok $? "a sweep of 0,0.5,1 holds at its second row's second epoch"
$T send-keys -t nt x
wait_for 20 'cancelled' &&
    wait_for 5 '0\.5 (train|val) .*\([0-9]+\.[0-9]{2}\)' &&
    grep -E '[ >x*]0 (train|val) ' "$OUT/screen" | grep -Eq '[0-9]+\.[0-9]{2}$' &&
    ! grep -E '[ >x*]0 (train|val) ' "$OUT/screen" | grep -q '(' &&
    grep -E '[ >x*]1 (train|val) ' "$OUT/screen" | grep -Eq ' -$'
ok $? "the cancelled row's value in parentheses, the finished row's bare, the pending row's -"
$T capture-pane -p -e -t nt | grep -E '0\.5' | grep -Eq $'\e\\[2m(\e\\[[0-9;]*m)*\\([0-9]'
ok $? "the cancelled row's value is dim"
echo "1..$n"
