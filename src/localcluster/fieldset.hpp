// Field sets for server-side apply: which fields of an object a manager owns, in the
// FieldsV1 shape Kubernetes stores in metadata.managedFields ("f:name", "k:{json}" for an
// item of a keyed list, "v:json" for an item of a set, "." for the node itself).
//
// Internally a set is a Node tree in canonical form: every member path carries a "." key
// (FieldsV1 writes a member leaf as {}), which makes union, difference and intersection
// plain recursive map operations.
//
// Shapes come from the merge module's Schema (listType/listMapKeys, atomic structs and
// maps); unknown types merge maps field by field and treat lists as atomic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "merge/schema.hpp"

namespace plumb::localcluster {

// What a value at some position is, from the schema.
struct Shape {
  enum class Kind { unknown, object, map, list, scalar };
  Kind kind = Kind::unknown;
  SchemaType type;  // object: its type; map/list: the element's type
  ValueKind element = ValueKind::any;
  ListType list_type = ListType::unset;
  std::vector<std::string_view> keys;  // list-map keys
  bool atomic = false;
};

Shape root_shape(SchemaType type);
Shape child_shape(const Shape& parent, std::string_view key);
Shape item_shape(const Shape& list);

// Canonical sets.
Node fieldset_of(const Node& value, const Shape& shape);  // the leaves a config sets
Node fieldset_changed(const Node& before, const Node& after, const Shape& shape);
Node fieldset_union(const Node& a, const Node& b);
Node fieldset_difference(const Node& a, const Node& b);
Node fieldset_intersection(const Node& a, const Node& b);
bool fieldset_empty(const Node& set);

Node to_fields_v1(const Node& set);
Node from_fields_v1(const Node& fields);

// Key of a keyed-list item: k:{"name":"web"} (keys in listMapKeys order).
std::string item_key(const Node& item, const std::vector<std::string_view>& keys);

// Each member path of `set` (".spec.replicas", `.spec.containers[name="web"].image`).
std::vector<std::string> fieldset_paths(const Node& set);

// Members of `set` whose value differs between `a` and `b`.
Node fieldset_differing(const Node& set, const Node& a, const Node& b, const Shape& shape);

// `object` without the members of `set`.
Node remove_fields(const Node& object, const Node& set, const Shape& shape);

// `config` merged onto `base`: keyed lists by key, sets by value, atomic values replaced.
Node merge_applied(const Node& base, const Node& config, const Shape& shape);

}  // namespace plumb::localcluster
