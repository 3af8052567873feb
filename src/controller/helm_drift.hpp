// spec.driftDetection.ignore for a HelmRelease: the fields its rules name are left as the
// cluster holds them when the deployed revision is applied again (drift correction), as
// helm-controller leaves them out of its drift diff. Each rule's JSON pointers (RFC 6901)
// apply to the objects its target (kustomize's Selector: group, version, kind, name,
// namespace regexes, label and annotation selectors) picks, or to every object.
//
// Thread safety: pure functions (the lookup is the caller's).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "controller/helmrelease_types.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::controller {

// The live object of a desired one (nullopt when absent).
using LiveLookup = std::function<Result<std::optional<Node>>(const Node& desired)>;

// `objects` with each ignored field set to the live object's value, or removed where the live
// object lacks it; objects not live yet are left whole (they are created as rendered).
Result<std::vector<Node>> keep_ignored_fields(std::vector<Node> objects,
                                              const std::vector<DriftIgnoreRule>& rules,
                                              const LiveLookup& live);

}  // namespace plumb::controller
