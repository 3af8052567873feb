// The output of `plumb app`, against the layouts of argocd v3's own tests
// (cmd/argocd/commands/app_test.go): Go's tabwriter, times, the list table, the summary, the
// operation, history and resource tables, the rows printed while waiting.
#include "cli/app_table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

// Times are shown in the local zone, as Go shows them: the tests pick it.
class Zone {
 public:
  explicit Zone(const char* tz) {
    if (const char* old = std::getenv("TZ")) m_old = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~Zone() {
    if (m_old.empty()) {
      unsetenv("TZ");
    } else {
      setenv("TZ", m_old.c_str(), 1);
    }
    tzset();
  }

 private:
  std::string m_old;
};

// --- tabwriter --------------------------------------------------------------------------

TEST(AppTabwriter, PadsEachColumnToItsWidestCellPlusTwoAndLeavesTheLastCell) {
  EXPECT_EQ(tabwrite("A\tBB\tC\nlong\tx\tyyyy\n"), "A     BB  C\nlong  x   yyyy\n");
}

TEST(AppTabwriter, ALineWithFewerCellsEndsTheColumnBlock) {
  // Go's column blocks: "SOURCE\ttest" shares column 0 with the ID lines, not column 1; the
  // empty line ends every block, so the second table is aligned on its own.
  EXPECT_EQ(tabwrite("SOURCE\ta\nID\tDATE\tREV\n1\tlong date\tr\n\nSOURCE\tb\nID\tD\tR\n"),
            "SOURCE  a\nID      DATE       REV\n1       long date  r\n\n"
            "SOURCE  b\nID      D  R\n");
}

TEST(AppTabwriter, MinimumWidthAndCodePoints) {
  EXPECT_EQ(tabwrite("a\tb\n", 5), "a    b\n");
  EXPECT_EQ(tabwrite("✔✔\tx\nabc\ty\n"), "✔✔   x\nabc  y\n");
}

TEST(AppTabwriter, TextWithoutFinalNewline) {
  EXPECT_EQ(tabwrite("a\tb\ncc\td"), "a   b\ncc  d");
}

// --- time -------------------------------------------------------------------------------

TEST(AppTime, GoTimeStringInTheLocalZone) {
  {
    Zone utc("UTC");
    EXPECT_EQ(go_time("2020-11-10T23:00:00Z"), "2020-11-10 23:00:00 +0000 UTC");
    EXPECT_EQ(go_time("2020-11-10T23:00:00.25Z"), "2020-11-10 23:00:00.25 +0000 UTC");
    EXPECT_EQ(go_time(""), "0001-01-01 00:00:00 +0000 UTC");
    EXPECT_EQ(go_time_or_nil(""), "<nil>");
    EXPECT_EQ(wait_timestamp(parse_rfc3339("2020-11-10T23:00:00Z").value()),
              "2020-11-10T23:00:00+00:00");
  }
  Zone east("XST-3");
  EXPECT_EQ(go_time("2020-11-10T23:00:00Z"), "2020-11-11 02:00:00 +0300 XST");
  EXPECT_EQ(wait_timestamp(parse_rfc3339("2020-11-10T23:00:00Z").value()),
            "2020-11-11T02:00:00+03:00");
}

// --- app list ---------------------------------------------------------------------------

constexpr std::string_view k_listed = R"(
metadata: {name: app-name}
spec:
  destination: {server: "http://localhost:8080", namespace: default}
  source: {repoURL: "https://github.com/argoproj/argocd-example-apps", path: guestbook, targetRevision: "123"}
  project: prj
status:
  sync: {status: OutOfSync}
  health: {status: Healthy}
)";

TEST(AppList, NarrowTableAsArgocdPrintsIt) {
  Node app = yaml(k_listed);
  std::vector<Node> apps{app, app};
  EXPECT_EQ(list_table(apps, ListColumns::narrow),
            "NAME      CLUSTER                NAMESPACE  PROJECT  STATUS     HEALTH   SYNCPOLICY  "
            "CONDITIONS\n"
            "app-name  http://localhost:8080  default    prj      OutOfSync  Healthy  Manual      "
            "<none>\n"
            "app-name  http://localhost:8080  default    prj      OutOfSync  Healthy  Manual      "
            "<none>\n");
}

TEST(AppList, WideTableAddsRepoPathTarget) {
  Node app = yaml(k_listed);
  std::vector<Node> apps{app, app};
  std::string row =
      "app-name  http://localhost:8080  default    prj      OutOfSync  Healthy  Manual      "
      "<none>      https://github.com/argoproj/argocd-example-apps  guestbook  123\n";
  EXPECT_EQ(list_table(apps, ListColumns::wide),
            "NAME      CLUSTER                NAMESPACE  PROJECT  STATUS     HEALTH   SYNCPOLICY  "
            "CONDITIONS  REPO                                             PATH       TARGET\n" +
                row + row);
}

TEST(AppList, NameIsNamespaceSlashNameAndProjectDefaults) {
  Node app = yaml(
      "metadata: {name: guestbook, namespace: argocd}\n"
      "spec: {destination: {name: in-cluster, namespace: web}}\n");
  EXPECT_EQ(qualified_name(app), "argocd/guestbook");
  EXPECT_EQ(list_table(std::vector<Node>{app}, ListColumns::narrow),
            "NAME              CLUSTER     NAMESPACE  PROJECT  STATUS  HEALTH  SYNCPOLICY  "
            "CONDITIONS\n"
            "argocd/guestbook  in-cluster  web        default                  Manual      "
            "<none>\n");
}

TEST(AppList, SyncPolicyWords) {
  EXPECT_EQ(sync_policy_word(yaml("spec: {}")), "Manual");
  EXPECT_EQ(sync_policy_word(yaml("spec: {syncPolicy: {automated: {}}}")), "Auto");
  EXPECT_EQ(sync_policy_word(yaml("spec: {syncPolicy: {automated: {prune: true}}}")), "Auto-Prune");
  EXPECT_EQ(
      sync_policy_word(yaml("spec: {syncPolicy: {automated: {prune: true, enabled: false}}}")),
      "Manual");
}

TEST(AppList, ConditionsSummaryCountsAndSorts) {
  EXPECT_EQ(conditions_summary(yaml("status: {}")), "<none>");
  EXPECT_EQ(conditions_summary(
                yaml("status: {conditions: [{type: type2}, {type: type1}, {type: type1}]}")),
            "type1(2),type2");
}

TEST(AppList, FiltersAndSortsByName) {
  std::vector<Node> apps{
      yaml("metadata: {name: b}\nspec: {project: p1, source: {repoURL: r1, path: x}}"),
      yaml("metadata: {name: a}\nspec: {source: {repoURL: r2, path: y}, destination: {name: c1}}"),
      yaml("metadata: {name: c}\nspec: {project: p2, source: {repoURL: r1, path: y}}")};
  auto names = [](const std::vector<Node>& list) {
    std::string out;
    for (const Node& a : list)
      out += std::string(a.string_at({"metadata", "name"}));
    return out;
  };
  EXPECT_EQ(names(apps_for_list(apps, {})), "abc");
  EXPECT_EQ(names(apps_for_list(apps, {.projects = {"default", "p2"}})), "ac");
  EXPECT_EQ(names(apps_for_list(apps, {.repo = "r1"})), "bc");
  EXPECT_EQ(names(apps_for_list(apps, {.cluster = "c1"})), "a");
  EXPECT_EQ(names(apps_for_list(apps, {.path = "y"})), "ac");
}

// --- app get ----------------------------------------------------------------------------

constexpr std::string_view k_summarized = R"(
metadata: {name: test, namespace: argocd}
spec:
  syncPolicy: {automated: {prune: true}}
  project: default
  destination: {server: local, namespace: argocd}
  source:
    repoURL: test
    targetRevision: master
    path: /test
    helm: {valueFiles: [path1, path2]}
    kustomize: {namePrefix: prefix}
status:
  sync: {status: OutOfSync}
  health: {status: Progressing}
)";

TEST(AppGet, SummaryAsArgocdPrintsItWithoutTheUrlLine) {
  EXPECT_EQ(app_summary(yaml(k_summarized), {}),
            "Name:               argocd/test\n"
            "Project:            default\n"
            "Server:             local\n"
            "Namespace:          argocd\n"
            "Source:\n"
            "- Repo:             test\n"
            "  Target:           master\n"
            "  Path:             /test\n"
            "  Helm Values:      path1,path2\n"
            "  Name Prefix:      prefix\n"
            "SyncWindow:         Sync Allowed\n"
            "Sync Policy:        Automated (Prune)\n"
            "Sync Status:        OutOfSync from master\n"
            "Health Status:      Progressing\n");
}

TEST(AppGet, SummaryOfSeveralSourcesAndAssignedWindows) {
  Node app = yaml(R"(
metadata: {name: test, namespace: argocd}
spec:
  destination: {server: local, namespace: argocd}
  sources:
  - {repoURL: test, targetRevision: master, path: /test}
  - {repoURL: test2, targetRevision: master2, path: /test2, ref: values}
status: {sync: {status: Synced, revision: 0123456789abcdef}, health: {status: Healthy}}
)");
  std::string summary =
      app_summary(app, {.status = "Sync Denied", .assigned = "deny:* * * * *:1h"});
  EXPECT_NE(summary.find("Sources:\n- Repo:             test\n  Target:           master\n"
                         "  Path:             /test\n- Repo:             test2\n"
                         "  Target:           master2\n  Path:             /test2\n"
                         "  Ref:              values\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("SyncWindow:         Sync Denied\n"
                         "Assigned Windows:   deny:* * * * *:1h\n"
                         "Sync Policy:        Manual\n"
                         "Sync Status:        Synced to master (0123456)\n"),
            std::string::npos)
      << summary;
}

TEST(AppGet, SyncStatusShowsTheShortRevisionUnlessTheTargetIsACommit) {
  auto status = [](std::string_view target) {
    Node app = yaml("spec: {source: {targetRevision: \"" + std::string(target) +
                    "\"}}\nstatus: {sync: {status: Synced, revision: "
                    "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678}}");
    std::string summary = app_summary(app, {});
    size_t at = summary.find("Sync Status:");
    return summary.substr(at, summary.find('\n', at) - at);
  };
  EXPECT_EQ(status("HEAD"), "Sync Status:        Synced to HEAD (a1b2c3d)");
  EXPECT_EQ(status("a1b2c3d"), "Sync Status:        Synced to a1b2c3d");
}

TEST(AppGet, ConditionsTable) {
  Zone utc("UTC");
  Node app = yaml(R"(
status:
  conditions:
  - {type: DeletionError, message: test}
  - {type: ExcludedResourceWarning, message: test2, lastTransitionTime: "2020-11-10T23:00:00Z"}
)");
  EXPECT_EQ(conditions_table(app),
            "CONDITION                MESSAGE  LAST TRANSITION\n"
            "DeletionError            test     <nil>\n"
            "ExcludedResourceWarning  test2    2020-11-10 23:00:00 +0000 UTC\n");
}

TEST(AppGet, OperationSummary) {
  Zone utc("UTC");
  SystemTime now = parse_rfc3339("2020-11-10T23:05:00Z").value();
  EXPECT_EQ(operation_summary(yaml(R"(
syncResult: {revision: revision}
phase: Succeeded
message: test
startedAt: "2020-11-10T22:58:30Z"
finishedAt: "2020-11-10T23:00:00Z"
)"),
                              now),
            "Operation:          Sync\n"
            "Sync Revision:      revision\n"
            "Phase:              Succeeded\n"
            "Start:              2020-11-10 22:58:30 +0000 UTC\n"
            "Finished:           2020-11-10 23:00:00 +0000 UTC\n"
            "Duration:           1m30s\n"
            "Message:            test\n");
  // Still running: the duration so far; no sync result yet: no Operation line.
  EXPECT_EQ(operation_summary(yaml("phase: Running\nstartedAt: \"2020-11-10T22:00:00Z\""), now),
            "Phase:              Running\n"
            "Start:              2020-11-10 22:00:00 +0000 UTC\n"
            "Finished:           <nil>\n"
            "Duration:           1h5m0s\n");
}

constexpr std::string_view k_synced = R"(
status:
  resources:
  - {kind: Service, namespace: default, name: web, status: Synced, health: {status: Healthy}}
  - {group: apps, kind: Deployment, namespace: default, name: web, status: OutOfSync, health: {status: Progressing}}
  - {kind: ConfigMap, namespace: default, name: extra, status: OutOfSync, requiresPruning: true}
  operationState:
    phase: Succeeded
    syncResult:
      resources:
      - {group: apps, kind: Deployment, namespace: default, name: web, status: Synced, message: deployment.apps/web created}
      - {group: batch, kind: Job, namespace: default, name: migrate, status: Synced, hookType: PreSync, hookPhase: Succeeded, message: job completed}
)";

TEST(AppGet, ResourceStatesPutTheLastSyncFirst) {
  std::vector<ResourceState> states = resource_states(yaml(k_synced), {});
  ASSERT_EQ(states.size(), 4u);
  // A synced resource: its live status and health, the sync's message.
  EXPECT_EQ(states[0].key(), "apps/Deployment/default/web");
  EXPECT_EQ(states[0].status, "OutOfSync");
  EXPECT_EQ(states[0].health, "Progressing");
  EXPECT_EQ(states[0].message, "deployment.apps/web created");
  // A hook: its phase as STATUS, its result as HEALTH.
  EXPECT_EQ(states[1].key(), "batch/Job/default/migrate");
  EXPECT_EQ(states[1].status, "Succeeded");
  EXPECT_EQ(states[1].health, "Synced");
  EXPECT_EQ(states[1].hook, "PreSync");
  // Then the rest by group/kind/namespace/name.
  EXPECT_EQ(states[2].key(), "/ConfigMap/default/extra");
  EXPECT_EQ(states[3].key(), "/Service/default/web");
  EXPECT_EQ(states[3].health, "Healthy");

  std::vector<ResourceFilter> only_services{{.kind = "Service", .name = "*"}};
  ASSERT_EQ(resource_states(yaml(k_synced), only_services).size(), 1u);
}

TEST(AppGet, ResourcesTable) {
  EXPECT_EQ(
      resources_table(yaml(k_synced)),
      "GROUP  KIND        NAMESPACE  NAME     STATUS     HEALTH       HOOK     MESSAGE\n"
      "apps   Deployment  default    web      OutOfSync  Progressing           "
      "deployment.apps/web created\n"
      "batch  Job         default    migrate  Succeeded  Synced       PreSync  job completed\n"
      "       ConfigMap   default    extra    OutOfSync                        \n"
      "       Service     default    web      Synced     Healthy               \n");
}

TEST(AppGet, MergeTakesNonEmptyChanges) {
  ResourceState a{"g", "k", "ns", "n", "status", "health", "hook", "message"};
  ResourceState b = a;
  EXPECT_FALSE(a.merge(b));
  b.hook = "hook2";
  b.message = "";
  EXPECT_TRUE(a.merge(b));
  EXPECT_EQ(a.hook, "hook2");
  EXPECT_EQ(a.message, "message");
}

// --- app history ------------------------------------------------------------------------

TEST(AppHistory, TablePerSourceRepository) {
  Zone utc("UTC");
  Node app = yaml(R"(
status:
  history:
  - {id: 0, source: {targetRevision: "0", repoURL: test}}
  - id: 1
    revisions: [1a, 1b]
    source: {targetRevision: "-1", repoURL: ignore}
    sources: [{repoURL: test-1, targetRevision: 1a}, {repoURL: test-2, targetRevision: 1b}]
  - id: 2
    revisions: [2a, 2b]
    sources: [{repoURL: test-1, targetRevision: 2a}, {repoURL: test-2, targetRevision: 2b}]
)");
  EXPECT_EQ(history_table(app),
            "SOURCE  test\nID      DATE                           REVISION\n"
            "0       0001-01-01 00:00:00 +0000 UTC  0\n\n"
            "SOURCE  test-1\nID      DATE                           REVISION\n"
            "1       0001-01-01 00:00:00 +0000 UTC  1a\n"
            "2       0001-01-01 00:00:00 +0000 UTC  2a\n\n"
            "SOURCE  test-2\nID      DATE                           REVISION\n"
            "1       0001-01-01 00:00:00 +0000 UTC  1b\n"
            "2       0001-01-01 00:00:00 +0000 UTC  2b\n");
  EXPECT_EQ(history_ids(app), "0\n1\n2\n");
}

TEST(AppHistory, RevisionShortenedBesideTheTarget) {
  Zone utc("UTC");
  Node app = yaml(R"(
status:
  history:
  - {id: 3, revision: a1b2c3d4e5f6, deployedAt: "2026-01-02T03:04:05Z", source: {repoURL: r, targetRevision: HEAD}}
)");
  EXPECT_EQ(history_table(app),
            "SOURCE  r\nID      DATE                           REVISION\n"
            "3       2026-01-02 03:04:05 +0000 UTC  HEAD (a1b2c3d)\n");
}

// --- waiting ----------------------------------------------------------------------------

TEST(AppWaitRows, HeaderAndRowsAsArgocdPrintsThem) {
  std::vector<ResourceState> states{
      {"", "Service", "default", "service-name1", "Synced", "Healthy", "", ""},
      {"apps", "Deployment", "default", "test", "Synced", "Healthy", "", ""}};
  std::string ts = "2020-11-10T23:00:00+00:00";
  EXPECT_EQ(wait_rows(states, ts, true),
            "TIMESTAMP                  GROUP        KIND   NAMESPACE                  NAME    "
            "STATUS   HEALTH        HOOK  MESSAGE\n" +
                ts +
                "            Service     default         service-name1    Synced  Healthy  "
                "            \n" +
                ts +
                "   apps  Deployment     default                  test    Synced  Healthy  "
                "            \n");
}

}  // namespace
}  // namespace plumb::cli::app
