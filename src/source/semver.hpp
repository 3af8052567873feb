// Semantic versions and the range syntax Flux accepts for GitRepository spec.ref.semver
// (Masterminds semver): comparisons (= != > < >= <=), tilde (~1.2.3), caret (^1.2), x-ranges
// (1.2.x, 1.*, *), hyphen ranges (1.2 - 1.4.5), AND by space or comma, OR by "||".
// Pre-release versions match only a comparator that itself names a pre-release.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::source {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "" for a release

  // "1.2.3", "v1.2.3", "1.2" (patch 0), "1.2.3-rc.1+build"; nullopt when not a version.
  static std::optional<Version> parse(std::string_view text);
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const = default;
};

class VersionRange {
 public:
  static Result<VersionRange> parse(std::string_view text);
  bool contains(const Version& version) const;

  struct Comparator {
    enum class Op { eq, ne, gt, ge, lt, le } op;
    Version version;
  };

 private:
  std::vector<std::vector<Comparator>> m_any_of;  // OR of ANDs
};

}  // namespace plumb::source
