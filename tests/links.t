#!/usr/bin/env perl
# Every relative link in README.md and docs/*.md names a file or folder
# that exists, and a #fragment names a heading of the page it points to
# (GitHub's anchors: lower case, punctuation dropped, spaces to hyphens).
# Links inside code (fenced blocks, `spans`) and to other sites are not
# links and are skipped.
use strict;
use warnings;
use File::Basename qw(dirname);

chdir(dirname($0) . "/..") or die "chdir: $!";
my $n = 0;
sub ok { my ($c, $m) = @_; $n++; print(($c ? "" : "not ") . "ok $n - $m\n"); }

sub slurp { local $/; open(my $f, '<', $_[0]) or die "$_[0]: $!"; <$f> }

# The page's text without its code: fenced blocks, indented blocks after a
# blank line, and inline spans.
sub prose {
	my @out;
	my ($fence, $prev_blank) = (0, 1);
	for (split /\n/, $_[0]) {
		if (/^\s*(```|~~~)/) { $fence = !$fence; push @out, ""; next; }
		if ($fence || ($prev_blank && /^(    |\t)/)) {
			push @out, "";
			next;
		}
		$prev_blank = /^\s*$/;
		push @out, $_;
	}
	my $t = join("\n", @out);
	$t =~ s/(`+)(?:(?!\1).)+?\1//gs;
	return $t;
}

my %anchors;
sub anchors {
	my ($file) = @_;
	return $anchors{$file} if $anchors{$file};
	my (%a, %count);
	for (split /\n/, prose(slurp($file))) {
		next unless /^#{1,6}\s+(.*?)\s*#*\s*$/;
		my $s = lc $1;
		$s =~ s/[^\w\- ]//g;
		$s =~ s/ /-/g;
		my $k = $count{$s}++ ? "$s-" . ($count{$s} - 1) : $s;
		$a{$k} = 1;
	}
	return $anchors{$file} = \%a;
}

my @pages = ("README.md", sort glob("docs/*.md"));
my $total = 0;
for my $page (@pages) {
	my $text = prose(slurp($page));
	my @targets = $text =~ /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
	push @targets, $text =~ /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/mg;
	my @dead;
	for my $t (@targets) {
		next if $t =~ m{^[a-z][a-z0-9+.-]*:}i;    # http:, mailto: ...
		$total++;
		my ($path, $frag) = $t =~ /^([^#]*)(?:#(.*))?$/;
		my $file = $path eq "" ? $page : dirname($page) . "/$path";
		1 while $file =~ s{(^|/)\./}{$1};
		1 while $file =~ s{[^/.][^/]*/\.\./}{};
		if (!-e $file) { push @dead, "$t (no $file)"; next; }
		if (defined $frag && $frag ne "" && $file =~ /\.md$/ &&
		    !anchors($file)->{$frag}) {
			push @dead, "$t (no heading #$frag in $file)";
		}
	}
	ok(@dead == 0, "$page: every relative link resolves");
	print "# dead link: $_\n" for @dead;
}
ok($total > 0, "found relative links to check ($total)");
print "1..$n\n";
