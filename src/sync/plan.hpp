// Planning a sync: validate every object before anything is touched, map each to the
// resource that serves it, and order them in stages (policy.hpp).
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"
#include "kube/client.hpp"

namespace plumb::sync {

struct PlannedObject {
  ObjectRef ref;
  Node object;  // with metadata.namespace filled in for namespaced kinds
  kube::Resource resource;
};

struct Plan {
  std::vector<PlannedObject> definitions;  // Stage::cluster_definitions, in kind order
  std::vector<PlannedObject> workloads;    // Stage::workloads, in kind order

  size_t size() const { return definitions.size() + workloads.size(); }
  // Whether the plan holds that object (ObjectRef::same_object).
  bool contains(const ObjectRef& ref) const;
};

struct PlanOptions {
  std::string default_namespace;  // for namespaced objects without one; "" = required
};

// Validates and orders objects. Every problem is reported at once, one per line, each naming
// the object (or its position when it has no name) and the field.
Result<Plan> make_plan(std::vector<Node> objects, kube::Client& client, const PlanOptions& options);

// The resource a CustomResourceDefinition in the same set will serve for apiVersion/kind, if any.
std::optional<kube::Resource> resource_from_crds(const std::vector<Node>& objects,
                                                 std::string_view api_version,
                                                 std::string_view kind);

}  // namespace plumb::sync
