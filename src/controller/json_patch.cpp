#include "controller/json_patch.hpp"

#include <string>

#include "core/json.hpp"

namespace plumb::controller {

Node json_op(std::string_view op, std::string_view path, std::optional<Node> value) {
  Node n = Node::map();
  n.set("op", Node::string(op));
  n.set("path", Node::string(path));
  if (value) n.set("value", std::move(*value));
  return n;
}

Result<Node> patch_tested(kube::Client& client, const kube::Resource& resource, const Node& object,
                          std::vector<Node> operations, std::string_view what) {
  Node patch = Node::list();
  patch.push_back(
      json_op("test", "/metadata/uid", Node::string(object.string_at({"metadata", "uid"}))));
  for (Node& op : operations)
    patch.push_back(std::move(op));
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  return client.request(
      {.method = "PATCH",
       .target = kube::resource_path(resource, ns, name),
       .body = to_json(patch),
       .content_type = "application/json-patch+json"},
      resource.kind + "/" + (ns.empty() ? "" : ns + "/") + name + " " + std::string(what));
}

}  // namespace plumb::controller
