// Semantic versions as Helm checks them (Masterminds semver v3): a chart's `version` must parse
// (`1`, `1.2`, `v1.2.3`, `01.2.3` are accepted; `1.2.3.4` and a pre-release part with a leading
// zero such as `1.2.3-01` are not), `kubeVersion` and dependency `version` fields are range
// constraints checked against a version (chartutil.IsCompatibleRange).
//
// Constraints: comparisons (= != > < >= <= => =<), tilde (~1.2, ~>1.2), caret (^1.2), x-ranges
// (1.2.x, 1.*, *), hyphen ranges (1.2 - 1.4.5), AND by space or comma, OR by "||". A version
// with a pre-release matches only a comparator whose own version names a pre-release
// (`>=1.20.0-0` admits `v1.35.0-gke.1`).
//
// This is the library's semantics, not source/semver.hpp's (Flux's ranges): x-ranges and
// "dirty" comparators follow Masterminds' rules (`>1.2` means `>=1.3.0`, `<=1.2` admits 1.2.9).
//
// Shared by sprig's semver/semverCompare and the helm module (src/helm/semver.hpp forwards
// here), so helm depends on sprig and not the other way round.
//
// Thread safety: values; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::sprig {

struct SemVersion {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;
  std::string metadata;

  // Masterminds' NewVersion; nullopt when it refuses the text.
  static std::optional<SemVersion> parse(std::string_view text);
  // The same with NewVersion's error: "invalid semantic version", "version segment starts
  // with 0", "error parsing version segment: strconv.ParseUint: ...".
  static Result<SemVersion> parse_checked(std::string_view text);
  // Masterminds' String(): "1.2.0-beta+meta" (no "v", missing parts as 0).
  std::string to_string() const;
  // -1, 0, 1; metadata is ignored, a pre-release sorts before its release.
  int compare(const SemVersion& other) const;
};

class SemConstraint {
 public:
  // Masterminds' NewConstraint; nullopt when it refuses the text.
  static std::optional<SemConstraint> parse(std::string_view text);
  bool check(const SemVersion& version) const;

  struct Comparator {
    std::string op;  // "", "=", "!=", ">", "<", ">=", "<=", "~", "~>", "^"
    SemVersion version;
    bool dirty = false, minor_dirty = false, patch_dirty = false;
  };

 private:
  static std::vector<std::string_view> split_or(std::string_view text);
  std::vector<std::vector<Comparator>> m_any_of;
};

// chartutil.IsCompatibleRange: false when either side does not parse.
bool is_compatible_range(std::string_view constraint, std::string_view version);

}  // namespace plumb::sprig
