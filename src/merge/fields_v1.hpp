// The keys of a FieldsV1 set, as Kubernetes stores them in metadata.managedFields (the
// structured-merge-diff path elements): "f:<name>" a field of a map, "k:<json object>" the
// item of a keyed list with those key fields, "v:<json>" the item of a set with that value,
// "i:<n>" a list item by position, "." the node itself.
//
// Decoding only: what a key names. How a key is matched against an object (defaulted key
// fields, for one) is the caller's business.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/node.hpp"

namespace plumb {

struct FieldsV1Key {
  enum class Kind { self, field, key, value, index, invalid };
  Kind kind = Kind::invalid;
  std::string_view text;  // after the prefix: the field name, JSON text or index digits
  Node value;             // key: the key object (a map); value: the item
  size_t index = 0;       // index
};

// What one key of a FieldsV1 map names; Kind::invalid for an unknown prefix, a "k:" that is
// not a JSON object, a "v:" that is not JSON, an "i:" that is not a number.
FieldsV1Key decode_fields_v1_key(std::string_view key);

}  // namespace plumb
