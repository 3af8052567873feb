#include "controller/helm_capabilities.hpp"

#include <algorithm>

namespace plumb::controller {
namespace {

constexpr std::string_view k_aggregated_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

std::span<const Node> items_of(const Node& node, std::string_view key) {
  const Node* list = node.find(key);
  return list && list->is_list() ? list->items() : std::span<const Node>();
}

std::string group_version(std::string_view group, std::string_view version) {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

}  // namespace

void add_api_versions(const Node& discovery, std::vector<std::string>& out) {
  if (discovery.string_at({"kind"}) == "APIGroupDiscoveryList") {
    for (const Node& group : items_of(discovery, "items")) {
      std::string_view name = group.string_at({"metadata", "name"});
      for (const Node& version : items_of(group, "versions")) {
        std::string gv = group_version(name, version.string_at({"version"}));
        out.push_back(gv);
        for (const Node& r : items_of(version, "resources")) {
          if (std::string_view kind = r.string_at({"responseKind", "kind"}); !kind.empty())
            out.push_back(gv + "/" + std::string(kind));
          for (const Node& sub : items_of(r, "subresources"))
            if (std::string_view kind = sub.string_at({"responseKind", "kind"}); !kind.empty())
              out.push_back(gv + "/" + std::string(kind));
        }
      }
    }
    return;
  }
  // A legacy APIResourceList.
  std::string gv(discovery.string_at({"groupVersion"}));
  if (gv.empty()) return;
  out.push_back(gv);
  for (const Node& r : items_of(discovery, "resources"))
    if (std::string_view kind = r.string_at({"kind"}); !kind.empty())
      out.push_back(gv + "/" + std::string(kind));
}

Result<ClusterCapabilities> cluster_capabilities(kube::Client& client) {
  ClusterCapabilities out;
  Node version = TRY(client.request({.target = "/version"}, "the API server's version"));
  out.kube_version = std::string(version.string_at({"gitVersion"}));
  if (out.kube_version.empty()) return fail("the API server's /version has no gitVersion");
  Node core = TRY(client.request({.target = "/api", .accept = std::string(k_aggregated_accept)},
                                 "discovery /api"));
  if (core.string_at({"kind"}) == "APIGroupDiscoveryList") {
    add_api_versions(core, out.api_versions);
    add_api_versions(
        TRY(client.request({.target = "/apis", .accept = std::string(k_aggregated_accept)},
                           "discovery /apis")),
        out.api_versions);
  } else {
    for (const Node& v : items_of(core, "versions"))
      add_api_versions(
          TRY(client.request({.target = "/api/" + std::string(v.as_string())}, "discovery")),
          out.api_versions);
    Node groups = TRY(client.request({.target = "/apis"}, "discovery /apis"));
    for (const Node& g : items_of(groups, "groups"))
      for (const Node& v : items_of(g, "versions"))
        add_api_versions(
            TRY(client.request({.target = "/apis/" + std::string(v.string_at({"groupVersion"}))},
                               "discovery")),
            out.api_versions);
  }
  std::sort(out.api_versions.begin(), out.api_versions.end());
  out.api_versions.erase(std::unique(out.api_versions.begin(), out.api_versions.end()),
                         out.api_versions.end());
  return out;
}

}  // namespace plumb::controller
