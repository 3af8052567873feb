// Output order: kustomize's "legacy" order (kinds in a fixed priority list first, webhooks
// last, then by GVK and namespace/name) or "fifo" (the order resources were read), chosen by
// sortOptions or the --reorder flag.
#include <algorithm>
#include <unordered_map>

#include "render/plugin.hpp"

namespace plumb::render {
namespace {

const std::vector<std::string> k_order_first = {"Namespace",
                                                "ResourceQuota",
                                                "StorageClass",
                                                "CustomResourceDefinition",
                                                "ServiceAccount",
                                                "PodSecurityPolicy",
                                                "Role",
                                                "ClusterRole",
                                                "RoleBinding",
                                                "ClusterRoleBinding",
                                                "ConfigMap",
                                                "Secret",
                                                "Endpoints",
                                                "Service",
                                                "LimitRange",
                                                "PriorityClass",
                                                "PersistentVolume",
                                                "PersistentVolumeClaim",
                                                "Deployment",
                                                "StatefulSet",
                                                "CronJob",
                                                "PodDisruptionBudget"};
const std::vector<std::string> k_order_last = {"MutatingWebhookConfiguration",
                                               "ValidatingWebhookConfiguration"};

std::string legacy_id_string(const ResId& id) {
  std::string out = id.gvk.group + "|" + id.gvk.version + "|" + id.gvk.kind + "|";
  out += id.ns.empty() ? "~X" : id.ns;
  out += "|";
  out += id.name.empty() ? "~N" : id.name;
  return out;
}

void sort_by(ResourceSet& resources, const std::vector<std::string>& first,
             const std::vector<std::string>& last) {
  std::unordered_map<std::string, int> rank;
  for (size_t i = 0; i < first.size(); ++i) {
    rank[first[i]] = -static_cast<int>(first.size()) + static_cast<int>(i);
  }
  for (size_t i = 0; i < last.size(); ++i)
    rank[last[i]] = 1 + static_cast<int>(i);
  struct Key {
    int rank;
    std::string gvk;
    std::string id;
    size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(resources.size());
  for (size_t i = 0; i < resources.size(); ++i) {
    ResId id = resources[i].cur_id();
    auto it = rank.find(id.gvk.kind);
    keys.push_back({it == rank.end() ? 0 : it->second, id.gvk.str(), legacy_id_string(id), i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.gvk != b.gvk) {
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.gvk < b.gvk;
    }
    return a.id < b.id;
  });
  std::vector<Resource> sorted;
  sorted.reserve(keys.size());
  for (const Key& k : keys)
    sorted.push_back(std::move(resources.mut()[k.index]));
  resources.mut() = std::move(sorted);
}

std::vector<std::string> names(const Node* list) {
  std::vector<std::string> out;
  if (list == nullptr || !list->is_list()) return out;
  for (const Node& n : list->items())
    out.emplace_back(n.as_string());
  return out;
}

}  // namespace

void sort_legacy(ResourceSet& resources) {
  sort_by(resources, k_order_first, k_order_last);
}

Result<Transform> make_sort_order(const Node& config) {
  std::string order(config.string_at({"order"}));
  const Node* legacy = config.find("legacySortOptions");
  if (order != "legacy" && order != "fifo") {
    return fail("the field 'sortOptions.order' must be one of [fifo, legacy]");
  }
  if (order == "fifo" && legacy != nullptr) {
    return fail(
        "the field 'sortOptions.legacySortOptions' is set but the selected sort "
        "order is 'fifo'");
  }
  if (order == "fifo") return Transform([](ResourceSet&) -> Result<void> { return {}; });
  std::vector<std::string> first = k_order_first;
  std::vector<std::string> last = k_order_last;
  if (legacy != nullptr && legacy->is_map()) {
    first = names(legacy->find("orderFirst"));
    last = names(legacy->find("orderLast"));
  }
  return Transform([first, last](ResourceSet& resources) -> Result<void> {
    sort_by(resources, first, last);
    return {};
  });
}

}  // namespace plumb::render
