# noisetop: make, make test, make bench, make data [DATASET=fashion|kmnist],
# make run, make clean, make install, make uninstall.
# Switches: SANITIZE=address,undefined (or thread), PORTABLE=1 (no AVX2
# kernel), WERROR=1 (warnings are errors); PREFIX=/usr/local and DESTDIR
# for install.

CC       ?= cc
OPT      ?= -O3
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=gnu11 -fopenmp -pthread -fno-math-errno -Isrc \
            -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
CURSES_LIBS   := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
LDLIBS   += $(CURSES_LIBS) -lz -lm
LDFLAGS  += -fopenmp -pthread

ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifdef WERROR
CFLAGS  += -Werror
endif
ifdef PORTABLE
CFLAGS  += -DNOISETOP_PORTABLE_ONLY
endif

B        ?= build
# src/ holds one folder per layer, lowest first: base, kernels, data,
# engine, then runs and render, worker, ui, cli.  A file includes its own
# layer's headers and those below, never above (tests/layers.t checks).
LAYERS   := base kernels data engine runs render worker ui cli
SRC      := $(filter-out src/cli/main.c,$(wildcard $(LAYERS:%=src/%/*.c)))
HDR      := $(wildcard $(LAYERS:%=src/%/*.h))
OBJ      := $(SRC:src/%.c=$(B)/obj/%.o)
LIB      := $(B)/libnoisetop.a
TESTS    := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c))
BENCHES  := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))

# The version: `git describe` in a git checkout of this tree (a tag, commits
# since it, the hash, -dirty for uncommitted changes to tracked files),
# else the last build's (so `sudo make install`, where git may refuse a
# tree root does not own, does not rebuild), else the VERSION file of a
# release tarball; `make NOISETOP_VERSION=...` overrides all.  Only
# src/base/version.c sees it; the stamp file changes when the version does, so
# that object (and the library and binary) are rebuilt at the next make,
# and only then.
NOISETOP_VERSION := $(or $(shell [ -e .git ] && \
    git describe --tags --always --dirty 2>/dev/null),$(shell \
    cat $(B)/version.stamp 2>/dev/null),$(shell cat VERSION 2>/dev/null),unknown)

.PHONY: all test test-sanitize bench data run clean format fuzz fuzz-build \
        install install-strip uninstall mutate FORCE

# Other build directories (B=build-asan ...) keep their own binary.
BIN      ?= $(if $(filter build,$(B)),noisetop,$(B)/noisetop)
all: $(BIN)

$(BIN): $(B)/obj/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CURSES_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(LIB) | $(B)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(B)/bench/%: bench/%.c $(LIB) | $(B)/bench
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(B)/tests $(B)/bench:
	mkdir -p $@

# The synthetic digits' templates, compiled in from the asset so the binary
# runs from any directory (tests/test_synth.c checks the copy is exact).
$(B)/obj/data/synth.o: $(B)/gen/digits_strokes.h
$(B)/obj/data/synth.o: CFLAGS += -I$(B)/gen
$(B)/gen/digits_strokes.h: assets/digits.strokes scripts/embed-text
	@mkdir -p $(@D)
	./scripts/embed-text assets/digits.strokes $@

$(B)/obj/base/version.o: $(B)/version.stamp
$(B)/obj/base/version.o: CFLAGS += -DNOISETOP_VERSION='"$(NOISETOP_VERSION)"'
$(B)/version.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(NOISETOP_VERSION)' | cmp -s - $@ || \
	    echo '$(NOISETOP_VERSION)' > $@
FORCE:

# The TAP suite: C unit tests, then the scripts that drive the real binary,
# then the unit tests again under the sanitizers.
test: noisetop $(TESTS)
	NOISETOP=$(CURDIR)/noisetop prove -e '' $(TESTS) $(wildcard tests/*.t)
	$(MAKE) --no-print-directory test-sanitize

# AddressSanitizer + UBSan on every unit test (smaller training data), and
# ThreadSanitizer on the worker/UI hand-off and on rows side by side
# (--jobs 3), with OpenMP on one thread (the OpenMP runtime is not
# instrumented).
SAN_TESTS = $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
test-sanitize:
	$(MAKE) --no-print-directory B=build-asan BIN=build-asan/noisetop \
	    SANITIZE=address,undefined $(SAN_TESTS:%=build-asan/tests/%)
	NOISETOP_TEST_QUICK=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    prove -e '' $(SAN_TESTS:%=build-asan/tests/%)
	$(MAKE) --no-print-directory B=build-tsan BIN=build-tsan/noisetop \
	    SANITIZE=thread build-tsan/tests/test_worker
	OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1 \
	    prove -e '' build-tsan/tests/test_worker
	$(MAKE) --no-print-directory B=build-tsan BIN=build-tsan/noisetop \
	    SANITIZE=thread build-tsan/noisetop
	d=$$(mktemp -d) && OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1 \
	    build-tsan/noisetop sweep --train-limit 512 --test-limit 128 \
	    --hidden 16 --epochs 2 --scales 0,0.5,1 --seeds 2 --jobs 3 \
	    --threads-per-job 1 --no-progress --runs $$d >/dev/null; \
	    rc=$$?; rm -rf $$d; exit $$rc

# libFuzzer targets for the readers of untrusted files: IDX/gzip,
# checkpoints, Keras npz, and the runs' key = value files (clang needed).
# make fuzz runs each for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -std=gnu11 -Isrc -fno-math-errno \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_NAMES   := idx checkpoint npz kv
FUZZERS      := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)

# Each target is its reader and the two base modules it needs.
FUZZ_SRC_idx        := src/data/idx.c
FUZZ_SRC_checkpoint := src/runs/checkpoint.c
FUZZ_SRC_npz        := src/data/npz.c
FUZZ_SRC_kv         := src/base/kv.c
.SECONDEXPANSION:
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*) src/base/err.c \
    src/base/file.c $(HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC_$*) src/base/err.c \
	    src/base/file.c -lz -lm

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	for f in $(FUZZ_NAMES); do \
	    rm -rf $(B)/fuzz/corpus-$$f && mkdir -p $(B)/fuzz/corpus-$$f && \
	    cp tests/fuzz/corpus/$$f/* $(B)/fuzz/corpus-$$f/ && \
	    $(B)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
	        -rss_limit_mb=4096 -print_final_stats=1 \
	        $(B)/fuzz/corpus-$$f || exit 1; \
	done

# Mutation testing of the engine and file modules (scripts/mutate): each
# mutant built in a scratch copy under /tmp, its module's tests run on it.
# Hours for all of them, so not part of make test.  MODULES=noise,rng picks
# modules, MAX=N takes the same N mutants of each (OFFSET=K the N after the
# first K), SANITIZE=address,undefined builds with the sanitizers;
# tests/mutate.equiv lists the mutants reviewed as equivalent.
mutate:
	./scripts/mutate $(if $(MODULES),--modules $(MODULES)) \
	    $(if $(MAX),--max $(MAX)) $(if $(OFFSET),--offset $(OFFSET)) \
	    $(if $(RULES),--rules $(RULES)) \
	    $(if $(SANITIZE),--sanitize $(SANITIZE))

bench: noisetop $(BENCHES)
	./bench/run

# make data DATASET=fashion (or kmnist): another set, into data/<name>,
# where noisetop --dataset <name> looks.
DATASET  ?= mnist
data:
	./scripts/fetch-mnist --dataset $(DATASET) data/$(DATASET)

# The dashboard; tries to fetch MNIST first when noisetop finds none, and
# starts on the synthetic digits when that fails.  Without a network the
# fetch's one probe gives up within 2 s and says so in one line.
run: noisetop
	@if ./noisetop show --count 1 --train-limit 10 --test-limit 10 \
	    2>/dev/null | grep -q '^SYNTHETIC'; then \
	    ./scripts/fetch-mnist data/mnist || true; fi
	./noisetop

# clang-format (.clang-format) on the files it leaves as they are: it cannot
# reproduce how the rest break string literals and long expressions (see
# .clang-format), so those are not rewritten.  A file joins the list once
# `clang-format FILE | cmp - FILE` is silent.
FORMAT_FILES := src/base/clock.c src/base/err.c src/base/simd.c \
    src/base/testpoint.c src/base/version.c src/base/bytes.h \
    src/base/clock.h src/base/err.h src/cli/headless.h src/data/noise.h \
    src/base/simd.h src/data/synth.h src/base/testpoint.h \
    src/base/version.h tests/tap.h
format:
	clang-format -i $(FORMAT_FILES)

clean:
	rm -rf $(B) build-asan build-tsan noisetop

# GNU-style install: PREFIX (or prefix), the usual directory variables, and
# DESTDIR for staging.  The docs keep their layout so the README's links work.  The binary finds its data through --data,
# $NOISETOP_DATA and the XDG paths, so nothing here refers to the source tree.
PREFIX      ?= /usr/local
prefix      ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir      ?= $(exec_prefix)/bin
datarootdir ?= $(prefix)/share
mandir      ?= $(datarootdir)/man
man1dir     ?= $(mandir)/man1
docdir      ?= $(datarootdir)/doc/noisetop
bashcompdir ?= $(datarootdir)/bash-completion/completions
zshcompdir  ?= $(datarootdir)/zsh/site-functions
INSTALL         ?= install
INSTALL_PROGRAM ?= $(INSTALL)
INSTALL_DATA    ?= $(INSTALL) -m 644
DOCS        := $(wildcard docs/*.md)

install: all
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) \
	    $(DESTDIR)$(docdir)/docs $(DESTDIR)$(bashcompdir) \
	    $(DESTDIR)$(zshcompdir)
	$(INSTALL_PROGRAM) $(BIN) $(DESTDIR)$(bindir)/noisetop
	$(INSTALL_DATA) docs/noisetop.1 $(DESTDIR)$(man1dir)/noisetop.1
	$(INSTALL_DATA) README.md $(DESTDIR)$(docdir)
	$(INSTALL_DATA) $(DOCS) $(DESTDIR)$(docdir)/docs
	$(INSTALL_DATA) completions/noisetop.bash \
	    $(DESTDIR)$(bashcompdir)/noisetop
	$(INSTALL_DATA) completions/_noisetop $(DESTDIR)$(zshcompdir)/_noisetop

install-strip:
	$(MAKE) INSTALL_PROGRAM='$(INSTALL_PROGRAM) -s' install

uninstall:
	rm -f $(DESTDIR)$(bindir)/noisetop $(DESTDIR)$(man1dir)/noisetop.1 \
	    $(DESTDIR)$(bashcompdir)/noisetop $(DESTDIR)$(zshcompdir)/_noisetop \
	    $(DESTDIR)$(docdir)/README.md $(addprefix $(DESTDIR)$(docdir)/,$(DOCS))
	-rmdir $(DESTDIR)$(docdir)/docs $(DESTDIR)$(docdir)
