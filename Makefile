# modu: build, test and install plumbing (GNU make).
# `make` builds build/modu/core.so; `make run` runs $(MAIN); `make test` is what
# CI runs, followed by `make asan`. Every target that runs code installs the
# Debian packages it needs first, since a fresh machine has only what we install.

SHELL := /bin/bash
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

LUA    ?= lua5.4
MAIN   ?= examples/battle_for_modu.lua
N      ?= 1e6
BUILD  ?= build

# Debian package names; `deps` installs whichever of these is missing.
# libxml2-utils: xmllint, with which spec/report_spec.lua reads the HTML report.
DEB_PACKAGES := lua5.4 liblua5.4-dev libsqlite3-dev libutf8proc-dev lua-busted \
                luarocks lua-check cppcheck gcc make pkg-config libxml2-utils

# Lazy (=) so pkg-config is consulted after `deps` has had a chance to install it.
LUA_INC = $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)

# -ffp-contract=off: no fused multiply-add, so float results match across
# compilers and the luarocks build. _POSIX_C_SOURCE: strict -std=c11 hides
# POSIX functions (strdup, fileno, ...); the rockspec passes the same define.
STD_FLAGS := -std=c11 -fPIC -Wall -Wextra -Werror -ffp-contract=off -D_POSIX_C_SOURCE=200809L
OPT       ?= -O2
CPPFLAGS_MODU = -Icsrc/core $(LUA_INC)
DEPFLAGS   = -MMD -MP
# The module leaves Lua's symbols undefined: the interpreter that loads it
# provides them (linking liblua in would give a second Lua with its own state).
LIBS      := -lsqlite3 -lutf8proc -lm
MODULE_LDFLAGS ?=

CORE_SRC  := $(wildcard csrc/core/*.c)
BIND_SRC  := $(wildcard csrc/*.c)
CTEST_SRC := $(wildcard spec/c/test_*.c)
CORE_OBJ  := $(CORE_SRC:csrc/%.c=$(BUILD)/obj/%.o)
BIND_OBJ  := $(BIND_SRC:csrc/%.c=$(BUILD)/obj/%.o)
CTEST_BIN := $(CTEST_SRC:spec/c/%.c=$(BUILD)/ctest/%)
MODULE    := $(BUILD)/modu/core.so

# The Lua side finds the in-tree sources and the freshly built core.so first;
# the trailing ;; keeps Lua's defaults (busted, luassert, lfs live there).
LUA_ENV = LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$(BUILD)/?.so;;"

# ASan build: a separate tree, so switching between the two never mixes objects.
# -z nodelete keeps core.so mapped after lua_close() dlclose()s it, so leak
# reports printed at exit still name modu's functions instead of "<unknown module>".
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: build deps run test asan lint bench clean ctests rockspec-check

# ---------------------------------------------------------------------------
# deps: quiet when everything is there; one apt-get update only when needed.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  sudo=""; \
	  if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo=sudo; fi; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# fuzz-deps: the same for `make fuzz`: clang and its runtime libraries
# (libclang-rt-dev holds libFuzzer and the sanitizers; clang only recommends it,
# and deps installs without recommends).
FUZZ_DEB_PACKAGES := clang libclang-rt-dev
.PHONY: fuzz-deps
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(FUZZ_DEB_PACKAGES)"

# ---------------------------------------------------------------------------
# build: every csrc/core/*.c and csrc/*.c into $(BUILD)/modu/core.so (modu.core).
build: $(MODULE)

$(MODULE): $(CORE_OBJ) $(BIND_OBJ)
	@mkdir -p $(@D)
	$(if $^,,$(error no C sources under csrc/ yet))
	$(CC) $(STD_FLAGS) $(OPT) -shared -o $@ $^ $(MODULE_LDFLAGS) $(LIBS)

# Objects also depend on this Makefile: a changed flag rebuilds everything.
$(BUILD)/obj/%.o: csrc/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(STD_FLAGS) $(OPT) $(CPPFLAGS_MODU) $(DEPFLAGS) -c $< -o $@

# C tests: each spec/c/test_*.c is a standalone main over the pure-C core
# (no Lua, no bindings), so it links only the core objects.
ctests: $(CTEST_BIN)

$(BUILD)/ctest/%: spec/c/%.c $(CORE_OBJ) Makefile
	@mkdir -p $(@D)
	$(CC) $(STD_FLAGS) $(OPT) -Icsrc/core -Ispec/c $(DEPFLAGS) -o $@ $< $(CORE_OBJ) $(LIBS)

-include $(CORE_OBJ:.o=.d) $(BIND_OBJ:.o=.d) $(CTEST_BIN:=.d)

# ---------------------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory build
	$(LUA_ENV) $(LUA) $(MAIN)

# Sub-makes keep the order deps -> build -> checks even under make -j.
test: deps
	@$(MAKE) --no-print-directory build lint rockspec-check ctests
	@$(LUA_ENV) LUA="$(LUA)" spec/run.sh $(BUILD)

# Everything again with sanitizers. lua5.4 itself is not instrumented, so the
# ASan runtime is preloaded into it (it must come first); libubsan comes in as
# a plain dependency of core.so. The C tests link both runtimes themselves.
# spec/lsan.supp says why it must never name the interpreter.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="$(ASAN_FLAGS)" \
	  MODULE_LDFLAGS="-Wl,-z,nodelete" build ctests
	@$(MAKE) --no-print-directory BUILD=build-asan asan-run

.PHONY: asan-run
asan-run:
	@$(LUA_ENV) LUA="$(LUA)" \
	  MODU_PRELOAD="$$($(CC) -print-file-name=libasan.so)" \
	  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
	  LSAN_OPTIONS="suppressions=$(CURDIR)/spec/lsan.supp:print_suppressions=0" \
	  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	  spec/run.sh $(BUILD)

# ---------------------------------------------------------------------------
LUA_DIRS := $(wildcard lua spec examples bench)

lint: deps
	luacheck -q --no-color $(LUA_DIRS)
	cppcheck --error-exitcode=1 --enable=warning,portability --inline-suppr --std=c11 -q \
	  --suppress=missingIncludeSystem -Icsrc/core csrc

# The rockspec lists every source explicitly; fail early when a new file was
# added without regenerating it.
rockspec-check:
	@rockspec/gen.sh --check || { echo "rockspec out of date: run rockspec/gen.sh" >&2; exit 1; }

bench: deps
	@$(MAKE) --no-print-directory build
	@if [ -f bench/run.lua ]; then \
	  $(LUA_ENV) N="$(N)" $(LUA) bench/run.lua; \
	else echo "no benchmarks yet (bench/run.lua)"; fi

# ---------------------------------------------------------------------------
# fuzz: libFuzzer harnesses (spec/fuzz/fuzz_*.c) over the pure-C core, built
# with clang into $(FUZZ_BUILD). Each runs FUZZ_TIME seconds, one at a time,
# from its committed corpus (spec/fuzz/corpus/NAME) into a scratch corpus;
# then -merge=1 (edges only, -use_counters=0) adds to the committed one only
# inputs that reach code it does not. A finding is written to
# $(FUZZ_BUILD)/NAME-crash-*; once fixed, its reproducer goes into the
# harness's corpus, so the replay keeps checking it.
# FUZZ=name picks harnesses (e.g. FUZZ="fuzz_key fuzz_date"). `make test`
# replays the committed corpora through spec/c/test_fuzz_replay.c.
FUZZ_CC    ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 60
FUZZ_RSS   ?= 2048
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -g -O1 -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Icsrc/core $(FUZZ_SAN)
FUZZ_NAMES ?= $(patsubst spec/fuzz/%.c,%,$(wildcard spec/fuzz/fuzz_*.c))
FUZZ_OBJ   := $(CORE_SRC:csrc/%.c=$(FUZZ_BUILD)/obj/%.o)

.PHONY: fuzz fuzz-build
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@for n in $(FUZZ); do \
	  mkdir -p spec/fuzz/corpus/$$n $(FUZZ_BUILD)/corpus/$$n; \
	  echo "== $$n: $(FUZZ_TIME) s"; \
	  $(FUZZ_BUILD)/$$n -max_total_time=$(FUZZ_TIME) -rss_limit_mb=$(FUZZ_RSS) -max_len=2048 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$n- -print_final_stats=1 \
	    $(FUZZ_BUILD)/corpus/$$n spec/fuzz/corpus/$$n || exit 1; \
	  $(FUZZ_BUILD)/$$n -merge=1 -use_counters=0 -rss_limit_mb=$(FUZZ_RSS) spec/fuzz/corpus/$$n $(FUZZ_BUILD)/corpus/$$n \
	    2>&1 | tail -n 1; \
	done
FUZZ ?= $(FUZZ_NAMES)

fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)

.SECONDARY: $(FUZZ_OBJ)

$(FUZZ_BUILD)/obj/%.o: csrc/%.c Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: spec/fuzz/fuzz_%.c spec/fuzz/fuzz_common.h $(FUZZ_OBJ) Makefile
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIBS)

# Besides our trees: what `luarocks make` leaves in the source tree (objects
# beside the sources, ./modu/core.so) and a local luarocks tree, if any.
clean:
	rm -rf build build-asan out lua_modules .luarocks
	rm -f csrc/*.o csrc/core/*.o modu/core.so
	[ ! -d modu ] || rmdir --ignore-fail-on-non-empty modu
