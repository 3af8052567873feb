#include "render/resource.hpp"

namespace plumb::render {

bool Resource::has_any_id(const ResId& id) const {
  if (cur_id().same_as(id)) return true;
  for (const ResId& prev : previous) {
    if (prev.same_as(id)) return true;
  }
  return false;
}

void Resource::set_name(std::string_view name) {
  obj["metadata"].set("name", Node::string(name));
}

void Resource::set_namespace(std::string_view ns) {
  obj["metadata"].set("namespace", Node::string(ns));
}

std::string_view Resource::annotation(std::string_view key) const {
  const Node* annotations = obj.at_path({"metadata", "annotations"});
  if (annotations == nullptr) return {};
  const Node* value = annotations->find(key);
  return value == nullptr ? std::string_view() : value->as_string();
}

void Resource::set_annotation(std::string_view key, std::string_view value) {
  Node& annotations = obj["metadata"]["annotations"];
  if (!annotations.is_map()) annotations = Node::map();
  annotations.set(key, Node::string(value));
}

void Resource::erase_annotation(std::string_view key) {
  Node* metadata = obj.find_mut("metadata");
  if (metadata == nullptr) return;
  Node* annotations = metadata->find_mut("annotations");
  if (annotations == nullptr) return;
  annotations->erase(key);
  if (annotations->empty()) metadata->erase("annotations");
}

std::string_view Resource::label(std::string_view key) const {
  const Node* labels = obj.at_path({"metadata", "labels"});
  if (labels == nullptr) return {};
  const Node* value = labels->find(key);
  return value == nullptr ? std::string_view() : value->as_string();
}

}  // namespace plumb::render
