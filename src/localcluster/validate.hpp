// The validation the API server runs on an object before it stores it (after decoding and
// defaulting), answered as 422 Invalid causes in Kubernetes' words and order: metadata (the
// name's format per kind, label and annotation syntax, annotation size), then what each
// built-in kind requires (validate_kinds.hpp: pod specs and containers, workload selectors,
// ports, enums, quantities, fields that may not change ...). Kinds without rules of their
// own get the metadata checks; custom resources are checked against their CRD's schema
// elsewhere (crd_validation.hpp).
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

// `before` is null on create.
std::vector<StatusCause> validate_object(const ResourceInfo& resource, const Node& object,
                                         const Node& before);

}  // namespace plumb::localcluster
