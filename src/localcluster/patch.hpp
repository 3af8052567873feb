// PATCH bodies other than apply: JSON patch, JSON merge patch and strategic merge patch,
// by Content-Type, using the merge module.
#pragma once

#include <string_view>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

// `content_type` without parameters. Unsupported types are 415; a bad body is 400, and a
// JSON patch that does not apply is 422, as Kubernetes answers.
ApiResult<Node> apply_patch(const ResourceInfo& resource, const Node& current,
                            std::string_view content_type, std::string_view body);

}  // namespace plumb::localcluster
