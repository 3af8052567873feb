#include "core/duration.hpp"

#include <cctype>
#include <cstdlib>

namespace plumb {
namespace {

struct Unit {
  std::string_view name;
  double ms;
};
// Longer names first so "ms" is not read as "m".
constexpr Unit k_units[] = {{"ms", 1},        {"us", 1e-3},   {"µs", 1e-3}, {"ns", 1e-6},
                            {"h", 3600000.0}, {"m", 60000.0}, {"s", 1000.0}};

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return std::chrono::milliseconds(0);
  if (rest.empty()) return fail("invalid duration \"", text, "\"");
  double total = 0;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() &&
           (std::isdigit(static_cast<unsigned char>(rest[digits])) || rest[digits] == '.')) {
      ++digits;
    }
    if (digits == 0) return fail("invalid duration \"", text, "\"");
    double value = std::strtod(std::string(rest.substr(0, digits)).c_str(), nullptr);
    rest.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const Unit& u : k_units) {
      if (rest.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (!unit) return fail("invalid duration \"", text, "\": missing or unknown unit");
    rest.remove_prefix(unit->name.size());
    total += value * unit->ms;
  }
  auto ms = std::chrono::milliseconds(int64_t(total + 0.5));
  return negative ? -ms : ms;
}

std::string format_duration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (rest) {
    std::string frac = std::to_string(rest + 1000).substr(1);
    while (frac.back() == '0')
      frac.pop_back();
    out += "." + frac;
  }
  return out + "s";
}

}  // namespace plumb
