#!/usr/bin/env perl
# The layers of src/: every #include of a project header names its layer
# ("engine/sweep.h"), and goes down a layer or sideways, never up.  The
# order is the Makefile's LAYERS (runs and render are one floor: both sit
# on the engine and neither needs the other).  Also: only src/ui/ui_term.c
# includes curses, and the engine below the runs layer opens no file.
use strict;
use warnings;
use File::Basename qw(dirname);

chdir(dirname($0) . "/..") or die "chdir: $!";
my %rank = (base => 0, kernels => 1, data => 2, engine => 3, runs => 4,
    render => 4, worker => 5, ui => 6, cli => 7);
my $n = 0;
sub ok { my ($c, $m) = @_; $n++; print(($c ? "" : "not ") . "ok $n - $m\n"); }

my (@up, @bare, @unknown, %seen);
for my $f (glob("src/*/*.c src/*/*.h")) {
	my ($layer) = $f =~ m{^src/([^/]+)/};
	$seen{$layer} = 1;
	unless (exists $rank{$layer}) { push @unknown, $f; next; }
	open(my $fh, '<', $f) or die "$f: $!";
	while (my $line = <$fh>) {
		next unless $line =~ /^\s*#\s*include\s+"([^"]+)"/;
		my $inc = $1;
		if ($inc !~ m{^([a-z]+)/[a-z_0-9]+\.h$}) {
			# The generated stroke table is the one bare include.
			push @bare, "$f: $inc" unless $inc eq "digits_strokes.h";
			next;
		}
		my $to = $1;
		if (!exists $rank{$to}) { push @unknown, "$f: $inc"; next; }
		push @up, "$f -> $inc" if $rank{$to} > $rank{$layer};
	}
	close $fh;
}
ok(@unknown == 0, "every source file sits in a known layer folder");
print "# $_\n" for @unknown;
ok(keys(%seen) == keys(%rank), "every layer folder exists (" .
    join(" ", sort keys %seen) . ")");
ok(@bare == 0, "every project include names its layer");
print "# $_\n" for @bare;
ok(@up == 0, "no include goes up a layer");
print "# $_\n" for @up;

my @curses = grep { !m{^src/ui/ui_term\.c$} }
    split /\n/, `grep -l '#include <n\\?curses' src/*/*.c src/*/*.h`;
ok(@curses == 0, "only src/ui/ui_term.c includes curses");
print "# $_\n" for @curses;

# Storage belongs to the runs layer and above: nothing below it opens,
# renames or removes files (the data layer reads its inputs through
# base/file.c and its own readers, which are allowed to open).
my @io = split /\n/, `grep -nE '\\b(fopen|rename|unlink|mkdir|rmdir|opendir)\\(' src/kernels/*.c src/engine/*.c`;
ok(@io == 0, "kernels and engine touch no file");
print "# $_\n" for @io;
# The dashboard never touches storage: the worker does its disk work
# through the runs layer.  The one exception is ui_term.c's tmpfile(),
# where stderr waits while curses owns the terminal (nothing is stored).
my @uiio = split /\n/, `grep -nE '\\b(file_[a-z_]+|run_(root|open|create[a-z_]*|record|finish|interrupt|restore|merge|read_[a-z_]+|names|newest|latest)|runlist_[a-z_]+|results_[a-z_]+|prefs_[a-z_]+|kv_read|checkpoint_[a-z_]+|job_(open|record|resume|restore|run|load_data|model[a-z_]*)|fopen|freopen|open|openat|creat|access|stat|lstat|unlink|rename|mkdir|rmdir|opendir|realpath|chdir)\\(' src/ui/*.c src/ui/*.h`;
ok(@uiio == 0, "no file under src/ui calls a file or run-directory function");
print "# $_\n" for @uiio;
print "1..$n\n";
