#include "argo/sync_tasks.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <tuple>
#include <utility>

#include "argo/spec_reader.hpp"
#include "core/object_ref.hpp"

namespace plumb::argo {

namespace {

// gitops-engine's kindOrder (Helm's install order); a kind's value is its index minus the table
// size, so every listed kind sorts before the kinds it does not list (value 0).
constexpr std::array<std::string_view, 35> k_kind_order = {
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
};

struct HookType {
  std::string_view text;
  std::optional<Phase> phase;  // nullopt for Skip
};

constexpr HookType k_argo_hook_types[] = {{"PreSync", Phase::pre_sync},
                                          {"Sync", Phase::sync},
                                          {"PostSync", Phase::post_sync},
                                          {"SyncFail", Phase::sync_fail},
                                          {"Skip", std::nullopt}};

constexpr std::pair<std::string_view, Phase> k_helm_hook_types[] = {
    {"pre-install", Phase::pre_sync},
    {"pre-upgrade", Phase::pre_sync},
    {"post-upgrade", Phase::post_sync},
    {"post-install", Phase::post_sync}};

constexpr std::pair<std::string_view, DeletePolicy> k_argo_delete_policies[] = {
    {"BeforeHookCreation", DeletePolicy::before_hook_creation},
    {"HookSucceeded", DeletePolicy::hook_succeeded},
    {"HookFailed", DeletePolicy::hook_failed}};

constexpr std::pair<std::string_view, DeletePolicy> k_helm_delete_policies[] = {
    {"before-hook-creation", DeletePolicy::before_hook_creation},
    {"hook-succeeded", DeletePolicy::hook_succeeded},
    {"hook-failed", DeletePolicy::hook_failed}};

const Node* annotation(const Node& object, std::string_view key) {
  const Node* annotations = object.at_path({"metadata", "annotations"});
  const Node* value = annotations ? annotations->find(key) : nullptr;
  return value && value->is_string() ? value : nullptr;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// hook.Types: the Argo types the annotation names (Skip included), else the Helm ones.
// nullopt stands for Skip.
std::vector<std::optional<Phase>> hook_types(const Node& object) {
  std::vector<std::optional<Phase>> types;
  for (const std::string& item : annotation_csv(object, k_hook_annotation))
    for (const HookType& type : k_argo_hook_types)
      if (type.text == item) types.push_back(type.phase);
  if (!types.empty()) return types;
  for (const std::string& item : annotation_csv(object, k_helm_hook_annotation))
    for (const auto& [text, phase] : k_helm_hook_types)
      if (text == item) types.emplace_back(phase);
  return types;
}

bool skip(const std::vector<std::optional<Phase>>& types) {
  return types.size() == 1 && !types[0];
}

std::string group_of(const Node& object) {
  std::string_view api_version = object.string_at({"apiVersion"});
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string()
                                         : std::string(api_version.substr(0, slash));
}

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A hook with generateName and no name gets a name stable for the whole operation; with
// context.hook_finalizer, the hook finalizer.
Node named_hook(Node object, Phase phase, const PlanContext& context) {
  if (object.string_at({"metadata", "name"}).empty()) {
    std::string revision =
        context.revision.size() >= 8 ? context.revision.substr(0, 7) : context.revision;
    std::string postfix = lower(revision + "-" + std::string(to_string(phase)) + "-" +
                                std::to_string(context.started_at));
    object["metadata"].set(
        "name",
        Node::string(std::string(object.string_at({"metadata", "generateName"})) + postfix));
  }
  if (!context.hook_finalizer) return object;
  Node& finalizers = object["metadata"]["finalizers"];
  if (!finalizers.is_list()) finalizers = Node::list();
  bool present = false;
  for (const Node& finalizer : finalizers.items())
    present = present || finalizer.as_string() == k_hook_finalizer;
  if (!present) finalizers.push_back(Node::string(k_hook_finalizer));
  return object;
}

bool is_namespace(const Node& object, std::string_view name) {
  return object.string_at({"kind"}) == "Namespace" && group_of(object).empty() &&
         object.string_at({"metadata", "name"}) == name;
}

// syncTasks.adjustDeps: moves a dependency (a Namespace, a CRD) in front of the first task
// placed before it that needs it; the dependency takes that task's phase and wave.
template <typename IsDep, typename RefsDep>
void adjust_deps(std::vector<SyncTask>& tasks, IsDep is_dep, RefsDep refs_dep) {
  std::map<std::string, size_t> first_index;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].target.is_null()) continue;
    if (std::optional<std::string> key = is_dep(tasks[i].target)) {
      auto found = first_index.find(*key);
      if (found == first_index.end()) continue;
      size_t index = found->second;
      tasks[i].wave = tasks[index].wave;
      tasks[i].phase = tasks[index].phase;
      std::rotate(tasks.begin() + static_cast<std::ptrdiff_t>(index),
                  tasks.begin() + static_cast<std::ptrdiff_t>(i),
                  tasks.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      for (auto& [dep, first] : first_index)
        if (first >= index) ++first;
    } else if (std::optional<std::string> ref = refs_dep(tasks[i].target)) {
      first_index.try_emplace(*ref, i);
    }
  }
}

void sort_tasks(std::vector<SyncTask>& tasks, const std::string& default_namespace) {
  // gitops-engine's keys (metadata.name, generateName not counted), then a fixed order for what
  // its unstable sort leaves open.
  auto key = [](const SyncTask& t) {
    std::string kind = t.kind();
    int order = kind_order(kind);
    return std::tuple(t.phase, t.wave, order,
                      std::string(t.object().string_at({"metadata", "name"})), std::move(kind),
                      t.namespace_(), t.group());
  };
  std::stable_sort(tasks.begin(), tasks.end(),
                   [&](const SyncTask& a, const SyncTask& b) { return key(a) < key(b); });
  adjust_deps(
      tasks,
      [](const Node& target) -> std::optional<std::string> {
        if (target.string_at({"kind"}) != "Namespace" || !group_of(target).empty())
          return std::nullopt;
        return std::string(target.string_at({"metadata", "name"}));
      },
      [&](const Node& target) -> std::optional<std::string> {
        std::string_view ns = target.string_at({"metadata", "namespace"});
        if (ns.empty()) ns = default_namespace;
        if (ns.empty()) return std::nullopt;
        return std::string(ns);
      });
  adjust_deps(
      tasks,
      [](const Node& target) -> std::optional<std::string> {
        if (target.string_at({"kind"}) != "CustomResourceDefinition" ||
            group_of(target) != "apiextensions.k8s.io")
          return std::nullopt;
        const Node* group = target.at_path({"spec", "group"});
        const Node* kind = target.at_path({"spec", "names", "kind"});
        if (!group || !group->is_string() || !kind || !kind->is_string()) return std::nullopt;
        return std::string(group->as_string()) + "/" + std::string(kind->as_string());
      },
      [](const Node& target) -> std::optional<std::string> {
        return group_of(target) + "/" + std::string(target.string_at({"kind"}));
      });
}

// Prune tasks run in reverse wave order: the sorted distinct prune waves are mirrored. Then
// PruneLast prunes go one wave after the last Sync-phase wave (at least 1).
void order_prunes(std::vector<SyncTask>& tasks) {
  std::vector<int64_t> prune_waves;
  for (const SyncTask& task : tasks)
    if (task.prune) prune_waves.push_back(task.wave);
  std::sort(prune_waves.begin(), prune_waves.end());
  prune_waves.erase(std::unique(prune_waves.begin(), prune_waves.end()), prune_waves.end());
  for (SyncTask& task : tasks) {
    if (!task.prune) continue;
    size_t i = static_cast<size_t>(
        std::lower_bound(prune_waves.begin(), prune_waves.end(), task.wave) - prune_waves.begin());
    task.wave = prune_waves[prune_waves.size() - 1 - i];
  }
  int64_t last_wave = 0;
  for (const SyncTask& task : tasks)
    if (task.phase == Phase::sync) last_wave = std::max(last_wave, task.wave);
  for (SyncTask& task : tasks)
    if (task.prune && task.options.prune_last == true) task.wave = last_wave + 1;
}

}  // namespace

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::pre_sync:
      return "PreSync";
    case Phase::sync:
      return "Sync";
    case Phase::post_sync:
      return "PostSync";
    case Phase::sync_fail:
      return "SyncFail";
  }
  return "";
}

std::string_view to_string(DeletePolicy policy) {
  for (const auto& [text, value] : k_argo_delete_policies)
    if (value == policy) return text;
  return "";
}

bool Hook::has(DeletePolicy policy) const {
  return std::find(delete_policies.begin(), delete_policies.end(), policy) != delete_policies.end();
}

std::optional<Hook> hook_of(const Node& object) {
  std::vector<std::string> argo = annotation_csv(object, k_hook_annotation);
  std::vector<std::string> helm = annotation_csv(object, k_helm_hook_annotation);
  std::vector<std::optional<Phase>> types = hook_types(object);
  bool gitops_hook;
  if (annotation(object, k_hook_annotation)) {
    gitops_hook = !skip(types);
  } else {
    const Node* helm_hook = annotation(object, k_helm_hook_annotation);
    gitops_hook = helm_hook && helm_hook->as_string() != "crd-install";
  }
  Hook hook;
  hook.pre_delete = contains(argo, "PreDelete") || contains(helm, "pre-delete");
  hook.post_delete = contains(argo, "PostDelete") || contains(helm, "post-delete");
  if (!gitops_hook && !hook.pre_delete && !hook.post_delete) return std::nullopt;
  if (gitops_hook) {
    for (const std::optional<Phase>& type : types)
      if (type && std::find(hook.phases.begin(), hook.phases.end(), *type) == hook.phases.end())
        hook.phases.push_back(*type);
  }
  for (const std::string& item : annotation_csv(object, k_hook_delete_policy_annotation))
    for (const auto& [text, policy] : k_argo_delete_policies)
      if (text == item && !hook.has(policy)) hook.delete_policies.push_back(policy);
  for (const std::string& item : annotation_csv(object, k_helm_hook_delete_policy_annotation))
    for (const auto& [text, policy] : k_helm_delete_policies)
      if (text == item && !hook.has(policy)) hook.delete_policies.push_back(policy);
  if (hook.delete_policies.empty())
    hook.delete_policies.push_back(DeletePolicy::before_hook_creation);
  return hook;
}

bool is_skipped(const Node& object) {
  return skip(hook_types(object));
}

int64_t wave_of(const Node& object) {
  for (std::string_view key : {k_sync_wave_annotation, k_helm_hook_weight_annotation}) {
    const Node* value = annotation(object, key);
    if (!value) continue;
    if (std::optional<int64_t> wave = go_atoi(value->as_string())) return *wave;
  }
  return 0;
}

int kind_order(std::string_view kind) {
  for (size_t i = 0; i < k_kind_order.size(); ++i)
    if (k_kind_order[i] == kind) return static_cast<int>(i) - static_cast<int>(k_kind_order.size());
  return 0;
}

std::string SyncTask::group() const {
  return group_of(object());
}
std::string SyncTask::kind() const {
  return std::string(object().string_at({"kind"}));
}
std::string SyncTask::namespace_() const {
  return std::string(object().string_at({"metadata", "namespace"}));
}
std::string SyncTask::name() const {
  std::string_view name = object().string_at({"metadata", "name"});
  if (name.empty()) name = object().string_at({"metadata", "generateName"});
  return std::string(name);
}

Result<std::vector<SyncTask>> plan_sync_tasks(std::vector<Node> desired, std::vector<Node> to_prune,
                                              const SyncOptions& app_options,
                                              const PlanContext& context) {
  for (const std::vector<Node>* list : {&desired, &to_prune})
    for (const Node& object : *list) {
      const Node* metadata = object.find("metadata");
      if (!object.is_map() || (metadata && !metadata->is_map()))
        return fail(ObjectRef::of(object).display(), ": not a Kubernetes object (metadata)");
    }
  std::vector<SyncTask> tasks;
  bool namespace_declared = false;
  for (Node& object : desired) {
    std::optional<Hook> hook = hook_of(object);
    if (!hook) {
      namespace_declared = namespace_declared || is_namespace(object, context.namespace_);
      if (is_skipped(object)) continue;
      tasks.push_back(SyncTask{.phase = Phase::sync, .target = std::move(object)});
      continue;
    }
    if (context.skip_hooks) continue;
    for (Phase phase : hook->phases)
      tasks.push_back(SyncTask{.phase = phase,
                               .target = named_hook(object, phase, context),
                               .hook = true,
                               .hook_info = hook});
  }
  for (Node& object : to_prune) {
    if (hook_of(object) || is_skipped(object)) continue;
    tasks.push_back(SyncTask{.phase = Phase::sync, .live = std::move(object), .prune = true});
  }
  if (context.managed_namespace && !context.namespace_.empty() && !namespace_declared)
    tasks.push_back(SyncTask{.phase = Phase::pre_sync, .target = *context.managed_namespace});

  for (SyncTask& task : tasks) {
    task.options = overlay(app_options, TRY(resource_sync_options(task.object())));
    task.wave = wave_of(task.object());
  }
  order_prunes(tasks);
  sort_tasks(tasks, context.namespace_);
  return tasks;
}

std::vector<WaveRange> waves(const std::vector<SyncTask>& tasks) {
  std::vector<WaveRange> ranges;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (ranges.empty() || ranges.back().phase != tasks[i].phase ||
        ranges.back().wave != tasks[i].wave)
      ranges.push_back(WaveRange{tasks[i].phase, tasks[i].wave, i, i});
    ranges.back().end = i + 1;
  }
  return ranges;
}

}  // namespace plumb::argo
