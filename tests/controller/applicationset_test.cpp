// The ApplicationSet reconcile against an embedded API server: Applications created as the
// set's (owner reference), updated and deleted as its policy allows, a failed generation or a
// refused Application changing nothing else, an Application another set controls left alone,
// and the conditions Argo's controller writes.
#include <gtest/gtest.h>

#include <filesystem>

#include "argo/crds.hpp"
#include "controller/applicationset.hpp"
#include "controller/controller.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::controller {
namespace {

class ApplicationSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = (std::filesystem::temp_directory_path() /
             ("plumb-appset-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::create_directories(m_dir);
    auto started = localcluster::Cluster::start({.port = 0, .kubeconfig = m_dir + "/kubeconfig"});
    ASSERT_TRUE(started) << started.error().message();
    m_cluster = std::move(*started);
    m_client = kube::Client::connect({.kubeconfig = m_dir + "/kubeconfig"}).value();
    ASSERT_TRUE(install_crds(*m_client, argo::argo_crds()));
    apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n");
    m_sources = std::make_unique<SourceCache>(m_dir + "/cache");
    m_reconciler = std::make_unique<ApplicationSetReconciler>(*m_client, *m_sources);
  }
  void TearDown() override {
    m_reconciler.reset();
    m_client.reset();
    if (m_cluster) m_cluster->stop();
    std::filesystem::remove_all(m_dir);
  }

  Node apply(const std::string& yaml) {
    Node object = parse_yaml(yaml, "test").value();
    auto resource =
        m_client->resource_for(object.string_at({"apiVersion"}), object.string_at({"kind"}));
    EXPECT_TRUE(resource) << yaml;
    auto applied = m_client->apply(*resource, object, "test", kube::Force::yes, kube::DryRun::no);
    EXPECT_TRUE(applied) << (applied ? "" : applied.error().message());
    return applied ? *applied : Node();
  }

  // A list set: an Application per element, named after it, in project `project`.
  Node list_set(std::vector<std::string> elements, std::string_view policy = "",
                std::string_view project = "default") {
    std::string yaml =
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n"
        "  namespace: argocd\nspec:\n  generators:\n  - list:\n      elements:\n";
    if (elements.empty()) yaml += "      - {}\n";
    for (const std::string& e : elements)
      yaml += "      - env: " + e + "\n";
    if (!policy.empty())
      yaml += "  syncPolicy:\n    applicationsSync: " + std::string(policy) + "\n";
    yaml += "  template:\n    metadata:\n      name: 'app-{{env}}'\n    spec:\n      project: " +
            std::string(project) +
            "\n      source:\n        repoURL: https://example.com/repo.git\n"
            "        path: 'envs/{{env}}'\n      destination:\n"
            "        server: https://kubernetes.default.svc\n        namespace: '{{env}}'\n";
    return apply(yaml);
  }

  AppSetOutcome reconcile() {
    Node set = m_client->get(argo::k_application_sets, "argocd", "envs").value().value();
    AppSetOutcome out = m_reconciler->reconcile(set);
    auto written = m_reconciler->write_status(set, out);
    EXPECT_TRUE(written) << (written ? "" : written.error().message());
    return out;
  }

  std::vector<std::string> app_names() {
    Node list = m_client->list(argo::k_applications, "argocd").value();
    std::vector<std::string> out;
    for (const Node& app : list.find("items")->items())
      out.emplace_back(app.string_at({"metadata", "name"}));
    return out;
  }
  Node app(std::string_view name) {
    return m_client->get(argo::k_applications, "argocd", name).value().value();
  }
  // "Type=Status/Reason" of the set's conditions, in order.
  std::string conditions() {
    Node set = m_client->get(argo::k_application_sets, "argocd", "envs").value().value();
    std::string out;
    for (const Node& c : set.at_path({"status", "conditions"})->items())
      out += std::string(c.string_at({"type"})) + "=" + std::string(c.string_at({"status"})) + "/" +
             std::string(c.string_at({"reason"})) + " ";
    return out;
  }

  std::string m_dir;
  std::unique_ptr<localcluster::Cluster> m_cluster;
  std::unique_ptr<kube::Client> m_client;
  std::unique_ptr<SourceCache> m_sources;
  std::unique_ptr<ApplicationSetReconciler> m_reconciler;
};

TEST_F(ApplicationSetTest, CreatesOwnedApplicationsAndSaysItIsUpToDate) {
  Node set = list_set({"dev", "prod"});
  AppSetOutcome out = reconcile();
  EXPECT_FALSE(out.error) << out.message;
  EXPECT_EQ(out.created, (std::vector<std::string>{"app-dev", "app-prod"}));
  EXPECT_EQ(app_names(), (std::vector<std::string>{"app-dev", "app-prod"}));
  Node dev = app("app-dev");
  const Node& owner = dev.at_path({"metadata", "ownerReferences"})->items()[0];
  EXPECT_EQ(owner.string_at({"kind"}), "ApplicationSet");
  EXPECT_EQ(owner.string_at({"uid"}), set.string_at({"metadata", "uid"}));
  EXPECT_EQ(dev.string_at({"spec", "destination", "namespace"}), "dev");
  EXPECT_EQ(
      conditions(),
      "ErrorOccurred=False/ApplicationSetUpToDate ParametersGenerated=True/ParametersGenerated "
      "ResourcesUpToDate=True/ApplicationSetUpToDate ");
  Node status = m_client->get(argo::k_application_sets, "argocd", "envs")->value()["status"];
  EXPECT_EQ(status.at_path({"resourcesCount"})->as_int(), 2);
  // Nothing changed: nothing written.
  AppSetOutcome again = reconcile();
  EXPECT_TRUE(again.created.empty() && again.updated.empty() && again.deleted.empty());
}

TEST_F(ApplicationSetTest, AHandEditIsUndoneAndARemovedElementDeleted) {
  list_set({"dev", "prod"});
  reconcile();
  apply(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app-dev\n"
      "  namespace: argocd\nspec:\n  destination:\n    namespace: elsewhere\n");
  list_set({"dev"});
  AppSetOutcome out = reconcile();
  EXPECT_EQ(out.updated, std::vector<std::string>{"app-dev"});
  EXPECT_EQ(out.deleted, std::vector<std::string>{"app-prod"});
  EXPECT_EQ(app("app-dev").string_at({"spec", "destination", "namespace"}), "dev");
  // Deleted; its resources finalizer (put on by default) waits for the application controller.
  EXPECT_NE(app("app-prod").at_path({"metadata", "deletionTimestamp"}), nullptr);
}

TEST_F(ApplicationSetTest, PoliciesLimitWhatIsDone) {
  list_set({"dev", "prod"}, "create-only");
  reconcile();
  // create-only: a template change is not applied, a removed element not deleted.
  list_set({"dev"}, "create-only", "other");
  apply(
      "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: other\n"
      "  namespace: argocd\nspec: {}\n");
  AppSetOutcome out = reconcile();
  EXPECT_TRUE(out.updated.empty() && out.deleted.empty());
  EXPECT_EQ(app("app-dev").string_at({"spec", "project"}), "default");
  EXPECT_EQ(app_names(), (std::vector<std::string>{"app-dev", "app-prod"}));
  // create-update: updated, still not deleted.
  list_set({"dev"}, "create-update", "other");
  out = reconcile();
  EXPECT_EQ(out.updated, std::vector<std::string>{"app-dev"});
  EXPECT_EQ(app("app-dev").string_at({"spec", "project"}), "other");
  EXPECT_EQ(app_names(), (std::vector<std::string>{"app-dev", "app-prod"}));
  // A set being deleted whose policy keeps its Applications lets go of them, and takes its
  // resources finalizer off.
  ASSERT_TRUE(m_client->request(
      {.method = "PATCH",
       .target = kube::resource_path(argo::k_application_sets, "argocd", "envs"),
       .body = R"({"metadata":{"finalizers":["resources-finalizer.argocd.argoproj.io"]}})",
       .content_type = "application/merge-patch+json"},
      "finalizer"));
  ASSERT_TRUE(m_client->remove(argo::k_application_sets, "argocd", "envs"));
  Node set = m_client->get(argo::k_application_sets, "argocd", "envs")->value();
  ASSERT_NE(set.at_path({"metadata", "deletionTimestamp"}), nullptr);
  ASSERT_TRUE(m_reconciler->finalize(set));
  EXPECT_EQ(app("app-prod").at_path({"metadata", "ownerReferences"}), nullptr);
  EXPECT_EQ(m_client->get(argo::k_application_sets, "argocd", "envs").value(), std::nullopt);
}

TEST_F(ApplicationSetTest, AFailedGenerationChangesNothing) {
  list_set({"dev"});
  reconcile();
  apply(
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n"
      "  namespace: argocd\nspec:\n  goTemplate: true\n  goTemplateOptions: [missingkey=error]\n"
      "  generators:\n  - list:\n      elements:\n      - env: prod\n  template:\n"
      "    metadata:\n      name: 'app-{{.nope}}'\n    spec:\n      project: default\n"
      "      destination:\n        server: https://kubernetes.default.svc\n");
  AppSetOutcome out = reconcile();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, AppSetReason::render_template_error);
  EXPECT_NE(out.message.find("nope"), std::string::npos) << out.message;
  EXPECT_EQ(app_names(), std::vector<std::string>{"app-dev"});  // not deleted
  EXPECT_EQ(conditions(),
            "ErrorOccurred=True/RenderTemplateParamsError ParametersGenerated=False/ErrorOccurred "
            "ResourcesUpToDate=False/ErrorOccurred ");
}

TEST_F(ApplicationSetTest, ARefusedApplicationLeavesTheOthersGoing) {
  list_set({"dev"}, "", "missing");
  AppSetOutcome out = reconcile();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, AppSetReason::validation_error);
  EXPECT_EQ(out.message, "application references project missing which does not exist");
  EXPECT_TRUE(app_names().empty());
}

TEST_F(ApplicationSetTest, AnApplicationAnotherControllerOwnsIsNotTaken) {
  apply(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app-dev\n"
      "  namespace: argocd\n  ownerReferences:\n  - apiVersion: argoproj.io/v1alpha1\n"
      "    kind: ApplicationSet\n    name: someone-else\n    uid: \"1234\"\n    controller: true\n"
      "spec:\n  project: default\n");
  list_set({"dev"});
  AppSetOutcome out = reconcile();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, AppSetReason::update_error);
  EXPECT_EQ(out.message,
            "Object argocd/app-dev is already owned by another ApplicationSet controller "
            "someone-else");
  EXPECT_EQ(app("app-dev").string_at({"spec", "source", "path"}), "");
}

TEST(ApplicationSetOwnership, OwnerAndWhatTheSetOwns) {
  Node app = parse_yaml(
                 "metadata:\n  ownerReferences:\n  - apiVersion: argoproj.io/v1alpha1\n"
                 "    kind: ApplicationSet\n    name: envs\n    controller: true\n"
                 "spec:\n  project: default\nstatus:\n  sync:\n    status: Synced\n",
                 "test")
                 .value();
  EXPECT_EQ(ApplicationSetReconciler::owner_of(app), "envs");
  Node other = app;
  other["status"]["sync"].set("status", Node::string("OutOfSync"));
  EXPECT_FALSE(ApplicationSetReconciler::owned_changed(app, other));  // status is not the set's
  other["metadata"].set("labels", Node::map());
  EXPECT_FALSE(ApplicationSetReconciler::owned_changed(app, other));  // empty = absent
  other["spec"].set("project", Node::string("x"));
  EXPECT_TRUE(ApplicationSetReconciler::owned_changed(app, other));
  Node not_controller = parse_yaml(
                            "metadata:\n  ownerReferences:\n  - apiVersion: argoproj.io/v1alpha1\n"
                            "    kind: ApplicationSet\n    name: envs\n",
                            "test")
                            .value();
  EXPECT_EQ(ApplicationSetReconciler::owner_of(not_controller), std::nullopt);
}

}  // namespace
}  // namespace plumb::controller
