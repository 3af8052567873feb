// The discovery documents kubectl reads before anything else: /version, /api, /apis, the
// per group/version resource lists, and the aggregated form (apidiscovery.k8s.io/v2
// APIGroupDiscoveryList) that kubectl 1.32 asks for first.
#pragma once

#include <string>
#include <string_view>

#include "core/node.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

inline constexpr std::string_view k_server_version = "v1.32.0";

Node version_document();
Node api_versions(std::string_view server_address);  // GET /api
Node api_group_list(const Registry& registry);       // GET /apis
// GET /api/v1 or /apis/GROUP/VERSION; null when nothing is served there.
Node api_resource_list(const Registry& registry, std::string_view group, std::string_view version);
// GET /api (core == true) or /apis with the aggregated Accept type.
Node aggregated_discovery(const Registry& registry, bool core, std::string_view api_version);
// GET /apis/GROUP: one APIGroup; null when unknown.
Node api_group(const Registry& registry, std::string_view group);

}  // namespace plumb::localcluster
