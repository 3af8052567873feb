#include "controller/metrics.hpp"

#include <array>
#include <chrono>

namespace plumb::controller {

namespace {

// fluxcd/pkg runtime/metrics: 10ms to 100s, by tens.
std::vector<double> reconcile_buckets() {
  return metrics::exponential_buckets(10e-3, 10, 5);
}

double seconds(const ReconcileRecord& record) {
  return std::chrono::duration<double>(record.finished - record.started).count();
}

// What Ready says after this record: True, False (a failure, or waiting on a dependency) or
// Unknown (applied, health being judged).
std::string_view ready_status(const ReconcileRecord& record) {
  if (record.failed() || is_waiting(record.reason)) return "False";
  if (record.reason == Reason::progressing) return "Unknown";
  return "True";
}

std::pair<std::string, std::string> group_version(std::string_view api_version) {
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

}  // namespace

ControllerMetrics::ControllerMetrics(metrics::Registry& registry)
    : m_duration(registry.histogram("gotk_reconcile_duration_seconds",
                                    "The duration in seconds of a GitOps Toolkit resource "
                                    "reconciliation.",
                                    {"kind", "name", "namespace"}, reconcile_buckets())),
      m_condition(registry.gauge("gotk_reconcile_condition",
                                 "The current condition status of a GitOps Toolkit resource "
                                 "reconciliation.",
                                 {"kind", "name", "namespace", "type", "status"})),
      m_suspend(registry.gauge("gotk_suspend_status",
                               "The current suspend status of a GitOps Toolkit resource.",
                               {"kind", "name", "namespace"})),
      m_info(
          registry.gauge("gotk_resource_info", "The current state of a Flux resource.",
                         {"customresource_group", "customresource_kind", "customresource_version",
                          "exported_namespace", "name", "ready", "suspended", "revision"})),
      m_drift_repairs(registry.counter("plumb_drift_repairs_total",
                                       "Objects applied again because they drifted from what "
                                       "their owner applied.",
                                       {"kind", "name", "namespace"})),
      m_sync_objects(registry.counter("plumb_sync_objects_total",
                                      "Objects created, configured, deleted (pruned), skipped or "
                                      "failed by syncs, by the owner's kind.",
                                      {"kind", "action"})),
      m_git_fetch(registry
                      .histogram("plumb_git_fetch_duration_seconds",
                                 "The duration in seconds of GitRepository fetches.", {},
                                 reconcile_buckets())
                      .with({})),
      m_deliveries(registry) {}

void ControllerMetrics::on_reconcile(const ReconcileRecord& record) {
  switch (record.trigger) {
    case Trigger::suspend:
    case Trigger::resume:
      set_suspended(record, record.trigger == Trigger::suspend);
      break;
    case Trigger::drift:
      if (!record.failed())
        m_drift_repairs.with({record.kind, record.name, record.namespace_}).inc();
      break;
    default:
      record_reconcile(record);
      break;
  }
  record_sync(record);
}

void ControllerMetrics::on_event(const EventRecord&) {}

void ControllerMetrics::on_deleted(std::string_view kind, std::string_view ns,
                                   std::string_view name) {
  std::array<std::pair<std::string_view, std::string_view>, 3> object{
      {{"kind", kind}, {"name", name}, {"namespace", ns}}};
  m_duration.remove_matching(object);
  m_condition.remove_matching(object);
  m_suspend.remove_matching(object);
  m_drift_repairs.remove_matching(object);
  std::array<std::pair<std::string_view, std::string_view>, 3> info{
      {{"customresource_kind", kind}, {"name", name}, {"exported_namespace", ns}}};
  m_info.remove_matching(info);
  LockGuard lock(m_info_mutex);
  m_infos.erase(ObjectKey{kind, ns, name});
}

void ControllerMetrics::record_delivery(std::string_view provider_type, bool ok) {
  m_deliveries.record_delivery(provider_type, ok);
}

void ControllerMetrics::record_reconcile(const ReconcileRecord& record) {
  m_duration.with({record.kind, record.name, record.namespace_}).observe(seconds(record));
  if (record.kind == "GitRepository") m_git_fetch.observe(seconds(record));
  set_ready(record, ready_status(record));
  set_suspended(record, false);  // it reconciled
}

void ControllerMetrics::record_sync(const ReconcileRecord& record) {
  for (const sync::ObjectResult& object : record.sync.objects) {
    if (object.action == sync::Action::unchanged) continue;
    m_sync_objects.with({record.kind, std::string(sync::to_string(object.action))}).inc();
  }
}

void ControllerMetrics::set_ready(const ReconcileRecord& record, std::string_view status) {
  for (std::string_view s : {"True", "False", "Unknown"})
    m_condition.with({record.kind, record.name, record.namespace_, "Ready", std::string(s)})
        .set(s == status ? 1 : 0);
  update_info(record, [&](Info& info) {
    info.ready = status;
    if (!record.revision.empty() && status == "True") info.revision = record.revision;
  });
}

void ControllerMetrics::set_suspended(const ReconcileRecord& record, bool suspended) {
  m_suspend.with({record.kind, record.name, record.namespace_}).set(suspended ? 1 : 0);
  update_info(record, [&](Info& info) { info.suspended = suspended; });
}

template <typename Change>
void ControllerMetrics::update_info(const ReconcileRecord& record, Change change) {
  ObjectKey key{record.kind, record.namespace_, record.name};
  LockGuard lock(m_info_mutex);
  Info& info = m_infos[key];
  metrics::LabelValues before = info_labels(key, info);
  if (!record.api_version.empty()) info.api_version = record.api_version;
  change(info);
  metrics::LabelValues after = info_labels(key, info);
  if (before != after) m_info.remove(before);
  m_info.with(after).set(1);
}

metrics::LabelValues ControllerMetrics::info_labels(const ObjectKey& key, const Info& info) {
  auto [group, version] = group_version(info.api_version);
  const auto& [kind, ns, name] = key;
  return {group,        kind, version, ns, name, info.ready, info.suspended ? "true" : "false",
          info.revision};
}

}  // namespace plumb::controller
