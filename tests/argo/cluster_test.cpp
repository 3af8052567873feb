// Argo CD's cluster Secrets and destination resolution, with the cases of argo-cd's
// util/db/cluster_test.go (secretToCluster, GetCluster, GetClusterServersByName),
// util/argo/argo_test.go (TestGetDestinationCluster) and types_test.go
// (IsDestinationPermitted with project-scoped clusters).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argo/application.hpp"
#include "argo/cluster.hpp"
#include "core/base64.hpp"
#include "yaml_test_util.hpp"

namespace plumb::argo {
namespace {

// A cluster Secret in argocd with its data written base64-encoded, as the API server returns it.
Node secret(std::string_view name, std::vector<std::pair<std::string, std::string>> data,
            std::string_view resource_version = "1") {
  Node s = yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + std::string(name) +
                "\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n");
  s["metadata"].set("resourceVersion", Node::string(resource_version));
  Node d = Node::map();
  for (const auto& [k, v] : data)
    d.set(k, Node::string(base64_encode(v)));
  s.set("data", std::move(d));
  return s;
}

Cluster parsed(const Node& s) {
  Result<Cluster> c = parse_cluster_secret(s);
  EXPECT_TRUE(c) << c.error().message();
  return c ? *c : Cluster{};
}

std::string error_of(const Node& s) {
  Result<Cluster> c = parse_cluster_secret(s);
  return c ? "parsed" : c.error().message();
}

// Test_secretToCluster, Test_secretToCluster_NoConfig.
TEST(ArgoCluster, SecretToCluster) {
  Cluster c = parsed(secret(
      "mycluster",
      {{"name", "test"}, {"server", "http://mycluster"}, {"config", R"({"username":"foo"})"}}));
  EXPECT_EQ(c.name, "test");
  EXPECT_EQ(c.server, "http://mycluster");
  EXPECT_EQ(c.config.username, "foo");
  EXPECT_EQ(c.secret, "argocd/mycluster");
  EXPECT_EQ(c.resource_version, "1");
  EXPECT_FALSE(c.invalid);

  Cluster no_config =
      parsed(secret("mycluster", {{"name", "test"}, {"server", "http://mycluster"}}));
  EXPECT_EQ(no_config.name, "test");
  EXPECT_TRUE(no_config.config.bearer_token.empty());
  EXPECT_TRUE(no_config.namespaces.empty());
  EXPECT_FALSE(no_config.cluster_resources);
}

TEST(ArgoCluster, FieldsAsArgoReadsThem) {
  std::string ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  std::string cert = "-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----\n";
  std::string key = "-----BEGIN EC PRIVATE KEY-----\nK\n-----END EC PRIVATE KEY-----\n";
  std::string config = R"({"bearerToken":"tok","tlsClientConfig":{"insecure":true,)"
                       R"("serverName":"api.internal","caData":")" +
                       base64_encode(ca) + R"(","certData":")" + base64_encode(cert) +
                       R"(","keyData":")" + base64_encode(key) +
                       R"("},"disableCompression":true,"someFutureField":1})";
  Cluster c = parsed(secret("prod", {{"name", "prod"},
                                     {"server", "https://prod.example.com:6443//"},
                                     {"namespaces", " team-a, ,team-b ,"},
                                     {"clusterResources", "true"},
                                     {"project", "team"},
                                     {"config", config}}));
  EXPECT_EQ(c.server, "https://prod.example.com:6443");  // trailing slashes dropped
  EXPECT_EQ(c.namespaces, (std::vector<std::string>{"team-a", "team-b"}));
  EXPECT_TRUE(c.cluster_resources);
  EXPECT_EQ(c.project, "team");
  EXPECT_EQ(c.config.bearer_token, "tok");
  EXPECT_TRUE(c.config.insecure);
  EXPECT_EQ(c.config.server_name, "api.internal");
  EXPECT_EQ(c.config.ca_pem, ca);  // base64 in the JSON, PEM once read
  EXPECT_EQ(c.config.cert_pem, cert);
  EXPECT_EQ(c.config.key_pem, key);
  EXPECT_TRUE(c.config.disable_compression);
  // Only "true" turns clusterResources on, as Argo compares it.
  EXPECT_FALSE(parsed(secret("x", {{"server", "https://x"}, {"clusterResources", "True"}}))
                   .cluster_resources);

  // stringData (what a Secret is written with; the API server moves it to data) reads too,
  // and wins over data.
  Node written = secret("s", {{"server", "https://old"}});
  written.set("stringData", yaml("server: https://new/\nname: new\n"));
  Cluster from_string_data = parsed(written);
  EXPECT_EQ(from_string_data.server, "https://new");
  EXPECT_EQ(from_string_data.name, "new");
}

// Test_secretToCluster_InvalidConfig and what Plumb refuses, each naming the Secret and the
// field and never a value read from it.
TEST(ArgoCluster, RefusalsNameTheSecretAndFieldNotTheValue) {
  const std::string token = "s3cr3t-t0ken";
  auto with_config = [&](std::string config) {
    return error_of(
        secret("prod", {{"name", "prod"}, {"server", "https://p"}, {"config", config}}));
  };
  struct Case {
    std::string config, message;
  };
  const std::vector<Case> cases = {
      {"{'tlsClientConfig':{'insecure':false}}",
       "Secret argocd/prod: data.config: not valid JSON (line 1, column 2)"},
      {R"({"bearerToken": ")" + token + R"(", "oops"})",
       "Secret argocd/prod: data.config: not valid JSON (line 1, column 39)"},
      {R"(["bearerToken"])", "Secret argocd/prod: data.config: must be a JSON object"},
      {R"({"bearerToken": 7, "password": ")" + token + R"("})",
       "Secret argocd/prod: data.config: bearerToken: must be a string"},
      {R"({"bearerToken": ")" + token + R"(", "tlsClientConfig": {"insecure": "yes"}})",
       "Secret argocd/prod: data.config: tlsClientConfig.insecure: must be a boolean"},
      {R"({"tlsClientConfig": {"caData": "not base64!"}})",
       "Secret argocd/prod: data.config: tlsClientConfig.caData: not valid base64"},
      {R"({"tlsClientConfig": {"certData": "QQ=="}})",
       "Secret argocd/prod: data.config: tlsClientConfig: certData and keyData go together"},
      {R"({"bearerToken": ")" + token +
           R"(", "execProviderConfig": {"command": "argocd-k8s-auth", "apiVersion": "x"}})",
       "Secret argocd/prod: data.config: execProviderConfig: exec credential plugins are not "
       "supported by Plumb; use bearerToken or client certificates"},
      {R"({"awsAuthConfig": {"clusterName": "prod", "roleARN": "arn:aws:iam::1:role/x"}})",
       "Secret argocd/prod: data.config: awsAuthConfig: AWS IAM authentication "
       "(argocd-k8s-auth) is not supported by Plumb; use bearerToken or client certificates"},
      {R"({"proxyUrl": "http://proxy:3128"})",
       "Secret argocd/prod: data.config: proxyUrl: proxies are not supported by Plumb"},
  };
  for (const Case& c : cases) {
    std::string message = with_config(c.config);
    EXPECT_EQ(message, c.message) << c.config;
    EXPECT_EQ(message.find(token), std::string::npos) << message;
  }
  Node bad_data = secret("prod", {{"server", "https://p"}});
  bad_data["data"].set("name", Node::string("%%%"));
  EXPECT_EQ(error_of(bad_data), "Secret argocd/prod: data.name: not valid base64");
  Node not_string = secret("prod", {{"server", "https://p"}});
  not_string["data"].set("namespaces", Node::integer(3));
  EXPECT_EQ(error_of(not_string), "Secret argocd/prod: data.namespaces: must be a string");
}

TEST(ArgoCluster, ClustersOfAListOfSecrets) {
  Node plain = yaml("kind: Secret\nmetadata: {name: other, namespace: argocd}\ndata: {}\n");
  Node repo = secret("repo", {{"url", "https://github.com/x/y"}});
  repo["metadata"]["labels"].set("argocd.argoproj.io/secret-type", Node::string("repository"));
  Node listed = secret("listed", {{"name", "a"}, {"server", "https://a"}});
  listed.erase("kind");  // list items carry no kind
  Node broken = secret(
      "broken", {{"name", "b"}, {"server", "https://b"}, {"config", R"({"bearerToken":1})"}});
  std::vector<Node> secrets = {plain, repo, listed, broken};
  std::vector<Cluster> clusters = clusters_of(secrets);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].name, "a");
  EXPECT_FALSE(clusters[0].invalid);
  EXPECT_EQ(clusters[1].name, "b");  // kept by name and server, never used
  EXPECT_EQ(clusters[1].server, "https://b");
  EXPECT_EQ(clusters[1].secret, "argocd/broken");
  ASSERT_TRUE(clusters[1].invalid);
  EXPECT_EQ(clusters[1].invalid->message(),
            "Secret argocd/broken: data.config: bearerToken: must be a string");
}

std::string resolve(std::string_view name, std::string_view server,
                    const std::vector<Cluster>& clusters) {
  Result<Cluster> c = destination_cluster(name, server, clusters);
  return c ? c->name + " " + c->server : c.error().message();
}

// TestGetDestinationCluster; GetCluster and GetClusterServersByName for in-cluster.
TEST(ArgoCluster, DestinationResolution) {
  std::vector<Cluster> none;
  Cluster minikube =
      parsed(secret("m", {{"name", "minikube"}, {"server", "https://127.0.0.1:6443"}}));
  std::vector<Cluster> one = {minikube};
  EXPECT_EQ(resolve("", "https://127.0.0.1:6443", one), "minikube https://127.0.0.1:6443");
  EXPECT_EQ(resolve("", "https://127.0.0.1:6443/", one), "minikube https://127.0.0.1:6443");
  EXPECT_EQ(resolve("minikube", "", one), "minikube https://127.0.0.1:6443");
  EXPECT_EQ(resolve("minikube", "https://127.0.0.1:6443", one),
            "application destination can't have both name and server defined: minikube "
            "https://127.0.0.1:6443");
  EXPECT_EQ(resolve("minikube", "", none), "there are no clusters with this name: minikube");
  EXPECT_EQ(resolve("", "", one), "Destination server missing from app spec");
  EXPECT_EQ(resolve("", "https://mycluster-does-not-exist", one),
            "error getting cluster by server \"https://mycluster-does-not-exist\": rpc error: "
            "code = NotFound desc = cluster \"https://mycluster-does-not-exist\" not found");
  std::vector<Cluster> two = {
      parsed(secret("d1", {{"name", "dind"}, {"server", "https://127.0.0.1:2443"}})),
      parsed(secret("d2", {{"name", "dind"}, {"server", "https://127.0.0.1:8443"}}))};
  EXPECT_EQ(resolve("dind", "", two),
            "there are 2 clusters with the same name: [https://127.0.0.1:2443 "
            "https://127.0.0.1:8443]");

  // in-cluster not configured: the built-in one, by server and by name.
  EXPECT_EQ(resolve("", "https://kubernetes.default.svc", none),
            "in-cluster https://kubernetes.default.svc");
  EXPECT_EQ(resolve("in-cluster", "", one), "in-cluster https://kubernetes.default.svc");
  // in-cluster configured by a Secret: its name; the name in-cluster still reaches it.
  std::vector<Cluster> renamed = {
      parsed(secret("mycluster1", {{"server", "https://kubernetes.default.svc"},
                                   {"name", "in-cluster-renamed"}}))};
  EXPECT_EQ(resolve("", "https://kubernetes.default.svc", renamed),
            "in-cluster-renamed https://kubernetes.default.svc");
  EXPECT_EQ(resolve("in-cluster-renamed", "", renamed),
            "in-cluster-renamed https://kubernetes.default.svc");
  EXPECT_EQ(resolve("in-cluster", "", renamed),
            "in-cluster-renamed https://kubernetes.default.svc");
  EXPECT_TRUE(destination_cluster("", "https://kubernetes.default.svc", renamed)->in_cluster());
  // A Secret that takes the name in-cluster for another server moves it there.
  std::vector<Cluster> taken = {
      parsed(secret("t", {{"server", "https://elsewhere"}, {"name", "in-cluster"}}))};
  EXPECT_EQ(resolve("in-cluster", "", taken), "in-cluster https://elsewhere");

  // The first Secret of a server wins (the application's namespace is listed first).
  std::vector<Cluster> same_server = {
      parsed(secret("first", {{"server", "https://s"}, {"name", "first"}})),
      parsed(secret("second", {{"server", "https://s"}, {"name", "second"}}))};
  EXPECT_EQ(resolve("", "https://s", same_server), "first https://s");

  // A destination that only an invalid Secret registers is told why it cannot be used.
  std::vector<Cluster> broken = clusters_of(std::vector<Node>{secret(
      "broken", {{"name", "b"}, {"server", "https://b"}, {"config", R"({"proxyUrl":"x"})"}})});
  std::string why =
      "Secret argocd/broken: data.config: proxyUrl: proxies are not supported by Plumb";
  EXPECT_EQ(resolve("b", "", broken), why);
  EXPECT_EQ(resolve("", "https://b", broken), why);
}

TEST(ArgoCluster, NamespacedModeRefusesWhatItDoesNotManage) {
  Cluster whole = parsed(secret("w", {{"server", "https://w"}}));
  EXPECT_FALSE(unmanaged_object(whole, "ClusterRole", "x", ""));
  EXPECT_FALSE(unmanaged_object(whole, "Deployment", "web", "anywhere"));
  Cluster scoped = parsed(secret("s", {{"server", "https://s"}, {"namespaces", "team-a,team-b"}}));
  EXPECT_FALSE(unmanaged_object(scoped, "Deployment", "web", "team-b"));
  EXPECT_EQ(unmanaged_object(scoped, "Deployment", "web", "team-c").value_or(""),
            "namespace \"team-c\" for Deployment \"web\" is not managed");
  EXPECT_EQ(unmanaged_object(scoped, "ClusterRole", "reader", "").value_or(""),
            "cluster level ClusterRole \"reader\" can not be managed when in namespaced mode");
  scoped.cluster_resources = true;
  EXPECT_FALSE(unmanaged_object(scoped, "ClusterRole", "reader", ""));
}

Cluster scoped_cluster(std::string name, std::string server, std::string project,
                       std::vector<std::string> namespaces = {}) {
  Cluster c;
  c.name = std::move(name);
  c.server = std::move(server);
  c.project = std::move(project);
  c.namespaces = std::move(namespaces);
  return c;
}

// TestAppProject_IsDestinationPermitted_PermitOnlyProjectScopedClusters (the clusters there are
// the project's own: here they carry its name).
TEST(ArgoCluster, PermitOnlyProjectScopedClusters) {
  struct Case {
    std::vector<ProjectDestination> project;
    std::string server, name;
    std::vector<Cluster> clusters;
    bool permitted;
  };
  const std::vector<Case> cases = {
      {{{"https://team1-*", "", "default"}}, "https://team1-something.com", "", {}, false},
      {{{"https://my-cluster.123.com", "", "default"}},
       "https://my-cluster.123.com",
       "",
       {scoped_cluster("", "https://my-cluster.123.com", "team")},
       true},
      {{{"https://my-cluster.123.com", "", "default"}},
       "https://some-other-cluster.example.com",
       "",
       {scoped_cluster("", "https://my-cluster.123.com", "team")},
       false},
      {{{"", "some-server", "default"}}, "", "some-server", {}, false},
      {{{"", "some-other-server", "default"}},
       "",
       "some-other-server",
       {scoped_cluster("some-other-server", "", "team")},
       true},
      {{{"", "some-server", "default"}},
       "",
       "some-other-server",
       {scoped_cluster("some-server", "", "team")},
       false},
  };
  int row = 0;
  for (const Case& c : cases) {
    AppProject p;
    p.name = "team";
    p.permit_only_project_scoped_clusters = true;
    p.destinations = c.project;
    EXPECT_EQ(destination_permitted(p, c.server, c.name, "default", c.clusters), c.permitted)
        << "row " << row;
    ++row;
  }
  // Another project's cluster is not this one's.
  AppProject p;
  p.name = "team";
  p.permit_only_project_scoped_clusters = true;
  p.destinations = {{"*", "", "*"}};
  std::vector<Cluster> theirs = {scoped_cluster("prod", "https://prod", "other")};
  EXPECT_FALSE(destination_permitted(p, "https://prod", "prod", "default", theirs));
}

// GetAppProjectByName: a project-scoped cluster adds its namespaces (or all) to its project's
// destinations; a cluster of no project or another project adds nothing.
TEST(ArgoCluster, ProjectScopedClustersAreImplicitDestinations) {
  AppProject p;
  p.name = "team";
  std::vector<Cluster> clusters = {scoped_cluster("a", "https://a", "team", {"web", "db"}),
                                   scoped_cluster("b", "https://b", "team"),
                                   scoped_cluster("c", "https://c", ""),
                                   scoped_cluster("d", "https://d", "other")};
  EXPECT_TRUE(destination_permitted(p, "https://a", "a", "web", clusters));
  EXPECT_FALSE(destination_permitted(p, "https://a", "a", "cache", clusters));
  EXPECT_TRUE(destination_permitted(p, "https://b", "b", "anything", clusters));
  EXPECT_FALSE(destination_permitted(p, "https://c", "c", "web", clusters));
  EXPECT_FALSE(destination_permitted(p, "https://d", "d", "web", clusters));
  // An invalid Secret adds nothing.
  clusters[1].invalid = Error("broken");
  EXPECT_FALSE(destination_permitted(p, "https://b", "b", "anything", clusters));
}

// ValidatePermissions with registered clusters: the destination resolved first (its error is
// the refusal), then matched by server — or by name when the application names the cluster.
TEST(ArgoCluster, ProjectRefusalsResolveTheDestination) {
  Result<AppProject> p = parse_app_project(
      yaml("kind: AppProject\nmetadata: {name: team, namespace: argocd}\nspec:\n"
           "  sourceRepos: ['*']\n  destinations: [{name: 'prod-*', namespace: 'web'}]\n"));
  ASSERT_TRUE(p) << p.error().message();
  auto refusal = [&](std::string_view destination, const std::vector<Cluster>& clusters) {
    Result<Application> a = parse_application(
        yaml("kind: Application\nmetadata: {name: app, namespace: argocd}\nspec:\n"
             "  project: team\n  source: {repoURL: https://github.com/x/y.git, path: .}\n"
             "  destination: " +
             std::string(destination) + "\n"));
    EXPECT_TRUE(a) << a.error().message();
    return a ? project_refusal(*p, *a, clusters).value_or("permitted") : "";
  };
  std::vector<Cluster> clusters = {
      parsed(secret("p", {{"name", "prod-eu"}, {"server", "https://eu.example.com"}}))};
  EXPECT_EQ(refusal("{name: prod-eu, namespace: web}", clusters), "permitted");
  // By server the project's name pattern still matches the cluster's name.
  EXPECT_EQ(refusal("{server: 'https://eu.example.com', namespace: web}", clusters), "permitted");
  EXPECT_EQ(refusal("{name: prod-eu, namespace: db}", clusters),
            "application destination server 'prod-eu' and namespace 'db' do not match any of the "
            "allowed destinations in project 'team'");
  EXPECT_EQ(refusal("{name: prod-us, namespace: web}", clusters),
            "there are no clusters with this name: prod-us");
  EXPECT_EQ(refusal("{name: prod-eu, namespace: web}", {}),
            "there are no clusters with this name: prod-eu");
}

}  // namespace
}  // namespace plumb::argo
