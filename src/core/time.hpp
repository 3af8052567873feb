// Timestamps as Kubernetes objects and Go programs write them: RFC 3339 in UTC with whole
// seconds ("2026-11-23T18:45:00Z", metav1.Time), Go's time.RFC3339Nano (the fraction with its
// trailing zeros dropped), and the reader for both (fraction and numeric offsets accepted).
// Also the short age Kubernetes prints ("5m3s", "3d1h").
//
// Thread safety: pure functions (now_rfc3339 reads the system clock).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plumb {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-23T18:45:00Z": the time rounded down to the second, in UTC.
std::string format_rfc3339(SystemTime time);
// format_rfc3339 of the system clock's now.
std::string now_rfc3339();
// Go's time.RFC3339Nano in UTC: "2026-11-23T20:15:04.12345Z" (trailing zeros dropped, no
// fraction at all on a whole second).
std::string format_rfc3339_nano(SystemTime time);

// "2026-11-23T20:15:04Z", with an optional fraction (up to nanoseconds) and "Z" or a numeric
// offset ("+02:00"); nullopt for anything else, or a date that does not exist.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

// Kubernetes' short age format (apimachinery's HumanDuration): "45s", "5m3s", "3h", "12d",
// "2y30d"; "0s" for -1 (clock skew), "<invalid>" below that.
std::string human_duration(int64_t seconds);

}  // namespace plumb
