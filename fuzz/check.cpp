#include "check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/yaml.hpp"

namespace plumb::fuzz {
namespace {

bool has_float_where(const Node& node, bool (*pred)(double)) {
  if (node.is_float()) return pred(node.as_float());
  if (node.is_list()) {
    return std::ranges::any_of(node.items(),
                               [&](const Node& item) { return has_float_where(item, pred); });
  }
  if (node.is_map()) {
    return std::ranges::any_of(node.entries(),
                               [&](const MapEntry& e) { return has_float_where(e.value, pred); });
  }
  return false;
}

}  // namespace

void report_bug(std::string_view target, std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "%.*s: %.*s\n%.*s\n", static_cast<int>(target.size()), target.data(),
               static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

bool same_document(const Node& a, const Node& b) {
  if (a == b) return true;
  // Written out, NaN is `.nan` on both sides, and everything else must still match.
  auto is_nan = [](double x) { return std::isnan(x); };
  return has_float_where(a, is_nan) && to_yaml(a) == to_yaml(b);
}

bool has_non_finite(const Node& node) {
  return has_float_where(node, [](double x) { return !std::isfinite(x); });
}

}  // namespace plumb::fuzz
