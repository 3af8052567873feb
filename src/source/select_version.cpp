#include "source/select_version.hpp"

#include "sprig/semver.hpp"

namespace plumb::source {

Result<std::optional<size_t>> choose_version(std::span<const std::string> versions,
                                             std::string_view range) {
  if (!range.empty()) {
    for (size_t i = 0; i < versions.size(); ++i) {
      if (versions[i] == range) return i;
    }
  }
  auto constraint = sprig::SemConstraint::parse(range.empty() ? "*" : range);
  if (!constraint) return fail("invalid version range \"", range, "\"");
  std::optional<size_t> best;
  std::optional<sprig::SemVersion> best_version;
  for (size_t i = 0; i < versions.size(); ++i) {
    auto version = sprig::SemVersion::parse(versions[i]);
    if (!version || !constraint->check(*version)) continue;
    if (!best_version || version->compare(*best_version) > 0) {
      best = i;
      best_version = std::move(version);
    }
  }
  return best;
}

}  // namespace plumb::source
