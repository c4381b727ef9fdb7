# noisetop: make, make test, make bench, make data, make run, make clean.
# Switches: SANITIZE=address,undefined (or thread), PORTABLE=1 (no AVX2
# kernel), WERROR=1 (warnings are errors).

CC       ?= cc
OPT      ?= -O3
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=gnu11 -fopenmp -pthread -fno-math-errno -Iinclude \
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
SRC      := $(filter-out src/main.c,$(wildcard src/*.c))
OBJ      := $(SRC:src/%.c=$(B)/obj/%.o)
LIB      := $(B)/libnoisetop.a
TESTS    := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c))
BENCHES  := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))

.PHONY: all test bench data run clean format
all: noisetop

noisetop: $(B)/obj/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: src/%.c $(wildcard include/*.h) | $(B)/obj
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/%.c tests/tap.h $(LIB) | $(B)/tests
	$(CC) $(CFLAGS) -Itests -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(B)/bench/%: bench/%.c $(LIB) | $(B)/bench
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(B)/obj $(B)/tests $(B)/bench:
	mkdir -p $@

# The TAP suite: C unit tests, then the scripts that drive the real binary.
test: noisetop $(TESTS)
	NOISETOP=$(CURDIR)/noisetop prove -e '' $(TESTS) $(wildcard tests/*.t)

bench: noisetop $(BENCHES)
	./bench/run

data:
	./scripts/fetch-mnist data/mnist

# The dashboard; tries to fetch MNIST first when noisetop finds none (and
# starts on synthetic digits when that fails, e.g. with no network).
run: noisetop
	@./noisetop show --count 1 >/dev/null 2>&1 || $(MAKE) data || true
	./noisetop

format:
	clang-format -i src/*.c include/*.h tests/*.c tests/*.h bench/*.c

clean:
	rm -rf $(B) noisetop
