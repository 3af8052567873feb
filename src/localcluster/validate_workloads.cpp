// apps and batch: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs —
// their counts, their selector against the template's labels, the template's pod spec and
// restart policy, and what may not change once created.
#include "core/json.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/validate_kinds.hpp"

namespace plumb::localcluster::validation {
namespace {

const std::vector<Rule> k_deployment_rules = {
    {"replicas", non_negative},
};
const std::vector<Rule> k_deployment_tail_rules = {
    {"minReadySeconds", non_negative},
    {"revisionHistoryLimit", non_negative},
    {"progressDeadlineSeconds", non_negative},
};
const std::vector<Rule> k_stateful_set_rules = {
    {"replicas", non_negative},
    {"minReadySeconds", non_negative},
    {"revisionHistoryLimit", non_negative},
};
const std::vector<Rule> k_job_rules = {
    {"parallelism", non_negative},
    {"completions", non_negative},
    {"activeDeadlineSeconds", at_least, {}, 1},
    {"backoffLimit", non_negative},
    {"ttlSecondsAfterFinished", non_negative},
};
const std::vector<Rule> k_cron_job_rules = {
    {"schedule", required},
    {"startingDeadlineSeconds", non_negative},
    {"concurrencyPolicy", one_of, {"Allow", "Forbid", "Replace"}},
    {"successfulJobsHistoryLimit", non_negative},
    {"failedJobsHistoryLimit", non_negative},
};

// The StatefulSet spec fields an update may change (all others are forbidden to change).
constexpr std::string_view k_stateful_set_mutable[] = {"replicas",
                                                       "ordinals",
                                                       "template",
                                                       "updateStrategy",
                                                       "persistentVolumeClaimRetentionPolicy",
                                                       "minReadySeconds"};

bool empty_selector(const Node* selector) {
  const Node* labels = selector->find("matchLabels");
  const Node* expressions = selector->find("matchExpressions");
  return (labels == nullptr || labels->empty()) && (expressions == nullptr || expressions->empty());
}

const Node* template_labels(const Node* spec) {
  return spec ? spec->at_path({"template", "metadata", "labels"}) : nullptr;
}

// A selector, validated; `workload` names the kind in the empty-selector message.
void check_selector(const Node* spec, bool required_selector, std::string_view workload,
                    Errors& errors) {
  const Node* selector = spec ? spec->find("selector") : nullptr;
  if (selector == nullptr || selector->is_null()) {
    if (required_selector) errors.required("spec.selector");
    return;
  }
  check_label_selector(selector, "spec.selector", errors);
  if (empty_selector(selector))
    errors.invalid("spec.selector", label_selector(selector),
                   "empty selector is invalid for " + std::string(workload));
}

// The template of a workload whose pods always run: its labels match the selector (a
// missing selector matches nothing, an empty one everything), it is a valid pod template,
// and its restart policy is Always.
void check_replicated_template(const Scope& scope, const Node* spec, Errors& errors) {
  const Node* selector = spec ? spec->find("selector") : nullptr;
  const Node* pod_template = spec ? spec->find("template") : nullptr;
  if (pod_template == nullptr || pod_template->is_null()) {
    errors.required("spec.template");
    return;
  }
  const bool everything = selector && selector->is_map() && empty_selector(selector);
  if (!everything && !selector_matches(selector, template_labels(spec)))
    errors.invalid("spec.template.metadata.labels", string_map(template_labels(spec)),
                   "`selector` does not match template `labels`");
  check_pod_template(scope, pod_template, "spec.template", errors);
  std::string_view restart = pod_template->string_at({"spec", "restartPolicy"});
  static constexpr std::string_view k_always[] = {"Always"};
  if (!restart.empty() && restart != "Always")
    errors.not_supported("spec.template.spec.restartPolicy", quoted(restart), k_always);
  if (const Node* deadline = pod_template->at_path({"spec", "activeDeadlineSeconds"}))
    errors.invalid("spec.template.spec.activeDeadlineSeconds", number(*deadline),
                   "activeDeadlineSeconds in ReplicaSet is not Supported");
}

void check_selector_unchanged(const Scope& scope, Errors& errors) {
  if (scope.before.is_null()) return;
  const Node* now = scope.object.at_path({"spec", "selector"});
  const Node* then = scope.before.at_path({"spec", "selector"});
  if ((now == nullptr) != (then == nullptr) || (now && !(*now == *then)))
    errors.invalid("spec.selector", label_selector(now), "field is immutable");
}

// A Job's spec at `path` ("spec", or "spec.jobTemplate.spec"): counts, template, and a
// restart policy that lets pods finish.
void check_job_spec(const Scope& scope, const Node* spec, const std::string& path, Errors& errors) {
  apply_rules(k_job_rules, scope, spec, path, errors);
  const Node* pod_template = spec ? spec->find("template") : nullptr;
  check_pod_template(scope, pod_template, child(path, "template"), errors);
  std::string_view restart = pod_template ? pod_template->string_at({"spec", "restartPolicy"}) : "";
  if (restart != "OnFailure" && restart != "Never")
    errors.required(child(path, "template.spec.restartPolicy"),
                    R"(valid values: "OnFailure", "Never")");
}

}  // namespace

void check_deployment(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  apply_rules(k_deployment_rules, scope, spec, "spec", errors);
  check_selector(spec, true, "deployment", errors);
  check_replicated_template(scope, spec, errors);
  apply_rules(k_deployment_tail_rules, scope, spec, "spec", errors);
  const Node* deadline = spec ? spec->find("progressDeadlineSeconds") : nullptr;
  const Node* min_ready = spec ? spec->find("minReadySeconds") : nullptr;
  if (deadline && min_ready && deadline->as_int() <= min_ready->as_int())
    errors.invalid("spec.progressDeadlineSeconds", number(*deadline),
                   "must be greater than minReadySeconds");
  check_selector_unchanged(scope, errors);
}

void check_replica_set(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  apply_rules(k_deployment_rules, scope, spec, "spec", errors);
  check_selector(spec, true, "deployment", errors);
  check_replicated_template(scope, spec, errors);
  check_selector_unchanged(scope, errors);
}

void check_stateful_set(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  apply_rules(k_stateful_set_rules, scope, spec, "spec", errors);
  std::string_view policy = spec ? spec->string_at({"podManagementPolicy"}) : "";
  if (!policy.empty() && policy != "OrderedReady" && policy != "Parallel")
    errors.invalid("spec.podManagementPolicy", quoted(policy),
                   "must be 'OrderedReady' or 'Parallel'");
  check_selector(spec, true, "statefulset", errors);
  check_replicated_template(scope, spec, errors);
  if (scope.before.is_null() || spec == nullptr) return;
  // Only some fields of a StatefulSet's spec may change.
  Node now = *spec;
  Node then = scope.before.find("spec") ? *scope.before.find("spec") : Node::map();
  for (std::string_view field : k_stateful_set_mutable) {
    now.erase(field);
    then.erase(field);
  }
  if (!(now == then))
    errors.forbidden("spec",
                     "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                     "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                     "'minReadySeconds' are forbidden");
}

void check_daemon_set(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  check_selector(spec, true, "daemonset", errors);
  check_replicated_template(scope, spec, errors);
  apply_rules(k_deployment_tail_rules, scope, spec, "spec", errors);
  check_selector_unchanged(scope, errors);
}

void check_job(const Scope& scope, Errors& errors) {
  check_job_spec(scope, scope.object.find("spec"), "spec", errors);
  if (scope.before.is_null()) return;
  for (std::string_view field : {"spec.selector", "spec.template"}) {
    const Node* now = find_path(scope.object, field);
    const Node* then = find_path(scope.before, field);
    if ((now == nullptr) != (then == nullptr) || (now && !(*now == *then)))
      errors.invalid(std::string(field), now ? to_json(*now) : "null", "field is immutable");
  }
}

void check_cron_job(const Scope& scope, Errors& errors) {
  std::string_view name = scope.object.string_at({"metadata", "name"});
  if (name.size() > 52)
    errors.invalid("metadata.name", quoted(name), "must be no more than 52 characters");
  const Node* spec = scope.object.find("spec");
  apply_rules(k_cron_job_rules, scope, spec, "spec", errors);
  const Node* job = spec ? spec->find("jobTemplate") : nullptr;
  if (const Node* metadata = job ? job->find("metadata") : nullptr) {
    check_labels(metadata->find("labels"), "spec.jobTemplate.labels", errors);
    check_annotations(metadata->find("annotations"), "spec.jobTemplate.annotations", errors);
  }
  check_job_spec(scope, job ? job->find("spec") : nullptr, "spec.jobTemplate.spec", errors);
}

}  // namespace plumb::localcluster::validation
