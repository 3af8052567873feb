// The status an Application reconcile writes (application_status) and the tracking ids of
// what it applies; the reconcile itself runs in tests/e2e/argo.
#include "controller/application.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test").value();
}

const char* k_app = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  revisionHistoryLimit: 2
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps
    path: guestbook
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: demo
)";

ObjectRef deployment() {
  return ObjectRef{"apps", "v1", "Deployment", "demo", "guestbook-ui"};
}

ApplicationOutcome synced_outcome() {
  ApplicationOutcome out;
  out.compared = true;
  out.synced = true;
  out.revision = "abc123";
  out.source_type = argo::SourceType::directory;
  out.health = argo::HealthStatus::healthy;
  ResourceState r;
  r.ref = deployment();
  r.synced = true;
  r.health = argo::Health{argo::HealthStatus::healthy, ""};
  out.resources.push_back(r);
  out.images = {"nginx:1"};
  return out;
}

OperationRun succeeded_run(std::string revision, std::string user) {
  OperationRun run;
  run.operation = yaml("sync:\n  revision: " + revision + "\ninitiatedBy:\n  username: " + user);
  run.revision = std::move(revision);
  run.started_at = "2026-12-03T10:00:00Z";
  run.finished_at = "2026-12-03T10:00:05Z";
  TaskResult t;
  t.ref = deployment();
  t.message = "Deployment/guestbook-ui created";
  run.results.push_back(t);
  return run;
}

argo::Application parsed(const Node& object) {
  return argo::parse_application(object).value();
}

TEST(ApplicationStatus, SyncedAndHealthyAsArgoWritesIt) {
  Node app = yaml(k_app);
  Node status = application_status(app, parsed(app), synced_outcome(), "2026-12-03T10:00:06Z");
  EXPECT_EQ(status.string_at({"sync", "status"}), "Synced");
  EXPECT_EQ(status.string_at({"sync", "revision"}), "abc123");
  EXPECT_EQ(status.string_at({"sync", "comparedTo", "source", "path"}), "guestbook");
  EXPECT_EQ(status.string_at({"health", "status"}), "Healthy");
  EXPECT_EQ(status.string_at({"sourceType"}), "Directory");
  EXPECT_EQ(status.string_at({"reconciledAt"}), "2026-12-03T10:00:06Z");
  const Node& r = status.find("resources")->items()[0];
  EXPECT_EQ(r.string_at({"kind"}), "Deployment");
  EXPECT_EQ(r.string_at({"group"}), "apps");
  EXPECT_EQ(r.string_at({"status"}), "Synced");
  EXPECT_EQ(r.string_at({"health", "status"}), "Healthy");
  EXPECT_EQ(status.at_path({"summary", "images"})->items()[0].as_string(), "nginx:1");
  EXPECT_EQ(status.find("history"), nullptr);  // no sync ran
  EXPECT_EQ(status.find("conditions"), nullptr);
}

TEST(ApplicationStatus, ASucceededSyncIsInHistoryUpToTheLimit) {
  Node app = yaml(k_app);
  for (int i = 0; i < 3; ++i) {
    ApplicationOutcome out = synced_outcome();
    out.operation = succeeded_run("rev" + std::to_string(i), "alice");
    out.operation_requested = true;
    app.set("status", application_status(app, parsed(app), out, "2026-12-03T10:00:06Z"));
  }
  const Node* history = app.at_path({"status", "history"});
  ASSERT_NE(history, nullptr);
  ASSERT_EQ(history->size(), 2u);  // revisionHistoryLimit: 2
  EXPECT_EQ(history->items()[0].string_at({"revision"}), "rev1");
  EXPECT_EQ(history->items()[1].string_at({"revision"}), "rev2");
  EXPECT_EQ(history->items()[1].find("id")->as_int(), 2);
  EXPECT_EQ(history->items()[1].string_at({"initiatedBy", "username"}), "alice");
  EXPECT_EQ(history->items()[1].string_at({"deployStartedAt"}), "2026-12-03T10:00:00Z");
  const Node* state = app.at_path({"status", "operationState"});
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->string_at({"phase"}), "Succeeded");
  EXPECT_EQ(state->string_at({"syncResult", "revision"}), "rev2");
  EXPECT_EQ(state->string_at({"operation", "sync", "revision"}), "rev2");
  const Node& result = state->at_path({"syncResult", "resources"})->items()[0];
  EXPECT_EQ(result.string_at({"status"}), "Synced");
  EXPECT_EQ(result.string_at({"syncPhase"}), "Sync");
  EXPECT_EQ(result.find("hookPhase"), nullptr);
}

TEST(ApplicationStatus, AFailedSyncIsNotHistoryAndNamesItsHooks) {
  Node app = yaml(k_app);
  ApplicationOutcome out = synced_outcome();
  out.synced = false;
  OperationRun run = succeeded_run("rev", "bob");
  run.phase = OperationPhase::failed;
  run.message = "PreSync hook Job/demo/migrate failed: BackoffLimitExceeded";
  TaskResult hook;
  hook.ref = ObjectRef{"batch", "v1", "Job", "demo", "migrate"};
  hook.phase = argo::Phase::pre_sync;
  hook.hook = true;
  hook.hook_phase = OperationPhase::failed;
  hook.status = TaskResult::Status::sync_failed;
  run.results.insert(run.results.begin(), hook);
  out.operation = run;
  out.conditions.emplace_back(AppCondition::sync_error, run.message);
  Node status = application_status(app, parsed(app), out, "now");
  EXPECT_EQ(status.string_at({"sync", "status"}), "OutOfSync");
  EXPECT_EQ(status.find("history"), nullptr);
  EXPECT_EQ(status.string_at({"operationState", "phase"}), "Failed");
  const Node& h = status.at_path({"operationState", "syncResult", "resources"})->items()[0];
  EXPECT_EQ(h.string_at({"hookType"}), "PreSync");
  EXPECT_EQ(h.string_at({"hookPhase"}), "Failed");
  EXPECT_EQ(h.string_at({"status"}), "SyncFailed");
  const Node& c = status.find("conditions")->items()[0];
  EXPECT_EQ(c.string_at({"type"}), "SyncError");
  EXPECT_EQ(c.string_at({"message"}), run.message);
}

TEST(ApplicationStatus, NotComparedIsUnknownAndKeepsTheResourcesItKnew) {
  Node app = yaml(k_app);
  app.set("status", application_status(app, parsed(app), synced_outcome(), "t1"));
  ApplicationOutcome broken;
  broken.conditions.emplace_back(AppCondition::comparison_error, "guestbook: no such path");
  Node status = application_status(app, parsed(app), broken, "t2");
  EXPECT_EQ(status.string_at({"sync", "status"}), "Unknown");
  EXPECT_EQ(status.string_at({"health", "status"}), "Unknown");
  ASSERT_EQ(status.find("resources")->size(), 1u);
  EXPECT_EQ(status.find("conditions")->items()[0].string_at({"type"}), "ComparisonError");
}

TEST(ApplicationTracking, ArgosAnnotationValue) {
  Node app = yaml(k_app);
  EXPECT_EQ(tracking_id(app, deployment()), "guestbook:apps/Deployment:demo/guestbook-ui");
  app["metadata"].set("namespace", Node::string("team-a"));
  EXPECT_EQ(tracking_id(app, ObjectRef{"", "v1", "Namespace", "", "demo"}),
            "team-a_guestbook:/Namespace:/demo");
}

}  // namespace
}  // namespace plumb::controller
