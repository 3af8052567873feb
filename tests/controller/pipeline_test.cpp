// The reconcile pipeline, step by step and whole: the status builders (pure, with a fixed
// time), the empty-render guard, and a second, toy kind — a fixed list of objects, no git, no
// kustomize — driven through plan, apply, prune and health against the embedded API server.
#include "controller/pipeline.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "controller/status.hpp"
#include "core/conditions.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::controller {
namespace {

ObjectRef config_map_ref(std::string name) {
  return ObjectRef{"", "v1", "ConfigMap", "toy", std::move(name)};
}

Node object(std::string_view yaml) {
  return parse_yaml(yaml, "test").value();
}

std::string condition(const Node& status, std::string_view type) {
  const Node* c = find_condition(status, type);
  if (!c) return "";
  return std::string(c->string_at({"status"})) + " " + std::string(c->string_at({"reason"})) +
         ": " + std::string(c->string_at({"message"}));
}

// ---- status, from outcomes alone ---------------------------------------------------------

const char* k_kustomization =
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
    "metadata: {name: apps, namespace: flux-system, generation: 3,\n"
    "  annotations: {reconcile.fluxcd.io/requestedAt: token-1}}\n"
    "status:\n  lastAppliedRevision: main@sha1:old\n"
    "  inventory: {entries: [{id: toy_a__ConfigMap, v: v1}]}\n";

TEST(KustomizationStatus, SucceededIsReadyTrueWithTheNewInventory) {
  Outcome outcome{.reason = Reason::succeeded, .revision = "main@sha1:new"};
  outcome.inventory = std::vector<ObjectRef>{config_map_ref("b"), config_map_ref("a")};
  Node status = kustomization_status(object(k_kustomization), outcome, "2026-12-02T10:00:00Z");
  EXPECT_EQ(condition(status, "Ready"),
            "True ReconciliationSucceeded: Applied revision: main@sha1:new");
  EXPECT_EQ(status.string_at({"lastAppliedRevision"}), "main@sha1:new");
  EXPECT_EQ(status.string_at({"lastAttemptedRevision"}), "main@sha1:new");
  EXPECT_EQ(status.string_at({"lastHandledReconcileAt"}), "token-1");
  EXPECT_EQ(status.at_path({"observedGeneration"})->as_int(), 3);
  EXPECT_EQ(
      to_json(*status.find("inventory")),
      R"({"entries":[{"id":"toy_a__ConfigMap","v":"v1"},{"id":"toy_b__ConfigMap","v":"v1"}]})");
}

TEST(KustomizationStatus, AFailureKeepsWhatWasAppliedBefore) {
  Outcome outcome = Outcome::failure(Reason::build_failed, Error("kustomization.yaml: bad"));
  outcome.revision = "main@sha1:new";
  Node status = kustomization_status(object(k_kustomization), outcome, "2026-12-02T10:00:00Z");
  EXPECT_EQ(condition(status, "Ready"), "False BuildFailed: kustomization.yaml: bad");
  EXPECT_EQ(status.string_at({"lastAppliedRevision"}), "main@sha1:old");
  EXPECT_EQ(status.string_at({"lastAttemptedRevision"}), "main@sha1:new");
  Node after = object(k_kustomization);
  after.set("status", status);
  ASSERT_EQ(inventory_refs(after).size(), 1u);
  EXPECT_EQ(inventory_refs(after)[0].display(), "ConfigMap/toy/a");
}

TEST(KustomizationStatus, ProgressingIsReadyUnknownAndReconciling) {
  Outcome outcome{.reason = Reason::progressing, .revision = "main@sha1:new"};
  Node status = kustomization_status(object(k_kustomization), outcome, "2026-12-02T10:00:00Z");
  EXPECT_EQ(condition(status, "Ready"), "Unknown Progressing: Reconciliation in progress");
  EXPECT_EQ(condition(status, "Reconciling"),
            "True Progressing: Health check in progress for revision main@sha1:new");
  EXPECT_EQ(status.find("lastHandledReconcileAt"), nullptr);  // not done yet
  // Done: Reconciling goes away.
  Node done = object(k_kustomization);
  done.set("status", status);
  Node after =
      kustomization_status(done, Outcome{.revision = "main@sha1:new"}, "2026-12-02T10:01:00Z");
  EXPECT_EQ(find_condition(after, "Reconciling"), nullptr);
  EXPECT_EQ(condition(after, "Ready"),
            "True ReconciliationSucceeded: Applied revision: main@sha1:new");
}

TEST(KustomizationStatus, LastTransitionTimeMovesOnlyWithTheStatus) {
  Node ks = object(k_kustomization);
  Outcome failed = Outcome::failure(Reason::build_failed, Error("one"));
  ks.set("status", kustomization_status(ks, failed, "2026-12-02T10:00:00Z"));
  failed.error = Error("two");
  ks.set("status", kustomization_status(ks, failed, "2026-12-02T10:05:00Z"));
  EXPECT_EQ(find_condition(*ks.find("status"), "Ready")->string_at({"lastTransitionTime"}),
            "2026-12-02T10:00:00Z");
  ks.set("status", kustomization_status(ks, Outcome{}, "2026-12-02T10:09:00Z"));
  EXPECT_EQ(find_condition(*ks.find("status"), "Ready")->string_at({"lastTransitionTime"}),
            "2026-12-02T10:09:00Z");
}

TEST(KustomizationStatus, FieldsPlumbDoesNotActOnAreNamedInACondition) {
  Outcome outcome{.reason = Reason::succeeded, .revision = "main@sha1:new"};
  outcome.ignored_fields = {"spec.healthCheckExprs", "spec.namedPatches"};
  Node ks = object(k_kustomization);
  ks.set("status", kustomization_status(ks, outcome, "2026-12-02T10:00:00Z"));
  EXPECT_EQ(condition(*ks.find("status"), "FieldsIgnored"),
            "True UnsupportedField: Plumb does not act on spec.healthCheckExprs, "
            "spec.namedPatches yet");
  outcome.ignored_fields.clear();  // the fields were removed
  Node after = kustomization_status(ks, outcome, "2026-12-02T10:01:00Z");
  EXPECT_EQ(find_condition(after, "FieldsIgnored"), nullptr);
}

TEST(Inventory, RoundTripsThroughStatus) {
  std::vector<ObjectRef> refs{ObjectRef{"apps", "v1", "Deployment", "web", "api"},
                              ObjectRef{"", "v1", "Namespace", "", "web"}};
  Node ks = Node::map();
  ks["status"].set("inventory", inventory_node(refs));
  std::vector<ObjectRef> back = inventory_refs(ks);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].display(), "Namespace/web");
  EXPECT_EQ(back[1], refs[0]);
}

// ---- the empty-render guard --------------------------------------------------------------

TEST(RefuseEmpty, AnEmptyRenderNeverPrunesAWholeInventory) {
  Target target;
  target.prune = sync::Prune::yes;
  target.inventory = {config_map_ref("a"), config_map_ref("b")};
  auto refused = Pipeline::refuse_empty(target, sync::Plan{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, Reason::empty_render);
  EXPECT_NE(refused.error().error.message().find("all 2 objects"), std::string::npos);

  target.allow_empty = AllowEmpty::yes;  // the annotation
  EXPECT_TRUE(Pipeline::refuse_empty(target, sync::Plan{}));
  target.allow_empty = AllowEmpty::no;
  target.prune = sync::Prune::no;  // nothing would be deleted
  EXPECT_TRUE(Pipeline::refuse_empty(target, sync::Plan{}));
  target.prune = sync::Prune::yes;
  target.inventory.clear();  // nothing applied before
  EXPECT_TRUE(Pipeline::refuse_empty(target, sync::Plan{}));
}

// ---- a second kind through the whole pipeline ---------------------------------------------

// The toy kind: its "render" is a fixed list of ConfigMaps; its status is the inventory.
struct ToyKind {
  std::vector<std::string> names;
  std::vector<ObjectRef> inventory;

  std::vector<Node> render() const {
    std::vector<Node> out;
    for (const std::string& n : names)
      out.push_back(object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + n +
                           ", namespace: toy}\ndata: {k: v}\n"));
    return out;
  }
  Target target() const {
    Target t;
    t.owner = ObjectRef{"example.com", "v1", "Toy", "toy", "one"};
    t.labels = {{"toy.example.com/name", "one"}};
    t.inventory = inventory;
    t.prune = sync::Prune::yes;
    t.wait_for = WaitFor::all_applied;
    t.timeout = std::chrono::seconds(20);
    return t;
  }
  Outcome reconcile(const Pipeline& pipeline) {
    Outcome outcome = pipeline.run(target(), render(), HealthMode::inline_wait);
    if (outcome.inventory) inventory = *outcome.inventory;  // its "status"
    return outcome;
  }
};

class PipelineTest : public testing::Test {
 protected:
  void SetUp() override {
    m_dir = testing::TempDir() + "pipeline-" + std::to_string(::getpid());
    std::filesystem::create_directories(m_dir);
    auto started = localcluster::Cluster::start({.port = 0, .kubeconfig = m_dir + "/kubeconfig"});
    ASSERT_TRUE(started) << started.error().message();
    cluster = std::move(*started);
    client = kube::Client::connect({.kubeconfig = m_dir + "/kubeconfig"}).value();
    Node ns = object("apiVersion: v1\nkind: Namespace\nmetadata: {name: toy}\n");
    ASSERT_TRUE(client->apply(kube::Resource{"", "v1", "Namespace", "namespaces", false}, ns,
                              "test", kube::Force::yes, kube::DryRun::no));
  }
  void TearDown() override {
    client.reset();
    if (cluster) cluster->stop();
    std::filesystem::remove_all(m_dir);
  }
  std::optional<Node> config_map(const std::string& name) {
    return client->get(kube::Resource{"", "v1", "ConfigMap", "configmaps", true}, "toy", name)
        .value();
  }

  std::string m_dir;
  std::unique_ptr<localcluster::Cluster> cluster;
  std::unique_ptr<kube::Client> client;
};

TEST_F(PipelineTest, ASecondKindAppliesPrunesAndWaitsThroughTheSamePipeline) {
  std::vector<std::string> applied_hook;
  Pipeline pipeline(*client, nullptr,
                    [&](const ObjectRef& owner, const sync::Plan& plan, const DriftWatch&) {
                      applied_hook.push_back(owner.display() + " " +
                                             std::to_string(sync::all_objects(plan).size()));
                    });
  ToyKind toy{{"a", "b"}, {}};
  Outcome first = toy.reconcile(pipeline);
  ASSERT_EQ(first.reason, Reason::succeeded) << first.error.message();
  EXPECT_EQ(first.sync.summary(), "2 created");
  ASSERT_TRUE(config_map("a"));
  EXPECT_EQ(config_map("a")->string_at({"metadata", "labels", "toy.example.com/name"}), "one");
  EXPECT_EQ(applied_hook, std::vector<std::string>{"Toy/toy/one 2"});

  toy.names = {"a"};
  Outcome second = toy.reconcile(pipeline);
  ASSERT_EQ(second.reason, Reason::succeeded) << second.error.message();
  EXPECT_EQ(second.sync.summary(), "1 unchanged, 1 deleted");
  EXPECT_FALSE(config_map("b"));
  ASSERT_TRUE(second.inventory);
  EXPECT_EQ(second.inventory->size(), 1u);

  // Nothing rendered: refused, and nothing deleted.
  toy.names = {};
  Outcome empty = toy.reconcile(pipeline);
  EXPECT_EQ(empty.reason, Reason::empty_render);
  EXPECT_TRUE(config_map("a"));
  EXPECT_EQ(toy.inventory.size(), 1u);
}

// With record_diffs, every created, configured and deleted object carries the diff `plumb
// diff` would print for it — a Secret's values masked, in the diff and anywhere else.
TEST_F(PipelineTest, RecordedDiffsShowWhatChangedAndMaskSecretValues) {
  Pipeline pipeline(*client, nullptr, {});
  pipeline.set_record_diffs(true);
  Target target = ToyKind{}.target();
  target.wait_for = WaitFor::listed;
  auto objects = [](std::string_view color) {
    return std::vector<Node>{
        object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: toy}\n"
               "data: {color: " +
               std::string(color) + "}\n"),
        object("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: toy}\n"
               "stringData: {password: hunter2-" +
               std::string(color) + "}\n")};
  };
  Outcome first = pipeline.run(target, objects("blue"), HealthMode::inline_wait);
  ASSERT_EQ(first.reason, Reason::succeeded) << first.error.message();
  ASSERT_EQ(first.sync.objects.size(), 2u);
  for (const sync::ObjectResult& r : first.sync.objects) {
    EXPECT_EQ(r.action, sync::Action::created);
    EXPECT_NE(r.diff.find("+++ merged/" + r.ref.display()), std::string::npos) << r.diff;
  }
  target.inventory = *first.inventory;
  Outcome second = pipeline.run(target, objects("green"), HealthMode::inline_wait);
  ASSERT_EQ(second.reason, Reason::succeeded) << second.error.message();
  std::string all;
  for (const sync::ObjectResult& r : second.sync.objects) {
    EXPECT_EQ(r.action, sync::Action::configured) << r.ref.display();
    all += r.diff;
  }
  EXPECT_NE(all.find("-  color: blue\n+  color: green\n"), std::string::npos) << all;
  EXPECT_NE(all.find("password: '*** (before)'"), std::string::npos) << all;
  EXPECT_NE(all.find("password: '*** (after)'"), std::string::npos) << all;
  for (std::string_view secret : {"hunter2", "aHVudGVyMi1ibHVl", "aHVudGVyMi1ncmVlbg"})
    EXPECT_EQ((all + first.sync.objects[1].diff).find(secret), std::string::npos) << secret;
  // Pruned: the diff of its removal.
  target.inventory = *second.inventory;
  Outcome third = pipeline.run(target, {objects("green")[0]}, HealthMode::inline_wait);
  ASSERT_EQ(third.reason, Reason::succeeded) << third.error.message();
  ASSERT_EQ(third.sync.objects.size(), 2u);
  EXPECT_EQ(third.sync.objects[0].diff, "") << "unchanged: no diff";
  EXPECT_EQ(third.sync.objects[1].action, sync::Action::deleted);
  EXPECT_NE(third.sync.objects[1].diff.find("+++ /dev/null"), std::string::npos);
  EXPECT_EQ(third.sync.objects[1].diff.find("hunter2"), std::string::npos);
  // Without record_diffs, nothing.
  pipeline.set_record_diffs(false);
  Outcome fourth = pipeline.run(target, objects("red"), HealthMode::inline_wait);
  for (const sync::ObjectResult& r : fourth.sync.objects)
    EXPECT_EQ(r.diff, "");
}

TEST_F(PipelineTest, ARejectedObjectIsNamedWithTheServersWords) {
  Pipeline pipeline(*client, nullptr, {});
  Target target = ToyKind{}.target();
  std::vector<Node> objects{
      object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: toy}\n"),
      object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: nowhere}\n")};
  Outcome outcome = pipeline.run(target, std::move(objects), HealthMode::inline_wait);
  EXPECT_EQ(outcome.reason, Reason::reconciliation_failed);
  EXPECT_NE(outcome.error.message().find("ConfigMap/nowhere/bad"), std::string::npos)
      << outcome.error.message();
  EXPECT_FALSE(outcome.inventory);  // a failed apply changes no inventory, prunes nothing
}

TEST_F(PipelineTest, DeferredHealthLeavesTheWaitToTheCaller) {
  Pipeline pipeline(*client, nullptr, {});
  ToyKind toy{{"a"}, {}};
  Outcome outcome = pipeline.run(toy.target(), toy.render(), HealthMode::deferred);
  ASSERT_EQ(outcome.reason, Reason::progressing) << outcome.error.message();
  ASSERT_EQ(outcome.health.targets.size(), 1u);
  EXPECT_EQ(outcome.health.targets[0].ref.display(), "ConfigMap/toy/a");
  EXPECT_EQ(outcome.health.timeout, std::chrono::seconds(20));
}

// With a cache that follows what was applied (a controller's), the inline wait reads health
// from it without a request; a cached copy older than the applied generation is not taken
// for the applied object, however healthy it looks.
TEST_F(PipelineTest, InlineHealthIsReadFromTheFollowedCacheAtTheAppliedGeneration) {
  const kube::Resource deployments{"apps", "v1", "Deployment", "deployments", true};
  kube::WatchCache cache(*client);
  ASSERT_TRUE(cache.watch(deployments, ""));
  Pipeline pipeline(*client, &cache, {});
  auto deployment = [](int replicas) {
    return object(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: toy}\n"
        "spec:\n  replicas: " +
        std::to_string(replicas) +
        "\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: "
        "web}}\n    spec: {containers: [{name: web, image: nginx}]}\n");
  };
  Target target = ToyKind{}.target();
  target.timeout = std::chrono::seconds(20);
  Outcome first = pipeline.run(target, {deployment(1)}, HealthMode::inline_wait);
  ASSERT_EQ(first.reason, Reason::succeeded) << first.error.message();

  // The cache stops following: it keeps generation 1, healthy. The new spec is generation 2.
  cache.stop();
  target.timeout = std::chrono::seconds(2);
  Outcome second = pipeline.run(target, {deployment(2)}, HealthMode::inline_wait);
  EXPECT_EQ(second.reason, Reason::health_check_failed);
  EXPECT_NE(second.error.message().find("waiting for generation 2"), std::string::npos)
      << second.error.message();
}

TEST_F(PipelineTest, HealthChecksNameTheirObjectsInTheTargetNamespace) {
  Pipeline pipeline(*client, nullptr, {});
  Target target;
  target.default_namespace = "toy";
  target.health_checks = {{"apps/v1", "Deployment", "", "web"}, {"v1", "Namespace", "x", "toy"}};
  auto wait = pipeline.health_targets(target, sync::Plan{});
  ASSERT_TRUE(wait);
  ASSERT_EQ(wait->targets.size(), 2u);
  EXPECT_EQ(wait->targets[0].ref.display(), "Deployment/toy/web");
  EXPECT_EQ(wait->targets[1].ref.display(), "Namespace/toy");  // cluster-scoped
  target.health_checks = {{"example.com/v1", "Nothing", "", "x"}};
  auto unknown = pipeline.health_targets(target, sync::Plan{});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().reason, Reason::reconciliation_failed);
  EXPECT_NE(unknown.error().error.message().find("spec.healthChecks: Nothing x"),
            std::string::npos);
}

}  // namespace
}  // namespace plumb::controller
