// Go-style durations as Kubernetes objects and flags write them: "30s", "1m30s", "500ms",
// "1h", "2h45m", "1.5h".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb {

Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest Go form: 90000 ms → "1m30s", 0 → "0s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace plumb
