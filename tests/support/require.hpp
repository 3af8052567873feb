// What a GoogleTest test does when a tool or input it needs is missing, decided here once
// for every C++ test: PLUMB_REQUIRE(available, what) skips the test locally (GTEST_SKIP) and
// fails it in CI (environment variable CI non-empty; CI runs every test, so a missing tool is
// a broken CI machine, not a reason to pass). The test scripts decide the same way in
// require.sh. Use it in a test body or SetUp (it returns from the function).
// Thread safety: in_ci and have_tool may be called from any thread (have_tool runs a shell).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace plumb::test_support {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

// Whether `name` is an executable on PATH.
inline bool have_tool(const std::string& name) {
  return std::system(("command -v '" + name + "' >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace plumb::test_support

// Skips (locally) or fails (in CI) the current test unless `available`; `what` (streamable)
// says what is missing.
#define PLUMB_REQUIRE(available, what)                                               \
  do {                                                                               \
    if (!(available)) {                                                              \
      if (::plumb::test_support::in_ci())                                            \
        GTEST_FAIL() << what << " (CI is set: CI runs every test, none is skipped)"; \
      GTEST_SKIP() << what;                                                          \
    }                                                                                \
  } while (false)
