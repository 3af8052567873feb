#include "kube/client.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "kube/gated_transport.hpp"

namespace plumb::kube {
namespace {

struct Fixture {
  FakeTransport* fake;
  std::unique_ptr<Client> client;
};

ClientOptions unlimited() {
  ClientOptions options;
  options.first_backoff = std::chrono::milliseconds(1);
  options.qps = 0;
  return options;
}

Fixture make_client(ClientOptions options = unlimited()) {
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport* fake = transport.get();
  auto client =
      std::make_unique<Client>(RestConfig{.server = "https://x"}, std::move(transport), options);
  return {fake, std::move(client)};
}

void add_legacy_discovery(FakeTransport& fake) {
  fake.routes["GET /api"] = {{200, R"({"kind":"APIVersions","versions":["v1"]})"}};
  fake.routes["GET /api/v1"] = {{200, R"({"kind":"APIResourceList","groupVersion":"v1",
    "resources":[{"name":"pods","namespaced":true,"kind":"Pod"},
                 {"name":"pods/status","namespaced":true,"kind":"Pod"},
                 {"name":"namespaces","namespaced":false,"kind":"Namespace"}]})"}};
  fake.routes["GET /apis"] = {{200, R"({"kind":"APIGroupList","groups":[{"name":"apps",
    "versions":[{"groupVersion":"apps/v1","version":"v1"}]}]})"}};
  fake.routes["GET /apis/apps/v1"] = {{200, R"({"groupVersion":"apps/v1",
    "resources":[{"name":"deployments","namespaced":true,"kind":"Deployment"}]})"}};
}

TEST(Client, MapsKindsFromLegacyDiscovery) {
  auto [fake, client] = make_client();
  add_legacy_discovery(*fake);
  Resource deploy = client->resource_for("apps/v1", "Deployment").value();
  EXPECT_EQ(deploy.name, "deployments");
  EXPECT_TRUE(deploy.namespaced);
  EXPECT_EQ(resource_path(deploy, "web", "api"), "/apis/apps/v1/namespaces/web/deployments/api");
  Resource ns = client->resource_for("v1", "Namespace").value();
  EXPECT_FALSE(ns.namespaced);
  EXPECT_EQ(resource_path(ns, "ignored", "x"), "/api/v1/namespaces/x");
}

TEST(Client, MapsKindsFromAggregatedDiscoveryAndRefreshesOnUnknownKind) {
  auto [fake, client] = make_client();
  fake->routes["GET /api"] = {{200, R"({"kind":"APIGroupDiscoveryList","items":[{"metadata":{},
    "versions":[{"version":"v1","resources":[{"resource":"configmaps","scope":"Namespaced",
    "responseKind":{"group":"","version":"v1","kind":"ConfigMap"}}]}]}]})"}};
  fake->routes["GET /apis"] = {
      {200, R"({"kind":"APIGroupDiscoveryList","items":[]})"},
      {200, R"({"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"example.com"},
    "versions":[{"version":"v1","resources":[{"resource":"widgets","scope":"Cluster",
    "responseKind":{"group":"example.com","version":"v1","kind":"Widget"}}]}]}]})"}};
  EXPECT_EQ(client->resource_for("v1", "ConfigMap").value().name, "configmaps");
  // Widget is not served at first discovery; a second discovery finds it (a CRD appeared).
  Resource widget = client->resource_for("example.com/v1", "Widget").value();
  EXPECT_EQ(widget.name, "widgets");
  EXPECT_FALSE(widget.namespaced);
  auto missing = client->resource_for("example.com/v1", "Gadget");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), 404);
}

// Regression: the discovery requests ran with the discovery mutex held, so every lookup (of
// kinds long in the cache too) waited for a slow discovery.
TEST(Client, LooksUpCachedKindsWhileADiscoveryIsInFlight) {
  auto [fake, gate, client] = make_gated_client();
  add_legacy_discovery(*fake);
  ASSERT_TRUE(client->resource_for("v1", "Pod"));
  gate->hold("GET /api");
  // An unknown kind discovers again; that discovery hangs at the gate.
  std::thread unknown([&] { EXPECT_FALSE(client->resource_for("example.com/v1", "Widget")); });
  gate->wait_for_held("GET /api");
  auto cached =
      std::async(std::launch::async, [&] { return client->resource_for("apps/v1", "Deployment"); });
  bool answered = cached.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  gate->open("GET /api");
  unknown.join();
  ASSERT_TRUE(answered) << "a cached kind waited for the discovery in flight";
  EXPECT_EQ(cached.get().value().name, "deployments");
  EXPECT_EQ(gate->requests("GET /api"), 2u);
}

// Callers that need discovery while one is in flight wait for it instead of asking again, and
// take its answer when their kind is in it.
TEST(Client, ConcurrentFirstLookupsShareOneDiscovery) {
  auto [fake, gate, client] = make_gated_client();
  add_legacy_discovery(*fake);
  gate->hold("GET /api");
  std::thread first([&] { EXPECT_EQ(client->resource_for("v1", "Pod").value().name, "pods"); });
  gate->wait_for_held("GET /api");
  std::vector<std::thread> others;
  for (int i = 0; i < 4; ++i) {
    others.emplace_back([&] {
      EXPECT_EQ(client->resource_for("apps/v1", "Deployment").value().name, "deployments");
    });
  }
  gate->open("GET /api");
  first.join();
  for (std::thread& t : others)
    t.join();
  EXPECT_EQ(gate->requests("GET /api"), 1u);
}

// A failed discovery is the answer of every caller that waited for it; the next lookup tries
// again.
TEST(Client, ReportsAFailedDiscoveryAndTriesAgainLater) {
  auto [fake, gate, client] = make_gated_client();
  add_legacy_discovery(*fake);
  fake->routes["GET /api"] = {{403, R"({"kind":"Status","message":"forbidden"})"},
                              {200, R"({"kind":"APIVersions","versions":["v1"]})"}};
  auto failed = client->resource_for("v1", "Pod");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), 403);
  EXPECT_EQ(client->resource_for("v1", "Pod").value().name, "pods");
  EXPECT_EQ(gate->requests("GET /api"), 2u);
}

// After invalidate_discovery() the next lookup discovers again, once.
TEST(Client, DiscoversAgainOnceAfterInvalidation) {
  auto [fake, gate, client] = make_gated_client();
  add_legacy_discovery(*fake);
  ASSERT_TRUE(client->resource_for("v1", "Pod"));
  client->invalidate_discovery();
  ASSERT_TRUE(client->resource_for("v1", "Pod"));
  ASSERT_TRUE(client->resource_for("v1", "Namespace"));
  EXPECT_EQ(gate->requests("GET /api"), 2u);
}

TEST(Client, GetReturnsNothingOn404AndRetriesServerErrors) {
  auto [fake, client] = make_client();
  Resource pods{"", "v1", "Pod", "pods", true};
  EXPECT_FALSE(client->get(pods, "default", "absent").value().has_value());
  fake->routes["GET /api/v1/namespaces/default/pods/web"] = {
      {503, "overloaded"}, {0, ""}, {200, R"({"kind":"Pod","metadata":{"name":"web"}})"}};
  auto pod = client->get(pods, "default", "web").value();
  ASSERT_TRUE(pod.has_value());
  EXPECT_EQ(pod->string_at({"metadata", "name"}), "web");
  EXPECT_EQ(client->counts().retries.load(), 2u);
}

TEST(Client, ApplyErrorsCarryStatusCodeAndServerMessage) {
  auto [fake, client] = make_client();
  Resource deploy{"apps", "v1", "Deployment", "deployments", true};
  fake->routes
      ["PATCH /apis/apps/v1/namespaces/prod/deployments/web?fieldManager=plumb&force=true"] = {
      {422, R"({"kind":"Status","code":422,"reason":"Invalid",
         "message":"spec.selector: Invalid value: field is immutable"})"}};
  Node object;
  object["apiVersion"] = Node::string("apps/v1");
  object["kind"] = Node::string("Deployment");
  object["metadata"]["name"] = Node::string("web");
  object["metadata"]["namespace"] = Node::string("prod");
  auto applied = client->apply(deploy, object, "plumb", Force::yes, DryRun::no);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code(), 422);
  EXPECT_EQ(applied.error().message(),
            "Deployment/prod/web: spec.selector: Invalid value: field is immutable");
  EXPECT_EQ(fake->seen.back().content_type, "application/apply-patch+yaml");
  EXPECT_EQ(client->counts().writes.load(), 1u);
}

TEST(Client, ListFollowsContinueTokens) {
  auto [fake, client] = make_client();
  Resource cms{"", "v1", "ConfigMap", "configmaps", true};
  fake->routes["GET /api/v1/configmaps?limit=500"] = {
      {200, R"({"kind":"ConfigMapList","metadata":{"continue":"t 1"},"items":[{"n":1}]})"}};
  fake->routes["GET /api/v1/configmaps?limit=500&continue=t%201"] = {
      {200, R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"9"},"items":[{"n":2}]})"}};
  Node all = client->list(cms, "").value();
  ASSERT_EQ(all.find("items")->size(), 2u);
  EXPECT_EQ(all.string_at({"metadata", "resourceVersion"}), "9");
}

TEST(Client, WatchReassemblesLinesAndReportsGone) {
  auto [fake, client] = make_client();
  Resource cms{"", "v1", "ConfigMap", "configmaps", true};
  std::string base =
      "GET /api/v1/namespaces/a/configmaps?watch=1&allowWatchBookmarks=true&"
      "timeoutSeconds=300&resourceVersion=";
  fake->routes[base + "5"] = {{200,
                               "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"x\","
                               "\"resourceVersion\":\"6\"}}}\n"
                               "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"x\","
                               "\"resourceVersion\":\"7\"}}}\n"}};
  std::vector<std::string> events;
  auto last = client->watch(cms, "a", "5", [&](const WatchEvent& e) {
    events.push_back(e.type + " " + std::string(e.object.string_at({"metadata", "name"})));
    return true;
  });
  EXPECT_EQ(last.value(), "7");
  EXPECT_EQ(events, (std::vector<std::string>{"ADDED x", "DELETED x"}));

  fake->routes[base + "1"] = {{200,
                               "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
                               "\"message\":\"too old resource version\"}}\n"}};
  auto gone = client->watch(cms, "a", "1", [](const WatchEvent&) { return true; });
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), 410);
}

// Seconds that `count` GETs of one object take.
double seconds_for_gets(Client& client, int count) {
  Resource pods{"", "v1", "Pod", "pods", true};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i)
    EXPECT_TRUE(client.get(pods, "default", "web"));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// 20 requests per second, no burst beyond one: 5 GETs take at least 0.2 s when limited.
ClientOptions twenty_per_second(ServerFlowControl flow_control) {
  ClientOptions options;
  options.qps = 20;
  options.burst = 1;
  options.server_flow_control = flow_control;
  return options;
}

TEST(Client, RateLimitsWhenTheServerDoesNoFlowControl) {
  auto [fake, client] = make_client(twenty_per_second(ServerFlowControl::lifts_limit));
  fake->routes["GET /api/v1/namespaces/default/pods/web"] = {{200, R"({"kind":"Pod"})"}};
  EXPECT_GE(seconds_for_gets(*client, 5), 0.18);
  EXPECT_FALSE(client->rate_limit_lifted());
}

TEST(Client, LiftsTheRateLimitForAServerWithFlowControl) {
  auto [fake, client] = make_client(twenty_per_second(ServerFlowControl::lifts_limit));
  HttpResponse answer{200, R"({"kind":"Pod"})"};
  answer.flow_control = true;  // an API Priority and Fairness header came with it
  fake->routes["GET /api/v1/namespaces/default/pods/web"] = {answer};
  EXPECT_LT(seconds_for_gets(*client, 5), 0.15);
  EXPECT_TRUE(client->rate_limit_lifted());
}

TEST(Client, KeepsAnExplicitRateLimitForAServerWithFlowControl) {
  auto [fake, client] = make_client(twenty_per_second(ServerFlowControl::ignored));
  HttpResponse answer{200, R"({"kind":"Pod"})"};
  answer.flow_control = true;
  fake->routes["GET /api/v1/namespaces/default/pods/web"] = {answer};
  EXPECT_GE(seconds_for_gets(*client, 5), 0.18);
  EXPECT_FALSE(client->rate_limit_lifted());
}

}  // namespace
}  // namespace plumb::kube
