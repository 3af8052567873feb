// A document with every map's keys in byte order, as Go's encoding/json writes a
// map[string]interface{} (a Go struct keeps its field order instead): for output that went
// through such a map in the tool Plumb mirrors, and for JSON used as a key.
//
// Thread safety: a pure function.
#pragma once

#include "core/node.hpp"

namespace plumb {

Node sort_keys(const Node& value);

}  // namespace plumb
