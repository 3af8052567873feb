#include "sync/plan.hpp"

#include <algorithm>
#include <set>

#include "sync/policy.hpp"

namespace plumb::sync {
namespace {

std::string describe(const Node& object, size_t index) {
  ObjectRef ref = ObjectRef::of(object);
  if (ref.kind.empty() || ref.name.empty()) return "object #" + std::to_string(index + 1);
  return ref.display();
}

}  // namespace

std::optional<kube::Resource> resource_from_crds(const std::vector<Node>& objects,
                                                 std::string_view api_version,
                                                 std::string_view kind) {
  auto [group, version] = kube::split_api_version(api_version);
  for (const Node& o : objects) {
    if (o.string_at({"kind"}) != "CustomResourceDefinition") continue;
    const Node* spec = o.find("spec");
    if (!spec || spec->string_at({"group"}) != group ||
        spec->string_at({"names", "kind"}) != kind) {
      continue;
    }
    const Node* versions = spec->find("versions");
    bool served = false;
    for (const Node& v : versions ? versions->items() : std::span<const Node>()) {
      served = served || v.string_at({"name"}) == version;
    }
    if (!served) continue;
    return kube::Resource{std::string(group), std::string(version), std::string(kind),
                          std::string(spec->string_at({"names", "plural"})),
                          spec->string_at({"scope"}) == "Namespaced"};
  }
  return std::nullopt;
}

bool Plan::contains(const ObjectRef& ref) const {
  for (const auto* stage : {&definitions, &workloads}) {
    for (const PlannedObject& o : *stage) {
      if (o.ref.same_object(ref)) return true;
    }
  }
  return false;
}

Result<Plan> make_plan(std::vector<Node> objects, kube::Client& client,
                       const PlanOptions& options) {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  Plan plan;
  for (size_t i = 0; i < objects.size(); ++i) {
    Node& object = objects[i];
    std::string who = describe(object, i);
    if (!object.is_map()) {
      problems.push_back(who + ": not an object");
      continue;
    }
    bool complete = true;
    auto require = [&](std::string_view value, std::string_view field) {
      if (!value.empty()) return;
      problems.push_back(who + ": " + std::string(field) + " is required");
      complete = false;
    };
    require(object.string_at({"apiVersion"}), "apiVersion");
    require(object.string_at({"kind"}), "kind");
    require(object.string_at({"metadata", "name"}), "metadata.name");
    if (!complete) continue;

    ObjectRef ref = ObjectRef::of(object);
    auto resource = client.resource_for(ref.api_version(), ref.kind);
    if (!resource) {
      if (resource.error().code() != 404) return std::unexpected(resource.error());
      auto from_crd = resource_from_crds(objects, ref.api_version(), ref.kind);
      if (!from_crd) {
        problems.push_back(who + ": kind " + ref.kind + " is not served in " + ref.api_version() +
                           " (no CustomResourceDefinition for it)");
        continue;
      }
      resource = *from_crd;
    }
    if (resource->namespaced) {
      if (ref.namespace_.empty()) {
        if (options.default_namespace.empty()) {
          problems.push_back(who + ": metadata.namespace is required for a namespaced " + ref.kind);
          continue;
        }
        ref.namespace_ = options.default_namespace;
        object["metadata"].set("namespace", Node::string(ref.namespace_));
      }
    } else if (!ref.namespace_.empty()) {
      ref.namespace_.clear();  // the API server ignores it; so do identity and inventory
      object["metadata"].erase("namespace");
    }
    std::string id = ref.inventory_id();
    if (!seen.insert(id).second) {
      problems.push_back(ref.display() + ": defined more than once");
      continue;
    }
    auto& stage = stage_of(ref.group, ref.kind) == Stage::cluster_definitions ? plan.definitions
                                                                              : plan.workloads;
    // A copy (O(1)), not a move: later objects may look up CRDs among `objects`.
    stage.push_back(PlannedObject{std::move(ref), object, std::move(*resource)});
  }
  if (!problems.empty()) {
    std::string message = "invalid objects, nothing applied:";
    for (const std::string& p : problems)
      message += "\n  " + p;
    return fail(message);
  }
  auto by_kind = [](const PlannedObject& a, const PlannedObject& b) {
    int ra = kind_rank(a.ref.kind), rb = kind_rank(b.ref.kind);
    if (ra != rb) return ra < rb;
    if (a.ref.kind != b.ref.kind) return a.ref.kind < b.ref.kind;
    return false;  // keep source order within a kind
  };
  std::stable_sort(plan.definitions.begin(), plan.definitions.end(), by_kind);
  std::stable_sort(plan.workloads.begin(), plan.workloads.end(), by_kind);
  return plan;
}

}  // namespace plumb::sync
