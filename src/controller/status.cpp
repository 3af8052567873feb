#include "controller/status.hpp"

#include <algorithm>

#include "core/conditions.hpp"

namespace plumb::controller {
namespace {

Node status_of(const Node& object) {
  const Node* status = object.find("status");
  return status && status->is_map() ? *status : Node::map();
}

// Echoes a `flux reconcile` request in the status that ends this reconcile.
void mark_handled(Node& status, const Node& object) {
  const Node* requested = object.at_path({"metadata", "annotations", k_requested_at});
  if (requested && requested->is_string()) status.set("lastHandledReconcileAt", *requested);
}

// FieldsIgnored names the fields the object sets and Plumb does not act on (none: removed).
void mark_ignored_fields(Node& status, const Outcome& outcome, int64_t generation,
                         std::string_view now) {
  if (outcome.ignored_fields.empty()) {
    remove_condition(status, "FieldsIgnored");
    return;
  }
  std::string names;
  for (const std::string& f : outcome.ignored_fields)
    names += (names.empty() ? "" : ", ") + f;
  set_condition(status,
                Condition{"FieldsIgnored", ConditionStatus::true_,
                          std::string(to_string(Reason::unsupported_field)),
                          "Plumb does not act on " + names + " yet", generation},
                now);
}

// Pinned says a `plumb rollback` holds the Kustomization at an earlier revision (removed once
// a new commit or `plumb resume` clears the pin). A reconcile that stopped before reading the
// pin leaves the condition as it was.
void mark_pinned(Node& status, const Outcome& outcome, int64_t generation, std::string_view now) {
  if (outcome.pin) {
    set_condition(status,
                  Condition{"Pinned", ConditionStatus::true_, "RolledBack", outcome.pin->describe(),
                            generation},
                  now);
  } else if (outcome.unpinned || outcome.reason == Reason::succeeded ||
             outcome.reason == Reason::progressing) {
    remove_condition(status, "Pinned");
  }
}

}  // namespace

Node inventory_node(const std::vector<ObjectRef>& refs) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const ObjectRef& ref : refs)
    entries.push_back({ref.inventory_id(), ref.version});
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  Node list = Node::list();
  for (auto& [id, v] : entries) {
    Node e = Node::map();
    e.set("id", Node::string(id));
    e.set("v", Node::string(v));
    list.push_back(std::move(e));
  }
  Node inventory = Node::map();
  inventory.set("entries", std::move(list));
  return inventory;
}

std::vector<ObjectRef> inventory_refs(const Node& object) {
  std::vector<ObjectRef> out;
  const Node* entries = object.at_path({"status", "inventory", "entries"});
  for (const Node& e : entries && entries->is_list() ? entries->items() : std::span<const Node>()) {
    // <namespace>_<name>_<group>_<kind>; names and namespaces have no '_'.
    std::string id(e.string_at({"id"}));
    size_t a = id.find('_'), b = id.find('_', a + 1), c = id.rfind('_');
    if (a == std::string::npos || b == std::string::npos || c <= b) continue;
    out.push_back(ObjectRef{id.substr(b + 1, c - b - 1), std::string(e.string_at({"v"})),
                            id.substr(c + 1), id.substr(0, a), id.substr(a + 1, b - a - 1)});
  }
  return out;
}

Node kustomization_status(const Node& object, const Outcome& outcome, std::string_view now) {
  int64_t generation = generation_of(object);
  Node status = status_of(object);
  status.set("observedGeneration", Node::integer(generation));
  if (!outcome.revision.empty())
    status.set("lastAttemptedRevision", Node::string(outcome.revision));
  if (outcome.inventory) status.set("inventory", inventory_node(*outcome.inventory));
  auto ready = [&](ConditionStatus s, std::string message) {
    set_condition(status,
                  Condition{"Ready", s, std::string(to_string(outcome.reason)), std::move(message),
                            generation},
                  now);
  };
  mark_ignored_fields(status, outcome, generation, now);
  mark_pinned(status, outcome, generation, now);
  if (outcome.reason == Reason::progressing) {
    set_condition(
        status,
        Condition{"Reconciling", ConditionStatus::true_, "Progressing",
                  "Health check in progress for revision " + outcome.revision, generation},
        now);
    ready(ConditionStatus::unknown, "Reconciliation in progress");
    return status;
  }
  remove_condition(status, "Reconciling");
  if (outcome.reason == Reason::succeeded) {
    status.set("lastAppliedRevision", Node::string(outcome.revision));
    ready(ConditionStatus::true_, "Applied revision: " + outcome.revision);
  } else {
    ready(ConditionStatus::false_, outcome.error.message());
  }
  mark_handled(status, object);
  return status;
}

namespace {

Node history_entry(const ReleaseSnapshot& r) {
  Node e = Node::map();
  if (!r.app_version.empty()) e.set("appVersion", Node::string(r.app_version));
  e.set("chartName", Node::string(r.chart_name));
  e.set("chartVersion", Node::string(r.chart_version));
  e.set("configDigest", Node::string(r.config_digest));
  e.set("firstDeployed", Node::string(r.first_deployed));
  e.set("lastDeployed", Node::string(r.last_deployed));
  e.set("name", Node::string(r.name));
  e.set("namespace", Node::string(r.namespace_));
  e.set("status", Node::string(r.status));
  e.set("version", Node::integer(r.version));
  return e;
}

// The history with `latest` first: replaces the entry of its version, keeps at most `keep`.
Node with_history(const Node* history, const ReleaseSnapshot& latest, size_t keep) {
  Node out = Node::list();
  out.push_back(history_entry(latest));
  if (history && history->is_list()) {
    for (const Node& e : history->items()) {
      if (out.size() >= keep) break;
      const Node* v = e.find("version");
      if (v && v->as_int() == latest.version) continue;
      if (v && v->as_int() > latest.version) continue;  // from a release uninstalled since
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace

Node helm_release_status(const Node& object, const Outcome& outcome, std::string_view now) {
  int64_t generation = generation_of(object);
  Node status = status_of(object);
  status.set("observedGeneration", Node::integer(generation));
  mark_handled(status, object);
  auto condition = [&](std::string_view type, ConditionStatus s, Reason reason,
                       std::string message) {
    set_condition(status,
                  Condition{std::string(type), s, std::string(to_string(reason)),
                            std::move(message), generation},
                  now);
  };
  mark_ignored_fields(status, outcome, generation, now);
  if (!outcome.release) {  // stopped before a release was attempted: nothing else changes
    if (outcome.failed())
      condition("Ready", ConditionStatus::false_, outcome.reason, outcome.error.message());
    return status;
  }
  const ReleaseSnapshot& r = *outcome.release;
  status.set("storageNamespace", Node::string(r.storage_namespace));
  status.set("lastAttemptedGeneration", Node::integer(generation));
  status.set("lastAttemptedRevision", Node::string(r.attempted_chart_version));
  status.set("lastAttemptedConfigDigest", Node::string(r.attempted_digest));
  if (!r.action.empty())
    status.set("lastAttemptedReleaseAction",
               Node::string(r.action == "install" ? "install" : "upgrade"));
  status.set("installFailures", Node::integer(r.install_failures));
  status.set("upgradeFailures", Node::integer(r.upgrade_failures));
  status.erase("lastAttemptedValuesChecksum");  // v2beta1's field, replaced by the digest
  const Node* max = object.at_path({"spec", "maxHistory"});
  size_t keep = max && max->is_int() && max->as_int() > 0 ? size_t(max->as_int()) + 1 : 6;
  status.set("history", with_history(status.find("history"), r, keep));
  std::string release = r.namespace_ + "/" + r.name + ".v" + std::to_string(r.version);
  std::string chart = r.chart_name + "@" + r.chart_version;
  if (r.test) {
    condition("TestSuccess", r.test->passed ? ConditionStatus::true_ : ConditionStatus::false_,
              r.test->passed ? Reason::test_succeeded : Reason::test_failed, r.test->message);
  } else if (!r.action.empty()) {
    remove_condition(status, "TestSuccess");  // a new revision, not tested
  }
  if (outcome.failed()) {
    std::string message = outcome.error.message();
    if (outcome.reason == Reason::rollback_succeeded) {
      condition(
          "Remediated", ConditionStatus::true_, outcome.reason,
          "Helm rollback to previous release " + release + " with chart " + chart + " succeeded");
      condition("Released", ConditionStatus::false_, Reason::upgrade_failed, message);
    } else if (outcome.reason == Reason::install_failed ||
               outcome.reason == Reason::upgrade_failed) {
      condition("Released", ConditionStatus::false_, outcome.reason, message);
    } else if (outcome.reason == Reason::test_failed) {  // released, then its tests failed
      condition("Released", ConditionStatus::true_, Reason::install_succeeded,
                "Helm install succeeded for release " + release + " with chart " + chart);
    }
    condition("Ready", ConditionStatus::false_, outcome.reason, message);
    return status;
  }
  std::string verb = outcome.reason == Reason::install_succeeded ? "install" : "upgrade";
  std::string message =
      "Helm " + verb + " succeeded for release " + release + " with chart " + chart;
  remove_condition(status, "Remediated");
  condition("Released", ConditionStatus::true_, outcome.reason, message);
  if (r.test && r.test->passed) {  // Flux summarizes Ready from TestSuccess then
    condition("Ready", ConditionStatus::true_, Reason::test_succeeded, r.test->message);
  } else {
    condition("Ready", ConditionStatus::true_, outcome.reason, message);
  }
  return status;
}

namespace {

// The GitRepository status, which the other sources build on; `ready_message` on success.
Node source_status(const Node& object, const Outcome& outcome, std::string_view now,
                   const std::string& ready_message) {
  int64_t generation = generation_of(object);
  Node status = status_of(object);
  status.set("observedGeneration", Node::integer(generation));
  mark_handled(status, object);
  if (outcome.failed()) {
    set_condition(
        status,
        Condition{"Ready", ConditionStatus::false_, std::string(to_string(outcome.reason)),
                  outcome.error.message(), generation},
        now);
    return status;
  }
  Node& artifact = status["artifact"];
  if (artifact.string_at({"revision"}) != outcome.revision) {
    artifact.set("revision", Node::string(outcome.revision));
    artifact.set("lastUpdateTime", Node::string(now));
  }
  set_condition(status,
                Condition{"Ready", ConditionStatus::true_, "Succeeded", ready_message, generation},
                now);
  return status;
}

}  // namespace

Node git_repository_status(const Node& object, const Outcome& outcome, std::string_view now) {
  return source_status(object, outcome, now,
                       "stored artifact for revision '" + outcome.revision + "'");
}

Node stored_artifact_status(const Node& object, const Outcome& outcome, std::string_view now,
                            const StoredArtifact& stored) {
  Node status = source_status(object, outcome, now, stored.ready_message);
  if (outcome.failed()) return status;
  Node& artifact = status["artifact"];
  artifact.set("digest", Node::string(outcome.artifact_digest));
  artifact.set("path", Node::string(stored.path));
  if (stored.size) artifact.set("size", Node::integer(*stored.size));
  set_condition(
      status,
      Condition{"ArtifactInStorage", ConditionStatus::true_, "Succeeded",
                "stored artifact for revision '" + outcome.revision + "'", generation_of(object)},
      now);
  return status;
}

}  // namespace plumb::controller
