// The OpenAPI v3 documents kubectl reads before it writes: the root index (/openapi/v3) and
// one document per group/version with a PATCH operation per kind. The operations declare the
// fieldValidation query parameter, which tells kubectl the server validates fields itself, so
// `kubectl apply` needs no client-side schema. Schemas are not served yet (kubectl then
// computes client-side apply patches from its built-in types, JSON merge patch for CRDs).
#pragma once

#include <string_view>

#include "core/node.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

Node openapi_v3_root(const Registry& registry);
// `path` is "api/v1" or "apis/GROUP/VERSION"; null when nothing is served there.
Node openapi_v3_group_version(const Registry& registry, std::string_view path);

}  // namespace plumb::localcluster
