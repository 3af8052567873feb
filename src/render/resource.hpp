// A resource being rendered: the object plus the build state kustomize keeps beside it
// (ids it had before renames, prefixes/suffixes added, generator options). The build state
// never reaches the output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "render/resid.hpp"

namespace plumb::render {

enum class Behavior { unspecified, create, merge, replace };

struct Resource {
  Node obj;
  // Ids before each rename, oldest first (kustomize's previousNames/Kinds/Namespaces).
  std::vector<ResId> previous;
  std::vector<std::string> prefixes;
  std::vector<std::string> suffixes;
  Behavior behavior = Behavior::unspecified;
  bool needs_hash = false;
  // Var names this resource's fields referenced (for vars resolution).
  std::vector<std::string> ref_var_names;

  explicit Resource(Node object = Node::map()) : obj(std::move(object)) {}

  ResId cur_id() const { return ResId::of(obj); }
  // The id the resource had when first read.
  ResId org_id() const { return previous.empty() ? cur_id() : previous.front(); }
  // Remembers the current id before a transformer changes name, namespace or kind.
  void store_previous_id() { previous.push_back(cur_id()); }
  // True when one of the resource's ids (current or previous) is the same as id.
  bool has_any_id(const ResId& id) const;

  std::string_view name() const { return obj.string_at({"metadata", "name"}); }
  std::string_view ns() const { return obj.string_at({"metadata", "namespace"}); }
  std::string_view kind() const { return obj.string_at({"kind"}); }
  void set_name(std::string_view name);
  void set_namespace(std::string_view ns);
  // Annotation and label helpers; a missing map reads as empty.
  std::string_view annotation(std::string_view key) const;
  void set_annotation(std::string_view key, std::string_view value);
  void erase_annotation(std::string_view key);
  std::string_view label(std::string_view key) const;
};

}  // namespace plumb::render
