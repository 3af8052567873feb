// A small flag reader for subcommands: `--name value`, `--name=value`, `-n value`, boolean
// `--name`, and positional arguments, with errors that name the flag. Numbers and durations
// are read here, the same way in every command: the whole value must parse (`4x` is not 4),
// and errors say which flag and what was wrong (`--workers: "4x" is not a whole number`).
//
// Thread safety: pure functions; a Flags is a value.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::cli {

struct FlagSpec {
  std::set<std::string, std::less<>> booleans;  // e.g. {"--prune", "--wait"}
  std::set<std::string, std::less<>> values;    // e.g. {"--timeout", "-n", "--namespace"}
  std::map<std::string, std::string, std::less<>> aliases;  // "-n" → "--namespace"
  // Value flags that may be given several times (kubectl's --from-literal): every value is
  // kept, in order, in Flags::lists.
  std::set<std::string, std::less<>> repeated;
};

// The values a whole-number flag accepts, both ends included.
struct IntRange {
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
};
constexpr IntRange k_port_range{.min = 0, .max = 65535};  // 0: any free port

// A failure to listen on the port a flag named, and when that port is taken (EADDRINUSE) what
// to do: "--port 0 picks a free port".
std::string listen_error(const Error& error, std::string_view flag, int64_t port);

enum class DurationRange { non_negative, positive };

// The readers behind Flags' typed accessors, for a flag's text that arrives some other way.
Result<int64_t> parse_integer_flag(std::string_view name, std::string_view text, IntRange range);
// A decimal number ("2.5", "10") of at least min.
Result<double> parse_number_flag(std::string_view name, std::string_view text, double min);
// A Go duration ("30s", "1m30s", "1.5h").
Result<std::chrono::milliseconds> parse_duration_flag(std::string_view name, std::string_view text,
                                                      DurationRange range);

struct Flags {
  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> set;  // booleans given (true)
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>, std::less<>> lists;  // FlagSpec::repeated

  bool has(std::string_view name) const { return set.count(name) > 0; }
  // A value flag was given.
  bool has_value(std::string_view name) const {
    return values.count(name) > 0 || lists.count(name) > 0;
  }
  // Every value of a repeated flag, in the order given.
  const std::vector<std::string>& all(std::string_view name) const {
    static const std::vector<std::string> none;
    auto it = lists.find(name);
    return it == lists.end() ? none : it->second;
  }
  std::string value(std::string_view name, std::string_view fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? std::string(fallback) : it->second;
  }

  // Typed values: fallback when the flag was not given, an error naming the flag when its
  // value does not parse or is out of range.
  Result<int64_t> integer(std::string_view name, IntRange range, int64_t fallback) const;
  Result<double> number(std::string_view name, double min, double fallback) const;
  Result<std::chrono::milliseconds> duration(std::string_view name, DurationRange range,
                                             std::chrono::milliseconds fallback) const;
};

Result<Flags> parse_flags(std::span<const std::string_view> args, const FlagSpec& spec);

}  // namespace plumb::cli
