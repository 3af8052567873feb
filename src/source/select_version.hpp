// Choosing a version from a list by a version range, as Flux's source-controller does for
// HelmChart (index entries, OCI tags) and OCIRepository `ref.semver`, with Masterminds semver
// v3 rules (sprig/semver.hpp, the library's own semantics):
// - a range equal to one of the texts picks it (an exact match first, as Flux does);
// - "" or "*" means the latest stable version;
// - otherwise the highest version the range admits; a pre-release only when a comparator of
//   the range names one (`>=1.0.0-0`);
// - texts that are not versions are skipped; among equal versions the first listed wins.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::source {

// The index of the chosen text, nullopt when none matches; an error for a range that does
// not parse ("invalid version range \"R\"").
Result<std::optional<size_t>> choose_version(std::span<const std::string> versions,
                                             std::string_view range);

}  // namespace plumb::source
