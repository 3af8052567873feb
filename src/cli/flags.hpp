// A small flag reader for subcommands: `--name value`, `--name=value`, `-n value`, boolean
// `--name`, and positional arguments, with errors that name the flag.
#pragma once

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
};

struct Flags {
  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> set;  // booleans given (true)
  std::vector<std::string> positional;

  bool has(std::string_view name) const { return set.count(name) > 0; }
  // A value flag was given.
  bool has_value(std::string_view name) const { return values.count(name) > 0; }
  std::string value(std::string_view name, std::string_view fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? std::string(fallback) : it->second;
  }
};

Result<Flags> parse_flags(std::span<const std::string_view> args, const FlagSpec& spec);

}  // namespace plumb::cli
