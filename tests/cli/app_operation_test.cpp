// The operation contract of `plumb app sync|rollback|wait`: --resource filters as argocd parses
// and matches them, the `operation` object a sync or rollback writes (as Argo CD's API server
// writes it), and when a wait is over (argocd's checkAppWaitConditions cases).
#include "cli/app_operation.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

std::string error_of(const auto& result) {
  return result ? std::string("no error") : result.error().message();
}

TEST(AppName, NameOrNamespaceSlashName) {
  AppName plain = parse_app_name("guestbook", "argocd");
  EXPECT_EQ(plain.ns, "argocd");
  EXPECT_EQ(plain.name, "guestbook");
  AppName qualified = parse_app_name("team-a/guestbook", "argocd");
  EXPECT_EQ(qualified.ns, "team-a");
  EXPECT_EQ(qualified.name, "guestbook");
  EXPECT_EQ(qualified.text, "team-a/guestbook");
}

// --- --resource -------------------------------------------------------------------------

TEST(AppResourceFilters, ParsedAsArgocdParsesThem) {
  std::vector<std::string> texts{"v1alpha:Application:test",
                                 "v1alpha:Application:namespace/test",
                                 "!v1alpha:Application:test",
                                 "apps:Deployment:default/test",
                                 "!*:*:*",
                                 ":Service:web"};
  auto filters = parse_resource_filters(texts).value();
  ASSERT_EQ(filters.size(), 6u);
  EXPECT_EQ(filters[0].group, "v1alpha");
  EXPECT_EQ(filters[0].kind, "Application");
  EXPECT_EQ(filters[0].ns, "");
  EXPECT_EQ(filters[0].name, "test");
  EXPECT_FALSE(filters[0].exclude);
  EXPECT_EQ(filters[1].ns, "namespace");
  EXPECT_TRUE(filters[2].exclude);
  EXPECT_EQ(filters[3].group, "apps");
  EXPECT_EQ(filters[3].ns, "default");
  EXPECT_EQ(filters[4].group, "*");
  EXPECT_EQ(filters[4].name, "*");
  EXPECT_TRUE(filters[4].exclude);
  EXPECT_EQ(filters[5].group, "");
  EXPECT_EQ(filters[5].kind, "Service");
}

TEST(AppResourceFilters, MalformedOnesNameThemselves) {
  std::vector<std::string> short_one{"v1alpha:test"};
  EXPECT_EQ(error_of(parse_resource_filters(short_one)),
            "resource should have GROUP:KIND:NAME, but instead got: v1alpha:test");
  std::vector<std::string> deep{"v1alpha:Application:namespace/test/unknown"};
  EXPECT_EQ(error_of(parse_resource_filters(deep)),
            "resource with namespace should have GROUP:KIND:NAMESPACE/NAME, but instead got: "
            "v1alpha:Application:namespace/test/unknown");
}

TEST(AppResourceFilters, IncludeThenExclude) {
  auto f = [](std::vector<std::string> texts) { return parse_resource_filters(texts).value(); };
  auto deployment = f({"apps:Deployment:web"});
  EXPECT_TRUE(resource_selected("apps", "Deployment", "any", "web", deployment));
  EXPECT_FALSE(resource_selected("apps", "Deployment", "any", "api", deployment));
  EXPECT_FALSE(resource_selected("", "Deployment", "any", "web", deployment));
  auto in_ns = f({"apps:Deployment:prod/web"});
  EXPECT_TRUE(resource_selected("apps", "Deployment", "prod", "web", in_ns));
  EXPECT_FALSE(resource_selected("apps", "Deployment", "dev", "web", in_ns));
  // Only excludes: everything else is in.
  auto no_services = f({"!*:Service:*"});
  EXPECT_TRUE(resource_selected("apps", "Deployment", "x", "web", no_services));
  EXPECT_FALSE(resource_selected("", "Service", "x", "web", no_services));
  // An exclude wins over an include.
  auto both = f({"*:*:web", "!:Service:web"});
  EXPECT_TRUE(resource_selected("apps", "Deployment", "x", "web", both));
  EXPECT_FALSE(resource_selected("", "Service", "x", "web", both));
  EXPECT_TRUE(resource_selected("", "Service", "x", "web", {}));
}

constexpr std::string_view k_app = R"(
metadata: {name: guestbook, namespace: argocd}
spec:
  project: default
  source: {repoURL: "https://example.com/repo.git", path: guestbook, targetRevision: main}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
  syncPolicy:
    syncOptions: [CreateNamespace=true]
    retry: {limit: 2}
status:
  resources:
  - {group: apps, version: v1, kind: Deployment, namespace: web, name: guestbook-ui, status: Synced}
  - {version: v1, kind: Service, namespace: web, name: guestbook-ui, status: Synced}
  history:
  - {id: 0, revision: aaaaaaaa, source: {repoURL: "https://example.com/repo.git", path: guestbook, targetRevision: v1}}
  - {id: 1, revision: bbbbbbbb, source: {repoURL: "https://example.com/repo.git", path: guestbook, targetRevision: main}}
)";

TEST(AppSyncOperation, SelectedResourcesAreTheAppsOwnAsSyncNamesThem) {
  auto filters = parse_resource_filters(std::vector<std::string>{"apps:Deployment:*"}).value();
  EXPECT_EQ(to_json(selected_resources(yaml(k_app), filters)),
            R"([{"group":"apps","kind":"Deployment","name":"guestbook-ui","namespace":"web"}])");
  EXPECT_EQ(to_json(selected_resources(yaml(k_app), {})), "[]");
}

// --- the operation ----------------------------------------------------------------------

TEST(AppSyncOperation, AsArgosApiServerWritesIt) {
  Node op = sync_operation(yaml(k_app), {.username = "alice"}).value();
  EXPECT_EQ(
      to_json(op),
      R"({"sync":{"syncStrategy":{"hook":{}},)"
      R"("source":{"repoURL":"https://example.com/repo.git","path":"guestbook","targetRevision":"main"},)"
      R"("syncOptions":["CreateNamespace=true"]},)"
      R"("initiatedBy":{"username":"alice"},"retry":{"limit":2}})");
}

TEST(AppSyncOperation, RequestedFieldsAndOptions) {
  auto filters = parse_resource_filters(std::vector<std::string>{":Service:guestbook-ui"}).value();
  SyncRequest request{.revision = "v2",
                      .prune = true,
                      .dry_run = true,
                      .resources = selected_resources(yaml(k_app), filters),
                      .sync_options = {"ServerSideApply=true"},
                      .strategy = SyncStrategy::apply,
                      .force = true,
                      .infos = {{"reason", "hotfix"}},
                      .username = "bob"};
  Node op = sync_operation(yaml(k_app), request).value();
  EXPECT_EQ(
      to_json(op),
      R"({"sync":{"revision":"v2","prune":true,"dryRun":true,)"
      R"("syncStrategy":{"apply":{"force":true}},)"
      R"("resources":[{"kind":"Service","name":"guestbook-ui","namespace":"web"}],)"
      R"("source":{"repoURL":"https://example.com/repo.git","path":"guestbook","targetRevision":"main"},)"
      R"("syncOptions":["ServerSideApply=true"]},)"
      R"("initiatedBy":{"username":"bob"},"info":[{"name":"reason","value":"hotfix"}],)"
      R"("retry":{"limit":2}})");
}

TEST(AppSyncOperation, MultiSourceAppsSyncTheirSources) {
  Node app = yaml(R"(
metadata: {name: multi}
spec:
  sources: [{repoURL: a, path: x}, {repoURL: b, chart: c, targetRevision: 1.0.0}]
)");
  Node op = sync_operation(app, {}).value();
  EXPECT_EQ(op.at_path({"sync", "source"}), nullptr);
  EXPECT_EQ(op.at_path({"sync", "sources"})->size(), 2u);
  EXPECT_TRUE(has_multiple_sources(app));
}

TEST(AppSyncOperation, RefusedAsArgoRefusesIt) {
  Node automated = yaml(k_app);
  automated["spec"]["syncPolicy"].set("automated", Node::map());
  EXPECT_EQ(error_of(sync_operation(automated, {.revision = "v2"})),
            "Cannot sync to v2: auto-sync currently set to main");
  EXPECT_EQ(error_of(sync_operation(automated, {.revision = "main"})), "no error");
  EXPECT_EQ(error_of(sync_operation(automated, {.revision = "v2", .dry_run = true})), "no error");
  Node deleting = yaml(k_app);
  deleting["metadata"].set("deletionTimestamp", Node::string("2026-01-01T00:00:00Z"));
  EXPECT_EQ(error_of(sync_operation(deleting, {})), "application 'argocd/guestbook' is deleting");
}

TEST(AppRollback, TargetIsThePreviousEntryOrTheId) {
  Node app = yaml(k_app);
  EXPECT_EQ(rollback_target(app, -1).value().find("id")->as_int(), 0);
  EXPECT_EQ(rollback_target(app, 1).value().string_at({"revision"}), "bbbbbbbb");
  EXPECT_EQ(error_of(rollback_target(app, 7)),
            "application 'guestbook' does not have deployment id '7' in history");
  app["status"]["history"].erase_at(0);
  EXPECT_EQ(error_of(rollback_target(app, -1)),
            "application 'guestbook' should have at least two successful deployments");
}

TEST(AppRollback, OperationSyncsToTheEntrysRevisionAndSource) {
  Node app = yaml(k_app);
  Node entry = rollback_target(app, 0).value();
  Node op = rollback_operation(app, entry, true, false, "carol").value();
  EXPECT_EQ(
      to_json(op),
      R"({"sync":{"revision":"aaaaaaaa","prune":true,"syncStrategy":{"apply":{}},)"
      R"("source":{"repoURL":"https://example.com/repo.git","path":"guestbook","targetRevision":"v1"},)"
      R"("syncOptions":["CreateNamespace=true"]},"initiatedBy":{"username":"carol"},"retry":{}})");
  EXPECT_EQ(error_of(rollback_operation(app, yaml("{id: 9, revision: x}"), false, false, "")),
            "cannot rollback to revision deployed with Argo CD v0.11 or lower. sync to revision "
            "instead.");
}

TEST(AppSyncPolicy, AutomatedUnlessDisabled) {
  EXPECT_FALSE(automated_sync_enabled(yaml("spec: {}")));
  EXPECT_TRUE(automated_sync_enabled(yaml("spec: {syncPolicy: {automated: {}}}")));
  EXPECT_FALSE(automated_sync_enabled(yaml("spec: {syncPolicy: {automated: {enabled: false}}}")));
  EXPECT_TRUE(automated_sync_enabled(yaml("spec: {syncPolicy: {automated: {enabled: true}}}")));
}

// --- when a wait is over ----------------------------------------------------------------

struct WaitCase {
  std::string_view name;
  std::string_view app;
  WaitFor wait;
  std::vector<std::string> resources;
  bool ready;
  bool in_progress;
};

constexpr WaitFor k_all{.sync = true, .health = true, .operation = true};

TEST(AppWaitState, ArgocdsCases) {
  const WaitCase cases[] = {
      {"synced and healthy, no operation",
       "status: {sync: {status: Synced}, health: {status: Healthy}}",
       k_all,
       {},
       true,
       false},
      {"a pending operation",
       "operation: {sync: {}}\nstatus: {sync: {status: Synced}, health: {status: Healthy}}",
       k_all,
       {},
       false,
       true},
      {"an operation state without finishedAt",
       "status: {sync: {status: Synced}, health: {status: Healthy}, operationState: {operation: "
       "{sync: {}}}}",
       k_all,
       {},
       true,
       true},
      {"finished, not reconciled since",
       "status: {sync: {status: Synced}, health: {status: Healthy}, reconciledAt: "
       "'2020-11-10T22:59:00Z', "
       "operationState: {operation: {sync: {}}, finishedAt: '2020-11-10T23:00:00Z'}}",
       k_all,
       {},
       true,
       true},
      {"finished and reconciled afterwards",
       "status: {sync: {status: Synced}, health: {status: Healthy}, reconciledAt: "
       "'2020-11-10T23:01:00Z', "
       "operationState: {operation: {sync: {}}, finishedAt: '2020-11-10T23:00:00Z'}}",
       k_all,
       {},
       true,
       false},
      {"a finished dry run needs no reconcile",
       "status: {sync: {status: OutOfSync}, operationState: {operation: {sync: {dryRun: true}}, "
       "finishedAt: '2020-11-10T23:00:00Z'}}",
       {.operation = true},
       {},
       true,
       false},
      {"out of sync",
       "status: {sync: {status: OutOfSync}, health: {status: Healthy}}",
       k_all,
       {},
       false,
       false},
      {"suspended or degraded accepted when asked for",
       "status: {health: {status: Degraded}}",
       {.suspended = true, .degraded = true},
       {},
       true,
       false},
      {"the selected resources all ready",
       "status: {resources: [{kind: Deployment, name: a, namespace: default, status: Synced, "
       "health: {status: Healthy}}, "
       "{kind: Deployment, name: b, namespace: default, status: OutOfSync}]}",
       k_all,
       {":Deployment:default/a"},
       true,
       false},
      {"one selected resource not ready",
       "status: {resources: [{kind: Deployment, name: a, namespace: default, status: Synced, "
       "health: {status: Healthy}}, "
       "{kind: Deployment, name: b, namespace: default, status: OutOfSync, health: {status: "
       "Progressing}}]}",
       k_all,
       {":Deployment:default/a", ":Deployment:default/b"},
       false,
       false},
  };
  for (const WaitCase& c : cases) {
    auto filters = parse_resource_filters(c.resources).value();
    WaitState state = wait_state(yaml(c.app), c.wait, filters);
    EXPECT_EQ(state.ready, c.ready) << c.name;
    EXPECT_EQ(state.operation_in_progress, c.in_progress) << c.name;
  }
}

TEST(AppWaitState, ASyncIsOverWhenItsOperationIsGoneFinishedAndReconciled) {
  // What `app sync` sees after writing its operation, until the controller is done.
  WaitFor op{.operation = true};
  EXPECT_FALSE(wait_state(yaml("operation: {sync: {}}\nstatus: {}"), op, {}).done(op));
  EXPECT_FALSE(
      wait_state(yaml("operation: {sync: {}}\nstatus: {operationState: {phase: Running}}"), op, {})
          .done(op));
  EXPECT_FALSE(wait_state(yaml("status: {operationState: {phase: Succeeded, "
                               "finishedAt: '2026-01-01T00:00:05Z'}, "
                               "reconciledAt: '2026-01-01T00:00:00Z'}"),
                          op, {})
                   .done(op));
  EXPECT_TRUE(wait_state(yaml("status: {operationState: {phase: Failed, "
                              "finishedAt: '2026-01-01T00:00:05Z'}, "
                              "reconciledAt: '2026-01-01T00:00:05Z'}"),
                         op, {})
                  .done(op));
}

TEST(AppPruning, CountsPruneSkippedExceptNoPrune) {
  EXPECT_EQ(pruning_required(yaml(R"(
syncResult:
  resources:
  - {kind: ConfigMap, name: a, status: PruneSkipped, message: ignored (requires pruning)}
  - {kind: ConfigMap, name: b, status: PruneSkipped, message: ignored (no prune)}
  - {kind: ConfigMap, name: c, status: Synced}
)")),
            1);
}

}  // namespace
}  // namespace plumb::cli::app
