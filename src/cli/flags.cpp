#include "cli/flags.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/duration.hpp"

namespace plumb::cli {

std::string listen_error(const Error& error, std::string_view flag, int64_t port) {
  std::string message = error.message();
  if (port != 0 && message.ends_with(std::strerror(EADDRINUSE))) {
    message += "\n  port " + std::to_string(port) +
               " is taken (another plumb up or plumb cluster?): " + std::string(flag) +
               " 0 picks a free port";
  }
  return message;
}

Result<int64_t> parse_integer_flag(std::string_view name, std::string_view text, IntRange range) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == end)) {
    if (ec == std::errc() && value >= range.min && value <= range.max) return value;
    if (range.max == std::numeric_limits<int64_t>::max()) {
      return fail(name, ": must be at least ", std::to_string(range.min), ", got ", text);
    }
    return fail(name, ": must be between ", std::to_string(range.min), " and ",
                std::to_string(range.max), ", got ", text);
  }
  return fail(name, ": \"", text, "\" is not a whole number");
}

Result<double> parse_number_flag(std::string_view name, std::string_view text, double min) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return fail(name, ": \"", text, "\" is not a number");
  }
  if (value < min) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", min);
    return fail(name, ": must be at least ", shown, ", got ", text);
  }
  return value;
}

Result<std::chrono::milliseconds> parse_duration_flag(std::string_view name, std::string_view text,
                                                      DurationRange range) {
  auto duration = parse_duration(text);
  if (!duration) {
    return fail(name, ": \"", text, "\" is not a duration (such as 30s, 5m or 1h30m)");
  }
  if (duration->count() < 0) return fail(name, ": must not be negative, got ", text);
  if (range == DurationRange::positive && duration->count() == 0) {
    return fail(name, ": must be positive, got ", text);
  }
  return *duration;
}

Result<int64_t> Flags::integer(std::string_view name, IntRange range, int64_t fallback) const {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  return parse_integer_flag(name, it->second, range);
}

Result<double> Flags::number(std::string_view name, double min, double fallback) const {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  return parse_number_flag(name, it->second, min);
}

Result<std::chrono::milliseconds> Flags::duration(std::string_view name, DurationRange range,
                                                  std::chrono::milliseconds fallback) const {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  return parse_duration_flag(name, it->second, range);
}

Result<Flags> parse_flags(std::span<const std::string_view> args, const FlagSpec& spec) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      flags.positional.emplace_back(arg);
      continue;
    }
    std::string name(arg);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    if (auto alias = spec.aliases.find(name); alias != spec.aliases.end()) name = alias->second;
    if (spec.booleans.count(name)) {
      if (inline_value && value != "true" && value != "false") {
        return fail("flag ", name, ": expected true or false, got \"", value, "\"");
      }
      if (!inline_value || value == "true") flags.set.insert(name);
      if (inline_value && value == "false") flags.set.erase(name);
      continue;
    }
    bool repeated = spec.repeated.count(name) > 0;
    if (!repeated && !spec.values.count(name)) return fail("unknown flag ", name);
    if (!inline_value) {
      if (i + 1 >= args.size()) return fail("flag ", name, " needs a value");
      value = std::string(args[++i]);
    }
    if (repeated) {
      flags.lists[name].push_back(std::move(value));
    } else {
      flags.values[name] = std::move(value);
    }
  }
  return flags;
}

}  // namespace plumb::cli
