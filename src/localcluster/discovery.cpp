#include "localcluster/discovery.hpp"

#include <algorithm>
#include <vector>

namespace plumb::localcluster {
namespace {

struct SubresourceFacts {
  std::string_view name;
  std::string_view verbs;
  std::string_view group;  // of the kind it returns; "=" for the parent's own
  std::string_view version;
  std::string_view kind;
};

// What each subresource accepts and returns (Kubernetes facts).
constexpr SubresourceFacts k_subresources[] = {
    {"status", "get patch update", "=", "", ""},
    {"scale", "get patch update", "autoscaling", "v1", "Scale"},
    {"approval", "get patch update", "=", "", ""},
    {"finalize", "update", "=", "", ""},
    {"ephemeralcontainers", "get patch update", "=", "", ""},
    {"binding", "create", "", "v1", "Binding"},
    {"eviction", "create", "policy", "v1", "Eviction"},
    {"token", "create", "authentication.k8s.io", "v1", "TokenRequest"},
    {"log", "get", "", "v1", "Pod"},
    {"exec", "create get", "", "v1", "PodExecOptions"},
    {"attach", "create get", "", "v1", "PodAttachOptions"},
    {"portforward", "create get", "", "v1", "PodPortForwardOptions"},
    {"proxy", "create delete get patch put update", "", "v1", "NodeProxyOptions"},
};

const SubresourceFacts& facts(std::string_view name) {
  for (const SubresourceFacts& f : k_subresources) {
    if (f.name == name) return f;
  }
  return k_subresources[0];
}

Node strings(const std::vector<std::string>& values) {
  Node list = Node::list(values.size());
  for (const std::string& v : values)
    list.push_back(Node::string(v));
  return list;
}

Node words(std::string_view text) {
  Node list = Node::list();
  while (!text.empty()) {
    size_t space = text.find(' ');
    list.push_back(Node::string(text.substr(0, space)));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return list;
}

// Groups in the order their first resource appears, each with its versions in order.
struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;
};

std::vector<GroupVersions> groups(const Registry& registry) {
  std::vector<GroupVersions> out;
  for (const ResourcePtr& r : registry.all()) {
    auto g = std::find_if(out.begin(), out.end(), [&](auto& x) { return x.group == r->group; });
    if (g == out.end()) {
      out.push_back({r->group, {}});
      g = std::prev(out.end());
    }
    if (std::find(g->versions.begin(), g->versions.end(), r->version) == g->versions.end())
      g->versions.push_back(r->version);
  }
  return out;
}

Node group_version_entry(std::string_view group, std::string_view version) {
  Node v = Node::map();
  v.set("groupVersion",
        Node::string(group.empty() ? std::string(version)
                                   : std::string(group) + "/" + std::string(version)));
  v.set("version", Node::string(version));
  return v;
}

Node group_entry(const GroupVersions& g) {
  Node entry = Node::map();
  entry.set("name", Node::string(g.group));
  Node versions = Node::list();
  for (const std::string& v : g.versions)
    versions.push_back(group_version_entry(g.group, v));
  entry.set("versions", std::move(versions));
  entry.set("preferredVersion", group_version_entry(g.group, g.versions.front()));
  return entry;
}

Node response_kind(std::string_view group, std::string_view version, std::string_view kind) {
  Node k = Node::map();
  k.set("group", Node::string(group));
  k.set("version", Node::string(version));
  k.set("kind", Node::string(kind));
  return k;
}

Node aggregated_resource(const ResourceInfo& r) {
  Node entry = Node::map();
  entry.set("resource", Node::string(r.plural));
  entry.set("responseKind", response_kind(r.group, r.version, r.kind));
  entry.set("scope", Node::string(r.namespaced ? "Namespaced" : "Cluster"));
  entry.set("singularResource", Node::string(r.singular));
  entry.set("verbs", strings(r.verbs));
  if (!r.short_names.empty()) entry.set("shortNames", strings(r.short_names));
  if (!r.categories.empty()) entry.set("categories", strings(r.categories));
  if (!r.subresources.empty()) {
    Node subs = Node::list();
    for (const std::string& name : r.subresources) {
      const SubresourceFacts& f = facts(name);
      Node sub = Node::map();
      sub.set("subresource", Node::string(name));
      if (f.group == "=") {
        sub.set("responseKind", response_kind(r.group, r.version, r.kind));
      } else {
        sub.set("responseKind", response_kind(f.group, f.version, f.kind));
      }
      sub.set("verbs", words(f.verbs));
      subs.push_back(std::move(sub));
    }
    entry.set("subresources", std::move(subs));
  }
  return entry;
}

}  // namespace

Node version_document() {
  Node v = Node::map();
  v.set("major", Node::string("1"));
  v.set("minor", Node::string("32"));
  v.set("gitVersion", Node::string(k_server_version));
  v.set("gitCommit", Node::string("plumb"));
  v.set("gitTreeState", Node::string("clean"));
  v.set("buildDate", Node::string("2026-01-01T00:00:00Z"));
  v.set("goVersion", Node::string("go1.23.0"));
  v.set("compiler", Node::string("gc"));
  v.set("platform", Node::string("linux/amd64"));
  return v;
}

Node api_versions(std::string_view server_address) {
  Node doc = Node::map();
  doc.set("kind", Node::string("APIVersions"));
  Node versions = Node::list();
  versions.push_back(Node::string("v1"));
  doc.set("versions", std::move(versions));
  Node cidr = Node::map();
  cidr.set("clientCIDR", Node::string("0.0.0.0/0"));
  cidr.set("serverAddress", Node::string(server_address));
  Node cidrs = Node::list();
  cidrs.push_back(std::move(cidr));
  doc.set("serverAddressByClientCIDRs", std::move(cidrs));
  return doc;
}

Node api_group_list(const Registry& registry) {
  Node doc = Node::map();
  doc.set("kind", Node::string("APIGroupList"));
  doc.set("apiVersion", Node::string("v1"));
  Node list = Node::list();
  for (const GroupVersions& g : groups(registry)) {
    if (!g.group.empty()) list.push_back(group_entry(g));
  }
  doc.set("groups", std::move(list));
  return doc;
}

Node api_group(const Registry& registry, std::string_view group) {
  for (const GroupVersions& g : groups(registry)) {
    if (g.group == group && !group.empty()) {
      Node doc = group_entry(g);
      Node out = Node::map();
      out.set("kind", Node::string("APIGroup"));
      out.set("apiVersion", Node::string("v1"));
      for (const MapEntry& e : doc.entries())
        out.set(e.key.as_string(), e.value);
      return out;
    }
  }
  return Node();
}

Node api_resource_list(const Registry& registry, std::string_view group, std::string_view version) {
  Node resources = Node::list();
  bool any = false;
  for (const ResourcePtr& r : registry.all()) {
    if (r->group != group || r->version != version) continue;
    any = true;
    Node entry = Node::map();
    entry.set("name", Node::string(r->plural));
    entry.set("singularName", Node::string(r->singular));
    entry.set("namespaced", Node::boolean(r->namespaced));
    entry.set("kind", Node::string(r->kind));
    entry.set("verbs", strings(r->verbs));
    if (!r->short_names.empty()) entry.set("shortNames", strings(r->short_names));
    if (!r->categories.empty()) entry.set("categories", strings(r->categories));
    resources.push_back(std::move(entry));
    for (const std::string& name : r->subresources) {
      const SubresourceFacts& f = facts(name);
      Node sub = Node::map();
      sub.set("name", Node::string(r->plural + "/" + name));
      sub.set("singularName", Node::string(""));
      sub.set("namespaced", Node::boolean(r->namespaced));
      if (f.group != "=") {
        if (!f.group.empty()) sub.set("group", Node::string(f.group));
        sub.set("version", Node::string(f.version));
      }
      sub.set("kind", Node::string(f.group == "=" ? std::string_view(r->kind) : f.kind));
      sub.set("verbs", words(f.verbs));
      resources.push_back(std::move(sub));
    }
  }
  if (!any) return Node();
  Node doc = Node::map();
  doc.set("kind", Node::string("APIResourceList"));
  doc.set("apiVersion", Node::string("v1"));
  doc.set("groupVersion",
          Node::string(group.empty() ? std::string(version)
                                     : std::string(group) + "/" + std::string(version)));
  doc.set("resources", std::move(resources));
  return doc;
}

Node aggregated_discovery(const Registry& registry, bool core, std::string_view api_version) {
  std::vector<ResourcePtr> all = registry.all();
  Node items = Node::list();
  for (const GroupVersions& g : groups(registry)) {
    if (g.group.empty() != core) continue;
    Node item = Node::map();
    Node metadata = Node::map();
    metadata.set("name", Node::string(g.group));
    metadata.set("creationTimestamp", Node());
    item.set("metadata", std::move(metadata));
    Node versions = Node::list();
    for (const std::string& version : g.versions) {
      Node v = Node::map();
      v.set("version", Node::string(version));
      Node resources = Node::list();
      for (const ResourcePtr& r : all) {
        if (r->group == g.group && r->version == version)
          resources.push_back(aggregated_resource(*r));
      }
      v.set("resources", std::move(resources));
      v.set("freshness", Node::string("Current"));
      versions.push_back(std::move(v));
    }
    item.set("versions", std::move(versions));
    items.push_back(std::move(item));
  }
  Node doc = Node::map();
  doc.set("kind", Node::string("APIGroupDiscoveryList"));
  doc.set("apiVersion", Node::string(api_version));
  Node metadata = Node::map();
  doc.set("metadata", std::move(metadata));
  doc.set("items", std::move(items));
  return doc;
}

}  // namespace plumb::localcluster
