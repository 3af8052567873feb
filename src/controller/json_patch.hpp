// JSON patches (RFC 6902) of objects the controller read: one way to write finalizers, owner
// references and annotations without an apply. The patch tests the object's uid first, so it
// never changes another object of that name (created after the one read was deleted), and,
// unlike an apply, never creates an object deleted meanwhile.
//
//   TRY(patch_tested(client, resource, object, {json_op("remove", "/metadata/finalizers/0")},
//                    "finalizers"));
//
// Thread safety: pure functions and one request on the caller's client.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

// One operation of a JSON patch.
Node json_op(std::string_view op, std::string_view path, std::optional<Node> value = {});

// Sends `operations` after a test of the object's uid; returns the object written. Errors
// name the object ("Application/argocd/guestbook finalizers: ...").
Result<Node> patch_tested(kube::Client& client, const kube::Resource& resource, const Node& object,
                          std::vector<Node> operations, std::string_view what);

}  // namespace plumb::controller
