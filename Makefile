# The two commands of the README: `make demo` and `make test`. Both install what is missing.
BUILD ?= build
JOBS  ?= 2
CMAKE_FLAGS ?=
FUZZ_BUILD ?= build-fuzz
LOCKS_BUILD ?= build-locks
FUZZ_TARGETS ?= build_fuzz merge_fuzz envsubst_fuzz helm_fuzz chart_archive_fuzz template_fuzz age_fuzz sops_fuzz argo_fuzz lua_fuzz appset_fuzz notify_fuzz sealed_fuzz

.PHONY: all deps configure build test test-asan check-locks demo fuzz bench format clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	@$(MAKE) --no-print-directory deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j$(JOBS)

# UNITY=ON compiles each target in unity batches (CMakeLists.txt: plumb_own_unit), for a
# build from nothing such as CI's; not yet the CI default: the list of files that must be
# compiled alone is not yet complete for both compilers. OFF suits ccache and one-file rebuilds.
UNITY ?= OFF

# Every test: unit, conformance and end-to-end, through CTest, then the locking rules. In CI
# (or with WITH_ASAN=1) the unit tests run once, under AddressSanitizer and
# UndefinedBehaviorSanitizer, and the release build leaves their binaries out and runs the
# other labels; the sanitizer build is clang's, with -Wthread-safety -Werror on every source
# and test, so it checks the locking rules too (check-locks compiles the same files again,
# syntax only) and replaces check-locks.
ifneq ($(CI)$(WITH_ASAN),)
UNIT_IN_RELEASE := OFF
RELEASE_LABELS := -LE unit
else
UNIT_IN_RELEASE := ON
RELEASE_LABELS :=
endif

test: deps configure
	cmake -S . -B $(BUILD) -DPLUMB_UNIT_TESTS=$(UNIT_IN_RELEASE) -DCMAKE_UNITY_BUILD=$(UNITY) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) $(RELEASE_LABELS)
	@if [ -n "$(CI)$(WITH_ASAN)" ]; then $(MAKE) --no-print-directory test-asan; \
	else $(MAKE) --no-print-directory check-locks; fi

# clang's -O0 frames under ASan are larger than the release build's: the depth-limit tests
# (text/template's 100000 nested calls, Helm's 1000 includes) need more than 8 MiB of stack.
test-asan: deps
	CC=clang-16 CXX=clang++-16 cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug \
	  -DPLUMB_SANITIZE=ON -DPLUMB_BENCH=OFF -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j$(JOBS)
	cd $(BUILD)-asan && ulimit -s 65536 && LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
	  ctest --output-on-failure -j$(JOBS) -L unit

# The locking rules (src/core/thread_annotations.hpp): every source that uses them compiled
# with clang++-16 -Wthread-safety -Werror, syntax only, from $(LOCKS_BUILD)'s compile commands.
check-locks: deps
	@scripts/check-locks $(LOCKS_BUILD) $(JOBS)

# libFuzzer targets under ASan and UBSan (clang 16), FUZZ_SECONDS (default 600) each; not part
# of `make test` or CI. See fuzz/README.md.
fuzz:
	@FUZZ=1 scripts/install-deps
	CC=clang-16 CXX=clang++-16 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPLUMB_FUZZ=ON -DPLUMB_TESTS=OFF -DPLUMB_BENCH=OFF -DPLUMB_WERROR=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(FUZZ_TARGETS)
	scripts/fuzz $(FUZZ_BUILD) $(FUZZ_TARGETS)

demo: build
	@scripts/demo $(BUILD)/plumb

bench: build
	@echo "see bench/README.md"

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(FUZZ_BUILD) $(LOCKS_BUILD)
