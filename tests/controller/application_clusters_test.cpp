// Argo CD Applications whose destination is another cluster: two embedded API servers, the
// Application and its cluster Secret in the first ("home"), its objects synced into the second
// ("remote") through a client made from the Secret — and pruned, cascaded, watched there; a
// cluster that cannot be reached or is not registered, said in the status's words.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "argo/crds.hpp"
#include "controller/application.hpp"
#include "controller/controller.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"
#include "source/git_repo.hpp"
#include "support/eventually.hpp"
#include "sync/diff.hpp"

namespace plumb::controller {
namespace {

using namespace std::chrono_literals;

const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};
const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};
const kube::Resource k_namespaces{"", "v1", "Namespace", "namespaces", false};

// A port on 127.0.0.1 nothing listens on.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class ApplicationClustersTest : public source::GitRepoTest {
 protected:
  void SetUp() override {
    GitRepoTest::SetUp();
    for (auto [cluster, name] : {std::pair{&home, "home"}, std::pair{&remote, "remote"}}) {
      auto started = localcluster::Cluster::start(
          {.port = 0, .kubeconfig = m_dir + "/" + std::string(name) + ".kubeconfig"});
      ASSERT_TRUE(started) << started.error().message();
      *cluster = std::move(*started);
    }
    home_client = kube::Client::connect({.kubeconfig = m_dir + "/home.kubeconfig"}).value();
    remote_client = kube::Client::connect({.kubeconfig = m_dir + "/remote.kubeconfig"}).value();
    ASSERT_TRUE(install_crds(*home_client, argo::argo_crds()));
    apply(*home_client, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n");
    write("app/a.yaml", config_map("cm-a", "one"));
    write("app/b.yaml", config_map("cm-b", "one"));
    commit("two config maps");
    sources = std::make_unique<SourceCache>(m_dir + "/cache");
    reconciler = std::make_unique<ApplicationReconciler>(*home_client, *sources);
  }
  void TearDown() override {
    controller.reset();
    reconciler.reset();
    home_client.reset();
    remote_client.reset();
    if (home) home->stop();
    if (remote) remote->stop();
    GitRepoTest::TearDown();
  }

  static std::string config_map(std::string_view name, std::string_view value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + std::string(name) +
           "\ndata:\n  k: " + std::string(value) + "\n";
  }
  static void apply(kube::Client& client, const std::string& text, std::string manager = "test") {
    Node object = parse_yaml(text, "test").value();
    auto resource =
        client.resource_for(object.string_at({"apiVersion"}), object.string_at({"kind"}));
    ASSERT_TRUE(resource) << resource.error().message();
    auto applied = client.apply(*resource, object, manager, kube::Force::yes, kube::DryRun::no);
    ASSERT_TRUE(applied) << applied.error().message();
  }
  // The cluster Secret of the remote server: its server, CA and token, from its kubeconfig.
  std::string cluster_secret(std::string_view name, std::string_view server = "") {
    Node kubeconfig = parse_yaml(remote->kubeconfig(), "kubeconfig").value();
    kube::RestConfig rest = kube::rest_config_from_kubeconfig(kubeconfig, "", m_dir).value();
    Node config = Node::map();
    config.set("bearerToken", Node::string(rest.token));
    Node tls = Node::map();
    tls.set("caData", Node::string(base64_encode(rest.ca_pem)));
    config.set("tlsClientConfig", std::move(tls));
    Node secret = parse_yaml(
                      "apiVersion: v1\nkind: Secret\nmetadata:\n  namespace: argocd\n"
                      "  labels:\n    argocd.argoproj.io/secret-type: cluster\n",
                      "secret")
                      .value();
    secret["metadata"].set("name", Node::string(name));
    Node data = Node::map();
    data.set("name", Node::string(base64_encode(name)));
    data.set("server", Node::string(base64_encode(server.empty() ? rest.server : server)));
    data.set("config", Node::string(base64_encode(to_json(config))));
    secret.set("data", std::move(data));
    return to_json(secret);
  }
  // An Application of app/ in argocd, automated with prune, to cluster `cluster` (by name).
  void application(std::string_view name, std::string_view cluster, bool self_heal = false,
                   std::string_view finalizer = "") {
    std::string text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " +
                       std::string(name) + "\n  namespace: argocd\n";
    if (!finalizer.empty()) text += "  finalizers: [" + std::string(finalizer) + "]\n";
    text += "spec:\n  project: default\n  source:\n    repoURL: file://" + m_repo +
            "\n    targetRevision: main\n    path: app\n  destination:\n    name: " +
            std::string(cluster) +
            "\n    namespace: demo\n  syncPolicy:\n    automated: {prune: true, selfHeal: " +
            (self_heal ? "true" : "false") + "}\n    syncOptions: [CreateNamespace=true]\n";
    apply(*home_client, text);
  }
  Node read_application(std::string_view name) {
    return home_client->get(argo::k_applications, "argocd", name).value().value();
  }
  std::optional<Node> config_map_in(kube::Client& client, std::string_view name) {
    auto got = client.get(k_config_maps, "demo", name);
    return got ? *got : std::nullopt;
  }
  // One reconcile as the loop runs it: reconcile, then write the status.
  ApplicationOutcome reconcile(std::string_view name) {
    Node object = read_application(name);
    ApplicationOutcome out = reconciler->reconcile(object);
    auto written = reconciler->write_status(object, out);
    EXPECT_TRUE(written) << written.error().message();
    return out;
  }
  static std::string conditions(const ApplicationOutcome& out) {
    std::string text;
    for (const auto& [type, message] : out.conditions)
      text += std::string(to_string(type)) + ": " + message + "\n";
    return text;
  }

  std::unique_ptr<localcluster::Cluster> home, remote;
  std::unique_ptr<kube::Client> home_client, remote_client;
  std::unique_ptr<SourceCache> sources;
  std::unique_ptr<ApplicationReconciler> reconciler;  // without the controller's cache
  std::unique_ptr<Controller> controller;
};

TEST_F(ApplicationClustersTest, SyncsPrunesAndCascadesInTheRegisteredCluster) {
  apply(*home_client, cluster_secret("second"));
  application("guestbook", "second", false, "resources-finalizer.argocd.argoproj.io");
  // A PostSync hook runs over there too.
  write("app/hook.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n  annotations:\n"
        "    argocd.argoproj.io/hook: PostSync\ndata:\n  k: v\n");
  commit("a hook");

  ApplicationOutcome out = reconcile("guestbook");
  ASSERT_TRUE(out.operation) << conditions(out);
  EXPECT_EQ(out.operation->phase, OperationPhase::succeeded) << out.operation->message;
  EXPECT_TRUE(out.synced) << conditions(out);
  // In the second cluster, tracked for the application; nothing in the first.
  auto a = config_map_in(*remote_client, "cm-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->string_at({"data", "k"}), "one");
  EXPECT_EQ(a->string_at({"metadata", "annotations", "argocd.argoproj.io/tracking-id"}),
            "guestbook:/ConfigMap:demo/cm-a");
  EXPECT_TRUE(config_map_in(*remote_client, "cm-b"));
  EXPECT_TRUE(config_map_in(*remote_client, "after"));
  EXPECT_TRUE(std::any_of(
      out.operation->results.begin(), out.operation->results.end(), [](const TaskResult& t) {
        return t.hook && t.ref.name == "after" && t.hook_phase == OperationPhase::succeeded;
      }));
  EXPECT_FALSE(home_client->get(k_namespaces, "", "demo").value());
  // What a sync would do now, against the second cluster: nothing.
  auto preview = reconciler->preview(read_application("guestbook"));
  ASSERT_TRUE(preview) << preview.error().message();
  EXPECT_FALSE(preview->destination.local);
  EXPECT_TRUE(preview->pruned.empty());
  auto diffs =
      sync::diff_plan(*preview->destination.client, preview->plan, preview->pruned, "plumb");
  ASSERT_TRUE(diffs) << diffs.error().message();
  EXPECT_TRUE(diffs->empty());
  Node status = read_application("guestbook");
  EXPECT_EQ(status.string_at({"status", "sync", "status"}), "Synced");
  EXPECT_EQ(status.string_at({"status", "health", "status"}), "Healthy");

  // A commit that changes one and removes the other: applied and pruned over there.
  write("app/a.yaml", config_map("cm-a", "two"));
  std::filesystem::remove(m_repo + "/app/b.yaml");
  commit("one config map");
  reconciler->forget_revisions("file://" + m_repo);
  out = reconcile("guestbook");
  ASSERT_TRUE(out.operation) << conditions(out);
  EXPECT_EQ(out.operation->phase, OperationPhase::succeeded) << out.operation->message;
  EXPECT_EQ(config_map_in(*remote_client, "cm-a")->string_at({"data", "k"}), "two");
  EXPECT_TRUE(eventually([&] { return !config_map_in(*remote_client, "cm-b"); }));

  // Deleted with the resources finalizer: its objects go from the second cluster.
  ASSERT_TRUE(home_client->remove(argo::k_applications, "argocd", "guestbook"));
  auto deleted = reconciler->finalize(read_application("guestbook"));
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(deleted->objects.size(), 1u);
  EXPECT_TRUE(eventually([&] { return !config_map_in(*remote_client, "cm-a"); }));
  EXPECT_TRUE(eventually(
      [&] { return !home_client->get(argo::k_applications, "argocd", "guestbook").value(); }));
}

TEST_F(ApplicationClustersTest, AClusterThatCannotBeReachedSaysSoAtOnce) {
  std::string server = "https://127.0.0.1:" + std::to_string(closed_port());
  apply(*home_client, cluster_secret("gone", server));
  application("first", "gone");
  application("second", "gone");

  auto started = std::chrono::steady_clock::now();
  ApplicationOutcome out = reconcile("first");
  auto first_took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(out.compared);
  EXPECT_FALSE(out.operation);
  ASSERT_EQ(out.conditions.size(), 1u);
  EXPECT_EQ(out.conditions[0].first, AppCondition::comparison_error);
  EXPECT_TRUE(out.conditions[0].second.starts_with(
      "Failed to load live state: failed to get cluster info for \"" + server +
      "\": cannot connect to the API server " + server))
      << out.conditions[0].second;
  EXPECT_LT(first_took, 5s);
  // Another application of that cluster is answered from the same attempt.
  started = std::chrono::steady_clock::now();
  out = reconcile("second");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(conditions(out).substr(0, 50), "ComparisonError: Failed to load live state: failed");
  Node status = read_application("second");
  EXPECT_EQ(status.string_at({"status", "sync", "status"}), "Unknown");
  EXPECT_EQ(status.find("status")->find("conditions")->items()[0].string_at({"type"}),
            "ComparisonError");
}

TEST_F(ApplicationClustersTest, AnUnknownClusterOrABrokenSecretIsAnInvalidSpec) {
  application("nowhere", "prod");
  ApplicationOutcome out = reconcile("nowhere");
  EXPECT_EQ(conditions(out), "InvalidSpecError: there are no clusters with this name: prod\n");

  apply(*home_client,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: prod\n  namespace: argocd\n  labels:\n"
        "    argocd.argoproj.io/secret-type: cluster\nstringData:\n  name: prod\n"
        "  server: https://prod.example.com\n  config: |\n    {\"bearerToken\": \"t0ken\",\n"
        "     \"execProviderConfig\": {\"command\": \"argocd-k8s-auth\"}}\n");
  out = reconcile("nowhere");
  std::string said = conditions(out);
  EXPECT_EQ(said,
            "InvalidSpecError: Secret argocd/prod: data.config: execProviderConfig: exec "
            "credential plugins are not supported by Plumb; use bearerToken or client "
            "certificates\n");
  EXPECT_EQ(said.find("t0ken"), std::string::npos);
}

TEST_F(ApplicationClustersTest, RegistryMakesAClientPerSecretVersion) {
  ClusterRegistry registry(*home_client);
  apply(*home_client, cluster_secret("second"));
  auto clusters = registry.clusters("argocd");
  ASSERT_TRUE(clusters) << clusters.error().message();
  ASSERT_EQ(clusters->size(), 1u);
  auto first = registry.connect(clusters->front());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->local);
  auto again = registry.connect(clusters->front());
  EXPECT_EQ(first->client, again->client);
  // It reaches the second cluster.
  apply(*first->client, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: reached\n");
  EXPECT_TRUE(remote_client->get(k_namespaces, "", "reached").value());

  // The Secret changes: a new client for its new version.
  apply(*home_client,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: second\n  namespace: argocd\n"
        "  annotations:\n    rotated: 'yes'\n",
        "other");
  clusters = registry.clusters("argocd");
  ASSERT_TRUE(clusters);
  auto rotated = registry.connect(clusters->front());
  ASSERT_TRUE(rotated) << rotated.error().message();
  EXPECT_NE(rotated->client, first->client);
  EXPECT_NE(rotated->cluster.resource_version, first->cluster.resource_version);
  // An application in another namespace sees that namespace's Secrets first, then argocd's.
  apply(*home_client, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n");
  apply(*home_client,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: mine\n  namespace: team\n"
        "  labels:\n    argocd.argoproj.io/secret-type: cluster\n"
        "stringData:\n  name: mine\n  server: https://mine.example.com\n");
  clusters = registry.clusters("team");
  ASSERT_TRUE(clusters);
  ASSERT_EQ(clusters->size(), 2u);
  EXPECT_EQ((*clusters)[0].secret, "team/mine");
  EXPECT_EQ((*clusters)[1].secret, "argocd/second");
  EXPECT_EQ(registry.clusters("argocd")->size(), 1u);
}

TEST_F(ApplicationClustersTest, DriftInTheRemoteClusterIsHealedThroughItsWatch) {
  apply(*home_client, cluster_secret("second"));
  controller =
      std::make_unique<Controller>(*home_client, ControllerOptions{.cache_dir = m_dir + "/cache"});
  ASSERT_TRUE(controller->start());
  application("healed", "second", true);
  ASSERT_TRUE(eventually([&] {
    auto app = home_client->get(argo::k_applications, "argocd", "healed").value();
    return app && app->string_at({"status", "sync", "status"}) == "Synced" &&
           config_map_in(*remote_client, "cm-a");
  }));
  // Someone changes it over there: the remote watch queues the application, which selfHeal
  // syncs again (after Argo's self-heal timeout of the last sync, at the latest).
  apply(*remote_client,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-a, namespace: demo}\n"
        "data: {k: changed}\n",
        "someone");
  ASSERT_EQ(config_map_in(*remote_client, "cm-a")->string_at({"data", "k"}), "changed");
  EXPECT_TRUE(eventually([&] {
    auto a = config_map_in(*remote_client, "cm-a");
    return a && a->string_at({"data", "k"}) == "one";
  }));
  // And deleted there: created again.
  ASSERT_TRUE(remote_client->remove(k_config_maps, "demo", "cm-b"));
  EXPECT_TRUE(eventually([&] { return config_map_in(*remote_client, "cm-b").has_value(); }));
  // Nothing of it in the first cluster.
  EXPECT_FALSE(home_client->get(k_namespaces, "", "demo").value());
}

}  // namespace
}  // namespace plumb::controller
