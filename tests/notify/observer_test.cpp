// The NotificationObserver against the embedded API server: Alerts, Providers and Secrets read
// from the cluster, the rate limit (fake clock), commit statuses once per state, failures as
// events on the Provider. Requests go to a fake sender.
#include "notify/observer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::notify {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view k_sha = "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1";

class ObserverCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("plumb-notify-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    auto started =
        localcluster::Cluster::start({.port = 0, .kubeconfig = (dir / "kubeconfig").string()});
    ASSERT_TRUE(started) << started.error().message();
    cluster = std::move(*started);
    auto connected = kube::Client::connect({.kubeconfig = (dir / "kubeconfig").string()});
    ASSERT_TRUE(connected) << connected.error().message();
    client = std::move(*connected);
    NotifyOptions options;
    options.now = [this] {
      std::lock_guard lock(mutex);
      return now;
    };
    options.delivery.first_backoff = 1ms;
    options.watch = false;  // each event reads what the test applied just before
    options.delivery.send = [this](const net::ClientRequest& request,
                                   const SendOptions&) -> Result<net::ClientResponse> {
      std::lock_guard lock(mutex);
      sent.push_back(request);
      net::ClientResponse response;
      response.status = request.url.find("/refuse") != std::string::npos ? 404 : 201;
      return response;
    };
    observer = std::make_unique<NotificationObserver>(*client, options);
    auto installed = observer->start();
    ASSERT_TRUE(installed) << installed.error().message();
    apply(R"(
apiVersion: v1
kind: Namespace
metadata: {name: flux-system}
---
apiVersion: v1
kind: Secret
metadata: {name: gh, namespace: flux-system}
stringData: {token: t0k3n}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: github, namespace: flux-system}
spec: {type: github, address: 'https://github.com/org/repo', secretRef: {name: gh}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta2
kind: Provider
metadata: {name: hook, namespace: flux-system}
spec: {type: generic, address: 'http://127.0.0.1:9/hook'}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: github, namespace: flux-system}
spec:
  providerRef: {name: github}
  eventSources: [{kind: Kustomization, name: '*'}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: hook, namespace: flux-system}
spec:
  providerRef: {name: hook}
  eventSeverity: error
  eventSources: [{kind: Kustomization, name: apps}]
)");
  }
  void TearDown() override {
    observer.reset();
    client.reset();
    if (cluster) cluster->stop();
    std::filesystem::remove_all(dir);
  }

  void apply(std::string_view yaml) {
    std::vector<Node> docs = parse_yaml_stream(yaml, "test").value();
    for (const Node& doc : docs) {
      auto resource =
          client->resource_for(doc.string_at({"apiVersion"}), doc.string_at({"kind"})).value();
      auto applied = client->apply(resource, doc, "test", kube::Force::yes, kube::DryRun::no);
      ASSERT_TRUE(applied) << applied.error().message();
    }
  }

  controller::EventRecord record(bool warning, std::string message, bool progress = false) {
    controller::EventRecord r;
    r.time = std::chrono::system_clock::now();
    r.involved = parse_json(R"({"apiVersion":"kustomize.toolkit.fluxcd.io/v1",
      "kind":"Kustomization","metadata":{"name":"apps","namespace":"flux-system","uid":"u-1"}})")
                     .value();
    r.warning = warning;
    r.reason = progress ? "Progressing" : warning ? "BuildFailed" : "ReconciliationSucceeded";
    r.message = std::move(message);
    r.metadata = {{"revision", "main@sha1:" + std::string(k_sha)}};
    r.reporting_controller = "kustomize-controller";
    r.progress = progress;
    return r;
  }

  // The URLs sent so far, and the states of the GitHub statuses among them.
  std::vector<std::string> github_states() {
    observer->drain();
    std::lock_guard lock(mutex);
    std::vector<std::string> states;
    for (const net::ClientRequest& r : sent)
      if (r.url.starts_with("https://api.github.com/"))
        states.emplace_back(parse_json(r.body).value().string_at({"state"}));
    return states;
  }
  size_t hooks() {
    observer->drain();
    std::lock_guard lock(mutex);
    size_t n = 0;
    for (const net::ClientRequest& r : sent)
      n += r.url == "http://127.0.0.1:9/hook";
    return n;
  }

  std::filesystem::path dir;
  std::unique_ptr<localcluster::Cluster> cluster;
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<NotificationObserver> observer;
  std::mutex mutex;
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  std::vector<net::ClientRequest> sent;
};

TEST_F(ObserverCluster, CommitStatusesOncePerStateAndErrorsToTheErrorAlert) {
  observer->on_event(record(false, "", true));  // progress: pending
  observer->on_event(record(false, "ConfigMap/demo/settings configured"));
  EXPECT_EQ(github_states(), (std::vector<std::string>{"pending", "success"}));
  EXPECT_EQ(hooks(), 0u);  // an error Alert: info events are not for it
  // A drift repair on the same commit: an event, but the state did not change.
  observer->on_event(record(false, "ConfigMap/demo/settings deleted outside Git; restored"));
  EXPECT_EQ(github_states().size(), 2u);
  observer->on_event(record(true, "broken.yaml: bad"));
  EXPECT_EQ(github_states(), (std::vector<std::string>{"pending", "success", "failure"}));
  EXPECT_EQ(hooks(), 1u);
  std::lock_guard lock(mutex);
  EXPECT_EQ(sent[0].url, "https://api.github.com/repos/org/repo/statuses/" + std::string(k_sha));
  bool authorized = false;
  for (const auto& [k, v] : sent[0].headers)
    authorized = authorized || (k == "Authorization" && v == "Bearer t0k3n");
  EXPECT_TRUE(authorized);
}

TEST_F(ObserverCluster, AlertsAndProvidersFromTheWatchCache) {
  std::vector<std::string> urls;
  std::mutex urls_mutex;
  NotifyOptions options;
  options.delivery.send = [&](const net::ClientRequest& request,
                              const SendOptions&) -> Result<net::ClientResponse> {
    std::lock_guard lock(urls_mutex);
    urls.push_back(request.url);
    net::ClientResponse response;
    response.status = 200;
    return response;
  };
  NotificationObserver watching(*client, options);  // watch: true, as plumb controller runs it
  ASSERT_TRUE(watching.start());  // lists the Alerts and Providers the fixture applied
  watching.on_event(record(true, "broken.yaml: bad"));
  watching.drain();
  std::lock_guard lock(urls_mutex);
  std::sort(urls.begin(), urls.end());  // two lanes: either may send first
  EXPECT_EQ(urls, (std::vector<std::string>{
                      "http://127.0.0.1:9/hook",
                      "https://api.github.com/repos/org/repo/statuses/" + std::string(k_sha)}));
}

TEST_F(ObserverCluster, RepeatsWithinTheWindowAreSentOnce) {
  observer->on_event(record(true, "broken.yaml: bad"));
  observer->on_event(record(true, "broken.yaml: bad"));
  EXPECT_EQ(hooks(), 1u);
  EXPECT_EQ(observer->rate_limited(), 1u);
  {
    std::lock_guard lock(mutex);
    now += 5min + 1s;  // past Flux's default window
  }
  observer->on_event(record(true, "broken.yaml: bad"));
  EXPECT_EQ(hooks(), 2u);
  EXPECT_EQ(github_states().size(), 1u);  // still failure: not posted again
}

TEST_F(ObserverCluster, SuspendedProvidersAndAlertsSendNothing) {
  apply(R"(
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: hook, namespace: flux-system}
spec:
  suspend: true
  providerRef: {name: hook}
  eventSeverity: error
  eventSources: [{kind: Kustomization, name: apps}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: github, namespace: flux-system}
spec: {type: github, address: 'https://github.com/org/repo', secretRef: {name: gh}, suspend: true}
)");
  observer->on_event(record(true, "broken.yaml: bad"));
  EXPECT_EQ(hooks(), 0u);
  EXPECT_TRUE(github_states().empty());
}

TEST_F(ObserverCluster, ARefusedDeliveryIsAWarningEventOnTheProvider) {
  apply(R"(
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: hook, namespace: flux-system}
spec: {type: generic, address: 'http://127.0.0.1:9/refuse'}
)");
  observer->on_event(record(true, "broken.yaml: bad"));
  observer->drain();
  observer->stop();  // flushes the events
  Node list =
      client->request({.target = "/api/v1/namespaces/flux-system/events"}, "events").value();
  bool found = false;
  for (const Node& e : list.find("items")->items()) {
    found = found || (e.string_at({"involvedObject", "kind"}) == "Provider" &&
                      e.string_at({"involvedObject", "name"}) == "hook" &&
                      e.string_at({"reason"}) == "NotificationDispatchFailed" &&
                      e.string_at({"type"}) == "Warning");
  }
  EXPECT_TRUE(found) << to_json(list);
}

}  // namespace
}  // namespace plumb::notify
