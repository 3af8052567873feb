// Small facts about API objects shared by the request handlers and the simulated controllers:
// uids, timestamps, resourceVersions, and the parts of an object a write may change.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb::localcluster {

std::string new_uid();                     // random UUID v4
std::string random_suffix(size_t length);  // for generateName: [a-z0-9]
uint64_t parse_rv(std::string_view text);  // 0 when empty or not a number
uint64_t object_rv(const Node& object);

// Equal except for metadata and status: a change here bumps metadata.generation.
bool same_spec(const Node& a, const Node& b);
// Equal except for metadata.resourceVersion and the times in metadata.managedFields: a write
// that changes nothing else is not stored (no new resourceVersion).
bool same_content(const Node& a, const Node& b);

// The value at a dotted path of map keys, or nullptr.
const Node* find_path(const Node& object, std::string_view dotted);

}  // namespace plumb::localcluster
