# wirekit: the usual entry points, each a thin layer over CMake.
#
# Every build type has a folder of its own, so that none flips another's:
#   build/       Release, no tests: `make build`, `make bench`, `make install`
#                (the command-line tool is build/cli/wirekit)
#   build-test/  RelWithDebInfo with the test suite: `make test`
#   build-asan/  Debug with AddressSanitizer and UBSan, and the suite: `make asan`
#
# Variables: PREFIX (make install; default /usr/local), NO_DEPS=1 (skip the
# package check), CMAKE_ARGS (extra cmake -D options), CORPUS and BENCH_ARGS
# (make bench), CTEST_ARGS (e.g. CTEST_ARGS='-R json'); the folders are
# BUILD_DIR, TEST_DIR and ASAN_DIR.

CMAKE ?= cmake
CTEST ?= ctest
NPROC := $(shell nproc 2>/dev/null || echo 2)

BUILD_DIR ?= build
TEST_DIR ?= build-test
ASAN_DIR ?= build-asan
PREFIX ?= /usr/local
CORPUS ?= corpus/
BENCH_ARGS ?=
CMAKE_ARGS ?=
CTEST_ARGS ?=

# The sanitizers stop at the first error, with a stack; the caller's own
# settings win.
ASAN_OPTIONS ?= detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

.DEFAULT_GOAL := help
# The builds CMake runs under make need not announce every folder.
MAKEFLAGS += --no-print-directory
.PHONY: help deps build bench test asan install clean

help:
	@echo 'wirekit make targets:'
	@echo '  make build     install missing packages, build Release into $(BUILD_DIR)/ (CLI: $(BUILD_DIR)/cli/wirekit)'
	@echo '  make bench     build, then run $(BUILD_DIR)/cli/wirekit bench $(CORPUS)'
	@echo '  make benchmarks-md  build, then rewrite BENCHMARKS.md from a bench run on $(CORPUS)'
	@echo '  make test      build RelWithDebInfo with tests into $(TEST_DIR)/ and run them with ctest'
	@echo '  make asan      the same with AddressSanitizer + UBSan in $(ASAN_DIR)/'
	@echo '  make install   build, then install into PREFIX (now $(PREFIX))'
	@echo '  make deps      only install the missing Debian packages (scripts/install-deps.sh)'
	@echo '  make clean     remove $(BUILD_DIR)/ $(TEST_DIR)/ $(ASAN_DIR)/'
	@echo 'Options: NO_DEPS=1 skips the package check; CMAKE_ARGS, CTEST_ARGS, BENCH_ARGS pass options on.'

deps:
ifeq ($(NO_DEPS),)
	bash scripts/install-deps.sh
endif

build: deps
	$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DWK_BUILD_TESTS=OFF -DWK_SANITIZE=OFF $(CMAKE_ARGS)
	$(CMAKE) --build $(BUILD_DIR) -j$(NPROC)

bench: build
	./$(BUILD_DIR)/cli/wirekit bench $(CORPUS) $(BENCH_ARGS)

test: deps
	$(CMAKE) -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWK_BUILD_TESTS=ON -DWK_SANITIZE=OFF $(CMAKE_ARGS)
	$(CMAKE) --build $(TEST_DIR) -j$(NPROC)
	$(CTEST) --test-dir $(TEST_DIR) --output-on-failure -j$(NPROC) $(CTEST_ARGS)

asan: deps
	$(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DWK_BUILD_TESTS=ON -DWK_SANITIZE=ON $(CMAKE_ARGS)
	$(CMAKE) --build $(ASAN_DIR) -j$(NPROC)
	ASAN_OPTIONS='$(ASAN_OPTIONS)' UBSAN_OPTIONS='$(UBSAN_OPTIONS)' \
	  $(CTEST) --test-dir $(ASAN_DIR) --output-on-failure -j$(NPROC) $(CTEST_ARGS)

install: build
	$(CMAKE) --install $(BUILD_DIR) --prefix '$(PREFIX)'

clean:
	rm -rf -- '$(BUILD_DIR)' '$(TEST_DIR)' '$(ASAN_DIR)'

# BENCHMARKS.md is the tool's own Markdown report of the bundled corpus; the
# file records this command. Written atomically: a failed run leaves the old one.
.PHONY: benchmarks-md
benchmarks-md: build
	./$(BUILD_DIR)/cli/wirekit bench --output markdown -o BENCHMARKS.md $(CORPUS) $(BENCH_ARGS)
