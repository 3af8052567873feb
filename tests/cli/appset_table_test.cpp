// The output of `plumb appset`, against argocd v3's own tests
// (cmd/argocd/commands/applicationset_test.go: TestPrintApplicationSetTable,
// TestPrintAppSetSummaryTable) and admin.PrintResources for `appset generate`.
#include "cli/appset_table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

constexpr std::string_view k_base = R"(
metadata: {name: app-name}
spec:
  generators:
  - git:
      repoURL: https://github.com/argoproj/argo-cd.git
      revision: head
      directories: [{path: applicationset/examples/git-generator-directory/cluster-addons/*}]
  template:
    spec: {project: default}
status:
  conditions: [{status: "True", type: ResourcesUpToDate}]
)";

TEST(AppSetTable, ListAsArgocd) {
  Node one = yaml(k_base);
  Node two = yaml(k_base);
  two["metadata"].set("namespace", Node::string("team-two"));
  std::vector<Node> sets{one, two};
  EXPECT_EQ(appset_list_table(sets, ListColumns::narrow),
            "NAME               PROJECT  SYNCPOLICY  HEALTH  CONDITIONS\n"
            "app-name           default  nil                 [{ResourcesUpToDate  <nil> True }]\n"
            "team-two/app-name  default  nil                 [{ResourcesUpToDate  <nil> True }]\n");
}

TEST(AppSetTable, SyncPolicyAndConditionsAsGoPrintsThem) {
  setenv("TZ", "UTC", 1);
  tzset();
  Node set = yaml(R"(
metadata: {name: s, namespace: argocd}
spec:
  syncPolicy: {applicationsSync: create-only}
  template:
    spec:
      project: p
      sources: [{repoURL: r1, path: p1, targetRevision: t1}, {repoURL: r2}]
status:
  health: {status: Healthy}
  conditions:
  - {type: ErrorOccurred, status: "False", message: m, reason: ApplicationSetUpToDate}
  - {type: ResourcesUpToDate, status: "True", message: All applications have been generated successfully,
     lastTransitionTime: "2024-05-01T10:00:00Z", reason: ApplicationSetUpToDate})");
  EXPECT_EQ(appset_sync_policy_text(set),
            "&ApplicationSetSyncPolicy{PreserveResourcesOnDeletion:false,ApplicationsSync:*create-"
            "only,}");
  EXPECT_EQ(appset_conditions_text(set),
            "[{ResourcesUpToDate All applications have been generated successfully 2024-05-01 "
            "10:00:00 +0000 UTC True ApplicationSetUpToDate}]");
  std::vector<Node> sets{set};
  std::string wide = appset_list_table(sets, ListColumns::wide);
  EXPECT_NE(wide.find("  Healthy  "), std::string::npos) << wide;
  EXPECT_NE(wide.find("r1    p1    t1\n"), std::string::npos) << wide;  // the first source
  EXPECT_EQ(appset_conditions_table(set),
            "\nCONDITION          STATUS  MESSAGE                                            "
            "LAST TRANSITION\n"
            "ErrorOccurred      False   m                                                  <nil>\n"
            "ResourcesUpToDate  True    All applications have been generated successfully  "
            "2024-05-01 10:00:00 +0000 UTC\n\n");
  EXPECT_EQ(appset_conditions_table(yaml("metadata: {name: s}")), "");
}

struct SummaryCase {
  const char* name;
  const char* edit;  // YAML merged over the base
  const char* expected;
};

class AppSetSummary : public ::testing::TestWithParam<SummaryCase> {};

TEST_P(AppSetSummary, AsArgocd) {
  Node set = yaml(k_base);
  Node edit = yaml(GetParam().edit);
  if (const Node* policy = edit.at_path({"syncPolicy"})) set["spec"].set("syncPolicy", *policy);
  if (const Node* spec = edit.at_path({"template"})) {
    for (const MapEntry& e : spec->entries())
      set["spec"]["template"]["spec"].set(e.key.as_string(), e.value);
  }
  EXPECT_EQ(appset_summary(set), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Argocd, AppSetSummary,
    ::testing::Values(
        SummaryCase{"only_spec_sync_policy", "syncPolicy: {preserveResourcesOnDeletion: true}",
                    "Name:               app-name\nProject:            default\n"
                    "Server:             \nNamespace:          \nHealth Status:      \n"
                    "Source:\n- Repo:             \n  Target:           \n"
                    "SyncPolicy:         <none>\n"},
        SummaryCase{"template_sync_policy", "template: {syncPolicy: {automated: {selfHeal: true}}}",
                    "Name:               app-name\nProject:            default\n"
                    "Server:             \nNamespace:          \nHealth Status:      \n"
                    "Source:\n- Repo:             \n  Target:           \n"
                    "SyncPolicy:         Automated\n"},
        SummaryCase{"single_source",
                    "template: {source: {repoURL: test1, targetRevision: master1, path: /test1}}",
                    "Name:               app-name\nProject:            default\n"
                    "Server:             \nNamespace:          \nHealth Status:      \n"
                    "Source:\n- Repo:             test1\n  Target:           master1\n"
                    "  Path:             /test1\nSyncPolicy:         <none>\n"},
        SummaryCase{"multiple_sources",
                    "template: {sources: [{repoURL: test1, targetRevision: master1, path: /test1}, "
                    "{repoURL: test2, targetRevision: master2, path: /test2}]}",
                    "Name:               app-name\nProject:            default\n"
                    "Server:             \nNamespace:          \nHealth Status:      \n"
                    "Sources:\n- Repo:             test1\n  Target:           master1\n"
                    "  Path:             /test1\n- Repo:             test2\n"
                    "  Target:           master2\n  Path:             /test2\n"
                    "SyncPolicy:         <none>\n"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AppSetTable, ListSortsByNameAndFiltersByProject) {
  std::vector<Node> sets{yaml("metadata: {name: b}\nspec: {template: {spec: {project: x}}}"),
                         yaml("metadata: {name: a}\nspec: {template: {spec: {project: y}}}"),
                         yaml("metadata: {name: c}\nspec: {template: {spec: {project: x}}}")};
  std::vector<Node> all = appsets_for_list(sets, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].string_at({"metadata", "name"}), "a");
  std::vector<Node> x = appsets_for_list(sets, {"x"});
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[0].string_at({"metadata", "name"}), "b");
}

TEST(AppSetTable, GenerateOutputAsPrintResources) {
  Node app = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd, creationTimestamp: null}
spec: {project: default}
status: {})");
  std::vector<Node> none;
  EXPECT_TRUE(generated_output(none).is_null());
  std::vector<Node> one{app};
  EXPECT_EQ(generated_output(one), yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a}
spec: {project: default})"));
  std::vector<Node> two{app, app};
  EXPECT_EQ(generated_output(two).size(), 2u);
}

}  // namespace
}  // namespace plumb::cli::app
