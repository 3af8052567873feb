#include "controller/metrics.hpp"

#include <gtest/gtest.h>

#include "controller/work_queue.hpp"
#include "metrics/registry.hpp"

namespace plumb::controller {
namespace {

using namespace std::chrono_literals;

ReconcileRecord record(std::string kind, std::string name, Reason reason = Reason::succeeded) {
  ReconcileRecord r;
  r.started = SystemTime(std::chrono::seconds(1000));
  r.finished = r.started + 250ms;
  r.api_version =
      kind == "GitRepository" ? "source.toolkit.fluxcd.io/v1" : "kustomize.toolkit.fluxcd.io/v1";
  r.kind = std::move(kind);
  r.namespace_ = "flux-system";
  r.name = std::move(name);
  r.reason = reason;
  r.revision = "main@sha1:0123456789abcdef0123456789abcdef01234567";
  return r;
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

constexpr const char* k_apps = "kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\"";

TEST(ControllerMetrics, ReconcileDurationAndReadyCondition) {
  metrics::Registry registry;
  ControllerMetrics m(registry);
  m.on_reconcile(record("Kustomization", "apps"));
  m.on_reconcile(record("Kustomization", "apps", Reason::build_failed));
  std::string text = registry.text();
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_duration_seconds_count{") + k_apps + "} 2"))
      << text;
  EXPECT_TRUE(
      has(text, std::string("gotk_reconcile_duration_seconds_bucket{") + k_apps + ",le=\"1\"} 2"));
  EXPECT_TRUE(has(
      text, std::string("gotk_reconcile_duration_seconds_bucket{") + k_apps + ",le=\"0.1\"} 0"));
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_duration_seconds_sum{") + k_apps + "} 0.5"));
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_condition{") + k_apps +
                            ",type=\"Ready\",status=\"False\"} 1"));
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_condition{") + k_apps +
                            ",type=\"Ready\",status=\"True\"} 0"));
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_condition{") + k_apps +
                            ",type=\"Ready\",status=\"Unknown\"} 0"));
  EXPECT_TRUE(has(text, std::string("gotk_suspend_status{") + k_apps + "} 0"));
}

TEST(ControllerMetrics, ResourceInfoIsOneSeriesPerObject) {
  metrics::Registry registry;
  ControllerMetrics m(registry);
  m.on_reconcile(record("Kustomization", "apps", Reason::progressing));
  m.on_reconcile(record("Kustomization", "apps"));
  ReconcileRecord suspended = record("Kustomization", "apps");
  suspended.trigger = Trigger::suspend;
  suspended.reason = Reason::suspended;
  m.on_reconcile(suspended);
  std::string text = registry.text();
  EXPECT_TRUE(has(text,
                  "gotk_resource_info{customresource_group=\"kustomize.toolkit.fluxcd.io\","
                  "customresource_kind=\"Kustomization\",customresource_version=\"v1\","
                  "exported_namespace=\"flux-system\",name=\"apps\",ready=\"True\","
                  "suspended=\"true\",revision=\"main@sha1:"
                  "0123456789abcdef0123456789abcdef01234567\"} 1"))
      << text;
  EXPECT_EQ(text.find("ready=\"Unknown\""), std::string::npos);
  EXPECT_EQ(text.find("suspended=\"false\""), std::string::npos);
  EXPECT_TRUE(has(text, std::string("gotk_suspend_status{") + k_apps + "} 1"));
  // A suspend is not a reconcile: the duration was observed twice, not three times.
  EXPECT_TRUE(has(text, std::string("gotk_reconcile_duration_seconds_count{") + k_apps + "} 2"));
}

TEST(ControllerMetrics, DriftRepairsSyncObjectsAndGitFetches) {
  metrics::Registry registry;
  ControllerMetrics m(registry);
  ReconcileRecord sync = record("Kustomization", "apps");
  for (sync::Action a : {sync::Action::created, sync::Action::created, sync::Action::unchanged,
                         sync::Action::deleted})
    sync.sync.objects.push_back(sync::ObjectResult{.ref = {}, .action = a, .message = {}});
  m.on_reconcile(sync);
  ReconcileRecord repair = record("Kustomization", "apps");
  repair.trigger = Trigger::drift;
  repair.sync.objects.push_back(
      sync::ObjectResult{.ref = {}, .action = sync::Action::configured, .message = {}});
  m.on_reconcile(repair);
  ReconcileRecord failed_repair = repair;
  failed_repair.reason = Reason::reconciliation_failed;
  failed_repair.sync.objects[0].action = sync::Action::failed;
  m.on_reconcile(failed_repair);
  m.on_reconcile(record("GitRepository", "flux-system"));
  std::string text = registry.text();
  EXPECT_TRUE(has(text, std::string("plumb_drift_repairs_total{") + k_apps + "} 1")) << text;
  EXPECT_TRUE(has(text, "plumb_sync_objects_total{kind=\"Kustomization\",action=\"created\"} 2"));
  EXPECT_TRUE(has(text, "plumb_sync_objects_total{kind=\"Kustomization\",action=\"deleted\"} 1"));
  EXPECT_TRUE(
      has(text, "plumb_sync_objects_total{kind=\"Kustomization\",action=\"configured\"} 1"));
  EXPECT_TRUE(has(text, "plumb_sync_objects_total{kind=\"Kustomization\",action=\"failed\"} 1"));
  EXPECT_EQ(text.find("action=\"unchanged\""), std::string::npos);
  EXPECT_TRUE(has(text, "plumb_git_fetch_duration_seconds_count 1"));
  EXPECT_TRUE(has(text, "plumb_git_fetch_duration_seconds_sum 0.25"));
}

TEST(ControllerMetrics, DeletedObjectsLoseTheirSeries) {
  metrics::Registry registry;
  ControllerMetrics m(registry);
  m.on_reconcile(record("Kustomization", "apps"));
  m.on_reconcile(record("Kustomization", "infra"));
  ReconcileRecord repair = record("Kustomization", "apps");
  repair.trigger = Trigger::drift;
  m.on_reconcile(repair);
  m.on_deleted("Kustomization", "flux-system", "apps");
  std::string text = registry.text();
  EXPECT_EQ(text.find("name=\"apps\""), std::string::npos) << text;
  EXPECT_NE(text.find("name=\"infra\""), std::string::npos);
  // Back again: fresh series.
  m.on_reconcile(record("Kustomization", "apps"));
  EXPECT_TRUE(
      has(registry.text(), std::string("gotk_reconcile_duration_seconds_count{") + k_apps + "} 1"));
}

TEST(ControllerMetrics, NotificationDeliveries) {
  metrics::Registry registry;
  ControllerMetrics m(registry);
  m.record_delivery("github", true);
  m.record_delivery("github", true);
  m.record_delivery("slack", false);
  std::string text = registry.text();
  EXPECT_TRUE(has(
      text, "plumb_notification_deliveries_total{provider_type=\"github\",result=\"success\"} 2"));
  EXPECT_TRUE(has(
      text, "plumb_notification_deliveries_total{provider_type=\"slack\",result=\"failure\"} 1"));
}

TEST(WorkQueueMetrics, DepthAddsQueueAndWorkDurations) {
  metrics::Registry registry;
  metrics::QueueMetrics metrics(registry, "reconcile");
  WorkQueue<std::string> q;
  q.set_metrics(&metrics);
  q.add("a");
  q.add("b");
  q.add("a");  // deduplicated: not an add
  EXPECT_TRUE(has(registry.text(), "workqueue_depth{name=\"reconcile\"} 2"));
  ASSERT_EQ(q.try_get(), "a");
  q.add("a");  // while held: an add, requeued by done()
  q.done("a");
  ASSERT_EQ(q.try_get(), "b");
  q.done("b");
  std::string text = registry.text();
  EXPECT_TRUE(has(text, "workqueue_adds_total{name=\"reconcile\"} 3")) << text;
  EXPECT_TRUE(has(text, "workqueue_depth{name=\"reconcile\"} 1"));
  EXPECT_TRUE(has(text, "workqueue_queue_duration_seconds_count{name=\"reconcile\"} 2"));
  EXPECT_TRUE(has(text, "workqueue_work_duration_seconds_count{name=\"reconcile\"} 2"));
  ASSERT_EQ(q.try_get(), "a");
  EXPECT_TRUE(has(registry.text(), "workqueue_depth{name=\"reconcile\"} 0"));
}

}  // namespace
}  // namespace plumb::controller
