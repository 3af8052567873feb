// Resource identity: group/version/kind plus name and namespace, as kustomize keys objects.
//
// Two ids are the same object when their GVKs are equal, their names are equal and their
// effective namespaces are equal (empty and "default" are one namespace; cluster-scoped kinds
// have none). Selectors match with empty fields meaning "any".
#pragma once

#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb::render {

struct Gvk {
  std::string group;
  std::string version;
  std::string kind;

  static Gvk from_api_version(std::string_view api_version, std::string_view kind);
  static Gvk of(const Node& object);
  std::string api_version() const;
  // kustomize's "group_version_kind" form with ~G/~V/~K for empty parts (sort keys, messages).
  std::string str() const;
  bool is_selected_by(const Gvk& selector) const;
  bool cluster_scoped() const;
  friend bool operator==(const Gvk&, const Gvk&) = default;
};

struct ResId {
  Gvk gvk;
  std::string name;
  std::string ns;

  static ResId of(const Node& object);
  // The namespace used for identity: "default" for "", a marker for cluster-scoped kinds.
  std::string_view effective_namespace() const;
  bool same_as(const ResId& other) const;
  // A key that is equal for ids that are the same_as each other.
  std::string key() const;
  // Human form for messages: "Kind.version.group/name.namespace".
  std::string str() const;
};

}  // namespace plumb::render
