#include "cli/flags.hpp"

namespace plumb::cli {

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
    if (!spec.values.count(name)) return fail("unknown flag ", name);
    if (!inline_value) {
      if (i + 1 >= args.size()) return fail("flag ", name, " needs a value");
      value = std::string(args[++i]);
    }
    flags.values[name] = value;
  }
  return flags;
}

}  // namespace plumb::cli
