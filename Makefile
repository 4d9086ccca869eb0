# migrate — PostgreSQL extension (PGXS) plus the shared-core unit tests.
#
#   make && make install      build and install the extension
#   make installcheck         pg_regress suite (sql/) and isolation specs
#                             (specs/) against a running server
#   make unittest             standalone tests of src/common

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

EXTRA_CLEAN = src/cli/migrate test/unit/run_unit output_iso results regression.diffs \
	regression.out

PG_CPPFLAGS = -I$(srcdir)/src/common -I$(srcdir)/src/server $(VERSION_DEFINE)

# no JIT bitcode: nothing here is worth inlining, and it needs clang
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild objects when a header changes
$(OBJS): $(wildcard src/common/*.h src/server/*.h)

# ---- the migrate program (libpq + libsqlite3 + OpenSSL hashing) ----

CLI_SRCS = $(sort $(wildcard src/cli/*.c)) $(COMMON_SRCS)
CLI_CFLAGS = -std=c99 -D_GNU_SOURCE -g -O2 -Wall -Wextra -Wno-unused-parameter \
	-Isrc/common -Isrc/cli $(VERSION_DEFINE) -I$(shell $(PG_CONFIG) --includedir)
CLI_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq -lsqlite3 -lcrypto

src/cli/migrate: $(CLI_SRCS) $(wildcard src/common/*.h src/cli/*.h)
	$(CC) $(CLI_CFLAGS) -o $@ $(CLI_SRCS) $(CLI_LIBS)

all: src/cli/migrate
install: install-program
install-program: src/cli/migrate
	$(INSTALL_PROGRAM) src/cli/migrate '$(DESTDIR)$(bindir)/migrate'
.PHONY: install-program

# ---- unit tests of the shared core (a frontend program, OpenSSL hashing) ----

UNIT_SRCS = $(sort $(wildcard test/unit/*.c)) $(COMMON_SRCS) src/cli/hooks.c
UNIT_CFLAGS = -std=c99 -g -O1 -Wall -Wextra -Wno-unused-parameter \
	-Isrc/common -Itest/unit $(VERSION_DEFINE)

test/unit/run_unit: $(UNIT_SRCS) $(wildcard src/common/*.h test/unit/*.h)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) -lcrypto

unittest: test/unit/run_unit
	test/unit/run_unit

.PHONY: unittest
