# migrate — PostgreSQL extension (PGXS) plus the shared-core unit tests.
#
#   make && make install      build and install the extension
#   make installcheck         pg_regress suite (sql/) and isolation specs
#                             (specs/) against a running server
#   make unittest             standalone tests of src/common
#   make fuzz                 libFuzzer harnesses of src/common (clang),
#                             build/fuzz/fuzz_*; test/suites/fuzz.sh runs them
#   make clean                remove everything the build made
#
#   WERROR=1                  make warnings errors in every build (the
#                             module, the program and the unit tests);
#                             scripts/test sets it when CI is set
#
# The module's objects are PGXS's, next to their sources (src/*/*.o).  The
# program and the unit tests are frontend builds with other flags, so they
# get objects of their own under build/cli/, build/unit/ and build/fuzz/, with header
# dependencies tracked by the compiler (-MMD -MP).  Every src/common/*.c
# goes into all three.

EXTENSION = migrate
MODULE_big = migrate
# the one version source: default_version in migrate.control
EXTVERSION := $(shell sed -n "s/^default_version *= *'\\(.*\\)'/\\1/p" $(dir $(lastword $(MAKEFILE_LIST)))migrate.control)
VERSION_DEFINE = -DMG_EXT_VERSION='"$(EXTVERSION)"'

COMMON_SRCS = $(wildcard src/common/*.c)
SERVER_SRCS = $(wildcard src/server/*.c)
OBJS = $(COMMON_SRCS:.c=.o) $(SERVER_SRCS:.c=.o)

DATA = $(wildcard migrate--*.sql)
PGFILEDESC = "migrate - schema migrations inside PostgreSQL"

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=.
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --inputdir=. --outputdir=output_iso

BUILDDIR = build

EXTRA_CLEAN = src/cli/migrate test/unit/run_unit $(BUILDDIR) output_iso results \
	regression.diffs regression.out

ifeq ($(WERROR),1)
WERROR_FLAG = -Werror
endif
# the switch as last used; when it changes every object is compiled again,
# so that `make WERROR=1` after a plain `make` checks every file
WERROR_STAMP = $(BUILDDIR)/werror

PG_CPPFLAGS = -I$(srcdir)/src/common -I$(srcdir)/src/server $(VERSION_DEFINE)
PG_CFLAGS = $(WERROR_FLAG)

# no JIT bitcode: nothing here is worth inlining, and it needs clang
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild objects when a header changes
# (or the version in migrate.control, compiled in through VERSION_DEFINE)
$(OBJS): $(wildcard src/common/*.h src/server/*.h) migrate.control $(WERROR_STAMP)

$(WERROR_STAMP): werror-check
	@:
werror-check:
	@mkdir -p $(BUILDDIR)
	@echo '$(WERROR_FLAG)' | cmp -s - $(WERROR_STAMP) || echo '$(WERROR_FLAG)' >$(WERROR_STAMP)
.PHONY: werror-check

# ---- the migrate program (libpq + libsqlite3 + OpenSSL hashing; threads
# read the revision files, src/cli/repo.c) ----

CLI_SRCS = $(sort $(wildcard src/cli/*.c)) $(COMMON_SRCS)
CLI_OBJS = $(CLI_SRCS:%.c=$(BUILDDIR)/cli/%.o)
CLI_CFLAGS := -std=c99 -D_GNU_SOURCE -g -O2 -Wall -Wextra -Wno-unused-parameter \
	$(WERROR_FLAG) -Isrc/common -Isrc/cli $(VERSION_DEFINE) \
	-I$(shell $(PG_CONFIG) --includedir)
CLI_LIBS := -L$(shell $(PG_CONFIG) --libdir) -lpq -lsqlite3 -lcrypto -pthread

$(BUILDDIR)/cli/%.o: %.c migrate.control $(WERROR_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -MMD -MP -c -o $@ $<

src/cli/migrate: $(CLI_OBJS)
	$(CC) -o $@ $(CLI_OBJS) $(CLI_LIBS)

all: src/cli/migrate
install: install-program
install-program: src/cli/migrate
	$(INSTALL_PROGRAM) src/cli/migrate '$(DESTDIR)$(bindir)/migrate'
.PHONY: install-program

# ---- unit tests of the shared core (a frontend program, OpenSSL hashing) ----

UNIT_SRCS = $(sort $(wildcard test/unit/*.c)) $(COMMON_SRCS) src/cli/hooks.c
UNIT_OBJS = $(UNIT_SRCS:%.c=$(BUILDDIR)/unit/%.o)
UNIT_CFLAGS = -std=c99 -g -O1 -Wall -Wextra -Wno-unused-parameter $(WERROR_FLAG) \
	-Isrc/common -Itest/unit $(VERSION_DEFINE)

$(BUILDDIR)/unit/%.o: %.c migrate.control $(WERROR_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<

test/unit/run_unit: $(UNIT_OBJS)
	$(CC) -o $@ $(UNIT_OBJS) -lcrypto

unittest: test/unit/run_unit
	test/unit/run_unit

.PHONY: unittest

# ---- libFuzzer harnesses of the shared core (test/fuzz/fuzz_<name>.c) ----
# clang only: -fsanitize=fuzzer links libFuzzer's main.  Every object is
# instrumented (fuzzer-no-link), the harness binaries link the fuzzer.

FUZZ_CC = clang
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_NAMES = $(filter-out common,$(patsubst test/fuzz/fuzz_%.c,%,$(wildcard test/fuzz/fuzz_*.c)))
FUZZ_BINS = $(FUZZ_NAMES:%=$(BUILDDIR)/fuzz/fuzz_%)
FUZZ_SRCS = test/fuzz/fuzz_common.c $(COMMON_SRCS) src/cli/hooks.c
FUZZ_OBJS = $(FUZZ_SRCS:%.c=$(BUILDDIR)/fuzz/%.o)
FUZZ_CFLAGS = -std=c99 -g -O1 -Wall -Wextra -Wno-unused-parameter $(WERROR_FLAG) \
	-Isrc/common $(VERSION_DEFINE) -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE)

$(BUILDDIR)/fuzz/%.o: %.c migrate.control $(WERROR_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILDDIR)/fuzz/fuzz_%: $(BUILDDIR)/fuzz/test/fuzz/fuzz_%.o $(FUZZ_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SANITIZE) -o $@ $^ -lcrypto

fuzz: $(FUZZ_BINS)

.PHONY: fuzz

# header dependencies of the program's, the unit tests' and the fuzzers' objects
-include $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) \
	$(FUZZ_NAMES:%=$(BUILDDIR)/fuzz/test/fuzz/fuzz_%.d)
