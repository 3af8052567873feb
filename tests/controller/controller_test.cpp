// The continuous controller and the reconcilers against the embedded API server and a real
// git repository: what they read from the watch cache instead of the API server, the order of
// a source's first fetch and its Kustomizations, Ready that does not flap for a revision that
// changes nothing, and the inventory a prune relies on when the cache lags behind.
#include "controller/controller.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <span>
#include <thread>

#include "core/conditions.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"
#include "source/git_repo.hpp"
#include "support/eventually.hpp"

namespace plumb::controller {
namespace {

using namespace std::chrono_literals;

std::string config_map(std::string_view name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + std::string(name) +
         "\ndata:\n  k: v\n";
}

class ControllerTest : public source::GitRepoTest {
 protected:
  void SetUp() override {
    GitRepoTest::SetUp();
    auto started = localcluster::Cluster::start({.port = 0, .kubeconfig = m_dir + "/kubeconfig"});
    ASSERT_TRUE(started) << started.error().message();
    cluster = std::move(*started);
    // The controller's client, whose requests the tests count, and the test's own.
    client = kube::Client::connect({.kubeconfig = m_dir + "/kubeconfig"}).value();
    probe = kube::Client::connect({.kubeconfig = m_dir + "/kubeconfig"}).value();
    ASSERT_TRUE(install_flux_crds(*probe));
    apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n");
    apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
  }
  void TearDown() override {
    controller.reset();
    client.reset();
    probe.reset();
    if (cluster) cluster->stop();
    GitRepoTest::TearDown();
  }

  // Server-side apply as field manager `manager`.
  void apply_yaml(const std::string& text, const std::string& manager = "test") {
    Node object = parse_yaml(text, "test").value();
    auto resource =
        probe->resource_for(object.string_at({"apiVersion"}), object.string_at({"kind"}));
    ASSERT_TRUE(resource) << resource.error().message();
    auto applied = probe->apply(*resource, object, manager, kube::Force::yes, kube::DryRun::no);
    ASSERT_TRUE(applied) << applied.error().message();
  }
  void apply_source(const std::string& url) {
    apply_yaml(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n"
        "  name: repo\n  namespace: flux-system\nspec:\n  interval: 60m\n  url: " +
        url + "\n  ref:\n    branch: main\n");
  }
  // A Kustomization of apps/NAME (prune, wait) into the namespace "apps".
  void apply_kustomization(const std::string& name, const std::string& timeout = "1m") {
    apply_yaml(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
        "  name: " +
        name +
        "\n  namespace: flux-system\nspec:\n  interval: 60m\n"
        "  path: ./apps/" +
        name + "\n  prune: true\n  wait: true\n  timeout: " + timeout +
        "\n  targetNamespace: apps\n"
        "  sourceRef:\n    kind: GitRepository\n    name: repo\n");
  }
  // One commit with a ConfigMap per app, the source and a Kustomization per app; the commit.
  std::string commit_apps(const std::vector<std::string>& names) {
    for (const std::string& n : names)
      write("apps/" + n + "/cm.yaml", config_map(n));
    std::string head = commit("apps");
    apply_source("file://" + m_repo);
    for (const std::string& n : names)
      apply_kustomization(n);
    return head;
  }
  std::optional<Node> kustomization(const std::string& name) {
    return probe->get(k_kustomizations, "flux-system", name).value();
  }
  bool ready_at(const std::string& name, const std::string& revision) {
    auto ks = kustomization(name);
    return ks && is_ready(*ks) &&
           ks->string_at({"status", "lastAppliedRevision"}) == "main@sha1:" + revision;
  }
  bool all_ready_at(const std::vector<std::string>& names, const std::string& revision) {
    for (const std::string& n : names)
      if (!ready_at(n, revision)) return false;
    return true;
  }
  // "STATUS REASON" of the Ready condition, "" without one.
  std::string ready_reason(const std::string& name) {
    auto ks = kustomization(name);
    const Node* conditions = ks ? ks->at_path({"status", "conditions"}) : nullptr;
    for (const Node& c : conditions ? conditions->items() : std::span<const Node>()) {
      if (c.string_at({"type"}) == "Ready")
        return std::string(c.string_at({"status"})) + " " + std::string(c.string_at({"reason"}));
    }
    return "";
  }
  bool config_map_exists(const std::string& name) {
    static const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};
    return probe->get(k_config_maps, "apps", name).value().has_value();
  }

  void start_controller(std::vector<Observer*> observers = {}) {
    controller = std::make_unique<Controller>(
        *client,
        ControllerOptions{
            .cache_dir = m_dir + "/cache",
            .event =
                [this](const Node&, bool warning, const std::string& reason, const std::string&) {
                  std::lock_guard lock(events_mutex);
                  events.push_back((warning ? "Warning " : "Normal ") + reason);
                },
            .observers = std::move(observers)});
    ASSERT_TRUE(controller->start());
  }
  std::vector<std::string> recorded() {
    std::lock_guard lock(events_mutex);
    return events;
  }

  std::unique_ptr<localcluster::Cluster> cluster;
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<kube::Client> probe;
  std::unique_ptr<Controller> controller;
  std::mutex events_mutex;
  std::vector<std::string> events;
};

std::vector<std::string> app_names(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i)
    names.push_back("app-" + std::to_string(i));
  return names;
}

TEST_F(ControllerTest, KustomizationsWaitForTheirSourcesFirstFetchAndReadFromTheCache) {
  const std::vector<std::string> names = app_names(12);
  std::string head = commit_apps(names);
  start_controller();
  ASSERT_TRUE(eventually([&] { return all_ready_at(names, head); }));
  // No Kustomization was reconciled before its source had a revision: nothing failed.
  for (const std::string& e : recorded())
    EXPECT_EQ(e.find("Warning"), std::string::npos) << e;
  // Reads: discovery, the initial lists, a few GETs before a watch is synced. Flux objects and
  // the live objects come from the watch cache (fetching them took 8 reads per Kustomization).
  EXPECT_LT(client->counts().reads, 3 * names.size());
  // Writes: the source's status; per Kustomization its finalizer, its ConfigMap,
  // Ready=Unknown while health is judged, Ready=True; a Kustomization a worker held when the
  // revision came is reconciled once more (one more status write).
  EXPECT_LE(client->counts().writes, 1 + 4 * names.size() + 4);
}

TEST_F(ControllerTest, AFailedFirstFetchReleasesTheKustomizationsWaitingForIt) {
  apply_source("file://" + m_dir + "/no-such-repository");
  apply_kustomization("app-0");
  start_controller();
  // The fetch failed; the Kustomization that waited for it says why it has nothing to apply.
  EXPECT_TRUE(eventually([&] { return ready_reason("app-0") == "False ArtifactFailed"; }));
}

TEST_F(ControllerTest, ARevisionThatChangesNothingKeepsReadyTrue) {
  const std::vector<std::string> names = app_names(3);
  std::string first = commit_apps(names);
  start_controller();
  ASSERT_TRUE(eventually([&] { return all_ready_at(names, first); }));
  // Settled: the finalizer (added after the first reconcile) is on every one of them.
  ASSERT_TRUE(eventually([&] {
    for (const std::string& n : names) {
      auto ks = kustomization(n);
      if (!ks || !holds_finalizer(*ks)) return false;
    }
    return true;
  }));

  // Every status the Kustomizations go through from now on.
  kube::WatchCache watch(*probe);
  ASSERT_TRUE(watch.watch(k_kustomizations, "flux-system"));
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> seen;  // name → Ready statuses
  watch.subscribe([&](const kube::WatchEvent& event, const kube::Resource&) {
    std::string ready = "missing";
    if (const Node* conditions = event.object.at_path({"status", "conditions"})) {
      for (const Node& c : conditions->items())
        if (c.string_at({"type"}) == "Ready") ready = std::string(c.string_at({"status"}));
    }
    std::lock_guard lock(mutex);
    seen[std::string(event.object.string_at({"metadata", "name"}))].push_back(ready);
  });
  write("README.md", "nothing the apps read\n");
  std::string second = commit("readme");
  ASSERT_TRUE(controller->refresh_source("flux-system", "repo"));
  ASSERT_TRUE(eventually([&] { return all_ready_at(names, second); }));
  // The probe's GET can see the write before the watch delivers it.
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return std::all_of(names.begin(), names.end(),
                       [&](const std::string& n) { return !seen[n].empty(); });
  }));
  watch.stop();
  std::lock_guard lock(mutex);
  for (const std::string& n : names) {
    // One status write: Ready=True at the new revision, never Unknown in between.
    EXPECT_EQ(seen[n], std::vector<std::string>{"True"}) << n;
  }
}

// A reconcile supersedes the health wait of the one before: when that wait ends later, it must
// not write its older outcome over the newer status.
TEST_F(ControllerTest, AFailedReconcileEndsTheHealthWaitBeforeIt) {
  write("apps/app-0/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
        "      labels: {app: web}\n    spec:\n      containers:\n"
        "      - name: web\n        image: example/fail:1\n");  // never becomes ready
  commit("web");
  apply_source("file://" + m_repo);
  apply_kustomization("app-0", "2s");
  start_controller();
  ASSERT_TRUE(eventually([&] { return ready_reason("app-0") == "Unknown Progressing"; }));
  write("apps/app-0/broken.yaml", "kind: [unclosed\n");
  commit("broken");
  ASSERT_TRUE(controller->refresh_source("flux-system", "repo"));
  ASSERT_TRUE(eventually([&] { return ready_reason("app-0") == "False BuildFailed"; }));
  std::this_thread::sleep_for(2500ms);  // past the first wait's 2 s deadline
  EXPECT_EQ(ready_reason("app-0"), "False BuildFailed");
}

// Deleting a Kustomization with prune: true waits for its objects: the finalizer holds the
// object until its inventory is pruned, so when the Kustomization is gone, so are they.
TEST_F(ControllerTest, DeletingAKustomizationWithPruneRemovesItsObjectsFirst) {
  std::string head = commit_apps({"app-0"});
  start_controller();
  ASSERT_TRUE(eventually([&] { return ready_at("app-0", head); }));
  ASSERT_TRUE(eventually([&] {
    auto ks = kustomization("app-0");
    return ks && holds_finalizer(*ks);
  }));
  ASSERT_TRUE(probe->remove(k_kustomizations, "flux-system", "app-0"));
  bool gone_before_its_objects = false;
  ASSERT_TRUE(eventually([&] {
    if (kustomization("app-0")) return false;
    gone_before_its_objects = config_map_exists("app-0");
    return true;
  }));
  EXPECT_FALSE(gone_before_its_objects);
  EXPECT_FALSE(config_map_exists("app-0"));
}

// Flux leaves the objects of a suspended Kustomization in place when it is deleted.
TEST_F(ControllerTest, DeletingASuspendedKustomizationKeepsItsObjects) {
  std::string head = commit_apps({"app-0"});
  start_controller();
  ASSERT_TRUE(eventually([&] { return ready_at("app-0", head); }));
  apply_yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
      "  name: app-0\n  namespace: flux-system\nspec:\n  suspend: true\n",
      "flux-cli");
  ASSERT_TRUE(eventually([&] {
    auto ks = kustomization("app-0");
    return ks && ks->at_path({"spec", "suspend"}) && ks->at_path({"spec", "suspend"})->as_bool();
  }));
  ASSERT_TRUE(probe->remove(k_kustomizations, "flux-system", "app-0"));
  ASSERT_TRUE(eventually([&] { return !kustomization("app-0"); }));
  EXPECT_TRUE(config_map_exists("app-0"));
}

// After a restart with an empty git cache, the revision in the source's status names a commit
// the cache lacks. The Kustomization waits for the source's fetch instead of failing.
TEST_F(ControllerTest, ARestartWithAnEmptyCacheWaitsForTheFetch) {
  std::string head = commit_apps({"app-0"});
  start_controller();
  ASSERT_TRUE(eventually([&] { return ready_at("app-0", head); }));
  controller.reset();
  std::filesystem::remove_all(m_dir + "/cache");
  {
    std::lock_guard lock(events_mutex);
    events.clear();
  }
  // A new spec: the restarted controller must reconcile it, at the revision in status.
  apply_yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
      "  name: app-0\n  namespace: flux-system\nspec:\n  retryInterval: 59m\n",
      "kubectl-edit");
  start_controller();
  ASSERT_TRUE(eventually([&] {
    auto ks = kustomization("app-0");
    return ks && ks->at_path({"status", "observedGeneration"}) &&
           ks->at_path({"status", "observedGeneration"})->as_int() ==
               ks->at_path({"metadata", "generation"})->as_int();
  }));
  EXPECT_EQ(ready_reason("app-0"), "True ReconciliationSucceeded");
  for (const std::string& e : recorded())
    EXPECT_EQ(e.find("Warning"), std::string::npos) << e;
}

// A prune needs the inventory the last reconcile wrote. A cache that has not seen that write
// yet (here: one stopped before it) must not hand the reconciler an older status.
TEST_F(ControllerTest, PruneUsesTheInventoryJustWrittenWhenTheCacheLags) {
  write("apps/app-0/a.yaml", config_map("a"));
  write("apps/app-0/b.yaml", config_map("b"));
  commit("a and b");
  apply_source("file://" + m_repo);
  apply_kustomization("app-0");
  kube::WatchCache frozen(*client);
  ASSERT_TRUE(frozen.watch(k_kustomizations, ""));
  ASSERT_TRUE(frozen.watch(k_git_repositories, ""));
  frozen.stop();  // it keeps the objects as they were, without status
  SourceCache sources(m_dir + "/cache");
  Reconcilers reconcilers(*client, sources, {}, &frozen);
  // The --once script: read, reconcile, write status.
  auto run = [&](const kube::Resource& resource) {
    std::string name = &resource == &k_git_repositories ? "repo" : "app-0";
    auto object = reconcilers.read(resource, "flux-system", name).value().value();
    Outcome outcome = &resource == &k_git_repositories
                          ? reconcilers.reconcile_source(object)
                          : reconcilers.reconcile_kustomization(object, HealthMode::inline_wait);
    EXPECT_TRUE(reconcilers.write_status(resource, object, outcome));
    return outcome;
  };
  ASSERT_FALSE(run(k_git_repositories).failed());
  ASSERT_FALSE(run(k_kustomizations).failed());
  ASSERT_TRUE(config_map_exists("a") && config_map_exists("b"));

  std::filesystem::remove(m_repo + "/apps/app-0/b.yaml");
  std::string head = commit("b removed");
  ASSERT_FALSE(run(k_git_repositories).failed());
  Outcome outcome = run(k_kustomizations);
  ASSERT_FALSE(outcome.failed()) << outcome.error.message();
  EXPECT_EQ(outcome.revision, "main@sha1:" + head);
  EXPECT_TRUE(config_map_exists("a"));
  EXPECT_FALSE(config_map_exists("b"));
}

}  // namespace
}  // namespace plumb::controller

namespace plumb::controller {
namespace {

// What the observers are told, kept for the test.
class RecordingObserver : public Observer {
 public:
  bool wants_details() const override { return true; }  // as the journal
  void on_reconcile(const ReconcileRecord& record) override {
    std::lock_guard lock(m_mutex);
    m_records.push_back(record);
  }
  void on_event(const EventRecord& event) override {
    std::lock_guard lock(m_mutex);
    m_events.push_back(event);
  }
  // The records of Kustomization `name` that did something (not noop).
  std::vector<ReconcileRecord> records(const std::string& name) {
    std::lock_guard lock(m_mutex);
    std::vector<ReconcileRecord> out;
    for (const ReconcileRecord& r : m_records)
      if (r.kind == "Kustomization" && r.name == name && !r.noop) out.push_back(r);
    return out;
  }
  std::vector<EventRecord> events() {
    std::lock_guard lock(m_mutex);
    return m_events;
  }

 private:
  std::mutex m_mutex;
  std::vector<ReconcileRecord> m_records;
  std::vector<EventRecord> m_events;
};

TEST_F(ControllerTest, ObserversAreToldWhyEachReconcileRanAndWhatItDid) {
  RecordingObserver observer;
  // The controller stops before the observer goes, whichever way the test ends.
  struct StopFirst {
    std::unique_ptr<Controller>& controller;
    ~StopFirst() { controller.reset(); }
  } stop_first{controller};
  std::string first = commit_apps({"app-0"});
  start_controller({&observer});
  ASSERT_TRUE(eventually([&] { return ready_at("app-0", first); }));
  ASSERT_TRUE(eventually([&] { return !observer.records("app-0").empty(); }));
  {
    ReconcileRecord r = observer.records("app-0").front();
    EXPECT_EQ(to_string(r.trigger), "created");
    EXPECT_EQ(r.revision, "main@sha1:" + first);
    EXPECT_EQ(r.commit_message, "apps");
    EXPECT_NE(r.commit_author.find('<'), std::string::npos) << r.commit_author;
    EXPECT_EQ(r.namespace_, "flux-system");
    EXPECT_EQ(r.api_version, "kustomize.toolkit.fluxcd.io/v1");
    ASSERT_EQ(r.sync.objects.size(), 1u);
    EXPECT_EQ(r.sync.objects[0].action, sync::Action::created);
    EXPECT_LE(r.started, r.finished);
  }

  // A new commit fetched through a webhook: the Kustomization's record says so.
  write("apps/app-0/cm.yaml", config_map("app-0") + "  k2: v2\n");
  std::string second = commit("second");
  ASSERT_TRUE(controller->refresh_source("flux-system", "repo", "/hook/github delivery d-42"));
  ASSERT_TRUE(eventually([&] { return ready_at("app-0", second); }));
  ASSERT_TRUE(eventually([&] {
    for (const ReconcileRecord& r : observer.records("app-0"))
      if (r.revision == "main@sha1:" + second && r.trigger == Trigger::source) return true;
    return false;
  }));
  for (const ReconcileRecord& r : observer.records("app-0")) {
    if (r.revision != "main@sha1:" + second || r.trigger != Trigger::source) continue;
    EXPECT_NE(r.trigger_detail.find("GitRepository/flux-system/repo"), std::string::npos);
    EXPECT_NE(r.trigger_detail.find("d-42"), std::string::npos) << r.trigger_detail;
    EXPECT_EQ(r.commit_message, "second");
  }
  // The reconcile of the new revision began with a progress event, and its events carry it.
  bool progress = false, succeeded = false;
  for (const EventRecord& e : observer.events()) {
    if (e.involved.string_at({"metadata", "name"}) != "app-0") continue;
    if (e.progress && e.metadata.count("revision") &&
        e.metadata.at("revision") == "main@sha1:" + second)
      progress = true;
    if (!e.progress && e.reason == "ReconciliationSucceeded" && e.metadata.count("revision") &&
        e.metadata.at("revision") == "main@sha1:" + second)
      succeeded = true;
  }
  EXPECT_TRUE(progress);
  EXPECT_TRUE(succeeded);

  // A drift repair is a record of its own.
  static const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};
  ASSERT_TRUE(probe->remove(k_config_maps, "apps", "app-0"));
  ASSERT_TRUE(eventually([&] {
    for (const ReconcileRecord& r : observer.records("app-0"))
      if (r.trigger == Trigger::drift) return true;
    return false;
  }));
  for (const ReconcileRecord& r : observer.records("app-0")) {
    if (r.trigger != Trigger::drift) continue;
    ASSERT_EQ(r.sync.objects.size(), 1u);
    EXPECT_EQ(r.sync.objects[0].action, sync::Action::created);
    EXPECT_EQ(r.revision, "main@sha1:" + second);
  }

  // Suspending is a record; resuming is one too, and the reconcile it asks for says resume.
  apply_yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
      "  name: app-0\n  namespace: flux-system\nspec:\n  suspend: true\n",
      "suspender");
  ASSERT_TRUE(eventually([&] {
    for (const ReconcileRecord& r : observer.records("app-0"))
      if (r.trigger == Trigger::suspend) return true;
    return false;
  }));
  apply_yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
      "  name: app-0\n  namespace: flux-system\nspec:\n  suspend: false\n",
      "suspender");
  ASSERT_TRUE(eventually([&] {
    for (const ReconcileRecord& r : observer.records("app-0"))
      if (r.trigger == Trigger::resume) return true;
    return false;
  }));
}

}  // namespace
}  // namespace plumb::controller
