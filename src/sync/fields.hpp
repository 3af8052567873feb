// Does the live object already hold what we would apply? Deciding this locally is what makes
// a sync with no changes cost no write request.
#pragma once

#include <string_view>

#include "core/node.hpp"

namespace plumb::sync {

// True when every field of desired is present with the same value in live (lists of objects
// match as an ordered subsequence, so items other managers added do not count), and every
// field the manager owns in live's managedFields (operation Apply) is still in desired —
// otherwise applying would remove it.
bool already_applied(const Node& desired, const Node& live, std::string_view manager);

// desired ⊆ live, as described above (without the ownership check).
bool contains(const Node& live, const Node& desired);

// True when every path of a FieldsV1 set is present in object.
bool fields_present(const Node& fields_v1, const Node& object);

}  // namespace plumb::sync
