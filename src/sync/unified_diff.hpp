// Line diffs in unified format (diff -u), for `plumb diff`.
#pragma once

#include <string>
#include <string_view>

namespace plumb::sync {

// The unified diff of two texts with `context` lines around each change, headed by
// `--- from_label` / `+++ to_label`; empty when the texts are equal.
std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_label,
                         std::string_view to_label, int context = 3);

}  // namespace plumb::sync
