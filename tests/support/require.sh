# What a test script does when a tool or input it needs is missing, decided here once for
# every script (sh and bash; sourced). Locally the test is skipped: exit 77, which CTest
# reports as skipped (SKIP_RETURN_CODE 77). In CI (CI non-empty) it fails: CI runs every
# suite, so a missing tool is a broken CI machine, not a reason to pass.
# The C++ tests decide the same way in require.hpp.

# unavailable REASON...: skips the test locally, fails it in CI.
unavailable() {
  if [ -n "${CI:-}" ]; then
    echo "FAIL: $* (CI is set: CI runs every test, none is skipped)" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}

# require_tool TOOL...: each TOOL is on PATH, else unavailable.
require_tool() {
  for required in "$@"; do
    command -v "$required" >/dev/null 2>&1 || unavailable "$required not installed"
  done
}
