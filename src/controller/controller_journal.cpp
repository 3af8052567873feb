// The controller's side of the observers (controller/observer.hpp): why each job was queued,
// when its run began, and the ReconcileRecord / EventRecord of what it did.
#include <algorithm>
#include <chrono>

#include "controller/controller.hpp"
#include "controller/controller_parts.hpp"

namespace plumb::controller {

namespace {

std::string_view api_version_of(const Node& object) {
  return object.string_at({"apiVersion"});
}

// The commit of a git revision: "main@sha1:<hex>", "sha1:<hex>"; "" otherwise.
std::string commit_hex(std::string_view revision) {
  size_t at = revision.rfind("sha1:");
  if (at == std::string_view::npos) return {};
  std::string_view hex = revision.substr(at + 5);
  return hex.size() == 40 ? std::string(hex) : std::string();
}

}  // namespace

void Controller::note(const JobKey& key, Trigger trigger, std::string detail) {
  LockGuard lock(m_why_mutex);
  m_why.try_emplace(key, Why{trigger, std::move(detail)});
}

void Controller::queue(const JobKey& key, Trigger trigger, std::string detail) {
  note(key, trigger, std::move(detail));
  m_queue.add(key);
}

void Controller::begin_run(const JobKey& key) {
  LockGuard lock(m_why_mutex);
  Running run{.why = {}, .started = std::chrono::system_clock::now()};
  if (auto it = m_why.find(key); it != m_why.end()) {
    run.why = std::move(it->second);
    m_why.erase(it);
  }
  m_running[key] = std::move(run);
}

Controller::Running Controller::running(const JobKey& key) const {
  LockGuard lock(m_why_mutex);
  auto it = m_running.find(key);
  if (it == m_running.end()) return Running{.why = {}, .started = std::chrono::system_clock::now()};
  return it->second;
}

source::CommitInfo Controller::commit_of(const JobKey& key, const std::string& revision) const {
  std::string hex = commit_hex(revision);
  if (hex.empty()) return {};
  std::string url;
  {
    LockGuard lock(m_mutex);
    JobKey owner =
        key.job == Job::health ? JobKey{Job::kustomization, key.namespace_, key.name} : key;
    auto it = m_tracked.find(owner);
    if (it == m_tracked.end()) return {};
    auto source = m_tracked.find(it->second->source);
    if (source == m_tracked.end() || source->first.job != Job::source) return {};
    url = source->second->object.string_at({"spec", "url"});
  }
  if (url.empty()) return {};
  auto info = const_cast<SourceCache&>(m_sources).with(
      url, [&](source::GitSource& git) { return git.commit_info(hex); });
  return info ? *info : source::CommitInfo{};
}

void Controller::tell(const JobKey& key, const Node& object, const Outcome& outcome) const {
  if (m_options.observers.empty() || outcome.reason == Reason::suspended ||
      outcome.reason == Reason::artifact_not_fetched)
    return;
  Running run = running(key);
  ReconcileRecord r;
  r.started = run.started;
  r.finished = std::chrono::system_clock::now();
  r.api_version = api_version_of(object);
  r.kind = object.string_at({"kind"});
  r.namespace_ = key.namespace_;
  r.name = key.name;
  r.uid = object.string_at({"metadata", "uid"});
  r.trigger = key.job == Job::health ? Trigger::health : run.why.trigger;
  r.trigger_detail = run.why.detail;
  r.revision = outcome.revision;
  r.reason = outcome.reason;
  r.error = outcome.error.message();
  r.sync = outcome.sync;
  if (outcome.pin && r.trigger == Trigger::rollback) r.actor = outcome.pin->by;
  if (outcome.pin && r.trigger_detail.empty()) r.trigger_detail = outcome.pin->to;
  if (outcome.reason == Reason::progressing) {
    r.health = "Progressing";
  } else if (outcome.reason == Reason::health_check_failed) {
    r.health = outcome.error.message();
  } else if (key.job == Job::health || !outcome.health.targets.empty()) {
    r.health = "Healthy";
  }
  bool changed = false;
  for (const sync::ObjectResult& o : r.sync.objects)
    changed = changed || o.action != sync::Action::unchanged;
  r.noop = !changed && !outcome.failed() && key.job != Job::health &&
           object.string_at({"status", "lastAppliedRevision"}) == outcome.revision &&
           object.string_at({"status", "artifact", "revision"}) == outcome.revision;
  if (!r.noop && key.job != Job::source && wants_details()) {
    source::CommitInfo commit = commit_of(key, outcome.revision);
    r.commit_message = std::move(commit.message);
    r.commit_author = std::move(commit.author);
  }
  tell(std::move(r));
}

bool Controller::wants_details() const {
  return std::any_of(m_options.observers.begin(), m_options.observers.end(),
                     [](const Observer* o) { return o->wants_details(); });
}

void Controller::tell(ReconcileRecord record) const {
  for (Observer* observer : m_options.observers)
    observer->on_reconcile(record);
}

void Controller::tell_repair(const Node& owner, const std::string& what,
                             const std::string& revision, sync::ObjectResult object) const {
  if (m_options.observers.empty() || !owner.is_map()) return;
  ReconcileRecord r;
  r.started = r.finished = std::chrono::system_clock::now();
  r.api_version = api_version_of(owner);
  r.kind = owner.string_at({"kind"});
  r.namespace_ = owner.string_at({"metadata", "namespace"});
  r.name = owner.string_at({"metadata", "name"});
  r.uid = owner.string_at({"metadata", "uid"});
  r.trigger = Trigger::drift;
  r.trigger_detail = what;
  r.revision = revision;
  if (object.action == sync::Action::failed) {
    r.reason = Reason::reconciliation_failed;
    r.error = "drift repair of " + object.ref.display() + " failed: " + object.message;
  }
  r.sync.objects.push_back(std::move(object));
  tell(std::move(r));
}

void Controller::tell_progress(const JobKey& key, const Node& object) const {
  if (m_options.observers.empty()) return;
  std::string revision;
  {
    LockGuard lock(m_mutex);
    auto it = m_tracked.find(key);
    if (it == m_tracked.end()) return;
    auto source = m_tracked.find(it->second->source);
    if (source == m_tracked.end()) return;
    revision = source->second->revision;
  }
  if (revision.empty() || revision == object.string_at({"status", "lastAppliedRevision"})) return;
  EventRecord event{.time = std::chrono::system_clock::now(),
                    .involved = object,
                    .warning = false,
                    .reason = "Progressing",
                    .message = "Reconciliation in progress",
                    .metadata = {{"revision", revision}},
                    .reporting_controller = "kustomize-controller",
                    .progress = true};
  for (Observer* observer : m_options.observers)
    observer->on_event(event);
}

void Controller::record(const Node& involved, bool warning, std::string_view reason,
                        const std::string& message, const std::string& revision) const {
  if (!involved.is_map()) return;
  if (m_options.event) m_options.event(involved, warning, std::string(reason), message);
  if (m_options.observers.empty()) return;
  std::string_view kind = involved.string_at({"kind"});
  EventRecord event{.time = std::chrono::system_clock::now(),
                    .involved = involved,
                    .warning = warning,
                    .reason = std::string(reason),
                    .message = message,
                    .metadata = {},
                    .reporting_controller = kind == "GitRepository" || kind == "OCIRepository" ||
                                                    kind == "HelmRepository"
                                                ? "source-controller"
                                            : kind == "HelmRelease" ? "helm-controller"
                                            : kind == "Application" || kind == "ApplicationSet"
                                                ? "argocd-application-controller"
                                                : "kustomize-controller",
                    .progress = false};
  if (!revision.empty()) event.metadata["revision"] = revision;
  for (Observer* observer : m_options.observers)
    observer->on_event(event);
}

}  // namespace plumb::controller
