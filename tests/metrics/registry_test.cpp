#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <thread>

#include "metrics/families.hpp"
#include "metrics/process.hpp"
#include "support/require.hpp"

namespace plumb::metrics {
namespace {

TEST(MetricsText, CounterAndGaugeWithHelpTypeAndSortedSeries) {
  Registry registry;
  auto& syncs = registry.counter("plumb_syncs_total", "Syncs done.", {"kind", "action"});
  syncs.with({"Kustomization", "pruned"}).inc();
  syncs.with({"Kustomization", "applied"}).inc(2);
  syncs.with({"HelmRelease", "applied"}).inc();
  registry.gauge("a_gauge", "First by name.").with({}).set(-1.5);
  EXPECT_EQ(registry.text(),
            "# HELP a_gauge First by name.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge -1.5\n"
            "# HELP plumb_syncs_total Syncs done.\n"
            "# TYPE plumb_syncs_total counter\n"
            "plumb_syncs_total{kind=\"HelmRelease\",action=\"applied\"} 1\n"
            "plumb_syncs_total{kind=\"Kustomization\",action=\"applied\"} 2\n"
            "plumb_syncs_total{kind=\"Kustomization\",action=\"pruned\"} 1\n");
}

TEST(MetricsText, HistogramHasCumulativeBucketsInfSumAndCount) {
  Registry registry;
  auto& h = registry.histogram("d_seconds", "Durations.", {"kind"}, {0.1, 1, 10});
  Histogram& k = h.with({"K"});
  k.observe(0.05);
  k.observe(0.1);  // on a bound: counted in it (le is "less or equal")
  k.observe(5);
  k.observe(100);
  EXPECT_EQ(registry.text(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{kind=\"K\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{kind=\"K\",le=\"1\"} 2\n"
            "d_seconds_bucket{kind=\"K\",le=\"10\"} 3\n"
            "d_seconds_bucket{kind=\"K\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{kind=\"K\"} 105.15\n"
            "d_seconds_count{kind=\"K\"} 4\n");
}

TEST(MetricsText, UnlabelledFamiliesExistFromTheStart) {
  Registry registry;
  registry.histogram("fetch_seconds", "Fetches.", {}, {1});
  registry.counter("c_total", "C.");
  registry.gauge("labelled", "No series yet: declared only.", {"x"});
  EXPECT_EQ(registry.text(),
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 0\n"
            "# HELP fetch_seconds Fetches.\n# TYPE fetch_seconds histogram\n"
            "fetch_seconds_bucket{le=\"1\"} 0\nfetch_seconds_bucket{le=\"+Inf\"} 0\n"
            "fetch_seconds_sum 0\nfetch_seconds_count 0\n"
            "# HELP labelled No series yet: declared only.\n# TYPE labelled gauge\n");
}

TEST(MetricsText, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.gauge("g", "Help with \\ and\nnewline \"quotes\" stay.", {"v"})
      .with({"a\\b\"c\nd"})
      .set(1);
  EXPECT_EQ(registry.text(),
            "# HELP g Help with \\\\ and\\nnewline \"quotes\" stay.\n"
            "# TYPE g gauge\n"
            "g{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsText, SpecialAndSmallValues) {
  std::string out;
  for (double v :
       {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN(), 1e-8, 0.25, 3.0, 1e21}) {
    append_value(out, v);
    out += ' ';
  }
  EXPECT_EQ(out, "+Inf -Inf NaN 1e-08 0.25 3 1e+21 ");
}

TEST(MetricsRegistry, RemovingSeriesOfADeletedObject) {
  Registry registry;
  auto& cond = registry.gauge("cond", "C.", {"kind", "name", "namespace", "status"});
  for (std::string status : {"True", "False"}) {
    cond.with({"Kustomization", "apps", "flux-system", status}).set(1);
    cond.with({"Kustomization", "infra", "flux-system", status}).set(1);
  }
  std::array<std::pair<std::string_view, std::string_view>, 3> apps{
      {{"kind", "Kustomization"}, {"name", "apps"}, {"namespace", "flux-system"}}};
  EXPECT_EQ(cond.remove_matching(apps), 2u);
  EXPECT_EQ(cond.size(), 2u);
  EXPECT_EQ(registry.text().find("\"apps\""), std::string::npos);
  EXPECT_TRUE(cond.remove({"Kustomization", "infra", "flux-system", "True"}));
  EXPECT_FALSE(cond.remove({"Kustomization", "infra", "flux-system", "True"}));
  EXPECT_EQ(cond.size(), 1u);
}

TEST(MetricsText, PassesPromtool) {
  Registry registry;
  registry.histogram("d_seconds", "Durations.", {"kind"}, exponential_buckets(0.01, 10, 5))
      .with({"K"})
      .observe(0.3);
  registry.counter("c_total", "Quotes \" and \\ and\nnewlines.", {"v"}).with({"a\"b\\c\nd"}).inc();
  registry.gauge("empty", "Declared, no series.", {"x"});
  add_process_metrics(registry);
  RestClientMetrics rest(registry);
  rest.record("GET", 0, std::chrono::milliseconds(1));
  PLUMB_REQUIRE(test_support::have_tool("promtool"), "promtool (Debian package prometheus)");
  std::string path = ::testing::TempDir() + "metrics_promtool.txt";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(f);
  std::string text = registry.text();
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  EXPECT_EQ(std::system(("promtool check metrics < " + path).c_str()), 0) << text;
}

TEST(MetricsRegistry, RegisteringAgainFindsTheSameFamily) {
  Registry registry;
  auto& a = registry.counter("x_total", "X.", {"l"});
  auto& b = registry.counter("x_total", "X.", {"l"});
  EXPECT_EQ(&a, &b);
  a.with({"v"}).inc();
  EXPECT_EQ(b.with({"v"}).value(), 1);
}

TEST(MetricsRegistryDeathTest, ConflictingRegistrationAndBadNamesAbort) {
  Registry registry;
  registry.counter("x_total", "X.", {"l"});
  EXPECT_DEATH(registry.gauge("x_total", "X.", {"l"}), "registered twice");
  EXPECT_DEATH(registry.counter("bad-name", "X."), "invalid metric name");
  EXPECT_DEATH(registry.histogram("h", "H.", {"le"}, {1}), "invalid label name");
  EXPECT_DEATH(registry.counter("x_total", "X.", {"l"}).with({"a", "b"}), "2 label values");
}

TEST(MetricsNames, PrometheusGrammar) {
  EXPECT_TRUE(valid_metric_name("gotk_reconcile_duration_seconds"));
  EXPECT_TRUE(valid_metric_name("a:b_c1"));
  EXPECT_FALSE(valid_metric_name("1abc"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_TRUE(valid_label_name("exported_namespace"));
  EXPECT_FALSE(valid_label_name("__name__"));
  EXPECT_FALSE(valid_label_name("a:b"));
}

TEST(MetricsRegistry, ConcurrentRecordingLosesNothing) {
  Registry registry;
  auto& c = registry.counter("c_total", "C.", {"t"});
  auto& h = registry.histogram("h", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.with({"x"}).inc();
        h.with({}).observe(0.5);
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(c.with({"x"}).value(), 40000);
  Histogram::Snapshot snap = h.with({}).snapshot();
  EXPECT_EQ(snap.count, 40000u);
  EXPECT_EQ(snap.sum, 20000);
}

TEST(MetricsProcess, ReadsProcSelf) {
  auto stats = read_process_stats();
  ASSERT_TRUE(stats);
  EXPECT_GT(stats->resident_bytes, 1 << 20);
  EXPECT_GE(stats->virtual_bytes, stats->resident_bytes);
  EXPECT_GE(stats->open_fds, 3);
  EXPECT_GE(stats->max_fds, stats->open_fds);
  double now = double(std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  EXPECT_LE(stats->start_time_seconds, now + 1);
  EXPECT_GT(stats->start_time_seconds, now - 3600);
  Registry registry;
  add_process_metrics(registry);
  std::string text = registry.text();
  for (const char* name : {"process_cpu_seconds_total counter", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"})
    EXPECT_NE(text.find(std::string("# TYPE ") + name), std::string::npos) << name;
}

TEST(MetricsFamilies, ClientGoAndControllerRuntimeNames) {
  Registry registry;
  RestClientMetrics rest(registry);
  rest.record("GET", 200, std::chrono::milliseconds(3));
  rest.record("PATCH", 0, std::chrono::milliseconds(30));
  QueueMetrics queue(registry, "reconcile");
  queue.added(1);
  queue.taken(0, std::chrono::milliseconds(2));
  queue.retried();
  DeliveryMetrics deliveries(registry);
  deliveries.record_delivery("slack", false);
  std::string text = registry.text();
  for (const char* line :
       {"rest_client_requests_total{code=\"200\",method=\"GET\"} 1\n",
        "rest_client_requests_total{code=\"<error>\",method=\"PATCH\"} 1\n",
        "rest_client_request_duration_seconds_bucket{verb=\"GET\",le=\"0.005\"} 1\n",
        "rest_client_request_duration_seconds_bucket{verb=\"PATCH\",le=\"0.025\"} 0\n",
        "workqueue_adds_total{name=\"reconcile\"} 1\n", "workqueue_depth{name=\"reconcile\"} 0\n",
        "workqueue_retries_total{name=\"reconcile\"} 1\n",
        "workqueue_queue_duration_seconds_count{name=\"reconcile\"} 1\n",
        "plumb_notification_deliveries_total{provider_type=\"slack\",result=\"failure\"} 1\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
}

}  // namespace
}  // namespace plumb::metrics
