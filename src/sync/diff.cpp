#include "sync/diff.hpp"

#include "core/yaml.hpp"
#include "sync/unified_diff.hpp"

namespace plumb::sync {
namespace {

constexpr std::string_view k_noise[] = {"managedFields", "resourceVersion",   "uid",
                                        "generation",    "creationTimestamp", "selfLink"};

// Labels the tools write for their own bookkeeping, not part of what a user renders: the
// controller's owner labels and the ApplySet membership. Where `plumb apply` and the
// controller take turns on an object they come and go, which is not a change to show.
constexpr std::string_view k_tool_labels[] = {"kustomize.toolkit.fluxcd.io/name",
                                              "kustomize.toolkit.fluxcd.io/namespace",
                                              "applyset.kubernetes.io/part-of"};

// kubectl's client-side apply keeps the whole object it applied, values included.
constexpr std::string_view k_last_applied = "kubectl.kubernetes.io/last-applied-configuration";

void mask_secret_values(Node& object, const Node* other, std::string_view side) {
  Node* meta = object.find_mut("metadata");
  Node* annotations = meta ? meta->find_mut("annotations") : nullptr;
  if (annotations && annotations->find(k_last_applied))
    annotations->set(k_last_applied, Node::string("***"));
  for (std::string_view field : {"data", "stringData"}) {
    Node* values = object.find_mut(field);
    if (!values) continue;
    const Node* other_values = other ? other->find(field) : nullptr;
    for (MapEntry& e : values->entries_mut()) {
      const Node* theirs = other_values ? other_values->find(e.key.as_string()) : nullptr;
      bool same = theirs && *theirs == e.value;
      std::string masked = same || !other ? "***" : "*** (" + std::string(side) + ")";
      e.value = Node::string(masked);
    }
  }
}

}  // namespace

Node diffable(const Node& object, const Node* other, std::string_view side) {
  Node out = object;
  out.erase("status");
  if (Node* meta = out.find_mut("metadata")) {
    for (std::string_view key : k_noise)
      meta->erase(key);
    if (Node* labels = meta->find_mut("labels")) {
      for (std::string_view key : k_tool_labels)
        labels->erase(key);
    }
    for (std::string_view field : {"labels", "annotations"}) {
      if (meta->find(field) && meta->find(field)->empty()) meta->erase(field);
    }
  }
  if (object.string_at({"kind"}) == "Secret" && object.string_at({"apiVersion"}) == "v1") {
    mask_secret_values(out, other, side);
  }
  return out;
}

std::string object_diff(const ObjectRef& ref, const Node* before, const Node* after) {
  std::string name = ref.display();
  std::string from = before ? to_yaml(diffable(*before, after, "before")) : "";
  std::string to = after ? to_yaml(diffable(*after, before, "after")) : "";
  return unified_diff(from, to, before ? "live/" + name : "/dev/null",
                      after ? "merged/" + name : "/dev/null");
}

Result<std::vector<ObjectDiff>> diff_plan(kube::Client& client, const Plan& plan,
                                          const std::vector<PlannedObject>& pruned,
                                          std::string_view field_manager) {
  std::vector<ObjectDiff> diffs;
  for (const auto* stage : {&plan.definitions, &plan.workloads}) {
    for (const PlannedObject& o : *stage) {
      auto live = TRY(client.get(o.resource, o.ref.namespace_, o.ref.name));
      Node merged;
      auto dry =
          client.apply(o.resource, o.object, field_manager, kube::Force::yes, kube::DryRun::yes);
      if (dry) {
        merged = std::move(*dry);
      } else if (dry.error().code() == 404 && !live) {
        merged = o.object;  // its namespace or CRD does not exist yet
      } else {
        return std::unexpected(std::move(dry).error());
      }
      std::string text = object_diff(o.ref, live ? &*live : nullptr, &merged);
      if (text.empty()) continue;
      diffs.push_back(
          {o.ref, live ? ObjectDiff::Kind::changed : ObjectDiff::Kind::created, std::move(text)});
    }
  }
  for (const PlannedObject& o : pruned)
    diffs.push_back({o.ref, ObjectDiff::Kind::pruned, object_diff(o.ref, &o.object, nullptr)});
  return diffs;
}

}  // namespace plumb::sync
