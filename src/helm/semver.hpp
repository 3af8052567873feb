// Semantic versions as Helm checks them: Masterminds semver v3, shared with sprig's semver
// functions and kept in src/sprig/semver.hpp (sprig sits below helm). See that header.
#pragma once

#include "sprig/semver.hpp"

namespace plumb::helm {

using sprig::is_compatible_range;
using sprig::SemConstraint;
using sprig::SemVersion;

}  // namespace plumb::helm
