#!/bin/sh
# Shows `make check-locks` catches a mistake: tests/core/thread_safety_check.cpp compiles clean
# with clang's -Wthread-safety -Werror, and fails with the analysis' message once it reads a
# GUARDED_BY member without the mutex. Usage: thread_safety_check.sh CLANGXX SOURCE_DIR
# (CLANGXX empty or not found: skipped, exit 77; under CI a failure: tests/support/require.sh).
clang=$1
src=$2
. "$src/tests/support/require.sh"
[ -n "$clang" ] || unavailable "clang++-16 not found"
require_tool "$clang"
check() { "$clang" -std=c++2b -fsyntax-only -Wthread-safety -Werror -I"$src/src" "$@" \
  "$src/tests/core/thread_safety_check.cpp" 2>&1; }
out=$(check) || { echo "FAIL: the correct file does not compile:"; echo "$out"; exit 1; }
out=$(check -DPLUMB_UNGUARDED_READ) && { echo "FAIL: an unguarded read compiled"; exit 1; }
echo "$out" | grep -q "requires holding mutex 'm_mutex'" \
  || { echo "FAIL: not the thread safety error:"; echo "$out"; exit 1; }
echo "ok: $(echo "$out" | grep error: | head -1)"
out=$(check -DPLUMB_WRITE_UNDER_READER_LOCK) && { echo "FAIL: a write under a reader lock compiled"; exit 1; }
echo "$out" | grep -q "requires holding mutex 'm_mutex' exclusively" \
  || { echo "FAIL: not the thread safety error:"; echo "$out"; exit 1; }
echo "ok: $(echo "$out" | grep error: | head -1)"
