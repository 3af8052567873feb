#include "localcluster/openapi.hpp"

#include <string>

namespace plumb::localcluster {
namespace {

std::string gv_path(const ResourceInfo& r) {
  return r.group.empty() ? "api/" + r.version : "apis/" + r.group + "/" + r.version;
}

Node query_parameter(std::string_view name) {
  Node p = Node::map();
  p.set("name", Node::string(name));
  p.set("in", Node::string("query"));
  Node schema = Node::map();
  schema.set("type", Node::string("string"));
  schema.set("uniqueItems", Node::boolean(true));
  p.set("schema", std::move(schema));
  return p;
}

Node patch_operation(const ResourceInfo& r) {
  Node op = Node::map();
  op.set("operationId", Node::string("patch" + r.kind));
  Node parameters = Node::list();
  for (std::string_view name : {"dryRun", "fieldManager", "fieldValidation", "force"})
    parameters.push_back(query_parameter(name));
  op.set("parameters", std::move(parameters));
  Node content = Node::map();
  for (std::string_view type : {"application/apply-patch+yaml", "application/json-patch+json",
                                "application/merge-patch+json"}) {
    Node schema = Node::map();
    schema["schema"].set("type", Node::string("object"));
    content.set(type, std::move(schema));
  }
  op["requestBody"].set("content", std::move(content));
  op["requestBody"].set("required", Node::boolean(true));
  Node ok = Node::map();
  ok.set("description", Node::string("OK"));
  op["responses"].set("200", std::move(ok));
  Node gvk = Node::map();
  gvk.set("group", Node::string(r.group));
  gvk.set("version", Node::string(r.version));
  gvk.set("kind", Node::string(r.kind));
  op.set("x-kubernetes-group-version-kind", std::move(gvk));
  op.set("x-kubernetes-action", Node::string("patch"));
  return op;
}

}  // namespace

Node openapi_v3_root(const Registry& registry) {
  Node paths = Node::map();
  const std::string hash = std::to_string(registry.generation());
  for (const ResourcePtr& r : registry.all()) {
    std::string path = gv_path(*r);
    if (paths.find(path)) continue;
    Node entry = Node::map();
    entry.set("serverRelativeURL", Node::string("/openapi/v3/" + path + "?hash=" + hash));
    paths.set(path, std::move(entry));
  }
  Node root = Node::map();
  root.set("paths", std::move(paths));
  return root;
}

Node openapi_v3_group_version(const Registry& registry, std::string_view path) {
  Node paths = Node::map();
  for (const ResourcePtr& r : registry.all()) {
    if (gv_path(*r) != path) continue;
    std::string url = "/" + gv_path(*r) + "/" +
                      (r->namespaced ? "namespaces/{namespace}/" : std::string()) + r->plural +
                      "/{name}";
    Node item = Node::map();
    item.set("patch", patch_operation(*r));
    paths.set(url, std::move(item));
  }
  if (paths.empty()) return Node();
  Node doc = Node::map();
  doc.set("openapi", Node::string("3.0.0"));
  Node info = Node::map();
  info.set("title", Node::string("Kubernetes"));
  info.set("version", Node::string("v1.32.0"));
  doc.set("info", std::move(info));
  doc.set("paths", std::move(paths));
  doc["components"].set("schemas", Node::map());
  return doc;
}

}  // namespace plumb::localcluster
