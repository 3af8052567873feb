// The controller's Prometheus metrics, named as Flux's controllers (fluxcd/pkg runtime/metrics)
// and Flux's kube-state-metrics configuration name theirs, fed by the observer seam:
//
//   gotk_reconcile_duration_seconds{kind,name,namespace}       histogram, every reconcile
//   gotk_reconcile_condition{kind,name,namespace,type,status}   Ready True/False/Unknown: 1 or 0
//   gotk_suspend_status{kind,name,namespace}                    1 while spec.suspend is true
//   gotk_resource_info{customresource_group,customresource_kind,customresource_version,
//                      exported_namespace,name,ready,suspended,revision}   1, one series per object
//   plumb_drift_repairs_total{kind,name,namespace}              drift repairs made
//   plumb_sync_objects_total{kind,action}                       objects created/configured/
//                                                               deleted/... by the owner's kind
//   plumb_git_fetch_duration_seconds                            GitRepository fetches
//   plumb_notification_deliveries_total{provider_type,result}   (record_delivery)
//
// The work queue's and the API client's metrics come from their own hooks
// (metrics/families.hpp). A deleted object's series are removed (on_deleted).
//
// Thread safety: the Observer methods are called from the controller's threads, concurrently;
// they only touch atomics and the families' short locks, and never block.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "controller/observer.hpp"
#include "core/thread_annotations.hpp"
#include "metrics/families.hpp"
#include "metrics/registry.hpp"

namespace plumb::controller {

class ControllerMetrics final : public Observer {
 public:
  explicit ControllerMetrics(metrics::Registry& registry);

  void on_reconcile(const ReconcileRecord& record) override;
  void on_event(const EventRecord& event) override;
  void on_deleted(std::string_view kind, std::string_view ns, std::string_view name) override;

  // A notification was delivered (ok) or given up on, by provider type ("slack", "github").
  void record_delivery(std::string_view provider_type, bool ok);

 private:
  // What gotk_resource_info says of one object, kept so its old series can be replaced.
  struct Info {
    std::string api_version;
    std::string ready = "Unknown";
    bool suspended = false;
    std::string revision;
  };
  using ObjectKey = std::tuple<std::string, std::string, std::string>;  // kind, namespace, name

  void record_reconcile(const ReconcileRecord& record);
  void record_sync(const ReconcileRecord& record);
  void set_ready(const ReconcileRecord& record, std::string_view status);
  void set_suspended(const ReconcileRecord& record, bool suspended);
  // Replaces the object's gotk_resource_info series after `change` updated what it says.
  template <typename Change>
  void update_info(const ReconcileRecord& record, Change change) EXCLUDES(m_info_mutex);
  static metrics::LabelValues info_labels(const ObjectKey& key, const Info& info);

  metrics::HistogramFamily& m_duration;
  metrics::GaugeFamily& m_condition;
  metrics::GaugeFamily& m_suspend;
  metrics::GaugeFamily& m_info;
  metrics::CounterFamily& m_drift_repairs;
  metrics::CounterFamily& m_sync_objects;
  metrics::Histogram& m_git_fetch;
  metrics::DeliveryMetrics m_deliveries;

  Mutex m_info_mutex;
  std::map<ObjectKey, Info> m_infos GUARDED_BY(m_info_mutex);
};

}  // namespace plumb::controller
