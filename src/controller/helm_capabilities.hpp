// What a chart sees of the cluster it is installed in (`.Capabilities`), read as Helm's
// action.Configuration.getCapabilities reads it: KubeVersion from the API server's /version
// (gitVersion), APIVersions as GetVersionSet builds them from discovery — every group
// version ("apps/v1", "v1") and every kind served at one ("apps/v1/Deployment", subresource
// kinds included). Aggregated discovery (/api, /apis) when the server has it, else the
// legacy resource lists.
//
// Thread safety: reentrant (the client is).
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

struct ClusterCapabilities {
  std::string kube_version;               // "v1.32.0"
  std::vector<std::string> api_versions;  // sorted, each once
};

Result<ClusterCapabilities> cluster_capabilities(kube::Client& client);

// GetVersionSet's entries for one discovery document: an aggregated APIGroupDiscoveryList or a
// legacy APIResourceList (added to `out`, duplicates left for the caller).
void add_api_versions(const Node& discovery, std::vector<std::string>& out);

}  // namespace plumb::controller
