// The event recorder: Events as client-go writes them, aggregation, capping, failures and a
// full queue, with the fake transport; then against the embedded API server.
#include "controller/events.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/json.hpp"
#include "kube/fake_transport.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::controller {
namespace {

using namespace std::chrono_literals;
using SystemTime = std::chrono::system_clock::time_point;

// 2026-01-02T03:04:05Z plus 123456789 ns.
const SystemTime k_t0 = SystemTime(std::chrono::seconds(1767323045)) + 123456789ns;
constexpr std::string_view k_events = "/api/v1/namespaces/flux-system/events";

Node kustomization() {
  return parse_json(R"({"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization",
    "metadata":{"name":"apps","namespace":"flux-system","uid":"u-1","resourceVersion":"42",
    "generation":3},"spec":{"path":"./apps"}})")
      .value();
}

kube::ClientOptions fast_client() {
  kube::ClientOptions options;
  options.first_backoff = 1ms;
  options.qps = 0;
  options.max_retries = 1;
  return options;
}

// A recorder over the fake transport with a settable clock; failure reports collected.
struct Fixture {
  kube::FakeTransport* fake;
  std::unique_ptr<kube::Client> client;
  SystemTime now = k_t0;
  std::vector<std::string> reports;
  std::unique_ptr<EventRecorder> recorder;

  explicit Fixture(size_t queue_capacity = 1024) {
    auto transport = std::make_unique<kube::FakeTransport>();
    fake = transport.get();
    client = std::make_unique<kube::Client>(kube::RestConfig{.server = "https://x"},
                                            std::move(transport), fast_client());
    fake->routes["POST " + std::string(k_events)] = {{201, "{}"}};
    recorder = std::make_unique<EventRecorder>(
        *client, "kustomize-controller",
        EventRecorderOptions{
            .queue_capacity = queue_capacity,
            .now = [this] { return now; },
            .instance = "node-1",
            .report_failure = [this](std::string_view line) { reports.emplace_back(line); }});
  }

  std::vector<kube::HttpRequest> requests(std::string_view method) const {
    std::vector<kube::HttpRequest> out;
    for (const kube::HttpRequest& r : fake->seen) {
      if (r.method == method) out.push_back(r);
    }
    return out;
  }
};

TEST(EventRecorder, WritesCoreV1EventsAsClientGoDoes) {
  Fixture f;
  f.recorder->record(kustomization(), EventType::normal, "ReconciliationSucceeded",
                     "Reconciliation finished in 1s, next run in 5m",
                     {{"kustomize.toolkit.fluxcd.io/revision", "main@sha1:abc"}});
  f.recorder->flush();
  auto posts = f.requests("POST");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].target, k_events);
  EXPECT_EQ(posts[0].content_type, "application/json");
  Node event = parse_json(posts[0].body).value();
  Node expected = parse_json(R"({"apiVersion":"v1","kind":"Event",
    "metadata":{"name":"apps.1886caf223f1ff15","namespace":"flux-system",
      "annotations":{"kustomize.toolkit.fluxcd.io/revision":"main@sha1:abc"}},
    "involvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps","uid":"u-1",
      "apiVersion":"kustomize.toolkit.fluxcd.io/v1","resourceVersion":"42"},
    "reason":"ReconciliationSucceeded","message":"Reconciliation finished in 1s, next run in 5m",
    "source":{"component":"kustomize-controller","host":"node-1"},
    "firstTimestamp":"2026-01-02T03:04:05Z","lastTimestamp":"2026-01-02T03:04:05Z","count":1,
    "type":"Normal","reportingComponent":"kustomize-controller","reportingInstance":"node-1"})")
                      .value();
  EXPECT_EQ(event, expected) << to_json(event, JsonStyle::indented);
  EXPECT_EQ(f.recorder->failed(), 0u);
}

// The journal's gate: each event is held until before_write returns, with the mark taken
// when it was recorded; nothing of it reaches the API server before.
TEST(EventRecorder, AGateRunsBeforeEachWriteWithTheRecordersMark) {
  auto transport = std::make_unique<kube::FakeTransport>();
  kube::FakeTransport* fake = transport.get();
  kube::Client client(kube::RestConfig{.server = "https://x"}, std::move(transport), fast_client());
  fake->routes["POST " + std::string(k_events)] = {{201, "{}"}};
  uint64_t next_mark = 0;
  std::vector<std::pair<uint64_t, size_t>> gated;  // mark, POSTs seen when it ran
  EventRecorder recorder(
      client, "kustomize-controller",
      EventRecorderOptions{
          .now = [] { return k_t0; },
          .mark = [&] { return ++next_mark; },
          .before_write = [&](uint64_t mark) { gated.emplace_back(mark, fake->seen.size()); }});
  recorder.record(kustomization(), EventType::normal, "ReconciliationSucceeded", "one");
  recorder.record(kustomization(), EventType::normal, "ReconciliationSucceeded", "two");
  recorder.flush();
  ASSERT_EQ(gated.size(), 2u);
  EXPECT_EQ(gated[0], (std::pair<uint64_t, size_t>{1, 0}))
      << "the first gate runs before any write";
  EXPECT_EQ(gated[1].first, 2u);
  EXPECT_EQ(gated[1].second, fake->seen.size() - 1) << "the second before its own write";
}

TEST(EventRecorder, ClusterScopedObjectsGoToDefaultAndNamesStayUnique) {
  Fixture f;
  f.fake->routes["POST /api/v1/namespaces/default/events"] = {{201, "{}"}};
  Node ns =
      parse_json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}})").value();
  f.recorder->record(ns, EventType::warning, "A", "first");
  f.recorder->record(ns, EventType::warning, "B", "second");  // same instant
  f.recorder->flush();
  auto posts = f.requests("POST");
  ASSERT_EQ(posts.size(), 2u);
  Node a = parse_json(posts[0].body).value();
  Node b = parse_json(posts[1].body).value();
  EXPECT_EQ(posts[0].target, "/api/v1/namespaces/default/events");
  EXPECT_EQ(a.string_at({"metadata", "namespace"}), "default");
  EXPECT_EQ(a.at_path({"involvedObject", "namespace"}), nullptr);
  EXPECT_EQ(a.string_at({"type"}), "Warning");
  EXPECT_EQ(a.string_at({"metadata", "name"}), "apps.1886caf223f1ff15");
  EXPECT_EQ(b.string_at({"metadata", "name"}), "apps.1886caf223f1ff16");
}

TEST(EventRecorder, RepeatsWithinTenMinutesUpdateTheEvent) {
  Fixture f;
  const std::string name = "apps.1886caf223f1ff15";
  std::string event_path = std::string(k_events) + "/" + name;
  f.fake->routes["PATCH " + event_path] = {{200, "{}"}};
  Node ks = kustomization();
  f.recorder->record(ks, EventType::normal, "Progressing", "applied 3 objects");
  f.now = k_t0 + 9min;
  f.recorder->record(ks, EventType::normal, "Progressing", "applied 3 objects");
  f.now = k_t0 + 18min;  // 9 minutes after the last one: still the same event
  f.recorder->record(ks, EventType::normal, "Progressing", "applied 3 objects");
  f.recorder->flush();
  ASSERT_EQ(f.requests("POST").size(), 1u);
  auto patches = f.requests("PATCH");
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[0].target, event_path);
  EXPECT_EQ(patches[0].content_type, "application/merge-patch+json");
  EXPECT_EQ(parse_json(patches[0].body).value(),
            parse_json(R"({"count":2,"lastTimestamp":"2026-01-02T03:13:05Z"})").value());
  EXPECT_EQ(parse_json(patches[1].body).value(),
            parse_json(R"({"count":3,"lastTimestamp":"2026-01-02T03:22:05Z"})").value());

  // Another message, type, reason or object is another event.
  f.recorder->record(ks, EventType::normal, "Progressing", "applied 4 objects");
  f.recorder->record(ks, EventType::warning, "Progressing", "applied 3 objects");
  f.recorder->record(ks, EventType::normal, "Other", "applied 3 objects");
  Node other = ks;
  other["metadata"].set("uid", Node::string("u-2"));
  f.recorder->record(other, EventType::normal, "Progressing", "applied 3 objects");
  f.recorder->flush();
  EXPECT_EQ(f.requests("POST").size(), 5u);
  EXPECT_EQ(f.requests("PATCH").size(), 2u);

  // Ten minutes after the last occurrence: a new event.
  f.now = k_t0 + 28min;
  f.recorder->record(ks, EventType::normal, "Progressing", "applied 3 objects");
  f.recorder->flush();
  EXPECT_EQ(f.requests("POST").size(), 6u);
  EXPECT_EQ(f.requests("PATCH").size(), 2u);
}

TEST(EventRecorder, AnEventDeletedMeanwhileIsCreatedAgain) {
  Fixture f;
  f.fake->routes["PATCH " + std::string(k_events) + "/apps.1886caf223f1ff15"] = {
      {404, R"({"kind":"Status","code":404,"reason":"NotFound"})"}};
  f.recorder->record(kustomization(), EventType::normal, "R", "m");
  f.now += 1s;
  f.recorder->record(kustomization(), EventType::normal, "R", "m");
  f.recorder->flush();
  auto posts = f.requests("POST");
  ASSERT_EQ(posts.size(), 2u);
  Node second = parse_json(posts[1].body).value();
  EXPECT_EQ(second.at_path({"count"})->as_int(), 1);
  EXPECT_EQ(second.string_at({"metadata", "name"}), "apps.1886caf25f8cc915");
  EXPECT_EQ(f.recorder->failed(), 0u);
  EXPECT_TRUE(f.reports.empty());
}

TEST(EventRecorder, MessagesAreCappedAtOneKibibyte) {
  EXPECT_EQ(cap_event_message("short"), "short");
  std::string exact(k_event_message_limit, 'a');
  EXPECT_EQ(cap_event_message(exact), exact);
  std::string longer = exact + "b";
  std::string capped = cap_event_message(longer);
  EXPECT_EQ(capped.size(), k_event_message_limit);
  EXPECT_EQ(capped, std::string(k_event_message_limit - 3, 'a') + "...");
  // A multi-byte character across the cut is dropped whole, never split.
  std::string fits = std::string(1019, 'a') + "\xC3\xA9\xC3\xA9tail";  // "éé": 1019-1022
  EXPECT_EQ(cap_event_message(fits), std::string(1019, 'a') + "\xC3\xA9...");
  std::string split =
      std::string(1020, 'a') + "\xC3\xA9\xC3\xA9tail";  // the cut falls inside the 1st é
  EXPECT_EQ(cap_event_message(split), std::string(1020, 'a') + "...");
  EXPECT_EQ(cap_event_message("\xE2\x82\xAC\xE2\x82\xAC", 5), "...");  // "€€"
  EXPECT_EQ(cap_event_message(std::string(5, 'x'), 4), "x...");

  Fixture f;
  f.recorder->record(kustomization(), EventType::warning, "BuildFailed", std::string(5000, 'e'));
  f.recorder->flush();
  ASSERT_EQ(f.requests("POST").size(), 1u);
  Node event = parse_json(f.requests("POST")[0].body).value();
  EXPECT_EQ(event.string_at({"message"}).size(), k_event_message_limit);
  EXPECT_TRUE(event.string_at({"message"}).ends_with("eee..."));
}

TEST(EventRecorder, FailuresAreReportedOncePerKindAndNeverReachTheCaller) {
  Fixture f;
  f.fake->routes["POST " + std::string(k_events)] = {
      {403, R"({"kind":"Status","code":403,"message":"events is forbidden"})"}};
  for (int i = 0; i < 3; ++i)
    f.recorder->record(kustomization(), EventType::normal, "R", "message " + std::to_string(i));
  f.recorder->flush();
  EXPECT_EQ(f.recorder->failed(), 3u);
  ASSERT_EQ(f.reports.size(), 1u);
  EXPECT_NE(f.reports[0].find("events is forbidden"), std::string::npos) << f.reports[0];
  EXPECT_NE(f.reports[0].find("kustomize-controller"), std::string::npos) << f.reports[0];

  f.fake->routes["POST " + std::string(k_events)] = {{0, ""}};  // connection refused
  f.recorder->record(kustomization(), EventType::normal, "R", "again");
  f.recorder->record(kustomization(), EventType::normal, "R", "and again");
  f.recorder->flush();
  EXPECT_EQ(f.recorder->failed(), 5u);
  EXPECT_EQ(f.reports.size(), 2u) << "a new kind of failure is reported once";

  Node nameless = parse_json(R"({"kind":"Kustomization","metadata":{}})").value();
  f.recorder->record(nameless, EventType::normal, "R", "m");
  f.recorder->flush();
  EXPECT_EQ(f.recorder->failed(), 6u);
  EXPECT_EQ(f.reports.size(), 3u);
}

// A transport whose writes wait until released, as a slow API server would.
class BlockingTransport final : public kube::Transport {
 public:
  Result<kube::HttpResponse> send(const kube::HttpRequest&) override {
    std::unique_lock lock(m_mutex);
    ++m_started;
    m_changed.notify_all();
    m_changed.wait(lock, [this] { return m_released; });
    ++m_done;
    return kube::HttpResponse{201, "{}"};
  }
  Result<kube::HttpResponse> stream(const kube::HttpRequest& r,
                                    const kube::ChunkHandler&) override {
    return send(r);
  }
  void wait_started(int n) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_started >= n; });
  }
  void release() {
    std::lock_guard lock(m_mutex);
    m_released = true;
    m_changed.notify_all();
  }
  int done() {
    std::lock_guard lock(m_mutex);
    return m_done;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_started = 0;
  int m_done = 0;
  bool m_released = false;
};

TEST(EventRecorder, ASlowServerNeverBlocksTheCallerAndAFullQueueDrops) {
  auto transport = std::make_unique<BlockingTransport>();
  BlockingTransport* blocking = transport.get();
  kube::Client client(kube::RestConfig{.server = "https://x"}, std::move(transport), fast_client());
  EventRecorder recorder(client, "source-controller",
                         {.queue_capacity = 2, .instance = "n", .report_failure = [](auto) {}});
  Node ks = kustomization();
  recorder.record(ks, EventType::normal, "R", "m0");
  blocking->wait_started(1);  // the writer is stuck on the first event
  auto begin = std::chrono::steady_clock::now();
  for (int i = 1; i <= 5; ++i)
    recorder.record(ks, EventType::normal, "R", "m" + std::to_string(i));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_EQ(recorder.dropped(), 3u);
  blocking->release();
  recorder.flush();
  EXPECT_EQ(blocking->done(), 3);
  EXPECT_EQ(recorder.failed(), 0u);
}

// --- against the embedded API server ---

class EventRecorderCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("plumb-events-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    auto started =
        localcluster::Cluster::start({.port = 0, .kubeconfig = (dir / "kubeconfig").string()});
    ASSERT_TRUE(started) << started.error().message();
    cluster = std::move(*started);
    auto connected = kube::Client::connect({.kubeconfig = (dir / "kubeconfig").string()});
    ASSERT_TRUE(connected) << connected.error().message();
    client = std::move(*connected);
  }
  void TearDown() override {
    client.reset();
    if (cluster) cluster->stop();
    std::filesystem::remove_all(dir);
  }

  Node create_config_map(std::string_view ns, std::string_view name) {
    Node cm = parse_json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})").value();
    cm["metadata"].set("name", Node::string(name));
    cm["metadata"].set("namespace", Node::string(ns));
    auto resource = client->resource_for("v1", "ConfigMap").value();
    return client->apply(resource, cm, "test", kube::Force::yes, kube::DryRun::no).value();
  }

  std::vector<Node> events(std::string_view ns) {
    Node list =
        client->request({.target = "/api/v1/namespaces/" + std::string(ns) + "/events"}, "events")
            .value();
    std::vector<Node> out;
    for (const Node& item : list.find("items")->items())
      out.push_back(item);
    return out;
  }

  std::filesystem::path dir;
  std::unique_ptr<localcluster::Cluster> cluster;
  std::unique_ptr<kube::Client> client;
};

TEST_F(EventRecorderCluster, CreatesAggregatesAndCapsEvents) {
  Node cm = create_config_map("default", "settings");
  SystemTime now = std::chrono::system_clock::now();
  std::mutex clock_mutex;
  std::vector<std::string> reports;
  EventRecorder recorder(*client, "kustomize-controller",
                         {.now =
                              [&] {
                                std::lock_guard lock(clock_mutex);
                                return now;
                              },
                          .report_failure = [&](std::string_view r) { reports.emplace_back(r); }});
  recorder.record(cm, EventType::normal, "Configured", "ConfigMap/default/settings configured",
                  {{"kustomize.toolkit.fluxcd.io/revision", "main@sha1:1234"}});
  recorder.flush();
  auto first = events("default");
  ASSERT_EQ(first.size(), 1u) << (reports.empty() ? "" : reports[0]);
  const Node& event = first[0];
  EXPECT_EQ(event.string_at({"involvedObject", "uid"}), cm.string_at({"metadata", "uid"}));
  EXPECT_EQ(event.string_at({"involvedObject", "resourceVersion"}),
            cm.string_at({"metadata", "resourceVersion"}));
  EXPECT_EQ(event.string_at({"metadata", "annotations", "kustomize.toolkit.fluxcd.io/revision"}),
            "main@sha1:1234");
  EXPECT_EQ(event.string_at({"source", "component"}), "kustomize-controller");
  EXPECT_EQ(event.at_path({"count"})->as_int(), 1);
  EXPECT_TRUE(event.string_at({"metadata", "name"}).starts_with("settings."));

  {
    std::lock_guard lock(clock_mutex);
    now += 2min;
  }
  recorder.record(cm, EventType::normal, "Configured", "ConfigMap/default/settings configured");
  recorder.record(cm, EventType::warning, "Failed", std::string(3000, 'x'));
  recorder.flush();
  auto after = events("default");
  ASSERT_EQ(after.size(), 2u);
  for (const Node& e : after) {
    if (e.string_at({"reason"}) == "Configured") {
      EXPECT_EQ(e.at_path({"count"})->as_int(), 2);
      EXPECT_NE(e.string_at({"lastTimestamp"}), e.string_at({"firstTimestamp"}));
      EXPECT_EQ(e.string_at({"metadata", "name"}), event.string_at({"metadata", "name"}));
    } else {
      EXPECT_EQ(e.string_at({"type"}), "Warning");
      EXPECT_EQ(e.string_at({"message"}).size(), k_event_message_limit);
    }
  }
  EXPECT_TRUE(reports.empty()) << reports[0];
}

TEST_F(EventRecorderCluster, ClusterScopedObjectsAndAnUnreachableServer) {
  auto ns_resource = client->resource_for("v1", "Namespace").value();
  Node ns =
      parse_json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}})").value();
  ns = client->apply(ns_resource, ns, "test", kube::Force::yes, kube::DryRun::no).value();
  std::vector<std::string> reports;
  {
    EventRecorder recorder(
        *client, "kustomize-controller",
        {.report_failure = [&](std::string_view r) { reports.emplace_back(r); }});
    recorder.record(ns, EventType::normal, "Created", "Namespace/apps created");
    recorder.flush();
    auto listed = events("default");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].string_at({"involvedObject", "kind"}), "Namespace");
    EXPECT_EQ(listed[0].string_at({"involvedObject", "name"}), "apps");

    cluster->stop();
    auto begin = std::chrono::steady_clock::now();
    recorder.record(ns, EventType::normal, "Created", "once more");
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 100ms);
    recorder.flush();
    EXPECT_EQ(recorder.failed(), 1u);
  }
  ASSERT_EQ(reports.size(), 1u);
}

}  // namespace
}  // namespace plumb::controller
