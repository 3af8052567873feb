// The checks the fuzz targets share, beyond "no crash": what they compare and how they
// report a failure. Thread safety: pure functions.
#pragma once

#include <string_view>

#include "core/node.hpp"

namespace plumb::fuzz {

// A failed check: prints "<target>: <what>" and the detail to stderr, then aborts, so that
// libFuzzer keeps the input as a crash.
[[noreturn]] void report_bug(std::string_view target, std::string_view what,
                             std::string_view detail);

// Node equality, except that NaN equals NaN: a `.nan` read back is the same document.
bool same_document(const Node& a, const Node& b);

// True when a float in the document is NaN or infinite: those have no JSON form (to_json
// writes null).
bool has_non_finite(const Node& node);

}  // namespace plumb::fuzz
