#include "cli/export.hpp"

#include "core/sort_keys.hpp"

namespace plumb::cli::flux {
namespace {

constexpr std::string_view k_last_applied = "kubectl.kubernetes.io/last-applied-configuration";

}  // namespace

Node exportable(const Node& live) {
  Node out = Node::map();
  out.set("apiVersion", Node::string(live.string_at({"apiVersion"})));
  out.set("kind", Node::string(live.string_at({"kind"})));
  Node metadata = Node::map();
  metadata.set("name", Node::string(live.string_at({"metadata", "name"})));
  if (std::string_view ns = live.string_at({"metadata", "namespace"}); !ns.empty())
    metadata.set("namespace", Node::string(ns));
  if (const Node* labels = live.at_path({"metadata", "labels"}); labels && !labels->empty())
    metadata.set("labels", *labels);
  if (const Node* annotations = live.at_path({"metadata", "annotations"})) {
    Node kept = *annotations;
    if (kept.is_map()) kept.erase(k_last_applied);
    if (!kept.empty()) metadata.set("annotations", std::move(kept));
  }
  out.set("metadata", std::move(metadata));
  if (const Node* spec = live.find("spec")) out.set("spec", *spec);
  return sort_keys(out);
}

}  // namespace plumb::cli::flux
