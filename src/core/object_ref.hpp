// ObjectRef: which Kubernetes object a document is, by group, version, kind, namespace and
// name. Shared by sync, the controller's inventory and the CLI output.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb {

struct ObjectRef {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string namespace_;  // "" for cluster-scoped objects
  std::string name;

  // From an object's apiVersion, kind, metadata.namespace and metadata.name.
  static ObjectRef of(const Node& object);

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "Deployment/web/api" or "Namespace/web": how objects are named in messages.
  std::string display() const;
  // Flux's inventory entry: <namespace>_<name>_<group>_<kind>.
  std::string inventory_id() const;

  // Identity ignores the version: apps/v1 and apps/v1beta1 Deployments are the same object.
  bool same_object(const ObjectRef& other) const {
    return group == other.group && kind == other.kind && namespace_ == other.namespace_ &&
           name == other.name;
  }
  auto operator<=>(const ObjectRef&) const = default;
};

// An object's metadata.generation; 0 when it has none.
int64_t generation_of(const Node& object);

}  // namespace plumb
