// Helm's release storage end to end: a fresh `plumb cluster` (the real binary) per test and
// the real helm v4.1.4 against it.
//  - helm installs and upgrades a chart; Plumb's storage (controller/helm_storage.hpp) reads
//    helm's records and adopts the release with a revision of its own, which helm then
//    lists and uninstalls.
//  - Plumb renders a chart (helm/template.hpp) and stores revisions 1 and 2; `helm list`,
//    `helm history`, `helm get values` and `helm get manifest` print what Plumb stored.
// A missing helm skips locally and fails in CI (scripts/install-deps puts it in .deps/bin).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "controller/helm_storage.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "helm/release.hpp"
#include "helm/template.hpp"
#include "kube/client.hpp"
#include "support/require.hpp"

namespace plumb::controller {
namespace {

using helm::Release;
using helm::ReleaseStatus;

const std::string k_chart = PLUMB_SOURCE_DIR "/tests/helm/testdata/release/mychart";

struct HelmRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class HelmReleaseE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("helm"), "helm is not installed");
    dir = std::filesystem::temp_directory_path() /
          ("plumb-helm-release-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    kubeconfig = (dir / "kubeconfig").string();

    m_cluster = ::fork();
    ASSERT_GE(m_cluster, 0);
    if (m_cluster == 0) {
      std::string log = (dir / "cluster.log").string();
      (void)std::freopen(log.c_str(), "w", stdout);
      (void)std::freopen(log.c_str(), "a", stderr);
      ::execl(PLUMB_BINARY, "plumb", "cluster", "--port", "0", "--kubeconfig", kubeconfig.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (true) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "plumb cluster did not start";
      if (std::filesystem::exists(kubeconfig) && std::filesystem::file_size(kubeconfig) > 0) {
        auto connected = kube::Client::connect({.kubeconfig = kubeconfig});
        if (connected && (*connected)->request({.target = "/version"}, "version")) {
          client = std::move(*connected);
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void TearDown() override {
    client.reset();
    if (m_cluster > 0) {
      ::kill(m_cluster, SIGTERM);
      ::waitpid(m_cluster, nullptr, 0);
    }
    std::filesystem::remove_all(dir);
  }

  // helm ARGS with this cluster's kubeconfig and a HOME of its own.
  HelmRun helm(const std::string& args) {
    std::string command =
        "HOME='" + dir.string() + "' KUBECONFIG='" + kubeconfig + "' helm " + args + " 2>&1";
    HelmRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
      run.output.append(buffer, n);
    int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  Node helm_json(const std::string& args) {
    HelmRun run = helm(args);
    EXPECT_EQ(run.exit_code, 0) << "helm " << args << ":\n" << run.output;
    auto json = parse_json(run.output);
    EXPECT_TRUE(json) << "helm " << args << " printed:\n" << run.output;
    return json ? *json : Node();
  }

  void create_namespace(std::string_view name) {
    Node ns = *parse_json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{}})");
    ns["metadata"].set("name", Node::string(name));
    auto resource = client->resource_for("v1", "Namespace");
    ASSERT_TRUE(resource);
    ASSERT_TRUE(client->apply(*resource, ns, "test", kube::Force::yes, kube::DryRun::no));
  }

  // The release Plumb would store for `chart` rendered with --set `values`.
  Release render(const std::string& name, const std::string& ns, std::vector<std::string> values) {
    auto fs = make_disk_fs();
    helm::TemplateOptions options;
    options.release_name = name;
    options.namespace_name = ns;
    options.chart_path = k_chart;
    options.values.values = std::move(values);
    auto rendered = helm::template_release(*fs, options);
    EXPECT_TRUE(rendered) << rendered.error().message();
    auto chart = helm::load_chart(*fs, k_chart);
    EXPECT_TRUE(chart) << chart.error().message();
    auto config = helm::merge_values(options.values, *fs);
    EXPECT_TRUE(config) << config.error().message();
    auto hooks = helm::release_hooks(rendered->documents);
    EXPECT_TRUE(hooks) << hooks.error().message();
    Release release;
    release.name = name;
    release.namespace_name = ns;
    release.chart = helm::chart_record(*chart);
    release.config = *config;
    release.manifest = helm::release_manifest(rendered->documents);
    release.hooks = *hooks;
    release.apply_method = "ssa";
    return release;
  }

  // Install or upgrade as Helm records it: pending, then deployed (or `outcome`).
  Release store(Release release, ReleaseStatus outcome = ReleaseStatus::deployed,
                HelmStorageOptions options = {}) {
    HelmStorage storage(*client, options);
    auto now = std::chrono::system_clock::now();
    auto begun = storage.begin_revision(std::move(release), now);
    EXPECT_TRUE(begun) << begun.error().message();
    if (!begun) return {};
    Release stored = *begun;
    auto done = storage.finish_revision(
        stored, outcome, stored.version == 1 ? "Install complete" : "Upgrade complete", now);
    EXPECT_TRUE(done) << done.error().message();
    return stored;
  }

  std::filesystem::path dir;
  std::string kubeconfig;
  std::unique_ptr<kube::Client> client;

 private:
  pid_t m_cluster = -1;
};

TEST_F(HelmReleaseE2E, PlumbReadsAndAdoptsWhatHelmInstalled) {
  HelmRun install =
      helm("install adopt " + k_chart + " -n default --set replicaCount=3 --description 'by helm'");
  ASSERT_EQ(install.exit_code, 0) << install.output;
  HelmRun upgrade = helm("upgrade adopt " + k_chart + " -n default --set replicaCount=4");
  ASSERT_EQ(upgrade.exit_code, 0) << upgrade.output;

  HelmStorage storage(*client);
  auto history = storage.history("default", "adopt");
  ASSERT_TRUE(history) << history.error().message();
  ASSERT_EQ(history->size(), 2u);
  const Release& first = (*history)[0];
  const Release& second = (*history)[1];
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.info.status, ReleaseStatus::superseded);
  EXPECT_EQ(first.info.description, "by helm");
  EXPECT_EQ(to_json(first.config), R"({"replicaCount":3})");
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(second.info.status, ReleaseStatus::deployed);
  EXPECT_EQ(second.info.description, "Upgrade complete");
  EXPECT_EQ(second.info.first_deployed, first.info.first_deployed);
  EXPECT_EQ(second.chart_name(), "mychart");
  EXPECT_EQ(second.app_version(), "1.16.0");
  // What helm stored is what Plumb renders for the same input.
  Release mine = render("adopt", "default", {"replicaCount=4"});
  EXPECT_EQ(second.manifest, mine.manifest);
  EXPECT_EQ(to_json(second.hooks), to_json(mine.hooks));
  EXPECT_FALSE(second.info.notes.empty());

  auto deployed = storage.deployed("default", "adopt");
  ASSERT_TRUE(deployed && *deployed);
  EXPECT_EQ((*deployed)->version, 2);

  // Plumb takes over: revision 3 is its own, and helm sees it.
  Release third = store(render("adopt", "default", {"replicaCount=5"}));
  EXPECT_EQ(third.version, 3);
  EXPECT_EQ(third.info.first_deployed, first.info.first_deployed);
  Node helm_history = helm_json("history adopt -n default -o json");
  ASSERT_EQ(helm_history.size(), 3u) << to_json(helm_history);
  EXPECT_EQ(helm_history.items()[1].string_at({"status"}), "superseded");
  EXPECT_EQ(helm_history.items()[2].string_at({"status"}), "deployed");
  EXPECT_EQ(to_json(helm_json("get values adopt -n default -o json")), R"({"replicaCount":5})");

  // And helm can upgrade from Plumb's revision, then uninstall it all.
  HelmRun again = helm("upgrade adopt " + k_chart + " -n default --reuse-values --set image.tag=x");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(to_json(helm_json("get values adopt -n default -o json")),
            R"({"image":{"tag":"x"},"replicaCount":5})");
  HelmRun uninstall = helm("uninstall adopt -n default");
  ASSERT_EQ(uninstall.exit_code, 0) << uninstall.output;
  auto after = storage.history("default", "adopt");
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_TRUE(after->empty());
}

TEST_F(HelmReleaseE2E, HelmSeesWhatPlumbStored) {
  create_namespace("shop");
  Release first = store(render("web", "shop", {"replicaCount=2"}));
  Release second = store(render("web", "shop", {"replicaCount=5", "service.port=8080"}));
  ASSERT_EQ(first.version, 1);
  ASSERT_EQ(second.version, 2);
  std::string chart = std::string(second.chart_name()) + "-" + std::string(second.chart_version());

  Node list = helm_json("list -n shop -o json");
  ASSERT_EQ(list.size(), 1u) << to_json(list);
  const Node& entry = list.items()[0];
  EXPECT_EQ(entry.string_at({"name"}), "web");
  EXPECT_EQ(entry.string_at({"namespace"}), "shop");
  EXPECT_EQ(entry.string_at({"revision"}), "2");
  EXPECT_EQ(entry.string_at({"status"}), "deployed");
  EXPECT_EQ(entry.string_at({"chart"}), chart);
  EXPECT_EQ(entry.string_at({"app_version"}), second.app_version());

  Node history = helm_json("history web -n shop -o json");
  ASSERT_EQ(history.size(), 2u) << to_json(history);
  EXPECT_EQ(history.items()[0].find("revision")->as_int(), 1);
  EXPECT_EQ(history.items()[0].string_at({"status"}), "superseded");
  EXPECT_EQ(history.items()[0].string_at({"description"}), "Install complete");
  EXPECT_EQ(history.items()[1].find("revision")->as_int(), 2);
  EXPECT_EQ(history.items()[1].string_at({"status"}), "deployed");
  EXPECT_EQ(history.items()[1].string_at({"description"}), "Upgrade complete");
  EXPECT_EQ(history.items()[1].string_at({"chart"}), chart);
  EXPECT_EQ(history.items()[1].string_at({"updated"}),
            format_rfc3339_nano(*second.info.last_deployed));

  EXPECT_EQ(helm_json("get values web -n shop -o json"), second.config);
  EXPECT_EQ(helm_json("get values web -n shop --revision 1 -o json"), first.config);
  Node all = helm_json("get values web -n shop --all -o json");
  EXPECT_EQ(all.find("replicaCount")->as_int(), 5);
  EXPECT_EQ(all.string_at({"image", "repository"}), "nginx") << "the chart's defaults under it";

  HelmRun manifest = helm("get manifest web -n shop");
  ASSERT_EQ(manifest.exit_code, 0) << manifest.output;
  EXPECT_EQ(manifest.output, second.manifest + "\n");
  HelmRun hooks = helm("get hooks web -n shop");
  ASSERT_EQ(hooks.exit_code, 0) << hooks.output;
  EXPECT_NE(hooks.output.find("web-mychart-test-connection"), std::string::npos) << hooks.output;

  // Uninstall keeping history: helm shows the last revision uninstalled; then without.
  HelmStorage storage(*client);
  auto kept = storage.uninstall("shop", "web", KeepHistory::yes, std::chrono::system_clock::now());
  ASSERT_TRUE(kept && *kept);
  Node after = helm_json("history web -n shop -o json");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after.items()[1].string_at({"status"}), "uninstalled");
  // helm v4 lists every state unless asked for some.
  Node listed = helm_json("list -n shop -o json");
  ASSERT_EQ(listed.size(), 1u) << to_json(listed);
  EXPECT_EQ(listed.items()[0].string_at({"status"}), "uninstalled");
  EXPECT_EQ(helm_json("list -n shop --deployed -o json").size(), 0u);
  auto gone = storage.uninstall("shop", "web", KeepHistory::no, std::chrono::system_clock::now());
  ASSERT_TRUE(gone && *gone);
  HelmRun none = helm("history web -n shop");
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("release: not found"), std::string::npos) << none.output;
}

// Helm's --history-max: the oldest revisions go before a new one is created, never the newest
// deployed one.
TEST_F(HelmReleaseE2E, MaxHistorySparesTheDeployedRevision) {
  create_namespace("shop");
  HelmStorageOptions three{.max_history = 3};
  for (int i = 1; i <= 4; ++i)
    store(render("web", "shop", {"replicaCount=" + std::to_string(i)}), ReleaseStatus::deployed,
          three);
  auto versions = [&] {
    std::vector<int64_t> out;
    Node history = helm_json("history web -n shop -o json");
    for (const Node& entry : history.items())
      out.push_back(entry.find("revision")->as_int());
    return out;
  };
  EXPECT_EQ(versions(), (std::vector<int64_t>{2, 3, 4}));

  // Two failed upgrades after revision 4: with room for two, revision 4 (deployed) stays.
  HelmStorageOptions two{.max_history = 2};
  store(render("web", "shop", {"replicaCount=5"}), ReleaseStatus::failed, two);
  store(render("web", "shop", {"replicaCount=6"}), ReleaseStatus::failed, two);
  EXPECT_EQ(versions(), (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(to_json(helm_json("get values web -n shop -o json")), R"({"replicaCount":6})")
      << "helm get shows the newest revision";
  EXPECT_EQ(to_json(helm_json("get values web -n shop --revision 4 -o json")),
            R"({"replicaCount":4})");
  Node listed = helm_json("list -n shop -o json");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed.items()[0].string_at({"status"}), "failed");
}

}  // namespace
}  // namespace plumb::controller
